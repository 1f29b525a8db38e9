//! Cancelling a run from another thread (or from an observer).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A flag an embedding product sets to cancel a run. Cancelling takes effect between
/// steps: before the split, the run stops cleanly (thaws, resumes the application if it was
/// quiesced); after the split, it goes straight to unexposing, rejoining and resyncing.
/// A step already running (a hook, a command) is not interrupted.
///
/// ```
/// use offmirror_core::CancelToken;
/// let token = CancelToken::new();
/// let for_the_other_thread = token.clone();
/// for_the_other_thread.cancel();
/// assert!(token.is_cancelled());
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop at the next step boundary.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
