#!/usr/bin/env bash
# cli_bench.sh - `heapbench bench` from the outside: a quick run of the
# baseline and shim families makes a complete results folder; an
# interrupted run leaves nothing half-written and earlier results alone;
# bad inputs exit 2 with one line and create nothing.
# Usage: tests/cli/cli_bench.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)

# Result folders (complete ones) and temporary ones under a results dir.
finished() { find "$1" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended -regex '.*/[0-9]{8}T[0-9]{6}Z-.*' | sort; }
leftovers() { find "$1" -mindepth 1 -maxdepth 1 -name '.tmp-*' | wc -l; }

header='benchmark,what,param_bytes,threads,repetition,process,iterations,real_ns,cpu_ns,pages,bytes,ns_per_page,ms_per_gib,gbps,baseline,baseline_gbps,ratio,faults,cycles,instructions,cache_misses,dtlb_misses,cycles_per_page,instructions_per_page,cache_misses_per_page,dtlb_misses_per_page,data_reads,data_writes,cond_branches,count_note'
env_keys='host cpu_model numa_nodes node0_memory_bytes cores pus llc_bytes kernel thp_setting
thp_used cpu_governor compiler cflags libbenchmark_version libbenchmark_build_type
libbenchmark_build_note heapbench_commit heapbench_dirty date_utc command_line pinning
perf_cycles perf_instructions perf_cache_misses perf_dtlb_misses perf_faults page_faults_policy
xen_version'

# A quick run of baseline + shim: the folder and what is in it.
case_run() {
    local out=$tmp/r dir rc start
    start=$(date +%s)
    "$hb" bench --profile quick --filter 'baseline|shim' --processes 2 --repetitions 2 \
        --out "$out" >"$tmp/run.out" 2>"$tmp/run.err"; rc=$?
    [ "$rc" -eq 0 ] || { fail run "exit $rc: $(tail -n 3 "$tmp/run.err")"; return; }
    [ "$(finished "$out" | wc -l)" -eq 1 ] || { fail run "expected one results folder"; return; }
    dir=$(finished "$out")
    [ "$(leftovers "$out")" -eq 0 ] || { fail run ".tmp folder left behind"; return; }
    grep -q "^results: $dir\$" "$tmp/run.out" || { fail run "no 'results:' line"; return; }
    grep -q '"benchmarks"' "$dir/gbench.json" || { fail run "gbench.json has no benchmarks"; return; }
    [ "$(head -n 1 "$dir/baseline.csv")" = "$header" ] \
        || { fail run "baseline.csv header: $(head -n 1 "$dir/baseline.csv")"; return; }
    # quick: 4 sizes x 2 kinds x threads 1 and (2 cores) 2, 2 processes x
    # 2 repetitions each
    local rows; rows=$(($(wc -l <"$dir/baseline.csv") - 1))
    [ "$rows" -ge 32 ] && [ $((rows % 4)) -eq 0 ] || { fail run "baseline.csv has $rows rows"; return; }
    for f in shim.csv baseline_summary.csv shim_summary.csv environment.csv console.log topology.xml; do
        [ -s "$dir/$f" ] || { fail run "no $f"; return; }
    done
    # every repetition in each process: rep 0 and 1 of process 0 and 1
    local have
    have=$(csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "benchmark") == "shim/c_batch" { print csv_col(f, "repetition") "," csv_col(f, "process") }' \
        "$dir/shim.csv" | sort | tr '\n' ' ')
    [ "$have" = "0,0 0,1 1,0 1,1 " ] || { fail run "shim.csv: c_batch repetition,process: $have"; return; }
    # the commit the binary was built from, as --version says it (not the
    # state of whatever tree the binary sits in now)
    local built commit
    built=$("$hb" --version | sed -n 's/.*(commit \(.*\)).*/\1/p')
    commit=$(sed -n 's/^heapbench_commit,//p' "$dir/environment.csv")
    [ "$(sed -n 's/^heapbench_dirty,//p' "$dir/environment.csv")" = yes ] && commit=$commit-dirty
    [ -n "$built" ] && [ "$commit" = "$built" ] || { fail run "heapbench_commit: '$commit', built from '$built'"; return; }
    # processes in rounds: each family's process 1, then each one's 2
    local order
    order=$(sed -n 's/^\[[0-9/]*\] \([a-z]*\): process \([0-9]\)\/2 done.*/\1\2/p' "$tmp/run.out" | tr '\n' ' ')
    [ "$order" = "baseline1 shim1 baseline2 shim2 " ] || { fail run "process order: $order"; return; }
    case $(basename "$dir") in *[!A-Za-z0-9._-]*) fail run "folder name needs quoting: $dir"; return;; esac
    grep -q '^<!DOCTYPE topology\|<topology' "$dir/topology.xml" || { fail run "topology.xml is not hwloc XML"; return; }
    grep -q 'Benchmark  *Time' "$dir/console.log" || { fail run "console.log has no table"; return; }
    # the latest make xen-check and xen-bench tables beside the binary,
    # copied; none, none
    local fid pair
    for pair in fidelity:xen_fidelity variants:xen_variants variants-model:xen_variants_model; do
        fid="$(dirname "$hb")/xen/${pair%%:*}.csv"
        if [ -r "$fid" ]; then
            cmp -s "$fid" "$dir/${pair#*:}.csv" || { fail run "${pair#*:}.csv is not $fid"; return; }
        elif [ -e "$dir/${pair#*:}.csv" ]; then
            fail run "${pair#*:}.csv without a ${pair%%:*}.csv beside $hb"; return
        fi
    done
    ! grep -q 'Benchmark  *Time' "$tmp/run.out" || { fail run "table on the screen without --verbose"; return; }
    grep -q '^\[[0-9]*/[0-9]*\] baseline: .* left$' "$tmp/run.out" || { fail run "no progress lines"; return; }
    grep -Eq '^done: [0-9]+ run, 0 skipped; 2 repetitions per process; wall time ' \
        "$tmp/run.out" || { fail run "no closing summary line"; return; }
    grep -q '^processes per benchmark: 2$' "$tmp/run.out" || { fail run "no processes line"; return; }
    ok "run ($(( $(date +%s) - start )) s)"
    RUN_DIR=$dir
}

