# Overlap (queue policy), restarts and crashes, DROP/CREATE EXTENSION,
# @reboot, and pausing with cron.launch_active_jobs.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = beat_node('overlap', crash_restart => 1);

$node->safe_psql(
	'postgres', q{
CREATE TABLE ticks (sched timestamptz, t timestamptz DEFAULT clock_timestamp());
CREATE TABLE ticks2 (sched timestamptz, t timestamptz DEFAULT clock_timestamp());
CREATE TABLE reboot_log (sched timestamptz, t timestamptz DEFAULT clock_timestamp());
});

sub q1 { return $node->safe_psql('postgres', $_[0]); }

sub schedule
{
	my ($name, $sched, $command) = @_;
	$command =~ s/'/''/g;
	return q1("SELECT cron.schedule('$name', '$sched', '$command')");
}

# ===== 1. a long job every second: runs queue, one at a time ==============
my $long = schedule('long', '1 seconds', 'SELECT pg_sleep(3)');

ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat job'"
		  . " AND application_name = 'pg_beat job $long'",
		'1', 15),
	'a run is visible in pg_stat_activity as backend_type "pg_beat job", application_name "pg_beat job N"'
);

ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FILTER (WHERE status = 'succeeded') >= 2"
		  . " AND count(*) FILTER (WHERE status IN ('starting', 'running')) = 1"
		  . " FROM cron.job_run_details WHERE jobid = $long",
		't', 30),
	'long job: two runs done, a third going');

my $hist = q1(
	qq{SELECT runid, status, scheduled_time, start_time, end_time
	     FROM cron.job_run_details WHERE jobid = $long ORDER BY start_time});
note("long job history:\n$hist");

is( q1(
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $long
	     AND status NOT IN ('succeeded', 'starting', 'running')}),
	'0',
	'long job: no skipped or failed rows, no run per missed slot');
is( q1(
		qq{SELECT count(*) FROM (
  SELECT start_time, lag(end_time) OVER (ORDER BY start_time) AS prev_end
    FROM cron.job_run_details WHERE jobid = $long) s
 WHERE prev_end IS NULL AND start_time > (SELECT min(start_time) FROM cron.job_run_details WHERE jobid = $long)
    OR start_time < prev_end}),
	'0',
	'long job: no two runs overlap (each starts after the previous ended)');
is( q1(
		qq{SELECT count(*) FROM (
  SELECT start_time, lag(end_time) OVER (ORDER BY start_time) AS prev_end
    FROM cron.job_run_details WHERE jobid = $long) s
 WHERE start_time - prev_end >= interval '1 s'}),
	'0',
	'long job: the pending run starts promptly (< 1 s) after the previous one ends');
is( q1(
		qq{SELECT count(*) FROM (
  SELECT scheduled_time,
         lag(scheduled_time) OVER w AS prev_sched,
         lag(start_time) OVER w AS prev_start,
         lag(end_time) OVER w AS prev_end
    FROM cron.job_run_details WHERE jobid = $long
  WINDOW w AS (ORDER BY start_time)) s
 WHERE prev_sched IS NOT NULL
   AND NOT (scheduled_time > prev_start AND scheduled_time <= prev_end
            AND scheduled_time - prev_sched >= interval '2 s')}),
	'0',
	'long job: the slots that fell due during a run coalesced into one run for the newest of them'
);

# ===== 2. immediate shutdown during a run ===================================
# a run with at least 1.5 s still to go
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $long"
		  . " AND status = 'running' AND start_time > clock_timestamp() - interval '1.5 s'",
		'1', 15),
	'long job: a run just started');
my $interrupted = q1(
	"SELECT runid FROM cron.job_run_details WHERE jobid = $long AND status = 'running'");
$node->stop('immediate');
$node->start;
ok( poll_within(
		$node, 'postgres',
		"SELECT status || '|' || (return_message LIKE 'server restarted%')"
		  . " || '|' || (end_time IS NOT NULL)"
		  . " FROM cron.job_run_details WHERE runid = $interrupted",
		'failed|true|true', 30),
	"run $interrupted interrupted by an immediate shutdown is marked failed: server restarted"
);
q1("SELECT cron.unschedule($long)");

# ===== 3. SIGKILL of the launcher ============================================
my $tick = schedule('tick', '1 seconds',
	"INSERT INTO ticks (sched) VALUES (current_setting('cron.scheduled_time')::timestamptz)");
ok(wait_finished_runs($node, $tick, 3, 30), 'tick: runs every second');
my $pid1 = launcher_pid($node);
like($pid1, qr/^\d+$/, 'one launcher');
my $killed_at = q1('SELECT clock_timestamp()');
ok(kill('KILL', $pid1), "SIGKILL to launcher $pid1");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 AND bool_and(pid <> $pid1) FROM pg_stat_activity"
		  . " WHERE backend_type = 'pg_beat launcher'",
		't', 60),
	'a new launcher after the crash restart');
