-- Seed 004: permission levels, optional features and per-project toggles
-- (shared/seeds/004_9300e8d353a54c66.txt; model in test/demo/models/seed_004.sql)
\set VERBOSITY terse
CREATE EXTENSION permissions;
-- the model (not echoed: the assertions below pin its behaviour; errors still show)
\set ECHO none
\i test/demo/models/seed_004.sql
\set ECHO all

--
-- Standard ⊂ Advanced ⊂ Administrator
--
CREATE TEMP TABLE answers (user_id text, action text, allowed bool);
SET permissions.user_id = 'stan';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'ava';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM permissions.actions;
SET permissions.user_id = 'alma';
INSERT INTO answers SELECT permissions.current_user_id(), action, permissions.can(action) FROM permissions.actions;
RESET permissions.user_id;
CREATE TEMP VIEW levels AS
	SELECT a.action, s.allowed AS standard, v.allowed AS advanced, d.allowed AS administrator
	FROM permissions.actions a
		JOIN answers s ON s.action = a.action AND s.user_id = 'stan'
		JOIN answers v ON v.action = a.action AND v.user_id = 'ava'
		JOIN answers d ON d.action = a.action AND d.user_id = 'alma';

-- each level can do everything the level below can: no row may break the chain
SELECT * FROM levels WHERE (standard AND NOT advanced) OR (advanced AND NOT administrator);

-- what each level can do (company-wide, outside any project)
SELECT action, standard, advanced, administrator FROM levels
ORDER BY standard DESC, advanced DESC, administrator DESC, action;

SELECT count(*) FILTER (WHERE standard) AS standard,
	count(*) FILTER (WHERE advanced) AS advanced,
	count(*) FILTER (WHERE administrator) AS administrator,
	count(*) AS actions
FROM levels;

-- through inheritance, not copies: advanced and administrator add only their own rows
SELECT role, inherits, is_admin, string_agg(area || '=' || privileges::text, ', ' ORDER BY area) AS own_privileges
FROM permissions.roles LEFT JOIN permissions.role_privileges USING (role)
WHERE role IN ('standard', 'advanced', 'administrator')
GROUP BY role, inherits, is_admin ORDER BY role = 'standard' DESC, role = 'advanced' DESC;

SET permissions.user_id = 'stan';
SELECT permissions.area_privileges('inventory') AS inventory, permissions.area_privileges('invoices') AS invoices,
	permissions.area_privileges('users') AS users;
SELECT permissions.explain('pos.create');
SELECT permissions.explain('orders.manage');
SET permissions.user_id = 'ava';
SELECT permissions.area_privileges('inventory') AS inventory, permissions.area_privileges('invoices') AS invoices,
	permissions.area_privileges('users') AS users;
SELECT permissions.explain('pos.create');
SELECT permissions.explain('orders.manage');
SELECT permissions.explain('users.set_permission_level');
SET permissions.user_id = 'alma';
SELECT permissions.area_privileges('inventory') AS inventory, permissions.area_privileges('invoices') AS invoices,
	permissions.area_privileges('users') AS users;
SELECT permissions.explain('users.set_permission_level');
SELECT permissions.explain('orders.manage');
RESET permissions.user_id;

-- "The new permission level takes effect immediately."
UPDATE permissions.users SET role = 'advanced' WHERE user_id = 'stan';
SET permissions.user_id = 'stan';
SELECT permissions.can('pos.create') AS create_po, permissions.can('invoices.upload') AS upload_invoice,
	permissions.can('users.manage') AS manage_users;
RESET permissions.user_id;
UPDATE permissions.users SET role = 'standard' WHERE user_id = 'stan';
SET permissions.user_id = 'stan';
SELECT permissions.can('pos.create') AS create_po, permissions.can('invoices.upload') AS upload_invoice,
	permissions.can('users.manage') AS manage_users;
RESET permissions.user_id;

