//! `/proc/self/mountinfo`: one line per mount, as proc(5) describes it:
//!
//! ```text
//! 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//! (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
//! ```
//!
//! Fields are separated by single spaces; the kernel writes a space, tab, newline or
//! backslash inside the root, the mount point, the file-system type and the source as
//! a 3-digit octal escape (`\040` for a space), which is decoded here. Bytes that do
//! not form UTF-8 after decoding are replaced with U+FFFD. Mount and super options are
//! split at commas and kept as printed (some file systems escape commas inside option
//! values, which this does not undo). Fields after the super options, if a future
//! kernel adds any, are ignored.
//!
//! No mountinfo was captured in the VM run; the unit tests use lines in the format of
//! proc(5) and of a Debian 12 host.

use serde::{Deserialize, Serialize};

use super::ParseError;

/// One line of mountinfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountInfo {
    /// (1) Unique mount id.
    pub mount_id: u64,
    /// (2) Id of the parent mount (itself for the root of the mount tree).
    pub parent_id: u64,
    /// (3) Major number of `st_dev` for files on this file system (253 for
    /// device-mapper on the captured VM).
    pub major: u32,
    /// (3) Minor number.
    pub minor: u32,
    /// (4) The directory of the file system that forms the root of this mount.
    pub root: String,
    /// (5) The mount point, relative to the process's root.
    pub mount_point: String,
    /// (6) Per-mount options (`rw`, `ro`, `noatime`, ...).
    pub mount_options: Vec<String>,
    /// (7) Optional fields (`shared:1`, `master:2`, ...), possibly none.
    pub optional_fields: Vec<String>,
    /// (9) File-system type (`ext4`, `fuse.sshfs`, ...).
    pub fs_type: String,
    /// (10) Mount source (`/dev/mapper/vg0-data`); `None` when the kernel printed an
    /// empty field.
    pub source: Option<String>,
    /// (11) Per-superblock options.
    pub super_options: Vec<String>,
}

impl MountInfo {
    /// Whether the mount is read-only (`ro` among the per-mount options).
    pub fn is_read_only(&self) -> bool {
        self.mount_options.iter().any(|o| o == "ro")
    }
}

/// Parses the whole of `/proc/self/mountinfo`. Empty lines are skipped.
///
/// # Errors
///
/// [`ParseError::BadLine`] (report `"mountinfo"`) naming the 1-based line and field.
pub fn parse_mountinfo(text: &str) -> Result<Vec<MountInfo>, ParseError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| parse_mountinfo_line(line, i + 1))
        .collect()
}

/// Parses one line of mountinfo; `line_no` is only used in errors.
///
/// # Errors
///
/// [`ParseError::BadLine`] (report `"mountinfo"`) naming `line_no` and the field.
pub fn parse_mountinfo_line(line: &str, line_no: usize) -> Result<MountInfo, ParseError> {
    let line = line.trim_end_matches(['\n', '\r']);
    let bad = |field, expected, found: &str| {
        ParseError::bad_line("mountinfo", line_no, field, expected, found)
    };
    let mut fields = line.split(' ');
    let mut next = |field: &'static str| fields.next().ok_or_else(|| bad(field, "a field", line));

    let mount_id = next("mount id")?;
    let mount_id = mount_id
        .parse()
        .map_err(|_| bad("mount id", "a number", mount_id))?;
    let parent_id = next("parent id")?;
    let parent_id = parent_id
        .parse()
        .map_err(|_| bad("parent id", "a number", parent_id))?;
    let dev = next("major:minor")?;
    let (major, minor) = dev
        .split_once(':')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .ok_or_else(|| bad("major:minor", "two numbers such as 253:4", dev))?;
    let root = unescape(next("root")?);
    let mount_point = unescape(next("mount point")?);
    let mount_options = split_options(next("mount options")?);
    let mut optional_fields = Vec::new();
    loop {
        match next("separator")? {
            "-" => break,
            field => optional_fields.push(field.to_owned()),
        }
    }
    let fs_type = next("fs type")?;
    if fs_type.is_empty() {
        return Err(bad("fs type", "a file-system type", line));
    }
    let fs_type = unescape(fs_type);
    let source = next("source")?;
    let source = (!source.is_empty()).then(|| unescape(source));
    let super_options = split_options(next("super options")?);
    Ok(MountInfo {
        mount_id,
        parent_id,
        major,
        minor,
        root,
        mount_point,
        mount_options,
        optional_fields,
        fs_type,
        source,
        super_options,
    })
}

