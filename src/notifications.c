/*
 * notifications.c
 *		Notifications and alerts: the rows users read through RLS, the NOTIFY
 *		that announces them after commit, and the audience of an alert.
 *
 * A notification is a row of permissions.notifications, written in the
 * transaction of the event (so nothing is lost when nobody listens) through
 * SPI as the extension's owner -- no application role may insert one.  Each
 * is announced with NOTIFY on the channel "permissions", which PostgreSQL
 * delivers only if and when the transaction commits.  The payload carries
 * the id, the user and the kind, never document data, so its size never
 * depends on the row that caused it.
 *
 * The audience of an alert (or, later, of an approval request) is every
 * active user who may do the audience action -- at the row's location when
 * the action has a location rule -- and has not muted the kind.
 */
#include "permissions.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"
#include "access/xact.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(permissions_alert_trigger);
PG_FUNCTION_INFO_V1(permissions_notify_eligible);
PG_FUNCTION_INFO_V1(permissions_notifications_follow_user);

typedef struct NotifyArgs
{
	/* in */
	const char *action;
	bool		has_loc;
	int64		loc;
	const char *kind;
	const char *subject;
	const char *subject_id;
	Jsonb	   *payload;
	bool		(*eligible) (PermUser *u, void *arg);	/* NULL: may do action */
	void	   *eligible_arg;
	/* out */
	int			sent;
} NotifyArgs;

/*
 * Announce one notification after commit
 */
static void
announce(int64 id, const char *user_id, const char *kind)
{
	StringInfoData payload;

	initStringInfo(&payload);
	appendStringInfo(&payload, "{\"id\":" INT64_FORMAT ",\"user\":", id);
	escape_json(&payload, user_id);
	appendStringInfoString(&payload, ",\"kind\":");
	escape_json(&payload, kind);
	appendStringInfoChar(&payload, '}');
	Async_Notify("permissions", payload.data);
}

static int	notify_users_spi(Datum *user_ids, int nusers, const char *kind, const char *subject,
							 const char *subject_id, Jsonb *payload);

/*
 * The roles that give action: an administrator role, or one whose chain
 * has the action's privilege on its area.  Only users holding one of them,
 * globally or by membership, can be in its audience.
 */
static const char **
giving_roles(const PermModel *m, const PermAction *action, int *n)
{
	const char **roles = palloc(sizeof(char *) * (m->nroles + 1));

	*n = 0;
	for (int i = 0; action != NULL && action->feature_enabled && i < m->nroles; i++)
	{
		bool		admin;
		PermPrivileges p = perm_role_privileges(m, m->roles[i].role, action->area, &admin);

		if (admin || (p & action->privilege))
			roles[(*n)++] = m->roles[i].role;
	}
	return roles;
}

static void
notify_eligible_spi(void *arg)
{
	NotifyArgs *a = (NotifyArgs *) arg;
	PermModel  *m = perm_model();
	const PermAction *action = perm_find_action(m, a->action, strlen(a->action));
	int			nroles;
	const char **roles = giving_roles(m, action, &nroles);
	int			ncandidates;
	char	  **candidates = perm_role_holders(roles, nroles, &ncandidates);
	Datum	   *audience = palloc(sizeof(Datum) * (ncandidates + 1));
	int			naudience = 0;

	/* the candidates hold a role that gives the action; decide each exactly */
	for (int i = 0; i < ncandidates; i++)
	{
		PermUser   *u;

		u = perm_lookup_user(candidates[i]);
		if (a->eligible ? !a->eligible(u, a->eligible_arg) :
			!perm_decide(m, u, action, a->action, a->has_loc, a->loc, NULL, NULL, NULL))
			continue;
		audience[naudience++] = CStringGetTextDatum(candidates[i]);
	}
	/* one statement for them all (those who muted the kind are skipped) */
	if (naudience > 0)
		a->sent += notify_users_spi(audience, naudience, a->kind, a->subject, a->subject_id,
									a->payload);
}

