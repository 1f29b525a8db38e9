//! What a finished command left behind: how it ended and what it printed.

use std::fmt;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitState {
    /// It exited with this status (0 is success).
    Code(i32),
    /// It was ended by this signal.
    Signal(i32),
}

impl ExitState {
    /// Exit status 0.
    pub fn success(self) -> bool {
        self == ExitState::Code(0)
    }

    /// Reads a process status.
    pub fn from_status(status: std::process::ExitStatus) -> Self {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(code), _) => ExitState::Code(code),
            (None, Some(signal)) => ExitState::Signal(signal),
            // Neither a code nor a signal (a stopped process reported as ended): not a
            // success, and not a signal we can name.
            (None, None) => ExitState::Code(-1),
        }
    }
}

impl fmt::Display for ExitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitState::Code(code) => write!(f, "exit status {code}"),
            ExitState::Signal(signal) => write!(f, "killed by signal {signal}"),
        }
    }
}

/// The result of a command that ran to its end.
///
/// ```
/// use offmirror_command::{CommandOutput, ExitState};
/// let out = CommandOutput::new(ExitState::Code(0), "rootvg\n", "");
/// assert!(out.status.success());
/// assert_eq!(out.stdout, "rootvg\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// How it ended.
    pub status: ExitState,
    /// Its standard output (invalid UTF-8 replaced).
    pub stdout: String,
    /// Its standard error (invalid UTF-8 replaced).
    pub stderr: String,
}

impl CommandOutput {
    /// An output from its parts.
    pub fn new(status: ExitState, stdout: impl Into<String>, stderr: impl Into<String>) -> Self {
        Self {
            status,
            stdout: stdout.into(),
            stderr: stderr.into(),
        }
    }

    /// A successful run that printed `stdout` and nothing on stderr.
    pub fn ok(stdout: impl Into<String>) -> Self {
        Self::new(ExitState::Code(0), stdout, "")
    }

    /// A run that exited with `code` and printed `stderr`.
    pub fn failed(code: i32, stderr: impl Into<String>) -> Self {
        Self::new(ExitState::Code(code), "", stderr)
    }
}

/// Lines kept from the end of standard error in errors and reports.
pub const STDERR_TAIL_LINES: usize = 10;

/// Characters kept at most from the end of standard error.
const STDERR_TAIL_CHARS: usize = 2000;

/// The last lines of `stderr` (at most [`STDERR_TAIL_LINES`] non-empty lines, 2000
/// characters), trimmed, joined with newlines.
///
/// ```
/// use offmirror_command::stderr_tail;
/// let err = (1..=12).map(|n| format!("line {n}\n")).collect::<String>();
/// let tail = stderr_tail(&err);
/// assert!(tail.starts_with("line 3\n"));
/// assert!(tail.ends_with("line 12"));
/// ```
pub fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim_end_matches(['\r', ' ', '\t']))
        .filter(|l| !l.is_empty())
        .collect();
    let from = lines.len().saturating_sub(STDERR_TAIL_LINES);
    let tail = lines.get(from..).unwrap_or_default().join("\n");
    let count = tail.chars().count();
    if count <= STDERR_TAIL_CHARS {
        tail
    } else {
        tail.chars()
            .skip(count.saturating_sub(STDERR_TAIL_CHARS))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_states_in_words() {
        assert_eq!(ExitState::Code(1).to_string(), "exit status 1");
        assert_eq!(ExitState::Signal(9).to_string(), "killed by signal 9");
        assert!(!ExitState::Signal(0).success());
    }

    #[test]
    fn tail_of_empty_and_long_stderr() {
        assert_eq!(stderr_tail(""), "");
        assert_eq!(stderr_tail("\n\n  \n"), "");
        let long = "x".repeat(5000);
        assert_eq!(stderr_tail(&long).len(), 2000);
        assert_eq!(stderr_tail("a\r\n\nb  \n"), "a\nb");
    }
}
