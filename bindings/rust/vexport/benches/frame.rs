//! Rust side of bench/bindings/run.py: each Preview::render(t)'s ms, one a line.
//!     cargo bench --offline --bench frame -- PROJECT.json N
fn main() {
    let args: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    let (file, n): (&str, usize) = (&args[1], args[2].parse().unwrap());
    let mut ctx = vexport::Context::new().unwrap();
    let project = ctx.load_project(file).unwrap();
    let mut pv = ctx.preview(&project).unwrap();
    let ms: Vec<f64> = (0..n)
        .map(|i| {
            let t0 = std::time::Instant::now();
            let img = pv.render(0.5 + i as f64 / 30.0).unwrap();
            let dt = t0.elapsed().as_secs_f64() * 1e3;
            assert_eq!(img.row(img.height() - 1).len(), img.width() * 4);
            dt
        })
        .collect();
    for m in &ms {
        println!("{:.4}", m);
    }
}
