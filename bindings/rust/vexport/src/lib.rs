//! Safe bindings to libvexport: turn screen recordings into styled videos.
//!
//! ```no_run
//! let mut ctx = vexport::Context::new()?;
//! let project = ctx.load_project("project.json")?;
//! let job = ctx.job(&project, &vexport::ExportOptions::new("out.mp4"),
//!                   |p: &vexport::Progress| println!("{}/{}", p.frame, p.total))?;
//! let cancel = job.cancel_handle(); // cancel.cancel() from any thread
//! let stats = job.run()?;
//! # Ok::<(), vexport::Error>(())
//! ```
//!
//! Thread-safety follows the C API: a [`Context`] keeps the last error message, so it is used
//! by one thread at a time (`Send`, not `Sync`); a [`Job`] borrows its context mutably while
//! it exists and may run on another thread (`Send`); a [`Project`] is read-only once loaded
//! (`Send` + `Sync`); a [`CancelHandle`] works from any thread, even after the job is gone.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::{Arc, Mutex, RwLock};

use vexport_sys as sys;

/// An error from libvexport: the negative errno-style code and the library's message, which
/// names the file, line or project key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: i32,
    message: String,
}

impl Error {
    fn new(code: i32, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }
    /// The negative errno code (`-22` for EINVAL).
    pub fn code(&self) -> i32 {
        self.code
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The export was cancelled (through a [`CancelHandle`]).
    pub fn is_cancelled(&self) -> bool {
        self.code == sys::VX_ECANCELED
    }
    /// The std::io view of the code (`ErrorKind::NotFound` for ENOENT, ...).
    pub fn io_kind(&self) -> std::io::ErrorKind {
        std::io::Error::from_raw_os_error(-self.code).kind()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn c_string(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::new(-libc_einval(), format!("{}: contains a NUL byte", what)))
}

fn c_path(p: &Path) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| Error::new(-libc_einval(), format!("{}: contains a NUL byte", p.display())))
}

const fn libc_einval() -> i32 {
    22
}

fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

/// The library's version ("0.1.0").
pub fn version() -> String {
    text(unsafe { sys::vx_version() })
}

/// A library context: settings, and the last error of what ran on it.
pub struct Context {
    raw: *mut sys::VxContext,
}

// The context's state (settings, last error) is plain memory with no tie to a thread: it may
// move between threads, but two threads must not use it at once (the last error is written
// unsynchronised), so it is not Sync.
unsafe impl Send for Context {}

impl Context {
    /// A context with the default settings (all CPUs, every SIMD level).
    pub fn new() -> Result<Context> {
        Context::with_threads(0)
    }

    /// A context whose exports use `threads` CPU threads in all (0 = the CPUs).
    pub fn with_threads(threads: i32) -> Result<Context> {
        let mut s = std::mem::MaybeUninit::<sys::VxSettings>::uninit();
        let mut raw = ptr::null_mut();
        let r = unsafe {
            sys::vx_default_settings(s.as_mut_ptr());
            let mut s = s.assume_init();
            s.threads = threads;
            s.ffmpeg_log = sys::VX_FFMPEG_LOG_QUIET; // FFmpeg's own prints would reach stderr
            sys::vx_open(&mut raw, &s)
        };
        if r < 0 {
            return Err(Error::new(r, format!("cannot open a vexport context: {}", text(unsafe { sys::vx_strerror(r) }))));
        }
        Ok(Context { raw })
    }

    fn fail(&self, r: c_int) -> Error {
        let m = text(unsafe { sys::vx_last_error(self.raw) });
        Error::new(r, if m.is_empty() { text(unsafe { sys::vx_strerror(r) }) } else { m })
    }

    fn check(&self, r: c_int) -> Result<()> {
        if r < 0 {
            Err(self.fail(r))
        } else {
            Ok(())
        }
    }

    /// Reads and validates a project file; relative paths resolve against its folder.
    pub fn load_project(&mut self, path: impl AsRef<Path>) -> Result<Project> {
        let path = c_path(path.as_ref())?;
        let mut raw = ptr::null_mut();
        self.check(unsafe { sys::vx_project_load(self.raw, path.as_ptr(), &mut raw) })?;
        Ok(Project { raw })
    }

    /// A project from its JSON text; relative paths resolve against `base_dir` (None: the
    /// current folder).
    pub fn parse_project(&mut self, json: &str, base_dir: Option<&Path>) -> Result<Project> {
        let json = c_string(json, "project")?;
        let base = base_dir.map(c_path).transpose()?;
        let mut raw = ptr::null_mut();
        let r = unsafe {
            sys::vx_project_parse(self.raw, json.as_ptr(), base.as_ref().map_or(ptr::null(), |b| b.as_ptr()),
                                  b"project\0".as_ptr() as *const c_char, &mut raw)
        };
        self.check(r)?;
        Ok(Project { raw })
    }

