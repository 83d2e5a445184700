-- Walkthrough of seed 000 (Sumtracker: department rights, approvals, locked data,
-- alerts).  Run in a database holding the app schema and models/seed_000.sql.

\echo
\echo '================================================================================'
\echo ' Seed 000 - Sumtracker: "Each department like sales, purchase, manufacturing,'
\echo ' logistics, accounts etc. have permissions for read, write and delete."'
\echo '================================================================================'

\set QUIET on
-- Ask can() as every user once (SET permissions.user_id, then can() for every action)
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
CREATE TEMP TABLE privs (user_id text, area text, privileges text);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO answers SELECT %L, action, permissions.can(action) FROM permissions.actions; '
	'INSERT INTO privs SELECT %L, area, permissions.area_privileges(area)::text FROM permissions.areas',
	user_id, user_id, user_id)
FROM permissions.users \gexec
RESET permissions.user_id;
CREATE TEMP TABLE people AS
	SELECT user_id, ord FROM unnest(ARRAY['maria', 'olga', 'sam', 'pete', 'paula', 'lee', 'ann', 'eddie'])
		WITH ORDINALITY AS p (user_id, ord);

\echo
\echo 'The users and their roles (a role may inherit another):'
SELECT u.user_id AS "user", u.role, r.inherits AS "inherits from",
	CASE WHEN u.active THEN 'active' ELSE 'INACTIVE' END AS status
FROM permissions.users u JOIN permissions.roles r USING (role) JOIN people p USING (user_id)
ORDER BY p.ord;

\echo 'Their privileges per department (r read, w write, d delete, a approve, o override locks),'
\echo 'as permissions.area_privileges() answers for each of them:'
SELECT p.user_id, d.area, coalesce(nullif(v.privileges, ''), '-') AS privileges, d.ord
FROM people p
	CROSS JOIN unnest(ARRAY['sales', 'purchase', 'manufacturing', 'logistics', 'accounts', 'administration'])
		WITH ORDINALITY AS d (area, ord)
	JOIN privs v ON v.user_id = p.user_id AND v.area = d.area
ORDER BY p.ord \crosstabview user_id area privileges ord

\echo 'What each user may do: permissions.can(action) as that user:'
SELECT a.action, a.user_id, CASE WHEN a.allowed THEN 'yes' ELSE '.' END AS can, p.ord
FROM answers a JOIN people p USING (user_id) JOIN permissions.actions x USING (action)
ORDER BY array_position(ARRAY['sales', 'purchase', 'manufacturing', 'logistics', 'accounts', 'administration'], x.area),
	strpos('rwdao', x.privilege::text), a.action
\crosstabview action user_id can ord

\echo 'Why? permissions.explain() says which role, privilege or rule decided:'
SET permissions.user_id = 'pete';
SELECT permissions.explain('purchase.write') AS "pete, purchase only"
UNION ALL SELECT permissions.explain('sales.delete');
SET permissions.user_id = 'lee';
SELECT permissions.explain('manufacturing.write') AS "lee, production inherits logistics"
UNION ALL SELECT permissions.explain('logistics.delete');
SET permissions.user_id = 'olga';
SELECT permissions.explain('logistics.override_lock') AS "olga, every department but not management";
SET permissions.user_id = 'maria';
SELECT permissions.explain('logistics.override_lock') AS "maria, management";
SET permissions.user_id = 'eddie';
SELECT permissions.explain('sales.read') AS "eddie, a former salesman";
RESET permissions.user_id;

\echo '"A purchase order can only be sent to the supplier after being approved."'
\echo 'Purchase orders waiting for approval, and who may approve them (never the requester):'
SELECT po.id, l.name AS location, po.supplier, po.amount, po.created_by AS requested_by,
	(SELECT string_agg(a.user_id, ', ' ORDER BY p.ord) FROM answers a JOIN people p USING (user_id)
	 WHERE a.action = 'purchase_orders.approve' AND a.allowed AND a.user_id <> po.created_by) AS approvers
FROM app.purchase_orders po JOIN app.locations l USING (location_id)
WHERE po.status = 'pending' ORDER BY po.id;

\echo '"All the stock related data gets locked once the task is complete. Only the management'
\echo 'with permissions can change anything."  Completed documents, and who may change them:'
SELECT 'purchase order ' || po.id AS document, po.status,
	(SELECT string_agg(a.user_id, ', ') FROM answers a
	 WHERE a.action = 'purchase.override_lock' AND a.allowed) AS may_change
FROM app.purchase_orders po WHERE po.status = 'completed'
UNION ALL
SELECT 'sales order ' || so.id, so.status,
	(SELECT string_agg(a.user_id, ', ') FROM answers a
	 WHERE a.action = 'sales.override_lock' AND a.allowed)
