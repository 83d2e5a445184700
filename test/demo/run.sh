#!/usr/bin/env bash
# Run the demo against a throwaway PostgreSQL 15 cluster:
#
#   bash test/demo/run.sh [--keep]
#
# Installs missing Debian packages (as root), builds and installs the
# extension, starts a private cluster and runs test/demo/demo.sql with
#   psql -X -v ON_ERROR_STOP=1 -f test/demo/demo.sql
# (as postgres, from the top of a copy of the repository, so \i paths
# relative to the repository root work).
#
#   --keep   leave the cluster running afterwards and print how to connect
#            to it and how to stop it (default: stop and remove it)
set -euo pipefail

# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

keep=0
while (($#)); do
	case $1 in
	--keep) keep=1 ;;
	-h | --help)
		sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) perm_die "unknown argument: $1 (usage: bash test/demo/run.sh [--keep])" ;;
	esac
	shift
done

DEMO_SQL=test/demo/demo.sql
if [[ ! -f "$PERM_SRC_DIR/$DEMO_SQL" ]]; then
	perm_die "$PERM_SRC_DIR/$DEMO_SQL does not exist (yet): there is no demo to run"
fi

perm_need_deps
perm_work_copy
perm_build_install
perm_start_cluster

# With --keep the cluster survives even a failing demo, for inspection.
PERM_KEEP_CLUSTER=$keep

PERM_STEP="running $DEMO_SQL"
printf '\n'
perm_msg "psql -X -v ON_ERROR_STOP=1 -f $DEMO_SQL"
cd "$PERM_WORK_DIR"
demo_rc=0
run_as_pg psql -X -v ON_ERROR_STOP=1 -f "$DEMO_SQL" || demo_rc=$?
PERM_FINISHED=1

printf '\n'
if ((demo_rc != 0)); then
	printf 'ERROR: the demo failed (psql exit status %d)\n' "$demo_rc" >&2
	perm_tail_file "server log" "$PERM_SERVER_LOG" 50 >&2
else
	perm_msg "demo finished successfully"
fi

if ((keep)); then
	if perm_is_root; then as_pg="runuser -u postgres -- "; else as_pg=""; fi
	cat <<EOF

The cluster is still running (--keep):
  data directory: $PERM_PGDATA
  server log:     $PERM_SERVER_LOG
Connect with:
  psql -h $PGHOST -p $PGPORT -U $PGUSER postgres
Stop and remove it with:
  ${as_pg}$PERM_PG_BINDIR/pg_ctl -D $PERM_PGDATA -m fast stop && rm -rf $PERM_CLUSTER_DIR
EOF
else
	perm_msg "stopping the cluster (use --keep to leave it running)"
fi
exit "$demo_rc"
