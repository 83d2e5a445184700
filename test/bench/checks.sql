-- can() calls per second in one backend, against the PL/pgSQL helper.
\set ON_ERROR_STOP 1
SET max_parallel_workers_per_gather = 0;
SET permissions.user_id = 'u7';
-- both must agree before we time them
SELECT count(*) FILTER (WHERE permissions.can('orders.create', l) IS DISTINCT FROM bench.plpgsql_can('orders.create', l)) AS disagreements
  FROM generate_series(1, 200) l \gset
\if :disagreements
\echo 'can() and the PL/pgSQL helper disagree: benchmark invalid'
\quit
\endif
WITH t AS (
	SELECT bench.time_ms($q$SELECT count(*) FROM generate_series(1, 3000000) g WHERE permissions.can('orders.create', g % 200 + 1)$q$) AS can_ms,
	       bench.time_ms($q$SELECT count(*) FROM generate_series(1, 3000000) g WHERE g % 200 + 1 > 0$q$) AS loop_ms,
	       bench.time_ms($q$SELECT count(*) FROM generate_series(1, 20000) g WHERE bench.plpgsql_can('orders.create', g % 200 + 1)$q$, 3) AS plpgsql_ms
)
SELECT 'can() calls/s (whole query)' AS measure,
       round(3000000 / (can_ms / 1000))::bigint AS permissions,
       round(20000 / (plpgsql_ms / 1000))::bigint AS plpgsql_helper,
       round((3000000 / can_ms) / (20000 / plpgsql_ms), 1) AS ratio,
       'target: >= 3,000,000/s and >= 50x' AS target
  FROM t
UNION ALL
SELECT 'ns per can() call (net of the loop)',
       round((can_ms - loop_ms) * 1e6 / 3000000),
       round(plpgsql_ms * 1e6 / 20000),
       NULL, ''
  FROM t;
