/*
 * policies.c
 *		The row check behind protect()'s policies: permissions.allows_row()
 *		and permissions.locations_for().
 *
 * allows_row(area, privilege, min_access, location [, owner]) is true when
 * the acting user has privilege on area (or an administrator role) and at
 * least min_access at the row's location -- or when owner is the acting
 * user.  It runs once per row, so it is built to cost about as much as a
 * hashed "= ANY(array)" filter:
 *
 *	- the answer for a user -- the privilege decision and a table of the
 *	  known locations indexed by location id -- is built once per user build
 *	  (perm_user_visibility) and shared by every call site;
 *	- per call site (fn_extra) the answer is confirmed once per statement,
 *	  identity setting and current user; after that a row costs three
 *	  comparisons and a table lookup.  No SPI, no catalog access.
 *
 * Build ids are compared, never pointers: a freed user's memory may be
 * reused by another user's build.
 *
 * locations_for() returns the same set of locations as an array; the
 * planner support (planner.c) uses it as an index condition that the
 * executor evaluates once per scan, for whoever is acting then.
 *
 * A NULL or unknown location is never allowed (only the owner test can
 * still pass), so without an owner argument allows_row() is true exactly
 * when "location = ANY(locations_for(...))" is: the planner may use that
 * index condition in place of the policy.
 */
#include "permissions.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(permissions_allows_row);
PG_FUNCTION_INFO_V1(permissions_locations_for);

typedef struct RowCheck
{
	/* the call site's shape, fixed for the life of the expression */
	Oid			location_type;	/* INT2OID, INT4OID, INT8OID, or InvalidOid */
	int			owner_arg;		/* argument number of owner, or -1 */
	bool		args_const;		/* area, privilege, min_access are constants */

	/* the answer for one user build; builds are never reused */
	uint64		user_build;
	const PermVisibility *vis;
	PermUser   *user;			/* NULL: nobody is acting */

	/*
	 * When the answer was last confirmed: valid for the rest of this
	 * statement while the identity setting and current user stay the same.
	 */
	bool		confirmed;
	TimestampTz stmt_start;
	LocalTransactionId lxid;
	uint64		identity_generation;
	Oid			roleid;
} RowCheck;

static RowCheck *
row_check_setup(FunctionCallInfo fcinfo)
{
	RowCheck   *c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RowCheck));
	int			nargs = PG_NARGS();

	c->location_type = InvalidOid;
	c->owner_arg = -1;
	if (nargs >= 4)
	{
		c->location_type = get_fn_expr_argtype(fcinfo->flinfo, 3);
		if (nargs >= 5)
			c->owner_arg = 4;
	}
	else if (nargs == 3)
		c->owner_arg = 2;

	/* constant arguments (as in policies) need not be looked at per row */
	c->args_const = fcinfo->flinfo->fn_expr != NULL && IsA(fcinfo->flinfo->fn_expr, FuncExpr);
	if (c->args_const)
	{
		List	   *args = ((FuncExpr *) fcinfo->flinfo->fn_expr)->args;
		int			nconst = c->location_type != InvalidOid ? 3 : 2;

		for (int i = 0; i < nconst && i < list_length(args); i++)
		{
			if (!IsA(list_nth(args, i), Const))
				c->args_const = false;
		}
	}
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/*
 * Remember when the answer was confirmed
 */
static void
row_check_stamp(RowCheck *c)
{
	c->stmt_start = GetCurrentStatementStartTimestamp();
	c->lxid = MyProc->lxid;
	c->identity_generation = perm_identity_generation;
	c->roleid = perm_mapped_role();
}

/*
 * Does the owner argument name the acting user?
 */
static bool
is_owner(FunctionCallInfo fcinfo, RowCheck *c, PermUser *u)
{
	text	   *owner;

	if (c->owner_arg < 0 || PG_ARGISNULL(c->owner_arg) || !u->exists || !u->active)
		return false;
	owner = PG_GETARG_TEXT_PP(c->owner_arg);
	return VARSIZE_ANY_EXHDR(owner) == strlen(u->user_id) &&
		memcmp(VARDATA_ANY(owner), u->user_id, VARSIZE_ANY_EXHDR(owner)) == 0;
}