    /// Prepares an export of `project`. `progress` is called on the thread that runs the
    /// job, about once a frame, and a last time with `done` set.
    pub fn job<'c, F>(&'c mut self, project: &Project, options: &ExportOptions, progress: F) -> Result<Job<'c>>
    where
        F: FnMut(&Progress) + Send + 'c,
    {
        let output = c_path(&options.output)?;
        let encoder = options.encoder.as_deref().map(|s| c_string(s, "encoder")).transpose()?;
        let preset = options.preset.as_deref().map(|s| c_string(s, "preset")).transpose()?;
        let hwaccel = options.hwaccel.as_deref().map(|s| c_string(s, "hwaccel")).transpose()?;
        let mut progress: Box<Box<dyn FnMut(&Progress) + Send + 'c>> = Box::new(Box::new(progress));
        let mut raw = ptr::null_mut();
        let r = unsafe {
            let mut o = std::mem::MaybeUninit::<sys::VxExportOptions>::uninit();
            sys::vx_default_export_options(o.as_mut_ptr());
            let mut o = o.assume_init();
            o.output_path = output.as_ptr();
            o.encoder = encoder.as_ref().map_or(ptr::null(), |s| s.as_ptr());
            o.preset = preset.as_ref().map_or(ptr::null(), |s| s.as_ptr());
            o.hwaccel = hwaccel.as_ref().map_or(ptr::null(), |s| s.as_ptr());
            if let Some(crf) = options.crf {
                o.crf = crf;
            }
            o.threads = options.threads;
            o.no_passthrough = options.no_passthrough as c_int;
            o.progress_cb = Some(on_progress);
            // the inner Box's address stays put when the Job moves
            o.progress_opaque = &mut *progress as *mut Box<dyn FnMut(&Progress) + Send + 'c> as *mut c_void;
            sys::vx_job_create(self.raw, project.raw, &o, &mut raw)
        };
        self.check(r)?;
        Ok(Job { ctx: self, shared: Arc::new(Shared { job: Mutex::new(JobPtr(raw)) }), _progress: progress })
    }

    /// The output frame shown at `t` seconds, as RGBA: a [`Preview`] opened for one frame
    /// (keep one open for many frames).
    pub fn render_frame(&mut self, project: &Project, t: f64) -> Result<Image> {
        self.preview(project)?.render(t)
    }

    /// A project opened for frames at any time (scrubbing), on the library's persistent
    /// preview: the decoder, the scene and the static layers stay open between frames. The
    /// preview keeps its own copy of the project.
    pub fn preview(&mut self, project: &Project) -> Result<Preview<'_>> {
        let mut raw = ptr::null_mut();
        self.check(unsafe { sys::vx_preview_open(self.raw, project.raw, &mut raw) })?;
        let (mut w, mut h) = (0, 0);
        unsafe { sys::vx_preview_output(raw, &mut w, &mut h) };
        Ok(Preview {
            shared: Arc::new(PreviewShared { raw: RwLock::new(PreviewPtr(raw)) }),
            width: w as usize,
            height: h as usize,
            _ctx: std::marker::PhantomData,
        })
    }

    /// What vexport sees of a media file: a summary line, then one line per stream.
    pub fn probe(&mut self, path: impl AsRef<Path>) -> Result<Vec<String>> {
        unsafe extern "C" fn line(opaque: *mut c_void, l: *const c_char) {
            (*(opaque as *mut Vec<String>)).push(text(l));
        }
        let path = c_path(path.as_ref())?;
        let mut lines = Vec::new();
        self.check(unsafe { sys::vx_probe(self.raw, path.as_ptr(), Some(line), &mut lines as *mut Vec<String> as *mut c_void) })?;
        Ok(lines)
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        unsafe { sys::vx_close(&mut self.raw) }
    }
}

/// A loaded, validated project. Read-only: the library only reads it (jobs copy it).
pub struct Project {
    raw: *mut sys::VxProject,
}

unsafe impl Send for Project {}
unsafe impl Sync for Project {}

impl Drop for Project {
    fn drop(&mut self) {
        unsafe { sys::vx_project_free(&mut self.raw) }
    }
}

/// How to export. `ExportOptions::new(output)` gives the library's defaults.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// The MP4 to write (through OUTPUT.partial, renamed at the end).
    pub output: PathBuf,
    /// CPU threads for this job; 0 = the context's setting.
    pub threads: i32,
    /// libavcodec encoder name; None = "auto".
    pub encoder: Option<String>,
    pub preset: Option<String>,
    /// Constant rate factor; None = the project's output.quality.
    pub crf: Option<f64>,
    /// "auto" (None), "none" or a device type.
    pub hwaccel: Option<String>,
    /// Always decode, compose and encode.
    pub no_passthrough: bool,
}

