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
