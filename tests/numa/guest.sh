#!/bin/sh
# tests/numa/guest.sh - the checks that need several NUMA nodes, run by the
# guest's /init (busybox sh) inside a QEMU guest that tests/numa/run.sh
# booted.  /numa.conf says what QEMU was asked for (node sizes, CPUs,
# distances); /layout.csv is the layout those arguments imply.  Every check
# prints "@numa ok NAME" or "@numa FAIL NAME: why"; run.sh counts them.
# Timings are never printed: under emulation they mean nothing.
. /numa.conf
SYS=/sys/devices/system/node
OUT=/tmp/results

ok() { echo "@numa ok $1"; }
fail() { n=$1; shift; echo "@numa FAIL $n: $*"; }
check() {   # check NAME WHY COMMAND...: ok if COMMAND succeeds
    n=$1 why=$2; shift 2
    if "$@"; then ok "$n"; else fail "$n" "$why"; fi
}

# ---------------------------------------------------------------------------
# The machine Linux sees is the one QEMU was asked for
# ---------------------------------------------------------------------------
seen=$(ls -d $SYS/node[0-9]* | wc -l)
check guest_nodes "Linux sees $seen nodes, QEMU was given $NUMA_NODES" [ "$seen" -eq "$NUMA_NODES" ]
k=0 vcpu=0
for has in $NUMA_HAS_CPU; do
    want=$(eval echo "\$NUMA_DIST_$k")
    got=$(cat $SYS/node$k/distance)
    check "guest_node${k}_distances" "\"$got\", QEMU was given \"$want\"" [ "$got" = "$want" ]
    cpus=$(cat $SYS/node$k/cpulist)
    if [ "$has" = 1 ]; then want=$vcpu; vcpu=$((vcpu + 1)); else want=; fi
    check "guest_node${k}_cpus" "cpulist \"$cpus\", expected \"$want\"" [ "$cpus" = "$want" ]
    k=$((k + 1))
done

# ---------------------------------------------------------------------------
# heapbench layout --topology host: the nodes and ranges exactly
# ---------------------------------------------------------------------------
heapbench layout --topology host --csv >/tmp/layout.csv 2>&1
if cmp -s /tmp/layout.csv /layout.csv; then
    ok layout_ranges_exact
else
    fail layout_ranges_exact "heapbench layout --csv differs from QEMU's arguments"
    echo "expected:"; cat /layout.csv; echo "heapbench:"; cat /tmp/layout.csv
fi
heapbench layout --topology host >/tmp/layout.txt 2>&1
echo "heapbench layout --topology host:"
sed 's/^/    /' /tmp/layout.txt
k=0
for size in $NUMA_SIZES_MIB; do
    # The layout's pages for the node, against QEMU's size and the kernel's
    # own count: MemTotal leaves out what the kernel reserved (its struct
    # pages, the kernel image), a few per cent, never more than the node.
    pages=$(awk -F, -v k=$k 'NR > 1 && $1 == k { p += $4 } END { print p + 0 }' /tmp/layout.csv)
    total_kib=$(awk '/MemTotal/ { print $4 }' $SYS/node$k/meminfo)
    check "layout_node${k}_size" "$pages pages, QEMU gave ${size}M" [ "$pages" -eq $((size * 256)) ]
    check "layout_node${k}_meminfo" "MemTotal ${total_kib} kB for a node of ${size}M" \
        [ "$total_kib" -le $((size * 1024)) -a "$total_kib" -ge $((size * 1024 * 85 / 100)) ]
    check "layout_node${k}_binding" "no \"binding: real (host node $k)\"" \
        grep -q "^$k .*binding: real (host node $k)" /tmp/layout.txt
    k=$((k + 1))
done

# ---------------------------------------------------------------------------
# Frame-table slices on their nodes, deferred threads on their nodes' CPUs
# ---------------------------------------------------------------------------
placement
check placement_exit "tests/numa/placement failed" [ $? -eq 0 ]

