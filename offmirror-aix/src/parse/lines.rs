//! Line and blank-separated field splitting shared by the table parsers.

/// True for the two characters AIX uses to pad columns.
pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Removes what varies at the end of a line between captures: `\r` and padding blanks.
pub(crate) fn clean_line(line: &str) -> &str {
    line.trim_end_matches(|c| c == '\r' || is_blank(c))
}

/// Iterates over `(1-based line number, cleaned line)`, including empty lines.
pub(crate) fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n')
        .enumerate()
        .map(|(index, line)| (index.saturating_add(1), clean_line(line)))
}

/// Like [`numbered_lines`] but without empty lines.
pub(crate) fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    numbered_lines(text).filter(|(_, line)| !line.is_empty())
}

/// Number to report for "the input ended before X": one past the last line.
pub(crate) fn end_line(text: &str) -> usize {
    text.lines().count().saturating_add(1)
}

/// Blank-separated fields of one line, with access to the unsplit rest.
///
/// `next` yields fields one by one; `rest` gives everything after the fields taken so
/// far, which is how the last column of a table (a mount point, a distribution ...) is
/// read even when it contains blanks.
#[derive(Debug, Clone)]
pub(crate) struct Fields<'a> {
    rest: &'a str,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(line: &'a str) -> Self {
        Self {
            rest: line.trim_start_matches(is_blank),
        }
    }

    /// Everything not yet taken, without leading or trailing blanks.
    pub(crate) fn rest(&self) -> &'a str {
        self.rest.trim_end_matches(is_blank)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let (field, tail) = match self.rest.find(is_blank) {
            Some(at) => self.rest.split_at_checked(at).unwrap_or((self.rest, "")),
            None => (self.rest, ""),
        };
        self.rest = tail.trim_start_matches(is_blank);
        Some(field)
    }
}

/// Byte spans `(start, end)` of the blank-separated fields of `line`.
pub(crate) fn field_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in line.char_indices() {
        match (is_blank(c), start) {
            (true, Some(begin)) => {
                spans.push((begin, at));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(begin) = start {
        spans.push((begin, line.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_cr_and_trailing_blanks() {
        let lines: Vec<_> = numbered_lines("a  \r\n\tb\t\r\n\nc").collect();
        assert_eq!(lines, vec![(1, "a"), (2, "\tb"), (3, ""), (4, "c")]);
        let content: Vec<_> = content_lines("a\n\n  \nb\n").collect();
        assert_eq!(content, vec![(1, "a"), (4, "b")]);
        assert_eq!(end_line("a\nb"), 3);
        assert_eq!(end_line("a\nb\n"), 3);
        assert_eq!(end_line(""), 1);
    }

    #[test]
    fn fields_and_rest() {
        let mut fields = Fields::new("  hd4   jfs2\t 3   /my mount  ");
        assert_eq!(fields.next(), Some("hd4"));
        assert_eq!(fields.next(), Some("jfs2"));
        assert_eq!(fields.next(), Some("3"));
        assert_eq!(fields.rest(), "/my mount");
        assert_eq!(fields.next(), Some("/my"));
        assert_eq!(fields.next(), Some("mount"));
        assert_eq!(fields.next(), None);
        assert_eq!(fields.rest(), "");
    }

    #[test]
    fn spans_cover_each_field() {
        assert_eq!(field_spans(" ab  c\td "), vec![(1, 3), (5, 6), (7, 8)]);
        assert_eq!(field_spans(""), Vec::<(usize, usize)>::new());
    }
}
