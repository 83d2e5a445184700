/*
 * activity.c
 *		The activity log: permissions.track() and the config tables' log.
 *
 * A C row trigger (AFTER INSERT/UPDATE/DELETE, ENABLE ALWAYS) writes one
 * row into permissions.activity per changed row, in the same transaction,
 * so a rolled-back change leaves no entry and a committed one always has
 * one.  For updates old and new hold only the columns that changed, minus
 * the ignored ones; an update that changes nothing else is not logged.
 *
 * The entry goes straight into the heap and indexes (direct.c) while the
 * log is as the extension made it, else through SPI as the extension's
 * owner: either way the acting database role needs (and has) no INSERT
 * privilege on the log, and the log's row level security (readers need
 * activity.read) does not bind the writer.  permissions.activity is
 * append-only for everyone: its own triggers reject UPDATE, DELETE and
 * TRUNCATE.
 *
 * Trigger arguments: the first is the mode -- "track" for tables under
 * permissions.track(), "grant" for config tables whose rows give and take
 * rights (logged as grant / revoke), "config" for the other config tables --
 * the rest are the columns to ignore.
 */
#include "permissions.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "parser/parse_relation.h"
#include "utils/inval.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(permissions_activity_trigger);
PG_FUNCTION_INFO_V1(permissions_activity_append_only);
PG_FUNCTION_INFO_V1(permissions_track_rename_guard);

/* the prepared INSERT, kept for the life of the backend */
static SPIPlanPtr insert_plan = NULL;

/*
 * A column value as jsonb, the way to_jsonb() renders it
 */
static Jsonb *
value_to_jsonb(Oid typid, Datum value)
{
	FmgrInfo	flinfo;
	FuncExpr   *expr;

	/* to_jsonb() reads its argument's type from its call expression */
	fmgr_info(F_TO_JSONB, &flinfo);
	expr = makeFuncExpr(F_TO_JSONB, JSONBOID,
						list_make1(makeNullConst(typid, -1, InvalidOid)),
						InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	flinfo.fn_expr = (Node *) expr;
	return DatumGetJsonbP(FunctionCall1(&flinfo, value));
}

/*
 * A column value as a jsonb value, the way to_jsonb() renders it; nested
 * values (arrays, composites, json) come back as jbvBinary
 */
static void
column_value(Oid typid, Datum value, bool isnull, JsonbValue *val)
{
	if (isnull)
		val->type = jbvNull;
	else if (typid == BOOLOID)
	{
		val->type = jbvBool;
		val->val.boolean = DatumGetBool(value);
	}
	else if (typid == TEXTOID || typid == VARCHAROID)
	{
		text	   *t = DatumGetTextPP(value);

		val->type = jbvString;
		val->val.string.val = VARDATA_ANY(t);
		val->val.string.len = VARSIZE_ANY_EXHDR(t);
	}
	else if (typid == INT2OID || typid == INT4OID || typid == INT8OID ||
			 (typid == NUMERICOID && !numeric_is_nan(DatumGetNumeric(value)) &&
			  !numeric_is_inf(DatumGetNumeric(value))))
	{
		val->type = jbvNumeric;
		val->val.numeric =
			typid == INT2OID ? int64_to_numeric(DatumGetInt16(value)) :
			typid == INT4OID ? int64_to_numeric(DatumGetInt32(value)) :
			typid == INT8OID ? int64_to_numeric(DatumGetInt64(value)) :
			DatumGetNumeric(value);
	}
	else if (typid == DATEOID || typid == TIMESTAMPOID || typid == TIMESTAMPTZOID)
	{
		/* what to_jsonb() does for these */
		val->type = jbvString;
		val->val.string.val = JsonEncodeDateTime(NULL, value, typid, NULL);
		val->val.string.len = strlen(val->val.string.val);
	}
	else
	{
		/* every other type exactly as to_jsonb() renders it */
		Jsonb	   *jb = value_to_jsonb(typid, value);

		if (JB_ROOT_IS_SCALAR(jb))
			JsonbExtractScalar(&jb->root, val);
		else
		{
			val->type = jbvBinary;
			val->val.binary.data = &jb->root;
			val->val.binary.len = VARSIZE(jb) - VARHDRSZ;
		}
	}
}

static bool
is_ignored(char **ignore, int nignore, const char *name)
{
	for (int i = 0; i < nignore; i++)
	{
		if (strcmp(ignore[i], name) == 0)
			return true;
	}
	return false;
}

/*
 * Every ignored column must still be there under its name: one renamed
 * (or dropped) since track() would otherwise be logged under its new name,
 * which is how a secret column leaks.  Fail instead, until track() is
 * called again with the table's current names.
 */
static void
check_ignored_columns(Relation rel, char **ignore, int nignore)
{
	for (int i = 0; i < nignore; i++)
	{
		if (attnameAttNum(rel, ignore[i], false) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table %s no longer has column \"%s\", which permissions.track() ignores",
							perm_relation_name(RelationGetRelid(rel)), ignore[i]),
					 errdetail("A renamed ignored column would be logged under its new name."),
					 errhint("Call permissions.track() again with the columns to ignore as they are named now.")));
	}
}

