#!/usr/bin/env bash
#
# Building against an unsupported PostgreSQL (14 or older) must stop at once
# with a message that names the supported versions, not with a compiler
# error in the middle of the code.  A stand-in pg_config answers --version
# with an old version and passes every other question to the real one
# ($PG_CONFIG, else the pg_config in PATH).  Needs no server; run by the
# unit tier of scripts/test.
set -euo pipefail

src="$(cd "$(dirname "$0")/../.." && pwd)"
real="${PG_CONFIG:-$(command -v pg_config)}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat_version.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail=0
for v in "14.13" "13.16" "9.6.24"; do
	cat >"$work/pg_config" <<SH
#!/bin/sh
[ "\$1" = --version ] && { echo "PostgreSQL $v"; exit 0; }
exec "$real" "\$@"
SH
	chmod +x "$work/pg_config"
	if out="$(make -C "$src" -n PG_CONFIG="$work/pg_config" 2>&1)"; then
		echo "FAIL: make went ahead with PostgreSQL $v"; fail=1; continue
	fi
	if grep -q "pg_beat supports PostgreSQL 15, 16, 17 and 18" <<<"$out" &&
		! grep -qiE '\.c:[0-9]+|error:' <<<"$out"; then
		echo "ok: PostgreSQL $v is refused: $(grep -o 'pg_beat supports.*' <<<"$out" | head -n 1)"
	else
		echo "FAIL: PostgreSQL $v: unexpected output:"; echo "$out"; fail=1
	fi
done
# and the supported one goes ahead (make -n: nothing is built)
if make -C "$src" -n PG_CONFIG="$real" >/dev/null 2>&1; then
	echo "ok: $("$real" --version) is accepted"
else
	echo "FAIL: make refuses $("$real" --version)"; fail=1
fi
exit $fail
