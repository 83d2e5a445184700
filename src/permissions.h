/*
 * permissions.h
 *		Internal interfaces of the permissions extension.
 *
 * Externs are grouped by the file that defines them.  Dependencies point
 * down: types know nothing; identity knows types; the rights cache knows
 * identity; checks know the cache.  Nothing in the answering parts may call
 * into the acting parts (policies, approvals, locks, activity, alerts).
 */
#ifndef PERMISSIONS_H
#define PERMISSIONS_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/relcache.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "utils/rel.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/jsonb.h"
#include "storage/lockdefs.h"

/* ---------------------------------------------------------------------
 * access_level.c -- the ordered type none < read < full
 * ---------------------------------------------------------------------
 */
typedef enum PermAccessLevel
{
	PERM_ACCESS_NONE = 0,
	PERM_ACCESS_READ = 1,
	PERM_ACCESS_FULL = 2
} PermAccessLevel;

#define DatumGetAccessLevel(d)	((PermAccessLevel) DatumGetChar(d))
#define AccessLevelGetDatum(a)	CharGetDatum((char) (a))
#define PG_GETARG_ACCESS_LEVEL(n)	DatumGetAccessLevel(PG_GETARG_DATUM(n))
#define PG_RETURN_ACCESS_LEVEL(a)	return AccessLevelGetDatum(a)

extern const char *perm_access_level_name(PermAccessLevel level);
extern bool perm_access_level_parse(const char *str, PermAccessLevel *result);

/* ---------------------------------------------------------------------
 * privileges.c -- a set of privilege letters r w d a o
 * ---------------------------------------------------------------------
 */
typedef uint8 PermPrivileges;

#define PERM_PRIV_READ		0x01	/* r */
#define PERM_PRIV_WRITE		0x02	/* w */
#define PERM_PRIV_DELETE	0x04	/* d */
#define PERM_PRIV_APPROVE	0x08	/* a */
#define PERM_PRIV_OVERRIDE	0x10	/* o */
#define PERM_PRIV_ALL		0x1F

#define DatumGetPrivileges(d)	((PermPrivileges) DatumGetChar(d))
#define PrivilegesGetDatum(p)	CharGetDatum((char) (p))
#define PG_GETARG_PRIVILEGES(n)	DatumGetPrivileges(PG_GETARG_DATUM(n))
#define PG_RETURN_PRIVILEGES(p)	return PrivilegesGetDatum(p)

/* the bit for one letter, or 0 when the letter is not a privilege */
extern PermPrivileges perm_privilege_bit(char letter);
/* canonical text (letters in the order rwdao) into buf of at least 6 bytes */
extern void perm_privileges_format(PermPrivileges privs, char *buf);

/* ---------------------------------------------------------------------
 * Column values
 * ---------------------------------------------------------------------
 */

/*
 * Whether two non-null values of a column are the same value: equal bytes,
 * or, for a varlena, equal content (the toaster may have compressed or
 * moved out one copy when another column of the row grew).  Values whose
 * bytes match, such as one toast pointer carried over unchanged, are never
 * fetched.
 */
static inline bool
perm_same_value(Datum a, Datum b, Form_pg_attribute att)
{
	if (datumIsEqual(a, b, att->attbyval, att->attlen))
		return true;
	return att->attlen == -1 && datum_image_eq(a, b, false, -1);
}

/* ---------------------------------------------------------------------
 * Location ids: a location column may be smallint, integer or bigint
 * ---------------------------------------------------------------------
 */
static inline int64
perm_location_datum(Datum d, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

/*
 * The location of a row, read from column attnum; false when it is NULL
 */
static inline bool
perm_row_location(Relation rel, HeapTuple tup, AttrNumber attnum, int64 *location)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	Oid			type = att->atttypid;
	bool		isnull;
	Datum		d;

	/* a domain over an integer type reads as that type; anything else is no location id */
	if (type != INT2OID && type != INT4OID && type != INT8OID)
		type = getBaseType(type);
	if (type != INT2OID && type != INT4OID && type != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("location column \"%s\" of relation \"%s\" is of type %s, not smallint, integer or bigint",
						NameStr(att->attname), RelationGetRelationName(rel), format_type_be(att->atttypid))));
	d = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);
	if (isnull)
		return false;
	*location = perm_location_datum(d, type);
	return true;
}

/* ---------------------------------------------------------------------
 * identity.c -- who is acting
 * ---------------------------------------------------------------------
 */
extern uint64 perm_identity_generation;
extern void perm_identity_init(void);
extern void perm_locks_init(void);
extern const char *perm_identity_setting(void);
extern const char *perm_identity_reason(void);
extern bool perm_loading_dump(void);

