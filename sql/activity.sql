-- The activity log: track(), changed columns only, ignored columns, who
-- acted, rollbacks, config changes as grant / revoke, append-only, and
-- readable only with activity.read.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock'), ('activity');
INSERT INTO permissions.roles (role) VALUES ('clerk'), ('auditor');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw'), ('auditor', 'activity', 'r');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('activity.read', 'activity', 'r');
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');
INSERT INTO permissions.users (user_id, role, db_role) VALUES ('bob', 'clerk', NULL), ('aud', 'auditor', NULL),
	('ann', 'clerk', 'regress_activity_mapped');

-- config changes are logged: who gave bob full access to Leeds, and when?
CREATE ROLE regress_activity_app LOGIN;
CREATE ROLE regress_activity_mapped LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_activity_app;
INSERT INTO permissions.location_access VALUES ('bob', 1, 'read');
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'bob' AND location_id = 1;
DELETE FROM permissions.location_access WHERE user_id = 'bob' AND location_id = 1;
SELECT action, object, row_key, old, new, db_role, at <= clock_timestamp() AS has_time
  FROM permissions.activity WHERE object = 'permissions.location_access' ORDER BY activity_id;
SELECT action, count(*) FROM permissions.activity WHERE object <> 'permissions.location_access'
 GROUP BY action ORDER BY action;

-- the log's BRIN index leaves its first range open, so that an entry does
-- not widen a summary (1: summarizing it found no summary), and its jsonb
-- columns take no statistics
SELECT brin_summarize_range('permissions.activity_id_at', 0) AS ranges_summarized;
SELECT brin_desummarize_range('permissions.activity_id_at', 0);
SELECT attname, attstattarget FROM pg_attribute
 WHERE attrelid = 'permissions.activity'::regclass AND attnum > 0 AND attstattarget >= 0 ORDER BY attnum;
ANALYZE permissions.activity;
SELECT attname FROM pg_stats WHERE schemaname = 'permissions' AND tablename = 'activity'
   AND attname IN ('row_key', 'old', 'new', 'object') ORDER BY attname;

-- track(): bad input
SELECT permissions.track('no_such_table');
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE items (id int PRIMARY KEY, name text, qty numeric, tags text[], touched timestamptz, doc jsonb);
SELECT permissions.track('items', '{no_such_column}');
\echo :LAST_ERROR_SQLSTATE
CREATE VIEW items_view AS SELECT * FROM items;
SELECT permissions.track('items_view');
\echo :LAST_ERROR_SQLSTATE
-- twice is the same as once
SELECT permissions.track('items', '{touched}');
SELECT permissions.track('items', '{touched}');
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'items'::regclass;
GRANT SELECT, INSERT, UPDATE, DELETE ON items TO regress_activity_app, regress_activity_mapped;

-- inserts, updates with only the changed columns, deletes; the acting user and role
SET ROLE regress_activity_app;
SET permissions.user_id = 'bob';
INSERT INTO items VALUES (1, 'bolt', 5, '{a,b}', now(), '{"k": [1, 2]}');
UPDATE items SET qty = 6.50, touched = now() WHERE id = 1;
UPDATE items SET touched = now() WHERE id = 1;           -- only an ignored column: not logged
UPDATE items SET name = name WHERE id = 1;                -- nothing changed: not logged
UPDATE items SET tags = NULL, doc = '{"k": [3]}' WHERE id = 1;
SET permissions.reason = 'stock count';
DELETE FROM items WHERE id = 1;
RESET permissions.reason;
RESET permissions.user_id;
-- a rolled-back change leaves no entry
BEGIN;
SET LOCAL permissions.user_id = 'bob';
INSERT INTO items VALUES (2, 'nut', 1, NULL, now(), NULL);
ROLLBACK;
BEGIN;
SET LOCAL permissions.user_id = 'bob';
SAVEPOINT s;
INSERT INTO items VALUES (3, 'washer', 1, NULL, now(), NULL);
ROLLBACK TO SAVEPOINT s;
INSERT INTO items VALUES (4, 'screw', 1, NULL, now(), NULL);
COMMIT;
RESET ROLE;
-- the db_role mapping: the user and the database role both recorded
SET ROLE regress_activity_mapped;
UPDATE items SET qty = 2 WHERE id = 4;
RESET ROLE;
SELECT user_id, db_role, action, row_key, old, new, reason
  FROM permissions.activity WHERE object = 'public.items' ORDER BY activity_id;
