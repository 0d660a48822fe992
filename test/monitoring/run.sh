#!/usr/bin/env bash
#
# test/monitoring/run.sh: the "metrics" tier of scripts/test (run as root).
#
# Installs Debian's prometheus-postgres-exporter and prometheus (for
# promtool) if missing, without letting their services start (they would
# listen on every interface), then runs test/monitoring/check.py as the
# server user: a throwaway cluster with pg_beat (already installed into
# $PG_BIN by scripts/test), the exporter with monitoring/pg_beat-queries.yml
# on loopback, promtool on the alert rules, and the Grafana dashboard.
#
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd /

fail() { echo "METRICS TEST FAILED: $*" >&2; exit 1; }

pkgs=(prometheus-postgres-exporter prometheus python3)
missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || fail "missing Debian packages ${missing[*]} (run me as root to install them)"
	echo "==> installing ${missing[*]}"
	# no service may start from the install: a policy-rc.d that says so,
	# for the time of the install, unless one is there already
	policy=/usr/sbin/policy-rc.d
	made_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	rc=0
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get -o Acquire::Check-Valid-Until=false update >/dev/null 2>&1 &&
		  apt-get install -y --no-install-recommends "${missing[@]}"; } || rc=$?
	[ $made_policy = 1 ] && rm -f "$policy"
	[ $rc -eq 0 ] || fail "could not install ${missing[*]}"
fi

if [ "$(id -u)" -eq 0 ]; then
	runuser -u postgres -- env PATH="$PG_BIN:$PATH" PG_BIN="$PG_BIN" \
		TMPDIR="${TMPDIR:-/tmp}" ${KEEP_SCRATCH:+KEEP_SCRATCH=1} \
		python3 "$SRC/test/monitoring/check.py"
else
	env PG_BIN="$PG_BIN" python3 "$SRC/test/monitoring/check.py"
fi
