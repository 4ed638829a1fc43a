# select.awk - keep the header and the rows of a CSV whose named columns
# have the given values, so a gnuplot script can plot one series with
# lines and error bars (a NaN filter in `using` would break the lines).
#   awk -f csv.awk -f select.awk -v where='strategy=lazy;nodes=1;what!=frag' FILE
# A column that is absent matches nothing (and "!=" on it everything); an
# empty value matches an empty cell.  Rows go out unchanged.
BEGIN {
    sub(/\r$/, "", where)
    nw = split(where, w, ";")
    for (i = 1; i <= nw; i++) {
        eq = index(w[i], "=")
        wcol[i] = substr(w[i], 1, eq - 1); wval[i] = substr(w[i], eq + 1)
        wneg[i] = sub(/!$/, "", wcol[i])
    }
}
{ sub(/\r$/, "") }
NR == 1 {
    n = csv_split($0, h)
    for (i = 1; i <= n; i++) idx[h[i]] = i
    print; next
}
{
    csv_split($0, f)
    for (i = 1; i <= nw; i++) {
        if (wcol[i] == "") continue
        hit = (wcol[i] in idx) && f[idx[wcol[i]]] == wval[i]
        if (hit == wneg[i]) next
    }
    print
}
