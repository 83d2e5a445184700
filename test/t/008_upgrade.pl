# Upgrades: install version 1.0 with data, ALTER EXTENSION ... UPDATE to the
# current version, and compare with a fresh install of the current version:
# every object of the extension (functions with their bodies, settings and
# privileges; tables with columns, defaults, constraints, indexes, triggers,
# policies, row security and privileges; sequences; views; types and operators;
# comments; the tables and sequences registered for pg_dump) must be the
# same.  The data of 1.0 survives, the same checks give the same answers,
# and what is new (approvals) works on the updated database.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'permissions'});
isnt($current, '1.0', "the current version ($current) is newer than 1.0");
is($node->safe_psql('postgres',
		q{SELECT string_agg(version, ',' ORDER BY version) FROM pg_available_extension_versions WHERE name = 'permissions'}),
	"1.0,$current", 'version 1.0 is installable next to the current one');

# everything about the extension's objects, by name (never by OID)
my $signature = q{
WITH ext AS (SELECT oid, extconfig FROM pg_extension WHERE extname = 'permissions'),
members AS (
	SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS what
	  FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
funcs AS (
	SELECT p.oid::regprocedure::text || ' ' || p.prokind::text || ' ' ||
	       coalesce(p.proacl::text, '') || ' ' || coalesce(p.proconfig::text, '') || ' ' ||
	       CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE '' END || ' ' ||
	       coalesce(obj_description(p.oid, 'pg_proc'), '') AS what
	  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	  JOIN ext ON d.refobjid = ext.oid),
rels AS (
	SELECT c.relname || ' ' || c.relkind::text || ' ' || c.relrowsecurity || c.relforcerowsecurity || ' ' ||
	       coalesce(c.relacl::text, '') || ' ' || coalesce(c.reloptions::text, '') || ' ' ||
	       coalesce(obj_description(c.oid, 'pg_class'), '') || ' ' ||
	       CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) ELSE '' END AS what
	  FROM pg_class c WHERE c.relnamespace = 'permissions'::regnamespace),
cols AS (
	SELECT c.relname || '.' || a.attname || ' ' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' ||
	       a.attnotnull || ' ' || a.attstattarget || ' ' || coalesce(a.attidentity::text, '') || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '') ||
	       ' ' || coalesce(a.attcollation::regcollation::text, '') || ' ' || coalesce(a.attacl::text, '') AS what
	  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
	  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
	 WHERE c.relnamespace = 'permissions'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped),
cons AS (
	SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) AS what
	  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = 'permissions'::regnamespace),
idx AS (
	SELECT pg_get_indexdef(i.indexrelid) AS what
	  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'permissions'::regnamespace),
trg AS (
	SELECT pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text AS what
	  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
	 WHERE c.relnamespace = 'permissions'::regnamespace AND NOT t.tgisinternal),
pol AS (
	SELECT p.tablename || ' ' || p.policyname || ' ' || p.permissive || ' ' || p.roles::text || ' ' || p.cmd || ' ' ||
	       coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '') AS what
	  FROM pg_policies p WHERE p.schemaname = 'permissions'),
seqs AS (
	SELECT c.relname || ' ' || format_type(s.seqtypid, NULL) || ' ' || s.seqstart || ' ' || s.seqincrement || ' ' ||
	       s.seqmax || ' ' || s.seqmin || ' ' || s.seqcache || ' ' || s.seqcycle AS what
	  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'permissions'::regnamespace),
dumped AS (
	SELECT 'dumped ' || c.relname AS what FROM ext, unnest(ext.extconfig) r JOIN pg_class c ON c.oid = r)
SELECT string_agg(what, E'\n' ORDER BY what) FROM (
	SELECT 'member ' || what AS what FROM members UNION ALL SELECT 'function ' || what FROM funcs
	UNION ALL SELECT 'relation ' || what FROM rels UNION ALL SELECT 'column ' || what FROM cols
	UNION ALL SELECT 'constraint ' || what FROM cons UNION ALL SELECT 'index ' || what FROM idx
	UNION ALL SELECT 'trigger ' || what FROM trg UNION ALL SELECT 'policy ' || what FROM pol
	UNION ALL SELECT 'sequence ' || what FROM seqs UNION ALL SELECT what FROM dumped) s
};

