/*
 * checks.c
 *		The SQL-callable answers: can, location_access, locations_with,
 *		area_privileges, can_user, explain, current_user_id.
 *
 * Thin over the rights cache.  can() and explain() share one decision
 * function, perm_decide(), so the explanation can never disagree with the
 * answer.  Nothing here writes, and nothing here errors because nobody is
 * acting: nobody is simply denied.
 *
 * Hot path (can): the acting user comes from the cache after comparing two
 * counters; the action is remembered per call site in fn_extra and
 * re-validated against the model generation; the location is a binary
 * search in the user's sorted grants.  No SPI, no catalog access.
 */
#include "permissions.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(permissions_can);
PG_FUNCTION_INFO_V1(permissions_can_at);
PG_FUNCTION_INFO_V1(permissions_can_in_scope);
PG_FUNCTION_INFO_V1(permissions_location_access);
PG_FUNCTION_INFO_V1(permissions_locations_with);
PG_FUNCTION_INFO_V1(permissions_area_privileges);
PG_FUNCTION_INFO_V1(permissions_can_user);
PG_FUNCTION_INFO_V1(permissions_explain);
PG_FUNCTION_INFO_V1(permissions_explain_in_scope);
PG_FUNCTION_INFO_V1(permissions_current_user_id);
PG_FUNCTION_INFO_V1(permissions_area_exists);
PG_FUNCTION_INFO_V1(permissions_action_exists);

#define ACTION_CACHE_NAMELEN 64

/* fn_extra of can(): the last action asked at this call site */
typedef struct ActionCache
{
	uint64		generation;
	int			len;
	const PermAction *action;
	char		name[ACTION_CACHE_NAMELEN];
} ActionCache;

static char
privilege_letter(PermPrivileges bit)
{
	char		buf[8];

	perm_privileges_format(bit, buf);
	return buf[0];
}

/*
 * The effective global privileges of a user on an area
 */
