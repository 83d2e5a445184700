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
-- who holds a role (the audience of notifications)
CREATE INDEX users_role ON permissions.users (role);
CREATE INDEX memberships_role ON permissions.memberships (role);

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
