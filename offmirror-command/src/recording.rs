//! A runner wrapper that records every command line.

use std::sync::{Arc, Mutex, PoisonError};

use super::{BackgroundJob, CommandOutput, CommandRunner, RunError, display_argv};

/// The commands a [`RecordingRunner`] saw, in order. Clones share the same record, so a
/// test can keep one after handing the runner to a backend.
#[derive(Debug, Clone, Default)]
pub struct CommandLog {
    commands: Arc<Mutex<Vec<Vec<String>>>>,
}

impl CommandLog {
    fn push(&self, argv: &[String]) {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(argv.to_vec());
    }

    /// Every command so far, as argument vectors.
    pub fn commands(&self) -> Vec<Vec<String>> {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every command so far, as display lines ([`display_argv`]).
    pub fn lines(&self) -> Vec<String> {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|argv| display_argv(argv))
            .collect()
    }

    /// Number of commands so far.
    pub fn count(&self) -> usize {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Returns the commands so far and forgets them.
    pub fn take_lines(&self) -> Vec<String> {
        let taken =
            std::mem::take(&mut *self.commands.lock().unwrap_or_else(PoisonError::into_inner));
        taken.iter().map(|argv| display_argv(argv)).collect()
    }
}

/// Wraps a runner and records the argument vector of every command it runs or starts,
/// for tests and for reports ("which commands did this run issue").
///
/// ```
/// use offmirror_command::{CommandOutput, CommandRunner, RecordingRunner, ScriptedRunner};
/// let runner = RecordingRunner::new(ScriptedRunner::new().on("lsvg", CommandOutput::ok("rootvg\n")));
/// let log = runner.log();
/// runner.run(&["lsvg".to_string()])?;
/// assert_eq!(log.lines(), ["lsvg"]);
/// assert_eq!(log.count(), 1);
/// # Ok::<(), offmirror_command::RunError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RecordingRunner<R> {
    inner: R,
    log: CommandLog,
}

impl<R: CommandRunner> RecordingRunner<R> {
    /// Records the commands run through `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            log: CommandLog::default(),
        }
    }

    /// The record (shared with this runner).
    pub fn log(&self) -> CommandLog {
        self.log.clone()
    }

    /// The wrapped runner.
    pub fn inner(&self) -> &R {
        &self.inner
    }
}

impl<R: CommandRunner> CommandRunner for RecordingRunner<R> {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        self.log.push(argv);
        self.inner.run(argv)
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        self.log.push(argv);
        self.inner.start(argv)
    }
}
