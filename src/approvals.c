/*
 * approvals.c
 *		Approval workflows: enable_approvals()' trigger, request_approval(),
 *		approve(), deny(), may_decide().
 *
 * A table with approvals has one BEFORE ... FOR EACH ROW trigger,
 * permissions_approvals (ENABLE ALWAYS), whose arguments are its
 * configuration:
 *
 *	doc_type, status_column, amount_column or '', owner_column or '',
 *	location_column or '', scope_column or '', then the released statuses
 *
 * The trigger enforces the lifecycle of the status column:
 *
 *	draft -> pending			only request_approval()
 *	pending -> approved/denied	only approve() / deny()
 *	pending, approved, denied -> draft	anyone who may edit the row; a
 *								pending or approved request is withdrawn
 *								(so is one whose document is deleted)
 *	approved, released -> released, keeping the values approved (amount,
 *								owner, location, scope)
 *
 * and rejects edits of a pending or approved document that keep its status.
 * The extension changes the status itself, as its owner, and tells the
 * trigger which single change to let through (internal_change).
 *
 * Decisions.  approve() and deny() take, in this order: a SHARE lock on
 * every config table (waiting for uncommitted grants and revocations, and
 * holding new ones off until the decision commits), the document's row
 * lock, then the request's row lock.  Withdrawing (an UPDATE or DELETE of
 * the document) holds the document's row lock before it touches the
 * request, so the two paths take row locks in the same order.  A request
 * that changed between the statement's snapshot and its row lock was
 * decided or withdrawn concurrently: 40001, and the caller may retry.
 * Eligibility is judged after the locks, against committed grants (the
 * rights cache reads with the latest catalog snapshot; a transaction that
 * wrote a config table itself may not decide).
 */
#include "permissions.h"

#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "access/genam.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "access/stratnum.h"
#include "utils/memutils.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/relcache.h"

PG_FUNCTION_INFO_V1(permissions_approval_trigger);
PG_FUNCTION_INFO_V1(permissions_request_approval);
PG_FUNCTION_INFO_V1(permissions_approve);
PG_FUNCTION_INFO_V1(permissions_deny);
PG_FUNCTION_INFO_V1(permissions_may_decide);
PG_FUNCTION_INFO_V1(permissions_request_visible);

#define APPROVAL_TRIGGER "permissions_approvals"

/* a table's approval configuration: the trigger's arguments */
typedef struct DocConfig
{
	const char *doc_type;
	const char *status_col;
	const char *amount_col;		/* NULL: every document's amount is 0 */
	const char *owner_col;		/* NULL when documents have no owner */
	const char *location_col;
	const char *scope_col;
	int			nreleased;
	char	  **released;
} DocConfig;

/* a table with approvals, as the functions below need it */
typedef struct DocTable
{
	Oid			relid;			/* the table requests name (a partition's root) */
	Oid			owner;			/* its owner, as whom the extension touches it */
	char	   *qualname;
	DocConfig	cfg;
	char	   *pk_col;
	Oid			pk_type;
	Oid			status_type;
} DocTable;

/* a request, as read from permissions.approval_requests */
typedef struct Request
{
	int64		id;
	Oid			relid;
	char	   *doc_type;
	char	   *doc_id;
	Datum		amount;
	bool		has_loc;
	int64		loc;
	char	   *scope_id;
	char	   *requested_by;
	char	   *owner_id;
	char	   *status;
	int			level;			/* 0 when none awaits a decision */
	int32		version;
} Request;

/* one level of a document type's rules */
typedef struct Rule
{
	int			level;
	char	   *action;
	char	   *scope;
} Rule;

/* the one status change the extension is making itself, if any */
static struct
{
	Oid			relid;
	const char *doc_id;
	const char *status;
} internal_change;


/* ---------------------------------------------------------------------
 * Configuration
 * ---------------------------------------------------------------------
 */

static const char *
optional_arg(const char *arg)
{
	return arg[0] == '\0' ? NULL : arg;
}

static void
config_from_args(char **args, int nargs, DocConfig *cfg)
{
	if (nargs < 6)
		elog(ERROR, "permissions.approval_trigger: wrong trigger arguments");
	cfg->doc_type = args[0];
	cfg->status_col = args[1];
	cfg->amount_col = optional_arg(args[2]);
	cfg->owner_col = optional_arg(args[3]);
	cfg->location_col = optional_arg(args[4]);
	cfg->scope_col = optional_arg(args[5]);
	cfg->nreleased = nargs - 6;
	cfg->released = args + 6;
}

static bool
is_released(const DocConfig *cfg, const char *status)
{
	for (int i = 0; status != NULL && i < cfg->nreleased; i++)
	{
		if (strcmp(cfg->released[i], status) == 0)
			return true;
	}
	return false;
}

static bool
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * The table requests name for rel: itself, or the root of its partition tree
 */
static Oid
document_relid(Relation rel)
{
	return perm_partition_root(rel);
}

static AttrNumber
column_number(Relation rel, const char *name)
{
	return perm_column_number(rel, name, "permissions.enable_approvals()");
}

/*
 * The single primary key column of rel; false when it has none (or a wider
 * one)
 */
static bool
primary_key(Relation rel, char **name, Oid *type)
{
	Oid			pkindex = RelationGetPrimaryKeyIndex(rel);
	Relation	irel;
	AttrNumber	pkatt = InvalidAttrNumber;

	if (!OidIsValid(pkindex))
		return false;
	irel = index_open(pkindex, AccessShareLock);
	if (irel->rd_index->indnkeyatts == 1)
		pkatt = irel->rd_index->indkey.values[0];
	index_close(irel, AccessShareLock);
	if (pkatt <= 0)
		return false;
	*name = pstrdup(NameStr(TupleDescAttr(RelationGetDescr(rel), pkatt - 1)->attname));
	*type = TupleDescAttr(RelationGetDescr(rel), pkatt - 1)->atttypid;
	return true;
}

/*
 * Describe a table with approvals; error when it has none
 */
static void
describe_table(Oid relid, DocTable *t)
{
	Relation	rel = try_relation_open(relid, AccessShareLock);
	TriggerDesc *td;
	Trigger    *found = NULL;
	char	  **args;

	if (rel == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	td = rel->trigdesc;

	for (int i = 0; td != NULL && i < td->numtriggers; i++)
	{
		if (strcmp(td->triggers[i].tgname, APPROVAL_TRIGGER) == 0)
			found = &td->triggers[i];
	}
	if (found == NULL || found->tgenabled == TRIGGER_DISABLED)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s does not have approvals %s", perm_relation_name(relid),
						found == NULL ? "enabled" : "enabled: its trigger is disabled"),
				 errhint("Run permissions.enable_approvals() on it first.")));
	/* copy: the relcache entry may be rebuilt meanwhile */
	args = palloc(sizeof(char *) * found->tgnargs);
	for (int i = 0; i < found->tgnargs; i++)
		args[i] = pstrdup(found->tgargs[i]);
	config_from_args(args, found->tgnargs, &t->cfg);

	if (!primary_key(rel, &t->pk_col, &t->pk_type))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table %s needs a single-column primary key to have approvals",
						perm_relation_name(relid))));
	t->relid = document_relid(rel);
	t->owner = t->relid == relid ? rel->rd_rel->relowner : InvalidOid;
	if (!OidIsValid(t->owner))
	{
		Relation	root = relation_open(t->relid, AccessShareLock);

		t->owner = root->rd_rel->relowner;
		relation_close(root, AccessShareLock);
	}
	t->qualname = perm_relation_name(t->relid);
	t->status_type = TupleDescAttr(RelationGetDescr(rel),
								   column_number(rel, t->cfg.status_col) - 1)->atttypid;
	if (t->cfg.amount_col)
		(void) column_number(rel, t->cfg.amount_col);
	if (t->cfg.owner_col)
		(void) column_number(rel, t->cfg.owner_col);
	if (t->cfg.location_col)
		(void) column_number(rel, t->cfg.location_col);
	if (t->cfg.scope_col)
		(void) column_number(rel, t->cfg.scope_col);
	relation_close(rel, AccessShareLock);
}

