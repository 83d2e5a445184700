-- Statements that update 1,000 rows each, on an untracked table, one under
-- permissions.track() and one under a PL/pgSQL jsonb audit trigger;
-- interleaved rounds, best of each.
\set ON_ERROR_STOP 1
SET permissions.user_id = 'u7';
CREATE TEMP TABLE audit_timings (variant text, ms numeric);
DO $$
BEGIN
	FOR r IN 1 .. 9 LOOP
		INSERT INTO audit_timings VALUES ('untracked', bench.time_ms('UPDATE bench.t_untracked SET qty = qty + 1', 1));
		INSERT INTO audit_timings VALUES ('track()', bench.time_ms('UPDATE bench.t_tracked SET qty = qty + 1', 1));
		INSERT INTO audit_timings VALUES ('plpgsql', bench.time_ms('UPDATE bench.t_plpgsql SET qty = qty + 1', 1));
	END LOOP;
END $$;
\echo
\echo 'UPDATE of 1,000 rows (best of 9 interleaved rounds):'
WITH b AS (SELECT variant, min(ms) AS ms FROM audit_timings GROUP BY variant)
SELECT round((SELECT ms FROM b WHERE variant = 'untracked'), 2) AS "untracked ms",
	round((SELECT ms FROM b WHERE variant = 'track()'), 2) AS "track() ms",
	round((SELECT ms FROM b WHERE variant = 'plpgsql'), 2) AS "PL/pgSQL trigger ms",
	round(((SELECT ms FROM b WHERE variant = 'track()') - (SELECT ms FROM b WHERE variant = 'untracked')), 2) AS "track() adds µs/row",
	round(((SELECT ms FROM b WHERE variant = 'plpgsql') - (SELECT ms FROM b WHERE variant = 'untracked')), 2) AS "PL/pgSQL adds µs/row",
	round(((SELECT ms FROM b WHERE variant = 'track()') - (SELECT ms FROM b WHERE variant = 'untracked'))
	    / nullif((SELECT ms FROM b WHERE variant = 'plpgsql') - (SELECT ms FROM b WHERE variant = 'untracked'), 0), 2)
	    AS "ratio (target <= 0.25)";
