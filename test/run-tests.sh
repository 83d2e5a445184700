#!/usr/bin/env bash
# Run the whole test suite against a throwaway PostgreSQL 15 cluster:
#
#   bash test/run-tests.sh
#
# Installs missing Debian packages (as root), builds the extension with
# assertions (ASSERTS=1) in a temporary copy owned by postgres (in place when
# not root), installs it, starts a private cluster and runs
# `make installcheck` as postgres: pg_regress (sql/ vs expected/), then the
# isolation specs (test/isolation/), then the TAP tests (test/t/*.pl), then
# the libFuzzer harnesses (test/fuzz/run.sh, FUZZ_SECONDS each, default 20),
# then the regression suite again with the server under valgrind's memcheck
# (PERM_MEMCHECK=0 skips it).  Each suite runs even if an earlier one failed.  On failure the diffs, TAP logs
# and the end of the server log are printed.  The last line of the output is
# "N passed, M failed" (regression tests + isolation specs + TAP files); the
# exit status is non-zero if anything failed.
#
# PERM_ARTIFACTS_DIR=DIR keeps a copy of the test outputs (results, diffs,
# TAP logs, server log) in DIR; otherwise they go away with the work copy.
# See test/lib.sh for the other knobs (PERM_ASSERTS, PERM_EXTRA_CONF...).
set -euo pipefail

# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if (($#)); then
	case $1 in
	-h | --help)
		sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) perm_die "unknown argument: $1 (usage: bash test/run-tests.sh)" ;;
	esac
fi

TOTAL_PASSED=0
TOTAL_FAILED=0
SUITE_LINES=()
FAILED_SUITES=()

# A build or setup failure, or Ctrl-C, still ends with the summary line.
perm_on_abort() { printf '%d passed, %d failed\n' "$TOTAL_PASSED" "$((TOTAL_FAILED + 1))"; }

perm_need_deps
perm_work_copy
perm_build_install
perm_start_cluster

perm_mktemp PERM_LOG_DIR permissions-logs

# perm_parse_pg_regress LOG -> "passed failed" (empty if no summary line)
perm_parse_pg_regress() {
	local line
	line=$(grep -E 'All [0-9]+ tests passed|[0-9]+ of [0-9]+ tests (passed|failed)' "$1" | tail -n 1) || true
	if [[ "$line" =~ All\ ([0-9]+)\ tests\ passed ]]; then
		echo "${BASH_REMATCH[1]} 0"
	elif [[ "$line" =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ failed,\ ([0-9]+)\ of\ these\ failures\ ignored ]]; then
		local f=$((BASH_REMATCH[1] - BASH_REMATCH[3]))
		echo "$((BASH_REMATCH[2] - f)) $f"
	elif [[ "$line" =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ failed ]]; then
		echo "$((BASH_REMATCH[2] - BASH_REMATCH[1])) ${BASH_REMATCH[1]}"
	elif [[ "$line" =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ passed ]]; then
		# "X of Y tests passed, Z failed test(s) ignored"
		echo "${BASH_REMATCH[2]} 0"
	fi
}

# perm_parse_prove LOG -> "passed_files failed_files assertions" (empty if
# prove printed no summary)
perm_parse_prove() {
	local files tests result nfail
	files=$(sed -n 's/^Files=\([0-9]*\), Tests=\([0-9]*\),.*/\1 \2/p' "$1" | tail -n 1)
	[[ -n "$files" ]] || return 0
	tests=${files#* }
	files=${files% *}
	result=$(sed -n 's/^Result: \([A-Z]*\).*/\1/p' "$1" | tail -n 1)
	if [[ "$result" == PASS ]]; then
		nfail=0
	else
		# files listed in the "Test Summary Report" section
		nfail=$(sed -n '/^Test Summary Report/,/^Files=/p' "$1" | grep -cE '^[^[:space:]].*\(Wstat: ') || true
		((nfail > 0)) || nfail=1
		((nfail <= files)) || nfail=$files
	fi
	echo "$((files - nfail)) $nfail $tests"
}

# perm_suite NAME KIND MAKE-ARGS...: run one suite through make installcheck
perm_suite() {
	local name=$1 kind=$2
	shift 2
	local log="$PERM_LOG_DIR/$name.log" rc passed failed extra=""
	PERM_STEP="running the $name tests"
	printf '\n'
	perm_msg "$name: make installcheck $*"
	set +e
	run_as_pg make -C "$PERM_WORK_DIR" PG_CONFIG="$PG_CONFIG" installcheck "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e

	local parsed
	if [[ $kind == prove ]]; then parsed=$(perm_parse_prove "$log"); else parsed=$(perm_parse_pg_regress "$log"); fi
	if [[ -z "$parsed" ]]; then
		# no summary at all: the suite could not run (connection, setup...)
		passed=0
		failed=$((rc != 0 ? 1 : 0))
		((rc == 0)) || extra=" (no test summary; make exited with status $rc)"
	else
		read -r passed failed tests <<<"$parsed"
		[[ $kind == prove ]] && extra=" (test files; $tests assertions)"
		if ((rc != 0 && failed == 0)); then
			failed=1
			extra+=" (make exited with status $rc)"
		fi
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + passed))
	TOTAL_FAILED=$((TOTAL_FAILED + failed))
	SUITE_LINES+=("$(printf '  %-10s %3d passed, %3d failed%s' "$name:" "$passed" "$failed" "$extra")")
	((failed == 0)) || FAILED_SUITES+=("$name")
}

