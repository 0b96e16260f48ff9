#!/usr/bin/env python3
"""Styled export vs "the floor" (a bare ffmpeg decode + encode of the same clip).

    python3 bench/floor.py [--runs 5] [--size 1920x1080] [--fps 60] [--seconds 10]
                           [--preset veryfast] [--crf 23] [--clip FILE] [--out WxH]

Without --clip it generates a screen-like clip (the demo's synthetic desktop: windows,
scrolling text, a moving pointer) with `vexport synth`. Runs the floor and vexport
alternately, --runs times each, and prints the medians and their ratio (cost vs floor).

--effects all (the default without --clip) also runs the export with every effect the
project offers: the same styling plus the cursor redrawn from a track with click rings, the
camera bubble (a 640x480 30 fps webcam) and the demo's two zooms (one following the cursor, one
made by auto_zoom from a click), i.e. docs/demo-project.json without its timeline, keys and
captions. Its clip is generated with the
pointer left out and a cursor track beside it (`vexport synth --no-pointer --cursor-track
--webcam`); the floor encodes that same clip. --effects style runs only the styled export.

--out WxH exports at another size than the clip's (a Retina or 4K recording into 1080p): the
floor then scales as the public protocol's floor does (`-vf scale=W:H:flags=bicubic,
format=yuv420p`), and the styled export is made at that size.

--same-picture adds a run whose picture is the floor's own (no padding, so the screen fills
the output unscaled; --no-passthrough): its output is byte-identical to the floor's, so its
ratio is the pipeline's own overhead (or gain) with the encoder's work held equal.
"""
import json
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def measure(cmd):
    """Wall seconds, peak resident memory (MiB) and CPU seconds (user + system) of one run."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return time.perf_counter() - t, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def timed(cmd):
    """Wall seconds and peak resident memory (MiB) of one run."""
    return measure(cmd)[:2]


GRADIENT = "gradient:135:#4f46e5:#9333ea:#ec4899"


def make_clip(vexport, path, size, fps, seconds, audio=False):
    """A screen-like clip (the demo's synthetic desktop) made by `vexport synth`."""
    cmd = [vexport, "synth", "-o", path, "--size", size, "--fps", str(fps),
           "--seconds", str(seconds)]
    subprocess.run(cmd + ([] if audio else ["--no-audio"]), check=True)
    return path


def floor_cmd(clip, out, preset="veryfast", crf="23", size=None):
    """The floor: a bare decode + x264 encode of the clip (scaled to size, WxH, if given)."""
    scale = ["-vf", "scale=%s:flags=bicubic,format=yuv420p" % size.replace("x", ":")] if size else []
    return ["ffmpeg", "-v", "error", "-y", "-i", clip, "-an", *scale, "-c:v", "libx264",
            "-preset", preset, "-crf", str(crf), "-f", "mp4", out]


def styled_cmd(vexport, clip, size, out, preset="veryfast", crf="23", background=GRADIENT,
               padding="0.06", radius="18", shadow="48:0.5:0:16", extra=()):
    """Our styled export of the clip (shadow=None: no shadow)."""
    cmd = [vexport, "render", "--screen", clip, "--size", size, "--background", background,
           "--padding", padding, "--radius", radius]
    if shadow:
        cmd += ["--shadow", shadow]
    return cmd + ["--audio", "none", "--preset", preset, "--crf", str(crf), "-q", *extra,
                  "-o", out]


def demo_project(crf):
    """docs/demo-project.json without its timeline (cuts and speed-ups shorten the output, so
    they would only flatter a ratio), without its keys track and captions (the benchmarks'
    inputs have none; features.py --only keys measures the keys) and without its scenes (the
    camera-only intro is no part of the S4 rung; features.py --only scenes measures them), at
    quality crf."""
    with open(os.path.join(ROOT, "docs", "demo-project.json")) as f:
        proj = json.load(f)
    proj.pop("timeline", None)
    proj["sources"].pop("keys", None)
    proj["sources"].pop("captions", None)
    proj.pop("scenes", None)
    proj["output"]["quality"] = float(crf)
    return proj


def effects_project(tmp, clip, size, fps, cursor, camera, crf):
    """demo_project on this clip, as a project file: every effect (styling, cursor, camera,
    zoom). Its rectangle zoom is given for a 1920x1080 recording and is scaled to the clip's
    size."""
    proj = demo_project(crf)
    w, h = map(int, size.split("x"))
    proj["output"] = {"width": w, "height": h, "fps": fps, "quality": float(crf)}
    proj["sources"] = {"screen": clip, "cursor": cursor, "camera": camera}
    k = w / 1920
    for z in proj["zoom"]:
        if "rect" in z:
            z["rect"] = [round(v * k) for v in z["rect"]]
    path = os.path.join(tmp, "all-effects.json")
    with open(path, "w") as f:
        json.dump(proj, f, indent=1)
    return path


def alternate(cmds, runs, log=sys.stderr):
    """Runs each (name, cmd) in turn, `runs` rounds; returns {name: (wall s, peak MiB,
    CPU s)}, one entry per run in each list."""
    res = {name: ([], [], []) for name, _ in cmds}
    for i in range(runs):
        for name, cmd in cmds:
            for lst, v in zip(res[name], measure(cmd)):
                lst.append(v)
        print(f"run {i + 1}: " + ", ".join(f"{n} {res[n][0][-1]:.2f} s" for n, _ in cmds),
              file=log)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--fps", type=int, default=60)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--preset", default="veryfast")
    ap.add_argument("--crf", default="23")
    ap.add_argument("--clip")
    ap.add_argument("--out", help="the export's size, WxH, when not the clip's")
    ap.add_argument("--effects", choices=("all", "style"),
                    help="all: also every effect (default without --clip); style: styling only")
    ap.add_argument("--same-picture", action="store_true",
                    help="also the export whose picture is the floor's (byte-identical output)")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vexport-bench-")
    effects = a.effects or ("style" if a.clip else "all")
    if effects == "all" and a.clip:
        ap.error("--effects all generates its clip (with a cursor track and a webcam); "
                 "leave out --clip")
    if a.out and (effects == "all" or a.same_picture):
        ap.error("--out goes with the styled export alone: add --effects style, leave out "
                 "--same-picture")
    out = os.path.join(tmp, "out.mp4")
    if a.clip:
        clip = a.clip
    elif effects == "all":
        clip = os.path.join(tmp, "clip.mp4")
        cursor, camera = os.path.join(tmp, "cursor.jsonl"), os.path.join(tmp, "camera.mp4")
        subprocess.run([a.vexport, "synth", "-o", clip, "--size", a.size, "--fps", str(a.fps),
                        "--seconds", str(a.seconds), "--no-audio", "--no-pointer",
                        "--cursor-track", cursor, "--webcam", camera], check=True)
        project = effects_project(tmp, clip, a.size, a.fps, cursor, camera, a.crf)
    else:
        clip = make_clip(a.vexport, os.path.join(tmp, "clip.mp4"), a.size, a.fps, a.seconds)
    runs = [("floor", floor_cmd(clip, out, a.preset, a.crf, a.out)),
            ("styled", styled_cmd(a.vexport, clip, a.out or a.size, out, a.preset, a.crf))]
    if effects == "all":
        runs.append(("all effects", [a.vexport, "render", project,
                                     "--preset", a.preset, "-q", "-o", out]))
    if a.same_picture:
        runs.append(("same picture", styled_cmd(a.vexport, clip, a.size, out, a.preset, a.crf,
                                                padding="0", radius="0", shadow=None,
                                                extra=("--no-passthrough",))))
    res = alternate(runs, a.runs)
    print(f"clip {clip} ({a.size}, {a.fps} fps, {a.seconds} s), export {a.out or a.size}, "
          f"libx264 {a.preset} crf {a.crf}, {a.runs} alternating runs")
    tf, rf, cf = res["floor"]
    mf = statistics.median(tf)
    for name, _ in runs:
        t = res[name][0]
        print(f"{name:11} median {statistics.median(t):.2f} s  "
              f"(runs: {', '.join(f'{v:.2f}' for v in t)})")
    for name, _ in runs[1:]:
        tv, rv, cv = res[name]
        print(f"{name}: cost vs floor {statistics.median(tv) / mf:.3f}, CPU time (user + "
              f"system) {statistics.median(cv):.2f} s vs {statistics.median(cf):.2f} s "
              f"({statistics.median(cv) / statistics.median(cf):.3f}), peak memory "
              f"{statistics.median(rv):.0f} MiB vs {statistics.median(rf):.0f} MiB "
              f"({statistics.median(rv) - statistics.median(rf):+.0f} MiB)")


if __name__ == "__main__":
    main()
