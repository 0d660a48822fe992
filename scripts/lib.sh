# Shared by scripts/test and scripts/demo: dependencies, build, install.
# Sourced, not run.

# The PostgreSQL majors pg_beat is tested on, and where each comes from:
# 15 is this machine's own (Debian 12); 17 and 18 live in Debian roots
# (trixie, sid) that pg_root_ensure makes on first use.  16 is in no Debian
# suite, so it is not tested (the code keeps its version guards right).
BEAT_PG_VERSIONS=(15 17 18)
# The major of the machine scripts/test runs on (in a root: that root's).
PG_MAJOR="${PG_MAJOR:-15}"
# PG_BIN may point at a relocated copy of the installation (a private
# install target, so that two checkouts can be tested at once).
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"
export PATH="$PG_BIN:$PATH"

BEAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\n==> %s\n' "$*"; }

# Install the Debian packages we need, if any is missing (root only).
install_dependencies() {
	local pkgs=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
		libipc-run-perl build-essential postgresql-$PG_MAJOR-cron "$@")
	local missing=()
	local p
	for p in "${pkgs[@]}"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# (in the sid root, the mirror's Release file may be past Valid-Until)
	apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get -o Acquire::Check-Valid-Until=false update >/dev/null 2>&1 &&
		  apt-get install -y "${missing[@]}"; }
}

# The user that runs servers: postgres when we are root, else ourselves.
server_user() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Run a command as the server user.
as_server_user() {
	if [ "$(id -u)" -eq 0 ]; then
		# from /, so that a clone postgres may not read is not its cwd
		(cd / && runuser -u postgres -- env PATH="$PATH" "$@")
	else
		"$@"
	fi
}

# Copy the tree to a scratch directory the server user owns; print its path.
# The clone may live where postgres cannot read, and tests write into it.
make_scratch_copy() {
	local dir
	dir="$(mktemp -d "${TMPDIR:-/tmp}/pg_beat-$1.XXXXXX")"
	chmod 755 "$dir"
	tar -C "$BEAT_ROOT" --exclude=.git --exclude='*.o' --exclude='*.bc' \
		--exclude='*.so' --exclude=tmp_check --exclude=tmp_regress \
		--exclude=tmp_isolation -cf - . | tar -C "$dir" -xf -
	if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
	echo "$dir"
}

# Build with -Werror in $1 and install (install needs root on Debian).
build_and_install() {
	local dir="$1"
	say "building pg_beat (-Werror)"
	as_server_user make -C "$dir" -s clean >/dev/null
	as_server_user make -C "$dir" -s PG_CONFIG="$PG_BIN/pg_config" \
		BEAT_EXTRA_CFLAGS=-Werror
	say "installing pg_beat"
	make -C "$dir" -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
}

# ---- Debian roots for the other PostgreSQL majors ---------------------------
#
# PostgreSQL 17 comes from Debian 13 (trixie), 18 from unstable (sid), each
# in a minimal root (debootstrap --variant=minbase) under
# $PG_BEAT_ROOTS (default /var/cache/pg_beat): made on first use, reused
# afterwards, made again when it is broken.  Only the Debian mirror of this
# machine's apt sources is needed.  A root keeps /proc, /dev, /dev/pts and
# /dev/shm mounted between runs (pg_root_umount removes them).

PG_BEAT_ROOTS="${PG_BEAT_ROOTS:-/var/cache/pg_beat}"

# The Debian suite that ships PostgreSQL $1 (empty: none; this machine's own
# major needs no root).
pg_root_suite() {
	case "$1" in
	17) echo trixie ;;
	18) echo sid ;;
	*) echo "" ;;
	esac
}

pg_root_dir() { echo "$PG_BEAT_ROOTS/root-$1"; }

# The mirror this machine's apt uses (the first http URI of its sources).
pg_root_mirror() {
	local m
	m="$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list 2>/dev/null | grep -v -- '-security' | head -n 1 |
		awk '{print $2}')"
	echo "${m:-http://deb.debian.org/debian}"
}

pg_root_mount() {
	local root="$1"
	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
	mountpoint -q "$root/dev" || mount --bind /dev "$root/dev"
	mountpoint -q "$root/dev/pts" || mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts" 2>/dev/null ||
		mount --bind /dev/pts "$root/dev/pts"
	mountpoint -q "$root/dev/shm" || mount --bind /dev/shm "$root/dev/shm"
}

