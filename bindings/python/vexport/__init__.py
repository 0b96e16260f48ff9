"""vexport for Python: turn screen recordings into styled videos (libvexport through ctypes).

    import vexport
    stats = vexport.render("project.json", "out.mp4",
                           progress=lambda p: print(f"{p.frame}/{p.total}"))
    frame = vexport.render_frame("project.json", 2.5)   # frame.width, frame.height, frame.data

A project is a path to a project file or a dict (docs/project-format.md). Errors raise
VexportError (message naming the file or project key, .code the library's negative errno);
a cancelled export raises Cancelled. render() runs the export on a worker thread: Ctrl-C in
the calling thread cancels it (nothing is left behind) and re-raises KeyboardInterrupt.
"""
import ctypes
import errno as _errno
import json
import os
import queue
import threading
from typing import Callable, List, NamedTuple, Optional, Union

from . import _lib

__all__ = ["render", "render_frame", "probe", "project_output", "project_json", "OutputInfo",
           "Job", "Preview", "Progress", "Frame", "VexportError", "Cancelled", "version"]

_c = _lib.load()
_P = ctypes.POINTER


def version() -> str:
    """The library's version ("0.1.0")."""
    return _c.vx_version().decode()


class VexportError(Exception):
    """An error from libvexport: str(e) is its message, .code the negative errno
    (-22 for EINVAL), .errno_name "EINVAL"."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.errno_name = _errno.errorcode.get(-code, f"VX_{-code}")
        self.message = message


class Cancelled(VexportError):
    """The export was cancelled (Job.cancel(), the cancel event, or Ctrl-C)."""


class Progress(NamedTuple):
    frame: int
    total: int
    fps: float
    eta_s: float
    elapsed_s: float
    duration_s: float
    done: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.frame / self.total if self.total else 0.0


class Frame(NamedTuple):
    """An RGBA frame: width * 4 bytes a row. data: bytes from render_frame(), a read-only
    memoryview of a buffer of its own from Preview.render()."""
    width: int
    height: int
    data: Union[bytes, memoryview]


ProjectInput = Union[str, "os.PathLike[str]", dict]


# ---- the thin layer over the C API: one context per operation (its last error is ours)

class _Ctx:
    def __init__(self, threads: int = 0):
        s = _lib.VxSettings()
        _c.vx_default_settings(ctypes.byref(s))
        s.threads = threads
        s.ffmpeg_log = _lib.FFMPEG_LOG_QUIET  # FFmpeg's own prints would reach our stderr
        self.ptr = ctypes.c_void_p()
        r = _c.vx_open(ctypes.byref(self.ptr), ctypes.byref(s))
        if r < 0:
            raise VexportError(r, "cannot open a vexport context: " + _c.vx_strerror(r).decode())

    def fail(self, r: int, message: bytes = b"") -> VexportError:
        msg = (message or _c.vx_last_error(self.ptr) or b"").decode(errors="replace")
        msg = msg or _c.vx_strerror(r).decode()
        return (Cancelled if r == -_errno.ECANCELED else VexportError)(r, msg)

    def close(self):
        if self.ptr:
            _c.vx_close(ctypes.byref(self.ptr))


class _Project:
    def __init__(self, ctx: _Ctx, project: ProjectInput, base_dir: Optional[str] = None):
        self.ptr = ctypes.c_void_p()
        if isinstance(project, dict):
            text = json.dumps(project).encode()
            base = os.fsencode(os.path.abspath(base_dir or "."))
            r = _c.vx_project_parse(ctx.ptr, text, base, b"project", ctypes.byref(self.ptr))
        elif isinstance(project, (str, bytes, os.PathLike)):
            r = _c.vx_project_load(ctx.ptr, os.fsencode(project), ctypes.byref(self.ptr))
        else:
            raise TypeError("project must be a path or a dict")
        if r < 0:
            raise ctx.fail(r)

    def close(self):
        if self.ptr:
            _c.vx_project_free(ctypes.byref(self.ptr))


class Job:
    """One export. run() blocks the calling thread; cancel() works from any thread, before
    or during the run. progress(Progress) is called on the thread that runs the job."""

    def __init__(self, project: ProjectInput, output: str,
                 progress: Optional[Callable[[Progress], None]] = None, *,
                 base_dir: Optional[str] = None, threads: int = 0, encoder: Optional[str] = None,
                 preset: Optional[str] = None, crf: Optional[float] = None,
                 hwaccel: Optional[str] = None, no_passthrough: bool = False):
        self.output = os.path.abspath(output)
        self._lock = threading.Lock()
        self._job = ctypes.c_void_p()
        self._cancelled = False
        self._progress = progress
        self._progress_error = None
        self._last = None
        self._ctx = _Ctx()
        try:
            p = _Project(self._ctx, project, base_dir)
            try:
                o = _lib.VxExportOptions()
                _c.vx_default_export_options(ctypes.byref(o))
                self._keep = [os.fsencode(self.output)]
                o.output_path = self._keep[0]
                for field, value in (("encoder", encoder), ("preset", preset),
                                     ("hwaccel", hwaccel)):
                    if value is not None:
                        self._keep.append(value.encode())
                        setattr(o, field, self._keep[-1])
                if crf is not None:
                    o.crf = crf
                o.threads = threads
                o.no_passthrough = int(no_passthrough)
                self._cb = _lib.PROGRESS_CB(self._on_progress)  # kept alive with the job
                o.progress_cb = self._cb
                r = _c.vx_job_create(self._ctx.ptr, p.ptr, ctypes.byref(o), ctypes.byref(self._job))
                if r < 0:
                    raise self._ctx.fail(r)
            finally:
                p.close()
        except BaseException:
            self._ctx.close()
            raise

    def _on_progress(self, _opaque, pp):
        p = pp.contents
        self._last = Progress(p.frame, p.total, p.fps, p.eta_s, p.elapsed_s, p.duration_s,
                              bool(p.done))
        if self._progress is None or self._progress_error is not None:
            return
        try:
            self._progress(self._last)
        except BaseException as e:  # stop the export, raise it from run()
            self._progress_error = e
            self.cancel()

    def cancel(self):
        """Asks the export to stop; run() then raises Cancelled. Safe from any thread."""
        with self._lock:
            self._cancelled = True
            if self._job:
                _c.vx_job_cancel(self._job)

    def run(self) -> dict:
        """Exports; returns the statistics (a dict). Raises VexportError or Cancelled."""
        if not self._job:
            raise VexportError(-_errno.EINVAL, "the job has already run")
        r = _c.vx_job_run(self._job)  # ctypes releases the GIL for the call
        st = _lib.VxStats()
        _c.vx_job_stats(self._job, ctypes.byref(st))
        e = _lib.VxError()
        _c.vx_job_error(self._job, ctypes.byref(e))  # the job's own error, not the context's
        err = self._ctx.fail(r, e.message) if r < 0 else None
        with self._lock:
            _c.vx_job_free(ctypes.byref(self._job))
        self._ctx.close()
        if self._progress_error is not None:
            raise self._progress_error
        if err is not None:
            raise err
        last = self._last
        return {
            "output": self.output, "mode": (st.mode or b"").decode(),
            "frames": last.total if last else st.frames_composed,
            "duration_s": last.duration_s if last else 0.0,
            "wall_s": st.wall_s, "setup_s": st.setup_s, "decode_s": st.decode_s,
            "compose_s": st.compose_s, "encode_s": st.encode_s, "audio_s": st.audio_s,
            "mux_s": st.mux_s, "frames_decoded": st.frames_decoded,
            "frames_composed": st.frames_composed, "threads": st.threads,
            "encoder": st.encoder.decode(), "hwaccel": st.hwaccel.decode(),
            "peak_rss_kib": st.peak_rss_kib,
        }

    def __del__(self):
        if getattr(self, "_job", None):
            _c.vx_job_free(ctypes.byref(self._job))
        if getattr(self, "_ctx", None):
            self._ctx.close()


def render(project: ProjectInput, output: str,
           progress: Optional[Callable[[Progress], None]] = None, *,
           cancel: Optional[threading.Event] = None, **options) -> dict:
    """Exports project to output (MP4). The export runs on a worker thread; progress is
    called on the calling thread. Setting the `cancel` event (from any thread), or Ctrl-C,
    cancels it: Cancelled (or KeyboardInterrupt) is raised and no output is left. options:
    base_dir, threads, encoder, preset, crf, hwaccel, no_passthrough (see Job)."""
    updates: "queue.Queue[Progress]" = queue.Queue()
    job = Job(project, output, updates.put if progress else None, **options)
    result = {}

    def work():
        try:
            result["stats"] = job.run()
        except BaseException as e:
            result["error"] = e

    t = threading.Thread(target=work, name="vexport-render", daemon=True)
    t.start()
    try:
        while t.is_alive() or not updates.empty():
            p = None
            if cancel is not None and cancel.is_set():
                job.cancel()
            try:
                p = updates.get(timeout=0.05)
                while True:  # a slow callable gets the latest progress, not a backlog
                    p = updates.get_nowait()
            except queue.Empty:
                if p is None:
                    continue
            if progress:
                try:
                    progress(p)
                except BaseException:
                    job.cancel()
                    raise
    except BaseException:  # Ctrl-C, or the progress callable raised: stop, then re-raise
        job.cancel()
        t.join()
        raise
    t.join()
    if "error" in result:
        raise result["error"]
    return result["stats"]


class Preview:
    """A project kept open to render frames at any time (scrubbing), on the library's
    persistent preview (vx_preview_*): the decoder, the scene and the static layers stay open,
    so a frame after the previous one decodes forward from there. One render at a time (use it
    from one thread, or several with your own lock); cancel() from any thread."""

    def __init__(self, project: ProjectInput, *, base_dir: Optional[str] = None):
        self._ctx = _Ctx()
        self._pv = ctypes.c_void_p()
        try:
            proj = _Project(self._ctx, project, base_dir)
            try:
                r = _c.vx_preview_open(self._ctx.ptr, proj.ptr, ctypes.byref(self._pv))
            finally:
                proj.close()  # the preview keeps its own copy
            if r < 0:
                raise self._ctx.fail(r)
            w, h = ctypes.c_int(), ctypes.c_int()
            _c.vx_preview_output(self._pv, ctypes.byref(w), ctypes.byref(h))
            self.width, self.height = w.value, h.value
        except BaseException:
            self.close()
            raise

    def render(self, t: float) -> Frame:
        """The output frame shown at t seconds, as RGBA, in a new buffer of its own: data is
        a read-only memoryview (bytes(frame.data) copies it)."""
        buf = bytearray(self.width * self.height * 4)
        self.render_into(t, buf)
        return Frame(self.width, self.height, memoryview(buf).toreadonly())

    def render_bytes(self, t: float) -> Frame:
        """As render(), with the pixels as bytes."""
        f = self.render(t)
        return Frame(f.width, f.height, bytes(f.data))

    def render_into(self, t: float, buf) -> None:
        """Renders the frame at t into buf, a writable buffer of width * height * 4 bytes
        (a bytearray, say), rows packed: no allocation per frame."""
        if not self._pv:
            raise VexportError(-_errno.EINVAL, "the preview is closed")
        n = self.width * self.height * 4
        if len(memoryview(buf).cast("B")) != n:
            raise VexportError(-_errno.EINVAL, f"render_into: the buffer has "
                               f"{len(memoryview(buf).cast('B'))} bytes, the "
                               f"{self.width}x{self.height} RGBA output needs {n}")
        pixels = (ctypes.c_uint8 * n).from_buffer(buf)
        img = _lib.VxImage(_lib.VX_PIX_RGBA, self.width, self.height)
        img.data[0] = ctypes.cast(pixels, _P(ctypes.c_uint8))
        img.stride[0] = self.width * 4
        r = _c.vx_preview_render(self._pv, float(t), ctypes.byref(img))
        del pixels
        if r < 0:
            e = _lib.VxError()
            _c.vx_preview_error(self._pv, ctypes.byref(e))
            raise self._ctx.fail(r, e.message)

    def cancel(self):
        """Makes the render running now on another thread (or the next one) raise Cancelled;
        the preview stays usable."""
        if self._pv:
            _c.vx_preview_cancel(self._pv)

    def close(self):
        if getattr(self, "_pv", None):
            _c.vx_preview_free(ctypes.byref(self._pv))
        if getattr(self, "_ctx", None) and self._ctx.ptr:
            self._ctx.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def render_frame(project: ProjectInput, t: float, *, base_dir: Optional[str] = None) -> Frame:
    """The output frame shown at t seconds: Frame(width, height, data) with RGBA bytes."""
    with Preview(project, base_dir=base_dir) as pv:
        return pv.render_bytes(t)


class OutputInfo(NamedTuple):
    """What an export of a project will be (vx_project_output): nothing is decoded."""
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    has_audio: bool


def project_output(project: ProjectInput, *, base_dir: Optional[str] = None) -> OutputInfo:
    """The output an export of the project writes: size, frame rate, frames, duration, audio."""
    ctx = _Ctx()
    try:
        proj = _Project(ctx, project, base_dir)
        try:
            o = _lib.VxOutputInfo()
            r = _c.vx_project_output(ctx.ptr, proj.ptr, ctypes.byref(o))
            if r < 0:
                raise ctx.fail(r)
        finally:
            proj.close()
    finally:
        ctx.close()
    return OutputInfo(o.width, o.height, o.fps_num / o.fps_den, o.frames, o.duration_s,
                      bool(o.has_audio))


def project_json(project: ProjectInput, *, base_dir: Optional[str] = None) -> dict:
    """The project as the library resolved it (vx_project_json): relative paths made absolute,
    output width, height and fps filled in."""
    ctx = _Ctx()
    try:
        proj = _Project(ctx, project, base_dir)
        try:
            text = ctypes.c_void_p()
            r = _c.vx_project_json(ctx.ptr, proj.ptr, ctypes.byref(text))
            if r < 0:
                raise ctx.fail(r)
            try:
                return json.loads(ctypes.string_at(text).decode())
            finally:
                _c.vx_free(text)
        finally:
            proj.close()
    finally:
        ctx.close()


def probe(path: str) -> List[str]:
    """What vexport sees of a media file: a summary line, then one line per stream."""
    lines: List[str] = []
    cb = _lib.LINE_CB(lambda _o, line: lines.append(line.decode(errors="replace")))
    ctx = _Ctx()
    try:
        r = _c.vx_probe(ctx.ptr, os.fsencode(path), cb, None)
        if r < 0:
            raise ctx.fail(r)
    finally:
        ctx.close()
    return lines
