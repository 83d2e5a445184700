#!/bin/bash
#
# test/fuzz/run.sh -- build the libFuzzer harnesses of the permissions
# extension with clang (AddressSanitizer, UndefinedBehaviorSanitizer,
# LeakSanitizer) and run each for a bounded time.
#
#   test/fuzz/run.sh [--save-corpus] [--keep] [--no-self-test] [HARNESS...]
#
#   HARNESS          fuzz_access_level, fuzz_privileges, fuzz_lookup,
#                    fuzz_listener_cursor (default: all of them)
#   FUZZ_SECONDS     seconds per harness (default 20; e.g. 3600 for a long run)
#   PG_CONFIG        default /usr/lib/postgresql/15/bin/pg_config
#   CC               default clang
#   --save-corpus    merge inputs that found new coverage into
#                    test/fuzz/corpus/<harness>/ (the only writes to the tree)
#   --keep           keep the temporary directory (always kept on failure)
#   --no-self-test   skip the check that a broken parser is caught
#
# Each harness compiles the extension's own source files (see the header
# of each fuzz_*.c for what it asserts); stubs.c stands in for the server.
# Everything is built and run in a fresh mktemp directory; the seed corpus
# in test/fuzz/corpus/<harness>/ is copied there first.  The listener's
# cursor files go to a second mktemp directory in /dev/shm when there is
# one (the listener fsyncs each write).  Both are removed afterwards.
#
# Before fuzzing, a self-test builds fuzz_access_level against a copy of the
# parser made case-sensitive (-Dpg_strcasecmp=strcmp) and requires that its
# seed corpus makes that harness fail: the invariants, and this script's
# detection of a failure, can fail.
#
# Exit status: 0 when every harness ran its time without a crash, a
# sanitizer report, a leak, a timeout or a failed invariant; 1 otherwise
# (the log and the crashing input are then left in the temporary directory);
# 2 on a usage or build error.
#
# Needs: clang, lld, libclang-rt-14-dev (libFuzzer and the sanitizer
# runtimes), postgresql-server-dev-15 and libpq-dev.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)

PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
CC=${CC:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

all_harnesses="fuzz_access_level fuzz_privileges fuzz_lookup fuzz_listener_cursor"
save_corpus=0
keep=0
self_test=1
harnesses=""

usage() {
	sed -n '3,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

for arg in "$@"; do
	case "$arg" in
		--save-corpus) save_corpus=1 ;;
		--keep) keep=1 ;;
		--no-self-test) self_test=0 ;;
		-h|--help) usage; exit 0 ;;
		-*) echo "run.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
		*)
			case " $all_harnesses " in
				*" $arg "*) harnesses="$harnesses $arg" ;;
				*) echo "run.sh: unknown harness $arg (one of: $all_harnesses)" >&2; exit 2 ;;
			esac ;;
	esac
done
harnesses=${harnesses:-$all_harnesses}

if ! [[ "$FUZZ_SECONDS" =~ ^[1-9][0-9]*$ ]]; then
	echo "run.sh: FUZZ_SECONDS must be a positive integer, not '$FUZZ_SECONDS'" >&2
	exit 2
fi
if ! command -v "$CC" >/dev/null; then
	echo "run.sh: $CC not found (install clang, lld and libclang-rt-14-dev)" >&2
	exit 2
fi
if ! [ -x "$PG_CONFIG" ]; then
	echo "run.sh: $PG_CONFIG not found (install postgresql-server-dev-15 or set PG_CONFIG)" >&2
	exit 2
fi

pg_includes=("-I$("$PG_CONFIG" --includedir-server)" "-I$("$PG_CONFIG" --includedir)")
pg_libs=()
for dir in "$("$PG_CONFIG" --pkglibdir)" "$("$PG_CONFIG" --libdir)"; do
	if [ -f "$dir/libpgcommon.a" ] && [ -f "$dir/libpgport.a" ]; then
		pg_libs=("$dir/libpgcommon.a" "$dir/libpgport.a")
		break
	fi
done
if [ "${#pg_libs[@]}" -eq 0 ]; then
	echo "run.sh: libpgcommon.a and libpgport.a not found next to $PG_CONFIG" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/permissions-fuzz.XXXXXX")
scratch=""
status=2
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	[ -n "$scratch" ] && rm -rf "$scratch"
	if [ "$status" -eq 0 ] && [ "$keep" -eq 0 ]; then
		rm -rf "$work"
	else
		echo "run.sh: files kept in $work"
	fi
}
trap cleanup EXIT
mkdir -p "$work/obj" "$work/bin" "$work/corpus" "$work/artifacts"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	scratch=$(mktemp -d /dev/shm/permissions-fuzz.XXXXXX)
else
	scratch="$work/scratch"
	mkdir -p "$scratch"
fi

sanitize=("-fsanitize=fuzzer,address,undefined" -fno-sanitize-recover=all)
# PostgreSQL's own code generation flags, assertions on, and per-function
# sections so that the link keeps only what the harness can reach
cflags=(-g -O1 -fno-omit-frame-pointer "${sanitize[@]}" -fno-strict-aliasing -fwrapv
	-ffunction-sections -fdata-sections -DUSE_ASSERT_CHECKING
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
	-Wno-ignored-attributes)
