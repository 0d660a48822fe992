# Runs: outcomes and history rows, psql -c semantics, the owner's identity,
# the run's settings, other databases, inactive jobs, catalog changes, and
# punctuality.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = beat_node('runs');

$node->safe_psql(
	'postgres', q{
CREATE TABLE multi (runid bigint, tag text);
CREATE TABLE vac (x int);
INSERT INTO vac SELECT generate_series(1, 100);
CREATE TABLE cic (x int);
CREATE TABLE proc_log (runid bigint, step int);
CREATE PROCEDURE commit_between() LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO proc_log VALUES (current_setting('cron.run_id')::bigint, 1);
    COMMIT;
    INSERT INTO proc_log VALUES (current_setting('cron.run_id')::bigint, 2);
END $$;
CREATE TABLE whoami (cur text, sess text, app text);
CREATE TABLE run_info (job_id text, run_id text, scheduled_time text, app text);
CREATE TABLE control (t timestamptz DEFAULT clock_timestamp());
CREATE TABLE inactive_log (t timestamptz DEFAULT clock_timestamp());
CREATE TABLE versions (v text, t timestamptz DEFAULT clock_timestamp());
CREATE ROLE alice LOGIN;
GRANT USAGE ON SCHEMA cron TO alice;
GRANT INSERT ON whoami TO alice;
CREATE DATABASE otherdb;
});
$node->safe_psql('otherdb',
	'CREATE TABLE t_other (db text, usr text, app text)');

# Schedule everything at once, so the runs overlap in time and the file
# stays fast.  Each job runs every second; assertions look at its first
# finished run, and the job is unscheduled once that is checked.
sub schedule
{
	my ($name, $command) = @_;
	$command =~ s/'/''/g;
	return $node->safe_psql('postgres',
		"SELECT cron.schedule('$name', '1 seconds', '$command')");
}

my %job;
$job{ok}       = schedule('ok',       'INSERT INTO control DEFAULT VALUES');
$job{div0}     = schedule('div0',     'SELECT 1/0');
$job{multi_ok} = schedule('multi_ok',
	"INSERT INTO multi VALUES (current_setting('cron.run_id')::bigint, 'a'); "
	  . "INSERT INTO multi VALUES (current_setting('cron.run_id')::bigint, 'b')");
$job{multi_fail} = schedule('multi_fail',
	"INSERT INTO multi VALUES (current_setting('cron.run_id')::bigint, 'rolled back'); "
	  . "SELECT 1/0");
$job{vacuum}      = schedule('vacuum', 'VACUUM vac');
$job{cic}         = schedule('cic',
	'CREATE INDEX CONCURRENTLY IF NOT EXISTS cic_x ON cic (x)');
$job{call}        = schedule('call', 'CALL commit_between()');
$job{multi_vac}   = schedule('multi_vac', 'SELECT 1; VACUUM vac');
$job{multi_call}  = schedule('multi_call', 'SELECT 1; CALL commit_between()');
$job{run_info}    = schedule('run_info',
	"INSERT INTO run_info VALUES (current_setting('cron.job_id'), "
	  . "current_setting('cron.run_id'), current_setting('cron.scheduled_time'), "
	  . "current_setting('application_name'))");
$job{otherdb} = $node->safe_psql(
	'postgres', q{
SELECT cron.schedule_in_database('otherdb', '1 seconds',
    'INSERT INTO t_other VALUES (current_database(), current_user, current_setting(''application_name''))',
    'otherdb')});

# a job of alice, scheduled by alice (SET ROLE: current_user is alice)
$job{alice} = $node->safe_psql(
	'postgres', q{
SET ROLE alice;
SELECT cron.schedule('alice', '1 seconds',
    'INSERT INTO whoami VALUES (current_user, session_user, current_setting(''application_name''))');
});

# an inactive job: made inactive in the same transaction, so it never ran
$job{inactive} = $node->safe_psql(
	'postgres', q{
BEGIN;
SELECT cron.schedule('inactive', '1 seconds', 'INSERT INTO inactive_log DEFAULT VALUES');
SELECT cron.alter_job(currval('cron.jobid_seq'), active => false);
COMMIT;
});
$job{inactive} =~ s/\n.*//s;

$job{version} = schedule('version', "INSERT INTO versions VALUES ('v1')");

note(join(', ', map { "$_=$job{$_}" } sort keys %job));

