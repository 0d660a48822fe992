# ALTER EXTENSION pg_beat UPDATE from 1.0 to 1.1, then to 1.2, then to 1.3,
# and from 1.1 to 1.3: an upgraded installation has exactly the catalog of a
# fresh 1.3
# (pg_dump --schema-only, \dx+ and a description of every object of the
# extension), keeps its jobs, history, options and statistics, and its
# launcher keeps running across the updates and runs the jobs scheduled
# under 1.0, and the new features, afterwards.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $old   = beat_node('upgraded', extension => 0);
my $from11 = beat_node('from11', extension => 0);
my $fresh = beat_node('fresh');
$from11->safe_psql('postgres', q{CREATE EXTENSION pg_beat VERSION '1.1'});
is($from11->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.1', 'a 1.1 installation');
is($fresh->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.3', 'a fresh installation is 1.3');

$old->safe_psql('postgres', q{
CREATE EXTENSION pg_beat VERSION '1.0';
CREATE TABLE ticks (job text, t timestamptz DEFAULT clock_timestamp());
CREATE ROLE app LOGIN;
GRANT USAGE ON SCHEMA cron TO app;
GRANT INSERT ON ticks TO app;
});
is($old->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.0', 'the old installation is 1.0');

my $tick = $old->safe_psql('postgres',
	q{SELECT cron.schedule('tick', '1 seconds', $$INSERT INTO ticks (job) VALUES ('tick')$$)});
$old->safe_psql('postgres', q{
SELECT cron.schedule_in_database('opts', '*/2 * * * * *', 'SELECT 1/0', 'postgres',
    timezone => 'Europe/Paris', timeout => '5 minutes', max_retries => 2,
    retry_delay => '1 hour', overlap_policy => 'skip', misfire_policy => 'run_once',
    on_failure => 'SELECT 1', overdue_after => '1 day')});
$old->safe_psql('postgres', q{SET ROLE app;
SELECT cron.schedule('apps', '1 seconds', $$INSERT INTO ticks (job) VALUES ('apps')$$)});
ok(wait_finished_runs($old, $tick, 3), 'jobs run under 1.0');
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) >= 2 FROM cron.job_run_details WHERE jobid ="
		  . " (SELECT jobid FROM cron.job WHERE jobname = 'opts') AND status = 'failed'"),
	'the failing job failed under 1.0');

my $pid_before = launcher_pid($old);
my $snapshot   = q{
SELECT string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', jobid, schedule,
       command, database, username, active, jobname, timezone, timeout, max_retries,
       retry_delay, overlap_policy, misfire_policy, on_failure, overdue_after), E'\n'
       ORDER BY jobid) FROM cron.job};
my $jobs_before = $old->safe_psql('postgres', $snapshot);
my $runs_before = $old->safe_psql('postgres',
	"SELECT max(runid) FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')");
my $hist_before = $old->safe_psql('postgres',
	"SELECT string_agg(runid || status, ',' ORDER BY runid) FROM cron.job_run_details"
	  . " WHERE runid <= $runs_before AND status IN ('succeeded', 'failed')");
my $stats_before = $old->safe_psql('postgres',
	"SELECT string_agg(jobid || ':' || total_runs, ',' ORDER BY jobid) FROM cron.job_stats");

$old->safe_psql('postgres', "ALTER EXTENSION pg_beat UPDATE TO '1.1'");
is($old->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.1', "ALTER EXTENSION pg_beat UPDATE TO '1.1'");
is($old->safe_psql('postgres', $snapshot), $jobs_before, 'every job and option is kept');
is( $old->safe_psql('postgres',
		"SELECT string_agg(runid || status, ',' ORDER BY runid) FROM cron.job_run_details"
		  . " WHERE runid <= $runs_before AND status IN ('succeeded', 'failed')"),
	$hist_before, 'the history is kept');
ok( $old->safe_psql('postgres',
		"SELECT bool_and(s.total_runs >= split_part(b, ':', 2)::bigint)"
		  . " FROM unnest(string_to_array('$stats_before', ',')) b"
		  . " JOIN cron.job_stats s ON s.jobid = split_part(b, ':', 1)::bigint") eq 't',
	'the statistics are kept');

# the launcher keeps running, and runs the old jobs on the new catalog
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) >= 3 FROM cron.job_run_details WHERE jobid = $tick"
		  . " AND runid > $runs_before AND status = 'succeeded'"),
	'the 1.0 job runs after the update');
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) >= 2 FROM cron.job_run_details d JOIN cron.job j USING (jobid)"
		  . " WHERE j.jobname = 'apps' AND d.runid > $runs_before AND d.status = 'succeeded'"),
	'the non-superuser\'s 1.0 job runs after the update');
