#!/usr/bin/env python3
"""Our styled export vs the same composition done by an ffmpeg filter graph and by
GStreamer's compositor, and vs the floor (a bare decode + encode).

    python3 bench/filtergraph.py [--runs 3] [--size 1920x1080] [--fps 60] [--seconds 10]
                                 [--clip FILE] [--no-gst]

The composition: a solid background (#4f46e5), the screen scaled into it with 6% padding and
18 px rounded corners (antialiased), no shadow; libx264 veryfast crf 23 everywhere, the same
clip as bench/floor.py (`vexport synth`). The others get what is fixed pre-rendered once, as
a user of those tools would do it, and it is not timed:
  ffmpeg:    scale -> alphamerge with a rounded-rectangle mask PNG -> overlay on a color source
  GStreamer: avdec_h264 -> compositor (the screen scaled by its pad, then a frame PNG on top:
             the background with a transparent rounded hole; AYUV out, as its alpha blending
             needs) -> videoconvert I420 -> x264enc pass=qual quantizer=23
             speed-preset=veryfast (x264's CRF 23) -> mp4mux
Each output is checked against vexport's (PSNR over all frames) so a broken pipeline is not
timed as a fast one.
The screen rectangle is computed as vx_layout_compute does. Runs alternate; medians.
Target for vexport: >= 1.4x faster than the ffmpeg filter graph.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

TMPDIRS = []
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import ROOT, alternate, floor_cmd, make_clip, styled_cmd  # noqa: E402

COLOR = "4f46e5"
PADDING, RADIUS = 0.06, 18


def layout(W, H, sw, sh, padding):
    """The screen rectangle (x, y, w, h), as src/compose.c's vx_layout_compute."""
    rnd = lambda v: int(v + 0.5)  # round half up, as the library
    m = padding * min(W, H)
    s = min((W - 2 * m) / sw, (H - 2 * m) / sh)
    rw, rh = min(rnd(sw * s), W), min(rnd(sh * s), H)
    return 2 * rnd((W - rw) / 4), 2 * rnd((H - rh) / 4), rw, rh


def coverage_expr(x, y, w, h, r):
    """geq expression: coverage of pixel (X, Y) by the rounded rectangle, 0..1."""
    qx = f"(abs(X+0.5-{x + w / 2})-{w / 2 - r})"
    qy = f"(abs(Y+0.5-{y + h / 2})-{h / 2 - r})"
    d = f"(hypot(max({qx},0),max({qy},0))+min(max({qx},{qy}),0)-{r})"
    return f"clip(0.5-{d},0,1)"


def render_png(path, size, expr_rgba):
    w, h = size
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=black:s={w}x{h},format=rgba", "-vf", f"geq={expr_rgba}",
                    "-frames:v", "1", path], check=True)


