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

DROP EXTENSION permissions CASCADE;
