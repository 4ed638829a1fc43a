# verdict_check.awk - recompute every number of `heapbench verdict --format
# csv` from the CSV rows of a results folder, independently of verdict*.c,
# and print "ok KEY" or "FAIL KEY: expected ..., seen ..." per number.
#   awk -f plots/csv.awk -f tests/cli/verdict_check.awk -v run=DIR verdict.csv
# The definitions it follows are docs/statistics.md's ("The verdict's
# numbers"): a metric is the geometric mean of per-process medians with
# its t interval; per GiB and at 1 TiB, the mean of each process's
# least-squares line; a free at a boundary is set against a free away that
# merges as often (where=away_capped; against one that merges more, the
# key ..._fewer_merges); ratios and differences get Welch's interval.
# The value and the standard error are recomputed here; for an interval
# with a fractional df the t the verdict used is checked against the
# table's neighbours (t falls as df grows) and its ends for symmetry.
function load(fam, kind, file,    line, n, i, r, f) {
    r = 0
    while ((getline line < file) > 0) {
        sub(/\r$/, "", line)
        n = csv_split(line, f)
        if (r == 0) { for (i = 1; i <= n; i++) H[fam, kind, f[i]] = i }
        else for (i = 1; i <= n; i++) C[fam, kind, r, i] = f[i]
        r++
    }
    close(file)
    NR_[fam, kind] = r > 0 ? r - 1 : 0
}
function cell(fam, kind, r, col) { return ((fam, kind, col) in H) ? C[fam, kind, r, H[fam, kind, col]] : "" }
function hascol(fam, kind, col) { return (fam, kind, col) in H }
function match_(fam, kind, r, where,    n, t, i, eq, col, val) {
    n = split(where, t, ";")
    for (i = 1; i <= n; i++) {
        eq = index(t[i], "="); col = substr(t[i], 1, eq - 1); val = substr(t[i], eq + 1)
        if (!hascol(fam, kind, col) || cell(fam, kind, r, col) != val) return 0
    }
    return 1
}
function sort_(a, n,    i, j, x) {
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
}
function median(a, n) { sort_(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function T(df) { return df >= 1 && df <= 30 && df == int(df) ? TT[df] : "" }
# mean of x[1..n], logs if every x > 0: sets V, SE (of the log if LOGS)
function mean_se(x, n,    i, s, ss, y) {
    LOGS = 1
    for (i = 1; i <= n; i++) if (!(x[i] > 0)) LOGS = 0
    s = 0; for (i = 1; i <= n; i++) s += LOGS ? log(x[i]) : x[i]
    s /= n; ss = 0
    for (i = 1; i <= n; i++) { y = (LOGS ? log(x[i]) : x[i]) - s; ss += y * y }
    V = LOGS ? exp(s) : s; SE = n > 1 ? sqrt(ss / (n - 1) / n) : ""; DF = n - 1; P = n
}
function interval() {
    if (SE == "") return
    LO = LOGS ? V * exp(-T(DF) * SE) : V - T(DF) * SE
    HI = LOGS ? V * exp(T(DF) * SE) : V + T(DF) * SE
}
# get: sets V, LO, HI, SE, LOGS, DF, P, KIND; returns 1 if found
function get(fam, where, m,    r, hit, n, k, x, pm, pr, np, i, j, mn, mx, name, t, vals, cnt, y) {
    if (hascol(fam, "s", m "_mean")) {
        hit = 0
        for (r = 1; r <= NR_[fam, "s"]; r++) if (match_(fam, "s", r, where)) { if (hit) return 0; hit = r }
        if (!hit) return 0
        V = cell(fam, "s", hit, m "_mean") + 0; P = cell(fam, "s", hit, "processes") + 0
        mn = cell(fam, "s", hit, m "_min") + 0; mx = cell(fam, "s", hit, m "_max") + 0
        KIND = "reps"; SE = ""; LO = mn; HI = mx; DF = P - 1; LOGS = 0
        if (P >= 2 && cell(fam, "s", hit, m "_ci_lo") != "") {
            LO = cell(fam, "s", hit, m "_ci_lo") + 0; HI = cell(fam, "s", hit, m "_ci_hi") + 0
            t = T(P - 1); LOGS = V > 0 && LO > 0 && (HI - V - (V - LO)) ^ 2 > 1e-18 * (HI - LO) ^ 2
            SE = LOGS ? log(HI / V) / t : (HI - V) / t; KIND = "ci95"
        }
        if (mn == mx && (P >= 2 || m ~ /blocks|merges|lost_pages/)) { V = LO = HI = mn; SE = 0; KIND = "exact" }
        return 1
    }
    if (!hascol(fam, "t", m)) return 0
    n = 0; name = ""; np = 0
    for (r = 1; r <= NR_[fam, "t"]; r++) {
        if (!match_(fam, "t", r, where) || cell(fam, "t", r, m) == "") continue
        if (name != "" && cell(fam, "t", r, "benchmark") != name) return 0
        name = cell(fam, "t", r, "benchmark"); x[++n] = cell(fam, "t", r, m) + 0
        k = cell(fam, "t", r, "process") + 0
        if (!(k in pr)) { pr[k] = ++np; cnt[np] = 0 }
        vals[pr[k], ++cnt[pr[k]]] = x[n]
    }
    if (!n) return 0
    for (i = 1; i <= np; i++) { delete y; for (j = 1; j <= cnt[i]; j++) y[j] = vals[i, j]; pm[i] = median(y, cnt[i]) }
    mean_se(pm, np); KIND = np > 1 ? "ci95" : "reps"
    sort_(x, n)
    if (np > 1) interval(); else { LO = x[1]; HI = x[n] }
    if (x[1] == x[n] && (np > 1 || m ~ /blocks|merges|lost_pages/)) { V = LO = HI = x[1]; SE = 0; KIND = "exact" }
    return 1
}
function sev(v, se, logs) { return logs ? v * se : se }
function sel(v, se, logs) { return logs ? se : se / v }
function wdf(sa, da, sb, db,    va, vb, den) {
    va = sa * sa; vb = sb * sb; den = 0
    if (va > 0) den += va * va / da
    if (vb > 0) den += vb * vb / db
    return den > 0 ? (va + vb) ^ 2 / den : da + db
}
# the init line of strategy s, metric m, per process: sets PG_*, TB_* (V, SE, DF)
function initfit(s, m,    r, n, i, k, p, np, pr, sz, nsz, seen, j, c, y, cnt, xs, ys, nk, mx, sxx, sl, tb, a, vals) {
    np = 0; nsz = 0
    for (r = 1; r <= NR_["init", "t"]; r++) {
        if (!match_("init", "t", r, SERIES ";strategy=" s) || cell("init", "t", r, m) == "") continue
        k = cell("init", "t", r, "process") + 0; c = cell("init", "t", r, "ram_gib") + 0
        if (!(k in pr)) pr[k] = ++np
        if (!(c in seen)) { seen[c] = 1; sz[++nsz] = c }
        vals[pr[k], c, ++cnt[pr[k], c]] = cell("init", "t", r, m) + 0
    }
    if (np < 2) return 0
    sort_(sz, nsz)
    for (p = 1; p <= np; p++) {
        nk = 0
        for (j = 1; j <= nsz; j++) {
            if (!((p, sz[j]) in cnt)) continue
            delete y; for (i = 1; i <= cnt[p, sz[j]]; i++) y[i] = vals[p, sz[j], i]
            xs[++nk] = sz[j]; ys[nk] = median(y, cnt[p, sz[j]])
        }
        mx = 0; for (i = 1; i <= nk; i++) mx += xs[i] / nk
        sxx = 0; for (i = 1; i <= nk; i++) sxx += (xs[i] - mx) ^ 2
        sl[p] = 0; tb[p] = 0
        for (i = 1; i <= nk; i++) {
            if (nk == 1) { sl[p] += ys[i] / xs[i]; tb[p] += 1024 * ys[i] / xs[i]; continue }
            sl[p] += (xs[i] - mx) / sxx * ys[i]; tb[p] += (1 / nk + (1024 - mx) * (xs[i] - mx) / sxx) * ys[i]
        }
    }
    line_(sl, np); PG_V = V; PG_SE = SE; PG_LO = LO; PG_HI = HI
    line_(tb, np); TB_V = V; TB_SE = SE; TB_LO = LO; TB_HI = HI; LDF = np - 1
    W_SZ = sz[nsz]
    return 1
}
function line_(a, n,    i, s, ss) {
    s = 0; for (i = 1; i <= n; i++) s += a[i] / n
    ss = 0; for (i = 1; i <= n; i++) ss += (a[i] - s) ^ 2
    V = s; SE = sqrt(ss / (n - 1) / n); LO = V - T(n - 1) * SE; HI = V + T(n - 1) * SE
    V = V < 0 ? 0 : V; LO = LO < 0 ? 0 : LO; HI = HI < 0 ? 0 : HI
}
function enc(o, w, e) {
    return "what=block;boundary=natural;order=" o ";where=" w ";variant=node_check;encoding=" e
}
function blk(k, o, w) { return "what=block;boundary=" k ";order=" o ";where=" w ";variant=node_check;encoding=legacy" }
function keep(p) { A_V[p] = V; A_SE[p] = SE; A_LOGS[p] = LOGS; A_DF[p] = DF }
# Welch combinations of kept estimates a and b: sets X_V, X_SE, X_DF, X_LOGS
function wratio(a, b,    sa, sb) {
    sa = sel(A_V[a], A_SE[a], A_LOGS[a]); sb = sel(A_V[b], A_SE[b], A_LOGS[b])
    X_V = A_V[a] / A_V[b]; X_SE = sqrt(sa * sa + sb * sb); X_DF = wdf(sa, A_DF[a], sb, A_DF[b]); X_LOGS = 1
}
function wsum(a, b, sign,    sa, sb) {
    sa = sev(A_V[a], A_SE[a], A_LOGS[a]); sb = sev(A_V[b], A_SE[b], A_LOGS[b])
    X_V = A_V[a] + sign * A_V[b]; X_SE = sqrt(sa * sa + sb * sb); X_DF = wdf(sa, A_DF[a], sb, A_DF[b]); X_LOGS = 0
}
function frag(k, best,    w) {
    w = "what=frag;boundary=" k ";order=" best ";variant=node_check;encoding=legacy"
    if (!get("free", w, "left_blocks")) return 0
    keep("l")
    if (!get("free", w, "right_blocks")) return 0
    keep("r"); wsum("l", "r", 1); A_V["f"] = X_V; A_SE["f"] = X_SE; A_LOGS["f"] = 0; A_DF["f"] = X_DF
    return 1
}
function maxcol(fam, col, where,    r, best, k) {
    best = ""; k = hascol(fam, "s", col) ? "s" : "t"
    for (r = 1; r <= NR_[fam, k]; r++)
        if (match_(fam, k, r, where) && (best == "" || cell(fam, k, r, col) + 0 > best + 0))
            best = cell(fam, k, r, col)
    return best
}
function boot1tib(s) { if (!initfit(s, "boot_ns")) return 0; A_V[s] = TB_V; A_SE[s] = TB_SE; A_LOGS[s] = 0; A_DF[s] = LDF; return 1 }
# one key: sets X_V, X_SE, X_DF, X_LOGS (X_SE "" for a range: then X_LO, X_HI); 1 if known
function recompute(key,    p, n, o, w, m, e, l, tb, best, bi, r, kk) {
    n = split(key, p, "."); X_SE = ""; X_CLIP = 0
    if (p[1] == "init" && p[2] == "break_even_frees") {
        if (!boot1tib("chunked") || !boot1tib("lazy")) return 0
        wsum("chunked", "lazy", -1); A_V["sv"] = X_V; A_SE["sv"] = X_SE; A_LOGS["sv"] = 0; A_DF["sv"] = X_DF
        if (!get("free", enc(0, "away", "uninit"), "real_ns")) return 0
        keep("u"); get("free", enc(0, "away", "legacy"), "real_ns"); keep("l")
        wsum("u", "l", -1); A_V["c"] = X_V; A_SE["c"] = X_SE; A_LOGS["c"] = 0; A_DF["c"] = X_DF
        wratio("sv", "c"); return 1
    }
    if (p[1] == "init" && p[3] == "saving_1tib") {
        if (!boot1tib("chunked") || !boot1tib(p[2])) return 0
        wsum("chunked", p[2], -1); return 1
    }
    if (p[1] == "init" && (p[3] == "worst" || p[3] == "boot_largest")) {   # at the largest size
        m = p[3] == "worst" ? "worst_ns" : "boot_ns"
        if (!initfit(p[2], m) || !get("init", SERIES ";strategy=" p[2] ";ram_gib=" W_SZ, m)) return 0
        X_V = V; X_SE = SE; X_DF = DF; X_LOGS = LOGS; return 1
    }
    if (p[1] == "init") {
        m = p[3] == "deferred_1tib" ? "deferred_ns" : p[3] == "total_1tib" ? "total_ns" : "boot_ns"
        if (!initfit(p[2], m)) return 0
        X_CLIP = 1; X_DF = LDF; X_LOGS = 0
        if (p[3] == "boot_per_gib") { X_V = PG_V; X_SE = PG_SE; X_LO = PG_LO; X_HI = PG_HI }
        else { X_V = TB_V; X_SE = TB_SE; X_LO = TB_LO; X_HI = TB_HI }
        return 1
    }
    if (p[1] == "free" && p[2] == "encoding") {
        o = substr(p[3], 6); w = p[4]
        if (!get("free", enc(o, w, "uninit"), "real_ns")) return 0
        keep("u")
        if (!get("free", enc(o, w, "legacy"), "real_ns")) return 0
        keep("l")
        if (p[5] == "ns") { wsum("u", "l", -1); return 1 }
        wratio("u", "l"); X_PCT = 1; return 1
    }
    if (p[1] == "free" && p[3] ~ /^order[0-9]+$/ && p[4] ~ /^ratio/) {
        o = substr(p[3], 6)
        if (!get("free", blk(p[2], o, "boundary"), "real_ns")) return 0
        keep("b")
        if (!get("free", blk(p[2], o, "away"), "real_ns")) return 0
        keep("a")
        get("free", blk(p[2], o, "boundary"), "merges"); kk = V
        get("free", blk(p[2], o, "away"), "merges")
        if (p[4] == "ratio" && (kk - V) ^ 2 >= 0.25) {   # the same work: the capped free away
            if (!get("free", blk(p[2], o, "away_capped"), "merges") || (kk - V) ^ 2 >= 0.25) return 0
            get("free", blk(p[2], o, "away_capped"), "real_ns"); keep("a")
        } else if (p[4] != "ratio" && (kk - V) ^ 2 < 0.25) return 0
        wratio("b", "a"); return 1
    }
    if (p[1] == "free" && p[3] ~ /^maxorder/) {
        best = maxcol("free", "order", "what=frag")
        if (!frag(p[2], best)) return 0
        if (p[3] == "maxorder_blocks") { X_V = A_V["f"]; X_SE = A_SE["f"]; X_DF = A_DF["f"]; X_LOGS = 0; return 1 }
        A_V["n"] = A_V["f"]; A_SE["n"] = A_SE["f"]; A_LOGS["n"] = 0; A_DF["n"] = A_DF["f"]
        if (!frag("natural", best)) return 0
        wsum("f", "n", -1); return 1
    }
    if (p[1] == "free" && p[3] ~ /^range_/) {
        o = maxcol("free", "order", "what=range")
        if (!get("free", "what=range;boundary=" p[2] ";order=" o ";path=" (p[3] ~ /lazy/ ? "lazy" : "eager"), "ns_per_page")) return 0
        X_V = V; X_SE = SE; X_DF = DF; X_LOGS = LOGS; return 1
    }
    if (p[1] == "state") {
        e = p[2]; l = p[3]
        tb = maxcol("state", "table_bytes", "what=scan")
        best = ""
        for (r = 1; r <= 64; r++) {
            if (!((r) in IMPL)) break
            if (!get("state", "what=scan;encoding=" e ";layout=" l ";table_bytes=" tb ";impl=" IMPL[r], "ns_per_page")) continue
            if (best == "" || V < best) { best = V; bi = IMPL[r] }
        }
        w = "what=scan;encoding=" e ";layout=" l ";table_bytes=" tb ";impl=" bi
        if (p[4] == "roofline_pct") { if (!get("state", w, "ratio")) return 0; X_V = 100 / V; X_SE = sel(V, SE, LOGS); X_DF = DF; X_LOGS = 1; return 1 }
        if (!get("state", w, "ns_per_page")) return 0
        if (p[4] == "pages_per_ns") { X_V = 1 / V; X_SE = sel(V, SE, LOGS); X_DF = DF; X_LOGS = 1; return 1 }
        if (p[4] == "scan_1tib") { X_V = V * 268435456; X_SE = LOGS ? SE : SE * 268435456; X_DF = DF; X_LOGS = LOGS; return 1 }
    }
    return 0
}
function same(a, b, tol) {
    a += 0; b += 0
    return a == b || (a - b) ^ 2 <= tol * (a * a + b * b) || (a - b) ^ 2 < 1e-20
}
# the t the verdict used lies between the table's neighbours of df
function t_ok(t, df,    lo, hi) {
    if (df >= 30) return t >= 1.95 && t <= TT[30] + 1e-6
    lo = int(df); hi = lo == df ? lo : lo + 1
    if (lo < 1) return 0
    return t <= TT[lo] * (1 + 1e-7) && t >= TT[hi] * (1 - 1e-7)
}
function check(key, v, lo, hi, se, scale, df,    t, r) {
    if (X_SE == "") return "no standard error recomputed"
    if (X_PCT) {   # (ratio - 1) x 100, the interval from the ratio's
        r = X_V; X_V = (r - 1) * 100
        if (!same(v, X_V, 1e-18)) return "value " X_V
        if (!same(se, 100 * r * X_SE, 1e-12)) return "se " 100 * r * X_SE
        t = log((hi / 100 + 1) / r) / X_SE
        if (!t_ok(t, X_DF) || !same(log(r / (lo / 100 + 1)), log((hi / 100 + 1) / r), 1e-12)) return "interval t " t
        return ""
    }
    if (!same(v, X_V, 1e-18)) return "value " X_V
    if (X_SE == 0) return lo == v && hi == v ? "" : "an exact number with an interval"
    if (!same(se, X_SE, 1e-12) || (scale == "log") != (X_LOGS == 1)) return "se " X_SE " " (X_LOGS ? "log" : "value")
    if (!same(df, X_DF, 1e-12)) return "df " X_DF
    if (X_CLIP) return same(lo, X_LO, 1e-18) && same(hi, X_HI, 1e-18) ? "" : "interval " X_LO " to " X_HI
    t = X_LOGS ? log(hi / v) / se : (hi - v) / se
    if (!t_ok(t, df)) return "interval t " t " for df " df
    if (X_LOGS ? !same(v / lo, hi / v, 1e-12) : !same(v - lo, hi - v, 1e-12)) return "interval not symmetric"
    return ""
}
BEGIN {
    split("12.70620474 4.30265273 3.18244631 2.77644511 2.57058184 2.44691185 2.36462425 " \
          "2.30600414 2.26215716 2.22813885 2.20098516 2.17881283 2.16036866 2.14478669 " \
          "2.13144955 2.11990530 2.10981558 2.10092204 2.09302405 2.08596345 2.07961384 " \
          "2.07387307 2.06865761 2.06389856 2.05953855 2.05552944 2.05183052 2.04840714 " \
          "2.04522964 2.04227246", TT, " ")
    SERIES = "what=heap;layout=synthetic;nodes=1;aligned=yes;boot_alloc_mib=0"
    split("init free state", fams, " ")
    for (i = 1; i <= 3; i++) { load(fams[i], "s", run "/" fams[i] "_summary.csv"); load(fams[i], "t", run "/" fams[i] ".csv") }
    ni = 0; k = hascol("state", "s", "impl") ? "s" : "t"
    for (r = 1; r <= NR_["state", k]; r++) { x = cell("state", k, r, "impl"); if (x != "" && !(x in seenimpl)) { seenimpl[x] = 1; IMPL[++ni] = x } }
}
FNR == 1 { csv_header($0); next }
{
    csv_split($0, f); key = csv_col(f, "key"); X_PCT = 0
    if (!recompute(key)) { print "FAIL " key ": this test does not know how to recompute it"; next }
    why = check(key, csv_col(f, "value"), csv_col(f, "lo"), csv_col(f, "hi"), csv_col(f, "se"),
                csv_col(f, "scale"), csv_col(f, "df"))
    if (why == "") print "ok   " key
    else printf "FAIL %s: expected %s; verdict says %s (%s to %s), se %s %s, df %s\n", key, why,
        csv_col(f, "value"), csv_col(f, "lo"), csv_col(f, "hi"), csv_col(f, "se"), csv_col(f, "scale"), csv_col(f, "df")
}
