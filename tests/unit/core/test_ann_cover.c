/* The annotations' coverage (src/layers/annotations.c) is worked out only along the part of
 * each row a shape can reach (row_bounds); this checks that part against every sample of the
 * row worked out one by one (cover_at), for random arrows, rectangles, ellipses and spotlights
 * (rectangle and ellipse), near-circles and rows through their middles, luma and chroma
 * spacing; and the runs where a row is not 0 (row_runs, also on random rows) against a
 * search of the whole row one sample at a time. A bound drawn a sample too tight makes a stroke
 * lose its edge: the check fails then. The file is included whole, to reach its static
 * functions. FFmpeg-free (core suite). */
#include "../../../src/layers/annotations.c"

#include "../check.h"

static double rnd(double a, double b) { return a + (b - a) * (rand() / (double)RAND_MAX); }

/* row_runs as documented, one sample at a time: the first and last samples not 0, and the
 * first longest stretch of zeros between them when it is 16 or more */
static void runs_ref(const uint8_t *c, int n, int *r)
{
    int lo = 0, hi = n, gs = 0, gl = 0;
    while (lo < n && !c[lo])
        lo++;
    while (hi > lo && !c[hi - 1])
        hi--;
    r[0] = lo, r[1] = r[2] = r[3] = hi;
    for (int i = lo, z = -1; i <= hi; i++) {
        if (i < hi && !c[i]) {
            z = z < 0 ? i : z;
        } else if (z >= 0) {
            if (i - z > gl)
                gs = z, gl = i - z;
            z = -1;
        }
    }
    if (gl >= 16)
        r[1] = gs, r[2] = gs + gl;
}

int main(void)
{
    long bad = 0, total = 0;
    int seen[4] = {0};
    srand(7);
    for (int it = 0; it < 60000; it++) {
        Look k = {0};
        const int type = rand() % 4, lit = rand() % 2;
        const double sc = rnd(0.2, 3);
        int middle = 0;
        if (type == ARROW) {
            const double len = rnd(1, 300) * sc;
            double ang = rnd(0, 6.2832);
            if (rand() % 4 == 0) /* along a row or a column */
                ang = (rand() % 4) * 1.5707963267948966;
            k.g[0] = rnd(0, 300), k.g[1] = rnd(0, 300);
            k.g[2] = k.g[0] + len * cos(ang), k.g[3] = k.g[1] + len * sin(ang);
        } else {
            k.g[0] = rnd(0, 300), k.g[1] = rnd(0, 300);
            k.g[2] = rnd(0.05, 300) * sc, k.g[3] = rnd(0.05, 300) * sc;
            if (rand() % 5 == 0)
                k.g[2] = rnd(0.05, 4);
            if (rand() % 3 == 0) /* a circle, where the ellipse's bound is tight */
                k.g[3] = k.g[2];
            middle = rand() % 4 == 0;
        }
        k.w = rnd(0.5, 40) * sc, k.r = rand() % 3 ? rnd(0, 60) * sc : 0;
        k.head = rnd(1, 80) * sc;
        double l[4] = {-1e9, 1e9, -1e9, 1e9}; /* as cover_rows sets it */
        if (type == SPOTLIGHT || type == RECTANGLE) {
            const double m = type == SPOTLIGHT ? 1 : -(k.w / 2 + k.r + 1);
            l[0] = k.g[0] - m, l[1] = k.g[0] + k.g[2] + m;
            l[2] = k.g[1] - m, l[3] = k.g[1] + k.g[3] + m;
        }
        const Arrow ar = type == ARROW ? arrow_of(&k) : (Arrow){0};
        const int x0 = (int)rnd(-200, 100), n = (int)rnd(1, 900), step = rand() % 2 + 1;
        const double base = x0 + (step == 1 ? 0.5 : 1.0);
        const double py = floor(middle ? k.g[1] + k.g[3] / 2 + rnd(-3, 3) : rnd(-100, 800)) +
                          (step == 1 ? 0.5 : 1.0);
        uint8_t row[1000];
        int runs[4], want_runs[4];
        cover_row(row, n, base, step, py, type, lit, &k, &ar, l, runs);
        for (int i = 0; i < n; i++, total++) {
            const uint8_t want = cover_at(type, lit, &k, &ar, l, base + i * step, py);
            seen[type] |= want > 0 && want < 255;
            if (row[i] != want && bad++ < 5)
                CHECK(0, "type %d (lit ellipse %d) g %g %g %g %g w %g r %g: sample %d of row "
                      "%g at x %g is %d, one by one %d", type, lit, k.g[0], k.g[1], k.g[2],
                      k.g[3], k.w, k.r, i, py, base + i * step, row[i], want);
        }
        runs_ref(row, n, want_runs);
        if (memcmp(runs, want_runs, sizeof(runs)) && bad++ < 5)
            CHECK(0, "type %d: the runs [%d, %d) [%d, %d), over the whole row [%d, %d) [%d, %d)",
                  type, runs[0], runs[1], runs[2], runs[3], want_runs[0], want_runs[1],
                  want_runs[2], want_runs[3]);
    }
    for (int it = 0; it < 20000; it++) { /* row_runs on rows of stretches of every length */
        uint8_t row[300];
        const int n = 1 + rand() % 300;
        for (int i = 0; i < n;) {
            const int len = 1 + rand() % (rand() % 3 ? 12 : 40), v = rand() % 2 ? 1 + rand() % 255 : 0;
            for (int j = 0; j < len && i < n; j++, i++)
                row[i] = (uint8_t)(v && rand() % 8 == 0 ? 0 : v);
        }
        int got[4], want[4];
        row_runs(row, n, got);
        runs_ref(row, n, want);
        if (memcmp(got, want, sizeof(got)) && bad++ < 5)
            CHECK(0, "row_runs of a random row of %d: [%d, %d) [%d, %d), one by one [%d, %d) "
                  "[%d, %d)", n, got[0], got[1], got[2], got[3], want[0], want[1], want[2], want[3]);
    }
    CHECK(!bad, "%ld of %ld samples or runs differ", bad, total);
    for (int t = 0; t < 4; t++)
        CHECK(seen[t], "no edge of shape type %d was drawn: the check saw none", t);
    printf("%ld samples, %ld differ\n", total, bad);
    return failures != 0;
}
