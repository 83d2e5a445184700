-- Locked records: lock_completed() and lock_before() on every path that
-- changes rows, overrides with a reason (logged), and bad input.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock'), ('orders');
INSERT INTO permissions.roles (role) VALUES ('clerk'), ('manager');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw'), ('clerk', 'orders', 'rw'),
	('manager', 'stock', 'rwo'), ('manager', 'orders', 'rwo');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
	('stock.override', 'stock', 'o', 'location', 'full'),
	('orders.override', 'orders', 'o', 'none', 'read');
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');
INSERT INTO permissions.users (user_id, role) VALUES ('cl', 'clerk'), ('mg', 'manager');
INSERT INTO permissions.location_access VALUES ('cl', 1, 'full'), ('cl', 2, 'full'), ('mg', 1, 'full'), ('mg', 2, 'read');
CREATE ROLE regress_locks_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_locks_app;

CREATE TABLE moves (id int PRIMARY KEY, location_id int NOT NULL, status text NOT NULL,
	qty int NOT NULL, moved_on date NOT NULL);
INSERT INTO moves VALUES (1, 1, 'draft', 10, '2026-05-01'), (2, 1, 'completed', 20, '2026-05-02'),
	(3, 2, 'completed', 30, '2026-05-03'), (4, 1, 'draft', 40, '2026-02-01');
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON moves TO regress_locks_app;

-- bad input
SELECT permissions.lock_completed('moves', 'no_such_column', '{completed}', 'stock.override');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_completed('moves', 'status', '{completed}', 'no.such.action');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_completed('moves', 'status', '{}', 'stock.override');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_before('moves', 'moved_on', 'no_such_area', 'stock.override');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_before('pg_class', 'moved_on', 'stock', 'stock.override');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_before('moves', 'status', 'stock', 'stock.override');          -- text is no date
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_completed('moves', 'status', '{completed}', 'stock.override', 'status');  -- nor a location
\echo :LAST_ERROR_SQLSTATE

SELECT permissions.lock_completed('moves', 'status', '{completed,cancelled}', 'stock.override', 'location_id');
SELECT permissions.lock_completed('moves', 'status', '{completed,cancelled}', 'stock.override', 'location_id');
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'moves'::regclass ORDER BY tgname;

SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
-- a draft row changes freely; a completed one does not, on any path
UPDATE moves SET qty = 11 WHERE id = 1;
UPDATE moves SET qty = 21 WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM moves WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO moves VALUES (2, 1, 'draft', 0, '2026-05-02') ON CONFLICT (id) DO UPDATE SET qty = 0;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO moves m USING (VALUES (2, 99)) v(id, qty) ON m.id = v.id WHEN MATCHED THEN UPDATE SET qty = v.qty;
\echo :LAST_ERROR_SQLSTATE
MERGE INTO moves m USING (VALUES (2)) v(id) ON m.id = v.id WHEN MATCHED THEN DELETE;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE moves;
\echo :LAST_ERROR_SQLSTATE
-- the transaction that completes a row may still finish it; after commit it is locked
BEGIN;
UPDATE moves SET status = 'completed' WHERE id = 1;
UPDATE moves SET qty = 12 WHERE id = 1;
COMMIT;
UPDATE moves SET qty = 13 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- the clerk may not override, reason or not
SET permissions.reason = 'recount';
UPDATE moves SET qty = 22 WHERE id = 2;
RESET permissions.reason;
-- the manager may override at a location with full access, with a reason only
SET permissions.user_id = 'mg';
UPDATE moves SET qty = 22 WHERE id = 2;
SET permissions.reason = 'stock recount 2026-05-10';
UPDATE moves SET qty = 22 WHERE id = 2;
UPDATE moves SET qty = 33 WHERE id = 3;                    -- read-only access at York
\echo :LAST_ERROR_SQLSTATE
RESET permissions.reason;
RESET permissions.user_id;
RESET ROLE;
SELECT id, qty, status FROM moves ORDER BY id;
SELECT user_id, action, object, row_key, old, new, reason FROM permissions.activity
 WHERE action = 'override' ORDER BY activity_id;

