#!/usr/bin/env bash
# cli_options.sh - the one option rule of every subcommand, from outside:
#
#   eq_*       "--name=VALUE" gives the same output and status as
#              "--name VALUE", in layout, heap, bench and compare
#   version    `heapbench --version` prints the version and a commit
#   bad_*      a bad value after '=' is refused like one after a space:
#              exit 2, one "heapbench:" line naming the value
#   help_*     every option a subcommand takes is explained in its --help
# Prints ok/FAIL per case and one summary line; exits non-zero on failure.
# Usage: tests/cli/cli_options.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
data=$(cd "$(dirname "$0")/../data" && pwd)
own_copy "$1" "$tmp/heapbench"
hb=$tmp/heapbench

# same NAME "ARGS with spaces" "ARGS with =": both runs give the same
# stdout and exit status (and a status of 0: these are good inputs).
same() {
    local name=$1 a=$2 b=$3 ra rb
    eval "\"\$hb\" $a" >"$tmp/a" 2>"$tmp/ea"; ra=$?
    eval "\"\$hb\" $b" >"$tmp/b" 2>"$tmp/eb"; rb=$?
    if [ "$ra" -ne 0 ]; then fail "$name" "exit $ra: $(head -n 1 "$tmp/ea")"
    elif [ "$rb" -ne "$ra" ]; then fail "$name" "exit $rb with '=' against $ra: $(head -n 1 "$tmp/eb")"
    elif ! cmp -s "$tmp/a" "$tmp/b"; then fail "$name" "outputs differ"
    elif [ ! -s "$tmp/a" ]; then fail "$name" "no output"
    else ok "$name"; fi
}

map=$data/small.memmap
same eq_layout_memmap  "layout --memmap $map" "layout --memmap=$map"
same eq_layout_order   "layout --memmap $map --max-order 5" "layout --memmap=$map --max-order=5"
same eq_layout_mem     "layout --topology synthetic:'pack:2 [numa(memory=8GiB)] core:1 pu:1' --mem 4GiB" \
                       "layout --topology=synthetic:'pack:2 [numa(memory=8GiB)] core:1 pu:1' --mem=4GiB"
same eq_heap_strategy  "heap --memmap $map --strategy lazy --finish --dump-blocks" \
                       "heap --memmap=$map --strategy=lazy --finish --dump-blocks"
same eq_heap_encoding  "heap --memmap $map --strategy chunked --encoding uninit --dump-blocks" \
                       "heap --memmap=$map --strategy=chunked --encoding=uninit --dump-blocks"
same eq_heap_bootalloc "heap --memmap $map --strategy chunked --boot-alloc 64K --dump-blocks" \
                       "heap --memmap=$map --strategy=chunked --boot-alloc=64K --dump-blocks"

# compare with '=' options: the same table either way.
run=$data/run_a
if [ -d "$run" ] && [ -d "$data/run_b" ]; then
    same eq_compare_alpha "compare $data/run_a $data/run_b --alpha 0.1" \
                          "compare $data/run_a $data/run_b --alpha=0.1"
fi

# bad values after '=' are refused as after a space.
bad() {
    local name=$1 pat=$2 rc; shift 2
    "$hb" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" -ne 2 ]; then fail "$name" "exit $rc (want 2)"
    elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^heapbench: ' "$tmp/err"; then
        fail "$name" "want one heapbench: line: $(cat "$tmp/err")"
    elif ! grep -qF -- "$pat" "$tmp/err"; then fail "$name" "stderr lacks '$pat': $(cat "$tmp/err")"
    elif [ -s "$tmp/out" ]; then fail "$name" "unexpected stdout"
    else ok "$name"; fi
}
bad bad_eq_mem_unit   '"16"'     layout --mem=16
bad bad_sp_mem_unit   '"16"'     layout --mem 16
bad bad_eq_strategy   'bogus'    heap --memmap="$map" --strategy=bogus
bad bad_eq_order      '99'       layout --memmap="$map" --max-order=99
bad bad_eq_profile    'bogus'    bench --profile=bogus --out="$tmp/results"

# Every option a subcommand's source names (its cmd_<name>*.c, and the
# layout options of cli.h for those that take a layout) has a line of its
# own in that subcommand's --help, starting with the option: none left
# unexplained.
root=$(cd "$data/../.." && pwd)
for cmd in layout heap bench compare ab verdict; do
    srcs=$(ls "$root"/bench/cmd/cmd_"$cmd".c "$root"/bench/cmd/cmd_"$cmd"_*.c 2>/dev/null)
    case $cmd in layout|heap|bench) srcs="$srcs $root/bench/cmd/cli.h" ;; esac
    # shellcheck disable=SC2086
    opts=$(grep -ho '"--[a-z][a-z0-9-]*' $srcs 2>/dev/null | tr -d '"' | sort -u |
           grep -v -e '^--help$' -e '^--benchmark' -e '^--name$')
    "$hb" "$cmd" --help >"$tmp/help" 2>&1
    missing=
    for o in $opts; do
        grep -qE -- "^ +$o( |$)" "$tmp/help" || missing="$missing $o"
    done
    if [ -z "$opts" ]; then fail "help_$cmd" "no options found in $srcs"
    elif [ -n "$missing" ]; then fail "help_$cmd" "not explained in --help:$missing"
    else ok "help_$cmd ($(echo $opts | wc -w) options)"; fi
done

# --version: "heapbench VERSION (commit HASH)" with a real hash.
v=$("$hb" --version 2>&1); rc=$?
# (a tree that is not a git checkout builds "commit unknown")
hash='[0-9a-f]{7,}(-dirty)?'
git -C "$data" rev-parse HEAD >/dev/null 2>&1 || hash=unknown
if [ "$rc" -eq 0 ] && [[ $v =~ ^heapbench\ [0-9]+\.[0-9]+.*\(commit\ $hash\)$ ]]; then
    ok version
else
    fail version "exit $rc: $v"
fi

finish
