#!/usr/bin/env python3
"""Exports a project with a progress line (Ctrl-C cancels it, leaving nothing), then renders
one preview frame and prints its size.
    PYTHONPATH=bindings/python python3 examples/python/render.py project.json out.mp4
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../bindings/python"))
import vexport  # noqa: E402


def main(project, output):
    try:
        stats = vexport.render(project, output, progress=lambda p: print(
            f"\r{p.percent:5.1f}%  {p.fps:.0f} fps", end="", file=sys.stderr))
    except KeyboardInterrupt:
        print("\ncancelled", file=sys.stderr)
        return 130
    except vexport.VexportError as e:
        print(f"error ({e.errno_name}): {e}", file=sys.stderr)
        return 1
    print(f"\n{output}: {stats['mode']} ({stats['wall_s']:.2f} s)", file=sys.stderr)
    frame = vexport.render_frame(project, 1.0)
    print(f"frame at 1 s: {frame.width}x{frame.height}, {len(frame.data)} bytes RGBA")
    # scrubbing: a persistent preview decodes forward from the frame before, into one buffer
    with vexport.Preview(project) as pv:
        buf = bytearray(pv.width * pv.height * 4)
        t0 = time.perf_counter()
        for i in range(30):
            pv.render_into(1.0 + i / 30, buf)
        print(f"30 preview frames from 1 s: {(time.perf_counter() - t0) / 30 * 1e3:.1f} ms each")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: render.py PROJECT.json OUT.mp4")
    sys.exit(main(sys.argv[1], sys.argv[2]))