Datum
permissions_allows_row(PG_FUNCTION_ARGS)
{
	RowCheck   *c = (RowCheck *) fcinfo->flinfo->fn_extra;
	PermUser   *u;
	const PermVisibility *vis;
	text	   *area;
	PermPrivileges privilege;
	PermAccessLevel min_access = PERM_ACCESS_NONE;
	int64		loc;

	if (unlikely(c == NULL))
		c = row_check_setup(fcinfo);

	/*
	 * The per-row fast path: the answer confirmed earlier in this statement,
	 * for the same identity setting and current user, with constant
	 * arguments.  Anything else goes through the rights cache.
	 */
	if (likely(c->confirmed &&
			   c->identity_generation == perm_identity_generation &&
			   c->roleid == perm_mapped_role() &&
			   c->lxid == MyProc->lxid &&
			   c->stmt_start == GetCurrentStatementStartTimestamp()))
	{
		u = c->user;
		vis = c->vis;
		if (u == NULL)
			PG_RETURN_BOOL(false);
	}
	else
	{
		c->confirmed = false;
		u = perm_acting_user();
		c->user = u;
		if (u == NULL)
		{
			c->vis = NULL;
			c->confirmed = c->args_const;
			row_check_stamp(c);
			PG_RETURN_BOOL(false);
		}
		if (!c->args_const || c->user_build != u->build_id || c->vis == NULL)
		{
			if (PG_ARGISNULL(0) || PG_ARGISNULL(1) ||
				(c->location_type != InvalidOid && PG_ARGISNULL(2)))
				PG_RETURN_BOOL(false);
			area = PG_GETARG_TEXT_PP(0);
			privilege = perm_privilege_bit(PG_GETARG_CHAR(1));
			if (c->location_type != InvalidOid)
				min_access = PG_GETARG_ACCESS_LEVEL(2);
			c->vis = perm_user_visibility(perm_model(), u, VARDATA_ANY(area),
										  VARSIZE_ANY_EXHDR(area), privilege, min_access);
			c->user_build = u->build_id;
		}
		vis = c->vis;
		c->confirmed = c->args_const;
		row_check_stamp(c);
	}

	if (vis->privileged)
	{
		if (c->location_type == InvalidOid)
			PG_RETURN_BOOL(true);
		if (!PG_ARGISNULL(3))
		{
			loc = perm_location_datum(PG_GETARG_DATUM(3), c->location_type);
			if (vis->visible != NULL)
			{
				/* unsigned: a location below base wraps to a large offset */
				uint64		off = (uint64) loc - (uint64) vis->base;

				if (off < (uint64) vis->nvisible && vis->visible[off])
					PG_RETURN_BOOL(true);
			}
			else if (perm_user_location_access(perm_model(), u, loc) >= vis->min_access)
				PG_RETURN_BOOL(true);
		}
	}
	PG_RETURN_BOOL(is_owner(fcinfo, c, u));
}

/* fn_extra of locations_for(): the last answer, for one user build */
typedef struct LocationsCache
{
	uint64		user_build;
	char		privilege;
	PermAccessLevel min_access;
	char	   *area;
	ArrayType  *result;
} LocationsCache;

/*
 * The locations where the acting user passes the row check, as an array;
 * remembered per call site, since a lossy bitmap scan rechecks its index
 * condition (and so calls this) once per row
 */
Datum
permissions_locations_for(PG_FUNCTION_ARGS)
{
	PermUser   *u = perm_acting_user();
	PermModel  *m;
	LocationsCache *c = (LocationsCache *) fcinfo->flinfo->fn_extra;
	char	   *area;
	char		privilege;
	PermAccessLevel min_access;
	int64	   *locs;
	int			n = 0;
	MemoryContext old;

	if (u == NULL || PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
	area = text_to_cstring(PG_GETARG_TEXT_PP(0));
	privilege = PG_GETARG_CHAR(1);
	min_access = PG_GETARG_ACCESS_LEVEL(2);
	if (c != NULL && c->user_build == u->build_id && c->privilege == privilege &&
		c->min_access == min_access && strcmp(c->area, area) == 0)
		PG_RETURN_ARRAYTYPE_P(c->result);

	m = perm_model();
	locs = palloc(sizeof(int64) * Max(m->nlocations, 1));
	if (perm_user_has_privilege(u, area, perm_privilege_bit(privilege)))
		n = perm_user_locations(m, u, min_access, locs);

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c == NULL)
		c = fcinfo->flinfo->fn_extra = palloc0(sizeof(LocationsCache));
	else
	{
		pfree(c->area);
		pfree(c->result);
	}
	c->user_build = u->build_id;
	c->privilege = privilege;
	c->min_access = min_access;
	c->area = pstrdup(area);
	c->result = perm_locations_array(locs, n);
	MemoryContextSwitchTo(old);
	PG_RETURN_ARRAYTYPE_P(c->result);
}
