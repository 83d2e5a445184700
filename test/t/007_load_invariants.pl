# Load and invariants, then crash safety.
#
# A pgbench workload (16 clients, bounded time, twelve weighted scripts) on
# one model: protected reads as random users, can() checks with identity
# switches, tracked stock updates that cross an alert condition, edits of
# completed (locked) rows with and without an override, and approval
# workflows (request, approve, deny, withdraw, release, edit) by random
# users.  Every step runs inside load.try(), which catches the SQLSTATE and
# records it, so expected refusals (42501, 40001, 55000...) do not abort
# pgbench clients; an unexpected SQLSTATE fails the test.
#
# Then an invariant checker, each invariant asserted to have no violation
# AND a non-zero number of things checked:
#  1. every committed change of the tracked tables has exactly one activity
#     entry (a version column bumped by a trigger on every update is the
#     ground truth), and every row its insert entry; 1b. every request
#     and decision exactly one request/approve/deny entry;
#  2. every decision was made by an eligible user (passes the level's rule
#     by can_user, not the requester or owner, purchasing limit covers the
#     amount, approved no other level of the request); approved requests
#     have every required level approved; pending and denied requests are in
#     a consistent state; every document's status agrees with its latest
#     request (no half-approved document);
#  3. every change of a completed (locked) row after its completion is an
#     override logged with a reason; nothing else changed it;
#  4. no notification lost or extra: approval_requested to exactly the
#     eligible approvers of each level that was opened, approval_decided
#     once to the requester of each decided request, low_stock once per
#     entry into the condition to exactly the audience of the row's
#     location.
#
# Crash safety: (a) a backend killed with SIGKILL after approve() made the
# final decision but before COMMIT: after the restart the document is still
# pending, the request awaits the same level with no decision, nobody was
# told, and the approval can then be completed; (b) an immediate shutdown
# during the load, crash recovery, and the invariants hold again.
#
# Finally the checker is shown to catch each kind of violation: every
# invariant is broken once behind the extension's back and counted.
# (Released documents stay editable, amount included; the test only notes
# how many differ from their approved amount.)  About 35 s on 2 cores.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(time);

my $t0 = time;
my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', q{
max_connections = 60
deadlock_timeout = 100ms
restart_after_crash = on
# thousands of expected refusals: keep them out of the server log
log_statement = none
log_min_messages = log
log_min_error_statement = panic
});
$node->start;