/* jsonb's order of object keys: shorter first, then bytewise */
static int
pair_cmp(const void *a, const void *b)
{
	const JsonbValue *ka = &((const JsonbPair *) a)->key;
	const JsonbValue *kb = &((const JsonbPair *) b)->key;

	if (ka->val.string.len != kb->val.string.len)
		return ka->val.string.len > kb->val.string.len ? 1 : -1;
	return memcmp(ka->val.string.val, kb->val.string.val, ka->val.string.len);
}

/*
 * The length of a scalar's data in a jsonb container starting at offset
 * pos (from the start of the varlena): numerics are int-aligned, and the
 * padding counts as theirs
 */
static int
scalar_length(const JsonbValue *v, int pos)
{
	switch (v->type)
	{
		case jbvString:
			return v->val.string.len;
		case jbvNumeric:
			return INTALIGN(pos) - pos + VARSIZE_ANY(v->val.numeric);
		default:
			return 0;
	}
}

/*
 * A JEntry: the type bits, and the length of the data -- or, every
 * JB_OFFSET_STRIDE'th entry, the end offset of the data so far
 */
static JEntry
scalar_jentry(const JsonbValue *v, int index, int len, int end)
{
	JEntry		type;

	switch (v->type)
	{
		case jbvString:
			type = JENTRY_ISSTRING;
			break;
		case jbvNumeric:
			type = JENTRY_ISNUMERIC;
			break;
		case jbvBool:
			type = v->val.boolean ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
			break;
		case jbvNull:
			type = JENTRY_ISNULL;
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d in a column object", (int) v->type);
	}
	if (index % JB_OFFSET_STRIDE == 0)
		return type | JENTRY_HAS_OFF | end;
	return type | len;
}

/*
 * An object of scalars (strings, non-NaN numerics, booleans, nulls; keys
 * sorted and unique) written in jsonb's format, as convertJsonbObject
 * writes it: the header, the keys' JEntries and then the values', the keys'
 * data and then the values'.  JsonbValueToJsonb would do the same through
 * a growing buffer, at several times the cost on the log's hot path.
 */
static Jsonb *
scalars_object(const JsonbPair *pairs, int n)
{
	int			data_start = VARHDRSZ + sizeof(uint32) + 2 * n * sizeof(JEntry);
	int			pos = data_start;
	Jsonb	   *jb;
	JEntry	   *entries;
	char	   *data;

	/* the size, checked at every step as convertJsonbObject does (no overflow) */
	for (int i = 0; i < 2 * n; i++)
	{
		pos += i < n ? pairs[i].key.val.string.len : scalar_length(&pairs[i - n].value, pos);
		if (pos - data_start > JENTRY_OFFLENMASK)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("total size of jsonb object elements exceeds the maximum of %u bytes",
							JENTRY_OFFLENMASK)));
	}

	jb = palloc0(pos);
	SET_VARSIZE(jb, pos);
	jb->root.header = n | JB_FOBJECT;
	entries = jb->root.children;
	data = (char *) jb;
	pos = data_start;
	for (int i = 0; i < n; i++)
	{
		int			len = pairs[i].key.val.string.len;

		memcpy(data + pos, pairs[i].key.val.string.val, len);
		pos += len;
		entries[i] = scalar_jentry(&pairs[i].key, i, len, pos - data_start);
	}
	for (int i = 0; i < n; i++)
	{
		const JsonbValue *v = &pairs[i].value;
		int			len = scalar_length(v, pos);

		if (v->type == jbvString)
			memcpy(data + pos, v->val.string.val, len);
		else if (v->type == jbvNumeric)
			memcpy(data + pos + len - VARSIZE_ANY(v->val.numeric), v->val.numeric,
				   VARSIZE_ANY(v->val.numeric));
		pos += len;
		entries[n + i] = scalar_jentry(v, n + i, len, pos - data_start);
	}
	return jb;
}

