#!/usr/bin/env bash
#
# bench/run.sh [--pg MAJOR]: pg_beat versus pg_cron, side by side, in one run
# on this machine, on one PostgreSQL major.  See bench/README.md.
#
# --pg 15 (the default) is this machine's PostgreSQL; --pg 17 and --pg 18 run
# the same benchmark in that version's Debian root (scripts/lib.sh,
# pg_root_ensure), against that suite's pg_cron (1.4.2 on 15, 1.6.5 on 17,
# 1.6.8 on 18), and copy the results back to bench/results/pgMAJOR.md.
#
# As root: installs pg_cron (Debian package postgresql-MAJOR-cron) if missing,
# builds and installs pg_beat from a scratch copy of this tree, creates one
# throwaway cluster per scheduler with identical settings:
#
#   beat        shared_preload_libraries = 'pg_beat'
#   cron_bgw    shared_preload_libraries = 'pg_cron', cron.use_background_workers = on
#   cron_libpq  shared_preload_libraries = 'pg_cron', cron.use_background_workers = off
#
# runs every scenario against each, prints a table (figure per scheduler and
# the ratio pg_beat / pg_cron) and writes it to bench/results/latest.md.
#
# Knobs (environment):
#   BENCH_QUICK=1          small sizes and short windows: a smoke test (~8 min)
#   BENCH_ONLY="s1 s4"     run only these scenarios (s1..s6)
#   BENCH_SCHEDULERS="beat cron_bgw"   run only these schedulers
#   BENCH_IDLE_SECONDS=60  idle-cost window
#   BENCH_LAG_N="1 100 1000"  BENCH_TPUT_N=2000  BENCH_SEC_JOBS=50
#   BENCH_SEC_WINDOW=20    BENCH_IDLE_JOBS="10000 100000"  BENCH_API_N=10000
#   BENCH_PICKUP_K=10      BENCH_PICKUP_OFFSETS="3 2 1 0.5 0.25 0.1 0.05"
#   BENCH_PARALLEL=1       run the three schedulers at the same time in the
#                          minute-boundary scenarios (faster, noisier; the
#                          default with BENCH_QUICK=1)
#   BENCH_KEEP=1           keep the clusters' directory (server logs) at exit
#   BENCH_BURST_N=10000    scenario 7: jobs due at the same instant
#   BENCH_CEIL_SECONDS=10  scenario 8: seconds of each pgbench run
#   BENCH_OUT=path         the markdown file (default bench/results/pgMAJOR.md)
#
set -euo pipefail

BENCH_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
--pg) BENCH_PG="${2:?--pg needs a major version}" ;;
--pg=*) BENCH_PG="${1#--pg=}" ;;
"") ;;
*) echo "usage: bench/run.sh [--pg MAJOR]" >&2; exit 2 ;;
esac
. "$BENCH_HOME/../scripts/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "bench/run.sh must run as root (it installs packages and runs servers as postgres)" >&2
	exit 1
fi

# Another major: the same script in that major's Debian root.
if [ -n "${BENCH_PG:-}" ] && [ "$BENCH_PG" != "$PG_MAJOR" ] && [ "${PG_BEAT_IN_ROOT:-0}" != 1 ]; then
	pg_root_ensure "$BENCH_PG" python3 procps || exit 1
	root="$(pg_root_dir "$BENCH_PG")"
	src="$(mktemp -d "$root/tmp/pg_beat-bench.XXXXXX")"
	chmod 755 "$src"
	tar -C "$BEAT_ROOT" --exclude=.git --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
		--exclude=tmp_check --exclude=tmp_regress --exclude=tmp_isolation -cf - . |
		tar -C "$src" -xf -
	head="$(git -C "$BEAT_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	dirty="$(git -C "$BEAT_ROOT" status --porcelain -- src sql Makefile 2>/dev/null | wc -l)"
	mapfile -t knobs < <(env | grep -E '^BENCH_' | grep -v '^BENCH_OUT=' || true)
	rc=0
	(
		flock 9
		pg_root_run "$root" env PG_BEAT_IN_ROOT=1 PG_MAJOR="$BENCH_PG" \
			BENCH_HEAD="$head" BENCH_DIRTY="$dirty" "${knobs[@]}" \
			bash "/tmp/$(basename "$src")/bench/run.sh"
	) 9>"$root.lock" || rc=$?
	out="${BENCH_OUT:-$BENCH_HOME/results/pg$BENCH_PG.md}"
	if [ -f "$src/bench/results/pg$BENCH_PG.md" ]; then
		mkdir -p "$(dirname "$out")"
		cp "$src/bench/results/pg$BENCH_PG.md" "$out"
		cp "$src/bench/results/pg$BENCH_PG.tsv" "${out%.md}.tsv"
		echo "markdown: $out"
	fi
	rm -rf "$src"
	exit $rc
fi

QUICK="${BENCH_QUICK:-0}"
if [ "$QUICK" = 1 ]; then
	: "${BENCH_LAG_N:=1 50}"
	: "${BENCH_TPUT_N:=300}"
	: "${BENCH_SEC_JOBS:=10}"
	: "${BENCH_SEC_WINDOW:=5}"
	: "${BENCH_IDLE_JOBS:=1000 10000}"
	: "${BENCH_IDLE_SECONDS:=10}"
	: "${BENCH_API_N:=1000}"
	: "${BENCH_PICKUP_K:=3}"
	: "${BENCH_PICKUP_OFFSETS:=2 0.5 0.1}"
	: "${BENCH_PARALLEL:=1}"
	: "${BENCH_BURST_N:=2000}"
	: "${BENCH_CEIL_SECONDS:=5}"
fi
LAG_N="${BENCH_LAG_N:-1 100 1000}"
TPUT_N="${BENCH_TPUT_N:-2000}"
SEC_JOBS="${BENCH_SEC_JOBS:-50}"
SEC_WINDOW="${BENCH_SEC_WINDOW:-20}"
IDLE_JOBS="${BENCH_IDLE_JOBS:-10000 100000}"
IDLE_SECONDS="${BENCH_IDLE_SECONDS:-60}"
API_N="${BENCH_API_N:-10000}"
PICKUP_K="${BENCH_PICKUP_K:-10}"
PICKUP_OFFSETS="${BENCH_PICKUP_OFFSETS:-3 2 1 0.5 0.25 0.1 0.05}"
PARALLEL="${BENCH_PARALLEL:-0}"
ONLY="${BENCH_ONLY:-s1 s2 s3 s4 s5 s6 s7 s8}"
SCHEDS="${BENCH_SCHEDULERS:-beat cron_bgw cron_libpq}"
OUT_MD="${BENCH_OUT:-$BENCH_HOME/results/pg$PG_MAJOR.md}"
BURST_N="${BENCH_BURST_N:-10000}"
CEIL_SECONDS="${BENCH_CEIL_SECONDS:-10}"

# The N of scenario 1 whose jobs record clock_timestamp() (the start_time
# cross-check): the middle one.
set -- $LAG_N
XCHECK_N="${2:-$1}"
set --

# ----------------------------------------------------------------------
# Results: a TSV the report script turns into the tables.
#   S <title>                    section
#   F <key> <label> <unit> <dir> figure (dir: lower | higher | -)
#   V <key> <sched> <value>      value (number, or text)
#   N <text>                     note under the current section
#   M <key> <value>              run metadata
# ----------------------------------------------------------------------
WORK="$(mktemp -d /tmp/beatbench.XXXXXX)"
chmod 755 "$WORK"
chown postgres: "$WORK"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
SOCK="$WORK/sock"
mkdir -p "$SOCK"
chown postgres: "$SOCK"

