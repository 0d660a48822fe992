# The launcher serves every role's jobs: nothing one role writes, no setting
# and no state of the database may make it exit and replay the same failure
# after its restart (issue 19).  Each part checks that the launcher keeps
# its pid and that the other jobs go on running.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = beat_node('resil');

sub q1 { return $node->safe_psql('postgres', $_[0]); }

# ===== the launcher's activity after the first CREATE EXTENSION ===========
# beat_node creates the extension after the server started: the launcher
# waited for it, then must stop saying so.
my $heartbeat = q1(
	"SELECT cron.schedule('heartbeat', '1 seconds', 'SELECT 1')");
ok(wait_finished_runs($node, $heartbeat, 2, 30), 'the heartbeat job runs');
is( q1(
		"SELECT query FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'"
	),
	'',
	'pg_stat_activity no longer says the launcher waits for CREATE EXTENSION');

my $pid = launcher_pid($node);

# Is the launcher still the same process, and do jobs still run?
sub launcher_carries_on
{
	my ($what) = @_;
	my $runid = q1('SELECT coalesce(max(runid), 0) FROM cron.job_run_details');
	ok( poll_within(
			$node, 'postgres', qq{
SELECT count(*) >= 3 FROM cron.job_run_details
 WHERE jobid = $heartbeat AND status = 'succeeded' AND runid > $runid}, 't', 30),
		"$what: the other jobs go on running");
	is(launcher_pid($node), $pid, "$what: the same launcher carried on");
}

# ===== 1. announcements that do not fit in a NOTIFY ========================
q1(q{
CREATE ROLE alice LOGIN;
GRANT USAGE ON SCHEMA cron TO alice;
CREATE TABLE failed_runs (payload text);
GRANT INSERT ON failed_runs TO alice;
});
my $longname = 'n' x 9000;
my $failing = $node->safe_psql(
	'postgres', qq{
SET ROLE alice;
SELECT cron.schedule('$longname', '1 seconds', 'SELECT 1/0');
});
q1( qq{SET ROLE alice; SELECT cron.alter_job($failing, on_failure =>
  \$\$INSERT INTO failed_runs VALUES (current_setting('cron.failed_run'))\$\$)});
ok(wait_finished_runs($node, $failing, 3, 30),
	'a failing job with a 9,000-byte name is recorded, run after run');
launcher_carries_on('failure announcement over 8,000 bytes');
ok( poll_within(
		$node, 'postgres', q{
SELECT bool_and(octet_length(payload) < 8000
                AND payload::jsonb -> 'truncated' ? 'jobname'
                AND payload::jsonb ->> 'event' = 'failed')
   AND count(*) > 0
  FROM failed_runs}, 't', 30),
	'the announcement fits in a NOTIFY and says that jobname was truncated');
q1("SELECT cron.unschedule($failing)");

# the overdue announcement, of a job that succeeds
my $overdue = $node->safe_psql(
	'postgres', qq{
SET ROLE alice;
SELECT cron.schedule_in_database('o$longname', '0 0 1 1 *', 'SELECT 1',
  'postgres', overdue_after => '1 second');
});
$node->safe_psql('postgres', "SET ROLE alice; SELECT cron.run_job($overdue)");
ok(wait_finished_runs($node, $overdue, 1, 30), 'the overdue job ran once');
ok( poll_within(
		$node, 'postgres',
		"SELECT overdue_notified FROM cron.job_stats WHERE jobid = $overdue",
		't', 30),
	'the job with a 9,000-byte name is announced overdue');
launcher_carries_on('overdue announcement over 8,000 bytes');
q1("SELECT cron.unschedule($overdue)");

# a threshold so large that now() minus it is no timestamp: the check of
# every job must not fail on it
my $huge = $node->safe_psql(
	'postgres', q{
SET ROLE alice;
SELECT cron.schedule_in_database('huge-threshold', '0 0 1 1 *', 'SELECT 1',
  'postgres', overdue_after => '200000 years');
});
my $small = $node->safe_psql(
	'postgres', q{
SET ROLE alice;
SELECT cron.schedule_in_database('small-threshold', '0 0 1 1 *', 'SELECT 1',
  'postgres', overdue_after => '1 second');
});
$node->safe_psql('postgres',
	"SET ROLE alice; SELECT cron.run_job($huge); SELECT cron.run_job($small)");
ok(wait_finished_runs($node, $huge, 1, 30), 'the job with a 200,000-year threshold ran');
ok( poll_within(
		$node, 'postgres',
		"SELECT overdue_notified FROM cron.job_stats WHERE jobid = $small",
		't', 30),
	'beside it, another job is announced overdue');
is( q1("SELECT overdue_notified FROM cron.job_stats WHERE jobid = $huge"),
	'f', 'the job with a 200,000-year threshold is not overdue');
