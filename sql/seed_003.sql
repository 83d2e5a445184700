-- Seed 003: Summit's five roles and its team / budget managers
-- (shared/seeds/003_f541ae41837d59a0.txt; model in test/demo/models/seed_003.sql)
\set VERBOSITY terse
CREATE EXTENSION permissions;
-- the model (not echoed: the assertions below pin its behaviour; errors still show)
\set ECHO none
\i test/demo/models/seed_003.sql
\set ECHO all

--
-- The table's rows, company-wide (outside any team or budget).
-- seed = the cells for Admin, Accountant, Auditor, Bookkeeper, Employee:
-- t a tick, f a cross, s a yellow "depends on the team-/budget-level role" cell
-- (so not allowed company-wide; the scoped checks follow).
--
CREATE TEMP TABLE summit (ord int PRIMARY KEY, section text, feature text, action text, seed text);
INSERT INTO summit VALUES
	(1, 'Invoices', 'Create invoices', 'invoices.create', 'ttfts'),
	(2, 'Invoices', 'View invoices (all employees)', 'invoices.view_all', 'tttss'),
	(3, 'Approval Policy', 'Approval flow setting', 'approvals.flow_settings', 'ttfff'),
	(4, 'Approval Policy', 'Approval for invoices', 'invoices.approve', 'ttfss'),
	(5, 'Approval Policy', 'Request reimbursement', 'reimbursements.request', 'ttftt'),
	(6, 'Approval Policy', 'Approve a request for reimbursement', 'reimbursements.approve', 'ttfss'),
	(7, 'User Management', 'Add a new employee', 'users.add_employee', 'tffff'),
	(8, 'User Management', 'Create teams', 'teams.create', 'tffff'),
	(9, 'User Management', 'View team members (all employees)', 'teams.view_members', 'tttss'),
	(10, 'User Management', 'Promote/Demote a team member', 'teams.promote_member', 'tsfss'),
	(11, 'User Management', 'Setting a team''s spending policy', 'teams.set_spending_policy', 'tsfss'),
	-- from the role descriptions above the table
	(12, 'Roles', 'View all company transactions and balance', 'transactions.view', 'tttff'),
	(13, 'Roles', 'Sync with accounting software / set sync up', 'accounting.sync', 'ttftf');

-- one user per role: ada admin, carl accountant, aude auditor, bob bookkeeper, eli employee
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
SET permissions.user_id = 'ada';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM summit;
SET permissions.user_id = 'carl';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM summit;
SET permissions.user_id = 'aude';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM summit;
SET permissions.user_id = 'bob';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM summit;
SET permissions.user_id = 'eli';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM summit;
RESET permissions.user_id;

SELECT s.section, s.feature, ad.allowed AS admin, ac.allowed AS accountant, au.allowed AS auditor,
	bk.allowed AS bookkeeper, em.allowed AS employee
FROM summit s
	JOIN answers ad ON ad.action = s.action AND ad.user_id = 'ada'
	JOIN answers ac ON ac.action = s.action AND ac.user_id = 'carl'
	JOIN answers au ON au.action = s.action AND au.user_id = 'aude'
	JOIN answers bk ON bk.action = s.action AND bk.user_id = 'bob'
	JOIN answers em ON em.action = s.action AND em.user_id = 'eli'
ORDER BY s.ord;

-- against the seed's cells (a yellow cell is not allowed company-wide): no row may differ
SELECT s.feature, s.seed, got FROM summit s
	JOIN LATERAL (SELECT string_agg(CASE WHEN a.allowed THEN 't' ELSE 'f' END, ''
		ORDER BY array_position(ARRAY['ada', 'carl', 'aude', 'bob', 'eli'], a.user_id)) AS got
		FROM answers a WHERE a.action = s.action) g ON true
WHERE translate(s.seed, 's', 'f') <> got
ORDER BY s.ord;

-- the roles' privileges: employee <- bookkeeper <- accountant, admin is an administrator
SELECT role, inherits, is_admin, string_agg(area || '=' || privileges::text, ', ' ORDER BY area) AS own_privileges
FROM permissions.roles LEFT JOIN permissions.role_privileges USING (role)
WHERE role IN ('admin', 'accountant', 'auditor', 'bookkeeper', 'employee')
GROUP BY role, inherits, is_admin ORDER BY role;

--
-- "Auditor can view all account and transaction information, but cannot edit or
-- approve anything."
--
SET permissions.user_id = 'aude';
SELECT a.privilege, string_agg(a.action, ', ' ORDER BY a.action) FILTER (WHERE permissions.can(a.action)) AS allowed,
	string_agg(a.action, ', ' ORDER BY a.action) FILTER (WHERE NOT permissions.can(a.action)) AS denied
