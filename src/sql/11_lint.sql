-- lint() and access_matrix(): what defeats the model, and who may do what.
-- Both run with the caller's rights (they read the config tables and the
-- system catalogs); access_matrix() needs users.admin.  Last of the install
-- script, since lint() reads every part's tables; CREATE OR REPLACE, since
-- the upgrade scripts replace them with this file.

CREATE OR REPLACE FUNCTION permissions.lint()
	RETURNS TABLE (severity text, object text, problem text, hint text)
LANGUAGE sql STABLE SET search_path = pg_catalog AS $function$
	-- the tables protect() guards: those carrying its policies
	WITH protected AS (
		SELECT DISTINCT p.polrelid AS relid
		  FROM pg_catalog.pg_policy p
		 WHERE p.polname OPERATOR(pg_catalog.=) ANY (ARRAY['permissions_select', 'permissions_insert',
		                                                   'permissions_update', 'permissions_delete']::name[])
	),
	-- the database roles applications act through: mapped users' db_roles
	-- and the roles trusted to set permissions.user_id
	app_roles AS (
		SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls
		  FROM pg_catalog.pg_roles r
		 WHERE r.rolname OPERATOR(pg_catalog.=) ANY (SELECT u.db_role FROM permissions.users u WHERE u.db_role IS NOT NULL)
		    OR (NOT r.rolsuper AND r.rolname !~ '^pg_'
		        AND pg_catalog.has_parameter_privilege(r.oid, 'permissions.user_id', 'SET'))
	)
	SELECT * FROM (
	-- protected tables whose row level security is off or not forced
	SELECT 'error', c.oid::pg_catalog.regclass::text, 'row level security is disabled on a protected table',
	       'ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' ENABLE ROW LEVEL SECURITY, or run permissions.protect() again.'
	  FROM protected pr JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pr.relid
	 WHERE NOT c.relrowsecurity
	UNION ALL
	SELECT 'warning', c.oid::pg_catalog.regclass::text, 'row level security is not forced: the table owner bypasses the policies',
	       'ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' FORCE ROW LEVEL SECURITY, or run permissions.protect() again.'
	  FROM protected pr JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pr.relid
	 WHERE c.relrowsecurity AND NOT c.relforcerowsecurity
	UNION ALL
	-- protect()'s policies, some missing
	SELECT 'error', pr.relid::pg_catalog.regclass::text, 'policy ' || n.polname || ' of protect() is missing',
	       'Run permissions.protect() again for this table.'
	  FROM protected pr
	 CROSS JOIN pg_catalog.unnest(ARRAY['permissions_select', 'permissions_insert',
	                                    'permissions_update', 'permissions_delete']::name[]) AS n(polname)
	 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid OPERATOR(pg_catalog.=) pr.relid
	                      AND p.polname OPERATOR(pg_catalog.=) n.polname)
	UNION ALL
	-- other permissive policies widen what protect()'s policies allow
	SELECT 'warning', pr.relid::pg_catalog.regclass::text,
	       'permissive policy ' || pg_catalog.quote_ident(p.polname) || ' is ORed with the policies of protect()',
	       'Drop it, or make it AS RESTRICTIVE if it should narrow access.'
	  FROM protected pr JOIN pg_catalog.pg_policy p ON p.polrelid OPERATOR(pg_catalog.=) pr.relid
	 WHERE p.polpermissive AND p.polname !~ '^permissions_(select|insert|update|delete)$'
	UNION ALL
	-- views over protected tables that run with their owner's rights
	SELECT DISTINCT 'error', v.oid::pg_catalog.regclass::text,
	       'view reads protected table ' || pr.relid::pg_catalog.regclass::text || ' with its owner''s rights',
	       'ALTER VIEW ' || v.oid::pg_catalog.regclass::text || ' SET (security_invoker = true)'
	  FROM protected pr
	  JOIN pg_catalog.pg_depend d ON d.refobjid OPERATOR(pg_catalog.=) pr.relid
	   AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass
	  JOIN pg_catalog.pg_rewrite rw ON rw.oid OPERATOR(pg_catalog.=) d.objid
	  JOIN pg_catalog.pg_class v ON v.oid OPERATOR(pg_catalog.=) rw.ev_class
	 WHERE v.relkind OPERATOR(pg_catalog.=) 'v' AND v.oid OPERATOR(pg_catalog.<>) pr.relid
	   AND NOT coalesce('security_invoker=true' OPERATOR(pg_catalog.=) ANY (v.reloptions)
	                    OR 'security_invoker=on' OPERATOR(pg_catalog.=) ANY (v.reloptions), false)
	UNION ALL
	-- application roles that policies do not bind
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname), 'application role is a superuser: row level security does not apply to it',
	       'Connect the application as a role without SUPERUSER.'
	  FROM app_roles a WHERE a.rolsuper
	UNION ALL
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname), 'application role has BYPASSRLS: row level security does not apply to it',
	       'ALTER ROLE ' || pg_catalog.quote_ident(a.rolname) || ' NOBYPASSRLS'
	  FROM app_roles a WHERE a.rolbypassrls AND NOT a.rolsuper
	UNION ALL
	SELECT 'error', 'role ' || pg_catalog.quote_ident(a.rolname),
	       'application role owns protected table ' || c.oid::pg_catalog.regclass::text || ' and can switch its protection off',
	       'Give the table to a role the application does not use: ALTER TABLE ' || c.oid::pg_catalog.regclass::text || ' OWNER TO ...'
	  FROM app_roles a JOIN pg_catalog.pg_class c ON c.relowner OPERATOR(pg_catalog.=) a.oid
	  JOIN protected pr ON pr.relid OPERATOR(pg_catalog.=) c.oid
	UNION ALL
	-- security definer functions that a caller's search_path can hijack
	SELECT 'warning', 'function ' || p.oid::pg_catalog.regprocedure::text,
	       'SECURITY DEFINER function without a fixed search_path',
	       'ALTER FUNCTION ' || p.oid::pg_catalog.regprocedure::text || ' SET search_path = pg_catalog, pg_temp'
	  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	 WHERE p.prosecdef AND n.nspname !~ '^pg_' AND n.nspname OPERATOR(pg_catalog.<>) 'information_schema'
	   AND NOT EXISTS (SELECT FROM pg_catalog.unnest(p.proconfig) cfg WHERE cfg LIKE 'search\_path=%')
	UNION ALL
	-- the extension's triggers switched off, or no longer ENABLE ALWAYS (then
	-- session_replication_role = replica, as logical replication runs, skips them)
	SELECT 'error', 'trigger ' || pg_catalog.quote_ident(t.tgname) || ' on ' || t.tgrelid::pg_catalog.regclass::text,
	       CASE WHEN t.tgenabled OPERATOR(pg_catalog.=) 'D' THEN 'an extension trigger is disabled'
	            ELSE 'an extension trigger is not ENABLE ALWAYS: session_replication_role = replica skips it' END,
	       'ALTER TABLE ' || t.tgrelid::pg_catalog.regclass::text || ' ENABLE ALWAYS TRIGGER ' || pg_catalog.quote_ident(t.tgname)
	  FROM pg_catalog.pg_trigger t
	  JOIN pg_catalog.pg_proc f ON f.oid OPERATOR(pg_catalog.=) t.tgfoid
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) f.pronamespace
	 WHERE n.nspname OPERATOR(pg_catalog.=) 'permissions'
	   AND (t.tgenabled OPERATOR(pg_catalog.=) 'D'
	        -- (the notifications follow their user by their own replication)
	        OR (t.tgenabled OPERATOR(pg_catalog.<>) 'A' AND t.tgname NOT LIKE 'notifications\_follow%'))
	UNION ALL
	-- a table with a rule's TRUNCATE trigger but not its row trigger (a
	-- partition detached from a tracked or locked table): its rows are not
	-- covered
	SELECT 'error', 'table ' || t.tgrelid::pg_catalog.regclass::text,
	       'has trigger ' || t.tgname || ' but not ' || pg_catalog.left(t.tgname, -9) || ': its rows are not covered',
	       'Call the function that installed it on the table again, or remove it (permissions.untrack(), permissions.unlock()).'
	  FROM pg_catalog.pg_trigger t
	 WHERE t.tgname IN ('permissions_track_truncate', 'permissions_lock_completed_truncate', 'permissions_lock_before_truncate')
	   AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger r WHERE r.tgrelid OPERATOR(pg_catalog.=) t.tgrelid
	                    AND r.tgname OPERATOR(pg_catalog.=) pg_catalog.left(t.tgname, -9))
	UNION ALL
	-- a table under a locked or tracked one (a partition or an inheritance
	-- child added later) that the lock or track() does not reach
	SELECT 'error', 'table ' || i.inhrelid::pg_catalog.regclass::text,
	       'under ' || CASE WHEN t.tgname LIKE 'permissions\_track%' THEN 'tracked' ELSE 'locked' END ||
	       ' table ' || i.inhparent::pg_catalog.regclass::text || ' but without its trigger ' || t.tgname ||
	       ' (or with one of other arguments)',
	       'Call ' || CASE WHEN t.tgname LIKE 'permissions\_track%' THEN 'permissions.track()' ELSE 'the lock function' END ||
	       ' on ' || i.inhparent::pg_catalog.regclass::text || ' again: it covers the tables under it.'
	  FROM pg_catalog.pg_inherits i
	  JOIN pg_catalog.pg_trigger t ON t.tgrelid OPERATOR(pg_catalog.=) i.inhparent
	 WHERE t.tgname IN ('permissions_lock_completed', 'permissions_lock_completed_truncate',
	                    'permissions_lock_before', 'permissions_lock_before_truncate',
	                    'permissions_track', 'permissions_track_truncate')
	   AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger c WHERE c.tgrelid OPERATOR(pg_catalog.=) i.inhrelid
	                    AND c.tgname OPERATOR(pg_catalog.=) t.tgname AND c.tgargs OPERATOR(pg_catalog.=) t.tgargs)
	   -- a foreign table takes no TRUNCATE trigger
	   AND NOT (t.tgname LIKE '%\_truncate' AND EXISTS (SELECT FROM pg_catalog.pg_class f
	            WHERE f.oid OPERATOR(pg_catalog.=) i.inhrelid AND f.relkind OPERATOR(pg_catalog.=) 'f'))
	UNION ALL
	-- a BEFORE ROW trigger that fires after a lock's check (triggers fire in
	-- name order) can still change the row the lock let through
	SELECT 'warning', 'trigger ' || pg_catalog.quote_ident(u.tgname) || ' on ' || u.tgrelid::pg_catalog.regclass::text,
	       'a BEFORE ROW trigger that fires after the lock trigger ' || l.tgname ||
	       ' (triggers fire in name order): it can change a row after the lock checked it',
	       'Rename it to sort before ' || l.tgname || ', or make it an AFTER trigger.'
	  FROM pg_catalog.pg_trigger l
	  JOIN pg_catalog.pg_trigger u ON u.tgrelid OPERATOR(pg_catalog.=) l.tgrelid
	 WHERE l.tgname IN ('permissions_lock_completed', 'permissions_lock_before')
	   AND NOT u.tgisinternal
	   AND (u.tgtype::integer OPERATOR(pg_catalog.&) 3) OPERATOR(pg_catalog.=) 3           -- ROW and BEFORE
	   AND (u.tgtype::integer OPERATOR(pg_catalog.&) 20) OPERATOR(pg_catalog.<>) 0         -- INSERT or UPDATE
	   AND u.tgname::text COLLATE "C" OPERATOR(pg_catalog.>) l.tgname::text COLLATE "C"
	   AND u.tgname NOT IN ('permissions_lock_completed', 'permissions_lock_before')
	UNION ALL
	-- actions no role gives: only administrator roles can do them, or nobody
	SELECT CASE WHEN EXISTS (SELECT FROM permissions.roles r WHERE r.is_admin) THEN 'info' ELSE 'warning' END,
	       'action ' || a.action,
	       'no role has privilege ' || a.privilege::text || ' on area ' || a.area ||
	       CASE WHEN EXISTS (SELECT FROM permissions.roles r WHERE r.is_admin)
	            THEN ': only administrator roles can do it' ELSE ': nobody can do it' END,
	       'Give a role the privilege in permissions.role_privileges, or drop the action.'
	  FROM permissions.actions a
	 WHERE NOT EXISTS (SELECT FROM permissions.role_privileges rp
	                    WHERE rp.area OPERATOR(pg_catalog.=) a.area
	                      AND pg_catalog.strpos(rp.privileges::text, a.privilege::text) OPERATOR(pg_catalog.>) 0)
	UNION ALL
	-- roles that give nothing, and roles nothing uses
	SELECT 'warning', 'role ' || r.role, 'role gives no privilege: no rows in role_privileges, not an administrator, inherits nothing',
	       'Give it privileges, or drop it.'
	  FROM permissions.roles r
	 WHERE NOT r.is_admin AND r.inherits IS NULL
	   AND NOT EXISTS (SELECT FROM permissions.role_privileges rp WHERE rp.role OPERATOR(pg_catalog.=) r.role)
	UNION ALL
	SELECT 'info', 'role ' || r.role, 'no user, membership or role uses this role',
	       'Assign it in permissions.users or permissions.memberships, or drop it.'
	  FROM permissions.roles r
	 WHERE NOT EXISTS (SELECT FROM permissions.users u WHERE u.role OPERATOR(pg_catalog.=) r.role)
	   AND NOT EXISTS (SELECT FROM permissions.memberships m WHERE m.role OPERATOR(pg_catalog.=) r.role)
	   AND NOT EXISTS (SELECT FROM permissions.roles c WHERE c.inherits OPERATOR(pg_catalog.=) r.role)
	UNION ALL
	-- approval levels chosen by a membership scope that no membership has
	-- (a typo, or a scope not set up yet): nobody but global holders, if
	-- the scope lets them, can approve there
	SELECT 'warning', 'approval rule ' || ar.doc_type || ' level ' || ar.level,
	       'approver scope ' || pg_catalog.quote_literal(ar.approver_scope) || ' matches no membership scope',
	       'Add memberships of that scope, or fix a typo (the named scopes are global, location, project, team_manager).'
	  FROM permissions.approval_rules ar
	 WHERE ar.approver_scope NOT IN ('global', 'location', 'team_manager')
	   AND NOT EXISTS (SELECT FROM permissions.memberships m
	                    WHERE m.scope OPERATOR(pg_catalog.=) ar.approver_scope)
	) AS findings (severity, object, problem, hint)
	ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, object, problem