impl ExportOptions {
    pub fn new(output: impl Into<PathBuf>) -> ExportOptions {
        ExportOptions { output: output.into(), ..Default::default() }
    }
}

/// Progress of a running job.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub frame: i64,
    pub total: i64,
    pub fps: f64,
    /// estimated seconds left (-1 while unknown)
    pub eta_s: f64,
    pub elapsed_s: f64,
    pub duration_s: f64,
    /// the final call after a successful export
    pub done: bool,
}

unsafe extern "C" fn on_progress(opaque: *mut c_void, p: *const sys::VxProgress) {
    let f = &mut *(opaque as *mut Box<dyn FnMut(&Progress) + Send>);
    let p = &*p;
    let pr = Progress {
        frame: p.frame,
        total: p.total,
        fps: p.fps,
        eta_s: p.eta_s,
        elapsed_s: p.elapsed_s,
        duration_s: p.duration_s,
        done: p.done != 0,
    };
    // a panic must not unwind into C: it is caught; the export goes on
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&pr)));
}

struct JobPtr(*mut sys::VxJob);
// vx_job_cancel is safe from any thread; the pointer is only used under the mutex
unsafe impl Send for JobPtr {}

struct Shared {
    job: Mutex<JobPtr>,
}

/// Cancels its job from any thread (`Send` + `Sync`, cloneable). After the job is gone, it
/// does nothing.
#[derive(Clone)]
pub struct CancelHandle {
    shared: Arc<Shared>,
}

impl CancelHandle {
    /// Asks the job to stop: its `run` returns an error with `is_cancelled()`, and leaves no
    /// output. Before `run`, the run stops at once.
    pub fn cancel(&self) {
        let j = self.shared.job.lock().unwrap_or_else(|e| e.into_inner());
        if !j.0.is_null() {
            unsafe { sys::vx_job_cancel(j.0) }
        }
    }
}

/// A prepared export. It holds its context (whose last error it reports) for as long as it
/// lives, and may be sent to another thread to run (`Send`: the context is borrowed
/// exclusively and the progress closure is `Send`; not `Sync`).
pub struct Job<'c> {
    ctx: &'c mut Context,
    shared: Arc<Shared>,
    _progress: Box<Box<dyn FnMut(&Progress) + Send + 'c>>,
}

/// What an export measured.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// "composite", "remux" or "remux-cuts"
    pub mode: String,
    pub wall_s: f64,
    pub setup_s: f64,
    pub decode_s: f64,
    pub compose_s: f64,
    pub encode_s: f64,
    pub audio_s: f64,
    pub mux_s: f64,
    pub frames_decoded: i64,
    pub frames_composed: i64,
    pub peak_rss_kib: i64,
    pub threads: i32,
    pub encoder: String,
    pub hwaccel: String,
}

impl Job<'_> {
    pub fn cancel_handle(&self) -> CancelHandle {
        CancelHandle { shared: self.shared.clone() }
    }

    /// Runs the export on the calling thread.
    pub fn run(self) -> Result<Stats> {
        let raw = self.shared.job.lock().unwrap_or_else(|e| e.into_inner()).0;
        let r = unsafe { sys::vx_job_run(raw) };
        let mut st = std::mem::MaybeUninit::<sys::VxStats>::zeroed();
        let st = unsafe {
            sys::vx_job_stats(raw, st.as_mut_ptr());
            st.assume_init()
        };
        if r < 0 {
            // the job's own error (vx_job_error), not the context's
            let mut e = std::mem::MaybeUninit::<sys::VxError>::zeroed();
            let e = unsafe {
                sys::vx_job_error(raw, e.as_mut_ptr());
                e.assume_init()
            };
            let m = text(e.message.as_ptr());
            return Err(Error::new(r, if m.is_empty() { text(unsafe { sys::vx_strerror(r) }) } else { m }));
        }
        let chars = |a: &[c_char]| text(a.as_ptr());
        Ok(Stats {
            mode: text(st.mode),
            wall_s: st.wall_s,
            setup_s: st.setup_s,
            decode_s: st.decode_s,
            compose_s: st.compose_s,
            encode_s: st.encode_s,
            audio_s: st.audio_s,
            mux_s: st.mux_s,
            frames_decoded: st.frames_decoded,
            frames_composed: st.frames_composed,
            peak_rss_kib: st.peak_rss_kib,
            threads: st.threads,
            encoder: chars(&st.encoder),
            hwaccel: chars(&st.hwaccel),
        })
    }
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        let mut j = self.shared.job.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { sys::vx_job_free(&mut j.0) }
    }
}

struct PreviewPtr(*mut sys::VxPreview);
// the C API: vx_preview_cancel from any thread while a render runs
unsafe impl Send for PreviewPtr {}
unsafe impl Sync for PreviewPtr {}

