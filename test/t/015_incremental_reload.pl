# Incremental reloads: the launcher reloads only the jobs a committed
# transaction wrote, and every job when a change cannot be told row by row
# (TRUNCATE, more rows than the shared queue holds, a new cron.timezone).
#
# The launcher logs each load at DEBUG1 ("pg_beat: reloaded N changed
# job(s), M found" or "pg_beat: reloaded all jobs, M found"), and this file
# runs it at cron.log_min_messages = debug1 to tell the two apart.  Each step
# waits for the load its commit causes before the next one starts, so loads
# never coalesce across steps.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);

my $node = beat_node('incremental',
	conf => "cron.log_min_messages = debug1\nmax_prepared_transactions = 2\n");

# The reload lines written to the log since $offset.
sub reloads_since
{
	my ($offset) = @_;
	my $log = slurp_file($node->logfile, $offset);
	return [ $log =~ /pg_beat: (reloaded [^\n]*)/g ];
}

# Run $sql (one transaction) and wait, at most 30 s, for the launcher's
# load; returns the reload lines it wrote.
sub change
{
	my ($sql) = @_;
	my $offset = -s $node->logfile;
	$node->safe_psql('postgres', $sql);
	my $deadline = time() + 30;
	while (time() < $deadline)
	{
		my $lines = reloads_since($offset);
		return $lines if @$lines;
		usleep(100_000);
	}
	diag("no reload after: $sql");
	return [];
}

sub jobid
{
	my ($name) = @_;
	return $node->safe_psql('postgres',
		"SELECT jobid FROM cron.job WHERE jobname = '$name'");
}

# Does job $name start a run scheduled after now, within 20 s?
sub runs_again
{
	my ($name) = @_;
	my $id  = jobid($name);
	my $now = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
	return poll_within($node, 'postgres',
		"SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $id"
		  . " AND scheduled_time > '$now'",
		't', 20);
}

# Job $jobid has no run scheduled later than 1 s after $since (a slot due
# as the change committed may still run), 3 s after it.
sub stays_idle
{
	my ($jobid, $since) = @_;
	wait_until_time($node,
		$node->safe_psql('postgres',
			"SELECT '$since'::timestamptz + interval '3 seconds'"));
	return $node->safe_psql('postgres',
			"SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid"
		  . " AND scheduled_time > '$since'::timestamptz + interval '1 second'")
	  eq '0';
}

# The first load at startup reads everything.
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity"
		  . " WHERE backend_type = 'pg_beat launcher'"),
	'launcher runs');
$node->wait_for_log(qr/pg_beat: reloaded all jobs, 0 found/);

# --- one job per transaction
my $lines = change(
	"SELECT cron.schedule('a', '1 seconds', 'SELECT 1')");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'cron.schedule reloads that job alone');
ok(runs_again('a'), 'the new job runs');

$lines = change("SELECT cron.schedule('b', '0 0 1 1 *', 'SELECT 2')");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'a second job: one job reloaded');
$lines = change(
	"SELECT cron.alter_job(" . jobid('b') . ", schedule => '1 seconds')");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'cron.alter_job reloads that job alone');
ok(runs_again('b'), 'the altered job runs on its new schedule');

my $a_id = jobid('a');
my $t = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
$lines = change("SELECT cron.alter_job($a_id, active => false)");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'deactivation reloads that job alone');
ok(stays_idle($a_id, $t), 'the deactivated job stops running');

$t = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
my $b_id = jobid('b');
$lines = change("SELECT cron.unschedule('b')");
is_deeply($lines, ['reloaded 1 changed job(s), 0 found'],
	'cron.unschedule reloads that job alone');
ok(stays_idle($b_id, $t), 'the unscheduled job stops running');

# --- several jobs in one transaction, the same job written twice
$lines = change(
	q{BEGIN;
SELECT cron.schedule('c', '1 seconds', 'SELECT 3');
SELECT cron.schedule('d', '1 seconds', 'SELECT 4');
SELECT cron.alter_job(jobid, active => true) FROM cron.job WHERE jobname = 'a';
SELECT cron.alter_job(jobid, command => 'SELECT 33') FROM cron.job WHERE jobname = 'c';
COMMIT;});
is_deeply($lines, ['reloaded 3 changed job(s), 3 found'],
	'one transaction, three jobs: one load of three');
ok(runs_again('a'), 'the reactivated job runs');
ok(runs_again('c'), 'job c runs');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = "
		  . jobid('c')
		  . " AND command = 'SELECT 33'"),
	'job c runs its new command');
ok(runs_again('d'), 'job d runs');

# --- an aborted transaction hands nothing over: the next load is only the
# marker job's
$node->safe_psql(
	'postgres', q{
BEGIN;
SELECT cron.schedule('ghost', '1 seconds', 'SELECT 5');
SELECT cron.unschedule('c');
ROLLBACK;});
my $d_id = jobid('d');
$lines = change("SELECT cron.alter_job($d_id, command => 'SELECT 44')");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'a rolled back transaction enqueued nothing');
ok(runs_again('c'), 'job c, unscheduled in the rolled back transaction, still runs');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE command = 'SELECT 5'"),
	'0', 'the job of the rolled back transaction never ran');

# a prepared transaction could commit where no one tells the launcher
my ($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
BEGIN;
SELECT cron.schedule('prepared', '1 seconds', 'SELECT 55');
PREPARE TRANSACTION 'p1';});
like(
	$stderr,
	qr/cannot PREPARE a transaction that changed pg_beat jobs or requested runs/,
	'PREPARE TRANSACTION after changing a job is refused');
