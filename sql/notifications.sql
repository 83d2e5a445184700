-- Notifications and alerts: each user sees only their own, muting, the
-- audience of an alert, alert_when() crossing into a condition, alert_due()
-- once per due date, bad rules rejected when created.
-- (NOTIFY delivery and the LISTEN client are tested with real processes in TAP.)
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('stock'), ('purchase');
INSERT INTO permissions.roles (role) VALUES ('clerk'), ('buyer');
INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'r'), ('buyer', 'purchase', 'r');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
	('alerts.low_stock', 'stock', 'r', 'location', 'read'),
	('alerts.due_po', 'purchase', 'r', 'none', 'read');
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');
INSERT INTO permissions.users (user_id, role, active) VALUES
	('al', 'clerk', true), ('bo', 'clerk', true), ('cy', 'buyer', true), ('di', 'clerk', false), ('ed', 'clerk', true);
INSERT INTO permissions.location_access VALUES ('al', 1, 'read'), ('bo', 2, 'read'), ('di', 1, 'read'), ('ed', 1, 'read');
CREATE ROLE regress_notify_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_notify_app;

CREATE TABLE stock (location_id int, item int, qty int, reorder_level int, note text,
	PRIMARY KEY (location_id, item));
INSERT INTO stock VALUES (1, 1, 10, 5, ''), (2, 1, 10, 5, '');
GRANT SELECT, UPDATE ON stock TO regress_notify_app;

-- bad rules are rejected when created
SELECT permissions.alert_when('stock', 'low_stock', 'no_such_column < 1', 'alerts.low_stock');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.alert_when('stock', 'low_stock', 'qty <', 'alerts.low_stock');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.alert_when('stock', 'low_stock', 'qty < 1', 'no.such.action');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.alert_when('stock', 'low_stock', 'qty < 1', 'alerts.low_stock', 'note');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.alert_due('stock', 'due', 'qty', 'alerts.due_po');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rules_after_errors FROM permissions.alert_rules;

SELECT permissions.alert_when('stock', 'low_stock', 'qty < reorder_level', 'alerts.low_stock', 'location_id') > 0 AS created;
-- ed mutes low-stock alerts
SET ROLE regress_notify_app;
SET permissions.user_id = 'ed';
INSERT INTO permissions.subscriptions (user_id, kind, enabled) VALUES ('ed', 'low_stock', false);
INSERT INTO permissions.subscriptions (user_id, kind, enabled) VALUES ('al', 'low_stock', false);
\echo :LAST_ERROR_SQLSTATE
-- crossing into the condition notifies once; staying in it does not; leaving and re-entering does
SET permissions.user_id = 'al';
UPDATE stock SET qty = 4 WHERE location_id = 1;
UPDATE stock SET qty = 3 WHERE location_id = 1;
UPDATE stock SET qty = 6 WHERE location_id = 1;
UPDATE stock SET qty = 2 WHERE location_id = 1;
-- a rolled-back crossing notifies nobody
BEGIN;
UPDATE stock SET qty = 1 WHERE location_id = 2;
ROLLBACK;
-- a row carrying 1 MB of text still commits its notification
UPDATE stock SET note = repeat('x', 1000000), qty = 0 WHERE location_id = 2;
RESET permissions.user_id;
RESET ROLE;
-- al (location 1) twice; bo (location 2) once; di inactive, ed muted, cy without the right: never
SELECT user_id, kind, subject, subject_id, payload->'row' AS row FROM permissions.notifications ORDER BY notification_id;

-- every user sees and marks read only their own
SET ROLE regress_notify_app;
SET permissions.user_id = 'al';
SELECT user_id, count(*) FROM permissions.notifications GROUP BY 1;
UPDATE permissions.notifications SET read_at = now();
UPDATE permissions.notifications SET kind = 'forged';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.notifications (user_id, kind) VALUES ('bo', 'forged');
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'bo';
SELECT user_id, count(*), count(read_at) AS read FROM permissions.notifications GROUP BY 1;
RESET permissions.user_id;
SELECT count(*) AS nobody_sees FROM permissions.notifications;
RESET ROLE;
SELECT user_id, count(read_at) AS read FROM permissions.notifications GROUP BY 1 ORDER BY 1;

-- alert_due: each due row once per due date, again when the due date moves
CREATE TABLE po (id int PRIMARY KEY, due date, status text, location_id int);
INSERT INTO po VALUES (1, current_date - 1, 'sent', 1), (2, current_date + 10, 'sent', 1),
	(3, current_date - 2, 'received', 1), (4, NULL, 'sent', 1), (5, current_date + 2, 'sent', 2);
