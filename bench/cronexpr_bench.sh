#!/usr/bin/env bash
#
# Build and run the cronexpr_next() benchmark (see cronexpr_bench.c).
# Builds into a temporary directory, never into the tree.  Set
# BENCH_ENFORCE=1 to exit non-zero when a performance target is missed.
set -euo pipefail

cd "$(dirname "$0")"

CC="${CC:-gcc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat_bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$CC" -std=gnu99 -O2 -Wall -Wextra -Werror \
	cronexpr_bench.c ../src/cronexpr.c ../test/common/synthzone.c \
	-o "$work/cronexpr_bench"
"$work/cronexpr_bench"
