/* Separable plane scaling kernels (Catmull-Rom, widened when shrinking; or bilinear).
 * Coefficients are 14-bit fixed point summing to 1 << 14; the horizontal pass keeps 6
 * fractional bits in int16; the vertical pass rounds each tap's product to 16 bits (5
 * fractional bits), sums in 16 bits and rounds to 8-bit. Kept free of FFmpeg. */
#ifndef VX_DSP_SCALE_H
#define VX_DSP_SCALE_H

#include <stddef.h>
#include <stdint.h>

#define VX_SCALE_COEF_BITS 14
#define VX_SCALE_MID_BITS 6
/* the widest filter the padded SIMD kernels take: a Catmull-Rom shrink by up to 15.75x */
#define VX_SCALE_MAX_PTAPS 64
#define VX_SCALE_MAX_ROWS 2 /* 4 measured slower: 4 source and 4 output rows overflow L1 at 4K */
/* fractional bits of the vertical pass's 16-bit sum: MID + COEF - 15 */
#define VX_SCALE_OUT_BITS (VX_SCALE_MID_BITS + VX_SCALE_COEF_BITS - 15)

typedef struct VxScaleFilter {
    int n_src;      /* source samples */
    int n_out;      /* outputs */
    int taps;       /* taps per output (a filter that does not shrink has no tap that weighs
                     * 0 in every output: Catmull-Rom 4, bilinear 2) */
    int32_t *pos;   /* first source index per output, so pos[i] + taps <= n_src */
    int16_t *coef;  /* n_out * taps coefficients */
    int ptaps;      /* taps rounded up to a multiple of 8 (0 if more than VX_SCALE_MAX_PTAPS) */
    int16_t *coef_pad; /* n_out * ptaps coefficients, zero-padded, for SIMD kernels */
    int identity;   /* 1 when output i is exactly source i */
    /* The same filter regrouped for shuffle-based SIMD kernels: a group is 4 int32 lanes
     * (4 outputs of one channel, or 2 outputs x 2 interleaved channels) whose taps all lie in
     * one 16-byte load (on aarch64, where those do not fit, one of 32, 48 or 64 bytes: win);
     * g1 serves one channel at step 1, g2 two interleaved channels (NV12 UV). n is 0 when
     * some group does not fit (strong shrinking): the kernels then fall back to the wide
     * blocks or the per-output path. */
    struct VxScaleGroups {
        int n;          /* full groups (outputs beyond n * outs take the per-output path) */
        int nfull;      /* leading groups whose load (win bytes) stays inside the row */
        int outs;       /* outputs per group: 4 or 2 */
        int pairs;      /* tap pairs: (taps + 1) / 2 */
        int inc;        /* shuffle index step from one tap pair to the next (2 * step) */
        int win;        /* bytes a group's load covers: 16 (on aarch64 also 32, 48 or 64,
                         * for NEON's lookups in 2 to 4 registers, where 16 do not fit) */
        int bytes;      /* bytes in a source row (n_src * step) */
        /* blocks of 4 groups from group 0, for a byte permute over one 64-byte load */
        int nb;         /* ceil(n / 4) blocks; 0 when some block's bytes span more than 64 */
        int nbfull;     /* leading blocks whose 64-byte load stays inside the row */
        uint8_t *bidx;  /* [block][64] byte indices from base[4 * block]: lane j reads bytes
                         * bidx[4j], bidx[4j+2] (+ inc per pair; odd bytes are zeroed) */
        ptrdiff_t cstride; /* int16s from one pair's coefficients to the next's */
        int32_t *base;  /* byte offset of each group's load */
        uint8_t *idx;   /* 16 shuffle indices per group: lane j reads bytes idx[4j], idx[4j+2]
                         * (+ inc per pair); the odd bytes are 0x80 (zero) */
        int16_t *coef;  /* [pair][group][lane][2], zero groups padding n to whole blocks */
    } g1, g2;
    /* Where the groups do not fit (shrinking by 3x and more: a camera into its bubble, 4K
     * into 720p), the filter in blocks of up to 16 int32 lanes (outputs of one channel, or
     * outputs x 2 interleaved channels) whose taps all lie in one 128-byte window, for a byte
     * permute over two 64-byte loads (AVX-512 VBMI); w1 one channel at step 1, w2 two. */
    struct VxScaleWide {
        int nb;         /* blocks, the last one partial; 0 when not built or no block of 4
                         * lanes fits 128 bytes */
        int outs;       /* outputs per block: as many as fit, at most 16 / channels */
        int pairs, inc, bytes; /* as in VxScaleGroups */
        int32_t *base;  /* byte offset of each block's window */
        uint8_t *idx;   /* [block][64] byte indices from base: lane j reads bytes idx[4j],
                         * idx[4j+2] (+ inc per pair; odd bytes are zeroed) */
        ptrdiff_t cstride; /* int16s from one pair's coefficients to the next's: 32 * nb */
        int16_t *coef;  /* [pair][block][lane][2] */
    } w1, w2;
    unsigned gbuilt; /* bit 0: g1 (or w1) built or tried, bit 1: g2 (w2) */
} VxScaleFilter;