launcher_carries_on('an overdue_after beyond the timestamp range');
q1("SELECT cron.unschedule($huge); SELECT cron.unschedule($small)");

# ===== a role that locks its own history rows and leaves them locked =====
# alice deletes the history of her job (cron.delete_run_details: ordinary
# roles hold no DELETE on the table since 1.3) in a transaction she leaves
# open: the launcher's write of the outcome of the run in flight must not
# wait for her, nor anybody else's jobs, nor the purge.
my $sleepy = $node->safe_psql(
	'postgres', q{
SET ROLE alice;
SELECT cron.schedule('sleepy', '1 seconds', 'SELECT pg_sleep(1)');
});
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FILTER (WHERE status IN ('starting', 'running')) > 0"
		  . " AND count(*) FILTER (WHERE status = 'succeeded') > 0"
		  . " FROM cron.job_run_details WHERE jobid = $sleepy",
		't', 30),
	'a run of alice\'s job is in flight, after one that succeeded');
# her finished runs look old enough to purge; ten other old rows too
q1(qq{
UPDATE cron.job_run_details SET end_time = now() - '2 days'::interval
 WHERE jobid = $sleepy AND status = 'succeeded';
INSERT INTO cron.job_run_details (jobid, runid, database, username, command,
  status, start_time, end_time)
SELECT 0, nextval('cron.runid_seq'), 'postgres', 'nobody', 'SELECT 1',
  'succeeded', now() - '2 days'::interval, now() - '2 days'::interval
  FROM generate_series(1, 10)});
my $locker = $node->background_psql('postgres');
$locker->query_safe('SET ROLE alice');
$locker->query_safe('BEGIN');
$locker->query_safe(
	"SELECT cron.delete_run_details('infinity', job_id => $sleepy)");
launcher_carries_on('history rows locked by their owner');
q1(q{ALTER SYSTEM SET cron.history_retention = '1 day'});
q1('SELECT pg_reload_conf()');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = 0", '0', 30),
	'the purge deletes old rows, skipping those a role keeps locked');
launcher_carries_on('the purge meets rows locked by their owner');
q1('ALTER SYSTEM RESET cron.history_retention');
q1('SELECT pg_reload_conf()');
$locker->query_safe('ROLLBACK');
$locker->quit;
q1("SELECT cron.unschedule($sleepy)");

# ===== 10. a run refused by the owner checks is announced ================
# (the reference said it was not; the code did, and the docs now agree)
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN cron_job_failed');
q1('CREATE ROLE carol LOGIN; GRANT USAGE ON SCHEMA cron TO carol');
my $carols = $node->safe_psql('postgres',
	"SET ROLE carol; SELECT cron.schedule('carols', '1 seconds', 'SELECT 1')");
q1('ALTER ROLE carol NOLOGIN');
my $notified = '';
foreach my $i (1 .. 100)
{
	$notified = $listener->query_safe('SELECT 1');
	last if $notified =~ /"jobid": $carols,.*not permitted to log in/;
	usleep(100_000);
}
like(
	$notified,
	qr/Asynchronous notification "cron_job_failed" with payload "\{"event": "failed", "jobid": $carols,.*role \\"carol\\" is not permitted to log in/,
	'a run refused because its owner lost LOGIN is announced');
$listener->quit;
q1("SELECT cron.unschedule($carols)");

# ===== 2. cron.notify_channel must be a channel NOTIFY accepts =============
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	"ALTER SYSTEM SET cron.notify_channel = '" . ('c' x 64) . "'");
isnt($ret, 0, 'a 64-byte cron.notify_channel is refused');
like(
	$stderr,
	qr/invalid value for parameter "cron.notify_channel".*\n.*DETAIL:  .*at most 63 bytes/,
	'... with a clear error');
($ret, $stdout, $stderr) = $node->psql('postgres',
	"ALTER SYSTEM SET cron.notify_channel = '" . ('c' x 63) . "'");
is($ret, 0, 'a 63-byte cron.notify_channel is accepted');
q1('ALTER SYSTEM RESET cron.notify_channel');

# ===== 8. cron.history_retention boundaries ================================
foreach my $bad ('1000000 years', '10001 years', '10000 years 1 day',
	'-1 day')
{
	($ret, $stdout, $stderr) = $node->psql('postgres',
		"ALTER SYSTEM SET cron.history_retention = '$bad'");
	isnt($ret, 0, "cron.history_retention = '$bad' is refused");
	like($stderr, qr/invalid value for parameter "cron.history_retention"/,
		"... with a clear error ('$bad')");
}
foreach my $good ('10000 years', '0', '1 second')
{
	($ret, $stdout, $stderr) = $node->psql('postgres',
		"ALTER SYSTEM SET cron.history_retention = '$good'");
	is($ret, 0, "cron.history_retention = '$good' is accepted");
}
q1('ALTER SYSTEM RESET cron.history_retention');
q1('SELECT pg_reload_conf()');

