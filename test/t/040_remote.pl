# Remote jobs: a job whose nodename names another server runs there over
# libpq (SPEC section 6).  Two clusters: "scheduler" with pg_beat, and a
# plain "worker" listening on 127.0.0.1.  Outcomes and psql -c semantics on
# the remote side, connection failures, the connect timeout, a cancel (the
# job's timeout) and a terminate that reach the remote statement, and the
# names that mean "this server" whatever the port.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use IO::Socket::INET;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# --- the worker: no pg_beat, TCP on loopback with trust -----------------------
my $worker = PostgreSQL::Test::Cluster->new('worker');
$worker->init;
$worker->append_conf('postgresql.conf', "listen_addresses = '127.0.0.1'");
$worker->append_conf('pg_hba.conf', 'host all all 127.0.0.1/32 trust');
$worker->start;
my $wport = $worker->port;
$worker->safe_psql(
	'postgres', q{
CREATE TABLE t (x int, app text DEFAULT current_setting('application_name'));
CREATE TABLE multi (x int);
});

# --- the scheduler: cron.host names it, so that name runs jobs locally ------
my $scheduler = beat_node('scheduler', conf => "cron.host = 'scheduler.test'\n");
$scheduler->safe_psql('postgres',
	'CREATE TABLE local_t (nodename text, app text)');
# cron.job's trigger wants the database to exist here, even for a remote job
$scheduler->safe_psql('postgres', 'CREATE DATABASE only_on_scheduler');
my $user = $scheduler->safe_psql('postgres', 'SELECT current_user');

# a TCP port on which nothing listens, and one that accepts connections but
# never answers (the kernel completes the handshake; nobody reads)
my $closed_port = PostgreSQL::Test::Cluster::get_free_port();
my $silent = IO::Socket::INET->new(
	LocalAddr => '127.0.0.1',
	LocalPort => 0,
	Proto     => 'tcp',
	Listen    => 16)
  or die "could not listen on 127.0.0.1: $!";
my $silent_port = $silent->sockport;

# A job written straight into cron.job (the trigger validates it), as
# pg_cron's multi-node setups do.
sub job
{
	my (%o) = @_;
	my $command = $o{command};
	$command =~ s/'/''/g;
	my $node     = defined $o{nodename} ? $o{nodename} : '127.0.0.1';
	my $port     = defined $o{port}     ? $o{port}     : $wport;
	my $schedule = defined $o{schedule} ? $o{schedule} : '1 seconds';
	my $db       = defined $o{database} ? $o{database} : 'postgres';
	return $scheduler->safe_psql('postgres', qq{
INSERT INTO cron.job (schedule, command, nodename, nodeport, database, username)
VALUES ('$schedule', '$command', '$node', $port, '$db', '$user')
RETURNING jobid});
}

sub unschedule
{
	my ($jobid) = @_;
	$scheduler->safe_psql('postgres', "SELECT cron.unschedule($jobid)");
}

# Schedule everything at once, so the runs overlap in time; every assertion
# looks at a job's first finished run, and the job is unscheduled then.
my %job;
$job{insert}  = job(command => 'INSERT INTO t VALUES (1)');
$job{div0}    = job(command => 'SELECT 1/0');
$job{last}    = job(command => 'INSERT INTO multi VALUES (10); SELECT 42');
$job{rolled}  = job(command => 'INSERT INTO multi VALUES (20); SELECT 1/0');
$job{copyin}  = job(command => 'INSERT INTO multi VALUES (30); COPY multi FROM STDIN');
$job{copyout} = job(command => 'COPY (SELECT 1) TO STDOUT');
$job{big}     = job(command => "SELECT length('" . ('x' x 900_000) . "')");
$job{refused} = job(command => 'SELECT 1', port => $closed_port);
$job{nodb}    = job(command => 'SELECT 1', database => 'only_on_scheduler');
$job{silent} = job(command => 'SELECT 1', port => $silent_port);
for my $local ('localhost', '', 'scheduler.test')
{
	$job{"local:$local"} = job(
		command => "INSERT INTO local_t VALUES ('$local', current_setting('application_name'))",
		nodename => $local,
		port     => 1);
}
note(join(', ', map { "$_=$job{$_}" } sort keys %job));

sub first_run
{
	my ($name, $seconds) = @_;
	ok(wait_finished_runs($scheduler, $job{$name}, 1, $seconds || 30),
		"$name: a run finished");
	unschedule($job{$name});
	return first_finished_run($scheduler, $job{$name});
}

# --- outcomes -------------------------------------------------------------------
is(first_run('insert'), 'succeeded|INSERT 0 1|',
	'a remote run records the command tag');
