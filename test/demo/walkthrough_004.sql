-- Walkthrough of seed 004 (purchasing app: Standard, Advanced and Administrator
-- levels, optional features, per-project approver toggles).
-- Run in a database holding the app schema and models/seed_004.sql.

\echo
\echo '================================================================================'
\echo ' Seed 004 - purchasing app: "There are three permission levels: Standard,'
\echo ' Advanced, and Administrator" and "Permission toggles are managed per project."'
\echo '================================================================================'

\set QUIET on
-- Ask as every user once: company-wide, and in projects P1 and P2
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
CREATE TEMP TABLE in_project (user_id text, project text, action text, allowed bool);
SELECT format('SET permissions.user_id = %L; '
	'INSERT INTO answers SELECT %L, action, permissions.can(action) FROM permissions.actions; '
	'INSERT INTO in_project SELECT %L, p, action, permissions.can(action, ''project'', p) '
	'FROM permissions.actions CROSS JOIN unnest(ARRAY[''P1'', ''P2'']) AS p',
	user_id, user_id, user_id)
FROM permissions.users \gexec
RESET permissions.user_id;
CREATE TEMP TABLE people AS
	SELECT user_id, ord FROM unnest(ARRAY['stan', 'ava', 'alma', 'bea'])
		WITH ORDINALITY AS p (user_id, ord);
CREATE TEMP TABLE toggles AS
	SELECT * FROM (VALUES (1, 'invoices.approve', 'Invoice Approver'), (2, 'expenses.approve', 'Expense Approver'),
		(3, 'requisitions.approve', 'Requisition Approver'), (4, 'requisitions.buy', 'Buyer')) AS t (ord, action, toggle);

\echo
\echo 'The levels inherit each other (permissions.roles.inherits), and the users:'
SELECT u.user_id, u.role AS level, r.inherits AS "inherits from",
	coalesce(u.purchasing_limit::text, 'unlimited') AS purchasing_limit
FROM permissions.users u JOIN permissions.roles r USING (role) JOIN people p USING (user_id) ORDER BY p.ord;

\echo 'Company-level permissions, permissions.can(action) as stan (Standard), ava (Advanced)'
\echo 'and alma (Administrator); each level can do everything the level below can:'
SELECT x.description || coalesce(' [' || x.feature || ']', '') AS "action [optional feature]",
	a.user_id || ' (' || u.role || ')' AS "user", CASE WHEN a.allowed THEN 'yes' ELSE '.' END AS can, p.ord
FROM answers a JOIN people p USING (user_id) JOIN permissions.users u USING (user_id)
	JOIN permissions.actions x USING (action)
	JOIN (SELECT action, count(*) FILTER (WHERE allowed) AS n FROM answers
		WHERE user_id IN ('stan', 'ava', 'alma') GROUP BY action) lvl USING (action)
WHERE a.user_id IN ('stan', 'ava', 'alma') AND x.action NOT IN (SELECT action FROM toggles)
ORDER BY lvl.n DESC, array_position(ARRAY['purchasing', 'suppliers', 'reports', 'projects', 'notifications',
	'accounting_exports', 'expenses', 'inventory', 'invoices', 'requisitions', 'po_create', 'users',
	'company_settings', 'project_admin', 'financials'], x.area), x.action
\crosstabview 1 "user" can ord

\echo 'The optional features ("Optional Features (If Enabled)"): a disabled feature''s actions'
\echo 'are denied to everyone, administrators included.'
SELECT f.feature, CASE WHEN f.enabled THEN 'enabled' ELSE 'DISABLED' END AS state,
	string_agg(a.action, ', ' ORDER BY a.action) AS actions
FROM permissions.features f JOIN permissions.actions a USING (feature)
GROUP BY f.feature, f.enabled ORDER BY f.feature;
SET permissions.user_id = 'alma';
SELECT permissions.explain('accounting_exports.download') AS "alma (Administrator)";
RESET permissions.user_id;

\echo '"Project-level permissions control what a user can do within individual projects."'
\echo 'The toggles each user holds in P1 and P2, asked with permissions.can(action, ''project'', ''P1''):'
SELECT i.user_id, i.project,
	coalesce(string_agg(t.toggle, ', ' ORDER BY t.ord) FILTER (WHERE i.allowed), '-') AS toggles, p.ord
FROM in_project i JOIN toggles t USING (action) JOIN people p USING (user_id)
GROUP BY i.user_id, i.project, p.ord ORDER BY p.ord \crosstabview user_id project toggles

\echo 'Invoices and expenses waiting in app.invoices / app.expenses, and who may approve them'
\echo 'in their project (never the person who submitted them):'
SELECT 'invoice ' || i.id AS document, i.project_id AS project, i.amount, i.created_by AS submitted_by,
	coalesce((SELECT string_agg(q.user_id, ', ' ORDER BY p.ord) FROM in_project q JOIN people p USING (user_id)
	 WHERE q.action = 'invoices.approve' AND q.project = i.project_id AND q.allowed
		AND q.user_id <> i.created_by), '-') AS approvers
FROM app.invoices i WHERE i.status = 'pending'
UNION ALL
SELECT 'expense ' || e.id, e.project_id, e.amount, e.created_by,
	coalesce((SELECT string_agg(q.user_id, ', ' ORDER BY p.ord) FROM in_project q JOIN people p USING (user_id)
	 WHERE q.action = 'expenses.approve' AND q.project = e.project_id AND q.allowed
		AND q.user_id <> e.created_by), '-')
FROM app.expenses e WHERE e.status = 'pending'
ORDER BY 1;

\echo 'Why? permissions.explain() answers company-wide (it takes no project):'
SET permissions.user_id = 'stan';
SELECT permissions.explain('orders.manage') AS "stan (Standard)"
UNION ALL SELECT permissions.explain('pos.create')
UNION ALL SELECT permissions.explain('invoices.approve');
SET permissions.user_id = 'ava';
SELECT permissions.explain('pos.create') AS "ava (Advanced)"
UNION ALL SELECT permissions.explain('suppliers.add');
SET permissions.user_id = 'alma';
SELECT permissions.explain('projects.approval_toggles') AS "alma (Administrator)";
RESET permissions.user_id;

\echo '"Turning a toggle off removes that user''s approval for that specific project":'
\echo 'alma turns off stan''s Invoice Approver toggle in P1.'
DELETE FROM permissions.memberships
	WHERE user_id = 'stan' AND scope = 'project' AND scope_id = 'P1' AND role = 'invoice_approver';
SET permissions.user_id = 'stan';
SELECT permissions.can('invoices.approve', 'project', 'P1') AS "stan approves invoices in P1",
	permissions.can('requisitions.buy', 'project', 'P2') AS "stan is a buyer in P2";
RESET permissions.user_id;

\echo 'The company switches Expenses off: ava''s Expense Approver toggle in P2 stops counting,'
\echo 'and nobody - not even an administrator - can work with expenses:'
UPDATE permissions.features SET enabled = false WHERE feature = 'expenses';
SET permissions.user_id = 'ava';
SELECT permissions.can('expenses.approve', 'project', 'P2') AS "ava approves expenses in P2",
	permissions.can('expenses.edit_own') AS "ava edits her expenses";
SET permissions.user_id = 'alma';
SELECT permissions.explain('expenses.edit_own') AS "alma (Administrator)";
RESET permissions.user_id;
