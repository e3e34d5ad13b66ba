//! The zip container of the result workbook, written deterministically:
//! parts in a fixed order, every timestamp 1980-01-01 00:00 (as
//! rust_xlsxwriter writes them), sizes and CRC-32 in the local headers (no
//! data descriptors), no zip64 (a part or the whole file of 4 GiB or more
//! is an error; Excel's own limits come long before).
//!
//! A part is deflated in pieces (raw deflate, flate2 with the zlib-rs
//! backend). Every piece but a part's last ends with a full flush, which
//! ends it on a byte boundary without the final-block bit, so the pieces'
//! deflate streams concatenate into the part's one stream (as pigz does).
//! Where a part is cut into pieces is fixed by its content alone, never by
//! the number of threads, so the bytes are the same on one core, on eight,
//! and in the browser, which has no threads.

use crate::{Error, ErrorKind, Result};
use flate2::{Compress, Compression, FlushCompress, Status};

/// The deflate level of the big result sheet: zlib-rs's fastest. XML this
/// repetitive compresses nearly as well as at the default level, in a
/// fraction of the time.
pub(super) const FAST: u32 = 1;
/// The deflate level of the small parts (zip's default, as rust_xlsxwriter).
pub(super) const SMALL: u32 = 6;

/// 1980-01-01 as an MS-DOS date; the time, 00:00:00, is 0.
const DOS_DATE: u16 = (1 << 5) | 1;
/// Version 2.0 (deflate); made on Unix (high byte 3), as zip writes it.
const VERSION_NEEDED: u16 = 20;
const VERSION_MADE_BY: u16 = (3 << 8) | 20;
/// Unix mode `-rw-------` in the high half, as rust_xlsxwriter sets it.
const EXTERNAL_ATTRIBUTES: u32 = 0o100600 << 16;
const DEFLATED: u16 = 8;

fn too_big() -> Error {
    Error::new(
        ErrorKind::Io,
        "could not write the Excel file: it would be 4 GiB or more, beyond what an .xlsx file (zip without zip64) holds; use the CSV result", "结果太大，无法写成 Excel 文件（超过 4 GiB），请使用 CSV 格式的抽查结果")
}

/// One deflated piece of a part: its compressed bytes, and the CRC-32 and
/// length of what it holds.
pub(super) struct Piece {
    crc: crc32fast::Hasher,
    len: u64,
    data: Vec<u8>,
}

impl Piece {
    /// The piece's compressed size.
    pub(super) fn packed(&self) -> usize {
        self.data.len()
    }
}

/// A deflater, reused for every piece one worker compresses.
pub(super) struct Deflater {
    compress: Compress,
}

impl Deflater {
    pub(super) fn new(level: u32) -> Deflater {
        Deflater {
            compress: Compress::new(Compression::new(level), false),
        }
    }

    /// Deflates `data` as one piece; `last` ends the part's stream.
    pub(super) fn piece(&mut self, data: &[u8], last: bool) -> Result<Piece> {
        self.compress.reset();
        let flush = if last {
            FlushCompress::Finish
        } else {
            FlushCompress::Full
        };
        let mut out = Vec::with_capacity(data.len() / 4 + 64);
        let mut taken = 0usize;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity() / 2 + 64);
            }
            let before = self.compress.total_in();
            let status = self
                .compress
                .compress_vec(&data[taken..], &mut out, flush)
                .map_err(|e| {
                    Error::new(
                        ErrorKind::Io,
                        format!("could not write the Excel file: deflate failed: {e}"),
                        format!("无法写出 Excel 文件：压缩失败：{e}"),
                    )
                })?;
            taken += (self.compress.total_in() - before) as usize;
            // A flush is complete once the input is used up and the
            // deflater stopped short of filling the output (zlib's rule).
            let flushed = taken == data.len() && out.len() < out.capacity();
            match status {
                Status::StreamEnd => break,
                _ if !last && flushed => break,
                _ => {}
            }
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(data);
        Ok(Piece {
            crc,
            len: data.len() as u64,
            data: out,
        })
    }
}

/// What a thread keeps from one piece to the next: its deflater and a
/// buffer for the piece's XML.
pub(super) struct Worker {
    pub(super) deflater: Deflater,
    pub(super) xml: Vec<u8>,
}

