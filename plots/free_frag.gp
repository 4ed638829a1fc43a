# free_frag.gp - fragmentation at a node boundary: after freeing a block of
# each order at the boundary, how many free blocks lie on each side of it
# (one block per side is the best a boundary allows; more is
# fragmentation).  Extra counters blocks_left and blocks_right (or
# left_blocks and right_blocks, as heapbench bench names them) of
# free.csv, medians over the repetitions; left side drawn solid, right
# side dashed, one colour per boundary alignment and variant.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/free.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
# the rows that count blocks: what=frag if the family has such rows
fsel = strstrt(distinct(f, "what", "")." ", "what=frag ") ? "what=frag" : ""
fsel = fsel.(hascol(f, "where") ? ";where=boundary" : "")
series = distinct(f, params(f, "order;where"), fsel)
L = hascol(f, "blocks_left") ? "blocks_left" : "left_blocks"
R = hascol(f, "blocks_right") ? "blocks_right" : "right_blocks"
if (series eq "") { print "skipped: no where=boundary rows in ".f; exit status 3 }

set title "Free blocks of each order on each side of a node boundary, after boot (chunked)"
set xlabel "block order (2^order pages)"
set ylabel "free blocks (count)"
set xtics 1
set mxtics 1
KEYN = 2 * words(series)
set key below
set bmargin 4 + ceil(KEYN / 2.0) * 1.3
@SVG
plot for [i=1:words(series)] stat(f, fsel.";".filt(word(series, i))) \
         using "order":(column(L."_median")) with linespoints ls i dt 1 \
         title "left, ".pretty(word(series, i)), \
     for [i=1:words(series)] stat(f, fsel.";".filt(word(series, i))) \
         using "order":(column(R."_median")) with linespoints ls i dt 2 \
         title "right, ".pretty(word(series, i))
@PNG
replot
unset output
