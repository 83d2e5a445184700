-- Seed 000: Sumtracker's department rights, approvals, lock overrides and alerts
-- (shared/seeds/000_e279040ba7c8166b.txt; model in test/demo/models/seed_000.sql)
\set VERBOSITY terse
CREATE EXTENSION permissions;
-- the model (not echoed: the assertions below pin its behaviour; errors still show)
\set ECHO none
\i test/demo/models/seed_000.sql
\set ECHO all

--
-- "Each department ... have permissions for read, write and delete" and "You can give
-- some or all permissions to any user": each user's privileges per department, as
-- the user sees them (area_privileges) and as can() answers them.
--
CREATE TEMP TABLE privs (user_id text, area text, privileges text);
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
SET permissions.user_id = 'maria';
INSERT INTO privs SELECT 'maria', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'maria', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'olga';
INSERT INTO privs SELECT 'olga', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'olga', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'sam';
INSERT INTO privs SELECT 'sam', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'sam', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'pete';
INSERT INTO privs SELECT 'pete', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'pete', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'paula';
INSERT INTO privs SELECT 'paula', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'paula', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'lee';
INSERT INTO privs SELECT 'lee', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'lee', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'ann';
INSERT INTO privs SELECT 'ann', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'ann', action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'eddie';
INSERT INTO privs SELECT 'eddie', area, permissions.area_privileges(area)::text FROM permissions.areas;
INSERT INTO answers SELECT 'eddie', action, permissions.can(action) FROM permissions.actions;
RESET permissions.user_id;

SELECT u.user_id, u.role,
	max(p.privileges) FILTER (WHERE p.area = 'sales') AS sales,
	max(p.privileges) FILTER (WHERE p.area = 'purchase') AS purchase,
	max(p.privileges) FILTER (WHERE p.area = 'manufacturing') AS manufacturing,
	max(p.privileges) FILTER (WHERE p.area = 'logistics') AS logistics,
	max(p.privileges) FILTER (WHERE p.area = 'accounts') AS accounts,
	max(p.privileges) FILTER (WHERE p.area = 'administration') AS administration
FROM permissions.users u JOIN privs p USING (user_id)
GROUP BY u.user_id, u.role
ORDER BY array_position(ARRAY['maria', 'olga', 'sam', 'pete', 'paula', 'lee', 'ann', 'eddie'], u.user_id);

-- read / write / delete per department through can()
SELECT d.department,
	string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.action = d.department || '.read' AND a.allowed) AS may_read,
	string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.action = d.department || '.write' AND a.allowed) AS may_write,
	string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.action = d.department || '.delete' AND a.allowed) AS may_delete
FROM (VALUES (1, 'sales'), (2, 'purchase'), (3, 'manufacturing'), (4, 'logistics'), (5, 'accounts')) AS d (ord, department)
	JOIN answers a ON a.action LIKE d.department || '.%'
GROUP BY d.ord, d.department ORDER BY d.ord;

-- can() agrees with the privileges the user holds on the action's area, for every
-- user and action (no location rules or features in this model)
SELECT a.user_id, a.action, a.allowed, p.privileges
FROM answers a JOIN permissions.actions x USING (action)
	JOIN privs p ON p.user_id = a.user_id AND p.area = x.area
WHERE a.allowed IS DISTINCT FROM (strpos(p.privileges, x.privilege::text) > 0);

-- a purchase-only user writes purchase data but cannot delete sales data
SET permissions.user_id = 'pete';
SELECT permissions.can('purchase.read') AS read_purchase, permissions.can('purchase.write') AS write_purchase,
	permissions.can('purchase.delete') AS delete_purchase, permissions.can('sales.read') AS read_sales,
	permissions.can('sales.delete') AS delete_sales, permissions.can('purchase_orders.approve') AS approve_po;
SELECT permissions.explain('purchase.write');
SELECT permissions.explain('sales.delete');
-- two departments through inheritance: production inherits logistics
SET permissions.user_id = 'lee';
SELECT permissions.explain('logistics.delete');
SELECT permissions.explain('manufacturing.write');
SELECT permissions.explain('accounts.read');
-- read-only accounts
SET permissions.user_id = 'ann';
SELECT permissions.can('accounts.read') AS read_accounts, permissions.can('accounts.write') AS write_accounts;
SELECT permissions.explain('accounts.write');
RESET permissions.user_id;

--
-- "These documents can only be used after getting an approval from a senior
-- authority": who may approve which document
--
SELECT a.action, string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.allowed) AS approvers
FROM answers a WHERE a.action LIKE '%.approve' GROUP BY a.action ORDER BY a.action;
SET permissions.user_id = 'paula';
SELECT permissions.explain('purchase_orders.approve');
SELECT permissions.explain('sales_orders.approve');
SET permissions.user_id = 'olga';
SELECT permissions.explain('purchase_rates.approve');
RESET permissions.user_id;