/* ---------------------------------------------------------------------
 * cache.c -- the model and the acting user's effective rights
 *
 * Pointers handed out stay valid until the end of the current top-level
 * statement; a pointer kept longer (fn_extra) must be re-validated against
 * PermModel.generation first.
 * ---------------------------------------------------------------------
 */
typedef enum PermLocationRule
{
	PERM_RULE_NONE = 0,
	PERM_RULE_LOCATION,
	PERM_RULE_ANY_LOCATION,
	PERM_RULE_ALL_LOCATIONS
} PermLocationRule;

typedef struct PermAreaPrivs
{
	const char *area;
	PermPrivileges privs;
} PermAreaPrivs;

typedef struct PermRole
{
	const char *role;
	const char *inherits;		/* NULL when the role inherits nothing */
	bool		is_admin;
	int			nareas;
	PermAreaPrivs *areas;		/* the role's own privileges, sorted by area */
} PermRole;

typedef struct PermAction
{
	const char *action;
	const char *area;
	PermPrivileges privilege;	/* exactly one bit */
	PermLocationRule rule;
	PermAccessLevel min_access;
	const char *feature;		/* NULL when the action belongs to no feature */
	bool		feature_enabled;
} PermAction;

typedef struct PermSetting
{
	const char *name;
	const char *value;
} PermSetting;

typedef struct PermModel
{
	uint64		generation;		/* unique per build, never reused */
	Oid			owner;			/* the extension's owner */
	int			nroles;
	PermRole   *roles;			/* sorted by role */
	int			nactions;
	PermAction *actions;		/* sorted by action */
	int			nlocations;
	int64	   *locations;		/* sorted */
	int			nsettings;
	PermSetting *settings;		/* sorted by name */
	int			nareas;
	const char **areas;			/* sorted */
	DateADT    *locked_until;	/* per area; DATEVAL_NOBEGIN for none */
} PermModel;

typedef struct PermLocAccess
{
	int64		location_id;
	PermAccessLevel access;
} PermLocAccess;

typedef struct PermMembership
{
	const char *scope;
	const char *scope_id;
	const char *role;
} PermMembership;

#define PERM_LOCATION_PROBES 8

/*
 * Where a user passes a row check (privilege on area, at least min_access
 * at the row's location): built once per user and question, kept with the
 * user, so a policy's per-execution setup is a list lookup.
 */
typedef struct PermVisibility
{
	struct PermVisibility *next;
	const char *area;
	PermPrivileges privilege;
	PermAccessLevel min_access;
	bool		privileged;		/* the area privilege (or an admin role) */
	int64		base;			/* visible[i] is about location base + i */
	int64		nvisible;
	bool	   *visible;		/* NULL: ask perm_user_location_access */
} PermVisibility;

typedef struct PermUser
{
	uint64		build_id;		/* unique per build, never reused */
	const char *user_id;
	bool		exists;			/* false: the identity names no users row */
	bool		active;
	const char *role;			/* global role, NULL for none */
	const char *admin_role;		/* the role of the chain that is_admin, or NULL */
	PermAccessLevel default_access;
	bool		has_limit;
	Datum		purchasing_limit;	/* numeric, valid when has_limit */
	int			nareas;
	PermAreaPrivs *areas;		/* effective through the global role chain */
	/*
	 * Explicit location grants are read lazily: the first few locations
	 * asked about are probed one by one (a pooled transaction typically
	 * checks one), and all of them are read once more are needed.  Use the
	 * accessors below, never these fields, outside cache.c.
	 */
	bool		locs_loaded;
	int			nprobes;
	PermLocAccess probes[PERM_LOCATION_PROBES];
	int			nlocs;
	PermLocAccess *locs;		/* explicit grants, sorted, once loaded */
	PermAccessLevel min_all;	/* lowest access over every known location */
	PermAccessLevel max_any;	/* highest access over every known location */
	int			nmembers;
	PermMembership *members;
	PermVisibility *visibilities;	/* built on demand */
} PermUser;

extern void perm_cache_init(void);
extern PermModel *perm_model(void);
extern Oid	perm_mapped_role(void);
extern PermUser *perm_acting_user(void);
extern void perm_pin_acting_user(PermUser *u);
extern void perm_unpin_acting_user(void);
extern bool perm_suppress_acting_user(bool on);
extern PermUser *perm_attributed_user(void);
extern PermUser *perm_lookup_user(const char *user_id);
extern const PermAction *perm_find_action(const PermModel *model, const char *action, int len);
extern const PermRole *perm_find_role(const PermModel *model, const char *role);
extern const char *perm_find_setting(const PermModel *model, const char *name);
extern bool perm_location_known(const PermModel *model, int64 location_id);
extern bool perm_area_known(const PermModel *model, const char *area);
extern DateADT perm_area_locked_until(const PermModel *model, const char *area);
extern PermAccessLevel perm_user_location_access(const PermModel *model,
												 PermUser *user,
												 int64 location_id);