# ---------------------------------------------------------------------------
# The unit tests of host binding, on every node of a multi-node host
# ---------------------------------------------------------------------------
ASAN_OPTIONS=detect_leaks=1 run_tests hb_topo topology_host pa_heap_bind >/tmp/unit.txt 2>&1
rc=$?
sed -n 's/^ok  */@numa ok unit:/p; s/^FAIL */@numa FAIL unit:/p' /tmp/unit.txt
grep -v '^ok ' /tmp/unit.txt | sed 's/^/    /'
check unit_exit "run_tests exited $rc" [ $rc -eq 0 ]

# ---------------------------------------------------------------------------
# The benchmark families that involve nodes: complete, nothing skipped for
# want of a node, and the record says the nodes, distances and emulation.
# ---------------------------------------------------------------------------
# bench_run NAME PROFILE FILTER FAMILY...: one results folder, checked.
bench_run() {
    name=$1 profile=$2 filter=$3; shift 3
    heapbench bench --profile "$profile" --repetitions 1 --filter "$filter" \
        --out "$OUT/$name" >"/tmp/$name.txt" 2>&1
    rc=$?
    # Its error lines only: the rest are timings, meaningless here.
    check "${name}_exit" "heapbench bench exited $rc: $(grep -i 'heapbench:\|error' "/tmp/$name.txt" | head -n 3)" \
        [ $rc -eq 0 ]
    run=$(ls -d "$OUT/$name"/2* 2>/dev/null | head -n 1)
    env=$run/environment.csv
    check "${name}_results" "no results folder" [ -n "$run" -a -f "$env" ]
    for fam in "$@"; do
        rows=$(($(cat "$run/$fam.csv" 2>/dev/null | wc -l) - 1))
        check "${name}_${fam}_rows" "$fam.csv has no rows" [ "$rows" -gt 0 ]
    done
    if [ -f "$run/skipped.txt" ] && grep -qi 'node' "$run/skipped.txt"; then
        fail "${name}_no_node_skips" "$(grep -i node "$run/skipped.txt" | head -n 3)"
    else
        ok "${name}_no_node_skips"
    fi
    check "${name}_env_nodes" "environment.csv: no numa_nodes,$NUMA_NODES" \
        grep -q "^numa_nodes,$NUMA_NODES\$" "$env"
    k=0
    for has in $NUMA_HAS_CPU; do
        want=$(eval echo "\$NUMA_DIST_$k")
        check "${name}_env_node${k}_distances" "environment.csv: no node${k}_distances,$want" \
            grep -q "^node${k}_distances,$want\$" "$env"
        k=$((k + 1))
    done
    # run.sh says on the command line whether QEMU emulated (tcg) or used kvm.
    accel=$(sed -n 's/.*hbaccel=\([a-z]*\).*/\1/p' /proc/cmdline)
    [ "$accel" = kvm ] && want='virtual machine' || want=emulated
    check "${name}_env_virtualisation" "environment.csv does not say \"$want\": $(grep virtualisation "$env")" \
        grep -q "^virtualisation,$want" "$env"
}

# Frees at a node boundary (unaligned: off any power of two), state checks:
# the quick profile.  Init on the guest's own layout, all its nodes: only
# the default profile has it.
bench_run bench_quick quick \
    '^(free/(block|frag|range)/boundary:unaligned/order:9/|state/check/encoding:uninit/table_bytes:262144/impl:scalar/)' \
    free state
bench_run bench_given default '^init/heap/.*/layout:given/' init
check bench_init_all_nodes "no init row with nodes:$NUMA_NODES on the guest's layout" \
    grep -q "layout:given/ram_gib:[0-9]*/nodes:$NUMA_NODES/" "$run/init.csv"
echo "environment.csv (machine part):"
grep -E '^(virtualisation|numa_nodes|node[0-9]+_|pus)' "$env" | sed 's/^/    /'
