-- Seed 004: a purchasing app with three permission levels, optional features and
-- per-project approver toggles (shared/seeds/004_9300e8d353a54c66.txt).
--
-- What the seed says, and how it is modelled:
--   "There are three permission levels: Standard, Advanced, and Administrator."
--   "Users with Advanced permissions have all Standard permissions plus additional
--    capabilities."  "Administrators have full access, including all Standard and
--    Advanced permissions."
--      -> roles standard <- advanced <- administrator through roles.inherits; each
--         level adds only its own rows to role_privileges.  administrator is NOT an
--         is_admin role: its rights are the listed ones (user management, company
--         settings, project management, financial access), and project approvals
--         still need the project's toggle, which administrators switch on for users
--         ("Enable or disable approval permissions for other users").
--   "Optional Features (If Enabled)": Accounting PO Exports, Expenses, Inventory,
--    Invoices, Requisitions -> permissions.features accounting_exports, expenses,
--    inventory, invoices, requisitions; every action of such a module names its
--    feature, so a disabled module is denied to everyone, administrators included.
--    "Leave internal comments (where enabled)" and "Add and edit cost codes (if
--    enabled)" -> features internal_comments and cost_codes.
--    This company has not enabled Accounting PO Exports (enabled = false).
--   "Project-level permissions control what a user can do within individual
--    projects. ... Available Toggles: Invoice Approver, Expense Approver, Requisition
--    Approver", "Buyer Role"
--      -> scoped roles invoice_approver, expense_approver, requisition_approver and
--         buyer, held through permissions.memberships with scope 'project';
--         ask permissions.can('invoices.approve', 'project', 'P1').
--   "A user's toggles can differ between projects." "Turning a toggle off removes
--    that user's approval for that specific project." -> one memberships row per
--    toggle per project; turning a toggle off deletes that row.
--   "Modify purchase order roles and purchasing limits" -> users.purchasing_limit.
--
-- Users: stan (Standard), ava (Advanced), alma (Administrator), bea (Standard, a
-- buyer); projects P1 and P2.

INSERT INTO permissions.areas (area, description) VALUES
	('purchasing', 'orders and purchase orders'),
	('po_create', 'the Create PO feature'),
	('suppliers', 'the company supplier list and contacts'),
	('reports', 'report exports'),
	('projects', 'working inside projects: joining, orders, BOMs, comments'),
	('notifications', 'the user''s own spend notifications'),
	('accounting_exports', 'Accounting PO Exports'),
	('expenses', 'expenses'),
	('inventory', 'inventory items and transfer orders'),
	('invoices', 'invoices'),
	('requisitions', 'requisitions'),
	('buying', 'purchasing approved requisition items (the Buyer role)'),
	('users', 'user management'),
	('company_settings', 'company and purchase order settings'),
	('project_admin', 'creating, archiving and administering projects'),
	('financials', 'every user''s expenses, invoices and orders');

INSERT INTO permissions.features (feature, enabled) VALUES
	('accounting_exports', false),
	('expenses', true),
	('inventory', true),
	('invoices', true),
	('requisitions', true),
	('internal_comments', true),
	('cost_codes', true);

INSERT INTO permissions.roles (role, inherits, is_admin, description) VALUES
	('standard', NULL, false, 'Standard: basic purchasing and project management tasks'),
	('advanced', 'standard', false, 'Advanced: all Standard permissions plus additional capabilities'),
	('administrator', 'advanced', false, 'Administrator: all Standard and Advanced permissions plus company settings, users and financial access'),
	('invoice_approver', NULL, false, 'project toggle: review and approve invoices submitted to the project'),
	('expense_approver', NULL, false, 'project toggle: review and approve expenses within the project'),
	('requisition_approver', NULL, false, 'project toggle: approve requisition requests before they are sent to a buyer'),
	('buyer', NULL, false, 'project toggle: appears in the Buyer dropdown and purchases approved items');

