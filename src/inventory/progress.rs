//! Progress reporting for long loads, without tying the inventory to a terminal library.

/// Receives progress of a long operation (from several threads).
pub trait Progress: Sync {
    /// A stage starts, with its number of steps.
    fn begin(&self, stage: &str, total: u64);
    /// Some steps are done.
    fn advance(&self, steps: u64);
    /// The stage is over.
    fn end(&self);
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}
