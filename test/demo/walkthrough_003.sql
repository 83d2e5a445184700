-- Walkthrough of seed 003 (Summit: five roles, team and budget managers).
-- Run in a database holding the app schema and models/seed_003.sql.

\echo
\echo '================================================================================'
\echo ' Seed 003 - Summit: "There are currently 5 types of roles" (Admin, Accountant,'
\echo ' Auditor, Bookkeeper, Employee) and team / budget managers.'
\echo '================================================================================'

\set QUIET on
-- Ask as every user once: company-wide, and in every team and budget
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
CREATE TEMP TABLE scoped (user_id text, scope text, scope_id text, action text, allowed bool);
CREATE TEMP TABLE scopes (scope text, scope_id text);
INSERT INTO scopes VALUES ('team', 'T1'), ('team', 'T2'), ('budget', 'B1'), ('budget', 'B2');
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO answers SELECT %L, action, permissions.can(action) FROM permissions.actions; '
	'INSERT INTO scoped SELECT %L, s.scope, s.scope_id, a.action, permissions.can(a.action, s.scope, s.scope_id) '
	'FROM scopes s CROSS JOIN permissions.actions a',
	user_id, user_id, user_id)
FROM permissions.users \gexec
RESET permissions.user_id;
CREATE TEMP TABLE people AS
	SELECT user_id, ord FROM unnest(ARRAY['ada', 'carl', 'aude', 'bob', 'emma', 'eli'])
		WITH ORDINALITY AS p (user_id, ord);

\echo
\echo 'The users, their roles, and the roles they hold inside a team or budget'
\echo '(permissions.memberships):'
SELECT u.user_id, u.role, r.inherits AS "inherits from",
	coalesce((SELECT string_agg(m.role || ' of ' || m.scope || ' ' || m.scope_id, ', ' ORDER BY m.scope DESC, m.scope_id)
		FROM permissions.memberships m WHERE m.user_id = u.user_id), '') AS "team / budget roles"
FROM permissions.users u JOIN permissions.roles r USING (role) JOIN people p USING (user_id)
ORDER BY p.ord;

\echo 'The seed''s table, company-wide (permissions.can(action) as each user; the yellow'
\echo '"depends on the team-/budget-level role" cells are "no" here and follow below):'
SELECT x.description AS feature, a.user_id || ' (' || u.role || ')' AS "user", CASE WHEN a.allowed THEN 'yes' ELSE 'no' END AS can, p.ord
FROM answers a JOIN people p USING (user_id) JOIN permissions.users u USING (user_id)
	JOIN permissions.actions x USING (action)
WHERE a.user_id <> 'emma' AND x.action NOT IN ('users.admin', 'invoices.view_budget', 'invoices.view_own')
ORDER BY array_position(ARRAY['invoices.create', 'invoices.view_all', 'approvals.flow_settings',
	'invoices.approve', 'reimbursements.request', 'reimbursements.approve', 'users.add_employee',
	'teams.create', 'teams.view_members', 'teams.promote_member', 'teams.set_spending_policy',
	'transactions.view', 'accounting.sync'], x.action)
\crosstabview feature "user" can ord

\echo 'Team-level roles: what each user may do in teams T1 and T2,'
\echo 'asked with permissions.can(action, ''team'', ''T1''):'
SELECT s.user_id, s.scope_id AS team,
	coalesce(string_agg(CASE s.action
		WHEN 'reimbursements.approve' THEN 'approve reimbursements'
		WHEN 'teams.promote_member' THEN 'promote/demote'
		WHEN 'teams.set_spending_policy' THEN 'spending policy'
		WHEN 'teams.view_members' THEN 'view members' END, ', ' ORDER BY s.action) FILTER (WHERE s.allowed), '-') AS rights,
	p.ord
FROM scoped s JOIN people p USING (user_id)
WHERE s.scope = 'team' AND s.action IN ('reimbursements.approve', 'teams.promote_member',
	'teams.set_spending_policy', 'teams.view_members')
