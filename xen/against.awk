# xen/against.awk - variants.csv as a table of each variant against stock:
# end_boot_allocator per page, calls per call; the difference and the
# ratio to stock on the same layout, path, order and place.  A lazy
# variant's lazy_heap_finish (per page) stands against stock's
# end_boot_allocator: both initialise the memory boot left free.
BEGIN { FS = ","; OFS = "," }
NR == 1 { next }
{
    key = $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
    v = $3 == "end_boot_allocator" || $3 == "lazy_heap_finish" ? $7 : $6
    val[$1, key] = v
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key }
    if (!($1 in vseen)) { vseen[$1] = 1; vars[++nv] = $1 }
}
END {
    print "variant", "layout", "path", "order", "where", "instructions", "stock", "diff", "x stock"
    for (i = 1; i <= nv; i++)
        for (k = 1; k <= nk; k++) {
            if (!((vars[i], keys[k]) in val))
                continue
            split(keys[k], f, SUBSEP)
            x = val[vars[i], keys[k]]
            ref = keys[k]
            if (f[2] == "lazy_heap_finish")
                ref = f[1] SUBSEP "end_boot_allocator" SUBSEP f[3] SUBSEP f[4]
            s = (("stock", ref) in val) ? val["stock", ref] : ""
            d = s == "" ? "" : sprintf("%+.2f", x - s)
            r = s == "" || s == 0 ? "" : sprintf("%.2f", x / s)
            if (f[2] == "end_boot_allocator" || f[2] == "lazy_heap_finish")
                f[2] = f[2] " /page"
            print vars[i], f[1], f[2], f[3], f[4], x, s, d, r
        }
}
