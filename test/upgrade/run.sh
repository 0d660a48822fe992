#!/usr/bin/env bash
#
# test/upgrade/run.sh [MAJOR ...]: a cluster with pg_beat jobs moved to newer
# PostgreSQL majors keeps every job, its options and its history, and the
# jobs run on the new server (the "upgrade" tier of scripts/test; as root).
#
#   15 -> 17  pg_upgrade, in the PostgreSQL 17 root (Debian 13) with Debian
#             12's postgresql-15 installed beside 17 (pinned low, from the
#             same mirror);
#   17 -> 18  pg_dump/pg_restore: the upgraded 17 server (in the 17 root)
#             dumped over 127.0.0.1 by PostgreSQL 18's pg_dumpall and pg_dump
#             in the 18 root (unstable ships no postgresql-17), restored there.
#
# A step runs when both its majors are among the arguments (default: 15 17
# 18).  The clusters and their files are removed at the end
# (KEEP_SCRATCH=1 keeps them).
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "test/upgrade/run.sh: run me as root (Debian roots)" >&2; exit 1; }
[ $# -gt 0 ] || set -- 15 17 18
want=" $* "
has() { case "$want" in *" $1 "*) return 0 ;; esac; return 1; }
if ! has 17 || ! { has 15 || has 18; }; then
	echo "upgrade: nothing to do for PostgreSQL $* (the steps are 15 -> 17 and 17 -> 18)"
	exit 0
fi

free_port() {
	local p
	for p in $(seq "$1" $(($1 + 99))); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	return 1
}

# ---- the roots --------------------------------------------------------------
R17="$(pg_root_dir 17)"
R18="$(pg_root_dir 18)"
extra17=()
if has 15; then
	pg_root_ensure 17 || exit 1
	if [ ! -f "$R17/etc/apt/sources.list.d/pg_beat-bookworm.list" ]; then
		echo "deb $(pg_root_mirror) bookworm main" >"$R17/etc/apt/sources.list.d/pg_beat-bookworm.list"
		printf 'Package: *\nPin: release n=bookworm\nPin-Priority: 100\n' \
			>"$R17/etc/apt/preferences.d/pg_beat-bookworm"
	fi
	extra17=(postgresql-15 postgresql-server-dev-15)
fi
pg_root_ensure 17 "${extra17[@]}" || exit 1
if has 18; then pg_root_ensure 18 || exit 1; fi

# ---- pg_beat built and installed for each major, in its root ---------------
# W17, W18: the work directories (a copy of the tree, the clusters), as seen
# from the host; /tmp/<name> inside the root.
W17="$(mktemp -d "$R17/tmp/pg_beat-upgrade.XXXXXX")"
W18=""
has 18 && W18="$(mktemp -d "$R18/tmp/pg_beat-upgrade.XXXXXX")"
in17() { echo "/tmp/$(basename "$W17")$1"; }
in18() { echo "/tmp/$(basename "$W18")$1"; }
C15="$(in17 /c15)" C17="$(in17 /c17)" C18="$(in18 /c18)"
cleanup() {
	local rc=$?
	pg_root_run "$R17" runuser -u postgres -- bash "$(in17 /src/test/upgrade/cluster.sh)" stop "$C15" 2>/dev/null || true
	pg_root_run "$R17" runuser -u postgres -- bash "$(in17 /src/test/upgrade/cluster.sh)" stop "$C17" 2>/dev/null || true
	[ -z "$W18" ] || pg_root_run "$R18" runuser -u postgres -- bash "$(in18 /src/test/upgrade/cluster.sh)" stop "$C18" 2>/dev/null || true
	if [ -n "${KEEP_SCRATCH:-}" ] || [ $rc -ne 0 ]; then
		echo "kept $W17 ${W18:-}"
	else
		rm -rf "$W17" ${W18:+"$W18"}
	fi
}
trap cleanup EXIT

