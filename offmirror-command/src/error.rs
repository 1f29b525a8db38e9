//! Why a command could not be run to its end.

use std::io;
use std::sync::Arc;
use std::time::Duration;

/// A command that did not run to its end. A command that ran and exited non-zero is not
/// a `RunError`: its [`super::CommandOutput`] says how it ended.
///
/// Two variants leave the outcome unknown ([`RunError::is_in_doubt`]): the command may
/// still be working, so the state it changes must be read again before anything else.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The argument vector was empty.
    #[error("no command given")]
    Empty,
    /// The program is in none of the directories searched.
    #[error("command {program:?} not found in {searched}")]
    NotFound {
        /// The command and its arguments.
        argv: Vec<String>,
        /// The program looked for.
        program: String,
        /// The directories searched, `:`-separated.
        searched: String,
    },
    /// The program was found but could not be started.
    #[error("cannot start {argv:?}")]
    Spawn {
        /// The command and its arguments.
        argv: Vec<String>,
        /// Why.
        #[source]
        source: Arc<io::Error>,
    },
    /// Waiting for the command failed; it may still run.
    #[error("lost track of {argv:?}")]
    Wait {
        /// The command and its arguments.
        argv: Vec<String>,
        /// Why.
        #[source]
        source: Arc<io::Error>,
    },
    /// The command was still running at its timeout. It was left running (an LVM command
    /// killed half-way can leave a volume group locked or half changed).
    #[error("{argv:?} still running after {}s; left running", after.as_secs())]
    TimedOut {
        /// The command and its arguments.
        argv: Vec<String>,
        /// The timeout.
        after: Duration,
    },
}

impl RunError {
    /// The command, when the error concerns one.
    pub fn argv(&self) -> &[String] {
        match self {
            RunError::Empty => &[],
            RunError::NotFound { argv, .. }
            | RunError::Spawn { argv, .. }
            | RunError::Wait { argv, .. }
            | RunError::TimedOut { argv, .. } => argv,
        }
    }

    /// Whether the command may have done (or may still be doing) its work.
    ///
    /// ```
    /// use std::time::Duration;
    /// use offmirror_command::RunError;
    /// let e = RunError::TimedOut { argv: vec!["splitvg".into()], after: Duration::from_secs(5) };
    /// assert!(e.is_in_doubt());
    /// assert!(!RunError::Empty.is_in_doubt());
    /// ```
    pub fn is_in_doubt(&self) -> bool {
        matches!(self, RunError::TimedOut { .. } | RunError::Wait { .. })
    }
}
