/*
 * locks.c
 *		Locked records: lock_completed() and lock_before().
 *
 * One C trigger function serves both rules (BEFORE ... FOR EACH ROW, and
 * BEFORE TRUNCATE per statement; ENABLE ALWAYS, so session_replication_role
 * cannot switch it off).  Trigger arguments:
 *
 *	completed: 'completed', status_column, override_action, location_column
 *			   or '', then the locked statuses
 *	before:    'before', date_column, area, override_action, location_column
 *			   or ''
 *
 * A row is locked when its committed status is a locked one (lock_completed)
 * or its date is on or before the area's lock date (lock_before; no row may
 * be inserted into, or moved into, the closed period either).  "Committed":
 * a row version written by the current transaction is not locked yet, so the
 * transaction that completes a row may still finish its work on it -- unless
 * that version replaced a locked one by an override (see overridden_rows).
 * A concurrent update of a row being completed waits for the row lock and
 * then sees the committed, locked version (READ COMMITTED re-check).  A
 * timestamptz date is dated in permissions.lock_time_zone.
 *
 * Override: the acting user may do override_action (at the row's location
 * when the action has a location rule) and has set permissions.reason; the
 * change goes through and is logged as 'override' with the reason.
 * Otherwise: 55000, naming the table, the row key and the rule.
 */
#include "permissions.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "parser/parse_relation.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "common/hashfn.h"
#include "utils/memutils.h"
#include "storage/proc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(permissions_lock_trigger);

/*
 * permissions.lock_time_zone: the zone in which a timestamptz date column
 * is dated against the lock dates.  Superuser-only, so that a session
 * cannot move the closed period by SET TimeZone.
 */
static char *lock_time_zone_setting = NULL;
static pg_tz *lock_tz = NULL;

static bool
check_lock_time_zone(char **newval, void **extra, GucSource source)
{
	pg_tz	   *tz = pg_tzset(*newval);
	pg_tz	  **keep;

	if (tz == NULL || !pg_tz_acceptable(tz))
	{
		GUC_check_errdetail("Time zone \"%s\" is not recognized.", *newval);
		return false;
	}
	keep = malloc(sizeof(pg_tz *));
	if (keep == NULL)
		return false;
	*keep = tz;					/* pg_tzset's zones live as long as the process */
	*extra = keep;
	return true;
}

static void
assign_lock_time_zone(const char *newval, void *extra)
{
	lock_tz = *(pg_tz **) extra;
}

/*
 * Define the settings of this file
 */
void
perm_locks_init(void)
{
	DefineCustomStringVariable("permissions.lock_time_zone",
							   "The time zone in which timestamptz columns are dated against lock dates.",
							   "lock_before() compares the date of a timestamp with time zone in this zone, "
							   "whatever the session's TimeZone. Only superusers may set it.",
							   &lock_time_zone_setting,
							   "UTC",
							   PGC_SUSET,
							   0,
							   check_lock_time_zone,
							   assign_lock_time_zone,
							   NULL);
}

/*
 * The date of t in permissions.lock_time_zone
 */