SELECT permissions.alert_due('po', 'po_due', 'due', 'alerts.due_po', $$status = 'sent'$$, NULL, '3 days') > 0 AS created;
SELECT permissions.run_due_alerts() AS first_run;
SELECT permissions.run_due_alerts() AS second_run;
UPDATE po SET due = current_date WHERE id = 1;
SELECT permissions.run_due_alerts() AS after_due_date_moved;
SELECT user_id, subject_id, (payload->>'due')::date - current_date AS due_in_days
  FROM permissions.notifications WHERE kind = 'po_due' ORDER BY notification_id;
SELECT permissions.run_due_alerts();
-- only its owner may run it
SET ROLE regress_notify_app;
SELECT permissions.run_due_alerts();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- a user's notifications go with the user, renamed or deleted, though the
-- table declares no foreign key (the writer locks the users it notifies)
SELECT user_id, count(*) FROM permissions.notifications GROUP BY 1 ORDER BY 1;
UPDATE permissions.users SET user_id = 'al2' WHERE user_id = 'al';
SELECT user_id, count(*) FROM permissions.notifications GROUP BY 1 ORDER BY 1;
SET ROLE regress_notify_app;
SET permissions.user_id = 'al2';
SELECT count(*) AS renamed_user_reads FROM permissions.notifications;
RESET permissions.user_id;
RESET ROLE;
UPDATE permissions.users SET user_id = 'al' WHERE user_id = 'al2';
BEGIN;
DELETE FROM permissions.users WHERE user_id = 'cy';
SELECT user_id, count(*) FROM permissions.notifications GROUP BY 1 ORDER BY 1;
ROLLBACK;

-- the cascade trigger acts as the owner: nobody else may attach it, and
-- attached to another table it refuses to run
CREATE TABLE decoy (user_id text);
INSERT INTO decoy VALUES ('al');
GRANT TRIGGER ON decoy TO regress_notify_app;
SET ROLE regress_notify_app;
CREATE TRIGGER decoy_follow AFTER DELETE ON decoy FOR EACH ROW
	EXECUTE FUNCTION permissions.notifications_follow_user();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
CREATE TRIGGER decoy_follow AFTER DELETE ON decoy FOR EACH ROW
	EXECUTE FUNCTION permissions.notifications_follow_user();
DELETE FROM decoy;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS al_keeps FROM permissions.notifications WHERE user_id = 'al';
DROP TABLE decoy;

-- a notifications table changed by the DBA (a column with a default) is
-- still written, through SQL, which fills the default
ALTER TABLE permissions.notifications ADD COLUMN site text DEFAULT 'main';
UPDATE stock SET qty = 10 WHERE location_id = 1;
UPDATE stock SET qty = 1 WHERE location_id = 1;
SELECT user_id, kind, site FROM permissions.notifications ORDER BY notification_id DESC LIMIT 1;
ALTER TABLE permissions.notifications DROP COLUMN site;
UPDATE stock SET qty = 10 WHERE location_id = 1;
UPDATE stock SET qty = 1 WHERE location_id = 1;
SELECT user_id, kind FROM permissions.notifications ORDER BY notification_id DESC LIMIT 1;
DELETE FROM permissions.notifications WHERE notification_id > (SELECT max(notification_id) - 2 FROM permissions.notifications);

-- the rules are config: logged, and removable
SELECT action, object FROM permissions.activity WHERE object = 'permissions.alert_rules' ORDER BY activity_id;
SELECT permissions.drop_alert(rule_id) FROM permissions.alert_rules WHERE kind = 'low_stock';
UPDATE stock SET qty = 10 WHERE location_id = 1;
UPDATE stock SET qty = 1 WHERE location_id = 1;
SELECT count(*) AS low_stock_after_drop FROM permissions.notifications WHERE kind = 'low_stock';
SELECT count(*) AS alert_triggers_left FROM pg_trigger WHERE tgrelid = 'stock'::regclass AND tgname LIKE 'permissions_alert%';

SELECT permissions.drop_alert(rule_id) FROM permissions.alert_rules;
-- ... and truncated
TRUNCATE permissions.users CASCADE;
SELECT count(*) AS after_truncate FROM permissions.notifications;
DROP TABLE stock, po;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_notify_app;
DROP ROLE regress_notify_app;
DROP EXTENSION permissions CASCADE;