static PermPrivileges
user_area_privileges(const PermUser *u, const char *area)
{
	int			lo = 0,
				hi = u->nareas - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(u->areas[mid].area, area);

		if (c == 0)
			return u->areas[mid].privs;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/*
 * Does an active user have the privilege bit on area through the global
 * roles (or an administrator role)?
 */
bool
perm_user_has_privilege(const PermUser *u, const char *area, PermPrivileges bit)
{
	if (u == NULL || !u->exists || !u->active || bit == 0)
		return false;
	if (u->admin_role != NULL)
		return true;
	return (user_area_privileges(u, area) & bit) != 0;
}

/*
 * The first role of a chain that gives bit on area (for explanations)
 */
static const char *
role_giving(const PermModel *m, const char *role, const char *area, PermPrivileges bit)
{
	const PermRole *r = perm_find_role(m, role);

	for (int depth = 0; r != NULL && depth <= m->nroles; depth++)
	{
		for (int i = 0; i < r->nareas; i++)
		{
			if (strcmp(r->areas[i].area, area) == 0 && (r->areas[i].privs & bit))
				return r->role;
		}
		r = perm_find_role(m, r->inherits);
	}
	return role;
}

/*
 * Decide whether user may do action (at location, in scope)
 *
 * The one decision procedure behind can(), can_user(), explain() and the
 * admin guard.  When why is not NULL, a readable reason is appended.
 */
static bool decide(const PermModel *m, PermUser *u, const PermAction *a,
				   const char *action_name, bool has_loc, int64 loc,
				   const char *scope, const char *scope_id, bool membership_only,
				   StringInfo why);

bool
perm_decide(const PermModel *m, PermUser *u, const PermAction *a,
			const char *action_name, bool has_loc, int64 loc,
			const char *scope, const char *scope_id, StringInfo why)
{
	return decide(m, u, a, action_name, has_loc, loc, scope, scope_id, false, why);
}

/*
 * Like perm_decide, but only a role held by membership in exactly that
 * scope counts (a project's approver, not a company-wide one)
 */
bool
perm_decide_membership(const PermModel *m, PermUser *u, const PermAction *a,
					   const char *action_name, bool has_loc, int64 loc,
					   const char *scope, const char *scope_id, StringInfo why)
{
	return decide(m, u, a, action_name, has_loc, loc, scope, scope_id, true, why);
}

static bool
decide(const PermModel *m, PermUser *u, const PermAction *a,
	   const char *action_name, bool has_loc, int64 loc,
	   const char *scope, const char *scope_id, bool membership_only, StringInfo why)
{
	const char *via = NULL;		/* the role that gave the privilege */
	const char *via_scope = NULL;
	bool		admin = false;
	PermAccessLevel level;
	char		privbuf[8];

	if (u == NULL)
	{
		if (why)
			appendStringInfoString(why, "no: nobody is acting (permissions.user_id is not set and current_user is no user's db_role)");
		return false;
	}
	if (!u->exists)
	{
		if (why)
			appendStringInfo(why, "no: user \"%s\" does not exist", u->user_id);
		return false;
	}
	if (!u->active)
	{
		if (why)
			appendStringInfo(why, "no: user \"%s\" is inactive", u->user_id);
		return false;
	}
	if (a == NULL)
	{
		if (why)
			appendStringInfo(why, "no: action \"%s\" is unknown", action_name);
		return false;
	}
	if (!a->feature_enabled)
	{
		if (why)
			appendStringInfo(why, "no: action %s belongs to feature \"%s\", which is disabled",
							 a->action, a->feature);
		return false;
	}

	/* the privilege: an administrator role, the global roles, or the scope */
	if (u->admin_role != NULL && !membership_only)
	{
		admin = true;
		via = u->admin_role;
	}
	else if (!membership_only && (user_area_privileges(u, a->area) & a->privilege))
		via = role_giving(m, u->role, a->area, a->privilege);
	else if (scope != NULL && scope_id != NULL)
	{
		for (int i = 0; i < u->nmembers; i++)
		{
			const PermMembership *mem = &u->members[i];
			bool		role_admin;
			PermPrivileges p;

			if (strcmp(mem->scope, scope) != 0 || strcmp(mem->scope_id, scope_id) != 0)
				continue;
			p = perm_role_privileges(m, mem->role, a->area, &role_admin);
			if (role_admin || (p & a->privilege))
			{
				admin = role_admin;
				via = role_admin ? mem->role : role_giving(m, mem->role, a->area, a->privilege);
				via_scope = mem->role;
				break;
			}
		}
	}
	if (via == NULL)
	{
		if (why)
		{
			PermPrivileges have = user_area_privileges(u, a->area);

			perm_privileges_format(have, privbuf);
			appendStringInfo(why, "no: %s may not do %s: ", u->user_id, a->action);
			if (membership_only)
				appendStringInfo(why, "no role held in %s %s gives %c on area \"%s\"",
								 scope ? scope : "(no scope)", scope_id ? scope_id : "(none)",
								 privilege_letter(a->privilege), a->area);
			else if (u->role == NULL)
				appendStringInfo(why, "the user has no role, so nothing gives %c on area \"%s\"",
								 privilege_letter(a->privilege), a->area);
			else if (have == 0)
				appendStringInfo(why, "role \"%s\" gives nothing on area \"%s\" (%c needed)",
								 u->role, a->area, privilege_letter(a->privilege));
			else
				appendStringInfo(why, "role \"%s\" gives %s on area \"%s\", not %c",
								 u->role, privbuf, a->area, privilege_letter(a->privilege));
			if (scope != NULL && scope_id != NULL && !membership_only)
				appendStringInfo(why, ", and no role held in %s %s gives it", scope, scope_id);
		}
		return false;
	}

	/* the location rule; administrators pass it everywhere */
	switch (a->rule)
	{
		case PERM_RULE_NONE:
			break;
		case PERM_RULE_LOCATION:
			if (!has_loc)
			{
				if (why)
					appendStringInfo(why, "no: %s may not do %s without a location: the action's location rule is \"location\"",
									 u->user_id, a->action);
				return false;
			}
			if (admin)
				level = perm_location_known(m, loc) ? PERM_ACCESS_FULL : PERM_ACCESS_NONE;
			else
				level = perm_user_location_access(m, u, loc);
			if (level < a->min_access)
			{
				if (why && !perm_location_known(m, loc))
					appendStringInfo(why, "no: %s may not do %s at location " INT64_FORMAT ": it is not a known location",
									 u->user_id, a->action, loc);
				else if (why)
					appendStringInfo(why, "no: %s may not do %s at location " INT64_FORMAT ": access there is %s, %s needed",
									 u->user_id, a->action, loc,
									 perm_access_level_name(level),
									 perm_access_level_name(a->min_access));
				return false;
			}
			break;
		case PERM_RULE_ANY_LOCATION:
			if (!admin && perm_user_max_any(m, u) < a->min_access)
			{
				if (why)
					appendStringInfo(why, "no: %s may not do %s: no location has %s access (the highest is %s)",
									 u->user_id, a->action,
									 perm_access_level_name(a->min_access),
									 perm_access_level_name(perm_user_max_any(m, u)));
				return false;
			}
			break;
		case PERM_RULE_ALL_LOCATIONS:
			if (!admin && m->nlocations > 0 && perm_user_min_all(m, u) < a->min_access)
			{
				if (why)
					appendStringInfo(why, "no: %s may not do %s: it needs %s access to every location, and the lowest is %s",
									 u->user_id, a->action,
									 perm_access_level_name(a->min_access),
									 perm_access_level_name(perm_user_min_all(m, u)));
				return false;
			}
			break;
	}

	if (why)
	{
		appendStringInfo(why, "yes: %s may do %s", u->user_id, a->action);
		if (a->rule == PERM_RULE_LOCATION)
			appendStringInfo(why, " at location " INT64_FORMAT, loc);
		if (admin)
			appendStringInfo(why, ": role \"%s\" is an administrator role", via);
		else
			appendStringInfo(why, ": role \"%s\" gives %c on area \"%s\"",
							 via, privilege_letter(a->privilege), a->area);
		if (via_scope != NULL)
			appendStringInfo(why, " (held in %s %s)", scope, scope_id);
		switch (a->rule)
		{
			case PERM_RULE_NONE:
				break;
			case PERM_RULE_LOCATION:
				if (!admin)
					appendStringInfo(why, "; access to location " INT64_FORMAT " is %s (%s needed)",
									 loc, perm_access_level_name(perm_user_location_access(m, u, loc)),
									 perm_access_level_name(a->min_access));
				break;
			case PERM_RULE_ANY_LOCATION:
				if (!admin)
					appendStringInfo(why, "; some location has %s access (%s needed)",
									 perm_access_level_name(perm_user_max_any(m, u)),
									 perm_access_level_name(a->min_access));
				break;
			case PERM_RULE_ALL_LOCATIONS:
				if (!admin)
					appendStringInfo(why, "; every location has at least %s access (%s needed)",
									 perm_access_level_name(m->nlocations > 0 ? perm_user_min_all(m, u) : a->min_access),
									 perm_access_level_name(a->min_access));
				break;
		}
		if (a->feature != NULL)
			appendStringInfo(why, "; feature \"%s\" is enabled", a->feature);
	}
	return true;
}

/*
 * The action named by a text argument, remembered at this call site
 */
static const PermAction *
lookup_action(FunctionCallInfo fcinfo, const PermModel *m, text *action)
{
	const char *name = VARDATA_ANY(action);
	int			len = VARSIZE_ANY_EXHDR(action);
	ActionCache *c = (ActionCache *) fcinfo->flinfo->fn_extra;
	const PermAction *a;

	if (c != NULL && c->generation == m->generation && c->len == len &&
		memcmp(c->name, name, len) == 0)
		return c->action;

	/* an embedded NUL can name no action */
	if (memchr(name, '\0', len) != NULL)
		return NULL;
	a = perm_find_action(m, name, len);
	if (len <= ACTION_CACHE_NAMELEN)
	{
		if (c == NULL)
			c = fcinfo->flinfo->fn_extra =
				MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(ActionCache));
		c->generation = m->generation;
		c->len = len;
		memcpy(c->name, name, len);
		c->action = a;
	}
	return a;
}

