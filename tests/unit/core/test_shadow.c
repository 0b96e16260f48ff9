/* The one shadow blur (src/layers/shadow.c, vx_shadow_blur) and the rounded-rectangle shadow
 * built on it (vx_shadow_rrect), against a direct 2-D gaussian convolution computed here in
 * double precision: the exact path (sigma < 12) and the coarse-grid path (sigma >= 12) both
 * stay well below one 8-bit code value of the reference, keep the mass, stay symmetric, and
 * the rrect shadow is the blurred coverage times the opacity. FFmpeg-free (core suite). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layers/shadow.h"

#include "../check.h"

/* The reference: sum over every sample of a * gaussian(sigma), edge samples repeated (the
 * plane's documented boundary), normalised over the taps to 3 sigma. */
static double reference(const float *a, int W, int H, double sigma, int x, int y)
{
    const int rad = (int)ceil(3 * sigma);
    double num = 0, den = 0;
    for (int j = -rad; j <= rad; j++)
        for (int i = -rad; i <= rad; i++) {
            const double w = exp(-(i * i + j * j) / (2 * sigma * sigma));
            int xx = x + i < 0 ? 0 : x + i >= W ? W - 1 : x + i;
            int yy = y + j < 0 ? 0 : y + j >= H ? H - 1 : y + j;
            num += w * a[(size_t)yy * W + xx];
            den += w;
        }
    return num / den;
}

/* A W x H plane with a solid rectangle in its middle, padded by 3 sigma + 2 of zeros. */
static float *box_plane(int W, int H, int bx0, int by0, int bx1, int by1)
{
    float *a = calloc((size_t)W * H, sizeof(*a));
    for (int y = by0; a && y < by1; y++)
        for (int x = bx0; x < bx1; x++)
            a[(size_t)y * W + x] = 1.0f;
    return a;
}

static void check_blur(double sigma, int step)
{
    /* a shape large beside the blur, as a screen is beside its shadow */
    const int pad = (int)ceil(3 * sigma) + 2, bw = 40 + (int)(8 * sigma), bh = 24 + (int)(5 * sigma);
    const int W = bw + 2 * pad, H = bh + 2 * pad;
    float *a = box_plane(W, H, pad, pad, pad + bw, pad + bh);
    float *orig = box_plane(W, H, pad, pad, pad + bw, pad + bh);
    if (!a || !orig) {
        CHECK(0, "out of memory");
        free(a), free(orig);
        return;
    }
    CHECK(vx_shadow_blur(a, W, H, sigma, (VxRect){0, 0, 0, 0}) == 0, "sigma %.1f: blur failed",
          sigma);
    double worst = 0, mass = 0, mass0 = 0;
    int wx = 0, wy = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            mass += a[(size_t)y * W + x];
            mass0 += orig[(size_t)y * W + x];
            if ((x % step) || (y % step))
                continue;
            const double d = fabs(a[(size_t)y * W + x] - reference(orig, W, H, sigma, x, y));
            if (d > worst)
                worst = d, wx = x, wy = y;
        }
    /* below the 8-bit rounding: 0.5 / 255 at most, for an opacity of 1 */
    printf("sigma %4.1f: worst %.3f code values\n", sigma, worst * 255);
    CHECK(worst * 255 < 0.5, "sigma %.1f: off the direct convolution by %.3f code values at "
          "(%d, %d)", sigma, worst * 255, wx, wy);
    CHECK(fabs(mass - mass0) / mass0 < 2e-3, "sigma %.1f: mass %.2f, was %.2f", sigma, mass,
          mass0);
    /* symmetric about the rectangle's centre (it is centred in the plane) */
    double asym = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double d = fabs(a[(size_t)y * W + x] - a[(size_t)(H - 1 - y) * W + (W - 1 - x)]);
            asym = d > asym ? d : asym;
        }
    CHECK(asym * 255 < 0.5, "sigma %.1f: not symmetric (%.3f code values)", sigma, asym * 255);
    free(a);
    free(orig);
}

/* The rrect shadow: the rectangle's coverage blurred, times the opacity, in a region that
 * reaches 3 sigma beyond it. */
static void check_rrect(void)
{
    VxShadow sh;
    const double sigma = 5, op = 0.4;
    CHECK(vx_shadow_rrect(&sh, 50, 40, 60, 30, 0, sigma, op, 200, 120, (VxRect){0, 0, 0, 0}) == 0,
          "vx_shadow_rrect failed");
    CHECK(sh.x0 <= 50 - 15 && sh.y0 <= 40 - 15 && sh.x0 + sh.w >= 110 + 15 &&
          sh.y0 + sh.h >= 70 + 15, "the region (%d, %d) %dx%d does not reach 3 sigma beyond",
          sh.x0, sh.y0, sh.w, sh.h);
    /* well inside: opacity; far outside: 0; on the edge's middle: half the opacity */
    CHECK(fabs(vx_shadow_at(&sh, 80, 55) - op) < 1e-3, "inside: %.4f, not %.2f",
          vx_shadow_at(&sh, 80, 55), op);
    CHECK(vx_shadow_at(&sh, 5, 5) == 0 && vx_shadow_at(&sh, 199, 119) == 0, "far outside: not 0");
    /* the sample just left of x = 50 and the one just right: they straddle the edge, their
     * mean is half the opacity (erf is odd) */
    const double edge = (vx_shadow_at(&sh, 49, 55) + vx_shadow_at(&sh, 50, 55)) / 2;
    CHECK(fabs(edge - op / 2) < 0.01, "at the left edge: %.4f, not %.2f", edge, op / 2);
    /* one sigma outside the edge: 0.5 * erfc(1 / sqrt(2)) * opacity, 1-D at mid-height */
    const double want = 0.5 * erfc((50 - 44.5) / (sigma * sqrt(2))) * op;
    CHECK(fabs(vx_shadow_at(&sh, 44, 55) - want) < 0.01, "5.5 px out: %.4f, not %.4f",
          vx_shadow_at(&sh, 44, 55), want);
    free(sh.a);
}

int main(void)
{
    check_blur(2.0, 1);   /* exact taps */
    check_blur(7.5, 2);   /* exact taps, wide kernel */
    check_blur(13.0, 3);  /* coarse grid, f = 2 */
    check_blur(30.0, 5);  /* coarse grid, f = 5 */
    check_rrect();
    if (!failures)
        printf("shadow blur: exact and coarse paths within half a code value of the direct "
               "convolution\n");
    return failures != 0;
}
