#!/usr/bin/env bash
# cli_compare.sh - `heapbench compare` from the outside, on the two fixture
# runs in tests/data (tests/data/make_runs.sh: run_b is run_a with the
# chunked init rows exactly 20 % faster and the kernel renamed).
# Cases that need a broken run work on a copy in a temporary folder; the
# fixture itself is never written.
# Usage: tests/cli/cli_compare.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
data=$(cd "$(dirname "$0")/../data" && pwd)

# run NAME EXPECTED_RC CMD...: stdout in $tmp/out, stderr in $tmp/err
run() {
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ "$rc" -eq "$want" ] || { fail "$name" "exit $rc, expected $want: $(head -n 3 "$tmp/err")"; return 1; }
}

# field FILE COLUMN: the column of a CSV found by its header name, one
# line per row (our names hold no comma).
field() {
    awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$1"
}

# env KEY: the value of KEY in run_a's environment.csv (everything after the
# first comma; quotes left as they are, as compare prints them unquoted
# only when there are none).
env_a() { awk -v k="$1" 'index($0, k ",") == 1 { print substr($0, length(k) + 2) }' "$data/run_a/environment.csv"; }

# The benchmarks of run_a: every family CSV's benchmark names.
nbench=$(for f in "$data"/run_a/*.csv; do
             case ${f##*/} in *_summary.csv|environment.csv|skipped.csv) continue ;; esac
             field "$f" benchmark
         done | sort -u | wc -l)

# The table: every line fits 80 columns.  These runs have 6 processes a
# side, so the per-process medians are the samples (Welch), without the
# warning about repetitions.  Expect: the chunked rows -20.0 %, every
# other row +0.0 %; nothing slower; a chunked row flagged faster or not
# (that depends on the machine's noise when the runs were recorded), and
# the count of faster rows saying the same as the flags.
case_table() {
    run table 0 "$hb" compare "$data/run_a" "$data/run_b" --csv "$tmp/c.csv" || return
    local long flagged
    long=$(awk 'length($0) > 80' "$tmp/out" | wc -l)
    [ "$long" -eq 0 ] || { fail table "$long lines wider than 80 columns"; return; }
    grep -q '^benchmark  *base  *new  *change' "$tmp/out" || { fail table "no header"; return; }
    paste -d' ' <(field "$tmp/c.csv" benchmark) <(field "$tmp/c.csv" change_pct) | awk '
        $1 == "geomean" { next }
        { want = $1 ~ /^init\/.*strategy:chunked\// ? "-20.0" : "0.0"; got = sprintf("%.1f", $2)
          if (got == "-0.0") got = "0.0"
          if (got != want) { print $1 ": " got " %, expected " want; bad = 1 } }
        END { exit bad }' >"$tmp/bad" || { fail table "change: $(head -n 2 "$tmp/bad")"; return; }
    # the -20 % inside each chunked row's interval, and 0 inside the others'
    paste -d' ' <(field "$tmp/c.csv" benchmark) <(field "$tmp/c.csv" ratio_lo) \
                <(field "$tmp/c.csv" ratio_hi) <(field "$tmp/c.csv" significant) | awk '
        $1 == "geomean" { next }
        { want = $1 ~ /^init\/.*strategy:chunked\// ? 0.8 : 1
          if (!($2 <= want && want <= $3)) { print $1 ": " want " outside " $2 ".." $3; bad = 1 }
          if (want == 1 && $4 == 1) { print $1 ": flagged"; bad = 1 } }
        END { exit bad }' >"$tmp/bad" || { fail table "interval: $(head -n 2 "$tmp/bad")"; return; }
    # the printed change is the ratio of the printed values: same sign
    paste -d' ' <(field "$tmp/c.csv" base_mean_ns) <(field "$tmp/c.csv" new_mean_ns) \
                <(field "$tmp/c.csv" change_pct) | awk '
        { d = $2 - $1; if ((d > 0 && $3 <= 0) || (d < 0 && $3 >= 0)) bad = 1 } END { exit bad }' \
        || { fail table "a change's sign disagrees with its values"; return; }
    [ "$(grep -c "^     heapbench's model of Xen's heap; .*, .* NUMA node" "$tmp/out")" -eq 2 ] \
        || { fail table "no line saying what was measured, where"; return; }
    grep -Eq '^geomean .*%$' "$tmp/out" || { fail table "no geomean row"; return; }
    flagged=$(paste -d' ' <(field "$tmp/c.csv" benchmark) <(field "$tmp/c.csv" significant) | grep -c ' 1$')
    grep -q "^$nbench benchmarks tested: $flagged faster, 0 slower" "$tmp/out" \
        || { fail table "wrong counts: $(grep tested "$tmp/out")"; return; }
    grep -q '(6\.\.6 processes a side' "$tmp/out" || { fail table "processes not the samples"; return; }
    ! grep -q 'Warning' "$tmp/out" || { fail table "warned about repetitions"; return; }
    ok table
}

