//! `lsfs -c`: file systems from `/etc/filesystems`, one colon-separated line each.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::messages::data_lines;
use super::values::{known, parse_u64, unless_none_word};

const COMMAND: &str = "lsfs -c";

/// Fields per line: MountPoint, Device, Vfs, Nodename, Type, Size, Options, AutoMount,
/// Acct.
const FIELDS: usize = 9;

/// One file system as `lsfs -c` lists it. Empty fields (and `--`) are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsEntry {
    /// `MountPoint`.
    pub mount_point: String,
    /// `Device` (`/dev/hd4`; the remote path for NFS).
    pub device: Option<String>,
    /// `Vfs` (`jfs`, `jfs2`, `nfs`, ...).
    pub vfs: Option<String>,
    /// `Nodename` (remote host for NFS).
    pub nodename: Option<String>,
    /// `Type` (mount group, `bootfs` ...).
    pub fs_type: Option<String>,
    /// `Size` in 512-byte blocks.
    pub size_blocks: Option<u64>,
    /// `Options` as printed (`rw`, `rw,log=/dev/hd8`, ...).
    pub options: Option<String>,
    /// `AutoMount` (`yes`, `no`, ...).
    pub automount: Option<String>,
    /// `Acct` (`yes`, `no`).
    pub accounting: Option<String>,
}

fn optional(value: &str) -> Option<String> {
    unless_none_word(known(value)).map(str::to_owned)
}

fn parse_line(line_no: usize, line: &str) -> Result<FsEntry, ParseError> {
    let fields: Vec<&str> = line.split(':').collect();
    // Extra colons can only be told apart from the layout by assuming they belong to
    // the free-form options field; the two short fields after it are taken from the end.
    let split = fields.split_at_checked(6).and_then(|(head, tail)| {
        let (options, last_two) = tail.split_at_checked(tail.len().checked_sub(2)?)?;
        Some((head, options, last_two))
    });
    let Some((
        &[mount_point, device, vfs, nodename, fs_type, size],
        options,
        &[automount, accounting],
    )) = split.filter(|_| fields.len() >= FIELDS)
    else {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "nine `:`-separated fields",
            line,
        ));
    };
    if mount_point.is_empty() {
        return Err(ParseError::bad_value(
            COMMAND,
            line_no,
            "MountPoint",
            "a path",
            line,
        ));
    }
    let size_blocks = match unless_none_word(known(size)) {
        None => None,
        Some(v) => Some(
            parse_u64(v)
                .ok_or_else(|| ParseError::bad_value(COMMAND, line_no, "Size", "a number", v))?,
        ),
    };
    Ok(FsEntry {
        mount_point: mount_point.to_owned(),
        device: optional(device),
        vfs: optional(vfs),
        nodename: optional(nodename),
        fs_type: optional(fs_type),
        size_blocks,
        options: optional(&options.join(":")),
        automount: optional(automount),
        accounting: optional(accounting),
    })
}

/// Parses the output of `lsfs -c`.
///
/// The `#MountPoint:...` heading is skipped, and so are the `(lv size ...)` detail lines
/// that `lsfs -cq` adds.
///
/// # Errors
///
/// A line with fewer than nine fields, an empty mount point, or a size that is not a
/// number.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_fs_list;
///
/// let text = "\
/// #MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct
/// /:/dev/hd4:jfs2::bootfs:262144:rw:yes:no
/// /tmp:/dev/hd3:jfs2:::262144:rw:yes:no
/// ";
/// let fss = parse_fs_list(text)?;
/// assert_eq!(fss[1].mount_point, "/tmp");
/// assert_eq!(fss[1].device.as_deref(), Some("/dev/hd3"));
/// assert_eq!(fss[1].fs_type, None);
/// assert_eq!(fss[0].size_blocks, Some(262144));
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_fs_list(text: &str) -> Result<Vec<FsEntry>, ParseError> {
    data_lines(text)
        .filter(|(_, line)| {
            let line = line.trim_start();
            !line.starts_with('#') && !line.starts_with('(')
        })
        .map(|(line_no, line)| parse_line(line_no, line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfs_entry_extra_colons_and_crlf() -> Result<(), ParseError> {
        let text = "#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct\r\n\
                    /mnt:/export/x:nfs:server1:::bg,vers=3:a:b:no:no\r\n\
                    /data:/dev/lv1:jfs2::::--:no:no  \r\n\
                    (lv size 1:fs size 1)\r\n";
        let fss = parse_fs_list(text)?;
        assert_eq!(fss.len(), 2);
        let nfs = fss.first();
        assert_eq!(nfs.and_then(|f| f.nodename.as_deref()), Some("server1"));
        assert_eq!(
            nfs.and_then(|f| f.options.as_deref()),
            Some("bg,vers=3:a:b")
        );
        assert_eq!(nfs.and_then(|f| f.size_blocks), None);
        let data = fss.get(1);
        assert_eq!(data.and_then(|f| f.options.clone()), None);
        assert_eq!(data.and_then(|f| f.accounting.as_deref()), Some("no"));
        Ok(())
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse_fs_list("#h\n/a:b:c\n").err().map(|e| e.line()),
            Some(2)
        );
        assert_eq!(
            parse_fs_list("/a:b:c::t:big:rw:no:no\n")
                .err()
                .map(|e| e.line()),
            Some(1)
        );
        assert_eq!(
            parse_fs_list(":b:c::t:1:rw:no:no\n")
                .err()
                .map(|e| e.line()),
            Some(1)
        );
    }
}
