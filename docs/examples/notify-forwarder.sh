#!/usr/bin/env bash
#
# notify-forwarder.sh: forward pg_beat's alerts (NOTIFY on cron.notify_channel)
# to a webhook, to mail, or to any command.  An example to adapt; see
# docs/monitoring.md.
#
# pg_beat sends one NOTIFY per final failure of a run ({"event": "failed", ...})
# and one per job that becomes overdue ({"event": "overdue", ...}), from the
# database named by cron.database_name, in the transaction that records it.
# This script LISTENs there with psql and hands each payload (one line of
# JSON) to the forwarder:
#
#   WEBHOOK_URL=https://hooks.example.com/T000/B000 ./notify-forwarder.sh
#       POSTs each payload as application/json with curl
#   MAIL_TO=dba@example.com ./notify-forwarder.sh
#       mails each payload with mail(1) (bsd-mailx or mailutils)
#   FORWARD_CMD='logger -t pg_beat' ./notify-forwarder.sh
#       runs the command with the payload on standard input
#
# Connection: the usual libpq environment (PGHOST, PGPORT, PGUSER,
# PGDATABASE = the cron.database_name database, PGPASSWORD or ~/.pgpass).
# CHANNEL (default cron_job_failed) must match cron.notify_channel.
#
# NOTIFY is not queued for absent listeners: alerts sent while this script is
# not connected are lost.  After a reconnect it therefore reports the failures
# recorded meanwhile (and in the minute before) from cron.job_run_details,
# skipping the runs it has forwarded already, so a lost connection or a
# server restart loses nothing that was recorded.  A restart of the script
# itself starts afresh.  Run it under systemd (or another supervisor) with
# Restart=always.
#
set -uo pipefail

CHANNEL="${CHANNEL:-cron_job_failed}"
POLL_SECONDS="${POLL_SECONDS:-1}"   # how often psql looks for notifications

declare -A seen=()   # runids of the failures forwarded

forward() {
	local payload="$1"
	local runid
	runid="$(printf '%s' "$payload" | sed -n 's/.*"runid" *: *\([0-9]*\).*/\1/p')"
	if [ -n "$runid" ]; then
		[ -n "${seen[$runid]:-}" ] && return 0
		[ ${#seen[@]} -gt 10000 ] && seen=()
		seen[$runid]=1
	fi
	if [ -n "${FORWARD_CMD:-}" ]; then
		printf '%s\n' "$payload" | sh -c "$FORWARD_CMD"
	elif [ -n "${WEBHOOK_URL:-}" ]; then
		curl -fsS --max-time 10 --retry 3 -H 'Content-Type: application/json' \
			--data-binary "$payload" "$WEBHOOK_URL" >/dev/null
	elif [ -n "${MAIL_TO:-}" ]; then
		local subject
		subject="pg_beat: $(printf '%s' "$payload" | sed -n 's/.*"event": "\([a-z]*\)".*"jobid": \([0-9]*\).*/\1 job \2/p')"
		printf '%s\n' "$payload" | mail -s "${subject:-pg_beat alert}" "$MAIL_TO"
	else
		printf '%s\n' "$payload"
	fi || echo "notify-forwarder: could not forward: $payload" >&2
}

# Failures recorded since $1 (a timestamptz), as payloads like the NOTIFY's.
catch_up_query() {
	cat <<SQL
SELECT json_build_object('event', 'failed', 'jobid', r.jobid, 'jobname', j.jobname,
       'runid', r.runid, 'status', r.status, 'return_message', r.return_message,
       'sqlstate', r.sqlstate, 'scheduled_time', r.scheduled_time,
       'start_time', r.start_time, 'end_time', r.end_time, 'attempt', r.attempt,
       'database', r.database, 'username', r.username, 'caught_up', true)
  FROM cron.job_run_details r LEFT JOIN cron.job j USING (jobid)
 WHERE r.status = 'failed' AND r.end_time > timestamptz '$1' - interval '1 minute'
   AND r.attempt > coalesce(j.max_retries, 0)
 ORDER BY r.runid;
SQL
}

since=""
while true; do
	now="$(psql -XAtq -c 'SELECT now()' 2>/dev/null)" || {
		echo "notify-forwarder: cannot connect; retrying in 5 s" >&2
		sleep 5
		continue
	}
	if [ -n "$since" ]; then
		while IFS= read -r payload; do
			[ -n "$payload" ] && forward "$payload"
		done < <(psql -XAtq -c "$(catch_up_query "$since")")
	fi
	since="$now"

	# One psql session: LISTEN, then an empty query every POLL_SECONDS so
	# that psql prints the notifications that arrived meanwhile.
	while IFS= read -r line; do
		case "$line" in
		'Asynchronous notification "'*)
			payload="$(printf '%s' "$line" |
				sed -n 's/^Asynchronous notification "[^"]*" with payload "\(.*\)" received from server process with PID [0-9]*\.$/\1/p')"
			[ -n "$payload" ] && forward "$payload"
			;;
		now=*)
			since="${line#now=}"
			;;
		esac
	done < <({
		printf 'LISTEN "%s";\n' "$CHANNEL"
		while sleep "$POLL_SECONDS"; do
			printf "SELECT 'now=' || now();\n" || break
		done
	} | psql -XAtq -v ON_ERROR_STOP=1 2>&1)

	echo "notify-forwarder: connection lost; reconnecting" >&2
	sleep 1
done
