//! Numbered AIX messages (`0516-NNN` from LVM, `0506-NNN` from file-system commands).
//!
//! A message line carries the number first (`0516-306 getlvodm: Unable to find ...`),
//! or after the program name (`umount: 0506-347 Cannot find anything to unmount.`). The
//! program name may be empty (`0516-010 : Volume group must be varied on; ...`). Long
//! messages go on over indented lines. Classify by the number, not by the wording: the
//! wording is translated and changes between releases.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::lines::{content_lines, is_blank, numbered_lines};

/// `[program: ]NNNN-NNN[N] rest`, the number being an AIX message set and number.
static MESSAGE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:([A-Za-z0-9_./\-]+):\s+)?(0[0-9]{3})-([0-9]{3,4})\b\s*(.*)$").ok()
});

/// `program: rest` at the start of message text.
static PROGRAM_PREFIX: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9_./\-]*)\s*:(?:\s+(.*))?$").ok());

/// The number of an AIX message, such as `0516-010`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MessageCode {
    /// Message set: 516 for LVM commands, 506 for file-system commands.
    pub set: u16,
    /// Number within the set.
    pub number: u16,
}

impl MessageCode {
    /// `0516-NNN`.
    pub const fn lvm(number: u16) -> Self {
        Self { set: 516, number }
    }

    /// `0506-NNN`.
    pub const fn fs(number: u16) -> Self {
        Self { set: 506, number }
    }
}

impl fmt::Display for MessageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:03}", self.set, self.number)
    }
}

/// What a known message number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MessageKind {
    /// 0516-010: the volume group must be varied on first.
    VgNotVariedOn,
    /// 0516-304: a device id from the VGDA is not in the ODM (a disk gone from the
    /// configuration).
    DeviceIdNotFound,
    /// 0516-306: the named volume group, logical or physical volume is not in the ODM
    /// (it does not exist).
    NotFoundInOdm,
    /// 0516-312: the logical volume was not found.
    LvNotFound,
    /// 0516-320: the physical volume belongs to no volume group.
    PvNotInVg,
    /// 0516-321: the physical volume is not configured.
    PvNotConfigured,
    /// 0516-622: LV control block could not be written (a warning; work continued).
    LvcbWriteWarning,
    /// 0516-787: the logical volume reached its maximum allocation.
    MaxAllocation,
    /// 0516-862: the volume group could not be created.
    VgCreateFailed,
    /// 0516-932: a volume group could not be synchronised.
    VgSyncFailed,
    /// 0516-934: a logical volume could not be synchronised.
    LvSyncFailed,
    /// 0516-936: a physical volume could not be synchronised.
    PvSyncFailed,
    /// 0516-1126: `mirrorvg` finished (remember bosboot/bootlist for rootvg).
    Mirrored,
    /// 0516-1144: `unmirrorvg` finished.
    Unmirrored,
    /// 0516-1246: a copy of what may be the boot LV was removed (clear the boot record).
    BootLvCopyRemoved,
    /// 0516-1254: `extendvg` changed the PVID in the ODM.
    PvidChanged,
    /// 0516-1804: a quorum change takes effect immediately.
    QuorumChanged,
    /// 0506-347: `umount` found nothing to unmount.
    NothingToUnmount,
    /// A number this table does not know.
    Other(MessageCode),
}

impl MessageKind {
    /// The meaning of `code`.
    pub fn of(code: MessageCode) -> Self {
        match (code.set, code.number) {
            (516, 10) => Self::VgNotVariedOn,
            (516, 304) => Self::DeviceIdNotFound,
            (516, 306) => Self::NotFoundInOdm,
            (516, 312) => Self::LvNotFound,
            (516, 320) => Self::PvNotInVg,
            (516, 321) => Self::PvNotConfigured,
            (516, 622) => Self::LvcbWriteWarning,
            (516, 787) => Self::MaxAllocation,
            (516, 862) => Self::VgCreateFailed,
            (516, 932) => Self::VgSyncFailed,
            (516, 934) => Self::LvSyncFailed,
            (516, 936) => Self::PvSyncFailed,
            (516, 1126) => Self::Mirrored,
            (516, 1144) => Self::Unmirrored,
            (516, 1246) => Self::BootLvCopyRemoved,
            (516, 1254) => Self::PvidChanged,
            (516, 1804) => Self::QuorumChanged,
            (506, 347) => Self::NothingToUnmount,
            _ => Self::Other(code),
        }
    }