$function$;
COMMENT ON FUNCTION permissions.lint() IS 'what defeats the permission model: one row per finding';

-- who may do which action, and where: a row per action and user
CREATE OR REPLACE FUNCTION permissions.access_matrix(users text[] DEFAULT NULL)
	RETURNS TABLE (action text, user_id text, allowed boolean, locations bigint[], why text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $function$
BEGIN
	-- fails with 42501 unless the session may administer the model
	PERFORM permissions.can_user(NULL, NULL);
	RETURN QUERY
	SELECT a.action::text, u.user_id::text,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location'
	            THEN pg_catalog.cardinality(l.locs) OPERATOR(pg_catalog.>) 0
	            ELSE permissions.can_user(u.user_id, a.action) END,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location' THEN l.locs END,
	       CASE WHEN a.location_rule OPERATOR(pg_catalog.=) 'location'
	            THEN permissions.explain(a.action,
	                     coalesce(l.locs[1], (SELECT pg_catalog.min(k.location_id) FROM permissions.locations k)),
	                     u.user_id)
	            ELSE permissions.explain(a.action, NULL, u.user_id) END
	  FROM permissions.actions a
	 CROSS JOIN permissions.users u
	  LEFT JOIN LATERAL (
	       SELECT coalesce(pg_catalog.array_agg(loc.location_id ORDER BY loc.location_id)
	                       FILTER (WHERE permissions.can_user(u.user_id, a.action, loc.location_id)),
	                       '{}') AS locs
	         FROM permissions.locations loc) l ON a.location_rule OPERATOR(pg_catalog.=) 'location'
	 WHERE access_matrix.users IS NULL OR u.user_id OPERATOR(pg_catalog.=) ANY (access_matrix.users)
	 ORDER BY a.action, u.user_id;
END
$function$;
COMMENT ON FUNCTION permissions.access_matrix(text[]) IS
	'for admins: one row per action and user, saying whether the user may do it and at which locations';
