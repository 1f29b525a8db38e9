//! Running system commands for offmirror's backends (AIX LVM, Linux LVM2): the
//! [`CommandRunner`] trait and its implementations.
//!
//! Commands are always given as an argument vector and never pass through a shell. A
//! runner returns every command that ran to its end as a [`CommandOutput`], whatever its
//! exit status; deciding whether a non-zero status is an error is the caller's business
//! (`lsvg` on a varied-off volume group exits non-zero and still says why).
//!
//! - [`DuctRunner`] runs real processes, in the C locale, with a fixed `PATH`, no
//!   standard input and a timeout after which the command is left running and the call
//!   reports the outcome as in doubt.
//! - [`RecordingRunner`] wraps another runner and records every command line.
//! - [`ScriptedRunner`] answers from a script of canned outputs, for tests.

#![deny(missing_docs)]

mod background;
mod duct_runner;
mod error;
mod output;
mod recording;
mod scripted;

use std::sync::Arc;

pub use background::BackgroundJob;
pub use duct_runner::DuctRunner;
pub use error::RunError;
pub use output::{CommandOutput, ExitState, STDERR_TAIL_LINES, stderr_tail};
pub use recording::{CommandLog, RecordingRunner};
pub use scripted::ScriptedRunner;

/// Runs commands given as argument vectors.
///
/// Object-safe, so backends hold it as `Box<dyn CommandRunner>` or generically.
///
/// ```
/// use offmirror_command::{CommandOutput, CommandRunner, ScriptedRunner};
/// let runner = ScriptedRunner::new().on("lsvg -o", CommandOutput::ok("rootvg\n"));
/// let out = runner.run(&["lsvg".into(), "-o".into()])?;
/// assert_eq!(out.stdout, "rootvg\n");
/// # Ok::<(), offmirror_command::RunError>(())
/// ```
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
pub trait CommandRunner {
    /// Runs `argv` to its end (or to the runner's timeout) and returns what it printed.
    ///
    /// # Errors
    ///
    /// The command could not be started, or did not end in time ([`RunError`]). A
    /// non-zero exit status is not an error here.
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError>;

    /// Starts `argv` without waiting for it; the job tells when and how it ended.
    ///
    /// # Errors
    ///
    /// The command could not be started.
    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError>;
}

impl<R: CommandRunner + ?Sized> CommandRunner for &R {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        (**self).run(argv)
    }
    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        (**self).start(argv)
    }
}

impl<R: CommandRunner + ?Sized> CommandRunner for Box<R> {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        (**self).run(argv)
    }
    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        (**self).start(argv)
    }
}

impl<R: CommandRunner + ?Sized> CommandRunner for Arc<R> {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        (**self).run(argv)
    }
    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        (**self).start(argv)
    }
}

/// A command line for display and logs: the arguments joined by blanks, each argument
/// that is empty or holds a blank or a quote shown in single quotes.
///
/// For reading only: commands are never run from this text.
///
/// ```
/// use offmirror_command::display_argv;
/// let argv = ["chfs", "-a", "splitcopy=/w/split/lv01", "/my data"].map(String::from);
/// assert_eq!(display_argv(&argv), "chfs -a splitcopy=/w/split/lv01 '/my data'");
/// ```
pub fn display_argv(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '\t', '\n', '\'', '"']) {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