section() { printf 'S\t%s\n' "$1" >>"$RESULTS"; }
figure() { printf 'F\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; }
value() { printf 'V\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; }
note() { printf 'N\t%s\n' "$1" >>"$RESULTS"; }
meta() { printf 'M\t%s\t%s\n' "$1" "$2" >>"$RESULTS"; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ----------------------------------------------------------------------
# Clusters
# ----------------------------------------------------------------------
declare -A PORT DATA RUNNING
ALL_SCHEDS="beat cron_bgw cron_libpq"

cleanup() {
	local rc=$?
	set +e
	for s in $ALL_SCHEDS; do
		if [ -n "${DATA[$s]:-}" ] && [ -f "${DATA[$s]}/postmaster.pid" ]; then
			as_server_user pg_ctl -D "${DATA[$s]}" -m immediate -w stop >/dev/null 2>&1
		fi
	done
	[ -n "${SCRATCH:-}" ] && rm -rf "$SCRATCH"
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free port, from a random place in 56000-59199 (other work on the machine
# starts servers too).
free_port() {
	local port base=$((56000 + RANDOM % 3000))
	for port in $(seq "$base" $((base + 200))); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
			[ ! -e "$SOCK/.s.PGSQL.$port" ] &&
			! grep -qx "$port" "$WORK/ports" 2>/dev/null; then
			echo "$port" >>"$WORK/ports"
			echo "$port"
			return 0
		fi
	done
	echo "no free port in $base-$((base + 200))" >&2
	return 1
}

cluster_init() {
	local s="$1" lib bgw=""
	case "$s" in
	beat) lib=pg_beat ;;
	cron_bgw) lib=pg_cron; bgw="cron.use_background_workers = on" ;;
	cron_libpq) lib=pg_cron; bgw="cron.use_background_workers = off" ;;
	esac
	DATA[$s]="$WORK/$s"
	PORT[$s]="$(free_port)"
	as_server_user initdb -D "${DATA[$s]}" -A trust -U postgres >/dev/null
	cat >>"${DATA[$s]}/postgresql.conf" <<CONF
# bench/run.sh: identical for every scheduler but the first and last lines
shared_preload_libraries = '$lib'
listen_addresses = '127.0.0.1'
port = ${PORT[$s]}
unix_socket_directories = '$SOCK'
cron.database_name = 'postgres'
cron.max_running_jobs = 32
max_worker_processes = 64
max_connections = 200
$bgw
CONF
	# our build in $libdir again (another install may have replaced it
	# since), for CREATE EXTENSION; then the C functions are pointed at our
	# private copy of pg_beat.so, which the server preloads from the next
	# start on
	[ "$lib" = pg_beat ] && make -C "$SCRATCH" -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
	cluster_start "$s"
	if [ "$lib" = pg_beat ]; then
		psql_to "$s" -c "CREATE EXTENSION pg_beat" \
			-c "UPDATE pg_proc SET probin = '$WORK/lib/pg_beat' WHERE probin = '\$libdir/pg_beat'" >/dev/null
		if ! cmp -s "$SCRATCH/pg_beat--1.3.sql" "$(pg_config --sharedir)/extension/pg_beat--1.3.sql"; then
			meta warning "the pg_beat install script changed while the extension was created"
		fi
	else
		psql_to "$s" -c "CREATE EXTENSION $lib"
	fi
	psql_to "$s" -c "CREATE TABLE bench_mark (tag int, ts timestamptz)"
	cluster_stop "$s"
	# from now on the private copy of our pg_beat.so is found first (pg_cron
	# is not there, so its clusters load it from \$libdir as always)
	echo "dynamic_library_path = '$WORK/lib:\$libdir'" >>"${DATA[$s]}/postgresql.conf"
	if [ "$lib" = pg_beat ]; then
		cluster_start "$s"
		# a job run and the launcher must map our copy, and only it
		psql_to "$s" -c "SELECT cron.schedule('probe', '1 seconds', 'SELECT 1')" >/dev/null
		sleep 2.5
		local lp
		lp="$(launcher_pid "$s")"
		if ! grep -q "$WORK/lib/pg_beat.so" "/proc/$lp/maps" ||
			grep -q "$(pg_config --pkglibdir)/pg_beat.so" "/proc/$lp/maps" ||
			[ "$(psql_to "$s" -c "SELECT count(*) FROM cron.job_run_details WHERE status = 'succeeded'")" = 0 ]; then
			echo "pg_beat cluster does not run our private build" >&2
			exit 1
		fi
		psql_to "$s" -c "DELETE FROM cron.job" -c "TRUNCATE cron.job_run_details" >/dev/null
		cluster_stop "$s"
	fi
}

cluster_start() {
	local s="$1"
	[ "${RUNNING[$s]:-0}" = 1 ] && return 0
	# another server may have taken our port while we were stopped: move
	local attempt
	for attempt in 1 2 3 4 5; do
		if as_server_user pg_ctl -D "${DATA[$s]}" -l "$WORK/$s.log" -w start >/dev/null 2>&1; then
			break
		fi
		if [ "$attempt" = 5 ] ||
			! tail -n 8 "$WORK/$s.log" | grep -q -E 'already in use|could not create (lock file|any TCP/IP)'; then
			echo "could not start the $s cluster; its log:" >&2
			tail -n 20 "$WORK/$s.log" >&2
			return 1
		fi
		PORT[$s]="$(free_port)"
		sed -i "s/^port = .*/port = ${PORT[$s]}/" "${DATA[$s]}/postgresql.conf"
		log "$s: port taken by another server, moved to ${PORT[$s]}"
	done
	RUNNING[$s]=1
	# the launcher is up and the extension is there
	local i
	for i in $(seq 1 100); do
		[ -n "$(launcher_pid "$s")" ] && return 0
		sleep 0.1
	done
	echo "launcher of $s did not start" >&2
	return 1
}

cluster_stop() {
	local s="$1"
	[ "${RUNNING[$s]:-0}" = 1 ] || return 0
	as_server_user pg_ctl -D "${DATA[$s]}" -m fast -w stop >/dev/null
	RUNNING[$s]=0
}

psql_to() {
	local s="$1"
	shift
	as_server_user psql -X -q -At -h "$SOCK" -p "${PORT[$s]}" -U postgres \
		-d postgres -v ON_ERROR_STOP=1 "$@"
}

launcher_type() {
	case "$1" in
	beat) echo "pg_beat launcher" ;;
	*) echo "pg_cron launcher" ;;
	esac
}

launcher_pid() {
	psql_to "$1" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = '$(launcher_type "$1")'" 2>/dev/null || true
}

# utime+stime of a process in seconds (clock ticks), and its on-CPU time
# in seconds from schedstat (nanoseconds).
proc_cpu() {
	local pid="$1" tck
	tck="$(getconf CLK_TCK)"
	sed 's/.*) //' "/proc/$pid/stat" | awk -v t="$tck" '{printf "%.2f", ($12 + $13) / t}'
}
proc_cpu_ns() {
	awk '{printf "%.4f", $1 / 1e9}' "/proc/$1/schedstat"
}
# "rss pss uss anon" in MB: smaps_rollup, and RssAnon (the process' own
# heap: unlike the others it leaves out the shared buffers it has read)
proc_mem() {
	awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_Clean:/ {c=$2} /^Private_Dirty:/ {d=$2}
	     END {printf "%.1f %.1f %.1f ", r/1024, p/1024, (c+d)/1024}' "/proc/$1/smaps_rollup"
	awk '/^RssAnon:/ {printf "%.1f", $2/1024}' "/proc/$1/status"
}

