-- lint(): each finding is created, seen, and fixed; a clean database has none.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

-- a clean database: no findings
SELECT * FROM permissions.lint();

INSERT INTO permissions.areas (area) VALUES ('stock'), ('admin');
INSERT INTO permissions.roles (role, is_admin) VALUES ('clerk', false);
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('stock.view', 'stock', 'r');
INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk');
CREATE TABLE stock (id int PRIMARY KEY, location_id int);
SELECT permissions.protect('stock', 'stock', 'location_id');
-- a correct model and a protected table: still clean
SELECT * FROM permissions.lint();

-- an action no role gives: nobody can do it; with an administrator role, only they can
INSERT INTO permissions.actions (action, area, privilege) VALUES ('admin.settings', 'admin', 'w');
SELECT * FROM permissions.lint();
INSERT INTO permissions.roles (role, is_admin) VALUES ('boss', true);
INSERT INTO permissions.users (user_id, role) VALUES ('cy', 'boss');
SELECT * FROM permissions.lint();
DELETE FROM permissions.actions WHERE action = 'admin.settings';

-- a role that gives nothing, and a role nothing uses
INSERT INTO permissions.roles (role) VALUES ('empty');
INSERT INTO permissions.roles (role) VALUES ('spare');
INSERT INTO permissions.role_privileges VALUES ('spare', 'stock', 'r');
INSERT INTO permissions.users (user_id, role) VALUES ('ed', 'empty');
SELECT * FROM permissions.lint();
DELETE FROM permissions.users WHERE user_id = 'ed';
DELETE FROM permissions.roles WHERE role IN ('empty', 'spare');

-- row level security switched off, or not forced
ALTER TABLE stock NO FORCE ROW LEVEL SECURITY;
SELECT * FROM permissions.lint();
ALTER TABLE stock DISABLE ROW LEVEL SECURITY;
SELECT * FROM permissions.lint();
SELECT permissions.protect('stock', 'stock', 'location_id');

-- a policy of protect() dropped, and another permissive policy added
DROP POLICY permissions_delete ON stock;
CREATE POLICY everyone ON stock FOR SELECT USING (true);
SELECT * FROM permissions.lint();
DROP POLICY everyone ON stock;
CREATE POLICY narrower ON stock AS RESTRICTIVE FOR SELECT USING (id > 0);
SELECT permissions.protect('stock', 'stock', 'location_id');
SELECT * FROM permissions.lint();
DROP POLICY narrower ON stock;

-- a view over the protected table that runs with its owner's rights
CREATE VIEW stock_owner_view AS SELECT * FROM stock;
CREATE VIEW stock_invoker_view WITH (security_invoker = true) AS SELECT * FROM stock;
SELECT * FROM permissions.lint();
ALTER VIEW stock_owner_view SET (security_invoker = true);
SELECT * FROM permissions.lint();

-- application roles: trusted to switch identity, or mapped through db_role
CREATE ROLE regress_lint_app LOGIN BYPASSRLS;
GRANT SET ON PARAMETER permissions.user_id TO regress_lint_app;
CREATE ROLE regress_lint_mapped LOGIN;
UPDATE permissions.users SET db_role = 'regress_lint_mapped' WHERE user_id = 'al';
ALTER TABLE stock OWNER TO regress_lint_mapped;
SELECT * FROM permissions.lint();
ALTER ROLE regress_lint_app NOBYPASSRLS;
ALTER TABLE stock OWNER TO CURRENT_USER;
-- an application role that is a superuser
ALTER ROLE regress_lint_mapped SUPERUSER;
SELECT * FROM permissions.lint();
ALTER ROLE regress_lint_mapped NOSUPERUSER;
SELECT * FROM permissions.lint();

-- a security definer function without a fixed search_path
CREATE FUNCTION risky() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
CREATE FUNCTION safe() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS 'SELECT 1';
SELECT * FROM permissions.lint();
DROP FUNCTION risky();

-- an extension trigger disabled
ALTER TABLE permissions.users DISABLE TRIGGER config_guard;
SELECT * FROM permissions.lint();
ALTER TABLE permissions.users ENABLE ALWAYS TRIGGER config_guard;

-- an approval level chosen by a membership scope nobody has (a typo):
-- flagged until memberships of that scope exist; the named scopes never are
INSERT INTO permissions.approval_rules VALUES ('invoice', 1, 0, 'stock.view', 'budgte'),
	('invoice', 2, 100, 'stock.view', 'project'), ('invoice', 3, 200, 'stock.view', 'location');
SELECT * FROM permissions.lint() WHERE object LIKE 'approval rule%';
INSERT INTO permissions.memberships VALUES ('al', 'project', 'P1', 'clerk');
SELECT * FROM permissions.lint() WHERE object LIKE 'approval rule%';
DELETE FROM permissions.approval_rules;
DELETE FROM permissions.memberships;

-- everything fixed: clean again
SELECT * FROM permissions.lint();

DROP VIEW stock_owner_view, stock_invoker_view;
DROP TABLE stock;
DROP FUNCTION safe();
REVOKE SET ON PARAMETER permissions.user_id FROM regress_lint_app;
DROP ROLE regress_lint_app, regress_lint_mapped;
DROP EXTENSION permissions CASCADE;
