//! Two-column `KEY: value` screens (`lsvg VG`, `lslv LV`, `lspv PV`).
//!
//! Each line holds one or two `KEY: value` pairs. The right-hand key starts at a fixed
//! column only while the left value fits; a long value (an LV identifier, say) pushes it
//! right and leaves a single blank before it. So the column position is useless and the
//! line is cut where a label starts instead:
//!
//! * the left key is everything before the first `:` of the line;
//! * after it, a label from the command's list of right-hand labels cuts the line
//!   wherever it starts a word. Labels are tried longest first and a matched label is
//!   skipped as a whole, so `PPs:` is not found inside `STALE PPs:`;
//! * a label the list does not know still cuts the line when it follows two or more
//!   blanks and looks like a label: it starts with a capital letter, holds letters,
//!   digits, single blanks and `()?_-`, and ends in a colon followed by a blank or the
//!   end of the line. That keeps labels added by later AIX releases from leaking into
//!   the value on their left;
//! * some labels are printed without a colon (`VG IDENTIFIER` in `lspv PV`); those are
//!   listed separately and match when followed by a blank.

use super::error::ParseError;
use super::lines::{Fields, end_line};
use super::messages::data_lines;
use super::size::parse_size_bytes;
use super::values::{is_unknown, known, parse_u32, parse_yes_no};

/// Longest label the generic rule accepts, in bytes.
const MAX_GENERIC_LABEL: usize = 40;

/// What a screen's right-hand column can hold.
#[derive(Debug)]
pub(crate) struct ScreenLayout {
    /// Command name for error messages.
    pub(crate) command: &'static str,
    /// Labels (with their colon) that may start the right-hand column.
    pub(crate) right_labels: &'static [&'static str],
    /// Labels (without colon) that AIX prints without a colon.
    pub(crate) colonless_labels: &'static [&'static str],
}

/// One `KEY: value` pair with the line it came from.
#[derive(Debug, Clone, Copy)]
struct ScreenField<'a> {
    key: &'a str,
    value: &'a str,
    line: usize,
}

/// All pairs of a screen, in print order.
#[derive(Debug)]
pub(crate) struct Screen<'a> {
    command: &'static str,
    fields: Vec<ScreenField<'a>>,
    end_line: usize,
}

fn is_blank_byte(b: &u8) -> bool {
    *b == b' ' || *b == b'\t'
}

/// A known label starting at byte `at`: `(key without colon, byte after the label)`.
fn known_label_at<'a>(layout: &ScreenLayout, line: &'a str, at: usize) -> Option<(&'a str, usize)> {
    let rest = line.get(at..)?;
    let mut best: Option<(usize, usize)> = None; // (key length, label length)
    for label in layout.right_labels {
        if rest.starts_with(label) && best.is_none_or(|(_, len)| label.len() > len) {
            best = Some((label.len().saturating_sub(1), label.len()));
        }
    }
    for label in layout.colonless_labels {
        if !rest.starts_with(label) {
            continue;
        }
        let after = rest.as_bytes().get(label.len());
        let len = match after {
            None => label.len(),
            Some(b':') => label.len().saturating_add(1),
            Some(b) if is_blank_byte(b) => label.len(),
            Some(_) => continue,
        };
        if best.is_none_or(|(_, best_len)| len > best_len) {
            best = Some((label.len(), len));
        }
    }
    let (key_len, label_len) = best?;
    let key = rest.get(..key_len)?.trim_end();
    Some((key, at.saturating_add(label_len)))
}

/// An unlisted label starting at byte `at` (see the module docs for the shape).
fn generic_label_at(line: &str, at: usize) -> Option<(&str, usize)> {
    let rest = line.get(at..)?;
    let bytes = rest.as_bytes();
    if !bytes.first()?.is_ascii_uppercase() {
        return None;
    }
    for (i, b) in bytes.iter().enumerate().take(MAX_GENERIC_LABEL) {
        match b {
            b':' => {
                let next = i.saturating_add(1);
                return match bytes.get(next) {
                    None => Some((rest.get(..i)?.trim_end(), at.saturating_add(next))),
                    Some(n) if is_blank_byte(n) => {
                        Some((rest.get(..i)?.trim_end(), at.saturating_add(next)))
                    }
                    Some(_) => None,
                };
            }
            b' ' if bytes.get(i.saturating_add(1)) == Some(&b' ') => return None,
            b' ' | b'(' | b')' | b'?' | b'_' | b'-' => {}
            b if b.is_ascii_alphanumeric() => {}
            _ => return None,
        }
    }
    None
}