# Reset a scheduler: no jobs, no history, no marks, and nothing running.
reset_sched() {
	local s="$1" i
	psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
	# wait until no job session is left (anything but us and the usual processes)
	for i in $(seq 1 100); do
		[ "$(psql_to "$s" -c "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type NOT IN ('autovacuum launcher', 'autovacuum worker', 'logical replication launcher', 'checkpointer', 'background writer', 'walwriter', 'archiver', '$(launcher_type "$s")')")" = 0 ] && break
		sleep 0.1
	done
	psql_to "$s" -c "TRUNCATE cron.job_run_details, bench_mark" \
		-c "VACUUM ANALYZE cron.job" -c "VACUUM ANALYZE cron.job_run_details" >/dev/null
}

# ----------------------------------------------------------------------
# Time
# ----------------------------------------------------------------------
now() { date +%s.%N; }
sleep_until() {
	local d
	d="$(awk -v t="$1" -v n="$(now)" 'BEGIN {d = t - n; if (d < 0) d = 0; printf "%.3f", d}')"
	sleep "$d"
}
# The next minute boundary at least $1 seconds away (epoch seconds).
next_boundary() {
	awk -v n="$(now)" -v lead="$1" 'BEGIN {m = (int(n / 60) + 1) * 60; if (m - n < lead) m += 60; print m}'
}
later_than() { awk -v a="$(now)" -v b="$1" 'BEGIN {exit !(a >= b)}'; }
fsub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }

# Run "$@" once per scheduler in SCHEDS: one after the other, each with only
# its own cluster up; or, with BENCH_PARALLEL=1, all at the same time.
for_each_sched() {
	local s pids=()
	if [ "$PARALLEL" = 1 ]; then
		for s in $SCHEDS; do cluster_start "$s"; done
		for s in $SCHEDS; do
			"$@" "$s" &
			pids+=($!)
		done
		local rc=0 p
		for p in "${pids[@]}"; do wait "$p" || rc=1; done
		for s in $SCHEDS; do cluster_stop "$s"; done
		return $rc
	fi
	for s in $SCHEDS; do
		cluster_start "$s"
		"$@" "$s"
		cluster_stop "$s"
	done
}

# ----------------------------------------------------------------------
# Minute-boundary runs (scenarios 1 and 2)
# ----------------------------------------------------------------------

# boundary_run <prefix> <N> <kind> <sched>: create N '* * * * *' jobs about
# 12 s before a minute boundary M, wait until all their runs at M ended,
# remove the jobs, and emit the figures under <prefix>.  kind: select (the
# command is SELECT 1) or mark (it records clock_timestamp() into
# bench_mark, for the start_time cross-check).
boundary_run() {
	local prefix="$1" n="$2" kind="$3" s="$4"
	local m cmd created deadline done_n stats

	reset_sched "$s"
	m="$(next_boundary 20)"
	log "$s: $n jobs due at $(date -d "@$m" +%H:%M:%S)"
	sleep_until "$(fsub "$m" 12)"
	if [ "$kind" = mark ]; then
		cmd="pg_catalog.format('INSERT INTO bench_mark VALUES (%s, clock_timestamp())', g)"
	else
		cmd="'SELECT 1'"
	fi
	psql_to "$s" -c "SELECT count(cron.schedule('* * * * *', $cmd)) FROM generate_series(1, $n) g" >/dev/null
	created="$(now)"
	if later_than "$(fsub "$m" 1)"; then
		note "$s: creating $n jobs ended only $(fsub "$m" "$created") s before the boundary"
	fi

	# WAL written by the burst: from just before M until its runs ended
	sleep_until "$(fsub "$m" 0.5)"
	local lsn0 lsn1
	lsn0="$(psql_to "$s" -c "SELECT pg_current_wal_lsn()")"

	# wait for the runs at M to end; remove the jobs before M + 60 s
	sleep_until "$(fsub "$m" -1)"
	deadline="$(fsub "$m" -50)"
	while :; do
		done_n="$(psql_to "$s" -c "SELECT count(*) FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')")"
		[ "$done_n" -ge "$n" ] && break
		if later_than "$deadline"; then
			note "$s: only $done_n of $n runs had ended 50 s after the boundary; the rest were cut off"
			break
		fi
		sleep 0.3
	done
	lsn1="$(psql_to "$s" -c "SELECT pg_current_wal_lsn()")"
	psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
	sleep 1

	# rows: all of this boundary (the history was truncated before)
	stats="$(psql_to "$s" -F ' ' <<SQL
WITH r AS (
  SELECT status,
         -- lags are of the runs that ran: a run refused before its command
         -- started has a start_time too, but it did not start
         CASE WHEN status = 'succeeded'
              THEN extract(epoch FROM start_time - to_timestamp($m)) * 1000 END AS lag,
         extract(epoch FROM end_time - to_timestamp($m)) * 1000 AS endlag
    FROM cron.job_run_details)
SELECT count(*),
       count(*) FILTER (WHERE status = 'succeeded'),
       count(*) FILTER (WHERE status = 'failed'),
       coalesce(round(percentile_cont(0.50) WITHIN GROUP (ORDER BY lag)::numeric, 1)::text, '-'),
       coalesce(round(percentile_cont(0.95) WITHIN GROUP (ORDER BY lag)::numeric, 1)::text, '-'),
       coalesce(round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 1)::text, '-'),
       coalesce(round(max(lag)::numeric, 1)::text, '-'),
       coalesce(round(max(endlag)::numeric, 1)::text, '-'),
       coalesce(round(min(lag)::numeric, 1)::text, '-'),
       coalesce(round((count(*) FILTER (WHERE status = 'succeeded')
                       / nullif(max(endlag) / 1000.0, 0))::numeric, 1)::text, '-'),
       coalesce(round((count(*) FILTER (WHERE status = 'succeeded')
                       / nullif((max(endlag) - min(lag)) / 1000.0, 0))::numeric, 1)::text, '-')
  FROM r
SQL
)"
	set -- $stats
	value "$prefix.runs" "$s" "$1"
	value "$prefix.ok" "$s" "$2"
	value "$prefix.failed" "$s" "$3"
	value "$prefix.lost" "$s" "$((n - $2))"
	value "$prefix.p50" "$s" "$4"
	value "$prefix.p95" "$s" "$5"
	value "$prefix.p99" "$s" "$6"
	value "$prefix.max" "$s" "$7"
	value "$prefix.last_end" "$s" "$8"
	value "$prefix.min" "$s" "$9"
	value "$prefix.rate" "$s" "${10}"
	value "$prefix.rate_busy" "$s" "${11}"
	[ "$1" -gt 0 ] && value "$prefix.wal" "$s" "$(psql_to "$s" -c \
		"SELECT round(pg_wal_lsn_diff('$lsn1', '$lsn0') / $1)")"
	set --
	# why runs failed, if they did
	stats="$(psql_to "$s" -c "SELECT count(*) || ' x ' || left(return_message, 90) FROM cron.job_run_details WHERE status IS DISTINCT FROM 'succeeded' GROUP BY return_message ORDER BY count(*) DESC LIMIT 1")"
	[ -n "$stats" ] && value "$prefix.why" "$s" "$stats"

	if [ "$s" = beat ]; then
		stats="$(psql_to "$s" -F ' ' <<SQL
WITH r AS (
  SELECT extract(epoch FROM start_time - scheduled_time) * 1000 AS lag,
         scheduled_time = to_timestamp($m) AS on_slot
    FROM cron.job_run_details WHERE status = 'succeeded')
SELECT round(percentile_cont(0.50) WITHIN GROUP (ORDER BY lag)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 1),
       round(max(lag)::numeric, 1),
       count(*) FILTER (WHERE NOT on_slot)
  FROM r
SQL
)"
		set -- $stats
		value "$prefix.sp50" "$s" "$1"
		value "$prefix.sp99" "$s" "$2"
		value "$prefix.smax" "$s" "$3"
		value "$prefix.offslot" "$s" "$4"
		set --
	fi

	if [ "$kind" = mark ]; then
		# recorded by the command minus start_time: > 0 means start_time is
		# earlier than the moment the command ran
		stats="$(psql_to "$s" -F ' ' <<'SQL'
