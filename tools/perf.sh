#!/usr/bin/env bash
# perf.sh - profile benchmarks: run `heapbench bench --filter REGEX
# --repetitions 1` under `perf record -g`, keep perf.data in the results
# folder that run wrote (so `perf report -i` and `perf annotate -i` work
# later) with `perf report --stdio` text beside it (perf.report.txt).
#
# The sampling event: cycles where the machine has hardware counters;
# where it has none (most virtual machines) cpu-clock, and it says so.
# A REGEX that matches no benchmark is reported as that, not as a perf
# problem.
# Usage: tools/perf.sh HEAPBENCH REGEX [OUT]      (make perf BENCH=REGEX)
set -u
hb=${1:?usage: perf.sh HEAPBENCH REGEX [OUT]}
filter=${2:?usage: perf.sh HEAPBENCH REGEX [OUT]}
out=${3:-results}

die() { echo "heapbench: perf: $1" >&2; exit "${2:-1}"; }

command -v perf >/dev/null 2>&1 ||
    die "perf is not installed (Debian: linux-perf); nothing recorded"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# Which event: does this machine count cycles at all?
event=(-e cycles)
if ! perf stat -x, -e cycles true 2>"$work/stat" >/dev/null ||
   grep -q 'not supported\|<not counted>' "$work/stat"; then
    echo "perf: no hardware cycle counter here; sampling on cpu-clock (a timer) instead"
    event=(-e cpu-clock)
fi

perf record -g "${event[@]}" -o "$work/perf.data" -- \
    "$hb" bench --filter "$filter" --repetitions 1 --out "$out" \
    2> >(tee "$work/stderr" >&2) | tee "$work/stdout"
rc=${PIPESTATUS[0]}
wait
if grep -q 'matches no benchmark' "$work/stderr"; then
    die "BENCH='$filter' matches no benchmark ('heapbench bench --help'; names look like init/heap/strategy:chunked/...)" 2
fi
dir=$(sed -n 's/^results: //p' "$work/stdout" | tail -n 1)
if [ "$rc" -ne 0 ] || [ -z "$dir" ] || [ ! -d "$dir" ]; then
    if [ -z "$dir" ] && grep -qi 'paranoid\|permission' "$work/stderr"; then
        die "perf may not record here (perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)); see perf's message above"
    fi
    die "the run under perf failed (exit $rc); see the messages above"
fi
mv "$work/perf.data" "$dir/perf.data" || die "cannot keep perf.data in $dir"
perf report -i "$dir/perf.data" --stdio > "$dir/perf.report.txt" 2> "$work/report.err" ||
    die "perf report failed: $(head -n 3 "$work/report.err")"
echo "perf data:   $dir/perf.data  (perf report -i / perf annotate -i)"
echo "perf report: $dir/perf.report.txt"
