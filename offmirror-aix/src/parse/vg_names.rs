//! `lsvg` and `lsvg -o`: one volume-group name per line.

use super::error::ParseError;
use super::lines::Fields;
use super::messages::data_lines;

const COMMAND: &str = "lsvg";

/// Parses the output of `lsvg` (all defined volume groups) or `lsvg -o` (only the
/// varied-on ones): one name per line, no header.
///
/// # Errors
///
/// A line holding more than one word.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_vg_names;
///
/// let names = parse_vg_names("rootvg\ndatavg\n")?;
/// assert_eq!(names, ["rootvg", "datavg"]);
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_vg_names(text: &str) -> Result<Vec<String>, ParseError> {
    data_lines(text)
        .map(|(line_no, line)| {
            let mut fields = Fields::new(line);
            match (fields.next(), fields.next()) {
                (Some(name), None) => Ok(name.to_owned()),
                _ => Err(ParseError::unexpected_line(
                    COMMAND,
                    line_no,
                    "one volume group name",
                    line,
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_crlf_blanks_and_empty_lines() -> Result<(), ParseError> {
        assert_eq!(
            parse_vg_names("rootvg  \r\n\r\n datavg\n")?,
            ["rootvg", "datavg"]
        );
        assert!(parse_vg_names("")?.is_empty());
        Ok(())
    }

    #[test]
    fn two_words_on_a_line_is_an_error() {
        let err = parse_vg_names("rootvg\nroot vg\n").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(2));
    }
}