/*
 * The given columns (attribute numbers) of a deformed row as a jsonb
 * object.  Scalars only -- the usual case -- are written directly
 * (column names are unique, so sorting them is all jsonb asks); nested
 * values go through pushJsonbValue, which unpacks them.
 */
static Jsonb *
columns_object(TupleDesc desc, const AttrNumber *cols, int ncols,
			   const Datum *values, const bool *nulls)
{
	JsonbPair	local[16];
	JsonbPair  *pairs = ncols <= lengthof(local) ? local : palloc(sizeof(JsonbPair) * ncols);
	bool		nested = false;

	for (int i = 0; i < ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, cols[i] - 1);

		pairs[i].key.type = jbvString;
		pairs[i].key.val.string.val = NameStr(att->attname);
		pairs[i].key.val.string.len = strlen(NameStr(att->attname));
		pairs[i].order = i;
		column_value(att->atttypid, values[cols[i] - 1], nulls[cols[i] - 1], &pairs[i].value);
		if (pairs[i].value.type == jbvBinary)
			nested = true;
	}
	if (nested)
	{
		JsonbParseState *state = NULL;

		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		for (int i = 0; i < ncols; i++)
		{
			pushJsonbValue(&state, WJB_KEY, &pairs[i].key);
			pushJsonbValue(&state, WJB_VALUE, &pairs[i].value);
		}
		return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
	}
	if (ncols > 1)
		qsort(pairs, ncols, sizeof(JsonbPair), pair_cmp);
	return scalars_object(pairs, ncols);
}

/* the log table as we created it, found once per relcache state */
#define ACTIVITY_NCOLS 11
static const char *const activity_columns[ACTIVITY_NCOLS] = {
	"activity_id", "at", "user_id", "db_role", "action", "object", "row_key",
	"old", "new", "reason", "xact"
};

static const Oid activity_types[ACTIVITY_NCOLS] = {
	INT8OID, TIMESTAMPTZOID, TEXTOID, NAMEOID, TEXTOID, TEXTOID, JSONBOID,
	JSONBOID, JSONBOID, TEXTOID, XID8OID
};
static const bool activity_nullable[ACTIVITY_NCOLS] = {
	false, false, true, false, false, false, true, true, true, true, false
};

static PermDirectTable activity_table = {"activity", ACTIVITY_NCOLS, activity_columns,
activity_types, activity_nullable};

/* per logged table: its name and primary key columns, until its relcache entry changes */
#define MAX_LOGGED_TABLES 16
#define MAX_KEY_COLUMNS INDEX_MAX_KEYS

typedef struct LoggedTable
{
	Oid			relid;
	Oid			named_relid;	/* a partition's root; else relid */
	char		object[2 * NAMEDATALEN + 8];
	int			nkeys;			/* -1: no usable primary key */
	AttrNumber	keys[MAX_KEY_COLUMNS];
} LoggedTable;

static LoggedTable logged_tables[MAX_LOGGED_TABLES];
static int	nlogged_tables = 0;

/* bumped by every invalidation that may reach a logged table's slot */
static uint64 logged_tables_inval = 0;

/* the acting database role's name */
static Oid	role_name_oid = InvalidOid;
static NameData role_name;

static void
activity_relcache_callback(Datum arg, Oid relid)
{
	logged_tables_inval++;
	for (int i = 0; i < nlogged_tables; i++)
	{
		if (!OidIsValid(relid) || logged_tables[i].relid == relid ||
			logged_tables[i].named_relid == relid)
			logged_tables[i].relid = InvalidOid;
	}
}

static void
activity_authid_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	role_name_oid = InvalidOid;
}

