//! A runner that answers from a script, for tests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use super::{BackgroundJob, CommandOutput, CommandRunner, RunError, display_argv};

#[derive(Debug, Clone)]
enum Answer {
    Output(CommandOutput),
    Error(RunError),
    Pending,
}

/// Answers commands from a script of canned outputs, keyed by the command line as
/// [`display_argv`] shows it (`"lsvg -l datavg"`).
///
/// Each command line has a queue of answers: each call takes the next one, and the last
/// one is kept for every later call. A command with no answer fails with
/// [`RunError::NotFound`], so a test notices a command it did not expect.
///
/// ```
/// use offmirror_command::{CommandOutput, CommandRunner, ScriptedRunner};
/// let runner = ScriptedRunner::new()
///     .on("lsvg", CommandOutput::ok("rootvg\n"))
///     .on("lsvg", CommandOutput::ok("rootvg\ndatavg\n"));
/// let lsvg = vec!["lsvg".to_string()];
/// assert_eq!(runner.run(&lsvg)?.stdout, "rootvg\n");
/// assert_eq!(runner.run(&lsvg)?.stdout, "rootvg\ndatavg\n");
/// assert_eq!(runner.run(&lsvg)?.stdout, "rootvg\ndatavg\n");
/// assert!(runner.run(&["lspv".to_string()]).is_err());
/// # Ok::<(), offmirror_command::RunError>(())
/// ```
#[derive(Debug, Default)]
pub struct ScriptedRunner {
    answers: Mutex<HashMap<String, VecDeque<Answer>>>,
}

impl ScriptedRunner {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(self, command_line: &str, answer: Answer) -> Self {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(command_line.to_string())
            .or_default()
            .push_back(answer);
        self
    }

    /// Adds `output` to the answers of `command_line`.
    pub fn on(self, command_line: &str, output: CommandOutput) -> Self {
        self.push(command_line, Answer::Output(output))
    }

    /// Adds a run error (a timeout, say) to the answers of `command_line`.
    pub fn on_error(self, command_line: &str, error: RunError) -> Self {
        self.push(command_line, Answer::Error(error))
    }

    /// Makes `command_line`, when started in the background, a job that never ends.
    pub fn on_pending(self, command_line: &str) -> Self {
        self.push(command_line, Answer::Pending)
    }

    /// Adds answers to the script while it is in use.
    pub fn add(&self, command_line: &str, output: CommandOutput) {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(command_line.to_string())
            .or_default()
            .push_back(Answer::Output(output));
    }

    fn answer(&self, argv: &[String]) -> Result<Answer, RunError> {
        let line = display_argv(argv);
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = answers.get_mut(&line).ok_or_else(|| RunError::NotFound {
            argv: argv.to_vec(),
            program: line.clone(),
            searched: "the script".into(),
        })?;
        let answer = if queue.len() > 1 {
            queue.pop_front()
        } else {
            queue.front().cloned()
        };
        answer.ok_or_else(|| RunError::NotFound {
            argv: argv.to_vec(),
            program: line,
            searched: "the script".into(),
        })
    }
}

impl CommandRunner for ScriptedRunner {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        match self.answer(argv)? {
            Answer::Output(output) => Ok(output),
            Answer::Error(error) => Err(error),
            Answer::Pending => Err(RunError::TimedOut {
                argv: argv.to_vec(),
                after: std::time::Duration::ZERO,
            }),
        }
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        match self.answer(argv)? {
            Answer::Output(output) => Ok(BackgroundJob::finished(argv.to_vec(), Ok(output))),
            Answer::Error(error) => Err(error),
            Answer::Pending => Ok(BackgroundJob::pending(argv.to_vec())),
        }
    }
}
