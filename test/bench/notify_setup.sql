-- Benchmark data for notifications: every insert into bench.events crosses
-- an alert_when() condition and notifies exactly one user, 'nb'.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
INSERT INTO permissions.areas (area) VALUES ('bench_alerts');
INSERT INTO permissions.roles (role) VALUES ('bench_listener');
INSERT INTO permissions.role_privileges VALUES ('bench_listener', 'bench_alerts', 'r');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('alerts.bench', 'bench_alerts', 'r');
INSERT INTO permissions.users (user_id, role) VALUES ('nb', 'bench_listener');
CREATE TABLE bench.events (id bigserial PRIMARY KEY, flag boolean NOT NULL DEFAULT true);
SELECT permissions.alert_when('bench.events', 'bench', 'flag', 'alerts.bench');
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_listen') THEN
		CREATE ROLE bench_listen LOGIN;
	END IF;
END $$;
GRANT SET ON PARAMETER permissions.user_id TO bench_listen;
