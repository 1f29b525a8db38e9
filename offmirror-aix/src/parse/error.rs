//! The error every parser returns.

use thiserror::Error;

/// How much of an offending line or value is kept in an error.
const MAX_FOUND_CHARS: usize = 120;

/// Output that a parser could not read.
///
/// Every variant names the command whose output was being read, the 1-based line number
/// where the problem was seen and what the parser expected there. When something is
/// missing altogether, the line number is one past the last line of the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// A line does not have the shape the command prints.
    #[error("{command} output, line {line}: expected {expected}, found {found:?}")]
    UnexpectedLine {
        /// Command whose output was read, e.g. `"lsvg -l"`.
        command: &'static str,
        /// 1-based line number.
        line: usize,
        /// What the parser expected on that line.
        expected: &'static str,
        /// The line (shortened when long).
        found: String,
    },
    /// A field is present but its value cannot be read.
    #[error("{command} output, line {line}: {field} is {found:?}, expected {expected}")]
    BadValue {
        /// Command whose output was read.
        command: &'static str,
        /// 1-based line number.
        line: usize,
        /// Label or column of the field.
        field: &'static str,
        /// What kind of value was expected.
        expected: &'static str,
        /// The value (shortened when long).
        found: String,
    },
    /// Something the output must contain is not there.
    #[error("{command} output, line {line}: missing {expected}")]
    Missing {
        /// Command whose output was read.
        command: &'static str,
        /// 1-based line number where it was looked for (one past the end when the
        /// input ran out).
        line: usize,
        /// What is missing.
        expected: &'static str,
    },
}

impl ParseError {
    /// The 1-based line number the error refers to.
    pub fn line(&self) -> usize {
        match self {
            Self::UnexpectedLine { line, .. }
            | Self::BadValue { line, .. }
            | Self::Missing { line, .. } => *line,
        }
    }

    /// What the parser expected.
    pub fn expected(&self) -> &'static str {
        match self {
            Self::UnexpectedLine { expected, .. }
            | Self::BadValue { expected, .. }
            | Self::Missing { expected, .. } => expected,
        }
    }

    /// The command whose output was being read.
    pub fn command(&self) -> &'static str {
        match self {
            Self::UnexpectedLine { command, .. }
            | Self::BadValue { command, .. }
            | Self::Missing { command, .. } => command,
        }
    }

    pub(crate) fn unexpected_line(
        command: &'static str,
        line: usize,
        expected: &'static str,
        found: &str,
    ) -> Self {
        Self::UnexpectedLine {
            command,
            line,
            expected,
            found: shorten(found),
        }
    }

    pub(crate) fn bad_value(
        command: &'static str,
        line: usize,
        field: &'static str,
        expected: &'static str,
        found: &str,
    ) -> Self {
        Self::BadValue {
            command,
            line,
            field,
            expected,
            found: shorten(found),
        }
    }

    pub(crate) fn missing(command: &'static str, line: usize, expected: &'static str) -> Self {
        Self::Missing {
            command,
            line,
            expected,
        }
    }
}

/// Keeps error messages bounded when the input is huge or binary.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(MAX_FOUND_CHARS).collect();
    if text.chars().nth(MAX_FOUND_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shortened_on_a_char_boundary() {
        let long = "é".repeat(500);
        let err = ParseError::unexpected_line("lsvg", 3, "a name", &long);
        assert_eq!(err.line(), 3);
        assert_eq!(err.expected(), "a name");
        assert_eq!(err.command(), "lsvg");
        let ParseError::UnexpectedLine { found, .. } = err else {
            unreachable!("constructed as UnexpectedLine");
        };
        assert_eq!(found.chars().count(), MAX_FOUND_CHARS + 1);
    }

    #[test]
    fn display_names_line_and_expectation() {
        let err = ParseError::missing("lslv", 7, "LOGICAL VOLUME");
        assert_eq!(
            err.to_string(),
            "lslv output, line 7: missing LOGICAL VOLUME"
        );
    }
}