-- even with replication switched off the triggers fire
SET session_replication_role = replica;
DELETE FROM items WHERE id = 4;
RESET session_replication_role;
SELECT action, row_key FROM permissions.activity WHERE object = 'public.items' ORDER BY activity_id DESC LIMIT 1;

-- append-only for everyone, the superuser included
UPDATE permissions.activity SET reason = 'rewritten';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM permissions.activity;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE permissions.activity;
\echo :LAST_ERROR_SQLSTATE
SET ROLE regress_activity_app;
INSERT INTO permissions.activity (db_role, action, object) VALUES ('x', 'forged', 'x');
\echo :LAST_ERROR_SQLSTATE

-- readable only with activity.read
SET permissions.user_id = 'bob';
SELECT count(*) AS bob_reads FROM permissions.activity;
SET permissions.user_id = 'aud';
SELECT count(*) > 10 AS auditor_reads FROM permissions.activity;
RESET permissions.user_id;
SELECT count(*) AS nobody_reads FROM permissions.activity;
RESET ROLE;

-- a log table changed by the DBA (an expression index, a column with a
-- default) is still written, through the slower general path
CREATE INDEX activity_new_name ON permissions.activity ((new->>'name'));
ALTER TABLE permissions.activity ADD COLUMN site text DEFAULT 'main';
INSERT INTO items VALUES (9, 'rivet', 1, NULL, now(), NULL);
SELECT action, new->>'name' AS name, site FROM permissions.activity
 WHERE object = 'public.items' AND row_key = '{"id": 9}';
ALTER TABLE permissions.activity DROP COLUMN site;
DROP INDEX permissions.activity_new_name;
INSERT INTO items VALUES (10, 'pin', 1, NULL, now(), NULL);
SELECT action, new->>'name' AS name FROM permissions.activity
 WHERE object = 'public.items' AND row_key = '{"id": 10}';
-- ... and a column whose type the DBA changed is honoured as any INSERT
-- honours it: a domain's CHECK refuses, json is stored as json
CREATE DOMAIN regress_object AS text CHECK (VALUE NOT LIKE '%forbidden%');
ALTER TABLE permissions.activity ALTER COLUMN object TYPE regress_object;
CREATE TABLE forbidden_items (id int PRIMARY KEY);
SELECT permissions.track('forbidden_items');
INSERT INTO forbidden_items VALUES (1);
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE permissions.activity ALTER COLUMN object TYPE text;
DROP TABLE forbidden_items;
DROP DOMAIN regress_object;
ALTER TABLE permissions.activity ALTER COLUMN new TYPE json USING new::json;
INSERT INTO items VALUES (14, 'tack', 1, NULL, now(), NULL);
SELECT pg_typeof(new) AS new_type, new->>'name' AS name FROM permissions.activity
 WHERE object = 'public.items' AND row_key = '{"id": 14}';
ALTER TABLE permissions.activity ALTER COLUMN new TYPE jsonb USING new::jsonb;
-- more dropped columns than the direct writer keeps room for on its stack
DO $$
BEGIN
	FOR i IN 1..8 LOOP
		EXECUTE format('ALTER TABLE permissions.activity ADD COLUMN gone%s int', i);
		EXECUTE format('ALTER TABLE permissions.activity DROP COLUMN gone%s', i);
	END LOOP;
