"""Python side of bench/bindings/run.py: each Preview.render_into(t, buf)'s ms, one a line
(one buffer for all frames, as a scrubbing app keeps; render() allocates a fresh one a frame,
whose first write costs the page faults of width * height * 4 new bytes)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../bindings/python"))
import vexport  # noqa: E402

file, n = sys.argv[1], int(sys.argv[2])
ms = []
with vexport.Preview(file) as pv:
    buf = bytearray(pv.width * pv.height * 4)
    for i in range(n):
        t0 = time.perf_counter()
        pv.render_into(0.5 + i / 30.0, buf)
        ms.append((time.perf_counter() - t0) * 1e3)
print("\n".join(f"{x:.4f}" for x in ms))
