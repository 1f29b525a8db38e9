//! `lsvg -M VG`: which logical partition copy every physical partition holds.
//!
//! No byte-exact capture of this command's output was available when this parser was
//! written. The line shapes below come from IBM's description of the command and from
//! IBM's own code that consumes it (summarised in the project's AIX notes, section 2.5),
//! not from a real sample:
//!
//! ```text
//! rootvg                        the volume group name, alone on the first line
//! hdisk4:453      hd1:101       used PP of an unmirrored LV (no copy number)
//! hdisk4:257      hd10opt:1:1   used PP: LV hd10opt, LP 1, copy 1
//! hdisk4:512-639                free PPs 512 to 639 (a lone free PP: hdisk4:512)
//! hdisk8:255      hd1:99:2  stale   copy 2 of LP 99, not current
//! ```
//!
//! Fields are separated by tabs and/or blanks; `stale` is the only state word (a current
//! copy prints nothing after the copy number). Any other trailing word is rejected
//! rather than guessed at, because the stale flag decides whether a copy may be split.
//!
//! This parser must keep up with very large groups (millions of partitions), so it
//! scans bytes without regular expressions, finds line ends with `memchr`, and stores
//! disk and LV names once each, referring to them by index.

use memchr::{memchr, memchr_iter};
use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::name_table::NameTable;

const COMMAND: &str = "lsvg -M";

/// The partition map of one volume group, as `lsvg -M VG` prints it.
///
/// Disk and LV names are stored once, in [`pv_names`](Self::pv_names) and
/// [`lv_names`](Self::lv_names); entries refer to them by index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgPpMap {
    /// The volume group name from the first line, when the output has one.
    pub vg_name: Option<String>,
    /// Disk names; [`PpMapEntry::pv`] indexes this.
    pub pv_names: Vec<String>,
    /// Logical volume names; [`LpCopyRef::lv`] indexes this.
    pub lv_names: Vec<String>,
    /// One entry per line, in print order.
    pub entries: Vec<PpMapEntry>,
}

/// One line of the map: a physical partition (or a range of free ones) on a disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PpMapEntry {
    /// Index into [`VgPpMap::pv_names`].
    pub pv: u32,
    /// Physical partition number (the first one of a free range).
    pub pp: u32,
    /// What the partition holds.
    pub usage: PpUsage,
}

/// What a physical partition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PpUsage {
    /// Free partitions `pp..=last_pp` (equal for a single free partition).
    Free {
        /// Last free partition of the range.
        last_pp: u32,
    },
    /// A copy of a logical partition.
    Lp(LpCopyRef),
}

/// The logical partition copy stored in a physical partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LpCopyRef {
    /// Index into [`VgPpMap::lv_names`].
    pub lv: u32,
    /// Logical partition number within the LV.
    pub lp: u32,
    /// Copy number 1-3; `None` for an LV with a single copy (AIX prints none).
    pub copy: Option<u8>,
    /// The copy is stale: it missed writes and must be resynchronised.
    pub stale: bool,
}

impl VgPpMap {
    /// Name of disk `pv`.
    pub fn pv_name(&self, pv: u32) -> Option<&str> {
        self.pv_names.get(pv as usize).map(String::as_str)
    }

    /// Name of logical volume `lv`.
    pub fn lv_name(&self, lv: u32) -> Option<&str> {
        self.lv_names.get(lv as usize).map(String::as_str)
    }

    /// Index of the disk called `name`.
    pub fn pv_index(&self, name: &str) -> Option<u32> {
        position(&self.pv_names, name)
    }

    /// Index of the logical volume called `name`.
    pub fn lv_index(&self, name: &str) -> Option<u32> {
        position(&self.lv_names, name)
    }

    /// Used partitions as `(disk index, PP number, copy)`.
    pub fn used(&self) -> impl Iterator<Item = (u32, u32, &LpCopyRef)> {
        self.entries.iter().filter_map(|e| match &e.usage {
            PpUsage::Lp(copy) => Some((e.pv, e.pp, copy)),
            PpUsage::Free { .. } => None,
        })
    }

    /// Number of stale physical partitions.
    pub fn stale_count(&self) -> usize {
        self.used().filter(|(_, _, copy)| copy.stale).count()
    }
}

fn position(names: &[String], name: &str) -> Option<u32> {
    names
        .iter()
        .position(|n| n == name)
        .and_then(|i| u32::try_from(i).ok())
}