# ---------------------------------------------------------------------
# The model and the tables
# ---------------------------------------------------------------------
# u1-u16 clerks, u17-u26 approvers (level 1), u27-u32 directors (levels 1
# and 2, stock overrides), u33-u36 supervisors (stock overrides), u37-u38
# auditors, u39 (approver) and u40 (director) inactive; boss administers.
$node->safe_psql('postgres', q{
CREATE EXTENSION permissions;
INSERT INTO permissions.areas (area) VALUES ('stock'), ('purchase'), ('admin');
INSERT INTO permissions.roles (role, is_admin) VALUES ('clerk', false), ('approver', false),
	('director', false), ('supervisor', false), ('auditor', false), ('boss', true);
INSERT INTO permissions.role_privileges VALUES
	('clerk', 'stock', 'rw'), ('clerk', 'purchase', 'rw'),
	('approver', 'stock', 'r'), ('approver', 'purchase', 'rwa'),
	('director', 'stock', 'rwo'), ('director', 'purchase', 'rwao'),
	('supervisor', 'stock', 'rwo'), ('supervisor', 'purchase', 'r'),
	('auditor', 'admin', 'r'), ('auditor', 'stock', 'r');
INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
	('stock.view', 'stock', 'r', 'location', 'read'),
	('stock.edit', 'stock', 'w', 'location', 'full'),
	('stock.override', 'stock', 'o', 'location', 'full'),
	('alerts.low_stock', 'stock', 'r', 'location', 'read'),
	('purchase.approve', 'purchase', 'a', 'none', 'read'),
	('purchase.approve_large', 'purchase', 'o', 'none', 'read'),
	('activity.read', 'admin', 'r', 'none', 'read'),
	('users.admin', 'admin', 'w', 'none', 'read');
INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 4) g;
INSERT INTO permissions.users (user_id, role, purchasing_limit, active, default_location_access)
SELECT 'u' || i,
	CASE WHEN i <= 16 THEN 'clerk' WHEN i <= 26 THEN 'approver' WHEN i <= 32 THEN 'director'
	     WHEN i <= 36 THEN 'supervisor' WHEN i <= 38 THEN 'auditor' WHEN i = 39 THEN 'approver'
	     ELSE 'director' END,
	CASE WHEN i BETWEEN 20 AND 23 THEN 5000 WHEN i BETWEEN 24 AND 26 THEN 1000
	     WHEN i BETWEEN 30 AND 32 THEN 10000 END,
	i <= 38,
	CASE WHEN i % 3 = 0 THEN 'read' ELSE 'none' END::permissions.access_level
FROM generate_series(1, 40) i;
INSERT INTO permissions.users (user_id, role) VALUES ('boss', 'boss');
-- locations 1-3 explicitly for everyone, location 4 for even users only
-- (the others get their default there)
INSERT INTO permissions.location_access
SELECT 'u' || i, l, (ARRAY['none', 'read', 'full', 'full'])[(i + l) % 4 + 1]::permissions.access_level
FROM generate_series(1, 40) i, generate_series(1, 4) l WHERE l < 4 OR i % 2 = 0;
INSERT INTO permissions.approval_rules VALUES
	('po', 1, 0, 'purchase.approve', 'global'),
	('po', 2, 3000, 'purchase.approve_large', 'global');
-- muted kinds, which the recomputations below must honour
INSERT INTO permissions.subscriptions (user_id, kind, enabled) VALUES
	('u5', 'low_stock', false), ('u18', 'approval_requested', false), ('u28', 'approval_requested', false);

CREATE ROLE regress_load_app LOGIN;
GRANT SET ON PARAMETER permissions.user_id TO regress_load_app;

-- version: bumped on every update (the ground truth for the activity log);
-- low_entries: how often the row entered qty < reorder_level;
-- completed_version: the version that completed a move
CREATE FUNCTION public.bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		NEW.version := 1;
	ELSE
		NEW.version := OLD.version + 1;
	END IF;
	IF TG_TABLE_NAME = 'stock' THEN
		IF NEW.qty < NEW.reorder_level AND (TG_OP = 'INSERT' OR NOT OLD.qty < OLD.reorder_level) THEN
			NEW.low_entries := CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE OLD.low_entries END + 1;
		END IF;
	ELSIF TG_TABLE_NAME = 'moves' THEN
		IF NEW.status = 'completed' AND (TG_OP = 'INSERT' OR OLD.status <> 'completed') THEN
			NEW.completed_version := NEW.version;
		END IF;
	END IF;
	RETURN NEW;
END $$;

CREATE TABLE stock (id int PRIMARY KEY, location_id int NOT NULL, qty int NOT NULL,
	reorder_level int NOT NULL, version int NOT NULL DEFAULT 1, low_entries int NOT NULL DEFAULT 0);
CREATE TABLE moves (id int PRIMARY KEY, location_id int NOT NULL, status text NOT NULL DEFAULT 'open',
	qty int NOT NULL, version int NOT NULL DEFAULT 1, completed_version int);
CREATE TABLE po (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'draft', amount numeric NOT NULL,
	created_by text, version int NOT NULL DEFAULT 1);
-- "a_" fires before the extension's BEFORE triggers, so an override's
-- logged row carries the new version
CREATE TRIGGER a_version BEFORE INSERT OR UPDATE ON stock FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER a_version BEFORE INSERT OR UPDATE ON moves FOR EACH ROW EXECUTE FUNCTION bump_version();
CREATE TRIGGER a_version BEFORE INSERT OR UPDATE ON po FOR EACH ROW EXECUTE FUNCTION bump_version();

SELECT permissions.protect('stock', 'stock', 'location_id');
SELECT permissions.track('stock');
SELECT permissions.alert_when('stock', 'low_stock', 'qty < reorder_level', 'alerts.low_stock', 'location_id');
SELECT permissions.protect('moves', 'stock', 'location_id');
SELECT permissions.track('moves');
SELECT permissions.lock_completed('moves', 'status', '{completed}', 'stock.override', 'location_id');
SELECT permissions.protect('po', 'purchase', NULL, 'created_by');
SELECT permissions.track('po');
SELECT permissions.enable_approvals('po', 'po', amount_column => 'amount');

INSERT INTO stock (id, location_id, qty, reorder_level) SELECT g, 1 + g % 4, 10, 5 FROM generate_series(1, 100) g;
INSERT INTO moves (id, location_id, qty) SELECT g, 1 + g % 4, 1 FROM generate_series(1, 1000) g;
-- amounts 100..8000 (about 2/3 need the second level); every 8th document
-- is owned by an approver or director, who may then not decide it
INSERT INTO po (id, amount, created_by)
SELECT g, 100 + (g * 7919) % 7901, CASE WHEN g % 8 = 0 THEN 'u' || (17 + g % 16) ELSE 'u' || (1 + g % 16) END
FROM generate_series(1, 1500) g;
GRANT SELECT, UPDATE ON stock, moves, po TO regress_load_app;

-- the load's helpers
CREATE SCHEMA load;
GRANT USAGE ON SCHEMA load TO regress_load_app;
CREATE TABLE load.outcomes (kind text NOT NULL, sqlstate text NOT NULL, message text);
GRANT INSERT ON load.outcomes TO regress_load_app;
-- run one step, record its SQLSTATE (02000: no row changed or returned)
CREATE FUNCTION load.try(kind text, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text := '00000';
	msg text;
	n bigint;
BEGIN
	BEGIN
		EXECUTE sql;
		GET DIAGNOSTICS n = ROW_COUNT;
		IF n = 0 THEN
			st := '02000';
		END IF;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	END;
	INSERT INTO load.outcomes VALUES (kind, st, msg);
	RETURN st;
END $$;
CREATE FUNCTION load.record(kind text, ok boolean, msg text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO load.outcomes VALUES (kind, CASE WHEN ok THEN '00000' ELSE 'XXBAD' END,
		CASE WHEN NOT ok THEN msg END)
$$;
-- a random pending request, whoever may see it
CREATE FUNCTION load.any_pending() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT request_id FROM permissions.approval_requests WHERE status = 'pending' ORDER BY random() LIMIT 1
$$;
-- the stock rows the acting user may read, by can(), bypassing the policy
CREATE FUNCTION load.visible_by_can() RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
	SELECT count(*) FROM public.stock WHERE permissions.can('stock.view', location_id)
$$;
-- what every user may do where, computed once by an administrator (the
-- model does not change during the load)
SET permissions.user_id = 'boss';
CREATE TABLE load.truth AS
SELECT u.user_id, l.location_id, CASE WHEN u.active THEN u.user_id END AS acting,
	permissions.can_user(u.user_id, 'stock.view', l.location_id) AS view,
	permissions.can_user(u.user_id, 'stock.edit', l.location_id) AS edit,
	permissions.can_user(u.user_id, 'purchase.approve') AS approve,
	permissions.can_user(u.user_id, 'purchase.approve_large') AS approve_large
FROM permissions.users u, permissions.locations l;
RESET permissions.user_id;
GRANT SELECT ON load.truth TO regress_load_app;
});

# ---------------------------------------------------------------------
# The workload
# ---------------------------------------------------------------------
my %scripts = (
	# a protected read sees exactly the rows can() allows
	read => [ 5, q{
\set u random(1, 40)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.record('read', n = load.visible_by_can(), 'u:u sees ' || n || ' rows') FROM (SELECT count(*) AS n FROM stock) s;
COMMIT;
} ],
	# checks and identity switches in one transaction agree with the model
	checks => [ 3, q{
\set a random(1, 40)
\set b random(1, 40)
\set l random(1, 4)
BEGIN;
SET LOCAL permissions.user_id = 'u:a';
SELECT permissions.can('stock.edit', :l), permissions.explain('stock.view', :l);
SET LOCAL permissions.user_id = 'u:b';
SELECT load.record('checks', permissions.current_user_id() IS NOT DISTINCT FROM t.acting
	AND permissions.can('stock.view', :l) = t.view AND permissions.can('stock.edit', :l) = t.edit
	AND permissions.can('purchase.approve') = t.approve AND permissions.can('purchase.approve_large') = t.approve_large,
	'u:b at :l: ' || row(permissions.current_user_id(), permissions.can('stock.view', :l), permissions.can('stock.edit', :l))::text)
FROM load.truth t WHERE t.user_id = 'u:b' AND t.location_id = :l;
COMMIT;
} ],
	stock_update => [ 4, q{
\set u random(1, 36)
\set s random(1, 100)
\set q random(0, 12)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('stock_update', 'UPDATE stock SET qty = :q WHERE id = :s');
COMMIT;
} ],
	# rows 1-200 get completed; edits of rows 1-400 meet locked ones
	moves_edit => [ 3, q{
\set u random(1, 36)
\set m random(1, 400)
\set q random(0, 99)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('moves_edit', 'UPDATE moves SET qty = :q WHERE id = :m');
COMMIT;
} ],
	moves_complete => [ 1, q{
\set u random(1, 36)
\set m random(1, 200)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('moves_complete', 'UPDATE moves SET status = ''completed'' WHERE id = :m AND status = ''open''');
COMMIT;
} ],
	# directors and supervisors with a reason: an override where they have
	# full access, refused where they do not
	moves_override => [ 2, q{
\set u random(27, 36)
\set m random(1, 200)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SET LOCAL permissions.reason = 'recount by u:u';
SELECT load.try('moves_override', 'UPDATE moves SET qty = qty + 1 WHERE id = :m');
COMMIT;
} ],
	# a denied document back to draft, then (re)submitted
	po_request => [ 3, q{
\set u random(1, 36)
\set d random(1, 1500)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_redraft', 'UPDATE po SET status = ''draft'' WHERE id = :d AND status = ''denied''');
SELECT load.try('po_request', format('SELECT permissions.request_approval(%L, %L, %L)', 'po', ':d', 'by u:u'));
COMMIT;
} ],
	# half the time a request the user may decide, else any pending one
	po_approve => [ 6, q{
\set u random(15, 40)
\set mine random(0, 1)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_approve', format('SELECT permissions.approve(%s, %L)',
	quote_nullable(coalesce(CASE WHEN :mine = 1 THEN (SELECT request_id FROM permissions.my_approvals ORDER BY random() LIMIT 1) END,
	                        load.any_pending())), 'checked by u:u'));
COMMIT;
} ],
	po_deny => [ 1, q{
\set u random(15, 40)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_deny', format('SELECT permissions.deny(%s, %L)', quote_nullable(load.any_pending()), 'too dear for u:u'));
COMMIT;
} ],
	po_withdraw => [ 1, q{
\set u random(1, 36)
\set d random(1, 1500)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_withdraw', 'UPDATE po SET status = ''draft'' WHERE id = :d AND status IN (''pending'', ''approved'')');
COMMIT;
} ],
	po_release => [ 1, q{
\set u random(1, 36)
\set d random(1, 1500)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_release', 'UPDATE po SET status = ''sent'' WHERE id = :d AND status = ''approved''');
COMMIT;
} ],
	# editing the amount: drafts and denied documents only
	po_edit => [ 1, q{
\set u random(1, 36)
\set d random(1, 1500)
\set a random(100, 8000)
BEGIN;
SET LOCAL permissions.user_id = 'u:u';
SELECT load.try('po_edit', 'UPDATE po SET amount = :a WHERE id = :d');
COMMIT;
} ],
);