/*
 * The document's key as jsonb, like the activity log's row keys
 */
static void json_pair(JsonbParseState **s, const char *key, const char *value);
static void json_numeric(JsonbParseState **s, const char *key, Numeric value);
static Jsonb *json_done(JsonbParseState **s);

static Jsonb *
doc_key(const DocTable *t, const char *doc_id)
{
	JsonbParseState *s = NULL;

	if (t->pk_type == INT2OID || t->pk_type == INT4OID || t->pk_type == INT8OID)
		json_numeric(&s, t->pk_col, DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(doc_id),
																		  ObjectIdGetDatum(InvalidOid),
																		  Int32GetDatum(-1))));
	else
		json_pair(&s, t->pk_col, doc_id);
	return json_done(&s);
}

/* ---------------------------------------------------------------------
 * Prepared statements
 *
 * Every statement this file runs is prepared once per backend and kept
 * (the plan cache replans when a table changes, or when row level security
 * makes a plan depend on the role).  The statements on documents are built
 * per table, so plans are found by their text -- and by the search_path
 * they run under: the plan cache re-analyzes and replans a statement run
 * under another search_path than its last run, and a document is read both
 * as the caller (the caller's path) and as its table's owner (the path
 * perm_as_owner pins), so one plan for both was rebuilt at every use.
 * ---------------------------------------------------------------------
 */
#define MAX_KEPT_PLANS 64

typedef struct KeptPlan
{
	char	   *sql;
	char	   *search_path;
	int			nargs;
	SPIPlanPtr	plan;
} KeptPlan;

static KeptPlan kept_plans[MAX_KEPT_PLANS];
static int	nkept_plans = 0;

/*
 * SPI_execute_with_args, through a kept plan
 */
