# Identity and cache across real sessions and server configurations:
#  - the library preloaded (shared_preload_libraries) or loaded on demand;
#  - permissions.user_id in the startup packet, for a trusted and an
#    untrusted login role;
#  - a revoke committed by an administrator is obeyed at the next statement
#    of every other open session, each mid-transaction;
#  - a role default (ALTER ROLE ... SET) set by a superuser applies at login.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'permissions'");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION permissions;
	CREATE ROLE regress_app LOGIN;
	CREATE ROLE regress_plain LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_app;
	INSERT INTO permissions.areas (area) VALUES ('stock');
	INSERT INTO permissions.roles (role) VALUES ('clerk');
	INSERT INTO permissions.role_privileges VALUES ('clerk', 'stock', 'r');
	INSERT INTO permissions.actions (action, area, privilege, location_rule)
		VALUES ('stock.view', 'stock', 'r', 'location');
	INSERT INTO permissions.locations SELECT g, 'L' || g FROM generate_series(1, 3) g;
	INSERT INTO permissions.users (user_id, role)
		SELECT 'u' || g, 'clerk' FROM generate_series(1, 5) g;
	INSERT INTO permissions.location_access
		SELECT 'u' || g, l, 'read' FROM generate_series(1, 5) g, generate_series(1, 3) l;
});

# the identity in the startup packet: refused to an untrusted role
my $connstr = $node->connstr('postgres');
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	'SELECT permissions.current_user_id()',
	connstr => "$connstr user=regress_plain options='-c permissions.user_id=u1'");
isnt($ret, 0, 'untrusted role cannot set the identity at connection');
like($stderr, qr/permission denied to set parameter "permissions.user_id"/,
	'and is told why');

# ... and honoured for the trusted login role
is($node->safe_psql('postgres', 'SELECT permissions.current_user_id()',
		connstr => "$connstr user=regress_app options='-c permissions.user_id=u1'"),
	'u1', 'trusted role sets the identity at connection');

# five sessions, each acting as a user inside an open transaction
my @sessions;
for my $i (1 .. 5)
{
	# (PG15's background_psql takes no connstr: the role is given to psql)
	my $s = $node->background_psql('postgres', extra_params => [ '-U', 'regress_app' ]);
	is($s->query_safe('SELECT current_user'), 'regress_app', "session $i logs in as the pooled role");
	$s->query_safe("SET permissions.user_id = 'u$i'");
	$s->query_safe('BEGIN');
	is($s->query_safe('SELECT permissions.can(\'stock.view\', 2)'), 't',
		"session $i sees location 2 before the revoke");
	push @sessions, $s;
}

# the administrator revokes location 2 from everybody and commits
$node->safe_psql('postgres',
	'DELETE FROM permissions.location_access WHERE location_id = 2');

for my $i (1 .. 5)
{
	my $s = $sessions[ $i - 1 ];
	is($s->query_safe('SELECT permissions.can(\'stock.view\', 2)'), 'f',
		"session $i obeys the revoke at its next statement");
	is($s->query_safe('SELECT permissions.can(\'stock.view\', 1)'), 't',
		"session $i keeps location 1");
	$s->query_safe('COMMIT');
}

# a rolled-back grant is never seen by the open sessions
$node->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO permissions.location_access VALUES ('u1', 2, 'full');
	ROLLBACK;
});
is($sessions[0]->query_safe('SELECT permissions.can(\'stock.view\', 2)'), 'f',
	'a rolled-back grant is not obeyed');
$_->quit for @sessions;

# a role default set by a superuser applies at login
$node->safe_psql('postgres',
	q{ALTER ROLE regress_plain SET permissions.user_id = 'u3'});
is($node->safe_psql('postgres', 'SELECT permissions.current_user_id()',
		connstr => "$connstr user=regress_plain"),
	'u3', 'role default applies at login');

# without the library preloaded the same guards hold
$node->append_conf('postgresql.conf', "shared_preload_libraries = ''");
$node->restart;
($ret, $stdout, $stderr) = $node->psql('postgres',
	'SELECT permissions.current_user_id()',
	connstr => "$connstr user=regress_app options='-c permissions.user_id=u2'");
is($stdout, 'u2', 'trusted role at connection, library loaded on demand');
($ret, $stdout, $stderr) = $node->psql('postgres',
	'SELECT permissions.current_user_id() IS NULL',
	connstr => "$connstr user=regress_plain options='-c permissions.user_id=u2'");
is($stdout, 't',
	'untrusted role at connection, library loaded on demand: ignored');
like($stderr, qr/permission denied to set parameter "permissions.user_id"/,
	'with a warning');

$node->stop;
done_testing();
