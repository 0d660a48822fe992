#!/usr/bin/env bash
#
# test/packaging/run.sh: the Debian package, end to end (run as root; the
# "package" tier of scripts/test runs it).
#
# For PostgreSQL $PG_MAJOR (default 15; scripts/test runs it in the Debian
# root of each other major): the package is postgresql-$PG_MAJOR-pg-beat,
# built the postgresql-common way (debian/pgversions lists the majors the
# source supports, pg_buildext builds for those of them the suite ships, and
# debian/control is regenerated for that suite, as apt.postgresql.org does).
#
#   1. installs the build dependencies from Debian (debhelper,
#      postgresql-server-dev-all, ...) if any is missing;
#   2. builds the binary package with dpkg-buildpackage -us -uc -b, as the
#      postgres user, in a scratch copy of the tree (debian/rules builds with
#      pg_buildext, installs with make install DESTDIR=..., and smoke-tests
#      the built files in a pg_virtualenv cluster);
#   3. checks the package's file list and dependencies;
#   4. installs it with dpkg -i (over whatever make install put there);
#   5. starts a throwaway cluster that preloads pg_beat from the installed
#      package, creates the extension and waits (with a deadline) for a
#      '1 seconds' job to run (debian/tests/smoke.sql), then removes it.
#
# The package stays installed: removing it would remove the files that
# `make install` of the other tiers relies on.
#
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# run from /: the clone may be a directory the postgres user cannot enter
cd /
PKG=postgresql-$PG_MAJOR-pg-beat

say() { printf '\n==> %s\n' "$*"; }
fail() { echo "PACKAGE TEST FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run me as root (I install packages)"

# ---- 1. build dependencies --------------------------------------------------
deps=(dpkg-dev debhelper postgresql-server-dev-all postgresql-common
	libpq-dev postgresql-$PG_MAJOR build-essential)
missing=()
for p in "${deps[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# (sid's Release file may be past its Valid-Until date)
	apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get -o Acquire::Check-Valid-Until=false update >/dev/null 2>&1 &&
		  apt-get install -y "${missing[@]}"; }
fi