# what each step may answer; anything else is a failure
my %allowed = (
	read => [qw(00000)],
	checks => [qw(00000)],
	stock_update => [qw(00000 02000)],
	moves_edit => [qw(00000 02000 55000)],
	moves_complete => [qw(00000 02000)],
	moves_override => [qw(00000 02000 55000)],
	po_redraft => [qw(00000 02000)],
	# 42704: the requester may not edit the document (RLS)
	po_request => [qw(00000 55000 42704)],
	# 22004: nothing was pending; 40001: decided or withdrawn concurrently
	po_approve => [qw(00000 42501 40001 55000 22004)],
	po_deny => [qw(00000 42501 40001 55000 22004)],
	po_withdraw => [qw(00000 02000)],
	po_release => [qw(00000 02000)],
	po_edit => [qw(00000 02000 55000)],
);

my $basedir = $node->basedir;
my @script_opts;
for my $name (sort keys %scripts)
{
	my $file = "$basedir/$name.pgbench";
	open(my $fh, '>', $file) or die "cannot write $file: $!";
	print $fh $scripts{$name}[1];
	close $fh;
	push @script_opts, '-f', "$file\@$scripts{$name}[0]";
}

sub pgbench_cmd
{
	my ($seconds) = @_;
	return [
		'pgbench', '-n', '-c', '16', '-j', '4', '-T', $seconds,
		'-h', $node->host, '-p', $node->port, '-U', 'regress_load_app',
		@script_opts, 'postgres'
	];
}