struct PreviewShared {
    // read: a render or a cancel (they may overlap); write: the free
    raw: RwLock<PreviewPtr>,
}

/// A project kept open to render frames at any time (`vx_preview_*`): a frame after the
/// previous one decodes forward from there; an earlier one, or one far ahead, seeks. `Send`
/// (one thread renders at a time: `render` takes `&mut self`); [`Preview::cancel_handle`]
/// stops a render from another thread.
pub struct Preview<'c> {
    shared: Arc<PreviewShared>,
    width: usize,
    height: usize,
    _ctx: std::marker::PhantomData<&'c mut Context>,
}

/// Makes a running (or the next) [`Preview::render`] fail with a cancelled [`Error`]; usable
/// from any thread, also after the preview is gone (then it does nothing).
#[derive(Clone)]
pub struct PreviewCancel {
    shared: Arc<PreviewShared>,
}

impl PreviewCancel {
    pub fn cancel(&self) {
        let g = self.shared.raw.read().unwrap_or_else(|e| e.into_inner());
        if !g.0.is_null() {
            unsafe { sys::vx_preview_cancel(g.0) }
        }
    }
}

impl Preview<'_> {
    /// The output's width and height.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// The output frame shown at `t` seconds, as RGBA at the output's size, in a new image.
    pub fn render(&mut self, t: f64) -> Result<Image> {
        let raw = unsafe { sys::vx_image_alloc(sys::VX_PIX_RGBA, self.width as c_int, self.height as c_int) };
        if raw.is_null() {
            return Err(Error::new(-12, "cannot allocate the frame"));
        }
        let img = Image { raw };
        self.render_raw(t, raw)?;
        Ok(img)
    }

    /// Renders the frame at `t` into `buf`, width * height * 4 bytes, rows packed (RGBA): no
    /// allocation per frame.
    pub fn render_into(&mut self, t: f64, buf: &mut [u8]) -> Result<()> {
        let n = self.width * self.height * 4;
        if buf.len() != n {
            return Err(Error::new(-22, format!("render_into: the buffer has {} bytes, the {}x{} RGBA output needs {}",
                                               buf.len(), self.width, self.height, n)));
        }
        let mut img = sys::VxImage {
            format: sys::VX_PIX_RGBA,
            width: self.width as c_int,
            height: self.height as c_int,
            data: [buf.as_mut_ptr(), ptr::null_mut(), ptr::null_mut(), ptr::null_mut()],
            stride: [(self.width * 4) as isize, 0, 0, 0],
        };
        self.render_raw(t, &mut img)
    }

    fn render_raw(&mut self, t: f64, img: *mut sys::VxImage) -> Result<()> {
        let g = self.shared.raw.read().unwrap_or_else(|e| e.into_inner());
        let r = unsafe { sys::vx_preview_render(g.0, t, img) };
        if r >= 0 {
            return Ok(());
        }
        let mut e = std::mem::MaybeUninit::<sys::VxError>::zeroed();
        let e = unsafe {
            sys::vx_preview_error(g.0, e.as_mut_ptr());
            e.assume_init()
        };
        let m = text(e.message.as_ptr());
        Err(Error::new(r, if m.is_empty() { text(unsafe { sys::vx_strerror(r) }) } else { m }))
    }

    /// A handle that cancels this preview's renders from another thread.
    pub fn cancel_handle(&self) -> PreviewCancel {
        PreviewCancel { shared: self.shared.clone() }
    }
}

impl Drop for Preview<'_> {
    fn drop(&mut self) {
        let mut g = self.shared.raw.write().unwrap_or_else(|e| e.into_inner());
        unsafe { sys::vx_preview_free(&mut g.0) }
    }
}

/// An RGBA image owned by the library's allocator.
pub struct Image {
    raw: *mut sys::VxImage,
}

unsafe impl Send for Image {}
unsafe impl Sync for Image {}

impl Image {
    pub fn width(&self) -> usize {
        unsafe { (*self.raw).width as usize }
    }
    pub fn height(&self) -> usize {
        unsafe { (*self.raw).height as usize }
    }
    /// Bytes from one row to the next (at least width * 4).
    pub fn stride(&self) -> usize {
        unsafe { (*self.raw).stride[0] as usize }
    }
    /// Row `y`'s width * 4 bytes.
    pub fn row(&self, y: usize) -> &[u8] {
        assert!(y < self.height());
        unsafe { std::slice::from_raw_parts((*self.raw).data[0].add(y * self.stride()), self.width() * 4) }
    }
    /// The pixels, rows packed (width * 4 bytes each).
    pub fn to_rgba(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.width() * self.height() * 4);
        for y in 0..self.height() {
            v.extend_from_slice(self.row(y));
        }
        v
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        unsafe { sys::vx_image_free(&mut self.raw) }
    }
}