# ===== 9. the purge keeps up with a backlog ================================
# 30,000 rows ended two days ago; once the retention says one day, they go
# within seconds, in short transactions, while jobs keep running.
q1(q{
INSERT INTO cron.job_run_details (jobid, runid, database, username, command,
  status, return_message, start_time, end_time)
SELECT 0, nextval('cron.runid_seq'), 'postgres', 'nobody', 'SELECT 1',
  'succeeded', 'SELECT 1', now() - '2 days'::interval, now() - '2 days'::interval
  FROM generate_series(1, 30000)});
my $log_offset = -s $node->logfile;
q1(q{ALTER SYSTEM SET cron.history_retention = '1 day'});
q1('SELECT pg_reload_conf()');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = 0", '0', 30),
	'a 30,000-row backlog is purged within 30 seconds');
like(
	slurp_file($node->logfile, $log_offset),
	qr/pg_beat: \d+ history rows? older than cron.history_retention remain to purge/,
	'the backlog is reported in the log');
launcher_carries_on('purging a backlog');
q1('ALTER SYSTEM RESET cron.history_retention');
q1('SELECT pg_reload_conf()');

# ===== 4. DROP EXTENSION while a run is in flight ==========================
my $sleeper = q1("SELECT cron.schedule('sleeper', '1 seconds', 'SELECT pg_sleep(60)')");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_beat job $sleeper'",
		'1', 30),
	'a long run is in flight');
q1('DROP EXTENSION pg_beat');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat job' AND state = 'active'",
		'0', 30),
	'DROP EXTENSION: the run in flight is stopped');
ok( poll_within(
		$node, 'postgres',
		"SELECT query FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'",
		'waiting for CREATE EXTENSION pg_beat', 30),
	'DROP EXTENSION: the launcher waits for the extension');
is(launcher_pid($node), $pid, 'DROP EXTENSION: the same launcher waits');
q1('CREATE EXTENSION pg_beat');
$heartbeat = q1("SELECT cron.schedule('heartbeat', '1 seconds', 'SELECT 1')");
ok(wait_finished_runs($node, $heartbeat, 2, 30),
	'CREATE EXTENSION again: jobs run');
is( q1(
		"SELECT query FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'"
	),
	'',
	'... and pg_stat_activity says so');
launcher_carries_on('DROP and CREATE EXTENSION');

# ===== 2b. rows written with session_replication_role = replica ===========
# A data-only restore with --disable-triggers or a logical replication apply
# worker writes cron.job without the validation trigger: the change trigger
# fires always (1.1), so the launcher sees the job at once, not at the next
# full load.
q1(q{CREATE TABLE replica_log (t timestamptz DEFAULT clock_timestamp())});
q1(q{
SET session_replication_role = replica;
INSERT INTO cron.job (schedule, command, database, username, jobname, userid)
VALUES ('1 seconds', 'INSERT INTO replica_log DEFAULT VALUES', 'postgres',
        current_user, 'replicated', (SELECT oid FROM pg_roles WHERE rolname = current_user));
});
ok(poll_within($node, 'postgres', 'SELECT count(*) >= 2 FROM replica_log', 't', 30),
	'a job written with session_replication_role = replica runs without a full reload');
q1(q{SELECT cron.unschedule('replicated')});

# ===== 3. session defaults of the database and the role ===================
# Everything the test itself writes from now on overrides them.
$ENV{PGOPTIONS} =
    '-c default_transaction_read_only=off -c statement_timeout=0'
  . ' -c lock_timeout=0 -c idle_in_transaction_session_timeout=0';
my $me = q1('SELECT current_user');
q1(qq{
ALTER DATABASE postgres SET default_transaction_read_only = on;
ALTER DATABASE postgres SET default_transaction_isolation = 'serializable';
ALTER DATABASE postgres SET search_path = 'nowhere';
ALTER ROLE "$me" SET lock_timeout = '1ms';
ALTER ROLE "$me" SET statement_timeout = '200ms';
ALTER ROLE "$me" SET idle_in_transaction_session_timeout = '1ms';
});
# the launcher reads them when it connects: make it start again
$pid = launcher_pid($node);
q1(qq{SELECT pg_terminate_backend($pid)});
ok(poll_within($node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher' AND pid <> $pid",
		'1', 30),
	'a new launcher connects to the hardened database');
$pid = launcher_pid($node);
launcher_carries_on('read-only database, timeouts and search_path of the role');

$node->stop;
done_testing();