WITH d AS (
  SELECT extract(epoch FROM m.ts - r.start_time) * 1000 AS diff
    FROM cron.job_run_details r
    JOIN bench_mark m
      ON m.tag = substring(r.command FROM 'VALUES \((\d+),')::int)
SELECT count(*),
       coalesce(round(min(diff)::numeric, 2)::text, '-'),
       coalesce(round(percentile_cont(0.5) WITHIN GROUP (ORDER BY diff)::numeric, 2)::text, '-'),
       coalesce(round(max(diff)::numeric, 2)::text, '-')
  FROM d
SQL
)"
		set -- $stats
		value "xc.n" "$s" "$1"
		value "xc.min" "$s" "$2"
		value "xc.p50" "$s" "$3"
		value "xc.max" "$s" "$4"
		set --
	fi
}

lag_figures() {
	local p="$1" n="$2"
	figure "$p.runs" "N=$n: runs recorded" "runs" -
	figure "$p.lost" "N=$n: runs missing or not succeeded" "runs" lower
	figure "$p.why" "N=$n: most common reason a run did not succeed" "" -
	figure "$p.p50" "N=$n: start lag p50 (start_time - minute)" "ms" lower
	figure "$p.p95" "N=$n: start lag p95" "ms" lower
	figure "$p.p99" "N=$n: start lag p99" "ms" lower
	figure "$p.max" "N=$n: start lag max" "ms" lower
	figure "$p.last_end" "N=$n: last run ended (after the minute)" "ms" lower
	figure "$p.wal" "N=$n: WAL bytes written per run (pg_current_wal_lsn before and after)" "bytes" lower
	figure "$p.sp50" "N=$n: pg_beat start_time - scheduled_time p50" "ms" -
	figure "$p.sp99" "N=$n: pg_beat start_time - scheduled_time p99" "ms" -
	figure "$p.offslot" "N=$n: pg_beat runs whose scheduled_time is not the minute" "runs" -
}

scenario_lag() {
	local n kind
	section "1. Start lag: N '* * * * *' jobs due at the same minute boundary (command SELECT 1)"
	note "lag = start_time - the minute boundary, over the runs that succeeded (a run that failed before its command started is counted as not succeeded, not in the lags); cron.max_running_jobs = 32, so N > 32 queues. 'last run ended' is over all runs."
	for n in $LAG_N; do
		kind=select
		[ "$n" = "$XCHECK_N" ] && kind=mark
		lag_figures "lag$n" "$n"
		if [ "$kind" = mark ]; then
			note "N=$n: each job's command is INSERT INTO bench_mark VALUES (<tag>, clock_timestamp()) (the start_time cross-check below), not SELECT 1."
		fi
		log "scenario 1: N=$n"
		for_each_sched boundary_run "lag$n" "$n" "$kind"
	done
	section "1x. Cross-check: does start_time mean 'the command starts executing'?"
	note "N=$XCHECK_N jobs of scenario 1 record clock_timestamp() from inside the command; shown: recorded time - start_time. Near 0 = start_time is when the command ran; large positive = start_time is taken before the command runs (e.g. before the session connects)."
	figure "xc.n" "runs matched" "runs" -
	figure "xc.min" "recorded - start_time, min" "ms" -
	figure "xc.p50" "recorded - start_time, p50" "ms" -
	figure "xc.max" "recorded - start_time, max" "ms" -
}

scenario_tput() {
	section "2. Throughput: $TPUT_N '* * * * *' jobs due at once (command SELECT 1)"
	note "rate = succeeded runs / (last end_time - minute boundary); busy rate = succeeded / (last end - first start)."
	figure "tput.runs" "runs recorded" "runs" -
	figure "tput.lost" "runs missing or not succeeded" "runs" lower
	figure "tput.why" "most common reason a run did not succeed" "" -
	figure "tput.rate" "runs per second until all finished" "runs/s" higher
	figure "tput.rate_busy" "runs per second, first start to last end" "runs/s" higher
	figure "tput.last_end" "last run ended (after the minute)" "ms" lower
	figure "tput.p50" "start lag p50" "ms" lower
	figure "tput.p99" "start lag p99" "ms" lower
	figure "tput.wal" "WAL bytes written per run" "bytes" lower
	log "scenario 2: N=$TPUT_N"
	for_each_sched boundary_run tput "$TPUT_N" select
}

# ----------------------------------------------------------------------
# 3. Seconds schedules
# ----------------------------------------------------------------------

# seconds_run <prefix> <schedule> <sched>
seconds_run() {
	local prefix="$1" sched_expr="$2" s="$3" out c stats err
	reset_sched "$s"
	out="$(psql_to "$s" 2>&1 <<SQL
BEGIN;
SELECT count(cron.schedule('$sched_expr', 'SELECT 1')) FROM generate_series(1, $SEC_JOBS);
COMMIT;
SELECT extract(epoch FROM clock_timestamp());
SQL
)" || {
		err="$(echo "$out" | grep -m1 ERROR | sed 's/^.*ERROR: *//')"
		value "$prefix.runs" "$s" "n/a: $err"
		return 0
	}
	c="$(echo "$out" | tail -n 1)"
	log "$s: $SEC_JOBS jobs '$sched_expr' for $SEC_WINDOW s"
	sleep_until "$(fsub "$c" "-$((SEC_WINDOW + 2))")"
	psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
	sleep 1
	stats="$(psql_to "$s" -F ' ' <<SQL
WITH r AS (
  SELECT status,
         extract(epoch FROM start_time - date_trunc('second', start_time)) * 1000 AS late
    FROM cron.job_run_details
   WHERE start_time >= to_timestamp($c) + interval '1 s'
     AND start_time < to_timestamp($c) + interval '1 s' + interval '$SEC_WINDOW s')
SELECT count(*), count(*) FILTER (WHERE status = 'succeeded'),
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY late)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY late)::numeric, 1),
       round(max(late)::numeric, 1)
  FROM r
SQL
)"
	set -- $stats
	value "$prefix.runs" "$s" "$1"
	value "$prefix.expected" "$s" "$((SEC_JOBS * SEC_WINDOW))"
	value "$prefix.ok" "$s" "$2"
	value "$prefix.lost" "$s" "$((SEC_JOBS * SEC_WINDOW - $2))"
	value "$prefix.p50" "$s" "$3"
	value "$prefix.p99" "$s" "$4"
	value "$prefix.max" "$s" "$5"
	set --
	if [ "$s" = beat ]; then
		stats="$(psql_to "$s" -F ' ' <<SQL
WITH r AS (
  SELECT extract(epoch FROM start_time - scheduled_time) * 1000 AS late
    FROM cron.job_run_details
   WHERE start_time >= to_timestamp($c) + interval '1 s'
     AND start_time < to_timestamp($c) + interval '1 s' + interval '$SEC_WINDOW s'),
g AS (
  -- slots a job skipped: gaps between its consecutive scheduled_times
  SELECT sum(greatest(round(extract(epoch FROM gap)) - 1, 0)) AS skipped
    FROM (SELECT scheduled_time - lag(scheduled_time) OVER (PARTITION BY jobid ORDER BY scheduled_time) AS gap
            FROM cron.job_run_details) x)
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY late)::numeric, 1),
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY late)::numeric, 1),
       round(max(late)::numeric, 1),
       (SELECT coalesce(skipped, 0) FROM g)
  FROM r
SQL
)"
		set -- $stats
		value "$prefix.sp50" "$s" "$1"
		value "$prefix.sp99" "$s" "$2"
		value "$prefix.smax" "$s" "$3"
		value "$prefix.gaps" "$s" "$4"
		set --
	fi
}

