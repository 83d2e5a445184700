-- Seed 003: Summit, a spend-management app with five roles and team / budget
-- managers (shared/seeds/003_f541ae41837d59a0.txt).
--
-- What the seed says, and how it is modelled:
--   "Admins have access to all functions including viewing all company transactions
--    and balance, syncing transactions ..., creating invoices, approvals, and managing
--    user access."  -> role admin, is_admin: every cell of the Admin column is a tick
--    "(All employees)/(All teams)", so no row of role_privileges is needed and no
--    function can be forgotten.  (is_admin also lets admins change this model, which
--    is "managing user access".)
--   "Accountant has similar permissions as Admin but limited user management."
--    -> role accountant, NOT an administrator: the Admin rights listed one by one,
--    without Add a new employee / Create teams; promoting team members and team
--    spending policies only as a team's manager (the table's yellow cells).
--   "Auditor can view all account and transaction information, but cannot edit or
--    approve anything." -> role auditor with only r privileges.
--   "Bookkeepers can have access to create invoices, set sync up and request for
--    reimbursement."  "Employees have access to make requests for reimbursement."
--    -> employee <- bookkeeper <- accountant (each inherits the one before: every
--    employee right is a bookkeeper right, every bookkeeper right an accountant
--    right).
--   "Admins, Bookkeepers, and Employees can act as a Budget Manager."  The table's
--   yellow cells "Depends on the budget-level role" / "Depends on the team-level
--   role" -> roles held only inside one budget or team (permissions.memberships):
--      budget_manager (inherits budget_member): create invoices, view the budget
--                      members' invoices -- can('invoices.create', 'budget', 'B1')
--      budget_member:  personal invoices and those assigned to them only
--      team_manager (inherits team_member): approve the team's reimbursement
--                      requests, promote/demote team members, set the team's
--                      spending policy -- can('reimbursements.approve', 'team', 'T1')
--      team_member:    view their team's members ("Limited to their team")
--      invoice_approver (budget scope): "Approval for invoices: 🟡 (If assigned ...)"
--   "Self approval is forbidden" -> settings allow_self_approval = false (enforced by
--   the approval workflow, not by can()).
--   Transactions and accounting sync come from the role descriptions above the
--   table: admins and accountants view transactions and sync, auditors view, and
--   bookkeepers "set sync up".
--   Not modelled: the seed lets a Bookkeeper budget manager see every budget
--   member's invoice but an Employee budget manager only the invoices they created;
--   a scoped role gives the same rights whatever the user's global role, so here
--   every budget_manager may view the budget's invoices.
--
-- Users: ada (Admin), carl (Accountant, manager of team T2), aude (Auditor),
-- bob (Bookkeeper: member of T1, manager of budget B1, member of budget B2),
-- emma (Employee: manager of T1, manager of budget B2),
-- eli (Employee: member of T1, member of budget B1, assigned invoice approver in B1).

INSERT INTO permissions.areas (area, description) VALUES
	('invoices', 'every invoice: create, view all, approve'),
	('budget_invoices', 'the invoices of a budget''s members'),
	('own_invoices', 'personal invoices and invoices assigned to the user for approval'),
	('approval_policy', 'approval flow settings'),
	('reimbursements', 'reimbursement requests'),
	('transactions', 'company transactions and balance'),
	('accounting_sync', 'syncing transactions with accounting software'),
	('users', 'adding employees and managing user access'),
	('teams', 'creating teams'),
	('team_members', 'a team''s members and their team-level roles'),
	('team_policy', 'a team''s spending limit policy');

INSERT INTO permissions.roles (role, inherits, is_admin, description) VALUES
	('admin', NULL, true, 'Admin: access to all functions'),
	('employee', NULL, false, 'Employee: requests reimbursement'),
	('bookkeeper', 'employee', false, 'Bookkeeper: creates invoices, sets sync up, requests reimbursement'),
	('accountant', 'bookkeeper', false, 'Accountant: like Admin but limited user management'),
	('auditor', NULL, false, 'Auditor: views all account and transaction information, edits and approves nothing'),
	('team_member', NULL, false, 'member of a team (scope team)'),
	('team_manager', 'team_member', false, 'manager of a team (scope team)'),
	('budget_member', NULL, false, 'member of a budget (scope budget)'),
	('budget_manager', 'budget_member', false, 'manager of a budget (scope budget)'),
	('invoice_approver', NULL, false, 'assigned approver of a budget''s invoices (scope budget)');