# ---- 2. build ---------------------------------------------------------------
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat-package.XXXXXX")"
chmod 755 "$SCRATCH"
DATA=""
PORT=""
cleanup() {
	if [ -n "$DATA" ] && [ -f "$DATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	[ -n "${KEEP_SCRATCH:-}" ] && echo "kept $SCRATCH" || rm -rf "$SCRATCH"
}
trap cleanup EXIT

TREE="$SCRATCH/pg-beat-1.3"
mkdir "$TREE"
tar -C "$SRC" --exclude=.git --exclude='*.o' --exclude='*.bc' --exclude='*.so' \
	--exclude=tmp_check --exclude=tmp_regress --exclude=tmp_isolation \
	--exclude='pg_beat--*.sql' --exclude='debian/.debhelper' \
	--exclude="debian/$PKG" --exclude='debian/files' \
	--exclude='debian/*.substvars' --exclude='debian/*debhelper*' \
	--exclude='build-*' -cf - . | tar -C "$TREE" -xf -
chown -R postgres: "$SCRATCH"

say "building the package (dpkg-buildpackage -us -uc -b)"
if ! runuser -u postgres -- env -C "$TREE" PATH="/usr/sbin:/usr/bin:/sbin:/bin" \
	PG_UPDATECONTROL=yes PG_SUPPORTED_VERSIONS="$PG_MAJOR" \
	dpkg-buildpackage -us -uc -b >"$SCRATCH/build.log" 2>&1; then
	tail -n 80 "$SCRATCH/build.log"
	fail "dpkg-buildpackage failed"
fi
grep -E 'pg_beat smoke test passed|dpkg-deb: building' "$SCRATCH/build.log" || true
DEB="$(ls "$SCRATCH"/${PKG}_1.3-1_*.deb 2>/dev/null | head -n 1)"
[ -n "$DEB" ] || fail "no $PKG .deb was built"
echo "built $(basename "$DEB")"

# ---- 3. contents ------------------------------------------------------------
say "checking the package's contents"
CONTENTS="$(dpkg-deb -c "$DEB" | awk '{print $NF}')"
for f in \
	./usr/lib/postgresql/$PG_MAJOR/lib/pg_beat.so \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat.control \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.0.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.1.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.2.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.3.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.0--1.1.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.1--1.2.sql \
	./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.2--1.3.sql \
	./usr/share/doc/$PKG/copyright \
	./usr/share/doc/$PKG/README.md \
	./usr/share/doc/$PKG/reference.md \
	./usr/share/doc/$PKG/migrating-from-pg_cron.md \
	./usr/share/doc/$PKG/examples/notify-forwarder.sh; do
	# dh_compress gzips the larger documents
	grep -qxE "${f//./\\.}(\\.gz)?" <<<"$CONTENTS" || fail "the package lacks $f"
	echo "  has $f"
done
DEPENDS="$(dpkg-deb -f "$DEB" Depends)"
echo "  Depends: $DEPENDS"
grep -q "postgresql-$PG_MAJOR" <<<"$DEPENDS" || fail "the package does not depend on postgresql-$PG_MAJOR"
# the install script in the package is the one the Makefile assembles
dpkg-deb --fsys-tarfile "$DEB" |
	tar -xOf - ./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.0.sql |
	cmp -s - <(cat "$SRC/sql/pg_beat.sql" "$SRC/sql/import_pg_cron.sql") ||
	fail "pg_beat--1.0.sql in the package is not sql/pg_beat.sql + sql/import_pg_cron.sql"
echo "  pg_beat--1.0.sql = sql/pg_beat.sql + sql/import_pg_cron.sql"
dpkg-deb --fsys-tarfile "$DEB" |
	tar -xOf - ./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.1.sql |
	cmp -s - <(cat "$SRC/sql/pg_beat.sql" "$SRC/sql/import_pg_cron.sql" "$SRC"/sql/update-1.1.sql \
		"$SRC"/sql/update-1.1-chains.sql "$SRC"/sql/update-1.1-metrics.sql) ||
	fail "pg_beat--1.1.sql in the package is not the 1.0 parts + sql/update-1.1*.sql"
echo "  pg_beat--1.1.sql = the 1.0 parts + sql/update-1.1.sql, -chains, -metrics"
dpkg-deb --fsys-tarfile "$DEB" |
	tar -xOf - ./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.2.sql |
	cmp -s - <(cat "$SRC/sql/pg_beat.sql" "$SRC/sql/import_pg_cron.sql" "$SRC"/sql/update-1.1.sql \
		"$SRC"/sql/update-1.1-chains.sql "$SRC"/sql/update-1.1-metrics.sql \
		"$SRC"/sql/update-1.2.sql "$SRC"/sql/update-1.2-grants.sql) ||
	fail "pg_beat--1.2.sql in the package is not the 1.1 parts + sql/update-1.2*.sql"
echo "  pg_beat--1.2.sql = the 1.1 parts + sql/update-1.2.sql, -grants"
dpkg-deb --fsys-tarfile "$DEB" |
	tar -xOf - ./usr/share/postgresql/$PG_MAJOR/extension/pg_beat--1.3.sql |
	cmp -s - <(cat "$SRC/sql/pg_beat.sql" "$SRC/sql/import_pg_cron.sql" "$SRC"/sql/update-1.1.sql \
		"$SRC"/sql/update-1.1-chains.sql "$SRC"/sql/update-1.1-metrics.sql \
		"$SRC"/sql/update-1.2.sql "$SRC"/sql/update-1.2-grants.sql "$SRC"/sql/update-1.3.sql) ||
	fail "pg_beat--1.3.sql in the package is not the 1.2 parts + sql/update-1.3.sql"
echo "  pg_beat--1.3.sql = the 1.2 parts + sql/update-1.3.sql"

# ---- 4. install -------------------------------------------------------------
say "installing $(basename "$DEB")"
dpkg -i "$DEB" >/dev/null
dpkg -L "$PKG" | grep -qx "/usr/lib/postgresql/$PG_MAJOR/lib/pg_beat.so" ||
	fail "dpkg does not list pg_beat.so as installed by $PKG"
dpkg --verify "$PKG" || fail "the installed files differ from the package's"
echo "installed: $(dpkg-query -W -f='${Package} ${Version} ${Status}' "$PKG")"

# ---- 5. use it --------------------------------------------------------------
say "creating the extension in a throwaway cluster from the installed package"
DATA="$SCRATCH/data"
for p in $(seq 54400 54499); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || fail "no free port in 54400-54499"
runuser -u postgres -- "$PG_BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$SCRATCH'
shared_preload_libraries = 'pg_beat'
cron.database_name = 'postgres'
CONF
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -l "$SCRATCH/server.log" -w start >/dev/null ||
	{ cat "$SCRATCH/server.log"; fail "the cluster did not start"; }
if ! runuser -u postgres -- "$PG_BIN/psql" -X -q -At -h "$SCRATCH" -p "$PORT" -U postgres -d postgres \
	-v ON_ERROR_STOP=1 -f "$TREE/debian/tests/smoke.sql"; then
	tail -n 40 "$SCRATCH/server.log"
	fail "the smoke test failed"
fi
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
DATA=""
echo "PACKAGE TEST PASSED"
