//! cargo test --offline: the crate against the real library. Environment: VEXPORT_MEDIA (the
//! test media, tests/media/make-media.sh), PKG_CONFIG_PATH (an uninstalled build:
//! BUILD/meson-uninstalled).
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;

use vexport::{CancelHandle, Context, ExportOptions, Image, Job, Progress, Project};

fn media() -> PathBuf {
    std::env::var_os("VEXPORT_MEDIA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../build/media"))
}

/// 1280x720, 30 fps, 4 s, exported at 320x180 on a #336699 background
fn project_json(speed: f64) -> String {
    format!(
        r##"{{"output": {{"width": 320, "height": 180, "fps": 30}},
            "sources": {{"screen": "{}", "audio": []}},
            "timeline": [{{"start": 0, "speed": {}}}],
            "background": "#336699", "padding": 0.1, "radius": 8}}"##,
        media().join("screen.mp4").display(),
        speed
    )
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("vexport-rs-{}-{}", name, std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
    fn entries(&self) -> Vec<String> {
        std::fs::read_dir(&self.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (width, height, decoded frames, duration) by ffprobe
fn ffprobe(path: &Path) -> (u32, u32, u32, f64) {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
               "stream=width,height,nb_read_frames:format=duration", "-of", "default=nw=1"])
        .arg(path)
        .output()
        .expect("ffprobe");
    let text = String::from_utf8(out.stdout).unwrap();
    let get = |k: &str| {
        text.lines().find_map(|l| l.strip_prefix(&format!("{}=", k))).unwrap_or_else(|| panic!("{} in {}", k, text)).to_string()
    };
    (get("width").parse().unwrap(), get("height").parse().unwrap(), get("nb_read_frames").parse().unwrap(),
     get("duration").parse().unwrap())
}

#[test]
fn thread_safety_follows_the_c_api() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<Context>();
    send::<Project>();
    sync::<Project>();
    send::<Job<'static>>();
    send::<CancelHandle>();
    sync::<CancelHandle>();
    send::<Image>();
}

#[test]
fn export_decodes_and_progress_reaches_100() {
    let dir = TempDir::new("export");
    let out = dir.0.join("out.mp4");
    let mut ctx = Context::with_threads(2).unwrap();
    let project = ctx.parse_project(&project_json(1.0), None).unwrap();
    let mut seen: Vec<Progress> = Vec::new();
    let stats = ctx.job(&project, &ExportOptions::new(&out), |p: &Progress| seen.push(*p)).unwrap().run().unwrap();
    let (w, h, frames, duration) = ffprobe(&out);
    assert_eq!((w, h, frames), (320, 180, 120));
    assert!((duration - 4.0).abs() < 0.05, "duration {}", duration);
    assert_eq!(stats.mode, "composite");
    assert_eq!(stats.frames_composed, 120);
    assert!(seen.len() >= 2);
    assert!(seen.windows(2).all(|w| w[0].frame <= w[1].frame), "progress went backwards");
    let last = seen.last().unwrap();
    assert_eq!((last.frame, last.total, last.done), (120, 120, true));
    assert_eq!(dir.entries(), vec!["out.mp4".to_string()]);
}

#[test]
fn cancel_from_another_thread_leaves_nothing() {
    let dir = TempDir::new("cancel");
    let mut ctx = Context::with_threads(2).unwrap();
    let project = ctx.parse_project(&project_json(0.25), None).unwrap(); // 480 frames
    let (tx, rx) = mpsc::channel();
    let job = ctx
        .job(&project, &ExportOptions::new(dir.0.join("cancelled.mp4")), move |p: &Progress| {
            let _ = tx.send(p.frame);
        })
        .unwrap();
    let cancel = job.cancel_handle();
    let watcher = thread::spawn(move || {
        let mut last = 0;
        for f in rx {
            last = f;
            if f >= 20 {
                cancel.cancel();
                break;
            }
        }
        last
    });
    // the job itself runs on yet another thread: Job is Send
    let err = thread::scope(|s| s.spawn(move || job.run()).join().unwrap()).unwrap_err();
    let at = watcher.join().unwrap();
    assert!(err.is_cancelled(), "{:?}", err);
    assert!((20..480).contains(&at), "cancelled at {}", at);
    assert!(dir.entries().is_empty(), "left behind: {:?}", dir.entries());
}

#[test]
fn cancel_before_run() {
    let dir = TempDir::new("early");
    let mut ctx = Context::new().unwrap();
    let project = ctx.parse_project(&project_json(1.0), None).unwrap();
    let job = ctx.job(&project, &ExportOptions::new(dir.0.join("never.mp4")), |_: &Progress| {}).unwrap();
    job.cancel_handle().cancel();
    assert!(job.run().unwrap_err().is_cancelled());
    assert!(dir.entries().is_empty());
}

#[test]
fn bad_project_is_a_readable_error() {
    let mut ctx = Context::new().unwrap();
    let err = ctx.parse_project(&project_json(1.0).replace("\"padding\": 0.1", "\"padding\": \"wide\""), None)
        .err()
        .unwrap();
    assert_eq!(err.code(), -22);
    assert!(err.to_string().contains("padding"), "{}", err);
    let _: &dyn std::error::Error = &err;
    let err = ctx.load_project("/nonexistent/p.json").err().unwrap();
    assert_eq!(err.io_kind(), std::io::ErrorKind::NotFound);
    assert!(err.message().contains("/nonexistent/p.json"), "{}", err);
}

