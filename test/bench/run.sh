#!/usr/bin/env bash
# The benchmark (`make bench`): builds without assertions, starts a throwaway
# PostgreSQL 15 cluster and prints, side by side in one run:
#
#  1. can() calls per second in one backend against a PL/pgSQL helper that
#     answers the same question from the same tables (checks.sql);
#  2. the extra cost per transaction of SET LOCAL permissions.user_id plus
#     one check, for users with 200 location grants (pgbench, one client,
#     each transaction one round trip), with the users cached in the session
#     and with every switch reading the user afresh;
#  3. notifications (notify_setup.sql; run before the big tables are loaded,
#     so autovacuum does not compete): the reference LISTEN client receiving
#     alerts written as fast as one pgbench client can, and at 1,000/s, with
#     the delay from commit to the client's line (p50, p99) and a count
#     showing nothing was lost;
#  4. approvals (approvals_setup.sql; also before the big tables): request +
#     approve cycles per second, 8 clients, under the extension
#     (approvals_ext.pgbench) and the same two transactions by hand on plain
#     tables of the same shape (approvals_base.pgbench);
#  5. the activity log (activity_setup.sql, activity.sql; also before the
#     big tables): 1,000-row UPDATEs untracked, under track() and under a
#     PL/pgSQL jsonb audit trigger, and single-row UPDATE transactions per
#     second, untracked, tracked and under a C trigger that does nothing
#     (permissions_bench_noop.c: the floor of any trigger; pgbench, 2
#     clients, twice as many rounds, each pair back to back; each run
#     starts from compact tables and no checkpoint pending; an identical
#     untracked table, run beside the untracked one, as the control), and
#     for comparison the untracked and tracked pair again at 100,000 rows;
#     then all of them interleaved in one pgbench run per round;
#  6. protected tables (protect_setup.sql, protect.sql): 1,000,000 rows over
#     200 locations, a user who sees half, four queries on five identical
#     tables -- no RLS with a hand-written WHERE, a subquery policy, a
#     PL/pgSQL helper policy, an = ANY((SELECT array)) policy, and protect().
#
# Figures are medians of several runs on a shared machine: compare the
# columns of one run, not runs with each other.
set -euo pipefail

# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

PERM_ASSERTS=0
DURATION="${BENCH_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-5}"

perm_need_deps
perm_work_copy
perm_build_install
PERM_STEP="building the benchmark's no-op trigger"
run_as_pg make -C "$PERM_WORK_DIR/test/bench" PG_CONFIG="$PG_CONFIG"
make -C "$PERM_WORK_DIR/test/bench" PG_CONFIG="$PG_CONFIG" install
perm_start_cluster

PERM_STEP="loading the benchmark data"
run_as_pg createdb bench
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/setup.sql >/dev/null

PERM_STEP="timing can()"
perm_msg "can() against the PL/pgSQL helper (3,000,000 and 20,000 calls, median of 5)"
run_as_pg psql -X -v ON_ERROR_STOP=1 -d bench -f test/bench/checks.sql

# latency (ms) of one pgbench run of a script
pgbench_once() {
	local script=$1 opts=${2:-} v
	v=$(run_as_pg env PGOPTIONS="$opts" pgbench -n -c 1 -T "$DURATION" -f "$script" bench 2>&1 |
		sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p')
	[[ -n "$v" ]] || perm_die "pgbench $script printed no latency"
	echo "$v"
}

PERM_STEP="timing identity switches"
perm_msg "switching the acting user per transaction (pgbench, 1 client, ${ROUNDS}x${DURATION}s each)"
# rounds outside, scripts inside, so load bursts hit every script alike
declare -A lat
for ((r = 0; r < ROUNDS; r++)); do
	for s in none same warm cold; do
		case $s in
		none) out=$(pgbench_once test/bench/switch_none.pgbench) ;;
		same) out=$(pgbench_once test/bench/switch_same.pgbench) ;;
		warm) out=$(pgbench_once test/bench/switch.pgbench) ;;
		cold) out=$(pgbench_once test/bench/switch.pgbench "-c permissions.user_cache_size=1") ;;
		esac
		lat[$s]+="$out "
	done
