//! The hashing floor of a draw (a reference for `scripts/bench`, not part of
//! shuangsui): the SHA-256 work that protocol shuangsui-draw/1 makes every
//! implementation do, and as little else as possible, on all cores.
//!
//!   cargo run --release -q -p shuangsui --example floor -- entities.csv
//!
//! For a CSV directory it reads the file, hashes one leaf per row (SPEC
//! §3.1: the tag, then the row's fields each ended by a zero byte — for a
//! file whose fields are already normal and in key order, exactly the
//! bytes of the real leaf), hashes the leaves into the digest (§3.4, one
//! SHA-256 over 32 bytes per row, which cannot be split between cores) and
//! then one ticket per row (§8, one block each). It does not parse quotes,
//! validate or normalize text, check codes, sort, select, read drawn rows
//! back or write anything, so a real draw can only be slower. It prints the
//! seconds taken, as one number.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{mpsc, Arc, Mutex};

const BLOCK: usize = 8 << 20;

/// One block's results: its leaves and its rows' first 18 bytes (the id).
type Hashed = (Vec<[u8; 32]>, Vec<[u8; 18]>);

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
    let size = file.metadata().map_or(0, |m| m.len()) as usize;

    // One thread reads blocks of whole rows; the workers hash them; this
    // thread puts the results back in file order.
    let (block_tx, block_rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(threads);
    let block_rx = Arc::new(Mutex::new(block_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Hashed)>();
    let mut leaves: Vec<[u8; 32]> = Vec::with_capacity(size / 150);
    let mut ids: Vec<[u8; 18]> = Vec::with_capacity(size / 150);
    std::thread::scope(|s| {
        s.spawn(move || {
            let mut carry: Vec<u8> = Vec::new();
            for n in 0.. {
                let mut buf = Vec::with_capacity(BLOCK + carry.len());
                buf.append(&mut carry);
                let got = (&mut file)
                    .take(BLOCK as u64)
                    .read_to_end(&mut buf)
                    .unwrap_or(0);
                let end = if got == 0 {
                    buf.len()
                } else {
                    memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
                };
                carry = buf[end..].to_vec();
                buf.truncate(end);
                if block_tx.send((n, buf)).is_err() || got == 0 {
                    break;
                }
            }
        });
        for _ in 0..threads {
            let (rx, tx) = (Arc::clone(&block_rx), done_tx.clone());
            s.spawn(move || loop {
                let next = rx.lock().map(|r| r.recv());
                let Ok(Ok((n, buf))) = next else { break };
                // The header is the first line of the first block.
                let rows = if n == 0 {
                    let first = memchr::memchr(b'\n', &buf).map_or(buf.len(), |i| i + 1);
                    &buf[first..]
                } else {
                    &buf[..]
                };
                if tx.send((n, hash_rows(rows))).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (n, hashed) in done_rx {
            waiting.insert(n, hashed);
            while let Some((l, i)) = waiting.remove(&next) {
                leaves.extend_from_slice(&l);
                ids.extend_from_slice(&i);
                next += 1;
            }
        }
    });

    // The digest: one hash over every leaf, in order.
    let key: [u8; 32] = Sha256::digest(leaves.as_flattened()).into();

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

/// The leaves and the first 18 bytes (the id) of each row.
fn hash_rows(rows: &[u8]) -> Hashed {
    let mut leaves = Vec::with_capacity(rows.len() / 100);
    let mut ids = Vec::with_capacity(rows.len() / 100);
    let mut leaf = Vec::with_capacity(512);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', rows).chain(std::iter::once(rows.len())) {
        let line = &rows[start..end];
        start = end + 1;
        if line.is_empty() {
            continue;
        }
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
}