# ---------------------------------------------------------------------
# The invariant checker
# ---------------------------------------------------------------------
# Each query returns "violations|checked"; the detail query lists the
# violations when there are some.  They run as the administrator boss
# (can_user needs users.admin).
my $prelude = q{
SET permissions.user_id = 'boss';
-- who may decide each level (by can_user, now), with their limit
CREATE TEMP TABLE cap AS
SELECT u.user_id, r.doc_type, r.level, u.purchasing_limit,
	u.active AND permissions.can_user(u.user_id, r.approver_action) AS may,
	EXISTS (SELECT FROM permissions.subscriptions s WHERE s.user_id = u.user_id
	         AND s.kind = 'approval_requested' AND NOT s.enabled) AS muted
FROM permissions.users u CROSS JOIN permissions.approval_rules r;
CREATE TEMP VIEW req AS SELECT * FROM permissions.approval_requests WHERE tbl = 'po'::regclass;
-- the levels each request needs
CREATE TEMP VIEW lv AS
SELECT r.request_id, ar.level FROM req r
JOIN permissions.approval_rules ar ON ar.doc_type = r.doc_type AND ar.min_amount <= r.amount;
CREATE TEMP VIEW dec AS
SELECT d.*, r.requested_by, r.owner_id, r.amount, r.doc_type
FROM permissions.approval_decisions d JOIN req r USING (request_id);
-- (request, level) whose approvers were to be told: every earlier level approved
CREATE TEMP VIEW opened AS
SELECT lv.request_id, lv.level FROM lv
WHERE NOT EXISTS (SELECT FROM lv l0 WHERE l0.request_id = lv.request_id AND l0.level < lv.level
	AND NOT EXISTS (SELECT FROM dec d WHERE d.request_id = l0.request_id AND d.level = l0.level AND d.decision = 'approved'));
};