done
# the median of a list of numbers (of an even count: the mean of the middle two)
median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
none=$(median "${lat[none]}")
same=$(median "${lat[same]}")
warm=$(median "${lat[warm]}")
cold=$(median "${lat[cold]}")

awk -v none="$none" -v same="$same" -v warm="$warm" -v cold="$cold" 'BEGIN {
	printf "\n%-58s %12s %14s\n", "transaction (one round trip)", "latency µs", "extra µs"
	printf "%-58s %12.1f %14s\n", "BEGIN; SELECT 1; COMMIT (baseline)", none * 1000, "-"
	printf "%-58s %12.1f %14.1f\n", "+ SET LOCAL user_id + can(), same user each time", same * 1000, (same - none) * 1000
	printf "%-58s %12.1f %14.1f\n", "+ SET LOCAL user_id + can(), 1,000 users, cached", warm * 1000, (warm - none) * 1000
	printf "%-58s %12.1f %14.1f\n", "+ SET LOCAL user_id + can(), 1,000 users, never cached", cold * 1000, (cold - none) * 1000
	printf "%-58s %12s %14s\n", "target", "", "< 50"
}'

PERM_STEP="timing notifications"
perm_msg "notifications through the LISTEN client"
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/notify_setup.sql >/dev/null
notify_run() {
	# $1: pgbench rate option (empty: as fast as possible); prints the measure line
	local rate=$1 out before after sent measured
	out=$(mktemp)
	chmod 666 "$out"   # written by the postgres user when run as root
	before=$(run_as_pg psql -X -At -d bench -c "SELECT count(*) FROM permissions.notifications WHERE user_id = 'nb'")
	run_as_pg bash -c "permissions-listen 'dbname=bench user=bench_listen' nb | perl test/bench/notify_measure.pl > $out" &
	local pid=$!
	sleep 1
	run_as_pg pgbench -n -c 1 -T "$DURATION" $rate -f test/bench/notify_event.pgbench bench >/dev/null 2>&1
	sleep 1
	pkill -INT -f "permissions-listen dbname=bench user=bench_listen nb" || true
	wait "$pid" || true
	after=$(run_as_pg psql -X -At -d bench -c "SELECT count(*) FROM permissions.notifications WHERE user_id = 'nb'")
	sent=$((after - before))
	measured=$(cat "$out")
	rm -f "$out"
	echo "$sent $measured"
}
read -r full_sent full_n full_rate full_p50 full_p99 <<<"$(notify_run "")"
# at 1,000/s: three runs, the one with the median p99 (the machine is shared)
rate_runs=$(for _ in 1 2 3; do notify_run "--rate=1000"; done | sort -k6 -n)
read -r rate_sent rate_n rate_rate rate_p50 rate_p99 <<<"$(sed -n 2p <<<"$rate_runs")"
awk -v fs="$full_sent" -v fn="$full_n" -v fr="$full_rate" -v f5="$full_p50" -v f9="$full_p99" \
	-v rs="$rate_sent" -v rn="$rate_n" -v rr="$rate_rate" -v r5="$rate_p50" -v r9="$rate_p99" 'BEGIN {
	printf "\n%-34s %10s %10s %12s %9s %9s\n", "notifications through the client", "committed", "printed", "per second", "p50 ms", "p99 ms"
	printf "%-34s %10d %10d %12.0f %9.2f %9.2f\n", "as fast as one writer can", fs, fn, fr, f5, f9
	printf "%-34s %10d %10d %12.0f %9.2f %9.2f\n", "at 1,000/s (median of 3 runs)", rs, rn, rr, r5, r9
	printf "%-34s %10s %10s %12s %9s %9s\n", "target", "", "= committed", "", "", "< 5"
}'

