-- permissions 1.0 -> 1.1: the changes to the objects of 1.0, then (appended by
-- make from src/sql/10_approvals.sql and 11_lint.sql) the approval
-- workflows, new in 1.1, and lint() / access_matrix() as they are now.
--
-- Until 1.1 is released this file and 10_approvals.sql are the source of the
-- upgrade script; at release, freeze the built permissions--1.0--1.1.sql
-- here.  test/t/008_upgrade.pl compares an updated 1.0 with a fresh install.

\echo Use "ALTER EXTENSION permissions UPDATE TO '1.1'" to load this file. \quit

-- who holds a role (the audience of notifications; 03_catalog.sql)
CREATE INDEX users_role ON permissions.users (role);
CREATE INDEX memberships_role ON permissions.memberships (role);

-- the log keeps one BRIN index and takes ids 32 at a time (07_activity.sql):
-- a unique and an (object, at) btree cost every tracked change more than
-- the rest of the entry; recreate the latter if you search by table
ALTER TABLE permissions.activity DROP CONSTRAINT activity_pkey;
DROP INDEX permissions.activity_object_at;
ALTER TABLE permissions.activity ALTER COLUMN activity_id SET CACHE 32;
CREATE INDEX activity_id_at ON permissions.activity USING brin (activity_id, at);
-- built on the log as it is, the index summarizes its last, partial range:
-- leave that range open, as a fresh install leaves its first one, and take
-- no statistics on the jsonb columns (07_activity.sql says why)
SELECT pg_catalog.brin_desummarize_range('permissions.activity_id_at',
	GREATEST(pg_catalog.pg_relation_size('permissions.activity')
		OPERATOR(pg_catalog./) pg_catalog.current_setting('block_size')::pg_catalog.int8
		OPERATOR(pg_catalog.-) 1, 0));
ALTER TABLE permissions.activity ALTER COLUMN row_key SET STATISTICS 0,
	ALTER COLUMN old SET STATISTICS 0, ALTER COLUMN new SET STATISTICS 0;

-- notifications: no foreign key; users are locked by the writer, and a
-- trigger on users takes their notifications along (09_notifications.sql)
ALTER TABLE permissions.notifications DROP CONSTRAINT notifications_user_id_fkey;
-- A user's notifications go with the user (deleted, renamed, truncated), as
-- a foreign key's ON DELETE / ON UPDATE CASCADE would take them; the writer
-- locks each user it notifies FOR KEY SHARE itself, which costs less than
-- a foreign key's check of every row
CREATE FUNCTION permissions.notifications_follow_user() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_notifications_follow_user' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION permissions.notifications_follow_user() FROM PUBLIC;
CREATE TRIGGER notifications_follow AFTER DELETE OR UPDATE OF user_id ON permissions.users
	FOR EACH ROW EXECUTE FUNCTION permissions.notifications_follow_user();
CREATE TRIGGER notifications_follow_truncate AFTER TRUNCATE ON permissions.users
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.notifications_follow_user();

