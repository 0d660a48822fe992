# Upgrades, until there is a second version: pg_dump of the database that
# holds the jobs, pg_restore into another cluster, and the jobs, their
# history and both sequences come back and run there.  Then pg_dumpall into
# a third cluster.  Both bring back every job as it was, including jobs that
# cannot run (yet): one in a database the restore creates later (pg_dumpall
# restores postgres first), one in a database since dropped, one of an owner
# who lost LOGIN, one of an owner since dropped.
#
# The dump is taken while the jobs run, from a snapshot that the test reads
# too, so that what B must get back is known exactly.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node_a = beat_node('dump_a');

$node_a->safe_psql(
	'postgres', q{
CREATE ROLE app LOGIN;
GRANT USAGE ON SCHEMA cron TO app;
CREATE DATABASE otherdb;
CREATE TABLE ticks (runid bigint, t timestamptz DEFAULT clock_timestamp());
CREATE TABLE app_log (t timestamptz DEFAULT clock_timestamp());
GRANT INSERT ON app_log TO app;
SELECT cron.schedule('tick', '1 seconds',
  $$INSERT INTO ticks (runid) VALUES (current_setting('cron.run_id')::bigint)$$);
SELECT cron.schedule_in_database('nightly', '30 2 * * *', 'VACUUM', 'postgres',
  timezone => 'Europe/Berlin', timeout => '5 minutes', max_retries => 2,
  retry_delay => '1 minute', overlap_policy => 'skip',
  misfire_policy => 'run_once', on_failure => 'SELECT 1');
SELECT cron.schedule_in_database('elsewhere', '0 * * * *', 'SELECT 1', 'otherdb');
SELECT cron.schedule_in_database('paused', '1 seconds', 'SELECT 1', 'postgres',
  active => false);
SET ROLE app;
SELECT cron.schedule('app-hourly', '0 * * * *', 'INSERT INTO app_log DEFAULT VALUES');
RESET ROLE;
CREATE ROLE lost_login LOGIN;
CREATE ROLE dropped_owner LOGIN;
SELECT cron.schedule_in_database('of-lost-login', '@daily', 'SELECT 1', 'postgres',
  username => 'lost_login');
SELECT cron.schedule_in_database('of-dropped-owner', '@daily', 'SELECT 1', 'postgres',
  username => 'dropped_owner');
ALTER ROLE lost_login NOLOGIN;
DROP ROLE dropped_owner;
});
# databases may not be created or dropped in a transaction block
$node_a->safe_psql('postgres', 'CREATE DATABASE zz_late');
$node_a->safe_psql('postgres', 'CREATE DATABASE dropped_db');
$node_a->safe_psql(
	'postgres', q{
SELECT cron.schedule_in_database('late', '1 seconds', 'SELECT 1', 'zz_late');
SELECT cron.schedule_in_database('in-dropped-db', '1 seconds', 'SELECT 1', 'dropped_db');
});
$node_a->safe_psql('postgres', 'DROP DATABASE dropped_db');
$node_a->safe_psql('postgres',
	"SELECT cron.unschedule(cron.schedule('gone', '\@daily', 'SELECT 1'))");
my $tick = $node_a->safe_psql('postgres',
	"SELECT jobid FROM cron.job WHERE jobname = 'tick'");
ok(wait_finished_runs($node_a, $tick, 3, 30), 'A: the 1-second job runs');

# What B must get back: what A has in the snapshot pg_dump dumps.  The
# jobs keep running meanwhile (a live dump), but a snapshot that holds a
# run in flight is not used: that row would reach B as 'starting' or
# 'running', and whether B's launcher closes it depends on timing.
# Every column (userid is the owner's OID, which differs between clusters).
my $jobs_query = q{
SELECT to_jsonb(j) - 'userid' FROM cron.job j ORDER BY jobid};
my $history_query = q{
SELECT count(*) || '|' || md5(string_agg(to_jsonb(r)::text, ',' ORDER BY runid))
  FROM cron.job_run_details r};
