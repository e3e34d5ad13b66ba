//! The hashing floor of a draw (a reference for `scripts/bench`, not part of
//! shuangsui): the SHA-256 work that protocol shuangsui-draw/1 makes every
//! implementation do, and nothing else, on all cores.
//!
//!   cargo run --release -q -p shuangsui --example floor -- entities.csv
//!
//! For a CSV directory it reads the file, hashes one leaf per row (SPEC
//! §3.1: the tag, then the row's fields each ended by a zero byte — for a
//! file whose fields are already normal, exactly as many bytes as the real
//! leaf), hashes the leaves into the digest (§3.4, one SHA-256 over 32 bytes
//! per row, which cannot be split between cores) and then one ticket per row
//! (§8, one block each). It does not parse quotes, normalize, check codes,
//! sort, select, read drawn rows back or write anything, so a real draw can
//! only be slower. It prints the seconds taken, as one number.

use sha2::{Digest, Sha256};
use std::io::Read;

const BLOCK: usize = 8 << 20;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor entities.csv");
        std::process::exit(2);
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let start = std::time::Instant::now();
    let mut file = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("cannot open {path}: {e}");
        std::process::exit(1);
    });

    // One thread reads block after block while the rows of the block
    // before are hashed on all cores.
    let size = file.metadata().map_or(0, |m| m.len()) as usize;
    let mut leaves: Vec<[u8; 32]> = Vec::with_capacity(size / 100);
    let mut ids: Vec<[u8; 18]> = Vec::with_capacity(size / 100);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let mut buf = std::mem::take(&mut carry);
                let before = buf.len();
                buf.resize(before + BLOCK, 0);
                let n = file.read(&mut buf[before..]).unwrap_or(0);
                buf.truncate(before + n);
                let end = if n == 0 {
                    buf.len()
                } else {
                    memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
                };
                carry = buf[end..].to_vec();
                buf.truncate(end);
                if tx.send(buf).is_err() || n == 0 {
                    break;
                }
            }
        });
        let mut header = true;
        for buf in rx {
            let mut rows = &buf[..];
            if header {
                let first = memchr::memchr(b'\n', rows).map_or(rows.len(), |i| i + 1);
                rows = &rows[first..];
                header = false;
            }
            let (l, i) = hash_rows(rows, threads);
            leaves.extend(l);
            ids.extend(i);
        }
    });

    // The digest: one hash over every leaf, in order.
    let mut h = Sha256::new();
    for leaf in &leaves {
        h.update(leaf);
    }
    let key: [u8; 32] = h.finalize().into();

    // The tickets, on all cores; the smallest is kept so that the work is
    // not optimized away.
    let chunk = ids.len().div_ceil(threads).max(1);
    let smallest = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|c| {
                s.spawn(move || {
                    c.iter()
                        .map(|id| {
                            let mut h = Sha256::new();
                            h.update(key);
                            h.update(id);
                            <[u8; 32]>::from(h.finalize())
                        })
                        .min()
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .min()
    });
    let seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "{} rows, smallest ticket {:02x?}",
        leaves.len(),
        &smallest.unwrap_or_default()[..4]
    );
    println!("{seconds:.3}");
}

/// The leaves and the first 18 bytes (the id) of each row, on `threads`.
fn hash_rows(rows: &[u8], threads: usize) -> (Vec<[u8; 32]>, Vec<[u8; 18]>) {
    let mut cuts = vec![0];
    for t in 1..threads {
        let at = rows.len() * t / threads;
        let cut = memchr::memchr(b'\n', &rows[at..]).map_or(rows.len(), |i| at + i + 1);
        cuts.push(cut.max(*cuts.last().unwrap_or(&0)));
    }
    cuts.push(rows.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let part = &rows[w[0]..w[1]];
                s.spawn(move || {
                    let mut leaves = Vec::new();
                    let mut ids = Vec::new();
                    let mut leaf = Vec::with_capacity(512);
                    for line in part.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                        leaf.clear();
                        leaf.extend_from_slice(b"shuangsui/1/entity\0");
                        leaf.extend_from_slice(line);
                        leaf.push(0);
                        for i in memchr::memchr_iter(b',', line) {
                            leaf[19 + i] = 0;
                        }
                        leaves.push(<[u8; 32]>::from(Sha256::digest(&leaf)));
                        let mut id = [0u8; 18];
                        let n = line.len().min(18);
                        id[..n].copy_from_slice(&line[..n]);
                        ids.push(id);
                    }
                    (leaves, ids)
                })
            })
            .collect();
        let mut leaves = Vec::new();
        let mut ids = Vec::new();
        for h in handles {
            if let Ok((l, i)) = h.join() {
                leaves.extend(l);
                ids.extend(i);
            }
        }
        (leaves, ids)
    })
}
