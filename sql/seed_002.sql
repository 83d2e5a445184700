-- Seed 002: the planning app's Access Matrix and location-visibility rules
-- (shared/seeds/002_844b68fb60914cff.txt; model in test/demo/models/seed_002.sql)
\set VERBOSITY terse
CREATE EXTENSION permissions;
-- the model (not echoed: the assertions below pin its behaviour; errors still show)
\set ECHO none
\i test/demo/models/seed_002.sql
\set ECHO all

--
-- The Access Matrix by Role and Location Permission, row by row, as in the seed.
-- seed = the seed's four cells (Client Admin, Restricted Full Access, Restricted
-- Read-Only Access, Restricted No Access), t for a tick and f for a cross.
--
CREATE TEMP TABLE matrix (ord int PRIMARY KEY, area text, sub_area text, action text, seed text);
INSERT INTO matrix VALUES
	(1, 'Locations', 'View location data', 'locations.view', 'tttf'),
	(2, 'Locations', 'Edit location', 'locations.edit', 'ttff'),
	(3, 'User Profile', 'Edit own access level', 'profile.edit_own_access', 'tfff'),
	(4, 'Settings', 'Configuration', 'settings.configuration', 'tfff'),
	(5, 'Settings', 'Classification configuration', 'settings.classification', 'tfff'),
	(6, 'Settings', 'Policy defaults', 'settings.policy_defaults', 'tfff'),
	(7, 'Settings', 'Policy overrides', 'settings.policy_overrides', 'tfff'),
	(8, 'Settings', 'Region setup', 'settings.region_setup', 'tfff'),
	(9, 'System', 'User Admin', 'system.user_admin', 'tfff'),
	(10, 'System', 'User Logs', 'system.user_logs', 'tfff'),
	(11, 'System', 'Data quality report', 'system.data_quality_report', 'tfff'),
	(12, 'System', 'Data refresh', 'system.data_refresh', 'tfff'),
	(13, 'Suppliers', 'Edit suppliers', 'suppliers.edit', 'tfff'),
	(14, 'Orders', 'Access Orders screen', 'orders.screen', 'ttff'),
	(15, 'Orders', 'Create orders', 'orders.create', 'ttff'),
	(16, 'Orders', 'Edit or action orders', 'orders.edit', 'ttff'),
	(17, 'Orders Saved', 'Everyone''s Orders tab', 'orders.everyone_tab', 'tfff'),
	(18, 'Orders Saved', 'Download or archive orders', 'orders.download', 'ttff'),
	(19, 'Dashboard', 'Mute items', 'dashboard.mute', 'ttff'),
	(20, 'Forecasts', 'Adjust item forecast', 'forecasts.adjust_item', 'ttff'),
	(21, 'Forecasts', 'Adjust total forecast', 'forecasts.adjust_total', 'ttff'),
	(22, 'Inquiry', 'Edit stocking indicator', 'inquiry.edit_stocking_indicator', 'ttff'),
	(23, 'Inquiry', 'Amend forecast', 'inquiry.amend_forecast', 'ttff'),
	(24, 'Comments', 'Add comments', 'comments.add', 'tttf'),
	(25, 'Comments', 'Delete own comments', 'comments.delete_own', 'tttf');
-- every matrix row names a defined action
SELECT m.action AS undefined_action FROM matrix m
	WHERE NOT EXISTS (SELECT FROM permissions.actions a WHERE a.action = m.action);

-- Ask can(action, 1) as each column's user, at Warehouse North (location 1):
-- carla = Client Admin, fred = full there, rita = read-only there, nora = none there.
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
SET permissions.user_id = 'carla';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action, 1) FROM matrix;
SET permissions.user_id = 'fred';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action, 1) FROM matrix;
SET permissions.user_id = 'rita';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action, 1) FROM matrix;
SET permissions.user_id = 'nora';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action, 1) FROM matrix;
RESET permissions.user_id;
SELECT count(*) AS answers, count(DISTINCT user_id) AS users FROM answers;

SELECT m.area, m.sub_area,
	ca.allowed AS client_admin, rf.allowed AS restricted_full,
	rr.allowed AS restricted_read_only, rn.allowed AS restricted_no_access
FROM matrix m
	JOIN answers ca ON ca.action = m.action AND ca.user_id = 'carla'
	JOIN answers rf ON rf.action = m.action AND rf.user_id = 'fred'
	JOIN answers rr ON rr.action = m.action AND rr.user_id = 'rita'
	JOIN answers rn ON rn.action = m.action AND rn.user_id = 'nora'