-- one table/column check shared by the installers (07_activity.sql)
-- the checks every installer makes of its table and columns (internal):
-- a table (plain or partitioned) and columns that exist; NULL columns are
-- skipped (optional arguments)
CREATE FUNCTION permissions._check_table(tbl regclass, columns name[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_col name;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'the table must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind INTO v_kind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION '"%" is not a table', tbl USING ERRCODE = 'wrong_object_type';
	END IF;
	FOREACH v_col IN ARRAY coalesce(columns, '{}') LOOP
		IF v_col IS NOT NULL AND NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
		                WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) v_col
		                  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', v_col, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
	END LOOP;
END
$function$;

-- a table and every table under it (partitions, inheritance children), the
-- table first (internal): what track() and the lock functions reach
CREATE FUNCTION permissions._table_tree(tbl regclass)
	RETURNS TABLE (relid regclass, depth integer, is_partition boolean, is_foreign boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $function$
	WITH RECURSIVE tree(relid, depth) AS (
		SELECT tbl::oid, 0
		UNION
		SELECT i.inhrelid, tree.depth OPERATOR(pg_catalog.+) 1
		  FROM pg_catalog.pg_inherits i JOIN tree ON i.inhparent OPERATOR(pg_catalog.=) tree.relid),
	-- once each (multiple inheritance reaches a child by several paths)
	once AS (SELECT tree.relid, pg_catalog.min(tree.depth) AS depth FROM tree GROUP BY tree.relid)
	SELECT o.relid::pg_catalog.regclass, o.depth, c.relispartition, c.relkind OPERATOR(pg_catalog.=) 'f'
	  FROM once o JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) o.relid
	 ORDER BY o.depth, o.relid
$function$;

-- drop the named triggers from a table and the tables under it, the
-- table's first (internal; a partition's cloned row trigger goes with its
-- parent's)
CREATE FUNCTION permissions._drop_tree_triggers(tbl regclass, names text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_rel regclass;
	v_name text;
	v_parent regclass;
BEGIN
	-- a table under one that carries the triggers is covered from there:
	-- taking them off it alone would open it
	SELECT i.inhparent::regclass INTO v_parent
	  FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_trigger t ON t.tgrelid OPERATOR(pg_catalog.=) i.inhparent
	 WHERE i.inhrelid OPERATOR(pg_catalog.=) tbl AND t.tgname OPERATOR(pg_catalog.=) ANY (names)
	 LIMIT 1;
	IF v_parent IS NOT NULL THEN
		RAISE EXCEPTION 'table % is under table %, whose rule covers it', tbl, v_parent
			USING ERRCODE = 'object_not_in_prerequisite_state', HINT = pg_catalog.format('Call the function on %s.', v_parent);
	END IF;
	FOR v_rel, v_name IN
		SELECT t.tgrelid::regclass, t.tgname::text
		  FROM permissions._table_tree(tbl) tree JOIN pg_catalog.pg_trigger t ON t.tgrelid OPERATOR(pg_catalog.=) tree.relid
		 WHERE t.tgname OPERATOR(pg_catalog.=) ANY (names) AND t.tgparentid OPERATOR(pg_catalog.=) 0
		 ORDER BY tree.depth
	LOOP
		EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_name, v_rel);
	END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION permissions.track(tbl regclass, ignore_columns name[] DEFAULT '{}') RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_args text := (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(x), ', ')
	                  FROM pg_catalog.unnest(ARRAY['track']::text[] OPERATOR(pg_catalog.||)
	                                         coalesce(ignore_columns, '{}')::text[]) x);
	v_rel regclass;
	v_row boolean;
	v_foreign boolean;
