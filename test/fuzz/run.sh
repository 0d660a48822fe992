#!/usr/bin/env bash
#
# Build the libFuzzer targets for src/cronexpr.c and src/dependency.c (the
# "after" grammar) and run each for a bounded time (FUZZ_SECONDS, default
# 60, for cronexpr; FUZZ_DEPENDENCY_SECONDS, default a quarter of that but
# at least 10, for the smaller after grammar) on a scratch copy of its seed
# corpus, so that the committed corpora never grow.  Exits non-zero on a
# crash, a leak, a timeout or a violated invariant, keeping the reproducer.
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

# fuzz_one NAME SOURCES CORPUS SECONDS MAX_LEN
fuzz_one() {
	local name="$1" sources="$2" corpus="$3" seconds="$4" max_len="$5" status
	# shellcheck disable=SC2086
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Wall -Wextra -Werror \
		$sources -o "$work/fuzz_$name"

	mkdir "$work/corpus-$name" "$work/artifacts-$name"
	cp "$corpus"/* "$work/corpus-$name/"

	echo "fuzzing $name for ${seconds}s in $work"
	set +e
	"$work/fuzz_$name" \
		-max_total_time="$seconds" \
		-max_len="$max_len" \
		-timeout=5 \
		-print_final_stats=1 \
		-artifact_prefix="$work/artifacts-$name/" \
		"$work/corpus-$name" 2>"$work/fuzz-$name.log"
	status=$?
	set -e

	# libFuzzer's own summary lines, without the per-input chatter
	grep -E '^(stat::|Done|INFO: Seed|==[0-9]+== ?ERROR|SUMMARY)' "$work/fuzz-$name.log" || true

	if [ "$status" -ne 0 ]; then
		keep=1
		echo "test/fuzz/run.sh: the $name fuzzer failed (exit $status); log and reproducer kept in $work" >&2
		tail -n 40 "$work/fuzz-$name.log" >&2
		ls -l "$work/artifacts-$name" >&2
		exit "$status"
	fi
	echo "test/fuzz/run.sh: $name: no crash, leak, timeout or invariant violation in ${seconds}s"
}

FUZZ_DEPENDENCY_SECONDS="${FUZZ_DEPENDENCY_SECONDS:-$(( FUZZ_SECONDS / 4 > 10 ? FUZZ_SECONDS / 4 : 10 ))}"

fuzz_one cronexpr "fuzz_cronexpr.c ../../src/cronexpr.c ../common/synthzone.c" \
	corpus "$FUZZ_SECONDS" 300
fuzz_one dependency "fuzz_dependency.c ../../src/dependency.c" \
	corpus-dependency "$FUZZ_DEPENDENCY_SECONDS" 2100
