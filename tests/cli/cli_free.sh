#!/usr/bin/env bash
# cli_free.sh - the free family's block frees from the outside: one booted
# heap serves every repetition and benchmark of its kind (each timed free
# is undone by an untimed claim of the same block, and the benchmark checks
# after every repetition that the free blocks and counters are as before),
# and each repetition's time is the median of its batches.
# Usage: tests/cli/cli_free.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1

# Two nodes of 4 GiB, boundary B at 4 GiB (natural):
#
#   node 0 [1 MiB ........ 2 GiB=away ........ B)[B ..... node 1 ..... 8 GiB)
#          order-k block "away" at 2 GiB;  "boundary": the one ending at B
#
# Orders 0 and 9, at and away from B, 3 repetitions in one process: the
# heap is booted once and every repetition after the first frees into the
# state the one before left.
# Expect: no benchmark skipped (a claim that finds its block taken, or a
# heap that differs after a repetition, fails it); 12 rows; no page fault
# in the loop; merges 18 - order per free (each free merges back to the
# 1 GiB block it was split from: at B too, as B is 1 GiB aligned); batches
# is ceil(iterations / (64 >> order)) (157 at order 0, 1 free per batch
# from order 6); batch_iqr_pct a percentage; real_ns a positive median.
case_block_restore() {
    local out=$tmp/r dir rc
    "$hb" bench --profile default --processes 1 --repetitions 3 \
        --filter '^free/block/boundary:natural/order:(0|9)/where:(boundary|away)/.*variant:node_check/encoding:legacy' \
        --out "$out" >"$tmp/run.out" 2>"$tmp/run.err"; rc=$?
    [ "$rc" -eq 0 ] || { fail block_restore "exit $rc: $(tail -n 3 "$tmp/run.err")"; return; }
    grep -q ' 0 skipped;' "$tmp/run.out" || { fail block_restore "skipped: $(grep skipped "$tmp/run.out")"; return; }
    dir=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    local bad
    bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { n++
          o = $c["order"]; it = $c["iterations"]; bs = o < 6 ? 2 ^ (6 - o) : 1
          want = int((it + bs - 1) / bs)
          if ($c["faults"] != 0) print "faults " $c["faults"] " in " $1
          if ($c["merges"] != 18 - o) print "merges " $c["merges"] " in " $1
          if ($c["batches"] != want) print "batches " $c["batches"] " (want " want ") in " $1
          if ($c["batch_iqr_pct"] == "" || $c["batch_iqr_pct"] < 0) print "batch_iqr_pct \"" $c["batch_iqr_pct"] "\" in " $1
          if (!($c["real_ns"] > 0)) print "real_ns " $c["real_ns"] " in " $1 }
        END { if (n != 12) print n " rows, expected 12" }' "$dir/free.csv")
    [ -z "$bad" ] || { fail block_restore "$(echo "$bad" | head -n 3)"; return; }
    ok block_restore
}

# Equal work at a boundary that stops merging: at the order-9 boundary an
# order-0 free merges 9 times, an order-9 one not at all; at the unaligned
# one (a page past 1 GiB) an order-0 free does not merge.  Away from them
# the same frees merge up to max_order, unless the buddy where the
# boundary free stopped is held (where:away_capped).
# Expect: every away_capped free merges exactly as often as the boundary
# free of its order and boundary, every plain away free merges more (or as
# much where the boundary stops nothing), and nothing is skipped (the held
# buddy is given back: the heap check after each repetition holds).
case_away_capped() {
    local out=$tmp/c dir rc bad
    "$hb" bench --profile quick --processes 1 --repetitions 2 \
        --filter '^free/block/boundary:(order9|unaligned)/order:(0|9)/.*variant:node_check/encoding:legacy' \
        --out "$out" >"$tmp/run.out" 2>"$tmp/run.err"; rc=$?
    [ "$rc" -eq 0 ] || { fail away_capped "exit $rc: $(tail -n 3 "$tmp/run.err")"; return; }
    grep -q ' 0 skipped;' "$tmp/run.out" || { fail away_capped "skipped: $(grep skipped "$tmp/run.out")"; return; }
    dir=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { k = $c["boundary"] "/" $c["order"]; m[k, $c["where"]] = $c["merges"]; keys[k] = 1; n++ }
        END { for (k in keys) {
                  if (!((k, "away_capped") in m)) { print "no away_capped for " k; continue }
                  if (m[k, "away_capped"] != m[k, "boundary"]) print k ": capped " m[k, "away_capped"] " boundary " m[k, "boundary"]
                  if (m[k, "away"] < m[k, "boundary"]) print k ": away " m[k, "away"] " < boundary " m[k, "boundary"] }
              if (m["order9/0", "boundary"] != 9 || m["unaligned/0", "boundary"] != 0) print "boundary merges not as drawn"
              if (n != 24) print n " rows, expected 24" }' "$dir/free.csv")
    [ -z "$bad" ] || { fail away_capped "$(echo "$bad" | head -n 3)"; return; }
    ok away_capped
}

case_block_restore
case_away_capped
finish
