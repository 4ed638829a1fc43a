# xen/encoding.awk - the PGC_state_uninitialised encoding's cost from
# variants-model.csv: patch - pagewise (the same page-wise init and free
# path, only the encoding differs) for Xen and for the model, per layout,
# path, order and place (end_boot_allocator per page, calls per call).
BEGIN { FS = ","; OFS = "," }
NR == 1 { next }
$1 == "pagewise" || $1 == "patch" {
    key = $2 SUBSEP $3 SUBSEP $4 SUBSEP $5
    x[$1, key] = $6; m[$1, key] = $7
    if ($1 == "patch" && !(key in seen)) { seen[key] = 1; keys[++n] = key }
}
END {
    print "layout", "path", "order", "where", "xen +", "model +"
    for (i = 1; i <= n; i++) {
        k = keys[i]
        if (!(("pagewise", k) in x))
            continue
        split(k, f, SUBSEP)
        d = ""
        if (m["patch", k] != "" && m["pagewise", k] != "")
            d = sprintf("%+g", m["patch", k] - m["pagewise", k])
        print f[1], f[2], f[3], f[4], sprintf("%+g", x["patch", k] - x["pagewise", k]), d
    }
}
