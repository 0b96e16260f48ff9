/*
 * Synthetic "screen recording" generator for the vexport tool (demo and test media).
 *
 * Draws a desktop (wallpaper, menu bar with a running clock, a dock, three application
 * windows: a terminal whose log scrolls, an editor with a line being typed, an export dialog
 * with a progress bar and a bouncing ball), a mouse pointer on a smooth path, and a frame
 * counter, directly in Y'CbCr 4:2:0 (no RGB frame buffer), encodes it with libx264 and AAC
 * and writes an MP4. Part of the tool, not of the library.
 *
 * Colour: BT.709 (primaries, transfer, matrix) when height >= 720, else SMPTE 170M (BT.601);
 * limited range; chroma left-sited; tagged on the stream and in the container.
 * Video: H.264 yuv420p (libx264), one keyframe at least every 2 s. An odd width or height
 * cannot be coded as 4:2:0 H.264 (its cropping works in whole chroma samples), so odd sizes
 * are encoded as VP9 yuv420p (libvpx-vp9) in the same MP4 container instead.
 * Audio (optional): AAC-LC (libavcodec's native encoder), 48 kHz stereo, 128 kb/s: a 440 Hz
 * sine at -12 dBFS on both channels, plus a 1 kHz sine of the same amplitude added during the
 * first 100 ms of every whole second (2 ms ramps), i.e. a beep that starts exactly at t = 0,
 * 1, 2, ... s (useful for A/V sync checks).
 *
 * Frame identification (for tests that check which source frame ended up where). Let
 *     s = vxt_scene_scale(width, height)    (1, 2 or more: the pixel size of the font)
 * A black box sits in the bottom-left corner: x in [0, 135 s), y in [height - 17 s, height).
 * Inside it:
 *   - the text "frame NNNNNN t=SSS.mmm" (frame number n, time n / fps), white, 5x7 glyphs
 *     scaled by s, left edge at x = 2 s, top at y = height - 15 s;
 *   - a 16-bit barcode of n mod 65536, most significant bit first: cell k (0..15) is the
 *     square x in [2 s + 4 s k, 2 s + 4 s (k + 1)), y in [height - 6 s, height - 2 s),
 *     luma 235 (white) for a 1 bit and luma 63 (dark grey, sRGB #404040) for a 0 bit, chroma
 *     neutral. Sample each cell's centre and threshold at luma ~150.
 * The pointer never enters the bottom 20 % of the picture, so it never covers the box.
 */
#ifndef VEXPORT_TOOLS_DEMO_SCENE_H
#define VEXPORT_TOOLS_DEMO_SCENE_H

#include <stddef.h>

typedef struct VxtSceneOptions {
    int width, height;  /* default 1920x1080; any size >= 64x64 (at most 8192x8192), odd allowed */
    int fps;            /* default 60 (1..240) */
    double seconds;     /* default 10 (> 0, at most 3600) */
    int audio;          /* 1 = add the tone as AAC 48 kHz stereo (default 1) */
    int crf;            /* encoder crf, default 18 (0..51) */
    const char *preset; /* libx264 preset, default "ultrafast" (ignored for VP9) */
} VxtSceneOptions;

void vxt_scene_defaults(VxtSceneOptions *o);

/* The font scale used for a picture of this size: 1 below 400 lines/columns (of the smaller
 * side), 2 up to 1079, then smaller side / 540. */
int vxt_scene_scale(int width, int height);

/* Writes an MP4 (see above) to path, replacing it. o may be NULL for the defaults.
 * Returns 0 or a negative AVERROR/errno code and writes a human message to err (if err is not
 * NULL). Prints nothing. On failure the partly written file is removed. */
int vxt_scene_write(const char *path, const VxtSceneOptions *o, char *err, size_t errlen);

#endif
