# Helpers shared by pg_beat's TAP tests (test/t/*.pl).
#
# Not a test itself: prove runs test/t/*.pl only.  The tests load it with
#   use FindBin; use lib $FindBin::RealBin; use PgBeatTest;
#
# Waiting: every wait has a deadline and polls a query; nothing sleeps to
# let an outcome happen.  poll_within() is poll_query_until() with a
# deadline of our own, so that "within N seconds" is an assertion, not the
# harness' generous 180 s default.
package PgBeatTest;

use strict;
use warnings;

use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep time);

our @EXPORT = qw(beat_node poll_within wait_until_time launcher_pid
  first_finished_run wait_finished_runs);

# A node with pg_beat preloaded and watching database 'postgres', on
# PostgreSQL's default settings otherwise (max_worker_processes = 8).
# %opts: allows_streaming => 1, crash_restart => 1 (Cluster.pm turns
# restart_after_crash off), conf => extra postgresql.conf text,
# preload => 0 (a node without pg_beat), extension => 0 (do not create it).
sub beat_node
{
	my ($name, %opts) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init($opts{allows_streaming} ? (allows_streaming => 1) : ());
	my $preload = defined $opts{preload} ? $opts{preload} : 1;
	if ($preload)
	{
		$node->append_conf('postgresql.conf', <<'EOC');
shared_preload_libraries = 'pg_beat'
cron.database_name = 'postgres'
EOC
	}
	$node->append_conf('postgresql.conf', "restart_after_crash = on\n")
	  if $opts{crash_restart};
	$node->append_conf('postgresql.conf', $opts{conf}) if $opts{conf};
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION pg_beat')
	  if $preload && (!defined $opts{extension} || $opts{extension});
	return $node;
}

# Poll $query on $db until it returns $expected (default 't'), for at most
# $seconds (default 30).  Returns 1 on success, 0 (with a diag) on timeout.
sub poll_within
{
	my ($node, $db, $query, $expected, $seconds) = @_;
	$expected = 't' unless defined $expected;
	$seconds  = 30  unless defined $seconds;
	my $deadline = time() + $seconds;
	my ($ret, $stdout, $stderr);
	while (1)
	{
		($ret, $stdout, $stderr) = $node->psql($db, $query);
		return 1 if $ret == 0 && $stdout eq $expected;
		last if time() >= $deadline;
		usleep(100_000);
	}
	diag("poll_within timed out after ${seconds}s:\n$query\nexpected: "
		  . "$expected\nlast output: "
		  . (defined $stdout ? $stdout : '')
		  . "\nstderr: "
		  . (defined $stderr ? $stderr : ''));
	return 0;
}

# Wait until the server's clock is past $ts (a timestamptz literal).  Used
# only where a test must let time pass to show that something did NOT
# happen, and there is no other event to wait for.
sub wait_until_time
{
	my ($node, $ts) = @_;
	return poll_within($node, 'postgres',
		"SELECT clock_timestamp() > '$ts'::timestamptz", 't', 120);
}

# pid of the launcher, '' when none.
sub launcher_pid
{
	my ($node) = @_;
	return $node->safe_psql('postgres',
		"SELECT coalesce(string_agg(pid::text, ','), '') FROM pg_stat_activity"
		  . " WHERE backend_type = 'pg_beat launcher'");
}

# Wait (up to $seconds) until job $jobid has at least $n finished runs.
sub wait_finished_runs
{
	my ($node, $jobid, $n, $seconds) = @_;
	return poll_within(
		$node, 'postgres',
		"SELECT count(*) >= $n FROM cron.job_run_details WHERE jobid = $jobid"
		  . " AND status IN ('succeeded', 'failed')",
		't', $seconds);
}

# The first finished run of a job, as "status|return_message|sqlstate".
sub first_finished_run
{
	my ($node, $jobid) = @_;
	return $node->safe_psql('postgres',
		"SELECT status, return_message, coalesce(sqlstate, '') FROM cron.job_run_details"
		  . " WHERE jobid = $jobid AND status IN ('succeeded', 'failed')"
		  . " ORDER BY runid LIMIT 1");
}

1;