my %invariants = (
	'1. activity: every committed change of a tracked table has exactly one entry' => q{
WITH rows AS (
	SELECT 'public.stock' AS object, id::bigint, version FROM stock
	UNION ALL SELECT 'public.moves', id, version FROM moves
	UNION ALL SELECT 'public.po', id, version FROM po),
e AS (
	SELECT object, (row_key->>'id')::bigint AS id,
		count(*) FILTER (WHERE action = 'update') AS n,
		count(DISTINCT (new->>'version')::int) FILTER (WHERE action = 'update') AS nv,
		min((new->>'version')::int) FILTER (WHERE action = 'update') AS minv,
		max((new->>'version')::int) FILTER (WHERE action = 'update') AS maxv,
		count(*) FILTER (WHERE action = 'insert') AS ins,
		count(*) FILTER (WHERE action NOT IN ('insert', 'update', 'override', 'request', 'approve', 'deny', 'withdraw')) AS other
	FROM permissions.activity WHERE object IN ('public.stock', 'public.moves', 'public.po')
	GROUP BY 1, 2),
bad AS (
	SELECT r.*, e.n, e.nv, e.minv, e.maxv, e.ins, e.other FROM rows r FULL JOIN e USING (object, id)
	WHERE r.id IS NULL OR e.id IS NULL OR e.n <> r.version - 1 OR e.nv <> e.n OR e.ins <> 1 OR e.other <> 0
	   OR (e.n > 0 AND (e.minv <> 2 OR e.maxv <> r.version)))
},
	'1b. activity: every request and decision has exactly one entry' => q{
WITH exp AS (
	SELECT request_id, 0 AS level, 'request' AS action FROM req
	UNION ALL SELECT request_id, level, CASE decision WHEN 'approved' THEN 'approve' ELSE 'deny' END FROM dec),
act AS (
	SELECT (new->>'request_id')::bigint AS request_id,
		CASE WHEN action = 'request' THEN 0 ELSE (new->>'level')::int END AS level, action, count(*) AS n
	FROM permissions.activity WHERE object = 'public.po' AND action IN ('request', 'approve', 'deny')
	GROUP BY 1, 2, 3),
bad AS (
	SELECT request_id, level, action, e.action IS NOT NULL AS expected, a.n
	FROM exp e FULL JOIN act a USING (request_id, level, action)
	WHERE e.action IS NULL OR a.action IS NULL OR a.n <> 1)
},
	'2. approvals: every decision eligible, every request and document consistent' => q{
WITH bad_decision AS (
	SELECT 'decision' AS what, d.request_id, d.level, d.decided_by, d.decision FROM dec d
	LEFT JOIN cap c ON c.user_id = d.decided_by AND c.doc_type = d.doc_type AND c.level = d.level
	WHERE c.user_id IS NULL OR NOT c.may
	   OR d.decided_by = d.requested_by OR d.decided_by IS NOT DISTINCT FROM d.owner_id
	   OR c.purchasing_limit < d.amount
	   OR NOT EXISTS (SELECT FROM lv WHERE lv.request_id = d.request_id AND lv.level = d.level)
	   OR EXISTS (SELECT FROM dec d2 WHERE d2.request_id = d.request_id AND d2.level <> d.level
	               AND d2.decided_by = d.decided_by)
	   OR EXISTS (SELECT FROM dec d2 WHERE d2.request_id = d.request_id AND d2.level < d.level
	               AND d2.decision <> 'approved')
	   OR EXISTS (SELECT FROM lv WHERE lv.request_id = d.request_id AND lv.level < d.level
	               AND NOT EXISTS (SELECT FROM dec d3 WHERE d3.request_id = d.request_id AND d3.level = lv.level))),
bad_request AS (
	SELECT 'request', r.request_id, r.level, r.requested_by, r.status FROM req r
	WHERE CASE r.status
		WHEN 'approved' THEN r.level IS NOT NULL
			OR EXISTS (SELECT FROM lv WHERE lv.request_id = r.request_id
			            AND NOT EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id
			                             AND d.level = lv.level AND d.decision = 'approved'))
		WHEN 'denied' THEN r.level IS NOT NULL
			OR (SELECT count(*) FROM dec d WHERE d.request_id = r.request_id AND d.decision = 'denied') <> 1
		WHEN 'pending' THEN r.level IS DISTINCT FROM
				(SELECT min(lv.level) FROM lv WHERE lv.request_id = r.request_id
				  AND NOT EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id AND d.level = lv.level))
			OR EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id AND d.decision = 'denied')
		WHEN 'withdrawn' THEN r.level IS NOT NULL
			OR EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id AND d.decision = 'denied')
		ELSE true END),
latest AS (
	SELECT DISTINCT ON (doc_id) doc_id, request_id, status, amount FROM req ORDER BY doc_id, request_id DESC),
bad_doc AS (
	SELECT 'document', p.id, p.version, l.request_id::text || ' ' || l.status, p.status
	FROM po p LEFT JOIN latest l ON l.doc_id = p.id::text
	WHERE CASE
		WHEN p.status IN ('approved', 'sent', 'completed') THEN l.status IS DISTINCT FROM 'approved'
		WHEN p.status = 'pending' THEN l.status IS DISTINCT FROM 'pending'
		WHEN p.status = 'denied' THEN l.status IS DISTINCT FROM 'denied'
		WHEN p.status = 'draft' THEN l.status IN ('pending', 'approved')
		ELSE true END
	   OR (p.status IN ('pending', 'approved') AND l.amount <> p.amount)
	   OR (SELECT count(*) FROM req r WHERE r.doc_id = p.id::text AND r.status IN ('pending', 'approved')) > 1),
