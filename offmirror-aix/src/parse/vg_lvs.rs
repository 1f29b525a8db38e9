//! `lsvg -l VG`: the logical volumes of a volume group.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::{Fields, end_line};
use super::messages::data_lines;
use super::states::LvState;
use super::values::{known, parse_u32, unless_none_word};

const COMMAND: &str = "lsvg -l";

/// The logical volumes `lsvg -l VG` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgLvList {
    /// The volume group, from the `VGNAME:` line.
    pub vg_name: String,
    /// One row per logical volume, in print order.
    pub lvs: Vec<VgLvRow>,
}

/// One row of `lsvg -l`. Columns AIX printed as `???????` are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgLvRow {
    /// `LV NAME`.
    pub name: String,
    /// `TYPE` (`jfs2`, `jfs2log`, `paging`, `boot`, `sysdump`, ...).
    pub lv_type: Option<String>,
    /// `LPs`: logical partitions.
    pub lps: Option<u32>,
    /// `PPs`: physical partitions (LPs × copies when every LP has all its copies).
    pub pps: Option<u32>,
    /// `PVs`: disks the LV touches (not the number of copies).
    pub pvs: Option<u32>,
    /// `LV STATE` (`open/syncd`, `closed/stale`, ...).
    pub state: Option<LvState>,
    /// `MOUNT POINT`; `None` for `N/A`.
    pub mount_point: Option<String>,
}

impl VgLvRow {
    /// Copies per LP as PPs / LPs, when that division is exact.
    ///
    /// Only a hint: `lslv` `COPIES:` is the configured value.
    pub fn copies_hint(&self) -> Option<u32> {
        let (lps, pps) = (self.lps?, self.pps?);
        (lps > 0 && pps % lps == 0).then(|| pps / lps)
    }
}

fn optional_number(
    line_no: usize,
    field: &'static str,
    value: &str,
) -> Result<Option<u32>, ParseError> {
    match known(value) {
        None => Ok(None),
        Some(v) => parse_u32(v)
            .map(Some)
            .ok_or_else(|| ParseError::bad_value(COMMAND, line_no, field, "a number", value)),
    }
}

fn parse_row(line_no: usize, line: &str) -> Result<VgLvRow, ParseError> {
    let mut fields = Fields::new(line);
    let mut next = || fields.next();
    let (Some(name), Some(lv_type), Some(lps), Some(pps), Some(pvs), Some(state)) =
        (next(), next(), next(), next(), next(), next())
    else {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "an LV row: name, type, LPs, PPs, PVs, state [mount point]",
            line,
        ));
    };
    let state = match known(state) {
        None => None,
        Some(v) => Some(LvState::parse(v).ok_or_else(|| {
            ParseError::bad_value(COMMAND, line_no, "LV STATE", "open|closed/syncd|stale", v)
        })?),
    };
    Ok(VgLvRow {
        name: name.to_owned(),
        lv_type: known(lv_type).map(str::to_owned),
        lps: optional_number(line_no, "LPs", lps)?,
        pps: optional_number(line_no, "PPs", pps)?,
        pvs: optional_number(line_no, "PVs", pvs)?,
        state,
        mount_point: unless_none_word(known(fields.rest())).map(str::to_owned),
    })
}

