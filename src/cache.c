/*
 * cache.c
 *		The per-backend rights cache: the model and the users' effective rights.
 *
 * This is the only file that reads the config tables on the check path.
 * Everything is built lazily and kept in memory contexts under
 * CacheMemoryContext:
 *
 *	- the model (roles, actions, locations, settings), shared by all users;
 *	- up to permissions.user_cache_size users' effective rights (a hash
 *	  table by user_id), the acting user's among them, plus the
 *	  db_role -> user_id mapping of roles seen.  When it is full it is
 *	  started afresh, so switching among a pool's users costs a hash lookup
 *	  once each user has been seen.
 *
 * Validity.  Every committed write to a config table sends a relcache
 * invalidation for that table (catalog.c).  Our relcache callback only
 * marks the cache invalid; the rebuild happens at the next use.  At the
 * first call of each top-level statement we call AcceptInvalidationMessages,
 * so a change committed elsewhere is obeyed at the next statement even
 * inside an open transaction, and a rolled-back change never sends a
 * message.  A session's own uncommitted changes are seen at its next
 * command, because local invalidations are processed at command end (and
 * replayed on abort, which flushes them again).
 *
 * Builds read with a fresh MVCC snapshot taken after every relation and
 * index is locked, so an invalidation processed while locking cannot leave
 * a build older than the message that triggered it.
 *
 * Lifetime.  A rebuild never frees memory a caller may hold: superseded
 * contexts are retired and deleted at the next top-level statement.
 */
#include "permissions.h"

#include "access/genam.h"
#include "common/hashfn.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#define MAX_CACHED_DBROLES 16

/* the config tables whose changes invalidate the cache */
typedef enum ConfigTable
{
	CT_ROLES,
	CT_AREAS,
	CT_ROLE_PRIVILEGES,
	CT_FEATURES,
	CT_ACTIONS,
	CT_LOCATIONS,
	CT_SETTINGS,
	CT_USERS,
	CT_LOCATION_ACCESS,
	CT_MEMBERSHIPS,
	CT_LOCK_DATES,
	CT_COUNT
} ConfigTable;

static const char *const config_table_names[CT_COUNT] = {
	"roles", "areas", "role_privileges", "features", "actions",
	"locations", "settings", "users", "location_access", "memberships",
	"lock_dates"
};

/* OIDs of the config tables as of the last build; InvalidOid before */
static Oid	config_relids[CT_COUNT];

/* invalidation state: set by the callback, cleared by rebuilds */
static bool model_valid = false;
static bool users_valid = false;
static uint64 inval_count = 0;
static uint64 next_generation = 1;

/* statement gating */
static TimestampTz seen_stmt_start = 0;
static LocalTransactionId seen_lxid = InvalidLocalTransactionId;

static MemoryContext model_cxt = NULL;
static PermModel *current_model = NULL;

typedef struct CachedDbRole
{
	Oid			roleid;
	const char *user_id;		/* NULL: the role maps to no user */
} CachedDbRole;

static MemoryContext users_cxt = NULL;
static uint64 users_epoch = 0;
static int	user_cache_size = 1024;
static HTAB *users_hash = NULL;

typedef struct UserEntry
{
	const char *user_id;		/* key: points into the entry's PermUser */
	PermUser   *user;
} UserEntry;
static int	ndbroles = 0;
static CachedDbRole dbroles[MAX_CACHED_DBROLES];

/* while the extension works as its owner, the caller's user (activity.c) */
static bool acting_pinned = false;
static PermUser *pinned_user = NULL;

/* while a document table's owner's code runs for the extension: nobody */
static bool acting_suppressed = false;

/* the acting user, valid while all of these still match */
static PermUser *acting_user = NULL;
static bool acting_valid = false;
static uint64 acting_identity_gen = 0;
static Oid	acting_roleid = InvalidOid;
static uint64 acting_users_epoch = 0;

#define MAX_READER_COLUMNS 8
#define MAX_READER_MEMOS 16

/*
 * Column numbers and the first-column index of a reader, found once per
 * table OID; forgotten when a config table is invalidated (ALTER TABLE).
 */
typedef struct ReaderMemo
{
	const char *const *columns; /* the caller's static column list */
	Oid			relid;
	AttrNumber	attnums[MAX_READER_COLUMNS];
	Oid			first_column_index;
} ReaderMemo;

static ReaderMemo reader_memos[MAX_READER_MEMOS];
static int	nreader_memos = 0;

static Oid	index_on_first_column(Relation rel, AttrNumber attnum);
static void resolve_config_tables(void);

/* contexts superseded by rebuilds, deleted at the next statement */
static List *retired = NIL;

/*
 * Is relid one of the config tables?
 */
bool
perm_is_config_table(Oid relid)
{
	for (int i = 0; i < CT_COUNT; i++)
	{
		if (config_relids[i] == relid)
			return OidIsValid(relid);
	}
	return false;
}

/*
 * Pin the acting user while the extension runs as its owner, so that the
 * owner's db_role mapping never stands in for the caller (perm_as_owner
 * pins and always unpins, on error too)
 */
void
perm_pin_acting_user(PermUser *u)
{
	pinned_user = u;
	acting_pinned = true;
}

void
perm_unpin_acting_user(void)
{
	pinned_user = NULL;
	acting_pinned = false;
}

/*
 * Let nobody act (on = true) or restore the previous state; returns the
 * previous state.  Changing the identity's generation makes every cached
 * answer (policies, can() call sites) ask again.
 */
bool
perm_suppress_acting_user(bool on)
{
	bool		prev = acting_suppressed;

	acting_suppressed = on;
	perm_identity_generation++;
	return prev;
}

