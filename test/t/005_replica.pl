# Read replicas: a primary and a physical streaming replica (hot standby).
#  - on the standby, a protected table read by the pooled login role acting
#    as each user returns exactly the rows that user may see (full id lists,
#    computed independently from the config tables with a plain WHERE on the
#    primary); acting as nobody returns none; a user mapped by db_role sees
#    theirs without setting the identity;
#  - can(), location_access(), locations_with(), locations_for(),
#    allows_row(), area_privileges(), explain(), explain_in_scope(),
#    can_user() and access_matrix() give on the standby what they give on the
#    primary, and the same answers inside BEGIN; SET TRANSACTION READ ONLY on
#    the primary (and in such a block on the standby), the rights cache being
#    built inside that read-only transaction;
#  - a change committed on the primary (a grant updated, inserted, deleted, a
#    user deactivated, a role privilege revoked) is obeyed after replay at the
#    next statement of a long-lived standby session that had already cached
#    the user's rights, idle or inside an open transaction (and not before
#    it is replayed: with replay paused the old answer stands);
#  - nothing on the check path tried to write: neither server logged a
#    read-only-transaction or recovery error (the pattern is shown to match
#    by one deliberate write on the standby at the end).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;

$primary->safe_psql('postgres', q{
	CREATE EXTENSION permissions;
	CREATE ROLE regress_app LOGIN;
	CREATE ROLE regress_hal LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_app;
	INSERT INTO permissions.areas (area) VALUES ('stock'), ('orders'), ('users');
	-- a role per area; keeper inherits reader's 'r'
	INSERT INTO permissions.roles (role, inherits, is_admin) VALUES
		('boss', NULL, true),
		('reader', NULL, false),
		('keeper', 'reader', false),
		('orders_clerk', NULL, false),
		('approver', NULL, false);
	INSERT INTO permissions.role_privileges VALUES
		('reader', 'stock', 'r'),
		('keeper', 'stock', 'wd'),
		('orders_clerk', 'orders', 'rw'),
		('approver', 'orders', 'a');
	INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access) VALUES
		('stock.view', 'stock', 'r', 'location', 'read'),
		('stock.edit', 'stock', 'w', 'location', 'full'),
		('stock.any', 'stock', 'r', 'any_location', 'full'),
		('stock.all', 'stock', 'r', 'all_locations', 'read'),
		('orders.create', 'orders', 'w', 'none', 'read'),
		('orders.approve', 'orders', 'a', 'none', 'read'),
		('users.admin', 'users', 'w', 'none', 'read');
	INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 6) g;
	INSERT INTO permissions.users (user_id, role, default_location_access, active, db_role) VALUES
		('ann', 'boss', 'none', true, NULL),
		('bob', 'keeper', 'none', true, NULL),
		('cat', 'reader', 'read', true, NULL),
		('dan', 'orders_clerk', 'full', true, NULL),
		('eve', 'reader', 'none', false, NULL),
		('fay', 'keeper', 'none', true, NULL),
		('gus', 'orders_clerk', 'none', true, NULL),
		('hal', 'reader', 'none', true, 'regress_hal');
	INSERT INTO permissions.location_access VALUES
		('bob', 1, 'full'), ('bob', 2, 'read'), ('bob', 3, 'none'),
		('cat', 4, 'none'), ('cat', 5, 'full'),
		('eve', 1, 'full'), ('eve', 2, 'full'),
		('hal', 6, 'read');
	INSERT INTO permissions.memberships VALUES ('gus', 'project', 'p1', 'approver');
	-- location 7 is not a known location
	CREATE TABLE stock (id int PRIMARY KEY, location_id bigint NOT NULL, qty int NOT NULL);
	CREATE INDEX ON stock (location_id);
	INSERT INTO stock SELECT g, g % 7 + 1, g FROM generate_series(1, 70) g;
	SELECT permissions.protect('stock', 'stock', 'location_id');
	GRANT SELECT ON stock TO regress_app, regress_hal;
});

my @users = qw(ann bob cat dan eve fay gus hal);

