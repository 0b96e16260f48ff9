//! Links libvexport as `pkg-config --libs vexport` says (no crates: the pkg-config program
//! itself). An uninstalled build works: PKG_CONFIG_PATH=BUILD/meson-uninstalled. The -L
//! folders are passed on to dependent build scripts as DEP_VEXPORT_LIBDIRS (':'-separated),
//! so they can add an rpath for their tests and examples.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    let pkg_config = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".into());
    let out = Command::new(&pkg_config).args(["--libs", "vexport"]).output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => panic!(
            "`{} --libs vexport` failed: {}\nInstall libvexport, or point PKG_CONFIG_PATH at a \
             folder with vexport.pc (an uninstalled build: BUILD/meson-uninstalled)",
            pkg_config,
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => panic!("cannot run {}: {} (Debian: apt install pkg-config)", pkg_config, e),
    };
    let flags = String::from_utf8(out.stdout).expect("pkg-config output is not UTF-8");
    let mut dirs = Vec::new();
    for f in flags.split_whitespace() {
        if let Some(d) = f.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={}", d);
            // relink when the library is rebuilt (a new soname leaves old test binaries dead)
            println!("cargo:rerun-if-changed={}/libvexport.so", d);
            // this crate's own tests run against it without LD_LIBRARY_PATH
            println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{}", d);
            dirs.push(d.to_string());
        } else if let Some(l) = f.strip_prefix("-l") {
            println!("cargo:rustc-link-lib={}", l);
        }
    }
    println!("cargo:libdirs={}", dirs.join(":"));
}