/*
 * Who the activity log names: the caller pinned by perm_as_owner, even
 * while nobody may act; otherwise the acting user
 */
PermUser *
perm_attributed_user(void)
{
	if (acting_pinned)
		return pinned_user;
	return perm_acting_user();
}

/*
 * Lock every config table in mode (a decision that must not race a grant
 * takes ShareLock: it waits for uncommitted config writes and holds off new
 * ones until it commits), then take in what committed meanwhile
 */
void
perm_lock_config(LOCKMODE mode)
{
	resolve_config_tables();
	for (int i = 0; i < CT_COUNT; i++)
		LockRelationOid(config_relids[i], mode);
	AcceptInvalidationMessages();
}

/*
 * Mark everything invalid when a config table (or every relation) changes
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (OidIsValid(relid) && !perm_is_config_table(relid))
		return;
	nreader_memos = 0;
	model_valid = false;
	users_valid = false;
	inval_count++;
}

/*
 * A role was renamed or dropped: forget the db_role mappings
 */
static void
authid_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	users_valid = false;
	inval_count++;
}

void
perm_cache_init(void)
{
	DefineCustomIntVariable("permissions.user_cache_size",
							"How many users' rights each session keeps in memory.",
							"Switching to a user already cached costs a hash lookup; any other "
							"user's rights are read from the config tables.  Each user costs "
							"about 10 bytes per explicit location grant.",
							&user_cache_size,
							1024, 1, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, authid_callback, (Datum) 0);
}

static void
retire_context(MemoryContext cxt)
{
	MemoryContext old;

	if (cxt == NULL)
		return;
	old = MemoryContextSwitchTo(TopMemoryContext);
	retired = lappend(retired, cxt);
	MemoryContextSwitchTo(old);
}

/*
 * Ensure messages committed before this statement have been seen
 *
 * Runs its body once per top-level statement: deletes retired contexts (no
 * caller holds their pointers across statements) and accepts invalidations.
 */
static inline void
cache_validate(void)
{
	TimestampTz ts = GetCurrentStatementStartTimestamp();

	if (likely(ts == seen_stmt_start && MyProc->lxid == seen_lxid))
		return;
	seen_stmt_start = ts;
	seen_lxid = MyProc->lxid;
	if (retired != NIL)
	{
		ListCell   *lc;

		foreach(lc, retired)
			MemoryContextDelete((MemoryContext) lfirst(lc));
		list_free(retired);
		retired = NIL;
	}
	AcceptInvalidationMessages();
}

/* ---------------------------------------------------------------------
 * Reading config tables
 * ---------------------------------------------------------------------
 */

typedef struct TableReader
{
	Relation	rel;
	AttrNumber	attnums[MAX_READER_COLUMNS];	/* copied: the memo may be reused meanwhile */
	Oid			first_column_index;	/* InvalidOid when there is none */
} TableReader;


/*
 * Open a config table and find its columns by name
 */
static void
reader_open(TableReader *r, ConfigTable ct, const char *const *columns, int ncolumns)
{
	Oid			relid = config_relids[ct];
	ReaderMemo *memo = NULL;

	Assert(ncolumns <= MAX_READER_COLUMNS);
	r->rel = table_open(relid, AccessShareLock);
	for (int i = 0; i < nreader_memos; i++)
	{
		if (reader_memos[i].columns == columns && reader_memos[i].relid == relid)
		{
			memo = &reader_memos[i];
			break;
		}
	}
	if (memo == NULL)
	{
		ReaderMemo	m;

		m.columns = columns;
		m.relid = relid;
		for (int i = 0; i < ncolumns; i++)
		{
			m.attnums[i] = get_attnum(relid, columns[i]);
			if (m.attnums[i] == InvalidAttrNumber)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("column \"%s\" of permissions.%s is missing",
								columns[i], config_table_names[ct]),
						 errhint("Reinstall or update the permissions extension.")));
		}
		m.first_column_index = index_on_first_column(r->rel, m.attnums[0]);
		if (nreader_memos == MAX_READER_MEMOS)
			nreader_memos = 0;
		reader_memos[nreader_memos] = m;
		memo = &reader_memos[nreader_memos++];
	}
	memcpy(r->attnums, memo->attnums, sizeof(AttrNumber) * ncolumns);
	r->first_column_index = memo->first_column_index;
	/* lock the index now, so no invalidation arrives once we have a snapshot */
	if (OidIsValid(r->first_column_index))
		LockRelationOid(r->first_column_index, AccessShareLock);
}

static void
reader_close(TableReader *r)
{
	table_close(r->rel, NoLock);
}

static Datum
reader_get(TableReader *r, HeapTuple tup, int col, bool *isnull)
{
	return heap_getattr(tup, r->attnums[col], RelationGetDescr(r->rel), isnull);
}

static char *
reader_text(TableReader *r, HeapTuple tup, int col)
{
	bool		isnull;
	Datum		d = reader_get(r, tup, col, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * The index whose first key column is attnum, or InvalidOid
 */
static Oid
index_on_first_column(Relation rel, AttrNumber attnum)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			result = InvalidOid;

	foreach(lc, indexes)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		Form_pg_index form;

		if (!HeapTupleIsValid(tup))
			continue;
		form = (Form_pg_index) GETSTRUCT(tup);
		if (form->indisvalid && form->indnatts >= 1 &&
			form->indkey.values[0] == attnum &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL) &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL))
			result = indexoid;
		ReleaseSysCache(tup);
		if (OidIsValid(result))
			break;
	}
	list_free(indexes);
	return result;
}

/*
 * Look up the config tables' OIDs; error when the extension is missing
 */
