-- The rights cache: answers follow changes and identity across
-- transactions, savepoints, generic plans, cached PL/pgSQL plans and
-- parallel workers.  (Other sessions' commits: test/isolation.)
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock');
INSERT INTO permissions.roles (role) VALUES ('clerk');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'r');
INSERT INTO permissions.actions (action, area, privilege, location_rule) VALUES ('stock.view', 'stock', 'r', 'location');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 10) g;
INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk'), ('bo', 'clerk');
INSERT INTO permissions.location_access SELECT 'al', g, 'read' FROM generate_series(1, 5) g;
INSERT INTO permissions.location_access SELECT 'bo', g, 'read' FROM generate_series(4, 10) g;

CREATE TABLE stock (id int PRIMARY KEY, location_id bigint NOT NULL, qty int NOT NULL);
INSERT INTO stock SELECT g, g % 10 + 1, g FROM generate_series(1, 20000) g;
ANALYZE stock;

-- own changes are seen at the next statement; rolled back, they are gone
SET permissions.user_id = 'al';
BEGIN;
SELECT permissions.can('stock.view', 7) AS before_grant;
INSERT INTO permissions.location_access VALUES ('al', 7, 'read');
SELECT permissions.can('stock.view', 7) AS after_grant_in_xact;
ROLLBACK;
SELECT permissions.can('stock.view', 7) AS after_rollback;

BEGIN;
INSERT INTO permissions.location_access VALUES ('al', 7, 'read');
SAVEPOINT s;
DELETE FROM permissions.location_access WHERE user_id = 'al' AND location_id = 7;
SELECT permissions.can('stock.view', 7) AS revoked_in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT permissions.can('stock.view', 7) AS savepoint_rolled_back;
ROLLBACK;
SELECT permissions.can('stock.view', 7) AS all_rolled_back;

-- generic plans follow the acting user
SET plan_cache_mode = force_generic_plan;
PREPARE visible(bigint) AS
	SELECT count(*) FROM stock WHERE location_id >= $1 AND permissions.can('stock.view', location_id);
SET permissions.user_id = 'al';
EXECUTE visible(1);
SET permissions.user_id = 'bo';
EXECUTE visible(1);
RESET permissions.user_id;
EXECUTE visible(1);
SET permissions.user_id = 'al';
EXECUTE visible(1);
-- ... and a change to the model, without re-planning
INSERT INTO permissions.location_access VALUES ('al', 6, 'read');
EXECUTE visible(1);
DELETE FROM permissions.location_access WHERE user_id = 'al' AND location_id = 6;
DEALLOCATE visible;
RESET plan_cache_mode;

-- PL/pgSQL keeps its plans (and fn_extra) across calls and statements
CREATE FUNCTION pg_temp.visible_as(u text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('permissions.user_id', u, true);
	RETURN (SELECT count(*) FROM stock WHERE permissions.can('stock.view', location_id));
END $$;
SELECT pg_temp.visible_as('al') AS al, pg_temp.visible_as('bo') AS bo, pg_temp.visible_as('al') AS al_again;

-- parallel workers answer as the leader would
SET permissions.user_id = 'bo';
SELECT count(*) AS serial FROM stock WHERE permissions.can('stock.view', location_id);
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET force_parallel_mode = regress;
EXPLAIN (COSTS OFF) SELECT count(*) FROM stock WHERE permissions.can('stock.view', location_id);
SELECT count(*) AS parallel FROM stock WHERE permissions.can('stock.view', location_id);
SET permissions.user_id = 'al';
SELECT count(*) AS parallel_al FROM stock WHERE permissions.can('stock.view', location_id);
RESET permissions.user_id;
SELECT count(*) AS parallel_nobody FROM stock WHERE permissions.can('stock.view', location_id);
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- many users in turn: each answer is that user's (the cache keeps several)
INSERT INTO permissions.users (user_id, role) SELECT 'u' || g, 'clerk' FROM generate_series(1, 100) g;
INSERT INTO permissions.location_access SELECT 'u' || g, g % 10 + 1, 'read' FROM generate_series(1, 100) g;
CREATE FUNCTION pg_temp.only_location(u text) RETURNS bigint[] LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('permissions.user_id', u, true);
	RETURN permissions.locations_with();
END $$;
SELECT count(*) AS users_checked,
	count(*) FILTER (WHERE pg_temp.only_location('u' || g) = ARRAY[g % 10 + 1]::bigint[]) AS right_answers
  FROM generate_series(1, 100) g, generate_series(1, 3) r;

DROP TABLE stock;
DROP EXTENSION permissions CASCADE;