impl Worker {
    fn new(level: u32) -> Worker {
        Worker {
            deflater: Deflater::new(level),
            xml: Vec::new(),
        }
    }
}

/// Runs `job(0..count)` on up to `threads` threads, each with its own
/// [`Worker`] (deflating at `level`), and hands the results to `sink` in
/// index order, on the calling thread, as they become ready (so that
/// finished pieces go into the file at once instead of piling up). The
/// first error, in index order, is returned.
pub(super) fn parallel<T: Send>(
    count: usize,
    threads: usize,
    level: u32,
    job: impl Fn(usize, &mut Worker) -> Result<T> + Sync,
    mut sink: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let threads = threads.clamp(1, count.max(1));
        if threads > 1 {
            return threaded(count, threads, level, &job, &mut sink);
        }
    }
    // The browser has no threads.
    #[cfg(target_arch = "wasm32")]
    let _ = threads;
    let mut worker = Worker::new(level);
    for k in 0..count {
        sink(job(k, &mut worker)?)?;
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
fn threaded<T: Send>(
    count: usize,
    threads: usize,
    level: u32,
    job: &(impl Fn(usize, &mut Worker) -> Result<T> + Sync),
    sink: &mut impl FnMut(T) -> Result<()>,
) -> Result<()> {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, MutexGuard};

    struct State<T> {
        done: BTreeMap<usize, Result<T>>,
        workers: usize,
    }
    let state = Mutex::new(State {
        done: BTreeMap::new(),
        workers: threads,
    });
    let lock = || -> MutexGuard<'_, State<T>> { state.lock().unwrap_or_else(|e| e.into_inner()) };
    let ready = Condvar::new();
    let next = AtomicUsize::new(0);
    // Counts a worker out even if it panics, so the collector never waits
    // for a piece that will not come (the scope then re-raises the panic).
    struct Leaving<'a, F: Fn()>(&'a F);
    impl<F: Fn()> Drop for Leaving<'_, F> {
        fn drop(&mut self) {
            (self.0)();
        }
    }
    let leave = || {
        lock().workers -= 1;
        ready.notify_all();
    };

    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let _leaving = Leaving(&leave);
                let mut worker = Worker::new(level);
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= count {
                        break;
                    }
                    let result = job(k, &mut worker);
                    let failed = result.is_err();
                    lock().done.insert(k, result);
                    ready.notify_all();
                    if failed {
                        next.store(count, Ordering::Relaxed);
                    }
                }
            });
        }
        for k in 0..count {
            let result = {
                let mut st = lock();
                loop {
                    if let Some(r) = st.done.remove(&k) {
                        break Some(r);
                    }
                    if st.workers == 0 {
                        break None; // a worker panicked
                    }
                    st = ready.wait(st).unwrap_or_else(|e| e.into_inner());
                }
            };
            let Some(result) = result else {
                return Ok(());
            };
            if let Err(e) = result.and_then(&mut *sink) {
                next.store(count, Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(())
    })
}

fn u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The header fields local and central entries share, from "version
/// needed" to the extra field's length.
fn common(out: &mut Vec<u8>, e: &Entry) {
    u16_le(out, VERSION_NEEDED);
    u16_le(out, 0); // flags: no data descriptor; the names are ASCII
    u16_le(out, DEFLATED);
    u16_le(out, 0); // 00:00:00
    u16_le(out, DOS_DATE);
    u32_le(out, e.crc);
    u32_le(out, e.packed);
    u32_le(out, e.size);
    // Part names are short constants.
    u16_le(out, e.name.len() as u16);
    u16_le(out, 0); // extra field
}

fn fits(n: u64) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|&n| n < u32::MAX)
        .ok_or_else(too_big)
}

struct Entry {
    name: String,
    crc: u32,
    packed: u32,
    size: u32,
    offset: u32,
}

/// A zip file being written, part after part.
pub(super) struct Zip {
    out: Vec<u8>,
    entries: Vec<Entry>,
}

/// A part being written: the pieces appended so far are in the file
/// already; its local header goes in front when it is closed.
pub(super) struct Open {
    name: String,
    start: usize,
    crc: crc32fast::Hasher,
    size: u64,
}