fn split_options(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split(',').map(str::to_owned).collect()
    }
}

/// Decodes `\NNN` octal escapes (three octal digits, value up to 255); any other
/// backslash is kept as it is.
pub(crate) fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\'
            && let Some(value) = octal_escape(bytes.get(i + 1..i + 4))
        {
            out.push(value);
            i += 4;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn octal_escape(digits: Option<&[u8]>) -> Option<u8> {
    let digits = digits?;
    let mut value: u32 = 0;
    for &d in digits {
        if !(b'0'..=b'7').contains(&d) {
            return None;
        }
        value = value * 8 + u32::from(d - b'0');
    }
    u8::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc5_example() -> Result<(), ParseError> {
        let m = parse_mountinfo_line(
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
            1,
        )?;
        assert_eq!(m.mount_id, 36);
        assert_eq!(m.parent_id, 35);
        assert_eq!((m.major, m.minor), (98, 0));
        assert_eq!(m.root, "/mnt1");
        assert_eq!(m.mount_point, "/mnt2");
        assert_eq!(m.mount_options, ["rw", "noatime"]);
        assert_eq!(m.optional_fields, ["master:1"]);
        assert_eq!(m.fs_type, "ext3");
        assert_eq!(m.source.as_deref(), Some("/dev/root"));
        assert_eq!(m.super_options, ["rw", "errors=continue"]);
        assert!(!m.is_read_only());
        Ok(())
    }

    #[test]
    fn split_image_mount_with_escapes_and_no_optional_fields() -> Result<(), ParseError> {
        let text = "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n\
                    \n\
                    48 22 253:3 / /mnt/my\\040snap\\011x\\134y ro,relatime - ext4 /dev/mapper/vg0-data_rimage_1 ro,norecovery\r\n";
        let mounts = parse_mountinfo(text)?;
        let [proc, snap] = mounts.as_slice() else {
            unreachable!("two mounts expected, got {mounts:?}");
        };
        assert_eq!(proc.fs_type, "proc");
        assert_eq!(snap.mount_point, "/mnt/my snap\tx\\y");
        assert!(snap.optional_fields.is_empty());
        assert_eq!((snap.major, snap.minor), (253, 3));
        assert_eq!(
            snap.source.as_deref(),
            Some("/dev/mapper/vg0-data_rimage_1")
        );
        assert_eq!(snap.super_options, ["ro", "norecovery"]);
        assert!(snap.is_read_only());
        Ok(())
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape("a\\040b"), "a b");
        assert_eq!(unescape("\\012"), "\n");
        assert_eq!(unescape("\\134040"), "\\040");
        assert_eq!(unescape("trailing\\"), "trailing\\");
        assert_eq!(unescape("\\04"), "\\04");
        assert_eq!(unescape("\\777"), "\\777");
        assert_eq!(unescape("\\09x"), "\\09x");
        assert_eq!(unescape("\\303\\251"), "é");
        assert_eq!(unescape("\\377"), "\u{FFFD}");
    }

    #[test]
    fn empty_source() -> Result<(), ParseError> {
        let m = parse_mountinfo_line("30 1 0:5 / /dev rw - devtmpfs  rw,size=1k", 1)?;
        assert_eq!(m.source, None);
        assert_eq!(m.super_options, ["rw", "size=1k"]);
        Ok(())
    }

    #[test]
    fn bad_lines_name_line_and_field() {
        let cases = [
            ("x 1 0:5 / /dev rw - devtmpfs d rw", "mount id"),
            ("1 y 0:5 / /dev rw - devtmpfs d rw", "parent id"),
            ("1 1 05 / /dev rw - devtmpfs d rw", "major:minor"),
            ("1 1 0:5 / /dev rw devtmpfs d rw", "separator"),
            ("1 1 0:5 / /dev rw -", "fs type"),
            ("1 1 0:5 / /dev rw - devtmpfs", "source"),
            ("1 1 0:5 / /dev rw - devtmpfs d", "super options"),
            ("1 1 0:5", "root"),
        ];
        for (line, field) in cases {
            let err = parse_mountinfo(&format!("\n{line}\n"));
            assert!(
                matches!(err, Err(ParseError::BadLine { report: "mountinfo", line: 2, field: f, .. }) if f == field),
                "{line:?}: {err:?}"
            );
        }
    }
}
