# Pooled job sessions: a session that finished a run takes the next run of
# the same role in the same database, and nothing of the first run shows in
# the second (DISCARD ALL semantics, role restored, open transaction rolled
# back).  Sessions are never shared between roles, follow ALTER ROLE ... SET
# changes, leave when idle too long, and never hold up DROP DATABASE.
use strict;
use warnings;

use FindBin;
use lib $FindBin::RealBin;
use PgBeatTest;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $node = beat_node('pool', conf => "cron.session_idle_timeout = '5min'\n");

sub sql { return $node->safe_psql('postgres', $_[0]); }

sql(q{
CREATE ROLE alice LOGIN;
CREATE ROLE alice_helper;
GRANT alice_helper TO alice;
CREATE ROLE bob LOGIN;
CREATE TABLE probe (tag text, pid int, cur text, sess text, work_mem text,
    search_path text, app text, prepared bigint,
    cursors bigint, advisory bigint, temp_objects bigint, has_currval bool,
    in_xact bool, scheduled text, failed_run text);
GRANT INSERT ON probe TO PUBLIC;
GRANT USAGE ON SCHEMA cron TO alice, bob;
CREATE SEQUENCE leak_seq;
GRANT USAGE ON leak_seq TO PUBLIC;
CREATE FUNCTION has_currval() RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
    PERFORM currval('public.leak_seq');
    RETURN true;
EXCEPTION WHEN object_not_in_prerequisite_state THEN
    RETURN false;
END$$;
});

# What the probe records about its session.
my $probe = q{INSERT INTO public.probe SELECT '%s', pg_backend_pid(), current_user,
    session_user, current_setting('work_mem'), current_setting('search_path'),
    current_setting('application_name'),
    (SELECT count(*) FROM pg_prepared_statements),
    (SELECT count(*) FROM pg_cursors),
    (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()),
    (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()),
    public.has_currval(),
    (SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = pg_backend_pid()),
    current_setting('cron.scheduled_time'), current_setting('cron.failed_run')};

# Jobs that never fire on their own: each run is asked for with run_job.
sub job
{
	my ($role, $name, $command, $db) = @_;
	$db = 'postgres' unless defined $db;
	$command =~ s/'/''/g;
	return sql("SET ROLE $role; SELECT cron.schedule_in_database('$name', '0 0 1 1 *', '$command', '$db')");
}

# Run a job now and wait for that run to finish; returns its status.
sub run_and_wait
{
	my ($jobid) = @_;
	my $runid = sql("SELECT cron.run_job($jobid)");
	poll_within($node, 'postgres',
		"SELECT status IN ('succeeded', 'failed') FROM cron.job_run_details WHERE runid = $runid");
	return sql("SELECT status || coalesce(': ' || return_message, '') FROM cron.job_run_details WHERE runid = $runid");
}

sub probe_row
{
	my ($tag, $cols) = @_;
	return sql("SELECT $cols FROM probe WHERE tag = '$tag'");
}

# --- a run that leaves all the session state it can behind
my $dirty = job('alice', 'dirty', sprintf($probe, 'dirty-before') . q{;
	SET work_mem = '77MB';
	SET search_path = pg_temp, public;
	SET application_name = 'dirty';
	CREATE TEMP TABLE leak_tmp (x int);
	PREPARE leak_stmt AS SELECT 1;
	SELECT pg_advisory_lock(4242);
	DECLARE leak_cur CURSOR WITH HOLD FOR SELECT 1;
	SELECT nextval('public.leak_seq');
	SET ROLE alice_helper;
	} . sprintf($probe, 'dirty-after'));
my $clean = job('alice', 'clean', sprintf($probe, 'clean'));

is(run_and_wait($dirty), 'succeeded: INSERT 0 1', 'the dirty run succeeded');
is( probe_row('dirty-after',
		'cur, work_mem, prepared, cursors, advisory, temp_objects > 0, has_currval'),
	'alice_helper|77MB|1|1|1|t|t',
	'it left a role, a setting, a prepared statement, a held cursor, an advisory lock, a temp table and currval behind');

is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'the next run of alice succeeded');
is(probe_row('clean', 'pid') eq probe_row('dirty-after', 'pid') ? 'same' : 'new',
	'same', 'it ran in the same session (pooled)');
