//! `lspv` without arguments: every disk with its PVID, volume group and state.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::Fields;
use super::messages::data_lines;
use super::states::PvState;
use super::values::{known, unless_none_word};

const COMMAND: &str = "lspv";

/// One line of `lspv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PvListEntry {
    /// Disk name.
    pub name: String,
    /// PVID; `None` when the disk has none (`none`).
    pub pvid: Option<String>,
    /// Volume group; `None` when the disk is in no group (`None`).
    pub vg: Option<String>,
    /// State column (`active`, `concurrent`, `locked`); `None` when empty, as for disks
    /// whose group is not varied on.
    pub state: Option<PvState>,
}

/// Parses the output of `lspv`.
///
/// AIX prints no heading; the VIOS `lspv` (as `padmin`) starts with a
/// `NAME PVID VG STATUS` heading, which is skipped.
///
/// # Errors
///
/// A line with fewer than two columns.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{PvState, parse_pv_list};
///
/// let text = "\
/// hdisk0          00082a6a1aa20b3c                    rootvg          active
/// hdisk1          none                                None
/// ";
/// let pvs = parse_pv_list(text)?;
/// assert_eq!(pvs[0].vg.as_deref(), Some("rootvg"));
/// assert_eq!(pvs[0].state, Some(PvState::Active));
/// assert_eq!(pvs[1].pvid, None);
/// assert_eq!(pvs[1].vg, None);
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_pv_list(text: &str) -> Result<Vec<PvListEntry>, ParseError> {
    let mut entries = Vec::new();
    for (index, (line_no, line)) in data_lines(text).enumerate() {
        let mut fields = Fields::new(line);
        let (Some(name), Some(pvid)) = (fields.next(), fields.next()) else {
            return Err(ParseError::unexpected_line(
                COMMAND,
                line_no,
                "a disk line: name, PVID, VG [state]",
                line,
            ));
        };
        if index == 0 && name == "NAME" && pvid == "PVID" {
            continue;
        }
        let vg = fields.next();
        entries.push(PvListEntry {
            name: name.to_owned(),
            pvid: unless_none_word(known(pvid)).map(str::to_owned),
            vg: unless_none_word(vg.and_then(known)).map(str::to_owned),
            state: known(fields.rest()).map(PvState::parse),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_unknowns_and_crlf() -> Result<(), ParseError> {
        let text = "NAME  PVID  VG  STATUS\r\nhdisk0 ??????? ??????? ???????\r\nhdisk1 00f6 datavg concurrent  \r\nhdisk2 00f7\r\n";
        let pvs = parse_pv_list(text)?;
        assert_eq!(pvs.len(), 3);
        assert_eq!(
            pvs.first(),
            Some(&PvListEntry {
                name: "hdisk0".into(),
                pvid: None,
                vg: None,
                state: None
            })
        );
        assert_eq!(
            pvs.get(1).and_then(|p| p.state.clone()),
            Some(PvState::Concurrent)
        );
        assert_eq!(
            pvs.get(2).and_then(|p| p.pvid.clone()).as_deref(),
            Some("00f7")
        );
        Ok(())
    }

    #[test]
    fn one_column_is_an_error() {
        assert_eq!(
            parse_pv_list("hdisk0 1 vg\nhdisk1\n")
                .err()
                .map(|e| e.line()),
            Some(2)
        );
    }
}
