//! `lsvg -p VG`: the physical volumes of a volume group.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::{Fields, end_line};
use super::messages::data_lines;
use super::states::PvState;
use super::values::{known, parse_distribution, parse_u32};
use super::vg_lvs::section_name;

const COMMAND: &str = "lsvg -p";

/// The disks `lsvg -p VG` lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgPvList {
    /// The volume group, from the `VGNAME:` line.
    pub vg_name: String,
    /// One row per disk, in print order.
    pub pvs: Vec<VgPvRow>,
}

/// One row of `lsvg -p`. Columns AIX printed as `???????` are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgPvRow {
    /// `PV_NAME`, or the PVID when the heading says `PV ID` (disk unknown to the ODM).
    pub name: String,
    /// `PV STATE`.
    pub state: Option<PvState>,
    /// `TOTAL PPs`.
    pub total_pps: Option<u32>,
    /// `FREE PPs`.
    pub free_pps: Option<u32>,
    /// `FREE DISTRIBUTION`: free PPs per region, outer edge to inner edge.
    pub free_distribution: Option<Vec<u32>>,
}

fn optional<T>(
    line_no: usize,
    field: &'static str,
    expected: &'static str,
    value: &str,
    convert: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, ParseError> {
    match known(value) {
        None => Ok(None),
        Some(v) => convert(v)
            .map(Some)
            .ok_or_else(|| ParseError::bad_value(COMMAND, line_no, field, expected, value)),
    }
}

fn parse_row(line_no: usize, line: &str) -> Result<VgPvRow, ParseError> {
    let mut fields = Fields::new(line);
    let mut next = || fields.next();
    let (Some(name), Some(state), Some(total), Some(free)) = (next(), next(), next(), next())
    else {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "a PV row: name, state, total PPs, free PPs, distribution",
            line,
        ));
    };
    Ok(VgPvRow {
        name: name.to_owned(),
        state: known(state).map(PvState::parse),
        total_pps: optional(line_no, "TOTAL PPs", "a number", total, parse_u32)?,
        free_pps: optional(line_no, "FREE PPs", "a number", free, parse_u32)?,
        free_distribution: optional(
            line_no,
            "FREE DISTRIBUTION",
            "numbers separated by ..",
            fields.rest(),
            parse_distribution,
        )?,
    })
}

/// Parses the output of `lsvg -p VG`.
///
/// # Errors
///
/// No `VGNAME:` line, no `PV_NAME`/`PV ID` heading, a row with fewer than four columns,
/// or a count or distribution that is neither valid nor `???????`.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{PvState, parse_vg_pvs};
///
/// let text = "\
/// datavg:
/// PV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION
/// hdisk1            active            199         68          08..00..00..20..40
/// hdisk2            missing           199         68          08..00..00..20..40
/// ";
/// let list = parse_vg_pvs(text)?;
/// assert_eq!(list.vg_name, "datavg");
/// assert_eq!(list.pvs[1].state, Some(PvState::Missing));
/// assert_eq!(list.pvs[0].free_distribution, Some(vec![8, 0, 0, 20, 40]));
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_vg_pvs(text: &str) -> Result<VgPvList, ParseError> {
    let mut lines = data_lines(text);
    let (line_no, first) = lines
        .next()
        .ok_or_else(|| ParseError::missing(COMMAND, end_line(text), "the `VGNAME:` line"))?;
    let vg_name = section_name(first).ok_or_else(|| {
        ParseError::unexpected_line(COMMAND, line_no, "the `VGNAME:` line", first)
    })?;
    let (line_no, heading) = lines
        .next()
        .ok_or_else(|| ParseError::missing(COMMAND, end_line(text), "the `PV_NAME` heading"))?;
    let heading = heading.trim_start();
    if !(heading.starts_with("PV_NAME") || heading.starts_with("PV ID")) {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "the `PV_NAME` heading",
            heading,
        ));
    }
    let pvs = lines
        .map(|(line_no, line)| parse_row(line_no, line))
        .collect::<Result<_, _>>()?;
    Ok(VgPvList {
        vg_name: vg_name.to_owned(),
        pvs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pvid_heading_unknowns_and_wide_distribution() -> Result<(), ParseError> {
        let text = "vg1:\r\nPV ID             PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\r\n\
                    00ce4b6a01292201  removed  2157  1019  ???????\r\n\
                    hdisk3 ??????? ??? 5 100..200..300..400..19  \r\n";
        let list = parse_vg_pvs(text)?;
        let first = list.pvs.first();
        assert_eq!(first.map(|r| r.name.as_str()), Some("00ce4b6a01292201"));
        assert_eq!(first.and_then(|r| r.state.clone()), Some(PvState::Removed));
        assert_eq!(first.and_then(|r| r.free_distribution.clone()), None);
        let second = list.pvs.get(1);
        assert_eq!(second.and_then(|r| r.state.clone()), None);
        assert_eq!(second.and_then(|r| r.total_pps), None);
        assert_eq!(
            second.and_then(|r| r.free_distribution.clone()),
            Some(vec![100, 200, 300, 400, 19])
        );
        Ok(())
    }

    #[test]
    fn missing_disk_message_between_heading_and_rows() -> Result<(), ParseError> {
        // stderr and stdout of a terminal session, as published.
        let text = "datavg:\n\
                    PV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n\
                    0516-304 : Unable to find device id 00ce4b6a01292201 in the Device\n\
                    Configuration Database.\n\
                    00ce4b6a01292201  missing           2157        1019        432..00..00..155..432\n\
                    hdisk3            active            2157        1019        432..00..00..155..432\n";
        let list = parse_vg_pvs(text)?;
        assert_eq!(list.pvs.len(), 2);
        assert_eq!(
            list.pvs.first().and_then(|r| r.state.clone()),
            Some(PvState::Missing)
        );
        assert_eq!(
            list.pvs.first().map(|r| r.name.as_str()),
            Some("00ce4b6a01292201")
        );
        assert_eq!(
            list.pvs.first().and_then(|r| r.free_distribution.clone()),
            Some(vec![432, 0, 0, 155, 432])
        );
        Ok(())
    }

    #[test]
    fn errors_name_the_line() {
        let head = "vg:\nPV_NAME  PV STATE  TOTAL PPs  FREE PPs  FREE DISTRIBUTION\n";
        let bad = format!("{head}hdisk1 active x 1 00..00..00..00..00\n");
        assert_eq!(parse_vg_pvs(&bad).err().map(|e| e.line()), Some(3));
        let bad = format!("{head}hdisk1 active 1 1 00..xx\n");
        assert_eq!(parse_vg_pvs(&bad).err().map(|e| e.line()), Some(3));
        let short = format!("{head}hdisk1 active\n");
        assert_eq!(parse_vg_pvs(&short).err().map(|e| e.line()), Some(3));
        assert_eq!(
            parse_vg_pvs("vg:\nLV NAME\n").err().map(|e| e.line()),
            Some(2)
        );
    }
}
