# Shared by scripts/test and scripts/demo: dependencies, build, install.
# Sourced, not run.

PG_MAJOR=15
# PG_BIN may point at a relocated copy of the installation (a private
# install target, so that two checkouts can be tested at once).
PG_BIN="${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}"
export PATH="$PG_BIN:$PATH"

BEAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\n==> %s\n' "$*"; }

# Install the Debian packages we need, if any is missing (root only).
install_dependencies() {
	local pkgs=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
		libipc-run-perl build-essential clang postgresql-$PG_MAJOR-cron "$@")
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
	apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 && apt-get install -y "${missing[@]}"; }
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
