# xen/compare.awk - one layout's rows of fidelity.csv from a run folder of
# xen/check.sh and xen-model (files in this order): regions.csv info.csv
# blocks.csv model-blocks.csv ops.csv model-ops.csv model.csv.
# "where" names the node of an operation and whether RAM of another node
# lies within a max-order block's distance of what it allocated
# ("boundary": merges there meet the node's edge) or not ("away").
BEGIN { FS = "," }
FNR == 1 { file++; next }
function hex(s,   v, i, c) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
file == 1 { rs[++nr] = hex($1); re[nr] = hex($2); rn[nr] = $3 }
file == 2 { info[$1] = $2 }
file == 3 { xb[++nxb] = $0 }
file == 4 { mb[++nmb] = $0 }
file == 5 { xo[++nxo] = $1; xord[nxo] = $2; xmfn[nxo] = $3; xa[nxo] = $4; xf[nxo] = $5 }
file == 6 { mmfn[++nmo] = $3 }
file == 7 { split($1, w, " "); mc[$1] = $2 }
function where(node, mfn, order,   size, lo, hi, i) {
    if (mfn == "none")
        return "node" node "-none"
    size = 2 ^ info["max_order"]
    lo = hex(mfn) - size
    hi = hex(mfn) + 2 ^ order + size
    for (i = 1; i <= nr; i++)
        if (rn[i] + 0 != node + 0 && rs[i] < hi && re[i] > lo)
            return "node" node "-boundary"
    return "node" node "-away"
}
function row(path, order, wh, x, m, eq) {
    printf "%s,%s,%s,%s,%s,%s,%s,%d\n", layout, path, order, wh, x, m,
        (x > 0 && m != "" ? sprintf("%.3f", m / x) : ""), eq
}
END {
    eq = nxb == nmb
    for (i = 1; i <= nxb && eq; i++)
        eq = xb[i] == mb[i]
    pages = info["eba_pages"]
    row("end_boot_allocator", "-", "all",
        sprintf("%.2f", info["eba_instructions"] / pages),
        sprintf("%.2f", mc["end_boot_allocator"] / pages), eq)
    for (i = 1; i <= nxo; i++) {
        same = eq && xmfn[i] == mmfn[i]
        wh = where(xo[i], xmfn[i], xord[i])
        row("alloc_heap_pages", xord[i], wh, xa[i], mc["alloc_heap_pages " i - 1], same)
        if (xmfn[i] != "none")
            row("free_heap_pages", xord[i], wh, xf[i], mc["free_heap_pages " i - 1], same)
    }
}
