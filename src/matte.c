/* Difference matting (matte.h). A layer stack composited over a solid background B gives,
 * per sample, O = a F + (1 - a) B, F the colour the stack shows and a its opacity: the
 * compositor mixes in Y'CbCr, linearly, and every layer (the screen's anti-aliased corners,
 * the shadow, the border, the cursor, the camera and its shadow) is such a mix. Over black
 * (Y 16) and over white (Y 235), with the chroma neutral (128) in both:
 *   Y_w - Y_b = 219 (1 - a)            ->  a = 1 - (Y_w - Y_b) / 219
 *   Y_b = 16 (1 - a) + a Y_F           ->  Y_F = 16 + (Y_b - 16) / a
 *   C_b = 128 (1 - a) + a C_F          ->  C_F = 128 + (C_b - 128) / a
 * Precision: each composite is rounded to 8 bits (within 0.5 of the exact value), so the
 * difference is within 1 code value of 219 (1 - a): the alpha is within 1/219 (0.46 %, 4.7
 * of the 1023 steps of 10-bit alpha) of the exact one, and exactly full where the stack is
 * opaque (the two composites are then equal). The colour is exact where a = 1 and within
 * (0.5 + 219 |da|) / a code values elsewhere: it grows only where the alpha is small (a
 * translucent shadow's faint edge), where it weighs as little in any composite made of it. */
#include "matte.h"

#include <string.h>

/* 4 * 219 / k, for k = 219 a in 1..219 (luma), 4 * 876 / K, K = the sum of a 2 x 2 block's
 * k (chroma), and the 10-bit alpha of k */
void vx_matte_init(VxMatte *m)
{
    memset(m, 0, sizeof(*m));
    for (int k = 1; k <= 219; k++) {
        m->rcp_y[k] = (float)(4.0 * 219 / k);
        m->alpha10[k] = (uint16_t)((k * 1023 + 109) / 219);
    }
    for (int k = 1; k <= 876; k++)
        m->rcp_c[k] = (float)(4.0 * 876 / k);
}

static inline int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* k = 219 a of sample x of luma rows yb, yw */
static inline int opacity(const uint8_t *yb, const uint8_t *yw, int x)
{
    return clampi(219 - (yw[x] - yb[x]), 0, 219);
}

void vx_matte_rows(const VxMatte *m, const VxPicture *black, const VxPicture *white,
                   uint16_t *const dst[4], const ptrdiff_t stride[4], int y0, int y1)
{
    const float *rcp_y = m->rcp_y, *rcp_c = m->rcp_c;
    const uint16_t *alpha10 = m->alpha10;
    const int W = black->w, H = black->h;
    const int step = black->layout == VX_LAYOUT_NV12 ? 2 : 1;
    for (int y = y0; y < y1; y++) {
        const uint8_t *yb = black->data[0] + y * black->stride[0];
        const uint8_t *yw = white->data[0] + y * white->stride[0];
        /* the other row of this row's chroma block (the last row alone when H is odd) */
        const int yo = (y ^ 1) < H ? y ^ 1 : y;
        const uint8_t *ob = black->data[0] + yo * black->stride[0];
        const uint8_t *ow = white->data[0] + yo * white->stride[0];
        const uint8_t *ub = black->data[1] + (y >> 1) * black->stride[1];
        const uint8_t *vb = black->data[2] + (y >> 1) * black->stride[2];
        uint16_t *dy = dst[0] + y * stride[0], *du = dst[1] + y * stride[1];
        uint16_t *dv = dst[2] + y * stride[2], *da = dst[3] + y * stride[3];
        for (int x = 0; x < W; x++) {
            const int k = opacity(yb, yw, x);
            da[x] = alpha10[k];
            dy[x] = k ? (uint16_t)clampi((int)(64.5f + (yb[x] - 16) * rcp_y[k]), 64, 940) : 64;
            const int x0 = x & ~1, x1 = x0 + 1 < W ? x0 + 1 : x0;
            const int K = opacity(yb, yw, x0) + opacity(yb, yw, x1) + opacity(ob, ow, x0) +
                          opacity(ob, ow, x1);
            const int ci = (x >> 1) * step;
            if (K) {
                /* rounded half away from 512 in both directions alike */
                const float cu = (ub[ci] - 128) * rcp_c[K], cv = (vb[ci] - 128) * rcp_c[K];
                du[x] = (uint16_t)clampi(512 + (int)(cu < 0 ? cu - 0.5f : cu + 0.5f), 64, 960);
                dv[x] = (uint16_t)clampi(512 + (int)(cv < 0 ? cv - 0.5f : cv + 0.5f), 64, 960);
            } else {
                du[x] = dv[x] = 512;
            }
        }
    }
}
