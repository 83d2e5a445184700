# pg_dump and pg_restore (custom and plain formats) of a database using the
# extension: config rows, policies, lock and track triggers, lock dates, the
# activity log, approval rules, requests and decisions come back intact, with no duplicated or extra rows, and the
# same checks give the same answers.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
	CREATE EXTENSION permissions;
	CREATE ROLE regress_dump_app LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_dump_app;
	INSERT INTO permissions.areas (area) VALUES ('stock');
	INSERT INTO permissions.roles (role, inherits) VALUES ('clerk', NULL), ('manager', 'clerk');
	INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw'), ('manager', 'stock', 'o');
	INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access)
		VALUES ('stock.view', 'stock', 'r', 'location', 'read'),
		       ('stock.override', 'stock', 'o', 'none', 'read');
	INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 4) g;
	INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk'), ('mo', 'manager');
	INSERT INTO permissions.location_access VALUES ('al', 1, 'full'), ('al', 2, 'read'), ('mo', 3, 'full');
	INSERT INTO permissions.lock_dates VALUES ('stock', '2026-03-31');
	CREATE TABLE moves (id int PRIMARY KEY, location_id int NOT NULL, status text NOT NULL,
		moved_on date NOT NULL, qty int NOT NULL);
	ALTER TABLE moves OWNER TO regress_dump_app;
	INSERT INTO moves SELECT g, g % 4 + 1, CASE WHEN g % 3 = 0 THEN 'completed' ELSE 'draft' END,
		date '2026-03-01' + g, g FROM generate_series(1, 60) g;
	SELECT permissions.protect('moves', 'stock', 'location_id');
	SELECT permissions.track('moves');
	SELECT permissions.lock_completed('moves', 'status', ARRAY['completed'], 'stock.override');
	SELECT permissions.lock_before('moves', 'moved_on', 'stock', 'stock.override');
	GRANT SELECT, INSERT, UPDATE, DELETE ON moves TO regress_dump_app;
	INSERT INTO permissions.actions (action, area, privilege) VALUES ('alerts.zero', 'stock', 'r');
	SELECT permissions.alert_when('moves', 'zero_qty', 'qty = 0', 'alerts.zero');
	INSERT INTO permissions.actions (action, area, privilege) VALUES ('orders.approve', 'stock', 'o');
	INSERT INTO permissions.approval_rules VALUES ('order', 1, 0, 'orders.approve');
	CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL DEFAULT 'draft', amount numeric NOT NULL,
		created_by text);
	SELECT permissions.enable_approvals('orders', 'order', amount_column => 'amount');
	GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO regress_dump_app;
});
# approvals: order 1 approved, order 2 pending (the restored request must still be decidable)
$node->safe_psql('src', q{
	SET permissions.user_id = 'al';
	INSERT INTO orders VALUES (1, 'draft', 10, 'al'), (2, 'draft', 20, 'al');
	SELECT permissions.request_approval('orders', '1');
	SELECT permissions.request_approval('orders', '2');
	SET permissions.user_id = 'mo';
	SELECT permissions.approve(1);
}, connstr => $node->connstr('src') . ' user=regress_dump_app');
# some history, as application users
$node->safe_psql('src', q{
	SET permissions.user_id = 'al';
	UPDATE moves SET qty = qty + 1 WHERE id IN (1, 5);
	SET permissions.user_id = 'mo';
	SET permissions.reason = 'recount';
	UPDATE moves SET qty = 0 WHERE id = 3;
}, connstr => $node->connstr('src') . ' user=regress_dump_app');

