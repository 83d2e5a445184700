# The reference LISTEN client, permissions-listen, against a real server:
# live delivery in order, a killed client catching up on exactly the 100
# notifications it missed, a server restart under it, a transaction that
# took a lower id committing later (no gap, no duplicate), and another role
# on the channel learning only ids and kinds.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION permissions;
	CREATE ROLE regress_listen_app LOGIN;
	CREATE ROLE regress_listen_other LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_listen_app;
	INSERT INTO permissions.areas (area) VALUES ('stock');
	INSERT INTO permissions.roles (role) VALUES ('clerk');
	INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'r');
	INSERT INTO permissions.actions (action, area, privilege) VALUES ('alerts.event', 'stock', 'r');
	INSERT INTO permissions.users (user_id, role) VALUES ('al', 'clerk'), ('bo', NULL);
	CREATE TABLE events (id int PRIMARY KEY, flag boolean NOT NULL);
	SELECT permissions.alert_when('events', 'event', 'flag', 'alerts.event');
});

my $next = 1;
# n events, each in its own transaction; returns their notification ids
sub events
{
	my ($n) = @_;
	my @ids;
	for (1 .. $n)
	{
		$node->safe_psql('postgres', "INSERT INTO events VALUES ($next, true)");
		$next++;
	}
	return;
}

my $dir = $node->basedir;
my $cursor = "$dir/cursor";
my $outfile = "$dir/out";
my $errfile = "$dir/err";
my $connstr = $node->connstr('postgres') . ' user=regress_listen_app';

sub start_client
{
	return IPC::Run::start([ 'permissions-listen', '--cursor', $cursor, $connstr, 'al' ],
		'>>', $outfile, '2>>', $errfile);
}

sub lines
{
	open(my $fh, '<', $outfile) or return ();
	my @l = <$fh>;
	close($fh);
	chomp @l;
	return @l;
}

sub wait_lines
{
	my ($n) = @_;
	for (1 .. 600)
	{
		return 1 if scalar(lines()) >= $n;
		usleep(50_000);
	}
	return 0;
}

sub ids { return map { /"id" : (\d+)/ ? $1 : -1 } lines(); }

# --help documents it
my ($stdout, $stderr);
IPC::Run::run([ 'permissions-listen', '--help' ], '>', \$stdout);
like($stdout, qr/Usage: permissions-listen/, '--help documents the client');
# bad input: a bad conninfo exits with a clear error in --once mode; an unreadable cursor too
IPC::Run::run([ 'permissions-listen', '--once', 'host=/nonexistent port=1', 'al' ], '>', \$stdout, '2>', \$stderr);
like($stderr, qr/cannot connect/, 'a bad conninfo says so');
open(my $bad, '>', "$dir/badcursor");
print $bad "not a number\n";
close($bad);
my $ok = IPC::Run::run([ 'permissions-listen', '--cursor', "$dir/badcursor", '--once', $connstr, 'al' ],
	'>', \$stdout, '2>', \$stderr);
ok(!$ok, 'a bad cursor file is refused');
like($stderr, qr/does not hold a horizon/, 'and the client says why');

# live delivery, in order
my $h = start_client();
usleep(500_000);
events(3);
ok(wait_lines(3), 'three live events arrive');
is_deeply([ map { /"kind" : "event"/ ? 1 : 0 } lines() ], [ 1, 1, 1 ], 'as event notifications');
my @first = ids();
is_deeply(\@first, [ sort { $a <=> $b } @first ], 'in order');

# an approval-style event goes through the same path (the helper approvals will call)
$node->safe_psql('postgres',
	q{SELECT permissions._notify_eligible('alerts.event', NULL, 'approval_requested', 'purchase_orders', '101', '{"level": 1}')});
ok(wait_lines(4), 'an approval-style event arrives live');
like((lines())[3], qr/"kind" : "approval_requested".*"subject_id" : "101"/, 'with its kind and subject');