my $launcher_start = q1(
	"SELECT backend_start FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 3 FROM cron.job_run_details WHERE jobid = $tick"
		  . " AND status = 'succeeded' AND scheduled_time > '$launcher_start'",
		't', 20),
	'tick: runs continue after the crash restart');

$hist = q1(
	qq{SELECT scheduled_time, status, start_time, return_message
	     FROM cron.job_run_details WHERE jobid = $tick ORDER BY scheduled_time});
note("killed at $killed_at, launcher back at $launcher_start; tick history:\n$hist");

# The newest slot before the kill, and the first slot after it.
my ($last_before, $first_after, $first_after_start) = split /\|/, q1(
	qq{SELECT (SELECT max(scheduled_time) FROM cron.job_run_details
	            WHERE jobid = $tick AND scheduled_time <= '$killed_at') || '|' ||
	          r.scheduled_time || '|' || r.start_time
	     FROM cron.job_run_details r
	    WHERE r.jobid = $tick AND r.scheduled_time > '$killed_at'
	    ORDER BY r.scheduled_time LIMIT 1});
note("last slot before the kill $last_before, first after $first_after (started $first_after_start)");
is( q1(
		qq{SELECT count(*) FROM cron.job_run_details
	     WHERE jobid = $tick AND status = 'skipped'}),
	'0',
	'tick: no slot skipped across the crash restart (outage < 60 s)');
is( q1(
		qq{SELECT '$first_after'::timestamptz >= '$launcher_start'::timestamptz - interval '1 s'}
	),
	't',
	'tick: the newest slot that fell due while the launcher was away ran (late), not skipped'
);
is( q1(
		qq{SELECT '$first_after'::timestamptz - '$last_before'::timestamptz
	            <= ('$launcher_start'::timestamptz - '$killed_at'::timestamptz) + interval '2 s'}
	),
	't',
	'tick: the gap in the slot sequence is no longer than the outage');
is( q1(
		qq{SELECT count(*) FROM (
  SELECT scheduled_time - lag(scheduled_time) OVER (ORDER BY scheduled_time) AS d
    FROM cron.job_run_details WHERE jobid = $tick
     AND scheduled_time >= '$first_after') s
 WHERE d <> interval '1 s'}),
	'0',
	'tick: after the restart every slot runs');
my $missed = q1(
	qq{SELECT count(*) FROM generate_series('$last_before'::timestamptz + interval '1 s',
	                                        '$first_after'::timestamptz - interval '1 s',
	                                        interval '1 s') g});
note("tick: $missed slot(s) between the kill and the restart coalesced into the late run of $first_after");
is( q1(
		qq{SELECT count(*) - count(DISTINCT sched) FROM ticks}),
	'0',
	'tick: no slot ran twice');

# ===== 3b. a short outage: missed slots run late, once =========================
# The server is down across about three slots of tick.  It comes back early
# in a second, so the launcher's first look at the clock falls in the same
# second as its backend_start, and "the newest missed slot" is exactly the
# slot at or before the launcher's start.
my $stopped_at = q1('SELECT clock_timestamp()');
$node->stop('fast');
{
	my $now = time();
	# down across ~3 slots, and start at .1 past a second
	Time::HiRes::sleep(int($now) + 3.1 - $now);
}
$node->start;
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'",
		'1', 30),
	'launcher back after the outage');
$launcher_start = q1(
	"SELECT backend_start FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 2 FROM cron.job_run_details WHERE jobid = $tick"
		  . " AND status = 'succeeded' AND scheduled_time > '$launcher_start'",
		't', 20),
	'tick: runs continue after the outage');
$hist = q1(
	qq{SELECT scheduled_time, status, start_time, return_message
	     FROM cron.job_run_details WHERE jobid = $tick
	      AND scheduled_time > '$stopped_at'::timestamptz - interval '2 s'
	    ORDER BY scheduled_time});
note("stopped at $stopped_at, launcher back at $launcher_start; tick history:\n$hist");
my ($late_slot, $late_status, $late_start) = split /\|/, q1(
	qq{SELECT scheduled_time || '|' || status || '|' || start_time FROM cron.job_run_details
	    WHERE jobid = $tick AND scheduled_time > '$stopped_at'
	    ORDER BY scheduled_time LIMIT 1});
is( q1(
		qq{SELECT count(*) FROM cron.job_run_details
	     WHERE jobid = $tick AND status = 'skipped'}),
	'0',
	'outage < 60 s: nothing recorded skipped');
is( q1(
		qq{SELECT '$late_slot'::timestamptz <= '$launcher_start'::timestamptz
	          AND '$late_slot'::timestamptz > '$launcher_start'::timestamptz - interval '1 s'}),
	't',
	"the newest slot missed while the server was down ($late_slot) ran late");
