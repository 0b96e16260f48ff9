#!/usr/bin/env python3
"""Styled export vs "the floor" (a bare ffmpeg decode + encode of the same clip).

    python3 bench/floor.py [--runs 5] [--size 1920x1080] [--fps 60] [--seconds 10]
                           [--preset veryfast] [--crf 23] [--clip FILE]

Without --clip it generates a screen-like clip (the demo's synthetic desktop: windows,
scrolling text, a moving pointer) with `vexport synth`. Runs the floor and vexport
alternately, --runs times each, and prints the medians and their ratio (cost vs floor).
"""
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


def floor_cmd(clip, out, preset="veryfast", crf="23"):
    """The floor: a bare decode + x264 encode of the clip."""
    return ["ffmpeg", "-v", "error", "-y", "-i", clip, "-an", "-c:v", "libx264", "-preset",
            preset, "-crf", str(crf), "-f", "mp4", out]


def styled_cmd(vexport, clip, size, out, preset="veryfast", crf="23", background=GRADIENT,
               padding="0.06", radius="18", shadow="48:0.5:0:16", extra=()):
    """Our styled export of the clip (shadow=None: no shadow)."""
    cmd = [vexport, "render", "--screen", clip, "--size", size, "--background", background,
           "--padding", padding, "--radius", radius]
    if shadow:
        cmd += ["--shadow", shadow]
    return cmd + ["--audio", "none", "--preset", preset, "--crf", str(crf), "-q", *extra,
                  "-o", out]


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
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="vexport-bench-")
    clip = a.clip or make_clip(a.vexport, os.path.join(tmp, "clip.mp4"), a.size, a.fps,
                               a.seconds)
    out = os.path.join(tmp, "out.mp4")
    res = alternate([("floor", floor_cmd(clip, out, a.preset, a.crf)),
                     ("vexport", styled_cmd(a.vexport, clip, a.size, out, a.preset, a.crf))],
                    a.runs)
    (tf, rf, cf), (tv, rv, cv) = res["floor"], res["vexport"]
    mf, mv = statistics.median(tf), statistics.median(tv)
    print(f"clip {clip} ({a.size}, {a.fps} fps, {a.seconds} s), libx264 {a.preset} crf {a.crf}, "
          f"{a.runs} alternating runs")
    print(f"floor   median {mf:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in tf)})")
    print(f"vexport median {mv:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in tv)})")
    print(f"cost vs floor: {mv / mf:.3f}")
    print(f"CPU time (user + system): floor {statistics.median(cf):.2f} s, vexport "
          f"{statistics.median(cv):.2f} s ({statistics.median(cv) / statistics.median(cf):.3f})")
    print(f"peak memory: floor {statistics.median(rf):.0f} MiB, vexport {statistics.median(rv):.0f} MiB "
          f"(+{statistics.median(rv) - statistics.median(rf):.0f} MiB)")


if __name__ == "__main__":
    main()
