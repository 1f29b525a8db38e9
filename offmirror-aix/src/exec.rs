//! Running one command and reading its output: the two steps every operation repeats.

use crate::error::{AixError, CommandFailure};
use crate::parse::ParseError;
use crate::runner::{CommandOutput, CommandRunner, display_argv};

/// Runs `argv`; a non-zero exit status is an error.
pub(crate) fn run_ok<R: CommandRunner + ?Sized>(
    runner: &R,
    argv: &[String],
) -> Result<CommandOutput, AixError> {
    let output = runner.run(argv)?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(CommandFailure::new(argv, &output).into())
    }
}

/// Runs `argv` and parses its standard output with `parse`.
pub(crate) fn run_parsed<R: CommandRunner + ?Sized, T>(
    runner: &R,
    argv: &[String],
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, AixError> {
    let output = run_ok(runner, argv)?;
    parse(&output.stdout).map_err(|source| AixError::Parse {
        command: display_argv(argv),
        source,
    })
}