END $$;
SELECT count(*) AS activity_attributes FROM pg_attribute
 WHERE attrelid = 'permissions.activity'::regclass AND attnum > 0;
INSERT INTO items VALUES (13, 'bolt', 1, NULL, now(), NULL);
SELECT action, new->>'name' AS name, activity_id > 0 AS has_id FROM permissions.activity
 WHERE object = 'public.items' AND row_key = '{"id": 13}';

-- every type is written as to_jsonb() renders it (the writer builds the
-- common ones itself), and every key can be looked up
-- (same_bytes: equal byte for byte, by the record image comparison *=)
CREATE FUNCTION pg_temp.same_bytes(x jsonb, y jsonb) RETURNS bool LANGUAGE sql
	AS $$ SELECT (SELECT r FROM (SELECT x) r) *= (SELECT r FROM (SELECT y) r) $$;
CREATE TYPE regress_pair AS (a int, b text);
CREATE TABLE typed (id int PRIMARY KEY, b bool, t text, v varchar(5), c char(3), i2 int2,
	i8 int8, n numeric, n_nan numeric, n_inf numeric, f8 float8, f8_nan float8, d date,
	d_inf date, ts timestamp, tstz timestamptz, tstz_inf timestamptz, tm time, iv interval,
	u uuid, arr int[], p regress_pair, j json, jb jsonb, nul text, "a longer column name" int, z int);
SELECT permissions.track('typed');
INSERT INTO typed VALUES (1, true, 'te"xt', 'v', 'c', -2, 9007199254740993, 12.50, 'NaN', '-Infinity',
	1.5e300, 'NaN', '2024-02-29', 'infinity', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+02',
	'-infinity', '13:14', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}',
	'(7,"x y")', '{"b": 1, "a": [true]}', '{"b": 1, "a": [true]}', NULL, 42, 0);
SELECT a.new = to_jsonb(r) AS insert_as_to_jsonb,
	(SELECT bool_and(a.new -> k IS NOT DISTINCT FROM to_jsonb(r) -> k)
	   FROM jsonb_object_keys(to_jsonb(r)) k) AS every_key_found,
	a.row_key = '{"id": 1}' AS key
  FROM permissions.activity a, typed r WHERE a.object = 'public.typed' AND a.action = 'insert';
CREATE TABLE typed_before AS SELECT * FROM typed;
UPDATE typed SET tstz = '2025-01-01 00:00:00+00', n = 'Infinity', "a longer column name" = NULL, z = 1,
	d = '2025-03-01', b = false;
SELECT a.old = (SELECT jsonb_object_agg(k, v) FROM jsonb_each(to_jsonb(o)) e(k, v)
	             WHERE k IN ('tstz', 'n', 'a longer column name', 'z', 'd', 'b')) AS old_changed_only,
	a.new = (SELECT jsonb_object_agg(k, v) FROM jsonb_each(to_jsonb(r)) e(k, v)
	          WHERE k IN ('tstz', 'n', 'a longer column name', 'z', 'd', 'b')) AS new_changed_only,
	(SELECT bool_and(a.new -> k IS NOT DISTINCT FROM to_jsonb(r) -> k)
	   FROM jsonb_object_keys(a.new) k) AS every_key_found,
	pg_temp.same_bytes(a.new, (SELECT jsonb_object_agg(k, v) FROM jsonb_each(to_jsonb(r)) e(k, v)
	                           WHERE k IN ('tstz', 'n', 'a longer column name', 'z', 'd', 'b'))) AS same_bytes
  FROM permissions.activity a, typed r, typed_before o
 WHERE a.object = 'public.typed' AND a.action = 'update';
CREATE TABLE typed_after AS SELECT * FROM typed;
DELETE FROM typed;
SELECT a.old = to_jsonb(r) AS delete_as_to_jsonb
  FROM permissions.activity a, typed_after r WHERE a.object = 'public.typed' AND a.action = 'delete';