--
-- "All the stock related data gets locked once the task is complete. Only the
-- management with permissions can change anything."
--
SELECT a.action, string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.allowed) AS may_override
FROM answers a WHERE a.action LIKE '%.override_lock' GROUP BY a.action ORDER BY a.action;
SET permissions.user_id = 'maria';
SELECT permissions.explain('logistics.override_lock');
SET permissions.user_id = 'olga';
SELECT permissions.explain('logistics.override_lock');
RESET permissions.user_id;

--
-- "You can set which users will get these notifications based on permissions", and
-- who sees the activity records and manages permissions
--
SELECT a.action, string_agg(a.user_id, ' ' ORDER BY a.user_id) FILTER (WHERE a.allowed) AS audience
FROM answers a WHERE a.action LIKE 'alerts.%' OR a.action IN ('activity.read', 'users.admin')
GROUP BY a.action ORDER BY a.action;

-- an inactive user is denied everything
SELECT count(*) FILTER (WHERE allowed) AS allowed, count(*) AS asked FROM answers WHERE user_id = 'eddie';
SET permissions.user_id = 'eddie';
SELECT permissions.current_user_id(), permissions.explain('sales.read');
RESET permissions.user_id;

-- giving a user more departments takes effect at once: sam moves to all departments
UPDATE permissions.users SET role = 'all_departments' WHERE user_id = 'sam';
SET permissions.user_id = 'sam';
SELECT permissions.can('sales.delete') AS delete_sales, permissions.can('accounts.write') AS write_accounts,
	permissions.can('sales_orders.approve') AS approve_so, permissions.area_privileges('purchase') AS purchase;
RESET permissions.user_id;
-- and a department taken away: all_departments loses delete on accounts
UPDATE permissions.role_privileges SET privileges = 'rw' WHERE role = 'all_departments' AND area = 'accounts';
SET permissions.user_id = 'sam';
SELECT permissions.can('accounts.write') AS write_accounts, permissions.can('accounts.delete') AS delete_accounts;
-- management inherits all_departments and adds only a and o, so maria loses delete
-- on accounts too
SET permissions.user_id = 'maria';
SELECT permissions.area_privileges('accounts') AS accounts, permissions.can('accounts.delete') AS delete_accounts;
RESET permissions.user_id;

--
-- The approval workflow. "For purchase orders, sales orders, write offs, BOMs and
-- purchase rates you can set an approval workflow. These documents can only be used
-- after getting an approval from a senior authority ... For example a purchase order
-- can only be sent to the supplier after being approved."  "To get approval for any
-- purchase order you just need to click "Request approval" button. An email is sent
-- to all the users who have the permission to approve purchase orders. Once they have
-- approved, an email is sent to the user who requested the approval. The approver can
-- also deny the request to approve."
-- One level per document type, decided by whoever holds the type's approve action;
-- a document is "used" when it reaches its released status (sent, posted, in_use).
--
-- (errors in full here: their DETAIL says why a user is refused)
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO permissions.approval_rules (doc_type, level, min_amount, approver_action, approver_scope) VALUES
	('purchase_order', 1, 0, 'purchase_orders.approve', 'global'),
	('write_off', 1, 0, 'write_offs.approve', 'global'),
	('bom', 1, 0, 'boms.approve', 'global');
CREATE TABLE purchase_orders (id int PRIMARY KEY, supplier text, amount numeric,
	status text NOT NULL DEFAULT 'draft', created_by text);
CREATE TABLE write_offs (id int PRIMARY KEY, item text, amount numeric,
	status text NOT NULL DEFAULT 'draft', created_by text);
CREATE TABLE boms (id int PRIMARY KEY, product text, status text NOT NULL DEFAULT 'draft', created_by text);
SELECT permissions.enable_approvals('purchase_orders', 'purchase_order', amount_column => 'amount',
	released_statuses => '{sent}');
SELECT permissions.enable_approvals('write_offs', 'write_off', amount_column => 'amount',
	released_statuses => '{posted}');
SELECT permissions.enable_approvals('boms', 'bom', released_statuses => '{in_use}');

-- a purchase order cannot be sent before it is approved
SET permissions.user_id = 'pete';
INSERT INTO purchase_orders VALUES (1, 'Acme Steel', 2400, 'draft', 'pete'), (2, 'Bolt & Co', 90, 'draft', 'pete');
UPDATE purchase_orders SET status = 'sent' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
-- "Request approval"
SELECT permissions.request_approval('purchase_orders', '1', 'steel for June') AS po1 \gset
SELECT id, status FROM purchase_orders ORDER BY id;
-- still not before the decision
UPDATE purchase_orders SET status = 'sent' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
-- "An email is sent to all the users who have the permission to approve purchase
-- orders": exactly the active users who may do purchase_orders.approve, less the
-- requester (every row must be notified = may_approve = t)
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :po1) n
	FULL JOIN (SELECT user_id FROM permissions.users
		WHERE user_id <> 'pete' AND permissions.can_user(user_id, 'purchase_orders.approve')) e USING (user_id)
