#!/usr/bin/env python3
"""The S4 rung with parts taken away, against the protocol floor: where the rung's cost is.

    python3 bench/s4_parts.py [--runs 3] [--seconds 14] [--work DIR] [--vexport build/vexport]

The inputs and the project are bench/s4.py's (reused from --work when present). Each round runs
the floor, then the rung's project with everything, without motion blur, without the camera,
with the styling alone (no zoom, cursor, camera or blur), and with nothing (padding 0, no
corners, no shadow: the screen is copied, not scaled). Prints each run's CPU seconds, then the
medians against the floor's and each output's size (the encoder's work follows the bytes).
"""
import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import s4  # noqa: E402


def variants(p):
    def nomb(q):
        q.pop("motion_blur", None)

    def nocam(q):
        q["sources"].pop("camera", None)
        q.pop("camera", None)

    def styled(q):
        nomb(q)
        nocam(q)
        q["sources"].pop("cursor", None)
        for k in ("cursor", "zoom"):
            q.pop(k, None)

    def bare(q):
        styled(q)
        q["padding"], q["radius"] = 0, 0
        q.pop("shadow", None)
    return [("everything", lambda q: None), ("no motion blur", nomb), ("no camera", nocam),
            ("styling only", styled), ("nothing", bare)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=14)
    ap.add_argument("--work", default="/tmp/vx-s4-parts")
    ap.add_argument("--vexport", default=os.path.join(s4.ROOT, "build", "vexport"))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    s4.inputs(a.work, a.seconds, a.vexport)
    with open(s4.project(a.work, True)) as f:
        base = json.load(f)
    runs = [("floor", ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i",
                       os.path.join(a.work, "screen.mp4"), "-vf",
                       "scale=1920:1080:flags=bicubic,format=yuv420p", "-r", "60", "-c:v",
                       "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a",
                       "128k", "-movflags", "+faststart", os.path.join(a.work, "floor.mp4")])]
    for i, (name, edit) in enumerate(variants(base)):
        q = json.loads(json.dumps(base))
        edit(q)
        path = os.path.join(a.work, "part%d.json" % i)
        with open(path, "w") as f:
            json.dump(q, f, indent=1)
        runs.append((name, [a.vexport, "render", path, "-o", os.path.join(a.work, "part%d.mp4" % i),
                            "--preset", "veryfast", "--crf", "23", "--progress", "none"]))
    cpu = {name: [] for name, _ in runs}
    for r in range(a.runs):
        for name, cmd in runs:
            _, c, _ = s4.measure(cmd)
            cpu[name].append(c)
            print("run %d %-15s %7.2f s CPU" % (r + 1, name, c), flush=True)
    floor = statistics.median(cpu["floor"])
    for i, (name, cmd) in enumerate(runs):
        m = statistics.median(cpu[name])
        print("%-15s median %7.2f s CPU  %.3fx the floor  %6.2f MB"
              % (name, m, m / floor, os.path.getsize(cmd[-1] if i == 0 else cmd[4]) / 1e6))


if __name__ == "__main__":
    main()
