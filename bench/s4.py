#!/usr/bin/env python3
"""The public benchmark's S4 rung ("full demo") against its protocol floor.

    python3 bench/s4.py [--runs 3] [--seconds 60] [--work DIR] [--vexport build/vexport]
                        [--no-motion-blur] [--before OLD_VEXPORT]

Builds the rung's inputs from its description with ffmpeg and `vexport synth` (nothing
downloaded):
  - the recording: 1920x1080 60 fps, an IDE-like desktop whose text scrolls (`vexport synth
    --no-pointer`), with a voice-like tone (a 120-220 Hz glide, syllable-rate amplitude) as its
    sound;
  - a light wallpaper image (1920x1080 PNG, ffmpeg's `gradients` source, pale colours);
  - a 1280x720 30 fps webcam clip (ffmpeg `testsrc2`);
  - a cursor track touring eight points (1.1 s per leg, eased), with a click after each
    arrival.
The project: the wallpaper, 5% padding, 40 px corners, a shadow; three zooms (6-12 s at 1.8x,
22-29 s at 2.2x, 41-48 s at 1.6x, each centred on a point of the tour); motion blur
{"screen": 0.5, "cursor": true}; the cursor at 150% with spring smoothing and click rings; a
rounded webcam inset with a shadow; 1920x1080, 60 fps, libx264 veryfast crf 23, AAC 128k.
The floor, as the protocol writes it:
  ffmpeg -i SRC -vf scale=1920:1080:flags=bicubic,format=yuv420p -r 60 -c:v libx264
         -preset veryfast -crf 23 -c:a aac -b:a 128k -movflags +faststart OUT.mp4
Runs alternate (floor, vexport, floor, ...); prints each run's wall and CPU seconds, the
medians and the ratios, and vexport's --stats split of the last run. --before OLD_VEXPORT adds
another build of vexport to the rotation (floor, before, vexport, ...), to claim a gain over it
with the same inputs in the same session.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POINTS = [(300, 240), (1500, 200), (1650, 700), (960, 540), (400, 860), (1200, 950),
          (700, 420), (1600, 420)]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def measure(cmd):
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status):
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err[-2000:]))
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime, err


def cursor_track(path, seconds):
    """Eight points toured in order (smoothstep legs of 1.1 s, 0.9 s rest), a click 0.15 s
    after each arrival; 120 positions a second."""
    lines, t, i = [], 0.0, 0
    x, y = POINTS[0]
    while t < seconds:
        nx, ny = POINTS[(i + 1) % len(POINTS)]
        for k in range(132):  # the leg
            u = k / 132
            e = u * u * (3 - 2 * u)
            lines.append('{"t": %.4f, "x": %.2f, "y": %.2f}' % (t + k / 120, x + (nx - x) * e,
                                                              y + (ny - y) * e))
        t += 1.1
        lines.append('{"t": %.4f, "x": %.2f, "y": %.2f}' % (t, nx, ny))
        lines.append('{"t": %.4f, "down": "left"}' % (t + 0.15))
        lines.append('{"t": %.4f, "up": "left"}' % (t + 0.25))
        t += 0.9
        x, y, i = nx, ny, i + 1
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def inputs(work, seconds, vexport):
    rec = os.path.join(work, "screen.mp4")
    if os.path.exists(rec):
        return
    silent = os.path.join(work, "screen-silent.mp4")
    run([vexport, "synth", "-o", silent, "--size", "1920x1080", "--fps", "60", "--seconds",
         str(seconds), "--no-pointer", "--no-audio"])
    voice = ("0.35*sin(2*PI*(170+50*sin(2*PI*0.7*t))*t)*(0.55+0.45*sin(2*PI*4.3*t))"
             "*(0.6+0.4*sin(2*PI*0.23*t))")
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", silent, "-f", "lavfi", "-i",
         "aevalsrc=%s:s=48000:d=%d" % (voice, seconds), "-c:v", "copy", "-c:a", "aac",
         "-b:a", "160k", "-shortest", rec])
    os.unlink(silent)
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "gradients=s=1920x1080:c0=0xf1f5f9:c1=0xe0e7ff:c2=0xfce7f3:n=3:speed=0.0001:seed=7",
         "-frames:v", "1", os.path.join(work, "wallpaper.png")])
    run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "testsrc2=s=1280x720:r=30:d=%d" % seconds, "-c:v", "libx264", "-preset", "veryfast",
         "-pix_fmt", "yuv420p", os.path.join(work, "webcam.mp4")])
    cursor_track(os.path.join(work, "cursor.jsonl"), seconds)


def project(work, motion_blur):
    def zoom(s, e, scale, pt):
        return {"start": s, "end": e, "center": list(pt), "scale": scale, "transition": 0.6}
    p = {
        "version": 1,
        "output": {"width": 1920, "height": 1080, "fps": 60},
        "sources": {"screen": "screen.mp4", "cursor": "cursor.jsonl", "camera": "webcam.mp4"},
        "background": {"type": "image", "path": "wallpaper.png"},
        "padding": 0.05, "radius": 40,
        "shadow": {"blur": 48, "offset_y": 16, "opacity": 0.45},
        "zoom": [zoom(6, 12, 1.8, POINTS[3]), zoom(22, 29, 2.2, POINTS[1]),
                 zoom(41, 48, 1.6, POINTS[5])],
        "cursor": {"size": 1.5, "smoothing": "spring", "click": "ring"},
        "camera": {"shape": "rounded", "corner": "bottom-right", "size": 0.26, "shadow": True},
    }
    if motion_blur:
        p["motion_blur"] = {"screen": 0.5, "cursor": True}
    path = os.path.join(work, "s4.json")
    with open(path, "w") as f:
        json.dump(p, f, indent=1)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--work", help="keep the inputs here (reused when present)")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    ap.add_argument("--no-motion-blur", action="store_true")
    ap.add_argument("--before", help="another vexport binary measured in the same rotation")
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="vx-s4.")
    os.makedirs(work, exist_ok=True)
    inputs(work, a.seconds, a.vexport)
    proj = project(work, not a.no_motion_blur)
    out_f, out_v = os.path.join(work, "floor.mp4"), os.path.join(work, "vexport.mp4")
    floor = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", os.path.join(work, "screen.mp4"),
             "-vf", "scale=1920:1080:flags=bicubic,format=yuv420p", "-r", "60",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a",
             "128k", "-movflags", "+faststart", out_f]
    vx = [a.vexport, "render", proj, "-o", out_v, "--preset", "veryfast", "--crf", "23",
          "--progress", "none", "--stats"]
    runs = [("floor", floor)]
    if a.before:
        runs.append(("before", [a.before] + vx[1:4] + [os.path.join(work, "before.mp4")] + vx[5:]))
    runs.append(("vexport", vx))
    res = {name: [] for name, _ in runs}
    stats = ""
    for r in range(a.runs):
        for name, cmd in runs:
            wall, cpu, err = measure(cmd)
            res[name].append((wall, cpu))
            if name == "vexport":
                stats = err
            print("run %d %-8s %7.2f s wall %7.2f s CPU" % (r + 1, name, wall, cpu), flush=True)
    mf = statistics.median(w for w, _ in res["floor"])
    cf = statistics.median(c for _, c in res["floor"])
    print("floor   median %.2f s wall, %.2f s CPU" % (mf, cf))
    for name, _ in runs[1:]:
        mv = statistics.median(w for w, _ in res[name])
        cv = statistics.median(c for _, c in res[name])
        print("%-7s median %.2f s wall, %.2f s CPU" % (name, mv, cv))
        print("S4 cost vs floor (%s): %.3fx wall, %.3fx CPU (%d alternating runs each%s)"
              % (name, mv / mf, cv / cf, a.runs, ", motion blur off" if a.no_motion_blur else ""))
    print("vexport --stats (last run):\n" + stats.strip())
    if not a.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