sec_figures() {
	local p="$1" label="$2"
	figure "$p.runs" "$label: runs in the window" "runs" higher
	figure "$p.expected" "$label: runs expected (jobs x seconds)" "runs" -
	figure "$p.lost" "$label: expected runs missing or failed" "runs" lower
	figure "$p.p50" "$label: lateness p50 (start_time - its whole second)" "ms" lower
	figure "$p.p99" "$label: lateness p99" "ms" lower
	figure "$p.max" "$label: lateness max" "ms" lower
	figure "$p.sp50" "$label: pg_beat start_time - scheduled_time p50" "ms" -
	figure "$p.sp99" "$label: pg_beat start_time - scheduled_time p99" "ms" -
	figure "$p.smax" "$label: pg_beat start_time - scheduled_time max" "ms" -
	figure "$p.gaps" "$label: pg_beat slots skipped (gaps in scheduled_time)" "slots" -
}

scenario_seconds() {
	section "3. Seconds schedules: $SEC_JOBS jobs for $SEC_WINDOW s (command SELECT 1)"
	note "window = [commit + 1 s, commit + 1 s + $SEC_WINDOW s); lateness = start_time - the whole second it falls in."
	note "pg_beat computes slots in whole seconds, so its 'N seconds' slots fall on whole seconds and the two lateness definitions agree. pg_beat also runs the 6-field '* * * * * *' (every second, cron-style) for comparison."
	sec_figures sec "'1 seconds'"
	log "scenario 3: '1 seconds'"
	for_each_sched seconds_run sec '1 seconds'
	sec_figures sec6 "'* * * * * *'"
	log "scenario 3: '* * * * * *'"
	local saved="$SCHEDS"
	SCHEDS=""
	for s in $saved; do [ "$s" = beat ] && SCHEDS=beat; done
	if [ -n "$SCHEDS" ]; then
		for_each_sched seconds_run sec6 '* * * * * *'
	fi
	SCHEDS="$saved"
	for s in $SCHEDS; do
		[ "$s" = beat ] || value "sec6.runs" "$s" "n/a: pg_cron $PGCRON_V has no seconds field (not run)"
	done
}

# ----------------------------------------------------------------------
# 4. Idle cost
# ----------------------------------------------------------------------

# Wait until the launcher is quiet again: under 5% of a CPU over two
# consecutive 0.5 s intervals (a launcher that scans its jobs every second,
# as pg_cron's does, is never perfectly still), at most 120 s.
wait_launcher_quiet() {
	local pid="$1" a b i still=0
	a="$(proc_cpu_ns "$pid")"
	for i in $(seq 1 240); do
		sleep 0.5
		b="$(proc_cpu_ns "$pid")"
		if awk -v a="$a" -v b="$b" 'BEGIN {exit !(b - a < 0.025)}'; then
			still=$((still + 1))
			[ "$still" -ge 2 ] && return 0
		else
			still=0
		fi
		a="$b"
	done
	return 0
}

scenario_idle() {
	local s pid total=0 n add tstart
	declare -A LP C0 C0N C1 C1N L0 USS0 ANON0
	section "4. Idle cost: jobs that are never due ('0 0 1 1 *'), launcher over $IDLE_SECONDS s"
	note "All schedulers' clusters run at the same time here, each freshly started; each figure is of its own launcher process (/proc/<pid>/stat utime+stime, schedstat, smaps_rollup). CPU is scaled to one minute."
	figure "idle0.uss" "0 jobs: launcher private memory (USS)" "MB" lower
	figure "idle0.rss" "0 jobs: launcher RSS" "MB" lower
	figure "idle0.anon" "0 jobs: launcher heap (RssAnon)" "MB" lower
	for s in $SCHEDS; do
		cluster_start "$s"
		reset_sched "$s"
	done
	sleep 3
	for s in $SCHEDS; do
		LP[$s]="$(launcher_pid "$s")"
		set -- $(proc_mem "${LP[$s]}")
		value idle0.rss "$s" "$1"
		value idle0.uss "$s" "$3"
		value idle0.anon "$s" "$4"
		USS0[$s]="$3"
		ANON0[$s]="$4"
		set --
	done
	for n in $IDLE_JOBS; do
		add=$((n - total))
		total=$n
		figure "idle$n.load" "$n jobs: launcher CPU to absorb the new jobs" "s" lower
		figure "idle$n.cpu" "$n jobs: launcher CPU per minute, idle (utime+stime)" "s/min" lower
		figure "idle$n.cpuns" "$n jobs: launcher CPU per minute, idle (schedstat)" "s/min" lower
		figure "idle$n.uss" "$n jobs: launcher private memory (USS)" "MB" lower
		figure "idle$n.pss" "$n jobs: launcher PSS" "MB" lower
		figure "idle$n.rss" "$n jobs: launcher RSS" "MB" lower
		figure "idle$n.anon" "$n jobs: launcher heap (RssAnon: without the shared buffers it read)" "MB" lower
		figure "idle$n.anonjob" "$n jobs: launcher heap per job (minus 0 jobs)" "B" lower
		figure "idle$n.ussjob" "$n jobs: launcher private memory per job (minus 0 jobs)" "B" lower
		for s in $SCHEDS; do
			log "$s: adding $add idle jobs (total $n)"
			L0[$s]="$(proc_cpu_ns "${LP[$s]}")"
			psql_to "$s" -c "SELECT count(cron.schedule('0 0 1 1 *', 'SELECT 1')) FROM generate_series(1, $add)" >/dev/null
		done
		for s in $SCHEDS; do
			wait_launcher_quiet "${LP[$s]}"
			value "idle$n.load" "$s" "$(fsub "$(proc_cpu_ns "${LP[$s]}")" "${L0[$s]}")"
			psql_to "$s" -c "VACUUM ANALYZE cron.job" >/dev/null
		done
		log "idle window of $IDLE_SECONDS s with $n jobs"
		for s in $SCHEDS; do
			C0[$s]="$(proc_cpu "${LP[$s]}")"
			C0N[$s]="$(proc_cpu_ns "${LP[$s]}")"
		done
		sleep "$IDLE_SECONDS"
		for s in $SCHEDS; do
			C1[$s]="$(proc_cpu "${LP[$s]}")"
			C1N[$s]="$(proc_cpu_ns "${LP[$s]}")"
			value "idle$n.cpu" "$s" "$(awk -v a="${C0[$s]}" -v b="${C1[$s]}" -v w="$IDLE_SECONDS" 'BEGIN {printf "%.3f", (b - a) * 60 / w}')"
			value "idle$n.cpuns" "$s" "$(awk -v a="${C0N[$s]}" -v b="${C1N[$s]}" -v w="$IDLE_SECONDS" 'BEGIN {printf "%.4f", (b - a) * 60 / w}')"
			set -- $(proc_mem "${LP[$s]}")
			value "idle$n.rss" "$s" "$1"
			value "idle$n.pss" "$s" "$2"
			value "idle$n.uss" "$s" "$3"
			value "idle$n.anon" "$s" "$4"
			value "idle$n.anonjob" "$s" "$(awk -v a="${ANON0[$s]}" -v b="$4" -v n="$n" 'BEGIN {printf "%.0f", (b - a) * 1048576 / n}')"
			value "idle$n.ussjob" "$s" "$(awk -v a="${USS0[$s]}" -v b="$3" -v n="$n" 'BEGIN {printf "%.0f", (b - a) * 1048576 / n}')"
			set --
			if [ "$(launcher_pid "$s")" != "${LP[$s]}" ]; then
				note "$s: the launcher restarted during the idle scenario (pid changed)"
			fi
		done
	done
	for s in $SCHEDS; do
		reset_sched "$s"
		cluster_stop "$s"
	done
}