static DateADT
lock_date_of(TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (TIMESTAMP_IS_NOBEGIN(t))
		return DATEVAL_NOBEGIN;
	if (TIMESTAMP_IS_NOEND(t))
		return DATEVAL_NOEND;
	if (timestamp2tm(t, &tzoff, &tm, &fsec, NULL, lock_tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/*
 * The column number of a trigger argument naming a column; 0 for ''
 */
static AttrNumber
column_arg(Relation rel, const char *name)
{
	AttrNumber	attnum;

	if (name[0] == '\0')
		return InvalidAttrNumber;
	attnum = perm_column_number(rel, name,
								"permissions.lock_completed() or permissions.lock_before()");

	/*
	 * A stored generated column is computed after BEFORE triggers: the new
	 * row's value is not there to check (lock_before() refuses such a column;
	 * this catches one made generated later)
	 */
	if (TupleDescAttr(RelationGetDescr(rel), attnum - 1)->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("column \"%s\" of relation %s is a generated column, which a lock cannot check",
						name, perm_relation_name(RelationGetRelid(rel))),
				 errhint("Lock on the columns it is computed from, or drop the lock with permissions.unlock().")));
	return attnum;
}

/*
 * Was this row version written by the current transaction?
 */
static bool
written_by_us(HeapTuple tup)
{
	return TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetRawXmin(tup->t_data));
}

/*
 * Are a and b equal once trailing spaces are ignored?
 */
static bool
same_but_trailing_spaces(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);

	while (la > 0 && a[la - 1] == ' ')
		la--;
	while (lb > 0 && b[lb - 1] == ' ')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/*
 * Is the row's status one of the locked ones?  Text statuses are compared
 * as text (char(n) without its padding; under a nondeterministic collation
 * by that collation); a status of another type is compared with its type's
 * = to each locked status read as a value of that type (lock_completed()
 * checked they are), so that a citext "COMPLETED" is "completed", as 3 is
 * '03'
 */
static bool
status_locked(Relation rel, Trigger *trigger, HeapTuple tup, char **status_out)
{
	AttrNumber	attnum = column_arg(rel, trigger->tgargs[1]);
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull;
	Datum		value = heap_getattr(tup, attnum, desc, &isnull);
	Oid			typoutput;
	bool		typisvarlena;
	bool		bpchar;
	char	   *status;
	Oid			collation;
	Oid			base;
	Datum		status_text = (Datum) 0;

	if (isnull)
		return false;
	getTypeOutputInfo(TupleDescAttr(desc, attnum - 1)->atttypid, &typoutput, &typisvarlena);
	status = OidOutputFunctionCall(typoutput, value);
	base = getBaseType(TupleDescAttr(desc, attnum - 1)->atttypid);
	/* char(n) pads its text with spaces, which do not count (as in bpchar's =) */
	bpchar = base == BPCHAROID;
	/*
	 * Under a nondeterministic collation (case- or accent-insensitive, say)
	 * the column's = finds "COMPLETED" equal to "completed": so must the
	 * lock, or such a row would escape it
	 */
	collation = TupleDescAttr(desc, attnum - 1)->attcollation;
	if (OidIsValid(collation) && !get_collation_isdeterministic(collation))
		status_text = CStringGetTextDatum(status);
	if (base != TEXTOID && base != VARCHAROID && base != BPCHAROID && base != NAMEOID)
	{
		TypeCacheEntry *tc = lookup_type_cache(base, TYPECACHE_EQ_OPR_FINFO);

		if (OidIsValid(tc->eq_opr_finfo.fn_oid))
		{
			Oid			typinput;
			Oid			typioparam;

			getTypeInputInfo(base, &typinput, &typioparam);
			for (int i = 4; i < trigger->tgnargs; i++)
			{
				Datum		locked = OidInputFunctionCall(typinput, trigger->tgargs[i], typioparam, -1);

				if (DatumGetBool(FunctionCall2Coll(&tc->eq_opr_finfo, collation, value, locked)))
				{
					*status_out = status;
					return true;
				}
			}
			return false;
		}
	}
	for (int i = 4; i < trigger->tgnargs; i++)
	{
		if (status_text != (Datum) 0 ?
			DatumGetBool(DirectFunctionCall2Coll(bpchar ? bpchareq : texteq, collation,
												 CStringGetTextDatum(trigger->tgargs[i]), status_text)) :
			bpchar ? same_but_trailing_spaces(trigger->tgargs[i], status)
			: strcmp(trigger->tgargs[i], status) == 0)
		{
			*status_out = status;
			return true;
		}
	}
	return false;
}

/*
 * The row's date as a date (date, timestamp or timestamptz columns)
 */
static bool
row_date(Relation rel, AttrNumber attnum, HeapTuple tup, DateADT *result)
{
	TupleDesc	desc = RelationGetDescr(rel);
	bool		isnull;
	Datum		value = heap_getattr(tup, attnum, desc, &isnull);

	if (isnull)
		return false;
	switch (getBaseType(TupleDescAttr(desc, attnum - 1)->atttypid))
	{
		case DATEOID:
			*result = DatumGetDateADT(value);
			break;
		case TIMESTAMPOID:
			*result = DatumGetDateADT(DirectFunctionCall1(timestamp_date, value));
			break;
		case TIMESTAMPTZOID:
			*result = lock_date_of(DatumGetTimestampTz(value));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("date column \"%s\" of relation \"%s\" is not a date or timestamp",
							NameStr(TupleDescAttr(desc, attnum - 1)->attname),
							RelationGetRelationName(rel))));
	}
	return true;
}