# 1.0, with a model, protected / tracked / locked data, history and alerts
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{
	CREATE EXTENSION permissions VERSION '1.0';
	CREATE ROLE regress_upgrade_app LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_upgrade_app;
	INSERT INTO permissions.areas (area) VALUES ('stock'), ('purchase');
	INSERT INTO permissions.roles (role, inherits) VALUES ('clerk', NULL), ('manager', 'clerk');
	INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'rw'), ('manager', 'stock', 'o'),
		('clerk', 'purchase', 'rw'), ('manager', 'purchase', 'a');
	INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
		('stock.view', 'stock', 'r', 'location', 'read'), ('stock.override', 'stock', 'o', 'none', 'read'),
		('purchase_orders.approve', 'purchase', 'a', 'none', 'read'), ('alerts.zero', 'stock', 'r', 'none', 'read');
	INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 4) g;
	INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk'), ('mo', 'manager'), ('cy', 'clerk');
	INSERT INTO permissions.location_access VALUES ('al', 1, 'full'), ('al', 2, 'read'), ('mo', 3, 'full');
	CREATE TABLE moves (id int PRIMARY KEY, location_id int NOT NULL, status text NOT NULL, qty int NOT NULL);
	INSERT INTO moves SELECT g, g % 4 + 1, CASE WHEN g % 3 = 0 THEN 'completed' ELSE 'draft' END, g
	  FROM generate_series(1, 40) g;
	SELECT permissions.protect('moves', 'stock', 'location_id');
	SELECT permissions.track('moves');
	SELECT permissions.lock_completed('moves', 'status', ARRAY['completed'], 'stock.override');
	SELECT permissions.alert_when('moves', 'zero_qty', 'qty = 0', 'alerts.zero');
	GRANT SELECT, INSERT, UPDATE, DELETE ON moves TO regress_upgrade_app;
	CREATE TABLE po (id int PRIMARY KEY, status text NOT NULL DEFAULT 'draft', amount numeric NOT NULL,
		created_by text);
	GRANT SELECT, INSERT, UPDATE, DELETE ON po TO regress_upgrade_app;
});
my $app = $node->connstr('old') . ' user=regress_upgrade_app';
$node->safe_psql('old', q{
	SET permissions.user_id = 'al';
	UPDATE moves SET qty = qty + 1 WHERE id IN (1, 5);
	SET permissions.user_id = 'mo';
	SET permissions.reason = 'recount';
	UPDATE moves SET qty = 0 WHERE id = 3;
}, connstr => $app);

my $data = q{
	SELECT (SELECT count(*) FROM permissions.users) || '/' || (SELECT count(*) FROM permissions.location_access)
	    || '/' || (SELECT count(*) FROM permissions.activity) || '/' || (SELECT max(activity_id) FROM permissions.activity)
	    || '/' || (SELECT count(*) FROM permissions.activity WHERE action = 'override')
	    || '/' || (SELECT count(*) FROM permissions.notifications) || '/' || (SELECT count(*) FROM permissions.alert_rules)
	    || '/' || (SELECT sum(qty) FROM moves)
};
my $answers = q{
	SELECT string_agg(u || ':' || l || ':' || permissions.can_user(u, 'stock.view', l), ',' ORDER BY u, l)
	  FROM unnest(ARRAY['al', 'mo', 'cy']) u, generate_series(1, 4) l
};
my $seen = q{
	SET permissions.user_id = 'al';
	SELECT string_agg(id::text, ',' ORDER BY id) FROM moves;
};
my $data_before = $node->safe_psql('old', $data);
my $answers_before = $node->safe_psql('old', $answers);
my $seen_before = $node->safe_psql('old', $seen, connstr => $app);

my ($update_rc, $update_out, $update_err) =
	$node->psql('old', "SET client_min_messages = warning; ALTER EXTENSION permissions UPDATE");
is("$update_rc:$update_err", '0:', 'the update renews every trigger of 1.0 without a warning');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'permissions'}),
	$current, "ALTER EXTENSION permissions UPDATE reaches $current");

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION permissions');
my $sig_updated = $node->safe_psql('old', $signature);
my $sig_fresh = $node->safe_psql('fresh', $signature);
ok(length($sig_fresh) > 10000, 'the signature covers the objects (' . length($sig_fresh) . ' characters)');
if ($sig_updated eq $sig_fresh)
{
	pass('an updated 1.0 has exactly the objects of a fresh install');
}
else
{
	# show what differs, line by line
	my %u = map { $_ => 1 } split /\n/, $sig_updated;
	my %f = map { $_ => 1 } split /\n/, $sig_fresh;
	diag("only after the update: $_") for grep { !$f{$_} } sort keys %u;
	diag("only in a fresh install: $_") for grep { !$u{$_} } sort keys %f;
	fail('an updated 1.0 has exactly the objects of a fresh install');
}

is($node->safe_psql('old', $data), $data_before, "the data of 1.0 is intact ($data_before)");
is($node->safe_psql('old', $answers), $answers_before, 'the checks give the same answers');
is($node->safe_psql('old', $seen, connstr => $app), $seen_before, 'a protected table shows the same rows');

# the old features keep working: a locked row stays locked, changes are
# logged (al has full access to location 1 only: rows 4, 8, 12, ...)
my ($r, $out, $err) = $node->psql('old', "SET permissions.user_id = 'al'; UPDATE moves SET qty = 1 WHERE id = 12",
	connstr => $app);
