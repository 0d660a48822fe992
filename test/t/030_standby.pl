# Only a primary runs jobs: a streaming standby runs nothing, and after
# promotion it takes over from the replicated history without running a
# slot twice.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $primary = beat_node('primary', allows_streaming => 1);
my $pport = $primary->port;

# The job writes the port of the server that ran it, and its slot.
$primary->safe_psql(
	'postgres', q{
CREATE TABLE ticks (port int, pid int, runid bigint, sched timestamptz,
                    t timestamptz DEFAULT clock_timestamp());
SELECT cron.schedule('tick', '1 seconds',
  $$INSERT INTO ticks (port, pid, runid, sched) VALUES (current_setting('port')::int,
      pg_backend_pid(), current_setting('cron.run_id')::bigint,
      current_setting('cron.scheduled_time')::timestamptz)$$);
});
my $jobid = $primary->safe_psql('postgres',
	"SELECT jobid FROM cron.job WHERE jobname = 'tick'");
ok(wait_finished_runs($primary, $jobid, 2, 30), 'primary: the job runs');

$primary->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b1', has_streaming => 1);
$standby->start;
my $sport = $standby->port;

is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'standby is in recovery');
is($standby->safe_psql('postgres', 'SHOW shared_preload_libraries'),
	'pg_beat', 'standby preloads pg_beat too');

# Let the primary run a few more times, replicated to the standby.
my $n = $primary->safe_psql('postgres', 'SELECT count(*) FROM ticks');
ok( poll_within(
		$primary, 'postgres', "SELECT count(*) >= $n + 3 FROM ticks", 't', 20),
	'primary: the job keeps running with a standby attached');
$primary->wait_for_catchup($standby);

is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type IN ('pg_beat launcher', 'pg_beat job')"
	),
	'0',
	'standby: no launcher and no job sessions');
is($standby->safe_psql('postgres', "SELECT count(*) >= 5 FROM ticks"),
	't', 'standby: the replicated ticks are there');
is( $standby->safe_psql(
		'postgres', "SELECT count(*) FROM ticks WHERE port <> $pport"),
	'0',
	'standby: every replicated run was run by the primary');
is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) FILTER (WHERE t.runid IS NULL OR t.port <> $pport OR t.pid <> r.job_pid)
       || '|' || (count(*) > 0)
  FROM cron.job_run_details r LEFT JOIN ticks t ON t.runid = r.runid
 WHERE r.jobid = $jobid AND r.status = 'succeeded'}),
	'0|true',
	"standby: every replicated succeeded run was run by the primary, in the session its job_pid names"
);
ok($primary->log_contains(qr/pg_beat launcher started/),
	'the primary started a launcher');
ok(!$standby->log_contains(qr/pg_beat launcher started/),
	'the standby never started one');

# ---- failover: the primary goes away, the standby is promoted -------------
# No server runs jobs for about two seconds: slots fall due meanwhile.
$primary->wait_for_catchup($standby);
$primary->stop('fast');
ok( poll_within(
		$standby, 'postgres',
		'SELECT pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()', 't', 30),
	'standby replayed all the primary sent');
my ($last_primary_slot, $last_primary_runid) = split /\|/, $standby->safe_psql(
	'postgres',
	"SELECT max(scheduled_time) || '|' || max(runid) FROM cron.job_run_details WHERE jobid = $jobid");
{
	# promote at .1 past a second, so that the new launcher's first look at
	# the clock falls in the same second as its backend_start
	my $now = time();
	Time::HiRes::sleep(int($now) + 2.1 - $now);
}
my $promoted_at = $standby->safe_psql('postgres', 'SELECT clock_timestamp()');
$standby->promote;
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'",
		'1', 10),
	'promoted standby: its launcher appears within seconds');
my $launcher_start = $standby->safe_psql('postgres',
	"SELECT backend_start FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'");
ok( poll_within(
		$standby, 'postgres',
		"SELECT count(*) >= 3 FROM ticks WHERE port = $sport AND sched > '$promoted_at'",
		't', 15),
	'promoted standby: the job runs there, for slots after the promotion');

is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) FILTER (WHERE t.runid IS NULL OR t.port <> $sport OR t.pid <> r.job_pid)
       || '|' || (count(*) >= 3)
  FROM cron.job_run_details r LEFT JOIN ticks t ON t.runid = r.runid
 WHERE r.jobid = $jobid AND r.status = 'succeeded' AND r.start_time > '$promoted_at'}),
	'0|true',
	'promoted standby: its runs ran there, in the sessions job_pid names');

my $hist = $standby->safe_psql(
	'postgres', qq{
SELECT r.scheduled_time, r.status, r.start_time, t.port
  FROM cron.job_run_details r LEFT JOIN ticks t ON t.runid = r.runid
 WHERE r.jobid = $jobid AND r.scheduled_time > '$last_primary_slot'::timestamptz - interval '3 s'
 ORDER BY r.scheduled_time});
note("last primary slot $last_primary_slot, promoted at $promoted_at:\n$hist");

is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) FROM (SELECT jobid, scheduled_time, attempt FROM cron.job_run_details
                      GROUP BY 1, 2, 3 HAVING count(*) > 1) d}),
	'0',
	'no (jobid, scheduled_time, attempt) appears twice');
is( $standby->safe_psql(
		'postgres', 'SELECT count(*) - count(DISTINCT sched) FROM ticks'),
	'0',
	'no slot ran twice, on either server');
is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details
 WHERE jobid = $jobid AND runid > $last_primary_runid
   AND scheduled_time <= '$last_primary_slot'}),
	'0',
	'the promoted standby ran no slot the primary had already recorded');
is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) || '|' || string_agg(r.status || '|' || coalesce(t.port, 0), ',')
  FROM cron.job_run_details r LEFT JOIN ticks t ON t.runid = r.runid
 WHERE r.jobid = $jobid AND r.scheduled_time > '$last_primary_slot'
   AND r.scheduled_time <= '$launcher_start'}),
	"1|succeeded|$sport",
	'the slots that fell due while no primary ran were run late, once, by the promoted standby'
);
is( $standby->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details
 WHERE status IN ('starting', 'running') AND start_time < '$promoted_at'}),
	'0',
	'runs the old primary left unfinished are closed');
is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid AND status = 'skipped'"),
	'0',
	'a failover of a few seconds skips nothing');

$standby->stop;
done_testing();
