# report: 20 init: Where lazy and deferred initialisation put the work: the cost paid at boot against the cost deferred to later.
# init_deferred.gp - where lazy and deferred initialisation put the work:
# the boot-time cost (end_boot_allocator) against the cost paid later (lazy:
# first allocations and frees; deferred: the background threads), in ms,
# against RAM size, log-log.  The family's counters boot_ns and
# deferred_ns, median with min-max over the repetitions, from
# init_summary.csv.
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

set title sprintf("Boot-time against deferred initialisation cost%s", fix eq "all" ? "" : " (".pretty(fix).")")
set xlabel "modelled RAM (GiB)"
set ylabel "time (ms)"
set logscale x 2
set logscale y 10
set key top left
ms(c) = column(c) / 1e6
@SVG
plot for [s in series] sel(f, base.";strategy=".s) \
         using "ram_gib":(ms("boot_ns_median")):(ms("boot_ns_min")):(ms("boot_ns_max")) \
         with yerrorlines dt 1 title s.": at boot", \
     for [s in series] sel(f, base.";strategy=".s) \
         using "ram_gib":(ms("deferred_ns_median")):(ms("deferred_ns_min")):(ms("deferred_ns_max")) \
         with yerrorlines dt 2 title s.": deferred"
@PNG
replot
unset output