static char *
text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * The shared body of the three forms of can()
 */
static bool
can_common(FunctionCallInfo fcinfo, bool has_loc, int64 loc,
		   const char *scope, const char *scope_id)
{
	PermUser   *u;
	PermModel  *m;
	const PermAction *a;

	if (PG_ARGISNULL(0))
		return false;
	u = perm_acting_user();
	if (u == NULL || !u->active)
		return false;
	m = perm_model();
	a = lookup_action(fcinfo, m, PG_GETARG_TEXT_PP(0));
	return perm_decide(m, u, a, NULL, has_loc, loc, scope, scope_id, NULL);
}

Datum
permissions_can(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(can_common(fcinfo, false, 0, NULL, NULL));
}

Datum
permissions_can_at(PG_FUNCTION_ARGS)
{
	bool		has_loc = !PG_ARGISNULL(1);

	PG_RETURN_BOOL(can_common(fcinfo, has_loc, has_loc ? PG_GETARG_INT64(1) : 0,
							  NULL, NULL));
}

Datum
permissions_can_in_scope(PG_FUNCTION_ARGS)
{
	char	   *scope = text_arg(fcinfo, 1);
	char	   *scope_id = text_arg(fcinfo, 2);

	PG_RETURN_BOOL(can_common(fcinfo, false, 0, scope, scope_id));
}

