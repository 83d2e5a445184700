/*
 * planner.c
 *		Planner support for permissions.allows_row(): what the policy costs,
 *		how many rows it lets through, and when it can use a location index.
 *
 *	- SupportRequestCost: one operator's worth per row (it is a table lookup).
 *	- SupportRequestSelectivity: the fraction of rows at the locations the
 *	  planning user may use, from the location column's statistics (its MCV
 *	  list and distinct count), rather than the planner's default guess.
 *	- SupportRequestIndexCondition: offers the index condition
 *	  "location = ANY(permissions.locations_for(...))", exactly equivalent to
 *	  the policy, whose array the executor computes once per scan for whoever
 *	  acts then -- but only where the planner's fixed guess for such an array
 *	  cannot mislead it (see location_index_condition).
 *
 * Plans are cached and may be reused by another user: nothing here puts the
 * planning user's locations into a plan, only into estimates.
 */
#include "permissions.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "nodes/pathnodes.h"
#include "optimizer/pathnode.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"

PG_FUNCTION_INFO_V1(permissions_allows_row_support);

/*
 * Offer the location index only when the planning user sees at most this
 * fraction of the rows (see location_index_condition).
 */
#define INDEX_CONDITION_MAX_FRACTION 0.10

/* the guess when the policy's arguments are not constants */
#define DEFAULT_VISIBLE_FRACTION 0.5

/*
 * The policy's constant arguments, when they are constants
 */
typedef struct PolicyArgs
{
	Node	   *location;		/* the location expression, or NULL */
	bool		has_owner;		/* an owner argument that is not NULL */
	char	   *area;
	PermPrivileges privilege;
	PermAccessLevel min_access;
} PolicyArgs;

static bool
policy_args(List *args, PolicyArgs *pa)
{
	int			nargs = list_length(args);
	Const	   *area,
			   *priv,
			   *min;

	memset(pa, 0, sizeof(*pa));
	if (nargs < 2)
		return false;
	area = (Const *) linitial(args);
	priv = (Const *) lsecond(args);
	if (!IsA(area, Const) || !IsA(priv, Const) || area->constisnull || priv->constisnull)
		return false;
	pa->area = TextDatumGetCString(area->constvalue);
	pa->privilege = perm_privilege_bit(DatumGetChar(priv->constvalue));
	if (nargs >= 4)
	{
		Node	   *owner = nargs >= 5 ? (Node *) list_nth(args, 4) : NULL;

		min = (Const *) lthird(args);
		if (!IsA(min, Const) || min->constisnull)
			return false;
		pa->min_access = DatumGetAccessLevel(min->constvalue);
		pa->location = (Node *) lfourth(args);
		pa->has_owner = owner != NULL &&
			!(IsA(owner, Const) && ((Const *) owner)->constisnull);
	}
	else if (nargs == 3)
	{
		Node	   *owner = (Node *) lthird(args);

		pa->has_owner = !(IsA(owner, Const) && ((Const *) owner)->constisnull);
	}
	return true;
}

/*
 * The sorted locations the acting (planning) user may use for the policy;
 * NULL with *n = 0 when the user has no such privilege
 */
static int64 *
visible_locations(const PolicyArgs *pa, int *n)
{
	PermUser   *u = perm_acting_user();
	PermModel  *m = perm_model();
	int64	   *locs;

	*n = 0;
	if (!perm_user_has_privilege(u, pa->area, pa->privilege))
		return NULL;
	locs = palloc(sizeof(int64) * Max(m->nlocations, 1));
	*n = perm_user_locations(m, u, pa->min_access, locs);
	return locs;
}

static bool
sorted_contains(const int64 *v, int n, int64 x)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/*
 * The fraction of rows whose location is among the nvis visible ones,
 * from the column's MCV list and distinct count
 */
static Selectivity
location_fraction(PlannerInfo *root, Node *location, int varRelid,
				  const int64 *vis, int nvis)
{
	VariableStatData vardata;
	AttStatsSlot sslot;
	Selectivity sel = 0.0;
	double		mcv_total = 0.0;
	int			mcv_visible = 0;
	int			nmcv = 0;
	double		ndistinct;
	bool		isdefault;
	double		nullfrac = 0.0;
	PermModel  *m = perm_model();

	if (nvis == 0)
		return 0.0;

	examine_variable(root, location, varRelid, &vardata);
	if (!HeapTupleIsValid(vardata.statsTuple) ||
		(vardata.atttype != INT2OID && vardata.atttype != INT4OID &&
		 vardata.atttype != INT8OID))
	{
		ReleaseVariableStats(vardata);
		/* no statistics: assume rows spread evenly over known locations */
		return m->nlocations > 0 ? (double) nvis / m->nlocations : DEFAULT_VISIBLE_FRACTION;
	}
	nullfrac = ((Form_pg_statistic) GETSTRUCT(vardata.statsTuple))->stanullfrac;

	if (get_attstatsslot(&sslot, vardata.statsTuple, STATISTIC_KIND_MCV, InvalidOid,
						 ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS))
	{
		nmcv = sslot.nvalues;
		for (int i = 0; i < sslot.nvalues; i++)
		{
			mcv_total += sslot.numbers[i];
			if (sorted_contains(vis, nvis, perm_location_datum(sslot.values[i], vardata.atttype)))
			{
				sel += sslot.numbers[i];
				mcv_visible++;
			}
		}
		free_attstatsslot(&sslot);
	}

	ndistinct = get_variable_numdistinct(&vardata, &isdefault);
	if (ndistinct > nmcv)
	{
		double		rest = 1.0 - nullfrac - mcv_total;
		double		share = (double) (nvis - mcv_visible) / (ndistinct - nmcv);

		CLAMP_PROBABILITY(share);
		if (rest > 0)
			sel += rest * share;
	}
	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(sel);
	return sel;
}