static int
run_sql(const char *sql, int nargs, Oid *argtypes, Datum *values, const char *nulls,
		bool read_only, long count)
{
	SPIPlanPtr	plan = NULL;
	const char *path = namespace_search_path ? namespace_search_path : "";

	for (int i = 0; i < nkept_plans && plan == NULL; i++)
	{
		if (kept_plans[i].nargs == nargs && strcmp(kept_plans[i].sql, sql) == 0 &&
			strcmp(kept_plans[i].search_path, path) == 0)
			plan = kept_plans[i].plan;
	}
	if (plan == NULL)
	{
		/* generic plans: key lookups, where custom plans only cost planning */
		plan = SPI_prepare_cursor(sql, nargs, argtypes, CURSOR_OPT_GENERIC_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare a statement: %s", SPI_result_code_string(SPI_result));
		if (nkept_plans < MAX_KEPT_PLANS && SPI_keepplan(plan) == 0)
		{
			kept_plans[nkept_plans].sql = MemoryContextStrdup(TopMemoryContext, sql);
			kept_plans[nkept_plans].search_path = MemoryContextStrdup(TopMemoryContext, path);
			kept_plans[nkept_plans].nargs = nargs;
			kept_plans[nkept_plans].plan = plan;
			nkept_plans++;
		}
	}
	return SPI_execute_plan(plan, values, nulls, read_only, count);
}

/* ---------------------------------------------------------------------
 * Documents (SPI connected)
 * ---------------------------------------------------------------------
 */

typedef struct Document
{
	char	   *doc_id;			/* the key's text form */
	char	   *status;
	Datum		amount;			/* numeric */
	bool		has_amount;
	char	   *owner_id;
	bool		has_loc;
	int64		loc;
	char	   *scope_id;
} Document;

/*
 * Run SPI work on a document table as the table's owner, the way
 * PostgreSQL runs maintenance and foreign-key checks: whatever code of the
 * table runs (triggers, casts, generated columns) runs with its owner's
 * privileges and not the extension owner's, inside a restricted operation;
 * and FORCE ROW LEVEL SECURITY does not bind the owner here, so approvers
 * need no write access to the document.
 */
typedef struct SavedUser
{
	Oid			userid;
	int			sec_context;
	bool		suppressed;
} SavedUser;

/*
 * Nobody is acting while the table owner's code runs: it must not decide,
 * read or write anything as the approver (the activity log still names the
 * approver, who caused the change)
 */
static void
become_table_owner(const DocTable *t, SavedUser *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	saved->suppressed = perm_suppress_acting_user(true);
	SetUserIdAndSecContext(t->owner, saved->sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION | SECURITY_NOFORCE_RLS);
}

static void
end_table_owner(const SavedUser *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
	(void) perm_suppress_acting_user(saved->suppressed);
}

static bool lock_document_as_caller(const DocTable *t, const char *doc_id, Document *d);

/*
 * Read and lock one document as the table's owner; false when there is no
 * such row
 */
static bool
lock_document(const DocTable *t, const char *doc_id, Document *d)
{
	volatile bool found = false;
	SavedUser	saved;

	become_table_owner(t, &saved);
	PG_TRY();
	{
		found = lock_document_as_caller(t, doc_id, d);
	}
	PG_FINALLY();
	{
		end_table_owner(&saved);
	}
	PG_END_TRY();
	return found;
}

/*
 * Read and lock one document as the current role; false when there is no
 * such row (or the current role may not see it)
 */
static bool
lock_document_as_caller(const DocTable *t, const char *doc_id, Document *d)
{
	StringInfoData q;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;
	HeapTuple	tup;
	TupleDesc	desc;

	initStringInfo(&q);
	appendStringInfo(&q, "SELECT %s::pg_catalog.text, %s::pg_catalog.text",
					 quote_identifier(t->pk_col), quote_identifier(t->cfg.status_col));
	if (t->cfg.amount_col)
		appendStringInfo(&q, ", %s::pg_catalog.numeric", quote_identifier(t->cfg.amount_col));
	else
		appendStringInfoString(&q, ", 0::pg_catalog.numeric");
	if (t->cfg.owner_col)
		appendStringInfo(&q, ", %s::pg_catalog.text", quote_identifier(t->cfg.owner_col));
	else
		appendStringInfoString(&q, ", NULL::pg_catalog.text");
	if (t->cfg.location_col)
		appendStringInfo(&q, ", %s::pg_catalog.int8", quote_identifier(t->cfg.location_col));
	else
		appendStringInfoString(&q, ", NULL::pg_catalog.int8");
	if (t->cfg.scope_col)
		appendStringInfo(&q, ", %s::pg_catalog.text", quote_identifier(t->cfg.scope_col));
	else
		appendStringInfoString(&q, ", NULL::pg_catalog.text");
	appendStringInfo(&q, " FROM %s WHERE %s OPERATOR(pg_catalog.=) $1::%s FOR UPDATE",
					 t->qualname, quote_identifier(t->pk_col),
					 format_type_be_qualified(t->pk_type));
	values[0] = CStringGetTextDatum(doc_id);
	if (run_sql(q.data, 1, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read a document");
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	d->doc_id = SPI_getvalue(tup, desc, 1);
	d->status = SPI_getvalue(tup, desc, 2);
	d->amount = SPI_getbinval(tup, desc, 3, &isnull);
	d->has_amount = !isnull;
	d->owner_id = SPI_getvalue(tup, desc, 4);
	d->loc = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
	d->has_loc = !isnull;
	d->scope_id = SPI_getvalue(tup, desc, 6);
	return true;
}

/*
 * Set a document's status, as the extension (the trigger lets exactly this
 * change through)
 */
static void
set_status(const DocTable *t, const char *doc_id, const char *status)
{
	StringInfoData q;
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	volatile int rc = 0;
	SavedUser	saved;
	Oid			prev_relid;
	const char *prev_doc_id;
	const char *prev_status;

	initStringInfo(&q);
	appendStringInfo(&q, "UPDATE %s SET %s = $2::%s WHERE %s OPERATOR(pg_catalog.=) $1::%s",
					 t->qualname, quote_identifier(t->cfg.status_col),
					 format_type_be_qualified(t->status_type),
					 quote_identifier(t->pk_col), format_type_be_qualified(t->pk_type));
	values[0] = CStringGetTextDatum(doc_id);
	values[1] = CStringGetTextDatum(status);
	/* nested calls (a trigger of the table deciding another request) restore it */
	prev_relid = internal_change.relid;
	prev_doc_id = internal_change.doc_id;
	prev_status = internal_change.status;
	internal_change.relid = t->relid;
	internal_change.doc_id = doc_id;
	internal_change.status = status;
	become_table_owner(t, &saved);
	PG_TRY();
	{
		/* the table's triggers run as in the caller's own UPDATE, with its search_path */
		int			nestlevel = NewGUCNestLevel();

		if (perm_caller_search_path() != NULL)
			(void) set_config_option("search_path", perm_caller_search_path(), PGC_USERSET,
									 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
		rc = run_sql(q.data, 2, argtypes, values, NULL, false, 0);
		AtEOXact_GUC(true, nestlevel);
	}
	PG_FINALLY();
	{
		end_table_owner(&saved);
		internal_change.relid = prev_relid;
		internal_change.doc_id = prev_doc_id;
		internal_change.status = prev_status;
	}
	PG_END_TRY();
	if (rc != SPI_OK_UPDATE || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s could not be set to \"%s\"",
						doc_id, t->qualname, status)));
}

/* ---------------------------------------------------------------------
 * Requests, rules and decisions (SPI connected, as the owner)
 * ---------------------------------------------------------------------
 */

/* the approvals already given on a request */
typedef struct Decided
{
	int			n;
	int		   *levels;
	char	  **users;
} Decided;

static char *row_text(Relation rel, HeapTuple tup, const char *column);

/*
 * read_request for a look that locks nothing and needs no decisions: the
 * request by its key, as the calling statement's snapshot sees it, without
 * running SQL
 */
static bool
read_request_unlocked(int64 id, Request *r)
{
	Relation	rel = table_open(get_relname_relid("approval_requests",
												   get_namespace_oid("permissions", false)),
								 AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, column_number(rel, "request_id"), BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(id));
	scan = systable_beginscan(rel, RelationGetPrimaryKeyIndex(rel), true, GetActiveSnapshot(), 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		v;

		found = true;
		r->id = id;
		r->relid = DatumGetObjectId(heap_getattr(tup, column_number(rel, "tbl"), desc, &isnull));
		r->doc_type = row_text(rel, tup, "doc_type");
		r->doc_id = row_text(rel, tup, "doc_id");
		v = heap_getattr(tup, column_number(rel, "amount"), desc, &isnull);
		r->amount = isnull ? (Datum) 0 : PointerGetDatum(PG_DETOAST_DATUM_COPY(v));
		v = heap_getattr(tup, column_number(rel, "location_id"), desc, &isnull);
		r->has_loc = !isnull;
		r->loc = isnull ? 0 : DatumGetInt64(v);
		r->scope_id = row_text(rel, tup, "scope_id");
		r->requested_by = row_text(rel, tup, "requested_by");
		r->owner_id = row_text(rel, tup, "owner_id");
		r->status = row_text(rel, tup, "status");
		v = heap_getattr(tup, column_number(rel, "level"), desc, &isnull);
		r->level = isnull ? 0 : DatumGetInt32(v);
		r->version = DatumGetInt32(heap_getattr(tup, column_number(rel, "version"), desc, &isnull));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * Read a request: with the statement's snapshot (lock = false), or the
 * latest committed version, locked (lock = true); with the approvals given
 * on it when d is not NULL (one statement)
 */
static bool
read_request(int64 id, bool lock, Request *r, Decided *d)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(id)};
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	StringInfoData q;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT r.tbl::pg_catalog.oid, r.doc_type, r.doc_id, r.amount, r.location_id,"
						   " r.scope_id, r.requested_by, r.owner_id, r.status, r.level, r.version");
	if (d != NULL)
		appendStringInfoString(&q, ", ARRAY(SELECT ad.level FROM permissions.approval_decisions ad"
							   "   WHERE ad.request_id OPERATOR(pg_catalog.=) r.request_id"
							   "     AND ad.decision OPERATOR(pg_catalog.=) 'approved' ORDER BY ad.level),"
							   " ARRAY(SELECT ad.decided_by::pg_catalog.text FROM permissions.approval_decisions ad"
							   "   WHERE ad.request_id OPERATOR(pg_catalog.=) r.request_id"
							   "     AND ad.decision OPERATOR(pg_catalog.=) 'approved' ORDER BY ad.level)");
	appendStringInfoString(&q, " FROM permissions.approval_requests r"
						   " WHERE r.request_id OPERATOR(pg_catalog.=) $1");
	if (lock)
		appendStringInfoString(&q, " FOR UPDATE");
	if (run_sql(q.data, 1, argtypes, values, NULL, !lock, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read an approval request");
	if (SPI_processed == 0)
		return false;
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	r->id = id;
	r->relid = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
	r->doc_type = SPI_getvalue(tup, desc, 2);
	r->doc_id = SPI_getvalue(tup, desc, 3);
	r->amount = SPI_getbinval(tup, desc, 4, &isnull);
	r->loc = DatumGetInt64(SPI_getbinval(tup, desc, 5, &isnull));
	r->has_loc = !isnull;
	r->scope_id = SPI_getvalue(tup, desc, 6);
	r->requested_by = SPI_getvalue(tup, desc, 7);
	r->owner_id = SPI_getvalue(tup, desc, 8);
	r->status = SPI_getvalue(tup, desc, 9);
	r->level = DatumGetInt32(SPI_getbinval(tup, desc, 10, &isnull));
	if (isnull)
		r->level = 0;
	r->version = DatumGetInt32(SPI_getbinval(tup, desc, 11, &isnull));
	if (d != NULL)
	{
		ArrayType  *levels = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 12, &isnull));
		ArrayType  *users = DatumGetArrayTypeP(SPI_getbinval(tup, desc, 13, &isnull));
		Datum	   *lv;
		Datum	   *uv;
		int			nl;
		int			nu;

		deconstruct_array(levels, INT4OID, 4, true, TYPALIGN_INT, &lv, NULL, &nl);
		deconstruct_array(users, TEXTOID, -1, false, TYPALIGN_INT, &uv, NULL, &nu);
		Assert(nl == nu);
		d->n = Min(nl, nu);
		d->levels = palloc0(sizeof(int) * (d->n + 1));
		d->users = palloc0(sizeof(char *) * (d->n + 1));
		for (int i = 0; i < d->n; i++)
		{
			d->levels[i] = DatumGetInt32(lv[i]);
			d->users[i] = TextDatumGetCString(uv[i]);
		}
	}
	return true;
}

/*
 * The rules of every document type, read once and kept until
 * approval_rules changes (its config_changed trigger sends a relcache
 * invalidation, delivered at the next statement or lock: deciders lock the
 * table first, so they always judge by the committed rules)
 */
typedef struct CachedRule
{
	char	   *doc_type;
	Datum		min_amount;		/* numeric */
	Rule		rule;
} CachedRule;

static MemoryContext rules_cxt = NULL;
static CachedRule *cached_rules = NULL;
static int	ncached_rules = 0;
static bool rules_valid = false;
static bool rules_callback_registered = false;
static Oid	rules_relid = InvalidOid;
static SPIPlanPtr rules_plan = NULL;

static void
rules_relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == rules_relid)
		rules_valid = false;
}

