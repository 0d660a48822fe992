# Run policies: timeout, retries, overlap skip/allow/replace, misfire after
# downtime, cron.run_job and cron.cancel_run.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = beat_node('policies');

sub sql { return $node->safe_psql('postgres', $_[0]); }

# --- timeout: cancelled, recorded failed with 57014 and the limit
my $to = sql("SELECT cron.schedule_in_database('timeout', '0 0 1 1 *', 'SELECT pg_sleep(30)', 'postgres', timeout => '1 second')");
my $runid = sql("SELECT cron.run_job($to)");
ok(poll_within($node, 'postgres',
	"SELECT status = 'failed' FROM cron.job_run_details WHERE runid = $runid", 't', 15),
	'a run over its timeout is stopped');
is(sql("SELECT sqlstate || ' ' || return_message FROM cron.job_run_details WHERE runid = $runid"),
	'57014 job run exceeded its timeout of 00:00:01 and was cancelled',
	'the timeout row names the limit');
ok(sql("SELECT end_time - start_time < interval '5 seconds' FROM cron.job_run_details WHERE runid = $runid") eq 't',
	'the run was stopped at its timeout, not at the end of the command');

# --- retries: attempts 1..3, doubling delay, then stop
my $re = sql("SELECT cron.schedule_in_database('retry', '0 0 1 1 *', 'SELECT 1/0', 'postgres', max_retries => 2, retry_delay => '1 second')");
sql("SELECT cron.run_job($re)");
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 3 FROM cron.job_run_details WHERE jobid = $re AND status = 'failed'", 't', 20),
	'a failed run is retried max_retries times');
is(sql("SELECT string_agg(attempt::text, ',' ORDER BY attempt) FROM cron.job_run_details WHERE jobid = $re"),
	'1,2,3', 'each attempt is its own row with its number');
ok(sql("SELECT (max(start_time) FILTER (WHERE attempt = 3) - max(end_time) FILTER (WHERE attempt = 2))
	        >= interval '1.9 seconds' FROM cron.job_run_details WHERE jobid = $re") eq 't',
	'the delay doubles between attempts');

# retries stop at the first success: a job that fails once, then succeeds
sql("CREATE SEQUENCE flaky_seq");
my $fl = sql("SELECT cron.schedule_in_database('flaky', '0 0 1 1 *',
	'SELECT 1 / (nextval(''flaky_seq'') - 1)',
	'postgres', max_retries => 5, retry_delay => '1 second')");
sql("SELECT cron.run_job($fl)");
ok(poll_within($node, 'postgres',
	"SELECT count(*) FILTER (WHERE status = 'succeeded') = 1 FROM cron.job_run_details WHERE jobid = $fl", 't', 20),
	'a retry succeeds');
is(sql("SELECT string_agg(status || attempt, ',' ORDER BY attempt) FROM cron.job_run_details WHERE jobid = $fl"),
	'failed1,succeeded2', 'retries stop at the first success');

# retries survive a restart, for cron.run_job runs too
my $mr = sql("SELECT cron.schedule_in_database('manual-retry', '0 0 1 1 *', 'SELECT 1/0', 'postgres', max_retries => 1, retry_delay => '4 seconds')");
my $mr1 = sql("SELECT cron.run_job($mr)");
ok(poll_within($node, 'postgres',
	"SELECT status = 'failed' FROM cron.job_run_details WHERE runid = $mr1", 't', 15),
	'the first attempt failed');
$node->restart;
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $mr AND attempt = 2
	    AND retry_of = $mr1 AND status = 'failed'", 't', 20),
	'its retry runs after a restart, tied to the first attempt');
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $mr"), '2',
	'and no more than max_retries');

# --- overlap skip: slots while running are recorded skipped
my $sk = sql("SELECT cron.schedule_in_database('skip', '1 seconds', 'SELECT pg_sleep(2.5)', 'postgres', overlap_policy => 'skip')");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 2 FROM cron.job_run_details WHERE jobid = $sk AND status = 'skipped'", 't', 20),
	'overlap_policy skip records skipped slots');
like(sql("SELECT return_message FROM cron.job_run_details WHERE jobid = $sk AND status = 'skipped' LIMIT 1"),
	qr/still running/, 'the skipped row says why');
is(sql("SELECT count(*) FROM cron.job_run_details a JOIN cron.job_run_details b
	  ON a.jobid = b.jobid AND a.runid < b.runid
	  WHERE a.jobid = $sk AND a.status <> 'skipped' AND b.status <> 'skipped'
	    AND b.start_time < a.end_time"), '0', 'skip never runs two at once');
sql("SELECT cron.unschedule($sk)");

# --- overlap allow: runs overlap
my $al = sql("SELECT cron.schedule_in_database('allow', '1 seconds', 'SELECT pg_sleep(2.5)', 'postgres', overlap_policy => 'allow')");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details a JOIN cron.job_run_details b
	   ON a.jobid = b.jobid AND a.runid < b.runid
	  WHERE a.jobid = $al AND b.start_time < coalesce(a.end_time, now())", 't', 20),
	'overlap_policy allow runs concurrently');
sql("SELECT cron.unschedule($al)");

# --- overlap replace: the running run is cancelled for the new one
my $rp = sql("SELECT cron.schedule_in_database('replace', '*/2 * * * * *', 'SELECT pg_sleep(60)', 'postgres', overlap_policy => 'replace')");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $rp AND status = 'failed'
	    AND return_message LIKE '%replaced by a newer run%'", 't', 20),
	'overlap_policy replace cancels the running run');
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $rp AND status = 'running'", 't', 20),
	'and the new run starts');
