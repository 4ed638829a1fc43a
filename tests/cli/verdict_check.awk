# verdict_check.awk - recompute every number of `heapbench verdict --format
# csv` from the CSV rows of a results folder, independently of verdict.c,
# and print "ok KEY" or "FAIL KEY: expected ..., seen ..." per number.
#   awk -f plots/csv.awk -f tests/cli/verdict_check.awk -v run=DIR verdict.csv
# The definitions (the spec the report must agree with):
#   a metric M of one benchmark: summary M_median with M_ci_lo..M_ci_hi, or
#     M_min..M_max; without M in the summary, median/min/max of the tidy rows;
#   per GiB, at 1 TiB: least-squares lines through the per-size medians, the
#     per-size lows and the per-size highs; the interval is the smallest and
#     largest of the three; a time at 1 TiB is never below 0;
#   a difference a-b: (a.lo-b.hi .. a.hi-b.lo); a ratio a/b: (a.lo/b.hi ..
#     a.hi/b.lo) for positive numbers; 1/a: (1/a.hi .. 1/a.lo).
function load(fam, kind, file,    line, n, i, r, f) {
    r = 0
    while ((getline line < file) > 0) {
        sub(/\r$/, "", line)
        n = csv_split(line, f)
        if (r == 0) { for (i = 1; i <= n; i++) H[fam, kind, f[i]] = i; NC[fam, kind] = n }
        else for (i = 1; i <= n; i++) C[fam, kind, r, i] = f[i]
        r++
    }
    close(file)
    NR_[fam, kind] = r - 1
}
function cell(fam, kind, r, col) { return ((fam, kind, col) in H) ? C[fam, kind, r, H[fam, kind, col]] : "" }
function hascol(fam, kind, col) { return (fam, kind, col) in H }
function match_(fam, kind, r, where,    n, t, i, eq, col, val, opt) {
    n = split(where, t, ";")
    for (i = 1; i <= n; i++) {
        eq = index(t[i], "="); col = substr(t[i], 1, eq - 1); val = substr(t[i], eq + 1)
        opt = sub(/^\?/, "", col)
        if (!hascol(fam, kind, col)) { if (!opt) return 0; continue }
        if (cell(fam, kind, r, col) != val) return 0
    }
    return 1
}
function sort_(a, n,    i, j, x) {
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
}
# get: sets V, LO, HI; returns 1 if found
function get(fam, where, m,    r, hit, n, x, k, name) {
    if (hascol(fam, "s", m "_median")) {
        hit = 0
        for (r = 1; r <= NR_[fam, "s"]; r++) if (match_(fam, "s", r, where)) { if (hit) return 0; hit = r }
        if (!hit) return 0
        V = cell(fam, "s", hit, m "_median") + 0
        if (cell(fam, "s", hit, m "_ci_lo") != "" && cell(fam, "s", hit, m "_ci_hi") != "") {
            LO = cell(fam, "s", hit, m "_ci_lo") + 0; HI = cell(fam, "s", hit, m "_ci_hi") + 0
        } else { LO = cell(fam, "s", hit, m "_min") + 0; HI = cell(fam, "s", hit, m "_max") + 0 }
        return 1
    }
    if (!hascol(fam, "t", m)) return 0
    n = 0; name = ""
    for (r = 1; r <= NR_[fam, "t"]; r++) {
        if (!match_(fam, "t", r, where) || cell(fam, "t", r, m) == "") continue
        if (name != "" && cell(fam, "t", r, "benchmark") != name) return 0
        name = cell(fam, "t", r, "benchmark"); x[++n] = cell(fam, "t", r, m) + 0
    }
    if (!n) return 0
    sort_(x, n)
    V = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2; LO = x[1]; HI = x[n]
    return 1
}
function lsq(x, y, n, x0,    i, sx, sy, sxx, sxy, d, b, a) {
    for (i = 1; i <= n; i++) { sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; sxy += x[i] * y[i] }
    d = n * sxx - sx * sx
    if (n > 1 && d != 0) { b = (n * sxy - sx * sy) / d; a = (sy - b * sx) / n } else { b = y[1] / x[1]; a = 0 }
    SLOPE = b; AT = a + b * x0
}
function min3(a, b, c) { return a < b ? (a < c ? a : c) : (b < c ? b : c) }
function max3(a, b, c) { return a > b ? (a > c ? a : c) : (b > c ? b : c) }
# the init line of strategy s, metric m: sets per-GiB and 1 TiB triples
function initfit(s, m,    r, sz, n, i, x, y, lo, hi, b0, a0, b1, a1, b2, a2, seen) {
    n = 0
    for (r = 1; r <= NR_["init", "t"]; r++)
        if (match_("init", "t", r, SERIES ";strategy=" s) && !(cell("init", "t", r, "ram_gib") in seen)) {
            seen[cell("init", "t", r, "ram_gib")] = 1; sz[++n] = cell("init", "t", r, "ram_gib") + 0
        }
    sort_(sz, n)
    for (i = 1; i <= n; i++) {
        if (!get("init", SERIES ";strategy=" s ";ram_gib=" sz[i], m)) return 0
        x[i] = sz[i]; y[i] = V; lo[i] = LO; hi[i] = HI
    }
    lsq(x, y, n, 1024); b0 = SLOPE; a0 = AT
    lsq(x, lo, n, 1024); b1 = SLOPE; a1 = AT
    lsq(x, hi, n, 1024); b2 = SLOPE; a2 = AT
    PG_V = b0; PG_LO = min3(b0, b1, b2); PG_HI = max3(b0, b1, b2)
    TB_V = a0 < 0 ? 0 : a0; TB_LO = min3(a0, a1, a2); TB_HI = max3(a0, a1, a2)
    if (TB_LO < 0) TB_LO = 0
    W_V = V; W_LO = LO; W_HI = HI         # the largest size
    return 1
}
function sub_(a, al, ah, b, bl, bh) { E_V = a - b; E_LO = al - bh; E_HI = ah - bl }
function div_(a, al, ah, b, bl, bh) {
    E_V = a / b
    E_LO = bh > 0 ? (al >= 0 ? al / bh : al / bl) : "-inf"
    E_HI = bl > 0 ? (ah >= 0 ? ah / bl : ah / bh) : "inf"
}
function enc(o, w, e) {
    return "what=block;boundary=natural;order=" o ";where=" w ";?variant=node_check;" \
           (e == "legacy" ? "?encoding=legacy" : "encoding=uninit")
}
function blk(k, o, w) {
    return "what=block;boundary=" k ";order=" o ";where=" w ";?variant=node_check;?encoding=legacy"
}
function frag(k,    r, o, best) {
    best = -1
    for (r = 1; r <= NR_["free", "t"]; r++)
        if (cell("free", "t", r, "what") == "frag" && cell("free", "t", r, "order") + 0 > best)
            best = cell("free", "t", r, "order") + 0
    if (!get("free", "what=frag;boundary=" k ";order=" best ";?variant=node_check;?encoding=legacy", "left_blocks")) return 0
    F_V = V; F_LO = LO; F_HI = HI
    if (!get("free", "what=frag;boundary=" k ";order=" best ";?variant=node_check;?encoding=legacy", "right_blocks")) return 0
    F_V += V; F_LO += LO; F_HI += HI
    return 1
}
function maxcol(fam, col, where,    r, best, v) {
    best = ""
    for (r = 1; r <= NR_[fam, "s"]; r++)
        if (match_(fam, "s", r, where) && (best == "" || cell(fam, "s", r, col) + 0 > best + 0))
            best = cell(fam, "s", r, col)
    return best
}
function saving(s) {
    if (!initfit("chunked", "boot_ns")) return 0
    c_v = TB_V; c_lo = TB_LO; c_hi = TB_HI
    if (!initfit(s, "boot_ns")) return 0
    sub_(c_v, c_lo, c_hi, TB_V, TB_LO, TB_HI)
    return 1
}
# one key: sets X_V, X_LO, X_HI; returns 1 if this script knows the key
function recompute(key,    p, n, s, o, w, k, e, l, tb, best, bi, r, sv, sl, sh) {
    n = split(key, p, ".")
    if (p[1] == "init" && p[2] == "break_even_frees") {
        if (!saving("lazy")) return 0
        sv = E_V; sl = E_LO; sh = E_HI
        get("free", enc(0, "away", "uninit"), "real_ns"); u_v = V; u_lo = LO; u_hi = HI
        get("free", enc(0, "away", "legacy"), "real_ns")
        sub_(u_v, u_lo, u_hi, V, LO, HI)
        cv = E_V
        div_(sv, sl, sh, E_V, E_LO, E_HI)
        if (cv <= 0) E_V = E_LO
        X_V = E_V; X_LO = E_LO; X_HI = E_HI; return 1
    }
    if (p[1] == "init") {
        s = p[2]
        if (p[3] == "saving_1tib") { if (!saving(s)) return 0; X_V = E_V; X_LO = E_LO; X_HI = E_HI; return 1 }
        m = p[3] == "worst" ? "worst_ns" : p[3] == "deferred_1tib" ? "deferred_ns" : "boot_ns"
        if (!initfit(s, m)) return 0
        if (p[3] == "boot_per_gib") { X_V = PG_V; X_LO = PG_LO; X_HI = PG_HI }
        else if (p[3] == "worst") { X_V = W_V; X_LO = W_LO; X_HI = W_HI }
        else { X_V = TB_V; X_LO = TB_LO; X_HI = TB_HI }
        return 1
    }
    if (p[1] == "free" && p[2] == "encoding") {
        o = substr(p[3], 6); w = p[4]
        if (!get("free", enc(o, w, "uninit"), "real_ns")) return 0
        u_v = V; u_lo = LO; u_hi = HI
        if (!get("free", enc(o, w, "legacy"), "real_ns")) return 0
        if (p[5] == "ns") { sub_(u_v, u_lo, u_hi, V, LO, HI); X_V = E_V; X_LO = E_LO; X_HI = E_HI }
        else { div_(u_v, u_lo, u_hi, V, LO, HI); X_V = (E_V - 1) * 100; X_LO = (E_LO - 1) * 100; X_HI = (E_HI - 1) * 100 }
        return 1
    }
    if (p[1] == "free" && p[3] ~ /^order[0-9]+$/ && p[4] == "ratio") {
        o = substr(p[3], 6)
        if (!get("free", blk(p[2], o, "boundary"), "real_ns")) return 0
        b_v = V; b_lo = LO; b_hi = HI
        if (!get("free", blk(p[2], o, "away"), "real_ns")) return 0
        div_(b_v, b_lo, b_hi, V, LO, HI); X_V = E_V; X_LO = E_LO; X_HI = E_HI
        return 1
    }
    if (p[1] == "free" && p[3] == "maxorder_blocks") {
        if (!frag(p[2])) return 0
        X_V = F_V; X_LO = F_LO; X_HI = F_HI; return 1
    }
    if (p[1] == "free" && p[3] == "maxorder_lost") {
        if (!frag("natural")) return 0
        n_v = F_V; n_lo = F_LO; n_hi = F_HI
        if (!frag(p[2])) return 0
        sub_(n_v, n_lo, n_hi, F_V, F_LO, F_HI); X_V = E_V; X_LO = E_LO; X_HI = E_HI; return 1
    }
    if (p[1] == "free" && p[3] ~ /^range_/) {
        o = maxcol("free", "order", "what=range")
        if (!get("free", "what=range;boundary=" p[2] ";order=" o ";path=" (p[3] ~ /lazy/ ? "lazy" : "eager"), "ns_per_page")) return 0
        X_V = V; X_LO = LO; X_HI = HI; return 1
    }
    if (p[1] == "state") {
        e = p[2]; l = p[3]
        tb = maxcol("state", "table_bytes", "what=scan")
        best = ""
        for (r = 1; r <= NR_["state", "s"]; r++) {
            if (!match_("state", "s", r, "what=scan;encoding=" e ";layout=" l ";table_bytes=" tb)) continue
            if (best == "" || cell("state", "s", r, "ns_per_page_median") + 0 < best + 0) {
                best = cell("state", "s", r, "ns_per_page_median"); bi = cell("state", "s", r, "impl")
            }
        }
        w = "what=scan;encoding=" e ";layout=" l ";table_bytes=" tb ";impl=" bi
        if (p[4] == "roofline_pct") { if (!get("state", w, "ratio")) return 0; X_V = 100 / V; X_LO = 100 / HI; X_HI = 100 / LO; return 1 }
        if (!get("state", w, "ns_per_page")) return 0
        if (p[4] == "pages_per_ns") { X_V = 1 / V; X_LO = 1 / HI; X_HI = 1 / LO; return 1 }
        if (p[4] == "scan_1tib") { X_V = V * 268435456; X_LO = LO * 268435456; X_HI = HI * 268435456; return 1 }
    }
    return 0
}
function same(a, b) {
    if (a "" ~ /inf/ || b "" ~ /inf/) return (a "" ~ /-inf/) == (b "" ~ /-inf/) && (a "" ~ /inf/) == (b "" ~ /inf/)
    a += 0; b += 0
    return a == b || (a - b) ^ 2 <= 1e-18 * (a * a + b * b) || (a - b) ^ 2 < 1e-20
}
BEGIN {
    SERIES = "what=heap;layout=synthetic;nodes=1;aligned=yes;boot_alloc_mib=0"
    split("init free state", fams, " ")
    for (i = 1; i <= 3; i++) { load(fams[i], "s", run "/" fams[i] "_summary.csv"); load(fams[i], "t", run "/" fams[i] ".csv") }
}
FNR == 1 { csv_header($0); next }
{
    csv_split($0, f); key = csv_col(f, "key")
    v = csv_col(f, "value"); lo = csv_col(f, "lo"); hi = csv_col(f, "hi")
    if (!recompute(key)) { print "FAIL " key ": this test does not know how to recompute it"; next }
    if (same(X_V, v) && same(X_LO, lo) && same(X_HI, hi)) print "ok   " key
    else printf "FAIL %s: expected %.10g (%.10g to %.10g), verdict says %s (%s to %s)\n", key, X_V, X_LO, X_HI, v, lo, hi
}
