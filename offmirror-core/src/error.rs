//! Errors of the core crate.
//!
//! Policy: every error names the object it is about (VG, LV, mount point, hook, command)
//! and, where one exists, what to do. Errors carry their cause as a field or as `source`,
//! never both, so a printed chain does not repeat itself.

use std::path::PathBuf;

use crate::HookPhase;

/// A backend operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// The backend refused or failed an operation; nothing was changed.
    #[error("{operation} failed: {message}{}", fix_suffix(.fix))]
    Failed {
        /// The operation, with the object it acted on (`split datavg`).
        operation: String,
        /// What went wrong.
        message: String,
        /// What to do about it.
        fix: Option<String>,
    },
    /// A command exited with an error.
    #[error("command {argv:?} failed ({status}): {stderr_tail}")]
    Command {
        /// The command and its arguments.
        argv: Vec<String>,
        /// Exit status or signal, in words.
        status: String,
        /// The last lines of its standard error.
        stderr_tail: String,
    },
    /// The operation may or may not have taken effect (a timeout, a lost answer); the
    /// state must be read again before anything else is done.
    #[error("{operation}: outcome in doubt: {message}")]
    InDoubt {
        /// The operation.
        operation: String,
        /// Why its outcome is unknown.
        message: String,
    },
    /// The backend stopped answering (a simulated crash or a lost connection).
    #[error("the backend is gone: {0}")]
    Gone(String),
}

fn fix_suffix(fix: &Option<String>) -> String {
    fix.as_ref()
        .map(|f| format!("; fix: {f}"))
        .unwrap_or_default()
}

impl BackendError {
    /// A failure without a fix.
    pub fn failed(operation: impl Into<String>, message: impl Into<String>) -> Self {
        BackendError::Failed {
            operation: operation.into(),
            message: message.into(),
            fix: None,
        }
    }
}

/// A hook could not be run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HookError {
    /// The program could not be started.
    #[error("hook {phase}: cannot start {program}")]
    Spawn {
        /// The phase.
        phase: HookPhase,
        /// The program.
        program: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The run directory, log or context file could not be written.
    #[error("hook {phase}: cannot prepare {path}")]
    Prepare {
        /// The phase.
        phase: HookPhase,
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Waiting for the hook failed.
    #[error("hook {phase}: lost track of the process")]
    Wait {
        /// The phase.
        phase: HookPhase,
        /// Why.
        source: std::io::Error,
    },
    /// A simulated hook runner refused (fault injection).
    #[error("hook {phase}: {message}")]
    Simulated {
        /// The phase.
        phase: HookPhase,
        /// What happened.
        message: String,
    },
}

/// A run could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The preview has blocking problems.
    #[error(transparent)]
    Blocked(#[from] crate::Blocked),
    /// The run directory could not be created.
    #[error("cannot create the run directory {path}")]
    RunDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another run holds the work directory.
    #[error(transparent)]
    Locked(#[from] crate::LockError),
    /// An interrupted run must be recovered first.
    #[error(
        "the work directory {work_dir} holds interrupted run(s) {}: run `offmirror recover` (or \
         Executor::recover) before starting another", .runs.join(", ")
    )]
    NeedsRecovery {
        /// The work directory.
        work_dir: PathBuf,
        /// The interrupted runs.
        runs: Vec<String>,
    },
    /// A run with this identifier already exists in the work directory.
    #[error("run id {run_id} is already used in {work_dir}; choose another (or leave it unset)")]
    RunIdTaken {
        /// The identifier.
        run_id: String,
        /// The work directory.
        work_dir: PathBuf,
    },
    /// The journal could not be written.
    #[error("cannot write the journal {path}")]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A journal is damaged.
    #[error(transparent)]
    JournalDamaged(#[from] crate::JournalError),
    /// The inventory could not be read.
    #[error("cannot read the host's volume groups")]
    Inventory(#[source] BackendError),
}

/// An error and its causes, joined with `: ` (as `anyhow` prints `{:#}`).
///
/// ```
/// use offmirror_core::{display_chain, RunError, BackendError};
/// let e = RunError::Inventory(BackendError::Gone("host down".into()));
/// assert_eq!(display_chain(&e), "cannot read the host's volume groups: the backend is gone: host down");
/// ```
pub fn display_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        out.push_str(": ");
        out.push_str(&e.to_string());
        cause = e.source();
    }
    out
}
