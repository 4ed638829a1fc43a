# table.awk - the report's table of every benchmark, from the runs'
# <family>_summary.csv files (after csv.awk): number, benchmark,
# repetitions, median real_ns, min-max, ratio to baseline.  Rows are
# numbered across the files in the order given (plots/ratio.gp uses the
# same numbers).  -v fmt=md for Markdown, -v fmt=html for HTML rows.
function t(ns,    u, i) {
    if (ns == "") return ""
    ns += 0; split("ns us ms s", u, " "); i = 1
    while (i < 4 && (ns >= 999.5 || ns <= -999.5)) { ns /= 1000; i++ }
    return sprintf(ns < 9.995 ? "%.2f %s" : ns < 99.95 ? "%.1f %s" : "%.0f %s", ns, u[i])
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
{ sub(/\r$/, "") }
FNR == 1 {
    nh = csv_split($0, h); delete idx
    for (i = 1; i <= nh; i++) idx[h[i]] = i
    next
}
{
    n++
    csv_split($0, f)
    med = ("real_ns_median" in idx) ? f[idx["real_ns_median"]] : ""
    lo = ("real_ns_min" in idx) ? f[idx["real_ns_min"]] : ""
    hi = ("real_ns_max" in idx) ? f[idx["real_ns_max"]] : ""
    reps = ("reps" in idx) ? f[idx["reps"]] : ""
    ratio = ("ratio_median" in idx) ? f[idx["ratio_median"]] : ""
    ratio = ratio == "" ? "" : sprintf("%.3g", ratio + 0)
    spread = lo == "" ? "" : t(lo) " - " t(hi)
    if (fmt == "html")
        printf "<tr><td>%d</td><td class=n>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", \
               n, esc(f[1]), reps, t(med), spread, ratio
    else
        printf "| %d | `%s` | %s | %s | %s | %s |\n", n, f[1], reps, t(med), spread, ratio
}
