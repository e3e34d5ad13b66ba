//! Working-day calendar (工作日) and deadlines. See issue 4.