ORDER BY m.ord;

-- and the same against the seed's cells: no row may differ
SELECT m.area, m.sub_area, m.seed, string_agg(CASE WHEN a.allowed THEN 't' ELSE 'f' END, ''
	ORDER BY array_position(ARRAY['carla', 'fred', 'rita', 'nora'], a.user_id)) AS got
FROM matrix m JOIN answers a USING (action)
GROUP BY m.ord, m.area, m.sub_area, m.seed
HAVING m.seed <> string_agg(CASE WHEN a.allowed THEN 't' ELSE 'f' END, ''
	ORDER BY array_position(ARRAY['carla', 'fred', 'rita', 'nora'], a.user_id))
ORDER BY m.ord;

-- can() at a location agrees with can_user() (the admin tool) for every cell
SELECT count(*) AS disagreements FROM answers a
WHERE a.allowed IS DISTINCT FROM permissions.can_user(a.user_id, a.action, 1);

-- why, for a few cells
SET permissions.user_id = 'carla';
SELECT permissions.explain('settings.region_setup');
SET permissions.user_id = 'fred';
SELECT permissions.explain('orders.create', 1);
SELECT permissions.explain('settings.configuration');
SET permissions.user_id = 'rita';
SELECT permissions.explain('orders.edit', 1);
SELECT permissions.explain('comments.add', 1);
SET permissions.user_id = 'nora';
SELECT permissions.explain('locations.view', 1);
SELECT permissions.explain('locations.view', 2);
RESET permissions.user_id;

--
-- Feature behaviour based on location access
--
-- "No access to a location: the user cannot see any data for that location."
SET permissions.user_id = 'nora';
SELECT permissions.location_access(1) AS north, permissions.location_access(2) AS south,
	permissions.location_access(3) AS central, permissions.locations_with('read') AS readable,
	permissions.can('locations.view', 1) AS view_north, permissions.can('locations.view', 2) AS view_south,
	permissions.can('comments.add', 1) AS comment_north, permissions.can('comments.add', 2) AS comment_south;

-- "Access to every location: full access to the Supplier Performance Feature, Stock
-- Projection Feature, Report Builder, and Advanced Reports" (read is enough).
-- "Missing access to even one location: the above features are removed unless default
-- location access = Read only or Full."
CREATE TEMP TABLE report_features AS
	SELECT action FROM permissions.actions WHERE area = 'reports';
SELECT action, location_rule, min_access FROM permissions.actions WHERE area = 'reports' ORDER BY action;
CREATE TEMP VIEW reports_now AS
	SELECT permissions.current_user_id() AS user_id,
		count(*) FILTER (WHERE permissions.can(action)) AS report_features_allowed,
		count(*) AS of
	FROM report_features;
-- gina: explicit access to every location (full at 1, read at 2 and 3), default none
SET permissions.user_id = 'gina';
SELECT * FROM reports_now;
-- fred: full at location 1 only, default none: missing locations 2 and 3
SET permissions.user_id = 'fred';
SELECT * FROM reports_now;
SELECT permissions.explain('reports.report_builder');
-- nora: explicit none at location 1
SET permissions.user_id = 'nora';
SELECT * FROM reports_now;
-- dora: no explicit grant at locations 1 and 3, but default read
SET permissions.user_id = 'dora';
SELECT * FROM reports_now;
SELECT permissions.explain('reports.advanced');
-- carla: administrator
SET permissions.user_id = 'carla';
SELECT * FROM reports_now;
RESET permissions.user_id;
-- fred's default raised to read, then full: the features come back; back to none: gone
UPDATE permissions.users SET default_location_access = 'read' WHERE user_id = 'fred';
SET permissions.user_id = 'fred';
SELECT * FROM reports_now;
RESET permissions.user_id;
UPDATE permissions.users SET default_location_access = 'full' WHERE user_id = 'fred';
SET permissions.user_id = 'fred';
SELECT * FROM reports_now;
RESET permissions.user_id;
UPDATE permissions.users SET default_location_access = 'none' WHERE user_id = 'fred';
SET permissions.user_id = 'fred';
SELECT * FROM reports_now;
-- an explicit none overrides a read default: dora loses Warehouse North and the features
RESET permissions.user_id;
INSERT INTO permissions.location_access VALUES ('dora', 1, 'none');
SET permissions.user_id = 'dora';
SELECT * FROM reports_now;
SELECT permissions.explain('reports.stock_projection');
RESET permissions.user_id;
DELETE FROM permissions.location_access WHERE user_id = 'dora' AND location_id = 1;
SET permissions.user_id = 'dora';
SELECT * FROM reports_now;

