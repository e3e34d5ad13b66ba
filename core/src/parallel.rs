//! How many threads the heavy loops may use. The browser build has no
//! threads (wasm32-unknown-unknown cannot spawn), so there it is always one;
//! results never depend on the number (every parallel loop joins its parts
//! in order).

/// The number of worker threads to use (1 in the browser; at most 8).
pub(crate) fn threads() -> usize {
    if cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
    }
}

/// `f` over `items` in as many chunks as there are threads (one chunk when
/// there are fewer than `min` items or one thread), the results in the
/// chunks' order. A panic in a chunk is the caller's panic.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    let threads = threads();
    if threads == 1 || items.len() < min.max(2) {
        return vec![f(items)];
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|c| s.spawn(move || f(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