--
-- Optional features: a disabled feature denies everyone, administrators included
--
SELECT feature, enabled FROM permissions.features ORDER BY feature;
-- Accounting PO Exports is not enabled in this company
SET permissions.user_id = 'stan';
SELECT permissions.can('accounting_exports.download');
SET permissions.user_id = 'alma';
SELECT permissions.can('accounting_exports.download');
SELECT permissions.explain('accounting_exports.download');
RESET permissions.user_id;
UPDATE permissions.features SET enabled = true WHERE feature = 'accounting_exports';
SET permissions.user_id = 'stan';
SELECT permissions.can('accounting_exports.download');
SET permissions.user_id = 'alma';
SELECT permissions.can('accounting_exports.download');
RESET permissions.user_id;
UPDATE permissions.features SET enabled = false WHERE feature = 'accounting_exports';

-- switching Invoices off: the homepage, uploads and the project toggle all stop
CREATE TEMP VIEW invoices_now AS
	SELECT permissions.current_user_id() AS user_id,
		permissions.can('invoices.view_home') AS view_home,
		permissions.can('invoices.upload') AS upload,
		permissions.can('invoices.approve', 'project', 'P1') AS approve_p1,
		permissions.can('invoices.approve', 'project', 'P2') AS approve_p2,
		permissions.can('orders.manage') AS orders;
SET permissions.user_id = 'stan';
SELECT * FROM invoices_now;
SET permissions.user_id = 'ava';
SELECT * FROM invoices_now;
SET permissions.user_id = 'alma';
SELECT * FROM invoices_now;
RESET permissions.user_id;
UPDATE permissions.features SET enabled = false WHERE feature = 'invoices';
SET permissions.user_id = 'stan';
SELECT * FROM invoices_now;
SET permissions.user_id = 'ava';
SELECT * FROM invoices_now;
SELECT permissions.explain('invoices.upload');
SET permissions.user_id = 'alma';
SELECT * FROM invoices_now;
SELECT permissions.explain('invoices.view_home');
RESET permissions.user_id;
-- every action of a disabled feature is denied to every user
SELECT a.action, u.user_id FROM permissions.actions a CROSS JOIN permissions.users u
	JOIN permissions.features f ON f.feature = a.feature
WHERE NOT f.enabled AND permissions.can_user(u.user_id, a.action)
ORDER BY 1, 2;
UPDATE permissions.features SET enabled = true WHERE feature = 'invoices';
SET permissions.user_id = 'stan';
SELECT * FROM invoices_now;
RESET permissions.user_id;

--
-- Project-level toggles: "A user's toggles can differ between projects."
--
CREATE TEMP TABLE toggles (ord int, toggle text, action text);
INSERT INTO toggles VALUES
	(1, 'Invoice Approver', 'invoices.approve'),
	(2, 'Expense Approver', 'expenses.approve'),
	(3, 'Requisition Approver', 'requisitions.approve'),
	(4, 'Buyer', 'requisitions.buy');
CREATE TEMP VIEW toggles_now AS
	SELECT permissions.current_user_id() AS user_id, t.toggle,
		permissions.can(t.action) AS company_wide,
		permissions.can(t.action, 'project', 'P1') AS p1,
		permissions.can(t.action, 'project', 'P2') AS p2,
		permissions.can(t.action, 'project', 'P3') AS p3
	FROM toggles t ORDER BY t.ord;
SET permissions.user_id = 'stan';
SELECT * FROM toggles_now;
SET permissions.user_id = 'ava';
SELECT * FROM toggles_now;
SET permissions.user_id = 'alma';
SELECT * FROM toggles_now;
SET permissions.user_id = 'bea';
SELECT * FROM toggles_now;
-- the scope must match exactly: same id, other scope
SELECT permissions.can('requisitions.buy', 'team', 'P1') AS team_p1,
	permissions.can('requisitions.buy', 'project', 'p1') AS lower_case_p1;
SET permissions.user_id = 'stan';
SELECT permissions.explain('invoices.approve');
RESET permissions.user_id;
-- "Turning a toggle off removes that user's approval for that specific project."
DELETE FROM permissions.memberships
	WHERE user_id = 'ava' AND scope = 'project' AND scope_id = 'P1' AND role = 'expense_approver';
