# A run's recorded outcome is what happened (issue 14, item 5), also when
# the server stops, crashes or fails over under it:
#  - a shutdown records the runs it ends; a session stopped while it waited
#    for its slot never began: skipped, not failed, no on_failure;
#  - a run a crash interrupted may have committed: recorded with an unknown
#    outcome and never retried;
#  - after a promotion, what the standby replayed last bounds what of the
#    old primary's runs can be here: a run none of whose work can have
#    reached it is skipped (and runs again within the misfire grace) or, if
#    it was running, failed and retried; the others are of unknown outcome
#    and never retried.
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
is( sql(qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick
    AND status = 'failed'}), '0',
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
# A crash: the run may have committed, so it is not retried
# ---------------------------------------------------------------------
sql(q{CREATE TABLE long_runs (runid bigint)});
my $long = sql(q{SELECT cron.schedule('long', '0 0 1 1 *',
    $$INSERT INTO public.long_runs VALUES (current_setting('cron.run_id')::bigint);
      COMMIT; SELECT pg_sleep(60)$$)});
sql("SELECT cron.alter_job($long, max_retries => 2, retry_delay => '1 second')");
sql("SELECT cron.run_job($long)");
ok(poll_within($node, 'postgres', 'SELECT count(*) = 1 FROM long_runs'),
	'the long run committed its first part');
my $crashed = sql('SELECT runid FROM long_runs');
$node->stop('immediate');
$node->start;
ok( poll_within(
		$node, 'postgres',
		"SELECT status FROM cron.job_run_details WHERE runid = $crashed",
		'failed'),
	'the crashed run is closed');
like(
	sql("SELECT return_message FROM cron.job_run_details WHERE runid = $crashed"),
	qr/^server restarted while the run was in flight; its command may have committed, so its outcome is unknown and it is not retried$/,
	'its outcome is unknown, and it says so');
# a retry would be due a second after the restart: give it three
my $deadline = sql("SELECT clock_timestamp() + interval '3 s'");
wait_until_time($node, $deadline);
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $long"),
	'1', 'it is not retried: its committed work is not done twice');
is(sql('SELECT count(*) FROM long_runs'), '1', 'its work was done once');
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
$deadline = $standby->safe_psql('postgres', "SELECT clock_timestamp() + interval '3 s'");
wait_until_time($standby, $deadline);
is( $standby->safe_psql('postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $job{past}"),
	'1', 'and it is not retried');
$standby->stop;
done_testing();