static void
load_rules(void)
{
	MemoryContext cxt;
	MemoryContext old;
	CachedRule *rules;
	int			n;

	if (!rules_callback_registered)
	{
		CacheRegisterRelcacheCallback(rules_relcache_callback, (Datum) 0);
		rules_callback_registered = true;
	}
	rules_relid = get_relname_relid("approval_rules", get_namespace_oid("permissions", false));

	/*
	 * With the latest snapshot, not the transaction's: what is cached here
	 * serves later transactions too (a REPEATABLE READ transaction must not
	 * cache the rules of its old snapshot)
	 */
	if (rules_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare("SELECT doc_type, min_amount, level, approver_action, approver_scope"
									   " FROM permissions.approval_rules ORDER BY doc_type, level",
									   0, NULL);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare the approval rules query");
		rules_plan = plan;
	}
	rules_valid = true;			/* an invalidation while reading clears it again */
	PG_TRY();
	{
		if (SPI_execute_snapshot(rules_plan, NULL, NULL, GetLatestSnapshot(), InvalidSnapshot,
								 true, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the approval rules");
	}
	PG_CATCH();
	{
		rules_valid = false;
		PG_RE_THROW();
	}
	PG_END_TRY();

	/* build the new cache aside, then swap it in: no error leaves it half built */
	cxt = AllocSetContextCreate(CacheMemoryContext, "permissions approval rules",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	n = (int) SPI_processed;
	rules = palloc0(sizeof(CachedRule) * (n + 1));
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		rules[i].doc_type = SPI_getvalue(tup, desc, 1);
		rules[i].min_amount = datumCopy(SPI_getbinval(tup, desc, 2, &isnull), false, -1);
		rules[i].rule.level = DatumGetInt32(SPI_getbinval(tup, desc, 3, &isnull));
		rules[i].rule.action = SPI_getvalue(tup, desc, 4);
		rules[i].rule.scope = SPI_getvalue(tup, desc, 5);
	}
	MemoryContextSwitchTo(old);
	if (rules_cxt != NULL)
		MemoryContextDelete(rules_cxt);
	rules_cxt = cxt;
	cached_rules = rules;
	ncached_rules = n;
}

/*
 * The levels a document of this type and amount needs, in order (copies,
 * valid until the end of the statement)
 */
static int
read_rules(const char *doc_type, Datum amount, Rule **rules)
{
	Rule	   *out;
	int			n = 0;

	if (!rules_valid || cached_rules == NULL)
		load_rules();
	out = palloc0(sizeof(Rule) * (ncached_rules + 1));
	for (int i = 0; i < ncached_rules; i++)
	{
		const CachedRule *c = &cached_rules[i];

		if (strcmp(c->doc_type, doc_type) == 0 &&
			DatumGetBool(DirectFunctionCall2(numeric_le, c->min_amount, amount)))
		{
			out[n].level = c->rule.level;
			out[n].action = pstrdup(c->rule.action);
			out[n].scope = pstrdup(c->rule.scope);
			n++;
		}
	}
	*rules = out;
	return n;
}

/*
 * The rule awaiting a decision: the first level not yet approved; NULL
 * when none remains
 */
static const Rule *
awaiting_rule(const Rule *rules, int nrules, const Decided *d)
{
	for (int i = 0; i < nrules; i++)
	{
		bool		done = false;

		for (int j = 0; j < d->n && !done; j++)
			done = d->levels[j] == rules[i].level;
		if (!done)
			return &rules[i];
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Eligibility
 * ---------------------------------------------------------------------
 */

typedef struct Eligibility
{
	const PermModel *m;
	const Request *req;
	const Rule *rule;
	const Decided *decided;
	bool		allow_self;
} Eligibility;

static bool
self_approval_allowed(const PermModel *m)
{
	const char *v = perm_find_setting(m, "allow_self_approval");
	bool		result = false;

	return v != NULL && parse_bool(v, &result) && result;
}

/*
 * May u decide the level e->rule of request e->req?  why (if not NULL)
 * gets the reason when not.
 */
static bool
eligible(const Eligibility *e, PermUser *u, StringInfo why)
{
	const Request *r = e->req;
	const char *action = e->rule->action;
	const PermAction *a = perm_find_action(e->m, action, strlen(action));
	const char *scope = e->rule->scope;

	if (u == NULL || !u->exists || !u->active || a == NULL)
		return perm_decide(e->m, u, a, action, false, 0, NULL, NULL, why);
	if (!e->allow_self && strcmp(u->user_id, r->requested_by) == 0)
	{
		if (why)
			appendStringInfo(why, "no: %s requested it, and self-approval is not allowed", u->user_id);
		return false;
	}
	if (!e->allow_self && streq(u->user_id, r->owner_id))
	{
		if (why)
			appendStringInfo(why, "no: %s owns the document, and self-approval is not allowed", u->user_id);
		return false;
	}
	for (int i = 0; i < e->decided->n; i++)
	{
		if (strcmp(e->decided->users[i], u->user_id) == 0)
		{
			if (why)
				appendStringInfo(why, "no: %s already approved level %d of this request",
								 u->user_id, e->decided->levels[i]);
			return false;
		}
	}
	if (u->has_limit &&
		DatumGetBool(DirectFunctionCall2(numeric_lt, u->purchasing_limit, r->amount)))
	{
		if (why)
			appendStringInfo(why, "no: the purchasing limit of %s (%s) is below the amount %s",
							 u->user_id,
							 DatumGetCString(DirectFunctionCall1(numeric_out, u->purchasing_limit)),
							 DatumGetCString(DirectFunctionCall1(numeric_out, r->amount)));
		return false;
	}

	if (strcmp(scope, "location") == 0)
	{
		if (!r->has_loc)
		{
			if (why)
				appendStringInfoString(why, "no: level approvers are chosen by location, and the document has none");
			return false;
		}
		return perm_decide(e->m, u, a, action, true, r->loc, NULL, NULL, why);
	}
	if (strcmp(scope, "project") == 0)
	{
		if (r->scope_id == NULL)
		{
			if (why)
				appendStringInfoString(why, "no: level approvers are chosen by project, and the document has none");
			return false;
		}
		return perm_decide_membership(e->m, u, a, action, r->has_loc, r->loc, "project",
									  r->scope_id, why);
	}
	if (strcmp(scope, "team_manager") == 0)
	{
		PermUser   *requester;
		StringInfoData first;

		initStringInfo(&first);
		if (perm_decide(e->m, u, a, action, r->has_loc, r->loc, NULL, NULL, &first))
			return true;
		requester = perm_lookup_user(r->requested_by);
		for (int i = 0; requester->exists && i < requester->nmembers; i++)
		{
			const PermMembership *mem = &requester->members[i];

			if (strcmp(mem->scope, "team") == 0 &&
				perm_decide_membership(e->m, u, a, action, r->has_loc, r->loc, "team",
									   mem->scope_id, NULL))
				return true;
		}
		if (why)
			appendStringInfo(why, "%s, and %s manages no team %s belongs to",
							 first.data, u->user_id, r->requested_by);
		return false;
	}
	if (strcmp(scope, "global") == 0)
		return perm_decide(e->m, u, a, action, r->has_loc, r->loc, NULL, NULL, why);

	/*
	 * Any other scope names memberships (a budget, a department): like
	 * can(action, scope, scope_id), the global roles or a role held in
	 * exactly the document's scope
	 */
	if (r->scope_id == NULL)
	{
		if (why)
			appendStringInfo(why, "no: level approvers are chosen by %s, and the document has none", scope);
		return false;
	}
	return perm_decide(e->m, u, a, action, r->has_loc, r->loc, scope, r->scope_id, why);
}

static bool
eligible_callback(PermUser *u, void *arg)
{
	return eligible((const Eligibility *) arg, u, NULL);
}

/* ---------------------------------------------------------------------
 * Payloads
 * ---------------------------------------------------------------------
 */

static void
json_key(JsonbParseState **s, const char *key)
{
	JsonbValue	k;

	if (*s == NULL)
		pushJsonbValue(s, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(s, WJB_KEY, &k);
}

/* a string member, or null */
static void
json_pair(JsonbParseState **s, const char *key, const char *value)
{
	JsonbValue	v;

	json_key(s, key);
	if (value == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) value;
		v.val.string.len = strlen(value);
	}
	pushJsonbValue(s, WJB_VALUE, &v);
}

static void
json_numeric(JsonbParseState **s, const char *key, Numeric value)
{
	JsonbValue	v;

	json_key(s, key);
	v.type = jbvNumeric;
	v.val.numeric = value;
	pushJsonbValue(s, WJB_VALUE, &v);
}

static void
json_int(JsonbParseState **s, const char *key, int64 value)
{
	json_numeric(s, key, int64_to_numeric(value));
}

/* the object, built member by member (no JSON text is parsed) */
static Jsonb *
json_done(JsonbParseState **s)
{
	if (*s == NULL)
		pushJsonbValue(s, WJB_BEGIN_OBJECT, NULL);
	return JsonbValueToJsonb(pushJsonbValue(s, WJB_END_OBJECT, NULL));
}

static void
json_start(JsonbParseState **s, const Request *r, const DocTable *t)
{
	*s = NULL;
	json_int(s, "request_id", r->id);
	json_pair(s, "table", t->qualname);
	json_pair(s, "doc_type", r->doc_type);
	json_pair(s, "doc_id", r->doc_id);
	json_numeric(s, "amount", DatumGetNumeric(r->amount));
}

/*
 * Tell the approvers of the level awaiting a decision
 */
static void
notify_approvers(const PermModel *m, const Request *r, const DocTable *t, const Rule *rule,
				 const Decided *decided)
{
	Eligibility e = {m, r, rule, decided, self_approval_allowed(m)};
	JsonbParseState *p = NULL;

	json_start(&p, r, t);
	json_int(&p, "level", rule->level);
	json_pair(&p, "requested_by", r->requested_by);
	(void) perm_notify_users(rule->action, eligible_callback, &e, "approval_requested", t->qualname,
							 r->doc_id, json_done(&p));
}

/* ---------------------------------------------------------------------
 * request_approval()
 * ---------------------------------------------------------------------
 */

static PermUser *
acting_or_error(const char *what)
{
	PermUser   *u = perm_acting_user();

	if (u == NULL || !u->exists || !u->active)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s", what),
				 errdetail("%s.", u == NULL ? "Nobody is acting (permissions.user_id is not set and current_user is no user's db_role)" :
						   !u->exists ? psprintf("User \"%s\" does not exist", u->user_id) :
						   psprintf("User \"%s\" is inactive", u->user_id)),
				 errhint("Act as an active application user.")));
	return u;
}

typedef struct RequestCall
{
	PermUser   *actor;
	DocTable   *t;
	Document   *d;
	const char *note;
	int64		id;				/* out */
} RequestCall;

static void
request_spi(void *arg)
{
	RequestCall *c = (RequestCall *) arg;
	PermModel  *m = perm_model();
	Rule	   *rules;
	int			nrules = read_rules(c->t->cfg.doc_type, c->d->amount, &rules);
	Oid			argtypes[10] = {OIDOID, TEXTOID, TEXTOID, NUMERICOID, INT8OID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, INT4OID};
	Datum		values[10];
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	bool		isnull;
	Request		r;
	Decided		none = {0, NULL, NULL};
	JsonbParseState *p = NULL;

	memset(&r, 0, sizeof(r));
	values[0] = ObjectIdGetDatum(c->t->relid);
	values[1] = CStringGetTextDatum(c->t->cfg.doc_type);
	values[2] = CStringGetTextDatum(c->d->doc_id);
	values[3] = c->d->amount;
	values[4] = Int64GetDatum(c->d->loc);
	nulls[4] = c->d->has_loc ? ' ' : 'n';
	values[5] = c->d->scope_id ? CStringGetTextDatum(c->d->scope_id) : (Datum) 0;
	nulls[5] = c->d->scope_id ? ' ' : 'n';
	values[6] = CStringGetTextDatum(c->actor->user_id);
	values[7] = c->d->owner_id ? CStringGetTextDatum(c->d->owner_id) : (Datum) 0;
	nulls[7] = c->d->owner_id ? ' ' : 'n';
	values[8] = c->note ? CStringGetTextDatum(c->note) : (Datum) 0;
	nulls[8] = c->note ? ' ' : 'n';
	values[9] = Int32GetDatum(nrules > 0 ? rules[0].level : 0);
	nulls[9] = nrules > 0 ? ' ' : 'n';
	if (run_sql("INSERT INTO permissions.approval_requests"
							  " (tbl, doc_type, doc_id, amount, location_id, scope_id, requested_by,"
							  "  owner_id, note, level, status, decided_at)"
							  " VALUES ($1::pg_catalog.regclass, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
							  "  CASE WHEN $10 IS NULL THEN 'approved' ELSE 'pending' END,"
							  "  CASE WHEN $10 IS NULL THEN pg_catalog.clock_timestamp() END)"
							  " RETURNING request_id",
							  10, argtypes, values, nulls, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not write an approval request");
	c->id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	set_status(c->t, c->d->doc_id, nrules > 0 ? "pending" : "approved");

	r.id = c->id;
	r.relid = c->t->relid;
	r.doc_type = (char *) c->t->cfg.doc_type;
	r.doc_id = c->d->doc_id;
	r.amount = c->d->amount;
	r.has_loc = c->d->has_loc;
	r.loc = c->d->loc;
	r.scope_id = c->d->scope_id;
	r.requested_by = (char *) c->actor->user_id;
	r.owner_id = c->d->owner_id;

	json_start(&p, &r, c->t);
	if (nrules > 0)
		json_int(&p, "level", rules[0].level);
	else
		json_pair(&p, "level", NULL);
	json_pair(&p, "state", nrules > 0 ? "pending" : "approved");
	json_pair(&p, "note", c->note);
	perm_activity_append("request", c->t->qualname, doc_key(c->t, c->d->doc_id), NULL,
						 json_done(&p), c->note);

	if (nrules > 0)
		notify_approvers(m, &r, c->t, &rules[0], &none);
	else
	{
		/* nothing to approve at this amount: decided at once */
		json_start(&p, &r, c->t);
		json_pair(&p, "decision", "approved");
		json_pair(&p, "comment", "no approval level applies to this amount");
		(void) perm_notify_user(r.requested_by, "approval_decided", c->t->qualname, r.doc_id,
								json_done(&p));
	}
}

Datum
permissions_request_approval(PG_FUNCTION_ARGS)
{
	PermUser   *actor = acting_or_error("request approval");
	DocTable	t;
	Document	d;
	RequestCall c;
	char	   *doc_id;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the table and the document id must not be NULL")));
	doc_id = text_to_cstring(PG_GETARG_TEXT_PP(1));
	describe_table(PG_GETARG_OID(0), &t);

	/* as the caller: only someone who may edit the document asks for approval */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (!lock_document_as_caller(&t, doc_id, &d))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("document %s of table %s does not exist", doc_id, t.qualname),
				 errdetail("Either there is no such row or you may not edit it.")));
	/* copy what we keep out of SPI's memory */
	d.doc_id = MemoryContextStrdup(TopTransactionContext, d.doc_id);
	d.status = d.status ? MemoryContextStrdup(TopTransactionContext, d.status) : NULL;
	d.owner_id = d.owner_id ? MemoryContextStrdup(TopTransactionContext, d.owner_id) : NULL;
	d.scope_id = d.scope_id ? MemoryContextStrdup(TopTransactionContext, d.scope_id) : NULL;
	if (d.has_amount)
	{
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

		d.amount = datumCopy(d.amount, false, -1);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();

	if (!streq(d.status, "draft"))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s is \"%s\", not \"draft\"", d.doc_id, t.qualname,
						d.status ? d.status : "(null)"),
				 errdetail("Only a draft document can be submitted for approval.")));
	if (d.has_amount && (numeric_is_nan(DatumGetNumeric(d.amount)) ||
						 numeric_is_inf(DatumGetNumeric(d.amount))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("document %s of table %s has no finite amount", d.doc_id, t.qualname),
				 errdetail("Column \"%s\" is %s; the amount decides which levels approve it.",
						   t.cfg.amount_col,
						   DatumGetCString(DirectFunctionCall1(numeric_out, d.amount)))));
	if (!d.has_amount)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s has no amount", d.doc_id, t.qualname),
				 errdetail("Column \"%s\" is NULL; the amount decides which levels approve it.",
						   t.cfg.amount_col)));

	c.actor = actor;
	c.t = &t;
	c.d = &d;
	c.note = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	c.id = 0;
	perm_as_owner(request_spi, &c);
	PG_RETURN_INT64(c.id);
}

