# A run means what psql -c at that instant means (issue 14), on PostgreSQL's
# default settings (max_worker_processes = 8):
#  - the command's now(), statement_timestamp() and pg_stat_activity row are
#    those of a session started at the slot, pooled or prewarmed;
#  - what a DBA set for sessions applies: log_statement,
#    log_min_duration_statement, session_preload_libraries, connection
#    limits of the role and of the database;
#  - a run stopped before its command began is skipped, not failed, and
#    fires no on_failure;
#  - a run that finds no free background worker waits for one instead of
#    failing, and idle pooled sessions never make a due run wait.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = beat_node(
	'semantics',
	conf => q{
cron.session_idle_timeout = '5min'
log_statement = 'ddl'
log_min_duration_statement = 0
session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = 0
});

sub sql { return $node->safe_psql('postgres', $_[0]); }

is(sql('SHOW max_worker_processes'), '8',
	'the cluster runs on the default max_worker_processes');

# ---------------------------------------------------------------------
# The run's own clock
# ---------------------------------------------------------------------
sql(q{
CREATE TABLE clock (jobid bigint, slot timestamptz, pid int,
    now timestamptz, stmt timestamptz, clock timestamptz,
    xact_start timestamptz, query_start timestamptz, state text);
});
my $clock_cmd = q{INSERT INTO public.clock
    SELECT current_setting('cron.job_id')::bigint,
           current_setting('cron.scheduled_time')::timestamptz,
           pg_backend_pid(), now(), statement_timestamp(), clock_timestamp(),
           a.xact_start, a.query_start, a.state
    FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()};
my $clock_job = sql("SELECT cron.schedule('clock', '1 seconds', \$\$$clock_cmd\$\$)");
ok(poll_within($node, 'postgres', 'SELECT count(*) >= 6 FROM clock', 't', 60),
	'the every-second job ran six times');
sql("SELECT cron.unschedule($clock_job)");

my ($rows, $pids) = split /\|/,
  sql('SELECT count(*), count(DISTINCT pid) FROM clock');
cmp_ok($pids, '<', $rows, "pooled sessions ran some of the runs ($pids sessions, $rows runs)");
is( sql(q{SELECT count(*) FROM clock
    WHERE clock - now > interval '100 ms'}), '0',
	'now() is the instant the command started, pooled or prewarmed');
is(sql('SELECT count(*) FROM clock WHERE now < slot'),
	'0', 'now() is never earlier than the slot');
is( sql(q{SELECT count(*) FROM clock
    WHERE xact_start IS DISTINCT FROM now OR query_start IS DISTINCT FROM stmt
       OR state IS DISTINCT FROM 'active'}), '0',
	'pg_stat_activity shows the run as a new statement in a new transaction');
is( sql(qq{SELECT count(*) FROM clock c JOIN cron.job_run_details r
    ON r.jobid = c.jobid AND r.scheduled_time = c.slot
    WHERE abs(extract(epoch FROM r.start_time - c.now)) > 0.001}), '0',
	'the history\'s start_time is the command\'s now()');

# ---------------------------------------------------------------------
# What a DBA set for sessions
# ---------------------------------------------------------------------
my $log_offset = -s $node->logfile;
my $ddl = sql(q{SELECT cron.schedule('ddl', '1 seconds',
    'CREATE TABLE IF NOT EXISTS ddl_marker_table (i int)')});
my $sel = sql(q{SELECT cron.schedule('sel', '1 seconds', 'SELECT 31337 AS duration_marker')});
ok( $node->wait_for_log(
		qr/statement: CREATE TABLE IF NOT EXISTS ddl_marker_table/, $log_offset),
	'log_statement = ddl logs the job\'s DDL');
ok( $node->wait_for_log(
		qr/duration: [0-9.]+ ms  statement: SELECT 31337 AS duration_marker/,
		$log_offset),
	'log_min_duration_statement logs the job\'s statement with its duration');
ok( $node->wait_for_log(qr/Query Text: SELECT 31337 AS duration_marker/,
		$log_offset),
	'session_preload_libraries (auto_explain) is loaded in job sessions');
sql("SELECT cron.unschedule($ddl); SELECT cron.unschedule($sel)");

