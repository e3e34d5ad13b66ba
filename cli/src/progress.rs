//! Progress bars on stderr (indicatif), shown only when stderr is a
//! terminal and only once the work has taken more than a second, so that
//! quick runs, pipes, CI logs and tests see nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_secs(1);

/// A progress bar that stays hidden for the first second.
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    terminal: bool,
}

impl Progress {
    /// A bar over `total` units; `bytes` chooses the byte display.
    pub fn new(label: &str, total: u64, bytes: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let template = if bytes {
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})"
        } else {
            "{msg} [{bar:40}] {human_pos}/{human_len} ({eta})"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        Progress {
            bar,
            start: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Moves the bar to `pos`, making it visible once a second has passed.
    pub fn set(&self, pos: u64) {
        if self.terminal && self.bar.is_hidden() && self.start.elapsed() > DELAY {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_position(pos);
    }

    /// Says what is happening now (e.g. after reading, while hashing).
    pub fn message(&self, msg: &str) {
        self.bar.set_message(msg.to_string());
        self.set(self.bar.position());
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The core's progress reports ([`shuangsui::Progress`]) shown as one bar
/// over a file's bytes: each phase renames it, and it is removed when
/// dropped.
pub struct Bar {
    bar: Mutex<Option<Progress>>,
    label: Mutex<String>,
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            bar: Mutex::new(None),
            label: Mutex::new(String::new()),
        }
    }
}

impl shuangsui::Progress for Bar {
    fn phase(&self, en: &str, zh: &str) {
        let label = format!("{en} ({zh})");
        if let Ok(bar) = self.bar.lock() {
            if let Some(b) = bar.as_ref() {
                b.message(&label);
            }
        }
        if let Ok(mut l) = self.label.lock() {
            *l = label;
        }
    }

    fn bytes(&self, done: u64, total: u64) {
        if let Ok(mut bar) = self.bar.lock() {
            let label = self.label.lock().map(|l| l.clone()).unwrap_or_default();
            bar.get_or_insert_with(|| Progress::new(&label, total, true))
                .set(done);
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Ok(bar) = self.bar.lock() {
            if let Some(b) = bar.as_ref() {
                b.finish();
            }
        }
    }
}