/* a schema renamed: the names in the log change with it */
static void
activity_namespace_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	logged_tables_inval++;
	for (int i = 0; i < nlogged_tables; i++)
		logged_tables[i].relid = InvalidOid;
}

void
perm_activity_init(void)
{
	CacheRegisterRelcacheCallback(activity_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, activity_authid_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, activity_namespace_callback, (Datum) 0);
}

/*
 * The name and key columns of a logged table.  The slot may be taken for
 * another table while a value is rendered (a cast that writes to another
 * tracked table), so callers copy it.
 */
static LoggedTable *
logged_table(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	LoggedTable *t = NULL;
	Oid			pk;

	for (int i = 0; i < nlogged_tables; i++)
	{
		if (logged_tables[i].relid == relid)
			return &logged_tables[i];
	}
	for (int i = 0; i < nlogged_tables && t == NULL; i++)
	{
		if (!OidIsValid(logged_tables[i].relid))
			t = &logged_tables[i];
	}
	if (t == NULL)
		t = &logged_tables[nlogged_tables < MAX_LOGGED_TABLES ? nlogged_tables++ : relid % MAX_LOGGED_TABLES];

	/*
	 * Fill the slot.  The lookups below take in invalidations (a catalog
	 * opened for the first time in the transaction is locked), and one that
	 * arrives meanwhile -- a schema renamed, say, which locks no table --
	 * finds the slot not yet marked as relid's: fill it again until none
	 * arrived, as the relcache does for its own entries.
	 */
	for (;;)
	{
		uint64		inval = logged_tables_inval;

		/* a partition's rows are the partitioned table's, as users query them */
		t->named_relid = perm_partition_root(rel);
		strlcpy(t->object, perm_relation_name(t->named_relid), sizeof(t->object));
		t->nkeys = -1;
		pk = RelationGetPrimaryKeyIndex(rel);
		if (OidIsValid(pk))
		{
			Relation	index = index_open(pk, AccessShareLock);

			if (index->rd_index->indnkeyatts <= MAX_KEY_COLUMNS)
			{
				t->nkeys = 0;
				for (int i = 0; i < index->rd_index->indnkeyatts; i++)
				{
					if (index->rd_index->indkey.values[i] > 0)
						t->keys[t->nkeys++] = index->rd_index->indkey.values[i];
				}
			}
			index_close(index, AccessShareLock);
		}
		if (inval == logged_tables_inval)
			break;
	}
	t->relid = relid;
	return t;
}

/*
 * The primary key columns of a row as a jsonb object, or NULL
 */
static Jsonb *
row_key(Relation rel, HeapTuple tup)
{
	TupleDesc	desc = RelationGetDescr(rel);
	LoggedTable t = *logged_table(rel);
	Datum	   *values;
	bool	   *nulls;

	if (t.nkeys < 0)
		return NULL;
	values = palloc(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	heap_deform_tuple(tup, desc, values, nulls);
	return columns_object(desc, t.keys, t.nkeys, values, nulls);
}

/*
 * The root of rel's partition tree, or rel itself.  A partition being
 * detached concurrently (an interrupted DETACH ... CONCURRENTLY) has no
 * ancestors to give: it stands for itself.
 */
Oid
perm_partition_root(Relation rel)
{
	List	   *ancestors;

	if (!rel->rd_rel->relispartition)
		return RelationGetRelid(rel);
	ancestors = get_partition_ancestors(RelationGetRelid(rel));
	return ancestors != NIL ? llast_oid(ancestors) : RelationGetRelid(rel);
}

/*
 * A relation's schema-qualified, quoted name: how the log, messages and
 * notifications name a table
 */
char *
perm_relation_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/*
 * The number of the user column a trigger argument names; 42703 when the
 * column is gone, with a hint to run its installer (e.g.
 * "permissions.enable_approvals()") again when given
 */
AttrNumber
perm_column_number(Relation rel, const char *name, const char *installer)
{
	AttrNumber	attnum = attnameAttNum(rel, name, false);

	if (attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						name, RelationGetRelationName(rel)),
				 installer ? errhint("Run %s again.", installer) : 0));
	return attnum;
}

