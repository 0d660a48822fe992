#!/usr/bin/env bash
#
# test/upgrade/cluster.sh STEP ...: the steps of the major-version upgrade
# test that run inside a Debian root, as the postgres OS user (test/upgrade/
# run.sh calls them).  Every cluster listens on 127.0.0.1 (so that a root's
# pg_dump reaches another root's server) and on a socket in its directory,
# preloads pg_beat with cron.database_name = 'postgres', trusts local users.
#
#   init MAJOR DIR PORT     initdb and configure a cluster (not started)
#   start|stop DIR          pg_ctl
#   jobs DIR PORT           on the source: roles, databases, jobs with every
#                           option, wait until they have run
#   snapshot DIR PORT OUT   pause the scheduler, wait for runs in flight, and
#                           write the jobs and the history to OUT.*
#   check DIR PORT SNAP     on the target: the jobs, options and history are
#                           SNAP's, and the jobs run here
#   restore DIR PORT SRCPORT  pg_dumpall --globals-only and pg_dump of the
#                           server on 127.0.0.1:SRCPORT restored here
set -euo pipefail

step="$1"; shift
say() { printf '  [%s] %s\n' "$step" "$*"; }
die() { echo "UPGRADE TEST FAILED ($step): $*" >&2; exit 1; }

major_of() { cat "$1/PG_VERSION"; }
bin_of() { echo "/usr/lib/postgresql/$(major_of "$1")/bin"; }
q() {	# q DIR PORT DB SQL: one value
	"$(bin_of "$1")/psql" -X -At -v ON_ERROR_STOP=1 -h "$1" -p "$2" -d "$3" -c "$4"
}

# wait_until DIR PORT SQL SECONDS: until SQL (in postgres) returns t
wait_until() {
	local deadline=$((SECONDS + $4))
	while [ "$(q "$1" "$2" postgres "$3")" != t ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

case "$step" in
init)
	major="$1" dir="$2" port="$3"
	"/usr/lib/postgresql/$major/bin/initdb" -D "$dir" -A trust -U postgres >/dev/null
	cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_preload_libraries = 'pg_beat'
cron.database_name = 'postgres'
CONF
	say "PostgreSQL $("/usr/lib/postgresql/$major/bin/postgres" --version | awk '{print $3}') cluster in $dir, port $port"
	;;
start)
	"$(bin_of "$1")/pg_ctl" -D "$1" -l "$1/server.log" -w start >/dev/null ||
		{ tail -n 30 "$1/server.log"; die "the server did not start"; }
	;;
stop)
	[ -f "$1/postmaster.pid" ] && "$(bin_of "$1")/pg_ctl" -D "$1" -m fast -w stop >/dev/null
	true
	;;
jobs)
	dir="$1" port="$2"
	"$(bin_of "$dir")/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -d postgres >/dev/null <<'SQL'
CREATE EXTENSION pg_beat;
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
  misfire_policy => 'run_once', on_failure => 'SELECT 1',
  overdue_after => '2 days');
SELECT cron.schedule_in_database('elsewhere', '1 seconds', 'SELECT 1', 'otherdb');
SELECT cron.schedule_in_database('paused', '1 seconds', 'SELECT 1', 'postgres',
  active => false);
SELECT cron.schedule_in_database('failing', '1 seconds', 'SELECT 1/0', 'postgres',
  max_retries => 1, retry_delay => '1 second');
SET ROLE app;
SELECT cron.schedule('app-tick', '1 seconds', 'INSERT INTO app_log DEFAULT VALUES');
RESET ROLE;
SELECT cron.unschedule(cron.schedule('gone', '@daily', 'SELECT 1'));
SQL
	for j in tick elsewhere app-tick; do
		wait_until "$dir" "$port" "SELECT count(*) >= 2 FROM cron.job_run_details d
			JOIN cron.job USING (jobid) WHERE jobname = '$j' AND d.status = 'succeeded'" 30 ||
			die "job $j did not run on the source"
	done
	wait_until "$dir" "$port" "SELECT count(*) >= 1 FROM cron.job_run_details d
		JOIN cron.job USING (jobid) WHERE jobname = 'failing' AND d.status = 'failed'" 30 ||
		die "job failing did not fail on the source"
	say "jobs created and run: $(q "$dir" "$port" postgres "SELECT count(*) FROM cron.job") jobs, $(q "$dir" "$port" postgres "SELECT count(*) FROM cron.job_run_details") runs"
	;;
snapshot)
	dir="$1" port="$2" out="$3"
	q "$dir" "$port" postgres "ALTER SYSTEM SET cron.launch_active_jobs = off" >/dev/null
	q "$dir" "$port" postgres "SELECT pg_reload_conf()" >/dev/null
	sleep 1.5	# a run due at the pause may still start
	wait_until "$dir" "$port" "SELECT count(*) = 0 FROM cron.job_run_details
		WHERE status IN ('starting', 'running')" 30 || die "runs stay in flight"
	# every column but userid (the owner's OID, which a restore changes)
	q "$dir" "$port" postgres "SELECT (to_jsonb(j) - 'userid')::text FROM cron.job j ORDER BY jobid" >"$out.jobs"
	q "$dir" "$port" postgres "SELECT to_jsonb(r)::text FROM cron.job_run_details r ORDER BY runid" >"$out.history"
	q "$dir" "$port" postgres "SELECT max(runid) FROM cron.job_run_details" >"$out.maxrunid"
	q "$dir" "$port" postgres "SELECT last_value FROM cron.jobid_seq" >"$out.jobid"
	q "$dir" "$port" postgres "ALTER SYSTEM RESET cron.launch_active_jobs" >/dev/null
	say "snapshot: $(wc -l <"$out.jobs") jobs, $(wc -l <"$out.history") runs (scheduler paused)"
	;;
