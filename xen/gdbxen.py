# xen/gdbxen.py - what the scripts that run inside gdb against a Xen held
# by QEMU (xen_gdb.py, xen_bootfree.py) share: symbols by name from
# xen-syms (a plain name, or Debian's file-local "file.c#name"), reads of
# guest memory, QEMU's exact instruction count ("monitor info replay"),
# running to an address, and Xen's PDX conversion.  Imported, not run.
import re
import struct
import subprocess

import gdb


class Fail(gdb.GdbError):
    pass


def die(msg):
    raise Fail(msg)


class Symbols:
    """Addresses and sizes from `nm -S XEN_SYMS`."""

    def __init__(self, path):
        out = subprocess.run(["nm", "-S", path], check=True,
                             capture_output=True, text=True).stdout
        self.addr, self.size = {}, {}
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4:
                self.size[f[3]] = int(f[1], 16)
            if len(f) >= 3:
                self.addr.setdefault(f[-1], []).append(int(f[0], 16))

    def _hits(self, name):
        hits = self.addr.get(name, [])
        if not hits:
            hits = [a for k, v in self.addr.items()
                    if k.endswith("#" + name) for a in v]
        return set(hits)

    def has(self, name):
        return bool(self._hits(name))

    def __call__(self, name):
        """Address of NAME: a plain symbol, or the one FILE#NAME."""
        hits = self._hits(name)
        if len(hits) != 1:
            die("symbol %s: %s" % (name, "ambiguous" if hits else "not found"))
        return hits.pop()

    def static_size(self, name):
        """Size of a function-local static NAME (GCC names it NAME.N)."""
        pat = re.compile(r"(^|#)%s(\.\d+)?$" % re.escape(name))
        hits = set(v for k, v in self.size.items() if pat.search(k))
        if len(hits) != 1:
            die("size of %s: %s" % (name, "ambiguous" if hits else "not found"))
        return hits.pop()


def rd(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def u64(addr):
    return struct.unpack("<Q", rd(addr, 8))[0]


def u32(addr):
    return struct.unpack("<I", rd(addr, 4))[0]


def u8(addr):
    return rd(addr, 1)[0]


def connect(port):
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("target remote %s" % port, to_string=True)


def icount():
    out = gdb.execute("monitor info replay", to_string=True)
    m = re.search(r"instruction count = (\d+)", out)
    if not m:
        die("no instruction count from 'info replay': " + out.strip())
    return int(m.group(1))


def run_to(addr):
    gdb.execute("hbreak *0x%x" % addr, to_string=True)
    gdb.execute("continue", to_string=True)
    gdb.execute("delete", to_string=True)
    pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
    if pc != addr:
        die("stopped at 0x%x, not 0x%x" % (pc, addr))


class Pdx:
    """Xen's pfn_to_pdx / pdx_to_pfn with the values it booted with."""

    def __init__(self, sym):
        self.bottom = u64(sym("pfn_pdx_bottom_mask"))
        self.top = u64(sym("pfn_top_mask"))
        self.shift = u32(sym("pfn_pdx_hole_shift"))

    def to_pdx(self, pfn):
        return (pfn & self.bottom) | ((pfn & self.top) >> self.shift)

    def to_pfn(self, pdx):
        return (pdx & self.bottom) | ((pdx << self.shift) & self.top)