/* ---------------------------------------------------------------------
 * approve() and deny()
 * ---------------------------------------------------------------------
 */

typedef struct DecideCall
{
	PermUser   *actor;
	int64		id;
	bool		approve;
	const char *comment;
	const char *state;			/* out */
} DecideCall;

static void
lock_rules_table(void)
{
	Oid			nsp = get_namespace_oid("permissions", false);

	LockRelationOid(get_relname_relid("approval_rules", nsp), ShareLock);
}

static void
decide_spi(void *arg)
{
	DecideCall *c = (DecideCall *) arg;
	const char *verb = c->approve ? "approve" : "deny";
	Request		r0;
	Request		r;
	DocTable	t;
	Document	d;
	PermModel  *m;
	PermUser   *actor;
	Rule	   *rules;
	int			nrules;
	Decided		decided;
	const Rule *rule;
	const Rule *next = NULL;
	Eligibility e;
	StringInfoData why;
	JsonbParseState *p = NULL;
	Oid			argtypes[7] = {INT8OID, INT4OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	const char *state;

	/* the request as this statement first saw it */
	if (!read_request_unlocked(c->id, &r0))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("approval request " INT64_FORMAT " does not exist", c->id)));

	/* config, then the document, then the request: see the header */
	perm_lock_config(ShareLock);
	lock_rules_table();
	if (get_rel_name(r0.relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the table of approval request " INT64_FORMAT " no longer exists", c->id)));
	describe_table(r0.relid, &t);
	if (!lock_document(&t, r0.doc_id, &d))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s no longer exists", r0.doc_id, t.qualname),
				 errdetail("Approval request " INT64_FORMAT " cannot be decided.", c->id)));
	if (!read_request(c->id, true, &r, &decided))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("approval request " INT64_FORMAT " does not exist", c->id)));
	if (r.version != r0.version)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not %s approval request " INT64_FORMAT ": it was decided or withdrawn concurrently",
						verb, c->id),
				 errhint("Look at the request again, and retry if it still awaits you.")));
	if (strcmp(r.status, "pending") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("approval request " INT64_FORMAT " is not pending (it is %s)", c->id, r.status)));
	if (!streq(d.status, "pending"))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s is \"%s\", not \"pending\"", r.doc_id, t.qualname,
						d.status ? d.status : "(null)")));

	/* eligibility, against what is committed now */
	m = perm_model();
	actor = perm_lookup_user(c->actor->user_id);
	nrules = read_rules(r.doc_type, r.amount, &rules);
	rule = awaiting_rule(rules, nrules, &decided);
	if (rule == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("approval request " INT64_FORMAT " has no level awaiting a decision", c->id),
				 errdetail("The approval rules of \"%s\" changed since it was made.", r.doc_type),
				 errhint("Return the document to draft and request approval again.")));
	e.m = m;
	e.req = &r;
	e.rule = rule;
	e.decided = &decided;
	e.allow_self = self_approval_allowed(m);
	initStringInfo(&why);
	if (!eligible(&e, actor, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s approval request " INT64_FORMAT " at level %d",
						verb, c->id, rule->level),
				 errdetail("%s.", perm_reason_text(why.data)),
				 errhint("Level %d is decided by users who may do %s (approver scope %s), other than the requester and the owner, who approved no earlier level and whose purchasing limit covers the amount.",
						 rule->level, rule->action, rule->scope)));

	/* record it: the decision and the request's new state, in one statement */
	if (c->approve)
	{
		for (const Rule *x = rule + 1; x < rules + nrules && next == NULL; x++)
			next = x;
		state = next ? "pending" : "approved";
	}
	else
		state = "denied";
	values[0] = Int64GetDatum(r.id);
	values[1] = Int32GetDatum(rule->level);
	values[2] = CStringGetTextDatum(actor->user_id);
	values[3] = CStringGetTextDatum(c->approve ? "approved" : "denied");
	values[4] = c->comment ? CStringGetTextDatum(c->comment) : (Datum) 0;
	nulls[4] = c->comment ? ' ' : 'n';
	values[5] = CStringGetTextDatum(state);
	values[6] = Int32GetDatum(next ? next->level : 0);
	nulls[6] = next ? ' ' : 'n';
	if (run_sql("WITH decision AS (INSERT INTO permissions.approval_decisions"
				"  (request_id, level, decided_by, decision, comment) VALUES ($1, $2, $3, $4, $5))"
				" UPDATE permissions.approval_requests"
				" SET status = $6, level = $7, version = version OPERATOR(pg_catalog.+) 1,"
				"     decided_at = CASE WHEN $6 OPERATOR(pg_catalog.<>) 'pending'"
				"                       THEN pg_catalog.clock_timestamp() END"
				" WHERE request_id OPERATOR(pg_catalog.=) $1",
				7, argtypes, values, nulls, false, 0) != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "could not record an approval decision");
	if (strcmp(state, "pending") != 0)
		set_status(&t, r.doc_id, state);

	json_start(&p, &r, &t);
	json_int(&p, "level", rule->level);
	json_pair(&p, "state", state);
	json_pair(&p, "comment", c->comment);
	perm_activity_append(c->approve ? "approve" : "deny", t.qualname, doc_key(&t, r.doc_id), NULL,
						 json_done(&p), c->comment ? c->comment : perm_identity_reason());

	if (next != NULL)
	{
		decided.levels = repalloc(decided.levels, sizeof(int) * (decided.n + 1));
		decided.users = repalloc(decided.users, sizeof(char *) * (decided.n + 1));
		decided.levels[decided.n] = rule->level;
		decided.users[decided.n] = (char *) actor->user_id;
		decided.n++;
		notify_approvers(m, &r, &t, next, &decided);
	}
	else
	{
		json_start(&p, &r, &t);
		json_pair(&p, "decision", state);
		json_pair(&p, "decided_by", actor->user_id);
		json_pair(&p, "comment", c->comment);
		(void) perm_notify_user(r.requested_by, "approval_decided", t.qualname, r.doc_id,
								json_done(&p));
	}
	c->state = state;
}

