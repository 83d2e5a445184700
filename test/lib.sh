# shellcheck shell=bash
# test/lib.sh -- helpers shared by test/run-tests.sh and test/demo/run.sh.
#
# Source it (do not execute it).  It defines functions and variables only;
# the callers decide what to run:
#
#   perm_need_deps      install the Debian packages in PERM_DEPS (as root) or
#                       explain what is missing (not root); when not root,
#                       also check that `make install` can write the
#                       PostgreSQL extension directories
#   perm_work_copy      root: copy the source tree to a fresh temporary
#                       directory owned by postgres; not root: use the
#                       repository in place.  Leaves the caller cd'ed there
#                       (PERM_WORK_DIR) after a `make clean`.
#   perm_build_install  make ASSERTS=1 (as postgres when root), make install
#   perm_start_cluster  initdb + pg_ctl start a throwaway cluster, export
#                       PGHOST/PGPORT/PGUSER for it
#   run_as_pg CMD...    run CMD as postgres when root, directly otherwise
#
# Sourcing installs an EXIT/INT/TERM trap (perm_cleanup) that stops the
# throwaway cluster (and any TAP-test clusters left in the work copy) and
# removes the temporary directories, on success, failure or Ctrl-C.  On an
# unexpected exit it says which step failed (PERM_STEP), shows the end of
# the server log, and finally calls perm_on_abort if the caller defined it.
#
# Knobs (environment):
#   PERM_ASSERTS=0       build without -DUSE_ASSERT_CHECKING (default 1)
#   PERM_EXTRA_CONF      extra lines appended to the cluster's postgresql.conf
#   PERM_TMPDIR          where temporary directories go (default /tmp)

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	echo "test/lib.sh is meant to be sourced, not executed" >&2
	exit 2
fi

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------

PERM_PG_BINDIR=/usr/lib/postgresql/15/bin
PG_CONFIG="$PERM_PG_BINDIR/pg_config"
export PG_CONFIG

# Debian packages the build and the tests need.  Later work may append:
#   PERM_DEPS+=" pgbouncer"
PERM_DEPS="postgresql-15 postgresql-client-15 postgresql-server-dev-15 libpq-dev libipc-run-perl make gcc perl postgresql-15-cron pgbouncer valgrind clang lld libclang-rt-14-dev"

# Repository root (the directory above test/).
PERM_SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

PERM_TMPDIR="${PERM_TMPDIR:-/tmp}"
PERM_ASSERTS="${PERM_ASSERTS:-1}"
PERM_KEEP_CLUSTER=0     # 1: leave the cluster running at exit (demo --keep)

PERM_WORK_DIR=""        # where building and testing happen
export PERM_WORK_IS_COPY=0  # 1 when PERM_WORK_DIR is a temporary copy
PERM_CLUSTER_DIR=""     # temporary directory holding the throwaway cluster
PERM_PGDATA=""
PERM_SOCKET_DIR=""
PERM_SERVER_LOG=""
PERM_CLUSTER_STARTED=0
PERM_TMP_DIRS=()        # removed at exit
PERM_STEP="starting"    # what we are doing, for the failure message
PERM_FINISHED=0         # set to 1 by callers once they reported the outcome
PERM_REPORTED=0         # set to 1 once an error message has been printed

# Make the PostgreSQL 15 binaries win over /usr/bin's version-agnostic wrappers.
export PATH="$PERM_PG_BINDIR:$PATH"

# Reproducible locale for everything we start (initdb, psql, TAP clusters).
unset LC_ALL LC_COLLATE LC_CTYPE LC_MESSAGES LC_MONETARY LC_NUMERIC LC_TIME LANGUAGE
export LANG=C.UTF-8

# Connection settings from the caller's environment must not redirect us.
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGOPTIONS PGPASSWORD PGPASSFILE PGDATA

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

perm_msg() { printf '==> %s\n' "$*"; }
perm_warn() { printf 'WARNING: %s\n' "$*" >&2; }
perm_die() {
	printf 'ERROR: %s\n' "$*" >&2
	PERM_REPORTED=1
	exit 1
}
perm_is_root() { [[ "$(id -u)" -eq 0 ]]; }

