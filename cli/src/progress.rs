//! Progress bars on stderr (indicatif), shown only when stderr is a
//! terminal and only once the work has taken more than a second, so that
//! quick runs, pipes, CI logs and tests see nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read};
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

/// A reader that moves a progress bar by the bytes read.
pub struct Counting<R> {
    inner: R,
    read: u64,
    reported: u64,
    progress: Progress,
}

impl<R> Counting<R> {
    pub fn new(inner: R, progress: Progress) -> Counting<R> {
        Counting {
            inner,
            read: 0,
            reported: 0,
            progress,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read - self.reported >= 1 << 20 || n == 0 {
            self.reported = self.read;
            self.progress.set(self.read);
        }
        Ok(n)
    }
}