DROP TABLE typed, typed_before, typed_after;
DROP TYPE regress_pair;

-- objects of scalars are written in jsonb's format by the writer itself:
-- 40 columns (more than jsonb's JB_OFFSET_STRIDE entries, so some entries
-- hold offsets), numerics at every alignment, strings of odd lengths,
-- booleans and nulls; byte for byte what to_jsonb() writes, so the text,
-- the size and every lookup match too
CREATE FUNCTION pg_temp.wide_type(g int) RETURNS text LANGUAGE sql
	AS $$ SELECT (ARRAY['int', 'text', 'bool', 'numeric', 'float8', 'uuid', 'date'])[g % 7 + 1] $$;
-- the value of column g when inserted (k = 0) and after the update (k = 1)
CREATE FUNCTION pg_temp.wide_value(g int, k int) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN (k = 0 AND g % 5 = 0) OR (k = 1 AND g % 11 = 0) THEN 'NULL'
	            ELSE CASE g % 7 WHEN 0 THEN (g * 1000003 + k)::text
	                            WHEN 1 THEN quote_literal(repeat(chr(120 + k), g + k))
	                            WHEN 2 THEN ((g + k) % 2 = 0)::text
	                            WHEN 3 THEN ((g + k) / 3.0)::text
	                            WHEN 4 THEN ((g + k) * 1.5)::text
	                            WHEN 5 THEN quote_literal(md5(g::text || k)::uuid)
	                            ELSE quote_literal('2024-01-01'::date + g + k) END END $$;
SELECT format('CREATE TABLE wide (id int PRIMARY KEY, %s)',
	string_agg(format('c%s %s', g, pg_temp.wide_type(g)), ', '))
  FROM generate_series(1, 40) g \gexec
SELECT permissions.track('wide');
SELECT format('INSERT INTO wide VALUES (1, %s)', string_agg(pg_temp.wide_value(g, 0), ', '))
  FROM generate_series(1, 40) g \gexec
CREATE TABLE wide_before AS SELECT * FROM wide;
SELECT format('UPDATE wide SET %s', string_agg(format('c%s = %s', g, pg_temp.wide_value(g, 1)), ', '))
  FROM generate_series(1, 40) g \gexec
SELECT a.action, (SELECT count(*) FROM jsonb_object_keys(a.new)) AS keys,
	a.new::text = to_jsonb(w)::text AS same_text,
	pg_column_size(a.new) = pg_column_size(to_jsonb(w)) AS same_size,
	(SELECT bool_and(a.new -> k IS NOT DISTINCT FROM to_jsonb(w) -> k)
	   FROM jsonb_object_keys(to_jsonb(w)) k) AS every_key_found,
	a.new = to_jsonb(w) AS equal,
	pg_temp.same_bytes(a.new, to_jsonb(w)) AS same_bytes
  FROM permissions.activity a, wide_before w
 WHERE a.object = 'public.wide' AND a.action = 'insert';
SELECT a.action, (SELECT count(*) FROM jsonb_object_keys(a.old)) AS old_keys,
	(SELECT count(*) FROM jsonb_object_keys(a.new)) AS new_keys,
	a.old::text = (to_jsonb(o) - 'id')::text AND a.new::text = (to_jsonb(w) - 'id')::text AS same_text,
	pg_column_size(a.old) = pg_column_size(to_jsonb(o) - 'id') AND
	pg_column_size(a.new) = pg_column_size(to_jsonb(w) - 'id') AS same_size,
	(SELECT bool_and(a.new -> k IS NOT DISTINCT FROM to_jsonb(w) -> k AND
	                 a.old -> k IS NOT DISTINCT FROM to_jsonb(o) -> k)
	   FROM jsonb_object_keys(to_jsonb(w) - 'id') k) AS every_key_found,
	a.row_key = '{"id": 1}' AS key,
	pg_temp.same_bytes(a.old, to_jsonb(o) - 'id') AND pg_temp.same_bytes(a.new, to_jsonb(w) - 'id') AND
	pg_temp.same_bytes(a.row_key, '{"id": 1}') AS same_bytes
  FROM permissions.activity a, wide w, wide_before o
 WHERE a.object = 'public.wide' AND a.action = 'update';
