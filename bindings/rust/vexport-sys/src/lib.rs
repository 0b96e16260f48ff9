//! Raw declarations of libvexport's public C API (`include/vexport/vexport.h` and
//! `convert.h`). Every function returns 0 or a negative errno-style code; see the header for
//! the contracts. The safe interface is the `vexport` crate.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_double, c_int, c_long, c_uint, c_void};

pub const VX_LOG_ERROR: c_int = 0;
pub const VX_LOG_WARNING: c_int = 1;
pub const VX_LOG_INFO: c_int = 2;
pub const VX_LOG_VERBOSE: c_int = 3;
pub const VX_LOG_DEBUG: c_int = 4;

pub const VX_PIX_NONE: c_int = 0;
pub const VX_PIX_RGBA: c_int = 1;
pub const VX_PIX_BGRA: c_int = 2;
pub const VX_PIX_ARGB: c_int = 3;
pub const VX_PIX_ABGR: c_int = 4;
pub const VX_PIX_NV12: c_int = 5;
pub const VX_PIX_I420: c_int = 6;
pub const VX_PIX_NV21: c_int = 7;

/// `VX_ECANCELED`: the job was cancelled.
pub const VX_ECANCELED: c_int = -125;

#[repr(C)]
pub struct VxContext {
    _private: [u8; 0],
}
#[repr(C)]
pub struct VxProject {
    _private: [u8; 0],
}
#[repr(C)]
pub struct VxJob {
    _private: [u8; 0],
}
#[repr(C)]
pub struct VxPreview {
    _private: [u8; 0],
}

pub type VxLogCallback = Option<unsafe extern "C" fn(opaque: *mut c_void, level: c_int, message: *const c_char)>;
pub type VxProgressCallback = Option<unsafe extern "C" fn(opaque: *mut c_void, p: *const VxProgress)>;
pub type VxLineCallback = Option<unsafe extern "C" fn(opaque: *mut c_void, line: *const c_char)>;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxSettings {
    pub threads: c_int,
    pub cpu_mask: c_uint,
    pub log_level: c_int,
    pub log_cb: VxLogCallback,
    pub log_opaque: *mut c_void,
    /// VX_FFMPEG_LOG_*: 0 leaves FFmpeg's log alone, 1 silences it, 2 routes it to log_cb.
    pub ffmpeg_log: c_int,
    pub trim_heap: c_int,
    pub no_incremental: c_int,
    pub reserved_int: c_int,
    pub reserved: [*mut c_void; 6],
}

pub const VX_FFMPEG_LOG_UNTOUCHED: c_int = 0;
pub const VX_FFMPEG_LOG_QUIET: c_int = 1;
pub const VX_FFMPEG_LOG_ROUTE: c_int = 2;