static void
resolve_config_tables(void)
{
	Oid			nsp = get_namespace_oid("permissions", true);

	for (int i = 0; i < CT_COUNT; i++)
	{
		Oid			relid = OidIsValid(nsp) ?
			get_relname_relid(config_table_names[i], nsp) : InvalidOid;

		if (!OidIsValid(relid))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("table permissions.%s does not exist", config_table_names[i]),
					 errhint("Run CREATE EXTENSION permissions in this database.")));
		config_relids[i] = relid;
	}
}

static Oid
extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			owner = InvalidOid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("permissions"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

static int
cmp_strings(const char *a, const char *b)
{
	return strcmp(a, b);
}

static int
cmp_string_ptrs(const void *a, const void *b)
{
	return cmp_strings(*(const char *const *) a, *(const char *const *) b);
}

static int
cmp_area_privs(const void *a, const void *b)
{
	return cmp_strings(((const PermAreaPrivs *) a)->area, ((const PermAreaPrivs *) b)->area);
}

static int
cmp_roles(const void *a, const void *b)
{
	return cmp_strings(((const PermRole *) a)->role, ((const PermRole *) b)->role);
}

static int
cmp_actions(const void *a, const void *b)
{
	return cmp_strings(((const PermAction *) a)->action, ((const PermAction *) b)->action);
}

static int
cmp_settings(const void *a, const void *b)
{
	return cmp_strings(((const PermSetting *) a)->name, ((const PermSetting *) b)->name);
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return (x > y) - (x < y);
}

static int
cmp_loc_access(const void *a, const void *b)
{
	return cmp_int64(&((const PermLocAccess *) a)->location_id,
					 &((const PermLocAccess *) b)->location_id);
}

static PermLocationRule
parse_rule(const char *rule)
{
	if (strcmp(rule, "location") == 0)
		return PERM_RULE_LOCATION;
	if (strcmp(rule, "any_location") == 0)
		return PERM_RULE_ANY_LOCATION;
	if (strcmp(rule, "all_locations") == 0)
		return PERM_RULE_ALL_LOCATIONS;
	return PERM_RULE_NONE;		/* the table's CHECK admits nothing else */
}

/*
 * Read the model (roles, privileges, actions, features, locations, settings)
 * into a new context
 */
static PermModel *
build_model(MemoryContext cxt)
{
	static const char *const role_cols[] = {"role", "inherits", "is_admin"};
	static const char *const rp_cols[] = {"role", "area", "privileges"};
	static const char *const feature_cols[] = {"feature", "enabled"};
	static const char *const action_cols[] = {"action", "area", "privilege",
	"location_rule", "min_access", "feature"};
	static const char *const location_cols[] = {"location_id"};
	static const char *const setting_cols[] = {"name", "value"};
	static const char *const area_cols[] = {"area"};
	static const char *const lock_cols[] = {"area", "locked_until"};
	TableReader roles_r,
				rp_r,
				features_r,
				actions_r,
				locations_r,
				settings_r,
				areas_r,
				locks_r;
	MemoryContext old = MemoryContextSwitchTo(cxt);
	PermModel  *m = palloc0(sizeof(PermModel));
	Snapshot	snap;
	SysScanDesc scan;
	HeapTuple	tup;
	int			cap;
	int			nfeatures = 0;
	PermSetting *features;

	reader_open(&roles_r, CT_ROLES, role_cols, lengthof(role_cols));
	reader_open(&rp_r, CT_ROLE_PRIVILEGES, rp_cols, lengthof(rp_cols));
	reader_open(&features_r, CT_FEATURES, feature_cols, lengthof(feature_cols));
	reader_open(&actions_r, CT_ACTIONS, action_cols, lengthof(action_cols));
	reader_open(&locations_r, CT_LOCATIONS, location_cols, lengthof(location_cols));
	reader_open(&settings_r, CT_SETTINGS, setting_cols, lengthof(setting_cols));
	reader_open(&areas_r, CT_AREAS, area_cols, lengthof(area_cols));
	reader_open(&locks_r, CT_LOCK_DATES, lock_cols, lengthof(lock_cols));

	snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_ROLES]));

	/* roles */
	cap = 16;
	m->roles = palloc(sizeof(PermRole) * cap);
	scan = systable_beginscan(roles_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		PermRole   *r;
		bool		isnull;

		if (m->nroles == cap)
			m->roles = repalloc(m->roles, sizeof(PermRole) * (cap *= 2));
		r = &m->roles[m->nroles++];
		r->role = reader_text(&roles_r, tup, 0);
		r->inherits = reader_text(&roles_r, tup, 1);
		r->is_admin = DatumGetBool(reader_get(&roles_r, tup, 2, &isnull)) && !isnull;
		r->nareas = 0;
		r->areas = NULL;
	}
	systable_endscan(scan);
	qsort(m->roles, m->nroles, sizeof(PermRole), cmp_roles);

	/* role privileges, attached to their roles */
	scan = systable_beginscan(rp_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *role = reader_text(&rp_r, tup, 0);
		PermRole   *r = (PermRole *) perm_find_role(m, role);
		bool		isnull;

		if (r == NULL)
			continue;
		r->areas = r->areas ? repalloc(r->areas, sizeof(PermAreaPrivs) * (r->nareas + 1))
			: palloc(sizeof(PermAreaPrivs));
		r->areas[r->nareas].area = reader_text(&rp_r, tup, 1);
		r->areas[r->nareas].privs = DatumGetPrivileges(reader_get(&rp_r, tup, 2, &isnull));
		if (isnull)
			r->areas[r->nareas].privs = 0;
		r->nareas++;
	}
	systable_endscan(scan);
	for (int i = 0; i < m->nroles; i++)
		qsort(m->roles[i].areas, m->roles[i].nareas, sizeof(PermAreaPrivs), cmp_area_privs);

	/* features, kept as name -> "t"/"f" to resolve actions */
	cap = 16;
	features = palloc(sizeof(PermSetting) * cap);
	scan = systable_beginscan(features_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		bool		enabled;

		if (nfeatures == cap)
			features = repalloc(features, sizeof(PermSetting) * (cap *= 2));
		enabled = DatumGetBool(reader_get(&features_r, tup, 1, &isnull)) && !isnull;
		features[nfeatures].name = reader_text(&features_r, tup, 0);
		features[nfeatures].value = enabled ? "t" : "f";
		nfeatures++;
	}
	systable_endscan(scan);

	/* actions */
	cap = 32;
	m->actions = palloc(sizeof(PermAction) * cap);
	scan = systable_beginscan(actions_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		PermAction *a;
		bool		isnull;
		char	   *rule;

		if (m->nactions == cap)
			m->actions = repalloc(m->actions, sizeof(PermAction) * (cap *= 2));
		a = &m->actions[m->nactions++];
		a->action = reader_text(&actions_r, tup, 0);
		a->area = reader_text(&actions_r, tup, 1);
		a->privilege = perm_privilege_bit(DatumGetChar(reader_get(&actions_r, tup, 2, &isnull)));
		rule = reader_text(&actions_r, tup, 3);
		a->rule = rule ? parse_rule(rule) : PERM_RULE_NONE;
		a->min_access = DatumGetAccessLevel(reader_get(&actions_r, tup, 4, &isnull));
		if (isnull)
			a->min_access = PERM_ACCESS_READ;
		a->feature = reader_text(&actions_r, tup, 5);
		a->feature_enabled = true;
		if (a->feature != NULL)
		{
			a->feature_enabled = false;
			for (int i = 0; i < nfeatures; i++)
			{
				if (strcmp(features[i].name, a->feature) == 0)
				{
					a->feature_enabled = features[i].value[0] == 't';
					break;
				}
			}
		}
	}
	systable_endscan(scan);
	qsort(m->actions, m->nactions, sizeof(PermAction), cmp_actions);

	/* locations */
	cap = 64;
	m->locations = palloc(sizeof(int64) * cap);
	scan = systable_beginscan(locations_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = reader_get(&locations_r, tup, 0, &isnull);

		if (isnull)
			continue;
		if (m->nlocations == cap)
			m->locations = repalloc(m->locations, sizeof(int64) * (cap *= 2));
		m->locations[m->nlocations++] = DatumGetInt64(d);
	}
	systable_endscan(scan);
	qsort(m->locations, m->nlocations, sizeof(int64), cmp_int64);

	/* settings */
	cap = 8;
	m->settings = palloc(sizeof(PermSetting) * cap);
	scan = systable_beginscan(settings_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		if (m->nsettings == cap)
			m->settings = repalloc(m->settings, sizeof(PermSetting) * (cap *= 2));
		m->settings[m->nsettings].name = reader_text(&settings_r, tup, 0);
		m->settings[m->nsettings].value = reader_text(&settings_r, tup, 1);
		m->nsettings++;
	}
	systable_endscan(scan);
	qsort(m->settings, m->nsettings, sizeof(PermSetting), cmp_settings);

	/* areas */
	cap = 16;
	m->areas = palloc(sizeof(char *) * cap);
	scan = systable_beginscan(areas_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *area = reader_text(&areas_r, tup, 0);

		if (area == NULL)
			continue;
		if (m->nareas == cap)
			m->areas = repalloc(m->areas, sizeof(char *) * (cap *= 2));
		m->areas[m->nareas++] = area;
	}
	systable_endscan(scan);
	qsort(m->areas, m->nareas, sizeof(char *), cmp_string_ptrs);

	/* lock dates, kept beside their areas */
	m->locked_until = palloc(sizeof(DateADT) * Max(m->nareas, 1));
	for (int i = 0; i < m->nareas; i++)
		m->locked_until[i] = DATEVAL_NOBEGIN;
	scan = systable_beginscan(locks_r.rel, InvalidOid, false, snap, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *area = reader_text(&locks_r, tup, 0);
		bool		isnull;
		Datum		d = reader_get(&locks_r, tup, 1, &isnull);
		const char **found;

		if (area == NULL || isnull)
			continue;
		found = bsearch(&area, m->areas, m->nareas, sizeof(char *), cmp_string_ptrs);
		if (found != NULL)
			m->locked_until[found - m->areas] = DatumGetDateADT(d);
	}
	systable_endscan(scan);

	UnregisterSnapshot(snap);
	reader_close(&roles_r);
	reader_close(&rp_r);
	reader_close(&features_r);
	reader_close(&actions_r);
	reader_close(&locations_r);
	reader_close(&settings_r);
	reader_close(&areas_r);
	reader_close(&locks_r);

	m->owner = extension_owner();
	m->generation = next_generation++;
	MemoryContextSwitchTo(old);
	return m;
}