# lld: an undefined symbol that only unreachable code uses is no error
ldflags=("${sanitize[@]}" -fuse-ld=lld "-Wl,--gc-sections")

echo "run.sh: $("$CC" --version | head -n 1); $("$PG_CONFIG" --version); $FUZZ_SECONDS s per harness"

# compile one file: compile SRC OBJ [EXTRA FLAGS...]
compile() {
	local src=$1 obj=$2
	shift 2
	if ! "$CC" "${cflags[@]}" "$@" -c "$src" -o "$obj" 2>"$obj.err"; then
		cat "$obj.err" >&2
		echo "run.sh: cannot compile $src" >&2
		exit 2
	fi
}

# build one harness into $work/bin: build NAME [EXTRA FLAGS FOR THE EXTENSION'S FILES...]
build() {
	local name=$1 unit
	local -a objs inc
	shift
	inc=("-I$here" "-I$top/src" "${pg_includes[@]}")
	case "$name" in
		fuzz_listener_cursor)
			compile "$here/$name.c" "$work/obj/$name.o" -Werror "-I$top/src/listener" "${pg_includes[@]}"
			objs=("$work/obj/$name.o")
			;;
		*)
			case "$name" in
				fuzz_access_level) unit=access_level ;;
				fuzz_privileges) unit=privileges ;;
				fuzz_lookup) unit=cache ;;
			esac
			compile "$here/stubs.c" "$work/obj/stubs.o" -Werror "${inc[@]}"
			compile "$here/$name.c" "$work/obj/$name.o" -Werror "${inc[@]}"
			compile "$top/src/$unit.c" "$work/obj/$name-$unit.o" "${inc[@]}" "$@"
			objs=("$work/obj/$name.o" "$work/obj/$name-$unit.o" "$work/obj/stubs.o" "${pg_libs[@]}")
			;;
	esac
	if ! "$CC" "${ldflags[@]}" "${objs[@]}" -o "$work/bin/$name" 2>"$work/obj/$name.link.err"; then
		cat "$work/obj/$name.link.err" >&2
		echo "run.sh: cannot link $name" >&2
		exit 2
	fi
}

export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PERMISSIONS_FUZZ_SCRATCH="$scratch"

sanitizer_pattern='ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer)|runtime error:|INVARIANT FAILED|TRAP: |fuzz stubs: |deadly signal'

if [ "$self_test" -eq 1 ]; then
	build fuzz_access_level -Dpg_strcasecmp=strcmp
	mv "$work/bin/fuzz_access_level" "$work/bin/self_test"
	set +e
	(cd "$scratch" && "$work/bin/self_test" -artifact_prefix="$work/artifacts/self_test-" \
		"$here"/corpus/fuzz_access_level/*) >"$work/self_test.log" 2>&1
	rc=$?
	set -e
	if [ "$rc" -ne 0 ] && grep -q "INVARIANT FAILED" "$work/self_test.log"; then
		echo "self-test: ok, a case-sensitive access_level parser fails the harness ($(grep -m1 'INVARIANT FAILED' "$work/self_test.log" | sed 's/.*INVARIANT FAILED: //'))"
	else
		echo "self-test: FAILED, a case-sensitive access_level parser passed the harness (exit $rc); see $work/self_test.log"
		status=1
		exit 1
	fi
fi

failed=0
for name in $harnesses; do
	build "$name"
	corpus="$work/corpus/$name"
	mkdir -p "$corpus"
	seeds=0
	if [ -d "$here/corpus/$name" ]; then
		cp -R "$here/corpus/$name/." "$corpus/"
		seeds=$(find "$corpus" -type f | wc -l)
	fi
	log="$work/$name.log"
	set +e
	(cd "$scratch" && "$work/bin/$name" \
		-max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "$corpus") >"$log" 2>&1
	rc=$?
	set -e

	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
	units=$(find "$corpus" -type f | wc -l)

	if [ "$rc" -ne 0 ] || grep -Eq "$sanitizer_pattern" "$log" || [ -z "$runs" ] || [ "$runs" -eq 0 ]; then
		failed=1
		echo "$name: FAILED (exit $rc) after ${runs:-?} runs; log $log"
		{ grep -E "$sanitizer_pattern|SUMMARY|Test unit written|^    #[0-9]" "$log" || tail -n 20 "$log"; } |
			head -n 40 | sed 's/^/    /' || true
		for artifact in "$work/artifacts/$name-"*; do
			[ -e "$artifact" ] && echo "    reproduce: $work/bin/$name $artifact"
		done
		continue
	fi
	echo "$name: ok, $runs runs in $FUZZ_SECONDS s ($rate/s), coverage: ${cov:-?} edges, ${ft:-?} features, corpus $seeds seeds -> $units units"

	if [ "$save_corpus" -eq 1 ]; then
		mkdir -p "$here/corpus/$name"
		before=$(find "$here/corpus/$name" -type f | wc -l)
		(cd "$scratch" && "$work/bin/$name" -merge=1 "$here/corpus/$name" "$corpus") \
			>"$work/$name.merge.log" 2>&1
		after=$(find "$here/corpus/$name" -type f | wc -l)
		echo "$name: saved $((after - before)) new corpus entries in test/fuzz/corpus/$name/"
	fi
done

status=$failed
exit "$failed"
