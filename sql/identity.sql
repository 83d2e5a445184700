-- Identity: permissions.user_id, the db_role mapping, current_user_id().
-- Every path by which a session might change who it acts as.
CREATE EXTENSION permissions;
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE ROLE regress_app LOGIN;          -- a pooled login role trusted to switch
CREATE ROLE regress_plain LOGIN;        -- an ordinary role
CREATE ROLE regress_mapped LOGIN;       -- mapped to a user through db_role
GRANT SET ON PARAMETER permissions.user_id TO regress_app;

INSERT INTO permissions.roles (role) VALUES ('clerk');
INSERT INTO permissions.areas (area) VALUES ('orders');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'orders', 'r');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('orders.view', 'orders', 'r');
INSERT INTO permissions.users (user_id, role, db_role, active) VALUES
	('alice', 'clerk', NULL, true),
	('maria', 'clerk', 'regress_mapped', true),
	('ivan', 'clerk', NULL, false);

-- nobody: no setting, and postgres is no user's db_role
SELECT permissions.current_user_id() IS NULL AS nobody, permissions.can('orders.view') AS can;

-- a superuser may switch
SET permissions.user_id = 'alice';
SELECT permissions.current_user_id(), permissions.can('orders.view');
RESET permissions.user_id;

-- the trusted login role may switch; an ordinary role may not, by any path
SET ROLE regress_app;
SET permissions.user_id = 'alice';
SELECT permissions.current_user_id();
SET ROLE regress_plain;
SET permissions.user_id = 'maria';
\echo :LAST_ERROR_SQLSTATE
SELECT set_config('permissions.user_id', 'maria', false);
\echo :LAST_ERROR_SQLSTATE
SELECT set_config('permissions.user_id', 'maria', true);
\echo :LAST_ERROR_SQLSTATE
SELECT current_setting('permissions.user_id') AS still;
ALTER ROLE regress_plain SET permissions.user_id = 'maria';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
RESET permissions.user_id;

-- a function's SET clause is checked when it runs, as its owner
CREATE FUNCTION public.plain_switch() RETURNS text LANGUAGE sql
	SET permissions.user_id = 'alice'
	AS 'SELECT permissions.current_user_id()';
ALTER FUNCTION public.plain_switch() OWNER TO regress_plain;
ALTER FUNCTION public.plain_switch() SECURITY DEFINER;
SET ROLE regress_app;
SELECT public.plain_switch();
\echo :LAST_ERROR_SQLSTATE

-- a security-definer function owned by an ordinary role cannot switch,
-- even when the caller could
RESET ROLE;
CREATE FUNCTION public.definer_switch(u text) RETURNS text LANGUAGE plpgsql
	SECURITY DEFINER SET search_path = pg_catalog
	AS $$ BEGIN PERFORM pg_catalog.set_config('permissions.user_id', u, false);
	RETURN permissions.current_user_id(); END $$;
ALTER FUNCTION public.definer_switch(text) OWNER TO regress_plain;
SET ROLE regress_app;
SET permissions.user_id = 'alice';
SELECT public.definer_switch('maria');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.current_user_id() AS unchanged;
RESET ROLE;
RESET permissions.user_id;

-- SET LOCAL ends with the transaction
BEGIN;
SET LOCAL permissions.user_id = 'alice';
SELECT permissions.current_user_id() AS in_xact;
COMMIT;
SELECT permissions.current_user_id() IS NULL AS after_commit;

-- a rolled-back savepoint restores the previous value
SET permissions.user_id = 'alice';
BEGIN;
SAVEPOINT s;
SET permissions.user_id = 'maria';
SELECT permissions.current_user_id() AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT permissions.current_user_id() AS restored;
COMMIT;

-- an aborted transaction restores it too
BEGIN;
SET permissions.user_id = 'maria';
ROLLBACK;
SELECT permissions.current_user_id() AS after_rollback;

-- RESET ALL and DISCARD ALL clear it
RESET ALL;
SELECT permissions.current_user_id() IS NULL AS after_reset_all;
SET permissions.user_id = 'alice';
DISCARD ALL;
SELECT permissions.current_user_id() IS NULL AS after_discard_all;

-- unknown and inactive users are nobody: denied, nothing errors
SET permissions.user_id = 'nobody-like-this';
SELECT permissions.current_user_id() IS NULL AS unknown_is_nobody, permissions.can('orders.view') AS can,
	permissions.explain('orders.view') AS why;
SET permissions.user_id = 'ivan';
SELECT permissions.current_user_id() IS NULL AS inactive_is_nobody, permissions.can('orders.view') AS can,
	permissions.explain('orders.view') AS why;
RESET permissions.user_id;

-- the db_role mapping follows current_user: SET ROLE ...
SET ROLE regress_mapped;
SELECT current_user, permissions.current_user_id(), permissions.can('orders.view');
RESET ROLE;
SELECT permissions.current_user_id() IS NULL AS back_to_nobody;

-- ... and security-definer functions
CREATE FUNCTION public.as_owner() RETURNS text LANGUAGE sql SECURITY DEFINER
	SET search_path = pg_catalog AS 'SELECT permissions.current_user_id()';
ALTER FUNCTION public.as_owner() OWNER TO regress_mapped;
SET ROLE regress_plain;
SELECT permissions.current_user_id() IS NULL AS caller_is_nobody, public.as_owner() AS inside_definer;
RESET ROLE;

-- an explicit setting wins over the mapping
SET ROLE regress_app;
SET permissions.user_id = 'alice';
SET ROLE regress_mapped;
SELECT permissions.current_user_id() AS setting_wins;
RESET ROLE;
RESET permissions.user_id;

-- a mapping change is obeyed at the next statement
SET ROLE regress_mapped;
SELECT permissions.current_user_id() AS before_unmap;
RESET ROLE;
UPDATE permissions.users SET db_role = NULL WHERE user_id = 'maria';
SET ROLE regress_mapped;
SELECT permissions.current_user_id() IS NULL AS after_unmap;
RESET ROLE;

-- a placeholder set before the library loads is re-checked when it loads
\c - regress_plain
ALTER ROLE regress_plain SET permissions.user_id = 'maria';
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'alice';
SELECT permissions.current_user_id() IS NULL AS placeholder_ignored;
SHOW permissions.user_id;
\c - regress_app
SET permissions.user_id = 'alice';
SELECT permissions.current_user_id() AS trusted_placeholder_kept;
\c - postgres

-- a superuser may store a role default; the role then acts as that user
ALTER ROLE regress_plain SET permissions.user_id = 'alice';
\c - regress_plain
SELECT permissions.current_user_id() AS from_role_default;
\c - postgres
ALTER ROLE regress_plain RESET permissions.user_id;

DROP FUNCTION public.plain_switch(), public.definer_switch(text), public.as_owner();
REVOKE SET ON PARAMETER permissions.user_id FROM regress_app;
DROP ROLE regress_app, regress_plain, regress_mapped;
DROP EXTENSION permissions CASCADE;