GROUP BY s.user_id, s.scope_id, p.ord ORDER BY p.ord \crosstabview user_id team rights

\echo 'Budget-level roles: what each user may do in budgets B1 and B2,'
\echo 'asked with permissions.can(action, ''budget'', ''B1''):'
SELECT s.user_id, s.scope_id AS budget,
	coalesce(string_agg(CASE s.action
		WHEN 'invoices.create' THEN 'create invoices'
		WHEN 'invoices.view_budget' THEN 'view the budget''s invoices'
		WHEN 'invoices.approve' THEN 'approve invoices' END, ', '
		ORDER BY array_position(ARRAY['invoices.create', 'invoices.view_budget', 'invoices.approve'], s.action)) FILTER (WHERE s.allowed), '-') AS rights,
	p.ord
FROM scoped s JOIN people p USING (user_id)
WHERE s.scope = 'budget' AND s.action IN ('invoices.create', 'invoices.view_budget', 'invoices.approve')
GROUP BY s.user_id, s.scope_id, p.ord ORDER BY p.ord \crosstabview user_id budget rights

\echo 'Why? permissions.explain() answers company-wide (it takes no team or budget):'
SET permissions.user_id = 'aude';
SELECT permissions.explain('invoices.view_all') AS "aude (Auditor)"
UNION ALL SELECT permissions.explain('invoices.approve');
SET permissions.user_id = 'emma';
SELECT permissions.explain('reimbursements.approve') AS "emma (Employee; manager of team T1)";
SET permissions.user_id = 'carl';
SELECT permissions.explain('reimbursements.approve') AS "carl (Accountant)"
UNION ALL SELECT permissions.explain('teams.promote_member')
UNION ALL SELECT permissions.explain('users.add_employee');
SET permissions.user_id = 'ada';
SELECT permissions.explain('users.add_employee') AS "ada (Admin)";
RESET permissions.user_id;

\echo '"Approve a request for reimbursement": pending requests in app.reimbursements and who'
\echo 'may approve each one - globally or as the manager of the request''s team, never the'
\echo 'requester:'
SELECT r.id, r.team_id AS team, r.description, r.amount, r.requested_by,
	(SELECT string_agg(s.user_id, ', ' ORDER BY p.ord) FROM scoped s JOIN people p USING (user_id)
	 WHERE s.action = 'reimbursements.approve' AND s.scope = 'team' AND s.scope_id = r.team_id
		AND s.allowed AND s.user_id <> r.requested_by) AS approvers
FROM app.reimbursements r WHERE r.status = 'pending' ORDER BY r.id;

\echo 'Invoices in app.invoices and who may approve them (in the invoice''s budget):'
SELECT i.id, i.budget_id AS budget, i.supplier, i.amount, i.status, i.created_by,
	(SELECT string_agg(s.user_id, ', ' ORDER BY p.ord) FROM scoped s JOIN people p USING (user_id)
	 WHERE s.action = 'invoices.approve' AND s.scope = 'budget' AND s.scope_id = i.budget_id
		AND s.allowed AND s.user_id <> i.created_by) AS approvers
FROM app.invoices i WHERE i.status IN ('draft', 'pending') ORDER BY i.id;

\echo 'emma stops managing team T1 and becomes a member; eli is promoted to manager:'
UPDATE permissions.memberships SET role = 'team_member' WHERE user_id = 'emma' AND scope = 'team' AND scope_id = 'T1';
UPDATE permissions.memberships SET role = 'team_manager' WHERE user_id = 'eli' AND scope = 'team' AND scope_id = 'T1';
SET permissions.user_id = 'emma';
SELECT 'emma' AS "user", permissions.can('reimbursements.approve', 'team', 'T1') AS "approve T1 reimbursements";
SET permissions.user_id = 'eli';
SELECT 'eli' AS "user", permissions.can('reimbursements.approve', 'team', 'T1') AS "approve T1 reimbursements";
RESET permissions.user_id;