# the rows a user may see, derived from the config tables without the
# extension's checks: an active user whose roles (with inherited ones) are
# admin, or give 'r' on stock, at known locations where the explicit access
# (else the default) is at least read
sub expected_rows
{
	my ($user) = @_;
	return $primary->safe_psql('postgres', qq{
		WITH RECURSIVE chain(role) AS (
			SELECT role FROM permissions.users WHERE user_id = '$user'
			UNION
			SELECT r.inherits FROM permissions.roles r JOIN chain c ON r.role = c.role
			 WHERE r.inherits IS NOT NULL),
		u AS (SELECT * FROM permissions.users WHERE user_id = '$user' AND active),
		admin AS (SELECT EXISTS (SELECT 1 FROM permissions.roles r JOIN chain USING (role)
		                          WHERE r.is_admin) AS v),
		has_r AS (SELECT EXISTS (SELECT 1 FROM permissions.role_privileges p JOIN chain USING (role)
		                          WHERE p.area = 'stock' AND p.privileges::text LIKE '%r%') AS v),
		locs AS (
			SELECT l.location_id
			  FROM permissions.locations l CROSS JOIN u
			  LEFT JOIN permissions.location_access a
			    ON a.user_id = u.user_id AND a.location_id = l.location_id
			 WHERE (SELECT v FROM admin)
			    OR ((SELECT v FROM has_r)
			        AND coalesce(a.access, u.default_location_access)::text IN ('read', 'full')))
		SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '')
		  FROM stock WHERE location_id IN (SELECT location_id FROM locs)});
}

my $rows_sql = q{SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM stock};

# every check, for the acting user
my $checks_sql = q{
	SELECT l, permissions.can('stock.view', l), permissions.can('stock.edit', l),
	       permissions.location_access(l),
	       permissions.allows_row('stock', 'r', 'read', l::bigint),
	       permissions.allows_row('stock', 'w', 'full', l::bigint),
	       permissions.explain('stock.view', l), permissions.explain('stock.edit', l)
	  FROM generate_series(0, 7) l ORDER BY l;
	SELECT permissions.current_user_id(),
	       permissions.can('stock.any'), permissions.can('stock.all'),
	       permissions.can('orders.create'), permissions.can('no.such_action'),
	       permissions.locations_with(), permissions.locations_with('full'),
	       permissions.locations_for('stock', 'r', 'read'),
	       permissions.area_privileges('stock'), permissions.area_privileges('orders'),
	       permissions.explain('stock.any'), permissions.explain('stock.all'),
	       permissions.explain('no.such_action'),
	       permissions.can('orders.approve', 'project', 'p1'),
	       permissions.can('orders.approve', 'project', 'p2'),
	       permissions.explain_in_scope('orders.approve', 'project', 'p1');
};

# what only an administrator may ask
my $admin_sql = q{
	SELECT u, permissions.can_user(u, 'stock.view', 2), permissions.can_user(u, 'orders.approve'),
	       permissions.explain('stock.edit', 1, u)
	  FROM unnest(ARRAY['bob', 'cat', 'eve', 'gus']) u ORDER BY u;
};
# access_matrix() is SECURITY INVOKER and reads the config tables, which are
# granted to nobody: ask it as a superuser acting as the administrator
my $matrix_sql = q{
	SET permissions.user_id = 'ann';
	SELECT * FROM permissions.access_matrix() ORDER BY 1, 2;
};

sub app_connstr
{
	my ($node) = @_;
	return $node->connstr('postgres') . ' user=regress_app';
}

# run sql as the login role acting as user (undef: nobody), in a new session
sub as_user
{
	my ($node, $user, $sql) = @_;
	my $set = defined $user ? "SET permissions.user_id = '$user';\n" : '';
	return $node->safe_psql('postgres', $set . $sql, connstr => app_connstr($node));
}

# the same, inside a read-only transaction (the cache is built inside it)
sub as_user_read_only
{
	my ($node, $user, $sql) = @_;
	return $node->safe_psql('postgres', qq{
		BEGIN;
		SET TRANSACTION READ ONLY;
		SET LOCAL permissions.user_id = '$user';
		SHOW transaction_read_only;
		$sql
		COMMIT;
	}, connstr => app_connstr($node));
}

# the standby, streaming from a base backup
$primary->backup('b');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'), 't',
	'the standby is in recovery');

my $primary_log_start = -s $primary->logfile;
my $standby_log_start = -s $standby->logfile;

# the model really tells the users apart
my %expected = map { $_ => expected_rows($_) } @users;
is($expected{ann}, $primary->safe_psql('postgres',
		q{SELECT string_agg(id::text, ',' ORDER BY id) FROM stock WHERE location_id <= 6}),
	'expected: the administrator sees every row at a known location');
