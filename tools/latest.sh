#!/usr/bin/env bash
# latest.sh - print the newest complete run folder under DIR (default
# results): folders named by bench's UTC stamp (YYYYMMDDTHHMMSSZ-host, a
# suffix -N when one stamp repeats), in byte order of the stamp, that hold
# an environment.csv (a published run is whole; a .tmp- folder is not
# matched).  Prints nothing and exits 1 when there is none.
set -u
dir=${1:-results}
LC_ALL=C
latest=
for d in "$dir"/[0-9][0-9][0-9][0-9][0-1][0-9][0-3][0-9]T[0-2][0-9][0-5][0-9][0-6][0-9]Z-*/; do
    [ -f "$d/environment.csv" ] || continue
    d=${d%/}
    # Byte order of the name: the stamp first, then "-a" before "-a-2".
    [[ -z $latest || "$d" > "$latest" ]] && latest=$d
done
[ -n "$latest" ] || { echo "heapbench: no complete run under $dir/" >&2; exit 1; }
printf '%s\n' "$latest"
