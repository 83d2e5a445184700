-- The config tables: constraints, the admin guard, pg_dump registration.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

-- registered for pg_dump
SELECT c.relname
  FROM pg_extension e, unnest(e.extconfig) AS cfg(oid) JOIN pg_class c ON c.oid = cfg.oid
 WHERE e.extname = 'permissions' ORDER BY 1;

INSERT INTO permissions.areas VALUES ('orders', 'purchase orders'), ('users', 'user administration');
INSERT INTO permissions.roles (role, inherits, is_admin) VALUES
	('staff', NULL, false), ('buyer', 'staff', false), ('senior', 'buyer', false), ('boss', NULL, true);
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');

-- unknown roles, areas and locations are rejected
INSERT INTO permissions.role_privileges VALUES ('nosuchrole', 'orders', 'r');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.role_privileges VALUES ('staff', 'nosucharea', 'r');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.actions (action, area, privilege) VALUES ('x.y', 'nosucharea', 'r');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.users (user_id, role) VALUES ('zed', 'nosuchrole');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.users (user_id, role) VALUES ('zed', 'staff');
INSERT INTO permissions.location_access VALUES ('zed', 99, 'full');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.location_access VALUES ('nobody', 1, 'full');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.memberships VALUES ('zed', 'team', 'T1', 'nosuchrole');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.roles (role, inherits) VALUES ('orphan', 'nosuchrole');
\echo :LAST_ERROR_SQLSTATE

-- bad location rules, privileges and access levels
INSERT INTO permissions.actions (action, area, privilege, location_rule) VALUES ('a.b', 'orders', 'r', 'everywhere');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.actions (action, area, privilege) VALUES ('a.b', 'orders', 'x');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.actions (action, area, privilege, min_access) VALUES ('a.b', 'orders', 'r', 'most');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.role_privileges VALUES ('staff', 'orders', 'rz');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS no_actions FROM permissions.actions;

-- role inheritance cycles: direct, through a chain, and by a multi-row update
UPDATE permissions.roles SET inherits = 'staff' WHERE role = 'staff';
\echo :LAST_ERROR_SQLSTATE
UPDATE permissions.roles SET inherits = 'senior' WHERE role = 'staff';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.roles (role, inherits) VALUES ('a', 'b'), ('b', 'a');
\echo :LAST_ERROR_SQLSTATE
SELECT role, inherits FROM permissions.roles ORDER BY role;

-- the guard: a restricted user cannot raise their own access
INSERT INTO permissions.role_privileges VALUES ('staff', 'orders', 'r'), ('boss', 'users', 'rw');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('users.admin', 'users', 'w');
INSERT INTO permissions.users (user_id, role, default_location_access) VALUES
	('bob', 'staff', 'none'), ('ann', 'boss', 'none'), ('del', 'staff', 'none');
INSERT INTO permissions.location_access VALUES ('bob', 1, 'read');
CREATE ROLE regress_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_app;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA permissions TO regress_app;

SET ROLE regress_app;
SET permissions.user_id = 'bob';
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'bob';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.location_access VALUES ('bob', 2, 'full');
\echo :LAST_ERROR_SQLSTATE
UPDATE permissions.users SET role = 'boss' WHERE user_id = 'bob';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM permissions.users WHERE user_id = 'ann';
\echo :LAST_ERROR_SQLSTATE
TRUNCATE permissions.memberships;
\echo :LAST_ERROR_SQLSTATE
-- the same with replication switched off by a superuser: the guard still fires
RESET ROLE;
SET session_replication_role = replica;
SET ROLE regress_app;
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'bob';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET session_replication_role;
SET ROLE regress_app;

-- nobody acting: denied as well
RESET permissions.user_id;
INSERT INTO permissions.locations VALUES (3, 'Hull');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT user_id, location_id, access FROM permissions.location_access ORDER BY 1, 2;
SELECT user_id, role FROM permissions.users ORDER BY 1;

-- an administrator role may change the model ...
SET ROLE regress_app;
SET permissions.user_id = 'ann';
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'bob';
-- ... and so may a user granted users.admin through a role
INSERT INTO permissions.roles (role, inherits) VALUES ('useradmin', 'staff');
INSERT INTO permissions.role_privileges VALUES ('useradmin', 'users', 'w');
UPDATE permissions.users SET role = 'useradmin' WHERE user_id = 'del';
SET permissions.user_id = 'del';
INSERT INTO permissions.locations VALUES (3, 'Hull');
-- a user who loses users.admin loses it at the next statement
SET permissions.user_id = 'ann';
UPDATE permissions.users SET role = 'staff' WHERE user_id = 'del';
SET permissions.user_id = 'del';
DELETE FROM permissions.locations WHERE location_id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET permissions.user_id;
SELECT location_id, name FROM permissions.locations ORDER BY 1;

-- the extension owner (here a superuser) may always change it
UPDATE permissions.users SET active = false WHERE user_id = 'zed';
SELECT user_id, active FROM permissions.users WHERE user_id = 'zed';

REVOKE ALL ON ALL TABLES IN SCHEMA permissions FROM regress_app;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_app;
DROP ROLE regress_app;
DROP EXTENSION permissions CASCADE;
