--
-- permissions.access_level: none < read < full (SPEC 1, Types)
--
CREATE EXTENSION permissions;
-- show NULL apart from the empty string
\pset null '(null)'

-- Bad input is shown through this helper so that each case prints its
-- SQLSTATE, message, detail and hint on one row; control characters are made
-- visible and long values are cut, so the output stays readable.
CREATE FUNCTION pg_temp.visible(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN length(t) > 100
		THEN left(replace(replace(t, E'\t', '\t'), E'\n', '\n'), 40) || '...(' || length(t) || ' chars)'
		ELSE replace(replace(t, E'\t', '\t'), E'\n', '\n') END
$$;
CREATE FUNCTION pg_temp.try(txt text, typ text)
RETURNS TABLE (sqlstate text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SELECT %L::%s::text', txt, typ) INTO v;
	RETURN QUERY SELECT 'ok'::text, coalesce(v, '<NULL>'), NULL::text, NULL::text;
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT;
	RETURN QUERY SELECT SQLSTATE, pg_temp.visible(message), pg_temp.visible(nullif(detail, '')),
		nullif(hint, '');
END $$;

-- Operators and the min/max aggregates live in schema permissions: without it
-- in search_path only the qualified OPERATOR() syntax finds them.  Casts,
-- ORDER BY and indexes work regardless (they go through the catalogs).
SELECT 'read'::permissions.access_level < 'full';
SELECT 'read'::permissions.access_level OPERATOR(permissions.<) 'full' AS lt;
SELECT permissions.max(a) FROM (VALUES ('read'::permissions.access_level), ('full')) v(a);
SET search_path = permissions, public;

-- the type is a one-byte pass-by-value type
SELECT typname, typlen, typbyval, typalign, typstorage
FROM pg_type WHERE oid = 'permissions.access_level'::regtype;

--
-- Input and output
--
SELECT v AS input, v::access_level AS value
FROM (VALUES ('none'), ('read'), ('full'), ('read-only'), ('read_only'),
	('NONE'), ('READ'), ('Full'), ('rEaD'), ('Read-Only'), ('READ_ONLY'),
	('read-ONLY')) t(v);

-- output is canonical, and output text reads back to the same value
SELECT v::access_level::text = replace(replace(lower(v), '-only', ''), '_only', '') AS canonical,
	v::access_level::text::access_level = v::access_level AS round_trip
FROM (VALUES ('none'), ('READ'), ('Full'), ('Read-Only'), ('read_only')) t(v);

-- NULL is not an error
SELECT NULL::access_level IS NULL AS is_null;
SELECT access_level_in(NULL) IS NULL AS is_null;
SELECT * FROM pg_temp.try(NULL, 'permissions.access_level');

-- bad input: 22P02, the input in the message, the valid values in the hint
SELECT pg_temp.visible(format('%L', v)) AS input, r.sqlstate, r.message
FROM (VALUES (1, ''), (2, 'readonly'), (3, 'read only'), (4, ' read'),
	(5, 'read '), (6, E'\tread'), (7, E'read\n'), (8, 'write'), (9, 'all'),
	(10, 'nothing'), (11, 'r'), (12, 'rea'), (13, 'reads'), (14, 'full-only'),
	(15, 'read-'), (16, '0'), (17, '1'), (18, 'true'), (19, 'NULL'),
	(20, 'read--only'), (21, 'read.only'), (22, 'none,read'),
	(23, repeat('x', 10000)), (24, repeat('read', 2500)), (25, 'rëad')) t(n, v),
	LATERAL pg_temp.try(v, 'permissions.access_level') r
ORDER BY n;
-- every one of them carries the same hint and no detail
SELECT DISTINCT r.sqlstate, r.detail, r.hint
FROM (VALUES (''), ('readonly'), ('read only'), (' read'), ('read '), (E'\tread'),
	('write'), ('all'), ('0'), (repeat('x', 10000)), ('rëad')) t(v),
	LATERAL pg_temp.try(v, 'permissions.access_level') r;

-- raw errors, as a client sees them
SELECT ''::access_level;
SELECT 'read only'::access_level;
SELECT 'READ '::access_level;
-- char(n) pads with blanks, and blanks are rejected; text strips them
SELECT 'read'::char(6)::access_level;
SELECT 'read'::char(6)::text::access_level AS value;

--
-- Casts to and from text and varchar
--
SELECT castsource::regtype, casttarget::regtype, castcontext, castmethod
FROM pg_cast
WHERE castsource = 'access_level'::regtype OR casttarget = 'access_level'::regtype
ORDER BY castsource::regtype::text, casttarget::regtype::text;
SELECT 'Read-Only'::access_level::text AS to_text,
	'FULL'::access_level::varchar AS to_varchar,
	pg_typeof('FULL'::access_level::varchar) AS varchar_type,
	'none'::text::access_level AS from_text,
	'Read_Only'::varchar(20)::access_level AS from_varchar,
	CAST('full'::text AS access_level) = 'full' AS cast_syntax;
SELECT 'bogus'::varchar::access_level;
-- the cast to text is an assignment cast: storing a level in a text column works
CREATE TEMP TABLE level_text (t text, v varchar(10));
INSERT INTO level_text VALUES ('full'::access_level, 'READ'::access_level);
SELECT * FROM level_text;
-- text to access_level is explicit only, like every I/O conversion from text
CREATE TEMP TABLE level_only (a access_level);
INSERT INTO level_only SELECT 'read'::text;
INSERT INTO level_only SELECT 'read'::text::access_level;
SELECT * FROM level_only;

--
-- Binary send/receive
--
SELECT v AS value, access_level_send(v) AS bytes
FROM unnest('{none,read,full}'::access_level[]) v;

-- round trip through COPY (FORMAT binary), and a byte that is not a level
-- (run on the server through a temporary file that is removed while read)
CREATE FUNCTION pg_temp.copy_binary(src text, dst text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	f text := '/tmp/permissions_regress_' || pg_backend_pid() || '.bin';
BEGIN
	EXECUTE format('COPY (%s) TO PROGRAM %L (FORMAT binary)', src, 'cat > ' || f);
	EXECUTE format('COPY %s FROM PROGRAM %L (FORMAT binary)', dst,
		format('{ rm -f %s; cat; } < %s', f, f));
	RETURN 'ok';
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TEMP TABLE level_bin (n int, a access_level);
SELECT pg_temp.copy_binary(
	$$SELECT n, a FROM (VALUES (1, 'none'::access_level), (2, 'read'), (3, 'full'), (4, NULL)) v(n, a)$$,
	'level_bin');
SELECT n, a, a IS NULL AS is_null FROM level_bin ORDER BY n;
-- bytea '\x03' goes out as a 1-byte field and comes back into an access_level column
SELECT pg_temp.copy_binary($$SELECT 5, '\x03'::bytea$$, 'level_bin');
SELECT pg_temp.copy_binary($$SELECT 5, '\xff'::bytea$$, 'level_bin');
SELECT pg_temp.copy_binary($$SELECT 5, '\x02'::bytea$$, 'level_bin');
SELECT pg_temp.copy_binary($$SELECT 6, '\x0202'::bytea$$, 'level_bin');
SELECT n, a FROM level_bin ORDER BY n;

--
-- Comparison operators over all nine pairs
--
SELECT a, b, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le,
	a > b AS gt, a >= b AS ge, access_level_cmp(a, b) AS cmp
FROM unnest('{none,read,full}'::access_level[]) a,
	unnest('{none,read,full}'::access_level[]) b
ORDER BY a, b;
-- the operators agree with the position in none < read < full
SELECT count(*) AS pairs,
	count(*) FILTER (WHERE (a = b) = (i = j) AND (a <> b) = (i <> j)
		AND (a < b) = (i < j) AND (a <= b) = (i <= j)
		AND (a > b) = (i > j) AND (a >= b) = (i >= j)
		AND access_level_cmp(a, b) = sign(i - j)) AS agree
FROM unnest('{none,read,full}'::access_level[]) WITH ORDINALITY x(a, i),
	unnest('{none,read,full}'::access_level[]) WITH ORDINALITY y(b, j);
-- unknown literals resolve to the type; NULL propagates
SELECT 'read'::access_level = 'READ-ONLY' AS eq_alias,
	'none'::access_level < 'Read' AS lt,
	'full'::access_level >= 'full' AS ge,
	('read'::access_level = NULL) IS NULL AS null_eq,
	('read'::access_level < NULL) IS NULL AS null_lt;
-- BETWEEN, IN, greatest/least use the btree ordering
SELECT 'read'::access_level BETWEEN 'none' AND 'full' AS between,
	'full'::access_level IN ('none', 'read') AS in_list,
	greatest('read'::access_level, 'full', 'none') AS greatest,
	least('read'::access_level, 'full', 'none') AS least;

--
-- ORDER BY and the min/max aggregates
--
CREATE TABLE levels (id int PRIMARY KEY, a access_level);
INSERT INTO levels VALUES (1, 'full'), (2, 'none'), (3, 'read'), (4, NULL),
	(5, 'read-only'), (6, 'NONE'), (7, 'Full');
SELECT id, a FROM levels ORDER BY a, id;
SELECT id, a FROM levels ORDER BY a DESC NULLS LAST, id;
SELECT min(a), max(a), count(a), count(*) FROM levels;
SELECT min(a), max(a) FROM levels WHERE id IN (2, 4, 6);
SELECT min(a) IS NULL AS min_null, max(a) IS NULL AS max_null FROM levels WHERE id = 4;
SELECT min(a) IS NULL AS min_null, max(a) IS NULL AS max_null FROM levels WHERE false;
SELECT id % 2 AS odd, min(a), max(a) FROM levels GROUP BY 1 ORDER BY 1;
SELECT array_agg(a ORDER BY a) FROM levels;

--
-- Indexes, joins, grouping
--
CREATE TABLE grants (id int PRIMARY KEY, a access_level NOT NULL);
INSERT INTO grants SELECT i, (ARRAY['none', 'read', 'full'])[1 + i % 3]::access_level
FROM generate_series(1, 3000) i;
CREATE INDEX grants_a_btree ON grants (a);
VACUUM ANALYZE grants;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM grants WHERE a >= 'read';
EXPLAIN (COSTS OFF) SELECT count(*) FROM grants WHERE a = 'full';
EXPLAIN (COSTS OFF) SELECT id FROM grants ORDER BY a DESC LIMIT 1;
EXPLAIN (COSTS OFF) SELECT max(a) FROM grants;
SELECT count(*) FILTER (WHERE a = 'none') AS n_none,
	count(*) FILTER (WHERE a = 'read') AS n_read,
	count(*) FILTER (WHERE a = 'full') AS n_full
FROM grants;
SELECT count(*) FROM grants WHERE a >= 'read';
SELECT count(*) FROM grants WHERE a > 'read';
SELECT count(*) FROM grants WHERE a < 'read';
SELECT count(*) FROM grants WHERE a <= 'read';
SELECT count(*) FROM grants WHERE a = 'read-only';
SELECT count(*) FROM grants WHERE a <> 'none';
SELECT count(*) FROM grants WHERE a BETWEEN 'read' AND 'full';
SELECT min(id), max(id) FROM grants WHERE a = 'full';
SELECT min(a), max(a) FROM grants;
SELECT id, a FROM grants WHERE a >= 'read' ORDER BY a, id LIMIT 4;
-- the index returns exactly what a sequential scan returns
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM grants WHERE a >= 'read';
SELECT count(*) FROM grants WHERE a >= 'read';
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;

-- hash index
DROP INDEX grants_a_btree;
CREATE INDEX grants_a_hash ON grants USING hash (a);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM grants WHERE a = 'read';
SELECT count(*), min(id), max(id) FROM grants WHERE a = 'read';
SELECT count(*) FROM grants WHERE a = 'Read_Only';
RESET enable_seqscan;
RESET enable_bitmapscan;
-- the extended hash agrees with the 32-bit hash in its low bits (seed 0)
SELECT a, (access_level_hash(a)::bigint & 4294967295)
		= (access_level_hash_extended(a, 0) & 4294967295) AS consistent
FROM unnest('{none,read,full}'::access_level[]) a;
SELECT count(DISTINCT access_level_hash(a)) AS distinct_hashes
FROM unnest('{none,read,full}'::access_level[]) a;

-- GROUP BY and DISTINCT, hashed and sorted
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT a, count(*) FROM grants GROUP BY a;
SELECT a, count(*) FROM grants GROUP BY a ORDER BY a;
SELECT DISTINCT a FROM grants ORDER BY a;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT a, count(*) FROM grants GROUP BY a;
SELECT a, count(*) FROM grants GROUP BY a ORDER BY a DESC;
SELECT DISTINCT a FROM grants ORDER BY a DESC;
RESET enable_hashagg;

-- joins on the type: hash join and merge join give the same answer
CREATE TABLE level_names (a access_level PRIMARY KEY, label text);
INSERT INTO level_names VALUES ('none', 'no access'), ('read', 'view only'), ('full', 'edit');
ANALYZE level_names;
SET enable_nestloop = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT n.label, count(*) FROM grants g JOIN level_names n ON n.a = g.a GROUP BY n.label;
SELECT n.label, count(*) FROM grants g JOIN level_names n ON n.a = g.a GROUP BY n.label ORDER BY n.label;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT n.label, count(*) FROM grants g JOIN level_names n ON n.a = g.a GROUP BY n.label;
SELECT n.label, count(*) FROM grants g JOIN level_names n ON n.a = g.a GROUP BY n.label ORDER BY n.label;
RESET enable_hashjoin;
RESET enable_nestloop;
-- a range join: which labels does each level reach?
SELECT l.a, string_agg(n.label, ', ' ORDER BY n.a) AS at_most
FROM level_names l JOIN level_names n ON n.a <= l.a
GROUP BY l.a ORDER BY l.a;

-- a primary key / unique constraint on the type rejects aliases of a stored value
INSERT INTO level_names VALUES ('READ-ONLY', 'duplicate');

-- the operator classes are valid
SELECT opcname, amname, opcdefault, amvalidate(c.oid)
FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
WHERE opcintype = 'access_level'::regtype
ORDER BY opcname;

DROP TABLE levels, grants, level_names, level_text, level_only, level_bin;
RESET search_path;
DROP EXTENSION permissions CASCADE;
