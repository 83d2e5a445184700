-- Seed 000: Sumtracker, an inventory app with department rights, approvals, locked
-- data, activity records and alerts (shared/seeds/000_e279040ba7c8166b.txt).
--
-- What the seed says, and how it is modelled:
--   "Each department like sales, purchase, manufacturing, logistics, accounts etc.
--    have permissions for read, write and delete."
--      -> one area per department; actions <department>.read / .write / .delete
--         need r / w / d on that area.
--   "You can set user permissions based on role and seniority."  "Sumtracker has
--    permission based on the department. You can give some or all permissions to
--    any user."
--      -> a role per department (sales, purchase, manufacturing, logistics,
--         accounts) giving rwd there; accounts_viewer gives read only; production
--         inherits logistics and adds manufacturing (two departments);
--         all_departments gives rwd everywhere.
--   "All the stock related data gets locked once the task is complete. Only the
--    management with permissions can change anything."
--      -> privilege o (override locks) on every department, held only by the role
--         management (which inherits all_departments); actions
--         <department>.override_lock are the override actions for the locks.
--   "For purchase orders, sales orders, write offs, BOMs and purchase rates you can
--    set an approval workflow. These documents can only be used after getting an
--    approval from a senior authority"
--      -> actions purchase_orders.approve, purchase_rates.approve (purchase a),
--         sales_orders.approve (sales a), boms.approve (manufacturing a),
--         write_offs.approve (logistics a); held by management, and by
--         purchase_manager (inherits purchase) for the purchase documents.
--   "Sumtracker will send automatic notifications for due purchase orders, payment
--    reminders, low stock levels ... You can set which users will get these
--    notifications based on permissions."
--      -> audience actions alerts.due_purchase_orders and alerts.low_stock
--         (purchase r), alerts.payment_reminders (accounts r).
--   "User activity records" / user permissions -> activity.read and users.admin on
--   area administration, held by management.
-- No location rules: the seed gives rights per department, not per warehouse.
--
-- Users: maria (management), olga (every department), sam (sales), pete (purchase
-- only), paula (purchase manager), lee (manufacturing and logistics), ann (accounts,
-- read only), and eddie, a former salesman whose account is inactive.

INSERT INTO permissions.areas (area, description) VALUES
	('sales', 'the sales department: sales orders, customers'),
	('purchase', 'the purchase department: purchase orders, suppliers, purchase rates'),
	('manufacturing', 'the manufacturing department: BOMs, production'),
	('logistics', 'the logistics department: stock, transfers, write offs'),
	('accounts', 'the accounts department: invoices, payments'),
	('administration', 'users, their permissions and activity records');

INSERT INTO permissions.roles (role, inherits, is_admin, description) VALUES
	('sales', NULL, false, 'sales department'),
	('purchase', NULL, false, 'purchase department'),
	('purchase_manager', 'purchase', false, 'purchase department, approves purchase orders and purchase rates'),
	('manufacturing', NULL, false, 'manufacturing department'),
	('logistics', NULL, false, 'logistics department'),
	('production', 'logistics', false, 'manufacturing and logistics departments'),
	('accounts', NULL, false, 'accounts department'),
	('accounts_viewer', NULL, false, 'accounts department, read only'),
	('all_departments', NULL, false, 'read, write and delete in every department'),
	('management', 'all_departments', false, 'management: approves documents, changes locked data, manages users');

INSERT INTO permissions.role_privileges (role, area, privileges) VALUES
	('sales', 'sales', 'rwd'),
	('purchase', 'purchase', 'rwd'),
	('purchase_manager', 'purchase', 'a'),
	('manufacturing', 'manufacturing', 'rwd'),
	('logistics', 'logistics', 'rwd'),
	('production', 'manufacturing', 'rwd'),
	('accounts', 'accounts', 'rwd'),
	('accounts_viewer', 'accounts', 'r'),
	('all_departments', 'sales', 'rwd'),
	('all_departments', 'purchase', 'rwd'),
	('all_departments', 'manufacturing', 'rwd'),
	('all_departments', 'logistics', 'rwd'),
	('all_departments', 'accounts', 'rwd'),
	('management', 'sales', 'ao'),
	('management', 'purchase', 'ao'),
	('management', 'manufacturing', 'ao'),
	('management', 'logistics', 'ao'),
	('management', 'accounts', 'ao'),
	('management', 'administration', 'rw');