BEGIN
	PERFORM permissions._check_table(tbl, ignore_columns);
	IF tbl OPERATOR(pg_catalog.=) 'permissions.activity'::pg_catalog.regclass THEN
		RAISE EXCEPTION 'permissions.activity cannot be tracked'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'It is the log itself; each entry would log itself again.';
	END IF;
	-- the table and every table under it: the row trigger reaches partitions
	-- by itself, the TRUNCATE trigger does not, and neither reaches an
	-- inheritance child (lint() reports a table added under it later)
	FOR v_rel, v_row, v_foreign IN
		SELECT t.relid, t.depth OPERATOR(pg_catalog.=) 0 OR NOT t.is_partition, t.is_foreign
		  FROM permissions._table_tree(tbl) t
	LOOP
		IF v_row THEN
			IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) v_rel
			            AND t.tgname OPERATOR(pg_catalog.=) 'permissions_track') THEN
				EXECUTE pg_catalog.format('DROP TRIGGER permissions_track ON %s', v_rel);
			END IF;
			EXECUTE pg_catalog.format(
				'CREATE TRIGGER permissions_track AFTER INSERT OR UPDATE OR DELETE ON %s
				 FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger(%s)', v_rel, v_args);
			EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER permissions_track', v_rel);
		END IF;
		IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) v_rel
		            AND t.tgname OPERATOR(pg_catalog.=) 'permissions_track_truncate') THEN
			EXECUTE pg_catalog.format('DROP TRIGGER permissions_track_truncate ON %s', v_rel);
		END IF;
		-- (a foreign table takes no TRUNCATE trigger)
		IF NOT v_foreign THEN
			EXECUTE pg_catalog.format(
				'CREATE TRIGGER permissions_track_truncate AFTER TRUNCATE ON %s
				 FOR EACH STATEMENT EXECUTE FUNCTION permissions.activity_trigger(''track'')', v_rel);
			EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER permissions_track_truncate', v_rel);
		END IF;
	END LOOP;
END
$function$;

COMMENT ON FUNCTION permissions.track(regclass, name[]) IS
	'log every INSERT, UPDATE, DELETE and TRUNCATE of a table, and of the tables under it, in permissions.activity';

CREATE OR REPLACE FUNCTION permissions.untrack(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._drop_tree_triggers(tbl, ARRAY['permissions_track', 'permissions_track_truncate']);
END
$function$;

-- a column of a tracked table renamed to or from an ignored name would
-- change what is logged: refused (untrack, rename, track again)
CREATE FUNCTION permissions.track_rename_guard() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'permissions_track_rename_guard' LANGUAGE C;
CREATE EVENT TRIGGER permissions_track_rename_guard ON ddl_command_start
	WHEN TAG IN ('ALTER TABLE', 'ALTER FOREIGN TABLE')
	EXECUTE FUNCTION permissions.track_rename_guard();
ALTER EVENT TRIGGER permissions_track_rename_guard ENABLE ALWAYS;

-- TRUNCATE of a config table is logged too (07_activity.sql, 08, 09)
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['roles', 'areas', 'role_privileges', 'features', 'actions', 'locations',
		'settings', 'users', 'location_access', 'memberships', 'lock_dates', 'alert_rules']
	LOOP
		EXECUTE pg_catalog.format(
			'CREATE TRIGGER activity_log_truncate AFTER TRUNCATE ON permissions.%I
			 FOR EACH STATEMENT EXECUTE FUNCTION permissions.activity_trigger(''config'')', t);
		EXECUTE pg_catalog.format('ALTER TABLE permissions.%I ENABLE ALWAYS TRIGGER activity_log_truncate', t);
	END LOOP;
END
$$;

-- 08_locks.sql
-- whether a column's type, or the base type of its domain, is one of
-- types (internal)
CREATE FUNCTION permissions._column_type_in(tbl regclass, col name, types oid[]) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $function$
	WITH RECURSIVE b(typ) AS (
		SELECT a.atttypid FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col
		UNION ALL
		SELECT t.typbasetype FROM b JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) b.typ
		 WHERE t.typtype OPERATOR(pg_catalog.=) 'd')
	SELECT EXISTS (SELECT FROM b WHERE b.typ OPERATOR(pg_catalog.=) ANY (types))
$function$;

-- the checks both lock functions make of their arguments (internal)
CREATE OR REPLACE FUNCTION permissions._lock_check_args(tbl regclass, columns name[], override_action text)
	RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	IF override_action IS NULL THEN
		RAISE EXCEPTION 'the table and the override action must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM permissions._check_table(tbl, columns);
	-- computed after BEFORE triggers: a new row's value is not there to check
	IF EXISTS (SELECT FROM pg_catalog.pg_attribute a
	            WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) ANY (columns)
	              AND a.attgenerated OPERATOR(pg_catalog.<>) '') THEN
		RAISE EXCEPTION 'a lock cannot check a generated column'
			USING ERRCODE = 'feature_not_supported', HINT = 'Lock on the columns it is computed from.';
	END IF;
	-- the location: smallint, integer or bigint (21, 23, 20), or a domain over one
	IF columns[2] IS NOT NULL
	   AND NOT permissions._column_type_in(tbl, columns[2], ARRAY[21, 23, 20]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION 'location column "%" of relation "%" is not smallint, integer or bigint', columns[2], tbl
			USING ERRCODE = 'datatype_mismatch';
	END IF;
	IF NOT permissions.action_exists(override_action) THEN
		RAISE EXCEPTION 'action "%" does not exist', override_action
			USING ERRCODE = 'undefined_object', HINT = 'Actions are rows of permissions.actions.';
	END IF;
END
$function$;

-- lock_before() checks its date column's type (08_locks.sql)
-- a lock_before() date column must be a date, timestamp or timestamptz
-- (1082, 1114, 1184), or a domain over one (internal)
CREATE FUNCTION permissions._lock_check_date(tbl regclass, date_column name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	IF NOT permissions._column_type_in(tbl, date_column, ARRAY[1082, 1114, 1184]::pg_catalog.oid[]) THEN
		RAISE EXCEPTION 'date column "%" of relation "%" is not a date or timestamp', date_column, tbl
			USING ERRCODE = 'datatype_mismatch';
	END IF;
END
$function$;

CREATE OR REPLACE FUNCTION permissions.lock_before(tbl regclass, date_column name, area text, override_action text,
		location_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._lock_check_args(tbl, ARRAY[date_column, location_column], override_action);
	IF date_column IS NULL OR area IS NULL THEN
		RAISE EXCEPTION 'lock_before needs a date column and an area' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM permissions._lock_check_date(tbl, date_column);
	IF NOT permissions.area_exists(area) THEN
		RAISE EXCEPTION 'area "%" does not exist', area
			USING ERRCODE = 'undefined_object', HINT = 'Areas are rows of permissions.areas.';
	END IF;
	PERFORM permissions._lock_install(tbl, 'permissions_lock_before',
		ARRAY['before', date_column::text, area, override_action, coalesce(location_column::text, '')]);
END
$function$;

-- (re)create one of the lock triggers of a table, and of every table under
-- it: row triggers reach partitions by themselves, statement (TRUNCATE)
-- triggers do not, and neither reaches an inheritance child (lint() reports
-- a table added under a locked one later)
CREATE OR REPLACE FUNCTION permissions._lock_install(tbl regclass, name text, args text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_args text := (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(a), ', ') FROM pg_catalog.unnest(args) a);
	v_rel regclass;
	v_row boolean;
	v_foreign boolean;
	v_trigger text;
BEGIN
	FOR v_rel, v_row, v_foreign IN
		SELECT t.relid, t.depth OPERATOR(pg_catalog.=) 0 OR NOT t.is_partition, t.is_foreign
		  FROM permissions._table_tree(tbl) t
	LOOP
		FOREACH v_trigger IN ARRAY CASE WHEN v_row THEN ARRAY[name, name || '_truncate'] ELSE ARRAY[name || '_truncate'] END LOOP
			IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) v_rel
			            AND t.tgname OPERATOR(pg_catalog.=) v_trigger) THEN
				EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', v_trigger, v_rel);
			END IF;
		END LOOP;
		IF v_row THEN
			EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %s
				FOR EACH ROW EXECUTE FUNCTION permissions.lock_trigger(%s)', name, v_rel, v_args);
			EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', v_rel, name);
		END IF;
		-- (a foreign table takes no TRUNCATE trigger)
		IF NOT v_foreign THEN
			EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s
				FOR EACH STATEMENT EXECUTE FUNCTION permissions.lock_trigger(%s)', name || '_truncate', v_rel, v_args);
			EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', v_rel, name || '_truncate');
		END IF;
	END LOOP;
END
$function$;

-- lock_completed() checks its statuses against the column's type (08_locks.sql)
-- each locked status must be a value of the status column's type: the lock
-- compares a status of a type other than text with that type's = (internal)
CREATE FUNCTION permissions._lock_check_statuses(tbl regclass, status_column name, statuses text[])
	RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_type text;
	v_status text;
BEGIN
	SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) INTO v_type FROM pg_catalog.pg_attribute a
	 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) status_column
	   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	FOREACH v_status IN ARRAY statuses LOOP
		BEGIN
			EXECUTE pg_catalog.format('SELECT %L::%s', v_status, v_type);
		EXCEPTION WHEN data_exception THEN
			RAISE EXCEPTION 'locked status "%" is not a value of column "%" of relation "%" (%)',
				v_status, status_column, tbl, v_type
				USING ERRCODE = 'invalid_text_representation', DETAIL = SQLERRM;
		END;
	END LOOP;