pg_root_umount() {
	local root="$1" m
	for m in dev/shm dev/pts dev proc; do
		mountpoint -q "$root/$m" && umount -l "$root/$m"
	done
	return 0
}

# Run a command in root $1 (as root), with a plain environment.
pg_root_run() {
	local root="$1"; shift
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# apt-get in root $1; sid's Release file on the mirror may be past its
# Valid-Until date.
pg_root_apt() {
	local root="$1"; shift
	pg_root_run "$root" apt-get -o Acquire::Check-Valid-Until=false \
		-o APT::Install-Recommends=false -o Dpkg::Use-Pty=0 "$@"
}

# Is root $1 usable?  Bootstrapped completely, runs a program, and dpkg has
# nothing half-installed.
pg_root_healthy() {
	local root="$1"
	[ -f "$root/.pg_beat-bootstrapped" ] || return 1
	chroot "$root" /bin/true 2>/dev/null || return 1
	[ -z "$(chroot "$root" dpkg --audit 2>/dev/null)" ] || return 1
}

# Remove root $1 (its mounts first: a bind mount of /dev must never be
# deleted through).
pg_root_remove() {
	local root="$1"
	pg_root_umount "$root"
	if grep -q " $root/" /proc/mounts; then
		echo "cannot remove $root: still mounted" >&2
		return 1
	fi
	rm -rf --one-file-system "$root"
}

# pg_root_ensure MAJOR [PACKAGE ...]: make sure the root for MAJOR exists, is
# healthy and mounted, and has PostgreSQL MAJOR with its dev files, pg_cron,
# the build and test tools and the extra packages; print nothing but
# progress to stderr.  Serialised per root with flock.
pg_root_ensure() {
	local major="$1"; shift
	local suite root mirror
	suite="$(pg_root_suite "$major")"
	[ -n "$suite" ] || { echo "no Debian suite known for PostgreSQL $major" >&2; return 1; }
	root="$(pg_root_dir "$major")"
	mkdir -p "$PG_BEAT_ROOTS"
	if [ -d "$root" ] && ! pg_root_healthy "$root"; then
		say "the PostgreSQL $major root $root is broken: making it again" >&2
		pg_root_remove "$root" || return 1
	fi
	if [ ! -d "$root" ]; then
		command -v debootstrap >/dev/null 2>&1 || {
			say "installing debootstrap" >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null 2>&1 ||
				{ apt-get update >/dev/null 2>&1 &&
				  DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >&2; } || return 1
		}
		mirror="$(pg_root_mirror)"
		say "making a Debian $suite root for PostgreSQL $major in $root ($mirror)" >&2
		rm -rf --one-file-system "$root.new"
		if ! debootstrap --variant=minbase "$suite" "$root.new" "$mirror" \
			>"$PG_BEAT_ROOTS/debootstrap-$major.log" 2>&1; then
			tail -n 20 "$PG_BEAT_ROOTS/debootstrap-$major.log" >&2
			return 1
		fi
		touch "$root.new/.pg_beat-bootstrapped"
		mv "$root.new" "$root"
	fi
	pg_root_mount "$root"
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	local pkgs=(postgresql-$major postgresql-server-dev-$major postgresql-$major-cron
		libipc-run-perl build-essential perl "$@")
	local missing=() p
	for p in "${pkgs[@]}"; do
		pg_root_run "$root" dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]} in the PostgreSQL $major root" >&2
		# a root starts no services, and its PostgreSQL no cluster of its own
		printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
		chmod 755 "$root/usr/sbin/policy-rc.d"
		mkdir -p "$root/etc/postgresql-common/createcluster.d"
		echo "create_main_cluster = false" >"$root/etc/postgresql-common/createcluster.d/pg_beat.conf"
		if ! { pg_root_apt "$root" update >/dev/null 2>&1 &&
			pg_root_apt "$root" install -y "${missing[@]}" >"$PG_BEAT_ROOTS/apt-$major.log" 2>&1; }; then
			tail -n 30 "$PG_BEAT_ROOTS/apt-$major.log" >&2
			return 1
		fi
	fi
}