/*
 * The current model, rebuilt when a config table changed
 */
PermModel *
perm_model(void)
{
	cache_validate();
	for (int attempt = 0; !model_valid || current_model == NULL; attempt++)
	{
		MemoryContext cxt;
		uint64		start;

		resolve_config_tables();
		/* lock everything first: this may process pending invalidations */
		for (int i = 0; i < CT_COUNT; i++)
			LockRelationOid(config_relids[i], AccessShareLock);

		start = inval_count;
		cxt = AllocSetContextCreate(CacheMemoryContext, "permissions model",
									ALLOCSET_SMALL_SIZES);
		PG_TRY();
		{
			PermModel  *m = build_model(cxt);

			retire_context(model_cxt);
			model_cxt = cxt;
			current_model = m;
		}
		PG_CATCH();
		{
			MemoryContextDelete(cxt);
			PG_RE_THROW();
		}
		PG_END_TRY();

		/* users depend on the model: start them afresh */
		retire_context(users_cxt);
		users_cxt = NULL;
		users_valid = false;

		/* an invalidation arrived while reading: read again (bounded) */
		model_valid = (start == inval_count) || attempt >= 3;
	}
	return current_model;
}

/* ---------------------------------------------------------------------
 * Lookups in the model
 * ---------------------------------------------------------------------
 */