for w in "$W17" ${W18:+"$W18"}; do
	mkdir "$w/src"
	tar -C "$BEAT_ROOT" --exclude=.git --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
		--exclude=tmp_check --exclude=tmp_regress --exclude=tmp_isolation -cf - . |
		tar -C "$w/src" -xf -
	chmod 755 "$w"
done

# build_in ROOT INNER_SRC MAJOR: make (as postgres) and make install (root)
build_in() {
	local root="$1" src="$2" major="$3"
	local pgc="/usr/lib/postgresql/$major/bin/pg_config"
	pg_root_run "$root" chown -R postgres: "$(dirname "$src")"
	pg_root_run "$root" runuser -u postgres -- make -C "$src" -s clean >/dev/null
	pg_root_run "$root" runuser -u postgres -- make -C "$src" -s PG_CONFIG="$pgc" BEAT_EXTRA_CFLAGS=-Werror ||
		return 1
	pg_root_run "$root" make -C "$src" -s PG_CONFIG="$pgc" install >/dev/null
}
cl17() { pg_root_run "$R17" runuser -u postgres -- bash "$(in17 /src/test/upgrade/cluster.sh)" "$@"; }
cl18() { pg_root_run "$R18" runuser -u postgres -- bash "$(in18 /src/test/upgrade/cluster.sh)" "$@"; }

# one user of a root at a time (make install writes into it)
exec 8>"$R17.lock"
flock 8
if has 15; then
	say "PostgreSQL 15 -> 17: pg_upgrade (in $R17)"
	build_in "$R17" "$(in17 /src)" 15
	build_in "$R17" "$(in17 /src)" 17
	P15="$(free_port 54600)"
	cl17 init 15 "$C15" "$P15"
	cl17 start "$C15"
	cl17 jobs "$C15" "$P15"
	cl17 snapshot "$C15" "$P15" "$(in17 /snap15)"
	cl17 stop "$C15"
	P17="$(free_port 54700)"
	cl17 init 17 "$C17" "$P17"
	pg_root_run "$R17" runuser -u postgres -- env -C "$(in17 "")" \
		/usr/lib/postgresql/17/bin/pg_upgrade -b /usr/lib/postgresql/15/bin -B /usr/lib/postgresql/17/bin \
		-d "$C15" -D "$C17" -s "$(in17 "")" -p "$P15" -P "$P17" >"$W17/pg_upgrade.log" 2>&1 || {
		tail -n 40 "$W17/pg_upgrade.log"; find "$W17/c17" -path '*pg_upgrade_output.d*' -name '*.log' -exec tail -n 30 {} + 2>/dev/null
		echo "UPGRADE TEST FAILED: pg_upgrade 15 -> 17"; exit 1; }
	grep -E '^Upgrade Complete' "$W17/pg_upgrade.log" || true
	cl17 start "$C17"
	cl17 check "$C17" "$P17" "$(in17 /snap15)"
else
	say "PostgreSQL 17: a cluster with jobs (in $R17)"
	build_in "$R17" "$(in17 /src)" 17
	P17="$(free_port 54700)"
	cl17 init 17 "$C17" "$P17"
	cl17 start "$C17"
	cl17 jobs "$C17" "$P17"
fi

if has 18; then
	say "PostgreSQL 17 -> 18: pg_dump/pg_restore (from $R17 into $R18)"
	exec 7>"$R18.lock"
	flock 7
	build_in "$R18" "$(in18 /src)" 18
	cl17 snapshot "$C17" "$P17" "$(in17 /snap17)"
	cp "$W17"/snap17.* "$W18/"
	P18="$(free_port 54800)"
	cl18 init 18 "$C18" "$P18"
	cl18 start "$C18"
	echo 17 >"$W18/c18/src_major"
	cl18 restore "$C18" "$P18" "$P17"
	cl17 stop "$C17"	# the source stops running the jobs
	cl18 check "$C18" "$P18" "$(in18 /snap17)"
fi
echo "UPGRADE TEST PASSED"