is( probe_row('clean',
		'cur, sess, work_mem, search_path, app, prepared, cursors, advisory, temp_objects, has_currval, in_xact, scheduled, failed_run'
	),
	"alice|alice|4MB|\"\$user\", public|pg_beat job $clean|0|0|0|0|f|f||",
	'and saw none of it: role, settings, statements, cursors, locks, temp objects, sequence state');

# --- an open transaction is rolled back, and the session still serves
my $open = job('alice', 'open-xact', q{BEGIN; INSERT INTO public.probe (tag) VALUES ('uncommitted')});
is(run_and_wait($open), 'succeeded: INSERT 0 1', 'a command that leaves BEGIN open succeeds, as in psql');
sql("DELETE FROM probe WHERE tag = 'clean'");
is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'the next run succeeded');
is(sql("SELECT count(*) FROM probe WHERE tag = 'uncommitted'"), '0',
	'the open transaction was rolled back, as when psql disconnects');
is(probe_row('clean', 'pid') eq probe_row('dirty-after', 'pid') ? 'same' : 'new',
	'same', 'in the same session, outside any transaction');

# --- an error does not poison the session
my $fail = job('alice', 'fails', q{SET work_mem = '99MB'; SELECT 1/0});
like(run_and_wait($fail), qr/^failed: division by zero/, 'a failing run fails');
sql("DELETE FROM probe WHERE tag = 'clean'");
is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'the next run succeeded');
is(probe_row('clean', 'work_mem || in_xact::text'), '4MBfalse',
	'after the error: default settings, no transaction');

# --- never shared between roles
my $bobjob = job('bob', 'bob-probe', sprintf($probe, 'bob'));
is(run_and_wait($bobjob), 'succeeded: INSERT 0 1', 'bob\'s run succeeded');
is(probe_row('bob', 'cur || sess'), 'bobbob', 'bob\'s run is bob');
isnt(probe_row('bob', 'pid'), probe_row('clean', 'pid'),
	'in a session of its own, not alice\'s');

# --- ALTER ROLE ... SET makes pooled sessions stale
sql("ALTER ROLE alice SET work_mem = '3MB'");
sql("DELETE FROM probe WHERE tag = 'clean'");
is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'alice runs after ALTER ROLE SET');
is(probe_row('clean', 'work_mem'), '3MB', 'and sees the new role setting');
isnt(probe_row('clean', 'pid'), probe_row('dirty-after', 'pid'),
	'from a new session');

# --- idle sessions never hold up DROP DATABASE
sql("CREATE DATABASE jobsdb");
sql("GRANT CREATE ON DATABASE jobsdb TO alice");
my $indb = job('alice', 'in-jobsdb', 'SELECT 1', 'jobsdb');
is(run_and_wait($indb), 'succeeded: SELECT 1', 'a run in another database');
ok( poll_within($node, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = 'jobsdb' AND backend_type = 'pg_beat job'"),
	'its session stays, idle, in that database');
my $t0 = time();
my ($ret, $out, $err) = $node->psql('postgres', 'DROP DATABASE jobsdb');
is($ret, 0, 'DROP DATABASE succeeds while a pooled session was connected')
  or diag($err);
cmp_ok(time() - $t0, '<', 4, 'without waiting for the session to time out');

# --- idle sessions leave after cron.session_idle_timeout
# (DROP DATABASE retired every idle session: make one)
sql("DELETE FROM probe WHERE tag = 'clean'");
is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'alice runs again');
ok( poll_within($node, 'postgres',
		"SELECT count(*) >= 1 FROM pg_stat_activity WHERE backend_type = 'pg_beat job' AND state = 'idle'"),
	'an idle session waits (5 min timeout)');
sql("ALTER SYSTEM SET cron.session_idle_timeout = '1s'");
sql("SELECT pg_reload_conf()");
ok( poll_within($node, 'postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'pg_beat job'", 't', 20),
	'idle sessions exit after cron.session_idle_timeout');

# --- 0 turns pooling off: every run in a new session
sql("ALTER SYSTEM SET cron.session_idle_timeout = 0");
sql("SELECT pg_reload_conf()");
poll_within($node, 'postgres', "SELECT current_setting('cron.session_idle_timeout') = '0'");
sql("DELETE FROM probe WHERE tag = 'clean'");
is(run_and_wait($clean), 'succeeded: INSERT 0 1', 'a run with pooling off');
my $pid_off = probe_row('clean', 'pid');
ok( poll_within($node, 'postgres',
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $pid_off"),
	'its session exits after the run');

$node->stop;
done_testing();