/// Splits one screen line into its pairs; `None` if the line has no `KEY:` at all.
fn split_line<'a>(layout: &ScreenLayout, line: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    let bytes = line.as_bytes();
    let (mut key, mut start) = match known_label_at(layout, line, 0) {
        Some(hit) => hit,
        None => {
            let colon = line.find(':')?;
            (line.get(..colon)?.trim(), colon.saturating_add(1))
        }
    };
    if key.is_empty() {
        return None;
    }
    let mut pairs = Vec::with_capacity(2);
    let mut at = start;
    while at < bytes.len() {
        let starts_word = at > start
            && at
                .checked_sub(1)
                .and_then(|i| bytes.get(i))
                .is_some_and(is_blank_byte)
            && bytes.get(at).is_some_and(|b| !is_blank_byte(b));
        if starts_word {
            let left = line.get(start..at).unwrap_or("").trim();
            let after_two_blanks = at
                .checked_sub(2)
                .and_then(|i| bytes.get(i))
                .is_some_and(is_blank_byte);
            let hit = known_label_at(layout, line, at).or_else(|| {
                if after_two_blanks && !left.is_empty() {
                    generic_label_at(line, at)
                } else {
                    None
                }
            });
            if let Some((next_key, next_start)) = hit {
                pairs.push((key, left));
                key = next_key;
                start = next_start;
                at = next_start;
                continue;
            }
        }
        at = at.saturating_add(1);
    }
    pairs.push((key, line.get(start..).unwrap_or("").trim()));
    Some(pairs)
}

impl<'a> Screen<'a> {
    /// Splits every non-empty line of `text`; a line without any `KEY:` is an error.
    pub(crate) fn parse(layout: &ScreenLayout, text: &'a str) -> Result<Self, ParseError> {
        let mut fields = Vec::new();
        for (line_no, line) in data_lines(text) {
            let pairs = split_line(layout, line).ok_or_else(|| {
                ParseError::unexpected_line(layout.command, line_no, "a `LABEL: value` line", line)
            })?;
            fields.extend(pairs.into_iter().map(|(key, value)| ScreenField {
                key,
                value,
                line: line_no,
            }));
        }
        Ok(Self {
            command: layout.command,
            fields,
            end_line: end_line(text),
        })
    }

    /// First field whose key satisfies `matches`: `(value, line)`.
    fn find(&self, matches: impl Fn(&str) -> bool) -> Option<(&'a str, usize)> {
        self.fields
            .iter()
            .find(|f| matches(f.key))
            .map(|f| (f.value, f.line))
    }

    /// The value of `key` as printed (possibly empty or `???????`), with its line.
    pub(crate) fn raw(&self, key: &str) -> Option<(&'a str, usize)> {
        self.find(|k| k == key)
    }

    /// The value of the first key starting with `prefix` (for keys whose tail varies,
    /// like `LTG size (Dynamic)`).
    pub(crate) fn raw_prefixed(&self, prefix: &str) -> Option<(&'a str, usize)> {
        self.find(|k| k.starts_with(prefix))
    }