PERM_STEP="timing approvals"
perm_msg "approvals: request + approve cycles, extension and by hand (pgbench, 8 clients, ${ROUNDS}x${DURATION}s each)"
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/approvals_setup.sql >/dev/null
# one run of a cycle script: prints "cycles/s cycles"; a failed cycle ends the benchmark
approvals_once() {
	local out tps n
	out=$(run_as_pg pgbench -n -c 8 -j 2 -T "$DURATION" -f "$1" bench 2>&1) ||
		perm_die "pgbench $1 failed: $(tail -n 5 <<<"$out")"
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
	if ! grep -q '^number of failed transactions: 0 ' <<<"$out" || [[ -z "$tps" || -z "$n" ]]; then
		perm_die "pgbench $1: failed cycles or no throughput: $(tail -n 5 <<<"$out")"
	fi
	echo "$tps $n"
}
declare -A appr
appr_cycles=0 # cycles run, both scripts
appr_need=0   # unused documents each pool must hold before a run
for ((r = 0; r < ROUNDS; r++)); do
	for s in ext base; do
		run_as_pg psql -X -q -At -v ON_ERROR_STOP=1 -d bench -c "SELECT bench.approvals_refill($appr_need)" >/dev/null
		out=$(approvals_once "test/bench/approvals_$s.pgbench")
		read -r tps n <<<"$out"
		appr[$s]+="$tps "
		appr_cycles=$((appr_cycles + n))
		# a later run may be faster: keep three times the most cycles seen in one
		if ((3 * n > appr_need)); then appr_need=$((3 * n)); fi
	done
done
# every cycle counted approved exactly one document, and left none half-way
appr_check=$(run_as_pg psql -X -At -d bench -c "SELECT
	(SELECT count(*) FROM bench.appr_docs WHERE status = 'approved') +
	(SELECT count(*) FROM bench.base_docs WHERE status = 'approved'),
	(SELECT count(*) FROM bench.appr_docs WHERE status NOT IN ('draft', 'approved')) +
	(SELECT count(*) FROM bench.base_docs WHERE status NOT IN ('draft', 'approved'))")
[[ "$appr_check" == "$appr_cycles|0" ]] ||
	perm_die "approvals: pgbench counted $appr_cycles cycles, the tables hold (approved|other) $appr_check"
awk -v e="$(median "${appr[ext]}")" -v b="$(median "${appr[base]}")" 'BEGIN {
	printf "\n%-50s %12s\n", "request + approve cycles, 8 clients (median)", "cycles/s"
	printf "%-50s %12.0f\n", "extension: request_approval(), approve()", e
	printf "%-50s %12.0f\n", "by hand: UPDATE + INSERT, UPDATE + INSERT", b
	printf "%-50s %12.2f  (target >= 0.50)\n", "extension / by hand", e / b
}'