check)
	dir="$1" port="$2" snap="$3"
	major="$(major_of "$dir")"
	maxrunid="$(cat "$snap.maxrunid")"
	q "$dir" "$port" postgres "SELECT (to_jsonb(j) - 'userid')::text FROM cron.job j ORDER BY jobid" >"$snap.jobs.new"
	diff -u "$snap.jobs" "$snap.jobs.new" || die "the jobs differ on PostgreSQL $major"
	say "PostgreSQL $major has the same $(wc -l <"$snap.jobs") jobs with every option"
	[ "$(q "$dir" "$port" postgres "SELECT count(*) FROM cron.job j
		WHERE j.userid IS DISTINCT FROM (SELECT oid FROM pg_roles WHERE rolname = j.username)")" = 0 ] ||
		die "a job's userid is not its owner's OID"
	q "$dir" "$port" postgres "SELECT to_jsonb(r)::text FROM cron.job_run_details r
		WHERE runid <= $maxrunid ORDER BY runid" >"$snap.history.new"
	diff -u "$snap.history" "$snap.history.new" || die "the history differs on PostgreSQL $major"
	say "PostgreSQL $major has the same $(wc -l <"$snap.history") history rows"
	for j in tick elsewhere app-tick; do
		wait_until "$dir" "$port" "SELECT count(*) >= 2 FROM cron.job_run_details d
			JOIN cron.job USING (jobid) WHERE jobname = '$j' AND d.status = 'succeeded'
			AND runid > $maxrunid" 60 || {
			q "$dir" "$port" postgres "SELECT jobid, status, return_message FROM cron.job_run_details WHERE runid > $maxrunid ORDER BY runid DESC LIMIT 10"
			tail -n 20 "$dir/server.log"
			die "job $j does not run on PostgreSQL $major"
		}
	done
	wait_until "$dir" "$port" "SELECT count(*) >= 1 FROM cron.job_run_details d
		JOIN cron.job USING (jobid) WHERE jobname = 'failing' AND d.status = 'failed'
		AND attempt = 2 AND runid > $maxrunid" 60 ||
		die "job failing is not retried on PostgreSQL $major"
	[ "$(q "$dir" "$port" postgres "SELECT count(*) FROM cron.job_run_details d JOIN cron.job USING (jobid)
		WHERE jobname = 'paused' AND runid > $maxrunid")" = 0 ] || die "the inactive job ran"
	[ "$(q "$dir" "$port" postgres "SELECT count(*) FROM ticks WHERE runid > $maxrunid")" -ge 2 ] ||
		die "the tick job's rows are missing"
	newjob="$(q "$dir" "$port" postgres "SELECT cron.schedule('new', '@daily', 'SELECT 1')")"
	[ "$newjob" -gt "$(cat "$snap.jobid")" ] || die "new job $newjob reuses a jobid"
	q "$dir" "$port" postgres "SELECT cron.unschedule($newjob)" >/dev/null
	say "PostgreSQL $major runs the jobs (in postgres, in otherdb, as app; retries; the inactive one not), new jobids continue"
	;;
restore)
	dir="$1" port="$2" srcport="$3"
	bin="$(bin_of "$dir")"
	# the roles first, then the other databases, then the one with the jobs
	"$bin/pg_dumpall" -h 127.0.0.1 -p "$srcport" -U postgres --globals-only --no-role-passwords >"$dir/globals.sql"
	"$bin/psql" -X -q -h "$dir" -p "$port" -d postgres -f "$dir/globals.sql" >/dev/null 2>&1 || true
	[ "$(q "$dir" "$port" postgres "SELECT count(*) FROM pg_roles WHERE rolname = 'app'")" = 1 ] ||
		die "the roles were not restored"
	"$bin/pg_dump" -h 127.0.0.1 -p "$srcport" -U postgres -Fc -C -d otherdb -f "$dir/otherdb.dump"
	"$bin/pg_restore" --exit-on-error -h "$dir" -p "$port" -d postgres -C "$dir/otherdb.dump"
	"$bin/pg_dump" -h 127.0.0.1 -p "$srcport" -U postgres -Fc -d postgres -f "$dir/postgres.dump"
	"$bin/pg_restore" --exit-on-error -h "$dir" -p "$port" -d postgres "$dir/postgres.dump"
	say "restored the dump of PostgreSQL $(cat "$dir/src_major" 2>/dev/null || echo "on port $srcport") with pg_dump/pg_restore $("$bin/pg_dump" --version | awk '{print $3}')"
	;;
*)
	die "unknown step"
	;;
esac
