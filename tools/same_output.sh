#!/usr/bin/env bash
# same_output.sh - do two builds of heapbench give the same outputs?  For a
# restructuring that must change no result:
#   1. OLD runs `bench --profile quick --filter FILTER` twice, NEW once; a
#      CSV column on which OLD's two runs agree is fixed, and NEW's values
#      in it must be OLD's (headers, rows, environment keys identical too);
#   2. compare, verdict (every format) and letter by both binaries on the
#      same folders (OLD's runs, NEW's, tests/data/run_*): byte-identical;
#   3. layout and heap on the maps of tests/data: byte-identical.
# Usage: tools/same_output.sh OLD_BIN NEW_BIN [FILTER]   (FILTER: a regex,
# default '^(alloc|shim|baseline)/').  One ok/DIFF line per check, then
# "same_output: N same, N different"; exit 1 if any differ.
set -u
old=$(realpath "$1") new=$(realpath "$2") filter=${3:-'^(alloc|shim|baseline)/'}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
same=0 diff=0
ok()  { echo "ok   $1"; same=$((same + 1)); }
bad() { echo "DIFF $1"; diff=$((diff + 1)); }

# run WHICH BIN: a quick run in $tmp/WHICH (cwd there, so command_line agrees).
run() {
    mkdir -p "$tmp/$1" && (cd "$tmp/$1" && "$2" bench --profile quick --filter "$filter" \
        --out results >log 2>&1) && ls -d "$tmp/$1"/results/*/
}
a1=$(run a1 "$old") && a2=$(run a2 "$old") && b=$(run b "$new") ||
    { echo "same_output: a bench run failed"; exit 1; }

# csv_fixed FILE: FILE's columns on which a1 and a2 agree, checked in b.
csv_fixed() {
    awk -F, -v name="$1" '
        FNR == 1 { f++ }
        f == 1 { for (i = 1; i <= NF; i++) x[FNR, i] = $i; nr1 = FNR; nf = NF; next }
        f == 2 { for (i = 1; i <= NF; i++) if (x[FNR, i] != $i) vary[i] = 1; next }
        { for (i = 1; i <= NF; i++) if (!(i in vary) && x[FNR, i] != $i)
              bad[i] = bad[i] " row " FNR ": " x[FNR, i] " -> " $i; nr3 = FNR }
        END {
            nfix = 0
            for (i = 1; i <= nf; i++) if (!(i in vary)) nfix++
            for (i in bad) { print "DIFF " name " column " i ":" substr(bad[i], 1, 200); e = 1 }
            if (nr3 != nr1) { print "DIFF " name ": " nr1 " rows, then " nr3; e = 1 }
            if (!e) print "ok   " name ": " nfix " of " nf " columns fixed, identical"
        }' "$a1/$1" "$a2/$1" "$b/$1"
}
for f in "$a1"/*.csv; do
    f=${f##*/}
    [ "$f" = environment.csv ] && continue
    out=$(csv_fixed "$f")
    case $out in ok*) ok "${out#ok   }" ;; *) printf '%s\n' "$out" | sed 's/^DIFF //' |
        while read -r l; do echo "DIFF $l"; done; diff=$((diff + 1)) ;; esac
done
cut -d, -f1 "$a1/environment.csv" >"$tmp/keys.old"
cut -d, -f1 "$b/environment.csv" >"$tmp/keys.new"
if cmp -s "$tmp/keys.old" "$tmp/keys.new"; then ok "environment.csv keys"; else bad "environment.csv keys"; fi
[ "$(ls "$a1")" = "$(ls "$b")" ] && ok "run folder files" || bad "run folder files"

# cmp_cmd NAME ARGS...: the same command with both binaries, stdout and
# stderr and the exit status byte-identical.
cmp_cmd() {
    local name=$1; shift
    "$old" "$@" >"$tmp/o.out" 2>"$tmp/o.err"; echo "exit $?" >>"$tmp/o.err"
    "$new" "$@" >"$tmp/n.out" 2>"$tmp/n.err"; echo "exit $?" >>"$tmp/n.err"
    if cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err"; then
        ok "$name ($(wc -l <"$tmp/o.out") lines)"
    else
        bad "$name"; diff "$tmp/o.out" "$tmp/n.out" | head -5
    fi
}
data=$root/tests/data
cmp_cmd "compare run_a run_b" compare "$data/run_a" "$data/run_b" --all
cmp_cmd "compare run_a run_b --csv" compare "$data/run_a" "$data/run_b" --csv /dev/stdout
cmp_cmd "compare a1 a2" compare "$a1" "$a2" --all
cmp_cmd "compare a1 a2 (reps)" compare "$a1" -- "$a2" --metric ns_per_page --all --threshold 2
cmp_cmd "compare bad folder" compare "$data/run_a" "$tmp/none"
for r in run_verdict run_a run_b; do
    for fmt in text md html csv; do
        cmp_cmd "verdict $r $fmt" verdict --format "$fmt" "$data/$r"
    done
    cmp_cmd "letter $r" letter "$data/$r" "$data/run_a"
done
cmp_cmd "verdict a1 md" verdict --format md "$a1"
cmp_cmd "verdict b md (NEW's run)" verdict --format md "$b"
for m in "$data"/*.memmap; do
    cmp_cmd "layout ${m##*/}" layout --memmap "$m" --csv
    cmp_cmd "heap ${m##*/}" heap --memmap "$m" --summary
    cmp_cmd "heap ${m##*/} lazy" heap --memmap "$m" --strategy lazy --finish --dump-blocks
done
cmp_cmd "heap synthetic chunked" heap --topology 'synthetic:pack:2 [numa(memory=2GiB)] pu:1' \
    --strategy chunked --boot-alloc 64MiB@1 --free-boot --summary

echo "same_output: $same same, $diff different"
[ "$diff" -eq 0 ]
