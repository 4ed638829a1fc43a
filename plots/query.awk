# query.awk - small look-ups the gnuplot scripts make (after csv.awk):
#   mode=get key=K          the value of K in a key,value CSV
#   mode=distinct cols=a;b  the distinct combinations of columns a and b, in
#                           order of appearance, as "a=x;b=y" words (one
#                           select.awk filter per series); columns with one
#                           value in every row are left out
#   mode=params except=a;b  the parameter columns (between "what" and "reps"
#                           or "repetition") but a, b and the harness's own
#   mode=hascol col=C       1 if the header has column C, else 0
#   mode=env fmt=md|html    the key,value rows as a Markdown or HTML table
#   mode=label s=WORD       a legend entry in words: "where=away;nodes=1" ->
#                           "away from a boundary, 1 NUMA node"
#   mode=ratio [fam=F]      over <family>_summary.csv files: family,idx,
#                           benchmark,ratio_median,ratio_ci_lo,ratio_ci_hi
# (each a -v variable: awk -v mode=get -v key=K ...)
{ sub(/\r$/, "") }
FNR == 1 {
    nh = csv_split($0, h)
    delete idx
    for (i = 1; i <= nh; i++) idx[h[i]] = i
    if (mode == "distinct" && NR == 1) nc = split(cols, c, ";")
    if (mode == "ratio" && NR == 1) print "family,idx,benchmark,ratio_median,ratio_ci_lo,ratio_ci_hi"
    if (mode == "params") { print params(); exit }
    if (mode == "hascol") { print (col in idx) ? 1 : 0; exit }
    next
}
function params(    skip, n, e, i, on, out) {
    n = split(except ";param_iterations;time;min_time", e, ";")
    for (i = 1; i <= n; i++) skip[e[i]] = 1
    on = 0; out = ""
    for (i = 1; i <= nh; i++) {
        if (h[i] == "reps" || h[i] == "repetition") break
        if (on && !(h[i] in skip)) out = out (out == "" ? "" : ";") h[i]
        if (h[i] == "what") on = 1
    }
    return out
}
mode == "get" {
    csv_split($0, f)
    if (f[1] == key) { print f[2]; exit }
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
mode == "env" {
    csv_split($0, f); v = f[2]
    if (fmt == "html") printf "<tr><td class=n>%s</td><td class=n>%s</td></tr>\n", esc(f[1]), esc(v)
    else { gsub(/\|/, "\\|", v); printf "| %s | %s |\n", f[1], v }
}
mode == "distinct" {
    csv_split($0, f); nr++
    for (i = 1; i <= nc; i++) {
        v = (c[i] in idx) ? f[idx[c[i]]] : ""
        row[nr, i] = v
        if (nr == 1) first[i] = v
        else if (v != first[i]) varies[i] = 1
    }
}
END {
    if (mode != "distinct") exit
    for (r = 1; r <= nr; r++) {
        s = ""
        for (i = 1; i <= nc; i++)
            if (varies[i]) s = s (s == "" ? "" : ";") c[i] "=" row[r, i]
        if (s != "" && !seen[s]++) printf "%s ", s
    }
    if (nr && s == "") printf "all"
}
BEGIN {
    if (mode == "label") {
        n = split(s, kv, ";"); out = ""
        for (i = 1; i <= n; i++) {
            eq = index(kv[i], "=")
            if (substr(kv[i], eq + 1) == "") continue
            out = out (out == "" ? "" : ", ") words(substr(kv[i], 1, eq - 1), substr(kv[i], eq + 1))
        }
        print (out == "" ? "all" : out)
        exit
    }
}
# A parameter and its value in words, for titles and legends: no raw keys
# where a person reads.  A parameter this list does not know keeps its
# name: "key value".
function words(k, v) {
    if (k == "strategy" || k == "what" || k == "family") return v
    if (k == "nodes") return v (v == 1 ? " NUMA node" : " NUMA nodes")
    if (k == "aligned") return v == "yes" ? "nodes 1 GiB-aligned" : "nodes not aligned"
    if (k == "boot_alloc_mib") return v == 0 ? "no boot allocations" : v " MiB allocated at boot"
    if (k == "ram_gib") return v " GiB of RAM"
    if (k == "encoding") return v " encoding"
    if (k == "impl") return v == "avx512" ? "AVX-512" : v == "avx2" ? "AVX2" : v
    if (k == "layout") return v == "synthetic" ? "synthetic machine" : v == "given" ? "given machine" : \
                              v == "entries" ? "32-byte entries" : v == "bytearray" ? "byte array" : v
    if (k == "method") return "by " v
    if (k == "where") return v == "away" ? "away from a boundary" : "at the boundary"
    if (k == "boundary") return v == "natural" ? "natural boundary" : v == "order9" ? \
                                "order-9 boundary" : v == "unaligned" ? "unaligned boundary" : v " boundary"
    if (k == "variant") return v == "node_check" ? "merges check the node" : \
                               v == "reserve_page" ? "a page kept out" : v
    if (k == "threads") return v (v == 1 ? " thread" : " threads")
    if (k == "order") return "order " v
    return k " " v
}
mode == "ratio" {
    n++                         # numbered as in the report's table
    if (!("ratio_median" in idx)) next
    csv_split($0, f)
    if (f[idx["ratio_median"]] == "") next
    family = FILENAME; sub(/.*\//, "", family); sub(/_summary\.csv$/, "", family)
    if (fam != "" && family != fam) next
    print family "," n "," csv_quote(f[1]) "," f[idx["ratio_median"]] "," \
          f[idx["ratio_ci_lo"]] "," f[idx["ratio_ci_hi"]]
}