# run_as_pg CMD [ARGS...]: run CMD as the postgres OS user when we are root
# (initdb refuses to run as root, and TAP tests start their own servers),
# directly otherwise.  The connection and build environment is passed on
# explicitly; runuser keeps the rest of the environment and the cwd.
run_as_pg() {
	if perm_is_root; then
		local -a envs=("PATH=$PATH" "LANG=$LANG" "PG_CONFIG=$PG_CONFIG")
		local v
		for v in PGHOST PGPORT PGUSER CI PROVE_FLAGS PG_TEST_EXTRA PG_TEST_NOCLEAN TERM; do
			if [[ -n "${!v+set}" ]]; then envs+=("$v=${!v}"); fi
		done
		runuser -u postgres -- env "${envs[@]}" "$@"
	else
		"$@"
	fi
}

# perm_print_file TITLE FILE [MAX_LINES]: print a file between markers.
perm_print_file() {
	local title=$1 file=$2 max=${3:-2000}
	[[ -s "$file" ]] || return 0
	local n
	n=$(wc -l <"$file")
	printf '\n======== %s (%s) ========\n' "$title" "$file"
	if ((n > max)); then
		head -n "$max" "$file"
		printf '... (%d more lines not shown)\n' "$((n - max))"
	else
		cat "$file"
	fi
	printf '======== end of %s ========\n' "$title"
}

# perm_tail_file TITLE FILE [LINES]
perm_tail_file() {
	local title=$1 file=$2 lines=${3:-100}
	[[ -f "$file" ]] || return 0
	printf '\n======== %s: last %d lines (%s) ========\n' "$title" "$lines" "$file"
	tail -n "$lines" "$file"
	printf '======== end of %s ========\n' "$title"
}

# perm_mktemp VAR NAME: create a temporary directory, removed at exit, and
# store its path in VAR.  (Not $(...): the list of directories to remove
# must be updated in this shell.)
perm_mktemp() {
	local d
	d=$(mktemp -d "$PERM_TMPDIR/$2.XXXXXX")
	PERM_TMP_DIRS+=("$d")
	printf -v "$1" '%s' "$d"
}

# ---------------------------------------------------------------------------
# Cleanup (EXIT trap)
# ---------------------------------------------------------------------------

perm_cleanup() {
	local rc=$?
	trap '' INT TERM
	set +e

	if ((rc != 0 && PERM_FINISHED == 0)); then
		if ((rc == 130 || rc == 143)); then
			printf '\nInterrupted while %s; cleaning up\n' "$PERM_STEP" >&2
		elif ((!PERM_REPORTED)); then
			printf '\nERROR: failed (exit status %d) while %s\n' "$rc" "$PERM_STEP" >&2
		fi
		if ((PERM_CLUSTER_STARTED && rc != 130 && rc != 143)); then
			perm_tail_file "server log" "$PERM_SERVER_LOG" 50 >&2
		fi
	fi

	# Servers started by TAP tests that did not get to stop them (Ctrl-C,
	# a crashed test script): their data directories live in tmp_check.
	if [[ -n "$PERM_WORK_DIR" && -d "$PERM_WORK_DIR/tmp_check" ]]; then
		local pidfile
		while IFS= read -r pidfile; do
			run_as_pg "$PERM_PG_BINDIR/pg_ctl" -D "$(dirname "$pidfile")" -m immediate stop >/dev/null 2>&1
		done < <(find "$PERM_WORK_DIR/tmp_check" -name postmaster.pid 2>/dev/null)
	fi

	if ((PERM_CLUSTER_STARTED && !PERM_KEEP_CLUSTER)); then
		run_as_pg "$PERM_PG_BINDIR/pg_ctl" -D "$PERM_PGDATA" -m immediate stop >/dev/null 2>&1
	fi

	local d
	for d in "${PERM_TMP_DIRS[@]}"; do
		if ((PERM_KEEP_CLUSTER)) && [[ "$d" == "$PERM_CLUSTER_DIR" ]]; then
			continue
		fi
		# never remove the repository itself
		[[ -n "$d" && "$d" != "$PERM_SRC_DIR" ]] && rm -rf -- "$d"
	done

	# callers may define perm_on_abort to print something last
	if ((rc != 0 && PERM_FINISHED == 0)) && declare -F perm_on_abort >/dev/null; then
		perm_on_abort
	fi
	return "$rc"
}