/*
 * A date as YYYY-MM-DD, whatever the session's DateStyle
 */
static char *
date_text(DateADT d)
{
	struct pg_tm tm;
	char		buf[MAXDATELEN + 1];

	if (DATE_NOT_FINITE(d))
		return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	EncodeDateOnly(&tm, USE_ISO_DATES, buf);
	return pstrdup(buf);
}

/*
 * May the acting user override, for this row?  why gets the reason if not.
 */
static bool
may_override(Relation rel, const char *action, const char *location_column, HeapTuple tup,
			 StringInfo why)
{
	PermModel  *m = perm_model();
	PermUser   *u = perm_acting_user();
	const PermAction *a = perm_find_action(m, action, strlen(action));
	AttrNumber	locattnum = tup ? column_arg(rel, location_column) : InvalidAttrNumber;
	bool		has_loc = false;
	int64		loc = 0;
	StringInfoData decision;

	if (AttributeNumberIsValid(locattnum))
		has_loc = perm_row_location(rel, tup, locattnum, &loc);
	initStringInfo(&decision);
	if (!perm_decide(m, u, a, action, has_loc, loc, NULL, NULL, &decision))
	{
		appendStringInfo(why, "%s.", perm_reason_text(decision.data));
		return false;
	}
	if (perm_identity_reason() == NULL)
	{
		appendStringInfoString(why, "permissions.reason is not set.");
		return false;
	}
	return true;
}

static void
locked_error(Relation rel, HeapTuple tup, const char *rule, const char *action, StringInfo why)
{
	if (tup == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s cannot be truncated: %s", perm_relation_name(RelationGetRelid(rel)), rule),
				 errdetail("To truncate it anyway, act as a user who may do %s (an action without a location rule) and SET permissions.reason; here %s",
						   action, why->data)));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("row %s of table %s is locked: %s",
					perm_activity_row_key_text(rel, tup), perm_relation_name(RelationGetRelid(rel)), rule),
			 errdetail("To change it anyway, act as a user who may do %s%s and SET permissions.reason; here %s",
					   action, " (at the row's location, if the action has a location rule)", why->data)));
}

/*
 * Rows overridden by the current transaction, by table (a partition's
 * root, so that a row moved to another partition is still found) and key.
 * A row version the transaction wrote is not locked itself, but when it
 * replaced a locked one by an override, the committed row is still the
 * locked one: every further change to it in the transaction is an override
 * too (with its own check, reason and entry).  A tree whose root has no
 * primary key (or a generated key column) cannot tell its rows apart:
 * after an override, all its rows this transaction wrote count as
 * overridden.  So do rows overridden in a savepoint later rolled back
 * (failing closed).
 */
typedef struct OverriddenKey
{
	Oid			root;			/* the partition tree's root */
	uint32		hash;			/* of the key image; 0 for the whole tree */
	bool		whole;			/* every row of the tree this transaction wrote */
} OverriddenKey;

typedef struct OverriddenEntry
{
	OverriddenKey key;
	List	   *rows;			/* of OverriddenRow: the key images of that hash */
	char	   *whole_rule;		/* the rule, for a whole-tree entry */
} OverriddenEntry;

