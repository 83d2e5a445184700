-- Identity and checks (src/identity.c, src/cache.c, src/checks.c).
-- All are STABLE (they never write) and PARALLEL SAFE: a parallel worker
-- inherits the leader's permissions.user_id and current user and builds its
-- own cache.  None is STRICT where a NULL argument has a sensible answer:
-- can() is false, never NULL.

CREATE FUNCTION permissions.current_user_id() RETURNS text
	AS 'MODULE_PATHNAME', 'permissions_current_user_id'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION permissions.current_user_id() IS
	'the acting application user, or NULL for nobody (also for an unknown or inactive user)';

CREATE FUNCTION permissions.can(action text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_can'
	LANGUAGE C STABLE PARALLEL SAFE COST 1;
COMMENT ON FUNCTION permissions.can(text) IS 'may the acting user do this action?';

CREATE FUNCTION permissions.can(action text, location_id bigint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_can_at'
	LANGUAGE C STABLE PARALLEL SAFE COST 1;
COMMENT ON FUNCTION permissions.can(text, bigint) IS 'may the acting user do this action at this location?';

CREATE FUNCTION permissions.can(action text, scope text, scope_id text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_can_in_scope'
	LANGUAGE C STABLE PARALLEL SAFE COST 1;
COMMENT ON FUNCTION permissions.can(text, text, text) IS
	'may the acting user do this action, through a global role or a role held in exactly this scope?';

CREATE FUNCTION permissions.location_access(location_id bigint) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_location_access'
	LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1;

CREATE FUNCTION permissions.locations_with(min permissions.access_level DEFAULT 'read') RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'permissions_locations_with'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION permissions.area_privileges(area text) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_area_privileges'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION permissions.can_user(user_id text, action text, location_id bigint DEFAULT NULL) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_can_user'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION permissions.can_user(text, text, bigint) IS 'for admin tools (needs users.admin): may that user do this action?';

CREATE FUNCTION permissions.explain(action text, location_id bigint DEFAULT NULL, user_id text DEFAULT NULL) RETURNS text
	AS 'MODULE_PATHNAME', 'permissions_explain'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION permissions.explain(text, bigint, text) IS 'one line saying why the answer is yes or no';

-- explain() for can(action, scope, scope_id): a separate name, since an
-- overload of explain() would take explain('x', NULL, 'bob') for a scope
CREATE FUNCTION permissions.explain_in_scope(action text, scope text, scope_id text, user_id text DEFAULT NULL)
	RETURNS text
	AS 'MODULE_PATHNAME', 'permissions_explain_in_scope'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION permissions.explain_in_scope(text, text, text, text) IS
	'one line saying why can(action, scope, scope_id) is yes or no';

-- Nothing in the schema is usable until granted, except the checks, which
-- are safe for anyone: they answer only for the acting identity.
GRANT USAGE ON SCHEMA permissions TO PUBLIC;
