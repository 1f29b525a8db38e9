//! `lslv -m LV`: where each logical partition's copies live.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::{Fields, end_line};
use super::messages::data_lines;
use super::values::{known, parse_u32, unless_none_word};

const COMMAND: &str = "lslv -m";

/// Most copies an LP can have.
const MAX_COPIES: usize = 3;

/// The map `lslv -m LV` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LvPpMap {
    /// The logical volume, from the `lvname:mountpoint` line.
    pub lv_name: String,
    /// The mount point from that line; `None` for `N/A`.
    pub mount_point: Option<String>,
    /// One row per logical partition, in print order.
    pub lps: Vec<LpRow>,
}

/// One logical partition and its copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LpRow {
    /// Logical partition number.
    pub lp: u32,
    /// Copy 1, 2, 3 in that order (index 0 is copy 1); shorter when the LP has fewer
    /// copies. `lslv -m` does not show which copies are stale.
    pub copies: Vec<PpLocation>,
}

/// A physical partition on a disk.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PpLocation {
    /// Physical partition number.
    pub pp: u32,
    /// Disk name (or PVID when the heading says `PVID1`...).
    pub pv: String,
}

impl LvPpMap {
    /// The disks holding copy `copy` (1-3) of any LP, sorted, without repeats.
    pub fn copy_pvs(&self, copy: usize) -> BTreeSet<&str> {
        let index = copy.saturating_sub(1);
        if copy == 0 {
            return BTreeSet::new();
        }
        self.lps
            .iter()
            .filter_map(|row| row.copies.get(index))
            .map(|loc| loc.pv.as_str())
            .collect()
    }

    /// Largest number of copies any LP has.
    pub fn max_copies(&self) -> usize {
        self.lps
            .iter()
            .map(|row| row.copies.len())
            .max()
            .unwrap_or(0)
    }
}

fn parse_row(line_no: usize, line: &str) -> Result<LpRow, ParseError> {
    let mut fields = Fields::new(line);
    let lp_text = fields.next().unwrap_or("");
    let lp = parse_u32(lp_text)
        .ok_or_else(|| ParseError::bad_value(COMMAND, line_no, "LP", "a number", lp_text))?;
    let mut copies = Vec::with_capacity(2);
    while let Some(pp_text) = fields.next() {
        let pp = parse_u32(pp_text)
            .ok_or_else(|| ParseError::bad_value(COMMAND, line_no, "PP", "a number", pp_text))?;
        let pv = fields.next().ok_or_else(|| {
            ParseError::unexpected_line(COMMAND, line_no, "a PV name after each PP number", line)
        })?;
        if copies.len() == MAX_COPIES {
            return Err(ParseError::unexpected_line(
                COMMAND,
                line_no,
                "at most three PP/PV pairs",
                line,
            ));
        }
        copies.push(PpLocation {
            pp,
            pv: pv.to_owned(),
        });
    }
    Ok(LpRow { lp, copies })
}

