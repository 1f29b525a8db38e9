//! The error every parser returns.

use thiserror::Error;

/// How much of an offending value or line is kept in an error.
const MAX_FOUND_CHARS: usize = 120;

/// Output that a parser could not read.
///
/// Every variant names the report it was reading (`"lvs"`, `"vgs"`, `"pvs"`,
/// `"lv_attr"` or `"mountinfo"`) and where the problem was seen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is not JSON, or not the `{"report": [{"lv": [...]}]}` envelope LVM prints.
    #[error("{report} report: not the JSON LVM prints (line {line}, column {column}): {message}")]
    Json {
        /// Report being read.
        report: &'static str,
        /// 1-based line of the JSON text where `serde_json` gave up (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What `serde_json` said.
        message: String,
    },
    /// A field of one row holds a value that cannot be read.
    #[error("{report} report, row {row}: {field} is {found:?}, expected {expected}")]
    BadValue {
        /// Report being read.
        report: &'static str,
        /// 1-based row number within the report (rows of every report object counted
        /// in order).
        row: usize,
        /// The JSON field name, e.g. `"sync_percent"`.
        field: &'static str,
        /// What kind of value was expected.
        expected: &'static str,
        /// The value (shortened when long).
        found: String,
    },
    /// A line of `/proc/self/mountinfo` (or an `lv_attr` string) does not have the
    /// expected shape.
    #[error("{report}, line {line}: {field} is {found:?}, expected {expected}")]
    BadLine {
        /// Input being read (`"mountinfo"` or `"lv_attr"`).
        report: &'static str,
        /// 1-based line number (1 for single values such as `lv_attr`).
        line: usize,
        /// Which field of the line.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// The offending text (shortened when long).
        found: String,
    },
}

impl ParseError {
    /// The report or input being read when the error was found.
    pub fn report(&self) -> &'static str {
        match self {
            Self::Json { report, .. }
            | Self::BadValue { report, .. }
            | Self::BadLine { report, .. } => report,
        }
    }

    /// The field the error is about, when it is about one field.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Json { .. } => None,
            Self::BadValue { field, .. } | Self::BadLine { field, .. } => Some(field),
        }
    }

    pub(crate) fn json(report: &'static str, err: &serde_json::Error) -> Self {
        Self::Json {
            report,
            line: err.line(),
            column: err.column(),
            message: shorten(&err.to_string()),
        }
    }

    pub(crate) fn bad_value(
        report: &'static str,
        row: usize,
        field: &'static str,
        expected: &'static str,
        found: &str,
    ) -> Self {
        Self::BadValue {
            report,
            row,
            field,
            expected,
            found: shorten(found),
        }
    }

    pub(crate) fn bad_line(
        report: &'static str,
        line: usize,
        field: &'static str,
        expected: &'static str,
        found: &str,
    ) -> Self {
        Self::BadLine {
            report,
            line,
            field,
            expected,
            found: shorten(found),
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
        let err = ParseError::bad_value("lvs", 2, "lv_size", "a byte count", &long);
        assert_eq!(err.report(), "lvs");
        assert_eq!(err.field(), Some("lv_size"));
        let ParseError::BadValue { found, .. } = err else {
            unreachable!("constructed as BadValue");
        };
        assert_eq!(found.chars().count(), MAX_FOUND_CHARS + 1);
    }

    #[test]
    fn display_names_report_row_and_field() {
        let err = ParseError::bad_value("vgs", 1, "vg_free", "a byte count", "12m");
        assert_eq!(
            err.to_string(),
            "vgs report, row 1: vg_free is \"12m\", expected a byte count"
        );
    }
}
