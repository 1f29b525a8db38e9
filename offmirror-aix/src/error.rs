//! Errors of the AIX backend.
//!
//! Policy: every error names the command (its argument vector) or the operation it is
//! about. A command that exited non-zero keeps its exit status, the tail of its standard
//! error and the numbered AIX messages found there, classified by number
//! ([`MessageKind`]), never by wording. At the trait boundary each error becomes a core
//! [`BackendError`]: a failed command becomes [`BackendError::Command`], a command whose
//! outcome is unknown (timed out, lost) becomes [`BackendError::InDoubt`], anything else
//! [`BackendError::Failed`].

use offmirror_core::{BackendError, NameError, display_chain};

use crate::parse::{AixMessage, MessageKind, ParseError, parse_messages};
use crate::runner::{CommandOutput, ExitState, RunError, display_argv, stderr_tail};

/// A command that ran to its end and exited non-zero (or was killed by a signal).
///
/// ```
/// use offmirror_aix::CommandFailure;
/// use offmirror_aix::parse::MessageKind;
/// use offmirror_aix::runner::CommandOutput;
///
/// let argv = ["lsvg", "-l", "datavg"].map(String::from);
/// let out = CommandOutput::failed(1, "0516-010 : Volume group must be varied on; use varyonvg command.\n");
/// let failure = CommandFailure::new(&argv, &out);
/// assert_eq!(failure.kind(), Some(MessageKind::VgNotVariedOn));
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
    /// The numbered AIX messages on its standard error.
    pub messages: Vec<AixMessage>,
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
            messages: parse_messages(&output.stderr),
        }
    }

    /// The meaning of the first message that is not merely informational, if any.
    pub fn kind(&self) -> Option<MessageKind> {
        self.messages
            .iter()
            .map(AixMessage::kind)
            .find(|k| !k.is_informational())
    }

    /// Whether a message of this kind was printed.
    pub fn has(&self, kind: MessageKind) -> bool {
        self.messages.iter().any(|m| m.kind() == kind)
    }

    /// The exit status in words, with the meaning of the AIX message that explains it.
    pub fn status_text(&self) -> String {
        match self.kind().and_then(describe) {
            Some(meaning) => format!("{}; {meaning}", self.status),
            None => self.status.to_string(),
        }
    }
}

/// A few words on what a message number means, for the statuses in errors.
fn describe(kind: MessageKind) -> Option<&'static str> {
    Some(match kind {
        MessageKind::VgNotVariedOn => "0516-010: the volume group is not varied on",
        MessageKind::DeviceIdNotFound => "0516-304: a disk of the volume group is not configured",
        MessageKind::NotFoundInOdm => "0516-306: the object does not exist",
        MessageKind::LvNotFound => "0516-312: the logical volume does not exist",
        MessageKind::PvNotInVg => "0516-320: the disk belongs to no volume group",
        MessageKind::PvNotConfigured => "0516-321: the disk is not configured",
        MessageKind::MaxAllocation => "0516-787: the logical volume is at its maximum size",
        MessageKind::VgSyncFailed => "0516-932: the volume group could not be synchronised",
        MessageKind::LvSyncFailed => "0516-934: a logical volume could not be synchronised",
        MessageKind::PvSyncFailed => "0516-936: a disk could not be synchronised",
        MessageKind::NothingToUnmount => "0506-347: nothing is mounted there",
        _ => return None,
    })
}

/// An error of the AIX backend.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AixError {
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
    /// A command printed a name that AIX itself would not accept.
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

impl AixError {
    /// A refusal without a fix.
    pub fn refused(operation: impl Into<String>, message: impl Into<String>) -> Self {
        AixError::Refused {
            operation: operation.into(),
            message: message.into(),
            fix: None,
        }
    }

    /// The failed command, if this is a command failure.
    pub fn command_failure(&self) -> Option<&CommandFailure> {
        match self {
            AixError::Command(f) => Some(f),
            _ => None,
        }
    }
}

impl From<AixError> for BackendError {
    fn from(error: AixError) -> Self {
        match error {
            AixError::Run(e) if e.is_in_doubt() => BackendError::InDoubt {
                operation: display_argv(e.argv()),
                message: format!(
                    "{}; read the state again (lsvg, lsvg -l, mount) before going on",
                    display_chain(&e)
                ),
            },
            AixError::Run(e) => BackendError::Failed {
                operation: format!("run {}", display_argv(e.argv())),
                message: display_chain(&e),
                fix: Some(
                    "check that the AIX LVM commands are installed in /usr/sbin and that \
                     offmirror runs as root"
                        .into(),
                ),
            },
            AixError::Command(f) => BackendError::Command {
                status: f.status_text(),
                argv: f.argv,
                stderr_tail: f.stderr_tail,
            },
            e @ (AixError::Parse { .. } | AixError::Name { .. }) => BackendError::Failed {
                operation: "read the host's state".into(),
                message: display_chain(&e),
                fix: None,
            },
            AixError::Refused {
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