typedef struct OverriddenRow
{
	int			len;
	char	   *image;
	char	   *rule;
} OverriddenRow;

static HTAB *overridden_rows = NULL;	/* in TopTransactionContext */
static LocalTransactionId overridden_lxid = InvalidLocalTransactionId;

/*
 * An image of a row's identity: its values of the root's primary key
 * columns (found by name, so that every partition gives the same image),
 * as stored -- never as text, which the session's TimeZone or bytea_output
 * would change.  False when the root has no primary key, or a key column
 * is generated (not yet computed when a BEFORE trigger sees a new row):
 * the whole tree then counts.
 */
static bool
row_image(Relation rel, HeapTuple tup, Oid root, StringInfo image)
{
	Relation	rootrel = root == RelationGetRelid(rel) ? rel : table_open(root, AccessShareLock);
	Oid			pk = RelationGetPrimaryKeyIndex(rootrel);
	TupleDesc	desc = RelationGetDescr(rel);
	bool		ok = OidIsValid(pk);

	if (ok)
	{
		Relation	index = index_open(pk, AccessShareLock);

		for (int i = 0; ok && i < index->rd_index->indnkeyatts; i++)
		{
			AttrNumber	rootatt = index->rd_index->indkey.values[i];
			AttrNumber	att = rootatt <= 0 ? InvalidAttrNumber :
				attnameAttNum(rel, NameStr(TupleDescAttr(RelationGetDescr(rootrel), rootatt - 1)->attname), false);
			Form_pg_attribute a;
			bool		isnull;
			Datum		d;

			if (att <= 0 || TupleDescAttr(desc, att - 1)->attgenerated)
			{
				ok = false;
				break;
			}
			a = TupleDescAttr(desc, att - 1);
			d = heap_getattr(tup, att, desc, &isnull);
			appendStringInfoChar(image, isnull ? 'n' : 'v');
			if (isnull)
				continue;
			if (a->attbyval)
				appendBinaryStringInfo(image, (char *) &d, sizeof(Datum));
			else if (a->attlen > 0)
				appendBinaryStringInfo(image, DatumGetPointer(d), a->attlen);
			else
			{
				struct varlena *v = a->attlen == -1 ? PG_DETOAST_DATUM_PACKED(d) : NULL;
				const char *data = v ? VARDATA_ANY(v) : DatumGetCString(d);
				uint32		len = v ? VARSIZE_ANY_EXHDR(v) : strlen(data);

				appendBinaryStringInfo(image, (char *) &len, sizeof(len));
				appendBinaryStringInfo(image, data, len);
			}
		}
		index_close(index, AccessShareLock);
	}
	if (rootrel != rel)
		table_close(rootrel, AccessShareLock);
	return ok;
}

/*
 * The hash entry of a root and key image (image NULL: the whole tree),
 * made when create; NULL when there is none.  The table goes with its
 * transaction's TopTransactionContext; a new transaction starts afresh.
 */