static const char *
decide(FunctionCallInfo fcinfo, bool approve)
{
	const char *verb = approve ? "approve" : "deny";
	PermUser   *actor;
	DecideCall	c;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the approval request id must not be NULL")));
	c.comment = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (!approve && (c.comment == NULL || c.comment[strspn(c.comment, " \t\r\n\v\f")] == '\0'))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a reason is required to deny an approval request"),
				 errhint("Call permissions.deny(request_id, 'the reason').")));
	actor = acting_or_error(psprintf("%s approval request " INT64_FORMAT, verb, PG_GETARG_INT64(0)));
	if (perm_config_written_in_xact())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot %s an approval request in a transaction that changed the permission model", verb),
				 errdetail("Decisions rest on committed grants only."),
				 errhint("Commit the change first, then decide in a new transaction.")));
	c.actor = actor;
	c.id = PG_GETARG_INT64(0);
	c.approve = approve;
	c.state = NULL;
	perm_as_owner(decide_spi, &c);
	return c.state;
}

Datum
permissions_approve(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(decide(fcinfo, true)));
}

Datum
permissions_deny(PG_FUNCTION_ARGS)
{
	(void) decide(fcinfo, false);
	PG_RETURN_VOID();
}

/* ---------------------------------------------------------------------
 * may_decide() and the visibility of requests
 * ---------------------------------------------------------------------
 */