/// Why one map line was rejected: `(field, expected)`.
type LineFault = (&'static str, &'static str);

const PV_PP: LineFault = ("PV:PP", "`PVname:PPnumber` or `PVname:first-last`");
const LV_LP: LineFault = ("LV:LP", "`LVname:LPnumber` or `LVname:LPnumber:copy`");

#[inline]
fn is_separator(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Splits off the first blank/tab-separated word; returns `(word, rest)`.
#[inline]
fn next_word(text: &[u8]) -> (&[u8], &[u8]) {
    let start = text
        .iter()
        .position(|&b| !is_separator(b))
        .unwrap_or(text.len());
    let text = text.get(start..).unwrap_or_default();
    let end = text
        .iter()
        .position(|&b| is_separator(b))
        .unwrap_or(text.len());
    text.split_at_checked(end).unwrap_or((text, &[]))
}

/// Splits `word` at its last colon: `(before, after)`. Words are short, so a plain
/// backwards scan beats a vectorised search here.
#[inline]
fn split_last_colon(word: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = word.iter().rposition(|&b| b == b':')?;
    Some((word.get(..at)?, word.get(at.checked_add(1)?..)?))
}

/// `N` or `N-M` (a free range).
#[inline]
fn pp_range(text: &[u8]) -> Option<(u32, Option<u32>)> {
    match text.iter().position(|&b| b == b'-') {
        None => Some((number(text)?, None)),
        Some(dash) => {
            let (first, last) = text.split_at_checked(dash)?;
            Some((number(first)?, Some(number(last.get(1..)?)?)))
        }
    }
}

/// Decimal digits only, no sign, no overflow.
#[inline]
fn number(digits: &[u8]) -> Option<u32> {
    // Nine digits cannot overflow a u32, so the common case skips the overflow checks.
    if digits.is_empty() || digits.len() > 9 {
        return long_number(digits);
    }
    let mut value = 0u32;
    for &b in digits {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value.wrapping_mul(10).wrapping_add(u32::from(digit));
    }
    Some(value)
}

/// [`number`] for the rare long (or empty) digit strings.
#[cold]
fn long_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u32::from(digit))
    })
}

#[inline]
fn parse_map_line<'a>(
    line: &'a [u8],
    pvs: &mut NameTable<'a>,
    lvs: &mut NameTable<'a>,
) -> Result<PpMapEntry, LineFault> {
    let (location, rest) = next_word(line);
    let (pv_name, pp_text) = split_last_colon(location).ok_or(PV_PP)?;
    if pv_name.is_empty() {
        return Err(PV_PP);
    }
    let (pp, last_pp) = pp_range(pp_text).ok_or(PV_PP)?;
    let pv = pvs.intern(pv_name).ok_or(("PV", "fewer disk names"))?;

    let (lv_word, rest) = next_word(rest);
    if lv_word.is_empty() {
        let last_pp = last_pp.unwrap_or(pp);
        if last_pp < pp {
            return Err(("free range", "first <= last"));
        }
        return Ok(PpMapEntry {
            pv,
            pp,
            usage: PpUsage::Free { last_pp },
        });
    }
    if last_pp.is_some() {
        return Err(("PV:PP", "a single PP number on a used partition"));
    }

    let (head, last_number) = split_last_colon(lv_word).ok_or(LV_LP)?;
    let last_number = number(last_number).ok_or(LV_LP)?;
    // `lv:lp:copy` or `lv:lp`; a non-numeric middle part belongs to the name.
    let (lv_name, lp, copy) = match split_last_colon(head) {
        Some((name, lp_text)) => match number(lp_text) {
            Some(lp) => (name, lp, Some(last_number)),
            None => (head, last_number, None),
        },
        None => (head, last_number, None),
    };
    if lv_name.is_empty() {
        return Err(LV_LP);
    }
    let copy = match copy {
        None => None,
        Some(n @ 1..=3) => u8::try_from(n).ok(),
        Some(_) => return Err(("copy", "a copy number from 1 to 3")),
    };
    let lv = lvs.intern(lv_name).ok_or(("LV", "fewer LV names"))?;

    let (state, rest) = next_word(rest);
    let stale = match state {
        b"" => false,
        b"stale" => true,
        _ => return Err(("PP state", "`stale` or nothing")),
    };
    if !next_word(rest).0.is_empty() {
        return Err(("end of line", "nothing after the PP state"));
    }
    Ok(PpMapEntry {
        pv,
        pp,
        usage: PpUsage::Lp(LpCopyRef {
            lv,
            lp,
            copy,
            stale,
        }),
    })
}

