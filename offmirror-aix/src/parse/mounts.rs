//! `mount` without arguments: what is mounted where.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::{field_spans, is_blank};
use super::messages::data_lines;
use super::values::parse_u32;

const COMMAND: &str = "mount";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One mounted file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountEntry {
    /// `node`: the remote host of a remote mount; `None` for local mounts.
    pub node: Option<String>,
    /// `mounted`: device, remote path or pseudo file system.
    pub device: String,
    /// `mounted over`: the mount point.
    pub mount_point: String,
    /// `vfs`.
    pub vfs: String,
    /// `date` as printed (`Nov 07 19:11`).
    pub date: String,
    /// `options`, split at commas; empty when none are printed.
    pub options: Vec<String>,
}

impl MountEntry {
    /// True when mounted read-only (option `ro`).
    pub fn is_read_only(&self) -> bool {
        self.options.iter().any(|o| o == "ro")
    }
}

fn is_heading(line: &str) -> bool {
    let trimmed = line.trim_start();
    (trimmed.starts_with("node") && trimmed.contains("mounted"))
        || (!trimmed.is_empty() && trimmed.chars().all(|c| c == '-' || is_blank(c)))
}

/// Index of the first field of a `Mon DD HH:MM` date, at or after `from`.
fn date_index(words: &[&str], from: usize) -> Option<usize> {
    (from..words.len()).find(|&i| {
        let (Some(month), Some(day), Some(time)) = (
            words.get(i),
            words.get(i.saturating_add(1)),
            words.get(i.saturating_add(2)),
        ) else {
            return false;
        };
        let time_ok = time
            .split_once(':')
            .is_some_and(|(h, m)| parse_u32(h).is_some() && parse_u32(m).is_some());
        MONTHS.contains(month) && parse_u32(day).is_some_and(|d| (1..=31).contains(&d)) && time_ok
    })
}

fn parse_row(line: &str) -> Option<MountEntry> {
    let spans = field_spans(line);
    let words: Vec<&str> = spans
        .iter()
        .map(|&(start, end)| line.get(start..end).unwrap_or(""))
        .collect();
    // Before the date: [node] device mount-point vfs.
    let date_at = date_index(&words, 3)?;
    let indented = line.starts_with(is_blank);
    // A local line is indented (empty node column). An unindented line with exactly
    // three fields before the date lost its indentation in copying; with more, the
    // first field is the node. Extra fields of an indented line belong to the mount
    // point (a path with blanks).
    let has_node = !indented && date_at > 3;
    let device_at = usize::from(has_node);
    let vfs_at = date_at.checked_sub(1)?;
    let mount_from = spans.get(device_at.checked_add(1)?)?.0;
    let mount_to = spans.get(vfs_at.checked_sub(1)?)?.1;
    let time_end = spans.get(date_at.checked_add(2)?)?.1;
    let options = line.get(time_end..)?.trim();
    Some(MountEntry {
        node: has_node
            .then(|| words.first().map(|w| (*w).to_owned()))
            .flatten(),
        device: (*words.get(device_at)?).to_owned(),
        mount_point: line.get(mount_from..mount_to)?.to_owned(),
        vfs: (*words.get(vfs_at)?).to_owned(),
        date: words.get(date_at..date_at.checked_add(3)?)?.join(" "),
        options: options
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Parses the output of `mount` (no arguments).
///
/// The two heading lines are skipped. Each row is located by its date (`Mon DD HH:MM`):
/// the fields before it are `[node] device mount-point vfs`, the rest of the line is
/// the option list. Rows of local mounts start with blanks (empty node column).
///
/// # Errors
///
/// A row without a date after at least three fields.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_mounts;
///
/// let text = "  node       mounted        mounted over    vfs       date        options
/// -------- ---------------  ---------------  ------ ------------ ---------------
///          /dev/hd4         /                jfs2   Mar 22 08:05 rw,log=/dev/hd8
/// nfssrv   /export/x        /mnt             nfs3   Jul 17 13:24 ro,bg,hard
/// ";
/// let mounts = parse_mounts(text)?;
/// assert_eq!(mounts[0].node, None);
/// assert_eq!(mounts[0].mount_point, "/");
/// assert_eq!(mounts[1].node.as_deref(), Some("nfssrv"));
/// assert!(mounts[1].is_read_only());
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_mounts(text: &str) -> Result<Vec<MountEntry>, ParseError> {
    data_lines(text)
        .filter(|(_, line)| !is_heading(line))
        .map(|(line_no, line)| {
            parse_row(line).ok_or_else(|| {
                ParseError::unexpected_line(
                    COMMAND,
                    line_no,
                    "[node] device mount-point vfs Mon DD HH:MM [options]",
                    line,
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_remote_blank_mount_point_and_lost_indentation() -> Result<(), ParseError> {
        let text = "         /dev/lv1   /my data  jfs2   Jan 01 00:00 rw   \r\n\
                    /dev/hd4 / jfs2 Feb 29 23:59\r\n\
                    host /x /y nfs Dec 31 12:00 ro\r\n";
        let mounts = parse_mounts(text)?;
        let first = mounts.first();
        assert_eq!(first.map(|m| m.mount_point.as_str()), Some("/my data"));
        assert_eq!(
            first.map(|m| m.options.clone()),
            Some(vec!["rw".to_owned()])
        );
        let second = mounts.get(1);
        assert_eq!(second.map(|m| m.node.is_none()), Some(true));
        assert_eq!(second.map(|m| m.device.as_str()), Some("/dev/hd4"));
        assert_eq!(second.map(|m| m.options.is_empty()), Some(true));
        assert_eq!(second.map(|m| m.date.as_str()), Some("Feb 29 23:59"));
        let third = mounts.get(2);
        assert_eq!(third.and_then(|m| m.node.as_deref()), Some("host"));
        assert_eq!(third.map(MountEntry::is_read_only), Some(true));
        Ok(())
    }

    #[test]
    fn row_without_date_is_an_error() {
        let err = parse_mounts("  node mounted\n----\n   /dev/hd4 / jfs2 rw\n").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(3));
        let err = parse_mounts("   a b Jan 01 00:00\n").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(1));
    }
}