trap perm_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------

perm_pkg_installed() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

perm_need_deps() {
	PERM_STEP="checking dependencies"
	local -a pkgs missing=()
	read -r -a pkgs <<<"$PERM_DEPS"

	if ! command -v dpkg-query >/dev/null 2>&1; then
		perm_warn "dpkg-query not found (not a Debian system?); not checking for: ${pkgs[*]}"
	else
		local p
		for p in "${pkgs[@]}"; do
			perm_pkg_installed "$p" || missing+=("$p")
		done
	fi

	if ((${#missing[@]})); then
		if perm_is_root; then
			perm_msg "installing missing packages: ${missing[*]}"
			PERM_STEP="installing packages (${missing[*]})"
			apt-get update || perm_warn "apt-get update failed; trying to install anyway"
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
			for p in "${missing[@]}"; do
				perm_pkg_installed "$p" || perm_die "package $p is still not installed"
			done
		else
			{
				echo "ERROR: these Debian packages are missing: ${missing[*]}"
				echo "Installing them needs root. Run this command as root (or with sudo):"
				echo "  sudo bash $0"
				echo "or install them first:"
				echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
			} >&2
			PERM_REPORTED=1
			exit 1
		fi
	fi

	[[ -x "$PG_CONFIG" ]] || perm_die "$PG_CONFIG not found (is postgresql-server-dev-15 / postgresql-client-15 installed?)"

	if perm_is_root; then
		id postgres >/dev/null 2>&1 || perm_die "the 'postgres' OS user does not exist (it is created by the postgresql-15 package)"
	else
		# `make install` writes here; without root it must be writable.
		local pkglibdir extdir d
		local -a notw=()
		pkglibdir=$("$PG_CONFIG" --pkglibdir)
		extdir="$("$PG_CONFIG" --sharedir)/extension"
		for d in "$pkglibdir" "$extdir"; do
			[[ -d "$d" && -w "$d" ]] || notw+=("$d")
		done
		if ((${#notw[@]})); then
			{
				echo "ERROR: 'make install' must write into ${notw[*]}"
				echo "but user $(id -un) cannot write there. This needs root: run it as root (or with sudo):"
				echo "  sudo bash $0"
			} >&2
			PERM_REPORTED=1
			exit 1
		fi
	fi
}

# ---------------------------------------------------------------------------
# Work copy
# ---------------------------------------------------------------------------

# perm_copy_tree SRC DST: copy the files git would consider part of the tree
# (tracked + untracked-not-ignored); without git, everything but .git.
perm_copy_tree() {
	local src=$1 dst=$2
	if command -v git >/dev/null 2>&1 &&
		git -c safe.directory="$src" -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		local list
		list=$(mktemp)
		if git -c safe.directory="$src" -C "$src" ls-files -z --cached --others --exclude-standard >"$list"; then
			# skip build/test outputs (`make clean` would remove them anyway)
			# and files deleted from the work tree but still in the index
			(cd "$src" && while IFS= read -r -d '' f; do
				case $f in
				*.o | *.so | *.bc | results/* | tmp_check/* | log/* | output_iso/* | test/isolation/output/* | regression.diffs | regression.out) continue ;;
				esac
				if [[ -e "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
			done <"$list") | tar -C "$src" --null --no-recursion -T - -cf - | tar -C "$dst" -xf -
			rm -f "$list"
			return 0
		fi
		rm -f "$list"
		perm_warn "git ls-files failed; copying the whole tree instead"
	fi
	tar -C "$src" --exclude=./.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
		--exclude=./results --exclude=./tmp_check --exclude=./log --exclude=./output_iso \
		--exclude=./test/isolation/output --exclude=./regression.diffs --exclude=./regression.out \
		-cf - . | tar -C "$dst" -xf -
}

perm_work_copy() {
	PERM_STEP="preparing the work copy"
	if perm_is_root; then
		perm_mktemp PERM_WORK_DIR permissions-work
		PERM_WORK_IS_COPY=1
		perm_msg "copying $PERM_SRC_DIR to $PERM_WORK_DIR (owned by postgres)"
		perm_copy_tree "$PERM_SRC_DIR" "$PERM_WORK_DIR"
		chown -R postgres:postgres "$PERM_WORK_DIR"
	else
		PERM_WORK_DIR=$PERM_SRC_DIR
		PERM_WORK_IS_COPY=0
		perm_msg "not root: building and testing in place in $PERM_WORK_DIR"
	fi
	cd "$PERM_WORK_DIR" || exit 1
	# Stale objects (e.g. built without ASSERTS) would otherwise be reused.
	run_as_pg make -s PG_CONFIG="$PG_CONFIG" clean >/dev/null
}

# ---------------------------------------------------------------------------
# Build and install
# ---------------------------------------------------------------------------

perm_build_install() {
	local -a mkargs=(PG_CONFIG="$PG_CONFIG")
	[[ "$PERM_ASSERTS" == 1 ]] && mkargs+=(ASSERTS=1)

	PERM_STEP="building (make ${mkargs[*]})"
	perm_msg "building: make ${mkargs[*]}"
	run_as_pg make -C "$PERM_WORK_DIR" -j"$(nproc 2>/dev/null || echo 2)" "${mkargs[@]}"

	PERM_STEP="installing (make install)"
	perm_msg "installing: make install"
	make -C "$PERM_WORK_DIR" "${mkargs[@]}" install
}

# ---------------------------------------------------------------------------
# Throwaway cluster
# ---------------------------------------------------------------------------

perm_start_cluster() {
	PERM_STEP="creating the throwaway cluster"
	perm_mktemp PERM_CLUSTER_DIR permissions-pg
	PERM_PGDATA="$PERM_CLUSTER_DIR/data"
	PERM_SOCKET_DIR="$PERM_CLUSTER_DIR/sock"
	PERM_SERVER_LOG="$PERM_CLUSTER_DIR/server.log"
	mkdir "$PERM_SOCKET_DIR"
	if perm_is_root; then chown -R postgres:postgres "$PERM_CLUSTER_DIR"; fi

	# Only a private Unix socket directory is used (no TCP), so the port
	# cannot clash with another server; it is random anyway.
	local port=$((54300 + RANDOM % 600))

	perm_msg "initdb $PERM_PGDATA"
	if ! run_as_pg "$PERM_PG_BINDIR/initdb" -D "$PERM_PGDATA" -A trust -U postgres --no-sync \
		-E UTF8 --locale=C.UTF-8 >"$PERM_CLUSTER_DIR/initdb.log" 2>&1; then
		cat "$PERM_CLUSTER_DIR/initdb.log" >&2
		perm_die "initdb failed"
	fi

	cat >>"$PERM_PGDATA/postgresql.conf" <<EOF

# ---- added by test/lib.sh (throwaway test cluster) ----
listen_addresses = ''
unix_socket_directories = '$PERM_SOCKET_DIR'
port = $port
fsync = off
max_prepared_transactions = 10
log_line_prefix = '%m [%p] %q%a '
EOF
	if [[ -n "${PERM_EXTRA_CONF:-}" ]]; then
		printf '%s\n' "$PERM_EXTRA_CONF" >>"$PERM_PGDATA/postgresql.conf"
	fi

	PERM_STEP="starting the throwaway cluster"
	perm_msg "starting the cluster (socket $PERM_SOCKET_DIR, port $port, log $PERM_SERVER_LOG)"
	PERM_CLUSTER_STARTED=1 # from here on the trap tries to stop it
	if ! run_as_pg "$PERM_PG_BINDIR/pg_ctl" -D "$PERM_PGDATA" -l "$PERM_SERVER_LOG" -w -t 120 start >/dev/null; then
		perm_die "pg_ctl start failed (the end of the server log follows)"
	fi

	export PGHOST="$PERM_SOCKET_DIR" PGPORT="$port" PGUSER=postgres
}
