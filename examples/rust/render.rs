//! Exports a project with a progress line, then renders one preview frame to a PAM image.
//!     cd bindings/rust && cargo run --example render -- project.json out.mp4 [frame.pam]
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: render PROJECT.json OUT.mp4 [FRAME.pam]");
        std::process::exit(2);
    }
    let mut ctx = vexport::Context::new()?;
    let project = ctx.load_project(&args[1])?;
    let job = ctx.job(&project, &vexport::ExportOptions::new(&args[2]), |p: &vexport::Progress| {
        eprint!("\r{:5.1}%  {:.0} fps", 100.0 * p.frame as f64 / p.total.max(1) as f64, p.fps);
    })?;
    let stats = job.run()?;
    eprintln!("\n{}: {} ({:.2} s)", args[2], stats.mode, stats.wall_s);
    if let Some(pam) = args.get(3) {
        let img = ctx.render_frame(&project, 1.0)?;
        let mut f = std::fs::File::create(pam)?;
        write!(f, "P7\nWIDTH {}\nHEIGHT {}\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", img.width(), img.height())?;
        f.write_all(&img.to_rgba())?;
    }
    Ok(())
}