is($late_status, 'succeeded', 'the late run succeeded');
is( q1(
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick
	     AND scheduled_time > '$stopped_at' AND scheduled_time <= '$launcher_start'}),
	'1',
	'the missed slots ran once, not once each');
$missed = q1(
	qq{SELECT count(*) FROM generate_series(date_trunc('second', '$stopped_at'::timestamptz) + interval '1 s',
	                                        '$launcher_start'::timestamptz, interval '1 s') g});
note("outage: $missed slot(s) fell due while the server was down; one late run (slot $late_slot) served them");
is( q1(
		qq{SELECT count(*) FROM (
  SELECT scheduled_time - lag(scheduled_time) OVER (ORDER BY scheduled_time) AS d
    FROM cron.job_run_details WHERE jobid = $tick
     AND scheduled_time >= '$late_slot') s
 WHERE d <> interval '1 s'}),
	'0',
	'tick: after the outage every slot runs');
is(q1('SELECT count(*) - count(DISTINCT sched) FROM ticks'),
	'0', 'tick: still no slot ran twice');

# ===== 4. DROP EXTENSION, CREATE EXTENSION ===================================
my $pid2 = launcher_pid($node);
q1('DROP EXTENSION pg_beat');
my $ticks_at_drop = q1('SELECT count(*) FROM ticks');
q1('CREATE EXTENSION pg_beat');
my $tick2 = schedule('tick2', '1 seconds',
	"INSERT INTO ticks2 (sched) VALUES (current_setting('cron.scheduled_time')::timestamptz)");
ok(poll_within($node, 'postgres', 'SELECT count(*) >= 2 FROM ticks2', 't', 15),
	'after DROP and CREATE EXTENSION a new job runs');
ok(wait_finished_runs($node, $tick2, 2, 10),
	'and its runs are in the new history');
cmp_ok(q1('SELECT count(*) FROM ticks'), '<=', $ticks_at_drop + 1,
	'the jobs dropped with the extension stopped');
is(launcher_pid($node), $pid2, 'the same launcher carried on');

# ===== 5. @reboot ===========================================================
my $reboot = schedule('reboot', '@reboot',
	"INSERT INTO reboot_log (sched) VALUES (current_setting('cron.scheduled_time')::timestamptz)");
my $n = q1("SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick2");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= $n + 3 FROM cron.job_run_details WHERE jobid = $tick2",
		't', 15),
	'tick2 ran 3 more times');
is(q1('SELECT count(*) FROM reboot_log'),
	'0', '@reboot: not run when scheduled on a running server');

$node->restart;
ok(poll_within($node, 'postgres', 'SELECT count(*) FROM reboot_log', '1', 30),
	'@reboot: runs once after a restart');
is( q1(
		qq{SELECT status || '|' || (scheduled_time = pg_postmaster_start_time())
	     FROM cron.job_run_details WHERE jobid = $reboot}),
	'succeeded|true',
	'@reboot: its slot is the server start time');

$node->restart;
ok(poll_within($node, 'postgres', 'SELECT count(*) FROM reboot_log', '2', 30),
	'@reboot: runs again after the second restart');
$n = q1("SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick2");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= $n + 3 FROM cron.job_run_details WHERE jobid = $tick2",
		't', 15),
	'tick2 ran 3 more times');
is(q1('SELECT count(*) FROM reboot_log'),
	'2', '@reboot: exactly once per server start');
is(q1("SELECT count(*) FROM cron.job_run_details WHERE jobid = $reboot"),
	'2', '@reboot: two history rows');

# ===== 6. cron.launch_active_jobs = off pauses, on resumes =====================
q1('ALTER SYSTEM SET cron.launch_active_jobs = off');
$node->reload;
ok(poll_within($node, 'postgres', 'SHOW cron.launch_active_jobs', 'off', 10),
	'cron.launch_active_jobs is off');
# allow the launcher to see the SIGHUP and the run in flight to end
my $paused_from = q1("SELECT clock_timestamp() + interval '0.5 s'");
my $paused_to   = q1("SELECT '$paused_from'::timestamptz + interval '3 s'");
wait_until_time($node, $paused_to);
is( q1(
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick2
	     AND (start_time >= '$paused_from' OR scheduled_time >= '$paused_from')}),
	'0',
	'no run while paused');

q1('ALTER SYSTEM RESET cron.launch_active_jobs');
$node->reload;
my $resumed = q1('SELECT clock_timestamp()');
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= 2 FROM cron.job_run_details WHERE jobid = $tick2"
		  . " AND start_time > '$resumed'",
		't', 10),
	'runs resume when cron.launch_active_jobs is on again');
is( q1(
		qq{SELECT count(*) FROM cron.job_run_details WHERE jobid = $tick2
	     AND scheduled_time >= '$paused_from' AND scheduled_time < '$resumed'::timestamptz - interval '1 s'}),
	'0',
	'slots that passed while paused are not caught up');

$node->stop;
done_testing();