    /// True for messages AIX prints when things went as asked (progress notes and
    /// warnings that do not stop the command). Only the exit status says whether a
    /// command failed; this only helps decide what is worth showing.
    pub fn is_informational(self) -> bool {
        matches!(
            self,
            Self::Mirrored
                | Self::Unmirrored
                | Self::BootLvCopyRemoved
                | Self::PvidChanged
                | Self::QuorumChanged
                | Self::LvcbWriteWarning
        )
    }
}

/// One numbered message, with its continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AixMessage {
    /// The message number.
    pub code: MessageCode,
    /// The program named in the message (`chvg`, `getlvodm` ...); `None` when empty.
    pub program: Option<String>,
    /// The text after the program name, continuation lines joined by one blank.
    pub text: String,
    /// 1-based line where the message starts.
    pub line: usize,
}

impl AixMessage {
    /// The meaning of the message number.
    pub fn kind(&self) -> MessageKind {
        MessageKind::of(self.code)
    }
}

/// Splits `program: text` (or `: text`) at the start of a message body.
fn split_program(body: &str) -> (Option<String>, String) {
    let captures = PROGRAM_PREFIX.as_ref().and_then(|re| re.captures(body));
    match captures {
        Some(c) => {
            let program = c.get(1).map(|m| m.as_str()).filter(|p| !p.is_empty());
            let text = c.get(2).map_or("", |m| m.as_str());
            (program.map(str::to_owned), text.trim().to_owned())
        }
        None => (None, body.trim().to_owned()),
    }
}

fn parse_message_line(line_no: usize, line: &str) -> Option<AixMessage> {
    let captures = MESSAGE_LINE.as_ref()?.captures(line)?;
    let code = MessageCode {
        set: captures.get(2)?.as_str().parse().ok()?,
        number: captures.get(3)?.as_str().parse().ok()?,
    };
    let body = captures.get(4).map_or("", |m| m.as_str());
    let (program, text) = match captures.get(1) {
        Some(program) => (Some(program.as_str().to_owned()), body.trim().to_owned()),
        None => split_program(body),
    };
    Some(AixMessage {
        code,
        program,
        text,
        line: line_no,
    })
}

/// True when an unindented line after a message still belongs to it: the message has
/// not ended a sentence and the line does not start a `program: ...` message of its own.
fn continues_unindented(message: &AixMessage, line: &str) -> bool {
    let ended = message.text.ends_with(['.', '?', '!']);
    let own_message = PROGRAM_PREFIX
        .as_ref()
        .is_some_and(|re| line.split_once(' ').is_some_and(|(w, _)| re.is_match(w)));
    !ended && !own_message
}

/// Finds the numbered messages in a command's stderr (or any text).
///
/// Lines that are neither a numbered message nor the continuation of one are skipped
/// (answers to prompts, plain progress lines such as `rmlv: Logical volume x is
/// removed.`). A continuation is an indented line after a message, or an unindented one
/// when the message has not ended its sentence yet (some copies lose the indentation).
///
/// Never fails.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{MessageKind, parse_messages};
///
/// let stderr = "0516-306 getlvodm: Unable to find volume group foovg in the Device\n\
///               \tConfiguration Database.\n\
///               0516-010 : Volume group must be varied on; use varyonvg command.\n";
/// let messages = parse_messages(stderr);
/// assert_eq!(messages.len(), 2);
/// assert_eq!(messages[0].kind(), MessageKind::NotFoundInOdm);
/// assert_eq!(messages[0].program.as_deref(), Some("getlvodm"));
/// assert!(messages[0].text.ends_with("in the Device Configuration Database."));
/// assert_eq!(messages[1].kind(), MessageKind::VgNotVariedOn);
/// assert_eq!(messages[1].program, None);
/// assert_eq!(messages[1].code.to_string(), "0516-010");
/// ```
pub fn parse_messages(text: &str) -> Vec<AixMessage> {
    scan(text).0
}

/// The messages of `text` and the numbers of the lines they occupy.
fn scan(text: &str) -> (Vec<AixMessage>, Vec<usize>) {
    let mut messages: Vec<AixMessage> = Vec::new();
    let mut used = Vec::new();
    let mut open = false;
    for (line_no, line) in numbered_lines(text) {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        if let Some(message) = parse_message_line(line_no, line) {
            messages.push(message);
            used.push(line_no);
            open = true;
            continue;
        }
        let last = messages.last_mut().filter(|_| open);
        match last {
            Some(message) if line.starts_with(is_blank) || continues_unindented(message, line) => {
                if !message.text.is_empty() {
                    message.text.push(' ');
                }
                message.text.push_str(line.trim());
                used.push(line_no);
            }
            _ => open = false,
        }
    }
    (messages, used)
}

