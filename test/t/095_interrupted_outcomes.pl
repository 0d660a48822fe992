# A run's recorded outcome is what happened (issue 14, item 5), also when
# the server stops, crashes or fails over under it:
#  - a shutdown records the runs it ends; a session stopped while it waited
#    for its slot never began: skipped, not failed, no on_failure;
#  - a run a crash interrupted is recorded by what of its command committed,
#    as its own rows in cron.run_commits say: all of it (succeeded), nothing
#    (failed, retried) or a part (failed, never retried);
#  - after a promotion, what the standby replayed last bounds what of the
#    old primary's runs can be here: a run none of whose work can have
#    reached it is skipped (and runs again within the misfire grace) or, if
#    it was running, failed and retried; the others are of unknown outcome
#    and never retried, unless their own rows in cron.run_commits, which
#    the standby replayed with their commits, say what committed.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);

my $node = beat_node('stops',
	conf => "cron.session_idle_timeout = '5min'\nlog_min_messages = debug1\n");
sub sql { return $node->safe_psql('postgres', $_[0]); }

# ---------------------------------------------------------------------
# Shutdowns aimed at the moment a session waits for its slot
# ---------------------------------------------------------------------
sql(q{CREATE TABLE failures (run text)});
my $tick = sql(q{SELECT cron.schedule('tick', '1 seconds', 'SELECT 1')});
sql(qq{SELECT cron.alter_job($tick,
    on_failure => \$\$INSERT INTO public.failures VALUES (current_setting('cron.failed_run'))\$\$)});

my $skipped = 0;
for my $try (1 .. 4)
{
	ok(wait_finished_runs($node, $tick, 2 * $try), "try $try: the job runs");
	# sessions are prewarmed up to 200 ms before each whole second
	my $now = time();
	my $frac = $now - int($now);
	my $wait = ($frac < 0.88 ? 0.88 - $frac : 1.88 - $frac);
	usleep(int($wait * 1_000_000));
	$node->stop('fast');
	$node->start;
	$skipped = sql(qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick
        AND status = 'skipped'
        AND return_message LIKE 'job run skipped: its session stopped before the command started%'});
	last if $skipped > 0 && $try >= 2;
}
cmp_ok($skipped, '>', 0,
	'a session stopped while it waited for its slot: skipped, with the reason');
# (a shutdown that catches the launcher in the middle of an iteration ends
# it at once, as any backend; the runs it had not recorded yet are closed at
# the next start with an unknown outcome, which is not a failure verdict)
is( sql(qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick
    AND status = 'failed' AND return_message NOT LIKE '%its outcome is unknown%'}), '0',
	'shutdowns never record the job as failed');
is(sql('SELECT count(*) FROM failures'), '0', 'and never fire on_failure');
is( sql(qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick
    AND status IN ('starting', 'running') AND runid NOT IN
      (SELECT runid FROM cron.running_runs())}), '0',
	'every run the shutdowns ended has its final status');
sql("SELECT cron.unschedule($tick)");

# ---------------------------------------------------------------------
# cron.log_run turned off while a run goes: its row still gets its outcome
# ---------------------------------------------------------------------
my $slow = sql(q{SELECT cron.schedule('slow', '0 0 1 1 *', 'SELECT pg_sleep(1.5)')});
sql("SELECT cron.run_job($slow)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $slow AND status = 'running'"),
	'the slow run is recorded running');
sql('ALTER SYSTEM SET cron.log_run = off; SELECT pg_reload_conf()');
ok( poll_within(
		$node, 'postgres',
		"SELECT status FROM cron.job_run_details WHERE jobid = $slow", 'succeeded'),
	'it gets its outcome although cron.log_run went off meanwhile');
sql('ALTER SYSTEM RESET cron.log_run; SELECT pg_reload_conf()');
sql("SELECT cron.unschedule($slow)");

# ---------------------------------------------------------------------
# A launcher restarted with a run in flight adopts it, and the run still
# counts for the job's overlap policy (queue: never two at once)
# ---------------------------------------------------------------------
my $queue = sql(q{SELECT cron.schedule('queue', '1 seconds', 'SELECT pg_sleep(2.5)')});
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.running_runs() WHERE jobid = $queue AND status = 'running'"),
	'the queued job runs');