is( $worker->safe_psql('postgres',
		"SELECT count(*) > 0 AND bool_and(app = 'pg_beat job $job{insert}') FROM t"),
	't',
	'the rows land on the worker, written by a session named after the job');
is( $scheduler->safe_psql(
		'postgres', qq{
SELECT job_pid > 0 AND start_time <= end_time FROM cron.job_run_details
 WHERE jobid = $job{insert} AND status = 'succeeded' ORDER BY runid LIMIT 1}),
	't',
	'the remote run has its job_pid, start_time and end_time');

is(first_run('div0'), 'failed|division by zero|22012',
	'a remote error records its message and SQLSTATE');

is(first_run('last'), 'succeeded|SELECT 1|',
	'several statements: the last command tag');
is($worker->safe_psql('postgres', 'SELECT count(*) > 0 FROM multi WHERE x = 10'),
	't', 'several statements: the earlier statement took effect');

is(first_run('rolled'), 'failed|division by zero|22012',
	'several statements, the last fails: the run failed');
is($worker->safe_psql('postgres', 'SELECT count(*) FROM multi WHERE x = 20'),
	'0', 'several statements, the last fails: the earlier one rolled back');

is( first_run('copyin'),
	'failed|COPY to or from the client is not supported in a job|0A000',
	'COPY FROM STDIN is refused');
is($worker->safe_psql('postgres', 'SELECT count(*) FROM multi WHERE x = 30'),
	'0', 'a refused COPY FROM STDIN aborts the whole string');
is( first_run('copyout'),
	'failed|COPY to or from the client is not supported in a job|0A000',
	'COPY TO STDOUT is refused');

is(first_run('big'), 'succeeded|SELECT 1|',
	'a command of 900 kB goes through whole');

# --- connection failures ---------------------------------------------------------
my $refused = first_run('refused');
like(
	$refused,
	qr/^failed\|could not connect to server "127\.0\.0\.1" port $closed_port: \S.*\|08001$/s,
	'a port nobody listens on: connection failure, SQLSTATE 08001');
unlike($refused, qr/\s\|08001$/,
	'the connection failure message has no trailing newline');
like(
	first_run('nodb'),
	qr/^failed\|could not connect to server "127\.0\.0\.1" port $wport: .*database "only_on_scheduler" does not exist\|08001$/s,
	'a database the worker does not have: connection failure with its reason');

# the executor asks for a 10 s connect timeout
like(
	first_run('silent', 60),
	qr/^failed\|could not connect to server "127\.0\.0\.1" port $silent_port: timeout expired\|08001$/,
	'a server that never answers: the connect timeout ends the run');
my $silent_secs = $scheduler->safe_psql('postgres', qq{
SELECT extract(epoch FROM end_time - start_time) FROM cron.job_run_details
 WHERE jobid = $job{silent} AND status = 'failed' ORDER BY runid LIMIT 1});
ok($silent_secs >= 9 && $silent_secs < 20,
	"the connect timeout is enforced (the run took $silent_secs s)");
is( $scheduler->safe_psql(
		'postgres', qq{
SELECT count(*) >= 5 AND max(l.start_time - l.scheduled_time) < interval '1 second'
  FROM cron.job_run_details l,
       (SELECT start_time AS s, end_time AS e FROM cron.job_run_details
         WHERE jobid = $job{silent} AND status = 'failed' ORDER BY runid LIMIT 1) w
 WHERE l.jobid = $job{'local:localhost'} AND l.scheduled_time BETWEEN w.s AND w.e}),
	't',
	'while the unreachable node is waited for, other jobs run on time');

# --- local names, whatever the port --------------------------------------------
for my $local ('localhost', '', 'scheduler.test')
{
	is(first_run("local:$local"), 'succeeded|INSERT 0 1|',
		"nodename '$local' with nodeport 1 runs locally");
}
is( $scheduler->safe_psql(
		'postgres',
		"SELECT string_agg(DISTINCT nodename, ',' ORDER BY nodename) FROM local_t"),
	',localhost,scheduler.test',
	'the local jobs wrote on the scheduler');

# --- a timeout cancels the remote statement ---------------------------------------
# A yearly schedule: the run comes from cron.run_job, and only that one.
sub remote_sleeping
{
	my ($jobid) = @_;
	return "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
	  . " AND application_name = 'pg_beat job $jobid'";
}

$job{timeout} = job(command => 'SELECT pg_sleep(30)', schedule => '0 0 1 1 *');
$scheduler->safe_psql('postgres',
	"SELECT cron.alter_job($job{timeout}, timeout => '1 second')");