-- replication switched off by a superuser: still locked
SET session_replication_role = replica;
SET permissions.user_id = 'cl';
SET ROLE regress_locks_app;
UPDATE moves SET qty = 0 WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET session_replication_role;
RESET permissions.user_id;

-- foreign-key cascades
CREATE TABLE move_lines (move_id int REFERENCES moves ON DELETE CASCADE ON UPDATE CASCADE,
	line int, status text NOT NULL, PRIMARY KEY (move_id, line));
INSERT INTO move_lines VALUES (1, 1, 'completed'), (4, 1, 'draft');
SELECT permissions.lock_completed('move_lines', 'status', '{completed}', 'orders.override');
GRANT SELECT, DELETE, UPDATE ON move_lines TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
DELETE FROM moves WHERE id = 4;                            -- cascades to a draft line: fine
RESET ROLE;
INSERT INTO moves VALUES (8, 1, 'draft', 80, '2026-05-08');
INSERT INTO move_lines VALUES (8, 1, 'completed');
SET ROLE regress_locks_app;
DELETE FROM moves WHERE id = 8;                            -- cascades to a completed line
\echo :LAST_ERROR_SQLSTATE
UPDATE moves SET id = 108 WHERE id = 8;                    -- the key change cascades too
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;
SELECT * FROM move_lines ORDER BY move_id;
UPDATE moves SET status = 'draft' WHERE id = 1;            -- the superuser is not exempt either
\echo :LAST_ERROR_SQLSTATE

-- rows moved between partitions
CREATE TABLE part_moves (id int, location_id int NOT NULL, status text NOT NULL, PRIMARY KEY (id, location_id))
	PARTITION BY LIST (location_id);
CREATE TABLE part_moves_1 PARTITION OF part_moves FOR VALUES IN (1);
CREATE TABLE part_moves_2 PARTITION OF part_moves FOR VALUES IN (2);
INSERT INTO part_moves VALUES (1, 1, 'completed'), (2, 1, 'draft');
SELECT permissions.lock_completed('part_moves', 'status', '{completed}', 'stock.override', 'location_id');
GRANT SELECT, UPDATE ON part_moves TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE part_moves SET location_id = 2 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE part_moves SET location_id = 2 WHERE id = 2;
RESET permissions.user_id;
RESET ROLE;
SELECT tableoid::regclass, id, status FROM part_moves ORDER BY id;
-- TRUNCATE of one partition is refused too (each partition gets the lock's
-- statement trigger), and of one added later once the lock is renewed
GRANT TRUNCATE ON part_moves_1 TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
TRUNCATE part_moves_1;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;
CREATE TABLE part_moves_3 PARTITION OF part_moves FOR VALUES IN (3);
SELECT severity, object, problem FROM permissions.lint() WHERE problem LIKE 'under locked table%';
SELECT permissions.lock_completed('part_moves', 'status', '{completed}', 'stock.override', 'location_id');
SELECT count(*) AS unreached FROM permissions.lint() WHERE problem LIKE 'under locked table%';

-- an inheritance child's rows, changed through its parent, are locked too
CREATE TABLE inh_moves (id int PRIMARY KEY, status text NOT NULL);
CREATE TABLE inh_moves_old () INHERITS (inh_moves);
INSERT INTO inh_moves_old VALUES (1, 'completed');
SELECT permissions.lock_completed('inh_moves', 'status', '{completed}', 'orders.override');
GRANT SELECT, UPDATE, DELETE ON inh_moves TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE inh_moves SET status = 'draft';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM inh_moves;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;
-- a table under a locked one is covered from there: unlocking it alone is refused
SELECT permissions.unlock('inh_moves_old');
\echo :LAST_ERROR_SQLSTATE
-- a child reached by two paths (multiple inheritance) is locked and unlocked once
CREATE TABLE inh_moves_new () INHERITS (inh_moves);
CREATE TABLE inh_moves_both () INHERITS (inh_moves_old, inh_moves_new);
SELECT permissions.lock_completed('inh_moves', 'status', '{completed}', 'orders.override');
SELECT count(*) AS lock_triggers_on_both FROM pg_trigger
 WHERE tgrelid = 'inh_moves_both'::regclass AND tgname LIKE 'permissions_lock%';
