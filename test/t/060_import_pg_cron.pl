# Migration from pg_cron (docs/migrating-from-pg_cron.md), end to end, with
# the real pg_cron 1.4 (Debian's postgresql-15-cron): schedule jobs with
# pg_cron, copy its tables out, drop it, restart with pg_beat, import (dry
# run, then for real) and watch an imported job run.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $pkglibdir = `pg_config --pkglibdir`;
chomp $pkglibdir;
plan skip_all =>
  "pg_cron is not installed ($pkglibdir/pg_cron.so); apt-get install postgresql-15-cron"
  unless -e "$pkglibdir/pg_cron.so";

my $node = PostgreSQL::Test::Cluster->new('import');
$node->init;
$node->append_conf('postgresql.conf', <<'EOC');
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
max_worker_processes = 40
EOC
$node->start;

# ---- with pg_cron ----------------------------------------------------------
$node->safe_psql(
	'postgres', q{
CREATE EXTENSION pg_cron;
CREATE ROLE app LOGIN;
CREATE DATABASE appdb;
CREATE TABLE ticks (runid bigint, sched text, t timestamptz DEFAULT clock_timestamp());
-- pg_cron 1.4 accepts six fields and ignores the sixth: every minute there,
-- every second under pg_beat
SELECT cron.schedule('tick', '* * * * * *',
  $$INSERT INTO ticks (runid, sched) VALUES (current_setting('cron.run_id')::bigint, current_setting('cron.scheduled_time'))$$);
SELECT cron.schedule('30 3 * * *', 'VACUUM');
SELECT cron.unschedule(cron.schedule('gone', '@daily', 'SELECT 1'));
SELECT cron.schedule_in_database('inapp', '*/5 * * * *', 'SELECT 1', 'appdb', 'app', false);
-- pg_cron ignores "#2": every Monday there, the second Monday under pg_beat
SELECT cron.schedule('nth', '0 9 * * 1#2', 'SELECT 2');
-- pg_cron accepts a day that never comes; pg_beat refuses it
SELECT cron.schedule('never', '0 0 30 2 *', 'SELECT 3');
SELECT cron.schedule('weekly', '@weekly', 'SELECT 4');
});
my $tick = $node->safe_psql('postgres',
	"SELECT jobid FROM cron.job WHERE jobname = 'tick'");
my $never = $node->safe_psql('postgres',
	"SELECT jobid FROM cron.job WHERE jobname = 'never'");

# History as pg_cron writes it (no need to wait a minute for pg_cron to run):
# a finished run and one that was still running when pg_cron stopped.
$node->safe_psql(
	'postgres', qq{
INSERT INTO cron.job_run_details (jobid, job_pid, database, username, command,
                                  status, return_message, start_time, end_time)
VALUES ($tick, 4242, 'postgres', 'postgres', 'INSERT ...', 'succeeded', 'INSERT 0 1',
        now() - interval '2 minutes', now() - interval '2 minutes' + interval '5 ms'),
       ($tick, 4243, 'postgres', 'postgres', 'INSERT ...', 'running', NULL,
        now() - interval '1 minute', NULL),
       ($never, 4244, 'postgres', 'postgres', 'SELECT 3', 'succeeded', 'SELECT 1',
        now() - interval '3 minutes', now() - interval '3 minutes')});

my $pg_cron_jobs_query = q{
SELECT jobid, schedule, command, database, username, active, jobname
  FROM %s ORDER BY jobid};
my $pg_cron_jobs = $node->safe_psql('postgres',
	sprintf($pg_cron_jobs_query, 'cron.job') . '');

# Step 1 of the migration: copy pg_cron's tables out.
$node->safe_psql(
	'postgres', q{
CREATE TABLE public.pg_cron_job AS TABLE cron.job;
CREATE TABLE public.pg_cron_job_run_details AS TABLE cron.job_run_details;
GRANT SELECT ON public.pg_cron_job TO app;
});

# Step 2: drop pg_cron, preload pg_beat instead, restart.
$node->safe_psql('postgres', 'DROP EXTENSION pg_cron');
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'pg_beat'\n");
$node->restart;

# Step 3: create pg_beat.
$node->safe_psql('postgres',
	'CREATE EXTENSION pg_beat; GRANT USAGE ON SCHEMA cron TO app');

# ---- step 4: the dry run ---------------------------------------------------
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
SELECT pg_cron_jobid, coalesce(jobname, '-'), schedule, coalesce(new_jobid::text, '-'),
       outcome, notes
  FROM cron.import_pg_cron('public.pg_cron_job', 'public.pg_cron_job_run_details')});
is($ret, 0, 'dry run succeeds');
my %dry = map { my @f = split /\|/, $_, 6; ($f[1] => \@f) } split /\n/, $out;
is_deeply(
	{ map { $_ => $dry{$_}[4] } keys %dry },
	{
		'tick'   => 'would import',
		'-'      => 'would import',
		'inapp'  => 'would import',
		'nth'    => 'would import',
		'never'  => 'would fail',
		'weekly' => 'would import'
	},
	'dry run: one row per pg_cron job, with what the import would do');
ok(!grep({ $_->[3] ne '-' } values %dry), 'dry run: no new jobids');
like(
	$dry{tick}[5],
	qr/6 fields: pg_cron ignores the fields after the fifth and runs it as "\* \* \* \* \*", but pg_beat reads the first field as seconds \(every second, GMT\)/,
	'dry run: a sixth field is reported as a change in meaning');
like(
	$dry{nth}[5],
	qr/day-of-week field "1#2": pg_cron reads only "1" and ignores "#2", so it ran on that weekday every week/,
	'dry run: "#n" is reported as a change in meaning');
