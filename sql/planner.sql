-- The planner sees through protect()'s policies: accurate row estimates,
-- the location index when the user sees little, and no location index when
-- the user sees much.  One plan per query shape.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock');
INSERT INTO permissions.roles (role) VALUES ('clerk');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 200) g;
INSERT INTO permissions.users (user_id, role) VALUES ('half', 'clerk'), ('few', 'clerk'), ('none', 'clerk');
INSERT INTO permissions.location_access SELECT 'half', g, 'read' FROM generate_series(1, 200, 2) g;
INSERT INTO permissions.location_access VALUES ('few', 7, 'read'), ('few', 8, 'read');

CREATE ROLE regress_planner_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_planner_app;
-- 100,000 rows, 500 per location, stored in location order
CREATE TABLE stock (id int PRIMARY KEY, location_id int NOT NULL, item_id int NOT NULL, qty int NOT NULL);
INSERT INTO stock SELECT g, (g - 1) / 500 + 1, (g * 7919) % 20000, g % 100 FROM generate_series(1, 100000) g;
CREATE INDEX stock_location ON stock (location_id);
CREATE INDEX stock_item ON stock (item_id);
-- a statistics target that makes ANALYZE read every row: stable estimates
ALTER TABLE stock ALTER COLUMN location_id SET STATISTICS 1000, ALTER COLUMN item_id SET STATISTICS 1000;
VACUUM ANALYZE stock;
GRANT SELECT, UPDATE ON stock TO regress_planner_app;
SELECT permissions.protect('stock', 'stock', 'location_id');

-- estimated against actual rows, from EXPLAIN ANALYZE
-- (ANALYZE samples at random: the estimate itself is not printed, only whether it is close)
CREATE FUNCTION estimate_vs_actual(q text) RETURNS TABLE (actual numeric, estimate_within_20pct boolean)
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	actual := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::numeric;
	estimate_within_20pct := abs((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric - actual) <= greatest(0.2 * actual, 1);
	RETURN NEXT;
END $$;
GRANT EXECUTE ON FUNCTION estimate_vs_actual(text) TO regress_planner_app;

SET ROLE regress_planner_app;
SET max_parallel_workers_per_gather = 0;

-- a user who sees half of the table
SET permissions.user_id = 'half';
SELECT * FROM estimate_vs_actual('SELECT * FROM stock');
SELECT * FROM estimate_vs_actual('SELECT * FROM stock WHERE item_id BETWEEN 100 AND 120');
-- full-scan aggregate: a sequential scan, not the location index
EXPLAIN (COSTS OFF) SELECT sum(qty) FROM stock;
-- point lookup by key
EXPLAIN (COSTS OFF) SELECT * FROM stock WHERE id = 4242;
-- selective range on another index: that index alone, no BitmapAnd with locations
EXPLAIN (COSTS OFF) SELECT * FROM stock WHERE item_id BETWEEN 100 AND 120;
-- single-row update
EXPLAIN (COSTS OFF) UPDATE stock SET qty = qty + 1 WHERE id = 4242;
SELECT sum(qty) AS half_sum, count(*) AS half_count FROM stock;

-- a user who sees two locations out of 200: the location index
SET permissions.user_id = 'few';
SELECT * FROM estimate_vs_actual('SELECT * FROM stock');
EXPLAIN (COSTS OFF) SELECT sum(qty) FROM stock;
SELECT count(*) AS few_count, min(location_id), max(location_id) FROM stock;
EXPLAIN (COSTS OFF) SELECT * FROM stock WHERE id = 3100;
SELECT id, location_id FROM stock WHERE id IN (3100, 4242);

-- the location index condition is evaluated for whoever executes the plan
SET plan_cache_mode = force_generic_plan;
PREPARE total AS SELECT count(*), min(location_id), max(location_id) FROM stock;
EXPLAIN (COSTS OFF) EXECUTE total;
EXECUTE total;
SET permissions.user_id = 'half';
EXECUTE total;
SET permissions.user_id = 'none';
EXECUTE total;
RESET permissions.user_id;
EXECUTE total;
DEALLOCATE total;
RESET plan_cache_mode;

-- nobody: an estimate of (almost) no rows
SELECT * FROM estimate_vs_actual('SELECT * FROM stock');
RESET ROLE;

DROP TABLE stock;
DROP FUNCTION estimate_vs_actual(text);
REVOKE SET ON PARAMETER permissions.user_id FROM regress_planner_app;
DROP ROLE regress_planner_app;
DROP EXTENSION permissions CASCADE;