-- a foreign partition takes the row triggers but no TRUNCATE trigger (it cannot)
CREATE EXTENSION postgres_fdw;
CREATE SERVER regress_locks_loop FOREIGN DATA WRAPPER postgres_fdw;
CREATE TABLE far_moves (id int, location_id int NOT NULL, status text NOT NULL) PARTITION BY LIST (location_id);
CREATE TABLE far_moves_1 PARTITION OF far_moves FOR VALUES IN (1);
CREATE FOREIGN TABLE far_moves_9 PARTITION OF far_moves FOR VALUES IN (9) SERVER regress_locks_loop;
SELECT permissions.lock_completed('far_moves', 'status', '{completed}', 'stock.override', 'location_id');
SELECT permissions.track('far_moves');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'far_moves_9'::regclass ORDER BY tgname;
SELECT count(*) AS unreached FROM permissions.lint() WHERE problem LIKE 'under % table%';
SELECT permissions.unlock('far_moves'), permissions.untrack('far_moves');
DROP TABLE far_moves;
DROP SERVER regress_locks_loop;
DROP EXTENSION postgres_fdw;
-- unlock() takes the lock off the tables under it as well
SELECT permissions.unlock('inh_moves'), permissions.unlock('part_moves');
SELECT count(*) AS lock_triggers_left FROM pg_trigger
 WHERE tgrelid IN ('inh_moves'::regclass, 'inh_moves_old'::regclass, 'inh_moves_new'::regclass,
                   'inh_moves_both'::regclass, 'part_moves'::regclass, 'part_moves_1'::regclass,
                   'part_moves_2'::regclass, 'part_moves_3'::regclass)
   AND tgname LIKE 'permissions_lock%';
DROP TABLE inh_moves CASCADE;

-- lock_before: closed periods
SELECT permissions.lock_before('moves', 'moved_on', 'stock', 'stock.override', 'location_id');
INSERT INTO permissions.lock_dates VALUES ('stock', '2026-03-31');
INSERT INTO moves VALUES (5, 1, 'draft', 50, '2026-04-15');
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
INSERT INTO moves VALUES (6, 1, 'draft', 60, '2026-03-15');       -- into the closed period
\echo :LAST_ERROR_SQLSTATE
UPDATE moves SET moved_on = '2026-03-30' WHERE id = 5;             -- moving a row into it
\echo :LAST_ERROR_SQLSTATE
UPDATE moves SET moved_on = '2026-04-20' WHERE id = 5;             -- open period: fine
SET permissions.user_id = 'mg';
SET permissions.reason = 'late delivery note';
INSERT INTO moves VALUES (7, 1, 'draft', 70, '2026-03-15');
RESET permissions.reason;
RESET permissions.user_id;
RESET ROLE;
-- the lock date moves: a row that was open is now closed
UPDATE permissions.lock_dates SET locked_until = '2026-04-30' WHERE area = 'stock';
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE moves SET qty = 51 WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;
SELECT id, moved_on FROM moves WHERE id IN (5, 6, 7) ORDER BY id;
SELECT action, row_key, new, reason FROM permissions.activity
 WHERE action = 'override' AND object = 'public.moves' ORDER BY activity_id DESC LIMIT 1;

-- TRUNCATE with an override that needs no location
CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL);
INSERT INTO orders VALUES (1, 'sent');
SELECT permissions.lock_completed('orders', 'status', '{sent}', 'orders.override');
GRANT TRUNCATE ON orders TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'mg';
TRUNCATE orders;
\echo :LAST_ERROR_SQLSTATE
SET permissions.reason = 'test data';
TRUNCATE orders;
RESET permissions.reason;
RESET permissions.user_id;
RESET ROLE;
SELECT count(*) AS orders_left FROM orders;
SELECT action, object, reason FROM permissions.activity WHERE object = 'public.orders';