FROM app.sales_orders so WHERE so.status = 'completed';

\echo 'The database enforces it.  permissions.lock_completed() locks completed purchase orders,'
\echo 'and permissions.track() logs every change to them in permissions.activity:'
\o /dev/null
SELECT permissions.lock_completed('app.purchase_orders', 'status', ARRAY['completed'], 'purchase.override_lock');
SELECT permissions.track('app.purchase_orders');
\o
SELECT id AS completed_po FROM app.purchase_orders WHERE status = 'completed' ORDER BY id LIMIT 1 \gset
-- the attempts run inside a function, so the demo can print each refusal and carry on
CREATE FUNCTION pg_temp.try_change(who text, why text, sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('permissions.user_id', who, true);
	PERFORM set_config('permissions.reason', coalesce(why, ''), true);
	EXECUTE sql;
	RETURN 'done';
EXCEPTION WHEN object_not_in_prerequisite_state THEN
	RETURN 'refused (' || SQLSTATE || '): ' || SQLERRM;
END $$;
SELECT format('UPDATE app.purchase_orders SET amount = amount + 100 WHERE id = %s', :completed_po) AS change \gset
\echo 'pete (purchase) corrects the amount of the completed order:'
SELECT pg_temp.try_change('pete', NULL, :'change') AS result;
\echo 'maria (management) does the same without giving a reason:'
SELECT pg_temp.try_change('maria', NULL, :'change') AS result;
\echo '... and with one (SET permissions.reason = ''supplier credit note 4471''):'
SELECT pg_temp.try_change('maria', 'supplier credit note 4471', :'change') AS result;
\echo 'The override, in the activity log:'
SELECT at::time(0) AS at, user_id, action, object, row_key, old, new, reason
  FROM permissions.activity WHERE object = 'app.purchase_orders' ORDER BY activity_id;

\echo 'Alerts in the database: a low-stock rule fires when a stock row drops below its reorder'
\echo 'level, a due-order rule when an open order is due within 3 days; each reaches the users'
\echo 'who may do the audience action.  pete runs the reference LISTEN client:'
\o /dev/null
SELECT permissions.alert_when('app.stock', 'low_stock', 'qty < reorder_level', 'alerts.low_stock');
SELECT permissions.alert_due('app.purchase_orders', 'po_due', 'due_date', 'alerts.due_purchase_orders',
	$$status IN ('pending', 'approved', 'sent')$$, NULL, '3 days');
\o
-- the client logs in as the application's login role, trusted to act for users
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'demo_app') AS need_role \gset
\if :need_role
CREATE ROLE demo_app LOGIN;
\endif
ALTER ROLE demo_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO demo_app;
SELECT current_database() AS demo_db \gset
\setenv PERMISSIONS_DEMO_DB :demo_db
\! "$(command -v permissions-listen || echo "$(pg_config --bindir)/permissions-listen")" "dbname=$PERMISSIONS_DEMO_DB user=demo_app" pete > /tmp/permissions-demo-pete.$PPID 2>&1 & echo $! > /tmp/permissions-demo-pete.$PPID.pid; sleep 1
\echo 'UPDATE app.stock SET qty = 120 WHERE location_id = 1 AND item_id = 1;   -- 1200 -> 120, reorder level 500'
UPDATE app.stock SET qty = 120 WHERE location_id = 1 AND item_id = 1;
\echo 'SELECT permissions.run_due_alerts();   -- as pg_cron would, every few minutes'
SELECT permissions.run_due_alerts() AS notifications_sent;
\echo 'What pete''s client printed (one JSON line per notification):'
\! sleep 1; kill $(cat /tmp/permissions-demo-pete.$PPID.pid); cat /tmp/permissions-demo-pete.$PPID; rm -f /tmp/permissions-demo-pete.$PPID /tmp/permissions-demo-pete.$PPID.pid
\echo 'Who was told, from permissions.notifications:'
SELECT kind, subject_id, string_agg(user_id, ', ' ORDER BY user_id) AS told
  FROM permissions.notifications GROUP BY kind, subject_id ORDER BY kind, subject_id;

\echo '"Notifications for low stock ... You can set which users will get these notifications'
\echo 'based on permissions."  Items below their reorder level, and who is told:'
SELECT l.name AS location, i.name AS item, s.qty, s.reorder_level,
	(SELECT string_agg(a.user_id, ', ' ORDER BY p.ord) FROM answers a JOIN people p USING (user_id)
	 WHERE a.action = 'alerts.low_stock' AND a.allowed) AS notified
FROM app.stock s JOIN app.items i USING (item_id) JOIN app.locations l USING (location_id)
WHERE s.qty < s.reorder_level ORDER BY l.location_id, i.item_id;