typedef struct MayCall
{
	PermUser   *actor;
	int64		id;
	bool		involved_counts;	/* requester, owner and deciders too */
	bool		result;
} MayCall;

static void
may_spi(void *arg)
{
	MayCall    *c = (MayCall *) arg;
	Request		r;
	Rule	   *rules;
	int			nrules;
	Decided		decided;
	const Rule *rule;
	Eligibility e;

	c->result = false;
	if (!read_request(c->id, false, &r, &decided))
		return;
	if (c->involved_counts)
	{
		if (strcmp(r.requested_by, c->actor->user_id) == 0 || streq(r.owner_id, c->actor->user_id))
		{
			c->result = true;
			return;
		}
		if (run_sql("SELECT FROM permissions.approval_decisions"
								  " WHERE request_id OPERATOR(pg_catalog.=) $1"
								  "   AND decided_by OPERATOR(pg_catalog.=) $2",
								  2, (Oid[]) {INT8OID, TEXTOID},
								  (Datum[]) {Int64GetDatum(r.id), CStringGetTextDatum(c->actor->user_id)},
								  NULL, true, 1) == SPI_OK_SELECT && SPI_processed > 0)
		{
			c->result = true;
			return;
		}
	}
	if (strcmp(r.status, "pending") != 0)
		return;
	nrules = read_rules(r.doc_type, r.amount, &rules);
	rule = awaiting_rule(rules, nrules, &decided);
	if (rule == NULL)
		return;
	e.m = perm_model();
	e.req = &r;
	e.rule = rule;
	e.decided = &decided;
	e.allow_self = self_approval_allowed(e.m);
	c->result = eligible(&e, c->actor, NULL);
}

static bool
may_common(FunctionCallInfo fcinfo, bool involved_counts)
{
	PermUser   *actor = perm_acting_user();
	MayCall		c;

	if (PG_ARGISNULL(0) || actor == NULL || !actor->exists || !actor->active)
		return false;
	c.actor = actor;
	c.id = PG_GETARG_INT64(0);
	c.involved_counts = involved_counts;
	c.result = false;
	perm_as_owner(may_spi, &c);
	return c.result;
}

Datum
permissions_may_decide(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(may_common(fcinfo, false));
}

Datum
permissions_request_visible(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(may_common(fcinfo, true));
}

/* ---------------------------------------------------------------------
 * The lifecycle trigger
 * ---------------------------------------------------------------------
 */

static char *
row_text(Relation rel, HeapTuple tup, const char *column)
{
	AttrNumber	attnum = column_number(rel, column);
	bool		isnull;
	Datum		value = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);
	Oid			typoutput;
	bool		typisvarlena;

	if (isnull)
		return NULL;
	getTypeOutputInfo(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid,
					  &typoutput, &typisvarlena);
	return OidOutputFunctionCall(typoutput, value);
}

typedef struct WithdrawCall
{
	Oid			relid;
	const char *qualname;
	const char *doc_id;
	Jsonb	   *key;
	const char *how;
} WithdrawCall;

static void
withdraw_spi(void *arg)
{
	WithdrawCall *w = (WithdrawCall *) arg;

	if (run_sql("UPDATE permissions.approval_requests"
							  " SET status = 'withdrawn', level = NULL, decided_at = pg_catalog.clock_timestamp(),"
							  "     version = version OPERATOR(pg_catalog.+) 1"
							  " WHERE tbl OPERATOR(pg_catalog.=) $1::pg_catalog.regclass"
							  "   AND doc_id OPERATOR(pg_catalog.=) $2"
							  "   AND status OPERATOR(pg_catalog.=) ANY ('{pending,approved}'::pg_catalog.text[])"
							  " RETURNING request_id, status",
							  2, (Oid[]) {OIDOID, TEXTOID},
							  (Datum[]) {ObjectIdGetDatum(w->relid), CStringGetTextDatum(w->doc_id)},
							  NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not withdraw an approval request");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		JsonbParseState *p = NULL;
		bool		isnull;

		json_int(&p, "request_id", DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
															   SPI_tuptable->tupdesc, 1, &isnull)));
		json_pair(&p, "state", "withdrawn");
		json_pair(&p, "by", w->how);
		perm_activity_append("withdraw", w->qualname, w->key, NULL, json_done(&p),
							 perm_identity_reason());
	}
}