const PermAction *
perm_find_action(const PermModel *model, const char *action, int len)
{
	int			lo = 0,
				hi = model->nactions - 1;

	/* a name never holds a NUL; strncmp would stop there and read past it */
	if (len < 0 || memchr(action, '\0', len) != NULL)
		return NULL;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const char *name = model->actions[mid].action;
		int			c = strncmp(name, action, len);

		if (c == 0 && name[len] != '\0')
			c = 1;
		if (c == 0)
			return &model->actions[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

const PermRole *
perm_find_role(const PermModel *model, const char *role)
{
	PermRole	key;

	if (role == NULL || model->nroles == 0)
		return NULL;
	key.role = role;
	return bsearch(&key, model->roles, model->nroles, sizeof(PermRole), cmp_roles);
}

const char *
perm_find_setting(const PermModel *model, const char *name)
{
	PermSetting key;
	PermSetting *s;

	if (model->nsettings == 0)
		return NULL;
	key.name = name;
	s = bsearch(&key, model->settings, model->nsettings, sizeof(PermSetting), cmp_settings);
	return s ? s->value : NULL;
}

bool
perm_area_known(const PermModel *model, const char *area)
{
	if (model->nareas == 0)
		return false;
	return bsearch(&area, model->areas, model->nareas, sizeof(char *), cmp_string_ptrs) != NULL;
}

/*
 * The lock date of an area; DATEVAL_NOBEGIN when it has none
 */
DateADT
perm_area_locked_until(const PermModel *model, const char *area)
{
	const char **found;

	if (model->nareas == 0)
		return DATEVAL_NOBEGIN;
	found = bsearch(&area, model->areas, model->nareas, sizeof(char *), cmp_string_ptrs);
	return found ? model->locked_until[found - model->areas] : DATEVAL_NOBEGIN;
}

bool
perm_location_known(const PermModel *model, int64 location_id)
{
	int			lo = 0,
				hi = model->nlocations - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int64		v = model->locations[mid];

		if (v == location_id)
			return true;
		if (v < location_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

static const char *const la_cols[] = {"user_id", "location_id", "access"};

/*
 * Read one explicit grant of a user, or report there is none
 */
static bool
probe_location(PermUser *u, int64 location_id, PermAccessLevel *access)
{
	TableReader r;
	Snapshot	snap;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	reader_open(&r, CT_LOCATION_ACCESS, la_cols, lengthof(la_cols));
	snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_LOCATION_ACCESS]));
	ScanKeyInit(&keys[0], r.attnums[0], BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(u->user_id));
	ScanKeyInit(&keys[1], r.attnums[1], BTEqualStrategyNumber, F_INT8EQ,
				Int64GetDatum(location_id));
	scan = systable_beginscan(r.rel, r.first_column_index,
							  OidIsValid(r.first_column_index), snap, 2, keys);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = reader_get(&r, tup, 2, &isnull);

		found = !isnull;
		if (found)
			*access = DatumGetAccessLevel(d);
	}
	systable_endscan(scan);
	UnregisterSnapshot(snap);
	reader_close(&r);
	return found;
}

/*
 * Read all explicit grants of a user and derive the lowest and highest
 * access over every known location
 */
static void
load_locations(const PermModel *model, PermUser *u)
{
	MemoryContext old = MemoryContextSwitchTo(GetMemoryChunkContext(u));
	TableReader r;
	Snapshot	snap;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int			cap = 16;

	u->nlocs = 0;
	u->locs = palloc(sizeof(PermLocAccess) * cap);
	if (u->exists)
	{
		reader_open(&r, CT_LOCATION_ACCESS, la_cols, lengthof(la_cols));
		snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_LOCATION_ACCESS]));
		ScanKeyInit(&key, r.attnums[0], BTEqualStrategyNumber, F_TEXTEQ,
					CStringGetTextDatum(u->user_id));
		scan = systable_beginscan(r.rel, r.first_column_index,
								  OidIsValid(r.first_column_index), snap, 1, &key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			bool		isnull1,
						isnull2;
			Datum		loc = reader_get(&r, tup, 1, &isnull1);
			Datum		acc = reader_get(&r, tup, 2, &isnull2);

			if (isnull1 || isnull2)
				continue;
			if (u->nlocs == cap)
				u->locs = repalloc(u->locs, sizeof(PermLocAccess) * (cap *= 2));
			u->locs[u->nlocs].location_id = DatumGetInt64(loc);
			u->locs[u->nlocs].access = DatumGetAccessLevel(acc);
			u->nlocs++;
		}
		systable_endscan(scan);
		UnregisterSnapshot(snap);
		reader_close(&r);
		qsort(u->locs, u->nlocs, sizeof(PermLocAccess), cmp_loc_access);
	}

	u->min_all = PERM_ACCESS_FULL;
	u->max_any = PERM_ACCESS_NONE;
	for (int i = 0, j = 0; i < model->nlocations; i++)
	{
		int64		loc = model->locations[i];
		PermAccessLevel a = u->default_access;

		while (j < u->nlocs && u->locs[j].location_id < loc)
			j++;
		if (j < u->nlocs && u->locs[j].location_id == loc)
			a = u->locs[j].access;
		if (a < u->min_all)
			u->min_all = a;
		if (a > u->max_any)
			u->max_any = a;
	}
	u->locs_loaded = true;
	MemoryContextSwitchTo(old);
}