case_csv() {
    [ -s "$tmp/c.csv" ] || { fail csv "no CSV written"; return; }
    head -n 1 "$tmp/c.csv" | grep -q '^benchmark,base_reps,new_reps,base_mean_ns,new_mean_ns' \
        || { fail csv "bad header"; return; }
    [ "$(grep -c . "$tmp/c.csv")" -eq $((nbench + 2)) ] || { fail csv "expected $nbench rows + header + geomean"; return; }
    head -n 1 "$tmp/c.csv" | grep -q ',p,q,noise,threshold_pct,test,significant,base_procs,new_procs$' \
        || { fail csv "no q, noise, processes columns"; return; }
    tail -n 1 "$tmp/c.csv" | grep -q '^geomean,' || { fail csv "no geomean row"; return; }
    ok csv
}

case_env_warning() {
    run env_warning 0 "$hb" compare "$data/run_a" "$data/run_b" || return
    [ "$(grep -c 'warning: .* differs: ' "$tmp/err")" -eq 1 ] \
        || { fail env_warning "expected one warning line, got: $(cat "$tmp/err")"; return; }
    # the kernels, less the start they share if the line would pass 80
    # columns: what differs stays
    local k; k=$(env_a kernel)
    grep -qF "kernel differs: base '...${k: -6}', new '...${k: -6}+b'" "$tmp/err" &&
        [ -z "$(awk 'length($0) > 80' "$tmp/err")" ] \
        || { fail env_warning "warning does not name the kernels in 80 columns: $(cat "$tmp/err")"; return; }
    run env_same 0 "$hb" compare "$data/run_a" "$data/run_a" || return
    [ ! -s "$tmp/err" ] || { fail env_warning "warned comparing a run with itself"; return; }
    ok env_warning
}

case_no_common() {
    mkdir -p "$tmp/other"
    cp "$data/run_a/environment.csv" "$tmp/other/"
    printf 'benchmark,what,real_ns\nnew/thing,thing,5\nnew/thing,thing,6\n' >"$tmp/other/x.csv"
    run no_common 2 "$hb" compare "$data/run_a" "$tmp/other" || return
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'no benchmark in common' "$tmp/err" \
        || { fail no_common "message: $(cat "$tmp/err")"; return; }
    [ ! -s "$tmp/out" ] || { fail no_common "printed a table anyway"; return; }
    ok no_common
}

case_missing_column() {
    cp -r "$data/run_b" "$tmp/nocol"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "real_ns") k = i }
        { l = ""; for (i = 1; i <= NF; i++) if (i != k) l = l (l == "" ? "" : ",") $i; print l }' \
        "$data/run_b/free.csv" >"$tmp/nocol/free.csv"   # drop real_ns
    run missing_column 2 "$hb" compare "$data/run_a" "$tmp/nocol" || return
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "nocol/free.csv: missing column: real_ns" "$tmp/err" \
        || { fail missing_column "message: $(cat "$tmp/err")"; return; }
    ok missing_column
}

case_missing_folder() {
    run missing_folder 2 "$hb" compare "$data/run_a" "$tmp/nowhere" || return
    grep -q 'not a results folder: .*nowhere' "$tmp/err" || { fail missing_folder "message: $(cat "$tmp/err")"; return; }
    ok missing_folder
}

case_bad_csv() {
    cp -r "$data/run_b" "$tmp/badcsv"
    printf 'benchmark,real_ns\n"init/x,1\n' >"$tmp/badcsv/zz.csv"
    run bad_csv 2 "$hb" compare "$data/run_a" "$tmp/badcsv" || return
    grep -q 'badcsv/zz.csv: line 2: quote never closed' "$tmp/err" || { fail bad_csv "message: $(cat "$tmp/err")"; return; }
    ok bad_csv
}