Datum
permissions_location_access(PG_FUNCTION_ARGS)
{
	int64		loc = PG_GETARG_INT64(0);
	PermUser   *u = perm_acting_user();

	if (u == NULL)
		PG_RETURN_ACCESS_LEVEL(PERM_ACCESS_NONE);
	PG_RETURN_ACCESS_LEVEL(perm_user_location_access(perm_model(), u, loc));
}

/*
 * A bigint[] of location ids
 */
ArrayType *
perm_locations_array(const int64 *locations, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		elems[i] = Int64GetDatum(locations[i]);
	return construct_array(elems, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

Datum
permissions_locations_with(PG_FUNCTION_ARGS)
{
	PermAccessLevel min = PG_ARGISNULL(0) ? PERM_ACCESS_READ : PG_GETARG_ACCESS_LEVEL(0);
	PermUser   *u = perm_acting_user();
	PermModel  *m = perm_model();
	int64	   *locs = palloc(sizeof(int64) * Max(m->nlocations, 1));
	int			n = u ? perm_user_locations(m, u, min, locs) : 0;

	PG_RETURN_ARRAYTYPE_P(perm_locations_array(locs, n));
}

Datum
permissions_area_privileges(PG_FUNCTION_ARGS)
{
	char	   *area = text_to_cstring(PG_GETARG_TEXT_PP(0));
	PermUser   *u = perm_acting_user();

	if (u == NULL || !u->exists || !u->active)
		PG_RETURN_PRIVILEGES(0);
	if (u->admin_role != NULL)
		PG_RETURN_PRIVILEGES(PERM_PRIV_ALL);
	PG_RETURN_PRIVILEGES(user_area_privileges(u, area));
}

/*
 * May the session change the model and look at other users' rights?
 *
 * Superusers, roles with the privileges of the extension owner, and acting
 * users with an administrator role or the action users.admin.
 */
bool
perm_may_admin(StringInfo why)
{
	PermModel  *m = perm_model();
	PermUser   *u;
	const PermAction *a;

	if (superuser() || (OidIsValid(m->owner) && has_privs_of_role(GetUserId(), m->owner)))
		return true;
	u = perm_acting_user();
	a = perm_find_action(m, "users.admin", strlen("users.admin"));
	if (u != NULL && u->exists && u->active && u->admin_role != NULL)
		return true;
	return perm_decide(m, u, a, "users.admin", false, 0, NULL, NULL, why);
}

/*
 * A decision's reason without its "yes: " or "no: " prefix, for messages
 */
const char *
perm_reason_text(const char *why)
{
	if (strncmp(why, "no: ", 4) == 0)
		return why + 4;
	if (strncmp(why, "yes: ", 5) == 0)
		return why + 5;
	return why;
}

/*
 * Ensure the session may administer the model; 42501 otherwise
 */
void
perm_require_admin(const char *what)
{
	StringInfoData why;

	initStringInfo(&why);
	if (perm_may_admin(&why))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied for action \"users.admin\""),
			 errdetail("%s needs users.admin, and %s.", what, perm_reason_text(why.data)),
			 errhint("Act as a user whose role is an administrator role or may do users.admin, or as a superuser or the extension owner.")));
}