SET permissions.user_id = 'ava';
SELECT * FROM toggles_now;
RESET permissions.user_id;
DELETE FROM permissions.memberships
	WHERE user_id = 'stan' AND scope = 'project' AND scope_id = 'P1' AND role = 'invoice_approver';
SET permissions.user_id = 'stan';
SELECT * FROM toggles_now;
-- and turning it on again gives it back
RESET permissions.user_id;
INSERT INTO permissions.memberships VALUES ('stan', 'project', 'P1', 'invoice_approver');
SET permissions.user_id = 'stan';
SELECT permissions.can('invoices.approve', 'project', 'P1') AS p1, permissions.can('invoices.approve', 'project', 'P2') AS p2;
RESET permissions.user_id;

-- "Only administrators can access these settings": an administrator switches a toggle
-- through a login role of their own; an Advanced user cannot
CREATE ROLE regress_seed004_alma;
CREATE ROLE regress_seed004_ava;
GRANT SELECT, INSERT, DELETE ON permissions.memberships TO regress_seed004_alma, regress_seed004_ava;
UPDATE permissions.users SET db_role = 'regress_seed004_alma' WHERE user_id = 'alma';
UPDATE permissions.users SET db_role = 'regress_seed004_ava' WHERE user_id = 'ava';
SET ROLE regress_seed004_ava;
SELECT permissions.current_user_id(), permissions.can('projects.approval_toggles'), permissions.can('users.admin');
INSERT INTO permissions.memberships VALUES ('ava', 'project', 'P1', 'invoice_approver');
DELETE FROM permissions.memberships WHERE user_id = 'bea';
RESET ROLE;
SET ROLE regress_seed004_alma;
SELECT permissions.current_user_id(), permissions.can('projects.approval_toggles'), permissions.can('users.admin');
INSERT INTO permissions.memberships VALUES ('bea', 'project', 'P2', 'requisition_approver');
DELETE FROM permissions.memberships WHERE user_id = 'bea' AND scope_id = 'P1';
RESET ROLE;
SELECT user_id, scope, scope_id, role FROM permissions.memberships WHERE user_id IN ('ava', 'bea') ORDER BY 1, 2, 3, 4;
SET permissions.user_id = 'bea';
SELECT * FROM toggles_now;
RESET permissions.user_id;
REVOKE ALL ON permissions.memberships FROM regress_seed004_alma, regress_seed004_ava;
UPDATE permissions.users SET db_role = NULL WHERE user_id IN ('alma', 'ava');
DROP ROLE regress_seed004_alma, regress_seed004_ava;

DROP VIEW levels, invoices_now, toggles_now;
--
-- Invoice approval by project. "Invoice Approver: Grants the ability to review and
-- approve invoices submitted to the project."  "A user's toggles can differ between
-- projects."  "Turning a toggle off removes that user's approval for that specific
-- project."  One level, approver_scope project: the approver holds invoices.approve
-- through a membership in the invoice's project (column project).  Nobody holds it
-- company-wide (see company_wide above), Administrators included.
-- (errors in full here: their DETAIL says why a user is refused)
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO permissions.approval_rules (doc_type, level, min_amount, approver_action, approver_scope) VALUES
	('invoice', 1, 0, 'invoices.approve', 'project');
CREATE TABLE invoices (id int PRIMARY KEY, project text NOT NULL, amount numeric,
	status text NOT NULL DEFAULT 'draft', created_by text);
SELECT permissions.enable_approvals('invoices', 'invoice', amount_column => 'amount', scope_column => 'project',
	released_statuses => '{paid}');
