//! A command started in the background, such as a `syncvg` that runs for hours.

use std::sync::{Arc, Mutex, PoisonError};

use super::{CommandOutput, RunError};

/// A command started without waiting for it. Clones share the same job.
///
/// The runner that started it records the outcome with [`BackgroundJob::complete`] when
/// the command ends; [`BackgroundJob::poll`] reads it.
///
/// ```
/// use offmirror_command::{BackgroundJob, CommandOutput};
/// let job = BackgroundJob::pending(vec!["syncvg".into(), "-v".into(), "datavg".into()]);
/// assert!(job.poll().is_none());
/// job.complete(Ok(CommandOutput::ok("")));
/// assert!(matches!(job.poll(), Some(Ok(out)) if out.status.success()));
/// ```
#[derive(Debug, Clone)]
pub struct BackgroundJob {
    argv: Vec<String>,
    outcome: Arc<Mutex<Option<Result<CommandOutput, RunError>>>>,
}

impl BackgroundJob {
    /// A job that is still running.
    pub fn pending(argv: Vec<String>) -> Self {
        Self {
            argv,
            outcome: Arc::new(Mutex::new(None)),
        }
    }

    /// A job that has already ended (for runners that run it at once, and for tests).
    pub fn finished(argv: Vec<String>, outcome: Result<CommandOutput, RunError>) -> Self {
        let job = Self::pending(argv);
        job.complete(outcome);
        job
    }

    /// The command.
    pub fn argv(&self) -> &[String] {
        &self.argv
    }

    /// Records how the command ended.
    pub fn complete(&self, outcome: Result<CommandOutput, RunError>) {
        let mut slot = self.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        *slot = Some(outcome);
    }

    /// How the command ended; `None` while it runs.
    pub fn poll(&self) -> Option<Result<CommandOutput, RunError>> {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether the command still runs.
    pub fn is_running(&self) -> bool {
        self.outcome
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }
}
