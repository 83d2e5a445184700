-- Approval workflows: the status lifecycle, requests, multi-level decisions,
-- eligibility (self-approval, earlier levels, purchasing limits, scopes),
-- withdrawing, notifications, the activity log, visibility and bad input.
CREATE EXTENSION permissions;
\set SHOW_CONTEXT never

INSERT INTO permissions.areas (area) VALUES ('purchase'), ('transfers'), ('admin');
INSERT INTO permissions.roles (role, is_admin) VALUES ('buyer', false), ('manager', false),
	('director', false), ('auditor', false), ('admin', true), ('site_lead', false);
INSERT INTO permissions.role_privileges VALUES ('buyer', 'purchase', 'rw'), ('manager', 'purchase', 'rwa'),
	('director', 'purchase', 'rwao'), ('auditor', 'purchase', 'r'), ('site_lead', 'transfers', 'rwa'),
	('auditor', 'admin', 'r');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
	('purchase_orders.approve', 'purchase', 'a', 'none', 'read'),
	('purchase_orders.approve_large', 'purchase', 'o', 'none', 'read'),
	('transfers.approve', 'transfers', 'a', 'location', 'full'),
	('activity.read', 'admin', 'r', 'none', 'read');
INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');
INSERT INTO permissions.users (user_id, role, purchasing_limit) VALUES
	('bob', 'buyer', NULL), ('mia', 'manager', 1000), ('max', 'manager', NULL), ('dan', 'director', NULL),
	('ann', 'auditor', NULL), ('ada', 'admin', NULL), ('lee', 'site_lead', NULL), ('yan', 'site_lead', NULL);
INSERT INTO permissions.location_access VALUES ('lee', 1, 'full'), ('yan', 2, 'full'), ('yan', 1, 'read');
INSERT INTO permissions.approval_rules VALUES
	('purchase_order', 1, 0, 'purchase_orders.approve', 'global'),
	('purchase_order', 2, 1000, 'purchase_orders.approve_large', 'global'),
	('transfer', 1, 0, 'transfers.approve', 'location');
CREATE ROLE regress_approvals_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_approvals_app;

CREATE TABLE po (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'draft', amount numeric,
	created_by text, note text);
CREATE TABLE transfers (id int PRIMARY KEY, state text NOT NULL DEFAULT 'draft', location_id int,
	created_by text);
CREATE TABLE no_pk (id int, status text);
GRANT SELECT, INSERT, UPDATE, DELETE ON po, transfers TO regress_approvals_app;