my $summary = q{
	SELECT (SELECT count(*) FROM permissions.users) || '/' ||
	       (SELECT count(*) FROM permissions.location_access) || '/' ||
	       (SELECT count(*) FROM permissions.lock_dates) || '/' ||
	       (SELECT count(*) FROM permissions.activity) || '/' ||
	       (SELECT max(activity_id) FROM permissions.activity) || '/' ||
	       (SELECT count(*) FROM permissions.activity WHERE action = 'override') || '/' ||
	       (SELECT count(*) FROM pg_policy WHERE polrelid = 'moves'::regclass) || '/' ||
	       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'moves'::regclass AND tgname LIKE 'permissions%') || '/' ||
	       (SELECT count(*) FROM moves) || '/' ||
	       (SELECT count(*) FROM permissions.notifications) || '/' ||
	       (SELECT count(*) FROM permissions.alert_rules) || '/' ||
	       (SELECT relforcerowsecurity FROM pg_class WHERE oid = 'moves'::regclass) || '/' ||
	       (SELECT count(*) FROM permissions.approval_rules) || '/' ||
	       (SELECT string_agg(tbl::text || ':' || doc_id || ':' || status, ',' ORDER BY request_id)
	          FROM permissions.approval_requests) || '/' ||
	       (SELECT string_agg(request_id || ':' || decided_by, ',') FROM permissions.approval_decisions) || '/' ||
	       (SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM orders) || '/' ||
	       (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND tgname = 'permissions_approvals')
};
my $answers = q{
	SET permissions.user_id = 'al';
	SELECT string_agg(l || ':' || permissions.can('stock.view', l), ',' ORDER BY l) || ' rows=' ||
	       (SELECT count(*) FROM moves)
	  FROM generate_series(1, 4) l;
};
my $before = $node->safe_psql('src', $summary);
my $before_answers = $node->safe_psql('src', $answers,
	connstr => $node->connstr('src') . ' user=regress_dump_app');

my $dumpfile = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dumpfile, '-d', $node->connstr('src') ],
	'pg_dump (custom format)');
my $sqlfile = $node->basedir . '/src.sql';
$node->command_ok([ 'pg_dump', '-Fp', '-f', $sqlfile, '-d', $node->connstr('src') ],
	'pg_dump (plain format)');

$node->safe_psql('postgres', 'CREATE DATABASE restored_custom');
$node->command_checks_all([ 'pg_restore', '-d', $node->connstr('restored_custom'), $dumpfile ],
	0, [qr/^$/], [qr/^$/], 'pg_restore succeeds with no error or warning');

$node->safe_psql('postgres', 'CREATE DATABASE restored_plain');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $sqlfile,
	'-d', $node->connstr('restored_plain') ], 'plain dump restores through psql');

for my $db ('restored_custom', 'restored_plain')
{
	is($node->safe_psql($db, $summary), $before,
		"$db: config rows, log, policies, triggers and data as before ($before)");
	is($node->safe_psql($db, $answers,
			connstr => $node->connstr($db) . ' user=regress_dump_app'),
		$before_answers, "$db: the same answers ($before_answers)");
	# the locks and the log work after the restore
	my ($r, $out, $err) = $node->psql($db,
		"SET permissions.user_id = 'al'; UPDATE moves SET qty = 1 WHERE id = 12",
		connstr => $node->connstr($db) . ' user=regress_dump_app');
	like($err, qr/is locked/, "$db: a locked row stays locked");
	$node->safe_psql($db, "SET permissions.user_id = 'al'; UPDATE moves SET qty = 99 WHERE id = 32",
		connstr => $node->connstr($db) . ' user=regress_dump_app');
	is($node->safe_psql($db, q{SELECT count(*) FROM permissions.activity WHERE row_key = '{"id": 32}' AND new = '{"qty": 99}'}),
		'1', "$db: changes after the restore are logged");
	# the restored pending request is decided, and the lifecycle still holds
	is($node->safe_psql($db, "SET permissions.user_id = 'mo'; SELECT permissions.approve(2)",
			connstr => $node->connstr($db) . ' user=regress_dump_app'),
		'approved', "$db: a restored pending request can be approved");
	($r, $out, $err) = $node->psql($db,
		"SET permissions.user_id = 'al'; INSERT INTO orders VALUES (3, 'approved', 1, 'al')",
		connstr => $node->connstr($db) . ' user=regress_dump_app');
	like($err, qr/must be "draft"/, "$db: the approval trigger is back in force");
}

# without row_security = off (not a dump), a superuser's change is still checked and logged
my ($r2, $o2, $e2) = $node->psql('restored_custom', 'UPDATE moves SET qty = 5 WHERE id = 9');
like($e2, qr/is locked/, 'a superuser outside a dump load is still refused');

$node->stop;
done_testing();