/// An error with what it is about as fields (include/vexport/vexport.h).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxError {
    pub code: c_int,
    pub line: c_int,
    pub message: [c_char; 1024],
    pub key: [c_char; 256],
    pub file: [c_char; 1024],
    pub reserved: [*mut c_void; 4],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxProgress {
    pub frame: i64,
    pub total: i64,
    pub fps: c_double,
    pub eta_s: c_double,
    pub elapsed_s: c_double,
    pub done: c_int,
    pub duration_s: c_double,
    pub mode: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxExportOptions {
    pub output_path: *const c_char,
    pub encoder: *const c_char,
    pub preset: *const c_char,
    pub crf: c_double,
    pub bitrate: i64,
    pub encoder_opts: *const *const c_char,
    pub n_encoder_opts: c_int,
    pub threads: c_int,
    pub progress_cb: VxProgressCallback,
    pub progress_opaque: *mut c_void,
    pub no_passthrough: c_int,
    pub hwaccel: *const c_char,
    pub chunk_index: c_int,
    pub chunk_count: c_int,
    pub reserved: [*mut c_void; 6],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxStats {
    pub mode: *const c_char,
    pub wall_s: c_double,
    pub setup_s: c_double,
    pub decode_s: c_double,
    pub compose_s: c_double,
    pub encode_s: c_double,
    pub audio_s: c_double,
    pub mux_s: c_double,
    pub decode_wait_full_s: c_double,
    pub compose_wait_empty_s: c_double,
    pub frames_decoded: i64,
    pub frames_composed: i64,
    pub frames_copied: i64,
    pub peak_rss_kib: i64,
    pub threads: c_int,
    pub decode_threads: c_int,
    pub compose_threads: c_int,
    pub encode_threads: c_int,
    pub hwaccel: [c_char; 16],
    pub encoder: [c_char; 32],
    pub reserved: [*mut c_void; 8],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct VxImage {
    pub format: c_int,
    pub width: c_int,
    pub height: c_int,
    pub data: [*mut u8; 4],
    pub stride: [isize; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct VxColorSpec {
    pub matrix: c_int,
    pub range: c_int,
    pub chroma_loc: c_int,
}

extern "C" {
    pub fn vx_cpu_level_mask(level: *const c_char) -> c_long;
    pub fn vx_default_settings(s: *mut VxSettings);
    pub fn vx_open(ctx: *mut *mut VxContext, s: *const VxSettings) -> c_int;
    pub fn vx_close(ctx: *mut *mut VxContext);
    pub fn vx_last_error(ctx: *const VxContext) -> *const c_char;
    pub fn vx_job_error(job: *const VxJob, out: *mut VxError) -> c_int;
    pub fn vx_strerror(code: c_int) -> *const c_char;
    pub fn vx_version() -> *const c_char;

    pub fn vx_project_load(ctx: *mut VxContext, path: *const c_char, out: *mut *mut VxProject) -> c_int;
    pub fn vx_project_parse(
        ctx: *mut VxContext,
        json: *const c_char,
        base_dir: *const c_char,
        name: *const c_char,
        out: *mut *mut VxProject,
    ) -> c_int;
    pub fn vx_project_free(p: *mut *mut VxProject);

    pub fn vx_default_export_options(o: *mut VxExportOptions);
    pub fn vx_job_create(
        ctx: *mut VxContext,
        p: *const VxProject,
        o: *const VxExportOptions,
        job: *mut *mut VxJob,
    ) -> c_int;
    pub fn vx_job_run(job: *mut VxJob) -> c_int;
    pub fn vx_job_cancel(job: *mut VxJob);
    pub fn vx_job_stats(job: *const VxJob, out: *mut VxStats) -> c_int;
    pub fn vx_job_free(job: *mut *mut VxJob);

    pub fn vx_render_frame(ctx: *mut VxContext, p: *const VxProject, t: c_double, out: *mut *mut VxImage) -> c_int;
    pub fn vx_preview_open(ctx: *mut VxContext, p: *const VxProject, out: *mut *mut VxPreview) -> c_int;
    pub fn vx_preview_output(pv: *const VxPreview, width: *mut c_int, height: *mut c_int) -> c_int;
    pub fn vx_preview_render(pv: *mut VxPreview, t: c_double, dst: *mut VxImage) -> c_int;
    pub fn vx_preview_cancel(pv: *mut VxPreview);
    pub fn vx_preview_error(pv: *const VxPreview, out: *mut VxError) -> c_int;
    pub fn vx_preview_free(pv: *mut *mut VxPreview);
    pub fn vx_probe(ctx: *mut VxContext, path: *const c_char, line_cb: VxLineCallback, opaque: *mut c_void) -> c_int;

    pub fn vx_convert(src: *const VxImage, dst: *mut VxImage, spec: *const VxColorSpec) -> c_int;
    pub fn vx_image_alloc(format: c_int, width: c_int, height: c_int) -> *mut VxImage;
    pub fn vx_image_free(img: *mut *mut VxImage);
}
