#!/usr/bin/env bash
# make_corpus.sh - write the seed corpus of the heap fuzzer (tests/fuzz/corpus).
#
# Each seed is a layout header spelled out byte by byte in the order
# fuzz_heap.c reads it, followed by a deterministic pseudo-random tail of
# operations (awk's rand with a fixed seed), so that every strategy,
# encoding and layout shape is covered from the first second of a run.
# The header's bytes are described above the seeds below.
# Usage: tests/fuzz/make_corpus.sh   (rewrites the corpus in place)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)/corpus
mkdir -p "$dir"

# tail SEED LEN BIAS: LEN op bytes; BIAS>0 makes every other op that opcode
tail_ops() {
    awk -v seed="$1" -v n="$2" -v bias="$3" 'BEGIN {
        srand(seed)
        for (i = 0; i < n; i++) {
            b = int(rand() * 256)
            if (bias > 0 && i % 4 == 0) b = bias
            printf "\\%03o", b
        }
    }'
}

# seed NAME HEADER-HEX TAIL-SEED TAIL-LEN [BIAS]
seed() {
    local name=$1 hex=$2 s=$3 n=$4 bias=${5:-0} esc="" b
    for b in $hex; do esc+=$(printf '\\%03o' "0x$b"); done
    printf '%b' "$esc$(tail_ops "$s" "$n" "$bias")" >"$dir/$name"
}

# Header: C MAXORD BOOTNODE FLAGS NRANGES-1 [BASE], then per range SEL LEN
# [GAP] NODE, then NBOOT and per allocation SEL PAGES ALIGN NODE+1.
#   MAXORD: max_order 3 + MO%10.  RAM stops at 4096 pages (fuzz_heap.c:
#   FZ_MAX_RAM, FZ_ORDERS, FZ_HIGH_BITS).
#   C = nodes-1 | strategy<<2 (0 pagewise, 4 chunked, 8 lazy, c deferred)
#       | 0x10 uninit encoding (eager only) | 0x20 chunked reference
#   FLAGS: 1 MFN 0 is RAM, 2 high MFNs, e0 (all three bits) deferred
#   node jobs on threads of the heap's own, not the fuzzer's pool.  BASE: with 2, two bytes (2^(20+E%4)
#   plus an offset); with neither, one byte (first MFN 1 + B%32).
#   SEL: LEN is below 2^(SEL%13) (SEL >= 0xf0: 2^(SEL%17)), one byte when
#   that is <= 256, else two (little-endian); range length LEN+1.  GAP (from the second range on):
#   <0x70 none, <0xe0 1..64, <0xff a multiple of 4099, 0xff a new chunk.
#   PAGES likewise below 2^(SEL%11), ALIGN 2^(A%6).
#
#      name              C  MO BN FL NR [BASE] ranges...           boot...
seed pagewise-mfn0        "00 00 00 01 00  08 c7 00                         02 06 20 00 00 04 03 02 01" 1 300
seed chunked-2node        "25 05 01 00 02 05  0a 10 02 00  09 30 01 00 01  08 40 00 00   01 05 10 01 02" 2 400
seed lazy-interleave      "09 0f 00 01 02  0b ff 05 00  0b ff 03 00 01  0a ff 01 00 00   03 07 50 00 01 03 05 00 02 08 90 02 00" 3 500
seed deferred-4node       "0f 0a 02 00 04 03  0a 00 01 00  09 00 01 40 01  0a 80 02 00 02  08 ff 10 03  09 11 01 00 00   02 04 08 00 03 06 20 01 04" 4 500 9
seed pagewise-uninit-high "10 02 00 02 01 01 07  0c ff 07 00  08 30 75 00   01 06 20 05 00" 5 300
seed chunked-uninit-holes "35 07 00 00 03 1f  09 ff 01 00  09 ff 01 80 01  06 0f c0 00  0a ff 03 e0 01   04 03 05 00 00 03 05 01 01 06 07 02 02 01 00 00 00" 6 400
seed lazy-farchunk        "0a 0f 01 01 01  0b ff 03 00  0b ff 03 ff 01   01 08 40 03 02" 7 400
seed lazy-mfn0-inuse      "08 00 00 01 00  08 3f 00   01 06 3f 00 00" 8 200 7
seed misuse-legacy        "01 04 00 01 02  0a ff 00 00  09 ff 00 00 01  09 ff 00 70 00   02 03 07 01 00 05 13 02 01" 9 400 10
seed claim-lazy           "09 08 00 00 01 05  0b ff 01 00  0a ff 02 00 01   00" 10 400 6
seed deferred-sparse      "0f 12 03 00 02 07  0b ff 03 00  0a ff 01 50 02  09 ff 00 00 00   02 05 20 00 03 06 30 04 01" 11 400 9
seed deferred-own-threads "0f 0a 02 e0 04 03  0a 00 01 00  09 00 01 40 01  0a 80 02 00 02  08 ff 10 03  09 11 01 00 00   02 04 08 00 03 06 20 01 04" 13 500 9
seed lazy-full            "0b 12 00 01 03  fe ff 03 00  fe ff 03 00 01  fe ff 03 90 02  fe ff 03 00 03   03 0a ff 03 05 00 09 40 01 02 04 06 c0 00 00" 12 120
ls -l "$dir" | tail -n +2 | wc -l