/// Parses the output of `lsvg -l VG` (also the VIOS `lsvg -lv VG`).
///
/// The mount point is the rest of the line, so it may contain blanks.
///
/// # Errors
///
/// No `VGNAME:` line, no `LV NAME ...` heading, a row with fewer than six columns, or a
/// count or state that is neither valid nor `???????`.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_vg_lvs;
///
/// let text = "\
/// rootvg:
/// LV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT
/// hd4                 jfs2       3       6       2    open/stale    /
/// lv_dump             sysdump    16      16      1    open/syncd    N/A
/// ";
/// let list = parse_vg_lvs(text)?;
/// assert_eq!(list.vg_name, "rootvg");
/// let hd4 = &list.lvs[0];
/// assert_eq!(hd4.copies_hint(), Some(2));
/// assert!(hd4.state.is_some_and(|s| s.open && s.stale));
/// assert_eq!(hd4.mount_point.as_deref(), Some("/"));
/// assert_eq!(list.lvs[1].mount_point, None);
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_vg_lvs(text: &str) -> Result<VgLvList, ParseError> {
    let mut lines = data_lines(text);
    let (line_no, first) = lines
        .next()
        .ok_or_else(|| ParseError::missing(COMMAND, end_line(text), "the `VGNAME:` line"))?;
    let vg_name = section_name(first).ok_or_else(|| {
        ParseError::unexpected_line(COMMAND, line_no, "the `VGNAME:` line", first)
    })?;
    let (line_no, heading) = lines
        .next()
        .ok_or_else(|| ParseError::missing(COMMAND, end_line(text), "the `LV NAME` heading"))?;
    if !heading.trim_start().starts_with("LV NAME") {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "the `LV NAME` heading",
            heading,
        ));
    }
    let lvs = lines
        .map(|(line_no, line)| parse_row(line_no, line))
        .collect::<Result<_, _>>()?;
    Ok(VgLvList {
        vg_name: vg_name.to_owned(),
        lvs,
    })
}

/// The name in a `NAME:` line that opens a listing (`rootvg:`, `hdisk0:`).
pub(crate) fn section_name(line: &str) -> Option<&str> {
    let mut fields = Fields::new(line);
    let name = fields.next()?.strip_suffix(':')?;
    (fields.next().is_none() && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "LV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT";

    #[test]
    fn unknowns_blanks_in_mount_point_and_crlf() -> Result<(), ParseError> {
        let text = format!(
            "datavg:\r\n{HEAD}\r\nlv1   ???????  ???   6   2   ???????   /my data  \r\nlv2 jfs2 1 1 1 closed/syncd\r\n"
        );
        let list = parse_vg_lvs(&text)?;
        let lv1 = list.lvs.first();
        assert_eq!(lv1.map(|r| r.lv_type.clone()), Some(None));
        assert_eq!(lv1.map(|r| r.lps), Some(None));
        assert_eq!(lv1.map(|r| r.pps), Some(Some(6)));
        assert_eq!(lv1.map(|r| r.state), Some(None));
        assert_eq!(lv1.and_then(|r| r.mount_point.as_deref()), Some("/my data"));
        assert_eq!(lv1.and_then(VgLvRow::copies_hint), None);
        let lv2 = list.lvs.get(1);
        assert_eq!(lv2.and_then(|r| r.mount_point.clone()), None);
        assert_eq!(
            lv2.and_then(|r| r.state),
            Some(LvState {
                open: false,
                stale: false
            })
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_line() {
        let bad_state = format!("vg:\n{HEAD}\nlv jfs2 1 1 1 open/weird N/A\n");
        assert_eq!(parse_vg_lvs(&bad_state).err().map(|e| e.line()), Some(3));
        let short = format!("vg:\n{HEAD}\nlv jfs2 1 1\n");
        assert_eq!(parse_vg_lvs(&short).err().map(|e| e.line()), Some(3));
        assert_eq!(parse_vg_lvs("vg\n").err().map(|e| e.line()), Some(1));
        assert_eq!(parse_vg_lvs("vg:\n").err().map(|e| e.line()), Some(2));
        assert_eq!(parse_vg_lvs("").err().map(|e| e.line()), Some(1));
        // Only the varied-off message: no listing at all.
        let varied_off = "0516-010 : Volume group must be varied on; use varyonvg command.\n";
        let err = parse_vg_lvs(varied_off).err();
        assert_eq!(
            err.as_ref().map(ParseError::expected),
            Some("the `VGNAME:` line")
        );
        let no_head = "vg:\nhd4 jfs2 1 1 1 open/syncd /\n";
        assert_eq!(parse_vg_lvs(no_head).err().map(|e| e.line()), Some(2));
    }

    #[test]
    fn section_names() {
        assert_eq!(section_name("rootvg:"), Some("rootvg"));
        assert_eq!(section_name("rootvg"), None);
        assert_eq!(section_name(":"), None);
        assert_eq!(section_name("a: b"), None);
    }
}