static OverriddenEntry *
overridden_entry(Oid root, StringInfo image, bool create)
{
	OverriddenKey k;
	OverriddenEntry *e;
	bool		found;

	if (overridden_lxid != MyProc->lxid)
	{
		overridden_rows = NULL;
		overridden_lxid = MyProc->lxid;
	}
	if (overridden_rows == NULL)
	{
		HASHCTL		ctl;

		if (!create)
			return NULL;
		ctl.keysize = sizeof(OverriddenKey);
		ctl.entrysize = sizeof(OverriddenEntry);
		ctl.hcxt = TopTransactionContext;
		overridden_rows = hash_create("permissions overridden rows", 64, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	memset(&k, 0, sizeof(k));
	k.root = root;
	k.whole = image == NULL;
	k.hash = image ? hash_bytes((const unsigned char *) image->data, image->len) : 0;
	e = hash_search(overridden_rows, &k, create ? HASH_ENTER : HASH_FIND, &found);
	if (create && !found)
	{
		e->rows = NIL;
		e->whole_rule = NULL;
	}
	return e;
}

/*
 * The rule a row (by root and key image; NULL: no image) was overridden
 * under in this transaction, or NULL
 */
static const char *
overridden_rule_of(Oid root, StringInfo image)
{
	OverriddenEntry *e = overridden_entry(root, NULL, false);
	ListCell   *lc;

	if (e != NULL)
		return e->whole_rule;
	if (image == NULL || (e = overridden_entry(root, image, false)) == NULL)
		return NULL;
	foreach(lc, e->rows)
	{
		OverriddenRow *r = (OverriddenRow *) lfirst(lc);

		if (r->len == image->len && memcmp(r->image, image->data, image->len) == 0)
			return r->rule;
	}
	return NULL;
}

static void
remember_override(Relation rel, HeapTuple tup, const char *rule)
{
	Oid			root = perm_partition_root(rel);
	StringInfoData image;
	bool		keyed;
	OverriddenEntry *e;
	MemoryContext old;

	initStringInfo(&image);
	keyed = row_image(rel, tup, root, &image);
	if (overridden_rule_of(root, keyed ? &image : NULL) != NULL)
		return;
	e = overridden_entry(root, keyed ? &image : NULL, true);
	old = MemoryContextSwitchTo(TopTransactionContext);
	if (!keyed)
		e->whole_rule = pstrdup(rule);
	else
	{
		OverriddenRow *r = palloc(sizeof(OverriddenRow));

		r->len = image.len;
		r->image = palloc(image.len);
		memcpy(r->image, image.data, image.len);
		r->rule = pstrdup(rule);
		e->rows = lappend(e->rows, r);
	}
	MemoryContextSwitchTo(old);
}

/*
 * The rule a row version this transaction wrote is still under, or NULL
 * (looked up only once the transaction has overridden something)
 */
static const char *
overridden_rule(Relation rel, HeapTuple tup)
{
	Oid			root;
	StringInfoData image;

	if (overridden_lxid != MyProc->lxid || overridden_rows == NULL)
		return NULL;
	root = perm_partition_root(rel);
	initStringInfo(&image);
	return overridden_rule_of(root, row_image(rel, tup, root, &image) ? &image : NULL);
}

/*
 * The override action and (unless location_column is NULL) the location
 * column ('' for none) among a lock trigger's arguments (see the layout
 * above)
 */
static void
override_args(Trigger *trigger, const char **action, const char **location_column)
{
	bool		completed = strcmp(trigger->tgargs[0], "completed") == 0;

	*action = completed ? trigger->tgargs[2] : trigger->tgargs[3];
	if (location_column != NULL)
		*location_column = completed ? trigger->tgargs[3] : trigger->tgargs[4];
}

/*
 * Check one row image against the rule; error unless unlocked or overridden.
 * Returns true when the change goes through as an override; *rule_out then
 * names the rule.
 */
static bool
check_row(Relation rel, Trigger *trigger, HeapTuple tup, bool closed_period_insert,
		  char **rule_out)
{
	bool		completed = strcmp(trigger->tgargs[0], "completed") == 0;
	const char *action;
	const char *location_column;
	const char *earlier = NULL;
	StringInfoData rule;
	StringInfoData why;

	override_args(trigger, &action, &location_column);
	initStringInfo(&rule);
	if (!closed_period_insert && written_by_us(tup))
	{
		earlier = overridden_rule(rel, tup);
		if (earlier == NULL)
			return false;		/* not locked yet: written by this transaction */
		appendStringInfo(&rule, "%s (overridden earlier in this transaction)", earlier);
	}
	else if (completed)
	{
		char	   *status;

		if (!status_locked(rel, trigger, tup, &status))
			return false;
		appendStringInfo(&rule, "lock_completed: %s is \"%s\"", trigger->tgargs[1], status);
	}
	else
	{
		DateADT		until = perm_area_locked_until(perm_model(), trigger->tgargs[2]);
		DateADT		d;

		if (until == DATEVAL_NOBEGIN)
			return false;		/* the area has no lock date */
		if (!row_date(rel, column_arg(rel, trigger->tgargs[1]), tup, &d) || d > until)
			return false;
		appendStringInfo(&rule, "lock_before: %s %s is on or before the lock date %s of area %s%s",
						 trigger->tgargs[1], date_text(d), date_text(until), trigger->tgargs[2],
						 closed_period_insert ? " (the period is closed)" : "");
	}

	initStringInfo(&why);
	if (!may_override(rel, action, location_column, tup, &why))
		locked_error(rel, tup, rule.data, action, &why);
	/* the rule itself, which the row stays under (said once in messages) */
	*rule_out = earlier != NULL ? pstrdup(earlier) : rule.data;
	return true;
}

Datum
permissions_lock_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	Relation	rel;
	bool		completed;
	bool		override = false;
	char	   *rule = NULL;
	HeapTuple	result;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.lock_trigger must be fired BEFORE")));
	trigger = trigdata->tg_trigger;
	rel = trigdata->tg_relation;
	if (trigger->tgnargs < 5)
		elog(ERROR, "permissions.lock_trigger: wrong trigger arguments");
	completed = strcmp(trigger->tgargs[0], "completed") == 0;

	/* rows of a dump being loaded were accepted when first written */
	if (perm_loading_dump())
		return TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event) ? PointerGetDatum(NULL) :
			PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
							trigdata->tg_newtuple : trigdata->tg_trigtuple);

	/* TRUNCATE: an override of the whole table, without a location */
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
	{
		const char *action;
		StringInfoData why;

		override_args(trigger, &action, NULL);
		/* a lock_before table whose area has no lock date has nothing closed */
		if (!completed &&
			perm_area_locked_until(perm_model(), trigger->tgargs[2]) == DATEVAL_NOBEGIN)
			return PointerGetDatum(NULL);
		initStringInfo(&why);
		if (!may_override(rel, action, "", NULL, &why))
			locked_error(rel, NULL, completed ? "lock_completed: it may hold locked rows"
						 : "lock_before: it may hold rows of closed periods", action, &why);
		perm_activity_append("override", perm_relation_name(RelationGetRelid(rel)), NULL, NULL,
							 NULL, perm_identity_reason());
		return PointerGetDatum(NULL);
	}

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		/* only closed periods refuse new rows */
		result = trigdata->tg_trigtuple;
		if (!completed && check_row(rel, trigger, result, true, &rule))
		{
			(void) perm_activity_row(rel, NULL, result, "override", NULL, 0, perm_identity_reason());
			remember_override(rel, result, rule);
		}
		return PointerGetDatum(result);
	}

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		result = trigdata->tg_trigtuple;
		if (check_row(rel, trigger, result, false, &rule))
			(void) perm_activity_row(rel, result, NULL, "override", NULL, 0, perm_identity_reason());
		return PointerGetDatum(result);
	}

	/* UPDATE: the old row may be locked; the new one may not enter a closed period */
	override = check_row(rel, trigger, trigdata->tg_trigtuple, false, &rule);
	result = trigdata->tg_newtuple;
	if (!completed && !override)
		override = check_row(rel, trigger, result, true, &rule);
	if (override)
	{
		const char *action;
		const char *location_column;
		StringInfoData why;

		/* a row moved to another location: the right must hold there too */
		override_args(trigger, &action, &location_column);
		initStringInfo(&why);
		if (location_column[0] != '\0' &&
			!may_override(rel, action, location_column, result, &why))
			locked_error(rel, trigdata->tg_trigtuple,
						 psprintf("%s, and the change moves it to another location", rule),
						 action, &why);
		(void) perm_activity_row(rel, trigdata->tg_trigtuple, result, "override", NULL, 0,
								 perm_identity_reason());
		/* the committed row stays locked, under its old key and any new one */
		remember_override(rel, trigdata->tg_trigtuple, rule);
		remember_override(rel, result, rule);
	}
	return PointerGetDatum(result);
}