INSERT INTO permissions.role_privileges (role, area, privileges) VALUES
	-- global roles
	('employee', 'reimbursements', 'w'),
	('employee', 'own_invoices', 'r'),
	('bookkeeper', 'invoices', 'w'),
	('bookkeeper', 'accounting_sync', 'w'),
	('accountant', 'invoices', 'ra'),
	('accountant', 'budget_invoices', 'r'),
	('accountant', 'approval_policy', 'rw'),
	('accountant', 'reimbursements', 'a'),
	('accountant', 'transactions', 'r'),
	('accountant', 'team_members', 'r'),
	('auditor', 'invoices', 'r'),
	('auditor', 'budget_invoices', 'r'),
	('auditor', 'own_invoices', 'r'),
	('auditor', 'transactions', 'r'),
	('auditor', 'team_members', 'r'),
	-- roles held in one team or budget
	('team_member', 'team_members', 'r'),
	('team_manager', 'team_members', 'w'),
	('team_manager', 'team_policy', 'w'),
	('team_manager', 'reimbursements', 'a'),
	('budget_member', 'own_invoices', 'r'),
	('budget_manager', 'invoices', 'w'),
	('budget_manager', 'budget_invoices', 'r'),
	('invoice_approver', 'invoices', 'a');

INSERT INTO permissions.actions (action, area, privilege, description) VALUES
	('invoices.create', 'invoices', 'w', 'Invoices: Create invoices'),
	('invoices.view_all', 'invoices', 'r', 'Invoices: View invoices (All employees)'),
	('invoices.view_budget', 'budget_invoices', 'r', 'Invoices: view the budget members'' invoices'),
	('invoices.view_own', 'own_invoices', 'r', 'Invoices: view personal invoices and invoices assigned for approval'),
	('approvals.flow_settings', 'approval_policy', 'w', 'Approval Policy: Approval flow setting'),
	('invoices.approve', 'invoices', 'a', 'Approval Policy: Approval for invoices'),
	('reimbursements.request', 'reimbursements', 'w', 'Approval Policy: Request reimbursement'),
	('reimbursements.approve', 'reimbursements', 'a', 'Approval Policy: Approve a request for reimbursement'),
	('users.add_employee', 'users', 'w', 'User Management: Add a new employee'),
	('users.admin', 'users', 'w', 'manage user access (change this permission model)'),
	('teams.create', 'teams', 'w', 'User Management: Create teams'),
	('teams.view_members', 'team_members', 'r', 'User Management: View team members'),
	('teams.promote_member', 'team_members', 'w', 'User Management: Promote/Demote a team member'),
	('teams.set_spending_policy', 'team_policy', 'w', 'User Management: Setting a team''s spending policy'),
	('transactions.view', 'transactions', 'r', 'Roles: View all company transactions and balance'),
	('accounting.sync', 'accounting_sync', 'w', 'Roles: Sync transactions with accounting software, set sync up');

INSERT INTO permissions.settings (name, value) VALUES
	('allow_self_approval', 'false');

INSERT INTO permissions.users (user_id, role, email, display_name) VALUES
	('ada', 'admin', 'ada@example.com', 'Ada (Admin)'),
	('carl', 'accountant', 'carl@example.com', 'Carl (Accountant)'),
	('aude', 'auditor', 'aude@example.com', 'Aude (Auditor)'),
	('bob', 'bookkeeper', 'bob@example.com', 'Bob (Bookkeeper)'),
	('emma', 'employee', 'emma@example.com', 'Emma (Employee, manager of T1)'),
	('eli', 'employee', 'eli@example.com', 'Eli (Employee)');

INSERT INTO permissions.memberships (user_id, scope, scope_id, role) VALUES
	('emma', 'team', 'T1', 'team_manager'),
	('bob', 'team', 'T1', 'team_member'),
	('eli', 'team', 'T1', 'team_member'),
	('carl', 'team', 'T2', 'team_manager'),
	('bob', 'budget', 'B1', 'budget_manager'),
	('eli', 'budget', 'B1', 'budget_member'),
	('eli', 'budget', 'B1', 'invoice_approver'),
	('emma', 'budget', 'B2', 'budget_manager'),
	('bob', 'budget', 'B2', 'budget_member');