#[test]
fn render_frame_is_output_sized_rgba() {
    let mut ctx = Context::new().unwrap();
    let project = ctx.parse_project(&project_json(1.0), None).unwrap();
    let img = ctx.render_frame(&project, 1.5).unwrap();
    assert_eq!((img.width(), img.height()), (320, 180));
    let px = img.to_rgba();
    assert_eq!(px.len(), 320 * 180 * 4);
    // the top-left corner is padding: the background #336699, within YUV rounding
    let near = |a: u8, b: u8| (a as i32 - b as i32).abs() <= 3;
    assert!(near(px[0], 0x33) && near(px[1], 0x66) && near(px[2], 0x99) && px[3] == 255, "{:?}", &px[..4]);
    let mut pv = ctx.preview(&project).unwrap();
    for t in [0.0, 2.0, 3.9] {
        let f = pv.render(t).unwrap();
        assert_eq!(f.row(179).len(), 320 * 4);
    }
}

/// The frames of vx_render_frame (C, one fresh decoder per frame) at each time.
fn c_frames(json: &str, times: &[f64]) -> Vec<Vec<u8>> {
    use std::ffi::CString;
    use vexport_sys as sys;
    let mut out = Vec::new();
    unsafe {
        let mut s = std::mem::MaybeUninit::<sys::VxSettings>::uninit();
        sys::vx_default_settings(s.as_mut_ptr());
        let s = s.assume_init();
        let mut ctx = std::ptr::null_mut();
        assert_eq!(sys::vx_open(&mut ctx, &s), 0);
        let text = CString::new(json).unwrap();
        let mut p = std::ptr::null_mut();
        assert_eq!(sys::vx_project_parse(ctx, text.as_ptr(), std::ptr::null(), b"p\0".as_ptr() as *const _, &mut p), 0);
        for &t in times {
            let mut img = std::ptr::null_mut();
            assert_eq!(sys::vx_render_frame(ctx, p, t, &mut img), 0);
            let (w, h, stride) = ((*img).width as usize, (*img).height as usize, (*img).stride[0] as usize);
            let mut v = Vec::new();
            for y in 0..h {
                v.extend_from_slice(std::slice::from_raw_parts((*img).data[0].add(y * stride), w * 4));
            }
            out.push(v);
            sys::vx_image_free(&mut img);
        }
        sys::vx_project_free(&mut p);
        sys::vx_close(&mut ctx);
    }
    out
}

#[test]
fn preview_matches_the_c_one_shot_frames_and_cancels() {
    // forwards, backwards, across a cut (at 2 s of output) and a zoom (0.5 to 1.5 s)
    let json = format!(
        r##"{{"output": {{"width": 320, "height": 180, "fps": 30}},
            "sources": {{"screen": "{}", "audio": []}},
            "timeline": [{{"start": 0, "end": 2.0}}, {{"start": 2.6, "end": 4.0}}],
            "zoom": [{{"start": 0.5, "end": 1.5, "center": [900, 500], "scale": 2.0, "transition": 0.3}}],
            "background": "#336699", "padding": 0.1, "radius": 8}}"##,
        media().join("screen.mp4").display()
    );
    let times = [0.0, 0.4, 0.6, 1.0, 1.9, 2.0, 2.5, 1.2, 0.1, 3.3];
    let want = c_frames(&json, &times);
    assert_ne!(want[3], want[0]); // the zoom shows
    let mut ctx = Context::new().unwrap();
    let project = ctx.parse_project(&json, None).unwrap();
    let mut pv = ctx.preview(&project).unwrap();
    assert_eq!(pv.size(), (320, 180));
    let mut buf = vec![0u8; 320 * 180 * 4];
    for (t, w) in times.iter().zip(&want) {
        assert!(pv.render(*t).unwrap().to_rgba() == *w, "t = {}", t);
        pv.render_into(*t, &mut buf).unwrap();
        assert!(buf == *w, "render_into, t = {}", t);
    }
    let err = pv.render_into(1.0, &mut [0u8; 10]).unwrap_err();
    assert!(err.message().contains("320x180"), "{}", err);
    // a cancel from another thread: the render fails as cancelled, the next one works
    let cancel = pv.cancel_handle();
    thread::spawn(move || cancel.cancel()).join().unwrap();
    assert!(pv.render(1.0).err().unwrap().is_cancelled());
    assert!(pv.render(1.0).unwrap().to_rgba() == want[3]);
    let cancel = pv.cancel_handle();
    drop(pv);
    cancel.cancel(); // after the preview is gone: nothing
}

#[test]
fn probe_describes_a_recording() {
    let mut ctx = Context::new().unwrap();
    let lines = ctx.probe(media().join("screen.mp4")).unwrap();
    assert!(lines.iter().any(|l| l.contains("video h264 1280x720")), "{:?}", lines);
    assert_eq!(ctx.probe("/nonexistent.mp4").unwrap_err().io_kind(), std::io::ErrorKind::NotFound);
}
