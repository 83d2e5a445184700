-- Walkthrough of seed 002 (planning app: Client Administrators and location-restricted
-- users).  Run in a database holding the app schema and models/seed_002.sql.

\echo
\echo '================================================================================'
\echo ' Seed 002 - planning app: "Client Administrators with full system control, and'
\echo ' Restricted Users with limited access based on location visibility."'
\echo '================================================================================'

\set QUIET on
-- Ask as every user once: location access everywhere, every action at Warehouse North
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
CREATE TEMP TABLE access (user_id text, location_id bigint, access text);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO answers SELECT %L, action, permissions.can(action, 1) FROM permissions.actions; '
	'INSERT INTO access SELECT %L, location_id, permissions.location_access(location_id)::text FROM permissions.locations',
	user_id, user_id, user_id)
FROM permissions.users \gexec
RESET permissions.user_id;
CREATE TEMP TABLE people AS
	SELECT user_id, ord FROM unnest(ARRAY['carla', 'fred', 'rita', 'nora', 'gina', 'dora'])
		WITH ORDINALITY AS p (user_id, ord);

\echo
\echo 'The users, and their access to each location as permissions.location_access() answers'
\echo '(explicit grants in permissions.location_access, otherwise the user''s default):'
SELECT u.user_id, u.role, u.default_location_access AS "default", l.name AS location, a.access, l.location_id
FROM permissions.users u JOIN people p USING (user_id)
	JOIN access a USING (user_id) JOIN permissions.locations l USING (location_id)
ORDER BY p.ord \crosstabview 1 location access location_id

\echo 'The seed''s "Access Matrix by Role and Location Permission", asked at Warehouse North'
\echo '(location 1) with permissions.can(action, 1): carla is a Client Administrator; fred,'
\echo 'rita and nora are restricted with full, read-only and no access there.'
SELECT x.description AS "area: sub area or action", a.user_id,
	CASE WHEN a.allowed THEN 'yes' ELSE 'no' END AS can, p.ord
FROM answers a JOIN people p USING (user_id) JOIN permissions.actions x USING (action)
WHERE a.user_id IN ('carla', 'fred', 'rita', 'nora') AND x.area <> 'reports' AND x.action <> 'users.admin'
ORDER BY array_position(ARRAY['locations.view', 'locations.edit', 'profile.edit_own_access',
	'settings.configuration', 'settings.classification', 'settings.policy_defaults',
	'settings.policy_overrides', 'settings.region_setup', 'system.user_admin', 'system.user_logs',
	'system.data_quality_report', 'system.data_refresh', 'suppliers.edit', 'orders.screen',
	'orders.create', 'orders.edit', 'orders.everyone_tab', 'orders.download', 'dashboard.mute',
	'forecasts.adjust_item', 'forecasts.adjust_total', 'inquiry.edit_stocking_indicator',
	'inquiry.amend_forecast', 'comments.add', 'comments.delete_own'], x.action)
\crosstabview 1 user_id can ord

\echo 'Why? permissions.explain(action, location):'
SET permissions.user_id = 'fred';
SELECT permissions.explain('orders.create', 1) AS "fred (full at Warehouse North)"
UNION ALL SELECT permissions.explain('orders.create', 2)
UNION ALL SELECT permissions.explain('settings.configuration');
SET permissions.user_id = 'rita';
SELECT permissions.explain('comments.add', 1) AS "rita (read-only at Warehouse North)"
UNION ALL SELECT permissions.explain('orders.edit', 1);
SET permissions.user_id = 'nora';
SELECT permissions.explain('locations.view', 1) AS "nora (no access at Warehouse North)";
SET permissions.user_id = 'carla';
SELECT permissions.explain('suppliers.edit') AS "carla (Client Administrator)";
RESET permissions.user_id;

\echo '"Feature Behaviour Based on Location Access": the report features need at least read'
\echo 'access to every location (explicitly or by default); the Orders screen needs full'
\echo 'access to at least one location.  "reports" counts the four report features allowed:'
\echo 'Supplier Performance, Stock Projection, Report Builder and Advanced Reports.'
CREATE TEMP TABLE visibility (user_id text, reports int, orders_screen bool, full_at text, read_at text);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO visibility SELECT %L, '
	'(SELECT count(*) FROM permissions.actions WHERE area = ''reports'' AND permissions.can(action)), '
	'permissions.can(''orders.screen''), permissions.locations_with(''full'')::text, permissions.locations_with(''read'')::text',
	user_id, user_id)
FROM permissions.users \gexec
RESET permissions.user_id;
SELECT v.user_id, u.default_location_access AS "default", v.read_at AS "read or full at", v.full_at AS "full at",
	v.reports || ' of 4' AS reports,
	CASE WHEN v.orders_screen THEN 'yes' ELSE 'no' END AS "Orders screen"
FROM visibility v JOIN permissions.users u USING (user_id) JOIN people p USING (user_id) ORDER BY p.ord;
SET permissions.user_id = 'fred';
SELECT permissions.explain('reports.report_builder') AS "fred, missing two locations";
SET permissions.user_id = 'dora';
SELECT permissions.explain('reports.report_builder') AS "dora, default read";
SET permissions.user_id = 'rita';
SELECT permissions.explain('orders.screen') AS "rita, read-only";
RESET permissions.user_id;