ORDER BY 1;
SELECT user_id, subject, subject_id, payload->>'doc_type' AS doc_type, payload->>'requested_by' AS requested_by
FROM permissions.notifications WHERE (payload->>'request_id')::bigint = :po1 ORDER BY user_id;
-- the requester, a user with every department but no approval right, and an
-- inactive user cannot approve it
SET permissions.user_id = 'pete';
SELECT permissions.approve(:po1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'olga';
SELECT permissions.approve(:po1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS olga_may_decide FROM permissions.my_approvals;
SET permissions.user_id = 'eddie';
SELECT permissions.approve(:po1);
\echo :LAST_ERROR_SQLSTATE
-- the purchase manager approves it
SET permissions.user_id = 'paula';
SELECT doc_type, doc_id, requested_by FROM permissions.my_approvals;
SELECT permissions.approve(:po1, 'price checked');
-- once decided, management cannot decide it again
SET permissions.user_id = 'maria';
SELECT permissions.approve(:po1);
\echo :LAST_ERROR_SQLSTATE
-- approved: now it can be sent
SET permissions.user_id = 'pete';
SELECT id, status FROM purchase_orders WHERE id = 1;
UPDATE purchase_orders SET status = 'sent' WHERE id = 1;
SELECT id, status FROM purchase_orders WHERE id = 1;
-- "an email is sent to the user who requested the approval"
RESET permissions.user_id;
SELECT user_id, subject_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by,
	payload->>'comment' AS comment
FROM permissions.notifications WHERE kind = 'approval_decided' AND (payload->>'request_id')::bigint = :po1;

-- "The approver can also deny the request": management denies PO 2; it stays unsent
SET permissions.user_id = 'pete';
SELECT permissions.request_approval('purchase_orders', '2') AS po2 \gset
SET permissions.user_id = 'maria';
SELECT permissions.deny(:po2, 'use the framework supplier');
SET permissions.user_id = 'pete';
SELECT id, status FROM purchase_orders WHERE id = 2;
UPDATE purchase_orders SET status = 'sent' WHERE id = 2;
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
SELECT user_id, subject_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by,
	payload->>'comment' AS comment
FROM permissions.notifications WHERE kind = 'approval_decided' AND (payload->>'request_id')::bigint = :po2;

-- a write off follows the same rule: logistics asks, management approves
SET permissions.user_id = 'lee';
INSERT INTO write_offs VALUES (1, 'damaged pallets', 310, 'draft', 'lee');
UPDATE write_offs SET status = 'posted' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('write_offs', '1') AS wo1 \gset
RESET permissions.user_id;
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :wo1) n
	FULL JOIN (SELECT user_id FROM permissions.users
		WHERE user_id <> 'lee' AND permissions.can_user(user_id, 'write_offs.approve')) e USING (user_id)
ORDER BY 1;
-- the requester, and the purchase manager (who approves purchase documents only)
SET permissions.user_id = 'lee';
SELECT permissions.approve(:wo1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'paula';
SELECT permissions.approve(:wo1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'maria';
SELECT permissions.approve(:wo1);
SET permissions.user_id = 'lee';
UPDATE write_offs SET status = 'posted' WHERE id = 1;
SELECT id, status FROM write_offs;
RESET permissions.user_id;
SELECT user_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by
FROM permissions.notifications WHERE kind = 'approval_decided' AND (payload->>'request_id')::bigint = :wo1;

-- and a BOM (no amount: every BOM needs the approval)
SET permissions.user_id = 'lee';
INSERT INTO boms VALUES (1, 'garden bench', 'draft', 'lee');
UPDATE boms SET status = 'in_use' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('boms', '1') AS bom1 \gset
RESET permissions.user_id;
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :bom1) n
	FULL JOIN (SELECT user_id FROM permissions.users
		WHERE user_id <> 'lee' AND permissions.can_user(user_id, 'boms.approve')) e USING (user_id)
ORDER BY 1;
SET permissions.user_id = 'olga';
SELECT permissions.approve(:bom1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'paula';
SELECT permissions.approve(:bom1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'maria';
SELECT permissions.approve(:bom1, 'go ahead');
SET permissions.user_id = 'lee';
UPDATE boms SET status = 'in_use' WHERE id = 1;
SELECT id, status FROM boms;
RESET permissions.user_id;
SELECT user_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by
FROM permissions.notifications WHERE kind = 'approval_decided' AND (payload->>'request_id')::bigint = :bom1;

-- every request and decision, as recorded
SELECT r.doc_type, r.doc_id, r.requested_by, r.status, d.level, d.decided_by, d.decision, d.comment
FROM permissions.approval_requests r LEFT JOIN permissions.approval_decisions d USING (request_id)
ORDER BY r.request_id;
\set VERBOSITY terse
DROP TABLE purchase_orders, write_offs, boms;

DROP EXTENSION permissions CASCADE;
