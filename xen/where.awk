# xen/where.awk - what compare.awk and variants.awk share (awk -f
# xen/where.awk -f THE_SCRIPT): CSV input whose files are numbered in
# `file` (headers skipped), hex(), and where(): the node of an operation
# and "boundary" when RAM of another node (regions.csv, file 1, read into
# rs/re/rn) lies within a max-order block (info.csv, file 2, max_order)
# of what it allocated, else "away"; "none" when nothing was allocated.
BEGIN { FS = "," }
FNR == 1 { file++; next }
function hex(s,   v, i) {
    v = 0; s = tolower(s); sub(/^0x/, "", s)
    for (i = 1; i <= length(s); i++)
        v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return v
}
file == 1 { rs[++nr] = hex($1); re[nr] = hex($2); rn[nr] = $3 }
file == 2 { info[$1] = $2 }
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