is($node->safe_psql('postgres',
		"SELECT count(*) FROM cron.job WHERE jobname = 'prepared'"),
	'0', 'and the change is rolled back');

# a subtransaction rolled back: the change that remains is loaded
$lines = change(
	q{BEGIN;
SAVEPOINT s;
SELECT cron.schedule('ghost2', '1 seconds', 'SELECT 6');
ROLLBACK TO SAVEPOINT s;
SELECT cron.schedule('e', '1 seconds', 'SELECT 7');
COMMIT;});
like($lines->[0], qr/^reloaded [12] changed job\(s\), 1 found$/,
	'savepoint rolled back: only the surviving job is found');
ok(runs_again('e'), 'the surviving job runs');

# --- a cron.run_job() wakes the launcher but reloads nothing
my $c_id = jobid('c');
my $offset = -s $node->logfile;
my $runid = $node->safe_psql('postgres', "SELECT cron.run_job($c_id)");
ok( poll_within(
		$node, 'postgres',
		"SELECT status = 'succeeded' FROM cron.job_run_details WHERE runid = $runid"
	),
	'cron.run_job runs');
is_deeply(reloads_since($offset), [], 'cron.run_job reloads no job');

# --- direct writes by a superuser
$lines = change(
	"INSERT INTO cron.job (schedule, command, jobname) VALUES ('1 seconds', 'SELECT 8', 'f')"
);
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'INSERT reloads that job alone');
ok(runs_again('f'), 'the inserted job runs');

$t = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
$lines = change(
	"UPDATE cron.job SET active = false WHERE jobname IN ('c', 'd')");
is_deeply($lines, ['reloaded 2 changed job(s), 2 found'],
	'a two-row UPDATE reloads those two jobs');
ok(stays_idle($c_id, $t) && stays_idle($d_id, $t),
	'the jobs the UPDATE deactivated stop');

my $f_id = jobid('f');
$t = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
$lines = change("DELETE FROM cron.job WHERE jobname = 'f'");
is_deeply($lines, ['reloaded 1 changed job(s), 0 found'],
	'DELETE reloads that job alone');
ok(stays_idle($f_id, $t), 'the deleted job stops');

# --- a job deleted while it runs: its run is cancelled as unscheduled
$node->safe_psql('postgres',
	"SELECT cron.schedule('sleeper', '1 seconds', 'SELECT pg_sleep(60)')");
my $s_id = jobid('sleeper');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $s_id"
		  . " AND status = 'running'"),
	'the sleeper runs');
$lines = change("SELECT cron.unschedule('sleeper')");
is_deeply($lines, ['reloaded 1 changed job(s), 0 found'],
	'unscheduling a running job is an incremental load');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $s_id"
		  . " AND status = 'failed'"
		  . " AND return_message = 'job run cancelled because the job was unscheduled'"
	),
	'its run in flight is cancelled as unscheduled');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 0 FROM cron.running_runs() WHERE jobid = $s_id"),
	'and ends');

# --- more rows in one transaction than the queue holds: a full reload
$lines = change(
	"SELECT count(cron.schedule('bulk' || g, '0 0 1 1 *', 'SELECT 9'))"
	  . " FROM generate_series(1, 1100) g");
my $jobs = $node->safe_psql('postgres', 'SELECT count(*) FROM cron.job');
is_deeply($lines, ["reloaded all jobs, $jobs found"],
	'a transaction past the queue makes a full reload');
ok(runs_again('e'), 'jobs keep running after the full reload');

$lines = change(
	"DELETE FROM cron.job WHERE jobname LIKE 'bulk%' AND jobname <> 'bulk7'");
is_deeply($lines, ["reloaded all jobs, " . ($jobs - 1099) . " found"],
	'a DELETE past the queue makes a full reload');
$lines = change(
	"SELECT cron.alter_job(jobid, schedule => '1 seconds') FROM cron.job"
	  . " WHERE jobname = 'bulk7'");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'after a full reload, loads are incremental again');
ok(runs_again('bulk7'), 'the altered bulk job runs');

# --- a new cron.timezone: every job without a zone follows it
$offset = -s $node->logfile;
$node->safe_psql('postgres',
	"ALTER SYSTEM SET cron.timezone = 'America/New_York'");
$node->reload;
$node->wait_for_log(qr/pg_beat: reloaded all jobs/, $offset);
pass('a new cron.timezone makes a full reload');
ok(runs_again('e'), 'jobs run after the zone change');

# --- TRUNCATE: a full reload, and nothing runs any more
$t = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
my $e_id = jobid('e');
$lines = change('TRUNCATE cron.job');
is_deeply($lines, ['reloaded all jobs, 0 found'],
	'TRUNCATE makes a full reload');
ok(stays_idle($e_id, $t), 'truncated jobs stop');

$lines = change("SELECT cron.schedule('g', '1 seconds', 'SELECT 10')");
is_deeply($lines, ['reloaded 1 changed job(s), 1 found'],
	'after TRUNCATE, a new job is an incremental load');
ok(runs_again('g'), 'and runs');

# --- a restart loads everything again
$offset = -s $node->logfile;
$node->restart;
$node->wait_for_log(qr/pg_beat: reloaded all jobs, 1 found/, $offset);
pass('a restarted launcher makes a full load');
ok(runs_again('g'), 'the job runs after the restart');

$node->stop;
done_testing();
