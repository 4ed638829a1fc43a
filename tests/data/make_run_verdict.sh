#!/usr/bin/env bash
# make_run_verdict.sh HEAPBENCH - regenerate tests/data/run_verdict, the small
# recorded run that tests/cli/cli_verdict.sh recomputes the verdict from: a
# filtered quick run of every family the verdict reads (init: chunked and
# lazy at two sizes; free: block frees in both encodings at a natural
# boundary, block frees at an unaligned one, the fragmentation count and a
# range free; state: scans of one table in both encodings and layouts).
# Keeps the CSVs and environment.csv, not the JSON or the logs.
set -eu
hb=${1:?usage: tests/data/make_run_verdict.sh HEAPBENCH}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
filter='^init/heap/strategy:(chunked|lazy)/layout:synthetic/ram_gib:(1|2)/nodes:1/aligned:yes/boot_alloc_mib:0/'
filter+='|^free/block/boundary:(natural|unaligned)/order:(0|9)/.*variant:node_check'
filter+='|^free/frag/boundary:(natural|unaligned)/order:18/.*variant:node_check'
filter+='|^free/range/boundary:natural/order:17/'
filter+='|^state/scan/encoding:(legacy|uninit)/table_bytes:4194304/impl:scalar/layout:(entries|bytearray)/'
filter+='|^baseline/read/bytes:4194304/threads:1$'
"$hb" bench --profile quick --filter "$filter" --out "$tmp" >"$tmp/log" 2>&1 \
    || { cat "$tmp/log" >&2; exit 1; }
run=$(ls -d "$tmp"/2*/)
rm -rf "$here/run_verdict"
mkdir "$here/run_verdict"
cp "$run"/*.csv "$here/run_verdict/"
[ -e "$run/skipped.txt" ] && cp "$run/skipped.txt" "$here/run_verdict/"
echo "tests/data/run_verdict: $(ls "$here/run_verdict" | tr '\n' ' ')"