bad AS (SELECT * FROM bad_decision UNION ALL SELECT * FROM bad_request UNION ALL SELECT * FROM bad_doc)
},
	'3. locks: every change of a completed row is an override with a reason' => q{
WITH o AS (
	SELECT (row_key->>'id')::int AS id, (new->>'version')::int AS v, reason
	FROM permissions.activity WHERE object = 'public.moves' AND action = 'override'),
bad AS (
	SELECT m.id, m.version, m.completed_version,
		(SELECT count(*) FROM o WHERE o.id = m.id) AS overrides,
		(SELECT count(*) FROM o WHERE o.id = m.id AND o.v > m.completed_version
		  AND coalesce(btrim(o.reason), '') <> '') AS good
	FROM moves m
	WHERE (m.completed_version IS NULL AND EXISTS (SELECT FROM o WHERE o.id = m.id))
	   OR (m.completed_version IS NOT NULL AND
	       ((SELECT count(*) FROM o WHERE o.id = m.id) <> m.version - m.completed_version
	        OR (SELECT count(*) FROM o WHERE o.id = m.id AND o.v > m.completed_version
	             AND coalesce(btrim(o.reason), '') <> '') <> m.version - m.completed_version)))
},
	'4a. notifications: approval_requested to exactly the eligible approvers' => q{
WITH exp AS (
	SELECT o.request_id, o.level, c.user_id FROM opened o JOIN req r USING (request_id)
	JOIN cap c ON c.doc_type = r.doc_type AND c.level = o.level
	WHERE c.may AND NOT c.muted AND c.user_id <> r.requested_by AND c.user_id IS DISTINCT FROM r.owner_id
	  AND (c.purchasing_limit IS NULL OR c.purchasing_limit >= r.amount)
	  AND NOT EXISTS (SELECT FROM dec d WHERE d.request_id = o.request_id AND d.level < o.level
	                   AND d.decided_by = c.user_id)),
act AS (
	SELECT (payload->>'request_id')::bigint AS request_id, (payload->>'level')::int AS level, user_id, count(*) AS n
	FROM permissions.notifications WHERE kind = 'approval_requested' GROUP BY 1, 2, 3),
bad AS (
	SELECT request_id, level, user_id, e.user_id IS NOT NULL AS expected, a.n
	FROM exp e FULL JOIN act a USING (request_id, level, user_id)
	WHERE e.user_id IS NULL OR a.user_id IS NULL OR a.n <> 1)
},
	'4b. notifications: approval_decided once to the requester of every decided request' => q{
WITH fin AS (
	SELECT r.request_id, r.requested_by AS user_id,
		CASE WHEN EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id AND d.decision = 'denied') THEN 'denied'
		     WHEN NOT EXISTS (SELECT FROM lv WHERE lv.request_id = r.request_id
		                       AND NOT EXISTS (SELECT FROM dec d WHERE d.request_id = r.request_id
		                                        AND d.level = lv.level AND d.decision = 'approved')) THEN 'approved'
		END AS decision
	FROM req r),
exp AS (SELECT * FROM fin WHERE decision IS NOT NULL),
act AS (
	SELECT (payload->>'request_id')::bigint AS request_id, user_id, payload->>'decision' AS decision, count(*) AS n
	FROM permissions.notifications WHERE kind = 'approval_decided' GROUP BY 1, 2, 3),
bad AS (
	SELECT request_id, user_id, decision, e.request_id IS NOT NULL AS expected, a.n
	FROM exp e FULL JOIN act a USING (request_id, user_id, decision)
	WHERE e.request_id IS NULL OR a.request_id IS NULL OR a.n <> 1)
},
	'4c. notifications: low_stock once per entry into the condition, to its audience' => q{
WITH aud AS (
	SELECT u.user_id, l.location_id FROM permissions.users u CROSS JOIN permissions.locations l
	WHERE u.active AND permissions.can_user(u.user_id, 'alerts.low_stock', l.location_id)
	  AND NOT EXISTS (SELECT FROM permissions.subscriptions s WHERE s.user_id = u.user_id
	                   AND s.kind = 'low_stock' AND NOT s.enabled)),
exp AS (
	SELECT s.id, a.user_id, s.low_entries AS n FROM stock s JOIN aud a USING (location_id) WHERE s.low_entries > 0),
act AS (
	SELECT (subject_id::jsonb->>'id')::int AS id, user_id, count(*) AS n
	FROM permissions.notifications WHERE kind = 'low_stock' AND subject = 'public.stock' GROUP BY 1, 2),
bad AS (
	SELECT id, user_id, e.n AS expected, a.n AS actual FROM exp e FULL JOIN act a USING (id, user_id)
	WHERE e.n IS DISTINCT FROM a.n)
},
);

# what each invariant counts, so that it cannot pass vacuously
my %checked = (
	'1. activity: every committed change of a tracked table has exactly one entry' =>
	  q{SELECT count(*) FROM permissions.activity WHERE object IN ('public.stock', 'public.moves', 'public.po') AND action = 'update'},
	'1b. activity: every request and decision has exactly one entry' =>
	  q{SELECT count(*) FROM dec},
	'2. approvals: every decision eligible, every request and document consistent' =>
	  q{SELECT count(*) FROM req r WHERE r.status = 'approved' AND (SELECT count(*) FROM lv WHERE lv.request_id = r.request_id) = 2},
	'3. locks: every change of a completed row is an override with a reason' =>
	  q{SELECT count(*) FROM permissions.activity WHERE object = 'public.moves' AND action = 'override'},
	'4a. notifications: approval_requested to exactly the eligible approvers' =>
	  q{SELECT count(*) FROM permissions.notifications WHERE kind = 'approval_requested' AND payload->>'level' = '2'},
	'4b. notifications: approval_decided once to the requester of every decided request' =>
	  q{SELECT count(*) FROM permissions.notifications WHERE kind = 'approval_decided' AND payload->>'decision' = 'denied'},
	'4c. notifications: low_stock once per entry into the condition, to its audience' =>
	  q{SELECT count(*) FROM permissions.notifications WHERE kind = 'low_stock'},
);