Datum
permissions_can_user(PG_FUNCTION_ARGS)
{
	char	   *user_id;
	PermUser   *u;
	PermModel  *m;
	const PermAction *a;
	bool		has_loc = !PG_ARGISNULL(2);

	perm_require_admin("can_user()");
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_BOOL(false);
	user_id = text_arg(fcinfo, 0);
	u = perm_lookup_user(user_id);
	m = perm_model();
	if (!u->exists)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("user \"%s\" does not exist", user_id),
				 errhint("Users are rows of permissions.users.")));
	a = lookup_action(fcinfo, m, PG_GETARG_TEXT_PP(1));
	PG_RETURN_BOOL(perm_decide(m, u, a, NULL, has_loc,
							   has_loc ? PG_GETARG_INT64(2) : 0, NULL, NULL, NULL));
}

/*
 * The shared body of explain() and explain_in_scope()
 */
static text *
explain_common(const char *action, bool has_loc, int64 loc, const char *scope,
			   const char *scope_id, const char *user_id)
{
	PermUser   *acting = perm_acting_user();
	PermUser   *u = acting;
	PermModel  *m;
	StringInfoData why;

	if (user_id != NULL &&
		(acting == NULL || !acting->exists || strcmp(acting->user_id, user_id) != 0))
	{
		perm_require_admin("explain() for another user");
		u = perm_lookup_user(user_id);
	}
	m = perm_model();
	initStringInfo(&why);
	perm_decide(m, u, perm_find_action(m, action, strlen(action)), action,
				has_loc, loc, scope, scope_id, &why);
	return cstring_to_text(why.data);
}

Datum
permissions_explain(PG_FUNCTION_ARGS)
{
	bool		has_loc = !PG_ARGISNULL(1);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(explain_common(text_arg(fcinfo, 0), has_loc,
									has_loc ? PG_GETARG_INT64(1) : 0,
									NULL, NULL, text_arg(fcinfo, 2)));
}

Datum
permissions_explain_in_scope(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(explain_common(text_arg(fcinfo, 0), false, 0,
									text_arg(fcinfo, 1), text_arg(fcinfo, 2),
									text_arg(fcinfo, 3)));
}

Datum
permissions_current_user_id(PG_FUNCTION_ARGS)
{
	PermUser   *u = perm_acting_user();

	if (u == NULL || !u->exists || !u->active)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(u->user_id));
}

Datum
permissions_area_exists(PG_FUNCTION_ARGS)
{
	char	   *area = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BOOL(perm_area_known(perm_model(), area));
}

Datum
permissions_action_exists(PG_FUNCTION_ARGS)
{
	text	   *action = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(perm_find_action(perm_model(), VARDATA_ANY(action),
									VARSIZE_ANY_EXHDR(action)) != NULL);
}
