-- Benchmark data for protected tables: 1,000,000 stock rows over 200
-- locations, in five identical tables, one per way of restricting rows:
--   stock_plain     no RLS; the query carries a hand-written WHERE
--   stock_subquery  policy: location_id IN (SELECT ... FROM bench.grants ...)
--   stock_plpgsql   policy: a PL/pgSQL helper per row
--   stock_array     policy: location_id = ANY ((SELECT array of locations))
--   stock_protect   permissions.protect()
-- The user 'half' may read the odd-numbered locations: half of the rows.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
INSERT INTO permissions.areas (area) VALUES ('stock') ON CONFLICT DO NOTHING;
INSERT INTO permissions.roles (role) VALUES ('stock_clerk');
INSERT INTO permissions.role_privileges VALUES ('stock_clerk', 'stock', 'rw');
INSERT INTO permissions.users (user_id, role) VALUES ('half', 'stock_clerk');
INSERT INTO permissions.location_access SELECT 'half', l, 'full' FROM generate_series(1, 200, 2) l;

DROP ROLE IF EXISTS bench_app;
CREATE ROLE bench_app;
GRANT USAGE ON SCHEMA bench TO bench_app;

-- the hand-written variants' own grants table
CREATE TABLE bench.grants (user_id text, location_id int, PRIMARY KEY (user_id, location_id));
INSERT INTO bench.grants SELECT 'half', l FROM generate_series(1, 200, 2) l;
ANALYZE bench.grants;
GRANT SELECT ON bench.grants TO bench_app;

CREATE FUNCTION bench.visible(loc int) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN EXISTS (SELECT 1 FROM bench.grants g
	                WHERE g.user_id = current_setting('permissions.user_id') AND g.location_id = loc);
END $$;
CREATE FUNCTION bench.visible_locations() RETURNS int[] LANGUAGE sql STABLE AS $$
	SELECT array_agg(g.location_id) FROM bench.grants g WHERE g.user_id = current_setting('permissions.user_id')
$$;

CREATE TABLE bench.stock_plain (id bigint PRIMARY KEY, location_id int NOT NULL, item_id int NOT NULL, qty int NOT NULL);
INSERT INTO bench.stock_plain
	SELECT g, g % 200 + 1, (g::bigint * 7919) % 20000, g % 100 FROM generate_series(1, 1000000) g;
CREATE INDEX ON bench.stock_plain (location_id);
CREATE INDEX ON bench.stock_plain (item_id);

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['stock_subquery', 'stock_plpgsql', 'stock_array', 'stock_protect'] LOOP
		EXECUTE format('CREATE TABLE bench.%I (LIKE bench.stock_plain INCLUDING ALL)', t);
		EXECUTE format('INSERT INTO bench.%I SELECT * FROM bench.stock_plain', t);
		EXECUTE format('ALTER TABLE bench.%I ENABLE ROW LEVEL SECURITY', t);
	END LOOP;
END $$;
CREATE POLICY p ON bench.stock_subquery USING (location_id IN
	(SELECT g.location_id FROM bench.grants g WHERE g.user_id = current_setting('permissions.user_id')));
CREATE POLICY p ON bench.stock_plpgsql USING (bench.visible(location_id));
CREATE POLICY p ON bench.stock_array USING (location_id = ANY ((SELECT bench.visible_locations())::int[]));
SELECT permissions.protect('bench.stock_protect', 'stock', 'location_id');
GRANT SELECT, UPDATE ON bench.stock_plain, bench.stock_subquery, bench.stock_plpgsql, bench.stock_array,
	bench.stock_protect TO bench_app;
VACUUM ANALYZE bench.stock_plain, bench.stock_subquery, bench.stock_plpgsql, bench.stock_array, bench.stock_protect;

-- the hand-written WHERE of the baseline: the same locations, as a literal
SELECT set_config('bench.clause', format('location_id = ANY (%L::int[])', array_agg(l)), false)
  FROM generate_series(1, 200, 2) l \gset
-- timing loops, one function per table and query, with the SQL static so
-- each loop runs one cached plan, as an application's prepared statement would
DO $do$
DECLARE
	t text;
	w text;
BEGIN
	FOREACH t IN ARRAY ARRAY['stock_plain', 'stock_subquery', 'stock_plpgsql', 'stock_array', 'stock_protect'] LOOP
		w := CASE WHEN t = 'stock_plain' THEN current_setting('bench.clause') ELSE 'true' END;
		EXECUTE format($f$CREATE FUNCTION bench.%1$s_full() RETURNS bigint LANGUAGE plpgsql AS $b$
			BEGIN RETURN (SELECT sum(qty) FROM bench.%1$I WHERE %2$s); END $b$$f$, t, w);
		EXECUTE format($f$CREATE FUNCTION bench.%1$s_point(n int) RETURNS bigint LANGUAGE plpgsql AS $b$
			DECLARE s bigint := 0; q int;
			BEGIN FOR i IN 1 .. n LOOP
				SELECT qty INTO q FROM bench.%1$I WHERE id = (i * 7919) %% 1000000 + 1 AND %2$s;
				s := s + coalesce(q, 0);
			END LOOP; RETURN s; END $b$$f$, t, w);
		EXECUTE format($f$CREATE FUNCTION bench.%1$s_range(n int) RETURNS bigint LANGUAGE plpgsql AS $b$
			DECLARE s bigint := 0; k int;
			BEGIN FOR i IN 1 .. n LOOP
				k := (i * 7919) %% 19990;
				s := s + (SELECT count(*) FROM bench.%1$I WHERE item_id BETWEEN k AND k + 1 AND %2$s);
			END LOOP; RETURN s; END $b$$f$, t, w);
		EXECUTE format($f$CREATE FUNCTION bench.%1$s_update(n int) RETURNS bigint LANGUAGE plpgsql AS $b$
			BEGIN FOR i IN 1 .. n LOOP
				UPDATE bench.%1$I SET qty = qty + 1 WHERE id = (i * 7919) %% 1000000 + 1 AND %2$s;
			END LOOP; RETURN n; END $b$$f$, t, w);
	END LOOP;
END $do$;