my $dump = $PostgreSQL::Test::Utils::tmp_check . '/pg_beat_dump_a.dump';
my $bg = $node_a->background_psql('postgres');
my $deadline = time() + 30;
my $snapshot;
while (1)
{
	$bg->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
	$snapshot = $bg->query_safe('SELECT pg_export_snapshot()');
	last
	  if $bg->query_safe(
		"SELECT count(*) FROM cron.job_run_details WHERE status IN ('starting', 'running')"
	  ) eq '0';
	$bg->query_safe('ROLLBACK');
	BAIL_OUT('no snapshot without a run in flight within 30 s')
	  if time() > $deadline;
}
my $a_jobs      = $bg->query_safe($jobs_query);
my $a_history   = $bg->query_safe($history_query);
my $a_ticks     = $bg->query_safe('SELECT count(*) FROM ticks');
my $a_max_runid = $bg->query_safe('SELECT max(runid) FROM cron.job_run_details');
my $a_max_jobid = $bg->query_safe('SELECT max(jobid) FROM cron.job');
my $stats_query = q{
SELECT count(*) || '|' || md5(string_agg(to_jsonb(s)::text, ',' ORDER BY jobid))
  FROM cron.job_stats s};
my $a_stats = $bg->query_safe($stats_query);
command_ok(
	[
		'pg_dump', '-Fc', "--snapshot=$snapshot", '-d',
		$node_a->connstr('postgres'), '-f', $dump
	],
	'pg_dump -Fc of the database that holds the jobs, while they run');
$bg->query_safe('COMMIT');
$bg->quit;

# Sequences are not transactional: pg_dump writes their values as it reads
# them.  Those are what B must get.
my ($script) = run_command([ 'pg_restore', '-f', '-', $dump ]);
my ($a_jobid_last) =
  $script =~ /SELECT pg_catalog\.setval\('cron\.jobid_seq', (\d+), true\)/;
my ($a_runid_last) =
  $script =~ /SELECT pg_catalog\.setval\('cron\.runid_seq', (\d+), true\)/;
ok(defined $a_jobid_last && defined $a_runid_last,
	'the dump holds the values of both sequences');
cmp_ok($a_jobid_last, '>', $a_max_jobid,
	'A: jobid_seq is past the highest jobid (a job was unscheduled)');
cmp_ok($a_runid_last, '>=', $a_max_runid,
	'A: runid_seq is at or past the highest runid');
my $seq_query = q{
SELECT (SELECT last_value FROM cron.jobid_seq) || '|' || (SELECT last_value FROM cron.runid_seq)};

# pg_dumpall of the whole cluster, for C below
my $dumpall = $PostgreSQL::Test::Utils::tmp_check . '/pg_beat_dumpall_a.sql';
command_ok(
	[ 'pg_dumpall', '-d', $node_a->connstr('postgres'), '-f', $dumpall ],
	'pg_dumpall of A');
$node_a->stop;

# ---- B: pg_beat preloaded, same cron.database_name; the roles and the
# other databases the jobs name exist before the restore ---------------------
# B starts paused, so that nothing it runs blurs the comparison with A
my $node_b = beat_node('dump_b', extension => 0,
	conf => "cron.launch_active_jobs = off\n");
# (not zz_late: a job may name a database the restore does not create)
$node_b->safe_psql('postgres', 'CREATE ROLE app LOGIN');
$node_b->safe_psql('postgres', 'CREATE ROLE lost_login NOLOGIN');
$node_b->safe_psql('postgres', 'CREATE DATABASE otherdb');
command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $node_b->connstr('postgres'), $dump ],
	'pg_restore into B');

is($node_b->safe_psql('postgres', $jobs_query), $a_jobs,
	'B: cron.job restored, every column');
is( $node_b->safe_psql(
		'postgres', q{
SELECT count(*) FILTER (WHERE j.userid IS DISTINCT FROM r.oid) || '|' || count(*)
  FROM cron.job j LEFT JOIN pg_roles r ON r.rolname = j.username}),
	'0|9',
	'B: each job is pinned to the OID its owner has on B (the trigger ran on restore)');
is( $node_b->safe_psql(
		'postgres',
		"SELECT userid IS NULL FROM cron.job WHERE jobname = 'of-dropped-owner'"),
	't',
	'B: the job of a dropped owner is pinned to no role');
is($node_b->safe_psql('postgres', $history_query), $a_history,
	'B: cron.job_run_details restored, every column');
is($node_b->safe_psql('postgres', $stats_query), $a_stats,
	'B: cron.job_stats restored too (extension configuration, as documented)');
is($node_b->safe_psql('postgres', $seq_query), "$a_jobid_last|$a_runid_last",
	'B: both sequences restored');
