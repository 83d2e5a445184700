--
-- permissions.privileges: a set of the letters r w d a o (SPEC 1, Types)
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
-- the canonical text of the set with bit mask i (r=1 w=2 d=4 a=8 o=16), and
-- the bit mask of a value, read from its binary form
CREATE FUNCTION pg_temp.letters(i int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(string_agg(substr('rwdao', b + 1, 1), '' ORDER BY b), '')
	FROM generate_series(0, 4) b WHERE i & (1 << b) <> 0
$$;
CREATE FUNCTION pg_temp.mask(p permissions.privileges) RETURNS int LANGUAGE sql IMMUTABLE AS $$
	SELECT get_byte(permissions.privileges_send(p), 0)
$$;

-- Operators live in schema permissions (see types_access_level); the
-- qualified form works without it in search_path.
SELECT 'rw'::permissions.privileges @> 'r';
SELECT 'rw'::permissions.privileges OPERATOR(permissions.@>) 'r' AS contains;
SET search_path = permissions, public;

-- the type is a one-byte pass-by-value type
SELECT typname, typlen, typbyval, typalign, typstorage
FROM pg_type WHERE oid = 'permissions.privileges'::regtype;

--
-- Input and output
--
SELECT format('%L', v) AS input, v::privileges AS value, v::privileges::text = c AS canonical
FROM (VALUES ('', ''), ('r', 'r'), ('w', 'w'), ('d', 'd'), ('a', 'a'), ('o', 'o'),
	('rw', 'rw'), ('wr', 'rw'), ('dwr', 'rwd'), ('rwd', 'rwd'), ('ao', 'ao'),
	('oa', 'ao'), ('or', 'ro'), ('da', 'da'), ('ad', 'da'), ('oadwr', 'rwdao'),
	('rwdao', 'rwdao'), ('daorw', 'rwdao'), ('wo', 'wo')) t(v, c);
-- the empty string is the empty set, not NULL
SELECT ''::privileges IS NULL AS is_null, ''::privileges::text = '' AS empty_text,
	length(''::privileges::text) AS len;

-- all 32 sets: canonical text, the same letters reversed, binary form
SELECT i, pg_temp.letters(i)::privileges AS value,
	reverse(pg_temp.letters(i))::privileges AS from_reversed,
	pg_temp.letters(i)::privileges::text = pg_temp.letters(i) AS canonical,
	reverse(pg_temp.letters(i))::privileges = pg_temp.letters(i)::privileges AS same_set,
	privileges_send(pg_temp.letters(i)::privileges) AS bytes
FROM generate_series(0, 31) i ORDER BY i;

-- NULL is not an error
SELECT NULL::privileges IS NULL AS is_null;
SELECT privileges_in(NULL) IS NULL AS is_null;
SELECT * FROM pg_temp.try(NULL, 'permissions.privileges');

-- bad input: 22P02, the input in the message, the offending letter in the detail
SELECT pg_temp.visible(format('%L', v)) AS input, r.sqlstate, r.message, r.detail
FROM (VALUES (1, 'x'), (2, 'rwx'), (3, 'rr'), (4, 'rwr'), (5, 'rwdaor'),
	(6, 'rwdaox'), (7, 'rwdaorwdao'), (8, repeat('r', 10000)), (9, repeat('x', 10000)),
	(10, 'R'), (11, 'RW'), (12, 'Rw'), (13, 'rW'), (14, 'RWDAO'), (15, ' r'),
	(16, 'r '), (17, 'r w'), (18, E'r\t'), (19, E'\nr'), (20, ' '), (21, 'r,w'),
	(22, 'read'), (23, '-'), (24, '0'), (25, 'é'), (26, 'ré'), (27, '{r}'),
	(28, 'NULL'), (29, 'ww'), (30, 'oo')) t(n, v),
	LATERAL pg_temp.try(v, 'permissions.privileges') r
ORDER BY n;
-- every one of them carries the same hint
SELECT DISTINCT r.sqlstate, r.hint
FROM (VALUES ('x'), ('rwx'), ('rr'), ('rwdaor'), (repeat('r', 10000)), ('RW'),
	('Rw'), (' r'), ('r w'), ('é')) t(v),
	LATERAL pg_temp.try(v, 'permissions.privileges') r;

-- raw errors, as a client sees them
SELECT 'rwx'::privileges;
SELECT 'rr'::privileges;
SELECT 'Rw'::privileges;
SELECT 'r w'::privileges;

--
-- Casts to and from text and varchar
--
SELECT castsource::regtype, casttarget::regtype, castcontext, castmethod
FROM pg_cast
WHERE castsource = 'privileges'::regtype OR casttarget = 'privileges'::regtype
ORDER BY castsource::regtype::text, casttarget::regtype::text;
SELECT 'dwr'::privileges::text AS to_text,
	'oa'::privileges::varchar AS to_varchar,
	pg_typeof('oa'::privileges::varchar) AS varchar_type,
	'wr'::text::privileges AS from_text,
	'do'::varchar(10)::privileges AS from_varchar,
	''::text::privileges::text = '' AS empty_round_trip,
	CAST('ar'::text AS privileges) = 'ra' AS cast_syntax;
SELECT 'rwz'::varchar::privileges;
-- the cast to text is an assignment cast: storing a set in a text column works
CREATE TEMP TABLE privs_text (t text, v varchar(10));
INSERT INTO privs_text VALUES ('wr'::privileges, ''::privileges);
SELECT t, v, v = '' AS v_empty FROM privs_text;
-- text to privileges is explicit only
CREATE TEMP TABLE privs_only (p privileges);
INSERT INTO privs_only SELECT 'rw'::text;
INSERT INTO privs_only SELECT 'rw'::text::privileges;
SELECT * FROM privs_only;

--
-- Binary send/receive
--
SELECT v AS value, privileges_send(v) AS bytes
FROM unnest('{"",r,w,d,a,o,rwdao}'::privileges[]) v;
-- round trip through COPY (FORMAT binary), and bytes that are not a set
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
CREATE TEMP TABLE privs_bin (n int, p privileges);
SELECT pg_temp.copy_binary(
	$$SELECT i, pg_temp.letters(i)::permissions.privileges FROM generate_series(0, 31) i
	  UNION ALL SELECT 32, NULL$$,
	'privs_bin');
SELECT count(*) AS n_rows,
	count(*) FILTER (WHERE p::text = pg_temp.letters(n)) AS n_same,
	count(*) FILTER (WHERE p IS NULL) AS n_null
FROM privs_bin;
-- bytea goes out as a 1-byte field and comes back into a privileges column
SELECT pg_temp.copy_binary($$SELECT 40, '\x20'::bytea$$, 'privs_bin');
SELECT pg_temp.copy_binary($$SELECT 40, '\x3f'::bytea$$, 'privs_bin');
SELECT pg_temp.copy_binary($$SELECT 40, '\xff'::bytea$$, 'privs_bin');
SELECT pg_temp.copy_binary($$SELECT 40, '\x1f1f'::bytea$$, 'privs_bin');
SELECT pg_temp.copy_binary($$SELECT 40, '\x19'::bytea$$, 'privs_bin');
SELECT n, p FROM privs_bin WHERE n > 32;

--
-- Set operators: a truth table over several sets
--
CREATE TEMP TABLE sample (s privileges);
INSERT INTO sample VALUES (''), ('r'), ('rw'), ('rwd'), ('a'), ('rwdao');
SELECT a.s AS a, b.s AS b, a.s = b.s AS eq, a.s <> b.s AS ne,
	a.s @> b.s AS contains, a.s <@ b.s AS contained,
	a.s | b.s AS "union", a.s & b.s AS intersect, a.s - b.s AS minus
FROM sample a, sample b
ORDER BY pg_temp.mask(a.s), pg_temp.mask(b.s);

-- the same operators agree with bit arithmetic over all 32 x 32 pairs
SELECT count(*) AS pairs,
	count(*) FILTER (WHERE (a = b) = (i = j)) AS eq_ok,
	count(*) FILTER (WHERE (a <> b) = (i <> j)) AS ne_ok,
	count(*) FILTER (WHERE (a @> b) = (i & j = j)) AS contains_ok,
	count(*) FILTER (WHERE (a <@ b) = (i & j = i)) AS contained_ok,
	count(*) FILTER (WHERE pg_temp.mask(a | b) = i | j) AS union_ok,
	count(*) FILTER (WHERE pg_temp.mask(a & b) = i & j) AS intersect_ok,
	count(*) FILTER (WHERE pg_temp.mask(a - b) = i & ~j) AS minus_ok
FROM (SELECT i, pg_temp.letters(i)::privileges AS a FROM generate_series(0, 31) i) x,
	(SELECT j, pg_temp.letters(j)::privileges AS b FROM generate_series(0, 31) j) y;
-- set laws over all pairs
SELECT count(*) FILTER (WHERE NOT ((a | b) @> a AND (a | b) @> b)) AS union_bad,
	count(*) FILTER (WHERE NOT ((a & b) <@ a AND (a & b) <@ b)) AS intersect_bad,
	count(*) FILTER (WHERE (a - b) & b <> '') AS minus_overlap_bad,
	count(*) FILTER (WHERE ((a - b) | (a & b)) <> a) AS split_bad,
	count(*) FILTER (WHERE (a @> b) <> ((a | b) = a)) AS contains_bad,
	count(*) FILTER (WHERE (a <@ b) <> (b @> a)) AS commute_bad,
	count(*) FILTER (WHERE (a | b) <> (b | a) OR (a & b) <> (b & a)) AS symmetric_bad,
	count(*) FILTER (WHERE (a = b) <> (a::text = b::text)) AS text_eq_bad,
	count(*) FILTER (WHERE a = b AND privileges_hash(a) <> privileges_hash(b)) AS hash_bad
FROM (SELECT pg_temp.letters(i)::privileges AS a FROM generate_series(0, 31) i) x,
	(SELECT pg_temp.letters(j)::privileges AS b FROM generate_series(0, 31) j) y;
-- unknown literals resolve to the type; = binds looser than | & -
SELECT 'r'::privileges | 'w' = 'rw' AS union_eq,
	'rwd'::privileges - 'w' = 'rd' AS minus_eq,
	'rwd'::privileges & 'dao' = 'd' AS intersect_eq,
	'rwdao'::privileges - 'r' - 'w' AS chained_minus,
	'rwd'::privileges @> '' AS contains_empty,
	''::privileges <@ '' AS empty_in_empty,
	('rw'::privileges @> NULL) IS NULL AS null_contains,
	('rw'::privileges | NULL) IS NULL AS null_union;

--
-- Ordering: by bit mask (r=1 w=2 d=4 a=8 o=16), a total order for sorting
-- and indexes, which is NOT set inclusion: use @> and <@ for that.
--
SELECT a.s AS a, b.s AS b, a.s < b.s AS lt, a.s <= b.s AS le, a.s > b.s AS gt,
	a.s >= b.s AS ge, privileges_cmp(a.s, b.s) AS cmp, a.s <@ b.s AS contained
FROM sample a, sample b
WHERE a.s <> b.s
ORDER BY pg_temp.mask(a.s), pg_temp.mask(b.s);
SELECT 'a'::privileges > 'rwd' AS a_after_rwd, 'a'::privileges @> 'rwd' AS a_contains_rwd,
	'w'::privileges > 'r' AS w_after_r, 'w'::privileges @> 'r' AS w_contains_r;
-- the ordering operators agree with the bit masks over all pairs
SELECT count(*) AS pairs,
	count(*) FILTER (WHERE (a < b) = (i < j) AND (a <= b) = (i <= j)
		AND (a > b) = (i > j) AND (a >= b) = (i >= j)
		AND privileges_cmp(a, b) = sign(i - j)) AS agree
FROM (SELECT i, pg_temp.letters(i)::privileges AS a FROM generate_series(0, 31) i) x,
	(SELECT j, pg_temp.letters(j)::privileges AS b FROM generate_series(0, 31) j) y;
-- ORDER BY over all 32 sets, inserted in a scrambled order
SELECT array_agg(p ORDER BY p) AS ascending
FROM (SELECT pg_temp.letters((i * 7) % 32)::privileges AS p FROM generate_series(0, 31) i) s;
SELECT string_agg(format('%L', p), ' ' ORDER BY p DESC) AS descending
FROM (SELECT pg_temp.letters((i * 7) % 32)::privileges AS p FROM generate_series(0, 31) i) s;
SELECT greatest('a'::privileges, 'rwd', 'o') AS greatest,
	least('a'::privileges, 'rwd', 'o') AS least;

--
-- The union aggregate
--
CREATE TABLE role_grants (role text, area text, privs privileges);
INSERT INTO role_grants VALUES
	('clerk', 'invoices', 'r'), ('clerk', 'invoices', 'w'), ('clerk', 'orders', 'rd'),
	('boss', 'invoices', 'a'), ('boss', 'invoices', 'rwdo'), ('boss', 'orders', NULL),
	('guest', 'invoices', NULL), ('guest', 'orders', '');
SELECT role, privileges_union(privs) AS all_areas, count(privs) AS non_null
FROM role_grants GROUP BY role ORDER BY role;
SELECT role, area, privileges_union(privs) FROM role_grants GROUP BY role, area ORDER BY role, area;
SELECT privileges_union(privs) AS everything FROM role_grants;
-- zero rows give the empty set, not NULL; NULL rows are ignored
SELECT privileges_union(privs) AS none_rows, privileges_union(privs) IS NULL AS is_null
FROM role_grants WHERE false;
SELECT privileges_union(privs) AS only_nulls, privileges_union(privs) IS NULL AS is_null
FROM role_grants WHERE privs IS NULL;
SELECT privileges_union(p) AS all_32
FROM (SELECT pg_temp.letters(i)::privileges AS p FROM generate_series(0, 31) i) s;
-- which areas does each role hold with at least rw?
SELECT role, area FROM role_grants GROUP BY role, area
HAVING privileges_union(privs) @> 'rw' ORDER BY role, area;

--
-- Indexes, grouping, DISTINCT, joins
--
CREATE TABLE grants (id int PRIMARY KEY, p privileges NOT NULL);
INSERT INTO grants SELECT i, pg_temp.letters(i % 32)::privileges FROM generate_series(1, 3200) i;
CREATE INDEX grants_p_btree ON grants (p);
VACUUM ANALYZE grants;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM grants WHERE p = 'rw';
EXPLAIN (COSTS OFF) SELECT * FROM grants WHERE p >= 'a';
SELECT count(*), min(id), max(id) FROM grants WHERE p = 'wr';
SELECT count(*) FROM grants WHERE p >= 'a';
SELECT count(*) FROM grants WHERE p < 'd';
SELECT count(*) FROM grants WHERE p = '';
SELECT id, p FROM grants WHERE p >= 'rwd' ORDER BY p, id LIMIT 5;
RESET enable_seqscan;
RESET enable_bitmapscan;
-- containment is not indexable, but gives the right rows
SELECT count(*) FROM grants WHERE p @> 'r';
SELECT count(*) FROM grants WHERE p @> 'rw';
SELECT count(*) FROM grants WHERE p <@ 'rw';
SELECT count(*) FROM grants WHERE p & 'ao' <> '';
-- hash index
DROP INDEX grants_p_btree;
CREATE INDEX grants_p_hash ON grants USING hash (p);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM grants WHERE p = 'rwdao';
SELECT count(*), min(id), max(id) FROM grants WHERE p = 'oadwr';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT p, (privileges_hash(p)::bigint & 4294967295)
		= (privileges_hash_extended(p, 0) & 4294967295) AS consistent
FROM unnest('{"",r,rwdao}'::privileges[]) p;

-- GROUP BY and DISTINCT, hashed and sorted
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT p, count(*) FROM grants GROUP BY p;
SELECT count(*) AS groups, min(n), max(n)
FROM (SELECT p, count(*) AS n FROM grants GROUP BY p) g;
RESET enable_sort;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT DISTINCT p FROM grants;
SELECT DISTINCT p FROM grants WHERE p <@ 'rw' ORDER BY p;
RESET enable_hashagg;
SELECT DISTINCT p - 'wdao' AS read_part FROM grants ORDER BY 1;

-- joins: equality (hash and merge), and containment
CREATE TABLE profiles (p privileges PRIMARY KEY, name text);
INSERT INTO profiles VALUES ('', 'nothing'), ('r', 'viewer'), ('rw', 'editor'),
	('rwd', 'manager'), ('rwdao', 'owner');
ANALYZE profiles;
SET enable_nestloop = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT f.name, count(*) FROM grants g JOIN profiles f ON f.p = g.p GROUP BY f.name;
SELECT f.name, count(*) FROM grants g JOIN profiles f ON f.p = g.p GROUP BY f.name ORDER BY f.name;
RESET enable_mergejoin;
SET enable_hashjoin = off;
EXPLAIN (COSTS OFF) SELECT f.name, count(*) FROM grants g JOIN profiles f ON f.p = g.p GROUP BY f.name;
SELECT f.name, count(*) FROM grants g JOIN profiles f ON f.p = g.p GROUP BY f.name ORDER BY f.name;
RESET enable_hashjoin;
RESET enable_nestloop;
-- which profiles does each role's grant on invoices satisfy?
SELECT r.role, r.privs, string_agg(f.name, ', ' ORDER BY f.p) AS satisfies
FROM (SELECT role, privileges_union(privs) AS privs FROM role_grants
	WHERE area = 'invoices' GROUP BY role) r
JOIN profiles f ON r.privs @> f.p
GROUP BY r.role, r.privs ORDER BY r.role;
-- the primary key rejects another spelling of a stored set
INSERT INTO profiles VALUES ('wr', 'duplicate');

-- the operator classes are valid
SELECT opcname, amname, opcdefault, amvalidate(c.oid)
FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
WHERE opcintype = 'privileges'::regtype
ORDER BY opcname;

DROP TABLE sample, role_grants, grants, profiles, privs_text, privs_only, privs_bin;
DROP FUNCTION pg_temp.mask(permissions.privileges);
RESET search_path;
DROP EXTENSION permissions CASCADE;
