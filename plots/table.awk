# table.awk - one family's table for the report, from its
# <family>_summary.csv (after csv.awk): a row number, the benchmark's
# parameters as columns (short names: the name itself is long and says the
# same), processes and repetitions, the time (real_ns_mean: the geometric
# mean of per-process medians), its 95 % t interval (real_ns_ci_lo, _hi) and
# the ratio to the same run's baseline.  Rows are numbered
# from -v start=N (plots/ratio.gp numbers them across the families the same
# way).  A number and its unit are joined by a non-breaking space, so they
# never wrap apart.  -v fmt=md for Markdown, -v fmt=html for HTML.
function t(ns,    u, i) {
    if (ns == "") return ""
    ns += 0; split("ns us ms s", u, " "); i = 1
    while (i < 4 && (ns >= 999.5 || ns <= -999.5)) { ns /= 1000; i++ }
    return sprintf(ns < 9.995 ? "%.2f&nbsp;%s" : ns < 99.95 ? "%.1f&nbsp;%s" : "%.0f&nbsp;%s", ns, u[i])
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
function col(name) { return (name in idx) ? f[idx[name]] : "" }
function cell(s, left) {
    if (fmt == "html") return (left ? "<td class=n>" : "<td>") esc(s) "</td>"
    gsub(/\|/, "\\|", s); return " " s " |"
}
function cellraw(s) { return fmt == "html" ? "<td>" s "</td>" : " " s " |" }
BEGIN { skip["param_iterations"] = skip["time"] = skip["min_time"] = 1 }
{ sub(/\r$/, "") }
FNR == 1 {
    nh = csv_split($0, h); delete idx; np = 0
    for (i = 1; i <= nh; i++) idx[h[i]] = i
    on = 0
    for (i = 1; i <= nh; i++) {
        if (h[i] == "reps" || h[i] == "processes") break
        if (h[i] == "what") on = 1
        if (on && !(h[i] in skip)) p[++np] = h[i]
    }
    n = start + 0
    if (fmt == "html") {
        printf "<div class=scroll><table><tr><th>#</th>"
        for (i = 1; i <= np; i++) printf "<th class=n>%s</th>", esc(p[i])
        printf "<th>proc&times;reps</th><th>time</th><th>95&nbsp;%% CI</th><th>ratio</th></tr>\n"
    } else {
        printf "| # |"; for (i = 1; i <= np; i++) printf " %s |", p[i]
        printf " proc x reps | time | 95 %% CI | ratio |\n|---:|"
        for (i = 1; i <= np; i++) printf "---|"
        print "---:|---:|---:|---:|"
    }
    next
}
{
    n++
    csv_split($0, f)
    line = fmt == "html" ? "<tr><td>" n "</td>" : "| " n " |"
    for (i = 1; i <= np; i++) line = line cell(f[idx[p[i]]], 1)
    reps = col("processes") (fmt == "html" ? "&times;" : "x") col("reps")
    lo = col("real_ns_ci_lo"); hi = col("real_ns_ci_hi")
    ratio = col("ratio_median"); ratio = ratio == "" ? "" : sprintf("%.3g", ratio + 0)
    line = line cellraw(reps) cellraw(t(col("real_ns_mean"))) \
           cellraw(lo == "" ? "" : t(lo) "&nbsp;-&nbsp;" t(hi)) cellraw(ratio)
    print line (fmt == "html" ? "</tr>" : "")
}
END { if (fmt == "html" && NR) print "</table></div>" }