INSERT INTO permissions.role_privileges (role, area, privileges) VALUES
	-- Standard
	('standard', 'purchasing', 'rw'),
	('standard', 'suppliers', 'rw'),
	('standard', 'reports', 'r'),
	('standard', 'projects', 'rw'),
	('standard', 'notifications', 'w'),
	('standard', 'accounting_exports', 'r'),
	('standard', 'expenses', 'w'),
	('standard', 'inventory', 'r'),
	('standard', 'invoices', 'r'),
	('standard', 'requisitions', 'w'),
	-- Advanced adds
	('advanced', 'po_create', 'w'),
	('advanced', 'inventory', 'w'),
	('advanced', 'invoices', 'w'),
	-- Administrator adds
	('administrator', 'users', 'rw'),
	('administrator', 'company_settings', 'rw'),
	('administrator', 'project_admin', 'rw'),
	('administrator', 'financials', 'rw'),
	-- project toggles
	('invoice_approver', 'invoices', 'a'),
	('expense_approver', 'expenses', 'a'),
	('requisition_approver', 'requisitions', 'a'),
	('buyer', 'buying', 'w');

INSERT INTO permissions.actions (action, area, privilege, feature, description) VALUES
	-- Standard: Purchasing
	('orders.manage', 'purchasing', 'w', NULL, 'Create and manage orders and purchase orders (POs)'),
	('orders.edit_name', 'purchasing', 'w', NULL, 'Edit order names'),
	('orders.cancel', 'purchasing', 'w', NULL, 'Cancel orders and POs'),
	('change_orders.issue', 'purchasing', 'w', NULL, 'Create and issue change orders'),
	('pos.receive', 'purchasing', 'w', NULL, 'Receive POs'),
	-- Standard: Suppliers
	('suppliers.view', 'suppliers', 'r', NULL, 'View the company supplier list and contacts'),
	('suppliers.add', 'suppliers', 'w', NULL, 'Add suppliers and supplier contacts'),
	-- Standard: Reports
	('reports.export_po_csv', 'reports', 'r', NULL, 'Export reports: Purchase Orders (PO CSV)'),
	('reports.export_po_items_csv', 'reports', 'r', NULL, 'Export reports: PO Items (CSV)'),
	('reports.export_quote_items_csv', 'reports', 'r', NULL, 'Export reports: Quote Items (CSV)'),
	-- Standard: Projects
	('projects.join_leave', 'projects', 'w', NULL, 'Join or leave projects'),
	('projects.view_orders', 'projects', 'r', NULL, 'View all orders within a project'),
	('boms.edit', 'projects', 'w', NULL, 'Create and edit Bills of Material (BOMs)'),
	('comments.internal', 'projects', 'w', 'internal_comments', 'Leave internal comments (where enabled)'),
	-- Standard: Notifications
	('notifications.subscribe_own', 'notifications', 'w', NULL, 'Subscribe to their own project spend notifications'),
	-- Standard: Optional Features (If Enabled)
	('accounting_exports.download', 'accounting_exports', 'r', 'accounting_exports', 'Accounting PO Exports: Download export files'),
	('expenses.edit_own', 'expenses', 'w', 'expenses', 'Expenses: Create and edit their own expenses'),
	('inventory.view', 'inventory', 'r', 'inventory', 'Inventory: View inventory items'),
	('invoices.view_home', 'invoices', 'r', 'invoices', 'Invoices: View the invoice homepage'),
	('requisitions.edit_own', 'requisitions', 'w', 'requisitions', 'Requisitions: Create and edit their own requisitions'),
	-- Advanced
	('pos.create', 'po_create', 'w', NULL, 'Have the Create PO feature enabled'),
	('inventory.transfer_orders', 'inventory', 'w', 'inventory', 'Inventory: Create transfer orders'),
	('inventory.modify_items', 'inventory', 'w', 'inventory', 'Inventory: Modify inventory items'),
	('invoices.upload', 'invoices', 'w', 'invoices', 'Invoices: Upload invoice documents'),
	('invoices.create_approvals', 'invoices', 'w', 'invoices', 'Invoices: Create invoice approvals'),
	-- Administrator: User Management
	('users.admin', 'users', 'w', NULL, 'Change users and the permission model (the Permissions page)'),
	('users.set_permission_level', 'users', 'w', NULL, 'Assign and edit user permission levels'),
	('users.manage', 'users', 'w', NULL, 'Add, edit, and deactivate users'),
	('users.purchasing_roles', 'users', 'w', NULL, 'Assign and edit user purchasing roles'),
	-- Administrator: Company Settings
	('settings.company', 'company_settings', 'w', NULL, 'General Settings: Change company address and logo'),
	('settings.po_terms', 'company_settings', 'w', NULL, 'PO Settings: Add and edit terms and conditions'),
	('settings.ap_contact', 'company_settings', 'w', NULL, 'PO Settings: Update AP contact and billing reference text'),
	('settings.approval_history_pdf', 'company_settings', 'w', NULL, 'PO Settings: Enable or disable approval history visibility on PO PDFs'),
	('settings.distribution_lists', 'company_settings', 'w', NULL, 'PO Settings: Manage accounting and distribution lists'),
	('settings.po_roles_limits', 'company_settings', 'w', NULL, 'PO Settings: Modify purchase order roles and purchasing limits'),
	('settings.delivery_locations', 'company_settings', 'w', NULL, 'PO Settings: Add and edit company-wide delivery locations'),
	('settings.cost_codes', 'company_settings', 'w', 'cost_codes', 'PO Settings: Add and edit cost codes (if enabled)'),
	-- Administrator: Project Management
	('projects.create_archive', 'project_admin', 'w', NULL, 'Create and archive projects'),
	('projects.edit_details', 'project_admin', 'w', NULL, 'Edit project details: number, address, billing entity'),
	('projects.cost_codes', 'project_admin', 'w', NULL, 'Add and remove cost codes'),
	('projects.manage_users', 'project_admin', 'w', NULL, 'Add or remove users from projects'),
	('notifications.manage_all', 'project_admin', 'w', NULL, 'Manage spend notifications for all users'),
	('projects.approval_toggles', 'project_admin', 'w', NULL, 'Enable or disable approval permissions for other users'),
	-- Administrator: Financial Access
	('financials.view_all', 'financials', 'r', NULL, 'View all expenses, invoices, and orders'),
	('financials.edit_unapproved', 'financials', 'w', NULL, 'Edit any unapproved expenses and invoices'),
	-- Project-level toggles (held through memberships in scope 'project')
	('invoices.approve', 'invoices', 'a', 'invoices', 'Invoice Approver: review and approve invoices submitted to the project'),
	('expenses.approve', 'expenses', 'a', 'expenses', 'Expense Approver: review and approve expenses within the project'),
	('requisitions.approve', 'requisitions', 'a', 'requisitions', 'Requisition Approver: approve requisition requests before they are sent to a buyer'),
	('requisitions.buy', 'buying', 'w', 'requisitions', 'Buyer: listed in the Buyer dropdown, purchases approved items');

INSERT INTO permissions.users (user_id, role, purchasing_limit, email, display_name) VALUES
	('stan', 'standard', 5000, 'stan@example.com', 'Stan (Standard)'),
	('ava', 'advanced', 25000, 'ava@example.com', 'Ava (Advanced)'),
	('alma', 'administrator', NULL, 'alma@example.com', 'Alma (Administrator)'),
	('bea', 'standard', 2000, 'bea@example.com', 'Bea (Standard, buyer)');

-- the project toggles: different for the same user in P1 and P2
INSERT INTO permissions.memberships (user_id, scope, scope_id, role) VALUES
	('stan', 'project', 'P1', 'invoice_approver'),
	('stan', 'project', 'P2', 'buyer'),
	('ava', 'project', 'P1', 'expense_approver'),
	('ava', 'project', 'P1', 'requisition_approver'),
	('ava', 'project', 'P2', 'invoice_approver'),
	('ava', 'project', 'P2', 'expense_approver'),
	('alma', 'project', 'P2', 'requisition_approver'),
	('bea', 'project', 'P1', 'buyer'),
	('bea', 'project', 'P2', 'buyer');
