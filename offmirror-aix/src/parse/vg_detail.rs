//! `lsvg VG`: the volume-group detail screen.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::lines::Fields;
use super::screen::{Screen, ScreenLayout};
use super::size::parse_size_bytes;
use super::values::parse_u32;

const LAYOUT: ScreenLayout = ScreenLayout {
    command: "lsvg",
    right_labels: &[
        "VG IDENTIFIER:",
        "PP SIZE:",
        "TOTAL PPs:",
        "FREE PPs:",
        "USED PPs:",
        "QUORUM:",
        "VG DESCRIPTORS:",
        "STALE PPs:",
        "AUTO ON:",
        "MAX PVs:",
        "AUTO SYNC:",
        "BB POLICY:",
        "INFINITE RETRY:",
        "CRITICAL VG:",
        "CRITICAL PVs:",
        "Auto-Concurrent:",
        "Active Nodes:",
    ],
    colonless_labels: &[],
};

/// Whether the volume group is varied on, from `VG STATE:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VgState {
    /// `active`: varied on.
    Active,
    /// Any other word, kept as printed.
    Other(String),
}

impl VgState {
    fn parse(value: &str) -> Self {
        if value.eq_ignore_ascii_case("active") {
            Self::Active
        } else {
            Self::Other(value.to_owned())
        }
    }
}

/// The `QUORUM:` field: `2 (Enabled)`, `1 (Disabled)`, or just `2` on old releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Quorum {
    /// The number printed.
    pub count: u32,
    /// `Some(true)` for `(Enabled)`, `Some(false)` for `(Disabled)`, `None` when the
    /// release prints only the number.
    pub enabled: Option<bool>,
}

impl Quorum {
    fn parse(value: &str) -> Option<Self> {
        let mut fields = Fields::new(value);
        let count = parse_u32(fields.next()?)?;
        let note = fields.rest();
        let enabled = if note.is_empty() {
            None
        } else {
            let word = note.strip_prefix('(')?.strip_suffix(')')?;
            match word.to_ascii_lowercase().as_str() {
                "enabled" => Some(true),
                "disabled" => Some(false),
                _ => return None,
            }
        };
        Some(Self { count, enabled })
    }
}

/// What `lsvg VG` shows about one volume group.
///
/// Everything except the name is optional: a field is `None` when the release does
/// not print it or AIX printed `???????` for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VgDetail {
    /// `VOLUME GROUP:`.
    pub name: String,
    /// `VG IDENTIFIER:`.
    pub identifier: Option<String>,
    /// `VG STATE:`.
    pub state: Option<VgState>,
    /// `VG PERMISSION:` (`read/write`, ...).
    pub permission: Option<String>,
    /// `PP SIZE:` in bytes.
    pub pp_size_bytes: Option<u64>,
    /// `TOTAL PPs:` (the count, without the size in parentheses).
    pub total_pps: Option<u32>,
    /// `FREE PPs:`.
    pub free_pps: Option<u32>,
    /// `USED PPs:`.
    pub used_pps: Option<u32>,
    /// `MAX LVs:`.
    pub max_lvs: Option<u32>,
    /// `LVs:`: logical volumes in the group.
    pub lvs: Option<u32>,
    /// `OPEN LVs:`.
    pub open_lvs: Option<u32>,
    /// `QUORUM:`.
    pub quorum: Option<Quorum>,
    /// `TOTAL PVs:`: disks in the group.
    pub total_pvs: Option<u32>,
    /// `ACTIVE PVs:`: disks currently active; fewer than `total_pvs` means a disk is
    /// missing.
    pub active_pvs: Option<u32>,
    /// `STALE PVs:`: disks holding at least one stale partition.
    pub stale_pvs: Option<u32>,
    /// `STALE PPs:`: stale physical partitions in the group; 0 when every mirror copy
    /// is current.
    pub stale_pps: Option<u32>,
    /// `VG DESCRIPTORS:`.
    pub vg_descriptors: Option<u32>,
    /// `AUTO ON:`: varied on at boot.
    pub auto_on: Option<bool>,
    /// `AUTO SYNC:`: stale partitions resynchronised automatically.
    pub auto_sync: Option<bool>,
    /// `MAX PPs per VG:`.
    pub max_pps_per_vg: Option<u32>,
    /// `MAX PPs per PV:` (not printed for scalable groups).
    pub max_pps_per_pv: Option<u32>,
    /// `MAX PVs:` (32 normal, 128 big, 1024 scalable).
    pub max_pvs: Option<u32>,
    /// `LTG size (Dynamic):` / `LTG size:` in bytes.
    pub ltg_size_bytes: Option<u64>,
    /// `HOT SPARE:` as printed (`no`, `yes (one to one)`, ...).
    pub hot_spare: Option<String>,
    /// `BB POLICY:`.
    pub bb_policy: Option<String>,
    /// `MIRROR POOL STRICT:` (AIX 6.1+).
    pub mirror_pool_strict: Option<String>,
    /// `PV RESTRICTION:`.
    pub pv_restriction: Option<String>,
    /// `INFINITE RETRY:`.
    pub infinite_retry: Option<String>,
    /// `DISK BLOCK SIZE:`.
    pub disk_block_size: Option<u32>,
    /// `CRITICAL VG:`.
    pub critical_vg: Option<String>,
    /// `FS SYNC OPTION:`.
    pub fs_sync_option: Option<String>,
    /// `CRITICAL PVs:`.
    pub critical_pvs: Option<String>,
    /// `ENCRYPTION:`.
    pub encryption: Option<String>,
}