    /// The value of `key`; `None` when absent, empty or unknown.
    pub(crate) fn text(&self, key: &str) -> Option<&'a str> {
        self.raw(key).and_then(|(value, _)| known(value))
    }

    /// Like [`Self::text`] but owned.
    pub(crate) fn string(&self, key: &str) -> Option<String> {
        self.text(key).map(str::to_owned)
    }

    /// The value of `key`, which must be present and known.
    pub(crate) fn required(&self, key: &'static str) -> Result<&'a str, ParseError> {
        match self.raw(key) {
            Some((value, line)) => known(value).ok_or_else(|| {
                ParseError::bad_value(self.command, line, key, "a known value", value)
            }),
            None => Err(ParseError::missing(self.command, self.end_line, key)),
        }
    }

    /// Converts a known value with `convert`; a value it rejects is an error.
    ///
    /// A value whose first word is question marks (`??????? (??????? megabytes)`) is
    /// unknown as a whole.
    pub(crate) fn convert<T>(
        &self,
        found: Option<(&'a str, usize)>,
        key: &'static str,
        expected: &'static str,
        convert: impl FnOnce(&'a str) -> Option<T>,
    ) -> Result<Option<T>, ParseError> {
        let Some((raw, line)) = found else {
            return Ok(None);
        };
        let Some(value) = known(raw) else {
            return Ok(None);
        };
        if Fields::new(value).next().is_some_and(is_unknown) {
            return Ok(None);
        }
        convert(value)
            .map(Some)
            .ok_or_else(|| ParseError::bad_value(self.command, line, key, expected, raw))
    }

    /// A count: the number the value starts with (`2550` of `2550 (40800 megabytes)`).
    pub(crate) fn count(&self, key: &'static str) -> Result<Option<u32>, ParseError> {
        self.convert(self.raw(key), key, "a number", |v| {
            Fields::new(v).next().and_then(parse_u32)
        })
    }

    /// A size with a unit word, in bytes.
    pub(crate) fn size(&self, key: &'static str) -> Result<Option<u64>, ParseError> {
        self.convert(self.raw(key), key, "a number and a unit", parse_size_bytes)
    }

    /// A `yes`/`no` value.
    pub(crate) fn flag(&self, key: &'static str) -> Result<Option<bool>, ParseError> {
        self.convert(self.raw(key), key, "yes or no", parse_yes_no)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: ScreenLayout = ScreenLayout {
        command: "test",
        right_labels: &["PPs:", "STALE PPs:", "PERMISSION:", "LABEL:"],
        colonless_labels: &["VG IDENTIFIER"],
    };

    fn split(line: &str) -> Option<Vec<(&str, &str)>> {
        split_line(&LAYOUT, line)
    }

    #[test]
    fn splits_at_known_right_label() {
        assert_eq!(
            split("LPs:                10                     PPs:            20"),
            Some(vec![("LPs", "10"), ("PPs", "20")])
        );
    }

    #[test]
    fn label_inside_a_longer_label_is_not_a_cut() {
        assert_eq!(
            split("STALE PVs:          0    STALE PPs:      3"),
            Some(vec![("STALE PVs", "0"), ("STALE PPs", "3")])
        );
        assert_eq!(
            split("STALE PPs:          0"),
            Some(vec![("STALE PPs", "0")])
        );
    }

    #[test]
    fn overflowing_value_followed_by_one_blank() {
        assert_eq!(
            split(
                "LV IDENTIFIER:      00fa684e00004c00000001715c6c0708.1 PERMISSION:     read/write"
            ),
            Some(vec![
                ("LV IDENTIFIER", "00fa684e00004c00000001715c6c0708.1"),
                ("PERMISSION", "read/write")
            ])
        );
    }

    #[test]
    fn colonless_label() {
        assert_eq!(
            split("PV IDENTIFIER:      00f9280c31fc0ae6 VG IDENTIFIER     00f9280c00004c00"),
            Some(vec![
                ("PV IDENTIFIER", "00f9280c31fc0ae6"),
                ("VG IDENTIFIER", "00f9280c00004c00")
            ])
        );
        assert_eq!(
            split("PV IDENTIFIER: x VG IDENTIFIER: y"),
            Some(vec![("PV IDENTIFIER", "x"), ("VG IDENTIFIER", "y")])
        );
        assert_eq!(
            split("A: VG IDENTIFIERS"),
            Some(vec![("A", "VG IDENTIFIERS")])
        );
    }

    #[test]
    fn unknown_right_label_after_two_blanks() {
        assert_eq!(
            split("PV RESTRICTION:     none    NEW THING (x): maybe"),
            Some(vec![("PV RESTRICTION", "none"), ("NEW THING (x)", "maybe")])
        );
        // One blank is not enough for an unknown label, and lower case never starts one.
        assert_eq!(split("A: b C: d"), Some(vec![("A", "b C: d")]));
        assert_eq!(split("A: b   c: d"), Some(vec![("A", "b   c: d")]));
        // A colon inside a word does not end a label.
        assert_eq!(
            split("A: b   Host:port"),
            Some(vec![("A", "b   Host:port")])
        );
    }

    #[test]
    fn keys_with_question_marks_and_empty_values() {
        assert_eq!(
            split("EACH LP COPY ON A SEPARATE PV ?: yes                                    "),
            Some(vec![("EACH LP COPY ON A SEPARATE PV ?", "yes")])
        );
        assert_eq!(
            split("MOUNT POINT:                           LABEL:          None"),
            Some(vec![("MOUNT POINT", ""), ("LABEL", "None")])
        );
        assert_eq!(split("no label here"), None);
        assert_eq!(split(": value"), None);
    }

    #[test]
    fn screen_lookups() -> Result<(), ParseError> {
        let screen = Screen::parse(
            &LAYOUT,
            "LPs:  10   PPs: ???????\r\nSIZE: 4 megabyte(s)\nFLAG: yes\nBAD: x\n\
             TOTAL: ??????? (??????? megabytes)   UNIT: ??????? megabyte(s)\n",
        )?;
        assert_eq!(screen.count("LPs")?, Some(10));
        assert_eq!(screen.count("PPs")?, None);
        assert_eq!(screen.size("SIZE")?, Some(4 << 20));
        assert_eq!(screen.flag("FLAG")?, Some(true));
        assert_eq!(screen.count("MISSING")?, None);
        assert_eq!(screen.count("TOTAL")?, None);
        assert_eq!(screen.size("UNIT")?, None);
        let err = screen.count("BAD").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(4));
        let err = screen.required("MISSING").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(6));
        let err = screen.required("PPs").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(1));
        Ok(())
    }
}
