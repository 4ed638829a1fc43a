# report: 50 state: State-scan throughput against table size (both axes log scale), with the same run's read bandwidth as the roofline and the last-level cache marked. Bars: the 95 % confidence interval over processes, as in the verdict. The cache size is what hwloc reads from CPUID, which a virtual machine may invent: where the baseline's bandwidth falls with buffer size is the better guide.
# state_scan.gp - whole-table state scan throughput (pages checked per ns)
# against frame-table size, one line per encoding, implementation and
# layout, with the same run's single-thread read bandwidth divided by the
# 32 bytes of an entry as the roofline of any scan of the entries (a
# separate state array reads 1 byte a page, so it can pass that line), and
# the last-level cache size marked.  Median with its 95 % confidence
# interval over processes from state_summary.csv and baseline_summary.csv.
# The key stands right of the plot, one line per series.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/state_summary.csv"
b = run."/baseline_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
whats = distinct(f, "what", "")
S0 = whats eq "all" ? "" : strstrt(whats, "what=scan ") ? "scan" : word(whats, 1)[6:]
ssel = S0 eq "" ? "" : "what=".S0
series = distinct(f, params(f, "table_bytes"), ssel)
roof = have(b) && strstrt(distinct(b, "what;threads", ""), "what=read")
rsel = "what=read;threads=1"
llc = envget("llc_bytes")

set title "Scanning every page's state: throughput against frame-table size".(S0 eq "" ? "" : "\n(".S0." of the whole table, one thread)")
set xlabel "frame-table size (bytes, log scale)"
set ylabel "throughput (pages checked per ns, log scale)"
set logscale x 2
set format x "%.0b %BB"
set xtics 4
set logscale y 10
W = 1300
set key outside right top vertical font ",10" spacing 1
@CINOTE
if (llc ne "" && llc + 0 > 0) {
    # widen the axis to show the cache size when every table fits in it
    stats sel(f, ssel) using "table_bytes" nooutput
    if (llc + 0 >= STATS_max) { set xrange [*:(llc + 0) * 2] }
    set arrow 1 from llc + 0, graph 0 to llc + 0, graph 1 nohead dt 3 lw 2 lc rgb "#555555"
    set label 1 sprintf("last-level cache %.0f MiB ", (llc + 0) / 1048576.0) at llc + 0, graph 0.97 right font ",10"
}
if (roof) {
    stats sel(b, rsel) using "gbps_median" nooutput
    dram = STATS_min
    set label 2 sprintf("entries' roofline: read bandwidth %.1f GB/s / 32 B = %.2f pages/ns", dram, dram / 32) at graph 0.02, first dram / 32 * 1.15 left font ",10"
    PLOT = 'plot sel(b, rsel) using "param_bytes":(column("gbps_median") / 32) with lines lw 5 lc rgb "#bbbbbb" title "baseline: read bandwidth / 32 B", dram / 32 with lines dt 2 lw 2 lc rgb "#888888" notitle, for [s in series] sel(f, ssel.";".filt(s)) using "table_bytes":(1 / column("ns_per_page_median")):(1 / column("ns_per_page_ci_hi")):(1 / column("ns_per_page_ci_lo")) with yerrorlines title pretty(s)'
} else {
    PLOT = 'plot for [s in series] sel(f, ssel.";".filt(s)) using "table_bytes":(1 / column("ns_per_page_median")):(1 / column("ns_per_page_ci_hi")):(1 / column("ns_per_page_ci_lo")) with yerrorlines title pretty(s)'
}
@SVG
@PLOT
@PNG
@PLOT
unset output
