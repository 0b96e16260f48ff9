#!/usr/bin/env python3
"""What the screen-recording edit costs: the same styled export with and without the
features of issue 5 (zoom that follows the cursor + a centre zoom, the drawn cursor with click
rings, the camera bubble, two mixed audio tracks), alternating runs, medians, ratio.

    python3 bench/features.py [--runs 5] [--size 1920x1080] [--fps 60] [--seconds 10]

Inputs are generated: the synthetic desktop (`vexport synth`), a cursor track (a smooth
path with a click every 1.5 s, JSON lines), a 640x480 30 fps "webcam" (ffmpeg's testsrc2) and
a second audio track (a 300 Hz tone). Cuts and speed-ups are left out on purpose: they make
the output shorter, so they would only flatter the ratio.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from floor import ROOT, timed  # noqa: E402


def write_track(path, w, h, seconds):
    with open(path, "w") as f:
        n = int(seconds * 120)
        for i in range(n + 1):
            t = i / 120
            x = w * (0.5 + 0.35 * math.sin(0.7 * t))
            y = h * 0.4 * (1 + 0.6 * math.sin(1.1 * t + 1))
            f.write(json.dumps({"t": round(t, 4), "x": round(x, 2), "y": round(y, 2)}) + "\n")
            if i % 180 == 90:
                f.write(json.dumps({"t": round(t, 4), "down": "left"}) + "\n")
            if i % 180 == 100:
                f.write(json.dumps({"t": round(t, 4), "up": "left"}) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--fps", type=int, default=60)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--preset", default="veryfast")
    ap.add_argument("--crf", default="23")
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    tmp = tempfile.mkdtemp(prefix="vexport-features-")
    clip = os.path.join(tmp, "clip.mp4")
    subprocess.run([a.vexport, "synth", "-o", clip, "--size", a.size, "--fps", str(a.fps),
                    "--seconds", str(a.seconds)], check=True, stdout=subprocess.DEVNULL)
    write_track(os.path.join(tmp, "cursor.jsonl"), w, h, a.seconds)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=640x480:rate=30:duration={a.seconds}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    os.path.join(tmp, "cam.mp4")], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency=300:sample_rate=48000:duration={a.seconds}", "-c:a", "aac",
                    os.path.join(tmp, "mic.m4a")], check=True)
    base = {
        "version": 1,
        "output": {"width": w, "height": h, "quality": float(a.crf)},
        "sources": {"screen": "clip.mp4"},
        "background": {"type": "gradient", "angle": 135,
                       "stops": [{"color": "#4f46e5"}, {"color": "#9333ea"},
                                 {"color": "#ec4899"}]},
        "padding": 0.06, "radius": 18,
        "shadow": {"blur": 48, "offset_y": 16, "opacity": 0.5},
    }
    feat = json.loads(json.dumps(base))
    s = a.seconds
    feat["sources"].update({"cursor": "cursor.jsonl", "camera": "cam.mp4",
                            "audio": [{"screen": True}, {"path": "mic.m4a", "gain_db": -6}]})
    feat["zoom"] = [{"start": 0.15 * s, "end": 0.4 * s, "follow": "cursor", "scale": 1.8,
                     "transition": 0.08 * s},
                    {"start": 0.65 * s, "end": 0.85 * s, "center": [w * 0.3, h * 0.3],
                     "scale": 2, "transition": 0.08 * s}]
    feat["cursor"] = {"click": "ring"}
    feat["camera"] = {"shape": "circle", "corner": "bottom-right", "border": 4}
    for name, proj in (("base", base), ("features", feat)):
        with open(os.path.join(tmp, name + ".json"), "w") as f:
            json.dump(proj, f)
    out = os.path.join(tmp, "out.mp4")
    cmds = {n: [a.vexport, "render", os.path.join(tmp, n + ".json"), "--preset", a.preset,
                "-q", "-o", out] for n in ("base", "features")}
    times = {"base": [], "features": []}
    for i in range(a.runs):
        for n in ("base", "features"):
            times[n].append(timed(cmds[n])[0])
        print(f"run {i + 1}: base {times['base'][-1]:.2f} s, "
              f"features {times['features'][-1]:.2f} s", file=sys.stderr)
    mb, mf = statistics.median(times["base"]), statistics.median(times["features"])
    print(f"{a.size} {a.fps} fps {a.seconds} s, libx264 {a.preset} crf {a.crf}, "
          f"{a.runs} alternating runs (inputs in {tmp})")
    for n in ("base", "features"):
        print(f"{n:8} median {statistics.median(times[n]):.2f} s  "
              f"(runs: {', '.join(f'{t:.2f}' for t in times[n])})")
    print(f"features cost: {mf / mb:.3f}x the export without them")


if __name__ == "__main__":
    main()
