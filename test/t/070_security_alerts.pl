# Security at run time (the owner's rights are checked at every run, and a
# job never climbs above them) and failure alerts (NOTIFY, on_failure, the
# dead man's switch, history retention).
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = beat_node('secalerts', conf => "cron.overdue_after = '0'\n");

sub sql { return $node->safe_psql('postgres', $_[0]); }

sql(q{
CREATE ROLE alice LOGIN;
CREATE ROLE bob LOGIN;
GRANT USAGE ON SCHEMA cron TO alice, bob;
CREATE TABLE seen (who text, what text, at timestamptz DEFAULT clock_timestamp());
GRANT INSERT ON seen TO alice, bob;
CREATE TABLE secret (x int);
INSERT INTO secret VALUES (42);
REVOKE ALL ON secret FROM PUBLIC;
-- a SECURITY DEFINER function owned by an ordinary role: it runs as bob,
-- never as anyone above him
CREATE FUNCTION whoami_definer() RETURNS text LANGUAGE sql SECURITY DEFINER
    SET search_path = pg_catalog AS 'SELECT current_user::text';
ALTER FUNCTION whoami_definer() OWNER TO bob;
});

# --- a job runs with exactly its owner's rights
my $j1 = $node->safe_psql('postgres', q{SET ROLE alice;
	SELECT cron.schedule('alice-climb', '1 seconds', $$
	    INSERT INTO seen VALUES (current_user, 'start');
	    INSERT INTO seen VALUES (session_user, 'session');
	    INSERT INTO seen SELECT whoami_definer(), 'definer';
	    RESET ROLE;
	    INSERT INTO seen VALUES (current_user, 'after reset');
	    SELECT * FROM secret$$)});
ok(wait_finished_runs($node, $j1, 1), 'alice\'s job ran');
sql("SELECT cron.unschedule($j1)");
is(sql("SELECT status, sqlstate FROM cron.job_run_details WHERE jobid = $j1 ORDER BY runid LIMIT 1"),
	'failed|42501', 'reading a table alice may not read fails with permission denied');
is(sql("SELECT count(*) FROM seen"), '0',
	'and the whole command rolled back, as psql -c does');

my $j2 = $node->safe_psql('postgres', q{SET ROLE alice;
	SELECT cron.schedule('alice-who', '1 seconds', $$
	    INSERT INTO seen VALUES (current_user, 'start');
	    INSERT INTO seen VALUES (session_user, 'session');
	    INSERT INTO seen SELECT whoami_definer(), 'definer';
	    RESET ROLE;
	    INSERT INTO seen VALUES (current_user, 'after reset')$$)});
ok(wait_finished_runs($node, $j2, 1), 'alice\'s second job ran');
sql("SELECT cron.unschedule($j2)");
is(sql("SELECT string_agg(what || '=' || who, ',' ORDER BY at) FROM seen"),
	'start=alice,session=alice,definer=bob,after reset=alice',
	'current_user and session_user are the owner; RESET ROLE stays the owner');
my $j3 = $node->safe_psql('postgres',
	q{SET ROLE alice; SELECT cron.schedule('alice-setrole', '1 seconds', 'SET ROLE postgres')});
ok(wait_finished_runs($node, $j3, 1), 'SET ROLE job ran');
sql("SELECT cron.unschedule(jobid) FROM cron.job WHERE username = 'alice'");
like(sql("SELECT return_message FROM cron.job_run_details WHERE jobid = $j3 ORDER BY runid LIMIT 1"),
	qr/permission denied to set role "postgres"/, 'SET ROLE cannot climb above the owner');

# --- the owner's rights are checked at every run
my $jb = $node->safe_psql('postgres',
	q{SET ROLE bob; SELECT cron.schedule('bob-job', '1 seconds', $$INSERT INTO seen VALUES (current_user, 'bob')$$)});
ok(wait_finished_runs($node, $jb, 1), 'bob\'s job runs');
sql("ALTER ROLE bob NOLOGIN");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $jb AND status = 'failed'
	    AND return_message = 'role \"bob\" is not permitted to log in'", 't', 15),
	'a role that lost LOGIN: the run is recorded failed with the reason');
sql("ALTER ROLE bob LOGIN");
sql("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $jb AND status = 'failed'
	    AND return_message LIKE '%does not have CONNECT privilege%'", 't', 15),
	'a role without CONNECT: failed with the reason');
sql("GRANT CONNECT ON DATABASE postgres TO PUBLIC");

# a renamed owner does not lend the job to a new role of the same name
sql("ALTER ROLE bob RENAME TO robert");
sql("CREATE ROLE bob LOGIN SUPERUSER");
my $newbob_at = sql("SELECT clock_timestamp()");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $jb AND status = 'failed'
	    AND return_message LIKE '%is not the role that owns the job%'", 't', 15),
	'a new role with the old name does not run the job');
is(sql("SELECT (SELECT count(*) FROM seen WHERE what = 'bob' AND who = 'bob' AND at > '$newbob_at')
        || '|' || (SELECT count(*) FROM cron.job_run_details WHERE jobid = $jb
                     AND status = 'succeeded' AND start_time > '$newbob_at')"), '0|0',
	'nothing ran as the new superuser bob');
sql("SELECT cron.unschedule($jb)");
sql("DROP ROLE bob");
sql("ALTER ROLE robert RENAME TO bob");

# --- cron.enable_superuser_jobs = off: superuser jobs are skipped at run time
my $js = sql(q{SELECT cron.schedule('super-job', '1 seconds', 'SELECT 1')});
ok(wait_finished_runs($node, $js, 1), 'a superuser job runs');
sql("ALTER SYSTEM SET cron.enable_superuser_jobs = off");
sql("SELECT pg_reload_conf()");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $js AND status = 'skipped'
	    AND return_message LIKE '%cron.enable_superuser_jobs is off%'", 't', 15),
	'with enable_superuser_jobs off it is skipped with a clear row');