my $old_launcher = launcher_pid($node);
sql("SELECT pg_terminate_backend($old_launcher)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'"
		  . " AND pid <> $old_launcher"),
	'a new launcher took over');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 4 FROM cron.job_run_details WHERE jobid = $queue AND status = 'succeeded'",
		't', 40),
	'the job goes on running');
sql("SELECT cron.unschedule($queue)");
is( sql(qq{SELECT count(*) FROM cron.job_run_details a JOIN cron.job_run_details b
    ON a.jobid = b.jobid AND a.runid < b.runid
    WHERE a.jobid = $queue AND a.start_time < b.end_time AND b.start_time < a.end_time}),
	'0', 'no two runs of the queue job overlapped across the launcher restart');

# ---------------------------------------------------------------------
# Recording a run's commits never changes its outcome: serializable and
# repeatable-read commands that read the history while the launcher
# updates their row ('running'), a read-only one
# ---------------------------------------------------------------------
sql(q{CREATE TABLE iso_runs (level text)});
my @iso;
for my $level ('SERIALIZABLE', 'REPEATABLE READ')
{
	push @iso, sql(qq{SELECT cron.schedule('iso $level', '0 0 1 1 *',
        \$\$SET TRANSACTION ISOLATION LEVEL $level;
          SELECT count(*) FROM cron.job_run_details; SELECT pg_sleep(0.3);
          INSERT INTO public.iso_runs VALUES ('$level')\$\$)});
}
push @iso, sql(q{SELECT cron.schedule('iso read only', '0 0 1 1 *',
    $$SET TRANSACTION READ ONLY; SELECT count(*) FROM cron.job_run_details$$)});
sql("SELECT cron.run_job($_)") for @iso;
ok(wait_finished_runs($node, $_, 1), "isolation job $_ ends") for @iso;
is( sql("SELECT string_agg(status, ',') FROM cron.job_run_details WHERE jobid IN (" . join(',', @iso) . ")"),
	'succeeded,succeeded,succeeded', 'they all succeed');
is(sql('SELECT count(*) FROM iso_runs'), '2', 'and the writing ones committed');

# ---------------------------------------------------------------------
# A crash: a run's own commits (cron.run_commits, 1.2) say what of its
# command committed
# ---------------------------------------------------------------------
sql(q{CREATE TABLE long_runs (runid bigint)});

# part of it committed: not retried
my $long = sql(q{SELECT cron.schedule('long', '0 0 1 1 *',
    $$INSERT INTO public.long_runs VALUES (current_setting('cron.run_id')::bigint);
      COMMIT; SELECT pg_sleep(60)$$)});
sql("SELECT cron.alter_job($long, max_retries => 2, retry_delay => '1 second')");

# nothing of it committed: a failure, retried
my $none = sql(q{SELECT cron.schedule('none', '0 0 1 1 *',
    $$INSERT INTO public.long_runs VALUES (current_setting('cron.run_id')::bigint);
      SELECT pg_sleep(60)$$)});
sql("SELECT cron.alter_job($none, max_retries => 1, retry_delay => '1 second')");

# all of it committed, but the run's end could not be recorded before the
# crash: the history row is held locked, and the session is let commit
my $done = sql(q{SELECT cron.schedule('done', '0 0 1 1 *',
    $$INSERT INTO public.long_runs VALUES (current_setting('cron.run_id')::bigint);
      SELECT pg_advisory_xact_lock_shared(4242)$$)});
sql("SELECT cron.alter_job($done, max_retries => 2, retry_delay => '1 second')");

# the same in another database: the launcher records its final commit
sql('CREATE DATABASE other');
$node->safe_psql('other', 'CREATE TABLE xruns (runid bigint)');
my $xdone = sql(q{SELECT cron.schedule_in_database('xdone', '0 0 1 1 *',
    $$INSERT INTO public.xruns VALUES (current_setting('cron.run_id')::bigint);
      SELECT pg_advisory_xact_lock_shared(4242)$$, 'other')});