is($node_b->safe_psql('postgres', 'SELECT count(*) FROM ticks'), $a_ticks,
	'B: the table the job writes restored');

# now let B run its jobs
$node_b->append_conf('postgresql.conf', "cron.launch_active_jobs = on\n");
$node_b->reload;

# B's launcher picks the restored jobs up: the 1-second job runs there.
ok( poll_within(
		$node_b, 'postgres', qq{
SELECT count(*) >= 3 FROM cron.job_run_details
 WHERE jobid = $tick AND status = 'succeeded' AND runid > $a_runid_last}, 't', 30),
	'B: the restored 1-second job runs');
ok( poll_within(
		$node_b, 'postgres', "SELECT count(*) >= 3 FROM ticks WHERE runid > $a_runid_last",
		't', 10),
	'B: its runs write their rows, with runids after the restored ones');
is( $node_b->safe_psql(
		'postgres', qq{
SELECT count(*) FROM cron.job_run_details r JOIN cron.job j USING (jobid)
 WHERE j.jobname = 'paused' AND r.runid > $a_runid_last}),
	'0',
	'B: the inactive job stays inactive');
is( $node_b->safe_psql(
		'postgres', q{
SELECT count(*) FROM (SELECT jobid, scheduled_time, attempt FROM cron.job_run_details
                      GROUP BY 1, 2, 3 HAVING count(*) > 1) d}),
	'0',
	'B: no slot recorded twice');

# New jobs continue the restored sequence.
my $new = $node_b->safe_psql('postgres',
	"SELECT cron.schedule('after-restore', '\@daily', 'SELECT 1')");
is($new, $a_jobid_last + 1, 'B: a new job takes the jobid after the restored sequence');

# The restored jobs behave as jobs: their owner manages them, the API works.
is( $node_b->safe_psql(
		'postgres',
		"SET ROLE app; SELECT string_agg(jobname, ',') FROM cron.job; RESET ROLE"),
	'app-hourly',
	"B: row-level security: app sees its own restored job only");
$node_b->safe_psql('postgres',
	"SELECT cron.alter_job($tick, active => false)");
is( $node_b->safe_psql('postgres',
		"SELECT active FROM cron.job WHERE jobid = $tick"),
	'f', 'B: cron.alter_job works on a restored job');

# Jobs that cannot run are reported when due, as on A.
ok( poll_within(
		$node_b, 'postgres', q{
SELECT count(*) > 0 FROM cron.job_run_details r JOIN cron.job j USING (jobid)
 WHERE j.jobname = 'late' AND r.status = 'failed'
   AND r.return_message = 'database "zz_late" does not exist'}, 't', 30),
	'B: a job of a database B lacks is kept and reported when due');

$node_b->stop;

# ---- C: pg_dumpall restores postgres (and the jobs) before the other
# databases; every job comes back and, once its database exists, runs -----
my $node_c = beat_node('dump_c', extension => 0);
# (without ON_ERROR_STOP, as pg_dumpall's scripts are run: the bootstrap
# role exists already)
my ($ret, $out, $err) = $node_c->psql('postgres', undef,
	on_error_stop => 0, extra_params => [ '-f', $dumpall ]);
is($ret, 0, 'C: psql -f of the pg_dumpall script');
unlike($err, qr/ERROR:.*(cron|does not exist|not permitted)/,
	'C: no error about pg_beat objects in the restore');
is($node_c->safe_psql('postgres', $jobs_query), $a_jobs,
	'C: cron.job restored by pg_dumpall, every column');
my $c_start = $node_c->safe_psql('postgres',
	'SELECT last_value FROM cron.runid_seq');
ok( poll_within(
		$node_c, 'postgres', qq{
SELECT count(*) >= 2 FROM cron.job_run_details r JOIN cron.job j USING (jobid)
 WHERE j.jobname = 'late' AND r.status = 'succeeded' AND r.runid > $c_start},
		't', 30),
	'C: the job of the database restored after postgres runs');
ok( poll_within(
		$node_c, 'postgres', qq{
SELECT count(*) > 0 FROM cron.job_run_details r JOIN cron.job j USING (jobid)
 WHERE j.jobname = 'in-dropped-db' AND r.status = 'failed'
   AND r.return_message = 'database "dropped_db" does not exist'
   AND r.runid > $c_start}, 't', 30),
	'C: the job of a dropped database is kept and reported when due');
$node_c->stop;
done_testing();