my ($rc, $out, $err) = $node->psql('postgres', q{SELECT cron.schedule('super-2', '1 seconds', 'SELECT 1')});
like($err, qr/cannot schedule a job as superuser "\w+"/, 'and cannot be scheduled');
sql("SELECT cron.unschedule($js)");
sql("ALTER SYSTEM RESET cron.enable_superuser_jobs");
sql("SELECT pg_reload_conf()");

# --- a dropped owner's job never runs
my $jd = $node->safe_psql('postgres',
	q{SET ROLE alice; SELECT cron.schedule('orphan', '1 seconds', 'SELECT 1')});
ok(wait_finished_runs($node, $jd, 1), 'alice\'s job runs');
sql("REVOKE ALL ON seen FROM alice; REVOKE USAGE ON SCHEMA cron FROM alice; DROP ROLE alice");
ok(poll_within($node, 'postgres',
	"SELECT count(*) >= 1 FROM cron.job_run_details WHERE jobid = $jd AND status = 'failed'
	    AND return_message = 'role \"alice\" does not exist'", 't', 15),
	'a dropped owner: failed, role does not exist');
sql("SELECT cron.unschedule($jd)");

# --- failure alerts: NOTIFY with the run as JSON, on_failure as the owner
sql(q{CREATE TABLE alerts (payload json, who text)});
sql(q{GRANT INSERT ON alerts TO bob});
my $jf = $node->safe_psql('postgres', q{SET ROLE bob;
	SELECT cron.schedule_in_database('doomed', '0 0 1 1 *', 'SELECT 1/0', 'postgres',
	    on_failure => $$INSERT INTO alerts VALUES (current_setting('cron.failed_run')::json, current_user)$$)});
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN cron_job_failed');
my $rf = sql("SELECT cron.run_job($jf)");
ok(poll_within($node, 'postgres', "SELECT count(*) = 1 FROM alerts", 't', 15),
	'on_failure ran after the final failure');
is(sql("SELECT who || ' ' || (payload->>'jobid') || ' ' || (payload->>'runid') || ' ' || (payload->>'sqlstate')
        || ' ' || (payload->>'return_message') FROM alerts"),
	"bob $jf $rf 22012 division by zero", 'as the owner, with cron.failed_run holding the run');
my $notified = '';
for my $i (1 .. 50)
{
	$notified = $listener->query_safe('SELECT 1');
	last if $notified =~ /cron_job_failed/;
	usleep(100_000);
}
like($notified, qr/Asynchronous notification "cron_job_failed" with payload ".*"jobid": $jf.*"runid": $rf.*"status": "failed"/,
	'a NOTIFY on cron.notify_channel carries the run as JSON');
$listener->quit;

# --- dead man's switch: overdue once, cleared by a success
my $jo = sql(q{SELECT cron.schedule_in_database('quiet', '1 seconds', 'SELECT 1/0', 'postgres', overdue_after => '2 seconds')});
ok(poll_within($node, 'postgres', "SELECT overdue FROM cron.job_status WHERE jobid = $jo", 't', 20),
	'cron.job_status flags a job without a recent success as overdue');
ok(poll_within($node, 'postgres',
	"SELECT overdue_notified FROM cron.job_stats WHERE jobid = $jo", 't', 20),
	'and it is announced');
sql("SELECT cron.alter_job($jo, command => 'SELECT 1')");
ok(poll_within($node, 'postgres', "SELECT NOT overdue FROM cron.job_status WHERE jobid = $jo", 't', 20),
	'a success clears it');
sql("SELECT cron.unschedule($jo)");

# --- job_status and running_runs
my $jr = sql(q{SELECT cron.schedule('slow', '0 0 1 1 *', 'SELECT pg_sleep(30)')});
my $rr = sql("SELECT cron.run_job($jr)");
ok(poll_within($node, 'postgres',
	"SELECT running FROM cron.job_status WHERE jobid = $jr", 't', 15),
	'cron.job_status shows the run in flight');
is(sql("SELECT runid = $rr AND pid > 0 AND elapsed >= '0' AND wait_event = 'PgSleep'
        FROM cron.running_runs() WHERE jobid = $jr"), 't',
	'cron.running_runs shows it with its pid and wait event');
sql("SELECT cron.cancel_run($rr)");

# --- history retention deletes old rows
sql("INSERT INTO cron.job_run_details (jobid, status, start_time, end_time)
     VALUES (0, 'succeeded', now() - interval '60 days', now() - interval '60 days')");
sql("ALTER SYSTEM SET cron.history_retention = '30 days'");
sql("SELECT pg_reload_conf()");
$node->restart;
ok(poll_within($node, 'postgres',
	"SELECT count(*) = 0 FROM cron.job_run_details WHERE end_time < now() - interval '59 days'", 't', 30),
	'history older than cron.history_retention is purged');

$node->stop;
done_testing();