DROP TABLE wide, wide_before;

-- an update logs the columns whose content changed: here the toaster
-- compresses a (a thousand 'a's, untouched) only because b grew past what
-- fits in the row, so a's stored bytes change but a is not logged
CREATE TABLE toasty (id int PRIMARY KEY, a text, b text);
SELECT permissions.track('toasty');
INSERT INTO toasty VALUES (1, repeat('a', 1000), 'x');
SELECT pg_column_size(a) = octet_length(a) + 4 AS a_stored_plain FROM toasty;
UPDATE toasty SET b = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 47) g);
SELECT pg_column_size(a) < octet_length(a) AS a_stored_compressed FROM toasty;
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(old) k) AS old_keys,
	(SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(new) k) AS new_keys
  FROM permissions.activity WHERE object = 'public.toasty' AND action = 'update';
-- and when it moves a (1,900 bytes that do not compress, untouched) out of
-- line to the toast table
TRUNCATE toasty;
INSERT INTO toasty VALUES (2, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 59) g) || 'abcdefghijkl', 'x');
SELECT pg_column_size(a) = octet_length(a) + 4 AS a_stored_plain FROM toasty;
UPDATE toasty SET b = (SELECT string_agg(md5((-g)::text), '') FROM generate_series(1, 56) g);
-- one value went to the toast table, and it is not b
SELECT pg_column_size(b) = octet_length(b) + 4 AS b_stored_plain FROM toasty;
CREATE FUNCTION pg_temp.values_out_of_line(t regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(DISTINCT chunk_id) FROM %s',
		(SELECT reltoastrelid::regclass FROM pg_class WHERE oid = t)) INTO n;
	RETURN n;
END $$;
SELECT pg_temp.values_out_of_line('toasty');
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(old) k) AS old_keys,
	(SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(new) k) AS new_keys
  FROM permissions.activity WHERE object = 'public.toasty' AND action = 'update' AND row_key = '{"id": 2}';
DROP TABLE toasty;

-- the log names a table by its schema's current name
CREATE SCHEMA regress_s1;
CREATE TABLE regress_s1.t (id int PRIMARY KEY);
SELECT permissions.track('regress_s1.t');
INSERT INTO regress_s1.t VALUES (1);
ALTER SCHEMA regress_s1 RENAME TO regress_s2;
INSERT INTO regress_s2.t VALUES (2);
SELECT object, row_key FROM permissions.activity WHERE object LIKE 'regress_s_.t' ORDER BY activity_id;
DROP SCHEMA regress_s2 CASCADE;

-- a primary key of many columns (PostgreSQL allows 32) is the row_key
SELECT format('CREATE TABLE long_key (%s, v int, PRIMARY KEY (%s))',
	string_agg(format('k%s int', g), ', '), string_agg(format('k%s', g), ', '))
  FROM generate_series(1, 12) g \gexec
SELECT permissions.track('long_key');
INSERT INTO long_key SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0;
SELECT row_key FROM permissions.activity WHERE object = 'public.long_key';
DROP TABLE long_key;