/*
 * The whole policy's selectivity for the planning user
 */
static Selectivity
policy_selectivity(PlannerInfo *root, const PolicyArgs *pa, int varRelid)
{
	int64	   *vis;
	int			nvis;
	Selectivity sel;

	if (perm_acting_user() == NULL)
		return 0.0;				/* nobody: not even an owner test passes */
	vis = visible_locations(pa, &nvis);
	if (pa->location == NULL)
		sel = perm_user_has_privilege(perm_acting_user(), pa->area, pa->privilege) ? 1.0 : 0.0;
	else
		sel = location_fraction(root, pa->location, varRelid, vis, nvis);
	/* the user's own rows: a small share of the rest */
	if (pa->has_owner)
		sel += (1.0 - sel) * DEFAULT_EQ_SEL;
	CLAMP_PROBABILITY(sel);
	return sel;
}

/*
 * The lossy index condition location = ANY(permissions.locations_for(...))
 */
static List *
location_index_condition(SupportRequestIndexCondition *req, const PolicyArgs *pa)
{
	FuncExpr   *call = (FuncExpr *) req->node;
	Oid			coltype = exprType(pa->location);
	Oid			eqop;
	Oid			argtypes[3] = {TEXTOID, CHAROID, InvalidOid};
	Oid			locations_for;
	FuncExpr   *array;
	ScalarArrayOpExpr *saop;
	Selectivity sel;
	int64	   *vis;
	int			nvis;

	if (req->indexarg != 3 || pa->location == NULL || pa->has_owner ||
		req->opfamily != INTEGER_BTREE_FAM_OID)
		return NIL;
	if (coltype != INT2OID && coltype != INT4OID && coltype != INT8OID)
		return NIL;

	/*
	 * The planner prices "location = ANY(<an array known only at run time>)"
	 * as if the array had ten elements, whatever the user sees: with 200
	 * locations, about 5% of the rows.  Offer the condition only when the
	 * planning user really sees a small share, so that guess cannot lure the
	 * planner into scanning (or BitmapAnd-ing) half of the location index.
	 * A bitmap heap scan still rechecks the policy per row (the planner keeps
	 * function-derived conditions as a filter there); a plain index scan
	 * does not.
	 */
	vis = visible_locations(pa, &nvis);
	sel = location_fraction(req->root, pa->location, req->index->rel->relid, vis, nvis);
	if (sel > INDEX_CONDITION_MAX_FRACTION)
		return NIL;

	eqop = get_opfamily_member(INTEGER_BTREE_FAM_OID, coltype, INT8OID, BTEqualStrategyNumber);
	argtypes[2] = exprType((Node *) lthird(call->args));
	locations_for = LookupFuncName(list_make2(makeString("permissions"),
											  makeString("locations_for")),
								   3, argtypes, true);
	if (!OidIsValid(eqop) || !OidIsValid(locations_for))
		return NIL;

	array = makeFuncExpr(locations_for, INT8ARRAYOID,
						 list_make3(copyObject(linitial(call->args)),
									copyObject(lsecond(call->args)),
									copyObject(lthird(call->args))),
						 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	saop = makeNode(ScalarArrayOpExpr);
	saop->opno = eqop;
	saop->opfuncid = get_opcode(eqop);
	saop->hashfuncid = InvalidOid;
	saop->negfuncid = InvalidOid;
	saop->useOr = true;
	saop->inputcollid = InvalidOid;
	saop->args = list_make2(copyObject(pa->location), array);
	saop->location = -1;

	/*
	 * Exact, not lossy: for whoever executes, location = ANY(locations_for())
	 * holds exactly when allows_row() does (no owner argument here; a NULL or
	 * unknown location is in neither), so the scan need not call the policy
	 * again per row.
	 */
	req->lossy = false;
	return list_make1(saop);
}

Datum
permissions_allows_row_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	PolicyArgs	pa;

	if (IsA(rawreq, SupportRequestCost))
	{
		SupportRequestCost *req = (SupportRequestCost *) rawreq;

		req->startup = 0;
		req->per_tuple = cpu_operator_cost;
		PG_RETURN_POINTER(req);
	}

	if (IsA(rawreq, SupportRequestSelectivity))
	{
		SupportRequestSelectivity *req = (SupportRequestSelectivity *) rawreq;

		if (req->is_join || !policy_args(req->args, &pa))
			PG_RETURN_POINTER(NULL);
		req->selectivity = policy_selectivity(req->root, &pa, req->varRelid);
		PG_RETURN_POINTER(req);
	}

	if (IsA(rawreq, SupportRequestIndexCondition))
	{
		SupportRequestIndexCondition *req = (SupportRequestIndexCondition *) rawreq;

		if (!is_funcclause(req->node) ||
			!policy_args(((FuncExpr *) req->node)->args, &pa))
			PG_RETURN_POINTER(NULL);
		PG_RETURN_POINTER(location_index_condition(req, &pa));
	}

	PG_RETURN_POINTER(NULL);
}