-- the Invoice Approver toggles now: stan in P1, ava in P2
SELECT user_id, scope_id FROM permissions.memberships WHERE role = 'invoice_approver' ORDER BY 1, 2;
-- who should hear of a request: every active user other than the requester who may
-- do invoices.approve in the invoice's project (asked through can(), as each user)
CREATE FUNCTION pg_temp.expected_approvers(requester text, project text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	u text;
BEGIN
	FOR u IN SELECT user_id FROM permissions.users WHERE user_id <> requester ORDER BY user_id LOOP
		PERFORM set_config('permissions.user_id', u, true);
		IF permissions.can('invoices.approve', 'project', project) THEN
			RETURN NEXT u;
		END IF;
	END LOOP;
END
$$;

-- ava (Advanced: uploads invoices, creates invoice approvals) submits two invoices
-- to P1, alma one to P2
SET permissions.user_id = 'ava';
SELECT permissions.can('invoices.upload') AS upload, permissions.can('invoices.create_approvals') AS create_approvals;
INSERT INTO invoices VALUES (1, 'P1', 1200, 'draft', 'ava'), (3, 'P1', 640, 'draft', 'ava');
SELECT permissions.request_approval('invoices', '1') AS inv1 \gset
SET permissions.user_id = 'alma';
INSERT INTO invoices VALUES (2, 'P2', 800, 'draft', 'alma');
SELECT permissions.request_approval('invoices', '2') AS inv2 \gset
RESET permissions.user_id;
SELECT doc_id, scope_id, requested_by, status FROM permissions.approval_requests ORDER BY request_id;
-- told: P1's invoice approver of invoice 1, P2's of invoice 2 (every row must be
-- notified = may_approve = t)
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :inv1) n
	FULL JOIN pg_temp.expected_approvers('ava', 'P1') e (user_id) USING (user_id)
ORDER BY 1;
SELECT coalesce(n.user_id, e.user_id) AS user_id, n.user_id IS NOT NULL AS notified, e.user_id IS NOT NULL AS may_approve
FROM (SELECT user_id FROM permissions.notifications
		WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :inv2) n
	FULL JOIN pg_temp.expected_approvers('alma', 'P2') e (user_id) USING (user_id)
ORDER BY 1;
-- the Administrator has no toggle in P1: refused
SET permissions.user_id = 'alma';
SELECT permissions.approve(:inv1);
\echo :LAST_ERROR_SQLSTATE
-- stan approves in P1 but not in P2, where his Invoice Approver toggle is off
SET permissions.user_id = 'stan';
SELECT doc_id, scope_id FROM permissions.my_approvals ORDER BY doc_id;
SELECT permissions.approve(:inv2);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(:inv1, 'matches the PO');
-- ava, P2's approver, approves alma's invoice
SET permissions.user_id = 'ava';
SELECT permissions.approve(:inv2);
UPDATE invoices SET status = 'paid' WHERE id = 1;
SELECT id, project, status FROM invoices ORDER BY id;
RESET permissions.user_id;
SELECT user_id, subject_id, payload->>'decision' AS decision, payload->>'decided_by' AS decided_by
FROM permissions.notifications WHERE kind = 'approval_decided' ORDER BY notification_id;

-- turning stan's toggle off in P1 (committed) stops him approving invoice 3, asked
-- for while the toggle was on
SET permissions.user_id = 'ava';
SELECT permissions.request_approval('invoices', '3') AS inv3 \gset
RESET permissions.user_id;
SELECT user_id FROM permissions.notifications
WHERE kind = 'approval_requested' AND (payload->>'request_id')::bigint = :inv3 ORDER BY 1;
DELETE FROM permissions.memberships
	WHERE user_id = 'stan' AND scope = 'project' AND scope_id = 'P1' AND role = 'invoice_approver';
SET permissions.user_id = 'stan';
SELECT count(*) AS stan_may_decide FROM permissions.my_approvals;
SELECT permissions.approve(:inv3);
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
SELECT id, status FROM invoices WHERE id = 3;
-- switched on again, the same request is his to approve
INSERT INTO permissions.memberships VALUES ('stan', 'project', 'P1', 'invoice_approver');
SET permissions.user_id = 'stan';
SELECT permissions.approve(:inv3);
RESET permissions.user_id;
SELECT r.doc_id, r.scope_id, r.requested_by, r.status, d.decided_by, d.decision, d.comment
FROM permissions.approval_requests r LEFT JOIN permissions.approval_decisions d USING (request_id)
ORDER BY r.request_id;
\set VERBOSITY terse
DROP TABLE invoices;

DROP EXTENSION permissions CASCADE;
