#!/usr/bin/env bash
#
# Build and run the unit tests of the schedule grammar and evaluator
# (test_cronexpr.c against ../../src/cronexpr.c, in the synthetic time zones
# of ../common/synthzone.c) and of the "after" grammar (test_dependency.c
# against ../../src/dependency.c).  Needs only a C compiler; builds into a
# temporary directory, never into the tree.  Exits non-zero if the build
# fails or any case fails.
set -euo pipefail

cd "$(dirname "$0")"

CC="${CC:-gcc}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat_unit.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$CC" -O2 -Wall -Wextra -Werror \
	test_cronexpr.c ../../src/cronexpr.c ../common/synthzone.c \
	-o "$work/test_cronexpr"
"$CC" -O2 -Wall -Wextra -Werror \
	test_dependency.c ../../src/dependency.c \
	-o "$work/test_dependency"
"$work/test_dependency"
"$work/test_cronexpr"
"$CC" -O2 -Wall -Wextra -Werror \
	test_dependency.c ../../src/dependency.c \
	-o "$work/test_dependency"
"$work/test_dependency"