-- "No full access to any location: the user cannot access the Orders screen."
CREATE TEMP VIEW orders_screen_now AS
	SELECT permissions.current_user_id() AS user_id, permissions.locations_with('full') AS full_at,
		permissions.can('orders.screen') AS orders_screen;
SET permissions.user_id = 'fred';
SELECT * FROM orders_screen_now;
SET permissions.user_id = 'rita';
SELECT * FROM orders_screen_now;
SELECT permissions.explain('orders.screen');
SET permissions.user_id = 'nora';
SELECT * FROM orders_screen_now;
SET permissions.user_id = 'gina';
SELECT * FROM orders_screen_now;
SET permissions.user_id = 'dora';
SELECT * FROM orders_screen_now;
SET permissions.user_id = 'carla';
SELECT * FROM orders_screen_now;
-- "Changing access impacts immediately": fred's full access becomes read-only
RESET permissions.user_id;
UPDATE permissions.location_access SET access = 'read' WHERE user_id = 'fred' AND location_id = 1;
SET permissions.user_id = 'fred';
SELECT * FROM orders_screen_now;
SELECT permissions.can('orders.create', 1) AS create_north, permissions.can('comments.add', 1) AS comment_north;
RESET permissions.user_id;
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'fred' AND location_id = 1;
SET permissions.user_id = 'fred';
SELECT * FROM orders_screen_now;

-- "No automatic inheritance: Restricted Users do not automatically gain access to new
-- locations."  A new location 4: gina (explicit grants only) loses the all-locations
-- features and sees nothing there; dora (default read) keeps them and reads location 4.
RESET permissions.user_id;
INSERT INTO permissions.locations VALUES (4, 'New Outlet');
SET permissions.user_id = 'gina';
SELECT * FROM reports_now;
SELECT permissions.location_access(4) AS new_outlet, permissions.can('locations.view', 4) AS view_new,
	permissions.can('orders.create', 4) AS create_new, permissions.can('orders.create', 1) AS create_north;
SELECT permissions.explain('reports.supplier_performance');
SET permissions.user_id = 'dora';
SELECT * FROM reports_now;
SELECT permissions.location_access(4) AS new_outlet, permissions.can('locations.view', 4) AS view_new,
	permissions.can('orders.create', 4) AS create_new;
SET permissions.user_id = 'carla';
SELECT * FROM reports_now;
SELECT permissions.can('orders.create', 4) AS create_new, permissions.explain('orders.create', 4);
-- granting gina the new location brings the features back
RESET permissions.user_id;
INSERT INTO permissions.location_access VALUES ('gina', 4, 'read');
SET permissions.user_id = 'gina';
SELECT * FROM reports_now;
SELECT permissions.can('locations.view', 4) AS view_new, permissions.can('orders.create', 4) AS create_new;

-- A restricted user cannot raise their own access (only users.admin changes the model)
RESET permissions.user_id;
CREATE ROLE regress_seed002_fred;
GRANT SELECT, INSERT, UPDATE, DELETE ON permissions.location_access, permissions.users TO regress_seed002_fred;
UPDATE permissions.users SET db_role = 'regress_seed002_fred' WHERE user_id = 'fred';
SET ROLE regress_seed002_fred;
SELECT permissions.current_user_id(), permissions.can('profile.edit_own_access');
UPDATE permissions.location_access SET access = 'full' WHERE user_id = 'fred';
UPDATE permissions.users SET default_location_access = 'full' WHERE user_id = 'fred';
INSERT INTO permissions.location_access VALUES ('fred', 2, 'full');
RESET ROLE;
SELECT user_id, location_id, access FROM permissions.location_access WHERE user_id = 'fred' ORDER BY location_id;
SELECT default_location_access FROM permissions.users WHERE user_id = 'fred';
REVOKE ALL ON permissions.location_access, permissions.users FROM regress_seed002_fred;
UPDATE permissions.users SET db_role = NULL WHERE user_id = 'fred';
DROP ROLE regress_seed002_fred;

DROP VIEW reports_now, orders_screen_now;
DROP EXTENSION permissions CASCADE;