/* the caller's search_path (outermost perm_as_owner), NULL outside it */
static char *caller_search_path = NULL;

/*
 * The search_path of perm_as_owner's caller, for statements that run a
 * table owner's code (their triggers) as that owner, as the caller's own
 * statement would; NULL outside perm_as_owner
 */
const char *
perm_caller_search_path(void)
{
	return caller_search_path;
}

/* the role that called perm_as_owner (outermost), InvalidOid outside it */
static Oid	outer_role = InvalidOid;

/*
 * Run f(arg) as the extension's owner, with SPI connected: the acting role
 * needs no privilege on the extension's tables, and the owner is not bound
 * by their row level security.  The acting application user and the
 * database role written to the log stay those of the caller: inside, the
 * identity is pinned (a db_role mapping would otherwise see the owner).
 */
void
perm_as_owner(void (*f) (void *), void *arg)
{
	PermModel  *m = perm_model();
	Oid			save_userid;
	int			save_sec_context;
	Oid			save_outer = outer_role;
	char	   *save_path = caller_search_path;
	bool		pinned_here = false;
	int			save_nestlevel;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	if (!OidIsValid(outer_role))
	{
		perm_pin_acting_user(perm_acting_user());
		outer_role = perm_mapped_role();
		caller_search_path = pstrdup(namespace_search_path);
		pinned_here = true;
	}
	SetUserIdAndSecContext(OidIsValid(m->owner) ? m->owner : save_userid,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);

	/*
	 * As a SECURITY DEFINER function with SET search_path would: what runs
	 * as the owner (our statements, and a trigger a DBA added to one of our
	 * tables) resolves nothing through the caller's search_path.  (A
	 * statement on a user's table that runs as its owner puts the caller's
	 * back: perm_caller_search_path.)
	 */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		f(arg);
		SPI_finish();
		/* (on an error, the (sub)transaction's abort restores it) */
		AtEOXact_GUC(true, save_nestlevel);
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
		outer_role = save_outer;
		caller_search_path = save_path;
		if (pinned_here)
			perm_unpin_acting_user();
	}
	PG_END_TRY();
}

typedef struct ActivityRow
{
	Datum		values[8];
	char		nulls[8];
} ActivityRow;

