-- Benchmark data for the activity log: three identical 1,000-row tables,
-- one untracked, one under permissions.track(), one under the classic
-- PL/pgSQL audit trigger writing to_jsonb() old/new changed columns into a
-- similar table.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TABLE bench.t_untracked (id int PRIMARY KEY, qty int NOT NULL, note text, updated_at timestamptz);
CREATE TABLE bench.t_tracked (LIKE bench.t_untracked INCLUDING ALL);
CREATE TABLE bench.t_plpgsql (LIKE bench.t_untracked INCLUDING ALL);
CREATE TABLE bench.audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),
	user_id text, db_role name NOT NULL, action text NOT NULL, object text NOT NULL,
	row_key jsonb, old jsonb, new jsonb, xact xid8 NOT NULL DEFAULT pg_current_xact_id());
CREATE FUNCTION bench.audit_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	o jsonb;
	n jsonb;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT jsonb_object_agg(key, value) INTO o FROM jsonb_each(to_jsonb(OLD))
		 WHERE (to_jsonb(NEW) -> key) IS DISTINCT FROM value;
		SELECT jsonb_object_agg(key, value) INTO n FROM jsonb_each(to_jsonb(NEW))
		 WHERE (to_jsonb(OLD) -> key) IS DISTINCT FROM value;
	ELSIF TG_OP = 'INSERT' THEN
		n := to_jsonb(NEW);
	ELSE
		o := to_jsonb(OLD);
	END IF;
	INSERT INTO bench.audit_log (user_id, db_role, action, object, row_key, old, new)
	VALUES (nullif(current_setting('permissions.user_id', true), ''), current_user, lower(TG_OP),
		TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME,
		jsonb_build_object('id', coalesce(NEW.id, OLD.id)), o, n);
	RETURN NULL;
END $$;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON bench.t_plpgsql
	FOR EACH ROW EXECUTE FUNCTION bench.audit_trigger();
SELECT permissions.track('bench.t_tracked');
-- the reference for the single-row section: a C AFTER ROW trigger that does
-- nothing (test/bench/permissions_bench_noop.c, not part of the extension)
CREATE TABLE bench.t_noop (LIKE bench.t_untracked INCLUDING ALL);
CREATE FUNCTION bench.noop_trigger() RETURNS trigger LANGUAGE c
	AS 'permissions_bench_noop', 'permissions_bench_noop';
CREATE TRIGGER noop AFTER INSERT OR UPDATE OR DELETE ON bench.t_noop
	FOR EACH ROW EXECUTE FUNCTION bench.noop_trigger();
-- the control of the single-row runs: a second untracked table, identical
-- to the first, whose ratio to it shows the measure's noise
CREATE TABLE bench.t_twin (LIKE bench.t_untracked INCLUDING ALL);
INSERT INTO bench.t_untracked SELECT g, g, 'note ' || g, now() FROM generate_series(1, 1000) g;
INSERT INTO bench.t_twin SELECT * FROM bench.t_untracked;
INSERT INTO bench.t_tracked SELECT * FROM bench.t_untracked;
INSERT INTO bench.t_plpgsql SELECT * FROM bench.t_untracked;
INSERT INTO bench.t_noop SELECT * FROM bench.t_untracked;
-- the single-row section's second pair: the same shape at 100,000 rows, the
-- size of pgbench's own accounts table per scale unit.  On the 1,000-row
-- tables two clients keep ten heap pages hot, and each page is pruned again
-- and again, the more often the longer a transaction runs; here an update
-- rarely finds its page just updated by the other client.  Tracked after
-- loading, so that the load writes no entries.
CREATE TABLE bench.t_big_untracked (LIKE bench.t_untracked INCLUDING ALL);
CREATE TABLE bench.t_big_tracked (LIKE bench.t_untracked INCLUDING ALL);
INSERT INTO bench.t_big_untracked SELECT g, g, 'note ' || g, now() FROM generate_series(1, 100000) g;
INSERT INTO bench.t_big_tracked SELECT * FROM bench.t_big_untracked;
SELECT permissions.track('bench.t_big_tracked');
VACUUM ANALYZE bench.t_untracked, bench.t_twin, bench.t_tracked, bench.t_plpgsql, bench.t_noop,
	bench.t_big_untracked, bench.t_big_tracked;
