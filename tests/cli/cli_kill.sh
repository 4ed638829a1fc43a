#!/usr/bin/env bash
# cli_kill.sh - `heapbench bench` killed early (while it prepares), in the
# middle and late, by SIGINT to its process group (Ctrl-C), SIGTERM to the
# parent alone and SIGKILL to the whole process group, and by SIGTERM once
# the last benchmark is done.  After each: the earlier results are byte
# for byte the same, no new folder looks like a run unless the run
# finished (exit 0), and no heapbench process is left; then a rerun works
# beside what the kills left.  The design under test: a run is written
# under <out>/.tmp-* and renamed only once complete (rundir.h); SIGKILL's
# .tmp-* folder stays, hidden and never read as a run.
set -u
. "$(dirname "$0")/lib.sh"
# A private copy: a concurrent `make` may relink the original mid-run.
own_copy "$1" "$tmp/heapbench"
hb=$tmp/heapbench out=$tmp/results

bench() { "$hb" bench --profile quick --filter 'baseline|shim' --processes 2 --repetitions 2 --out "$out" "$@"; }

# Run folders (names without the leading dot) and temporary ones.
runs() { find "$out" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort; }
temps() { find "$out" -mindepth 1 -maxdepth 1 -name '.tmp-*' -printf '%f\n' | sort; }
# Checksums of every file in the given run folders.
sums() { (cd "$out" && find "$@" -type f -print0 | sort -z | xargs -0 -r md5sum); }

# A run folder is whole: the library's JSON, ending in its closing brace,
# the environment, and both families' CSVs with their summaries.
complete() {
    local d=$out/$1 f
    for f in gbench.json environment.csv baseline.csv shim.csv baseline_summary.csv shim_summary.csv; do
        [ -s "$d/$f" ] || return 1
    done
    [ "$(tr -d ' \n' <"$d/gbench.json" | tail -c 1)" = "}" ]
}

# Heapbench processes of this test still alive (the measuring child too).
alive() { pgrep -f "^$hb bench" >/dev/null; }

# Wait (at most 30 s) until the run's output has a line matching RE.
wait_for() {
    local re=$1 i
    for i in $(seq 300); do
        grep -qE "$re" "$tmp/run.out" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# The first run: the earlier results every kill must leave alone.
case_first() {
    local rc
    bench >"$tmp/first.out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] && [ "$(runs | wc -l)" -eq 1 ] && complete "$(runs)" \
        || { fail first_run "exit $rc: $(tail -n 2 "$tmp/first.out")"; return; }
    FIRST=$(runs)
    TOTAL=$(sed -n 's/^heapbench bench: profile quick, \([0-9]*\) benchmarks.*/\1/p' "$tmp/first.out")
    ok "first_run ($TOTAL benchmarks)"
}

# kill_case SIG WHO WHEN: WHO is "group" or "parent"; WHEN early, middle,
# late or end (after the last benchmark: the run may finish first, and
# then exit 0 with a whole folder is right).
kill_case() {
    local sig=$1 who=$2 when=$3 name="kill_${1}_${2}_$3" rc before after_runs before_runs r t i
    before_runs=$(runs); t=$(temps)
    before=$(sums $before_runs)
    setsid "$hb" bench --profile quick --filter 'baseline|shim' --processes 2 --repetitions 2 --out "$out" \
        >"$tmp/run.out" 2>&1 &
    pid=$!
    case $when in
        early)  sleep 0.02 ;;
        middle) wait_for '^\[[0-9]*/' ;;                   # a process done
        late)   wait_for '^\[[0-9]*/[0-9]*\] shim: process 1/2 done' ;;
        end)    wait_for '^\[[0-9]*/[0-9]*\] shim: process 2/2 done' ;; # writing, renaming
    esac
    if [ "$who" = group ]; then kill -"$sig" -- -"$pid" 2>/dev/null; else kill -"$sig" "$pid" 2>/dev/null; fi
    wait "$pid" 2>/dev/null; rc=$?     # (no "Killed" notice from bash)
    for i in $(seq 50); do alive || break; sleep 0.1; done
    alive && { fail "$name" "a heapbench process is still running"; return; }
    [ "$before" = "$(sums $before_runs)" ] || { fail "$name" "earlier results changed"; return; }
    after_runs=$(runs)
    for r in $after_runs; do
        complete "$r" || { fail "$name" "folder $r looks like a run but is not whole"; return; }
    done
    if [ "$after_runs" != "$before_runs" ] && [ "$rc" -ne 0 ]; then
        fail "$name" "exit $rc but a new run folder appeared"; return
    fi
    if [ "$sig" != KILL ] && [ "$(temps)" != "$t" ]; then
        fail "$name" "a .tmp folder is left after SIG$sig: $(temps | tr '\n' ' ')"; return
    fi
    if [ "$sig" != KILL ] && [ "$rc" -ne 0 ] &&
       ! grep -q "interrupted by SIG$sig after [0-9]* of [0-9]* benchmark runs; removed the unfinished folder $out/\.tmp-" "$tmp/run.out"; then
        fail "$name" "exit $rc without saying what it removed: $(tail -n 1 "$tmp/run.out")"; return
    fi
    ok "$name (exit $rc$([ "$(temps)" != "$t" ] && echo ', .tmp-* left'))"
}

# After the kills: a rerun works, makes one whole folder, leaves the
# SIGKILL leftovers as they are, and compare reads old and new runs.
case_rerun() {
    local rc before_runs new t
    before_runs=$(runs); t=$(temps)
    bench >"$tmp/rerun.out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] || { fail rerun "exit $rc: $(tail -n 2 "$tmp/rerun.out")"; return; }
    new=$(comm -13 <(echo "$before_runs") <(runs))
    [ "$(echo "$new" | grep -c .)" -eq 1 ] && complete "$new" \
        || { fail rerun "expected one new whole folder, got: $new"; return; }
    [ "$(temps)" = "$t" ] || { fail rerun ".tmp folders changed"; return; }
    [ "$(cd "$out" && ls -d 2*/ | wc -l)" -eq "$(runs | wc -l)" ] \
        || { fail rerun "results/2*/ does not pick exactly the run folders"; return; }
    "$hb" compare "$out/$FIRST" "$out/$new" >"$tmp/cmp.out" 2>"$tmp/cmp.err" \
        || { fail rerun "compare failed: $(head -n 1 "$tmp/cmp.err")"; return; }
    ok "rerun ($(temps | wc -l) .tmp-* left by SIGKILL beside it)"
}

start=$(date +%s)
case_first
if [ -n "${FIRST:-}" ]; then
    for when in early middle late; do
        kill_case INT group "$when"
        kill_case TERM parent "$when"
        kill_case KILL group "$when"
    done
    kill_case TERM parent end
    case_rerun
fi
echo "cli_kill: $(( $(date +%s) - start )) s"
finish
