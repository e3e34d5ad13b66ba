//! Phase timings for benchmarking (`SHUANGSUI_TIMINGS=1`): each mark prints
//! to standard error the time since the previous one, how many cores were
//! busy on average meanwhile, the resident set and its peak so far. Does nothing unless
//! the variable is set, and nothing at all in the browser (no clock there).

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use std::sync::Mutex;
    use std::time::Instant;

    /// The previous mark: when, and the process's CPU seconds then.
    static LAST: Mutex<Option<(Instant, f64)>> = Mutex::new(None);

    /// CPU seconds used by every thread of the process so far (Linux's
    /// /proc/self/stat, in clock ticks of 1/100 s), or 0 elsewhere.
    fn cpu_seconds() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // Fields after the command name (which ends with the last `)`):
        // the state, …, utime and stime are the 1st, …, 12th and 13th.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok());
        match (ticks(11), ticks(12)) {
            (Some(u), Some(s)) => (u + s) / 100.0,
            _ => 0.0,
        }
    }

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
        let cpu = cpu_seconds();
        let (since, cores) = last.map_or((0.0, 0.0), |(l, c)| {
            let wall = now.duration_since(l).as_secs_f64();
            (wall, if wall > 0.0 { (cpu - c) / wall } else { 0.0 })
        });
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
        eprintln!("[timing] {since:8.3} s  {cores:4.1} cores  {rss}{label}");
        *last = Some((now, cpu));
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    pub fn mark(_label: &str) {}
}

pub use imp::mark;