# killed; 100 events; restarted: exactly those 100, in order
$h->kill_kill;
events(100);
$h = start_client();
ok(wait_lines(104), 'the restarted client catches up');
my @all = ids();
is(scalar(@all), 104, 'exactly 104 lines: nothing twice');
my %seen;
$seen{$_}++ for @all;
is(scalar(grep { $seen{$_} > 1 } keys %seen), 0, 'no duplicate');
my $expected = $node->safe_psql('postgres',
	q{SELECT string_agg(notification_id::text, ',' ORDER BY notification_id) FROM permissions.notifications WHERE user_id = 'al'});
is(join(',', @all), $expected, 'the 104 notifications of al, in order');

# the server restarts under the client: it reconnects and catches up
$node->restart;
events(5);
ok(wait_lines(109), 'after a server restart the client reconnects and catches up');
like(slurp_file($errfile), qr/connection lost, reconnecting/, 'and says it reconnected');

# a transaction that took a lower id commits after one with a higher id: both arrive, once
my $slow = $node->background_psql('postgres');
$slow->query_safe('BEGIN');
$slow->query_safe("INSERT INTO events VALUES (10000, true)");
events(1);
ok(wait_lines(110), 'the later id arrives while the earlier transaction is open');
$slow->query_safe('COMMIT');
ok(wait_lines(111), 'the earlier id arrives when its transaction commits');
@all = ids();
my %once;
$once{$_}++ for @all;
is(scalar(grep { $once{$_} > 1 } keys %once), 0, 'still no duplicate');
is(scalar(@all), 111, 'and no gap');
$slow->quit;

# another role on the channel learns only ids and kinds
my $other;
{
	# (background_psql connects as $PGUSER)
	local $ENV{PGUSER} = 'regress_listen_other';
	$other = $node->background_psql('postgres');
}
is($other->query_safe('SELECT current_user'), 'regress_listen_other', 'listening as another role');
$other->query_safe('LISTEN permissions');
events(1);
ok(wait_lines(112), 'the event reached the client');
my $heard = $other->query_safe('SELECT 1');
like($heard, qr/\{"id":\d+,"user":"al","kind":"event"\}/, 'the other role hears the id, user and kind only');
is($other->query_safe('SELECT count(*) FROM permissions.notifications'), '0',
	'and cannot read the notification rows');
$other->quit;

# low stock reaches exactly the users with the right at that location
$node->safe_psql('postgres', q{
	INSERT INTO permissions.actions (action, area, privilege, location_rule, min_access)
		VALUES ('alerts.low_stock', 'stock', 'r', 'location', 'read');
	INSERT INTO permissions.locations VALUES (1, 'Leeds'), (2, 'York');
	INSERT INTO permissions.users (user_id, role) VALUES ('ci', 'clerk');
	INSERT INTO permissions.location_access VALUES ('al', 1, 'read'), ('ci', 2, 'read');
	CREATE TABLE stock (location_id int, item int, qty int, reorder_level int, PRIMARY KEY (location_id, item));
	INSERT INTO stock VALUES (1, 1, 10, 5), (2, 1, 10, 5);
	SELECT permissions.alert_when('stock', 'low_stock', 'qty < reorder_level', 'alerts.low_stock', 'location_id');
});
my $before = scalar(lines());
$node->safe_psql('postgres', 'UPDATE stock SET qty = 1 WHERE location_id = 2');
$node->safe_psql('postgres', 'UPDATE stock SET qty = 1 WHERE location_id = 1');
ok(wait_lines($before + 1), 'a low-stock alert reaches the client');
usleep(500_000);
my @new = (lines())[ $before .. scalar(lines()) - 1 ];
is(scalar(@new), 1, 'only one: the one at the location al may see');
like($new[0], qr/"kind" : "low_stock".*"location_id\\": 1/, 'about location 1');
is($node->safe_psql('postgres',
	q{SELECT string_agg(user_id || '@' || (payload->'row'->>'location_id'), ',' ORDER BY user_id) FROM permissions.notifications WHERE kind = 'low_stock'}),
	'al@1,ci@2', 'each location told its own user, nobody else');

$h->signal('TERM');
$h->finish;
$node->stop;
done_testing();