-- an override is for its one change: the committed row stays locked for
-- the rest of the transaction, to each change its own override and entry
CREATE TABLE bins (id int PRIMARY KEY, location_id int NOT NULL, status text NOT NULL, qty int NOT NULL);
INSERT INTO bins VALUES (1, 1, 'completed', 1), (2, 1, 'draft', 2);
SELECT permissions.lock_completed('bins', 'status', '{completed}', 'stock.override', 'location_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON bins TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'mg';
BEGIN;
SET LOCAL permissions.reason = 'typo';
UPDATE bins SET qty = 2 WHERE id = 1;
RESET permissions.reason;
DELETE FROM bins WHERE id = 1;                             -- no reason now
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL permissions.reason = 'reopened';
UPDATE bins SET status = 'draft' WHERE id = 1;             -- no longer completed ...
SET LOCAL permissions.user_id = 'cl';
UPDATE bins SET qty = 5 WHERE id = 1;                      -- ... but committed so: the clerk may not
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- the row's key changed by two overrides: the rule is named once
BEGIN;
SET LOCAL permissions.reason = 'renumbered';
UPDATE bins SET id = 101 WHERE id = 1;
UPDATE bins SET id = 201 WHERE id = 101;
SET LOCAL permissions.user_id = 'cl';
UPDATE bins SET qty = 5 WHERE id = 201;
ROLLBACK;
BEGIN;
SET LOCAL permissions.reason = 'two fixes';
UPDATE bins SET qty = 7 WHERE id = 1;
UPDATE bins SET qty = 8, id = 11 WHERE id = 1;             -- a new key is the same row
UPDATE bins SET qty = 9 WHERE id = 11;
COMMIT;
-- a row an override moves to another partition stays overridden there
RESET ROLE;
CREATE TABLE region_moves (id int, region int, status text NOT NULL, PRIMARY KEY (id, region))
	PARTITION BY LIST (region);
CREATE TABLE region_moves_1 PARTITION OF region_moves FOR VALUES IN (1);
CREATE TABLE region_moves_2 PARTITION OF region_moves FOR VALUES IN (2);
INSERT INTO region_moves VALUES (1, 1, 'completed');
SELECT permissions.lock_completed('region_moves', 'status', '{completed}', 'orders.override');
GRANT SELECT, UPDATE ON region_moves TO regress_locks_app;
SET ROLE regress_locks_app;
BEGIN;
SET LOCAL permissions.reason = 'wrong region';
UPDATE region_moves SET region = 2 WHERE id = 1;
RESET permissions.reason;
UPDATE region_moves SET status = 'draft' WHERE id = 1;     -- in the other partition now
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- a row is known by its key's stored value, not by its text: a TimeZone
-- that prints a timestamptz key differently does not free it; a generated
-- key column is computed only after the lock's trigger, so then the whole
-- table counts
RESET ROLE;
CREATE TABLE stamp_keys (at timestamptz PRIMARY KEY, status text NOT NULL, val int);
INSERT INTO stamp_keys VALUES ('2026-05-01 00:00+00', 'completed', 1);
SELECT permissions.lock_completed('stamp_keys', 'status', '{completed}', 'orders.override');
CREATE TABLE gen_keys (base int NOT NULL, k int GENERATED ALWAYS AS (base * 10) STORED PRIMARY KEY,
	status text NOT NULL);
INSERT INTO gen_keys (base, status) VALUES (1, 'completed');
SELECT permissions.lock_completed('gen_keys', 'status', '{completed}', 'orders.override');
GRANT SELECT, UPDATE ON stamp_keys, gen_keys TO regress_locks_app;
SET ROLE regress_locks_app;
BEGIN;
SET LOCAL TimeZone = 'Asia/Tokyo';
SET LOCAL permissions.reason = 'fix';
UPDATE stamp_keys SET val = 2;
SET LOCAL TimeZone = 'UTC';
RESET permissions.reason;
UPDATE stamp_keys SET status = 'draft';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SET LOCAL permissions.reason = 'rebase';
UPDATE gen_keys SET base = 2;
RESET permissions.reason;
UPDATE gen_keys SET status = 'draft';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- a row this transaction completed is still its own to finish
BEGIN;
UPDATE bins SET status = 'completed' WHERE id = 2;
UPDATE bins SET qty = 3 WHERE id = 2;
COMMIT;
-- an override that moves the row needs the right at the new location too
SET permissions.reason = 'wrong bin';
UPDATE bins SET location_id = 2 WHERE id = 2;              -- mg has read-only access at York
\echo :LAST_ERROR_SQLSTATE
-- a reason of blanks is no reason
SET permissions.reason = '   ';
UPDATE bins SET qty = 10 WHERE id = 11;
\echo :LAST_ERROR_SQLSTATE
-- nor one of other white space or invisible characters (vertical tab,
-- no-break, ideographic and zero-width spaces, a byte order mark)
SET permissions.reason = E'\u00a0\u3000\u200b\ufeff\u2007\u0085\u180e\u2060\x0b\t';
UPDATE bins SET qty = 10 WHERE id = 11;
\echo :LAST_ERROR_SQLSTATE
SET permissions.reason = E'\u00a0ok\u3000';
BEGIN;
UPDATE bins SET qty = 10 WHERE id = 11;                     -- a reason with a word in it
ROLLBACK;
RESET permissions.reason;
RESET permissions.user_id;
RESET ROLE;
SELECT id, status, qty FROM bins ORDER BY id;
SELECT row_key, old, new, reason FROM permissions.activity
 WHERE object = 'public.bins' AND action = 'override' ORDER BY activity_id;

-- a char(n) status is padded with blanks, which do not count
CREATE TABLE padded (id int PRIMARY KEY, status char(10) NOT NULL);
INSERT INTO padded VALUES (1, 'completed');
SELECT permissions.lock_completed('padded', 'status', '{completed}', 'orders.override');
GRANT SELECT, UPDATE ON padded TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE padded SET status = 'draft' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;

-- under a case-insensitive collation the column's = finds "COMPLETED" equal
-- to "completed", and so does the lock; char(n) too
CREATE COLLATION regress_locks_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE ci_orders (id int PRIMARY KEY, status text COLLATE regress_locks_ci NOT NULL,
	code char(12) COLLATE regress_locks_ci NOT NULL);
INSERT INTO ci_orders VALUES (1, 'COMPLETED', 'x'), (2, 'draft', 'x'), (3, 'x', 'Closed');
SELECT permissions.lock_completed('ci_orders', 'status', '{completed}', 'orders.override');
CREATE TABLE ci_codes (LIKE ci_orders INCLUDING ALL);
INSERT INTO ci_codes SELECT * FROM ci_orders;
SELECT permissions.lock_completed('ci_codes', 'code', '{closed}', 'orders.override');
SELECT id FROM ci_orders WHERE status = 'completed';
GRANT SELECT, UPDATE ON ci_orders, ci_codes TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE ci_orders SET status = 'draft' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE ci_orders SET status = 'Draft' WHERE id = 2;
UPDATE ci_codes SET code = 'open' WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
UPDATE ci_codes SET code = 'open' WHERE id = 2;
RESET permissions.user_id;
RESET ROLE;
SELECT id, status, code FROM ci_orders ORDER BY id;
SELECT id, status, code FROM ci_codes ORDER BY id;
DROP TABLE ci_orders, ci_codes;
DROP COLLATION regress_locks_ci;

-- a status of another type is compared with its type's =: a citext
-- "COMPLETED" is "completed", an integer 3 is '03', a boolean true 'yes';
-- a locked status that is no value of the column's type is refused
CREATE EXTENSION citext;
CREATE TYPE regress_locks_state AS ENUM ('open', 'done');
CREATE TABLE typed (id int PRIMARY KEY, ci citext NOT NULL, n int NOT NULL, b boolean NOT NULL,
	e regress_locks_state NOT NULL);
INSERT INTO typed VALUES (1, 'COMPLETED', 0, false, 'open'), (2, 'x', 3, false, 'open'),
	(3, 'x', 0, true, 'open'), (4, 'x', 0, false, 'done'), (5, 'x', 0, false, 'open');
CREATE TABLE typed_n (LIKE typed INCLUDING ALL);
CREATE TABLE typed_b (LIKE typed INCLUDING ALL);
CREATE TABLE typed_e (LIKE typed INCLUDING ALL);
INSERT INTO typed_n SELECT * FROM typed;
INSERT INTO typed_b SELECT * FROM typed;
INSERT INTO typed_e SELECT * FROM typed;
SELECT permissions.lock_completed('typed', 'ci', '{completed}', 'orders.override');
SELECT permissions.lock_completed('typed_n', 'n', '{03}', 'orders.override');
SELECT permissions.lock_completed('typed_b', 'b', '{yes}', 'orders.override');
SELECT permissions.lock_completed('typed_e', 'e', '{done}', 'orders.override');
SELECT permissions.lock_completed('typed_n', 'n', '{done}', 'orders.override');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.lock_completed('typed_e', 'e', '{closed}', 'orders.override');
\echo :LAST_ERROR_SQLSTATE
GRANT SELECT, UPDATE ON typed, typed_n, typed_b, typed_e TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
UPDATE typed SET n = 9 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE typed_n SET ci = 'y' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
UPDATE typed_b SET n = 9 WHERE id = 3;
\echo :LAST_ERROR_SQLSTATE
UPDATE typed_e SET n = 9 WHERE id = 4;
\echo :LAST_ERROR_SQLSTATE
UPDATE typed SET n = 9 WHERE id = 5;
UPDATE typed_n SET n = 9 WHERE id = 5;
UPDATE typed_b SET n = 9 WHERE id = 5;
UPDATE typed_e SET n = 9 WHERE id = 5;
RESET permissions.user_id;
RESET ROLE;
SELECT 'typed' AS t, id, n FROM typed UNION ALL SELECT 'typed_n', id, n FROM typed_n
UNION ALL SELECT 'typed_b', id, n FROM typed_b UNION ALL SELECT 'typed_e', id, n FROM typed_e ORDER BY 1, 2;
DROP TABLE typed, typed_n, typed_b, typed_e;
DROP TYPE regress_locks_state;
DROP EXTENSION citext;

-- a generated column is computed after the lock's trigger ran: refused, and
-- if it becomes one later, every change fails rather than go unchecked
CREATE TABLE gen (id int PRIMARY KEY, ts timestamp NOT NULL, d date GENERATED ALWAYS AS (ts::date) STORED);
SELECT permissions.lock_before('gen', 'd', 'stock', 'stock.override');
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE gen_later (id int PRIMARY KEY, ts timestamp NOT NULL, d date);
SELECT permissions.lock_before('gen_later', 'd', 'stock', 'stock.override');
ALTER TABLE gen_later DROP COLUMN d;
ALTER TABLE gen_later ADD COLUMN d date GENERATED ALWAYS AS (ts::date) STORED;
INSERT INTO gen_later (id, ts) VALUES (1, '2026-01-06');
\echo :LAST_ERROR_SQLSTATE

-- a domain over date is a date
CREATE DOMAIN regress_day AS date;
CREATE TABLE dated (id int PRIMARY KEY, day regress_day NOT NULL);
SELECT permissions.lock_before('dated', 'day', 'stock', 'stock.override');
GRANT SELECT, INSERT ON dated TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
INSERT INTO dated VALUES (1, '2026-04-01');                 -- before the lock date 2026-04-30
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
RESET ROLE;
DROP TABLE dated;
DROP DOMAIN regress_day;

-- timestamptz columns are dated in permissions.lock_time_zone (UTC unless
-- a superuser says otherwise), not in the session's TimeZone
CREATE TABLE stamped (id int PRIMARY KEY, location_id int NOT NULL, at timestamptz NOT NULL);
SELECT permissions.lock_before('stamped', 'at', 'stock', 'stock.override', 'location_id');
GRANT SELECT, INSERT, UPDATE ON stamped TO regress_locks_app;
SET ROLE regress_locks_app;
SET permissions.user_id = 'cl';
SET TimeZone = 'Asia/Tokyo';
INSERT INTO stamped VALUES (1, 1, '2026-04-30 20:00+00');  -- May 1st in Tokyo, April 30th in UTC
\echo :LAST_ERROR_SQLSTATE
SET TimeZone = 'America/Los_Angeles';
INSERT INTO stamped VALUES (2, 1, '2026-05-01 00:30+00');  -- April 30th here, May 1st in UTC
SET permissions.lock_time_zone = 'Asia/Tokyo';
\echo :LAST_ERROR_SQLSTATE
RESET TimeZone;
RESET ROLE;
SET permissions.lock_time_zone = 'Asia/Tokyo';
SET ROLE regress_locks_app;
INSERT INTO stamped VALUES (1, 1, '2026-04-30 20:00+00');  -- dated in Tokyo now
RESET ROLE;
SET permissions.lock_time_zone = 'Mars/Olympus_Mons';
\echo :LAST_ERROR_SQLSTATE
RESET permissions.lock_time_zone;
RESET permissions.user_id;
SELECT id, at AT TIME ZONE 'UTC' AS at_utc FROM stamped ORDER BY id;

-- a foreign-key action runs as the referencing table's owner; the acting
-- user is still the one the session's role maps to, never the owner's
CREATE ROLE regress_locks_owner;
CREATE ROLE regress_locks_clerk;
INSERT INTO permissions.users (user_id, role, db_role) VALUES
	('own', 'manager', 'regress_locks_owner'), ('clm', 'clerk', 'regress_locks_clerk');
CREATE TABLE hdr (id int PRIMARY KEY);
CREATE TABLE hdr_lines (hdr_id int REFERENCES hdr ON DELETE CASCADE, n int, status text NOT NULL,
	PRIMARY KEY (hdr_id, n));
ALTER TABLE hdr_lines OWNER TO regress_locks_owner;
SELECT permissions.lock_completed('hdr_lines', 'status', '{completed}', 'orders.override');
INSERT INTO hdr VALUES (1);
INSERT INTO hdr_lines VALUES (1, 1, 'completed');
GRANT SELECT, DELETE ON hdr TO regress_locks_clerk;
SET ROLE regress_locks_clerk;
SELECT permissions.current_user_id() AS mapped;
SET permissions.reason = 'cleanup';
DELETE FROM hdr WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.reason;
RESET ROLE;
SELECT count(*) AS lines_kept FROM hdr_lines;

-- a BEFORE trigger that fires after the lock's (name order) is reported
CREATE FUNCTION touch_qty() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER zz_touch BEFORE UPDATE ON bins FOR EACH ROW EXECUTE FUNCTION touch_qty();
CREATE TRIGGER aa_touch BEFORE UPDATE ON bins FOR EACH ROW EXECUTE FUNCTION touch_qty();
SELECT severity, object, problem FROM permissions.lint() WHERE problem LIKE 'a BEFORE ROW trigger%';
DROP TRIGGER zz_touch ON bins;
DROP TRIGGER aa_touch ON bins;
DROP FUNCTION touch_qty();

-- a disabled lock trigger is reported by lint()
ALTER TABLE moves DISABLE TRIGGER permissions_lock_completed;
SELECT severity, object, problem FROM permissions.lint() WHERE object LIKE 'trigger%';
ALTER TABLE moves ENABLE ALWAYS TRIGGER permissions_lock_completed;

-- unlock()
SELECT permissions.unlock('moves');
UPDATE moves SET qty = 0 WHERE id = 2;
SELECT count(*) AS lock_triggers_left FROM pg_trigger WHERE tgrelid = 'moves'::regclass AND tgname LIKE 'permissions_lock%';

DROP TABLE move_lines, moves, part_moves, orders, region_moves, stamp_keys, gen_keys, bins, padded, gen, gen_later, stamped, hdr_lines, hdr;
DELETE FROM permissions.users WHERE user_id IN ('own', 'clm');
DROP ROLE regress_locks_owner, regress_locks_clerk;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_locks_app;
DROP ROLE regress_locks_app;
DROP EXTENSION permissions CASCADE;