PERM_STEP="timing the activity log"
perm_msg "activity log: 1,000-row updates, and single-row transactions (pgbench, 2 clients)"
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/activity_setup.sql >/dev/null
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/activity.sql
tps_once() {
	run_as_pg env PGOPTIONS="-c permissions.user_id=u7" pgbench -n -c 2 -j 2 -T "$DURATION" -f "$1" bench 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
declare -A tps last
# each run starts from the same state for the tables: the small ones
# rewritten compactly (VACUUM FULL), so that all start from the same layout
# whatever runs and 1,000-row statements came before (their ten hot pages
# decide how often two clients meet), the big ones vacuumed, and no
# checkpoint pending (the log itself is left to autovacuum, as in
# production)
same_start() {
	run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -c "VACUUM FULL bench.t_untracked, bench.t_twin, bench.t_tracked, bench.t_noop" \
		-c "VACUUM bench.t_big_untracked, bench.t_big_tracked" -c CHECKPOINT
}
# twice the rounds of the other sections.  The two tables of a pair run
# back to back, so that the ratio of a round compares runs seconds apart
# (this machine's speed drifts over minutes), the first of the two
# alternating; the pairs and the no-op table take turns in each place, so
# that no table always runs in the same place (right after a tracked run,
# say, whose entries may have started autovacuum on the log).  The twin, an
# untracked table identical to the first, runs on the untracked table's
# other side: its ratio shows how far two runs of the same work seconds
# apart differ here.
# $1 / $2, to four places
ratio() { awk -v t="$1" -v u="$2" 'BEGIN { printf "%.4f", t / u }'; }
pair_ratios=""
big_ratios=""
twin_ratios=""
for ((r = 0; r < 2 * ROUNDS; r++)); do
	if ((r % 2 == 0)); then
		small=(twin untracked tracked) big=(big_untracked big_tracked)
	else
		small=(tracked untracked twin) big=(big_tracked big_untracked)
	fi
	case $((r % 3)) in
	0) order=("${small[@]}" "${big[@]}" noop) ;;
	1) order=(noop "${small[@]}" "${big[@]}") ;;
	*) order=("${big[@]}" noop "${small[@]}") ;;
	esac
	for s in "${order[@]}"; do
		same_start
		out=$(tps_once "test/bench/update_$s.pgbench")
		[[ -n "$out" ]] || perm_die "pgbench update_$s.pgbench printed no tps"
		tps[$s]+="$out "
		last[$s]=$out
	done
	pair_ratios+="$(ratio "${last[tracked]}" "${last[untracked]}") "
	big_ratios+="$(ratio "${last[big_tracked]}" "${last[big_untracked]}") "
	twin_ratios+="$(ratio "${last[twin]}" "${last[untracked]}") "