static void
activity_insert_spi(void *arg)
{
	ActivityRow *row = (ActivityRow *) arg;
	Oid			argtypes[8] = {TEXTOID, NAMEOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID,
	JSONBOID, TEXTOID};

	if (insert_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(
									   "INSERT INTO permissions.activity "
									   "(user_id, db_role, action, object, row_key, old, new, reason) "
									   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
									   8, argtypes);

		if (plan == NULL || SPI_keepplan(plan) != 0)
			elog(ERROR, "could not prepare the activity log insert");
		insert_plan = plan;
	}
	if (SPI_execute_plan(insert_plan, row->values, row->nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the activity log");
}

/*
 * Append one entry to permissions.activity, as the extension's owner
 *
 * Callable by the other parts (overrides, approvals) as well.
 */
void
perm_activity_append(const char *action, const char *object, Jsonb *key,
					 Jsonb *old, Jsonb *new, const char *reason)
{
	ActivityRow entry;
	Datum	   *values = entry.values;
	char	   *nulls = entry.nulls;
	PermUser   *u = perm_attributed_user();
	Oid			roleid = OidIsValid(outer_role) ? outer_role : perm_mapped_role();
	NameData	role;
	Relation	rel;

	if (role_name_oid != roleid)
	{
		namestrcpy(&role_name, GetUserNameFromId(roleid, false));
		role_name_oid = roleid;
	}
	role = role_name;
	values[0] = (u != NULL && u->exists) ? CStringGetTextDatum(u->user_id) : (Datum) 0;
	nulls[0] = (u != NULL && u->exists) ? ' ' : 'n';
	values[1] = NameGetDatum(&role);
	nulls[1] = ' ';
	values[2] = CStringGetTextDatum(action);
	nulls[2] = ' ';
	values[3] = CStringGetTextDatum(object);
	nulls[3] = ' ';
	values[4] = PointerGetDatum(key);
	nulls[4] = key ? ' ' : 'n';
	values[5] = PointerGetDatum(old);
	nulls[5] = old ? ' ' : 'n';
	values[6] = PointerGetDatum(new);
	nulls[6] = new ? ' ' : 'n';
	values[7] = reason ? CStringGetTextDatum(reason) : (Datum) 0;
	nulls[7] = reason ? ' ' : 'n';

	rel = perm_direct_open(&activity_table);
	if (activity_table.direct)
	{
		/* straight into the heap and its plain indexes: no privileges, no RLS */
		Datum		row[ACTIVITY_NCOLS];
		bool		rownulls[ACTIVITY_NCOLS];

		row[1] = TimestampTzGetDatum(GetCurrentTimestamp());
		rownulls[1] = false;
		for (int i = 0; i < 8; i++)
		{
			row[i + 2] = values[i];
			rownulls[i + 2] = nulls[i] != ' ';
		}
		row[10] = FullTransactionIdGetDatum(GetTopFullTransactionId());
		rownulls[10] = false;
		(void) perm_direct_insert(&activity_table, rel, row, rownulls);
		table_close(rel, NoLock);
		return;
	}
	table_close(rel, NoLock);
	perm_as_owner(activity_insert_spi, &entry);
}

/*
 * Log one row change: an insert (oldtup NULL), a delete (newtup NULL) or an
 * update (only the changed columns); false when an update changed nothing
 * but ignored columns, and so was not logged
 */
bool
perm_activity_row(Relation rel, HeapTuple oldtup, HeapTuple newtup, const char *action,
				  char **ignore, int nignore, const char *reason)
{
	LoggedTable t = *logged_table(rel);
	TupleDesc	desc = RelationGetDescr(rel);
	int			natts = desc->natts;
	/* one allocation for both rows' values and the changed columns */
	char	   *space = palloc(Max(natts, 1) * (2 * sizeof(Datum) + 2 * sizeof(bool) + sizeof(AttrNumber)));
	Datum	   *old_values = (Datum *) space;
	Datum	   *new_values = old_values + natts;
	bool	   *old_nulls = (bool *) (new_values + natts);
	bool	   *new_nulls = old_nulls + natts;
	AttrNumber *cols = (AttrNumber *) (new_nulls + natts);
	int			ncols = 0;
	int			nmatched = 0;	/* live columns that are ignored */
	Jsonb	   *key = NULL;

	if (oldtup != NULL)
		heap_deform_tuple(oldtup, desc, old_values, old_nulls);
	if (newtup != NULL)
		heap_deform_tuple(newtup, desc, new_values, new_nulls);
	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (nignore > 0 && is_ignored(ignore, nignore, NameStr(att->attname)))
		{
			nmatched++;
			continue;
		}
		/*
		 * an update logs only what changed: compared by content, since the
		 * toaster may have compressed or moved out a value the UPDATE did not
		 * touch (when another column grew)
		 */
		if (oldtup != NULL && newtup != NULL && old_nulls[i] == new_nulls[i] &&
			(old_nulls[i] || perm_same_value(old_values[i], new_values[i], att)))
			continue;
		cols[ncols++] = i + 1;
	}
	if (nmatched < nignore)
		check_ignored_columns(rel, ignore, nignore);	/* also passes repeated names */
	if (oldtup != NULL && newtup != NULL && ncols == 0)
		return false;
	if (t.nkeys >= 0)
		key = columns_object(desc, t.keys, t.nkeys,
							 newtup ? new_values : old_values, newtup ? new_nulls : old_nulls);
	perm_activity_append(action, t.object, key,
						 oldtup ? columns_object(desc, cols, ncols, old_values, old_nulls) : NULL,
						 newtup ? columns_object(desc, cols, ncols, new_values, new_nulls) : NULL,
						 reason);
	return true;
}

/*
 * The row key of a row as jsonb text, for messages
 */
char *
perm_activity_row_key_text(Relation rel, HeapTuple tup)
{
	Jsonb	   *key = row_key(rel, tup);

	return key ? JsonbToCString(NULL, &key->root, VARSIZE(key)) : pstrdup("(no primary key)");
}

Datum
permissions_activity_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	bool		grants;
	HeapTuple	oldtup = NULL;
	HeapTuple	newtup = NULL;
	const char *action;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		(!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) && !TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.activity_trigger must be fired AFTER ... FOR EACH ROW, or AFTER TRUNCATE")));
	trigger = trigdata->tg_trigger;
	grants = trigger->tgnargs > 0 && strcmp(trigger->tgargs[0], "grant") == 0;

	/*
	 * Only the extension's own tables log as config changes (grant, revoke):
	 * a table owner attaching this function with 'grant' would forge them
	 */
	if ((trigger->tgnargs < 1 || strcmp(trigger->tgargs[0], "track") != 0) &&
		RelationGetNamespace(trigdata->tg_relation) != get_namespace_oid("permissions", false))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.activity_trigger logs other tables only as permissions.track() installs it"),
				 errhint("Call permissions.track() on the table.")));

	/* a dump being loaded brings its own log (see perm_loading_dump) */
	if (perm_loading_dump())
		return PointerGetDatum(NULL);

	/* TRUNCATE: one entry for the table (each partition truncated has its own) */
	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
	{
		perm_activity_append("truncate", perm_relation_name(RelationGetRelid(trigdata->tg_relation)),
							 NULL, NULL, NULL, perm_identity_reason());
		return PointerGetDatum(NULL);
	}

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		newtup = trigdata->tg_trigtuple;
		action = grants ? "grant" : "insert";
	}
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		oldtup = trigdata->tg_trigtuple;
		action = grants ? "revoke" : "delete";
	}
	else
	{
		oldtup = trigdata->tg_trigtuple;
		newtup = trigdata->tg_newtuple;
		action = grants ? "grant" : "update";
	}
	(void) perm_activity_row(trigdata->tg_relation, oldtup, newtup, action,
							 trigger->tgnargs > 1 ? trigger->tgargs + 1 : NULL,
							 Max(trigger->tgnargs - 1, 0), perm_identity_reason());
	return PointerGetDatum(NULL);
}