case_environment() {
    local k missing=""
    [ -n "${RUN_DIR:-}" ] || { fail environment "no run to look at"; return; }
    [ "$(head -n 1 "$RUN_DIR/environment.csv")" = "key,value" ] || { fail environment "header"; return; }
    for k in $env_keys; do
        grep -q "^$k," "$RUN_DIR/environment.csv" || missing="$missing $k"
    done
    [ -z "$missing" ] || { fail environment "missing keys:$missing"; return; }
    ok environment
}

# value KEY: its value in the run's environment.csv.
env_value() { sed -n "s/^$1,//p" "$RUN_DIR/environment.csv"; }

# The fixed profiles record their rule as fixed.  Expect: 2 processes for
# every benchmark, no target, no budget.
case_fixed_rule() {
    [ -n "${RUN_DIR:-}" ] || { fail fixed_rule "no run to look at"; return; }
    case $(env_value sampling_rule) in
        "fixed: every benchmark in 2 processes") ;;
        *) fail fixed_rule "sampling_rule: $(env_value sampling_rule)"; return ;;
    esac
    [ "$(env_value sampling_processes_min)/$(env_value sampling_processes_max)" = 2/2 ] &&
        [ "$(env_value sampling_target_pct)/$(env_value sampling_budget_s)" = 0/0 ] &&
        [ -n "$(env_value wall_s)" ] ||
        { fail fixed_rule "$(grep -E '^(sampling|wall)' "$RUN_DIR/environment.csv" | tr '\n' ' ')"; return; }
    ok fixed_rule
}

# The stopping rule: shim's 3 benchmarks, at most 5 processes, from 2 on
# stopped within +/-100 % (at 2 processes t is 12.7: a spread between
# processes under 11 %).  Expect: the rule's keys as given; every
# benchmark in 2 to 5 processes, at least one stopped early; one that
# stopped early has an interval (summary _ci_lo, _ci_hi of real_ns)
# within 100 % of its estimate; the counts of why each stopped add up to
# 3; the console names the spread.
case_rule() {
    local out=$tmp/rule d rc
    "$hb" bench --profile quick --filter '^shim' --processes 5 --min-processes 2 --target 100 \
        --budget 10 --out "$out" >"$tmp/rule.out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] || { fail rule "exit $rc: $(tail -n 3 "$tmp/rule.out")"; return; }
    d=$(finished "$out")
    local RUN_DIR=$d
    [ "$(env_value sampling_min_processes)/$(env_value sampling_target_pct)/$(env_value sampling_budget_s)/$(env_value processes)" = 2/100/600/5 ] \
        || { fail rule "keys: $(grep -E '^(sampling|processes)' "$d/environment.csv" | tr '\n' ' ')"; return; }
    [ $(( $(env_value sampling_stopped_narrow) + $(env_value sampling_stopped_at_max) + \
          $(env_value sampling_stopped_by_budget) )) -eq 3 ] && [ "$(env_value sampling_stopped_narrow)" -ge 1 ] \
        || { fail rule "stop counts: $(grep -E '^sampling_stopped' "$d/environment.csv" | tr '\n' ' ')"; return; }
    csvawk 'NR == 1 { csv_header($0); next }
        { csv_split($0, f); p = csv_col(f, "processes") + 0
          if (p < 2 || p > 5) bad++
          m = csv_col(f, "real_ns_mean"); lo = csv_col(f, "real_ns_ci_lo"); hi = csv_col(f, "real_ns_ci_hi")
          if (p < 5 && 100 * (hi - lo) / 2 / m > 100) bad++ }
        END { if (csv_failed) exit 2; exit bad > 0 }' "$d/shim_summary.csv" ||
        { fail rule "processes or intervals: $(cut -d, -f1,6 "$d/shim_summary.csv" | tr '\n' ' ')"; return; }
    grep -Eq '^processes per benchmark: [2-5]( to [2-5], median [2-5]; [0-9]+ stopped within \+/-100 %.*)?$' \
        "$tmp/rule.out" || { fail rule "console: $(tail -n 3 "$tmp/rule.out")"; return; }
    ok rule
}

