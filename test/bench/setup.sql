-- Benchmark data: 200 locations, 1,000 users with 200 location grants each
-- (half read, half full), a role chain, and the PL/pgSQL baseline that
-- answers can(action, location) from the same tables the way a hand-written
-- helper would.
\set ON_ERROR_STOP 1
DROP EXTENSION IF EXISTS permissions CASCADE;
CREATE EXTENSION permissions;
INSERT INTO permissions.areas (area) VALUES ('orders');
INSERT INTO permissions.roles (role, inherits) VALUES ('staff', NULL), ('buyer', 'staff');
INSERT INTO permissions.role_privileges VALUES ('staff', 'orders', 'r'), ('buyer', 'orders', 'w');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access)
	VALUES ('orders.create', 'orders', 'w', 'location', 'full');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 200) g;
INSERT INTO permissions.users (user_id, role) SELECT 'u' || g, 'buyer' FROM generate_series(1, 1000) g;
INSERT INTO permissions.location_access
	SELECT 'u' || u, l, CASE WHEN (u + l) % 2 = 0 THEN 'full' ELSE 'read' END::permissions.access_level
	  FROM generate_series(1, 1000) u, generate_series(1, 200) l;
ANALYZE permissions.location_access;

CREATE SCHEMA IF NOT EXISTS bench;
CREATE OR REPLACE FUNCTION bench.plpgsql_can(p_action text, p_location bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_user text := nullif(current_setting('permissions.user_id', true), '');
	v_act permissions.actions%ROWTYPE;
	v_role text;
	v_admin boolean := false;
	v_privs text := '';
	v_access permissions.access_level;
BEGIN
	IF v_user IS NULL THEN RETURN false; END IF;
	SELECT * INTO v_act FROM permissions.actions WHERE action = p_action;
	IF NOT FOUND THEN RETURN false; END IF;
	SELECT role INTO v_role FROM permissions.users WHERE user_id = v_user AND active;
	IF NOT FOUND THEN RETURN false; END IF;
	WITH RECURSIVE chain(role) AS (
		SELECT v_role COLLATE "C"
		UNION
		SELECT r.inherits FROM permissions.roles r JOIN chain c ON r.role = c.role WHERE r.inherits IS NOT NULL)
	SELECT bool_or(r.is_admin), string_agg(rp.privileges::text, '')
	  INTO v_admin, v_privs
	  FROM chain c JOIN permissions.roles r ON r.role = c.role
	  LEFT JOIN permissions.role_privileges rp ON rp.role = c.role AND rp.area = v_act.area;
	IF v_admin THEN RETURN true; END IF;
	IF coalesce(strpos(v_privs, v_act.privilege::text), 0) = 0 THEN RETURN false; END IF;
	IF v_act.location_rule <> 'location' THEN RETURN true; END IF;
	SELECT access INTO v_access FROM permissions.location_access
	 WHERE user_id = v_user AND location_id = p_location;
	IF NOT FOUND THEN
		SELECT default_location_access INTO v_access FROM permissions.users WHERE user_id = v_user;
	END IF;
	RETURN v_access OPERATOR(permissions.>=) v_act.min_access;
END $$;

-- time a query: the median of n runs, in milliseconds
CREATE OR REPLACE FUNCTION bench.time_ms(q text, n int DEFAULT 5) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
	t timestamptz;
	times numeric[] := '{}';
BEGIN
	EXECUTE q;	-- warm up
	FOR i IN 1 .. n LOOP
		t := clock_timestamp();
		EXECUTE q;
		times := times || (extract(epoch FROM clock_timestamp() - t) * 1000)::numeric;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x)::numeric;
END $$;
