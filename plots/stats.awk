# stats.awk - one row per benchmark from a per-repetition family CSV: the
# columns before "repetition" (benchmark, what, the parameters) as they
# are, then reps, then <col>_median, <col>_min and <col>_max for every
# column after "repetition" that holds numbers.  The run's
# <family>_summary.csv has these for the standard columns; this gives the
# same for a family's extra counters (boot_ns, blocks_left, ...).
#   awk -f csv.awk -f stats.awk FILE
{ sub(/\r$/, "") }
NR == 1 {
    nc = csv_split($0, h); rep = 0
    for (i = 1; i <= nc; i++) if (h[i] == "repetition") rep = i
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
    for (i = rep + 1; i <= nc; i++) {
        if (f[i] == "") continue
        if (f[i] !~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/) { text[i] = 1; continue }
        cnt = ++nval[b, i]; val[b, i, cnt] = f[i] + 0
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
END {
    if (!rep) exit
    line = ""
    for (i = 1; i < rep; i++) line = line (i > 1 ? "," : "") h[i]
    line = line ",reps"
    for (i = rep + 1; i <= nc; i++) if (!(i in text))
        line = line "," h[i] "_median," h[i] "_min," h[i] "_max"
    print line
    for (o = 1; o <= nb; o++) {
        b = order[o]; line = keys[b] "," nrep[b]
        for (i = rep + 1; i <= nc; i++) {
            if (i in text) continue
            n = nval[b, i]
            if (!n) { line = line ",,,"; continue }
            m = median_of(b, i, n)
            line = line "," sprintf("%.6g,%.6g,%.6g", m, lo, hi)
        }
        print line
    }
}
