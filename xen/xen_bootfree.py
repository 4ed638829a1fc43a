# xen/xen_bootfree.py - run inside gdb (gdb -batch -x) against a Xen that
# QEMU holds at its first instruction (-S, -icount rr=record): the first
# free of a page the heap never initialised.  Stops Xen at end_boot_allocator
# (the boot allocator's regions are final there), finds the lowest page
# above the highest region that Xen itself took at boot (its image, the
# boot modules, boot allocations: in use, never given to the heap), lets
# end_boot_allocator finish, then calls free_heap_pages on that page at
# order 0 and counts the call exactly.  For stock Xen that page reads "in
# use" (state 0); under the PGC_state_uninitialised encoding it reads
# "uninitialised" and the free goes through heap init.  A lazy variant's
# lazy_heap_finish() (initialise what is still pending) is called after it,
# counted too, with the pages it found pending.
#
# Environment: XB_SYMS (xen-syms), XB_PORT (gdb remote), XB_OUT (a file:
# "key,value" lines).  Xen 4.17 x86-64 layouts; the frame table's base is
# FRAMETABLE_VIRT_START (no CONFIG_BIGMEM).
import os
import struct
import sys

import gdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gdbxen import Pdx, Symbols, die, connect, icount, rd, run_to, u32, u64  # noqa: E402

FRAME_TABLE = 0xffff82e000000000
PAGE_INFO = 32
PGC_STATE_SHIFT = 56        # the lowest bit a 2- or 3-bit state can use


SYM = Symbols(os.environ["XB_SYMS"])
sym = SYM


def highest_region_end():
    base = sym("bootmem_region_list")
    if u64(base) >= 0xffff800000000000:     # a pointer in later Xens
        base = u64(base)
    ends = [struct.unpack("<QQ", rd(base + 16 * i, 16))
            for i in range(u32(sym("nr_bootmem_regions")))]
    return max(e for s, e in ends if s < e)


def main():
    connect(os.environ["XB_PORT"])
    run_to(sym("end_boot_allocator"))
    pfn = highest_region_end()
    run_to(sym("printk"))       # end_boot_allocator's closing message
    if pfn >= u64(sym("max_page")):
        die("no RAM above the highest boot region (pfn 0x%x)" % pfn)
    pg = FRAME_TABLE + PAGE_INFO * Pdx(sym).to_pdx(pfn)
    state = u64(pg + 8) >> PGC_STATE_SHIFT          # count_info
    fn = "((void(*)(unsigned long,unsigned,unsigned char))0x%x)" % \
        sym("free_heap_pages")
    before = icount()
    gdb.parse_and_eval("%s(0x%x, 0, 0)" % (fn, pg))
    n = icount() - before
    rows = [("mfn", "0x%x" % pfn), ("count_info_high_byte", "0x%x" % state),
            ("free_instructions", n)]
    if SYM.has("lazy_heap_finish"):
        pending = u64(sym("lazy_pending"))
        before = icount()
        gdb.parse_and_eval("((void(*)(void))0x%x)()" % sym("lazy_heap_finish"))
        rows += [("finish_pages", pending), ("finish_instructions", icount() - before),
                 ("finish_left", u64(sym("lazy_pending")))]
    with open(os.environ["XB_OUT"], "w") as f:
        f.write("key,value\n" + "".join("%s,%s\n" % r for r in rows))
    gdb.execute("kill", to_string=True)


main()
