#!/usr/bin/env bash
#
# Build the libFuzzer target for src/cronexpr.c and run it for a bounded
# time (FUZZ_SECONDS, default 60) on a scratch copy of the seed corpus, so
# that the committed corpus never grows.  Exits non-zero on a crash, a
# leak, a timeout or a violated invariant, keeping the reproducer.
#
# Needs clang with libFuzzer (on Debian: apt-get install -y clang).
set -euo pipefail

cd "$(dirname "$0")"

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

if ! command -v clang >/dev/null 2>&1; then
	echo "test/fuzz/run.sh: clang is not installed, and the fuzzer needs clang's libFuzzer;" >&2
	echo "install it (on Debian: apt-get install -y clang) and run this again." >&2
	exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat_fuzz.XXXXXX")"
keep=0
cleanup() {
	if [ "$keep" = 0 ]; then
		rm -rf "$work"
	fi
}
trap cleanup EXIT

clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror \
	fuzz_cronexpr.c ../../src/cronexpr.c ../common/synthzone.c \
	-o "$work/fuzz_cronexpr"

mkdir "$work/corpus" "$work/artifacts"
cp corpus/* "$work/corpus/"

echo "fuzzing cronexpr for ${FUZZ_SECONDS}s in $work"
set +e
"$work/fuzz_cronexpr" \
	-max_total_time="$FUZZ_SECONDS" \
	-max_len=300 \
	-timeout=5 \
	-print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" \
	"$work/corpus" 2>"$work/fuzz.log"
status=$?
set -e

# libFuzzer's own summary lines, without the per-input chatter
grep -E '^(stat::|Done|INFO: Seed|==[0-9]+== ?ERROR|SUMMARY)' "$work/fuzz.log" || true

if [ "$status" -ne 0 ]; then
	keep=1
	echo "test/fuzz/run.sh: the fuzzer failed (exit $status); log and reproducer kept in $work" >&2
	tail -n 40 "$work/fuzz.log" >&2
	ls -l "$work/artifacts" >&2
	exit "$status"
fi
echo "test/fuzz/run.sh: no crash, leak, timeout or invariant violation in ${FUZZ_SECONDS}s"