# ----------------------------------------------------------------------
# 5. API cost
# ----------------------------------------------------------------------

# time_batch <sched> <sql file>: seconds between the first and the last
# statement of the file (each prints clock_timestamp()), in one session.
time_batch() {
	local s="$1" f="$2" first last
	psql_to "$s" -f "$f" >"$WORK/batch.out"
	first="$(head -n 1 "$WORK/batch.out")"
	last="$(tail -n 1 "$WORK/batch.out")"
	fsub "$last" "$first"
}

# measure_api <sched> <launcher pid> <sql file> <key>: the batch's time,
# per call, and the launcher CPU it cost until the launcher is idle again.
measure_api() {
	local s="$1" pid="$2" f="$3" key="$4" t c0 c1
	c0="$(proc_cpu_ns "$pid")"
	t="$(time_batch "$s" "$f")"
	wait_launcher_quiet "$pid"
	c1="$(proc_cpu_ns "$pid")"
	value "$key" "$s" "$t"
	value "${key}_us" "$s" "$(awk -v t="$t" -v n="$API_N" 'BEGIN {printf "%.1f", t * 1e6 / n}')"
	value "${key}_cpu" "$s" "$(fsub "$c1" "$c0")"
}

api_run() {
	local s="$1" f pid
	reset_sched "$s"
	pid="$(launcher_pid "$s")"
	f="$WORK/api_$s.sql"
	local stamp="SELECT extract(epoch FROM clock_timestamp());"

	# (a) one transaction: a DO loop
	printf '%s\nDO $$BEGIN FOR i IN 1..%s LOOP PERFORM cron.schedule(%s, %s); END LOOP; END$$;\n%s\n' \
		"$stamp" "$API_N" "'0 0 1 1 *'" "'SELECT 1'" "$stamp" >"$f"
	measure_api "$s" "$pid" "$f" api.do_sched

	printf '%s\nDO $$DECLARE j bigint; BEGIN FOR j IN SELECT jobid FROM cron.job LOOP PERFORM cron.unschedule(j); END LOOP; END$$;\n%s\n' \
		"$stamp" "$stamp" >"$f"
	measure_api "$s" "$pid" "$f" api.do_unsched
	reset_sched "$s"

	# (b) one transaction per call, one session
	{
		echo "$stamp"
		awk -v n="$API_N" 'BEGIN {for (i = 0; i < n; i++) print "SELECT cron.schedule('"'"'0 0 1 1 *'"'"', '"'"'SELECT 1'"'"');"}' 
		echo "$stamp"
	} >"$f"
	measure_api "$s" "$pid" "$f" api.ac_sched

	{
		echo "$stamp"
		psql_to "$s" -c "SELECT 'SELECT cron.unschedule(' || jobid || ');' FROM cron.job ORDER BY jobid"
		echo "$stamp"
	} >"$f"
	measure_api "$s" "$pid" "$f" api.ac_unsched
	reset_sched "$s"
}

scenario_api() {
	section "5. API cost: $API_N cron.schedule and $API_N cron.unschedule calls"
	note "Time between the first and last statement, server clock, one psql session over the Unix socket. 'DO loop' = all calls in one transaction; 'autocommit' = one statement and one commit per call. Launcher CPU = what the launcher spent absorbing the changes (until it is idle again)."
	figure api.do_sched "DO loop: $API_N x cron.schedule" "s" lower
	figure api.do_sched_us "DO loop: per cron.schedule call" "us" lower
	figure api.do_sched_cpu "DO loop: launcher CPU after schedule" "s" lower
	figure api.do_unsched "DO loop: $API_N x cron.unschedule" "s" lower
	figure api.do_unsched_us "DO loop: per cron.unschedule call" "us" lower
	figure api.do_unsched_cpu "DO loop: launcher CPU after unschedule" "s" lower
	figure api.ac_sched "autocommit: $API_N x cron.schedule" "s" lower
	figure api.ac_sched_us "autocommit: per cron.schedule call" "us" lower
	figure api.ac_sched_cpu "autocommit: launcher CPU during/after schedule" "s" lower
	figure api.ac_unsched "autocommit: $API_N x cron.unschedule" "s" lower
	figure api.ac_unsched_us "autocommit: per cron.unschedule call" "us" lower
	figure api.ac_unsched_cpu "autocommit: launcher CPU during/after unschedule" "s" lower
	log "scenario 5: $API_N calls"
	PARALLEL=0 for_each_sched api_run
}

# ----------------------------------------------------------------------
# 6. Pickup
# ----------------------------------------------------------------------

# First run of a new job due now, K times: '1 seconds' (and the aligned
# '* * * * * *' on pg_beat).
pickup_run() {
	local s="$1" expr prefix k out id c r vals=() svals=() err
	for expr in '1 seconds' '* * * * * *'; do
		prefix=pk1
		[ "$expr" = '* * * * * *' ] && prefix=pk6
		if [ "$s" != beat ] && [ "$prefix" = pk6 ]; then
			value "$prefix.p50" "$s" "n/a: no seconds field in pg_cron $PGCRON_V"
			continue
		fi
		reset_sched "$s"
		: >"$WORK/pickup_$s"
		for k in $(seq 1 "$PICKUP_K"); do
			out="$(psql_to "$s" 2>&1 <<SQL
BEGIN;
SELECT cron.schedule('$expr', 'SELECT 1');
COMMIT;
SELECT extract(epoch FROM clock_timestamp());
SQL
)" || {
				err="$(echo "$out" | grep -m1 ERROR | sed 's/^.*ERROR: *//')"
				value "$prefix.p50" "$s" "n/a: $err"
				break
			}
			id="$(echo "$out" | head -n 1)"
			c="$(echo "$out" | tail -n 1)"
			for _ in $(seq 1 100); do
				if [ "$s" = beat ]; then
					r="$(psql_to "$s" -F ' ' -c "SELECT extract(epoch FROM start_time), extract(epoch FROM scheduled_time) FROM cron.job_run_details WHERE jobid = $id AND start_time IS NOT NULL ORDER BY start_time LIMIT 1")"
				else
					r="$(psql_to "$s" -F ' ' -c "SELECT extract(epoch FROM start_time) FROM cron.job_run_details WHERE jobid = $id AND start_time IS NOT NULL ORDER BY start_time LIMIT 1")"
				fi
				[ -n "$r" ] && break
				sleep 0.05
			done
			psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
			[ -n "$r" ] || { note "$s: job '$expr' did not run within 5 s of its commit"; continue; }
			set -- $r
			# commit -> start; commit -> slot; slot -> start
			echo "$c $1 ${2:-}" >>"$WORK/pickup_$s"
			set --
			sleep 0.3
		done
		[ -s "$WORK/pickup_$s" ] || continue
		sort -n "$WORK/pickup_$s" | awk -v p="$prefix" -v s="$s" '
			{ d[NR] = ($2 - $1) * 1000; if ($3 != "") { hs = 1; sl[NR] = ($2 - $3) * 1000; cs[NR] = ($3 - $1) * 1000 } }
			function med(a, n,   i, j, t, b) { for (i = 1; i <= n; i++) b[i] = a[i];
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
				return (n % 2) ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2 }
			function mx(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
			END {
				printf "V\t%s.p50\t%s\t%.1f\n", p, s, med(d, NR)
				printf "V\t%s.max\t%s\t%.1f\n", p, s, mx(d, NR)
				printf "V\t%s.n\t%s\t%d\n", p, s, NR
				if (hs) {
					printf "V\t%s.slot\t%s\t%.1f\n", p, s, med(cs, NR)
					printf "V\t%s.sp50\t%s\t%.1f\n", p, s, med(sl, NR)
					printf "V\t%s.smax\t%s\t%.1f\n", p, s, mx(sl, NR)
				}
			}' >>"$RESULTS"
	done
}