/// Non-empty lines of command output with numbered AIX messages (and their
/// continuation lines) left out.
///
/// Captures that merge stderr into stdout interleave messages with the data, e.g. a
/// `0516-304` warning between the heading and the rows of `lsvg -p`; the data parsers
/// read around them. Output without any message number costs one cheap scan.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let used = if text.contains('-') {
        scan(text).1
    } else {
        Vec::new()
    };
    content_lines(text).filter(move |(line_no, _)| used.binary_search(line_no).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_display_and_kinds() {
        assert_eq!(MessageCode::lvm(10).to_string(), "0516-010");
        assert_eq!(MessageCode::lvm(1804).to_string(), "0516-1804");
        assert_eq!(MessageCode::fs(347).to_string(), "0506-347");
        assert_eq!(
            MessageKind::of(MessageCode::lvm(304)),
            MessageKind::DeviceIdNotFound
        );
        assert_eq!(
            MessageKind::of(MessageCode::lvm(999)),
            MessageKind::Other(MessageCode::lvm(999))
        );
        assert!(MessageKind::QuorumChanged.is_informational());
        assert!(!MessageKind::VgNotVariedOn.is_informational());
    }

    #[test]
    fn program_before_number_and_crlf() {
        let messages = parse_messages("umount: 0506-347 Cannot find anything to unmount.\r\n");
        assert_eq!(messages.len(), 1);
        let m = messages.first();
        assert_eq!(m.map(AixMessage::kind), Some(MessageKind::NothingToUnmount));
        assert_eq!(m.and_then(|m| m.program.as_deref()), Some("umount"));
        assert_eq!(
            m.map(|m| m.text.as_str()),
            Some("Cannot find anything to unmount.")
        );
    }

    #[test]
    fn unindented_continuation_only_mid_sentence() {
        let text = "0516-304 : Unable to find device id 00ce4b6a01292201 in the Device\n\
                    Configuration Database.\n\
                    00ce4b6a01292201  missing  2157  1019\n\
                    0516-1224 chvg: WARNING, once this operation is completed, volume group datavg01\n\
                    \x20       cannot be imported into AIX 5.2 or lower versions. Continue (y/n) ?\n\
                    y\n\
                    rmlv: Logical volume fslv14 is removed.\n";
        let messages = parse_messages(text);
        assert_eq!(messages.len(), 2);
        assert_eq!(
            messages.first().map(|m| m.text.as_str()),
            Some("Unable to find device id 00ce4b6a01292201 in the Device Configuration Database.")
        );
        assert_eq!(messages.first().map(|m| m.program.clone()), Some(None));
        assert_eq!(
            messages.get(1).map(|m| m.text.as_str()),
            Some(
                "WARNING, once this operation is completed, volume group datavg01 cannot be \
                 imported into AIX 5.2 or lower versions. Continue (y/n) ?"
            )
        );
        assert_eq!(messages.get(1).map(|m| m.line), Some(4));
    }

    #[test]
    fn colon_right_after_the_number_and_path_as_program() {
        let messages = parse_messages(
            "0516-010: Volume group must be varied on.\n\
             /usr/sbin/umount: 0506-347 Cannot find anything to unmount.\n\
             0516-01234 not a message\n",
        );
        let summary: Vec<_> = messages
            .iter()
            .map(|m| (m.code, m.program.as_deref(), m.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    MessageCode::lvm(10),
                    None,
                    "Volume group must be varied on."
                ),
                (
                    MessageCode::fs(347),
                    Some("/usr/sbin/umount"),
                    "Cannot find anything to unmount."
                ),
            ]
        );
    }

    #[test]
    fn new_program_line_is_not_a_continuation() {
        let messages = parse_messages("0516-999 x: first part\nrmlv: other thing\n");
        assert_eq!(messages.len(), 1);
        assert_eq!(
            messages.first().map(|m| m.text.as_str()),
            Some("first part")
        );
    }

    #[test]
    fn data_lines_skip_interleaved_messages() {
        let text = "vg:\nPV_NAME  PV STATE\n\
                    0516-304 : Unable to find device id 00ce4b6a01292201 in the Device\n\
                    Configuration Database.\n\
                    00ce4b6a01292201  missing  2157  1019\n\
                    hdisk1 active 1 1\n";
        let kept: Vec<usize> = data_lines(text).map(|(n, _)| n).collect();
        assert_eq!(kept, [1, 2, 5, 6]);
        let plain: Vec<usize> = data_lines("a\n\nb\n").map(|(n, _)| n).collect();
        assert_eq!(plain, [1, 3]);
    }

    #[test]
    fn not_messages() {
        assert!(parse_messages("").is_empty());
        assert!(parse_messages("hello 0516-010 world\n2018-0116 x\n").is_empty());
        assert!(parse_messages("   \n\t\n").is_empty());
    }
}