static void
withdraw(Relation rel, HeapTuple tup, const char *how)
{
	WithdrawCall w;
	DocTable	t;

	w.relid = document_relid(rel);
	w.qualname = perm_relation_name(w.relid);
	/* without a single-column key no request can name this row */
	if (!primary_key(rel, &t.pk_col, &t.pk_type))
		return;
	w.doc_id = row_text(rel, tup, t.pk_col);
	if (w.doc_id == NULL)
		return;
	w.key = doc_key(&t, w.doc_id);
	w.how = how;
	perm_as_owner(withdraw_spi, &w);
}

/*
 * The first column the approval rested on (amount, owner, location, scope,
 * and the key that names the document) that differs between the two row
 * versions, or NULL
 */
static const char *
decision_column_changed(Relation rel, const DocConfig *cfg, HeapTuple oldtup, HeapTuple newtup)
{
	char	   *pk_col = NULL;
	Oid			pk_type;
	const char *columns[5] = {cfg->amount_col, cfg->owner_col, cfg->location_col, cfg->scope_col, NULL};
	TupleDesc	desc = RelationGetDescr(rel);

	if (primary_key(rel, &pk_col, &pk_type))
		columns[4] = pk_col;

	for (int i = 0; i < lengthof(columns); i++)
	{
		AttrNumber	attnum;
		Form_pg_attribute att;
		bool		oldnull;
		bool		newnull;
		Datum		oldval;
		Datum		newval;

		if (columns[i] == NULL)
			continue;
		attnum = column_number(rel, columns[i]);
		att = TupleDescAttr(desc, attnum - 1);
		oldval = heap_getattr(oldtup, attnum, desc, &oldnull);
		newval = heap_getattr(newtup, attnum, desc, &newnull);
		/* by content: a value stored compressed is the same value written plain */
		if (oldnull != newnull ||
			(!oldnull && !perm_same_value(oldval, newval, att)))
			return columns[i];
	}
	return NULL;
}

/*
 * What was approved is what is released: the key and the values the
 * approval rested on stay, in the UPDATE that releases the document and
 * after (a version or timestamp column a trigger bumps may change;
 * lock_completed() freezes the rest)
 */
static void
keep_approved_values(Relation rel, const DocConfig *cfg, HeapTuple oldtup, HeapTuple newtup,
					 const char *from)
{
	const char *changed = decision_column_changed(rel, cfg, oldtup, newtup);

	if (changed != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("document %s of table %s is %s and its %s cannot change",
						perm_activity_row_key_text(rel, oldtup),
						perm_relation_name(document_relid(rel)), from, changed),
				 errdetail("The approval was given for these values; %s.",
						   streq(from, "approved") ?
						   "return the document to draft (withdrawing the approval) to change them" :
						   "a released document keeps them")));
}

static void
lifecycle_error(Relation rel, HeapTuple tup, const char *from, const char *to, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("document %s of table %s cannot go from \"%s\" to \"%s\"",
					perm_activity_row_key_text(rel, tup),
					perm_relation_name(document_relid(rel)),
					from ? from : "(null)", to ? to : "(null)"),
			 errdetail("%s", detail),
			 errhint("The approval lifecycle: draft -> pending (permissions.request_approval) -> approved or denied (permissions.approve, permissions.deny); back to draft to withdraw; approved -> a released status.")));
}

Datum
permissions_approval_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	DocConfig	cfg;
	HeapTuple	oldtup;
	HeapTuple	newtup;
	char	   *from;
	char	   *to;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.approval_trigger must be fired BEFORE ... FOR EACH ROW")));
	rel = trigdata->tg_relation;
	config_from_args(trigdata->tg_trigger->tgargs, trigdata->tg_trigger->tgnargs, &cfg);

	/* rows of a dump being loaded were accepted when first written */
	if (perm_loading_dump())
		return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
							   trigdata->tg_newtuple : trigdata->tg_trigtuple);

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		newtup = trigdata->tg_trigtuple;
		to = row_text(rel, newtup, cfg.status_col);
		if (!streq(to, "draft"))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("a new document of table %s must be \"draft\", not \"%s\"",
							perm_relation_name(document_relid(rel)), to ? to : "(null)"),
					 errdetail("Documents of type \"%s\" need approval: insert them as draft and call permissions.request_approval().",
							   cfg.doc_type)));
		return PointerGetDatum(newtup);
	}

	oldtup = trigdata->tg_trigtuple;
	from = row_text(rel, oldtup, cfg.status_col);
	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		/* the request (and any approval) goes with the document */
		if (streq(from, "pending") || streq(from, "approved"))
			withdraw(rel, oldtup, "delete");
		return PointerGetDatum(oldtup);
	}

	newtup = trigdata->tg_newtuple;
	to = row_text(rel, newtup, cfg.status_col);

	/* the one change the extension is making itself */
	if (OidIsValid(internal_change.relid) && internal_change.relid == document_relid(rel) &&
		streq(to, internal_change.status))
	{
		char	   *pk_col;
		Oid			pk_type;

		if (primary_key(rel, &pk_col, &pk_type) &&
			streq(row_text(rel, oldtup, pk_col), internal_change.doc_id) &&
			streq(row_text(rel, newtup, pk_col), internal_change.doc_id))
			return PointerGetDatum(newtup);
	}

	if ((from == NULL && to == NULL) || streq(from, to))
	{
		if (is_released(&cfg, from))
			keep_approved_values(rel, &cfg, oldtup, newtup, from);
		if (streq(from, "pending") || streq(from, "approved"))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("document %s of table %s is %s and cannot be edited",
							perm_activity_row_key_text(rel, oldtup),
							perm_relation_name(document_relid(rel)),
							streq(from, "pending") ? "pending approval" : "approved"),
					 errdetail("Set %s to 'draft' in the same UPDATE to withdraw the %s first.",
							   cfg.status_col, streq(from, "pending") ? "request" : "approval")));
		return PointerGetDatum(newtup);
	}
	if (streq(to, "draft"))
	{
		if (is_released(&cfg, from))
			lifecycle_error(rel, oldtup, from, to, "A released document cannot return to draft.");
		if (streq(from, "pending") || streq(from, "approved"))
			withdraw(rel, oldtup, "draft");
		return PointerGetDatum(newtup);
	}
	if (streq(to, "pending"))
		lifecycle_error(rel, oldtup, from, to, "Only permissions.request_approval() submits a document.");
	if (streq(to, "approved") || streq(to, "denied"))
		lifecycle_error(rel, oldtup, from, to, "Only permissions.approve() and permissions.deny() decide a document.");
	if (is_released(&cfg, to))
	{
		if (streq(from, "approved") || is_released(&cfg, from))
		{
			keep_approved_values(rel, &cfg, oldtup, newtup, from);
			return PointerGetDatum(newtup);
		}
		lifecycle_error(rel, oldtup, from, to, "A document reaches a released status only once approved.");
	}
	lifecycle_error(rel, oldtup, from, to,
					psprintf("\"%s\" is not a status of the approval lifecycle (draft, pending, approved, denied, or a released status).",
							 to ? to : "(null)"));
	return PointerGetDatum(NULL);	/* not reached */
}