/*
 * A user's access to one location: explicit grant, else the default for a
 * known location, else none; administrators have full access at every
 * known location
 */
PermAccessLevel
perm_user_location_access(const PermModel *model, PermUser *user,
						  int64 location_id)
{
	int			lo = 0,
				hi;
	PermAccessLevel access;

	if (!user->exists || !user->active)
		return PERM_ACCESS_NONE;
	/* nobody, administrators included, has access to an unknown location */
	if (user->admin_role != NULL)
		return perm_location_known(model, location_id) ? PERM_ACCESS_FULL : PERM_ACCESS_NONE;

	if (!user->locs_loaded)
	{
		for (int i = 0; i < user->nprobes; i++)
		{
			if (user->probes[i].location_id == location_id)
				return user->probes[i].access;
		}
		if (user->nprobes < PERM_LOCATION_PROBES)
		{
			if (!probe_location(user, location_id, &access))
				access = perm_location_known(model, location_id) ?
					user->default_access : PERM_ACCESS_NONE;
			user->probes[user->nprobes].location_id = location_id;
			user->probes[user->nprobes].access = access;
			user->nprobes++;
			return access;
		}
		load_locations(model, user);
	}

	hi = user->nlocs - 1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int64		v = user->locs[mid].location_id;

		if (v == location_id)
			return user->locs[mid].access;
		if (v < location_id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return perm_location_known(model, location_id) ? user->default_access : PERM_ACCESS_NONE;
}

/* a dense table of known locations is built when the id range is at most this */
#define MAX_DENSE_LOCATIONS (1 << 22)

/*
 * Where a user passes (privilege on area, min_access at the location)
 */
const PermVisibility *
perm_user_visibility(const PermModel *model, PermUser *user, const char *area, int arealen,
					 PermPrivileges privilege, PermAccessLevel min_access)
{
	PermVisibility *v;
	MemoryContext old;

	for (v = user->visibilities; v != NULL; v = v->next)
	{
		if (v->privilege == privilege && v->min_access == min_access &&
			strnlen(v->area, arealen + 1) == arealen &&
			memcmp(v->area, area, arealen) == 0)
			return v;
	}

	old = MemoryContextSwitchTo(GetMemoryChunkContext(user));
	v = palloc0(sizeof(PermVisibility));
	v->area = pnstrdup(area, arealen);
	v->privilege = privilege;
	v->min_access = min_access;
	v->privileged = perm_user_has_privilege(user, v->area, privilege);
	if (v->privileged && model->nlocations > 0)
	{
		int64		lo = model->locations[0];
		int64		hi = model->locations[model->nlocations - 1];

		/* read every grant at once rather than probing them one by one */
		if (!user->locs_loaded)
			load_locations(model, user);
		if ((uint64) hi - (uint64) lo < MAX_DENSE_LOCATIONS)
		{
			v->base = lo;
			v->nvisible = hi - lo + 1;
			v->visible = palloc0(v->nvisible);
			for (int i = 0; i < model->nlocations; i++)
				v->visible[model->locations[i] - lo] =
					perm_user_location_access(model, user, model->locations[i]) >= min_access;
		}
	}
	v->next = user->visibilities;
	user->visibilities = v;
	MemoryContextSwitchTo(old);
	return v;
}

/*
 * The known locations where a user's access is at least min_access, in
 * order, into out (room for model->nlocations); returns how many
 */
int
perm_user_locations(const PermModel *model, PermUser *user, PermAccessLevel min_access,
					int64 *out)
{
	int			n = 0;

	/* read every grant at once rather than probing location by location */
	if (!user->locs_loaded)
		load_locations(model, user);
	for (int i = 0; i < model->nlocations; i++)
	{
		if (perm_user_location_access(model, user, model->locations[i]) >= min_access)
			out[n++] = model->locations[i];
	}
	return n;
}

PermAccessLevel
perm_user_min_all(const PermModel *model, PermUser *user)
{
	if (!user->locs_loaded)
		load_locations(model, user);
	return user->min_all;
}

PermAccessLevel
perm_user_max_any(const PermModel *model, PermUser *user)
{
	if (!user->locs_loaded)
		load_locations(model, user);
	return user->max_any;
}

/*
 * The privileges a role has on an area through its inheritance chain
 */
PermPrivileges
perm_role_privileges(const PermModel *model, const char *role, const char *area,
					 bool *is_admin)
{
	PermPrivileges result = 0;
	const PermRole *r = perm_find_role(model, role);

	if (is_admin)
		*is_admin = false;
	/* the chain is acyclic (catalog.c); the bound guards a corrupt table */
	for (int depth = 0; r != NULL && depth <= model->nroles; depth++)
	{
		PermAreaPrivs key;
		PermAreaPrivs *ap;

		if (r->is_admin && is_admin)
			*is_admin = true;
		if (area != NULL && r->nareas > 0)
		{
			key.area = area;
			ap = bsearch(&key, r->areas, r->nareas, sizeof(PermAreaPrivs), cmp_area_privs);
			if (ap)
				result |= ap->privs;
		}
		r = perm_find_role(model, r->inherits);
	}
	return result;
}

/* ---------------------------------------------------------------------
 * Users
 * ---------------------------------------------------------------------
 */

static void
add_area_privs(PermUser *u, int *cap, const char *area, PermPrivileges privs)
{
	for (int i = 0; i < u->nareas; i++)
	{
		if (strcmp(u->areas[i].area, area) == 0)
		{
			u->areas[i].privs |= privs;
			return;
		}
	}
	if (u->nareas == *cap)
		u->areas = repalloc(u->areas, sizeof(PermAreaPrivs) * (*cap *= 2));
	u->areas[u->nareas].area = area;
	u->areas[u->nareas].privs = privs;
	u->nareas++;
}

/*
 * Read one user's row, grants and memberships, and derive effective rights
 */
static PermUser *
build_user(const PermModel *model, const char *user_id)
{
	static const char *const user_cols[] = {"user_id", "role", "default_location_access",
	"purchasing_limit", "active"};
	static const char *const mem_cols[] = {"user_id", "scope", "scope_id", "role"};
	TableReader users_r,
				mem_r;
	Oid			users_idx,
				mem_idx;
	PermUser   *u = palloc0(sizeof(PermUser));
	Snapshot	snap;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int			cap;
	const PermRole *r;

	u->build_id = next_generation++;
	u->user_id = pstrdup(user_id);

	reader_open(&users_r, CT_USERS, user_cols, lengthof(user_cols));
	reader_open(&mem_r, CT_MEMBERSHIPS, mem_cols, lengthof(mem_cols));
	users_idx = users_r.first_column_index;
	mem_idx = mem_r.first_column_index;

	snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_USERS]));

	/* the users row */
	ScanKeyInit(&key, users_r.attnums[0], BTEqualStrategyNumber, F_TEXTEQ,
				CStringGetTextDatum(user_id));
	scan = systable_beginscan(users_r.rel, users_idx, OidIsValid(users_idx), snap, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d;

		u->exists = true;
		u->role = reader_text(&users_r, tup, 1);
		d = reader_get(&users_r, tup, 2, &isnull);
		u->default_access = isnull ? PERM_ACCESS_NONE : DatumGetAccessLevel(d);
		d = reader_get(&users_r, tup, 3, &isnull);
		u->has_limit = !isnull;
		if (!isnull)
			u->purchasing_limit = datumCopy(d, false, -1);
		d = reader_get(&users_r, tup, 4, &isnull);
		u->active = !isnull && DatumGetBool(d);
	}
	systable_endscan(scan);

	/* scoped memberships */
	cap = 4;
	u->members = palloc(sizeof(PermMembership) * cap);
	if (u->exists)
	{
		ScanKeyInit(&key, mem_r.attnums[0], BTEqualStrategyNumber, F_TEXTEQ,
					CStringGetTextDatum(user_id));
		scan = systable_beginscan(mem_r.rel, mem_idx, OidIsValid(mem_idx), snap, 1, &key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			if (u->nmembers == cap)
				u->members = repalloc(u->members, sizeof(PermMembership) * (cap *= 2));
			u->members[u->nmembers].scope = reader_text(&mem_r, tup, 1);
			u->members[u->nmembers].scope_id = reader_text(&mem_r, tup, 2);
			u->members[u->nmembers].role = reader_text(&mem_r, tup, 3);
			u->nmembers++;
		}
		systable_endscan(scan);
	}

	UnregisterSnapshot(snap);
	reader_close(&users_r);
	reader_close(&mem_r);

	/* effective global privileges through the role chain */
	cap = 8;
	u->areas = palloc(sizeof(PermAreaPrivs) * cap);
	r = perm_find_role(model, u->role);
	for (int depth = 0; r != NULL && depth <= model->nroles; depth++)
	{
		if (r->is_admin && u->admin_role == NULL)
			u->admin_role = r->role;
		for (int i = 0; i < r->nareas; i++)
			add_area_privs(u, &cap, r->areas[i].area, r->areas[i].privs);
		r = perm_find_role(model, r->inherits);
	}
	qsort(u->areas, u->nareas, sizeof(PermAreaPrivs), cmp_area_privs);

	return u;
}

