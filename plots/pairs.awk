# pairs.awk - a ratio per pair of benchmarks that differ in one column, from
# a <family>_summary.csv (after csv.awk): for every row whose column `by`
# is `num`, the row alike in every other parameter whose `by` is `den`;
# prints the other parameters, then ratio (of the estimates <m>_mean of
# metric m) and ratio_lo, ratio_hi from the ends of the two 95 % intervals
# (<m>_ci_lo, <m>_ci_hi): a conservative range for a figure; the verdict's
# own ratios carry Welch intervals (bench/compare/verdict_num.c).
#   awk -f csv.awk -f pairs.awk -v by=where -v num=boundary -v den=away \
#       -v m=real_ns -v where='what=block;encoding=legacy' FILE
# A `where` column the file lacks matches no row.
BEGIN {
    nw = split(where, w, ";")
    skip["param_iterations"] = skip["time"] = skip["min_time"] = 1
}
{ sub(/\r$/, "") }
NR == 1 {
    nh = csv_split($0, h)
    for (i = 1; i <= nh; i++) idx[h[i]] = i
    on = 0; np = 0
    for (i = 1; i <= nh; i++) {
        if (h[i] == "reps" || h[i] == "processes") break
        if (h[i] == "what") on = 1
        if (on && h[i] != by && !(h[i] in skip)) p[++np] = h[i]
    }
    LO = m "_ci_lo"; HI = m "_ci_hi"
    if (!((m "_mean") in idx) || !(LO in idx) || !(HI in idx)) {
        printf "pairs.awk: %s: no %s_mean, %s or %s column\n", FILENAME, m, LO, HI > "/dev/stderr"
        exit 2
    }
    hdr = ""
    for (i = 1; i <= np; i++) hdr = hdr p[i] ","
    print hdr "ratio,ratio_lo,ratio_hi"
    next
}
{
    csv_split($0, f)
    for (i = 1; i <= nw; i++) {
        eq = index(w[i], "="); c = substr(w[i], 1, eq - 1)
        if (c == "") continue
        if (!(c in idx) || f[idx[c]] != substr(w[i], eq + 1)) next
    }
    if (!(by in idx)) next
    k = ""
    for (i = 1; i <= np; i++) k = k f[idx[p[i]]] ","
    v = f[idx[by]]
    if (v == num) { order[++n] = k; nv[k] = f[idx[m "_mean"]]; nl[k] = f[idx[LO]]; nh_[k] = f[idx[HI]] }
    if (v == den) { dv[k] = f[idx[m "_mean"]]; dl[k] = f[idx[LO]]; dh[k] = f[idx[HI]] }
}
END {
    for (j = 1; j <= n; j++) {
        k = order[j]
        if (!(k in dv) || dv[k] <= 0 || dl[k] <= 0) continue
        printf "%s%.6g,%.6g,%.6g\n", k, nv[k] / dv[k], nl[k] / dh[k], nh_[k] / dl[k]
    }
}
