//! An rpath to the folders vexport-sys linked from, for this crate's tests, examples and
//! benchmarks, so
//! they run against an uninstalled build without LD_LIBRARY_PATH.
fn main() {
    if let Ok(dirs) = std::env::var("DEP_VEXPORT_LIBDIRS") {
        for d in dirs.split(':').filter(|d| !d.is_empty()) {
            println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{}", d);
            println!("cargo:rustc-link-arg-examples=-Wl,-rpath,{}", d);
            println!("cargo:rustc-link-arg-benches=-Wl,-rpath,{}", d);
        }
    }
}