-- bad arguments
SELECT permissions.enable_approvals('po', 'purchase_order', amount_column => 'no_such_column');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.enable_approvals('no_pk', 'x', owner_column => NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.enable_approvals('po', 'purchase_order', released_statuses => '{sent,pending}');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.enable_approvals('po', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.enable_approvals('pg_class', 'x');
\echo :LAST_ERROR_SQLSTATE

SELECT permissions.enable_approvals('po', 'purchase_order', amount_column => 'amount');
SELECT permissions.enable_approvals('po', 'purchase_order', amount_column => 'amount');  -- idempotent
SELECT permissions.enable_approvals('transfers', 'transfer', status_column => 'state',
	location_column => 'location_id', released_statuses => '{shipped}');
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'po'::regclass;

SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';

-- the lifecycle: new documents are drafts; nothing skips a step
INSERT INTO po VALUES (1, 'pending', 500, 'bob');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO po VALUES (1, 'draft', 500, 'bob'), (2, 'draft', 1000, 'bob'), (3, 'draft', 999.99, 'bob'),
	(4, 'draft', 5000, 'bob'), (5, 'draft', 200, 'bob'), (6, 'draft', NULL, 'bob');
UPDATE po SET status = 'sent' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'approved' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'pending' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'whatever' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET note = 'drafts may be edited' WHERE id = 1;

-- requesting: bad input, then po 1 (500: level 1 only)
SELECT permissions.request_approval('po', '99');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('po', 'abc');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('po', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.request_approval('po', '6');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO po VALUES (60, 'draft', 'NaN', 'bob');
SELECT permissions.request_approval('po', '60');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM po WHERE id = 60;
SELECT permissions.request_approval(999999::regclass, '1');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT permissions.request_approval('no_pk', '1');
\echo :LAST_ERROR_SQLSTATE
SET ROLE regress_approvals_app;
RESET permissions.user_id;
SELECT permissions.request_approval('po', '1');
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'bob';
SELECT permissions.request_approval('po', '1', 'office chairs') AS r1 \gset
SELECT id, status FROM po WHERE id = 1;
SELECT permissions.request_approval('po', '1');
\echo :LAST_ERROR_SQLSTATE
-- a pending document cannot be edited
UPDATE po SET amount = 1 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT request_id = :r1 AS same, doc_type, doc_id, amount, requested_by, owner_id, status, level, note
	FROM permissions.approval_requests;
-- the approvers of level 1 were told, nobody else
SELECT user_id, kind, subject, subject_id, payload->>'level' AS level, payload->>'requested_by' AS requested_by
	FROM permissions.notifications ORDER BY user_id;
SET ROLE regress_approvals_app;

-- deciding: the requester, an auditor and nobody are refused; a manager approves
SELECT permissions.approve(:r1);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'ann';
SELECT permissions.approve(:r1);
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
SELECT permissions.approve(:r1);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(NULL);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'mia';
SELECT permissions.approve(12345);
\echo :LAST_ERROR_SQLSTATE
SELECT request_id = :r1 AS mine, level FROM permissions.my_approvals;
SELECT permissions.approve(:r1, 'fine');
SELECT permissions.approve(:r1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM permissions.my_approvals;
SET permissions.user_id = 'bob';
SELECT id, status FROM po WHERE id = 1;
SELECT payload->>'decision' AS decision, payload->>'decided_by' AS by, payload->>'comment' AS comment
	FROM permissions.notifications WHERE kind = 'approval_decided';
-- approved: released is allowed, and then it stays released, with the
-- amount that was approved
UPDATE po SET status = 'sent', amount = 99999 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'sent', id = 100 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'sent' WHERE id = 1;
UPDATE po SET status = 'completed' WHERE id = 1;
UPDATE po SET status = 'draft' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET amount = 1000000 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET created_by = 'mia' WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET note = 'delivered' WHERE id = 1;

-- multi-level: 1000 (at the threshold) needs levels 1 and 2
SELECT permissions.request_approval('po', '2') AS r2 \gset
SELECT permissions.request_approval('po', '3') AS r3 \gset
SELECT permissions.request_approval('po', '4') AS r4 \gset
RESET ROLE;
SELECT doc_id, amount, level FROM permissions.approval_requests WHERE status = 'pending' ORDER BY doc_id;
SET ROLE regress_approvals_app;
SET permissions.user_id = 'mia';
SELECT doc_id, level FROM permissions.my_approvals ORDER BY doc_id;
SELECT permissions.approve(:r2);
-- mia cannot take level 2 (and approved level 1 of it)
SELECT permissions.approve(:r2);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(:r3);
-- 5000 is above mia's purchasing limit of 1000
SELECT permissions.approve(:r4);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'dan';
SELECT doc_id, level FROM permissions.my_approvals ORDER BY doc_id;
SELECT permissions.approve(:r2);
SET permissions.user_id = 'max';
SELECT permissions.approve(:r4);
-- max approved level 1, so level 2 is for somebody else
SELECT permissions.approve(:r4);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'dan';
SELECT permissions.approve(:r4, 'large but needed');
RESET ROLE;
SELECT r.doc_id, d.level, d.decided_by, d.decision FROM permissions.approval_decisions d
	JOIN permissions.approval_requests r USING (request_id) ORDER BY r.doc_id, d.level;
SELECT id, status FROM po ORDER BY id;
SET ROLE regress_approvals_app;

-- the same user cannot approve two levels of one request (dan may do both)
SET permissions.user_id = 'bob';
INSERT INTO po VALUES (7, 'draft', 2000, 'bob');
SELECT permissions.request_approval('po', '7') AS r7 \gset
SET permissions.user_id = 'dan';
SELECT permissions.approve(:r7);
SELECT permissions.approve(:r7);
\echo :LAST_ERROR_SQLSTATE

-- deny: a reason is required; the requester hears it; denied -> draft -> pending again
SET permissions.user_id = 'bob';
SELECT permissions.request_approval('po', '5') AS r5 \gset
SET permissions.user_id = 'max';
SELECT permissions.deny(:r5, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.deny(:r5, '  ');
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.deny(:r5, 'wrong supplier');
SELECT permissions.approve(:r5);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'bob';
SELECT status FROM po WHERE id = 5;
SELECT payload->>'decision' AS decision, payload->>'comment' AS comment FROM permissions.notifications
	WHERE kind = 'approval_decided' AND subject_id = '5';
UPDATE po SET status = 'sent' WHERE id = 5;
\echo :LAST_ERROR_SQLSTATE
UPDATE po SET status = 'draft', note = 'other supplier' WHERE id = 5;
SELECT permissions.request_approval('po', '5') AS r5b \gset

-- withdrawing: returning the document to draft; the request can no longer be decided
UPDATE po SET status = 'draft', amount = 150 WHERE id = 5;
SET permissions.user_id = 'max';
SELECT permissions.approve(:r5b);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT request_id = :r5b AS latest, status, level FROM permissions.approval_requests WHERE doc_id = '5'
	ORDER BY request_id;
-- deleting a pending document withdraws its request too
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
SELECT permissions.request_approval('po', '5') AS r5c \gset
DELETE FROM po WHERE id = 5;
RESET ROLE;
SELECT status FROM permissions.approval_requests WHERE request_id = :r5c;

-- the log: every request, decision and withdrawal, with the acting user and role
SELECT user_id, db_role, action, object, row_key, new->>'state' AS state, new->>'level' AS level, reason
	FROM permissions.activity WHERE action IN ('request', 'approve', 'deny', 'withdraw')
	ORDER BY activity_id;

-- self-approval: forbidden by default, allowed by the setting
SET ROLE regress_approvals_app;
SET permissions.user_id = 'max';
INSERT INTO po VALUES (8, 'draft', 10, 'max');
SELECT permissions.request_approval('po', '8') AS r8 \gset
SELECT permissions.approve(:r8);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
INSERT INTO permissions.settings VALUES ('allow_self_approval', 'true');
SET ROLE regress_approvals_app;
SELECT permissions.approve(:r8);
RESET ROLE;
DELETE FROM permissions.settings WHERE name = 'allow_self_approval';
-- the owner of a document cannot approve it even when someone else asked
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO po VALUES (9, 'draft', 10, 'mia');
SELECT permissions.request_approval('po', '9') AS r9 \gset
SET permissions.user_id = 'mia';
SELECT permissions.approve(:r9);
\echo :LAST_ERROR_SQLSTATE

-- a changed rule is obeyed at the next statement (sessions cache the rules)
RESET ROLE;
UPDATE permissions.approval_rules SET min_amount = 5 WHERE doc_type = 'purchase_order' AND level = 2;
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO po VALUES (10, 'draft', 10, 'bob');
SELECT permissions.request_approval('po', '10') AS r10 \gset
SET permissions.user_id = 'max';
SELECT permissions.approve(:r10);
RESET ROLE;
UPDATE permissions.approval_rules SET min_amount = 1000 WHERE doc_type = 'purchase_order' AND level = 2;
SET ROLE regress_approvals_app;
SET permissions.user_id = 'dan';
SELECT permissions.may_decide(:r10) AS dan_may_decide;
SET permissions.user_id = 'mia';
SELECT permissions.approve(:r10);
\echo :LAST_ERROR_SQLSTATE

-- the extension's statements resolve nothing through the caller's
-- search_path: an operator planted ahead of pg_catalog is never called
RESET ROLE;
CREATE SCHEMA evil;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'evil operator called as %', current_user;
END $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
SET ROLE regress_approvals_app;
SET search_path = evil, pg_catalog, public;
SET permissions.user_id = 'bob';
INSERT INTO po VALUES (11, 'draft', 10, 'bob');
SELECT permissions.request_approval('po', '11') AS r11 \gset
UPDATE po SET status = 'draft' WHERE id = 11;
SELECT permissions.request_approval('po', '11') AS r11 \gset
SET permissions.user_id = 'max';
SELECT permissions.approve(:r11);
SELECT count(*) AS my_approvals FROM permissions.my_approvals;
RESET search_path;
RESET ROLE;
DROP SCHEMA evil CASCADE;
SET ROLE regress_approvals_app;

-- what was approved is compared by content: created_by is stored
-- compressed (the row is wide), and the UPDATE's copy of it, not yet
-- compressed when the trigger sees it, is the same value
SET permissions.user_id = 'bob';
INSERT INTO po VALUES (12, 'draft', 10, repeat('bob', 40),
	(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 60) g));
SELECT pg_column_size(created_by) < octet_length(created_by) AS stored_compressed FROM po WHERE id = 12;
SELECT permissions.request_approval('po', '12') AS r12 \gset
SET permissions.user_id = 'max';
SELECT permissions.approve(:r12);
SET permissions.user_id = 'bob';
UPDATE po SET status = 'sent', created_by = created_by || '' WHERE id = 12;
SELECT status FROM po WHERE id = 12;
UPDATE po SET created_by = created_by || 'x' WHERE id = 12;
\echo :LAST_ERROR_SQLSTATE

-- a decision in a transaction that changed the model is refused
RESET ROLE;
BEGIN;
SET LOCAL permissions.user_id = 'ada';
UPDATE permissions.users SET purchasing_limit = NULL WHERE user_id = 'mia';
SELECT permissions.approve(:r9);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;

-- location scope: the approver needs full access at the document's location
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO transfers VALUES (1, 'draft', 1, 'bob'), (2, 'draft', NULL, 'bob');
SELECT permissions.request_approval('transfers', '1') AS t1 \gset
SELECT permissions.request_approval('transfers', '2') AS t2 \gset
SET permissions.user_id = 'yan';
SELECT permissions.approve(:t1);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(:t2);
\echo :LAST_ERROR_SQLSTATE
SET permissions.user_id = 'lee';
SELECT permissions.approve(:t1);
UPDATE transfers SET state = 'shipped' WHERE id = 1;
SELECT id, state FROM transfers ORDER BY id;

-- another membership scope (a budget): the global roles, or a role held in
-- the document's budget
RESET ROLE;
INSERT INTO permissions.roles (role) VALUES ('budget_approver');
INSERT INTO permissions.role_privileges VALUES ('budget_approver', 'transfers', 'a');
INSERT INTO permissions.actions (action, area, privilege) VALUES ('invoices.approve', 'transfers', 'a');
INSERT INTO permissions.users (user_id, role) VALUES ('bea', NULL);
INSERT INTO permissions.memberships VALUES ('bea', 'budget', 'B1', 'budget_approver');
INSERT INTO permissions.approval_rules VALUES ('invoice', 1, 0, 'invoices.approve', 'budget');
CREATE TABLE invoices (id int PRIMARY KEY, status text NOT NULL DEFAULT 'draft', budget text, created_by text);
GRANT SELECT, INSERT, UPDATE ON invoices TO regress_approvals_app;
SELECT permissions.enable_approvals('invoices', 'invoice', scope_column => 'budget');
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO invoices VALUES (1, 'draft', 'B1', 'bob'), (2, 'draft', 'B2', 'bob'), (3, 'draft', NULL, 'bob');
SELECT permissions.request_approval('invoices', '1') AS i1 \gset
SELECT permissions.request_approval('invoices', '2') AS i2 \gset
SELECT permissions.request_approval('invoices', '3') AS i3 \gset
SET permissions.user_id = 'bea';
SELECT doc_id FROM permissions.my_approvals WHERE doc_type = 'invoice' ORDER BY doc_id;
SELECT permissions.approve(:i2);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(:i3);
\echo :LAST_ERROR_SQLSTATE
SELECT permissions.approve(:i1);
-- lee holds invoices.approve through his global role: any budget
SET permissions.user_id = 'lee';
SELECT permissions.approve(:i2);
RESET ROLE;
SELECT id, status FROM invoices ORDER BY id;
DROP TABLE invoices;
SET ROLE regress_approvals_app;

-- visibility: requesters see their requests, approvers what they may decide,
-- auditors (activity.read) everything, nobody nothing
SET permissions.user_id = 'lee';
SELECT count(*) AS lee_requests FROM permissions.approval_requests;
SET permissions.user_id = 'bob';
SELECT count(*) AS bob_requests FROM permissions.approval_requests;
SET permissions.user_id = 'ann';
SELECT count(*) = (SELECT count(*) FROM permissions.approval_decisions) AS ann_sees_all_decisions
	FROM permissions.approval_decisions;
RESET permissions.user_id;
SELECT count(*) AS nobody_requests FROM permissions.approval_requests;
SELECT count(*) AS nobody_pending FROM permissions.my_approvals;
-- nobody may write requests or decisions directly
SET permissions.user_id = 'ada';
INSERT INTO permissions.approval_decisions VALUES (:r9, 1, 'ada', 'approved');
\echo :LAST_ERROR_SQLSTATE
UPDATE permissions.approval_requests SET status = 'approved';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- the extension changes a document as the table's owner, never as a superuser:
-- the table's own triggers run with the owner's rights (no escalation) and
-- with nobody acting (they cannot decide or read as the approver), and
-- FORCE ROW LEVEL SECURITY does not stop an approver who may not write it
RESET ROLE;
CREATE ROLE regress_approvals_owner;
INSERT INTO permissions.roles (role) VALUES ('approver_only');
INSERT INTO permissions.role_privileges VALUES ('approver_only', 'purchase', 'a');
INSERT INTO permissions.users (user_id, role) VALUES ('apo', 'approver_only');
INSERT INTO permissions.approval_rules VALUES ('owned', 1, 0, 'purchase_orders.approve');
CREATE TABLE seen_as (status text, who name, is_superuser bool, acting text);
GRANT INSERT ON seen_as TO regress_approvals_owner;
CREATE TABLE owned_docs (id int PRIMARY KEY, status text NOT NULL DEFAULT 'draft', created_by text);
-- (seen_as unqualified: the extension's status change runs the table's
-- triggers with the caller's search_path, as the caller's own UPDATE would)
CREATE FUNCTION record_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO seen_as SELECT NEW.status, current_user, r.rolsuper, permissions.current_user_id()
	  FROM pg_roles r WHERE r.rolname = current_user;
	RETURN NEW;
END $$;
CREATE TRIGGER record BEFORE UPDATE ON owned_docs FOR EACH ROW EXECUTE FUNCTION record_user();
SELECT permissions.protect('owned_docs', 'purchase', owner_column => 'created_by');
SELECT permissions.enable_approvals('owned_docs', 'owned');
ALTER TABLE owned_docs OWNER TO regress_approvals_owner;
GRANT SELECT, INSERT, UPDATE ON owned_docs TO regress_approvals_app;
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO owned_docs VALUES (1, 'draft', 'bob');
SELECT permissions.request_approval('owned_docs', '1') AS o1 \gset
SET permissions.user_id = 'apo';
SELECT count(*) AS apo_sees FROM owned_docs;
SELECT permissions.approve(:o1);
RESET ROLE;
SELECT * FROM seen_as ORDER BY status;
SELECT id, status FROM owned_docs;
DROP TABLE owned_docs, seen_as;
DROP FUNCTION record_user();
DROP ROLE regress_approvals_owner;

-- approval_rules is config: guarded and logged
SET ROLE regress_approvals_app;
SET permissions.user_id = 'bob';
INSERT INTO permissions.approval_rules VALUES ('x', 1, 0, 'purchase_orders.approve');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
INSERT INTO permissions.approval_rules VALUES ('x', 1, 0, 'purchase_orders.approve', '');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO permissions.approval_rules VALUES ('x', 1, 0, 'no.such.action');
\echo :LAST_ERROR_SQLSTATE
SELECT action, object FROM permissions.activity WHERE object LIKE '%approval_rules%' ORDER BY activity_id;

-- a disabled trigger is refused by request_approval
ALTER TABLE po DISABLE TRIGGER permissions_approvals;
SET permissions.user_id = 'bob';
SELECT permissions.request_approval('po', '3');
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE po ENABLE ALWAYS TRIGGER permissions_approvals;
SELECT permissions.disable_approvals('po');
UPDATE po SET status = 'whatever' WHERE id = 3;
SELECT permissions.request_approval('po', '3');
\echo :LAST_ERROR_SQLSTATE
RESET permissions.user_id;
DROP TABLE po, transfers, no_pk;
REVOKE SET ON PARAMETER permissions.user_id FROM regress_approvals_app;
DROP ROLE regress_approvals_app;
DROP EXTENSION permissions CASCADE;