my $log_offset = -s $worker->logfile;
my $runid = $scheduler->safe_psql('postgres', "SELECT cron.run_job($job{timeout})");
ok( poll_within(
		$scheduler, 'postgres',
		"SELECT status FROM cron.job_run_details WHERE runid = $runid",
		'failed', 30),
	'timeout: the run failed');
is( $scheduler->safe_psql(
		'postgres',
		"SELECT return_message || '|' || sqlstate FROM cron.job_run_details WHERE runid = $runid"),
	'job run exceeded its timeout of 00:00:01 and was cancelled|57014',
	'timeout: the history says why, SQLSTATE 57014');
my $timeout_secs = $scheduler->safe_psql('postgres',
	"SELECT extract(epoch FROM end_time - start_time) FROM cron.job_run_details WHERE runid = $runid");
ok($timeout_secs < 4,
	"timeout: the run stopped at once, not after the terminate grace ($timeout_secs s)");
ok(poll_within($worker, 'postgres', remote_sleeping($job{timeout}), '0', 5),
	'timeout: the remote statement is gone from the worker');
ok( $worker->log_contains(
		qr/pg_beat job $job{timeout} ERROR:  canceling statement due to user request/,
		$log_offset),
	'timeout: the worker cancelled the statement');

# --- a terminated run cancels the remote statement too -----------------------------
$job{terminate} = job(command => 'SELECT pg_sleep(30)', schedule => '0 0 1 1 *');
$log_offset = -s $worker->logfile;
$runid = $scheduler->safe_psql('postgres', "SELECT cron.run_job($job{terminate})");
ok(poll_within($worker, 'postgres', remote_sleeping($job{terminate}), '1', 30),
	'terminate: the statement runs on the worker');
ok( poll_within(
		$scheduler, 'postgres',
		"SELECT job_pid IS NOT NULL FROM cron.job_run_details WHERE runid = $runid AND status = 'running'",
		't', 30),
	'terminate: the history shows the run running');
my $job_pid = $scheduler->safe_psql('postgres',
	"SELECT job_pid FROM cron.job_run_details WHERE runid = $runid");
ok(kill('TERM', $job_pid), "terminate: SIGTERM to the run's process $job_pid");
ok(poll_within($worker, 'postgres', remote_sleeping($job{terminate}), '0', 5),
	'terminate: the remote statement is gone from the worker');
ok( $worker->log_contains(
		qr/pg_beat job $job{terminate} ERROR:  canceling statement due to user request/,
		$log_offset),
	'terminate: the worker cancelled the statement');
ok( poll_within(
		$scheduler, 'postgres',
		"SELECT status FROM cron.job_run_details WHERE runid = $runid",
		'failed', 30),
	'terminate: the run failed');

# --- cron.cancel_run reaches the remote statement ------------------------------------
$job{cancel} = job(command => 'SELECT pg_sleep(30)', schedule => '0 0 1 1 *');
$runid = $scheduler->safe_psql('postgres', "SELECT cron.run_job($job{cancel})");
ok(poll_within($worker, 'postgres', remote_sleeping($job{cancel}), '1', 30),
	'cancel_run: the statement runs on the worker');
is($scheduler->safe_psql('postgres', "SELECT cron.cancel_run($runid)"),
	't', 'cancel_run: the run was in flight');
ok(poll_within($worker, 'postgres', remote_sleeping($job{cancel}), '0', 5),
	'cancel_run: the remote statement is gone from the worker');
ok( poll_within(
		$scheduler, 'postgres',
		"SELECT status || '|' || return_message || '|' || sqlstate FROM cron.job_run_details WHERE runid = $runid",
		'failed|job run cancelled by cron.cancel_run()|57014', 30),
	'cancel_run: the history records the cancel');

# --- the worker ends the session ------------------------------------------------------
$job{killed} = job(command => 'SELECT pg_sleep(30)', schedule => '0 0 1 1 *');
$runid = $scheduler->safe_psql('postgres', "SELECT cron.run_job($job{killed})");
ok(poll_within($worker, 'postgres', remote_sleeping($job{killed}), '1', 30),
	'remote terminate: the statement runs on the worker');
$worker->safe_psql('postgres',
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pg_beat job $job{killed}'");
ok( poll_within(
		$scheduler, 'postgres',
		"SELECT status || '|' || return_message || '|' || sqlstate FROM cron.job_run_details WHERE runid = $runid",
		'failed|terminating connection due to administrator command|57P01', 30),
	'remote terminate: the run failed with the remote FATAL');

# --- nothing left behind ---------------------------------------------------------------
ok( poll_within(
		$worker, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'pg_beat job %'",
		'0', 10),
	'no session of a job is left on the worker');

close($silent);
done_testing();
