#!/usr/bin/env bash
# eta_check.sh - how good a run's ETA was: from its progress.log (elapsed
# seconds, runs done, runs planned, ETA in seconds, a line per benchmark
# done), the ETA given at 1, 5 and 20 minutes against the time that was
# actually left, and the worst error from the end of the first minute on.
# The actual end is the log's last line (the timed run's end); the load
# averages at its start and end come from environment.csv.
# Usage: tools/eta_check.sh RUN_DIR...   (exit 1 if a log is missing or
# has no line past a minute; 2 for no argument)
set -u
[ $# -ge 1 ] || { echo "usage: tools/eta_check.sh RUN_DIR..." >&2; exit 2; }
rc=0
for dir in "$@"; do
    log=$dir/progress.log
    [ -s "$log" ] || { echo "eta_check: no progress log: $log" >&2; rc=1; continue; }
    profile=$(sed -n 's/^profile,//p' "$dir/environment.csv" 2>/dev/null)
    load="$(sed -n 's/^loadavg_start,//p' "$dir/environment.csv" 2>/dev/null) -> $(sed -n 's/^loadavg_end,//p' "$dir/environment.csv" 2>/dev/null)"
    awk -v run="${dir%/}" -v profile="${profile:-?}" -v load="$load" '
        /^#/ { next }
        { n++; t[n] = $1; eta[n] = $4 }
        END {
            if (!n) exit 1
            end = t[n]
            printf "%s (%s): wall time %.0f s; load averages %s\n", run, profile, end, load
            printf "  %8s %10s %10s %8s %12s\n", "at", "eta_s", "actual_s", "error", "total_error"
            split("60 300 1200", at, " ")
            for (k = 1; k <= 3; k++) {
                i = 0
                for (j = 1; j <= n; j++) if (t[j] >= at[k]) { i = j; break }
                if (!i) { printf "  %7ds %10s\n", at[k], "(ended)"; continue }
                left = end - t[i]
                err = left > 0 ? sprintf("%+.0f", 100 * (eta[i] - left) / left) : "-"
                printf "  %7ds %10.0f %10.0f %7s%% %+11.0f%%\n", at[k], eta[i], left, err,
                       100 * (t[i] + eta[i] - end) / end
            }
            worst = 0; seen = 0
            for (j = 1; j <= n; j++) {
                if (t[j] < 60) continue
                e = 100 * (t[j] + eta[j] - end) / end
                seen = 1
                if (e * e > worst * worst) { worst = e; wt = t[j] }
            }
            if (!seen) exit 1
            printf "  worst predicted total from 60 s on: %+.0f %% (at %.0f s)\n", worst, wt
        }' "$log" || { echo "eta_check: nothing past a minute in $log" >&2; rc=1; }
done
exit $rc