sub check_invariants
{
	my ($when) = @_;
	for my $name (sort keys %invariants)
	{
		my $out = $node->safe_psql('postgres',
			$prelude . $invariants{$name} . " SELECT count(*) FROM bad;\n" . $checked{$name} . ';');
		my ($violations, $count) = split /\n/, $out;
		is($violations, 0, "$when: $name");
		cmp_ok($count, '>', 0, "$when: $name (checked $count)");
		if ($violations)
		{
			diag($node->safe_psql('postgres',
				$prelude . $invariants{$name} . ' SELECT * FROM bad LIMIT 20;'));
		}
	}
}

# every step answered one of its expected SQLSTATEs
sub check_outcomes
{
	my ($when) = @_;
	my $summary = $node->safe_psql('postgres',
		q{SELECT kind, sqlstate, count(*) FROM load.outcomes GROUP BY 1, 2 ORDER BY 1, 2});
	note("$when: outcomes (kind|sqlstate|count):\n$summary");
	my @unexpected;
	for my $line (split /\n/, $summary)
	{
		my ($kind, $state, $n) = split /\|/, $line;
		push @unexpected, $line
		  unless $allowed{$kind} && grep { $_ eq $state } @{ $allowed{$kind} };
	}
	is(join("\n", @unexpected), '', "$when: every step answered an expected SQLSTATE");
	if (@unexpected)
	{
		diag($node->safe_psql('postgres',
			q{SELECT DISTINCT ON (kind, sqlstate) kind, sqlstate, message FROM load.outcomes
			   WHERE sqlstate NOT IN ('00000', '02000', '42501', '40001', '55000', '22004', '42704')
			      OR kind IN ('read', 'checks')}));
	}
	return $summary;
}

sub count_outcomes
{
	my ($kind, $state) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM load.outcomes WHERE kind = '$kind' AND sqlstate = '$state'");
}

# ---------------------------------------------------------------------
# The load
# ---------------------------------------------------------------------
my ($stdout, $stderr) = ('', '');
my $tl = time;
my $ok = IPC::Run::run(pgbench_cmd(20), '>', \$stdout, '2>', \$stderr);
note(sprintf("pgbench ran %.1f s:\n%s", time - $tl, $stdout));
ok($ok, 'pgbench: no client aborted') or diag($stderr);
like($stdout, qr/number of failed transactions: 0 /, 'pgbench: no failed transaction');
my @per_script = $stdout =~ /SQL script \d+: \S+\/(\w+)\.pgbench\n - weight: \d+ .*\n - (\d+) transactions/g;
note("transactions per script: @per_script");

check_outcomes('after the load');
# the load exercised what the invariants are about
cmp_ok(count_outcomes('po_approve', '00000'), '>', 0, 'some approvals went through');
cmp_ok(count_outcomes('po_approve', '42501'), '>', 0, 'some approvals were refused to ineligible users');
cmp_ok(count_outcomes('moves_edit', '55000'), '>', 0, 'some edits of completed rows were refused');
cmp_ok(count_outcomes('moves_override', '00000'), '>', 0, 'some overrides went through');
check_invariants('after the load');

# ---------------------------------------------------------------------
# Crash (a): a backend killed after approve() decided the last level,
# before COMMIT
# ---------------------------------------------------------------------
# a document of 5,000 owned and requested by u1; u17 approves level 1;
# u27 (a director) then approves level 2 in an open transaction
my $req = $node->safe_psql('postgres', q{
SET permissions.user_id = 'u1';
INSERT INTO po (id, amount, created_by) VALUES (9001, 5000, 'u1');
SELECT permissions.request_approval('po', '9001');
});
$node->safe_psql('postgres', "SET permissions.user_id = 'u17'; SELECT permissions.approve($req);");
my $bg = $node->background_psql('postgres',
	connstr => $node->connstr('postgres') . ' user=regress_load_app',
	on_error_stop => 0);
my $pid = $bg->query_safe('SELECT pg_backend_pid()');
$bg->query_safe('BEGIN');
$bg->query_safe(q{SET LOCAL permissions.user_id = 'u27'});
is($bg->query_safe("SELECT permissions.approve($req, 'about to crash')"), 'approved',
	'crash (a): approve() decided the last level in the open transaction');
is($bg->query_safe(q{SELECT status FROM po WHERE id = 9001}), 'approved',
	'crash (a): the document is approved inside that transaction');
my $log_offset = -s $node->logfile;
kill 'KILL', $pid;
eval { $bg->quit; };
$node->wait_for_log(qr/database system is ready to accept connections/, $log_offset);
ok($node->log_contains(qr/\(PID $pid\) was terminated by signal 9/, $log_offset),
	'crash (a): the postmaster saw the killed backend and restarted');

is($node->safe_psql('postgres', 'SELECT status, version FROM po WHERE id = 9001'), 'pending|2',
	'crash (a): after recovery the document is still pending');
is($node->safe_psql('postgres',
		"SELECT status, level FROM permissions.approval_requests WHERE request_id = $req"),
	'pending|2', 'crash (a): the request still awaits level 2');
