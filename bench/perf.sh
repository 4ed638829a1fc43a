#!/usr/bin/env bash
# perf.sh - profile benchmarks: run `heapbench bench --filter REGEX
# --repetitions 1` under `perf record -g` and put `perf report --stdio` text
# (perf.report.txt) into the results folder that run wrote.
#
# The sampling event is perf's default (cycles); where the machine has no
# hardware counters (virtual machines), perf falls back to cpu-clock by
# itself, and we ask for cpu-clock explicitly if it does not.  If perf
# cannot record at all, say so and fail.
# Usage: bench/perf.sh HEAPBENCH REGEX [OUT]      (make perf BENCH=REGEX)
set -u
hb=${1:?usage: perf.sh HEAPBENCH REGEX [OUT]}
filter=${2:?usage: perf.sh HEAPBENCH REGEX [OUT]}
out=${3:-results}

if ! command -v perf >/dev/null 2>&1; then
    echo "perf.sh: perf is not installed (Debian: linux-perf); nothing recorded" >&2
    exit 1
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# record EVENT-ARGS...: run the benchmarks once under perf; the results
# folder's path is the "results: " line heapbench prints last.
record() {
    perf record -g -o "$work/perf.data" "$@" -- \
        "$hb" bench --filter "$filter" --repetitions 1 --out "$out" \
        2> >(tee "$work/stderr" >&2) | tee "$work/stdout"
    return "${PIPESTATUS[0]}"
}

if ! record; then
    if grep -q "results: " "$work/stdout"; then
        echo "perf.sh: perf record failed after the run; see its messages above" >&2
        exit 1
    fi
    echo "perf.sh: perf record failed with the default event; trying cpu-clock" >&2
    record -e cpu-clock || {
        echo "perf.sh: perf cannot record here (see perf's message above;" \
             "perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null))" >&2
        exit 1
    }
fi
dir=$(sed -n 's/^results: //p' "$work/stdout" | tail -n 1)
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "perf.sh: heapbench wrote no results folder" >&2
    exit 1
fi
perf report -i "$work/perf.data" --stdio > "$dir/perf.report.txt" 2> "$work/report.err" || {
    echo "perf.sh: perf report failed: $(head -n 3 "$work/report.err")" >&2
    exit 1
}
echo "perf report: $dir/perf.report.txt"