static uint32
user_key_hash(const void *key, Size keysize)
{
	const char *s = *(const char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
user_key_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(const char *const *) key1, *(const char *const *) key2);
}

/*
 * Ensure the users cache belongs to the current model and has room
 */
static void
users_validate(void)
{
	HASHCTL		ctl;

	if (users_valid && users_cxt != NULL &&
		hash_get_num_entries(users_hash) < user_cache_size)
		return;
	retire_context(users_cxt);
	/* small first blocks: a pool that cycles through users resets this often */
	users_cxt = AllocSetContextCreate(CacheMemoryContext, "permissions users",
									  ALLOCSET_SMALL_MINSIZE,
									  ALLOCSET_SMALL_INITSIZE,
									  ALLOCSET_DEFAULT_MAXSIZE);
	ctl.keysize = sizeof(const char *);
	ctl.entrysize = sizeof(UserEntry);
	ctl.hash = user_key_hash;
	ctl.match = user_key_match;
	ctl.hcxt = users_cxt;
	users_hash = hash_create("permissions users", Min(user_cache_size, 64), &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	ndbroles = 0;
	users_epoch++;
	users_valid = true;
}

/*
 * A user's effective rights (exists = false for an unknown user_id)
 */
PermUser *
perm_lookup_user(const char *user_id)
{
	PermModel  *model = perm_model();
	PermUser   *u;
	UserEntry  *e;
	MemoryContext old;
	uint64		start;
	uint64		epoch;

	users_validate();
	e = hash_search(users_hash, &user_id, HASH_FIND, NULL);
	if (e != NULL)
		return e->user;

	start = inval_count;
	epoch = users_epoch;
	old = MemoryContextSwitchTo(users_cxt);
	u = build_user(model, user_id);
	MemoryContextSwitchTo(old);

	/* keep it only when nothing changed while reading */
	if (start == inval_count && users_valid && epoch == users_epoch)
	{
		bool		found;

		e = hash_search(users_hash, &u->user_id, HASH_ENTER, &found);
		e->user_id = u->user_id;
		e->user = u;
	}
	return u;
}

static int
cmp_cstrings(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * The users holding any of roles, as their global role or by membership, in
 * user_id order without duplicates (inactive ones included: deciding drops
 * them).  Read by index (users_role, memberships_role), so the audience of
 * a notification costs what its candidates cost, not what all users cost.
 */
char	  **
perm_role_holders(const char *const *roles, int nroles, int *nholders)
{
	static const char *const user_cols[] = {"role", "user_id"};
	static const char *const mem_cols[] = {"role", "user_id"};
	TableReader readers[2];
	Snapshot	snap;
	int			cap = 16;
	int			n = 0;
	char	  **out = palloc(sizeof(char *) * cap);

	(void) perm_model();
	reader_open(&readers[0], CT_USERS, user_cols, lengthof(user_cols));
	reader_open(&readers[1], CT_MEMBERSHIPS, mem_cols, lengthof(mem_cols));
	snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_USERS]));
	for (int t = 0; t < 2; t++)
	{
		TableReader *r = &readers[t];

		for (int i = 0; i < nroles; i++)
		{
			ScanKeyData key;
			SysScanDesc scan;
			HeapTuple	tup;

			ScanKeyInit(&key, r->attnums[0], BTEqualStrategyNumber, F_TEXTEQ,
						CStringGetTextDatum(roles[i]));
			scan = systable_beginscan(r->rel, r->first_column_index,
									  OidIsValid(r->first_column_index), snap, 1, &key);
			while (HeapTupleIsValid(tup = systable_getnext(scan)))
			{
				if (n == cap)
					out = repalloc(out, sizeof(char *) * (cap *= 2));
				out[n++] = reader_text(r, tup, 1);
			}
			systable_endscan(scan);
		}
	}
	UnregisterSnapshot(snap);
	reader_close(&readers[0]);
	reader_close(&readers[1]);

	qsort(out, n, sizeof(char *), cmp_cstrings);
	*nholders = 0;
	for (int i = 0; i < n; i++)
	{
		if (*nholders == 0 || strcmp(out[*nholders - 1], out[i]) != 0)
			out[(*nholders)++] = out[i];
	}
	return out;
}

