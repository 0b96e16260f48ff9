//! The declarations against the library itself.
use std::ffi::CStr;
use std::mem::size_of;
use vexport_sys::*;

// the sizes the C header gives on 64-bit Linux
#[test]
fn struct_sizes_match_the_header() {
    assert_eq!(size_of::<VxSettings>(), 96);
    assert_eq!(size_of::<VxProgress>(), 64);
    assert_eq!(size_of::<VxExportOptions>(), 144);
    assert_eq!(size_of::<VxStats>(), 240);
    assert_eq!(size_of::<VxImage>(), 80);
    assert_eq!(size_of::<VxError>(), 2344);
}

#[test]
fn links_and_reports_errors() {
    let v = unsafe { CStr::from_ptr(vx_version()) }.to_str().unwrap();
    assert_eq!(v.split('.').count(), 3, "{}", v);
    let mut ctx = std::ptr::null_mut();
    assert_eq!(unsafe { vx_open(&mut ctx, std::ptr::null()) }, 0);
    let mut p = std::ptr::null_mut();
    let r = unsafe { vx_project_parse(ctx, b"{\"version\": 2}\0".as_ptr() as _, std::ptr::null(), b"t\0".as_ptr() as _, &mut p) };
    assert_eq!(r, -22);
    let msg = unsafe { CStr::from_ptr(vx_last_error(ctx)) }.to_string_lossy().into_owned();
    assert!(msg.contains("version"), "{}", msg);
    unsafe { vx_close(&mut ctx) };
    assert!(ctx.is_null());
}