# --- outcomes ---------------------------------------------------------------
sub check_first
{
	my ($name, $expected, $what) = @_;
	ok(wait_finished_runs($node, $job{$name}, 1, 30), "$name: a run finished");
	is(first_finished_run($node, $job{$name}), $expected, "$name: $what");
}

check_first('ok', 'succeeded|INSERT 0 1|', 'success records the command tag');
check_first('div0', 'failed|division by zero|22012',
	'failure records the error message and SQLSTATE');

check_first('multi_ok', 'succeeded|INSERT 0 1|',
	'several statements: the last tag');
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(m.tag, ',' ORDER BY m.tag) FROM multi m
 WHERE m.runid = (SELECT min(runid) FROM cron.job_run_details
                   WHERE jobid = $job{multi_ok} AND status = 'succeeded')}),
	'a,b',
	'several statements: every statement took effect');

check_first('multi_fail', 'failed|division by zero|22012',
	'several statements, the last fails: the run failed');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM multi m JOIN cron.job_run_details r ON r.runid = m.runid
 WHERE r.jobid = $job{multi_fail}}),
	'0',
	'several statements, the last fails: the earlier ones are rolled back');

check_first('vacuum', 'succeeded|VACUUM|', 'a lone VACUUM runs');
ok( poll_within(
		$node, 'postgres',
		"SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'vac'",
		't', 10),
	'the VACUUM really vacuumed the table');

check_first('cic', 'succeeded|CREATE INDEX|',
	'CREATE INDEX CONCURRENTLY runs');
is( $node->safe_psql(
		'postgres',
		"SELECT indisvalid FROM pg_index WHERE indexrelid = 'cic_x'::regclass"),
	't',
	'the concurrently built index is valid');

check_first('call', 'succeeded|CALL|',
	'CALL of a procedure that COMMITs runs');
is( $node->safe_psql(
		'postgres', qq{
SELECT string_agg(p.step::text, ',' ORDER BY p.step) FROM proc_log p
 WHERE p.runid = (SELECT min(runid) FROM cron.job_run_details
                   WHERE jobid = $job{call} AND status = 'succeeded')}),
	'1,2',
	'both transactions of the procedure committed');

check_first('multi_vac',
	'failed|VACUUM cannot run inside a transaction block|25001',
	'VACUUM inside a multi-statement string is refused as psql -c would');
check_first('multi_call', 'failed|invalid transaction termination|2D000',
	'a committing procedure inside a multi-statement string is refused');

# --- the owner ---------------------------------------------------------------
ok(wait_finished_runs($node, $job{alice}, 1, 30), 'alice: a run finished');
is( $node->safe_psql(
		'postgres', "SELECT username FROM cron.job WHERE jobid = $job{alice}"),
	'alice',
	'the job scheduled under SET ROLE belongs to alice');
is(first_finished_run($node, $job{alice}), 'succeeded|INSERT 0 1|',
	'alice: the run succeeded');
is( $node->safe_psql(
		'postgres',
		"SELECT DISTINCT cur || '|' || sess || '|' || app FROM whoami"),
	"alice|alice|pg_beat job $job{alice}",
	'the run is a session of the owner: current_user and session_user are alice');
is( $node->safe_psql(
		'postgres',
		"SELECT DISTINCT username FROM cron.job_run_details WHERE jobid = $job{alice}"),
	'alice',
	'the history row names the owner');

# --- the run's settings --------------------------------------------------------
ok(wait_finished_runs($node, $job{run_info}, 2, 30), 'run_info: runs finished');
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) || '|' ||
       count(*) FILTER (WHERE r.runid IS NOT NULL
                          AND r.jobid = $job{run_info}
                          AND i.job_id = r.jobid::text
                          AND i.scheduled_time::timestamptz = r.scheduled_time
                          AND i.app = 'pg_beat job ' || r.jobid)
  FROM run_info i
  LEFT JOIN cron.job_run_details r ON r.runid = i.run_id::bigint}) =~ /^(\d+)\|(\d+)$/
	  ? ($1 > 0 && $1 == $2 ? 'all match' : "$2 of $1 match")
	  : 'no result',
	'all match',
	'cron.job_id, cron.run_id, cron.scheduled_time and application_name match the history row');