FROM permissions.actions a GROUP BY a.privilege ORDER BY a.privilege;
-- not through a team or budget either
SELECT permissions.can('reimbursements.approve', 'team', 'T1') AS approve_t1,
	permissions.can('invoices.approve', 'budget', 'B1') AS approve_b1,
	permissions.can('teams.promote_member', 'team', 'T1') AS promote_t1,
	permissions.can('invoices.create', 'budget', 'B1') AS create_b1;
SELECT permissions.explain('invoices.view_all');
SELECT permissions.explain('invoices.approve');
SELECT permissions.explain('reimbursements.request');
RESET permissions.user_id;

--
-- Team-level roles: "manager can approve team members' reimbursement request; team
-- members cannot approve", "Managers can promote/demote team members", "Managers can
-- set team spending limit policy", View team members "(Limited to their team)".
-- emma: Employee, manager of T1; eli: Employee, member of T1; bob: Bookkeeper, member
-- of T1; carl: Accountant, manager of T2.
--
CREATE TEMP VIEW team_rights AS
	SELECT permissions.current_user_id() AS user_id, t.team,
		permissions.can('reimbursements.approve', 'team', t.team) AS approve_reimbursement,
		permissions.can('teams.view_members', 'team', t.team) AS view_members,
		permissions.can('teams.promote_member', 'team', t.team) AS promote_demote,
		permissions.can('teams.set_spending_policy', 'team', t.team) AS spending_policy
	FROM (VALUES ('T1'), ('T2')) AS t (team) ORDER BY t.team;
SET permissions.user_id = 'emma';
SELECT * FROM team_rights;
-- company-wide she is an employee: nothing of the above outside her team
SELECT permissions.can('reimbursements.approve') AS approve_anywhere, permissions.can('teams.view_members') AS view_all_members,
	permissions.can('reimbursements.approve', 'budget', 'T1') AS wrong_scope;
SELECT permissions.explain('reimbursements.approve');
SET permissions.user_id = 'eli';
SELECT * FROM team_rights;
SET permissions.user_id = 'bob';
SELECT * FROM team_rights;
-- the accountant approves reimbursements for all employees, views every team, but
-- promotes and sets policies only in the team he manages
SET permissions.user_id = 'carl';
SELECT * FROM team_rights;
SELECT permissions.explain('teams.promote_member');
SET permissions.user_id = 'aude';
SELECT * FROM team_rights;
SET permissions.user_id = 'ada';
SELECT * FROM team_rights;
RESET permissions.user_id;

--
-- Budget-level roles: "Manager can create invoices, budget member cannot create
-- invoices"; "Managers can view all budget members' invoices"; invoice approval
-- "If assigned".
-- bob: Bookkeeper, manager of B1, member of B2; emma: Employee, manager of B2;
-- eli: Employee, member of B1 and assigned invoice approver there.
--
CREATE TEMP VIEW budget_rights AS
	SELECT permissions.current_user_id() AS user_id, b.budget,
		permissions.can('invoices.create', 'budget', b.budget) AS create_invoice,
		permissions.can('invoices.view_budget', 'budget', b.budget) AS view_budget_invoices,
		permissions.can('invoices.view_own', 'budget', b.budget) AS view_own_invoices,
		permissions.can('invoices.approve', 'budget', b.budget) AS approve_invoice
	FROM (VALUES ('B1'), ('B2')) AS b (budget) ORDER BY b.budget;
SET permissions.user_id = 'emma';
SELECT * FROM budget_rights;
SELECT permissions.can('invoices.create') AS create_anywhere;
SET permissions.user_id = 'eli';
SELECT * FROM budget_rights;
SELECT permissions.explain('invoices.create');
-- a bookkeeper creates invoices under all budget wallets, and sees the budget's
-- invoices only where he is the manager
SET permissions.user_id = 'bob';
SELECT * FROM budget_rights;
SELECT permissions.explain('invoices.create');
SET permissions.user_id = 'carl';
SELECT * FROM budget_rights;
SET permissions.user_id = 'aude';
SELECT * FROM budget_rights;
RESET permissions.user_id;

-- demoting emma to a team member of T1 stops her approving T1's reimbursements
UPDATE permissions.memberships SET role = 'team_member' WHERE user_id = 'emma' AND scope = 'team' AND scope_id = 'T1';
SET permissions.user_id = 'emma';
SELECT * FROM team_rights;
RESET permissions.user_id;
-- and promoting eli makes him the approver
UPDATE permissions.memberships SET role = 'team_manager' WHERE user_id = 'eli' AND scope = 'team' AND scope_id = 'T1';
SET permissions.user_id = 'eli';
SELECT * FROM team_rights;
RESET permissions.user_id;

-- Self-approval is forbidden (enforced when a decision is made, not by can())
SELECT name, value FROM permissions.settings ORDER BY name;