\echo '"No access to a location: The user cannot see any data for that location."'
\echo 'The purchase orders in app.purchase_orders, as each restricted user may use them'
\echo '(edit = can(''orders.edit'', location), view = can(''locations.view'', location)):'
CREATE TEMP TABLE po_rights (user_id text, id bigint, right_ text);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO po_rights SELECT %L, id, CASE WHEN permissions.can(''orders.edit'', location_id) THEN ''edit'' '
	'WHEN permissions.can(''locations.view'', location_id) THEN ''view'' ELSE ''-'' END FROM app.purchase_orders',
	user_id, user_id)
FROM permissions.users WHERE role = 'restricted' \gexec
RESET permissions.user_id;
SELECT po.id || ' ' || l.name || ', ' || po.supplier AS purchase_order, r.user_id, r.right_, p.ord
FROM po_rights r JOIN app.purchase_orders po USING (id) JOIN app.locations l USING (location_id)
	JOIN people p USING (user_id)
ORDER BY po.id \crosstabview 1 user_id right_ ord

\echo '"No automatic inheritance: Restricted Users do not automatically gain access to new'
\echo 'locations."  A new location, New Outlet (4), opens:'
INSERT INTO app.locations VALUES (4, 'New Outlet');
INSERT INTO permissions.locations VALUES (4, 'New Outlet');
CREATE TEMP TABLE new_outlet (user_id text, access text, reports int, why text);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO new_outlet SELECT %L, permissions.location_access(4)::text, '
	'(SELECT count(*) FROM permissions.actions WHERE area = ''reports'' AND permissions.can(action)), '
	'permissions.explain(''reports.advanced'')', user_id, user_id)
FROM permissions.users WHERE user_id IN ('gina', 'dora') \gexec
RESET permissions.user_id;
SELECT n.user_id, u.default_location_access AS "default", n.access AS "access to New Outlet",
	n.reports || ' of 4' AS reports
FROM new_outlet n JOIN permissions.users u USING (user_id) ORDER BY n.user_id DESC;
SELECT why AS "why (Advanced Reports)" FROM new_outlet ORDER BY user_id DESC;
\echo 'An administrator grants gina read access to New Outlet; the reports come back at once:'
INSERT INTO permissions.location_access VALUES ('gina', 4, 'read');
SET permissions.user_id = 'gina';
SELECT permissions.location_access(4) AS "gina's access to New Outlet",
	(SELECT count(*) FROM permissions.actions WHERE area = 'reports' AND permissions.can(action)) || ' of 4' AS reports;
SELECT permissions.explain('reports.advanced') AS "why (Advanced Reports)";
RESET permissions.user_id;

\echo
\echo 'Protected tables: the database itself hides the rows of locations a user may not see.'
\echo 'permissions.protect(''app.stock'', ''locations'', ''location_id'') puts one policy per command on'
\echo 'the stock table; the application reads it through a security_invoker view, so the view'
\echo 'runs with the rights of whoever queries it.'
SELECT permissions.protect('app.stock', 'locations', 'location_id');
CREATE VIEW app.stock_levels WITH (security_invoker = true) AS
	SELECT l.name AS location, i.name AS item, s.qty, s.reorder_level
	  FROM app.stock s JOIN app.locations l USING (location_id) JOIN app.items i USING (item_id);
-- the application's login role, trusted to say which user is acting
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'demo_app') AS need_role \gset
\if :need_role
CREATE ROLE demo_app;
\endif
GRANT SET ON PARAMETER permissions.user_id TO demo_app;
GRANT USAGE ON SCHEMA app TO demo_app;
GRANT SELECT ON app.stock, app.stock_levels, app.locations, app.items TO demo_app;
SET ROLE demo_app;
\echo 'The same query, SELECT * FROM app.stock_levels, as fred (full access at Warehouse North):'
SET permissions.user_id = 'fred';
SELECT * FROM app.stock_levels ORDER BY location, item;
\echo '... and as dora (default read access, so every location):'
SET permissions.user_id = 'dora';
SELECT * FROM app.stock_levels ORDER BY location, item;
\echo '... and as nora (no access to Warehouse North):'
SET permissions.user_id = 'nora';
SELECT * FROM app.stock_levels ORDER BY location, item;
RESET permissions.user_id;
RESET ROLE;

\echo
\echo 'permissions.access_matrix(): who may do what, and where (l = location ids), as an'
\echo 'administrator reads it -- the seed''s Access Matrix, computed from the model:'
SELECT action,
	max(CASE WHEN user_id = 'carla' THEN coalesce(array_to_string(locations, ','), CASE WHEN allowed THEN 'yes' ELSE '.' END) END) AS carla,
	max(CASE WHEN user_id = 'fred' THEN coalesce(nullif(array_to_string(locations, ','), ''), CASE WHEN allowed THEN 'yes' ELSE '.' END) END) AS fred,
	max(CASE WHEN user_id = 'rita' THEN coalesce(nullif(array_to_string(locations, ','), ''), CASE WHEN allowed THEN 'yes' ELSE '.' END) END) AS rita,
	max(CASE WHEN user_id = 'nora' THEN coalesce(nullif(array_to_string(locations, ','), ''), CASE WHEN allowed THEN 'yes' ELSE '.' END) END) AS nora
  FROM permissions.access_matrix(ARRAY['carla', 'fred', 'rita', 'nora'])
 GROUP BY action ORDER BY action;

\echo 'And permissions.lint() on this database (info lines are admin-only actions):'
SELECT severity, object, problem FROM permissions.lint();