# --- another database ------------------------------------------------------------
ok(poll_within($node, 'otherdb', 'SELECT count(*) > 0 FROM t_other', 't', 30),
	'schedule_in_database: the job ran in otherdb');
is( $node->safe_psql('otherdb', 'SELECT DISTINCT db || \'|\' || usr || \'|\' || app FROM t_other'),
	"otherdb|postgres|pg_beat job $job{otherdb}",
	'schedule_in_database: in the right database, as the scheduling user');
is( $node->safe_psql(
		'postgres', qq{
SELECT DISTINCT database || '|' || status FROM cron.job_run_details
 WHERE jobid = $job{otherdb} AND status IN ('succeeded', 'failed')}),
	'otherdb|succeeded',
	'schedule_in_database: history in cron.database_name names otherdb');

# Done with the outcome jobs: fewer runs from here on.
$node->safe_psql('postgres',
	"SELECT cron.unschedule(j) FROM unnest(ARRAY["
	  . join(',', @job{qw(div0 multi_ok multi_fail vacuum cic call multi_vac multi_call run_info otherdb alice)})
	  . "]::bigint[]) j");

# --- inactive jobs do not run ---------------------------------------------------
my $ctl = $node->safe_psql('postgres',
	"SELECT count(*) FROM cron.job_run_details WHERE jobid = $job{ok}");
ok( poll_within(
		$node, 'postgres',
		"SELECT count(*) >= $ctl + 3 FROM cron.job_run_details WHERE jobid = $job{ok}"
		  . " AND status = 'succeeded'",
		't', 30),
	'control job ran 3 more times');
is( $node->safe_psql(
		'postgres',
		"SELECT (SELECT count(*) FROM cron.job_run_details WHERE jobid = $job{inactive})"
		  . " || '|' || (SELECT count(*) FROM inactive_log)"),
	'0|0',
	'the inactive job never ran');
$node->safe_psql('postgres',
	"SELECT cron.alter_job($job{inactive}, active => true)");
ok( poll_within(
		$node, 'postgres', 'SELECT count(*) > 0 FROM inactive_log', 't', 5),
	'after alter_job(active => true) it runs within seconds');

# --- a catalog change takes effect without a restart --------------------------------
ok(poll_within($node, 'postgres', "SELECT count(*) > 0 FROM versions WHERE v = 'v1'"),
	'version job runs v1');
my $t0 = time();
$node->safe_psql('postgres',
	"SELECT cron.alter_job($job{version}, command => \$\$INSERT INTO versions VALUES ('v2')\$\$)");
ok( poll_within(
		$node, 'postgres', "SELECT count(*) > 0 FROM versions WHERE v = 'v2'",
		't', 4),
	'the new command runs within a few seconds of alter_job');
note(sprintf('alter_job took effect after %.2f s', time() - $t0));
ok( poll_within(
		$node, 'postgres', "SELECT count(*) >= 3 FROM versions WHERE v = 'v2'",
		't', 10),
	'the new command keeps running');
is( $node->safe_psql(
		'postgres', q{
SELECT count(*) FROM versions
 WHERE v = 'v1' AND t > (SELECT min(t) FROM versions WHERE v = 'v2')}),
	'0',
	'the old command stopped running');

# --- punctuality -------------------------------------------------------------------
my $lateness = $node->safe_psql(
	'postgres', qq{
SELECT count(*) || '|' ||
       bool_and(start_time >= scheduled_time) || '|' ||
       bool_and(start_time - scheduled_time < interval '1 s') || '|' ||
       max(start_time - scheduled_time)
  FROM cron.job_run_details
 WHERE jobid = $job{ok} AND status = 'succeeded'});
my ($cnt, $not_early, $prompt, $max) = split /\|/, $lateness;
cmp_ok($cnt, '>=', 3, 'enough runs to judge punctuality');
is($not_early, 'true', 'no run starts before its slot');
is($prompt, 'true', "every run starts less than 1 s after its slot (max $max)");

# every whole second: consecutive slots of the control job are 1 s apart
is( $node->safe_psql(
		'postgres', qq{
SELECT count(*) FROM (
  SELECT scheduled_time - lag(scheduled_time) OVER (ORDER BY scheduled_time) AS d
    FROM cron.job_run_details WHERE jobid = $job{ok}) s
 WHERE d <> interval '1 s'}),
	'0',
	'the control job ran every second, no slot missed or doubled');

$node->stop;
done_testing();
