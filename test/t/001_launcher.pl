# The launcher: starts with the server, survives SIGHUP, comes back after
# a crash; settings; pg_beat refuses to load without shared_preload_libraries.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = beat_node('launcher', crash_restart => 1, extension => 0);

# --- the launcher runs, even before CREATE EXTENSION ------------------------
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'",
		'1', 30),
	'launcher is in pg_stat_activity before CREATE EXTENSION');
$node->safe_psql('postgres', 'CREATE EXTENSION pg_beat');

is( $node->safe_psql(
		'postgres',
		"SELECT application_name || '|' || datname FROM pg_stat_activity"
		  . " WHERE backend_type = 'pg_beat launcher'"),
	'pg_beat launcher|postgres',
	'launcher has its application_name and is connected to cron.database_name');

my $pid1 = launcher_pid($node);
like($pid1, qr/^\d+$/, 'exactly one launcher');

# --- settings ---------------------------------------------------------------
my $settings = $node->safe_psql(
	'postgres', q{
SELECT name || '=' || setting || ' (' || context || ')' FROM pg_settings
 WHERE name IN ('cron.database_name', 'cron.timezone', 'cron.max_running_jobs',
                'cron.log_run', 'cron.log_statement', 'cron.log_min_messages',
                'cron.enable_superuser_jobs', 'cron.launch_active_jobs',
                'cron.use_background_workers', 'cron.host',
                'cron.notify_channel', 'cron.history_retention')
 ORDER BY name});
is( $settings, join(
		"\n",
		'cron.database_name=postgres (postmaster)',
		'cron.enable_superuser_jobs=on (sighup)',
		'cron.history_retention=30 days (sighup)',
		'cron.host=localhost (postmaster)',
		'cron.launch_active_jobs=on (sighup)',
		'cron.log_min_messages=warning (sighup)',
		'cron.log_run=on (sighup)',
		'cron.log_statement=on (sighup)',
		'cron.max_running_jobs=32 (postmaster)',
		'cron.notify_channel=cron_job_failed (sighup)',
		'cron.timezone=GMT (sighup)',
		'cron.use_background_workers=on (postmaster)'),
	'every cron.* setting of the SPEC is in pg_settings with its default');

# --- SIGHUP: same launcher, new setting -------------------------------------
$node->safe_psql('postgres',
	'ALTER SYSTEM SET cron.launch_active_jobs = off');
$node->reload;
ok( poll_within(
		$node, 'postgres', 'SHOW cron.launch_active_jobs', 'off', 10),
	'reload applies cron.launch_active_jobs = off');

# While paused, a job scheduled now does not run; after "on" it does,
# which shows the launcher itself took both reloads.
my $tick = $node->safe_psql('postgres',
	q{CREATE TABLE ticks (t timestamptz DEFAULT clock_timestamp());
	  SELECT cron.schedule('1 seconds', 'INSERT INTO ticks DEFAULT VALUES')});
my $later = $node->safe_psql('postgres',
	"SELECT clock_timestamp() + interval '2.5 s'");
wait_until_time($node, $later);
is($node->safe_psql('postgres', 'SELECT count(*) FROM ticks'),
	'0', 'no run while cron.launch_active_jobs is off');

$node->safe_psql('postgres', 'ALTER SYSTEM RESET cron.launch_active_jobs');
$node->reload;
ok(poll_within($node, 'postgres', 'SHOW cron.launch_active_jobs', 'on', 10),
	'reload applies cron.launch_active_jobs = on');
ok(poll_within($node, 'postgres', 'SELECT count(*) >= 2 FROM ticks', 't', 10),
	'jobs run again after the setting is back on');
is(launcher_pid($node), $pid1, 'the launcher survived both reloads');

# --- SIGKILL: the postmaster restarts everything and a new launcher comes --
my $log_offset = -s $node->logfile;
ok(kill('KILL', $pid1), "sent SIGKILL to launcher $pid1");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) = 1 AND bool_and(pid <> $pid1) FROM pg_stat_activity"
		  . " WHERE backend_type = 'pg_beat launcher'",
		't', 60),
	'a new launcher appears after the crash restart');
ok( $node->log_contains(
		qr/pg_beat launcher.*terminated by signal 9|terminating any other active server processes/,
		$log_offset),
	'the postmaster handled the launcher crash');
my $pid2 = launcher_pid($node);
isnt($pid2, $pid1, "new launcher pid $pid2");

my $n = $node->safe_psql('postgres', 'SELECT count(*) FROM ticks');
ok( poll_within(
		$node, 'postgres', "SELECT count(*) >= $n + 2 FROM ticks", 't', 15),
	'jobs run under the new launcher');

# --- CREATE EXTENSION only in cron.database_name -----------------------------
$node->safe_psql('postgres', 'CREATE DATABASE otherdb');
my ($ret, $out, $err) =
  $node->psql('otherdb', 'CREATE EXTENSION pg_beat');
isnt($ret, 0, 'CREATE EXTENSION fails outside cron.database_name');
like(
	$err,
	qr/cannot create extension pg_beat in database "otherdb"/,
	'with a clear error');

$node->stop;

# --- without shared_preload_libraries ------------------------------------
my $plain = beat_node('plain', preload => 0);
is( $plain->safe_psql(
		'postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_beat launcher'"),
	'0',
	'no launcher without shared_preload_libraries');
($ret, $out, $err) = $plain->psql('postgres', "LOAD 'pg_beat'");
isnt($ret, 0, 'LOAD pg_beat fails without shared_preload_libraries');
like(
	$err,
	qr/pg_beat must be loaded via shared_preload_libraries/,
	'LOAD pg_beat says why');
($ret, $out, $err) = $plain->psql('postgres', 'CREATE EXTENSION pg_beat');
isnt($ret, 0, 'CREATE EXTENSION pg_beat fails without shared_preload_libraries');
like($err, qr/pg_beat must be loaded via shared_preload_libraries/,
	'and says why');
$plain->stop;

done_testing();