# Jobs '* * * * *' committed shortly before a minute boundary: which of
# them still run at that boundary, and how late.
late_commit_run() {
	local s="$1" m off c id ids=() offs=() i r
	reset_sched "$s"
	m="$(next_boundary 15)"
	log "$s: late commits before $(date -d "@$m" +%H:%M:%S)"
	for off in $PICKUP_OFFSETS; do
		sleep_until "$(fsub "$m" "$off")"
		r="$(psql_to "$s" -c "SELECT cron.schedule('* * * * *', 'SELECT 1')" -c "SELECT extract(epoch FROM clock_timestamp())")"
		ids+=("$(echo "$r" | head -n 1)")
		offs+=("$off")
		c="$(echo "$r" | tail -n 1)"
		value "lc.$off.at" "$s" "$(fsub "$m" "$c")"
	done
	sleep_until "$(fsub "$m" -15)"
	psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
	for i in "${!ids[@]}"; do
		r="$(psql_to "$s" -c "SELECT round((extract(epoch FROM min(start_time) - to_timestamp($m)) * 1000)::numeric, 1) FROM cron.job_run_details WHERE jobid = ${ids[$i]} AND start_time < to_timestamp($m) + interval '30 s'")"
		[ -n "$r" ] || r="missed: not run at this minute"
		value "lc.${offs[$i]}.lag" "$s" "$r"
	done
}

# A job due now: cron.run_job() of an existing job, commit -> start.
runjob_pickup_run() {
	local s="$1" k out id c r
	if [ "$s" != beat ]; then
		value pkr.p50 "$s" "n/a: no cron.run_job in pg_cron $PGCRON_V"
		return
	fi
	reset_sched "$s"
	: >"$WORK/runjob_$s"
	id="$(psql_to "$s" -c "SELECT cron.schedule('0 0 1 1 *', 'SELECT 1')")"
	for k in $(seq 1 "$PICKUP_K"); do
		out="$(psql_to "$s" 2>&1 <<SQL
BEGIN;
SELECT cron.run_job($id);
COMMIT;
SELECT extract(epoch FROM clock_timestamp());
SQL
)"
		c="$(echo "$out" | tail -n 1)"
		r="$(echo "$out" | head -n 1)"
		for _ in $(seq 1 100); do
			r2="$(psql_to "$s" -c "SELECT extract(epoch FROM start_time) FROM cron.job_run_details WHERE runid = $r AND status IN ('running', 'succeeded', 'failed')")"
			[ -n "$r2" ] && break
			sleep 0.05
		done
		[ -n "$r2" ] && echo "$c $r2" >>"$WORK/runjob_$s"
		sleep 0.3
	done
	psql_to "$s" -c "DELETE FROM cron.job" >/dev/null
	[ -s "$WORK/runjob_$s" ] || return 0
	awk -v s="$s" '{ d[NR] = ($2 - $1) * 1000 }
		END { n = NR; for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (d[j] < d[i]) { t = d[i]; d[i] = d[j]; d[j] = t }
			printf "V\tpkr.p50\t%s\t%.1f\n", s, (n % 2) ? d[(n + 1) / 2] : (d[n / 2] + d[n / 2 + 1]) / 2
			printf "V\tpkr.max\t%s\t%.1f\n", s, d[n] }' "$WORK/runjob_$s" >>"$RESULTS"
}

scenario_pickup() {
	section "6. Pickup: from the COMMIT of a new job to its first start"
	note "commit time = clock_timestamp() right after COMMIT in the same session; pickup = first start_time - commit time; $PICKUP_K jobs each, one at a time."
	note "pg_beat's slots are whole seconds: a new '1 seconds' job's first slot is the next whole second after the launcher loads it (0-1 s later, by design), so its pickup includes that wait; 'commit -> first scheduled_time' and 'first scheduled_time -> start' split it."
	figure pk1.p50 "'1 seconds': commit -> first start, median" "ms" lower
	figure pk1.max "'1 seconds': commit -> first start, max" "ms" lower
	figure pk1.slot "'1 seconds': pg_beat commit -> first scheduled_time, median" "ms" -
	figure pk1.sp50 "'1 seconds': pg_beat first scheduled_time -> start, median" "ms" -
	figure pk1.smax "'1 seconds': pg_beat first scheduled_time -> start, max" "ms" -
	figure pk6.p50 "'* * * * * *': commit -> first start, median" "ms" lower
	figure pk6.max "'* * * * * *': commit -> first start, max" "ms" lower
	figure pk6.sp50 "'* * * * * *': pg_beat first scheduled_time -> start, median" "ms" -
	figure pkr.p50 "cron.run_job (due now): commit -> start, median" "ms" lower
	figure pkr.max "cron.run_job (due now): commit -> start, max" "ms" lower
	log "scenario 6: pickup"
	PARALLEL=0 for_each_sched pickup_run
	PARALLEL=0 for_each_sched runjob_pickup_run

	section "6b. Pickup at a minute boundary: '* * * * *' jobs committed shortly before it"
	note "One job committed at each offset before the same minute boundary (actual commit offset shown); lag = its first start_time - the boundary, or 'missed' if it did not run at that minute."
	local off
	for off in $PICKUP_OFFSETS; do
		figure "lc.$off.at" "target ${off} s before: committed this long before" "s" -
		figure "lc.$off.lag" "target ${off} s before: start lag at the boundary" "ms" lower
	done
	for_each_sched late_commit_run
}

# ----------------------------------------------------------------------
# 7. A burst: BURST_N jobs due at the same instant
# ----------------------------------------------------------------------
scenario_burst() {
	section "7. Burst: $BURST_N '* * * * *' jobs due at the same instant (command SELECT 1)"
	note "The same measurement as scenario 1 at N=$BURST_N: targets p99 start lag under 2 s and no run lost; WAL bytes per run: pg_current_wal_lsn() just before the minute and after the last run ended, divided by the runs recorded (target: at most a third of pg_cron's)."
	lag_figures "burst" "$BURST_N"
	figure "burst.rate" "N=$BURST_N: runs per second until all finished" "runs/s" higher
	log "scenario 7: N=$BURST_N"
	for_each_sched boundary_run burst "$BURST_N" select
}

# ----------------------------------------------------------------------
# 8. The machine's ceiling for the same work
# ----------------------------------------------------------------------
# pgbench_tps <sched> <extra pgbench flags...>: SELECT 1 transactions per
# second, 32 clients, CEIL_SECONDS
pgbench_tps() {
	local s="$1"; shift
	printf 'SELECT 1;\n' >"$WORK/select1.sql"
	chmod 644 "$WORK/select1.sql"
	as_server_user pgbench -n -c 32 -j "$(nproc)" -T "$CEIL_SECONDS" "$@" \
		-f "$WORK/select1.sql" -h "$SOCK" -p "${PORT[$s]}" -U postgres postgres 2>/dev/null |
		awk '/^tps = / {printf "%.0f", $3; exit}'
}