is($node->safe_psql('postgres',
		"SELECT string_agg(level || ' ' || decided_by || ' ' || decision, ', ' ORDER BY level)
		   FROM permissions.approval_decisions WHERE request_id = $req"),
	'1 u17 approved', 'crash (a): no decision for level 2');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM permissions.notifications WHERE kind = 'approval_decided'
		    AND payload->>'request_id' = '$req'"),
	'0', 'crash (a): the requester was not told');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM permissions.activity WHERE action = 'approve'
		    AND new->>'request_id' = '$req' AND new->>'level' = '2'"),
	'0', 'crash (a): no approve entry for level 2');
is($node->safe_psql('postgres',
		"SET permissions.user_id = 'u28'; SELECT permissions.approve($req, 'after the crash');"),
	'approved', 'crash (a): the approval can be completed after recovery');
is($node->safe_psql('postgres', q{SELECT status FROM po WHERE id = 9001}), 'approved',
	'crash (a): and the document is approved');

# ---------------------------------------------------------------------
# Crash (b): an immediate shutdown during the load
# ---------------------------------------------------------------------
my $before = $node->safe_psql('postgres', 'SELECT count(*) FROM load.outcomes');
($stdout, $stderr) = ('', '');
my $h = IPC::Run::start(pgbench_cmd(60), '>', \$stdout, '2>', \$stderr);
# wait until the load is well under way (a few thousand steps)
$node->poll_query_until('postgres', "SELECT count(*) > $before + 6000 FROM load.outcomes")
  or die 'the second load did not get going';
$node->stop('immediate');
$h->finish;
note("pgbench cut short:\n$stdout");
like($stderr, qr/server closed the connection|terminating connection|connection to server/,
	'crash (b): the immediate shutdown cut the load short');
$node->start;
my $after = $node->safe_psql('postgres', 'SELECT count(*) FROM load.outcomes');
cmp_ok($after, '>', $before + 6000, 'crash (b): the committed steps survived recovery');
check_outcomes('after crash recovery');
check_invariants('after crash recovery');

# a released document keeps the amount it was approved for (the lifecycle
# freezes the amount, owner, location and scope from approval on)
my $released = q{
SELECT count(*) FILTER (WHERE p.amount <> r.amount) || '/' || count(*)
  FROM po p JOIN LATERAL (SELECT amount FROM permissions.approval_requests r
	WHERE r.doc_id = p.id::text AND r.status = 'approved' ORDER BY request_id DESC LIMIT 1) r ON true
 WHERE p.status IN ('sent', 'completed')};
my ($changed, $nreleased) = split m{/}, $node->safe_psql('postgres', $released);
is($changed, '0', "no released document's amount differs from the amount approved");
cmp_ok($nreleased, '>', 0, "released documents were checked ($nreleased)");

# ---------------------------------------------------------------------
# The checker catches what it looks for: break each invariant once, behind
# the extension's back (as the superuser, its triggers disabled or its
# tables written directly), and count exactly one violation
# ---------------------------------------------------------------------
sub violations
{
	my ($name) = @_;
	return $node->safe_psql('postgres',
		$prelude . $invariants{$name} . ' SELECT count(*) FROM bad;');
}
my %breaks = (
	'1. activity: every committed change of a tracked table has exactly one entry' => q{
ALTER TABLE stock DISABLE TRIGGER permissions_track;
UPDATE stock SET qty = qty WHERE id = 1;
ALTER TABLE stock ENABLE ALWAYS TRIGGER permissions_track;},
	'1b. activity: every request and decision has exactly one entry' => q{
INSERT INTO permissions.activity (db_role, action, object, row_key, new)
SELECT current_user, a.action, a.object, a.row_key, a.new FROM permissions.activity a
WHERE a.action = 'approve' AND a.object = 'public.po' LIMIT 1;},
	'2. approvals: every decision eligible, every request and document consistent' => q{
ALTER TABLE po DISABLE TRIGGER permissions_approvals;
UPDATE po SET status = 'approved' WHERE id = (SELECT min(id) FROM po WHERE status = 'draft');
ALTER TABLE po ENABLE ALWAYS TRIGGER permissions_approvals;},
	'3. locks: every change of a completed row is an override with a reason' => q{
ALTER TABLE moves DISABLE TRIGGER permissions_lock_completed;
UPDATE moves SET qty = qty + 1 WHERE id = (SELECT min(id) FROM moves WHERE status = 'completed');
ALTER TABLE moves ENABLE ALWAYS TRIGGER permissions_lock_completed;},
	'4a. notifications: approval_requested to exactly the eligible approvers' => q{
DELETE FROM permissions.notifications WHERE notification_id =
	(SELECT max(notification_id) FROM permissions.notifications WHERE kind = 'approval_requested');},
	'4b. notifications: approval_decided once to the requester of every decided request' => q{
DELETE FROM permissions.notifications WHERE notification_id =
	(SELECT max(notification_id) FROM permissions.notifications WHERE kind = 'approval_decided');},
	'4c. notifications: low_stock once per entry into the condition, to its audience' => q{
DELETE FROM permissions.notifications WHERE notification_id =
	(SELECT max(notification_id) FROM permissions.notifications WHERE kind = 'low_stock');},
);
for my $name (sort keys %breaks)
{
	$node->safe_psql('postgres', $breaks{$name});
	is(violations($name), 1, "the checker catches a break of $name");
}

$node->stop;
note(sprintf('run time %.1f s', time - $t0));
done_testing();