case_usage() {
    run usage 2 "$hb" compare "$data/run_a" || return
    run alpha 2 "$hb" compare "$data/run_a" "$data/run_b" --alpha 2 || return
    ok usage
}

# A name longer than a line (real names carry every parameter) is broken
# at '/' over several lines, none wider than 80 columns.
case_long_name() {
    local name=free/block/boundary:natural/order:0/where:boundary/path:free_heap_pages/variant:node_check/encoding:legacy/iterations:10000/manual_time
    mkdir -p "$tmp/la" "$tmp/lb"
    printf 'benchmark,real_ns\n%s,10\n%s,11\n%s,12\n' "$name" "$name" "$name" >"$tmp/la/free.csv"
    printf 'benchmark,real_ns\n%s,20\n%s,21\n%s,22\n' "$name" "$name" "$name" >"$tmp/lb/free.csv"
    run long_name 0 "$hb" compare "$tmp/la" "$tmp/lb" --all || return
    [ "$(awk 'length($0) > 80' "$tmp/out" | wc -l)" -eq 0 ] || { fail long_name "line wider than 80"; return; }
    # broken before a '/', Google Benchmark's settings left out
    grep -q '^free/block/.*/path:free_heap_pages$' "$tmp/out" &&
        grep -q '^  /variant:node_check/encoding:legacy$' "$tmp/out" || { fail long_name "not broken at a slash"; return; }
    grep -q 'With 3 against 3 repetitions p cannot go below' "$tmp/out" && grep -q '^0\.100' "$tmp/out" \
        || { fail long_name "no note on 3 repetitions"; return; }
    ok long_name
}

case_plots() {
    command -v gnuplot >/dev/null || { ok "plots (skipped: no gnuplot)"; return; }
    run plots 0 "$hb" compare "$data/run_a" "$data/run_b" --plots "$tmp/fig" || return
    for f in compare.csv compare_runs.png compare_runs.svg compare_ratio.png compare_ratio.svg; do
        [ -s "$tmp/fig/$f" ] || { fail plots "missing $f"; return; }
    done
    ! grep -qv '^heapbench: ' "$tmp/err" || { fail plots "gnuplot's chatter on stderr: $(grep -v '^heapbench: ' "$tmp/err" | head -n 1)"; return; }
    # gnuplot never sees the folder's name: quotes and commas in it are fine.
    mkdir -p "$tmp/q'u,o\"te"
    run plots_quote 0 "$hb" compare "$data/run_a" "$data/run_b" --plots "$tmp/q'u,o\"te/fig" || return
    [ -s "$tmp/q'u,o\"te/fig/compare_ratio.svg" ] || { fail plots "no figure in a folder named with quotes"; return; }
    ok plots
}

# fails NAME NEEDLE DIR: the last run (its status checked by run) said one
# line on stderr, naming NEEDLE, and left no DIR.
fails() {
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$2" "$tmp/err" \
        || { fail "$1" "expected one line naming $2: $(head -n 3 "$tmp/err")"; return 1; }
    [ ! -e "$3" ] || { fail "$1" "left $3: $(ls -A "$3" | tr '\n' ' ')"; return 1; }
}