extern PermAccessLevel perm_user_min_all(const PermModel *model, PermUser *user);
extern int	perm_user_locations(const PermModel *model, PermUser *user,
								PermAccessLevel min_access, int64 *out);
extern const PermVisibility *perm_user_visibility(const PermModel *model, PermUser *user,
												  const char *area, int arealen,
												  PermPrivileges privilege,
												  PermAccessLevel min_access);
extern PermAccessLevel perm_user_max_any(const PermModel *model, PermUser *user);
extern PermPrivileges perm_role_privileges(const PermModel *model, const char *role,
										   const char *area, bool *is_admin);
extern bool perm_is_config_table(Oid relid);
extern char **perm_role_holders(const char *const *roles, int nroles, int *nholders);
extern void perm_lock_config(LOCKMODE mode);
extern bool perm_config_written_in_xact(void);

/* ---------------------------------------------------------------------
 * checks.c -- the answers
 * ---------------------------------------------------------------------
 */
extern bool perm_decide(const PermModel *m, PermUser *u, const PermAction *a,
						const char *action_name, bool has_loc, int64 loc,
						const char *scope, const char *scope_id, StringInfo why);
extern bool perm_decide_membership(const PermModel *m, PermUser *u, const PermAction *a,
								   const char *action_name, bool has_loc, int64 loc,
								   const char *scope, const char *scope_id, StringInfo why);
extern bool perm_may_admin(StringInfo why);
extern bool perm_user_has_privilege(const PermUser *u, const char *area, PermPrivileges bit);
extern void perm_require_admin(const char *what);
extern const char *perm_reason_text(const char *why);
extern ArrayType *perm_locations_array(const int64 *locations, int n);

/* ---------------------------------------------------------------------
 * direct.c -- the extension's append-only tables written without SQL
 * ---------------------------------------------------------------------
 */
#define PERM_DIRECT_MAX_COLS 16
#define PERM_DIRECT_MAX_INDEXES 8

typedef struct PermDirectTable
{
	/*
	 * given: permissions.<name>, its columns as created (the identity first),
	 * their types, and which of them the writer may leave NULL
	 */
	const char *name;
	int			ncols;
	const char *const *columns;
	const Oid  *types;
	const bool *nullable;
	/* found: kept until the relcache entry of the table or an index changes */
	bool		registered;
	Oid			relid;
	bool		direct;			/* plain enough to write directly */
	Oid			seqid;			/* the identity's sequence */
	AttrNumber	attnums[PERM_DIRECT_MAX_COLS];
	int			nindexes;
	Oid			indexes[PERM_DIRECT_MAX_INDEXES];
	struct IndexInfo *index_info[PERM_DIRECT_MAX_INDEXES];
	MemoryContext cxt;
} PermDirectTable;

extern void perm_direct_init(void);
extern Relation perm_direct_open(PermDirectTable *d);
extern int64 perm_direct_insert(PermDirectTable *d, Relation rel, Datum *values, bool *nulls);

/* ---------------------------------------------------------------------
 * activity.c -- the activity log
 * ---------------------------------------------------------------------
 */
extern void perm_activity_init(void);
extern char *perm_relation_name(Oid relid);
extern Oid	perm_partition_root(Relation rel);
extern AttrNumber perm_column_number(Relation rel, const char *name, const char *installer);
extern void perm_as_owner(void (*f) (void *), void *arg);
extern const char *perm_caller_search_path(void);
extern void perm_activity_append(const char *action, const char *object, Jsonb *key,
								 Jsonb *old, Jsonb *new, const char *reason);
extern bool perm_activity_row(Relation rel, HeapTuple oldtup, HeapTuple newtup,
							  const char *action, char **ignore, int nignore,
							  const char *reason);
extern char *perm_activity_row_key_text(Relation rel, HeapTuple tup);

/* ---------------------------------------------------------------------
 * notifications.c -- notifications and alerts
 * ---------------------------------------------------------------------
 */
extern int	perm_notify_eligible(const char *action, bool has_loc, int64 loc, const char *kind,
								 const char *subject, const char *subject_id, Jsonb *payload);
extern int	perm_notify_users(const char *action, bool (*eligible) (PermUser *u, void *arg),
							  void *arg, const char *kind, const char *subject,
							  const char *subject_id, Jsonb *payload);
extern bool perm_notify_user(const char *user_id, const char *kind, const char *subject,
							 const char *subject_id, Jsonb *payload);

#endif							/* PERMISSIONS_H */