impl Zip {
    pub(super) fn new() -> Zip {
        Zip {
            out: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Adds a small part, deflated whole.
    pub(super) fn whole(&mut self, name: &str, xml: &[u8]) -> Result<()> {
        let mut part = self.open(name);
        self.append(&mut part, Deflater::new(SMALL).piece(xml, true)?)?;
        self.close(part, None)
    }

    /// Starts the part `name`.
    pub(super) fn open(&self, name: &str) -> Open {
        Open {
            name: name.to_string(),
            start: self.out.len(),
            crc: crc32fast::Hasher::new(),
            size: 0,
        }
    }

    /// Room for `more` bytes (a hint, so that the file's buffer does not
    /// grow to twice what it needs).
    pub(super) fn reserve(&mut self, more: usize) {
        self.out.reserve_exact(more);
    }

    /// Room for `more` bytes, growing by a quarter at least (not doubling:
    /// the buffer is the file, the largest thing held).
    fn grow(&mut self, more: usize) {
        if self.out.capacity() - self.out.len() < more {
            self.out.reserve_exact(more.max(self.out.len() / 4));
        }
    }

    /// Appends the next piece of `part`; an error as soon as the part or
    /// the file outgrows what a zip without zip64 can say.
    pub(super) fn append(&mut self, part: &mut Open, piece: Piece) -> Result<()> {
        part.crc.combine(&piece.crc);
        part.size += piece.len;
        fits(part.size)?;
        fits((self.out.len() + piece.data.len()) as u64)?;
        self.grow(piece.data.len());
        self.out.extend_from_slice(&piece.data);
        Ok(())
    }

    /// Ends `part`, whose last piece was deflated as `last`. `first`, if
    /// given, is the piece its stream starts with, made after the others
    /// (a sheet's start holds the column widths, known only at the end):
    /// it goes in front of them, with the local header.
    pub(super) fn close(&mut self, part: Open, first: Option<Piece>) -> Result<()> {
        let (mut crc, mut size, first) = match first {
            Some(f) => (f.crc, f.len, f.data),
            None => (crc32fast::Hasher::new(), 0, Vec::new()),
        };
        crc.combine(&part.crc);
        size += part.size;
        let packed = (self.out.len() - part.start + first.len()) as u64;
        let entry = Entry {
            name: part.name,
            crc: crc.finalize(),
            packed: fits(packed)?,
            size: fits(size)?,
            offset: fits(part.start as u64)?,
        };
        let mut head = Vec::with_capacity(30 + entry.name.len() + first.len());
        u32_le(&mut head, 0x0403_4b50);
        common(&mut head, &entry);
        head.extend_from_slice(entry.name.as_bytes());
        head.extend_from_slice(&first);
        // Make room at the part's start and put the header there: one move
        // of the part's data (a few milliseconds for the big sheet).
        let end = self.out.len();
        self.grow(head.len());
        self.out.resize(end + head.len(), 0);
        self.out
            .copy_within(part.start..end, part.start + head.len());
        self.out[part.start..part.start + head.len()].copy_from_slice(&head);
        self.entries.push(entry);
        Ok(())
    }

    /// The zip file: the parts, then the central directory.
    pub(super) fn finish(mut self) -> Result<Vec<u8>> {
        let more: usize = self.entries.iter().map(|e| 46 + e.name.len()).sum();
        self.grow(more + 22);
        let Zip { mut out, entries } = self;
        let directory_at = fits(out.len() as u64)?;
        for e in &entries {
            u32_le(&mut out, 0x0201_4b50);
            u16_le(&mut out, VERSION_MADE_BY);
            common(&mut out, e);
            u16_le(&mut out, 0); // comment
            u16_le(&mut out, 0); // disk
            u16_le(&mut out, 0); // internal attributes
            u32_le(&mut out, EXTERNAL_ATTRIBUTES);
            u32_le(&mut out, e.offset);
            out.extend_from_slice(e.name.as_bytes());
        }
        let directory = fits(out.len() as u64)? - directory_at;
        u32_le(&mut out, 0x0605_4b50);
        u16_le(&mut out, 0); // this disk
        u16_le(&mut out, 0); // the directory's disk
        let parts = entries.len() as u16; // a workbook has a dozen
        u16_le(&mut out, parts);
        u16_le(&mut out, parts);
        u32_le(&mut out, directory);
        u32_le(&mut out, directory_at);
        u16_le(&mut out, 0); // comment
        fits(out.len() as u64)?;
        out.shrink_to_fit();
        Ok(out)
    }
}