# Connection limits: CONNECTION LIMIT 0 locks a role out, as for psql.
sql(q{
CREATE ROLE alice LOGIN CONNECTION LIMIT 0;
GRANT USAGE ON SCHEMA cron TO alice;
CREATE TABLE alice_runs (pid int);
GRANT INSERT ON alice_runs TO alice;
});
my $alice = sql(q{SET ROLE alice;
    SELECT cron.schedule('alice', '0 0 1 1 *', 'INSERT INTO public.alice_runs VALUES (pg_backend_pid())')});
sub run_alice
{
	my $n = sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $alice");
	sql("SELECT cron.run_job($alice)");
	poll_within($node, 'postgres',
		"SELECT count(*) > $n FROM cron.job_run_details WHERE jobid = $alice"
		  . " AND status IN ('succeeded', 'failed', 'skipped')");
	return sql("SELECT status || '|' || coalesce(sqlstate, '') || '|' || return_message"
		  . " FROM cron.job_run_details WHERE jobid = $alice ORDER BY runid DESC LIMIT 1");
}
is(run_alice(), 'failed|53300|too many connections for role "alice"',
	'a role with CONNECTION LIMIT 0 gets no run');
sql('ALTER ROLE alice CONNECTION LIMIT -1');
like(run_alice(), qr/^succeeded/, 'the run goes once the limit is lifted');
like(run_alice(), qr/^succeeded/, 'and again, in a pooled session');

# A limit of 1 with one client connection of alice open: the run would be
# the second connection.  The pooled session is no excuse.
sql('ALTER ROLE alice CONNECTION LIMIT 1');
like(run_alice(), qr/^succeeded/, 'limit 1: the run alone is within it');
my $held = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => [ '-U', 'alice' ]);
$held->query_safe('SELECT 1');
is(run_alice(), 'failed|53300|too many connections for role "alice"',
	'limit 1 with a client connected: the run is refused');
$held->quit;
sql('ALTER ROLE alice CONNECTION LIMIT -1');

sql(q{CREATE DATABASE locked CONNECTION LIMIT 0});
sql(q{GRANT CONNECT ON DATABASE locked TO alice});
$node->safe_psql('locked', 'CREATE TABLE public.alice_runs (pid int); GRANT INSERT ON alice_runs TO alice');
sql("SELECT cron.alter_job($alice, database => 'locked')");
is(run_alice(), 'failed|53300|too many connections for database "locked"',
	'a database with CONNECTION LIMIT 0 gets no run');
sql('ALTER DATABASE locked CONNECTION LIMIT -1');
like(run_alice(), qr/^succeeded/, 'the database\'s run goes once its limit is lifted');
sql("SELECT cron.alter_job($alice, database => 'postgres')");

# ---------------------------------------------------------------------
# Runs stopped before their command began
# ---------------------------------------------------------------------
sql(q{CREATE TABLE failures (run text)});
my $pause = sql(q{SELECT cron.schedule('pause', '1 seconds', 'SELECT 1')});
sql(qq{SELECT cron.alter_job($pause,
    on_failure => \$\$INSERT INTO public.failures VALUES (current_setting('cron.failed_run'))\$\$)});
ok(wait_finished_runs($node, $pause, 2), 'the job to pause runs');
# pause and resume at every point of the second, prewarm window included
for my $i (1 .. 25)
{
	usleep(37_000 * ($i % 7) + 61_000);
	sql("SELECT cron.alter_job($pause, active => false)");
	usleep(23_000 * ($i % 5) + 150_000);
	sql("SELECT cron.alter_job($pause, active => true)");
}
sql("SELECT cron.alter_job($pause, active => false)");
ok( poll_within($node, 'postgres',
		"SELECT count(*) = 0 FROM cron.running_runs() WHERE jobid = $pause"),
	'the paused job has no run in flight');
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $pause AND status = 'failed'"),
	'0', 'pausing and resuming never records a failure');
is(sql('SELECT count(*) FROM failures'), '0', 'and never fires on_failure');
is( sql(qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $pause
    AND status = 'skipped' AND return_message NOT LIKE 'job run skipped: %'}),
	'0', 'a run stopped before it began says why it was skipped');