# Ratio and baseline columns are filled for baseline rows; the summary has
# one row per benchmark.  Columns by name (plots/csv.awk).
case_tables() {
    [ -n "${RUN_DIR:-}" ] || { fail tables "no run to look at"; return; }
    csvawk 'NR == 1 { csv_header($0); next }
        { csv_split($0, f)
          if (csv_col(f, "baseline") == "" || csv_col(f, "ratio") == "" || csv_col(f, "pages") == "") bad++ }
        END { if (csv_failed) exit 2; exit bad > 0 }' "$RUN_DIR/baseline.csv" || { fail tables "baseline rows without ratio"; return; }
    head -n 1 "$RUN_DIR/baseline_summary.csv" | grep -q '^benchmark,what,param_bytes,threads,reps,processes,real_ns_median,' \
        || { fail tables "summary header"; return; }
    local b s
    b=$(tail -n +2 "$RUN_DIR/baseline.csv" | cut -d, -f1 | sort -u | wc -l)
    s=$(($(wc -l <"$RUN_DIR/baseline_summary.csv") - 1))
    [ "$b" -eq "$s" ] || { fail tables "$b benchmarks but $s summary rows"; return; }
    ok tables
}

# Every column of every CSV of the run and every environment.csv key is
# named in docs/results-format.md, the written contract
# (tests/cli/undocumented.sh).  Expect: a column or key added without
# documenting it fails here.
case_documented() {
    [ -n "${RUN_DIR:-}" ] || { fail documented "no run to look at"; return; }
    local missing
    missing=$(bash "$root/tests/cli/undocumented.sh" "$RUN_DIR") || { fail documented "undocumented.sh failed"; return; }
    [ -z "$missing" ] || { fail documented "not in docs/results-format.md:$missing"; return; }
    ok documented
}

# Interrupt a run once its temporary folder exists: nothing complete-looking
# appears, no .tmp is left, the earlier run is byte for byte the same.
case_interrupt() {
    local sig=$1 out=$tmp/r before after pid rc i
    before=$(cd "$out" && find . -type f | sort | xargs md5sum)
    "$hb" bench --profile quick --filter baseline --repetitions 3 --out "$out" \
        >"$tmp/int.out" 2>&1 &
    pid=$!
    for i in $(seq 100); do
        [ "$(leftovers "$out")" -gt 0 ] && grep -q '^heapbench bench:' "$tmp/int.out" && break
        sleep 0.1
    done
    kill -"$sig" "$pid"
    wait "$pid"; rc=$?
    after=$(cd "$out" && find . -type f | sort | xargs md5sum)
    [ "$rc" -ne 0 ] || { fail "interrupt_$sig" "exit 0 after SIG$sig"; return; }
    [ "$(leftovers "$out")" -eq 0 ] || { fail "interrupt_$sig" ".tmp folder left"; return; }
    [ "$(finished "$out" | wc -l)" -eq 1 ] || { fail "interrupt_$sig" "a new results folder appeared"; return; }
    [ "$before" = "$after" ] || { fail "interrupt_$sig" "earlier results changed"; return; }
    ok "interrupt_$sig (exit $rc)"
}

# bad NAME ARGS...: exit 2, one "heapbench: " line, nothing created.
bad() {
    local name=$1 rc out=$tmp/bad
    shift
    "$hb" bench --out "$out" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"; rc=$?
    [ "$rc" -eq 2 ] || { fail "bad_$name" "exit $rc, expected 2: $(head -n 2 "$tmp/bad.err")"; return; }
    [ "$(grep -c '^heapbench: ' "$tmp/bad.err")" -eq 1 ] \
        || { fail "bad_$name" "expected one heapbench: line, got: $(cat "$tmp/bad.err")"; return; }
    if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
        fail "bad_$name" "left something in --out: $(ls -A "$out")"; return
    fi
    ok "bad_$name"
}

