//! Errors of the LVM2 backend.
//!
//! Every error names the command (its argument vector) or the operation it is about. A
//! command that exited non-zero keeps its exit status and the tail of its standard error;
//! LVM's `WARNING:` lines about missing devices are kept there too, since they often are
//! the reason. At the trait boundary each error becomes a core [`BackendError`]: a failed
//! command [`BackendError::Command`], a command whose outcome is unknown
//! [`BackendError::InDoubt`], anything else [`BackendError::Failed`].

use offmirror_command::{CommandOutput, ExitState, RunError, display_argv, stderr_tail};
use offmirror_core::{BackendError, NameError, display_chain};

use crate::parse::ParseError;

/// A command that ran to its end and exited non-zero (or was killed by a signal).
///
/// ```
/// use offmirror_command::CommandOutput;
/// use offmirror_lvm2::CommandFailure;
///
/// let argv = ["fsfreeze", "--freeze", "/data"].map(String::from);
/// let out = CommandOutput::failed(1, "fsfreeze: /data: freeze failed: Device or resource busy\n");
/// let failure = CommandFailure::new(&argv, &out);
/// assert!(failure.says("Device or resource busy"));
/// assert_eq!(failure.status.to_string(), "exit status 1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} failed ({status}){}", display_argv(argv), tail_suffix(stderr_tail))]
pub struct CommandFailure {
    /// The command and its arguments.
    pub argv: Vec<String>,
    /// How it ended.
    pub status: ExitState,
    /// The last lines of its standard error.
    pub stderr_tail: String,
    /// Its whole standard error, for classification.
    stderr: String,
}

fn tail_suffix(tail: &str) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        format!(": {}", tail.replace('\n', " / "))
    }
}

impl CommandFailure {
    /// The failure of `argv`, read from what it left.
    pub fn new(argv: &[String], output: &CommandOutput) -> Self {
        Self {
            argv: argv.to_vec(),
            status: output.status,
            stderr_tail: stderr_tail(&output.stderr),
            stderr: output.stderr.clone(),
        }
    }

    /// Whether the standard error holds `text`. Commands run in the C locale, so the
    /// wording of the C library's and LVM's messages is stable.
    pub fn says(&self, text: &str) -> bool {
        self.stderr.contains(text)
    }
}

/// An error of the LVM2 backend.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Lvm2Error {
    /// A command could not be run to its end.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A command exited non-zero.
    #[error(transparent)]
    Command(#[from] CommandFailure),
    /// A command printed something its parser cannot read.
    #[error("cannot read the output of {command}")]
    Parse {
        /// The command line.
        command: String,
        /// What the parser found.
        #[source]
        source: ParseError,
    },
    /// A command printed a name offmirror does not accept.
    #[error("{command} printed an unusable name")]
    Name {
        /// The command line.
        command: String,
        /// The name and what is wrong with it.
        #[source]
        source: NameError,
    },
    /// The backend refused an operation: the host is not in a state it can act on.
    #[error("{operation}: {message}")]
    Refused {
        /// The operation and its object.
        operation: String,
        /// What is wrong.
        message: String,
        /// What to do about it.
        fix: Option<String>,
    },
}

impl Lvm2Error {
    /// A refusal with a fix.
    pub fn refused(
        operation: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Lvm2Error::Refused {
            operation: operation.into(),
            message: message.into(),
            fix: Some(fix.into()),
        }
    }
}

impl From<Lvm2Error> for BackendError {
    fn from(error: Lvm2Error) -> Self {
        match error {
            Lvm2Error::Run(e) if e.is_in_doubt() => BackendError::InDoubt {
                operation: display_argv(e.argv()),
                message: format!(
                    "{}; read the state again (lvs -a, findmnt) before going on",
                    display_chain(&e)
                ),
            },
            Lvm2Error::Run(e) => BackendError::Failed {
                operation: format!("run {}", display_argv(e.argv())),
                message: display_chain(&e),
                fix: Some(
                    "check that lvm2 and util-linux are installed (lvm, fsfreeze, mount, \
                     blockdev in /usr/sbin or /sbin) and that offmirror runs as root"
                        .into(),
                ),
            },
            Lvm2Error::Command(f) => BackendError::Command {
                status: f.status.to_string(),
                argv: f.argv,
                stderr_tail: f.stderr_tail,
            },
            e @ (Lvm2Error::Parse { .. } | Lvm2Error::Name { .. }) => BackendError::Failed {
                operation: "read the host's state".into(),
                message: display_chain(&e),
                fix: None,
            },
            Lvm2Error::Refused {
                operation,
                message,
                fix,
            } => BackendError::Failed {
                operation,
                message,
                fix,
            },
        }
    }
}
