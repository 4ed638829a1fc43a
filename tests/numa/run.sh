#!/usr/bin/env bash
# tests/numa/run.sh - boot multi-node Linux guests under QEMU and run, inside,
# the checks that need several NUMA nodes (tests/numa/guest.sh).  Ends with
# "numa: N passed, N failed", counted like every other suite.
#
# Usage: tests/numa/run.sh [--if-possible] BUILD [SPEC...]
#   BUILD  the build folder: its heapbench, test/run_tests and
#          tests/numa/placement are copied into the guest
#   SPEC   one guest: node sizes separated by commas, "NxSIZE" for N equal
#          nodes, ":nocpu" after a size for a memory-only node; sizes in M
#          or G, multiples of 128M.  Default: "2x2G" and
#          "1536M,1536M,2G,1G:nocpu".
#   --if-possible  when QEMU, a kernel or busybox is missing, say why in one
#          line ("numa guest: skipped (...)") and pass, instead of failing.
# Distances, TCG or KVM, NUMA_ACCEL, NUMA_TIMEOUT and NUMA_KEEP:
# docs/machines.md, "NUMA: on a real server, and in a guest".
set -u
shopt -s extglob
here=$(cd "$(dirname "$0")" && pwd)
if_possible=0
[ "${1:-}" = --if-possible ] && { if_possible=1; shift; }
build=${1:?usage: tests/numa/run.sh [--if-possible] BUILD [SPEC...]}
shift
specs=${*:-"2x2G 1536M,1536M,2G,1G:nocpu"}
timeout_s=${NUMA_TIMEOUT:-300}
work=$build/numa
passed=0 failed=0

bad() { echo "heapbench: NUMA: $*" >&2; exit 2; }
skip() {
    echo "numa guest: skipped ($*)"
    echo "numa: 0 passed, 0 failed"
    exit 0
}

# ---------------------------------------------------------------------------
# What is needed here
# ---------------------------------------------------------------------------
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
qemu=$(command -v qemu-system-x86_64 || true)
busybox=$(command -v busybox || true)
why=
[ -n "$qemu" ] || why="no qemu-system-x86_64: apt-get install qemu-system-x86"
[ -n "$why" ] || [ -n "$kernel" ] || why="no /boot/vmlinuz-*: apt-get install linux-image-amd64"
[ -n "$why" ] || [ -r "$kernel" ] || why="$kernel is not readable (run as root)"
# The guest has no shared libraries of its own: busybox must be static.
[ -n "$why" ] || { [ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1; } \
    || why="no static busybox: apt-get install busybox-static"
[ -n "$why" ] || command -v cpio >/dev/null || why="no cpio: apt-get install cpio"
[ "$(uname -m)" = x86_64 ] || why="not an x86_64 host"
if [ -n "$why" ]; then
    [ $if_possible = 1 ] && skip "$why"
    echo "numa guest: $why" >&2
    echo "numa: 0 passed, 1 failed"
    exit 1
fi
for f in heapbench test/run_tests tests/numa/placement; do
    [ -x "$build/$f" ] || bad "$build/$f is not built (make BUILD=$build numa-test)"
done

# ---------------------------------------------------------------------------
# Guest specs
# ---------------------------------------------------------------------------
# to_mib SIZE: "1536M" -> 1536, "2G" -> 2048.
to_mib() {
    case $1 in
        [1-9]*([0-9])M) echo "${1%M}" ;;
        [1-9]*([0-9])G) echo $(( ${1%G} * 1024 )) ;;
        *) return 1 ;;
    esac
}