# a run that waits for its exclusive group: 'starting', nothing began
my $hold = sql(q{SELECT cron.schedule('hold', '0 0 1 1 *', 'SELECT pg_sleep(60)')});
sql("SELECT cron.alter_job($hold, exclusive_group => 'g')");

my $gate = $node->background_psql('postgres');
$gate->query_safe('SELECT pg_advisory_lock(4242)');
my $xgate = $node->background_psql('other');
$xgate->query_safe('SELECT pg_advisory_lock(4242)');
sql("SELECT cron.run_job($long)");
sql("SELECT cron.run_job($none)");
sql("SELECT cron.run_job($done)");
sql("SELECT cron.run_job($xdone)");
sql("SELECT cron.run_job($hold)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'pg_beat job $hold'"
		  . " AND wait_event = 'PgSleep'"),
	'a run of group g goes');
my $waits = sql(q{SELECT cron.schedule_in_database('waits', '* * * * * *', 'SELECT 1', 'postgres',
    exclusive_group => 'g')});
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.running_runs() WHERE jobid = $waits"
		  . " AND wait_event = 'WaitingForExclusiveGroup'"),
	'another waits for it, recorded starting');
my ($waiting, $waiting_slot) = split /\|/,
  sql("SELECT runid || '|' || scheduled_time FROM cron.job_run_details WHERE jobid = $waits ORDER BY runid LIMIT 1");
ok( poll_within(
		$node, 'postgres',
		"SELECT status = 'running' FROM cron.job_run_details WHERE jobid = $none"),
	'the uncommitted run is recorded running');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM long_runs WHERE runid IN"
		  . " (SELECT runid FROM cron.job_run_details WHERE jobid = $long)"),
	'the long run committed its first part');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 3 FROM pg_stat_activity WHERE application_name IN"
		  . " ('pg_beat job $none', 'pg_beat job $done', 'pg_beat job $xdone')"
		  . " AND wait_event IN ('PgSleep', 'advisory')"),
	'the other three wait inside their transactions');
my $partial   = sql("SELECT runid FROM cron.job_run_details WHERE jobid = $long");
my $nothing   = sql("SELECT runid FROM cron.job_run_details WHERE jobid = $none");
my $committed = sql("SELECT runid FROM cron.job_run_details WHERE jobid = $done");
my $xcommitted = sql("SELECT runid FROM cron.job_run_details WHERE jobid = $xdone");
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN');
$holder->query_safe(
	"SELECT 1 FROM cron.job_run_details WHERE runid IN ($committed, $xcommitted) FOR UPDATE");
$gate->query_safe('SELECT pg_advisory_unlock(4242)');
$xgate->query_safe('SELECT pg_advisory_unlock(4242)');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM long_runs WHERE runid = $committed"),
	'the gated run committed');
ok( poll_within(
		$node, 'other',
		"SELECT count(*) = 1 FROM xruns WHERE runid = $xcommitted"),
	'the gated run in the other database committed');
like(sql("SELECT string_agg(status, ',') FROM cron.job_run_details WHERE runid IN ($committed, $xcommitted)"),
	qr/^(starting|running),(starting|running)$/, 'and their ends are not recorded yet');
is( sql("SELECT final FROM cron.run_commits WHERE runid = $xcommitted AND xid IS NOT NULL"),
	't', 'the launcher recorded the other database\'s final transaction');
is( sql("SELECT string_agg(final::text, ',') FROM cron.run_commits WHERE runid = $committed"),
	'true', 'its final commit is recorded by the run itself');
is( sql("SELECT string_agg(final::text, ',') FROM cron.run_commits WHERE runid = $partial"),
	'false', 'the long run\'s first commit too, not final');
is(sql("SELECT count(*) FROM cron.run_commits WHERE runid = $nothing"),
	'0', 'nothing of the uncommitted run');
$node->stop('immediate');
eval { $gate->quit; };
eval { $xgate->quit; };
eval { $holder->quit; };
$node->start;
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 0 FROM cron.job_run_details WHERE runid IN ($partial, $nothing, $committed, $xcommitted, $waiting)"
		  . " AND status IN ('starting', 'running')"),
	'the crashed runs are closed');
is( sql("SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $committed"),
	"succeeded|its command committed; the server restarted before the run's end was recorded",
	'a run whose command committed succeeded, and it says so');
