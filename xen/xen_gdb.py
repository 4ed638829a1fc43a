# xen/xen_gdb.py - run inside gdb (gdb -batch -x xen/xen_gdb.py) against a
# Xen that QEMU holds at its first instruction (-S, -icount rr=record).
# Stops Xen at end_boot_allocator, writes what it receives (the boot
# allocator's regions, split at node boundaries by Xen's own memnodemap),
# counts the instructions up to the printk it ends with, walks Xen's free
# lists, then runs on to runtime state (M2P valid, before dom0), walks the
# lists again and calls alloc_heap_pages/free_heap_pages for each operation
# of XG_OPS, counting each call.  Symbols are found by name in XG_SYMS
# (xen-syms, which need have no type information): a plain name, or
# Debian's file-local form "file.c#name".  Every address and layout below is
# Xen 4.17's on x86-64 (struct page_info, page_list_head, heap()).
#
# Environment: XG_SYMS, XG_PORT, XG_OUT (folder), XG_OPS ("node:order ...").
import os
import struct
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gdbxen import Pdx, Symbols, die, connect, icount, rd, run_to, u8, u32, u64  # noqa: E402

NR_ZONES = 41           # PADDR_BITS - PAGE_SHIFT + 1
MAX_NUMNODES = 64
PAGE_INFO = 32          # sizeof(struct page_info)
LIST_HEAD = 16          # struct page_list_head { next, tail }
MEMF_NO_SCRUB = 1 << 8
MEMF_NODE_SHIFT = 16
# FRAMETABLE_VIRT_START without and with CONFIG_BIGMEM.
FRAME_TABLES = (0xffff82e000000000, 0xffff830000000000)
# Where the operations run: __start_xen calls it after paging_init(),
# the initcalls and SMP bring-up, before create_dom0() (xen/arch/x86/setup.c).
RUNTIME_STOP = "init_guest_cpu_policies"


SYM = Symbols(os.environ["XG_SYMS"])
sym = SYM


# heap(node, zone, order) lists per node: NR_ZONES x (MAX_ORDER + 1) heads;
# MAX_ORDER is a build option (CONFIG_PAGEALLOC_MAX_ORDER), so read it from
# the size of the first node's static copy.
MAX_ORDER = SYM.static_size("_heap_static") // (NR_ZONES * LIST_HEAD) - 1


def node_of(pdx_map, pfn):
    shift, nmap = pdx_map
    return u8(nmap + (PDX.to_pdx(pfn) >> shift))


def read_regions():
    """The boot allocator's regions in Xen's order, each split at node
    changes: (s, e, node, index of the Xen region)."""
    nr = u32(sym("nr_bootmem_regions"))
    base = sym("bootmem_region_list")
    if u64(base) >= 0xffff800000000000:     # a pointer in later Xens
        base = u64(base)
    nmap = (u32(sym("memnode_shift")), u64(sym("memnodemap")))
    out = []
    for i in range(nr):
        s, e = struct.unpack("<QQ", rd(base + 16 * i, 16))
        if s >= e:
            continue
        step = 1 << nmap[0]
        start, node = s, node_of(nmap, s)
        # A granule holds one node: test only where granules begin.
        g = (PDX.to_pdx(s) >> nmap[0]) + 1
        while True:
            pfn = PDX.to_pfn(g * step)
            if pfn >= e:
                break
            n = node_of(nmap, pfn)
            if n != node:
                out.append((start, pfn, node, i))
                start, node = pfn, n
            g += 1
        out.append((start, e, node, i))
    return out


def frame_table(ptrs):
    for ft in FRAME_TABLES:
        if all(ft <= p < ft + PAGE_INFO * MAX_PDX and (p - ft) % PAGE_INFO == 0
               for p in ptrs):
            return ft
    odd = [p for p in ptrs if not FRAME_TABLES[0] <= p < FRAME_TABLES[0] + PAGE_INFO * MAX_PDX]
    die("no frame-table base fits the list heads (%s; max_pdx 0x%x)"
        % (" ".join("0x%x" % p for p in odd[:4]), MAX_PDX))


def walk_free_lists():
    """Every free block: (node, zone, order, mfn, list order) in list
    order, and avail[][] sums."""
    heap = sym("_heap")
    avail = sym("avail")
    heads, blocks, sums = [], [], {}
    for node in range(MAX_NUMNODES):
        hp = u64(heap + 8 * node)
        if not hp:
            continue
        raw = rd(hp, NR_ZONES * (MAX_ORDER + 1) * LIST_HEAD)
        for z in range(NR_ZONES):
            for o in range(MAX_ORDER + 1):
                off = (z * (MAX_ORDER + 1) + o) * LIST_HEAD
                nxt, tail = struct.unpack_from("<QQ", raw, off)
                if nxt:
                    heads.append((node, z, o, nxt, tail))
                    if os.environ.get("XG_DEBUG"):
                        print("head", node, z, o, hex(hp), hex(nxt), hex(tail))
        ap = u64(avail + 8 * node)
        sums[node] = sum(struct.unpack("<%dQ" % NR_ZONES, rd(ap, 8 * NR_ZONES)))
    ft = frame_table([h[3] for h in heads])
    for node, z, o, pg, tail in heads:
        while True:
            pdx = (pg - ft) // PAGE_INFO
            order = u32(pg + 24)            # v.free.order
            dirty = u32(pg + 16) & ((2 << MAX_ORDER) - 1)   # u.free.first_dirty
            blocks.append((node, z, order, PDX.to_pfn(pdx), o, dirty))
            if pg == tail:
                break
            pg = ft + PAGE_INFO * u32(pg)   # list.next (a pdx)
    return ft, blocks, sums


