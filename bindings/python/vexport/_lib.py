"""The C API of libvexport through ctypes (include/vexport/vexport.h), and where the library
is: $VEXPORT_LIBRARY, else the folders pkg-config gives for vexport.pc (its -L folders, as in
an uninstalled build's vexport-uninstalled.pc, then its libdir), else the loader's search."""
import ctypes
import ctypes.util
import os
import subprocess

c_int64_p = ctypes.POINTER(ctypes.c_int64)


class VxSettings(ctypes.Structure):
    pass


LOG_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p)
VxSettings._fields_ = [
    ("threads", ctypes.c_int),
    ("cpu_mask", ctypes.c_uint),
    ("log_level", ctypes.c_int),
    ("log_cb", LOG_CB),
    ("log_opaque", ctypes.c_void_p),
    ("ffmpeg_log", ctypes.c_int),  # VX_FFMPEG_LOG_*: 1 = quiet
    ("trim_heap", ctypes.c_int),
    ("no_incremental", ctypes.c_int),
    ("reserved_int", ctypes.c_int),
    ("reserved", ctypes.c_void_p * 6),
]
FFMPEG_LOG_QUIET = 1


class VxError(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_int),
        ("line", ctypes.c_int),
        ("message", ctypes.c_char * 1024),
        ("key", ctypes.c_char * 256),
        ("file", ctypes.c_char * 1024),
        ("reserved", ctypes.c_void_p * 4),
    ]


class VxProgress(ctypes.Structure):
    _fields_ = [
        ("frame", ctypes.c_int64),
        ("total", ctypes.c_int64),
        ("fps", ctypes.c_double),
        ("eta_s", ctypes.c_double),
        ("elapsed_s", ctypes.c_double),
        ("done", ctypes.c_int),
        ("duration_s", ctypes.c_double),
        ("mode", ctypes.c_char_p),
    ]


PROGRESS_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(VxProgress))


class VxExportOptions(ctypes.Structure):
    _fields_ = [
        ("output_path", ctypes.c_char_p),
        ("encoder", ctypes.c_char_p),
        ("preset", ctypes.c_char_p),
        ("crf", ctypes.c_double),
        ("bitrate", ctypes.c_int64),
        ("encoder_opts", ctypes.POINTER(ctypes.c_char_p)),
        ("n_encoder_opts", ctypes.c_int),
        ("threads", ctypes.c_int),
        ("progress_cb", PROGRESS_CB),
        ("progress_opaque", ctypes.c_void_p),
        ("no_passthrough", ctypes.c_int),
        ("hwaccel", ctypes.c_char_p),
        ("chunk_index", ctypes.c_int),
        ("chunk_count", ctypes.c_int),
        ("reserved", ctypes.c_void_p * 6),
    ]


class VxStats(ctypes.Structure):
    _fields_ = [
        ("mode", ctypes.c_char_p),
        ("wall_s", ctypes.c_double),
        ("setup_s", ctypes.c_double),
        ("decode_s", ctypes.c_double),
        ("compose_s", ctypes.c_double),
        ("encode_s", ctypes.c_double),
        ("audio_s", ctypes.c_double),
        ("mux_s", ctypes.c_double),
        ("decode_wait_full_s", ctypes.c_double),
        ("compose_wait_empty_s", ctypes.c_double),
        ("frames_decoded", ctypes.c_int64),
        ("frames_composed", ctypes.c_int64),
        ("frames_copied", ctypes.c_int64),
        ("peak_rss_kib", ctypes.c_int64),
        ("threads", ctypes.c_int),
        ("decode_threads", ctypes.c_int),
        ("compose_threads", ctypes.c_int),
        ("encode_threads", ctypes.c_int),
        ("hwaccel", ctypes.c_char * 16),
        ("encoder", ctypes.c_char * 32),
        ("reserved", ctypes.c_void_p * 8),
    ]


class VxImage(ctypes.Structure):
    _fields_ = [
        ("format", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_uint8) * 4),
        ("stride", ctypes.c_ssize_t * 4),
    ]