/*
 * Reject UPDATE, DELETE and TRUNCATE of permissions.activity
 */
Datum
permissions_activity_append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.activity_append_only must be fired as a trigger")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permissions.activity is append-only"),
			 errdetail("%s of the activity log is refused for every role.",
					   TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? "UPDATE" :
					   TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ? "DELETE" : "TRUNCATE"),
			 errhint("Entries are written only by the extension's triggers and never changed.")));
	return PointerGetDatum(NULL);
}

/*
 * Event trigger (ddl_command_start, ALTER TABLE): refuse to rename a column
 * of a tracked table to or from a name its track() ignores.  The ignored
 * columns are kept by name; a renamed one would be logged under its new
 * name, and renames that swap names would pass the per-row check
 * (check_ignored_columns).  Untrack, rename, and track again.
 */
Datum
permissions_track_rename_guard(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	RenameStmt *stmt;
	Oid			relid;
	Relation	rel;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function permissions.track_rename_guard must be fired as an event trigger")));
	trigdata = (EventTriggerData *) fcinfo->context;
	if (!IsA(trigdata->parsetree, RenameStmt))
		PG_RETURN_VOID();
	stmt = (RenameStmt *) trigdata->parsetree;
	if (stmt->renameType != OBJECT_COLUMN || stmt->relation == NULL ||
		stmt->subname == NULL || stmt->newname == NULL)
		PG_RETURN_VOID();
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (!OidIsValid(relid))
		PG_RETURN_VOID();		/* the command reports it */
	rel = relation_open(relid, AccessShareLock);
	for (int i = 0; rel->trigdesc && i < rel->trigdesc->numtriggers; i++)
	{
		Trigger    *t = &rel->trigdesc->triggers[i];

		if (strcmp(t->tgname, "permissions_track") != 0)
			continue;
		for (int a = 1; a < t->tgnargs; a++)
		{
			if (strcmp(t->tgargs[a], stmt->subname) == 0 || strcmp(t->tgargs[a], stmt->newname) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("column \"%s\" of table %s is ignored by permissions.track()",
								t->tgargs[a], perm_relation_name(relid)),
						 errdetail("The ignored columns are kept by name: after the rename another column would be ignored, or this one logged."),
						 errhint("Call permissions.untrack(), rename, then permissions.track() with the new names.")));
		}
	}
	relation_close(rel, AccessShareLock);
	PG_RETURN_VOID();
}