has_files() { compgen -G "$1" >/dev/null; }

# perm_print_unexpected RESULTS_DIR EXPECTED_DIR: print the outputs of tests
# that have no expected file yet (pg_regress stops without a diff then).
perm_print_unexpected() {
	local r
	for r in "$1"/*.out; do
		[[ -f "$r" && ! -f "$2/${r##*/}" ]] || continue
		perm_print_file "output of ${r##*/} (no $2/${r##*/})" "$r"
	done
}

cd "$PERM_WORK_DIR"
if has_files 'sql/*.sql'; then
	perm_suite regress pg_regress ISOLATION= TAP_TESTS=
else
	SUITE_LINES+=("  regress:   (no sql/*.sql)")
fi
if has_files 'test/isolation/specs/*.spec'; then
	perm_suite isolation pg_regress REGRESS= TAP_TESTS=
else
	SUITE_LINES+=("  isolation: (no test/isolation/specs/*.spec)")
fi
if has_files 'test/t/*.pl'; then
	perm_suite tap prove REGRESS= ISOLATION=
else
	SUITE_LINES+=("  tap:       (no test/t/*.pl)")
fi

# perm_fuzz: the libFuzzer harnesses, FUZZ_SECONDS (default 20) each
perm_fuzz() {
	local log="$PERM_LOG_DIR/fuzz.log" rc passed failed
	PERM_STEP="fuzzing"
	printf '\n'
	perm_msg "fuzz: test/fuzz/run.sh (${FUZZ_SECONDS:-20} s per harness)"
	set +e
	(cd "$PERM_WORK_DIR" && run_as_pg env FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash "$PERM_WORK_DIR/test/fuzz/run.sh") 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	passed=$(grep -cE '^fuzz_[a-z_]+: ok' "$log") || true
	failed=$(grep -cE '^fuzz_[a-z_]+: (FAIL|failed)' "$log") || true
	((rc == 0 || failed > 0)) || failed=1
	TOTAL_PASSED=$((TOTAL_PASSED + passed))
	TOTAL_FAILED=$((TOTAL_FAILED + failed))
	SUITE_LINES+=("$(printf '  %-10s %3d passed, %3d failed (harnesses)' "fuzz:" "$passed" "$failed")")
	((failed == 0)) || FAILED_SUITES+=(fuzz)
}