is( sql("SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $xcommitted"),
	"succeeded|its command committed; the server restarted before the run's end was recorded",
	'so did the one in the other database');
is( sql("SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $partial"),
	'failed|server restarted while the run was in flight; part of its command had committed, so it is not retried',
	'a run of which a part committed failed, and it says so');
is( sql("SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $nothing"),
	'failed|server restarted while the run was in flight, before any of its command committed',
	'a run of which nothing committed failed');
is( sql("SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $waiting"),
	'skipped|job run skipped: the server restarted before the run took effect (none of its command committed)',
	'a run still starting of which nothing committed took no effect: skipped');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $waits"
		  . " AND scheduled_time = '$waiting_slot' AND attempt = 2 AND status = 'succeeded'"),
	'and its slot runs late, once, within the misfire grace');
sql("SELECT cron.unschedule($waits)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $none AND attempt = 2"),
	'and is retried: nothing of it is done twice');
# a retry would be due a second after the restart: give it three
my $deadline = sql("SELECT clock_timestamp() + interval '3 s'");
wait_until_time($node, $deadline);
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid IN ($long, $done, $xdone)"),
	'3', 'the others are not retried: their committed work is not done twice');
is($node->safe_psql('other', 'SELECT count(*) FROM xruns'), '1', 'the other database\'s too');
is(sql("SELECT count(*) FROM long_runs WHERE runid IN ($partial, $committed)"),
	'2', 'their work was done once');
is(sql("SELECT count(*) FROM long_runs WHERE runid = $nothing"),
	'0', 'the uncommitted run left nothing');
is(sql("SELECT count(*) FROM cron.run_commits WHERE runid IN ($partial, $nothing, $committed)"),
	'0', 'their commit rows went with them');
$node->stop;

# ---------------------------------------------------------------------
# Failover: what reached the standby decides
# ---------------------------------------------------------------------
my $primary = beat_node('fo_primary', allows_streaming => 1);
$primary->safe_psql('postgres', q{
CREATE TABLE runs (jobid bigint, slot timestamptz, attempt int);
});
my %job;
for my $name (qw(future past running))
{
	$job{$name} = $primary->safe_psql('postgres', qq{
        SELECT cron.schedule('$name', '0 0 1 1 *',
        \$\$INSERT INTO public.runs VALUES (current_setting('cron.job_id')::bigint,
            nullif(current_setting('cron.scheduled_time'), '')::timestamptz,
            (SELECT max(attempt) FROM cron.job_run_details
              WHERE runid = current_setting('cron.run_id')::bigint))\$\$)});
	$primary->safe_psql('postgres',
		"SELECT cron.alter_job($job{$name}, max_retries => 1, retry_delay => '1 second')");
}
$primary->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('fo_standby');
$standby->init_from_backup($primary, 'b1', has_streaming => 1);
$standby->start;

# Real runs in flight at the failover: one whose command committed (its end
# held from being recorded, as above), one of which nothing committed.
my $fo_done = $primary->safe_psql('postgres', q{
    SELECT cron.schedule('fo_done', '0 0 1 1 *',
    $$INSERT INTO public.runs VALUES (current_setting('cron.job_id')::bigint, NULL, 1);
      SELECT pg_advisory_xact_lock_shared(4242)$$)});
my $fo_none = $primary->safe_psql('postgres', q{
    SELECT cron.schedule('fo_none', '0 0 1 1 *',
    $$INSERT INTO public.runs VALUES (current_setting('cron.job_id')::bigint, NULL, 1);
      SELECT pg_sleep(60)$$)});
$primary->safe_psql('postgres',
	"SELECT cron.alter_job($fo_none, max_retries => 1, retry_delay => '1 second')");
my $fo_gate = $primary->background_psql('postgres');
$fo_gate->query_safe('SELECT pg_advisory_lock(4242)');
$primary->safe_psql('postgres', "SELECT cron.run_job($fo_done); SELECT cron.run_job($fo_none)");
ok( poll_within(
		$primary, 'postgres',
		"SELECT count(*) = 2 FROM pg_stat_activity WHERE application_name IN"
		  . " ('pg_beat job $fo_done', 'pg_beat job $fo_none')"
		  . " AND wait_event IN ('PgSleep', 'advisory')"),
	'two runs wait inside their transactions on the primary');