INSERT INTO permissions.actions (action, area, privilege, description) VALUES
	('sales.read', 'sales', 'r', 'read sales data and reports'),
	('sales.write', 'sales', 'w', 'create and edit sales data'),
	('sales.delete', 'sales', 'd', 'delete sales data'),
	('sales.override_lock', 'sales', 'o', 'change sales data locked after completion'),
	('purchase.read', 'purchase', 'r', 'read purchase data and reports'),
	('purchase.write', 'purchase', 'w', 'create and edit purchase data'),
	('purchase.delete', 'purchase', 'd', 'delete purchase data'),
	('purchase.override_lock', 'purchase', 'o', 'change purchase data locked after completion'),
	('manufacturing.read', 'manufacturing', 'r', 'read manufacturing data and reports'),
	('manufacturing.write', 'manufacturing', 'w', 'create and edit manufacturing data'),
	('manufacturing.delete', 'manufacturing', 'd', 'delete manufacturing data'),
	('manufacturing.override_lock', 'manufacturing', 'o', 'change manufacturing data locked after completion'),
	('logistics.read', 'logistics', 'r', 'read logistics and stock data and reports'),
	('logistics.write', 'logistics', 'w', 'create and edit logistics and stock data'),
	('logistics.delete', 'logistics', 'd', 'delete logistics and stock data'),
	('logistics.override_lock', 'logistics', 'o', 'change stock data locked after completion'),
	('accounts.read', 'accounts', 'r', 'read accounts data and reports'),
	('accounts.write', 'accounts', 'w', 'create and edit accounts data'),
	('accounts.delete', 'accounts', 'd', 'delete accounts data'),
	('accounts.override_lock', 'accounts', 'o', 'change accounts data locked after completion'),
	('purchase_orders.approve', 'purchase', 'a', 'Purchase order approval'),
	('purchase_rates.approve', 'purchase', 'a', 'Purchase rates approval'),
	('sales_orders.approve', 'sales', 'a', 'Sales order approval'),
	('boms.approve', 'manufacturing', 'a', 'BOM approval'),
	('write_offs.approve', 'logistics', 'a', 'Write off approval'),
	('alerts.low_stock', 'purchase', 'r', 'Notifications for low stock'),
	('alerts.due_purchase_orders', 'purchase', 'r', 'Notification for due orders'),
	('alerts.payment_reminders', 'accounts', 'r', 'Payment reminders'),
	('activity.read', 'administration', 'r', 'User activity tracking'),
	('users.admin', 'administration', 'w', 'User permissions: assign permissions and roles');

INSERT INTO permissions.users (user_id, role, active, email, display_name) VALUES
	('maria', 'management', true, 'maria@example.com', 'Maria (management)'),
	('olga', 'all_departments', true, 'olga@example.com', 'Olga (all departments)'),
	('sam', 'sales', true, 'sam@example.com', 'Sam (sales)'),
	('pete', 'purchase', true, 'pete@example.com', 'Pete (purchase)'),
	('paula', 'purchase_manager', true, 'paula@example.com', 'Paula (purchase manager)'),
	('lee', 'production', true, 'lee@example.com', 'Lee (manufacturing and logistics)'),
	('ann', 'accounts_viewer', true, 'ann@example.com', 'Ann (accounts, read only)'),
	('eddie', 'sales', false, 'eddie@example.com', 'Eddie (former salesman, inactive)');