/// The volume group name line: one word without a colon, or ending in one.
fn heading_name(line: &[u8]) -> Option<&[u8]> {
    let (word, rest) = next_word(line);
    if !rest.is_empty() {
        return None;
    }
    let name = word.strip_suffix(b":").unwrap_or(word);
    (!name.is_empty() && !name.contains(&b':')).then_some(name)
}

/// Parses the output of `lsvg -M VG` (see the module documentation for the format,
/// which was taken from IBM documentation rather than a captured sample).
///
/// Reads one volume group: an optional name line first, then one map line per PP or
/// free range. Empty lines, `\r` and surrounding blanks are ignored.
///
/// # Errors
///
/// Any line that is not a map line (except the name line at the top), a copy number
/// outside 1-3, a free range that runs backwards, or a word after the copy other than
/// `stale`.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{PpUsage, parse_vg_pp_map};
///
/// let text = "rootvg\n\
///             hdisk0:1\thd5:1:1\n\
///             hdisk0:2-9\n\
///             hdisk1:1\thd5:1:2\tstale\n\
///             hdisk1:2\tlv_dump:1\n";
/// let map = parse_vg_pp_map(text)?;
/// assert_eq!(map.vg_name.as_deref(), Some("rootvg"));
/// assert_eq!(map.stale_count(), 1);
/// let stale_pv = map.used().find(|(_, _, c)| c.stale).map(|(pv, _, _)| pv);
/// assert_eq!(stale_pv.and_then(|pv| map.pv_name(pv)), Some("hdisk1"));
/// assert_eq!(map.entries[1].usage, PpUsage::Free { last_pp: 9 });
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_vg_pp_map(text: &str) -> Result<VgPpMap, ParseError> {
    let bytes = text.as_bytes();
    let line_count = memchr_iter(b'\n', bytes).count().saturating_add(1);
    let mut entries = Vec::with_capacity(line_count);
    let mut pvs = NameTable::default();
    let mut lvs = NameTable::default();
    let mut vg_name = None;
    let mut rest = bytes;
    let mut line_no = 0usize;
    while !rest.is_empty() {
        line_no = line_no.saturating_add(1);
        let (raw, tail) = match memchr(b'\n', rest) {
            Some(at) => (
                rest.get(..at).unwrap_or(rest),
                rest.get(at.saturating_add(1)..).unwrap_or_default(),
            ),
            None => (rest, &[][..]),
        };
        rest = tail;
        let line = raw.trim_ascii();
        if line.is_empty() {
            continue;
        }
        if vg_name.is_none()
            && entries.is_empty()
            && let Some(name) = heading_name(line)
        {
            vg_name = Some(String::from_utf8_lossy(name).into_owned());
            continue;
        }
        let entry = parse_map_line(line, &mut pvs, &mut lvs).map_err(|(field, expected)| {
            ParseError::bad_value(
                COMMAND,
                line_no,
                field,
                expected,
                &String::from_utf8_lossy(line),
            )
        })?;
        entries.push(entry);
    }
    Ok(VgPpMap {
        vg_name,
        pv_names: pvs.into_names(),
        lv_names: lvs.into_names(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (disk, PP, LV, LP, copy, stale)
    type UsedRow<'a> = (&'a str, u32, &'a str, u32, Option<u8>, bool);

    fn used(map: &VgPpMap, index: usize) -> Option<UsedRow<'_>> {
        let entry = map.entries.get(index)?;
        match &entry.usage {
            PpUsage::Lp(c) => Some((
                map.pv_name(entry.pv)?,
                entry.pp,
                map.lv_name(c.lv)?,
                c.lp,
                c.copy,
                c.stale,
            )),
            PpUsage::Free { .. } => None,
        }
    }

    #[test]
    fn documented_line_shapes() -> Result<(), ParseError> {
        let text = "rootvg\n\
                    hdisk4:453\thd1:101  \t\n\
                    hdisk4:257\thd10opt:1:1\n\
                    hdisk4:512-639\n\
                    hdisk4:640\n\
                    hdisk8:255\thd1:99:2\tstale\n";
        let map = parse_vg_pp_map(text)?;
        assert_eq!(map.vg_name.as_deref(), Some("rootvg"));
        assert_eq!(map.pv_names, ["hdisk4", "hdisk8"]);
        assert_eq!(map.lv_names, ["hd1", "hd10opt"]);
        assert_eq!(
            used(&map, 0),
            Some(("hdisk4", 453, "hd1", 101, None, false))
        );
        assert_eq!(
            used(&map, 1),
            Some(("hdisk4", 257, "hd10opt", 1, Some(1), false))
        );
        assert_eq!(
            map.entries.get(2).map(|e| (e.pp, e.usage)),
            Some((512, PpUsage::Free { last_pp: 639 }))
        );
        assert_eq!(
            map.entries.get(3).map(|e| (e.pp, e.usage)),
            Some((640, PpUsage::Free { last_pp: 640 }))
        );
        assert_eq!(
            used(&map, 4),
            Some(("hdisk8", 255, "hd1", 99, Some(2), true))
        );
        assert_eq!(map.stale_count(), 1);
        assert_eq!(map.lv_index("hd10opt"), Some(1));
        assert_eq!(map.pv_index("hdisk8"), Some(1));
        assert_eq!(map.pv_index("hdisk9"), None);
        Ok(())
    }

    #[test]
    fn blanks_instead_of_tabs_crlf_no_heading_and_colon_heading() -> Result<(), ParseError> {
        let map = parse_vg_pp_map("hdisk0:1    lv00:1:3    stale  \r\nhdisk0:2 lv00:2:3\r\n")?;
        assert_eq!(map.vg_name, None);
        assert_eq!(used(&map, 0), Some(("hdisk0", 1, "lv00", 1, Some(3), true)));
        assert_eq!(
            used(&map, 1),
            Some(("hdisk0", 2, "lv00", 2, Some(3), false))
        );
        let map = parse_vg_pp_map("datavg:\n\nhdisk0:7 lv:1\n")?;
        assert_eq!(map.vg_name.as_deref(), Some("datavg"));
        assert_eq!(map.entries.len(), 1);
        assert_eq!(parse_vg_pp_map("")?, VgPpMap::default());
        Ok(())
    }

    #[test]
    fn big_numbers_and_renamed_disks() -> Result<(), ParseError> {
        let map = parse_vg_pp_map("EMC_3451_0DEF:123456\tora_lv:65432:1\n")?;
        assert_eq!(
            used(&map, 0),
            Some(("EMC_3451_0DEF", 123456, "ora_lv", 65432, Some(1), false))
        );
        Ok(())
    }

    #[test]
    fn rejected_lines_report_their_number() {
        let cases = [
            ("vg\nhdisk0:1 lv:1:4\n", 2),         // copy out of range
            ("vg\nhdisk0:1 lv:1:0\n", 2),         // copy out of range
            ("hdisk0:1 lv:1:1 fresh\n", 1),       // unknown state word
            ("hdisk0:1 lv:1:1 stale extra\n", 1), // trailing junk
            ("hdisk0:9-3\n", 1),                  // backwards range
            ("hdisk0:1-3 lv:1\n", 1),             // range on a used PP
            ("hdisk0 lv:1\n", 1),                 // no PP number
            (":5 lv:1\n", 1),                     // no disk name
            ("hdisk0:x lv:1\n", 1),               // PP not a number
            ("hdisk0:1 lv\n", 1),                 // no LP
            ("hdisk0:1 :1\n", 1),                 // no LV name
            ("hdisk0:99999999999 lv:1\n", 1),     // PP overflows
            ("hdisk0:1 lv:1\nothervg\n", 2),      // heading only at the top
        ];
        for (text, line) in cases {
            let err = parse_vg_pp_map(text).err();
            assert_eq!(err.as_ref().map(ParseError::line), Some(line), "{text:?}");
        }
    }

    #[test]
    fn non_numeric_middle_part_belongs_to_the_lv_name() -> Result<(), ParseError> {
        // `a:b:5` cannot be LV `a`, LP `b`: read it as LV `a:b`, LP 5, no copy.
        let map = parse_vg_pp_map("hdisk0:1 a:b:5\n")?;
        assert_eq!(used(&map, 0), Some(("hdisk0", 1, "a:b", 5, None, false)));
        Ok(())
    }
}
