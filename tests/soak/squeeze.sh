#!/usr/bin/env bash
# squeeze.sh - run `heapbench bench` inside a memory cgroup of LIMIT bytes
# (default 8G), made here and removed at the end (v1: memory/ controller,
# memory.limit_in_bytes; v2: memory.max), and report how it went: exit
# status, results folder, what was skipped and why, peak memory of the
# cgroup, OOM kills.  Passes if the run completed with a results folder and
# nothing was OOM-killed; a run that was killed must leave no results
# folder.  Needs root.  Not part of `make test` (the full profile takes
# ten minutes and more).
# Usage: tests/soak/squeeze.sh [HEAPBENCH] [LIMIT] [-- bench options]
#   defaults: $BUILD/heapbench (BUILD=build), 8G,
#             --profile full --processes 1 --repetitions 1
# Ends with "squeeze: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
hb=${1:-$root/${BUILD:-build}/heapbench}
limit=${2:-8G}
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
if [ $# -eq 0 ]; then
    set -- --profile full --processes 1 --repetitions 1
fi
out=$root/${BUILD:-build}/squeeze
name=heapbench-squeeze-$$

summary() { echo "squeeze: $1 passed, $2 failed"; exit $(( $2 > 0 )); }

bytes() {   # 8G -> bytes
    numfmt --from=iec "$1" 2>/dev/null
}
lim=$(bytes "$limit") || { echo "squeeze: not a size: $limit" >&2; summary 0 1; }
[ -x "$hb" ] || { echo "squeeze: no heapbench at $hb (make BUILD=... first)" >&2; summary 0 1; }

if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    ver=1 cg=/sys/fs/cgroup/memory/$name
    limit_file=memory.limit_in_bytes peak_file=memory.max_usage_in_bytes
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    ver=2 cg=/sys/fs/cgroup/$name
    limit_file=memory.max peak_file=memory.peak
else
    echo "squeeze: no memory cgroup controller on this machine" >&2
    summary 0 1
fi
if ! mkdir "$cg" 2>/dev/null; then
    echo "squeeze: cannot make $cg (root?)" >&2
    summary 0 1
fi
cleanup() { rmdir "$cg" 2>/dev/null; }
trap cleanup EXIT
echo "$lim" >"$cg/$limit_file" || { echo "squeeze: cannot set $cg/$limit_file" >&2; summary 0 1; }

oom_kills() {
    if [ "$ver" = 1 ]; then
        sed -n 's/^oom_kill \([0-9]*\)/\1/p' "$cg/memory.oom_control"
    else
        sed -n 's/^oom_kill \([0-9]*\)/\1/p' "$cg/memory.events"
    fi
}

rm -rf "$out"
mkdir -p "$out"
echo "squeeze: cgroup v$ver $cg, limit $limit ($lim bytes)"
echo "squeeze: $hb bench $* --out $out"
start=$(date +%s)
# The shell joins the cgroup, then becomes heapbench: every process of the
# run (the measuring children too) is inside.
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
    "$hb" bench "$@" --out "$out" >"$out.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
peak=$(cat "$cg/$peak_file" 2>/dev/null || echo "?")
kills=$(oom_kills)
run=$(ls -d "$out"/2*/ 2>/dev/null | head -n 1)
grep -E '^heapbench bench:|^done:|^results:|^skipped|^heapbench:' "$out.log"
echo "squeeze: exit $rc after ${secs}s; peak $(numfmt --to=iec --round=nearest --format=%.1f "$peak" 2>/dev/null || echo "$peak") of $limit; oom_kill ${kills:-?}"
if [ -n "$run" ] && [ -f "$run/skipped.csv" ]; then
    echo "squeeze: skipped $(($(wc -l <"$run/skipped.csv") - 1)) (in $run/skipped.csv)"
fi
[ -n "$run" ] && grep '^mem_budget,' "$run/environment.csv"
passed=0 failed=0
if [ "$rc" -eq 0 ] && [ -n "$run" ] && [ "${kills:-0}" = 0 ]; then
    echo "ok   completed under $limit without an OOM kill"
    passed=$((passed + 1))
elif [ "$rc" -ne 0 ] && [ -z "$run" ]; then
    echo "FAIL killed or failed (exit $rc, oom_kill ${kills:-?}); no results folder left, as it should be"
    failed=$((failed + 1))
else
    echo "FAIL exit $rc, oom_kill ${kills:-?}, results folder: ${run:-none}"
    failed=$((failed + 1))
fi
summary "$passed" "$failed"