def count_packets(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-count_packets",
                        "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", path],
                       capture_output=True, text=True, check=True)
    return int(r.stdout.strip() or 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--fps", type=int, default=60)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clip")
    ap.add_argument("--no-gst", action="store_true")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    W, H = map(int, a.size.split("x"))
    tmp = tempfile.mkdtemp(prefix="vexport-bench-")
    TMPDIRS.append(tmp)
    clip = a.clip or make_clip(a.vexport, os.path.join(tmp, "clip.mp4"), a.size, a.fps,
                               a.seconds)
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries",
                            "stream=width,height", "-of", "csv=p=0", clip],
                           capture_output=True, text=True, check=True).stdout.split(",")
    sw, sh = int(probe[0]), int(probe[1])
    x, y, rw, rh = layout(W, H, sw, sh, PADDING)
    frames = count_packets(clip)

    mask = os.path.join(tmp, "mask.png")  # the screen's alpha: 1 inside the rounded rect
    cov = coverage_expr(0, 0, rw, rh, RADIUS)
    render_png(mask, (rw, rh), f"r=255:g=255:b=255:a='255*{cov}'")
    hole = os.path.join(tmp, "frame.png")  # background with a transparent rounded hole
    cov = coverage_expr(x, y, rw, rh, RADIUS)
    cr, cg, cb = (int(COLOR[i:i + 2], 16) for i in (0, 2, 4))
    render_png(hole, (W, H), f"r={cr}:g={cg}:b={cb}:a='255*(1-{cov})'")

    out = {k: os.path.join(tmp, k + ".mp4") for k in ("floor", "vexport", "ffmpeg", "gst")}
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
    graph = (f"[0:v]scale={rw}:{rh}:flags=bicubic,format=yuva420p[s];"
             f"[1:v]format=gray[m];[s][m]alphamerge[sa];"
             f"[2:v][sa]overlay={x}:{y}:shortest=1:format=yuv420[o]")
    cmds = [
        ("floor", floor_cmd(clip, out["floor"])),
        ("vexport", styled_cmd(a.vexport, clip, a.size, out["vexport"],
                               background="#" + COLOR, padding=str(PADDING),
                               radius=str(RADIUS), shadow=None)),
        ("ffmpeg filter graph",
         ["ffmpeg", "-v", "error", "-y", "-i", clip, "-loop", "1", "-framerate", str(a.fps), "-i", mask,
          "-f", "lavfi", "-i", f"color=c=0x{COLOR}:s={W}x{H}:r={a.fps}",
          "-filter_complex", graph, "-map", "[o]", "-frames:v", str(frames), "-an", *x264, "-f", "mp4", out["ffmpeg"]]),
    ]
    gst = shutil.which("gst-launch-1.0")
    if gst and not a.no_gst:
        cmds.append(("gstreamer compositor", [
            gst, "-q", "compositor", "name=c", "background=black",
            f"sink_0::xpos={x}", f"sink_0::ypos={y}", f"sink_0::width={rw}",
            f"sink_0::height={rh}", "sink_0::zorder=0", "sink_1::zorder=1",
            # the compositor blends alpha only into an output format that has it
            "!", f"video/x-raw,format=AYUV,width={W},height={H}", "!", "videoconvert",
            "!", "video/x-raw,format=I420", "!", "x264enc", "pass=qual", "quantizer=23", "speed-preset=veryfast",
            "!", "mp4mux", "!", "filesink", f"location={out['gst']}",
            "filesrc", f"location={clip}", "!", "qtdemux", "!", "h264parse", "!",
            "avdec_h264", "!", "c.sink_0",
            "filesrc", f"location={hole}", "!", "pngdec", "!", "imagefreeze",
            f"num-buffers={frames}", "!", f"video/x-raw,framerate={a.fps}/1", "!",
            "videoconvert", "!", "c.sink_1"]))
    elif not a.no_gst:
        print("gst-launch-1.0 not found: GStreamer skipped (apt-get install gstreamer1.0-tools "
              "gstreamer1.0-plugins-{base,good,ugly,bad} gstreamer1.0-libav)", file=sys.stderr)
    res = alternate(cmds, a.runs)
    for name, _ in cmds:  # each made a whole video
        key = {"ffmpeg filter graph": "ffmpeg", "gstreamer compositor": "gst"}.get(name, name)
        n = count_packets(out[key])
        if abs(n - frames) > 1:
            print(f"warning: {name} wrote {n} frames, the clip has {frames}", file=sys.stderr)
        if key not in ("vexport", "floor"):
            r = subprocess.run(["ffmpeg", "-v", "info", "-i", out[key], "-i", out["vexport"],
                                "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
                               capture_output=True, text=True)
            avg = [w for w in r.stderr.split() if w.startswith("average:")]
            psnr = avg[-1].split(":")[1] if avg else "?"
            print(f"{name}: PSNR against vexport's output {psnr} dB", file=sys.stderr)
    med = {n: statistics.median(res[n][0]) for n, _ in cmds}
    print(f"clip {clip} ({a.size}, {a.fps} fps, {a.seconds} s, {frames} frames); screen "
          f"{rw}x{rh} at ({x},{y}), {RADIUS} px corners, solid background; libx264 veryfast "
          f"crf 23; {a.runs} alternating runs")
    for n, _ in cmds:
        ts = ", ".join(f"{t:.2f}" for t in res[n][0])
        print(f"{n:22s} median {med[n]:6.2f} s  (runs: {ts})  peak "
              f"{statistics.median(res[n][1]):.0f} MiB  vs floor {med[n] / med['floor']:.2f}  "
              f"CPU {statistics.median(res[n][2]):.2f} s")
    for n, _ in cmds:
        if n not in ("floor", "vexport"):
            print(f"vexport is {med[n] / med['vexport']:.2f}x faster than the {n}"
                  + (" (target >= 1.4x)" if n.startswith("ffmpeg") else ""))


if __name__ == "__main__":
    try:
        main()
    finally:  # the clips are large; --clip inputs are not in it
        for d in TMPDIRS:
            shutil.rmtree(d, ignore_errors=True)