DROP VIEW team_rights, budget_rights;
--
-- The reimbursement approval flow. "Approve a request for reimbursement": Admin and
-- Accountant "can approve for all employees"; Auditor cannot; Bookkeeper and Employee
-- "Depends on the team-level role (manager can approve team members' reimbursement
-- request; team members cannot approve)".  "Self approval is forbidden."
-- One level, approver_scope team_manager: someone who may do reimbursements.approve
-- in a team the requester belongs to, or company-wide.
-- Since the changes above eli manages T1 (emma and bob are its members) and carl T2;
-- emma also becomes a manager of T2 (committed before any decision).
-- (errors in full here: their DETAIL says why a user is refused)
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO permissions.memberships VALUES ('emma', 'team', 'T2', 'team_manager');
SELECT scope_id AS team, user_id, role FROM permissions.memberships WHERE scope = 'team' ORDER BY 1, 3 DESC, 2;
INSERT INTO permissions.approval_rules (doc_type, level, min_amount, approver_action, approver_scope) VALUES
	('reimbursement', 1, 0, 'reimbursements.approve', 'team_manager');
CREATE TABLE reimbursements (id int PRIMARY KEY, purpose text, amount numeric,
	status text NOT NULL DEFAULT 'draft', created_by text);
SELECT permissions.enable_approvals('reimbursements', 'reimbursement', amount_column => 'amount',
	released_statuses => '{paid}');
-- who should hear of a request: every active user other than the requester who may
-- do reimbursements.approve company-wide or in one of the requester's teams (asked
-- through can(), as each user)
CREATE FUNCTION pg_temp.expected_approvers(requester text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	u text;
BEGIN
	FOR u IN SELECT user_id FROM permissions.users WHERE user_id <> requester ORDER BY user_id LOOP
		PERFORM set_config('permissions.user_id', u, true);
		IF permissions.can('reimbursements.approve') OR EXISTS (SELECT FROM permissions.memberships m
				WHERE m.user_id = requester AND m.scope = 'team'
				AND permissions.can('reimbursements.approve', 'team', m.scope_id)) THEN
			RETURN NEXT u;
		END IF;
	END LOOP;
END
$$;

-- bob, a member of T1, asks for two reimbursements
SET permissions.user_id = 'bob';
INSERT INTO reimbursements VALUES (1, 'train to a client', 84.50, 'draft', 'bob'),
	(2, 'conference fee', 450, 'draft', 'bob');
UPDATE reimbursements SET status = 'paid' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('reimbursements', '1', 'client visit') AS re1 \gset
SELECT permissions.request_approval('reimbursements', '2') AS re2 \gset
SELECT id, status FROM reimbursements ORDER BY id;
RESET permissions.user_id;
-- told: T1's manager, the accountant and the admin -- exactly the expected users
-- (every row must be notified = may_approve = t)
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :re1) n
	FULL JOIN pg_temp.expected_approvers('bob') e (user_id) USING (user_id)
ORDER BY 1;
-- refused: the manager of another team (and member of T1), an auditor, the requester
SET permissions.user_id = 'emma';
SELECT count(*) AS emma_may_decide FROM permissions.my_approvals;
SELECT permissions.approve(:re1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'aude';
SELECT permissions.approve(:re1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'bob';
SELECT permissions.approve(:re1);
\echo :LAST_ERROR_SQLSTATE
-- T1's manager approves his team member's request
SET permissions.user_id = 'eli';
SELECT doc_id, requested_by FROM permissions.my_approvals ORDER BY doc_id;
SELECT permissions.approve(:re1, 'ok');
-- the accountant, who manages T2 only, approves for all employees
SET permissions.user_id = 'carl';
SELECT permissions.approve(:re2);
SET permissions.user_id = 'bob';
UPDATE reimbursements SET status = 'paid' WHERE id = 1;
SELECT id, status FROM reimbursements ORDER BY id;
RESET permissions.user_id;
SELECT user_id, subject_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by,
	payload->>'comment' AS comment
FROM permissions.notifications WHERE kind = 'approval_decided' ORDER BY notification_id;

-- the accountant's own request: he holds the right, but not for himself; told are
-- the admin and emma (who also manages T2, carl's team); the admin, in no team,
-- approves it
SET permissions.user_id = 'carl';
INSERT INTO reimbursements VALUES (3, 'software licence', 120, 'draft', 'carl');
SELECT permissions.request_approval('reimbursements', '3') AS re3 \gset
RESET permissions.user_id;
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :re3) n
	FULL JOIN pg_temp.expected_approvers('carl') e (user_id) USING (user_id)
ORDER BY 1;
SET permissions.user_id = 'carl';
SELECT permissions.approve(:re3);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'emma';
SELECT doc_id, requested_by FROM permissions.my_approvals ORDER BY doc_id;
SET permissions.user_id = 'ada';
SELECT permissions.approve(:re3);
RESET permissions.user_id;
SELECT r.doc_id, r.requested_by, r.status, d.decided_by, d.decision
FROM permissions.approval_requests r LEFT JOIN permissions.approval_decisions d USING (request_id)
ORDER BY r.request_id;
\set VERBOSITY terse
DROP TABLE reimbursements;

DROP EXTENSION permissions CASCADE;
