# Exactly once without history (issue 14 item 3): each job's progress is
# kept durably with its runs (cron.job_stats.slots_done_until) and where its
# slots count from (cron.job_progress), so a restart finds the slots it
# missed for a job with cron.log_run off and for a job that has not run
# yet, and runs none of them twice; a retry started without a history row
# is not run again after a restart.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = beat_node('progress');
sub q1 { return $node->safe_psql('postgres', $_[0]); }

q1(q{
CREATE TABLE ticks (job text, slot timestamptz, t timestamptz DEFAULT clock_timestamp());
CREATE TABLE rlog (attempt text, t timestamptz DEFAULT clock_timestamp());
});
my $heartbeat = q1(q{SELECT cron.schedule('heartbeat', '1 seconds', 'SELECT 1')});

# ---- 1. cron.log_run off: a restart runs the missed slot once, late
q1(q{ALTER SYSTEM SET cron.log_run = off; SELECT pg_reload_conf();});
my $nolog = q1(q{SELECT cron.schedule('nolog', '*/2 * * * * *',
  $$INSERT INTO ticks (job, slot) VALUES ('nolog', current_setting('cron.scheduled_time')::timestamptz)$$)});
ok(poll_within($node, 'postgres',
		"SELECT count(*) >= 2 FROM ticks WHERE job = 'nolog'", 't', 30),
	'the job runs with cron.log_run off');
is(q1("SELECT count(*) FROM cron.job_run_details WHERE jobid = $nolog"), '0',
	'and leaves no history');
ok(poll_within($node, 'postgres',
		"SELECT slots_done_until IS NOT NULL FROM cron.job_stats WHERE jobid = $nolog"),
	'its progress is kept all the same');
$node->stop('fast');
my $down_at = time();
# an outage of at least two slots of the job (and far less than the 60 s
# grace): a slot is missed for sure
sleep(5);
$node->start;
my $up = q1('SELECT pg_postmaster_start_time()');
ok(poll_within($node, 'postgres',
		"SELECT count(*) >= 1 FROM ticks WHERE job = 'nolog' AND slot < '$up' AND t > '$up'", 't', 30),
	'after the restart, a slot missed during the outage ran, late');
ok(poll_within($node, 'postgres',
		"SELECT count(*) >= 2 FROM ticks WHERE job = 'nolog' AND slot > '$up'", 't', 30),
	'and the job goes on');
is(q1(q{SELECT count(*) FROM (SELECT slot FROM ticks WHERE job = 'nolog'
                              GROUP BY slot HAVING count(*) > 1) d}),
	'0', 'no slot ran twice');
is(q1(q{SELECT count(*) FROM ticks WHERE job = 'nolog'
          AND slot < (SELECT max(slot) FROM ticks WHERE job = 'nolog' AND t < '} . $up . q{')
          AND t > '} . $up . q{'}),
	'0', 'no slot that ran before the outage ran again after it');
q1(qq{SELECT cron.unschedule($nolog)});

# ---- 2. a retry started without a history row is not run again
q1(q{ALTER SYSTEM RESET cron.log_run; SELECT pg_reload_conf();});
ok(poll_within($node, 'postgres', "SELECT current_setting('cron.log_run') = 'on'"),
	'cron.log_run is on again');
my $r = q1(q{SELECT cron.schedule_in_database('r', '0 0 1 1 *',
  $$BEGIN; INSERT INTO rlog (attempt) VALUES (current_setting('cron.run_id')); COMMIT; SELECT 1/0$$,
  'postgres', max_retries => 1, retry_delay => '3 seconds')});
q1("SELECT cron.run_job($r)");
ok(poll_within($node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $r AND status = 'failed'"),
	'the first attempt failed, recorded');
q1(q{ALTER SYSTEM SET cron.log_run = off; SELECT pg_reload_conf();});
ok(poll_within($node, 'postgres', 'SELECT count(*) = 2 FROM rlog', 't', 30),
	'the retry ran, with cron.log_run off');
is(q1("SELECT count(*) FROM cron.job_run_details WHERE jobid = $r"), '1',
	'the retry left no history row');
is(q1("SELECT retry_attempt FROM cron.job_progress WHERE jobid = $r"), '2',
	'its start is noted in cron.job_progress');
$node->restart;
my $hb = q1('SELECT coalesce(max(runid), 0) FROM cron.job_run_details');
q1(q{ALTER SYSTEM RESET cron.log_run; SELECT pg_reload_conf();});
# the restarted launcher has loaded the jobs and their retries, and taken
# what was due, once the heartbeat has run twice
ok(wait_finished_runs($node, $heartbeat, 2 + q1(
	"SELECT count(*) FROM cron.job_run_details WHERE jobid = $heartbeat AND status = 'succeeded'")),
	'the restarted launcher runs');
is(q1('SELECT count(*) FROM rlog'), '2', 'the retry did not run again after the restart');

# ---- 3. a job that has not run yet: where its slots count from is kept
my $fresh = q1(q{SELECT cron.schedule('fresh', 'every 20 seconds',
  $$INSERT INTO ticks (job, slot) VALUES ('fresh', current_setting('cron.scheduled_time')::timestamptz)$$)});
ok(poll_within($node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_progress WHERE jobid = $fresh"),
	'the launcher noted where the new job counts from');
# as if the server had been down since 30 s after the job was scheduled:
# its first slot (20 s after) was missed
q1("UPDATE cron.job_progress SET scheduled_from = now() - interval '30 seconds' WHERE jobid = $fresh");
my $from = q1("SELECT scheduled_from FROM cron.job_progress WHERE jobid = $fresh");
$node->restart;
ok(poll_within($node, 'postgres',
		"SELECT count(*) >= 1 FROM ticks WHERE job = 'fresh'", 't', 30),
	'after the restart, the missed first slot ran');
is(q1(qq{SELECT scheduled_time - date_trunc('second', '$from'::timestamptz)
          FROM cron.job_run_details WHERE jobid = $fresh ORDER BY runid LIMIT 1}),
	'00:00:20', 'on its grid, 20 s after it was scheduled (slots are whole seconds)');

$node->stop;
done_testing();
