//! Loads an entity directory file and prints its count, digest and the time
//! taken: a quick probe for profiling the loader (`perf record`).
fn main() {
    let path = std::env::args().nth(1).expect("usage: load FILE");
    let t = std::time::Instant::now();
    let file = std::fs::File::open(&path).expect("open");
    let opts = shuangsui::LoadOptions::default();
    let mut rows =
        shuangsui::EntityDirectory::table_from_reader(std::io::BufReader::new(file), &path, &opts)
            .expect("table");
    let dir = shuangsui::EntityDirectory::from_rows(&mut rows, &opts).expect("load");
    eprintln!(
        "{} entities, digest {}, {:.2} s",
        dir.len(),
        dir.digest_hex(),
        t.elapsed().as_secs_f64()
    );
}