\echo '"A purchase order can only be sent to the supplier after being approved", and big ones'
\echo 'need a second approver.  permissions.enable_approvals() puts the lifecycle in the database:'
\echo 'draft -> pending (request_approval) -> approved or denied (approve, deny) -> sent.'
\o /dev/null
INSERT INTO permissions.approval_rules (doc_type, level, min_amount, approver_action) VALUES
	('purchase_order', 1, 0, 'purchase_orders.approve'),
	('purchase_order', 2, 5000, 'purchase_orders.approve');
SELECT permissions.enable_approvals('app.purchase_orders', 'purchase_order', amount_column => 'amount',
	location_column => 'location_id');
\o
SELECT doc_type, level, min_amount, approver_action, approver_scope FROM permissions.approval_rules ORDER BY level;
-- like try_change, for the refusals of approve() (42501) as well
CREATE FUNCTION pg_temp.try_as(who text, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
	detail text;
BEGIN
	PERFORM set_config('permissions.user_id', who, true);
	IF sql ~* '^\s*select' THEN
		EXECUTE sql INTO result;
	ELSE
		EXECUTE sql;
	END IF;
	RETURN coalesce(result, 'done');
EXCEPTION WHEN object_not_in_prerequisite_state OR insufficient_privilege THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN 'refused (' || SQLSTATE || '): ' || SQLERRM || coalesce(' -- ' || nullif(detail, ''), '');
END $$;
SET permissions.user_id = 'pete';
\echo 'pete drafts purchase order 106 for 7,200 (two levels: 7,200 >= 5,000) and tries to send it at once:'
INSERT INTO app.purchase_orders VALUES (106, 1, 'Grainger', 'draft', 7200, 'pete', current_date + 10);
SELECT pg_temp.try_as('pete', $$UPDATE app.purchase_orders SET status = 'sent' WHERE id = 106$$) AS result;
\echo 'pete asks for approval instead: SELECT permissions.request_approval(''app.purchase_orders'', ''106'')'
SELECT permissions.request_approval('app.purchase_orders', '106', 'Grainger: shelving for Leeds') AS request \gset
RESET permissions.user_id;
\echo 'The approvers of level 1 are told (kind approval_requested); pete is not, nor is anyone who'
\echo 'cannot approve:'
SELECT user_id, kind, subject, subject_id, payload->>'level' AS level, payload->>'amount' AS amount
  FROM permissions.notifications WHERE kind = 'approval_requested' ORDER BY notification_id;
\echo 'paula (purchase manager) approves level 1, then tries level 2 as well:'
SELECT pg_temp.try_as('paula', format('SELECT permissions.approve(%s, %L)', :request, 'price checked')) AS result
UNION ALL
SELECT pg_temp.try_as('paula', format('SELECT permissions.approve(%s)', :request));
\echo 'pete cannot approve his own order either; maria (management) approves level 2:'
SELECT pg_temp.try_as('pete', format('SELECT permissions.approve(%s)', :request)) AS result
UNION ALL
SELECT pg_temp.try_as('maria', format('SELECT permissions.approve(%s, %L)', :request, 'ok for Q3 budget'));
\echo 'The request and its decisions:'
SELECT r.request_id, r.doc_id, r.amount, r.requested_by, r.status, d.level, d.decided_by, d.comment
  FROM permissions.approval_requests r JOIN permissions.approval_decisions d USING (request_id)
 ORDER BY d.level;
\echo 'pete hears the decision (kind approval_decided) and sends the order:'
SELECT user_id, kind, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by,
	payload->>'comment' AS comment
  FROM permissions.notifications WHERE kind = 'approval_decided' ORDER BY notification_id;
SELECT pg_temp.try_as('pete', $$UPDATE app.purchase_orders SET status = 'sent' WHERE id = 106$$) AS result;
\echo 'Every step is in the activity log (the tracked status changes, the request and the decisions):'
SELECT at::time(0) AS at, user_id, action, row_key, coalesce(new->>'status', new->>'state') AS status,
	new->>'level' AS level, reason
  FROM permissions.activity WHERE object = 'app.purchase_orders' AND row_key->>'id' = '106'
 ORDER BY activity_id;
RESET permissions.user_id;

\echo '"You can give some or all permissions to any user": sam (sales) is given every department.'
UPDATE permissions.users SET role = 'all_departments' WHERE user_id = 'sam';
SET permissions.user_id = 'sam';
SELECT permissions.can('sales.write') AS sales_write, permissions.can('purchase.delete') AS purchase_delete,
	permissions.can('sales_orders.approve') AS approve_sales_orders,
	permissions.explain('purchase.delete') AS why;
RESET permissions.user_id;