sql("SELECT cron.unschedule($rp)");

# --- cron.run_job respects the owner; cron.cancel_run really stops the run
my $long = sql("SELECT cron.schedule('long', '0 0 1 1 *', 'SELECT pg_sleep(60)')");
my $lr = sql("SELECT cron.run_job($long)");
ok(poll_within($node, 'postgres',
	"SELECT status = 'running' FROM cron.job_run_details WHERE runid = $lr", 't', 15),
	'cron.run_job starts a run now');
is(sql("SELECT scheduled_time IS NULL FROM cron.job_run_details WHERE runid = $lr"), 't',
	'a run_job run has no scheduled_time');
my $pid = sql("SELECT job_pid FROM cron.job_run_details WHERE runid = $lr");
is(sql("SELECT cron.cancel_run($lr)"), 't', 'cron.cancel_run answers true for a run in flight');
ok(poll_within($node, 'postgres',
	"SELECT status = 'failed' AND return_message = 'job run cancelled by cron.cancel_run()'
	   FROM cron.job_run_details WHERE runid = $lr", 't', 15),
	'the cancelled run is recorded failed as cancelled');
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid", 't', 15),
	'its session is gone');
is(sql("SELECT cron.cancel_run($lr)"), 'f', 'cancelling a finished run answers false');

# a transaction that rolls back runs nothing
sql("BEGIN; SELECT cron.run_job($long); ROLLBACK;");

# --- misfire after downtime: skip records one row, run_once runs once.
# The server was down for longer than the grace period (60 s).  Rather than
# wait, start it paused and give two jobs a history whose newest slot is 25
# minutes old; then start it for real.
sql("SELECT cron.unschedule(jobid) FROM cron.job");
$node->stop;
$node->append_conf('postgresql.conf', "cron.launch_active_jobs = off\n");
$node->start;
my $ms = sql("SELECT cron.schedule_in_database('misfire-skip', '*/10 * * * *', 'SELECT 1', 'postgres')");
my $mo = sql("SELECT cron.schedule_in_database('misfire-once', '*/10 * * * *', 'SELECT 1', 'postgres', misfire_policy => 'run_once')");
sql("INSERT INTO cron.job_run_details (jobid, database, username, command, status, scheduled_time, start_time, end_time)
   SELECT jobid, database, username, command, 'succeeded', now() - interval '25 minutes',
          now() - interval '25 minutes', now() - interval '25 minutes'
     FROM cron.job");
# ... and whose progress says the same: once the paused launcher has
# noted where the new jobs' slots count from, move that back too
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 2 FROM cron.job_progress WHERE jobid IN ($ms, $mo)", 't', 15),
	'the launcher noted where the new jobs count from');
sql("UPDATE cron.job_progress SET scheduled_from = now() - interval '25 minutes'");
# keep clear of a regular slot, which would blur "once"
ok(poll_within($node, 'postgres',
	"SELECT extract(epoch FROM clock_timestamp())::int % 600 BETWEEN 2 AND 570", 't', 40),
	'away from a 10-minute boundary');
$node->append_conf('postgresql.conf', "cron.launch_active_jobs = on\n");
$node->restart;
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $ms AND status = 'skipped'", 't', 15),
	'misfire_policy skip records one skipped row per outage');
like(sql("SELECT return_message FROM cron.job_run_details WHERE jobid = $ms AND status = 'skipped'"),
	qr/missed while pg_beat was not running/, 'which says the slots were missed');
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $mo AND status = 'succeeded'
	    AND scheduled_time > now() - interval '20 minutes'", 't', 15),
	'misfire_policy run_once runs once after startup');
is(sql("SELECT scheduled_time <= now() AND scheduled_time > now() - interval '10 minutes'
	        AND extract(minute FROM scheduled_time)::int % 10 = 0 AND extract(second FROM scheduled_time) = 0
	   FROM cron.job_run_details WHERE jobid = $mo AND scheduled_time > now() - interval '20 minutes'"),
	't', 'for the newest missed slot');
is(sql("SELECT count(*) FROM cron.job_run_details WHERE jobid = $ms AND status <> 'skipped'
	    AND scheduled_time > now() - interval '20 minutes'"), '0', 'skip runs nothing');
is(sql("SELECT count(*) FROM (SELECT jobid, scheduled_time, attempt FROM cron.job_run_details
	  GROUP BY 1, 2, 3 HAVING count(*) > 1) d"), '0', 'no slot ran twice');

$node->stop;
done_testing();
