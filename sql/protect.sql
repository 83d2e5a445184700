-- protect() and unprotect(): the policies, owner_column, views, idempotence,
-- bad input, and the attacks a protected table must withstand.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock'), ('notes');
INSERT INTO permissions.roles (role, is_admin) VALUES ('clerk', false), ('boss', true), ('reader', false);
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rwd'), ('reader', 'stock', 'r'),
	('clerk', 'notes', 'rw');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 4) g;
INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk'), ('bo', 'reader'), ('cy', 'boss'), ('di', NULL);
INSERT INTO permissions.location_access VALUES
	('al', 1, 'full'), ('al', 2, 'read'), ('bo', 1, 'read'), ('bo', 2, 'read'), ('bo', 3, 'read');

CREATE ROLE regress_protect_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_protect_app;
CREATE TABLE stock (id int PRIMARY KEY, location_id int, qty int, created_by text);
INSERT INTO stock SELECT g, g % 5, g, CASE WHEN g = 20 THEN 'di' END FROM generate_series(1, 20) g;
GRANT SELECT, INSERT, UPDATE, DELETE ON stock TO regress_protect_app;

-- bad input: unknown table, area, column, wrong column type, a view, NULLs
SELECT permissions.protect('no_such_table', 'stock', 'location_id');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.protect('stock', 'no_such_area', 'location_id');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.protect('stock', 'stock', 'no_such_column');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.protect('stock', 'stock', 'location_id', 'no_such_column');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.protect('stock', 'stock', 'created_by');
\echo :LAST_ERROR_SQLSTATE
CREATE VIEW stock_view WITH (security_invoker = true) AS SELECT * FROM stock;
SELECT permissions.protect('stock_view', 'stock', 'location_id');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.protect(NULL, 'stock');
\echo :LAST_ERROR_SQLSTATE
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'stock'::regclass;

-- protect: RLS on and forced, one policy per command; twice is the same as once
SELECT permissions.protect('stock', 'stock', 'location_id', 'created_by');
SELECT permissions.protect('stock', 'stock', 'location_id', 'created_by');
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'stock'::regclass;
SELECT polname, polcmd, polpermissive, pg_get_expr(polqual, polrelid) AS using_expr,
	pg_get_expr(polwithcheck, polrelid) AS check_expr
  FROM pg_policy WHERE polrelid = 'stock'::regclass ORDER BY polname;

SET ROLE regress_protect_app;
-- nobody sees nothing
SELECT count(*) AS nobody FROM stock;
-- al: full at 1, read at 2
SET permissions.user_id = 'al';
SELECT location_id, count(*) FROM stock GROUP BY 1 ORDER BY 1;
UPDATE stock SET qty = qty + 100 WHERE true;               -- only location 1 (full)
SELECT location_id, sum(qty) FROM stock GROUP BY 1 ORDER BY 1;
UPDATE stock SET location_id = 2 WHERE id = 1;              -- cannot move a row where it may not write
\echo :LAST_ERROR_SQLSTATE
INSERT INTO stock VALUES (101, 1, 1, NULL);                 -- full at 1: allowed
INSERT INTO stock VALUES (102, 2, 1, NULL);                 -- read at 2: refused
\echo :LAST_ERROR_SQLSTATE
DELETE FROM stock WHERE id IN (101, 2, 5);                  -- 2 is at location 2: untouched
SELECT id FROM stock WHERE id IN (101, 2, 5) ORDER BY id;
-- bo: read only
SET permissions.user_id = 'bo';
SELECT count(*) AS bo_sees FROM stock;
UPDATE stock SET qty = 0;
SELECT count(*) AS bo_updated_nothing FROM stock WHERE qty = 0;
-- cy: administrator, every known location; rows at an unknown location (0) stay hidden
SET permissions.user_id = 'cy';
SELECT count(*) AS admin_sees, count(*) FILTER (WHERE location_id = 0) AS at_unknown FROM stock;
-- di: no role, but owns row 20 (location 0) through created_by
SET permissions.user_id = 'di';
SELECT id, location_id FROM stock;
UPDATE stock SET qty = -1 RETURNING id, qty;
RESET permissions.user_id;
RESET ROLE;

-- a security_invoker view shows each user their own rows
GRANT SELECT ON stock_view TO regress_protect_app;
SET ROLE regress_protect_app;
SET permissions.user_id = 'al';
SELECT count(*) AS al_via_view FROM stock_view;
SET permissions.user_id = 'bo';
SELECT count(*) AS bo_via_view FROM stock_view;
RESET permissions.user_id;
RESET ROLE;

-- a table without a location column: the area privilege alone
CREATE TABLE notes (id int PRIMARY KEY, body text);
INSERT INTO notes VALUES (1, 'a'), (2, 'b');
GRANT SELECT, INSERT ON notes TO regress_protect_app;
SELECT permissions.protect('notes', 'notes');
SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = 'notes'::regclass AND polname = 'permissions_select';
SET ROLE regress_protect_app;
SET permissions.user_id = 'al';
SELECT count(*) AS clerk_notes FROM notes;
SET permissions.user_id = 'bo';
SELECT count(*) AS reader_notes FROM notes;
INSERT INTO notes VALUES (3, 'c');
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;

-- unprotect restores the flags protect() found
SELECT permissions.unprotect('notes');
SELECT relrowsecurity, relforcerowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = 'notes'::regclass) AS policies
  FROM pg_class WHERE oid = 'notes'::regclass;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
SELECT permissions.protect('notes', 'notes');
SELECT permissions.unprotect('notes');
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'notes'::regclass;

-- location ids far apart (no dense table) and below zero
INSERT INTO permissions.locations VALUES (-5, 'below zero'), (9000000000000000000, 'far away');
INSERT INTO permissions.location_access VALUES ('al', -5, 'read'), ('al', 9000000000000000000, 'read');
CREATE TABLE wide (id int PRIMARY KEY, location_id bigint);
INSERT INTO wide VALUES (1, -5), (2, 9000000000000000000), (3, 1), (4, 3), (5, -9000000000000000000);
GRANT SELECT ON wide TO regress_protect_app;
SELECT permissions.protect('wide', 'stock', 'location_id');
SET ROLE regress_protect_app;
SET permissions.user_id = 'al';
SELECT id, location_id FROM wide ORDER BY id;
RESET permissions.user_id;
RESET ROLE;
DELETE FROM permissions.locations WHERE location_id IN (-5, 9000000000000000000);
SET ROLE regress_protect_app;
SET permissions.user_id = 'al';
SELECT id, location_id FROM wide ORDER BY id;
RESET permissions.user_id;
RESET ROLE;

DROP VIEW stock_view;
DROP TABLE stock, notes, wide;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_protect_app;
DROP ROLE regress_protect_app;
DROP EXTENSION permissions CASCADE;