is(launcher_pid($old), $pid_before, 'the same launcher ran across the update');
ok( poll_within(
		$old, 'postgres',
		"SELECT slots_done_until IS NOT NULL FROM cron.job_stats WHERE jobid = $tick"),
	'the launcher writes the 1.1 progress columns after the update');

# to 1.2, with a run in flight: its commits were not recorded from its
# start, and the update marks it so (a restart must not read "nothing
# committed" from the absence of rows)
my $slow = $old->safe_psql('postgres',
	q{SELECT cron.schedule('slow', '0 0 1 1 *', 'SELECT pg_sleep(30)')});
$old->safe_psql('postgres', "SELECT cron.run_job($slow)");
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) = 1 FROM cron.job_run_details WHERE jobid = $slow AND status = 'running'"),
	'a run is in flight');
$old->safe_psql('postgres', "ALTER EXTENSION pg_beat UPDATE TO '1.2'");
is($old->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.2', "ALTER EXTENSION pg_beat UPDATE TO '1.2'");
is( $old->safe_psql('postgres',
		"SELECT count(*) FROM cron.run_commits c JOIN cron.job_run_details r USING (runid)"
		  . " WHERE r.jobid = $slow AND c.final IS NULL"),
	'1', 'the run in flight is marked as begun before 1.2');
$old->safe_psql('postgres', "SELECT cron.unschedule($slow)");
is(launcher_pid($old), $pid_before, 'the same launcher ran across both updates');

# a run records its commits after the update: the second part of this
# command sees the row of the first part's commit
my $writes = $old->safe_psql('postgres',
	q{SELECT cron.schedule('writes', '0 0 1 1 *', $$INSERT INTO ticks (job) VALUES ('writes'); COMMIT;
      INSERT INTO ticks (job) SELECT 'commits ' || count(*) FROM cron.run_commits
       WHERE runid = current_setting('cron.run_id')::bigint AND NOT final$$)});
$old->safe_psql('postgres', "SELECT cron.run_job($writes)");
ok(wait_finished_runs($old, $writes, 1), 'a writing job runs on 1.2');
is($old->safe_psql('postgres', "SELECT string_agg(job, ',' ORDER BY job) FROM ticks WHERE job LIKE 'commits%' OR job = 'writes'"),
	'commits 1,writes', 'and records its commit in its own transaction');

# to 1.3: PUBLIC's write privileges on the catalog go (1.2 still had them)
is( $old->safe_psql('postgres',
		"SELECT has_table_privilege('app', 'cron.job', 'DELETE')"
		  . " AND has_table_privilege('app', 'cron.job_run_details', 'DELETE')"),
	't', 'under 1.2 an ordinary role may still write the catalog');
$old->safe_psql('postgres', 'ALTER EXTENSION pg_beat UPDATE');
is($old->safe_psql('postgres', "SELECT extversion FROM pg_extension WHERE extname = 'pg_beat'"),
	'1.3', 'ALTER EXTENSION pg_beat UPDATE brings it to 1.3');
is( $old->safe_psql('postgres',
		"SELECT has_table_privilege('app', 'cron.job', 'INSERT, UPDATE, DELETE')"
		  . " OR has_table_privilege('app', 'cron.job_run_details', 'DELETE')"
		  . " OR has_table_privilege('app', 'cron.job', 'SELECT') IS NOT TRUE"),
	'f', 'under 1.3 it reads the catalog and writes none of it');
$old->safe_psql('postgres',
	q{SET ROLE app; SELECT cron.alter_job(jobid, schedule => '2 seconds') FROM cron.job WHERE jobname = 'apps'});
is($old->safe_psql('postgres', q{SELECT schedule FROM cron.job WHERE jobname = 'apps'}),
	'2 seconds', 'and changes its 1.0 job through the API');
my $updated_at = $old->safe_psql('postgres', 'SELECT clock_timestamp()');
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) >= 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)"
		  . " WHERE j.jobname = 'apps' AND d.start_time > '$updated_at' AND d.status = 'succeeded'"),
	'whose runs go on under 1.3');
is(launcher_pid($old), $pid_before, 'the same launcher ran across the three updates');

# the new features work on the upgraded installation
my $after = $old->safe_psql('postgres',
	q{SELECT cron.schedule('after-tick', 'after tick', $$INSERT INTO ticks (job) VALUES ('after')$$)});
ok( poll_within(
		$old, 'postgres',
		"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $after AND status = 'succeeded'"),
	'a dependent job scheduled after the update runs');

