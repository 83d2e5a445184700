-- Locked records (src/locks.c): lock_dates, lock_completed(), lock_before(),
-- unlock().

CREATE TABLE permissions.lock_dates (
	area text COLLATE "C" PRIMARY KEY REFERENCES permissions.areas (area) ON UPDATE CASCADE ON DELETE CASCADE,
	locked_until date NOT NULL
);
COMMENT ON TABLE permissions.lock_dates IS 'rows of an area dated on or before locked_until are read-only';
SELECT pg_catalog.pg_extension_config_dump('permissions.lock_dates', '');
CREATE TRIGGER config_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.lock_dates
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_guard();
CREATE TRIGGER config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON permissions.lock_dates
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.config_changed();
CREATE TRIGGER activity_log AFTER INSERT OR UPDATE OR DELETE ON permissions.lock_dates
	FOR EACH ROW EXECUTE FUNCTION permissions.activity_trigger('config');
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER config_guard;
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER config_changed;
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER activity_log;
CREATE TRIGGER activity_log_truncate AFTER TRUNCATE ON permissions.lock_dates
	FOR EACH STATEMENT EXECUTE FUNCTION permissions.activity_trigger('config');
ALTER TABLE permissions.lock_dates ENABLE ALWAYS TRIGGER activity_log_truncate;

CREATE FUNCTION permissions.lock_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'permissions_lock_trigger' LANGUAGE C;

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
CREATE FUNCTION permissions._lock_check_args(tbl regclass, columns name[], override_action text)
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

-- (re)create one of the lock triggers of a table, and of every table under
-- it: row triggers reach partitions by themselves, statement (TRUNCATE)
-- triggers do not, and neither reaches an inheritance child (lint() reports
-- a table added under a locked one later)
CREATE FUNCTION permissions._lock_install(tbl regclass, name text, args text[]) RETURNS void
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

CREATE FUNCTION permissions.lock_completed(tbl regclass, status_column name, locked_statuses text[],
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
COMMENT ON FUNCTION permissions.lock_completed(regclass, name, text[], text, name) IS
	'rows whose committed status is one of locked_statuses are read-only unless overridden';

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

CREATE FUNCTION permissions.lock_before(tbl regclass, date_column name, area text, override_action text,
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
COMMENT ON FUNCTION permissions.lock_before(regclass, name, text, text, name) IS
	'rows dated on or before their area''s lock date are read-only, and none may be inserted there, unless overridden';

CREATE FUNCTION permissions.unlock(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
BEGIN
	PERFORM permissions._drop_tree_triggers(tbl, ARRAY['permissions_lock_completed', 'permissions_lock_completed_truncate',
	                                            'permissions_lock_before', 'permissions_lock_before_truncate']);
END
$function$;
