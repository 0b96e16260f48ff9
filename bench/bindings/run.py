#!/usr/bin/env python3
"""Times one preview frame through each binding against the C call, on the same project and
the same shared library (an uninstalled build, through its vexport-uninstalled.pc).

    python3 bench/bindings/run.py [--build build] [--media build/media] [--rounds 9]
                                  [--frames 20] [--size 1280x720]

Each round runs the four programs (C, Node, Python, Rust) in a rotated order, each rendering
--frames frames (t stepping forward one frame, 1/30 s, from 0.5 s) and printing each call's milliseconds. A shim
Reported: per binding the median over rounds of (binding - C in the same round)."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
ap = argparse.ArgumentParser()
ap.add_argument("--build", default=os.path.join(root, "build"))
ap.add_argument("--media", default=None)
ap.add_argument("--rounds", type=int, default=9)
ap.add_argument("--frames", type=int, default=20)
ap.add_argument("--size", default="1280x720")
a = ap.parse_args()
build = os.path.abspath(a.build)
media = os.path.abspath(a.media or os.path.join(build, "media"))
w, h = (int(x) for x in a.size.split("x"))

env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(build, "meson-uninstalled"),
           CARGO_TARGET_DIR=os.path.join(build, "bindings-rust-target"))
cargo = ["cargo"]
if os.path.exists("/usr/bin/cargo") and os.path.exists("/usr/bin/rustc"):
    cargo = ["/usr/bin/cargo"]
    env["RUSTC"] = "/usr/bin/rustc"

tmp = tempfile.mkdtemp(prefix="vx-bench-bindings-")
proj = os.path.join(tmp, "project.json")
with open(proj, "w") as f:
    json.dump({"output": {"width": w, "height": h, "fps": 30},
               "sources": {"screen": os.path.join(media, "screen.mp4")},
               "background": {"type": "gradient", "angle": 135,
                              "stops": [{"at": 0, "color": "#4f46e5"}, {"at": 1, "color": "#ec4899"}]},
               "padding": 0.06, "radius": 18, "shadow": {"blur": 40, "opacity": 0.45}}, f)

# build what needs building, outside the timings
subprocess.run(["node", "scripts/build.js"], cwd=os.path.join(root, "bindings/node"), env=env,
               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.run(cargo + ["bench", "--offline", "--bench", "frame", "--no-run"],
               cwd=os.path.join(root, "bindings/rust"), env=env, check=True,
               stderr=subprocess.DEVNULL)
here = os.path.dirname(os.path.abspath(__file__))
n = str(a.frames)
progs = {
    "C": [os.path.join(build, "bench", "frame_c"), proj, n],
    "Node": ["node", os.path.join(here, "frame_node.js"), proj, n],
    "Python": [sys.executable, os.path.join(here, "frame_python.py"), proj, n],
    "Rust": cargo + ["bench", "-q", "--offline", "--bench", "frame", "--", proj, n],
}
names = list(progs)
shim = os.path.join(build, "bench", "libvx_frame_shim.so")
calls = {k: [] for k in names}   # each call's ms as the caller saw it
inside = {k: [] for k in names}  # the same calls' ms inside vx_preview_render (the shim)
for r in range(a.rounds):
    order = names[r % len(names):] + names[:r % len(names)]
    for k in order:
        e = dict(env)
        times = os.path.join(tmp, "shim.txt")
        if k != "C":
            e.update(LD_PRELOAD=shim, VX_SHIM_OUT=times)
            if k == "Python":
                e["VEXPORT_LIBRARY"] = shim
        out = subprocess.run(progs[k], env=e, check=True, capture_output=True, text=True,
                             cwd=os.path.join(root, "bindings/rust") if k == "Rust" else root)
        mine = [float(x) for x in out.stdout.split()]
        calls[k] += mine
        if k == "C":
            inside[k] += mine
        else:
            with open(times) as f:
                lib = [float(x) for x in f.read().split()]
            # the Rust bench's cargo process has no frames; the bench binary wrote the file
            assert len(lib) == len(mine), (k, len(lib), len(mine))
            inside[k] += lib
            os.unlink(times)
print(f"preview frame {w}x{h} (screen.mp4, gradient, shadow), {a.rounds} rounds x {a.frames} "
      f"frames; ms per call, medians")
print(f"{'':8} {'call':>8} {'in C':>8} {'binding adds':>13}")
for k in names:
    add = statistics.median(c - i for c, i in zip(calls[k], inside[k]))
    print(f"{k:8} {statistics.median(calls[k]):8.2f} {statistics.median(inside[k]):8.2f} "
          f"{add:13.3f}")