# parse SPEC: sets sizes[] (MiB) and cpu[] (1/0) per node.
parse() {
    local spec=$1 item n size
    sizes=() cpu=()
    IFS=, read -r -a items <<<"$spec"
    [ ${#items[@]} -gt 0 ] || bad "empty guest spec: \"$spec\""
    for item in "${items[@]}"; do
        n=1
        if [[ $item == +([0-9])x* ]]; then n=${item%%x*}; item=${item#*x}; fi
        local c=1
        if [[ $item == *:nocpu ]]; then c=0; item=${item%:nocpu}; fi
        size=$(to_mib "$item") || bad "not a node size: \"$item\" in \"$spec\" (e.g. 1536M, 2G)"
        [ $((size % 128)) -eq 0 ] || bad "node size \"$item\" in \"$spec\" is not a multiple of 128M"
        [ "$n" -ge 1 ] || bad "no nodes: \"$item\" in \"$spec\""
        for ((k = 0; k < n; k++)); do sizes+=("$size"); cpu+=("$c"); done
    done
    local total=0 cpus=0
    for ((k = 0; k < ${#sizes[@]}; k++)); do
        total=$((total + sizes[k])); cpus=$((cpus + cpu[k]))
    done
    [ ${#sizes[@]} -le 8 ] || bad "\"$spec\": at most 8 nodes"
    [ "$cpus" -ge 1 ] || bad "\"$spec\": every node is memory-only; one needs a CPU"
    [ "$total" -le 8192 ] || bad "\"$spec\": ${total}M of guest memory; at most 8G"
}

# distance I J
distance() { local d=$(($1 - $2)); [ $d -lt 0 ] && d=$((-d)); [ $d -eq 0 ] && echo 10 || echo $((16 + 5 * d)); }

# The guest's RAM as a layout CSV (heapbench layout --csv): the pc machine
# puts RAM below 4 GiB up to 3 GiB once the guest has 3.5 GiB or more, the
# rest from 4 GiB; nodes take it in order.
expected_layout() {
    local total=0 low off=0 k s e
    for s in "${sizes[@]}"; do total=$((total + s)); done
    low=$(( total >= 3584 ? 3072 : total ))
    echo "node,start,end,pages"
    for ((k = 0; k < ${#sizes[@]}; k++)); do
        s=$off e=$((off + sizes[k]))
        if [ $s -lt $low ]; then
            local e1=$(( e < low ? e : low ))
            printf '%d,0x%x,0x%x,%d\n' $k $((s << 20)) $((e1 << 20)) $(((e1 - s) << 8))
            s=$e1
        fi
        if [ $s -lt $e ]; then
            local a=$(( (s - low + 4096) << 20 )) b=$(( (e - low + 4096) << 20 ))
            printf '%d,0x%x,0x%x,%d\n' $k $a $b $(((b - a) >> 12))
        fi
        off=$e
    done
}

# ---------------------------------------------------------------------------
# The initramfs: busybox, the binaries and every library they load
# ---------------------------------------------------------------------------
base_initramfs() {
    local root=$work/root f l
    rm -rf "$root"
    mkdir -p "$root"/{bin,proc,sys,dev,tmp,etc}
    cp "$busybox" "$root/bin/busybox"
    cp "$build/heapbench" "$build/test/run_tests" "$build/tests/numa/placement" "$root/bin/"
    cp "$here/guest.sh" "$root/guest.sh"
    cp "$here/init" "$root/init"
    chmod +x "$root/init" "$root/guest.sh"
    for f in heapbench run_tests placement; do
        for l in $(ldd "$root/bin/$f" | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/.*ld-linux/ {print $1}'); do
            [ -e "$root$l" ] && continue
            mkdir -p "$root$(dirname "$l")"
            cp -L "$l" "$root$l"
        done
    done
    (cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$work/base.cpio"
}

# guest_initramfs N: the base plus /numa.conf, as a second cpio archive (the
# kernel unpacks concatenated archives in order).
guest_initramfs() {
    local i=$1 d=$work/conf$1 k j row
    rm -rf "$d"; mkdir -p "$d"
    {
        echo "NUMA_SPEC='${spec}'"
        echo "NUMA_NODES=${#sizes[@]}"
        echo "NUMA_SIZES_MIB='${sizes[*]}'"
        echo "NUMA_HAS_CPU='${cpu[*]}'"
        for ((k = 0; k < ${#sizes[@]}; k++)); do
            row=
            for ((j = 0; j < ${#sizes[@]}; j++)); do row="$row $(distance $k $j)"; done
            echo "NUMA_DIST_$k='${row# }'"
        done
    } >"$d/numa.conf"
    expected_layout >"$d/layout.csv"
    (cd "$d" && printf '%s\n' numa.conf layout.csv | cpio -o -H newc --quiet) >"$work/conf$i.cpio"
    cat "$work/base.cpio" "$work/conf$i.cpio" >"$work/initrd$i"
}

# qemu_args: the machine for the current spec.
qemu_args() {
    local k j vcpu=0 total=0 cpus=0
    for ((k = 0; k < ${#sizes[@]}; k++)); do total=$((total + sizes[k])); cpus=$((cpus + cpu[k])); done
    args=(-machine pc -cpu max -smp "$cpus" -m "${total}M" -nodefaults -display none
          -no-reboot -monitor none)
    for ((k = 0; k < ${#sizes[@]}; k++)); do
        args+=(-object "memory-backend-ram,id=m$k,size=${sizes[k]}M")
        if [ "${cpu[k]}" = 1 ]; then
            args+=(-numa "node,nodeid=$k,cpus=$vcpu,memdev=m$k"); vcpu=$((vcpu + 1))
        else
            args+=(-numa "node,nodeid=$k,memdev=m$k")
        fi
    done
    for ((k = 0; k < ${#sizes[@]}; k++)); do
        for ((j = 0; j < ${#sizes[@]}; j++)); do
            [ $k -eq $j ] || args+=(-numa "dist,src=$k,dst=$j,val=$(distance $k $j)")
        done
    done
}

# boot INITRD LOG ACCEL SECONDS: run the guest until it powers off; the
# console goes to LOG.  Fails if it did not power off in time.
boot() {
    local accel=$3
    timeout --kill-after=5 "$4" "$qemu" -accel "$accel" "${args[@]}" \
        -kernel "$kernel" -initrd "$1" -serial "file:$2" \
        -append "console=ttyS0 quiet panic=-1 rdinit=/init hbaccel=$accel" </dev/null >"$2.qemu" 2>&1
}

# KVM only if /dev/kvm opens and a probe guest boots with it; remembered.
pick_accel() {
    local probe=$work/kvm-probe key
    case ${NUMA_ACCEL:-auto} in
        tcg|kvm) accel=$NUMA_ACCEL; return ;;
    esac
    accel=tcg
    { [ -c /dev/kvm ] && : 2>/dev/null <>/dev/kvm; } || return 0
    key="$(basename "$kernel") $("$qemu" --version | head -n 1)"
    if [ -f "$probe" ] && [ "$(head -n 1 "$probe")" = "$key" ]; then
        accel=$(sed -n 2p "$probe"); return
    fi
    if boot "$work/initrd0" "$work/kvm-probe.log" kvm 30 && grep -q '^@numa up' "$work/kvm-probe.log"; then
        accel=kvm
    fi
    printf '%s\n%s\n' "$key" "$accel" >"$probe"
    echo "numa guest: KVM $( [ $accel = kvm ] && echo works || echo 'did not boot a guest in 30 s' ); using $accel"
}

# ---------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------
for spec in $specs; do parse "$spec"; done      # refuse a bad spec first
mkdir -p "$work"
rm -f "$work"/*.log "$work"/*.log.qemu
base_initramfs || bad "cannot build the initramfs in $work"
i=0
for spec in $specs; do parse "$spec"; guest_initramfs $i; i=$((i + 1)); done
i=0
for spec in $specs; do
    parse "$spec"
    qemu_args
    [ $i -eq 0 ] && pick_accel
    log=$work/$i.log
    echo "numa guest $i: $spec (${#sizes[@]} nodes, $accel)"
    t0=$(date +%s)
    boot "$work/initrd$i" "$log" "$accel" "$timeout_s"
    rc=$?
    # The guest's own lines, tables and checks; kernel noise left out.
    tr -d '\r' <"$log" | grep -v '^\[ *[0-9.]*\]' | sed 's/^/  /'
    p=$(tr -d '\r' <"$log" | grep -c '^@numa ok ')
    f=$(tr -d '\r' <"$log" | grep -c '^@numa FAIL ')
    if ! tr -d '\r' <"$log" | grep -q '^@numa done'; then
        echo "  FAIL guest $i ($spec): did not finish (qemu status $rc after $(( $(date +%s) - t0 )) s; see $log)"
        sed 's/^/  qemu: /' "$log.qemu" | tail -n 5
        tail -n 15 "$log" | sed 's/^/  console: /'
        f=$((f + 1))
    fi
    echo "numa guest $i: $p passed, $f failed ($(( $(date +%s) - t0 )) s, emulated: not a measurement)"
    passed=$((passed + p)) failed=$((failed + f))
    i=$((i + 1))
done
[ "${NUMA_KEEP:-0}" = 1 ] || rm -rf "$work/root" "$work"/conf* "$work"/base.cpio "$work"/initrd*
echo "numa: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
