-- Attacks on a protected table: leaky functions, plan reuse across users,
-- SET ROLE and security-definer functions, parallel workers, error messages,
-- and the roles row level security does not bind.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock');
INSERT INTO permissions.roles (role) VALUES ('clerk');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 10) g;
INSERT INTO permissions.users (user_id, role, db_role) VALUES ('al', 'clerk', NULL), ('bo', 'clerk', 'regress_attack_mapped');
INSERT INTO permissions.location_access SELECT 'al', g, 'full' FROM generate_series(1, 5) g;
INSERT INTO permissions.location_access SELECT 'bo', g, 'full' FROM generate_series(6, 10) g;

CREATE ROLE regress_attack_app LOGIN;
CREATE ROLE regress_attack_mapped LOGIN;
CREATE ROLE regress_attack_bypass LOGIN BYPASSRLS;
GRANT SET ON PARAMETER permissions.user_id TO regress_attack_app;
CREATE TABLE stock (id int PRIMARY KEY, location_id int NOT NULL, secret text NOT NULL);
INSERT INTO stock SELECT g, g % 10 + 1, 'secret-' || g FROM generate_series(1, 10000) g;
CREATE UNIQUE INDEX stock_secret_key ON stock (secret);
ANALYZE stock;
GRANT SELECT, INSERT, UPDATE ON stock TO regress_attack_app, regress_attack_mapped, regress_attack_bypass;
SELECT permissions.protect('stock', 'stock', 'location_id');

-- a leaky function with a tiny cost only ever sees permitted rows
CREATE TABLE leaked (id int, location_id int);
GRANT INSERT ON leaked TO regress_attack_app;
CREATE FUNCTION leak(int, int) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS
	$$ BEGIN INSERT INTO leaked VALUES ($1, $2); RETURN true; END $$;
SET ROLE regress_attack_app;
SET permissions.user_id = 'al';
SELECT count(*) FROM stock WHERE leak(id, location_id);
SELECT count(*) FROM stock WHERE leak(id, location_id) AND id < 100;
RESET ROLE;
SELECT count(*) AS leaked_rows, count(*) FILTER (WHERE location_id > 5) AS leaked_hidden FROM leaked;

-- a prepared statement with a generic plan, run as one user and then another
SET ROLE regress_attack_app;
SET plan_cache_mode = force_generic_plan;
PREPARE q(int) AS SELECT count(*), min(location_id), max(location_id) FROM stock WHERE id > $1;
SET permissions.user_id = 'al';
EXECUTE q(0);
SET permissions.user_id = 'bo';
EXECUTE q(0);
PREPARE one(int) AS SELECT id, location_id FROM stock WHERE id = $1;
SET permissions.user_id = 'al';
EXECUTE one(10);
EXECUTE one(15);
SET permissions.user_id = 'bo';
EXECUTE one(10);
EXECUTE one(15);
DEALLOCATE ALL;
RESET plan_cache_mode;

-- SET ROLE to a mapped role, and a security-definer function
RESET permissions.user_id;
RESET ROLE;
SET ROLE regress_attack_mapped;
SELECT count(*) AS mapped_sees, min(location_id), max(location_id) FROM stock;
RESET ROLE;
CREATE FUNCTION count_as_owner() RETURNS bigint LANGUAGE sql SECURITY DEFINER
	SET search_path = public, pg_catalog AS 'SELECT count(*) FROM stock';
ALTER FUNCTION count_as_owner() OWNER TO regress_attack_mapped;
SET ROLE regress_attack_app;
SELECT count(*) AS app_nobody_sees, count_as_owner() AS definer_sees FROM stock;
RESET ROLE;

-- parallel workers give the same answers as a serial scan
SET ROLE regress_attack_app;
SET permissions.user_id = 'al';
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET force_parallel_mode = regress;
SELECT count(*) AS parallel_count, sum(id) AS parallel_sum FROM stock;
RESET force_parallel_mode;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS serial_count, sum(id) AS serial_sum FROM stock;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- a unique-key error on a hidden row carries no row data
INSERT INTO stock VALUES (20001, 1, 'secret-10');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO stock VALUES (1, 1, 'fresh');
\echo :LAST_ERROR_SQLSTATE
-- ... nor a check on a row the user may not write
INSERT INTO stock VALUES (20002, 7, 'x');
RESET permissions.user_id;
RESET ROLE;

-- who row level security does not bind: the superuser, BYPASSRLS, and the
-- owner once FORCE is switched off
SELECT count(*) AS superuser_sees FROM stock;
SET ROLE regress_attack_bypass;
SELECT count(*) AS bypassrls_sees FROM stock;
RESET ROLE;
CREATE ROLE regress_attack_owner;
ALTER TABLE stock OWNER TO regress_attack_owner;
SET ROLE regress_attack_owner;
SELECT count(*) AS owner_with_force FROM stock;
ALTER TABLE stock NO FORCE ROW LEVEL SECURITY;
SELECT count(*) AS owner_without_force FROM stock;
RESET ROLE;

DROP TABLE stock, leaked;
DROP FUNCTION leak(int, int), count_as_owner();
REVOKE SET ON PARAMETER permissions.user_id FROM regress_attack_app;
DROP ROLE regress_attack_app, regress_attack_mapped, regress_attack_bypass, regress_attack_owner;
DROP EXTENSION permissions CASCADE;