ok( poll_within(
		$primary, 'postgres',
		"SELECT status = 'running' FROM cron.job_run_details WHERE jobid = $fo_none"),
	'the uncommitted one is recorded running');
my $fo_committed = $primary->safe_psql('postgres',
	"SELECT runid FROM cron.job_run_details WHERE jobid = $fo_done");
my $fo_nothing = $primary->safe_psql('postgres',
	"SELECT runid FROM cron.job_run_details WHERE jobid = $fo_none");
my $fo_holder = $primary->background_psql('postgres');
$fo_holder->query_safe('BEGIN');
$fo_holder->query_safe(
	"SELECT 1 FROM cron.job_run_details WHERE runid = $fo_committed FOR UPDATE");
$fo_gate->query_safe('SELECT pg_advisory_unlock(4242)');
ok( poll_within(
		$primary, 'postgres',
		"SELECT count(*) = 1 FROM runs WHERE jobid = $fo_done"),
	'the gated run committed on the primary');


# Runs as the old primary's history left them when it died: one whose slot
# is after everything the standby will have replayed, one long before, one
# recorded running after it.  (Written by hand: the moment of a real
# failover cannot be aimed at.)
$primary->safe_psql('postgres', qq{
INSERT INTO cron.job_run_details (jobid, status, scheduled_time, start_time)
VALUES ($job{future}, 'starting', clock_timestamp() + interval '4 s', NULL),
       ($job{past}, 'starting', clock_timestamp() - interval '20 s', NULL),
       ($job{running}, 'running', clock_timestamp() - interval '20 s',
        clock_timestamp() + interval '4 s');
});

$primary->wait_for_catchup($standby);
$primary->stop('immediate');
eval { $fo_gate->quit; };
eval { $fo_holder->quit; };
$standby->promote;

sub row
{
	my ($name) = @_;
	return $standby->safe_psql('postgres',
		"SELECT status || '|' || return_message FROM cron.job_run_details"
		  . " WHERE jobid = $job{$name} AND attempt = 1");
}
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) = 0 FROM cron.job_run_details WHERE status IN ('starting', 'running') AND attempt = 1"
	),
	'the promoted standby closed the old primary\'s runs');
is( row('future'),
	'skipped|job run skipped: the primary changed before the run took effect (none of its work reached this server)',
	'a run none of whose work can be here never took effect: skipped');
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) = 1 FROM runs WHERE jobid = $job{future} AND attempt = 2"),
	'and its slot runs late, once, within the misfire grace');
is( row('running'),
	'failed|primary changed: the run was in flight on the previous primary, and none of its work reached this server',
	'a running run none of whose work can be here failed');
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) = 1 FROM runs WHERE jobid = $job{running} AND attempt = 2"),
	'and is retried');
like(row('past'),
	qr/^failed\|primary changed: .*its command may have committed, so its outcome is unknown and it is not retried$/,
	'a run that may have committed: outcome unknown');
is( $standby->safe_psql('postgres',
		"SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $fo_committed"),
	"succeeded|its command committed on the previous primary, which stopped before the run's end was recorded",
	'a run whose command committed on the old primary succeeded');
is( $standby->safe_psql('postgres',
		"SELECT status || '|' || return_message FROM cron.job_run_details WHERE runid = $fo_nothing"),
	'failed|primary changed: the run was in flight on the previous primary when this server was promoted, before any of its command committed',
	'a run of which nothing committed on the old primary failed');
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $fo_none AND attempt = 2"),
	'and is retried on the new primary');
$deadline = $standby->safe_psql('postgres', "SELECT clock_timestamp() + interval '3 s'");
wait_until_time($standby, $deadline);
is( $standby->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $job{past}"),
	'1', 'and it is not retried');
is( $standby->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $fo_done"),
	'1', 'nor is the run that committed');
is($standby->safe_psql('postgres', "SELECT count(*) FROM runs WHERE jobid = $fo_done"),
	'1', 'its work was done once');
$standby->stop;
done_testing();