# --plots when the figures cannot be drawn: no plots/compare.sh where
# HEAPBENCH_PLOTS says, no gnuplot on the PATH, a figure script gnuplot
# refuses after the first figure was drawn.  Each time one line, a status
# of 1 or 2, and no folder; a folder that was there keeps what compare did
# not write, and loses the figures of the last comparison with its CSV.
case_plots_failures() {
    local p
    HEAPBENCH_PLOTS=$tmp/noplots run plots_no_script 2 "$hb" compare "$data/run_a" "$data/run_a" \
        --plots "$tmp/f1" || return
    fails plots_no_script "$tmp/noplots" "$tmp/f1" || return
    mkdir -p "$tmp/path"    # the PATH without gnuplot
    for p in ${PATH//:/ }; do
        for f in "$p"/*; do [ -e "$tmp/path/${f##*/}" ] || ln -s "$f" "$tmp/path/${f##*/}"; done
    done 2>/dev/null
    rm -f "$tmp"/path/gnuplot*
    PATH=$tmp/path run plots_no_gnuplot 1 "$hb" compare "$data/run_a" "$data/run_a" \
        --plots "$tmp/f2" || return
    fails plots_no_gnuplot "gnuplot not found" "$tmp/f2" || return
    command -v gnuplot >/dev/null || { ok "plots_failures (gnuplot failing: skipped, no gnuplot)"; return; }
    cp -r "$(dirname "$0")/../../plots" "$tmp/badplots"
    echo 'plot no_such_variable' >>"$tmp/badplots/compare_runs.gp"   # drawn after compare_ratio
    HEAPBENCH_PLOTS=$tmp/badplots run plots_gnuplot_fails 1 "$hb" compare "$data/run_a" "$data/run_a" \
        --plots "$tmp/f3" || return
    fails plots_gnuplot_fails "no_such_variable" "$tmp/f3" || return
    run plots_again 0 "$hb" compare "$data/run_a" "$data/run_a" --plots "$tmp/f4" || return
    echo mine >"$tmp/f4/mine"
    HEAPBENCH_PLOTS=$tmp/badplots run plots_gnuplot_fails_again 1 "$hb" compare "$data/run_a" \
        "$data/run_a" --plots "$tmp/f4" || return
    [ "$(ls -A "$tmp/f4")" = mine ] || { fail plots_failures "left in a folder that was there: $(ls -A "$tmp/f4" | tr '\n' ' ')"; return; }
    ok plots_failures
}

# synth DIR PROCS FIRST_PROC CHANGED FACTOR: a run folder of 20 benchmarks
# (x/b0..x/b19), PROCS processes from FIRST_PROC, 3 repetitions each.
# Values are 1000 ns with a process effect (3 %) and repetition noise
# (1 %) from sines, so the data are the same everywhere; benchmark CHANGED
# is FACTOR times slower, in real_ns and in boot_ns; faults is 0 but in
# benchmark CHANGED when FACTOR is not 1 (4 a repetition).
synth() {
    mkdir -p "$1"
    awk -v np="$2" -v p0="$3" -v chg="$4" -v fac="$5" 'BEGIN {
        print "benchmark,what,repetition,process,real_ns,boot_ns,faults"
        for (b = 0; b < 20; b++) for (p = p0; p < p0 + np; p++) for (r = 0; r < 3; r++) {
            v = 1000 * (1 + 0.03 * sin(7 * p + 3 * b)) * (1 + 0.01 * sin(5 * r + p + 11 * b))
            if (b == chg) v *= fac
            printf "x/b%d,b%d,%d,%d,%.3f,%.3f,%d\n", b, b, r, p, v, 2 * v, b == chg && fac != 1 ? 4 : 0
        }
    }' >"$1/x.csv"
}