/*
 * The user_id mapped to a database role, or NULL
 */
static const char *
user_for_db_role(Oid roleid)
{
	TableReader users_r;
	static const char *const cols[] = {"db_role", "user_id"};
	Oid			idx;
	Snapshot	snap;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *rolename;
	const char *result = NULL;
	MemoryContext old;

	for (int i = 0; i < ndbroles; i++)
	{
		if (dbroles[i].roleid == roleid)
			return dbroles[i].user_id;
	}

	rolename = GetUserNameFromId(roleid, true);
	if (rolename != NULL)
	{
		reader_open(&users_r, CT_USERS, cols, lengthof(cols));
		idx = users_r.first_column_index;
		snap = RegisterSnapshot(GetCatalogSnapshot(config_relids[CT_USERS]));
		ScanKeyInit(&key, users_r.attnums[0], BTEqualStrategyNumber, F_NAMEEQ,
					CStringGetDatum(rolename));
		scan = systable_beginscan(users_r.rel, idx, OidIsValid(idx), snap, 1, &key);
		tup = systable_getnext(scan);
		if (HeapTupleIsValid(tup))
		{
			old = MemoryContextSwitchTo(users_cxt);
			result = reader_text(&users_r, tup, 1);
			MemoryContextSwitchTo(old);
		}
		systable_endscan(scan);
		UnregisterSnapshot(snap);
		reader_close(&users_r);
	}

	if (ndbroles < MAX_CACHED_DBROLES && users_valid)
	{
		dbroles[ndbroles].roleid = roleid;
		dbroles[ndbroles].user_id = result;
		ndbroles++;
	}
	return result;
}

/*
 * The role whose db_role mapping names the acting user: current_user, as
 * SET ROLE and security-definer functions make it, except inside a
 * foreign-key action.  PostgreSQL runs those as the referencing table's
 * owner (and marks only them SECURITY_NOFORCE_RLS); the cascade is the
 * doing of the session that changed the referenced row, so its role (the
 * one SET ROLE chose) is mapped, never the owner's.
 */
Oid
perm_mapped_role(void)
{
	return InNoForceRLSOperation() ? GetOuterUserId() : GetUserId();
}

/*
 * The acting user's effective rights, or NULL when nobody is acting
 *
 * The hot path: two counters and the current role id compared.
 */
PermUser *
perm_acting_user(void)
{
	const char *user_id;
	Oid			roleid = perm_mapped_role();
	uint64		epoch;
	uint64		start;

	if (unlikely(acting_suppressed))
		return NULL;
	if (unlikely(acting_pinned))
		return pinned_user;
	cache_validate();
	if (likely(acting_valid && model_valid && users_valid &&
			   acting_identity_gen == perm_identity_generation &&
			   acting_roleid == roleid &&
			   acting_users_epoch == users_epoch))
		return acting_user;

	(void) perm_model();
	users_validate();
	epoch = users_epoch;
	start = inval_count;
	user_id = perm_identity_setting();
	if (user_id == NULL)
		user_id = user_for_db_role(roleid);
	acting_user = user_id ? perm_lookup_user(user_id) : NULL;

	/*
	 * Remember only a settled answer: when anything was invalidated while
	 * reading, the user may live in a retired context, so look again next
	 * call.
	 */
	acting_valid = model_valid && users_valid && epoch == users_epoch &&
		start == inval_count;
	acting_identity_gen = perm_identity_generation;
	acting_roleid = roleid;
	acting_users_epoch = users_epoch;
	return acting_user;
}
