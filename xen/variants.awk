# xen/variants.awk - one variant's rows of variants.csv on one layout
# (run after xen/where.awk), from a run folder of xen/check.sh and xen/bench.sh, in this order: regions.csv
# info.csv ops.csv bootfree.csv.  -v variant=NAME -v layout=SPEC.
# "where" is the Xen check's: the node of an operation, and "boundary" when
# RAM of another node lies within a max-order block of what it allocated,
# else "away".  The first free of a never-initialised page is "boot"; a
# lazy variant's lazy_heap_finish (what was still pending) is per page.
file == 3 { on[++no] = $1; oo[no] = $2; om[no] = $3; oa[no] = $4; of[no] = $5 }
file == 4 { boot[$1] = $2 }
function row(path, order, wh, n, pages) {
    printf "%s,%s,%s,%s,%s,%s,%.2f\n", variant, layout, path, order, wh, n, n / pages
}
END {
    if (!info["eba_pages"] || boot["free_instructions"] == "") {
        print "xen/variants.awk: " variant " " layout ": incomplete run folder" > "/dev/stderr"
        exit 1
    }
    row("end_boot_allocator", "-", "all", info["eba_instructions"], info["eba_pages"])
    for (i = 1; i <= no; i++) {
        if (om[i] == "none")
            continue        # no free block of the order on the node
        wh = where(on[i], om[i], oo[i])
        row("alloc_heap_pages", oo[i], wh, oa[i], 2 ^ oo[i])
        row("free_heap_pages", oo[i], wh, of[i], 2 ^ oo[i])
    }
    row("free_heap_pages", 0, "boot", boot["free_instructions"], 1)
    if (boot["finish_pages"] > 0)
        row("lazy_heap_finish", "-", "all", boot["finish_instructions"], boot["finish_pages"])
}