def check_lists(blocks, sums):
    bad = [b for b in blocks if b[2] != b[4]]
    if bad:
        die("block at 0x%x on the order-%d list has order %d" % (bad[0][3], bad[0][4], bad[0][2]))
    total = sum(1 << b[2] for b in blocks)
    if total != sum(sums.values()):
        die("free lists hold %d pages, avail[][] says %d" % (total, sum(sums.values())))
    return total


def call(expr):
    before = icount()
    v = gdb.parse_and_eval(expr)
    n = icount() - before
    return (0 if v.type.code == gdb.TYPE_CODE_VOID else int(v) & (2**64 - 1)), n


def write(path, header, rows):
    with open(path + ".tmp", "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")
    os.replace(path + ".tmp", path)


def main():
    global PDX, MAX_PDX
    out = os.environ["XG_OUT"]
    connect(os.environ["XG_PORT"])

    eba, printk = sym("end_boot_allocator"), sym("printk")
    run_to(eba)
    t0 = icount()
    PDX = Pdx(sym)
    MAX_PDX = u64(sym("max_pdx"))
    regions = read_regions()
    boot_node = u8(sym("cpu_to_node"))      # cpu_to_node[0]
    write(out + "/regions.csv", "start,end,node,xen_region",
          [("0x%x" % s, "0x%x" % e, n, i) for s, e, n, i in regions])
    # The printk end_boot_allocator ends with: its first call from here.
    run_to(printk)
    eba_count = icount() - t0
    pages = sum(e - s for s, e, _, _ in regions) - \
        (1 if any(s == 0 for s, _, _, _ in regions) else 0)
    ft, blocks, sums = walk_free_lists()
    total = check_lists(blocks, sums)
    write(out + "/blocks.csv", "node,zone,order,mfn",
          [(n, z, o, "0x%x" % m) for n, z, o, m, _, _ in sorted(blocks, key=lambda b: b[3])])

    # The operations are runtime calls: count them where paging_init() has
    # made the M2P valid (so free_heap_pages() stores its entries, as every
    # free after boot does), after the initcalls and before dom0 is built.
    # Boot has allocated from the heap since: the lists there, in list
    # order, are what the model's operations start from.
    run_to(sym(RUNTIME_STOP))
    m2p_valid = u8(sym("machine_to_phys_mapping_valid"))
    if not m2p_valid:
        die("the M2P is not valid at %s" % RUNTIME_STOP)
    system_state = u32(sym("system_state"))
    _, rblocks, rsums = walk_free_lists()
    check_lists(rblocks, rsums)
    # first_dirty: the block's first page to scrub, "none" (INVALID_DIRTY_IDX).
    write(out + "/runtime-blocks.csv", "node,zone,order,mfn,first_dirty",
          [(n, z, o, "0x%x" % m, "none" if d == (2 << MAX_ORDER) - 1 else d)
           for n, z, o, m, _, d in rblocks])
    # No interrupt may land inside a counted call: IF off in the frame
    # the calls start from (gdb restores it after each).
    gdb.execute("set $eflags = $eflags & ~0x200", to_string=True)

    # The cost of a call that does nothing: a "ret" (gdb's call machinery
    # itself executes no guest instructions, but measure, not assume).
    ops = []
    alloc, free = sym("alloc_heap_pages"), sym("free_heap_pages")
    afn = "((unsigned long(*)(unsigned,unsigned,unsigned,unsigned,void*))0x%x)" % alloc
    ffn = "((void(*)(unsigned long,unsigned,unsigned char))0x%x)" % free
    for op in os.environ.get("XG_OPS", "").split():
        node, order = (int(x) for x in op.split(":"))
        flags = MEMF_NO_SCRUB | ((node + 1) << MEMF_NODE_SHIFT)
        pg, n_alloc = call("%s(0, %d, %d, %d, 0)" % (afn, NR_ZONES - 1, order, flags))
        if not pg:
            ops.append((node, order, "none", n_alloc, ""))
            continue
        mfn = PDX.to_pfn((pg - ft) // PAGE_INFO)
        _, n_free = call("%s(0x%x, %d, 0)" % (ffn, pg, order))
        ops.append((node, order, "0x%x" % mfn, n_alloc, n_free))
    write(out + "/ops.csv", "node,order,mfn,alloc_instructions,free_instructions", ops)
    write(out + "/info.csv", "key,value", [
        ("eba_instructions", eba_count), ("eba_pages", pages),
        ("boot_node", boot_node), ("frame_table", "0x%x" % ft),
        ("memnode_shift", u32(sym("memnode_shift"))),
        ("pdx_hole_shift", PDX.shift), ("free_pages", total),
        ("max_order", MAX_ORDER), ("ops_at", RUNTIME_STOP),
        ("ops_m2p_valid", m2p_valid), ("ops_system_state", system_state)])
    gdb.execute("kill", to_string=True)


main()
