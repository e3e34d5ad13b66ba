//! Phase timings for benchmarking (`SHUANGSUI_TIMINGS=1`): each mark prints
//! to standard error the time since the previous one, the resident set and
//! its peak so far. Does nothing unless
//! the variable is set, and nothing at all in the browser (no clock there).

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use std::sync::Mutex;
    use std::time::Instant;

    static LAST: Mutex<Option<Instant>> = Mutex::new(None);

    fn enabled() -> bool {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *ON.get_or_init(|| std::env::var_os("SHUANGSUI_TIMINGS").is_some_and(|v| v != "0"))
    }

    /// Prints the time since the previous mark (or since the first call).
    pub fn mark(label: &str) {
        if !enabled() {
            return;
        }
        let now = Instant::now();
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        let since = last.map_or(0.0, |l| now.duration_since(l).as_secs_f64());
        // The resident set now and its peak so far, where the system tells
        // them (Linux).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        };
        let rss = match (kib("VmRSS:"), kib("VmHWM:")) {
            (Some(now), Some(peak)) => {
                format!("{:6} MiB (peak {:6} MiB)  ", now / 1024, peak / 1024)
            }
            _ => String::new(),
        };
        eprintln!("[timing] {since:8.3} s  {rss}{label}");
        *last = Some(now);
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    pub fn mark(_label: &str) {}
}

pub use imp::mark;