impl VgDetail {
    /// True when fewer disks are active than the group has.
    pub fn has_missing_pvs(&self) -> bool {
        matches!((self.active_pvs, self.total_pvs), (Some(a), Some(t)) if a < t)
    }
}

/// Parses the screen `lsvg VG` prints.
///
/// # Errors
///
/// A line without any `LABEL:`, a missing or unknown `VOLUME GROUP:`, or a field read
/// into a number, size, flag or quorum whose value is not one.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::parse_vg_detail;
///
/// let text = "\
/// VOLUME GROUP:       rootvg                   VG IDENTIFIER:  00082a6a0000d400000001321aa20bf2
/// VG STATE:           active                   PP SIZE:        64 megabyte(s)
/// TOTAL PVs:          2                        VG DESCRIPTORS: 3
/// STALE PVs:          1                        STALE PPs:      12
/// ACTIVE PVs:         2                        AUTO ON:        yes
/// ";
/// let vg = parse_vg_detail(text)?;
/// assert_eq!(vg.name, "rootvg");
/// assert_eq!(vg.pp_size_bytes, Some(64 * 1024 * 1024));
/// assert_eq!(vg.stale_pps, Some(12));
/// assert!(!vg.has_missing_pvs());
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_vg_detail(text: &str) -> Result<VgDetail, ParseError> {
    let screen = Screen::parse(&LAYOUT, text)?;
    Ok(VgDetail {
        name: screen.required("VOLUME GROUP")?.to_owned(),
        identifier: screen.string("VG IDENTIFIER"),
        state: screen.text("VG STATE").map(VgState::parse),
        permission: screen.string("VG PERMISSION"),
        pp_size_bytes: screen.size("PP SIZE")?,
        total_pps: screen.count("TOTAL PPs")?,
        free_pps: screen.count("FREE PPs")?,
        used_pps: screen.count("USED PPs")?,
        max_lvs: screen.count("MAX LVs")?,
        lvs: screen.count("LVs")?,
        open_lvs: screen.count("OPEN LVs")?,
        quorum: screen.convert(
            screen.raw("QUORUM"),
            "QUORUM",
            "a number and (Enabled) or (Disabled)",
            Quorum::parse,
        )?,
        total_pvs: screen.count("TOTAL PVs")?,
        active_pvs: screen.count("ACTIVE PVs")?,
        stale_pvs: screen.count("STALE PVs")?,
        stale_pps: screen.count("STALE PPs")?,
        vg_descriptors: screen.count("VG DESCRIPTORS")?,
        auto_on: screen.flag("AUTO ON")?,
        auto_sync: screen.flag("AUTO SYNC")?,
        max_pps_per_vg: screen.count("MAX PPs per VG")?,
        max_pps_per_pv: screen.count("MAX PPs per PV")?,
        max_pvs: screen.count("MAX PVs")?,
        ltg_size_bytes: screen.convert(
            screen.raw_prefixed("LTG size"),
            "LTG size",
            "a number and a unit",
            parse_size_bytes,
        )?,
        hot_spare: screen.string("HOT SPARE"),
        bb_policy: screen.string("BB POLICY"),
        mirror_pool_strict: screen.string("MIRROR POOL STRICT"),
        pv_restriction: screen.string("PV RESTRICTION"),
        infinite_retry: screen.string("INFINITE RETRY"),
        disk_block_size: screen.count("DISK BLOCK SIZE")?,
        critical_vg: screen.string("CRITICAL VG"),
        fs_sync_option: screen.string("FS SYNC OPTION"),
        critical_pvs: screen.string("CRITICAL PVs"),
        encryption: screen.string("ENCRYPTION"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_values_crlf_and_missing_disk() -> Result<(), ParseError> {
        let text = "VOLUME GROUP:       datavg                   VG IDENTIFIER:  ???????\r\n\
                    VG STATE:           active                   PP SIZE:        1 gigabyte(s)   \r\n\
                    TOTAL PVs:          3                        VG DESCRIPTORS: ???????\r\n\
                    ACTIVE PVs:         2                        AUTO ON:        no\r\n\
                    QUORUM:             1 (Disabled)\r\n";
        let vg = parse_vg_detail(text)?;
        assert_eq!(vg.name, "datavg");
        assert_eq!(vg.identifier, None);
        assert_eq!(vg.vg_descriptors, None);
        assert_eq!(vg.state, Some(VgState::Active));
        assert_eq!(vg.pp_size_bytes, Some(1 << 30));
        assert_eq!(vg.auto_on, Some(false));
        assert_eq!(
            vg.quorum,
            Some(Quorum {
                count: 1,
                enabled: Some(false)
            })
        );
        assert!(vg.has_missing_pvs());
        Ok(())
    }

    #[test]
    fn unlisted_right_hand_label_does_not_spoil_the_left_value() -> Result<(), ParseError> {
        let text = "VOLUME GROUP:       vg1\nSTALE PVs:          0                        NEW FIELD (x):  7\n";
        let vg = parse_vg_detail(text)?;
        assert_eq!(vg.stale_pvs, Some(0));
        Ok(())
    }

    #[test]
    fn old_quorum_form_and_bad_values() {
        assert_eq!(
            Quorum::parse("2"),
            Some(Quorum {
                count: 2,
                enabled: None
            })
        );
        assert_eq!(Quorum::parse("2 (Maybe)"), None);
        let err = parse_vg_detail("VOLUME GROUP: vg\nTOTAL PVs: many\n").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(2));
        let err = parse_vg_detail("VG STATE: active\n").err();
        assert_eq!(err.as_ref().map(ParseError::expected), Some("VOLUME GROUP"));
    }
}