/* permissions.notifications as created, for direct writes */
#define NOTIFICATION_NCOLS 9
static const char *const notification_columns[NOTIFICATION_NCOLS] = {
	"notification_id", "user_id", "kind", "subject", "subject_id", "payload",
	"created_at", "read_at", "xact"
};
static const Oid notification_types[NOTIFICATION_NCOLS] = {
	INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, TIMESTAMPTZOID,
	TIMESTAMPTZOID, XID8OID
};
static const bool notification_nullable[NOTIFICATION_NCOLS] = {
	false, false, false, true, true, true, false, true, false
};
static PermDirectTable notifications_table = {"notifications", NOTIFICATION_NCOLS, notification_columns,
notification_types, notification_nullable};

/*
 * Look up one row of rel by equality on the leading (text) columns of its
 * primary key -- users by user_id, subscriptions by (user_id, kind); the
 * tid of the row visible in snapshot, false when there is none
 */
static bool
find_by_key(Relation rel, const char *const *cols, Datum *keys, int nkeys, Snapshot snapshot,
			ItemPointer tid, bool *enabled)
{
	Oid			pk = RelationGetPrimaryKeyIndex(rel);
	ScanKeyData skey[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	if (!OidIsValid(pk))
		elog(ERROR, "relation \"%s\" has no primary key", RelationGetRelationName(rel));
	for (int i = 0; i < nkeys; i++)
	{
		AttrNumber	att = perm_column_number(rel, cols[i], NULL);

		ScanKeyInit(&skey[i], att, BTEqualStrategyNumber, F_TEXTEQ, keys[i]);
		skey[i].sk_collation = TupleDescAttr(RelationGetDescr(rel), att - 1)->attcollation;
	}
	scan = systable_beginscan(rel, pk, true, snapshot, nkeys, skey);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		found = true;
		if (tid)
			*tid = tup->t_self;
		if (enabled)
		{
			bool		isnull;
			Datum		v = heap_getattr(tup, perm_column_number(rel, "enabled", NULL),
										 RelationGetDescr(rel), &isnull);

			*enabled = isnull || DatumGetBool(v);
		}
	}
	systable_endscan(scan);
	return found;
}

/*
 * Lock a user's row FOR KEY SHARE, as a foreign key check (or SELECT ...
 * FOR KEY SHARE) would: waits for a transaction changing it; false when
 * the user is gone or renamed meanwhile (READ COMMITTED), a serialization
 * error when that happened after the snapshot (REPEATABLE READ and up)
 */
static bool
lock_user(Relation users, Datum user_id, Snapshot snapshot, TupleTableSlot *slot)
{
	static const char *const cols[] = {"user_id"};
	ItemPointerData tid;
	TM_FailureData tmfd;
	TM_Result	result;
	int			flags = TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS;

	if (!find_by_key(users, cols, &user_id, 1, snapshot, &tid, NULL))
		return false;
	if (!IsolationUsesXactSnapshot())
		flags |= TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
	result = table_tuple_lock(users, &tid, snapshot, slot, GetCurrentCommandId(true),
							  LockTupleKeyShare, LockWaitBlock, flags, &tmfd);
	switch (result)
	{
		case TM_Ok:
			if (tmfd.traversed)
			{
				/* changed meanwhile: still this user? */
				bool		isnull;
				Datum		now = slot_getattr(slot, perm_column_number(users, "user_id", NULL), &isnull);

				return !isnull && DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID, now, user_id));
			}
			return true;
		case TM_SelfModified:
			/* changed by this very command: as SELECT ... FOR KEY SHARE, skip it */
			return false;
		case TM_Deleted:
		case TM_Updated:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent %s",
								result == TM_Deleted ? "delete" : "update")));
			return false;
		default:
			elog(ERROR, "unexpected result %d locking a user", (int) result);
	}
	return false;
}

/*
 * notify_users_spi without SQL, while permissions.notifications is as the
 * extension made it; -1 when it is not (the caller then uses SQL)
 */
