/* One NV12 frame through the plane scaler (src/scale.c), FRAMES times, at the CPU level
 * VEXPORT_CPU picks: luma with vx_plane_scale, chroma with vx_plane_scale_uv, the passes a
 * whole or banded redraw takes (a zoomed or blurred view, a camera picture). Free of FFmpeg,
 * so it builds for aarch64 too: bench/neon-insns.sh counts its instructions under qemu.
 *
 *   plane_scale SRC_WxH DST_WxH FRAMES
 *
 * Prints a checksum of the last frame (the same at every level: the kernels are bit-exact). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu.h"
#include "scale.h"

int main(int argc, char **argv)
{
    int sw, sh, dw, dh;
    if (argc != 4 || sscanf(argv[1], "%dx%d", &sw, &sh) != 2 ||
        sscanf(argv[2], "%dx%d", &dw, &dh) != 2 || sw < 2 || sh < 2 || dw < 2 || dh < 2) {
        fprintf(stderr, "usage: plane_scale SRC_WxH DST_WxH FRAMES\n");
        return 2;
    }
    const int frames = atoi(argv[3]);
    sw &= ~1, sh &= ~1, dw &= ~1, dh &= ~1;
    uint8_t *sy = malloc((size_t)sw * sh), *suv = malloc((size_t)sw * sh / 2);
    uint8_t *dy = malloc((size_t)dw * dh), *duv = malloc((size_t)dw * dh / 2);
    if (!sy || !suv || !dy || !duv)
        return 1;
    /* text-like stripes, as in compose_bench */
    for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++)
            sy[(size_t)y * sw + x] =
                (uint8_t)((y % 12 < 8 && (x / 6 + y / 12) % 7) ? 40 + (x * 37 + y) % 50 : 235);
    for (size_t i = 0; i < (size_t)sw * sh / 2; i++)
        suv[i] = (uint8_t)(128 + (int)(i * 7 % 31) - 15);
    VxScaleDSP dsp;
    vx_scale_dsp_init(&dsp, vx_cpu_effective(~0u));
    VxPlaneScaler ly, lc;
    if (vx_plane_scaler_init(&ly, &dsp, sw, sh, dw, dh, (double)sw / dw,
                             0.5 * sw / dw - 0.5, (double)sh / dh, 0.5 * sh / dh - 0.5) < 0 ||
        vx_plane_scaler_init(&lc, &dsp, sw / 2, sh / 2, dw / 2, dh / 2, (double)sw / dw,
                             0.5 * sw / dw - 0.5, (double)sh / dh, 0.5 * sh / dh - 0.5) < 0)
        return 1;
    for (int f = 0; f < frames; f++) {
        vx_plane_scale(&ly, sy, sw, 1, dy, dw, 1);
        vx_plane_scale_uv(&lc, suv, sw, duv, dw);
    }
    uint32_t sum = 0;
    for (size_t i = 0; i < (size_t)dw * dh; i++)
        sum = sum * 31 + dy[i];
    for (size_t i = 0; i < (size_t)dw * dh / 2; i++)
        sum = sum * 31 + duv[i];
    printf("%dx%d -> %dx%d, %d frames, checksum %08x\n", sw, sh, dw, dh, frames, sum);
    vx_plane_scaler_free(&ly);
    vx_plane_scaler_free(&lc);
    free(sy), free(suv), free(dy), free(duv);
    return 0;
}