# perm_memcheck: the regression suite once more, the server (and so the
# extension) running under valgrind's memcheck; any error whose stack
# passes through the extension's code fails it.  PostgreSQL's own known
# reports (uninitialised padding written to disk) are not ours and are
# only counted.
perm_memcheck() {
	local vgdir nerr scan pattern
	PERM_STEP="restarting the cluster under valgrind"
	perm_mktemp vgdir permissions-valgrind
	if perm_is_root; then chown postgres:postgres "$vgdir"; fi
	run_as_pg "$PERM_PG_BINDIR/pg_ctl" -D "$PERM_PGDATA" -m fast -w stop >/dev/null
	run_as_pg bash -c "cd '$vgdir' && exec valgrind --quiet --trace-children=yes --num-callers=40 \
		--error-limit=no --log-file='$vgdir/vg.%p.log' '$PERM_PG_BINDIR/postgres' -D '$PERM_PGDATA' \
		-c jit=off >>'$PERM_SERVER_LOG' 2>&1" &
	local i
	for ((i = 0; i < 300; i++)); do
		"$PERM_PG_BINDIR/pg_isready" -q -h "$PGHOST" -p "$PGPORT" && break
		sleep 1
	done
	perm_suite memcheck pg_regress ISOLATION= TAP_TESTS=
	PERM_STEP="stopping the cluster under valgrind"
	run_as_pg "$PERM_PG_BINDIR/pg_ctl" -D "$PERM_PGDATA" -m fast -w -t 600 stop >/dev/null || true
	wait || true

	pattern='permissions\.so|\(('"$(cd "$PERM_WORK_DIR/src" && ls ./*.c | sed 's#^\./##; s#\.c$##' | paste -sd'|')"')\.c:[0-9]+\)'
	scan="$PERM_LOG_DIR/memcheck-errors.log"
	cat "$vgdir"/vg.*.log 2>/dev/null | awk -v PAT="$pattern" '
		/^==[0-9]+== [A-Z]/ && !/^==[0-9]+== +(at|by) / { if (blk != "" && hit) { print blk; n++ } blk = $0 "\n"; hit = 0; inblk = 1; next }
		/^==[0-9]+== *$/ { if (inblk && hit) { print blk; n++ } blk = ""; hit = 0; inblk = 0; next }
		inblk { blk = blk $0 "\n"; if ($0 ~ PAT) hit = 1 }
		END { if (inblk && hit) { print blk; n++ } }' >"$scan"
	nerr=$(grep -cE '^==[0-9]+== [A-Z]' "$scan") || true
	perm_msg "memcheck: $nerr valgrind report(s) through the extension's code; $(cat "$vgdir"/vg.*.log 2>/dev/null | grep -cE '^==[0-9]+== [A-Z][a-z]+ ') in all (PostgreSQL's own included)"
	if ((nerr > 0)); then
		perm_print_file "valgrind reports through the extension" "$scan"
		TOTAL_FAILED=$((TOTAL_FAILED + 1))
		SUITE_LINES+=("$(printf '  %-10s %3d valgrind report(s) in the extension' "memcheck:" "$nerr")")
		FAILED_SUITES+=(memcheck-valgrind)
	fi
}

if has_files 'test/fuzz/fuzz_*.c'; then
	perm_fuzz
fi
if [[ "${PERM_MEMCHECK:-1}" == 1 ]]; then
	perm_memcheck
fi

PERM_STEP="reporting"
if ((TOTAL_FAILED)); then
	for s in "${FAILED_SUITES[@]}"; do
		case $s in
		regress | memcheck)
			perm_print_file "regression diffs" "$PERM_WORK_DIR/regression.diffs"
			perm_print_unexpected "$PERM_WORK_DIR/results" "$PERM_WORK_DIR/expected"
			;;
		isolation)
			perm_print_file "isolation diffs" "$PERM_WORK_DIR/test/isolation/output/regression.diffs"
			perm_print_unexpected "$PERM_WORK_DIR/test/isolation/output/results" "$PERM_WORK_DIR/test/isolation/expected"
			;;
		tap)
			for f in "$PERM_WORK_DIR"/tmp_check/log/regress_log_*; do
				[[ -f "$f" ]] || continue
				t=${f##*/regress_log_}
				# only the files prove reported as failing
				if grep -qE "^[^[:space:]]*${t}\.pl \(Wstat: " "$PERM_LOG_DIR/tap.log"; then
					perm_tail_file "TAP log $t" "$f" 80
				fi
			done
			;;
		esac
	done
	perm_tail_file "server log" "$PERM_SERVER_LOG" 100
fi

# Keep the outputs when asked to (the work copy is removed at exit).
if [[ -n "${PERM_ARTIFACTS_DIR:-}" ]]; then
	mkdir -p "$PERM_ARTIFACTS_DIR"
	for f in regression.diffs regression.out results test/isolation/output tmp_check/log; do
		if [[ -e "$PERM_WORK_DIR/$f" ]]; then
			rm -rf "${PERM_ARTIFACTS_DIR:?}/$f"
			mkdir -p "$PERM_ARTIFACTS_DIR/$(dirname "$f")"
			cp -a "$PERM_WORK_DIR/$f" "$PERM_ARTIFACTS_DIR/$f"
		fi
	done
	cp -a "$PERM_SERVER_LOG" "$PERM_LOG_DIR"/*.log "$PERM_ARTIFACTS_DIR/"
	perm_msg "test outputs copied to $PERM_ARTIFACTS_DIR"
fi

printf '\n==> summary\n'
printf '%s\n' "${SUITE_LINES[@]}"
if ((TOTAL_PASSED + TOTAL_FAILED == 0)); then
	perm_warn "no tests were found"
fi
PERM_FINISHED=1
printf '%d passed, %d failed\n' "$TOTAL_PASSED" "$TOTAL_FAILED"
((TOTAL_FAILED == 0))