static int
notify_users_direct(Datum *user_ids, int nusers, const char *kind, const char *subject,
					const char *subject_id, Jsonb *payload)
{
	static const char *const sub_cols[] = {"user_id", "kind"};
	Relation	rel = perm_direct_open(&notifications_table);
	Relation	users;
	Relation	subs;
	Snapshot	snapshot;
	TupleTableSlot *slot;
	Datum		kind_text = CStringGetTextDatum(kind);
	Datum		values[NOTIFICATION_NCOLS];
	bool		nulls[NOTIFICATION_NCOLS];
	int			sent = 0;

	if (!notifications_table.direct)
	{
		table_close(rel, NoLock);
		return -1;
	}
	/* the locks SELECT ... FOR KEY SHARE and a plain read take */
	users = table_open(get_relname_relid("users", RelationGetNamespace(rel)), RowShareLock);
	subs = table_open(get_relname_relid("subscriptions", RelationGetNamespace(rel)), AccessShareLock);
	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	slot = table_slot_create(users, NULL);

	/* what every notification of the batch shares */
	memset(nulls, false, sizeof(nulls));
	values[2] = kind_text;
	values[3] = subject ? CStringGetTextDatum(subject) : (Datum) 0;
	nulls[3] = subject == NULL;
	values[4] = subject_id ? CStringGetTextDatum(subject_id) : (Datum) 0;
	nulls[4] = subject_id == NULL;
	values[5] = PointerGetDatum(payload);
	nulls[5] = payload == NULL;
	nulls[7] = true;			/* read_at */

	for (int i = 0; i < nusers; i++)
	{
		Datum		sub_keys[2] = {user_ids[i], kind_text};
		bool		enabled;
		int64		id;

		/* muted this kind? */
		if (find_by_key(subs, sub_cols, sub_keys, 2, snapshot, NULL, &enabled) && !enabled)
			continue;
		if (!lock_user(users, user_ids[i], snapshot, slot))
			continue;
		values[1] = user_ids[i];
		values[6] = TimestampTzGetDatum(GetCurrentTimestamp());
		values[8] = FullTransactionIdGetDatum(GetTopFullTransactionId());
		id = perm_direct_insert(&notifications_table, rel, values, nulls);
		announce(id, TextDatumGetCString(user_ids[i]), kind);
		sent++;
	}
	ExecDropSingleTupleTableSlot(slot);
	UnregisterSnapshot(snapshot);
	table_close(subs, NoLock);
	table_close(users, NoLock);
	table_close(rel, NoLock);
	return sent;
}

static SPIPlanPtr insert_plan = NULL;

/*
 * Write one notification to each of users (SPI connected, as the owner),
 * except to those who muted the kind or no longer exist, and announce
 * each; returns how many were written.  Directly (notify_users_direct)
 * while the table is as the extension made it, else by one statement.
 *
 * Either way each user's row is locked FOR KEY SHARE, as a foreign key
 * check would lock it: the user cannot be deleted or renamed until this
 * transaction ends, and then takes the notification along (see
 * permissions_notifications_follow_user).  The table declares no foreign
 * key: its check of every row would cost more than the notification.
 */
static int
notify_users_spi(Datum *user_ids, int nusers, const char *kind, const char *subject,
				 const char *subject_id, Jsonb *payload)
{
	Oid			types[5] = {TEXTARRAYOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		values[5];
	char		nulls[5];
	uint64		n;
	int			sent = notify_users_direct(user_ids, nusers, kind, subject, subject_id, payload);

	if (sent >= 0)
		return sent;

	values[0] = PointerGetDatum(construct_array(user_ids, nusers, TEXTOID, -1, false, TYPALIGN_INT));
	nulls[0] = ' ';
	values[1] = CStringGetTextDatum(kind);
	nulls[1] = ' ';
	values[2] = subject ? CStringGetTextDatum(subject) : (Datum) 0;
	nulls[2] = subject ? ' ' : 'n';
	values[3] = subject_id ? CStringGetTextDatum(subject_id) : (Datum) 0;
	nulls[3] = subject_id ? ' ' : 'n';
	values[4] = PointerGetDatum(payload);
	nulls[4] = payload ? ' ' : 'n';
	if (insert_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(
											  "INSERT INTO permissions.notifications (user_id, kind, subject, subject_id, payload)"
											  " SELECT u.user_id, $2, $3, $4, $5"
											  "   FROM pg_catalog.unnest($1) WITH ORDINALITY AS t (user_id, n),"
											  "   LATERAL (SELECT u.user_id FROM permissions.users u"
											  "    WHERE u.user_id OPERATOR(pg_catalog.=) (t.user_id COLLATE \"C\")"
											  "    FOR KEY SHARE) u"
											  "  WHERE NOT EXISTS (SELECT FROM permissions.subscriptions s"
											  "   WHERE s.user_id OPERATOR(pg_catalog.=) u.user_id"
											  "     AND s.kind OPERATOR(pg_catalog.=) $2 AND NOT s.enabled)"
											  "  ORDER BY t.n"
											  " RETURNING notification_id, user_id",
											  5, types, CURSOR_OPT_GENERIC_PLAN);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare the notification insert");
		insert_plan = plan;
	}
	if (SPI_execute_plan(insert_plan, values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not write a notification");
	n = SPI_processed;
	for (uint64 i = 0; i < n; i++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1,
													 &isnull));

		announce(id, SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2), kind);
	}
	return (int) n;
}