# Processes as samples: one benchmark 20 % slower in the new runs is the
# one flagged, from folders given one by one after '--', from a folder of
# run folders (as heapbench ab writes), and on another metric; the table
# shows it alone with a count of the rest (--all: every row); --filter
# narrows what is tested; a threshold above the change unflags it.
case_processes() {
    synth "$tmp/pb/r1" 4 0 -1 1; synth "$tmp/pb/r2" 4 4 -1 1
    synth "$tmp/pn/r1" 4 8 7 1.2; synth "$tmp/pn/r2" 4 12 7 1.2
    run processes 0 "$hb" compare "$tmp/pb/r1" "$tmp/pb/r2" -- "$tmp/pn/r1" "$tmp/pn/r2" || return
    grep -q '^20 benchmarks tested: 0 faster, 1 slower, 19 not flagged' "$tmp/out" \
        || { fail processes "counts: $(grep tested "$tmp/out")"; return; }
    grep -Eq '^x/b7 .*\+[12][0-9]\.[0-9]% .* slow$' "$tmp/out" || { fail processes "b7 not flagged"; return; }
    # By default only the flagged row, and a count of the others; --all
    # every row, the others with no flag.
    [ "$(grep -c '^x/b' "$tmp/out")" -eq 1 ] &&
        grep -q '^19 benchmarks not flagged, not shown (--all shows every row)$' "$tmp/out" \
        || { fail processes "default rows: $(grep -c '^x/b' "$tmp/out"), $(grep 'not shown' "$tmp/out")"; return; }
    grep -q '^benchmark .* change  *CI of change %  *q  *flag$' "$tmp/out" \
        || { fail processes "a column without a header: $(grep '^benchmark' "$tmp/out")"; return; }
    "$hb" compare "$tmp/pb/r1" "$tmp/pb/r2" -- "$tmp/pn/r1" "$tmp/pn/r2" --all >"$tmp/all" 2>&1
    [ "$(grep -c '^x/b' "$tmp/all")" -eq 20 ] && [ "$(grep -c '^x/b.* slow$' "$tmp/all")" -eq 1 ] &&
        ! grep -q 'not shown' "$tmp/all" \
        || { fail processes "--all: $(grep -c '^x/b' "$tmp/all") rows"; return; }
    grep -q '(8..8 processes a side' "$tmp/out" || { fail processes "processes not counted"; return; }
    ! grep -q 'intervals approximate' "$tmp/out" || { fail processes "8 processes called approximate"; return; }
    run processes_few 0 "$hb" compare "$tmp/pb/r1" -- "$tmp/pn/r1" || return
    grep -q '^4 processes a side: intervals approximate' "$tmp/out" || { fail processes "4 processes not called approximate"; return; }
    ! grep -q 'Warning' "$tmp/out" || { fail processes "warned about repetitions"; return; }
    run processes_parent 0 "$hb" compare "$tmp/pb" "$tmp/pn" --metric boot_ns || return
    grep -q '^20 benchmarks tested: 0 faster, 1 slower' "$tmp/out" || { fail processes "folder of runs, boot_ns: $(grep tested "$tmp/out")"; return; }
    grep -q '^boot_ns: ' "$tmp/out" || { fail processes "metric not named"; return; }
    run processes_filter 0 "$hb" compare "$tmp/pb" "$tmp/pn" --filter 'b1[0-9]$' || return
    grep -q '^10 benchmarks tested: 0 faster, 0 slower' "$tmp/out" || { fail processes "filter: $(grep tested "$tmp/out")"; return; }
    run processes_threshold 0 "$hb" compare "$tmp/pb" "$tmp/pn" --threshold 30 || return
    grep -q '^20 benchmarks tested: 0 faster, 0 slower' "$tmp/out" && grep -q '^30.0% to 30.0% here' "$tmp/out" \
        || { fail processes "threshold 30 %: $(grep tested "$tmp/out")"; return; }
    # zeros: a difference instead of a ratio; the one that went 0 -> 4 flagged
    run processes_zeros 0 "$hb" compare "$tmp/pb" "$tmp/pn" --metric faults --csv "$tmp/z.csv" || return
    grep -q '^20 benchmarks tested: 0 faster, 1 slower' "$tmp/out" || { fail processes "faults: $(grep tested "$tmp/out")"; return; }
    [ "$(field "$tmp/z.csv" test | grep -c welch_diff)" -eq 20 ] || { fail processes "zeros not tested as differences"; return; }
    run processes_bad_threshold 2 "$hb" compare "$tmp/pb" "$tmp/pn" --threshold much || return
    grep -q 'heapbench: compare: --threshold: .*much' "$tmp/err" || { fail processes "bad threshold message"; return; }
    run processes_two_splits 2 "$hb" compare "$tmp/pb" -- "$tmp/pn" -- "$tmp/pn" || return
    ok processes
}

# heapbench ab: base and new in turn, one run folder per invocation in
# base/ and new/, which compare reads as two sides of 2 processes.
case_ab() {
    run ab 0 "$hb" ab --base "$hb" --new "$hb" --processes 2 --filter 'shim/c_' \
        --profile quick --repetitions 2 --out "$tmp/ab" || return
    local top; top=$(ls -d "$tmp"/ab/ab-*)
    [ "$(ls "$top/base" | wc -l)" -eq 2 ] && [ "$(ls "$top/new" | wc -l)" -eq 2 ] \
        || { fail ab "expected 2 run folders a side"; return; }
    grep -q '^\[2/4\] new ' "$tmp/out" || { fail ab "not interleaved: $(cat "$tmp/out")"; return; }
    run ab_compare 0 "$hb" compare "$top/base" -- "$top/new" || return
    grep -q '(2..2 processes a side' "$tmp/out" || { fail ab "compare did not see 2 processes a side"; return; }
    run ab_bad_bin 2 "$hb" ab --base "$tmp/nowhere" --new "$hb" || return
    grep -qx "heapbench: ab: --base: not an executable file: \"$tmp/nowhere\"" "$tmp/err" \
        || { fail ab "message: $(cat "$tmp/err")"; return; }
    ok ab
}

case_table
case_csv
case_env_warning
case_no_common
case_missing_column
case_missing_folder
case_bad_csv
case_usage
case_long_name
case_plots
case_plots_failures
case_processes
case_ab
finish