like(
	$dry{never}[5],
	qr/pg_beat refuses it: invalid schedule "0 0 30 2 \*" \(The schedule can never fire/,
	'dry run: a schedule pg_beat refuses is reported with the reason');
is($dry{weekly}[5], '', 'dry run: nothing to say about a job whose meaning is kept');
like($err, qr/dry run: 2 history rows would be copied/,
	'dry run: the history it would copy is counted');
like($err, qr/1 job\(s\) would not import/, 'dry run: a warning counts the failures');
is( $node->safe_psql(
		'postgres',
		'SELECT count(*) || \'|\' || (SELECT is_called FROM cron.jobid_seq) FROM cron.job'),
	'0|false',
	'dry run: changes nothing, not even the sequence');

# The import runs with the caller's rights and writes cron.job directly:
# since pg_beat 1.3 ordinary roles hold no INSERT on it, so app may import
# nothing, not even its own job; the dry run says why, job by job.
($ret, $out, $err) = $node->psql(
	'postgres', q{
SET ROLE app;
SELECT coalesce(jobname, '-') || ':' || outcome || ':' || (notes LIKE '%pg_beat refuses it: permission denied for table job%')
  FROM cron.import_pg_cron('public.pg_cron_job') ORDER BY pg_cron_jobid});
is($ret, 0, 'dry run as a non-superuser succeeds');
is( $out,
	join("\n",
		'tick:would fail:true',
		'-:would fail:true',
		'inapp:would fail:true',
		'nth:would fail:true',
		'never:would fail:true',
		'weekly:would fail:true'),
	"as app, no job would import: only a superuser writes cron.job directly");

# ---- step 4, for real ------------------------------------------------------
($ret, $out, $err) = $node->psql(
	'postgres', q{
SELECT coalesce(jobname, '-') || ':' || outcome || ':' || coalesce((new_jobid = pg_cron_jobid)::text, '-')
  FROM cron.import_pg_cron('public.pg_cron_job', 'public.pg_cron_job_run_details',
                           dry_run => false)
 ORDER BY pg_cron_jobid});
is($ret, 0, 'import succeeds');
is( $out,
	join("\n",
		'tick:imported:true',
		'-:imported:true',
		'inapp:imported:true',
		'nth:imported:true',
		'never:failed:-',
		'weekly:imported:true'),
	'import: every job pg_beat accepts is imported under its pg_cron jobid');
like($err, qr/copied 2 history rows/, 'import: the history of the imported jobs is copied');

my $expected = join("\n", grep { !/\|never$/ } split /\n/, $pg_cron_jobs);
is( $node->safe_psql(
		'postgres', sprintf($pg_cron_jobs_query, 'cron.job')),
	$expected,
	'the jobs have pg_cron\'s jobid, schedule, command, database, username, active and jobname');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FILTER (WHERE nodename <> 'localhost' OR timezone IS NOT NULL
                         OR max_retries <> 0 OR overlap_policy <> 'queue'
                         OR misfire_policy <> 'skip' OR on_failure IS NOT NULL)
  FROM cron.job}),
	'0',
	"pg_beat's own options take their defaults");

my $max_jobid = $node->safe_psql('postgres',
	"SELECT max(jobid) FROM public.pg_cron_job WHERE jobname IS DISTINCT FROM 'never'");
is( $node->safe_psql(
		'postgres', "SELECT cron.schedule('new', '\@daily', 'SELECT 1') > $max_jobid"),
	't',
	'the sequence is past the imported jobids: a new job gets a fresh one');
$node->safe_psql('postgres', "SELECT cron.unschedule('new')");

is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(concat_ws(',', job_pid, status, coalesce(return_message, '-'),
                            scheduled_time IS NULL, end_time IS NOT NULL), ';' ORDER BY job_pid)
  FROM cron.job_run_details WHERE jobid = $tick AND scheduled_time IS NULL}),
	'4242,succeeded,INSERT 0 1,t,t;'
	  . '4243,failed,pg_cron run did not finish before the import (status running),t,t',
	'history: runs copied; a run pg_cron left running is recorded failed');

# An imported job runs under pg_beat (every second: its sixth field).
ok( poll_within(
		$node, 'postgres', qq{
SELECT count(*) >= 3 FROM cron.job_run_details
 WHERE jobid = $tick AND status = 'succeeded' AND scheduled_time IS NOT NULL}, 't', 30),
	'the imported 6-field job runs under pg_beat, every second');
ok( poll_within(
		$node, 'postgres',
		'SELECT count(DISTINCT sched) >= 3 FROM ticks', 't', 10),
	'its runs do their work');

# Importing again changes nothing.
($ret, $out, $err) = $node->psql(
	'postgres', q{
SELECT string_agg(DISTINCT outcome, ',') FROM cron.import_pg_cron('public.pg_cron_job',
    'public.pg_cron_job_run_details', dry_run => false)
 WHERE jobname IS DISTINCT FROM 'never'});
is($out, 'already imported', 'a second import finds every job imported');
like($err, qr/copied 0 history rows/, 'and copies no history twice');
is( $node->safe_psql(
		'postgres', "SELECT count(*) FROM cron.job_run_details WHERE scheduled_time IS NULL"),
	'2',
	'the imported history is there once');

# pg_beat's own tables are not a source.
($ret, $out, $err) = $node->psql('postgres',
	"SELECT * FROM cron.import_pg_cron('cron.job')");
like($err, qr/cannot import pg_beat's own tables/, "cron.job is refused as a source");

$node->stop;
done_testing();