note('skipped before start: '
	  . sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $pause AND status = 'skipped'"));

# ---------------------------------------------------------------------
# Background workers: default max_worker_processes
# ---------------------------------------------------------------------
# alice's burst leaves idle pooled sessions holding workers; bob's job is
# due next and must not wait for them, let alone fail.
sql(q{
CREATE ROLE bob LOGIN;
GRANT USAGE ON SCHEMA cron TO bob;
CREATE TABLE burst (who text, slot timestamptz, at timestamptz);
GRANT INSERT ON burst TO alice, bob;
});
$log_offset = -s $node->logfile;

# Start from no job session at all: a pool-invalidating statement retires
# the idle ones, so that alice's six sessions take the six free workers.
sql('ALTER ROLE alice CONNECTION LIMIT -1');
ok( poll_within(
		$node, 'postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'pg_beat job'}),
	'no job session is left');
my @burst;
for my $i (1 .. 6)
{
	push @burst, sql(qq{SET ROLE alice;
        SELECT cron.schedule('burst$i', '0 0 1 1 *',
        \$\$INSERT INTO public.burst VALUES ('alice', NULL, clock_timestamp())\$\$)});
}
sql(join '', map { "SELECT cron.run_job($_);" } @burst);
ok(poll_within($node, 'postgres', "SELECT count(*) = 6 FROM burst WHERE who = 'alice'"),
	'alice\'s burst of six ran');
ok( poll_within($node, 'postgres',
		q{SELECT count(*) >= 3 FROM pg_stat_activity WHERE application_name = 'pg_beat idle session'}),
	'idle pooled sessions hold workers');
my $bob = sql(q{SET ROLE bob;
    SELECT cron.schedule('bob', '1 seconds',
    $$INSERT INTO public.burst VALUES ('bob', current_setting('cron.scheduled_time')::timestamptz, clock_timestamp())$$)});
ok(poll_within($node, 'postgres', "SELECT count(*) >= 3 FROM burst WHERE who = 'bob'"),
	'bob\'s due job runs while alice\'s sessions were idle');
sql("SELECT cron.unschedule($bob)");
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $bob AND status = 'failed'"),
	'0', 'bob\'s runs never failed for want of a worker');
cmp_ok(sql(q{SELECT extract(epoch FROM max(at - slot)) FROM burst WHERE who = 'bob'}),
	'<', 1.5, 'and none started late by more than the time to free a worker');

# a shortage episode ends once no run has waited for 10 s, and says so
if (slurp_file($node->logfile, $log_offset) =~ /out of background worker slots/)
{
	ok( $node->wait_for_log(qr/background workers are free again/, $log_offset),
		'the shortage is reported over');
}

# Twelve long runs at once on six free workers: half wait, all succeed.
sql(q{CREATE TABLE long_runs (jobid bigint)});
my @long;
for my $i (1 .. 12)
{
	push @long, sql(qq{SELECT cron.schedule('long$i', '0 0 1 1 *',
        \$\$INSERT INTO public.long_runs VALUES (current_setting('cron.job_id')::bigint); SELECT pg_sleep(2)\$\$)});
}
$log_offset = -s $node->logfile;
sql(join '', map { "SELECT cron.run_job($_);" } @long);
ok( poll_within($node, 'postgres',
		q{SELECT count(*) > 0 FROM cron.running_runs()
        WHERE wait_event = 'WaitingForBackgroundWorker'}),
	'cron.running_runs() shows runs waiting for a background worker');
ok( poll_within($node, 'postgres',
		'SELECT count(*) = 12 FROM cron.job_run_details WHERE jobid = ANY (ARRAY['
		  . join(',', @long)
		  . "]) AND status = 'succeeded'", 't', 60),
	'all twelve runs succeeded');
is(sql('SELECT count(*) FROM long_runs'), '12', 'each ran once');
ok($node->wait_for_log(qr/background workers are free again/, $log_offset),
	'the episode is reported over');
my $log = slurp_file($node->logfile, $log_offset);
my $warnings = () = $log =~ /out of background worker slots/g;
is($warnings, 1, 'one warning for the episode');
unlike($log, qr/max_worker_processes is exhausted/, 'no run failed for it');

$node->stop;
done_testing();
