# wrap.awk - wrap markdown text for a console of WIDTH columns (default
# 100): words move to the next line, which is indented under the text of
# its list item ("- " or "  - "), so bullets stay readable.
# Usage: awk -v width=100 -f tools/wrap.awk FILE
BEGIN { if (!width) width = 100 }
{
    if (length($0) <= width) { print; next }
    match($0, /^ *(- )?/)
    ind = sprintf("%" RLENGTH "s", "")
    n = split(substr($0, RLENGTH + 1), w, " ")
    line = substr($0, 1, RLENGTH)
    first = 1
    for (i = 1; i <= n; i++) {
        if (!first && length(line) + 1 + length(w[i]) > width) {
            print line
            line = ind w[i]
        } else {
            line = line (first ? "" : " ") w[i]
        }
        first = 0
    }
    print line
}