/*
 * Notify every active, subscribed user who may do action (at loc); the
 * entry point for alerts.  Returns how many were sent.
 */
int
perm_notify_eligible(const char *action, bool has_loc, int64 loc, const char *kind,
					 const char *subject, const char *subject_id, Jsonb *payload)
{
	NotifyArgs	a;

	memset(&a, 0, sizeof(a));
	a.action = action;
	a.has_loc = has_loc;
	a.loc = loc;
	a.kind = kind;
	a.subject = subject;
	a.subject_id = subject_id;
	a.payload = payload;
	perm_as_owner(notify_eligible_spi, &a);
	return a.sent;
}

/*
 * Notify every active, subscribed user who holds a role giving action and
 * for whom eligible(user, arg) holds (approvals: the approvers of a level);
 * returns how many were sent
 */
int
perm_notify_users(const char *action, bool (*eligible) (PermUser *u, void *arg), void *arg,
				  const char *kind, const char *subject, const char *subject_id, Jsonb *payload)
{
	NotifyArgs	a;

	memset(&a, 0, sizeof(a));
	a.action = action;
	a.eligible = eligible;
	a.eligible_arg = arg;
	a.kind = kind;
	a.subject = subject;
	a.subject_id = subject_id;
	a.payload = payload;
	perm_as_owner(notify_eligible_spi, &a);
	return a.sent;
}

typedef struct NotifyOne
{
	const char *user_id;
	const char *kind;
	const char *subject;
	const char *subject_id;
	Jsonb	   *payload;
	bool		sent;
} NotifyOne;

static void
notify_one_spi(void *arg)
{
	NotifyOne  *n = (NotifyOne *) arg;

	Datum		user_id = CStringGetTextDatum(n->user_id);

	n->sent = notify_users_spi(&user_id, 1, n->kind, n->subject, n->subject_id, n->payload) > 0;
}

/*
 * Notify one user (approvals: the requester of a decision), unless they
 * muted the kind; true when sent
 */
bool
perm_notify_user(const char *user_id, const char *kind, const char *subject,
				 const char *subject_id, Jsonb *payload)
{
	NotifyOne	n = {user_id, kind, subject, subject_id, payload, false};

	perm_as_owner(notify_one_spi, &n);
	return n.sent;
}

/*
 * SQL: permissions._notify_eligible(action, location, kind, subject,
 * subject_id, payload) -- for run_due_alerts() (owner only)
 */
Datum
permissions_notify_eligible(PG_FUNCTION_ARGS)
{
	bool		has_loc = !PG_ARGISNULL(1);

	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(perm_notify_eligible(text_to_cstring(PG_GETARG_TEXT_PP(0)), has_loc,
										 has_loc ? PG_GETARG_INT64(1) : 0,
										 text_to_cstring(PG_GETARG_TEXT_PP(2)),
										 PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3)),
										 PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4)),
										 PG_ARGISNULL(5) ? NULL : PG_GETARG_JSONB_P(5)));
}

/*
 * The alert_when() trigger: the row newly satisfies the rule's condition
 * (the trigger's WHEN clause decided that); tell the audience.
 *
 * Arguments: rule_id, kind, audience_action, location_column or ''.
 */
