-- permissions--1.0.sql: version 1.0 as released (frozen; built from src/sql at commit a1e7838)

\echo Use "CREATE EXTENSION permissions VERSION '1.0'" to load this file. \quit

-- ---- src/sql/01_access_level.sql ----
-- permissions.access_level: none < read < full (src/access_level.c)

CREATE TYPE permissions.access_level;

CREATE FUNCTION permissions.access_level_in(cstring) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_out(permissions.access_level) RETURNS cstring
	AS 'MODULE_PATHNAME', 'permissions_access_level_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_recv(internal) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_send(permissions.access_level) RETURNS bytea
	AS 'MODULE_PATHNAME', 'permissions_access_level_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE permissions.access_level (
	INPUT = permissions.access_level_in,
	OUTPUT = permissions.access_level_out,
	RECEIVE = permissions.access_level_recv,
	SEND = permissions.access_level_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE permissions.access_level IS 'access to a location: none < read < full';

CREATE FUNCTION permissions.access_level_eq(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_ne(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_lt(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_le(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_gt(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_ge(permissions.access_level, permissions.access_level) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_access_level_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_cmp(permissions.access_level, permissions.access_level) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_access_level_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_hash(permissions.access_level) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_access_level_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_hash_extended(permissions.access_level, int8) RETURNS int8
	AS 'MODULE_PATHNAME', 'permissions_access_level_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.access_level_larger(permissions.access_level, permissions.access_level) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.access_level_smaller(permissions.access_level, permissions.access_level) RETURNS permissions.access_level
	AS 'MODULE_PATHNAME', 'permissions_access_level_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR permissions.= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_eq, COMMUTATOR = OPERATOR(permissions.=),
	NEGATOR = OPERATOR(permissions.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR permissions.<> (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_ne, COMMUTATOR = OPERATOR(permissions.<>),
	NEGATOR = OPERATOR(permissions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR permissions.< (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_lt, COMMUTATOR = OPERATOR(permissions.>),
	NEGATOR = OPERATOR(permissions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR permissions.<= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_le, COMMUTATOR = OPERATOR(permissions.>=),
	NEGATOR = OPERATOR(permissions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR permissions.> (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_gt, COMMUTATOR = OPERATOR(permissions.<),
	NEGATOR = OPERATOR(permissions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR permissions.>= (
	LEFTARG = permissions.access_level, RIGHTARG = permissions.access_level,
	FUNCTION = permissions.access_level_ge, COMMUTATOR = OPERATOR(permissions.<=),
	NEGATOR = OPERATOR(permissions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS permissions.access_level_ops
	DEFAULT FOR TYPE permissions.access_level USING btree AS
		OPERATOR 1 permissions.<,
		OPERATOR 2 permissions.<=,
		OPERATOR 3 permissions.=,
		OPERATOR 4 permissions.>=,
		OPERATOR 5 permissions.>,
		FUNCTION 1 permissions.access_level_cmp(permissions.access_level, permissions.access_level);

CREATE OPERATOR CLASS permissions.access_level_hash_ops
	DEFAULT FOR TYPE permissions.access_level USING hash AS
		OPERATOR 1 permissions.=,
		FUNCTION 1 permissions.access_level_hash(permissions.access_level),
		FUNCTION 2 permissions.access_level_hash_extended(permissions.access_level, int8);

CREATE AGGREGATE permissions.min(permissions.access_level) (
	SFUNC = permissions.access_level_smaller, STYPE = permissions.access_level,
	COMBINEFUNC = permissions.access_level_smaller, SORTOP = OPERATOR(permissions.<),
	PARALLEL = SAFE);
CREATE AGGREGATE permissions.max(permissions.access_level) (
	SFUNC = permissions.access_level_larger, STYPE = permissions.access_level,
	COMBINEFUNC = permissions.access_level_larger, SORTOP = OPERATOR(permissions.>),
	PARALLEL = SAFE);

CREATE CAST (permissions.access_level AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS permissions.access_level) WITH INOUT;
CREATE CAST (permissions.access_level AS varchar) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS permissions.access_level) WITH INOUT;

-- ---- src/sql/02_privileges.sql ----
-- permissions.privileges: a set of the letters r w d a o (src/privileges.c)

CREATE TYPE permissions.privileges;

CREATE FUNCTION permissions.privileges_in(cstring) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_out(permissions.privileges) RETURNS cstring
	AS 'MODULE_PATHNAME', 'permissions_privileges_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_recv(internal) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_send(permissions.privileges) RETURNS bytea
	AS 'MODULE_PATHNAME', 'permissions_privileges_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE permissions.privileges (
	INPUT = permissions.privileges_in,
	OUTPUT = permissions.privileges_out,
	RECEIVE = permissions.privileges_recv,
	SEND = permissions.privileges_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE permissions.privileges IS 'a set of privilege letters: r read, w write, d delete, a approve, o override';

CREATE FUNCTION permissions.privileges_eq(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_ne(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_lt(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_le(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_gt(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_ge(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_cmp(permissions.privileges, permissions.privileges) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_privileges_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_hash(permissions.privileges) RETURNS int4
	AS 'MODULE_PATHNAME', 'permissions_privileges_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_hash_extended(permissions.privileges, int8) RETURNS int8
	AS 'MODULE_PATHNAME', 'permissions_privileges_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_contains(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_contained(permissions.privileges, permissions.privileges) RETURNS bool
	AS 'MODULE_PATHNAME', 'permissions_privileges_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION permissions.privileges_union(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_union' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_intersect(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_intersect' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.privileges_minus(permissions.privileges, permissions.privileges) RETURNS permissions.privileges
	AS 'MODULE_PATHNAME', 'permissions_privileges_minus' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR permissions.= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_eq, COMMUTATOR = OPERATOR(permissions.=),
	NEGATOR = OPERATOR(permissions.<>), RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES);
CREATE OPERATOR permissions.<> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_ne, COMMUTATOR = OPERATOR(permissions.<>),
	NEGATOR = OPERATOR(permissions.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR permissions.< (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_lt, COMMUTATOR = OPERATOR(permissions.>),
	NEGATOR = OPERATOR(permissions.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR permissions.<= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_le, COMMUTATOR = OPERATOR(permissions.>=),
	NEGATOR = OPERATOR(permissions.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR permissions.> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_gt, COMMUTATOR = OPERATOR(permissions.<),
	NEGATOR = OPERATOR(permissions.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR permissions.>= (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_ge, COMMUTATOR = OPERATOR(permissions.<=),
	NEGATOR = OPERATOR(permissions.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);
CREATE OPERATOR permissions.@> (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_contains, COMMUTATOR = OPERATOR(permissions.<@),
	RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR permissions.<@ (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_contained, COMMUTATOR = OPERATOR(permissions.@>),
	RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR permissions.| (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_union, COMMUTATOR = OPERATOR(permissions.|));
CREATE OPERATOR permissions.& (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_intersect, COMMUTATOR = OPERATOR(permissions.&));
CREATE OPERATOR permissions.- (
	LEFTARG = permissions.privileges, RIGHTARG = permissions.privileges,
	FUNCTION = permissions.privileges_minus);

CREATE OPERATOR CLASS permissions.privileges_ops
	DEFAULT FOR TYPE permissions.privileges USING btree AS
		OPERATOR 1 permissions.<,
		OPERATOR 2 permissions.<=,
		OPERATOR 3 permissions.=,
		OPERATOR 4 permissions.>=,
		OPERATOR 5 permissions.>,
		FUNCTION 1 permissions.privileges_cmp(permissions.privileges, permissions.privileges);

CREATE OPERATOR CLASS permissions.privileges_hash_ops
	DEFAULT FOR TYPE permissions.privileges USING hash AS
		OPERATOR 1 permissions.=,
		FUNCTION 1 permissions.privileges_hash(permissions.privileges),
		FUNCTION 2 permissions.privileges_hash_extended(permissions.privileges, int8);

-- the union of a column; the empty set over no rows
CREATE AGGREGATE permissions.privileges_union(permissions.privileges) (
	SFUNC = permissions.privileges_union, STYPE = permissions.privileges,
	COMBINEFUNC = permissions.privileges_union, INITCOND = '', PARALLEL = SAFE);

CREATE CAST (permissions.privileges AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS permissions.privileges) WITH INOUT;
CREATE CAST (permissions.privileges AS varchar) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS permissions.privileges) WITH INOUT;

-- ---- src/sql/03_catalog.sql ----
-- The model's config tables (SPEC section 1) and the triggers that guard them
-- (src/catalog.c).  Every config table is registered for pg_dump.  Writes are
-- allowed only to superusers, the extension owner and acting users who may do
-- users.admin; every committed write invalidates the rights cache of every
-- session (the triggers are ENABLE ALWAYS, so session_replication_role does
-- not switch them off).

CREATE TABLE permissions.roles (
	role text COLLATE "C" PRIMARY KEY CHECK (role <> ''),
	inherits text COLLATE "C" REFERENCES permissions.roles (role) ON UPDATE CASCADE,
	is_admin boolean NOT NULL DEFAULT false,
	description text,
	CHECK (inherits IS DISTINCT FROM role)
);
COMMENT ON TABLE permissions.roles IS 'application roles; a role has every privilege of the role it inherits';

-- Areas are named here so that a typo in role_privileges or actions is
-- rejected instead of silently granting nothing.
CREATE TABLE permissions.areas (
	area text COLLATE "C" PRIMARY KEY CHECK (area <> ''),
	description text
);
COMMENT ON TABLE permissions.areas IS 'the areas (departments, modules) that privileges are given on';

CREATE TABLE permissions.role_privileges (
	role text COLLATE "C" NOT NULL REFERENCES permissions.roles (role) ON UPDATE CASCADE ON DELETE CASCADE,
	area text COLLATE "C" NOT NULL REFERENCES permissions.areas (area) ON UPDATE CASCADE,
	privileges permissions.privileges NOT NULL,
	PRIMARY KEY (role, area)
);
COMMENT ON TABLE permissions.role_privileges IS 'the privileges a role has on an area';

CREATE TABLE permissions.features (
	feature text COLLATE "C" PRIMARY KEY CHECK (feature <> ''),
	enabled boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE permissions.features IS 'optional modules; a disabled feature''s actions are denied to everyone';

CREATE TABLE permissions.actions (
	action text COLLATE "C" PRIMARY KEY CHECK (action <> ''),
	area text COLLATE "C" NOT NULL REFERENCES permissions.areas (area) ON UPDATE CASCADE,
	privilege "char" NOT NULL CHECK (privilege IN ('r', 'w', 'd', 'a', 'o')),
	location_rule text NOT NULL DEFAULT 'none'
		CONSTRAINT actions_location_rule_check
		CHECK (location_rule IN ('none', 'location', 'any_location', 'all_locations')),
	min_access permissions.access_level NOT NULL DEFAULT 'read',
	feature text COLLATE "C" REFERENCES permissions.features (feature) ON UPDATE CASCADE,
	description text
);
COMMENT ON TABLE permissions.actions IS 'the named things an application asks about';

CREATE TABLE permissions.locations (
	location_id bigint PRIMARY KEY,
	name text
);

CREATE TABLE permissions.settings (
	name text PRIMARY KEY,
	value text
);

CREATE TABLE permissions.users (
	user_id text COLLATE "C" PRIMARY KEY CHECK (user_id <> ''),
	db_role name UNIQUE,
	role text COLLATE "C" REFERENCES permissions.roles (role) ON UPDATE CASCADE,
	default_location_access permissions.access_level NOT NULL DEFAULT 'none',
	purchasing_limit numeric CHECK (purchasing_limit >= 0),
	active boolean NOT NULL DEFAULT true,
	email text,
	display_name text
);
COMMENT ON TABLE permissions.users IS 'application users; purchasing_limit NULL means unlimited';

CREATE TABLE permissions.location_access (
	user_id text COLLATE "C" NOT NULL REFERENCES permissions.users (user_id) ON UPDATE CASCADE ON DELETE CASCADE,
	location_id bigint NOT NULL REFERENCES permissions.locations (location_id) ON DELETE CASCADE,
	access permissions.access_level NOT NULL,
	PRIMARY KEY (user_id, location_id)
);
COMMENT ON TABLE permissions.location_access IS 'explicit access to a location; other locations get the user''s default';

CREATE TABLE permissions.memberships (
	user_id text COLLATE "C" NOT NULL REFERENCES permissions.users (user_id) ON UPDATE CASCADE ON DELETE CASCADE,
	scope text COLLATE "C" NOT NULL CHECK (scope <> ''),
	scope_id text COLLATE "C" NOT NULL,
	role text COLLATE "C" NOT NULL REFERENCES permissions.roles (role) ON UPDATE CASCADE ON DELETE CASCADE,
	PRIMARY KEY (user_id, scope, scope_id, role)
);
COMMENT ON TABLE permissions.memberships IS 'roles held only inside one scope: a team, a budget, a project, a department';

SELECT pg_catalog.pg_extension_config_dump('permissions.roles', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.areas', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.role_privileges', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.features', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.actions', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.locations', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.settings', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.users', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.location_access', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.memberships', '');

-- Guard: only superusers, the extension owner and users.admin may write.
CREATE FUNCTION permissions.config_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_config_guard' LANGUAGE C;
-- Invalidate every session's rights cache once the change commits.
CREATE FUNCTION permissions.config_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_config_changed' LANGUAGE C;
-- Reject role inheritance cycles.
CREATE FUNCTION permissions.roles_check_cycles() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_roles_check_cycles' LANGUAGE C;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['roles', 'areas', 'role_privileges', 'features',
		'actions', 'locations', 'settings', 'users', 'location_access', 'memberships']
	LOOP
		EXECUTE pg_catalog.format(
			'CREATE TRIGGER config_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.%I
			 FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_guard()', t);
		EXECUTE pg_catalog.format(
			'ALTER TABLE permissions.%I ENABLE ALWAYS TRIGGER config_guard', t);
		EXECUTE pg_catalog.format(
			'CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.%I
			 FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_changed()', t);
		EXECUTE pg_catalog.format(
			'ALTER TABLE permissions.%I ENABLE ALWAYS TRIGGER config_changed', t);
	END LOOP;
END
$$;

CREATE TRIGGER roles_check_cycles AFTER INSERT OR UPDATE OF inherits ON permissions.roles
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.roles_check_cycles();
ALTER TABLE permissions.roles ENABLE ALWAYS TRIGGER roles_check_cycles;

-- ---- src/sql/04_checks.sql ----
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

-- ---- src/sql/05_policies.sql ----
-- Protecting tables (src/policies.c, src/planner.c): the row check with its
-- planner support, protect() and unprotect().
--
-- protect() keeps no registry of its own: a protected table is one carrying
-- the four policies named permissions_select / _insert / _update / _delete,
-- so pg_dump and pg_restore carry the protection with the table.  The
-- comment on permissions_select remembers the table's row-security flags
-- from before protect(), for unprotect() to restore.

CREATE FUNCTION permissions.area_exists(area text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_area_exists'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.action_exists(action text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_action_exists'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION permissions.allows_row_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'permissions_allows_row_support'
	LANGUAGE C STRICT;

-- the policies' row check: area privilege and location access, or ownership
-- (separate signatures rather than defaults, so a policy passes no unused
-- argument per row)
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location bigint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location bigint, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location integer, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location smallint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location smallint, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
-- tables without a location column: the area privilege, or ownership
CREATE FUNCTION permissions.allows_row(area text, privilege "char") RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
COMMENT ON FUNCTION permissions.allows_row(text, "char", permissions.access_level, bigint, text) IS
	'the row check of protect()''s policies: privilege on area and min_access at location, or owner is the acting user';

-- the locations where the acting user passes allows_row(area, privilege, min_access, ...)
CREATE FUNCTION permissions.locations_for(area text, privilege "char", min_access permissions.access_level)
	RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'permissions_locations_for'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION permissions.protect(tbl regclass, area text, location_column name DEFAULT NULL,
		owner_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_rls boolean;
	v_force boolean;
	v_loc_type oid;
	v_owner_part text := '';
	v_state text;
	v_policy text;
BEGIN
	IF tbl IS NULL OR area IS NULL THEN
		RAISE EXCEPTION 'permissions.protect: the table and the area must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind, c.relrowsecurity, c.relforcerowsecurity INTO v_kind, v_rls, v_force
	  FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind IS NULL OR v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION 'permissions.protect: "%" is not a table', tbl
			USING ERRCODE = 'wrong_object_type',
			      HINT = 'Protect the tables a view reads, and make the view security_invoker.';
	END IF;
	IF NOT permissions.area_exists(area) THEN
		RAISE EXCEPTION 'area "%" does not exist', area
			USING ERRCODE = 'undefined_object',
			      HINT = 'Areas are rows of permissions.areas.';
	END IF;
	IF location_column IS NOT NULL THEN
		SELECT a.atttypid INTO v_loc_type FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) location_column
		   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF v_loc_type IS NULL THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', location_column, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
		IF v_loc_type NOT IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
							  'pg_catalog.int8'::pg_catalog.regtype) THEN
			RAISE EXCEPTION 'location column "%" of relation "%" is of type %', location_column, tbl,
				v_loc_type::pg_catalog.regtype
				USING ERRCODE = 'datatype_mismatch',
				      HINT = 'A location column holds location_id values: smallint, integer or bigint.';
		END IF;
	END IF;
	IF owner_column IS NOT NULL THEN
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
		                WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) owner_column
		                  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', owner_column, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
		v_owner_part := pg_catalog.format(', %I::text', owner_column);
	END IF;

	-- remember the flags from before the first protect(); keep them on re-runs
	SELECT d.description INTO v_state
	  FROM pg_catalog.pg_policy p
	  JOIN pg_catalog.pg_description d ON d.objoid OPERATOR(pg_catalog.=) p.oid
	   AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_policy'::pg_catalog.regclass
	 WHERE p.polrelid OPERATOR(pg_catalog.=) tbl AND p.polname OPERATOR(pg_catalog.=) 'permissions_select';
	IF v_state IS NULL OR v_state NOT LIKE 'permissions: rls=%' THEN
		v_state := pg_catalog.format('permissions: rls=%s force=%s',
			CASE WHEN v_rls THEN 'true' ELSE 'false' END, CASE WHEN v_force THEN 'true' ELSE 'false' END);
	END IF;

	FOREACH v_policy IN ARRAY ARRAY['permissions_select', 'permissions_insert', 'permissions_update', 'permissions_delete']
	LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) tbl
		            AND p.polname OPERATOR(pg_catalog.=) v_policy) THEN
			EXECUTE pg_catalog.format('DROP POLICY %I ON %s', v_policy, tbl);
		END IF;
	END LOOP;
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', tbl);

	EXECUTE pg_catalog.format('CREATE POLICY permissions_select ON %s AS PERMISSIVE FOR SELECT USING (%s)',
		tbl, permissions._policy_check(area, 'r', 'read', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_insert ON %s AS PERMISSIVE FOR INSERT WITH CHECK (%s)',
		tbl, permissions._policy_check(area, 'w', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_update ON %s AS PERMISSIVE FOR UPDATE USING (%s) WITH CHECK (%s)',
		tbl, permissions._policy_check(area, 'w', 'full', location_column, v_owner_part),
		permissions._policy_check(area, 'w', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_delete ON %s AS PERMISSIVE FOR DELETE USING (%s)',
		tbl, permissions._policy_check(area, 'd', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('COMMENT ON POLICY permissions_select ON %s IS %L', tbl, v_state);
END
$function$;
COMMENT ON FUNCTION permissions.protect(regclass, text, name, name) IS
	'enable and force row level security on a table with one policy per command from the permission model';

-- the text of one policy's check (internal to protect())
CREATE FUNCTION permissions._policy_check(area text, privilege "char", min_access text,
		location_column name, owner_part text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $function$
	SELECT CASE WHEN location_column IS NULL
		THEN pg_catalog.format('permissions.allows_row(%L::text, %L::"char"%s)', area, privilege, owner_part)
		ELSE pg_catalog.format('permissions.allows_row(%L::text, %L::"char", %L::permissions.access_level, %I%s)',
			area, privilege, min_access, location_column, owner_part)
	END
$function$;

CREATE FUNCTION permissions.unprotect(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_state text;
	v_policy text;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'permissions.unprotect: the table must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT d.description INTO v_state
	  FROM pg_catalog.pg_policy p
	  JOIN pg_catalog.pg_description d ON d.objoid OPERATOR(pg_catalog.=) p.oid
	   AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_policy'::pg_catalog.regclass
	 WHERE p.polrelid OPERATOR(pg_catalog.=) tbl AND p.polname OPERATOR(pg_catalog.=) 'permissions_select';
	FOREACH v_policy IN ARRAY ARRAY['permissions_select', 'permissions_insert', 'permissions_update', 'permissions_delete']
	LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) tbl
		            AND p.polname OPERATOR(pg_catalog.=) v_policy) THEN
			EXECUTE pg_catalog.format('DROP POLICY %I ON %s', v_policy, tbl);
		END IF;
	END LOOP;
	-- restore the row-security flags protect() found (unprotected: both off)
	IF v_state IS NULL OR v_state NOT LIKE 'permissions: rls=%' THEN
		v_state := 'permissions: rls=false force=false';
	END IF;
	EXECUTE pg_catalog.format('ALTER TABLE %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', tbl,
		CASE WHEN v_state LIKE '%rls=true%' THEN 'ENABLE' ELSE 'DISABLE' END,
		CASE WHEN v_state LIKE '%force=true%' THEN 'FORCE' ELSE 'NO FORCE' END);
END
$function$;
COMMENT ON FUNCTION permissions.unprotect(regclass) IS
	'remove protect()''s policies and restore the table''s row-security flags';

-- ---- src/sql/06_lint.sql ----
-- lint() and access_matrix(): what defeats the model, and who may do what.
-- Both run with the caller's rights (they read the config tables and the
-- system catalogs); access_matrix() needs users.admin.

CREATE FUNCTION permissions.lint()
	RETURNS TABLE (severity text, object text, problem text, hint text)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $function$
	-- the tables protect() guards: those carrying its policies
	WITH protected AS (
		SELECT DISTINCT p.polrelid AS relid
		  FROM pg_catalog.pg_policy p
		 WHERE p.polname OPERATOR(pg_catalog.=) ANY (ARRAY['permissions_select', 'permissions_insert',
		                                                   'permissions_update', 'permissions_delete']::name[])
	),
	-- the database roles applications act through: mapped users' db_roles
	-- and the roles trusted to set permissions.user_id
	app_roles AS (
		SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls
		  FROM pg_catalog.pg_roles r
		 WHERE r.rolname OPERATOR(pg_catalog.=) ANY (SELECT u.db_role FROM permissions.users u WHERE u.db_role IS NOT NULL)
		    OR (NOT r.rolsuper AND r.rolname !~ '^pg_'
		        AND pg_catalog.has_parameter_privilege(r.oid, 'permissions.user_id', 'SET'))
	)
	SELECT * FROM (
	-- protected tables whose row level security is off or not forced
	SELECT 'error', c.oid::pg_catalog.regclass::text, 'row level security is disabled on a protected table',
	       'ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' ENABLE ROW LEVEL SECURITY, or run permissions.protect() again.'
	  FROM protected pr JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pr.relid
	 WHERE NOT c.relrowsecurity
	UNION ALL
	SELECT 'warning', c.oid::pg_catalog.regclass::text, 'row level security is not forced: the table owner bypasses the policies',
	       'ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' FORCE ROW LEVEL SECURITY, or run permissions.protect() again.'
	  FROM protected pr JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pr.relid
	 WHERE c.relrowsecurity AND NOT c.relforcerowsecurity
	UNION ALL
	-- protect()'s policies, some missing
	SELECT 'error', pr.relid::pg_catalog.regclass::text, 'policy ' || n.polname || ' of protect() is missing',
	       'Run permissions.protect() again for this table.'
	  FROM protected pr
	 CROSS JOIN pg_catalog.unnest(ARRAY['permissions_select', 'permissions_insert',
	                                    'permissions_update', 'permissions_delete']::name[]) AS n(polname)
	 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) pr.relid
	                      AND p.polname OPERATOR(pg_catalog.=) n.polname)
	UNION ALL
	-- other permissive policies widen what protect()'s policies allow
	SELECT 'warning', pr.relid::pg_catalog.regclass::text,
	       'permissive policy ' || pg_catalog.quote_ident(p.polname) || ' is ORed with the policies of protect()',
	       'Drop it, or make it AS RESTRICTIVE if it should narrow access.'
	  FROM protected pr JOIN pg_catalog.pg_policy p ON p.polrelid OPERATOR(pg_catalog.=) pr.relid
	 WHERE p.polpermissive AND p.polname !~ '^permissions_(select|insert|update|delete)$'
	UNION ALL
	-- views over protected tables that run with their owner's rights
	SELECT DISTINCT 'error', v.oid::pg_catalog.regclass::text,
	       'view reads protected table ' || pr.relid::pg_catalog.regclass::text || ' with its owner''s rights',
	       'ALTER VIEW ' || v.oid::pg_catalog.regclass::text || ' SET (security_invoker = true)'
	  FROM protected pr
	  JOIN pg_catalog.pg_depend d ON d.refobjid OPERATOR(pg_catalog.=) pr.relid
	   AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass
	  JOIN pg_catalog.pg_rewrite rw ON rw.oid OPERATOR(pg_catalog.=) d.objid
	  JOIN pg_catalog.pg_class v ON v.oid OPERATOR(pg_catalog.=) rw.ev_class
	 WHERE v.relkind OPERATOR(pg_catalog.=) 'v' AND v.oid OPERATOR(pg_catalog.<>) pr.relid
	   AND NOT coalesce('security_invoker=true' OPERATOR(pg_catalog.=) ANY (v.reloptions)
	                    OR 'security_invoker=on' OPERATOR(pg_catalog.=) ANY (v.reloptions), false)
	UNION ALL
	-- application roles that policies do not bind
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname), 'application role is a superuser: row level security does not apply to it',
	       'Connect the application as a role without SUPERUSER.'
	  FROM app_roles a WHERE a.rolsuper
	UNION ALL
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname), 'application role has BYPASSRLS: row level security does not apply to it',
	       'ALTER ROLE ' || pg_catalog.quote_ident(a.rolname) || ' NOBYPASSRLS'
	  FROM app_roles a WHERE a.rolbypassrls AND NOT a.rolsuper
	UNION ALL
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname),
	       'application role owns protected table ' || c.oid::pg_catalog.regclass::text || ' and can switch its protection off',
	       'Give the table to a role the application does not use: ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' OWNER TO ...'
	  FROM app_roles a JOIN pg_catalog.pg_class c ON c.relowner OPERATOR(pg_catalog.=) a.oid
	  JOIN protected pr ON pr.relid OPERATOR(pg_catalog.=) c.oid
	UNION ALL
	-- security definer functions that a caller's search_path can hijack
	SELECT 'warning', 'function ' || p.oid::pg_catalog.regprocedure::text,
	       'SECURITY DEFINER function without a fixed search_path',
	       'ALTER FUNCTION ' || p.oid::pg_catalog.regprocedure::text || ' SET search_path = pg_catalog, pg_temp'
	  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	 WHERE p.prosecdef AND n.nspname !~ '^pg_' AND n.nspname OPERATOR(pg_catalog.<>) 'information_schema'
	   AND NOT EXISTS (SELECT FROM pg_catalog.unnest(p.proconfig) cfg WHERE cfg LIKE 'search\_path=%')
	UNION ALL
	-- the extension's triggers switched off
	SELECT 'error', 'trigger ' || pg_catalog.quote_ident(t.tgname) || ' on ' || t.tgrelid::pg_catalog.regclass::text,
	       'an extension trigger is disabled',
	       'ALTER TABLE ' || t.tgrelid::pg_catalog.regclass::text || ' ENABLE ALWAYS TRIGGER ' || pg_catalog.quote_ident(t.tgname)
	  FROM pg_catalog.pg_trigger t
	  JOIN pg_catalog.pg_proc f ON f.oid OPERATOR(pg_catalog.=) t.tgfoid
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) f.pronamespace
	 WHERE n.nspname OPERATOR(pg_catalog.=) 'permissions' AND t.tgenabled OPERATOR(pg_catalog.=) 'D'
	UNION ALL
	-- actions no role gives: only administrator roles can do them, or nobody
	SELECT CASE WHEN EXISTS (SELECT FROM permissions.roles r WHERE r.is_admin) THEN 'info' ELSE 'warning' END,
	       'action ' || a.action,
	       'no role has privilege ' || a.privilege::text || ' on area ' || a.area ||
	       CASE WHEN EXISTS (SELECT FROM permissions.roles r WHERE r.is_admin)
	            THEN ': only administrator roles can do it' ELSE ': nobody can do it' END,
	       'Give a role the privilege in permissions.role_privileges, or drop the action.'
	  FROM permissions.actions a
	 WHERE NOT EXISTS (SELECT FROM permissions.role_privileges rp
	                    WHERE rp.area OPERATOR(pg_catalog.=) a.area
	                      AND pg_catalog.strpos(rp.privileges::text, a.privilege::text) OPERATOR(pg_catalog.>) 0)
	UNION ALL
	-- roles that give nothing, and roles nothing uses
	SELECT 'warning', 'role ' || r.role, 'role gives no privilege: no rows in role_privileges, not an administrator, inherits nothing',
	       'Give it privileges, or drop it.'
	  FROM permissions.roles r
	 WHERE NOT r.is_admin AND r.inherits IS NULL
	   AND NOT EXISTS (SELECT FROM permissions.role_privileges rp WHERE rp.role OPERATOR(pg_catalog.=) r.role)
	UNION ALL
	SELECT 'info', 'role ' || r.role, 'no user, membership or role uses this role',
	       'Assign it in permissions.users or permissions.memberships, or drop it.'
	  FROM permissions.roles r
	 WHERE NOT EXISTS (SELECT FROM permissions.users u WHERE u.role OPERATOR(pg_catalog.=) r.role)
	   AND NOT EXISTS (SELECT FROM permissions.memberships m WHERE m.role OPERATOR(pg_catalog.=) r.role)
	   AND NOT EXISTS (SELECT FROM permissions.roles c WHERE c.inherits OPERATOR(pg_catalog.=) r.role)
	) AS findings (severity, object, problem, hint)
	ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, object, problem
$function$;
COMMENT ON FUNCTION permissions.lint() IS 'what defeats the permission model: one row per finding';

-- who may do which action, and where: a row per action and user
CREATE FUNCTION permissions.access_matrix(users text[] DEFAULT NULL)
	RETURNS TABLE (action text, user_id text, allowed boolean, locations bigint[], why text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $function$
BEGIN
	-- fails with 42501 unless the session may administer the model
	PERFORM permissions.can_user(NULL, NULL);
	RETURN QUERY
	SELECT a.action::text, u.user_id::text,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location'
	            THEN pg_catalog.cardinality(l.locs) OPERATOR(pg_catalog.>) 0
	            ELSE permissions.can_user(u.user_id, a.action) END,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location' THEN l.locs END,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location'
	            THEN permissions.explain(a.action,
	                     coalesce(l.locs[1], (SELECT pg_catalog.min(k.location_id) FROM permissions.locations k)),
	                     u.user_id)
	            ELSE permissions.explain(a.action, NULL, u.user_id) END
	  FROM permissions.actions a
	 CROSS JOIN permissions.users u
	  LEFT JOIN LATERAL (
	       SELECT coalesce(pg_catalog.array_agg(loc.location_id ORDER BY loc.location_id)
	                       FILTER (WHERE permissions.can_user(u.user_id, a.action, loc.location_id)),
	                       '{}') AS locs
	         FROM permissions.locations loc) l ON a.location_rule OPERATOR(pg_catalog.=) 'location'
	 WHERE access_matrix.users IS NULL OR u.user_id OPERATOR(pg_catalog.=) ANY (access_matrix.users)
	 ORDER BY a.action, u.user_id;
END
$function$;
COMMENT ON FUNCTION permissions.access_matrix(text[]) IS
	'for admins: one row per action and user, saying whether the user may do it and at which locations';

-- ---- src/sql/07_activity.sql ----
-- The activity log (src/activity.c): permissions.activity, track() and
-- untrack(), and the log of every change to the config tables.

CREATE TABLE permissions.activity (
	activity_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	user_id text,
	db_role name NOT NULL,
	action text NOT NULL,
	object text NOT NULL,
	row_key jsonb,
	old jsonb,
	new jsonb,
	reason text,
	xact xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
COMMENT ON TABLE permissions.activity IS
	'append-only log of tracked changes, config changes, overrides and decisions; readable with activity.read';
CREATE INDEX activity_object_at ON permissions.activity (object, at);
SELECT pg_catalog.pg_extension_config_dump('permissions.activity', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.activity_activity_id_seq', '');

-- readers need activity.read; the owner (who writes it) is not bound
ALTER TABLE permissions.activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY activity_read ON permissions.activity FOR SELECT
	USING (permissions.can('activity.read'));
GRANT SELECT ON permissions.activity TO PUBLIC;

CREATE FUNCTION permissions.activity_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_activity_trigger' LANGUAGE C;
CREATE FUNCTION permissions.activity_append_only() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_activity_append_only' LANGUAGE C;

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON permissions.activity
	FOR EACH ROW EXECUTE FUNCTION permissions.activity_append_only();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON permissions.activity
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.activity_append_only();
ALTER TABLE permissions.activity ENABLE ALWAYS TRIGGER append_only;
ALTER TABLE permissions.activity ENABLE ALWAYS TRIGGER append_only_truncate;

-- every change to the config tables is logged: rights given and taken as
-- grant / revoke, the rest as insert / update / delete
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['roles', 'areas', 'role_privileges', 'features',
		'actions', 'locations', 'settings', 'users', 'location_access', 'memberships']
	LOOP
		EXECUTE pg_catalog.format(
			'CREATE TRIGGER activity_log AFTER INSERT OR UPDATE OR DELETE ON permissions.%I
			 FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger(%L)', t,
			CASE WHEN t IN ('role_privileges', 'location_access', 'memberships') THEN 'grant' ELSE 'config' END);
		EXECUTE pg_catalog.format('ALTER TABLE permissions.%I ENABLE ALWAYS TRIGGER activity_log', t);
	END LOOP;
END
$$;

CREATE FUNCTION permissions.track(tbl regclass, ignore_columns name[] DEFAULT '{}') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_col name;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'permissions.track: the table must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION 'permissions.track: "%" is not a table', tbl USING ERRCODE = 'wrong_object_type';
	END IF;
	FOREACH v_col IN ARRAY coalesce(ignore_columns, '{}') LOOP
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
		                WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) v_col
		                  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', v_col, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
	END LOOP;
	IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
	            AND t.tgname OPERATOR(pg_catalog.=) 'permissions_track') THEN
		EXECUTE pg_catalog.format('DROP TRIGGER permissions_track ON %s', tbl);
	END IF;
	EXECUTE pg_catalog.format(
		'CREATE TRIGGER permissions_track AFTER INSERT OR UPDATE OR DELETE ON %s
		 FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger(%s)', tbl,
		(SELECT pg_catalog.string_agg(pg_catalog.quote_literal(x), ', ')
		   FROM pg_catalog.unnest(ARRAY['track']::text[] OPERATOR(pg_catalog.||) coalesce(ignore_columns, '{}')::text[]) x));
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER permissions_track', tbl);
END
$function$;
COMMENT ON FUNCTION permissions.track(regclass, name[]) IS
	'log every INSERT, UPDATE and DELETE of a table in permissions.activity';

CREATE FUNCTION permissions.untrack(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
	            AND t.tgname OPERATOR(pg_catalog.=) 'permissions_track') THEN
		EXECUTE pg_catalog.format('DROP TRIGGER permissions_track ON %s', tbl);
	END IF;
END
$function$;

-- ---- src/sql/08_locks.sql ----
-- Locked records (src/locks.c): lock_dates, lock_completed(), lock_before(),
-- unlock().

CREATE TABLE permissions.lock_dates (
	area text COLLATE "C" PRIMARY KEY REFERENCES permissions.areas (area) ON UPDATE CASCADE ON DELETE CASCADE,
	locked_until date NOT NULL
);
COMMENT ON TABLE permissions.lock_dates IS 'rows of an area dated on or before locked_until are read-only';
SELECT pg_catalog.pg_extension_config_dump('permissions.lock_dates', '');
CREATE TRIGGER config_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.lock_dates
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_guard();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.lock_dates
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_changed();
CREATE TRIGGER activity_log AFTER INSERT OR UPDATE OR DELETE ON permissions.lock_dates
	FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger('config');
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER config_guard;
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER config_changed;
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER activity_log;

CREATE FUNCTION permissions.lock_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_lock_trigger' LANGUAGE C;

-- the checks both lock functions make of their arguments (internal)
CREATE FUNCTION permissions._lock_check_args(tbl regclass, columns name[], override_action text)
	RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_col name;
BEGIN
	IF tbl IS NULL OR override_action IS NULL THEN
		RAISE EXCEPTION 'the table and the override action must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION '"%" is not a table', tbl USING ERRCODE = 'wrong_object_type';
	END IF;
	FOREACH v_col IN ARRAY columns LOOP
		IF v_col IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
		                WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) v_col
		                  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', v_col, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
	END LOOP;
	IF NOT permissions.action_exists(override_action) THEN
		RAISE EXCEPTION 'action "%" does not exist', override_action
			USING ERRCODE = 'undefined_object', HINT = 'Actions are rows of permissions.actions.';
	END IF;
END
$function$;

-- (re)create one of the lock triggers of a table
CREATE FUNCTION permissions._lock_install(tbl regclass, name text, args text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_args text := (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(a), ', ') FROM pg_catalog.unnest(args) a);
BEGIN
	IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
	            AND t.tgname OPERATOR(pg_catalog.=) name) THEN
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', name, tbl);
	END IF;
	IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
	            AND t.tgname OPERATOR(pg_catalog.=) (name || '_truncate')) THEN
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', name || '_truncate', tbl);
	END IF;
	EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %s
		FOR EACH ROW EXECUTE FUNCTION permissions.lock_trigger(%s)', name, tbl, v_args);
	EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s
		FOR EACH STATEMENT EXECUTE FUNCTION permissions.lock_trigger(%s)', name || '_truncate', tbl, v_args);
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tbl, name);
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tbl, name || '_truncate');
END
$function$;

CREATE FUNCTION permissions.lock_completed(tbl regclass, status_column name, locked_statuses text[],
		override_action text, location_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._lock_check_args(tbl, ARRAY[status_column, location_column], override_action);
	IF status_column IS NULL OR locked_statuses IS NULL OR pg_catalog.cardinality(locked_statuses) OPERATOR(pg_catalog.=) 0
	   OR pg_catalog.array_position(locked_statuses, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'lock_completed needs a status column and at least one locked status'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM permissions._lock_install(tbl, 'permissions_lock_completed',
		ARRAY['completed', status_column::text, override_action, coalesce(location_column::text, '')]
		OPERATOR(pg_catalog.||) locked_statuses);
END
$function$;
COMMENT ON FUNCTION permissions.lock_completed(regclass, name, text[], text, name) IS
	'rows whose committed status is one of locked_statuses are read-only unless overridden';

CREATE FUNCTION permissions.lock_before(tbl regclass, date_column name, area text, override_action text,
		location_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._lock_check_args(tbl, ARRAY[date_column, location_column], override_action);
	IF date_column IS NULL OR area IS NULL THEN
		RAISE EXCEPTION 'lock_before needs a date column and an area' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT permissions.area_exists(area) THEN
		RAISE EXCEPTION 'area "%" does not exist', area
			USING ERRCODE = 'undefined_object', HINT = 'Areas are rows of permissions.areas.';
	END IF;
	PERFORM permissions._lock_install(tbl, 'permissions_lock_before',
		ARRAY['before', date_column::text, area, override_action, coalesce(location_column::text, '')]);
END
$function$;
COMMENT ON FUNCTION permissions.lock_before(regclass, name, text, text, name) IS
	'rows dated on or before their area''s lock date are read-only, and none may be inserted there, unless overridden';

CREATE FUNCTION permissions.unlock(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_name text;
BEGIN
	FOR v_name IN SELECT t.tgname FROM pg_catalog.pg_trigger t
	               WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
	                 AND t.tgname IN ('permissions_lock_completed', 'permissions_lock_completed_truncate',
	                                  'permissions_lock_before', 'permissions_lock_before_truncate') LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_name, tbl);
	END LOOP;
END
$function$;

-- ---- src/sql/09_notifications.sql ----
-- Notifications and alerts (src/notifications.c): permissions.notifications,
-- permissions.subscriptions, alert_when(), alert_due(), run_due_alerts().

CREATE TABLE permissions.notifications (
	notification_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	user_id text COLLATE "C" NOT NULL REFERENCES permissions.users (user_id) ON UPDATE CASCADE ON DELETE CASCADE,
	kind text NOT NULL,
	subject text,
	subject_id text,
	payload jsonb,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	read_at timestamptz,
	-- the writing transaction: a listener that has processed every
	-- transaction below a snapshot's xmin can never miss a late commit
	xact xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id()
);
CREATE INDEX notifications_user ON permissions.notifications (user_id, notification_id);
CREATE INDEX notifications_xact ON permissions.notifications (xact);
COMMENT ON TABLE permissions.notifications IS
	'what each user is told; every user sees and marks read only their own rows';
SELECT pg_catalog.pg_extension_config_dump('permissions.notifications', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.notifications_notification_id_seq', '');
-- each user sees and marks read only their own rows; rows are written only
-- by the extension (as the table's owner, whom the policies do not bind)
ALTER TABLE permissions.notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_select ON permissions.notifications FOR SELECT
	USING (user_id OPERATOR(pg_catalog.=) permissions.current_user_id());
CREATE POLICY own_update ON permissions.notifications FOR UPDATE
	USING (user_id OPERATOR(pg_catalog.=) permissions.current_user_id())
	WITH CHECK (user_id OPERATOR(pg_catalog.=) permissions.current_user_id());
GRANT SELECT ON permissions.notifications TO PUBLIC;
GRANT UPDATE (read_at) ON permissions.notifications TO PUBLIC;

CREATE TABLE permissions.subscriptions (
	user_id text COLLATE "C" NOT NULL REFERENCES permissions.users (user_id) ON UPDATE CASCADE ON DELETE CASCADE,
	kind text NOT NULL,
	enabled boolean NOT NULL DEFAULT true,
	PRIMARY KEY (user_id, kind)
);
COMMENT ON TABLE permissions.subscriptions IS 'a user may mute a kind of notification (enabled = false)';
SELECT pg_catalog.pg_extension_config_dump('permissions.subscriptions', '');
-- users manage their own subscriptions
ALTER TABLE permissions.subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON permissions.subscriptions
	USING (user_id OPERATOR(pg_catalog.=) permissions.current_user_id())
	WITH CHECK (user_id OPERATOR(pg_catalog.=) permissions.current_user_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON permissions.subscriptions TO PUBLIC;

-- the alert rules (config: only administrators change them; logged)
CREATE TABLE permissions.alert_rules (
	rule_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	rule_type text NOT NULL CHECK (rule_type IN ('when', 'due')),
	tbl regclass NOT NULL,
	kind text NOT NULL CHECK (kind <> ''),
	condition text NOT NULL,
	audience_action text COLLATE "C" NOT NULL REFERENCES permissions.actions (action) ON UPDATE CASCADE,
	location_column name,
	due_column name,
	lead interval NOT NULL DEFAULT '0',
	key_expr text
);
COMMENT ON TABLE permissions.alert_rules IS 'alert_when() and alert_due() rules';
SELECT pg_catalog.pg_extension_config_dump('permissions.alert_rules', '');
SELECT pg_catalog.pg_extension_config_dump('permissions.alert_rules_rule_id_seq', '');
CREATE TRIGGER config_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.alert_rules
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_guard();
CREATE TRIGGER activity_log AFTER INSERT OR UPDATE OR DELETE ON permissions.alert_rules
	FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger('config');
ALTER TABLE permissions.alert_rules ENABLE ALWAYS TRIGGER config_guard;
ALTER TABLE permissions.alert_rules ENABLE ALWAYS TRIGGER activity_log;

-- which due rows were announced, for which due date
CREATE TABLE permissions.alert_sent (
	rule_id bigint NOT NULL REFERENCES permissions.alert_rules ON DELETE CASCADE,
	row_key jsonb NOT NULL,
	due timestamptz NOT NULL,
	sent_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	PRIMARY KEY (rule_id, row_key, due)
);
SELECT pg_catalog.pg_extension_config_dump('permissions.alert_sent', '');

CREATE FUNCTION permissions.alert_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_alert_trigger' LANGUAGE C;

-- notify the active, subscribed users who may do action (at location);
-- for the extension's own use (run_due_alerts, approvals)
CREATE FUNCTION permissions._notify_eligible(action text, location bigint, kind text, subject text,
		subject_id text, payload jsonb) RETURNS integer
	AS 'MODULE_PATHNAME', 'permissions_notify_eligible' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION permissions._notify_eligible(text, bigint, text, text, text, jsonb) FROM PUBLIC;

-- check an alert's arguments, record the rule and create its condition
-- function (internal)
CREATE FUNCTION permissions._alert_rule(rule_type text, tbl regclass, kind text, condition text,
		audience_action text, location_column name, due_column name, lead interval) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_type oid;
	v_rule bigint;
	v_key text;
BEGIN
	IF tbl IS NULL OR kind IS NULL OR condition IS NULL OR audience_action IS NULL THEN
		RAISE EXCEPTION 'the table, kind, condition and audience action must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION '"%" is not a table', tbl USING ERRCODE = 'wrong_object_type';
	END IF;
	IF NOT permissions.action_exists(audience_action) THEN
		RAISE EXCEPTION 'action "%" does not exist', audience_action
			USING ERRCODE = 'undefined_object', HINT = 'Actions are rows of permissions.actions.';
	END IF;
	IF location_column IS NOT NULL THEN
		SELECT a.atttypid INTO v_type FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) location_column
		   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF v_type IS NULL THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', location_column, tbl
				USING ERRCODE = 'undefined_column';
		ELSIF v_type NOT IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
							 'pg_catalog.int8'::pg_catalog.regtype) THEN
			RAISE EXCEPTION 'location column "%" of relation "%" is of type %', location_column, tbl,
				v_type::pg_catalog.regtype USING ERRCODE = 'datatype_mismatch';
		END IF;
	END IF;
	IF due_column IS NOT NULL THEN
		SELECT a.atttypid INTO v_type FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) due_column
		   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF v_type IS NULL THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', due_column, tbl
				USING ERRCODE = 'undefined_column';
		ELSIF v_type NOT IN ('pg_catalog.date'::pg_catalog.regtype, 'pg_catalog.timestamp'::pg_catalog.regtype,
							 'pg_catalog.timestamptz'::pg_catalog.regtype) THEN
			RAISE EXCEPTION 'due column "%" of relation "%" is of type %', due_column, tbl,
				v_type::pg_catalog.regtype USING ERRCODE = 'datatype_mismatch';
		END IF;
	END IF;
	-- the row's key: its primary key columns as jsonb
	SELECT 'pg_catalog.jsonb_build_object(' OPERATOR(pg_catalog.||)
	       pg_catalog.string_agg(pg_catalog.format('%L, r.%I', a.attname, a.attname), ', ' ORDER BY k.ord)
	       OPERATOR(pg_catalog.||) ')'
	  INTO v_key
	  FROM pg_catalog.pg_index i
	 CROSS JOIN LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
	  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
	   AND a.attnum OPERATOR(pg_catalog.=) k.attnum
	 WHERE i.indrelid OPERATOR(pg_catalog.=) tbl AND i.indisprimary;
	IF rule_type OPERATOR(pg_catalog.=) 'due' AND v_key IS NULL THEN
		RAISE EXCEPTION 'table "%" has no primary key', tbl
			USING ERRCODE = 'invalid_table_definition',
			      HINT = 'alert_due() announces each row once per due date, and needs the row''s key for that.';
	END IF;

	INSERT INTO permissions.alert_rules (rule_type, tbl, kind, condition, audience_action,
		location_column, due_column, lead, key_expr)
	VALUES (rule_type, tbl, kind, condition, audience_action, location_column, due_column,
		coalesce(lead, '0'), v_key)
	RETURNING rule_id INTO v_rule;

	-- the condition, checked now against the table's columns
	BEGIN
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION permissions.%I(r %s) RETURNS boolean LANGUAGE sql STABLE AS %L',
			'alert_condition_' OPERATOR(pg_catalog.||) v_rule, tbl,
			pg_catalog.format('SELECT (%s)::boolean FROM (SELECT ($1).*) AS row', condition));
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'invalid alert condition "%": %', condition, SQLERRM
			USING ERRCODE = SQLSTATE,
			      HINT = 'The condition is an SQL boolean expression over the table''s columns, such as qty < reorder_level.';
	END;
	RETURN v_rule;
END
$function$;

CREATE FUNCTION permissions.alert_when(tbl regclass, kind text, condition text, audience_action text,
		location_column name DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_rule bigint := permissions._alert_rule('when', tbl, kind, condition, audience_action,
		location_column, NULL, NULL);
	v_args text;
	v_fn text;
BEGIN
	v_fn := pg_catalog.format('permissions.%I', 'alert_condition_' OPERATOR(pg_catalog.||) v_rule);
	v_args := pg_catalog.format('%L, %L, %L, %L', v_rule, kind, audience_action, coalesce(location_column::text, ''));
	-- fires when a row newly satisfies the condition: inserted so, or updated into it
	EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON %s FOR EACH ROW WHEN (%s(NEW))
		EXECUTE FUNCTION permissions.alert_trigger(%s)',
		'permissions_alert_' OPERATOR(pg_catalog.||) v_rule OPERATOR(pg_catalog.||) '_insert', tbl, v_fn, v_args);
	EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE ON %s FOR EACH ROW
		WHEN (%s(NEW) AND NOT coalesce(%s(OLD), false))
		EXECUTE FUNCTION permissions.alert_trigger(%s)',
		'permissions_alert_' OPERATOR(pg_catalog.||) v_rule OPERATOR(pg_catalog.||) '_update', tbl, v_fn, v_fn, v_args);
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tbl,
		'permissions_alert_' OPERATOR(pg_catalog.||) v_rule OPERATOR(pg_catalog.||) '_insert');
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tbl,
		'permissions_alert_' OPERATOR(pg_catalog.||) v_rule OPERATOR(pg_catalog.||) '_update');
	RETURN v_rule;
END
$function$;
COMMENT ON FUNCTION permissions.alert_when(regclass, text, text, text, name) IS
	'notify the users who may do audience_action (at the row''s location) once when a row newly satisfies condition';

CREATE FUNCTION permissions.alert_due(tbl regclass, kind text, due_column name, audience_action text,
		condition text DEFAULT 'true', location_column name DEFAULT NULL, lead interval DEFAULT '0')
	RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	IF due_column IS NULL THEN
		RAISE EXCEPTION 'alert_due needs a due column' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	RETURN permissions._alert_rule('due', tbl, kind, coalesce(condition, 'true'), audience_action,
		location_column, due_column, lead);
END
$function$;
COMMENT ON FUNCTION permissions.alert_due(regclass, text, name, text, text, name, interval) IS
	'rows due (due_column - lead <= now) are announced by run_due_alerts() once per due date';

-- announce every due row not yet announced for its due date; returns how
-- many notifications were sent.  Runs as the extension's owner, since it
-- must see every row of the rules' tables.
CREATE FUNCTION permissions.run_due_alerts() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $function$
DECLARE
	v_rule permissions.alert_rules;
	v_row record;
	v_sent integer := 0;
	v_new boolean;
BEGIN
	FOR v_rule IN SELECT * FROM permissions.alert_rules WHERE rule_type OPERATOR(pg_catalog.=) 'due'
	              ORDER BY rule_id LOOP
		FOR v_row IN EXECUTE pg_catalog.format(
			'SELECT %s AS key, r.%I::pg_catalog.timestamptz AS due, %s AS loc FROM %s AS r
			  WHERE permissions.%I(r) AND r.%I IS NOT NULL
			    AND r.%I::pg_catalog.timestamptz OPERATOR(pg_catalog.-) %L::pg_catalog.interval
			        OPERATOR(pg_catalog.<=) pg_catalog.now()',
			v_rule.key_expr, v_rule.due_column,
			CASE WHEN v_rule.location_column IS NULL THEN 'NULL::pg_catalog.int8'
			     ELSE pg_catalog.format('r.%I::pg_catalog.int8', v_rule.location_column) END,
			v_rule.tbl, 'alert_condition_' OPERATOR(pg_catalog.||) v_rule.rule_id, v_rule.due_column,
			v_rule.due_column, v_rule.lead)
		LOOP
			INSERT INTO permissions.alert_sent (rule_id, row_key, due)
			VALUES (v_rule.rule_id, v_row.key, v_row.due)
			ON CONFLICT DO NOTHING;
			GET DIAGNOSTICS v_new = ROW_COUNT;
			IF v_new THEN
				v_sent := v_sent OPERATOR(pg_catalog.+) permissions._notify_eligible(
					v_rule.audience_action, v_row.loc, v_rule.kind, v_rule.tbl::text, v_row.key::text,
					pg_catalog.jsonb_build_object('rule', v_rule.rule_id, 'table', v_rule.tbl::text,
						'row', v_row.key, 'due', v_row.due));
			END IF;
		END LOOP;
	END LOOP;
	RETURN v_sent;
END
$function$;
REVOKE ALL ON FUNCTION permissions.run_due_alerts() FROM PUBLIC;
COMMENT ON FUNCTION permissions.run_due_alerts() IS
	'announce due rows once per due date; schedule it with pg_cron or any client';

-- remove an alert rule and its triggers and condition function
CREATE FUNCTION permissions.drop_alert(rule_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_rule permissions.alert_rules;
	v_name text;
BEGIN
	SELECT * INTO v_rule FROM permissions.alert_rules r WHERE r.rule_id OPERATOR(pg_catalog.=) drop_alert.rule_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert rule % does not exist', drop_alert.rule_id USING ERRCODE = 'undefined_object';
	END IF;
	FOREACH v_name IN ARRAY ARRAY['_insert', '_update'] LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) v_rule.tbl
		            AND t.tgname OPERATOR(pg_catalog.=) ('permissions_alert_' OPERATOR(pg_catalog.||) v_rule.rule_id
		                                                 OPERATOR(pg_catalog.||) v_name)) THEN
			EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s',
				'permissions_alert_' OPERATOR(pg_catalog.||) v_rule.rule_id OPERATOR(pg_catalog.||) v_name, v_rule.tbl);
		END IF;
	END LOOP;
	DELETE FROM permissions.alert_rules r WHERE r.rule_id OPERATOR(pg_catalog.=) drop_alert.rule_id;
	EXECUTE pg_catalog.format('DROP FUNCTION IF EXISTS permissions.%I(%s)',
		'alert_condition_' OPERATOR(pg_catalog.||) v_rule.rule_id, v_rule.tbl);
END
$function$;
