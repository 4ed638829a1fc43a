# xen/compare.awk - one layout's rows of fidelity.csv (run after
# xen/where.awk) from a run folder of xen/check.sh and xen-model (files
# in this order): regions.csv info.csv
# blocks.csv model-blocks.csv ops.csv model-ops.csv model.csv.
# "where" names the node of an operation and whether RAM of another node
# lies within a max-order block's distance of what it allocated
# ("boundary": merges there meet the node's edge) or not ("away").
file == 3 { xb[++nxb] = $0 }
file == 4 { mb[++nmb] = $0 }
file == 5 { xo[++nxo] = $1; xord[nxo] = $2; xmfn[nxo] = $3; xa[nxo] = $4; xf[nxo] = $5 }
file == 6 { mmfn[++nmo] = $3 }
file == 7 { split($1, w, " "); mc[$1] = $2 }
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