like($err, qr/is locked/, 'a completed row is still locked');
$node->safe_psql('old', "SET permissions.user_id = 'al'; UPDATE moves SET qty = 77 WHERE id = 8", connstr => $app);
is($node->safe_psql('old', q{SELECT count(*) FROM permissions.activity WHERE row_key = '{"id": 8}' AND new = '{"qty": 77}'}),
	'1', 'a change after the update is logged');
# the log's new BRIN index leaves the last range open, as a fresh install
# leaves its first (1: summarizing it now found no summary)
is($node->safe_psql('old', q{SELECT pg_relation_size('permissions.activity') < 128 * 8192,
	brin_summarize_range('permissions.activity_id_at', 0)}),
	't|1', 'the log\'s last BRIN range is left open by the update');
# a table tracked in 1.0 has its TRUNCATE logged after the update too
is($node->safe_psql('old', q{SELECT string_agg(tgname || ':' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger
	WHERE tgrelid = 'moves'::regclass AND tgname LIKE 'permissions_track%'}),
	'permissions_track:A,permissions_track_truncate:A', 'a table tracked in 1.0 gets the TRUNCATE trigger');

# what is new works on the updated database: a purchase order approved by mo
$node->safe_psql('old', q{
	INSERT INTO permissions.approval_rules VALUES ('po', 1, 0, 'purchase_orders.approve');
	SELECT permissions.enable_approvals('po', 'po', amount_column => 'amount');
});
is($node->safe_psql('old', q{
	SET permissions.user_id = 'al';
	INSERT INTO po VALUES (1, 'draft', 100, 'al');
	SELECT permissions.request_approval('po', '1');
	SET permissions.user_id = 'mo';
	SELECT permissions.approve(1);
	SELECT status FROM po WHERE id = 1;
}, connstr => $app), "1\napproved\napproved", 'approvals work after the update');
is($node->safe_psql('old', q{SELECT string_agg(user_id || ':' || kind, ',' ORDER BY notification_id)
	FROM permissions.notifications WHERE kind LIKE 'approval%'}),
	'mo:approval_requested,al:approval_decided', 'and notify the approver and the requester');

# the update warns, and goes on, where 1.1 cannot put back what 1.0 put on
# a table (an ignored column since dropped), where 1.0 took a lock that 1.1
# refuses (on a generated status column, with a status that is no integer),
# and where lock_before() dated timestamptz columns in a zone other than UTC
$node->safe_psql('postgres', 'CREATE DATABASE warned');
$node->safe_psql('warned', q{
	CREATE EXTENSION permissions VERSION '1.0';
	INSERT INTO permissions.areas (area) VALUES ('books');
	INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access)
		VALUES ('books.override', 'books', 'o', 'none', 'read');
	CREATE TABLE entries (id int PRIMARY KEY, booked timestamptz NOT NULL);
	SELECT permissions.lock_before('entries', 'booked', 'books', 'books.override');
	CREATE TABLE sealed (id int PRIMARY KEY, status text GENERATED ALWAYS AS ('done') STORED);
	SELECT permissions.lock_completed('sealed', 'status', ARRAY['done'], 'books.override');
	CREATE TABLE counted (id int PRIMARY KEY, n int NOT NULL);
	SELECT permissions.lock_completed('counted', 'n', ARRAY['done'], 'books.override');
	CREATE TABLE notes (id int PRIMARY KEY, body text, secret text);
	SELECT permissions.track('notes', '{secret}');
	ALTER TABLE notes DROP COLUMN secret;
});
($update_rc, $update_out, $update_err) = $node->psql('warned',
	"SET TimeZone = 'Europe/London'; ALTER EXTENSION permissions UPDATE");
is($update_rc, 0, 'an update that cannot renew a trigger still completes');
like($update_err, qr/WARNING:  could not renew permissions_track on public.notes: .*secret/,
	'and warns of the trigger it could not renew');
like($update_err, qr/WARNING:  the lock permissions_lock_completed on public.sealed would be refused by 1.1: a lock cannot check a generated column/,
	'and of a lock that 1.1 refuses');
like($update_err, qr/WARNING:  the lock permissions_lock_completed on public.counted would be refused by 1.1: locked status "done" is not a value of column "n"/,
	'and of a lock whose status is no value of its column');
unlike($update_err, qr/on public.entries would be refused/, 'but not of a lock that passes');
like($update_err,
	qr/WARNING:  lock_before\(\) now dates timestamptz columns in permissions.lock_time_zone \(UTC\), not in the session's TimeZone \(Europe\/London\)/,
	'and warns that lock_before() dates in UTC now');
is($node->safe_psql('warned', q{SELECT extversion FROM pg_extension WHERE extname = 'permissions'}),
	$current, 'the warned database is updated');

$node->stop;
done_testing();
