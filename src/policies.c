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
 *	- per call site (fn_extra) it keeps the answer for the acting user: the
 *	  privilege decision and a table of the known locations indexed by
 *	  location id, rebuilt only when the acting user's rights or the model
 *	  change (build ids, never reused, are compared -- never pointers);
 *	- per row it compares two ids and indexes the table.  No SPI, no catalog.
 *
 * locations_for() returns the same set of locations as an array; the
 * planner support (planner.c) uses it as an index condition that the
 * executor evaluates once per scan, for whoever is acting then.
 *
 * A NULL or unknown location is never allowed (only the owner test can
 * still pass), so "allows_row is true" implies "location = ANY
 * (locations_for(...))": the index condition is a superset, never a filter.
 */
#include "permissions.h"

#include "catalog/pg_type.h"
#include "nodes/primnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(permissions_allows_row);
PG_FUNCTION_INFO_V1(permissions_locations_for);

/* a dense table of known locations is built when the id range is at most this */
#define MAX_DENSE_LOCATIONS (1 << 22)

typedef struct RowCheck
{
	/* the call site's shape, fixed for the life of the expression */
	Oid			location_type;	/* INT2OID, INT4OID, INT8OID, or InvalidOid */
	int			owner_arg;		/* argument number of owner, or -1 */
	bool		args_const;		/* area, privilege, min_access are constants */

	/* the question the cached answer is for */
	uint64		model_generation;
	uint64		user_build;
	PermPrivileges privilege;
	PermAccessLevel min_access;
	char	   *area;

	/* the answer */
	bool		privileged;
	int64		base;			/* visible[i] is location base + i */
	int64		nvisible;
	bool	   *visible;		/* NULL: fall back to a binary search */
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

	/* constant arguments (as in policies) need not be compared per row */
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
 * Fill c with the answer for the acting user u
 */
static void
row_check_build(FunctionCallInfo fcinfo, RowCheck *c, const PermModel *m, PermUser *u,
				const char *area, int arealen, PermPrivileges privilege,
				PermAccessLevel min_access)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

	if (c->area)
		pfree(c->area);
	c->area = MemoryContextAlloc(cxt, arealen + 1);
	memcpy(c->area, area, arealen);
	c->area[arealen] = '\0';
	c->privilege = privilege;
	c->min_access = min_access;
	c->model_generation = m->generation;
	c->user_build = u->build_id;
	c->privileged = perm_user_has_privilege(u, c->area, privilege);

	if (c->visible)
		pfree(c->visible);
	c->visible = NULL;
	c->nvisible = 0;
	if (c->privileged && c->location_type != InvalidOid && m->nlocations > 0)
	{
		int64		lo = m->locations[0];
		int64		hi = m->locations[m->nlocations - 1];

		if (hi - lo < MAX_DENSE_LOCATIONS)
		{
			c->base = lo;
			c->nvisible = hi - lo + 1;
			c->visible = MemoryContextAllocZero(cxt, c->nvisible);
			for (int i = 0; i < m->nlocations; i++)
				c->visible[m->locations[i] - lo] =
					perm_user_location_access(m, u, m->locations[i]) >= min_access;
		}
	}
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
	PermModel  *m;
	text	   *area;
	PermPrivileges privilege;
	PermAccessLevel min_access = PERM_ACCESS_NONE;
	int64		loc;

	if (unlikely(c == NULL))
		c = row_check_setup(fcinfo);
	u = perm_acting_user();
	if (u == NULL)
		PG_RETURN_BOOL(false);

	/*
	 * The fast path: the same user build (a model change rebuilds users too)
	 * and constant arguments already seen.
	 */
	if (unlikely(!c->args_const || c->user_build != u->build_id || c->area == NULL))
	{
		if (PG_ARGISNULL(0) || PG_ARGISNULL(1) ||
			(c->location_type != InvalidOid && PG_ARGISNULL(2)))
			PG_RETURN_BOOL(false);
		m = perm_model();
		area = PG_GETARG_TEXT_PP(0);
		privilege = perm_privilege_bit(PG_GETARG_CHAR(1));
		if (c->location_type != InvalidOid)
			min_access = PG_GETARG_ACCESS_LEVEL(2);
		if (c->model_generation != m->generation || c->user_build != u->build_id ||
			c->privilege != privilege || c->min_access != min_access ||
			c->area == NULL ||
			strncmp(c->area, VARDATA_ANY(area), VARSIZE_ANY_EXHDR(area)) != 0 ||
			c->area[VARSIZE_ANY_EXHDR(area)] != '\0')
			row_check_build(fcinfo, c, m, u, VARDATA_ANY(area), VARSIZE_ANY_EXHDR(area),
							privilege, min_access);
	}

	if (c->privileged)
	{
		if (c->location_type == InvalidOid)
			PG_RETURN_BOOL(true);
		if (!PG_ARGISNULL(3))
		{
			switch (c->location_type)
			{
				case INT2OID:
					loc = PG_GETARG_INT16(3);
					break;
				case INT4OID:
					loc = PG_GETARG_INT32(3);
					break;
				default:
					loc = PG_GETARG_INT64(3);
					break;
			}
			if (c->visible != NULL)
			{
				if (loc >= c->base && loc - c->base < c->nvisible && c->visible[loc - c->base])
					PG_RETURN_BOOL(true);
			}
			else if (perm_user_location_access(perm_model(), u, loc) >= c->min_access)
				PG_RETURN_BOOL(true);
		}
	}
	PG_RETURN_BOOL(is_owner(fcinfo, c, u));
}

Datum
permissions_locations_for(PG_FUNCTION_ARGS)
{
	PermUser   *u = perm_acting_user();
	PermModel  *m = perm_model();
	char	   *area;
	PermPrivileges privilege;
	PermAccessLevel min_access;
	Datum	   *elems;
	int			n = 0;

	if (u == NULL || PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
	area = text_to_cstring(PG_GETARG_TEXT_PP(0));
	privilege = perm_privilege_bit(PG_GETARG_CHAR(1));
	min_access = PG_GETARG_ACCESS_LEVEL(2);
	elems = palloc(sizeof(Datum) * Max(m->nlocations, 1));
	if (perm_user_has_privilege(u, area, privilege))
	{
		for (int i = 0; i < m->nlocations; i++)
		{
			if (perm_user_location_access(m, u, m->locations[i]) >= min_access)
				elems[n++] = Int64GetDatum(m->locations[i]);
		}
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
