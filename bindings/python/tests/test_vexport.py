"""python3 -m unittest (in bindings/python): the package against the real library.
Environment: VEXPORT_MEDIA (the test media, tests/media/make-media.sh), PKG_CONFIG_PATH
(for an uninstalled build: BUILD/meson-uninstalled)."""
import ctypes
import json
import os
import signal
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import vexport  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MEDIA = os.environ.get("VEXPORT_MEDIA", os.path.join(HERE, "../../../build/media"))
SCREEN = os.path.join(MEDIA, "screen.mp4")  # 1280x720, 30 fps, 4 s

PROJECT = {
    "output": {"width": 320, "height": 180, "fps": 30},
    "sources": {"screen": SCREEN, "audio": []},
    "background": "#336699",
    "padding": 0.1,
    "radius": 8,
}
SLOW = dict(PROJECT, timeline=[{"start": 0, "speed": 0.25}])  # 16 s, 480 frames


def ffprobe(path):
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=width,height,nb_read_frames:format=duration", "-of", "json", path],
        capture_output=True, text=True, check=True).stdout
    j = json.loads(out)
    s = j["streams"][0]
    return s["width"], s["height"], int(s["nb_read_frames"]), float(j["format"]["duration"])


class VexportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vexport-py-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def leftovers(self, name):
        return [f for f in os.listdir(self.tmp) if f.startswith(name)]

    def test_render_decodes_and_progress_reaches_100(self):
        out = os.path.join(self.tmp, "out.mp4")
        seen = []
        caller = threading.get_ident()
        threads = set()

        def progress(p):
            seen.append(p)
            threads.add(threading.get_ident())

        stats = vexport.render(PROJECT, out, progress=progress, threads=2)
        self.assertEqual(ffprobe(out)[:3], (320, 180, 120))
        self.assertAlmostEqual(ffprobe(out)[3], 4.0, delta=0.05)
        self.assertEqual(stats["frames"], 120)
        self.assertEqual(stats["mode"], "composite")
        self.assertGreaterEqual(len(seen), 2)
        self.assertEqual([p.frame for p in seen], sorted(p.frame for p in seen))
        self.assertEqual(seen[-1].frame, 120)
        self.assertEqual(seen[-1].percent, 100.0)
        self.assertTrue(seen[-1].done)
        self.assertEqual(threads, {caller}, "progress is called on the calling thread")
        self.assertEqual(self.leftovers("out.mp4.partial"), [])

    def test_cancel_from_another_thread(self):
        out = os.path.join(self.tmp, "cancelled.mp4")
        reached = threading.Event()
        frames = []

        def progress(p):  # on the thread that runs the job
            frames.append(p.frame)
            if p.frame >= 20:
                reached.set()

        job = vexport.Job(SLOW, out, progress, threads=2)
        canceller = threading.Thread(target=lambda: (reached.wait(60), job.cancel()))
        canceller.start()
        with self.assertRaises(vexport.Cancelled) as cm:
            job.run()
        canceller.join()
        self.assertEqual(cm.exception.errno_name, "ECANCELED")
        self.assertTrue(20 <= frames[-1] < 480, frames[-1])
        self.assertEqual(self.leftovers("cancelled"), [])

    def test_cancel_event(self):
        out = os.path.join(self.tmp, "event.mp4")
        ev = threading.Event()
        with self.assertRaises(vexport.Cancelled):
            vexport.render(SLOW, out, progress=lambda p: p.frame >= 20 and ev.set(), cancel=ev)
        self.assertEqual(self.leftovers("event"), [])

    def test_ctrl_c_cancels(self):
        out = os.path.join(self.tmp, "interrupted.mp4")
        frames = []

        def progress(p):  # a real SIGINT to this process, as Ctrl-C sends, once
            frames.append(p.frame)
            if p.frame >= 20 and not sent:
                sent.append(1)
                os.kill(os.getpid(), signal.SIGINT)

        sent = []

        with self.assertRaises(KeyboardInterrupt):
            vexport.render(SLOW, out, progress=progress)
        self.assertLess(frames[-1], 480)
        self.assertEqual(self.leftovers("interrupted"), [])

    def test_bad_project(self):
        with self.assertRaises(vexport.VexportError) as cm:
            vexport.render(dict(PROJECT, padding="wide"), os.path.join(self.tmp, "bad.mp4"))
        self.assertEqual(cm.exception.code, -22)
        self.assertEqual(cm.exception.errno_name, "EINVAL")
        self.assertIn("padding", str(cm.exception))
        missing = os.path.join(self.tmp, "missing.json")
        with self.assertRaises(vexport.VexportError) as cm:
            vexport.render_frame(missing, 0)
        self.assertEqual(cm.exception.errno_name, "ENOENT")
        self.assertIn("missing.json", str(cm.exception))
        self.assertEqual(self.leftovers("bad"), [])

    def test_render_frame(self):
        f = vexport.render_frame(PROJECT, 1.5)
        self.assertEqual((f.width, f.height), (320, 180))
        self.assertIsInstance(f.data, bytes)
        self.assertEqual(len(f.data), 320 * 180 * 4)
        r, g, b, a = f.data[:4]  # padding: the background #336699, within YUV rounding
        self.assertTrue(abs(r - 0x33) <= 3 and abs(g - 0x66) <= 3 and abs(b - 0x99) <= 3
                        and a == 255, (r, g, b, a))

    def test_preview_and_project_file(self):
        shutil.copy(SCREEN, os.path.join(self.tmp, "rec.mp4"))
        path = os.path.join(self.tmp, "p.json")
        with open(path, "w") as fp:
            json.dump(dict(PROJECT, sources={"screen": "rec.mp4"}), fp)
        with vexport.Preview(path) as pv:
            frames = [pv.render(t) for t in (0, 2.0, 3.9)]
            copy = pv.render_bytes(2.0)
        for f in frames:  # still readable after close: each holds its own image
            self.assertEqual((f.width, f.height), (320, 180))
            self.assertEqual(f.data.nbytes, 320 * 180 * 4)
            self.assertTrue(f.data.readonly)
        self.assertEqual(bytes(frames[1].data), copy.data)
        self.assertEqual(bytes(frames[0].data[:4])[3], 255)
        with self.assertRaises(vexport.VexportError):
            pv.render(1)

    def test_preview_matches_vx_render_frame(self):
        # the persistent preview at times forwards, backwards, across a cut and a zoom, against
        # the C library's one-shot vx_render_frame at each time (a fresh decoder each)
        project = dict(PROJECT, zoom=[{"start": 0.5, "end": 1.5, "center": [900, 500],
                                       "scale": 2.0, "transition": 0.3}],
                       timeline=[{"start": 0, "end": 2.0}, {"start": 2.6, "end": 4.0}])
        times = (0, 0.4, 0.6, 1.0, 1.9, 2.0, 2.5, 1.2, 0.1, 3.3)
        ctx = vexport._Ctx()
        proj = vexport._Project(ctx, project)
        want = []
        for t in times:
            img = vexport._P(vexport._lib.VxImage)()
            self.assertEqual(vexport._c.vx_render_frame(ctx.ptr, proj.ptr, t, ctypes.byref(img)), 0)
            im = img.contents
            self.assertEqual(im.stride[0], im.width * 4)
            want.append(ctypes.string_at(im.data[0], im.width * im.height * 4))
            vexport._c.vx_image_free(ctypes.byref(img))
        proj.close()
        ctx.close()
        with vexport.Preview(project) as pv:
            self.assertEqual((pv.width, pv.height), (320, 180))
            buf = bytearray(320 * 180 * 4)
            for t, w in zip(times, want):
                self.assertEqual(bytes(pv.render(t).data), w, f"t = {t}")
                pv.render_into(t, buf)
                self.assertEqual(bytes(buf), w, f"render_into, t = {t}")
            self.assertNotEqual(want[3], want[0])  # the zoom shows
            with self.assertRaises(vexport.VexportError) as cm:
                pv.render_into(1.0, bytearray(10))
            self.assertIn("320x180", str(cm.exception))
            # a cancel makes the render raise Cancelled; the preview then renders again
            pv.cancel()
            with self.assertRaises(vexport.Cancelled):
                pv.render(1.0)
            self.assertEqual(bytes(pv.render(1.0).data), want[3])

    def test_preview_cancel_from_another_thread(self):
        # a render that would take long (a 1280x720 far seek each time) stopped from a thread
        project = dict(PROJECT, output={"width": 1280, "height": 720, "fps": 30})
        with vexport.Preview(project) as pv:
            stop = threading.Event()
            outcome = []

            def scrub():
                try:
                    t = 0.0
                    while not stop.is_set():
                        pv.render(t)
                        t = 3.9 - t
                except vexport.Cancelled:
                    outcome.append("cancelled")

            th = threading.Thread(target=scrub)
            th.start()
            import time
            time.sleep(0.3)
            while th.is_alive():
                pv.cancel()
                th.join(0.05)
            stop.set()
            self.assertEqual(outcome, ["cancelled"])
            self.assertEqual(pv.render(0).width, 1280)

    def test_project_output_and_json(self):
        # the cut timeline: 2 s + 1.4 s at 30 fps; against an export decoded with ffprobe
        project = dict(PROJECT, timeline=[{"start": 0, "end": 2.0}, {"start": 2.6, "end": 4.0}])
        o = vexport.project_output(project)
        out = os.path.join(self.tmp, "cut.mp4")
        vexport.render(project, out)
        w, h, frames, duration = ffprobe(out)
        self.assertEqual((o.width, o.height, o.frames), (w, h, frames))
        self.assertEqual((o.fps, o.frames), (30.0, 102))
        self.assertAlmostEqual(o.duration, duration, delta=0.05)
        shutil.copy(SCREEN, os.path.join(self.tmp, "rec.mp4"))
        path = os.path.join(self.tmp, "p.json")
        with open(path, "w") as fp:
            json.dump({"sources": {"screen": "rec.mp4"}}, fp)
        j = vexport.project_json(path)
        self.assertEqual(j["sources"]["screen"], os.path.join(self.tmp, "rec.mp4"))
        self.assertEqual((j["output"]["width"], j["output"]["height"]), (1280, 720))
        with self.assertRaises(vexport.VexportError) as cm:
            vexport.project_output(dict(PROJECT, padding="wide"))
        self.assertIn("padding", str(cm.exception))

    def test_probe(self):
        self.assertRegex("\n".join(vexport.probe(SCREEN)), "video h264 1280x720")
        with self.assertRaises(vexport.VexportError) as cm:
            vexport.probe(os.path.join(self.tmp, "nope.mp4"))
        self.assertEqual(cm.exception.errno_name, "ENOENT")


if __name__ == "__main__":
    unittest.main()