typedef struct VxScaleGroups VxScaleGroups;
typedef struct VxScaleWide VxScaleWide;

/* Filter kinds: the high-quality one (Catmull-Rom, widened when shrinking) and bilinear
 * (a triangle, widened when shrinking: an area-like average). */
enum { VX_SCALE_HQ = 0, VX_SCALE_BILINEAR = 1 };

/* Output i is centred on source position ratio * i + offset (in source samples); the
 * kernel is widened by max(1, ratio). Samples outside [0, n_src) repeat the edge. */
int vx_scale_filter_build(VxScaleFilter *f, int n_src, int n_out, double ratio, double offset);
int vx_scale_filter_build2(VxScaleFilter *f, int kind, int n_src, int n_out, double ratio,
                           double offset);
/* build2 without the grouped tables (g1, g2 stay empty: what a vertical filter wants, or a
 * horizontal one whose tables are built on first use by vx_scale_filter_groups) */
int vx_scale_filter_build3(VxScaleFilter *f, int kind, int n_src, int n_out, double ratio,
                           double offset);
/* Builds g1 (channels 1) or g2 (channels 2) once, or w1 / w2 where those do not fit; build2
 * builds both layouts. */
int vx_scale_filter_groups(VxScaleFilter *f, int channels);
void vx_scale_filter_free(VxScaleFilter *f);

typedef struct VxScaleDSP {
    /* dst[i] = sum_t src[(pos[i] + t) * step] * coef[i * taps + t] >> (14 - 6), i < n_out */
    void (*hscale)(int16_t *dst, const uint8_t *src, int src_step, const VxScaleFilter *f);
    /* two interleaved channels (NV12 UV): dst[2 * i + ch] = sum_t src[2 * (pos[i] + t) + ch]
     * * coef[i * taps + t] >> (14 - 6), i < n_out, ch < 2 */
    void (*hscale2)(int16_t *dst, const uint8_t *src, const VxScaleFilter *f);
    /* nr (1 to VX_SCALE_MAX_ROWS) source rows through the same filter: hscale (channels 1,
     * step 1) or hscale2 (channels 2) of src[r] into dst[r]; SIMD reads the filter once */
    void (*hscale_rows)(int16_t *const *dst, const uint8_t *const *src, int nr, int channels,
                        const VxScaleFilter *f);
    /* dst[x * step] = clip8((16 + sum_t (rows[t][x] * coef[t] + 2^14) >> 15) >> 5), x < w,
     * the sum in wrapping int16 (see vscale_block in scale.c) */
    void (*vscale)(uint8_t *dst, int dst_step, const int16_t *const *rows,
                   const int16_t *coef, int taps, int w);
} VxScaleDSP;

void vx_scale_dsp_init(VxScaleDSP *d, unsigned cpu_flags);
void vx_scale_dsp_init_x86(VxScaleDSP *d, unsigned cpu_flags);
void vx_scale_dsp_init_arm(VxScaleDSP *d, unsigned cpu_flags);

#endif