is($expected{bob}, $primary->safe_psql('postgres',
		q{SELECT string_agg(id::text, ',' ORDER BY id) FROM stock WHERE location_id IN (1, 2)}),
	'expected: bob sees locations 1 and 2');
is(join(' ', map { $expected{$_} eq '' ? $_ : () } @users), 'dan eve fay gus',
	'expected: dan, eve, fay and gus see nothing');

# protected reads on the standby
for my $user (@users)
{
	is(as_user($standby, $user, $rows_sql), $expected{$user},
		"standby: $user reads exactly their rows");
}
is(as_user($standby, undef, 'SELECT count(*) FROM stock'), '0',
	'standby: a session acting as nobody reads no rows');
is($standby->safe_psql('postgres', "SELECT permissions.current_user_id(); $rows_sql",
		connstr => $standby->connstr('postgres') . ' user=regress_hal'),
	"hal\n$expected{hal}",
	'standby: a user mapped by db_role reads their rows without setting the identity');
is(as_user($primary, 'bob', $rows_sql), $expected{bob},
	'primary: bob reads the same rows there');

# the checks: the same on the standby as on the primary and inside a
# read-only transaction on the primary
for my $user (@users)
{
	my $on_primary = as_user($primary, $user, $checks_sql);
	is(as_user($standby, $user, $checks_sql), $on_primary,
		"standby: the checks give what they give on the primary for $user");
	is(as_user_read_only($primary, $user, $checks_sql), "on\n$on_primary",
		"primary: the same checks succeed inside a read-only transaction for $user");
	is(as_user_read_only($standby, $user, $checks_sql), "on\n$on_primary",
		"standby: and inside an explicit read-only transaction block for $user");
}
# the comparisons above are not between two empty answers
like(as_user($standby, 'bob', q{SELECT permissions.explain('stock.edit', 1)}),
	qr/^yes: /, 'standby: explain says yes where bob may edit');
like(as_user($standby, 'bob', q{SELECT permissions.explain('stock.edit', 2)}),
	qr/^no: .*read/, 'standby: explain says no where bob only reads');
is(as_user($standby, 'cat', q{SELECT permissions.location_access(4) || ' ' ||
		permissions.location_access(5) || ' ' || permissions.location_access(6) || ' ' ||
		permissions.locations_with()::text}),
	'none full read {1,2,3,5,6}', 'standby: cat\'s explicit and default access');
is(as_user($standby, 'gus', q{SELECT permissions.can('orders.approve', 'project', 'p1') || ' ' ||
		permissions.can('orders.approve', 'project', 'p2') || ' ' || permissions.can('orders.approve')}),
	'true false false', 'standby: gus approves only in his project');

my $admin_primary = as_user($primary, 'ann', $admin_sql);
isnt($admin_primary, '', 'primary: the administrator\'s questions have answers');
is(as_user($standby, 'ann', $admin_sql), $admin_primary,
	'standby: can_user() and explain() of another user as on the primary');
is(as_user_read_only($primary, 'ann', $admin_sql), "on\n$admin_primary",
	'primary: and inside a read-only transaction');
my $matrix_primary = $primary->safe_psql('postgres', $matrix_sql);
like($matrix_primary, qr/^stock\.edit\|bob\|t\|\{1\}\|yes: /m,
	'primary: access_matrix() lists where bob may edit');
is($standby->safe_psql('postgres', $matrix_sql), $matrix_primary,
	'standby: access_matrix() as on the primary');
is($primary->safe_psql('postgres', "BEGIN; SET TRANSACTION READ ONLY; $matrix_sql COMMIT;"),
	$matrix_primary, 'primary: access_matrix() inside a read-only transaction');

# changes on the primary, obeyed by long-lived standby sessions: one idle
# between statements, one inside an open transaction
# (PG15's background_psql takes no connstr: the role is given to psql)
my $idle = $standby->background_psql('postgres', extra_params => [ '-U', 'regress_app' ]);
my $in_xact = $standby->background_psql('postgres', extra_params => [ '-U', 'regress_app' ]);
is($idle->query_safe('SELECT current_user'), 'regress_app',
	'the long-lived standby sessions log in as the application role');
$in_xact->query_safe('BEGIN');

