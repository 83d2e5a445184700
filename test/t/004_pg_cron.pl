# run_due_alerts() scheduled with pg_cron (Debian package postgresql-15-cron):
# a due purchase order is announced by the scheduled job, once, to the users
# who may do the audience action, and a LISTEN client prints it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
});
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION pg_cron;
	CREATE EXTENSION permissions;
	CREATE ROLE regress_cron_app LOGIN;
	GRANT SET ON PARAMETER permissions.user_id TO regress_cron_app;
	INSERT INTO permissions.areas (area) VALUES ('purchase');
	INSERT INTO permissions.roles (role) VALUES ('buyer'), ('clerk');
	INSERT INTO permissions.role_privileges VALUES ('buyer', 'purchase', 'r');
	INSERT INTO permissions.actions (action, area, privilege) VALUES ('alerts.due_po', 'purchase', 'r');
	INSERT INTO permissions.users (user_id, role) VALUES ('cy', 'buyer'), ('al', 'clerk');
	CREATE TABLE po (id int PRIMARY KEY, due date, status text);
	INSERT INTO po VALUES (1, current_date - 1, 'sent'), (2, current_date + 30, 'sent');
	SELECT permissions.alert_due('po', 'po_due', 'due', 'alerts.due_po', $$status = 'sent'$$);
	SELECT cron.schedule('permissions due alerts', '* * * * *', 'SELECT permissions.run_due_alerts()');
});

my $out = $node->basedir . '/client.out';
my $client = IPC::Run::start(
	[ 'permissions-listen', $node->connstr('postgres') . ' user=regress_cron_app', 'cy' ],
	'>>', $out, '2>>', $node->basedir . '/client.err');

# pg_cron runs the job at the next minute boundary
my $sent = 0;
for (1 .. 900)
{
	$sent = $node->safe_psql('postgres', q{SELECT count(*) FROM permissions.notifications WHERE kind = 'po_due'});
	last if $sent > 0;
	usleep(100_000);
}
is($sent, '1', 'the scheduled run_due_alerts() announced the due order');
is($node->safe_psql('postgres', q{SELECT user_id || ' ' || subject_id FROM permissions.notifications WHERE kind = 'po_due'}),
	'cy {"id": 1}', 'to the buyer, about order 1');
is($node->safe_psql('postgres',
	q{SELECT status FROM cron.job_run_details ORDER BY runid DESC LIMIT 1}), 'succeeded',
	'the cron job succeeded');

my $printed = '';
for (1 .. 100)
{
	$printed = slurp_file($out) if -e $out;
	last if $printed =~ /po_due/;
	usleep(100_000);
}
like($printed, qr/"kind" : "po_due"/, 'the LISTEN client printed it');

# the next run announces nothing new
$node->safe_psql('postgres', 'SELECT permissions.run_due_alerts()');
is($node->safe_psql('postgres', q{SELECT count(*) FROM permissions.notifications WHERE kind = 'po_due'}),
	'1', 'once per due date');

$client->signal('TERM');
$client->finish;
$node->stop;
done_testing();