# recorded_run_floor <sched>: the same pgbench, but each transaction does
# the least that recording a run in a pg_cron-compatible history takes: the
# row inserted before the command (primary key on runid only, as pg_cron's),
# the command (SELECT 1), the row updated with its outcome.  Commits are
# asynchronous, as if batched, so this is an upper bound on any scheduler's
# rate for recorded runs on this machine.  Prints "tps wal_bytes_per_tx".
recorded_run_floor() {
	local s="$1" l0 l1 out
	cat >"$WORK/recorded_run.sql" <<'EOS'
INSERT INTO bench_floor (jobid, database, username, command, status)
	VALUES (1, 'postgres', 'postgres', 'SELECT 1', 'starting') RETURNING runid \gset
SELECT 1;
UPDATE bench_floor SET status = 'succeeded', return_message = 'SELECT 1', job_pid = 1,
	start_time = now(), end_time = now() WHERE runid = :runid;
EOS
	chmod 644 "$WORK/recorded_run.sql"
	psql_to "$s" -c "CREATE TABLE bench_floor (jobid bigint, runid bigserial PRIMARY KEY, job_pid integer, database text, username text, command text, status text, return_message text, start_time timestamptz, end_time timestamptz)" >/dev/null
	l0="$(psql_to "$s" -c "SELECT pg_current_wal_lsn()")"
	out="$(as_server_user env PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 32 -j "$(nproc)" -T "$CEIL_SECONDS" \
		-f "$WORK/recorded_run.sql" -h "$SOCK" -p "${PORT[$s]}" -U postgres postgres 2>/dev/null)"
	l1="$(psql_to "$s" -c "SELECT pg_current_wal_lsn()")"
	psql_to "$s" -c "DROP TABLE bench_floor" >/dev/null
	printf '%s\n' "$out" | awk -v w="$(psql_to "$s" -c "SELECT pg_wal_lsn_diff('$l1', '$l0')")" '
		/^number of transactions actually processed:/ {n = $6}
		/^tps = / {t = $3}
		END {if (n > 0) printf "%.0f %.0f", t, w / n}'
}

scenario_ceiling() {
	section "8. The machine's ceiling: SELECT 1 transactions per second, pgbench with 32 clients"
	note "pgbench -n -c 32 -f (SELECT 1) for $CEIL_SECONDS s on the same PostgreSQL, settings and machine, with nothing scheduled: what the machine can do at all for the work a job run does. Shown under pg_beat's column (the machine's figure); the fractions are each scheduler's throughput (scenarios 2 and 7) divided by the ceiling with persistent connections (target for pg_beat: at least half). Then the floor of recording: the same pgbench where each transaction is a run recorded at its least in a pg_cron-shaped history table (primary key only: the row inserted as starting, SELECT 1, the row updated with its outcome; asynchronous commit, as if batched): its rate bounds what any scheduler that records each run can reach here, and its WAL per transaction is the least WAL such a run writes."
	figure "ceil.tps" "pgbench SELECT 1, persistent connections" "tx/s" -
	figure "ceil.tps_c" "pgbench SELECT 1, a new connection per transaction (-C)" "tx/s" -
	figure "ceil.rec_tps" "pgbench, each transaction a recorded run at its least (row inserted, SELECT 1, row updated; asynchronous commit)" "tx/s" -
	figure "ceil.rec_frac" "the same / ceiling: the most a scheduler that records each run can reach" "" -
	figure "ceil.rec_wal" "the same: WAL bytes per recorded run" "bytes" -
	figure "ceil.frac_tput" "scenario 2 throughput / ceiling" "" higher
	figure "ceil.frac_burst" "scenario 7 throughput / ceiling" "" higher
	log "scenario 8: pgbench ceiling"
	local first="${SCHEDS%% *}" tps tpsc rec s r rate
	cluster_start "$first"
	tps="$(pgbench_tps "$first")"
	tpsc="$(pgbench_tps "$first" -C)"
	rec="$(recorded_run_floor "$first")"
	cluster_stop "$first"
	value ceil.tps beat "${tps:-n/a: pgbench failed}"
	value ceil.tps_c beat "${tpsc:-n/a: pgbench failed}"
	if [ -n "$rec" ]; then
		value ceil.rec_tps beat "${rec%% *}"
		value ceil.rec_wal beat "${rec##* }"
		[ -n "$tps" ] && [ "$tps" -gt 0 ] &&
			value ceil.rec_frac beat "$(awk -v a="${rec%% *}" -v b="$tps" 'BEGIN {printf "%.3f", a / b}')"
	else
		value ceil.rec_tps beat "n/a: pgbench failed"
	fi
	[ -n "$tps" ] && [ "$tps" -gt 0 ] || return 0
	for s in $SCHEDS; do
		for r in tput:frac_tput burst:frac_burst; do
			rate="$(awk -F'\t' -v k="${r%%:*}.rate" -v s="$s" '$1 == "V" && $2 == k && $3 == s {v = $4} END {print v}' "$RESULTS")"
			if [ -n "$rate" ] && [ "$rate" != "-" ]; then
				value "ceil.${r#*:}" "$s" "$(awk -v a="$rate" -v b="$tps" 'BEGIN {printf "%.3f", a / b}')"
			fi
		done
	done
}

# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
say "installing what is missing"
install_dependencies postgresql-$PG_MAJOR-cron
PGCRON_V="$(dpkg-query -W -f '${Version}' postgresql-$PG_MAJOR-cron | sed 's/-.*//')"
for s in $SCHEDS; do
	case "$s" in beat | cron_bgw | cron_libpq) ;; *)
		echo "unknown scheduler $s (beat, cron_bgw, cron_libpq)" >&2
		exit 2
		;;
	esac
done

BEAT_HEAD="${BENCH_HEAD:-$(git -C "$BEAT_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')}"
BEAT_DIRTY="${BENCH_DIRTY:-$(git -C "$BEAT_ROOT" status --porcelain -- src sql Makefile 2>/dev/null | wc -l)}"
SCRATCH="$(make_scratch_copy bench-build)"
build_and_install "$SCRATCH" >&2
# Other work on this machine may install other builds of pg_beat while we
# run: the clusters load a private copy of ours (dynamic_library_path).
mkdir -p "$WORK/lib"
cp "$SCRATCH/pg_beat.so" "$WORK/lib/pg_beat.so"
chmod 755 "$WORK/lib"
SO_MD5="$(md5sum "$WORK/lib/pg_beat.so" | cut -c1-12)"

meta date "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
meta os "$(. /etc/os-release; echo "$PRETTY_NAME")"
meta host "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(uname -r)"
meta postgres "$(postgres --version | sed 's/.*) //')"
meta pg_beat "$BEAT_HEAD$( [ "$BEAT_DIRTY" -gt 0 ] && echo ' + uncommitted changes in src/sql'), pg_beat.so md5 $SO_MD5 (private copy)"
meta pg_cron "$(dpkg-query -W -f '${Version}' postgresql-$PG_MAJOR-cron)"
meta settings "cron.max_running_jobs = 32, max_worker_processes = 64, max_connections = 200, cron.database_name = postgres, other settings initdb defaults"
meta mode "$( [ "$QUICK" = 1 ] && echo 'BENCH_QUICK=1 (smoke test sizes)' || echo full)$( [ "$PARALLEL" = 1 ] && echo ', schedulers in parallel in scenarios 1-3 and 6b')"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"

say "creating the clusters in $WORK"
for s in $SCHEDS; do cluster_init "$s"; done
rm -rf "$SCRATCH"

for sc in $ONLY; do
	case "$sc" in
	s1) scenario_lag ;;
	s2) scenario_tput ;;
	s3) scenario_seconds ;;
	s4) scenario_idle ;;
	s5) scenario_api ;;
	s6) scenario_pickup ;;
	s7) scenario_burst ;;
	s8) scenario_ceiling ;;
	*) echo "unknown scenario $sc" >&2 ;;
	esac
done

meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
for s in $SCHEDS; do
	n="$(grep -c -E 'PANIC|server process .* was terminated|terminated by signal' "$WORK/$s.log" || true)"
	[ "$n" -gt 0 ] && meta "warning_$s" "$n crash lines in the server log"
done
cp "$RESULTS" "$WORK/results.keep.tsv"
mkdir -p "$(dirname "$OUT_MD")"
python3 "$BENCH_HOME/report.py" "$RESULTS" "$OUT_MD" "$SCHEDS"
cp "$RESULTS" "${OUT_MD%.md}.tsv"
echo
echo "markdown: $OUT_MD"
