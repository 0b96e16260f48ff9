/* Difference matting (src/matte.c, vx_matte_rows): composites over black and white made here
 * from known colours and opacities, rounded to 8 bits as the compositor rounds, give back the
 * opacity within 1/219 (plus the 10-bit step), full opacity exactly, the colour within the
 * documented bound (0.5 + |F - 16| |da|) / a (chroma: |F - 128|, the block's mean alpha),
 * exactly at a = 1, and neutral colour at a = 0; in NV12
 * and in planar layout alike. FFmpeg-free (core suite). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "matte.h"

#include "../check.h"

enum { W = 64, H = 48 };

/* opacity of the 2 x 2 block (bx, by): 0, 1, then steps of 1/1000 (off the 1/219 grid, so
 * that the two composites round differently) */
static double block_alpha(int bx, int by)
{
    const int i = by * (W / 2) + bx;
    return i < 2 ? i : (i * 37 % 999 + 1) / 1000.0;
}

static void run(int layout)
{
    static uint8_t yb[W * H], yw[W * H], cb[W * H / 2], cw[W * H / 2];
    static uint16_t out[4][W * H];
    double fy[W * H], fc[2][(W / 2) * (H / 2)];
    unsigned seed = 12345;
    for (int i = 0; i < W * H; i++) {
        seed = seed * 1103515245u + 12345u;
        fy[i] = 16 + (seed >> 8) % 220; /* 16..235 */
    }
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < (W / 2) * (H / 2); i++) {
            seed = seed * 1103515245u + 12345u;
            fc[p][i] = 16 + (seed >> 8) % 225; /* 16..240 */
        }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const double a = block_alpha(x / 2, y / 2), f = fy[y * W + x];
            yb[y * W + x] = (uint8_t)lround(a * f + (1 - a) * 16);
            yw[y * W + x] = (uint8_t)lround(a * f + (1 - a) * 235);
        }
    for (int j = 0; j < H / 2; j++)
        for (int i = 0; i < W / 2; i++)
            for (int p = 0; p < 2; p++) {
                const double a = block_alpha(i, j);
                /* NV12: u v interleaved; planar: u then v, each W/2 wide */
                const size_t at = layout == VX_LAYOUT_NV12 ? (size_t)j * W + 2 * i + p
                                                           : (size_t)p * (W / 2) * (H / 2) +
                                                                 (size_t)j * (W / 2) + i;
                cb[at] = cw[at] = (uint8_t)lround(a * fc[p][j * (W / 2) + i] + (1 - a) * 128);
            }
    VxPicture b = {0}, w = {0};
    b.w = w.w = W, b.h = w.h = H, b.layout = w.layout = layout, b.sub_x = b.sub_y = 1;
    w.sub_x = w.sub_y = 1;
    b.data[0] = yb, w.data[0] = yw, b.stride[0] = w.stride[0] = W;
    if (layout == VX_LAYOUT_NV12) {
        b.data[1] = cb, b.data[2] = cb + 1, w.data[1] = cw, w.data[2] = cw + 1;
        b.stride[1] = b.stride[2] = w.stride[1] = w.stride[2] = W;
    } else {
        b.data[1] = cb, b.data[2] = cb + (W / 2) * (H / 2);
        w.data[1] = cw, w.data[2] = cw + (W / 2) * (H / 2);
        b.stride[1] = b.stride[2] = w.stride[1] = w.stride[2] = W / 2;
    }
    VxMatte m;
    vx_matte_init(&m);
    uint16_t *const dst[4] = {out[0], out[1], out[2], out[3]};
    const ptrdiff_t stride[4] = {W, W, W, W};
    /* two bands: the rows are independent */
    vx_matte_rows(&m, &b, &w, dst, stride, 0, H / 3);
    vx_matte_rows(&m, &b, &w, dst, stride, H / 3, H);
    double worst_a = 0, worst_y = 0, worst_c = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const int i = y * W + x;
            const double a = block_alpha(x / 2, y / 2), got = out[3][i] / 1023.0;
            const double da = fabs(got - a);
            worst_a = fmax(worst_a, da);
            CHECK(da <= 1.0 / 219 + 0.5 / 1023 + 1e-9, "(%d,%d): alpha %.4f, exact %.4f", x, y,
                  got, a);
            if (a == 1) {
                CHECK(out[3][i] == 1023 && out[0][i] == 4 * fy[i], "(%d,%d): opaque sample: "
                      "alpha %d luma %d, expected 1023 and %g", x, y, out[3][i], out[0][i],
                      4 * fy[i]);
            } else if (a == 0) {
                CHECK(out[3][i] == 0 && out[0][i] == 64 && out[1][i] == 512 && out[2][i] == 512,
                      "(%d,%d): transparent sample: alpha %d, colour %d %d %d, expected 0, "
                      "64 512 512", x, y, out[3][i], out[0][i], out[1][i], out[2][i]);
            } else if (a > 1.0 / 219) {
                /* (0.5 + |F - 16| |da|) / a, the 10-bit output's rounding (1/8) and the
                 * clamp to the legal range aside */
                const double ey = fabs(out[0][i] / 4.0 - fy[i]);
                const double bound = (0.5 + fabs(fy[i] - 16) * da) / got + 0.13;
                worst_y = fmax(worst_y, ey * got);
                CHECK(ey <= bound, "(%d,%d): luma %.2f, exact %g (a %.4f), over %.2f", x, y,
                      out[0][i] / 4.0, fy[i], a, bound);
                for (int p = 0; p < 2; p++) {
                    const double fcv = fc[p][(y / 2) * (W / 2) + x / 2];
                    const double ec = fabs(out[1 + p][i] / 4.0 - fcv);
                    /* the block's mean alpha, within 1/219 of a */
                    const double cb = (0.5 + fabs(fcv - 128) / 219) / (a - 1.0 / 219) + 0.13;
                    worst_c = fmax(worst_c, ec * got);
                    CHECK(ec <= cb || out[1 + p][i] == 64 || out[1 + p][i] == 960,
                          "(%d,%d): chroma %d %.2f, exact %g (a %.4f), over %.2f", x, y, p,
                          out[1 + p][i] / 4.0, fcv, a, cb);
                }
            }
        }
    printf("layout %s: alpha within %.5f (bound %.5f); colour error x alpha: luma %.3f, "
           "chroma %.3f\n", layout == VX_LAYOUT_NV12 ? "nv12" : "planar", worst_a,
           1.0 / 219 + 0.5 / 1023, worst_y, worst_c);
}

int main(void)
{
    run(VX_LAYOUT_NV12);
    run(VX_LAYOUT_PLANAR);
    return failures != 0;
}