-- a partition's rows are logged under the partitioned table's name (its
-- current one); a row moving to another partition is, as PostgreSQL runs
-- it, a delete and an insert
CREATE TABLE parted (id int, region int, qty int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES IN (1);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES IN (2);
SELECT permissions.track('parted');
INSERT INTO parted VALUES (1, 1, 10);
INSERT INTO parted_2 VALUES (2, 2, 20);
UPDATE parted SET qty = 11 WHERE id = 1;
UPDATE parted SET region = 2 WHERE id = 1;
ALTER TABLE parted RENAME TO parted_renamed;
DELETE FROM parted_renamed WHERE id = 2;
SELECT object, action, row_key, old, new FROM permissions.activity
 WHERE object LIKE 'public.parted%' ORDER BY activity_id;
DROP TABLE parted_renamed;

-- a rename to or from a name track() ignores is refused while the table
-- is tracked (a swap of names would log the secret under the other name)
CREATE TABLE secretive (id int PRIMARY KEY, secret text, note text);
SELECT permissions.track('secretive', '{secret,secret}');
INSERT INTO secretive VALUES (1, 'hunter2', 'a');
ALTER TABLE secretive RENAME COLUMN secret TO pwd;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE secretive RENAME COLUMN note TO secret;
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE secretive RENAME COLUMN id TO ident;            -- any other column: fine
-- an ignored column dropped: writes fail until track() names them again
ALTER TABLE secretive DROP COLUMN secret;
UPDATE secretive SET note = 'b';
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.track('secretive');
UPDATE secretive SET note = 'b';
SELECT action, old, new FROM permissions.activity WHERE object = 'public.secretive' ORDER BY activity_id;
SELECT permissions.untrack('secretive');
ALTER TABLE secretive RENAME COLUMN note TO secret;         -- untracked: fine
DROP TABLE secretive;

-- TRUNCATE leaves an entry: of a tracked table, of each partition it
-- empties (statement triggers are not cloned: track() puts one on each),
-- and of a config table
CREATE TABLE trunc (id int PRIMARY KEY);
SELECT permissions.track('trunc');
INSERT INTO trunc VALUES (1);
TRUNCATE trunc;
CREATE TABLE trunc_p (id int, r int) PARTITION BY LIST (r);
CREATE TABLE trunc_p1 PARTITION OF trunc_p FOR VALUES IN (1);
SELECT permissions.track('trunc_p');
TRUNCATE trunc_p1;
TRUNCATE trunc_p;
TRUNCATE permissions.lock_dates;
SELECT action, object, row_key, old, new FROM permissions.activity WHERE action = 'truncate' ORDER BY activity_id;
-- an inheritance child added later is reported, and covered by track() again
CREATE TABLE trunc_c () INHERITS (trunc);
SELECT object, problem FROM permissions.lint() WHERE problem LIKE 'under tracked table%' ORDER BY problem;
SELECT permissions.track('trunc');
INSERT INTO trunc_c VALUES (5);
UPDATE trunc SET id = 6 WHERE id = 5;
SELECT action, object, old, new FROM permissions.activity WHERE object = 'public.trunc_c' ORDER BY activity_id;
SELECT permissions.untrack('trunc'), permissions.untrack('trunc_p');
SELECT count(*) AS track_triggers_left FROM pg_trigger
 WHERE tgrelid IN ('trunc'::regclass, 'trunc_c'::regclass, 'trunc_p'::regclass, 'trunc_p1'::regclass)
   AND tgname LIKE 'permissions_track%';
DROP TABLE trunc, trunc_c, trunc_p;

-- what runs as the extension's owner resolves nothing through the
-- caller's search_path, not even in a trigger a DBA added to the log
CREATE SCHEMA regress_evil;
CREATE FUNCTION regress_evil.lower(text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'regress_evil.lower called';
END $$;
CREATE FUNCTION public.log_mirror() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM lower(NEW.action);
	RETURN NULL;
END $$;
CREATE TRIGGER mirror AFTER INSERT ON permissions.activity FOR EACH ROW EXECUTE FUNCTION public.log_mirror();
CREATE TABLE pathed (id int PRIMARY KEY);
SELECT permissions.track('pathed');
SET search_path = regress_evil, public, pg_catalog;
INSERT INTO pathed VALUES (1);
RESET search_path;
SELECT count(*) AS logged FROM permissions.activity WHERE object = 'public.pathed';
DROP TRIGGER mirror ON permissions.activity;
DROP FUNCTION public.log_mirror();
DROP SCHEMA regress_evil CASCADE;
-- a DBA's rule on the log is honoured (the SQL path runs it)
CREATE TABLE log_copy (action text, object text);
CREATE RULE copy_entries AS ON INSERT TO permissions.activity DO ALSO
	INSERT INTO public.log_copy VALUES (NEW.action, NEW.object);
INSERT INTO pathed VALUES (2);
DROP RULE copy_entries ON permissions.activity;
SELECT * FROM log_copy;
DROP TABLE log_copy;
-- the config modes (grant, config) are the extension's own tables' only:
-- elsewhere they would forge grants
CREATE TABLE forged (id int);
CREATE TRIGGER forge AFTER INSERT ON forged FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger('grant');
INSERT INTO forged VALUES (1);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE forged;
-- lint() reports a partition detached from a tracked table (its TRUNCATE
-- trigger stayed, its row trigger went with the parent) and an extension
-- trigger that is no longer ENABLE ALWAYS
CREATE TABLE det (id int, r int) PARTITION BY LIST (r);
CREATE TABLE det_1 PARTITION OF det FOR VALUES IN (1);
SELECT permissions.track('det');
ALTER TABLE det DETACH PARTITION det_1;
ALTER TABLE pathed ENABLE TRIGGER permissions_track;
SELECT severity, object, problem FROM permissions.lint()
 WHERE object IN ('table public.det_1', 'trigger permissions_track on public.pathed') ORDER BY object;
DROP TABLE det, det_1, pathed;

-- the log cannot log itself
SELECT permissions.track('permissions.activity');
\echo :LAST_ERROR_SQLSTATE

-- the log's BRIN index is kept by the writer, also in a summarized range
-- (as a rewrite of the log above or REINDEX leaves the last one), whose
-- summary each entry widens; an index the DBA adds is kept too
SELECT max(activity_id) AS last_id FROM permissions.activity \gset
SELECT brin_desummarize_range('permissions.activity_id_at', 0);
SELECT brin_summarize_range('permissions.activity_id_at', 0) AS ranges_summarized;
INSERT INTO items VALUES (11, 'nut', 1, NULL, now(), NULL);
CREATE INDEX activity_object_at ON permissions.activity (object, at);
INSERT INTO items VALUES (12, 'cog', 1, NULL, now(), NULL);
SET enable_seqscan = off;
SET enable_indexscan = off;
-- (a generic plan, so that the plan does not show the id itself)
SET plan_cache_mode = force_generic_plan;
PREPARE after_last(bigint) AS
	SELECT row_key FROM permissions.activity WHERE activity_id > $1 ORDER BY activity_id;
EXPLAIN (COSTS OFF) EXECUTE after_last(:last_id);
EXECUTE after_last(:last_id);
DEALLOCATE after_last;
RESET plan_cache_mode;
SET enable_indexscan = on;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT row_key FROM permissions.activity WHERE object = 'public.items' AND at > now() - interval '1 hour';
SELECT row_key FROM permissions.activity WHERE object = 'public.items' AND at > now() - interval '1 hour'
 ORDER BY at DESC LIMIT 1;
RESET enable_seqscan;
RESET enable_indexscan;
RESET enable_bitmapscan;
DROP INDEX permissions.activity_object_at;

-- untrack(): no more entries
SELECT permissions.untrack('items');
INSERT INTO items VALUES (5, 'clip', 1, NULL, now(), NULL);
SELECT count(*) AS after_untrack FROM permissions.activity WHERE object = 'public.items' AND row_key = '{"id": 5}';

DROP VIEW items_view;
DROP TABLE items;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_activity_app;
DROP ROLE regress_activity_app, regress_activity_mapped;
DROP EXTENSION permissions CASCADE;