Datum
permissions_alert_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;
	HeapTuple	row;
	bool		has_loc = false;
	int64		loc = 0;
	char	   *key;
	char	   *object;
	StringInfoData payload;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.alert_trigger must be fired AFTER ... FOR EACH ROW")));
	trigger = trigdata->tg_trigger;
	if (trigger->tgnargs != 4)
		elog(ERROR, "permissions.alert_trigger: wrong trigger arguments");

	/* a dump being loaded brings its notifications with it */
	if (perm_loading_dump())
		return PointerGetDatum(NULL);
	rel = trigdata->tg_relation;
	row = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;

	if (trigger->tgargs[3][0] != '\0')
	{
		AttrNumber	attnum = perm_column_number(rel, trigger->tgargs[3], NULL);

		has_loc = perm_row_location(rel, row, attnum, &loc);
	}

	key = perm_activity_row_key_text(rel, row);
	object = perm_relation_name(RelationGetRelid(rel));
	initStringInfo(&payload);
	appendStringInfo(&payload, "{\"rule\": %s, \"table\": ", trigger->tgargs[0]);
	escape_json(&payload, object);
	appendStringInfo(&payload, ", \"row\": %s}", key[0] == '{' ? key : "null");

	(void) perm_notify_eligible(trigger->tgargs[2], has_loc, loc, trigger->tgargs[1],
								object, key,
								DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
																   CStringGetDatum(payload.data))));
	return PointerGetDatum(NULL);
}

typedef struct FollowArgs
{
	const char *sql;
	int			nargs;
	Datum		values[2];
} FollowArgs;

static void
follow_spi(void *arg)
{
	FollowArgs *f = (FollowArgs *) arg;
	Oid			types[2] = {TEXTOID, TEXTOID};
	SPIPlanPtr	plan = SPI_prepare(f->sql, f->nargs, types);
	Snapshot	test = InvalidSnapshot;
	Snapshot	crosscheck = InvalidSnapshot;

	if (plan == NULL)
		elog(ERROR, "could not prepare \"%s\"", f->sql);

	/*
	 * As a foreign key's cascade looks: under REPEATABLE READ and
	 * SERIALIZABLE at the latest snapshot, failing with a serialization
	 * error on a row the transaction's own snapshot cannot see
	 */
	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		test = GetLatestSnapshot();
		crosscheck = GetTransactionSnapshot();
	}
	if (SPI_execute_snapshot(plan, f->values, NULL, test, crosscheck, false, false, 0) < 0)
		elog(ERROR, "could not run \"%s\"", f->sql);
}

/*
 * permissions.users AFTER DELETE OR UPDATE OF user_id (per row) and AFTER
 * TRUNCATE (per statement): a user's notifications go with the user, as
 * ON DELETE / ON UPDATE CASCADE would take them.  Written as the owner:
 * the policies let others touch only their own notifications.
 */
Datum
permissions_notifications_follow_user(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	FollowArgs	f;

	/* it deletes and moves notifications as the owner: on users only */
	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		RelationGetRelid(trigdata->tg_relation) !=
		get_relname_relid("users", get_namespace_oid("permissions", false)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.notifications_follow_user must be fired AFTER a change of permissions.users")));
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
	{
		f.sql = "DELETE FROM permissions.notifications";
		f.nargs = 0;
	}
	else
	{
		Relation	rel = trigdata->tg_relation;
		AttrNumber	attnum = perm_column_number(rel, "user_id", NULL);
		bool		isnull;

		if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
			return PointerGetDatum(NULL);
		f.values[0] = heap_getattr(trigdata->tg_trigtuple, attnum, RelationGetDescr(rel), &isnull);
		if (isnull)
			return PointerGetDatum(NULL);
		if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		{
			f.sql = "DELETE FROM permissions.notifications WHERE user_id OPERATOR(pg_catalog.=) $1";
			f.nargs = 1;
		}
		else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		{
			f.values[1] = heap_getattr(trigdata->tg_newtuple, attnum, RelationGetDescr(rel), &isnull);
			if (isnull || DatumGetBool(DirectFunctionCall2Coll(texteq, C_COLLATION_OID,
																	   f.values[0], f.values[1])))
				return PointerGetDatum(NULL);
			f.sql = "UPDATE permissions.notifications SET user_id = $2 WHERE user_id OPERATOR(pg_catalog.=) $1";
			f.nargs = 2;
		}
		else
			return PointerGetDatum(NULL);
	}
	perm_as_owner(follow_spi, &f);
	return PointerGetDatum(NULL);
}