done
# the lowest and highest of a list of ratios, as percentages
range_of() { printf '%s\n' $1 | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f%%", 100 * lo, 100 * hi }'; }
max_of() { printf '%s\n' $1 | sort -n | tail -n 1; }
awk -v u="$(max_of "${tps[untracked]}")" -v t="$(max_of "${tps[tracked]}")" -v n="$(max_of "${tps[noop]}")" \
	-v bu="$(max_of "${tps[big_untracked]}")" -v bt="$(max_of "${tps[big_tracked]}")" \
	-v rounds="$((2 * ROUNDS))" -v pr="$(median "$pair_ratios")" -v bpr="$(median "$big_ratios")" \
	-v tw="$(median "$twin_ratios")" -v twr="$(range_of "$twin_ratios")" -v prr="$(range_of "$pair_ratios")" 'BEGIN {
	printf "\n%-52s %8s %6s\n", "single-row UPDATEs back to back (best of " rounds " rounds)", "tps", ""
	printf "%-52s %8.0f\n", "untracked", u
	printf "%-52s %8.0f %5.0f%%  (reference: the trigger machinery alone)\n", "a C AFTER ROW trigger that does nothing", n, 100 * n / u
	printf "%-52s %8.0f %5.0f%%  (target >= 85%%: held against the interleaved figure)\n", "tracked by permissions.track()", t, 100 * t / u
	printf "%-52s %8s %5.0f%%\n", "tracked / untracked, median of the rounds (range)", prr, 100 * pr
	printf "%-52s %8s %5.0f%%  (control: should be 100%%)\n", "identical twin / untracked, median (range)", twr, 100 * tw
	printf "%-52s\n", "the same on 100,000-row tables (for comparison):"
	printf "%-52s %8.0f\n", "  untracked", bu
	printf "%-52s %8.0f %5.0f%%\n", "  tracked by permissions.track()", bt, 100 * bt / bu
	printf "%-52s %8s %5.0f%%\n", "  tracked / untracked, median of the rounds", "", 100 * bpr
}'
# The same transactions interleaved: one pgbench run per round in which
# each transaction's script is drawn at random, so that all kinds run on
# the same two clients through the same seconds and this machine's drift
# (runs of the same work seconds apart differ by 10-30%) falls on all of them alike.
# Throughput compares as the inverse of the mean latency of each kind (a
# client runs its transactions back to back), from pgbench's per-transaction
# log in µs.  The twin, an untracked table identical to the first, is the
# control of noise and of the scripts' places in the run.  It cannot show
# the one bias of the method: work that tracked transactions leave behind
# (WAL to write, the log's autovacuum, dead versions on hot pages kept
# longer) slows every kind in the mix, not the tracked ones alone, which
# pulls the ratios towards 100%.
mix_dir=""
perm_mktemp mix_dir permissions-bench-mix
if perm_is_root; then chown postgres "$mix_dir"; fi
mix_scripts=(untracked twin noop tracked big_untracked big_tracked)
mix_args=()
for s in "${mix_scripts[@]}"; do mix_args+=(-f "test/bench/update_$s.pgbench"); done
declare -A mix
for ((r = 0; r < 2 * ROUNDS; r++)); do
	same_start
	rm -f "$mix_dir"/mix.*
	out=$(run_as_pg env PGOPTIONS="-c permissions.user_id=u7" pgbench -n -c 2 -j 2 -T "$DURATION" \
		-l --log-prefix="$mix_dir/mix" "${mix_args[@]}" bench 2>&1) ||
		perm_die "pgbench of the interleaved scripts failed: $(tail -n 5 <<<"$out")"
	grep -q '^number of failed transactions: 0 ' <<<"$out" ||
		perm_die "the interleaved run had failed transactions: $(tail -n 5 <<<"$out")"
	compgen -G "$mix_dir/mix.*" >/dev/null || perm_die "pgbench wrote no transaction log in $mix_dir"
	# mean latency per script (column 4: the script's index, column 3: µs;
	# a failed transaction would show "failed" there)
	ratios=$(cat "$mix_dir"/mix.* | awk -v k="${#mix_scripts[@]}" '
		$3 !~ /^[0-9]+$/ { print "a transaction log line without a latency: " $0 > "/dev/stderr"; exit 1 }
		{ sum[$4] += $3; n[$4]++ }
		END {
			for (i = 0; i < k; i++) if (n[i] < 100) { print "script " i " ran only " n[i] + 0 " transactions" > "/dev/stderr"; exit 1 }
			for (i = 0; i < k; i++) m[i] = sum[i] / n[i]
			printf "%.4f %.4f %.4f %.4f\n", m[0] / m[1], m[0] / m[2], m[0] / m[3], m[4] / m[5]
		}') || perm_die "the interleaved run's transaction log cannot be used (see above)"
	read -r m_twin m_noop m_tracked m_big <<<"$ratios"
	mix[twin]+="$m_twin " mix[noop]+="$m_noop " mix[tracked]+="$m_tracked " mix[big]+="$m_big "
done
awk -v rounds="$((2 * ROUNDS))" -v tw="$(median "${mix[twin]}")" -v no="$(median "${mix[noop]}")" \
	-v tr="$(median "${mix[tracked]}")" -v bg="$(median "${mix[big]}")" \
	-v twr="$(range_of "${mix[twin]}")" -v nor="$(range_of "${mix[noop]}")" \
	-v trr="$(range_of "${mix[tracked]}")" -v bgr="$(range_of "${mix[big]}")" 'BEGIN {
	printf "\n%-52s %8s %6s\n", "the same, interleaved (median of " rounds " rounds, range)", "", ""
	printf "%-52s %8s %5.0f%%  (control: should be 100%%)\n", "an identical untracked table", twr, 100 * tw
	printf "%-52s %8s %5.0f%%\n", "a C AFTER ROW trigger that does nothing", nor, 100 * no
	printf "%-52s %8s %5.0f%%  (target >= 85%%)\n", "tracked by permissions.track()", trr, 100 * tr
	printf "%-52s %8s %5.0f%%\n", "  on 100,000-row tables", bgr, 100 * bg
}'

PERM_STEP="timing protected tables"
perm_msg "protected tables: loading 5 x 1,000,000 rows"
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/protect_setup.sql >/dev/null
run_as_pg psql -X -q -v ON_ERROR_STOP=1 -d bench -f test/bench/protect.sql

PERM_FINISHED=1
