//! Times the publishing steps on a record:
//!   cargo run --release -q -p shuangsui --example outputs -- record.json
//! For the workbook it also prints the CPU time (all threads, from Linux's
//! /proc) and the most heap memory it held at once. XLSX_OUT=path keeps the
//! workbook; XLSX_ROWS=n keeps only the first n drawn rows; XLSX_REPEAT=n
//! times the workbook alone, n times (for profiling).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes live and their peak.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new);
        if !q.is_null() {
            if new > layout.size() {
                let now =
                    LIVE.fetch_add(new - layout.size(), Ordering::Relaxed) + new - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU seconds of this process so far (user + system), from /proc.
fn cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let t = std::time::Instant::now();
    let mut record: shuangsui::DrawRecord = serde_json::from_str(&text).unwrap();
    // XLSX_ROWS=n: only the first n drawn rows (for profiling).
    if let Some(n) = std::env::var("XLSX_ROWS").ok().and_then(|n| n.parse().ok()) {
        record.draws.truncate(n);
    }
    drop(text);
    eprintln!("parse {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let (_h, rows) = shuangsui::result_table(&record);
    eprintln!("table {:?}", t.elapsed());
    let t = std::time::Instant::now();
    drop(rows);
    // glibc frees the table's 3.66 million strings lazily: the next large
    // allocation, whoever makes it, first consolidates them (about 0.15 s).
    // Make it here, so that the cost counts for the table, not the workbook.
    drop(std::hint::black_box(Vec::<u8>::with_capacity(1 << 16)));
    eprintln!("drop table {:?}", t.elapsed());

    // XLSX_REPEAT=n: the workbook only, n times (for profiling).
    if let Some(n) = std::env::var("XLSX_REPEAT")
        .ok()
        .and_then(|n| n.parse::<u32>().ok())
    {
        for _ in 0..n {
            let (t, c) = (std::time::Instant::now(), cpu());
            let b = shuangsui::xlsx::result_xlsx(&record).unwrap();
            let cpu = cpu().zip(c).map_or(f64::NAN, |(a, b)| a - b);
            eprintln!("xlsx {:?} {} bytes; cpu {cpu:.2} s", t.elapsed(), b.len());
        }
        return;
    }
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let (t, c) = (std::time::Instant::now(), cpu());
    let b = shuangsui::xlsx::result_xlsx(&record).unwrap();
    let elapsed = t.elapsed();
    let cpu = cpu().zip(c).map(|(a, b)| a - b);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    // XLSX_OUT=path: keep the workbook.
    if let Some(path) = std::env::var_os("XLSX_OUT") {
        std::fs::write(path, &b).unwrap();
    }
    eprintln!(
        "xlsx {elapsed:?} {} bytes; cpu {} s; heap peak {:.0} MB",
        b.len(),
        cpu.map_or("?".into(), |c| format!("{c:.2}")),
        peak as f64 / 1e6,
    );

    let t = std::time::Instant::now();
    let c = shuangsui::result_csv(&record);
    eprintln!("csv {:?} {}", t.elapsed(), c.len());
    let t = std::time::Instant::now();
    let c = shuangsui::notice_html(&record);
    eprintln!("html {:?} {}", t.elapsed(), c.len());
    let t = std::time::Instant::now();
    let d = record.compute_digest();
    eprintln!("digest {:?} {}", t.elapsed(), d);
    let t = std::time::Instant::now();
    let json = record.to_json_pretty();
    eprintln!("record.json {:?} {}", t.elapsed(), json.len());
}
