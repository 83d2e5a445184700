-- Protecting tables (src/policies.c, src/planner.c): the row check with its
-- planner support, protect() and unprotect().
--
-- protect() keeps no registry of its own: a protected table is one carrying
-- the four policies named permissions_select / _insert / _update / _delete,
-- so pg_dump and pg_restore carry the protection with the table.  The
-- comment on permissions_select remembers the table's row-security flags
-- from before protect(), for unprotect() to restore.

CREATE FUNCTION permissions.area_exists(area text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_area_exists'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION permissions.action_exists(action text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_action_exists'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION permissions.allows_row_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'permissions_allows_row_support'
	LANGUAGE C STRICT;

-- the policies' row check: area privilege and location access, or ownership
-- (separate signatures rather than defaults, so a policy passes no unused
-- argument per row)
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location bigint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location bigint, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location integer, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location smallint) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", min_access permissions.access_level, location smallint, owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
-- tables without a location column: the area privilege, or ownership
CREATE FUNCTION permissions.allows_row(area text, privilege "char") RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
CREATE FUNCTION permissions.allows_row(area text, privilege "char", owner text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'permissions_allows_row'
	LANGUAGE C STABLE PARALLEL SAFE SUPPORT permissions.allows_row_support;
COMMENT ON FUNCTION permissions.allows_row(text, "char", permissions.access_level, bigint, text) IS
	'the row check of protect()''s policies: privilege on area and min_access at location, or owner is the acting user';

-- the locations where the acting user passes allows_row(area, privilege, min_access, ...)
CREATE FUNCTION permissions.locations_for(area text, privilege "char", min_access permissions.access_level)
	RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'permissions_locations_for'
	LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION permissions.protect(tbl regclass, area text, location_column name DEFAULT NULL,
		owner_column name DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_kind "char";
	v_rls boolean;
	v_force boolean;
	v_loc_type oid;
	v_owner_part text := '';
	v_state text;
	v_policy text;
BEGIN
	IF tbl IS NULL OR area IS NULL THEN
		RAISE EXCEPTION 'permissions.protect: the table and the area must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT c.relkind, c.relrowsecurity, c.relforcerowsecurity INTO v_kind, v_rls, v_force
	  FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;
	IF v_kind IS NULL OR v_kind NOT IN ('r', 'p') THEN
		RAISE EXCEPTION 'permissions.protect: "%" is not a table', tbl
			USING ERRCODE = 'wrong_object_type',
			      HINT = 'Protect the tables a view reads, and make the view security_invoker.';
	END IF;
	IF NOT permissions.area_exists(area) THEN
		RAISE EXCEPTION 'area "%" does not exist', area
			USING ERRCODE = 'undefined_object',
			      HINT = 'Areas are rows of permissions.areas.';
	END IF;
	IF location_column IS NOT NULL THEN
		SELECT a.atttypid INTO v_loc_type FROM pg_catalog.pg_attribute a
		 WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) location_column
		   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF v_loc_type IS NULL THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', location_column, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
		IF v_loc_type NOT IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
							  'pg_catalog.int8'::pg_catalog.regtype) THEN
			RAISE EXCEPTION 'location column "%" of relation "%" is of type %', location_column, tbl,
				v_loc_type::pg_catalog.regtype
				USING ERRCODE = 'datatype_mismatch',
				      HINT = 'A location column holds location_id values: smallint, integer or bigint.';
		END IF;
	END IF;
	IF owner_column IS NOT NULL THEN
		IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
		                WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) owner_column
		                  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped) THEN
			RAISE EXCEPTION 'column "%" of relation "%" does not exist', owner_column, tbl
				USING ERRCODE = 'undefined_column';
		END IF;
		v_owner_part := pg_catalog.format(', %I::text', owner_column);
	END IF;

	-- remember the flags from before the first protect(); keep them on re-runs
	SELECT d.description INTO v_state
	  FROM pg_catalog.pg_policy p
	  JOIN pg_catalog.pg_description d ON d.objoid OPERATOR(pg_catalog.=) p.oid
	   AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_policy'::pg_catalog.regclass
	 WHERE p.polrelid OPERATOR(pg_catalog.=) tbl AND p.polname OPERATOR(pg_catalog.=) 'permissions_select';
	IF v_state IS NULL OR v_state NOT LIKE 'permissions: rls=%' THEN
		v_state := pg_catalog.format('permissions: rls=%s force=%s',
			CASE WHEN v_rls THEN 'true' ELSE 'false' END, CASE WHEN v_force THEN 'true' ELSE 'false' END);
	END IF;

	FOREACH v_policy IN ARRAY ARRAY['permissions_select', 'permissions_insert', 'permissions_update', 'permissions_delete']
	LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) tbl
		            AND p.polname OPERATOR(pg_catalog.=) v_policy) THEN
			EXECUTE pg_catalog.format('DROP POLICY %I ON %s', v_policy, tbl);
		END IF;
	END LOOP;
	EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', tbl);

	EXECUTE pg_catalog.format('CREATE POLICY permissions_select ON %s AS PERMISSIVE FOR SELECT USING (%s)',
		tbl, permissions._policy_check(area, 'r', 'read', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_insert ON %s AS PERMISSIVE FOR INSERT WITH CHECK (%s)',
		tbl, permissions._policy_check(area, 'w', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_update ON %s AS PERMISSIVE FOR UPDATE USING (%s) WITH CHECK (%s)',
		tbl, permissions._policy_check(area, 'w', 'full', location_column, v_owner_part),
		permissions._policy_check(area, 'w', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('CREATE POLICY permissions_delete ON %s AS PERMISSIVE FOR DELETE USING (%s)',
		tbl, permissions._policy_check(area, 'd', 'full', location_column, v_owner_part));
	EXECUTE pg_catalog.format('COMMENT ON POLICY permissions_select ON %s IS %L', tbl, v_state);
END
$function$;
COMMENT ON FUNCTION permissions.protect(regclass, text, name, name) IS
	'enable and force row level security on a table with one policy per command from the permission model';

-- the text of one policy's check (internal to protect())
CREATE FUNCTION permissions._policy_check(area text, privilege "char", min_access text,
		location_column name, owner_part text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $function$
	SELECT CASE WHEN location_column IS NULL
		THEN pg_catalog.format('permissions.allows_row(%L::text, %L::"char"%s)', area, privilege, owner_part)
		ELSE pg_catalog.format('permissions.allows_row(%L::text, %L::"char", %L::permissions.access_level, %I%s)',
			area, privilege, min_access, location_column, owner_part)
	END
$function$;

CREATE FUNCTION permissions.unprotect(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $function$
DECLARE
	v_state text;
	v_policy text;
BEGIN
	IF tbl IS NULL THEN
		RAISE EXCEPTION 'permissions.unprotect: the table must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT d.description INTO v_state
	  FROM pg_catalog.pg_policy p
	  JOIN pg_catalog.pg_description d ON d.objoid OPERATOR(pg_catalog.=) p.oid
	   AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_policy'::pg_catalog.regclass
	 WHERE p.polrelid OPERATOR(pg_catalog.=) tbl AND p.polname OPERATOR(pg_catalog.=) 'permissions_select';
	FOREACH v_policy IN ARRAY ARRAY['permissions_select', 'permissions_insert', 'permissions_update', 'permissions_delete']
	LOOP
		IF EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) tbl
		            AND p.polname OPERATOR(pg_catalog.=) v_policy) THEN
			EXECUTE pg_catalog.format('DROP POLICY %I ON %s', v_policy, tbl);
		END IF;
	END LOOP;
	-- restore the row-security flags protect() found (unprotected: both off)
	IF v_state IS NULL OR v_state NOT LIKE 'permissions: rls=%' THEN
		v_state := 'permissions: rls=false force=false';
	END IF;
	EXECUTE pg_catalog.format('ALTER TABLE %s %s ROW LEVEL SECURITY, %s ROW LEVEL SECURITY', tbl,
		CASE WHEN v_state LIKE '%rls=true%' THEN 'ENABLE' ELSE 'DISABLE' END,
		CASE WHEN v_state LIKE '%force=true%' THEN 'FORCE' ELSE 'NO FORCE' END);
END
$function$;
COMMENT ON FUNCTION permissions.unprotect(regclass) IS
	'remove protect()''s policies and restore the table''s row-security flags';
