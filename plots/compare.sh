#!/usr/bin/env bash
# compare.sh DIR - the figures of a comparison: every plots/compare_*.gp,
# drawn from DIR/compare.csv (the columns of `heapbench compare --csv`) and
# DIR/compare_params.csv (key,value: base, new, alpha) into
# DIR/<figure>.svg and .png.  `heapbench compare --plots DIR` writes both
# and runs this, so the binary knows nothing of gnuplot; adding a figure is
# adding a compare_*.gp that takes csv, out, base, new and alpha.  The
# figures are drawn in a temporary folder and moved into place when every
# one is whole; on a failure DIR keeps none of them, not even an earlier
# comparison's, and the caller removes its CSVs.
# Exit: 0 done, nothing printed; 2 bad DIR or CSV; 1 gnuplot missing or
# failed, or the disk full; one line on stderr either way.
set -u
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "heapbench: compare: $*" >&2; exit 2; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: plots/compare.sh DIR"
dir=${1%/}
[ -n "$dir" ] || dir=/
[ -d "$dir" ] || die "not a folder: $dir"
csv=$dir/compare.csv params=$dir/compare_params.csv
[ -r "$csv" ] || die "no compare.csv in $dir"
[ -r "$params" ] || die "no compare_params.csv in $dir"
header=$(head -n 1 "$csv" | tr -d '\r\0')
for c in benchmark ratio ratio_lo ratio_hi significant base_mean_ns base_min_ns \
         base_max_ns new_mean_ns new_min_ns new_max_ns; do
    case ",$header," in *",$c,"*) ;; *) die "$csv: missing column: $c" ;; esac
done

param() {     # KEY: its value in compare_params.csv, or a refusal
    local v
    v=$(awk -f "$here/csv.awk" -f "$here/query.awk" -v mode=get -v key="$1" "$params" | tr -d '\r')
    [ -n "$v" ] || die "$params: no $1"
    printf '%s\n' "$v"
}
base=$(param base) || exit 2
new=$(param new) || exit 2
alpha=$(param alpha) || exit 2
# alpha goes into gnuplot as code, not as a string: a number and nothing else.
[[ $alpha =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die "$params: alpha is not a number: $alpha"

# A gnuplot string: single quotes, a quote inside written twice.
gq() { local s=${1//$'\n'/ }; printf "'%s'" "${s//\'/\'\'}"; }
vars="csv='../compare.csv'; base=$(gq "$(basename -- "$base")"); new=$(gq "$(basename -- "$new")"); alpha=$alpha"

figures=()
for gp in "$here"/compare_*.gp; do
    fig=${gp##*/}
    figures+=("${fig%.gp}")
done
[ "${#figures[@]}" -gt 0 ] || die "no compare_*.gp in $here"

# From here on a failure leaves DIR without figures (see the top).
fail() {
    local fig
    for fig in "${figures[@]}"; do rm -f "$dir/$fig.svg" "$dir/$fig.png"; done
    echo "heapbench: compare: $*" >&2
    exit 1
}
command -v gnuplot >/dev/null || fail "gnuplot not found (make deps)"
tmp=$(mktemp -d "$dir/.compare.XXXXXX" 2>/dev/null) || fail "cannot write in $dir"
trap 'rm -rf "$tmp"' EXIT

# A figure gnuplot wrote whole: gnuplot says nothing when the disk fills,
# so look at the ends of the files (PNG's IEND chunk, SVG's closing tag).
complete() {
    [ "$(tail -c 8 "$1.png" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] &&
        tail -c 16 "$1.svg" | grep -q '</svg>'
}

# gnuplot runs inside the temporary folder, so DIR's name, whatever its
# characters, never goes into gnuplot's code.
for fig in "${figures[@]}"; do
    log=$(cd "$tmp" && gnuplot -e "$vars; out='$fig'" "$here/$fig.gp" 2>&1)
    rc=$?
    if [ "$rc" -ne 0 ]; then
        why=$(grep -v -e 'warning:' -e '^[[:space:]]' <<<"$log" | grep -m1 . | tr -d '"' | cut -c1-160)
        fail "gnuplot failed on $fig.gp: ${why:-exit $rc}"
    fi
    complete "$tmp/$fig" || fail "cannot write $fig in $dir (disk full?)"
done

# Into place, each file by rename (same file system: nothing half-written).
for fig in "${figures[@]}"; do
    for ext in svg png; do
        mv -f "$tmp/$fig.$ext" "$dir/$fig.$ext" 2>/dev/null || fail "cannot move $fig.$ext into $dir"
    done
done
exit 0