case_bad_out() {
    local rc
    : >"$tmp/file"
    "$hb" bench --out "$tmp/file/sub" --filter shim >/dev/null 2>"$tmp/bad.err"; rc=$?
    [ "$rc" -eq 2 ] && grep -q "^heapbench: --out: .*$tmp/file/sub\$" "$tmp/bad.err" \
        || { fail bad_out "exit $rc: $(cat "$tmp/bad.err")"; return; }
    ok bad_out
}

case_help() {
    "$hb" bench --help >"$tmp/help.out" 2>&1 && grep -q '^usage: heapbench bench' "$tmp/help.out" \
        || { fail help "no usage"; return; }
    ok help
}

# --list: the names the filter keeps, one a line, then their count; the
# count is that of the names and of what a run of the same options plans.
case_list() {
    local rc n named
    "$hb" bench --list --profile quick --filter '^shim/|^baseline/' --out "$tmp/never" \
        >"$tmp/list.out" 2>"$tmp/list.err"; rc=$?
    [ "$rc" -eq 0 ] || { fail list "exit $rc: $(head -n 1 "$tmp/list.err")"; return; }
    [ ! -e "$tmp/never" ] || { fail list "--list made a results folder"; return; }
    named=$(grep -cE '^(shim|baseline)/' "$tmp/list.out")
    n=$(sed -n 's/^\([0-9]*\) benchmarks: .*/\1/p' "$tmp/list.out")
    [ -n "$n" ] && [ "$n" -eq "$named" ] && [ "$n" -gt 3 ] \
        || { fail list "count '$n' against $named names listed"; return; }
    grep -q "^profile quick: each in 3 processes x 2 repetitions, $((n * 3)) benchmark runs;" \
        "$tmp/list.out" || { fail list "no plan line: $(tail -n 2 "$tmp/list.out")"; return; }
    "$hb" bench --list --profile quick --filter '^shim/' >"$tmp/list2.out" 2>&1
    grep -q '^3 benchmarks: shim 3$' "$tmp/list2.out" \
        || { fail list "shim alone: $(grep benchmarks: "$tmp/list2.out")"; return; }
    ok "list ($n benchmarks)"
}

# Skips of one reason (sizes aside) are one entry with its count and an
# example; every line of the console fits 80 columns but the folder's own.
case_skip_lines() {
    local out=$tmp/sk rc n wide
    "$hb" bench --profile quick --filter '^init/heap/strategy:(chunked|pagewise)/' \
        --processes 1 --repetitions 1 --mem-budget 4M --out "$out" >"$tmp/sk.out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] || { fail skip_lines "exit $rc: $(tail -n 1 "$tmp/sk.out")"; return; }
    n=$(($(wc -l <"$(finished "$out")/skipped.csv") - 1))
    [ "$n" -ge 2 ] || { fail skip_lines "only $n skipped: the case needs several"; return; }
    grep -q "^skipped $n benchmarks " "$tmp/sk.out" && grep -q "^  $n x .*do not fit\|^  $n x .*needs" \
        "$tmp/sk.out" || { fail skip_lines "no one entry of $n: $(grep -A2 '^skipped' "$tmp/sk.out")"; return; }
    grep -q 'e\.g\. init/heap/strategy:' "$tmp/sk.out" || { fail skip_lines "no example"; return; }
    wide=$(grep -v '^results: ' "$tmp/sk.out" | awk 'length($0) > 80' | head -n 1)
    [ -z "$wide" ] || { fail skip_lines "over 80 columns: $wide"; return; }
    ok "skip_lines ($n skipped, one entry)"
}

# Flags after '--' that would undo heapbench's own options are refused.
case_gb_conflict() {
    local f rc
    for f in --benchmark_repetitions=5 --benchmark_filter=x --benchmark_out=/tmp/x \
             --benchmark_report_aggregates_only=true; do
        "$hb" bench --filter shim --out "$tmp/conflict" -- "$f" >/dev/null 2>"$tmp/gb.err"; rc=$?
        if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/gb.err")" -ne 1 ] ||
           ! grep -qF -- "$f" "$tmp/gb.err" || [ -e "$tmp/conflict" ]; then
            fail "gb_conflict $f" "exit $rc: $(cat "$tmp/gb.err")"; return
        fi
    done
    ok gb_conflict
}

case_run
case_environment
case_fixed_rule
case_rule
case_tables
case_documented
case_interrupt INT
case_interrupt TERM
bad profile --profile fast
bad reps_zero --repetitions 0
bad reps_word --repetitions many
bad missing_value --profile
bad regex --filter '(unclosed'
bad no_match --filter 'no_such_benchmark_xyz'
bad option --frobnicate
bad xen --xen 4.16
bad target_word --target narrow
bad target_high --target 101
bad budget_fraction --budget 1.5
bad min_procs_zero --min-processes 0
bad gbench_flag --filter shim -- --benchmark_nonsense=1
case_bad_out
case_help
case_list
case_skip_lines
case_gb_conflict
finish
