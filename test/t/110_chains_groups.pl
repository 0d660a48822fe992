# Dependent jobs ("after <job>") and exclusive groups, as the launcher runs
# them: a chain shares its root's slot, a join waits for every upstream, a
# failure handler waits for the final attempt, a chain continues across a
# restart without running a step twice, and runs of one exclusive group
# never overlap.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = beat_node('chains');

$node->safe_psql(
	'postgres', q{
CREATE TABLE steps (job text, slot timestamptz,
                    t timestamptz DEFAULT clock_timestamp());
CREATE TABLE d_sleep (s float8);
INSERT INTO d_sleep VALUES (60);
});

sub schedule
{
	my ($name, $schedule, $command) = @_;
	$command =~ s/'/''/g;
	return $node->safe_psql('postgres',
		"SELECT cron.schedule('$name', '$schedule', '$command')");
}

sub step_sql
{
	my ($name) = @_;
	return "INSERT INTO steps (job, slot) VALUES ('$name', "
	  . "NULLIF(current_setting('cron.scheduled_time', true), '')::timestamptz)";
}

# ---- a chain: load every 2 s, then refresh, then vacuum; alert on failure
my $load    = schedule('load',    '*/2 * * * * *', step_sql('load'));
my $refresh = schedule('refresh', 'after load',    step_sql('refresh'));
my $vacuum  = schedule('vacuum',  'after refresh', step_sql('vacuum'));
my $alert   = schedule('alert',   'after load failed', step_sql('alert'));

ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 3 FROM cron.job_run_details WHERE jobid = $vacuum"
		  . " AND status = 'succeeded'"),
	'the chain ran to its last step three times');
$node->safe_psql('postgres', "SELECT cron.alter_job($load, active => false)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 0 FROM cron.running_runs()"),
	'the chain is quiet once its root is paused');

is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details v
 WHERE v.jobid = $vacuum AND v.status = 'succeeded'
   AND NOT EXISTS (SELECT 1 FROM cron.job_run_details r
                    WHERE r.jobid = $refresh AND r.status = 'succeeded'
                      AND r.scheduled_time = v.scheduled_time
                      AND r.end_time <= v.start_time)
   OR v.jobid = $vacuum AND NOT EXISTS (SELECT 1 FROM cron.job_run_details l
                    WHERE l.jobid = $load AND l.status = 'succeeded'
                      AND l.scheduled_time = v.scheduled_time)}),
	'0',
	'every vacuum run serves a slot of load, after refresh ended for that slot');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM (SELECT job, slot FROM steps GROUP BY job, slot
                      HAVING count(*) > 1) d}),
	'0',
	'no step ran twice for one slot');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM steps s WHERE s.job IN ('refresh', 'vacuum')
   AND NOT EXISTS (SELECT 1 FROM steps l WHERE l.job = 'load' AND l.slot = s.slot)}),
	'0',
	'the steps carry their root\'s slot as scheduled_time');
is($node->safe_psql('postgres', "SELECT count(*) FROM steps WHERE job = 'alert'"),
	'0', 'the failure handler did not run while load succeeded');

# ---- a join waits for every upstream; run_job runs count
my $a = schedule('a', '0 0 1 1 *', step_sql('a'));
my $b = schedule('b', '0 0 1 1 *', step_sql('b'));
my $j = schedule('j', 'after a, b', step_sql('j'));
$node->safe_psql('postgres', "SELECT cron.run_job($a)");
ok(wait_finished_runs($node, $a, 1), 'a ran');
$node->safe_psql('postgres', "SELECT cron.run_job($a)");
ok(wait_finished_runs($node, $a, 2), 'a ran again');
$node->safe_psql('postgres', "SELECT cron.run_job($b)");
ok(wait_finished_runs($node, $b, 1), 'b ran');
ok(wait_finished_runs($node, $j, 1), 'the join ran once both upstreams succeeded');
# one more run of b alone must not run j: a has not succeeded since
$node->safe_psql('postgres', "SELECT cron.run_job($b)");
ok(wait_finished_runs($node, $b, 2), 'b ran again');
$node->safe_psql('postgres', "SELECT cron.run_job($a)");
ok(wait_finished_runs($node, $j, 2), 'the join ran again after both did');
is($node->safe_psql('postgres', "SELECT count(*) FROM steps WHERE job = 'j'"),
	'2', 'the join ran exactly once per round, not per upstream run');

# ---- a dependent job new after its upstream succeeded waits for the next
# success: it never runs for an outcome from before it existed
my $late = schedule('late', 'after a', step_sql('late'));
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_progress WHERE jobid = $late"),
	'the launcher loaded the new dependent job');
