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
 *
 * Pointer and cursor track. By default the pointer is drawn into the picture on a closed
 * Lissajous path. With cursor_track set, it follows a scripted tour instead (the terminal, the
 * editor's typed line, a quick sweep, the export dialog's Pause button; the same tour for
 * every size, placed from the window layout; it rests after 14 s) with left clicks at 1.7,
 * 3.6 and 12.0 s (each held 0.14 s), and the tour is written to cursor_track as
 * JSON Lines (docs/cursor-track.md), times in seconds of the recording:
 *     {"t": 1.016667, "x": 412, "y": 300}     a move: the arrow's tip covers pixel (x, y)
 *     {"t": 1.7, "down": "left"}             button pressed (at the last move's position)
 *     {"t": 1.84, "up": "left"}              button released
 * One move is written for each frame (time n / fps) where the position differs from the
 * previous frame's, the first frame always; x and y are whole pixels, inside the picture and
 * above its bottom 20 %, and equal to where the pointer is drawn when it is drawn too. Times
 * never decrease. In this mode the export dialog has a Pause button at the right end of its
 * first line: it is drawn darker while held down, and once released (at 12.14 s) it reads
 * "Resume" and the progress bar stops and turns amber (the scene reacts to the click).
 * pointer = 0 leaves the pointer out of the picture (what a recorder that logs the cursor
 * apart does), so an exporter can redraw it from the track.
 *
 * Keys track (keys_track set, with cursor_track): the keys the editor's line is typed with, as
 * JSON Lines (docs/keys-track.md): the line is typed 12 characters a second from t = 0, then
 * rests 2 s, and again (a cycle of (44 + 24) / 12 s); character j (0-based) of the line appears
 * at t = (cycle k (44 + 24) + j + 1) / 12 s and is written as a key-down at that time (the
 * editor inserts the first 4, the indent, itself: not written; a space is "space", letters
 * as typed), and 0.5 s after the line is complete a save, {"key": "s", "modifiers": ["cmd"]}:
 *     {"t": 0.416667, "key": "o", "down": true}
 *     {"t": 4.166667, "key": "s", "down": true, "modifiers": ["cmd"]}
 * Times never decrease; none past the recording's end.
 *
 * Captions (captions set): an SRT file (UTF-8, CRLF line ends) with these cues, in seconds
 * of the recording (a cue is left out when it would end after the recording):
 *     1   0.5 -->  3.8   "Built-in demo: a synthetic desktop, styled by vexport"
 *     2   6.6 --> 10.4   "Cut, cross-faded into twice the speed"
 *     3  11.0 --> 13.8   "Zoomed in on the click, from the cursor track"
 *
 * Webcam clip (webcam set): 640x480, 30 fps, as long as the screen recording, H.264 yuv420p
 * (BT.601 / SMPTE 170M, limited range) in MP4, no audio: a soft vertical gradient with a
 * head-and-shoulders figure that sways, blinks and moves its mouth while the microphone
 * track speaks. Its frame n carries the same counter box as the screen (text and 16-bit
 * barcode, layout above) in its bottom-left corner, but with s = 1 (box 135x17, cells 4x4
 * pixels) so that a round bubble cut from the middle hides it.
 *
 * Microphone track (mic set): AAC-LC, 48 kHz mono, 96 kb/s, in an M4A (MP4) file exactly as
 * long as the screen recording (the encoder's priming aside): a synthetic voice, glottal
 * pulses at 105..160 Hz through three vowel formant resonators, in syllables of 0.12..0.26 s
 * grouped into phrases, with silence between phrases (always silent for t < 0.5 s). Peaks
 * stay below -3 dBFS. The screen's own tone and beeps are unchanged.
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
    int pointer;        /* 1 = draw the pointer into the picture (default 1) */
    const char *cursor_track; /* NULL (default) or where to write the cursor track; the
                               * pointer then follows the scripted tour (see above) */
    const char *keys_track; /* NULL (default) or where to write the keys track (see above);
                             * needs cursor_track (the tour) */
    const char *webcam; /* NULL (default) or where to write the webcam clip (see above) */
    const char *mic;    /* NULL (default) or where to write the microphone track (see above) */
    const char *captions; /* NULL (default) or where to write the captions (see above) */
} VxtSceneOptions;

void vxt_scene_defaults(VxtSceneOptions *o);

/* The font scale used for a picture of this size: 1 below 400 lines/columns (of the smaller
 * side), 2 up to 1079, then smaller side / 540. */
int vxt_scene_scale(int width, int height);

/* Writes an MP4 (see above) to path, replacing it, and the cursor track, webcam clip and
 * microphone track, keys track and captions that o asks for. o may be NULL for the defaults.
 * Returns 0 or a negative AVERROR/errno code and writes a human message to err (if err is not
 * NULL). Prints nothing. On failure every file it wrote is removed. */
int vxt_scene_write(const char *path, const VxtSceneOptions *o, char *err, size_t errlen);

#endif
