#!/usr/bin/env python3
"""What the camera bubble costs a whole export: the same styled export with and without it.

    python3 bench/camera.py [--runs 3] [--size 1920x1080] [--seconds 10]
                            [--camera 1280x720] [--camera-fps 30] [--vexport build/vexport]

Makes a screen clip (`vexport synth`) and a camera clip (ffmpeg's testsrc2, H.264), then runs
vexport on both projects alternately, --runs times each, and prints the median wall times,
their ratio and the peak memory. The drawing itself is timed by
`build/tests/unit/test_camera DIR --bench` (µs per frame on the export thread, µs per camera
picture on the camera's decode thread).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(cmd):
    """Wall seconds, CPU seconds (user + system) and peak resident memory (MiB) of one run."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr.read().decode()))
    return time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--camera", default="1280x720")
    ap.add_argument("--camera-fps", type=float, default=30)
    ap.add_argument("--vexport", default=os.path.join(ROOT, "build", "vexport"))
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="vx-camera-bench.") as d:
        screen, cam = os.path.join(d, "screen.mp4"), os.path.join(d, "webcam.mp4")
        subprocess.run([a.vexport, "synth", "-o", screen, "--size", a.size,
                        "--seconds", str(a.seconds)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=s=%s:r=%g:d=%g" % (a.camera, a.camera_fps, a.seconds + 1),
                        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", cam],
                       check=True)
        base = {"output": {"width": w, "height": h}, "background": "#1e293b",
                "padding": 0.06, "radius": 16, "shadow": {"blur": 32, "opacity": 0.5},
                "sources": {"screen": screen}}
        with_cam = json.loads(json.dumps(base))
        with_cam["sources"]["camera"] = cam
        with_cam["camera"] = {"border": 4, "mirror": True}
        projects = {}
        for name, p in (("plain", base), ("camera", with_cam)):
            projects[name] = os.path.join(d, name + ".json")
            with open(projects[name], "w") as f:
                json.dump(p, f)
        times = {"plain": [], "camera": []}
        cpu = {"plain": [], "camera": []}
        mem = {"plain": 0.0, "camera": 0.0}
        for _ in range(a.runs):
            for name in ("plain", "camera"):
                t, c, m = timed([a.vexport, "render", projects[name], "-o",
                              os.path.join(d, name + ".mp4"), "--progress", "none"])
                times[name].append(t)
                cpu[name].append(c)
                mem[name] = max(mem[name], m)
        tp, tc = statistics.median(times["plain"]), statistics.median(times["camera"])
        cp, cc = statistics.median(cpu["plain"]), statistics.median(cpu["camera"])
        print("%s %gs export, camera %s at %g fps, %d runs each (medians):"
              % (a.size, a.seconds, a.camera, a.camera_fps, a.runs))
        print("  without camera  wall %6.2f s  cpu %6.2f s  %4.0f MiB" % (tp, cp, mem["plain"]))
        print("  with camera     wall %6.2f s  cpu %6.2f s  %4.0f MiB  (wall %.3fx, cpu %.3fx)"
              % (tc, cc, mem["camera"], tc / tp, cc / cp))
        # the part of that which is decoding the camera at all (ffmpeg, same decoder)
        _, cd, _ = timed(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", cam, "-t",
                          str(a.seconds), "-f", "null", "-"])
        print("  decoding the camera alone (ffmpeg -f null): cpu %.2f s" % cd)


if __name__ == "__main__":
    main()