/// Parses the output of `lslv -m LV`.
///
/// Numbers are read whatever their width (`%.4d` is only a minimum: PP 12345 prints five
/// digits), and disk names of any length are accepted.
///
/// # Errors
///
/// No `lvname:mountpoint` line, no `LP ...` heading, or a row whose LP or PP is not a
/// number, whose last PP has no disk, or that has more than three copies.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_lv_pp_map;
///
/// let text = "\
/// ora001:/oracle/oradb/ora001
/// LP    PP1  PV1               PP2  PV2               PP3  PV3
/// 0001  0035 hdisk2            0049 hdisk3
/// 0002  10036 hdisk2           0050 hdisk3
/// ";
/// let map = parse_lv_pp_map(text)?;
/// assert_eq!(map.lv_name, "ora001");
/// assert_eq!(map.mount_point.as_deref(), Some("/oracle/oradb/ora001"));
/// assert_eq!(map.lps[1].copies[0].pp, 10036);
/// assert!(map.copy_pvs(2).contains("hdisk3"));
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_lv_pp_map(text: &str) -> Result<LvPpMap, ParseError> {
    let mut lines = data_lines(text);
    let (line_no, first) = lines.next().ok_or_else(|| {
        ParseError::missing(COMMAND, end_line(text), "the `lvname:mountpoint` line")
    })?;
    let (lv_name, mount_point) = first
        .trim_start()
        .split_once(':')
        .filter(|(name, _)| !name.is_empty() && Fields::new(name).nth(1).is_none())
        .ok_or_else(|| {
            ParseError::unexpected_line(COMMAND, line_no, "the `lvname:mountpoint` line", first)
        })?;
    let (line_no, heading) = lines
        .next()
        .ok_or_else(|| ParseError::missing(COMMAND, end_line(text), "the `LP PP1 PV1` heading"))?;
    if Fields::new(heading).next() != Some("LP") {
        return Err(ParseError::unexpected_line(
            COMMAND,
            line_no,
            "the `LP PP1 PV1` heading",
            heading,
        ));
    }
    let lps = lines
        .map(|(line_no, line)| parse_row(line_no, line))
        .collect::<Result<_, _>>()?;
    Ok(LvPpMap {
        lv_name: lv_name.to_owned(),
        mount_point: unless_none_word(known(mount_point)).map(str::to_owned),
        lps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "LP    PP1  PV1               PP2  PV2               PP3  PV3";

    #[test]
    fn three_copies_wide_numbers_long_names_trailing_blanks() -> Result<(), ParseError> {
        let text = format!(
            "lv00:N/A\r\n{HEAD}\r\n\
             0001  0001 hdisk0            0001 hdisk1            0001 hdisk2  \r\n\
             12345  65535 a_very_long_renamed_disk_name  12000 hdisk1  \r\n\
             0003  0007 hdisk0  \r\n"
        );
        let map = parse_lv_pp_map(&text)?;
        assert_eq!(map.lv_name, "lv00");
        assert_eq!(map.mount_point, None);
        assert_eq!(map.lps.len(), 3);
        assert_eq!(map.lps.first().map(|r| r.copies.len()), Some(3));
        let wide = map.lps.get(1);
        assert_eq!(wide.map(|r| r.lp), Some(12345));
        assert_eq!(
            wide.and_then(|r| r.copies.first()).cloned(),
            Some(PpLocation {
                pp: 65535,
                pv: "a_very_long_renamed_disk_name".into()
            })
        );
        assert_eq!(map.lps.get(2).map(|r| r.copies.len()), Some(1));
        assert_eq!(map.max_copies(), 3);
        assert_eq!(map.copy_pvs(3).into_iter().collect::<Vec<_>>(), ["hdisk2"]);
        assert!(map.copy_pvs(0).is_empty());
        Ok(())
    }

    #[test]
    fn errors_name_the_line() {
        let four = format!("lv:N/A\n{HEAD}\n1 1 a 2 b 3 c 4 d\n");
        assert_eq!(parse_lv_pp_map(&four).err().map(|e| e.line()), Some(3));
        let odd = format!("lv:N/A\n{HEAD}\n1 1 a 2\n");
        assert_eq!(parse_lv_pp_map(&odd).err().map(|e| e.line()), Some(3));
        let bad_pp = format!("lv:N/A\n{HEAD}\n1 x a\n");
        assert_eq!(parse_lv_pp_map(&bad_pp).err().map(|e| e.line()), Some(3));
        assert_eq!(parse_lv_pp_map("lv\n").err().map(|e| e.line()), Some(1));
        assert_eq!(parse_lv_pp_map("a b:/x\n").err().map(|e| e.line()), Some(1));
        assert_eq!(
            parse_lv_pp_map("lv:/x\nPP\n").err().map(|e| e.line()),
            Some(2)
        );
    }
}