class VxOutputInfo(ctypes.Structure):
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("fps_num", ctypes.c_int),
        ("fps_den", ctypes.c_int),
        ("frames", ctypes.c_int64),
        ("duration_s", ctypes.c_double),
        ("has_audio", ctypes.c_int),
        ("reserved_int", ctypes.c_int),
        ("reserved", ctypes.c_void_p * 6),
    ]


# the sizes the C header gives (x86_64 and aarch64 Linux): a layout mistake fails loudly
assert ctypes.sizeof(VxSettings) == 96 and ctypes.sizeof(VxProgress) == 64
assert ctypes.sizeof(VxExportOptions) == 144 and ctypes.sizeof(VxStats) == 240
assert ctypes.sizeof(VxImage) == 80 and ctypes.sizeof(VxError) == 2344
assert ctypes.sizeof(VxOutputInfo) == 88

VX_PIX_RGBA = 1
LINE_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)


def _pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "vexport"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return out.split()


def _candidates():
    env = os.environ.get("VEXPORT_LIBRARY")
    if env:
        yield env
        return
    dirs = [f[2:] for f in _pkg_config("--libs-only-L") if f.startswith("-L")]
    dirs += _pkg_config("--variable=libdir")
    for d in dirs:
        for name in ("libvexport.so.1", "libvexport.so", "libvexport.0.dylib", "libvexport.dylib"):
            p = os.path.join(d, name)
            if os.path.exists(p):
                yield p
    found = ctypes.util.find_library("vexport")
    if found:
        yield found


def load():
    tried = []
    for path in _candidates():
        try:
            return _declare(ctypes.CDLL(path))
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("vexport: libvexport not found (install it, point PKG_CONFIG_PATH at a folder "
                      "with vexport.pc, e.g. BUILD/meson-uninstalled, or set VEXPORT_LIBRARY)"
                      + ("; tried " + "; ".join(tried) if tried else ""))


def _declare(lib):
    P = ctypes.POINTER
    vp = ctypes.c_void_p
    sigs = {
        "vx_default_settings": (None, [P(VxSettings)]),
        "vx_open": (ctypes.c_int, [P(vp), P(VxSettings)]),
        "vx_close": (None, [P(vp)]),
        "vx_last_error": (ctypes.c_char_p, [vp]),
        "vx_job_error": (ctypes.c_int, [vp, P(VxError)]),
        "vx_strerror": (ctypes.c_char_p, [ctypes.c_int]),
        "vx_version": (ctypes.c_char_p, []),
        "vx_project_load": (ctypes.c_int, [vp, ctypes.c_char_p, P(vp)]),
        "vx_project_parse": (ctypes.c_int, [vp, ctypes.c_char_p, ctypes.c_char_p,
                                            ctypes.c_char_p, P(vp)]),
        "vx_project_free": (None, [P(vp)]),
        "vx_default_export_options": (None, [P(VxExportOptions)]),
        "vx_job_create": (ctypes.c_int, [vp, vp, P(VxExportOptions), P(vp)]),
        "vx_job_run": (ctypes.c_int, [vp]),
        "vx_job_cancel": (None, [vp]),
        "vx_job_stats": (ctypes.c_int, [vp, P(VxStats)]),
        "vx_job_free": (None, [P(vp)]),
        "vx_render_frame": (ctypes.c_int, [vp, vp, ctypes.c_double, P(P(VxImage))]),
        "vx_image_free": (None, [P(P(VxImage))]),
        "vx_project_output": (ctypes.c_int, [vp, vp, P(VxOutputInfo)]),
        "vx_project_json": (ctypes.c_int, [vp, vp, P(vp)]),
        "vx_free": (None, [vp]),
        "vx_preview_open": (ctypes.c_int, [vp, vp, P(vp)]),
        "vx_preview_output": (ctypes.c_int, [vp, P(ctypes.c_int), P(ctypes.c_int)]),
        "vx_preview_render": (ctypes.c_int, [vp, ctypes.c_double, P(VxImage)]),
        "vx_preview_cancel": (None, [vp]),
        "vx_preview_error": (ctypes.c_int, [vp, P(VxError)]),
        "vx_preview_free": (None, [P(vp)]),
        "vx_probe": (ctypes.c_int, [vp, ctypes.c_char_p, LINE_CB, vp]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args
    return lib
