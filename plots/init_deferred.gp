# report: 20 init: Where lazy and deferred initialisation put the work: the cost paid at boot (solid) against the cost deferred to later (dashed), both axes log scale. Bars: the 95 % confidence interval over processes, as in the verdict.
# init_deferred.gp - where lazy and deferred initialisation put the work:
# the boot-time cost (end_boot_allocator) against the cost paid later (lazy:
# first allocations and frees; deferred: the background threads), in ms,
# against RAM size, log-log.  The family's counters boot_ns and
# deferred_ns, median with its 95 % confidence interval over processes,
# from init_summary.csv.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/init_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
do for [c in "boot_ns_median deferred_ns_median"] {
    if (!hascol(f, c)) { print "skipped: no ".c." column in ".f; exit status 3 }
}
whats = distinct(f, "what", "")
# the "total" rows if "what" varies, else whatever the one kind of row is
W0 = whats eq "all" ? "" : strstrt(whats, "what=total ") ? "total" : word(whats, 1)[6:]
wsel = W0 eq "" ? "" : "what=".W0
fix = word(distinct(f, params(f, "strategy;ram_gib"), wsel), 1)
base = wsel.";".filt(fix)
series = ""
do for [s in "lazy deferred"] {
    if (strstrt(distinct(f, "strategy", base), "strategy=".s." ")) { series = series." ".s }
}
if (series eq "") { print "skipped: no lazy or deferred rows in ".f; exit status 3 }

set title sprintf("Work at boot against work deferred to later, lazy and deferred%s", \
                  fix eq "all" ? "" : "\n(".pretty(fix).")")
set xlabel "modelled RAM (GiB, log scale)"
set ylabel "time (ms, log scale)"
set logscale x 2
set logscale y 10
set key outside right top
stats sel(f, base) using "ram_gib" nooutput
set xrange [STATS_min / 1.25 : STATS_max * 1.25]
@CINOTE
ms(c) = column(c) / 1e6
@SVG
plot for [s in series] sel(f, base.";strategy=".s) \
         using "ram_gib":(ms("boot_ns_median")):(ms("boot_ns_ci_lo")):(ms("boot_ns_ci_hi")) \
         with yerrorlines dt 1 title s.": at boot", \
     for [s in series] sel(f, base.";strategy=".s) \
         using "ram_gib":(ms("deferred_ns_median")):(ms("deferred_ns_ci_lo")):(ms("deferred_ns_ci_hi")) \
         with yerrorlines dt 2 title s.": deferred"
@PNG
replot
unset output
