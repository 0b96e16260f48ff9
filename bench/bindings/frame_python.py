"""Python side of bench/bindings/run.py: each Preview.render(t)'s ms (bytes out), one a line."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../bindings/python"))
import vexport  # noqa: E402

file, n = sys.argv[1], int(sys.argv[2])
ms = []
with vexport.Preview(file) as pv:
    for i in range(n):
        t0 = time.perf_counter()
        f = pv.render(0.5 + i / 30.0)
        ms.append((time.perf_counter() - t0) * 1e3)
        assert len(f.data) == f.width * f.height * 4
print("\n".join(f"{x:.4f}" for x in ms))
