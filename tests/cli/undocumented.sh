#!/usr/bin/env bash
# undocumented.sh RUN_DIR - the names a results folder uses that
# docs/results-format.md does not: every column of every CSV (a summary's
# statistic as `<column>_<statistic>` and its column on its own), every
# environment.csv key (a node's as `node<N>_...`).  Prints them on one
# line, nothing if all are documented; exit 2 if it cannot read a file.
# Used by cli_bench.sh (a fresh run) and cli_report.sh (the fixtures).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
doc=$root/docs/results-format.md
run=${1:?usage: tests/cli/undocumented.sh RUN_DIR}
[ -r "$doc" ] && [ -r "$run/environment.csv" ] || { echo "undocumented.sh: cannot read $doc or $run/environment.csv" >&2; exit 2; }
csvawk() { awk -f "$root/plots/csv.awk" -f <(printf '%s\n' "$1") "${@:2}"; }
header() { csvawk 'NR == 1 { n = csv_split($0, h); for (i = 1; i <= n; i++) print h[i]; exit }' "$1"; }
stats='median|min|max|q1|q3|mean|ci_lo|ci_hi|cv_between|cv_within|mde_pct'

{
    for f in "$run"/*.csv; do
        case ${f##*/} in
            environment.csv) ;;
            *_summary.csv) header "$f" | sed -E "s/^(.*)_($stats)\$/\\1\\n<column>_\\2/" ;;
            *) header "$f" ;;
        esac
    done
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f); print csv_col(f, "key") }' \
        "$run/environment.csv" | sed -E 's/^node[0-9]+_/node<N>_/'
} | sort -u | while read -r name; do
    grep -qF -- "\`$name\`" "$doc" || printf ' %s' "$name"
done
exit 0