END
$function$;

CREATE OR REPLACE FUNCTION permissions.lock_completed(tbl regclass, status_column name, locked_statuses text[],
		override_action text, location_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._lock_check_args(tbl, ARRAY[status_column, location_column], override_action);
	IF status_column IS NULL OR locked_statuses IS NULL OR pg_catalog.cardinality(locked_statuses) OPERATOR(pg_catalog.=) 0
	   OR pg_catalog.array_position(locked_statuses, NULL) IS NOT NULL THEN
		RAISE EXCEPTION 'lock_completed needs a status column and at least one locked status'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM permissions._lock_check_statuses(tbl, status_column, locked_statuses);
	PERFORM permissions._lock_install(tbl, 'permissions_lock_completed',
		ARRAY['completed', status_column::text, override_action, coalesce(location_column::text, '')]
		OPERATOR(pg_catalog.||) locked_statuses);
END
$function$;

CREATE OR REPLACE FUNCTION permissions.unlock(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._drop_tree_triggers(tbl, ARRAY['permissions_lock_completed', 'permissions_lock_completed_truncate',
	                                            'permissions_lock_before', 'permissions_lock_before_truncate']);
END
$function$;

-- what 1.0 put on user tables, put there again as 1.1 does: the TRUNCATE
-- triggers of tracked tables, and on the tables under a tracked or locked
-- one (07_activity.sql, 08_locks.sql), from each trigger's own arguments
DO $$
DECLARE
	r record;
	v_args text[];
	v_b bytea;
	v_i integer;
BEGIN
	FOR r IN
		SELECT t.tgrelid::regclass AS rel, t.tgname::text AS name, t.tgargs AS args
		  FROM pg_catalog.pg_trigger t
		 WHERE t.tgparentid OPERATOR(pg_catalog.=) 0
		   AND t.tgname IN ('permissions_track', 'permissions_lock_completed', 'permissions_lock_before')
		 ORDER BY t.tgrelid, t.tgname
	LOOP
		v_args := '{}';
		v_b := r.args;
		LOOP
			v_i := pg_catalog.position(v_b, '\x00'::bytea);
			EXIT WHEN v_i OPERATOR(pg_catalog.=) 0;
			v_args := v_args OPERATOR(pg_catalog.||) pg_catalog.convert_from(
				pg_catalog.substr(v_b, 1, v_i OPERATOR(pg_catalog.-) 1), pg_catalog.getdatabaseencoding());
			v_b := pg_catalog.substr(v_b, v_i OPERATOR(pg_catalog.+) 1);
		END LOOP;
		BEGIN
			IF r.name OPERATOR(pg_catalog.=) 'permissions_track' THEN
				PERFORM permissions.track(r.rel, v_args[2:]::name[]);
			ELSE
				PERFORM permissions._lock_install(r.rel, r.name, v_args);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'could not renew % on %: %', r.name, r.rel, SQLERRM
				USING HINT = 'Call permissions.track() or the lock function on it again; permissions.lint() reports the tables it does not reach.';
		END;
		-- a lock 1.0 took that the lock functions of 1.1 refuse (a generated
		-- column, a location or date column of another type, an action since
		-- deleted, a status that is no value of its column's type) stays,
		-- but its checks now fail: say so
		CONTINUE WHEN r.name OPERATOR(pg_catalog.=) 'permissions_track';
		BEGIN
			IF r.name OPERATOR(pg_catalog.=) 'permissions_lock_completed' THEN
				PERFORM permissions._lock_check_args(r.rel, ARRAY[v_args[2], NULLIF(v_args[4], '')]::name[], v_args[3]);
				PERFORM permissions._lock_check_statuses(r.rel, v_args[2]::name, v_args[5:]);
			ELSE
				PERFORM permissions._lock_check_args(r.rel, ARRAY[v_args[2], NULLIF(v_args[5], '')]::name[], v_args[4]);
				PERFORM permissions._lock_check_date(r.rel, v_args[2]::name);
			END IF;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'the lock % on % would be refused by 1.1: %', r.name, r.rel, SQLERRM
				USING HINT = 'Make it again (permissions.unlock(), then permissions.lock_completed() or lock_before()) on columns and an action that pass; until then the changes it checks may fail.';
		END;
	END LOOP;
	-- lock_before() dated timestamptz columns in the session's TimeZone
	IF EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgname OPERATOR(pg_catalog.=) 'permissions_lock_before')
	   AND pg_catalog.current_setting('TimeZone') NOT IN ('UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Etc/UCT',
	       'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu', 'Greenwich', 'Etc/Greenwich', 'GMT0', 'Etc/GMT0') THEN
		RAISE WARNING 'lock_before() now dates timestamptz columns in permissions.lock_time_zone (UTC), not in the session''s TimeZone (%)',
			pg_catalog.current_setting('TimeZone')
			USING HINT = pg_catalog.format('To date them in that zone, set permissions.lock_time_zone = %L (ALTER SYSTEM or ALTER DATABASE).',
			                               pg_catalog.current_setting('TimeZone'));
	END IF;
END
$$;