# both sessions cache every user's rights first
for my $user (@users)
{
	for my $s ($idle, $in_xact)
	{
		$s->query_safe("SET permissions.user_id = '$user'");
		is($s->query_safe($rows_sql), $expected{$user},
			"standby session caches $user before the changes");
	}
}

my @changes = (
	[ 'bob', q{UPDATE permissions.location_access SET access = 'none' WHERE user_id = 'bob' AND location_id = 2},
	  'an updated grant' ],
	[ 'bob', q{INSERT INTO permissions.location_access VALUES ('bob', 4, 'read')},
	  'a new grant' ],
	[ 'cat', q{DELETE FROM permissions.location_access WHERE user_id = 'cat' AND location_id = 4},
	  'a deleted grant (back to the default)' ],
	[ 'fay', q{UPDATE permissions.users SET default_location_access = 'read' WHERE user_id = 'fay'},
	  'a changed default access' ],
	[ 'cat', q{UPDATE permissions.users SET active = false WHERE user_id = 'cat'},
	  'a deactivated user' ],
	[ 'bob', q{UPDATE permissions.role_privileges SET privileges = '' WHERE role = 'reader'},
	  'a privilege revoked from an inherited role' ],
);
for my $change (@changes)
{
	my ($user, $sql, $what) = @$change;
	my $before = $expected{$user};
	for my $s ($idle, $in_xact)
	{
		$s->query_safe("SET permissions.user_id = '$user'");
		is($s->query_safe($rows_sql), $before, "standby: $user before $what");
	}
	# the change reaches the standby with replay paused: still the old answer
	$standby->safe_psql('postgres', 'SELECT pg_wal_replay_pause()');
	$standby->poll_query_until('postgres',
		q{SELECT pg_get_wal_replay_pause_state() = 'paused'})
	  or die 'replay did not pause';
	$primary->safe_psql('postgres', $sql);
	$expected{$_} = expected_rows($_) for @users;
	isnt($expected{$user}, $before, "expected: $what changes what $user sees");
	$primary->wait_for_catchup($standby, 'flush');
	is($in_xact->query_safe($rows_sql), $before,
		"standby: $what received but not replayed is not obeyed yet");
	# replayed: the new answer
	$standby->safe_psql('postgres', 'SELECT pg_wal_replay_resume()');
	$primary->wait_for_catchup($standby);
	is($idle->query_safe($rows_sql), $expected{$user},
		"standby: $what is obeyed by an idle session at its next statement");
	is($in_xact->query_safe($rows_sql), $expected{$user},
		"standby: $what is obeyed inside an open transaction at its next statement");
	is($in_xact->query_safe("SELECT permissions.locations_with()::text"),
		as_user($primary, $user, "SELECT permissions.locations_with()::text"),
		"standby: locations_with() after $what agrees with the primary");
}
# the other users still see exactly theirs, in the long-lived sessions
for my $user (@users)
{
	for my $s ($idle, $in_xact)
	{
		$s->query_safe("SET permissions.user_id = '$user'");
		is($s->query_safe($rows_sql), $expected{$user},
			"standby session: $user after all the changes");
	}
}
$in_xact->query_safe('COMMIT');
$idle->quit;
$in_xact->quit;

# nothing on the check path tried to write or to do what recovery forbids
my $bad = qr/read-only transaction|recovery is in progress|during recovery|cannot assign|cannot acquire lock mode/;
my $standby_log = slurp_file($standby->logfile, $standby_log_start);
is(join("\n", grep { /WARNING|ERROR|PANIC|$bad/ } split /\n/, $standby_log), '',
	'the standby logged no warning or error from the checks and reads');
my $primary_log = slurp_file($primary->logfile, $primary_log_start);
is(join("\n", grep { /WARNING|ERROR|PANIC|$bad/ } split /\n/, $primary_log), '',
	'the primary logged no warning or error (read-only transactions included)');

# the log check can fail: a write on the standby is logged so
my ($ret, $stdout, $stderr) = $standby->psql('postgres',
	q{INSERT INTO permissions.location_access VALUES ('bob', 5, 'full')});
isnt($ret, 0, 'a write on the standby fails');
$standby_log = slurp_file($standby->logfile, $standby_log_start);
is(scalar(grep { /$bad/ } split /\n/, $standby_log), 1,
	'and is the one read-only error in the standby log');

$standby->stop;
$primary->stop;
done_testing();
