# stats.awk - one row per benchmark from a per-repetition family CSV: the
# columns before "repetition" (benchmark, what, the parameters) as they
# are, then reps and processes, then <col>_median (the median of the
# per-process medians, as <family>_summary.csv has it), <col>_min and
# <col>_max for every column after "repetition" (but "process") that
# holds numbers.  The run's <family>_summary.csv has these for the
# standard columns; this gives the same for a family's extra counters
# (boot_ns, blocks_left, ...).  A CSV without a process column is one
# process.
#   awk -f csv.awk -f stats.awk FILE
{ sub(/\r$/, "") }
NR == 1 {
    nc = csv_split($0, h); rep = 0
    for (i = 1; i <= nc; i++) { if (h[i] == "repetition") rep = i; if (h[i] == "process") pc = i }
    if (!rep) { print "stats.awk: no repetition column" > "/dev/stderr"; exit 2 }
    next
}
{
    csv_split($0, f)
    b = f[1]
    if (!(b in nrep)) {
        order[++nb] = b
        key = ""
        for (i = 1; i < rep; i++) key = key (i > 1 ? "," : "") csv_quote(f[i])
        keys[b] = key
    }
    r = ++nrep[b]
    p = pc ? f[pc] : 0
    if (!((b, p) in seenp)) { seenp[b, p] = 1; plist[b, ++np[b]] = p }
    for (i = rep + 1; i <= nc; i++) {
        if (i == pc || f[i] == "") continue
        if (f[i] !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/) { text[i] = 1; continue }
        cnt = ++nval[b, i]; val[b, i, cnt] = f[i] + 0
        pn = ++npv[b, i, p]; pval[b, i, p, pn] = f[i] + 0
    }
}
function median_of(b, i, n,    a, j, k, t) {
    for (j = 1; j <= n; j++) a[j] = val[b, i, j]
    for (j = 2; j <= n; j++) {
        t = a[j]
        for (k = j - 1; k >= 1 && a[k] > t; k--) a[k + 1] = a[k]
        a[k + 1] = t
    }
    lo = a[1]; hi = a[n]
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function sort_n(a, n,    j, k, t) {
    for (j = 2; j <= n; j++) {
        t = a[j]
        for (k = j - 1; k >= 1 && a[k] > t; k--) a[k + 1] = a[k]
        a[k + 1] = t
    }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# Median over the processes of each process's median.
function median_of_medians(b, i,    q, p, n, k, a, m, c) {
    c = 0
    for (q = 1; q <= np[b]; q++) {
        p = plist[b, q]; n = npv[b, i, p]
        if (!n) continue
        delete a
        for (k = 1; k <= n; k++) a[k] = pval[b, i, p, k]
        m[++c] = sort_n(a, n)
    }
    return sort_n(m, c)
}
END {
    if (!rep) exit
    line = ""
    for (i = 1; i < rep; i++) line = line (i > 1 ? "," : "") h[i]
    line = line ",reps,processes"
    for (i = rep + 1; i <= nc; i++) if (!(i in text) && i != pc)
        line = line "," h[i] "_median," h[i] "_min," h[i] "_max"
    print line
    for (o = 1; o <= nb; o++) {
        b = order[o]; line = keys[b] "," nrep[b] "," np[b]
        for (i = rep + 1; i <= nc; i++) {
            if (i in text || i == pc) continue
            n = nval[b, i]
            if (!n) { line = line ",,,"; continue }
            median_of(b, i, n)       # sets lo and hi
            m = median_of_medians(b, i)
            line = line "," sprintf("%.6g,%.6g,%.6g", m, lo, hi)
        }
        print line
    }
}