# ---- the upgraded catalog is the fresh one
my $describe = q{
SELECT string_agg(d, E'\n' ORDER BY d) FROM (
  SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity
         || ' acl=' || coalesce(c.relacl::text, '') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '') AS d
    FROM pg_class c WHERE c.relnamespace = 'cron'::regnamespace
  UNION ALL
  SELECT 'col ' || c.relname || '.' || a.attname || ' #' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod)
         || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')
         || ' comment=' || coalesce(col_description(c.oid, a.attnum), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
   WHERE c.relnamespace = 'cron'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'cron'::regnamespace
  UNION ALL
  SELECT 'idx ' || pg_get_indexdef(indexrelid) FROM pg_index
   WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'cron'::regnamespace)
  UNION ALL
  SELECT 'trg ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
         || ' comment=' || coalesce(obj_description(t.oid, 'pg_trigger'), '')
    FROM pg_trigger t WHERE NOT t.tgisinternal
     AND t.tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'cron'::regnamespace)
  UNION ALL
  SELECT 'pol ' || polrelid::regclass || ' ' || polname || ' ' || pg_get_expr(polqual, polrelid)
    FROM pg_policy WHERE polrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'cron'::regnamespace)
  UNION ALL
  SELECT 'fun ' || pg_get_functiondef(p.oid) || ' acl=' || coalesce(p.proacl::text, '')
         || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
    FROM pg_proc p WHERE p.pronamespace = 'cron'::regnamespace
  UNION ALL
  SELECT 'view ' || c.relname || ' ' || pg_get_viewdef(c.oid)
    FROM pg_class c WHERE c.relnamespace = 'cron'::regnamespace AND c.relkind = 'v'
  UNION ALL
  SELECT 'cfg ' || unnest(extconfig)::regclass || ' ' FROM pg_extension WHERE extname = 'pg_beat'
  UNION ALL
  SELECT 'member ' || pg_describe_object(classid, objid, objsubid)
    FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
     AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_beat')
) s};
my $desc_old   = $old->safe_psql('postgres', $describe);
my $desc_fresh = $fresh->safe_psql('postgres', $describe);
ok(length($desc_fresh) > 1000, 'the description of the catalog is not empty');
is($desc_old, $desc_fresh,
	'an upgraded 1.0 has exactly the catalog of a fresh 1.3 (columns, constraints, indexes, triggers, policies, functions, views, grants, comments, members)');
is($from11->safe_psql('postgres', 'ALTER EXTENSION pg_beat UPDATE; ' . $describe), $desc_fresh,
	'so has an upgraded 1.1');

my $dx = q{\dx+ pg_beat};
is($old->safe_psql('postgres', $dx), $fresh->safe_psql('postgres', $dx),
	'\dx+ pg_beat lists the same objects');
is($from11->safe_psql('postgres', $dx), $fresh->safe_psql('postgres', $dx),
	'also after an update from 1.1');

# The application's own table goes: the dumps compare pg_beat's objects.
$old->safe_psql('postgres', 'DROP TABLE ticks; REVOKE USAGE ON SCHEMA cron FROM app');

# Lines that differ by nature between two clusters: the random key of
# \restrict, comments, and, in a binary-upgrade dump, OIDs and xids.
sub dump_of
{
	my ($node, @args) = @_;
	my $out = '';
	IPC::Run::run([ 'pg_dump', '--schema-only', '--no-owner', @args, '-d', $node->connstr('postgres') ],
		'>', \$out)
	  or die "pg_dump failed";
	$out =~ s/^\\(un)?restrict .*\n//mg;
	$out =~ s/^--.*\n//mg;
	$out =~ s/^.*binary_upgrade_set_.*\n//mg;
	$out =~ s/^.*(relfrozenxid|relminmxid|datfrozenxid|datminmxid).*\n//mg;
	# sequences' positions are data; configuration tables are named by OID
	$out =~ s/^.*pg_catalog\.setval\(.*\n//mg;
	$out =~ s/'\{[0-9,]+\}'/'{oids}'/g;
	return $out;
}
my $dump_fresh = dump_of($fresh);
like($dump_fresh, qr/CREATE EXTENSION IF NOT EXISTS pg_beat/, 'the dump creates the extension');
is(dump_of($old), $dump_fresh, 'pg_dump --schema-only is the same for both');
is(dump_of($from11), $dump_fresh, 'and after an update from 1.1');

# a binary-upgrade dump lists every member object one by one
my $members_fresh = dump_of($fresh, '--binary-upgrade');
like($members_fresh, qr/ALTER EXTENSION pg_beat ADD TABLE cron\.job;/,
	'the binary-upgrade dump lists the members');
is(dump_of($old, '--binary-upgrade'), $members_fresh,
	'pg_dump --binary-upgrade (every member object) is the same for both');

$old->stop;
$from11->stop;
$fresh->stop;
done_testing();