$node->safe_psql('postgres', "SELECT cron.run_job($a)");
ok(wait_finished_runs($node, $late, 1), 'it ran after the next success of a');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) || '|' || bool_and(s.t > (SELECT max(end_time) FROM cron.job_run_details
                                           WHERE jobid = $a AND status = 'succeeded'))
  FROM steps s WHERE s.job = 'late'}),
	'1|true', 'once, and not for the successes of a before it existed');

# ---- a failure handler waits for the final attempt
$node->safe_psql('postgres', q{
SELECT cron.schedule_in_database('f', '0 0 1 1 *', 'SELECT 1/0', 'postgres',
                                 max_retries => 1, retry_delay => '1 second')});
my $f = $node->safe_psql('postgres', "SELECT jobid FROM cron.job WHERE jobname = 'f'");
my $onfail = schedule('onfail', 'after f failed', step_sql('onfail'));
my $onfin  = schedule('onfin',  'after f finished', step_sql('onfin'));
my $onok   = schedule('onok',   'after f', step_sql('onok'));
$node->safe_psql('postgres', "SELECT cron.run_job($f)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM steps WHERE job = 'onfail'"),
	'the failure handler ran');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM steps WHERE job = 'onfin'"),
	'the finished handler ran');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details WHERE jobid = $f AND status = 'failed'}),
	'2', 'f failed twice (one retry)');
is( $node->safe_psql(
		'postgres', qq{
SELECT bool_and(s.t > (SELECT max(end_time) FROM cron.job_run_details WHERE jobid = $f))
  FROM steps s WHERE s.job IN ('onfail', 'onfin')}),
	't', 'the handlers ran after the final attempt, not after the first');
is($node->safe_psql('postgres', "SELECT count(*) FROM steps WHERE job = 'onok'"),
	'0', 'a job after f succeeded did not run');

# ---- a chain continues across a restart, no step twice
my $u = schedule('u', '0 0 1 1 *', step_sql('u'));
my $d = schedule('d', 'after u',
	'SELECT pg_sleep((SELECT s FROM d_sleep)); ' . step_sql('d'));
$node->safe_psql('postgres', "SELECT cron.run_job($u)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM cron.running_runs() WHERE jobid = $d AND status = 'running'"),
	'the first run of d is going (it sleeps)');
$node->safe_psql('postgres', "SELECT cron.run_job($u)");
ok(wait_finished_runs($node, $u, 2), 'u succeeded again while d runs (d queues)');
$node->safe_psql('postgres', 'UPDATE d_sleep SET s = 0');
$node->restart;
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 FROM steps WHERE job = 'd'"),
	'after the restart, d ran for the upstream success it had not taken');
$node->safe_psql('postgres', "SELECT cron.run_job($u)");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 2 FROM steps WHERE job = 'd'"),
	'd ran for the next success of u');
is( $node->safe_psql(
		'postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $d AND status = 'succeeded'"),
	'2', 'd succeeded once per success of u, none twice');

# ---- exclusive groups: runs of one group never overlap
$node->safe_psql('postgres', 'TRUNCATE steps');
# in the group from the start: a group set later binds the runs that start
# after the change, not one already recorded (a prewarmed first run)
my ($g1, $g2) = map {
	$node->safe_psql('postgres',
		"SELECT cron.schedule_in_database('$_', '1 seconds', 'SELECT pg_sleep(0.7)',"
		  . " 'postgres', exclusive_group => 'maint')")
} ('g1', 'g2');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) > 0 FROM cron.running_runs()"
		  . " WHERE wait_event = 'WaitingForExclusiveGroup'"),
	'a run waits for its exclusive group, as cron.running_runs() shows');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 3 FROM cron.job_run_details WHERE jobid = $g1 AND status = 'succeeded'"
		  . " AND start_time > (SELECT min(start_time) FROM cron.job_run_details WHERE jobid = $g2)"),
	'both jobs of the group keep running');
$node->safe_psql('postgres',
	"SELECT cron.alter_job($_, active => false)") for ($g1, $g2);
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details x JOIN cron.job_run_details y
    ON x.runid < y.runid AND x.jobid IN ($g1, $g2) AND y.jobid IN ($g1, $g2)
 WHERE x.status = 'succeeded' AND y.status = 'succeeded'
   AND x.start_time < y.end_time AND y.start_time < x.end_time}),
	'0', 'no two runs of the group overlapped');

$node->stop;
done_testing();
