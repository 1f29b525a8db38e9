//! `lslv LV`: the logical-volume detail screen.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::screen::{Screen, ScreenLayout};
use super::states::LvState;
use super::values::unless_none_word;

const LAYOUT: ScreenLayout = ScreenLayout {
    command: "lslv",
    right_labels: &[
        "VOLUME GROUP:",
        "PERMISSION:",
        "LV STATE:",
        "WRITE VERIFY:",
        "PP SIZE:",
        "SCHED POLICY:",
        "PPs:",
        "BB POLICY:",
        "RELOCATABLE:",
        "UPPER BOUND:",
        "LABEL:",
        "DEVICE GID:",
        "PREFERRED READ:",
    ],
    colonless_labels: &[],
};

/// `VG STATE:` as `lslv` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VgActivation {
    /// `active/complete`: varied on, every disk active.
    ActiveComplete,
    /// `active/partial`: varied on, some disk not active.
    ActivePartial,
    /// `inactive`: not varied on.
    Inactive,
    /// Any other value, kept as printed.
    Other(String),
}

impl VgActivation {
    fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().as_str() {
            "active/complete" => Self::ActiveComplete,
            "active/partial" => Self::ActivePartial,
            "inactive" => Self::Inactive,
            _ => Self::Other(value.to_owned()),
        }
    }
}

/// `MIRROR WRITE CONSISTENCY:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MirrorWriteConsistency {
    /// `on/ACTIVE`: in-flight writes are logged, crashed LPs resync at varyon.
    Active,
    /// `on/PASSIVE`.
    Passive,
    /// `off`: after a crash the copies may differ until `syncvg -f`.
    Off,
    /// Any other value, kept as printed.
    Other(String),
}

impl MirrorWriteConsistency {
    fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().as_str() {
            "on/active" | "on" | "active" => Self::Active,
            "on/passive" | "passive" => Self::Passive,
            "off" => Self::Off,
            _ => Self::Other(value.to_owned()),
        }
    }
}

/// `EACH LP COPY ON A SEPARATE PV ?:` (the allocation strictness).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Strictness {
    /// `yes`: copies of one LP never share a disk.
    Strict,
    /// `no`.
    NotStrict,
    /// `superstrict` (spelling not confirmed from a sample).
    SuperStrict,
    /// Any other value, kept as printed.
    Other(String),
}

impl Strictness {
    fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().as_str() {
            "yes" => Self::Strict,
            "no" => Self::NotStrict,
            "superstrict" | "super strict" | "yes (superstrict)" => Self::SuperStrict,
            _ => Self::Other(value.to_owned()),
        }
    }
}

/// What `lslv LV` shows about one logical volume.
///
/// Everything except the name is optional: a field is `None` when the release does
/// not print it or AIX printed `???????` for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LvDetail {
    /// `LOGICAL VOLUME:`.
    pub name: String,
    /// `VOLUME GROUP:`.
    pub vg_name: Option<String>,
    /// `LV IDENTIFIER:` (`<vgid>.<minor>`).
    pub identifier: Option<String>,
    /// `PERMISSION:` (`read/write`, `read-only`).
    pub permission: Option<String>,
    /// `VG STATE:`.
    pub vg_state: Option<VgActivation>,
    /// `LV STATE:` (`opened/syncd`, `closed/stale`, ...).
    pub state: Option<LvState>,
    /// `TYPE:`.
    pub lv_type: Option<String>,
    /// `WRITE VERIFY:`.
    pub write_verify: Option<String>,
    /// `MAX LPs:`.
    pub max_lps: Option<u32>,
    /// `PP SIZE:` in bytes.
    pub pp_size_bytes: Option<u64>,
    /// `COPIES:`: configured copies, 1-3.
    pub copies: Option<u32>,
    /// `SCHED POLICY:`.
    pub sched_policy: Option<String>,
    /// `LPs:`.
    pub lps: Option<u32>,
    /// `PPs:`: allocated physical partitions.
    pub pps: Option<u32>,
    /// `STALE PPs:`: stale physical partitions of this LV.
    pub stale_pps: Option<u32>,
    /// `BB POLICY:`.
    pub bb_policy: Option<String>,
    /// `INTER-POLICY:`.
    pub inter_policy: Option<String>,
    /// `RELOCATABLE:`.
    pub relocatable: Option<bool>,
    /// `INTRA-POLICY:`.
    pub intra_policy: Option<String>,
    /// `UPPER BOUND:`.
    pub upper_bound: Option<u32>,
    /// `MOUNT POINT:`; `None` for `N/A`.
    pub mount_point: Option<String>,
    /// `LABEL:`; `None` for `None`.
    pub label: Option<String>,
    /// `MIRROR WRITE CONSISTENCY:`.
    pub mirror_write_consistency: Option<MirrorWriteConsistency>,
    /// `EACH LP COPY ON A SEPARATE PV ?:`.
    pub strictness: Option<Strictness>,
    /// `Serialize IO ?:`.
    pub serialize_io: Option<String>,
    /// `INFINITE RETRY:`.
    pub infinite_retry: Option<String>,
    /// `PREFERRED READ:` (0 = no preferred copy).
    pub preferred_read: Option<u32>,
    /// `DEVICESUBTYPE:`.
    pub device_subtype: Option<String>,
    /// `COPY 1/2/3 MIRROR POOL:`; `None` for `None` or when not printed.
    pub copy_mirror_pools: [Option<String>; 3],
    /// `ENCRYPTION:`.
    pub encryption: Option<String>,
}

impl LvDetail {
    /// Whether every LP has all its copies (`PPs == LPs × COPIES`); `None` when a
    /// number is unknown.
    pub fn all_copies_allocated(&self) -> Option<bool> {
        let expected = self.lps?.checked_mul(self.copies?)?;
        Some(self.pps? == expected)
    }
}

/// Parses the screen `lslv LV` prints.
///
/// # Errors
///
/// A line without any `LABEL:`, a missing or unknown `LOGICAL VOLUME:`, an `LV STATE:`
/// other than open/opened/closed + syncd/stale, or a number, size or flag field whose
/// value is not one.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{MirrorWriteConsistency, parse_lv_detail};
///
/// let text = "\
/// LOGICAL VOLUME:     part1                  VOLUME GROUP:   datavg
/// LV IDENTIFIER:      00f9fd4b00004c0000000154c85198be.1 PERMISSION:     read/write
/// VG STATE:           active/complete        LV STATE:       opened/stale
/// COPIES:             2                      SCHED POLICY:   parallel
/// LPs:                10                     PPs:            20
/// STALE PPs:          3                      BB POLICY:      relocatable
/// MOUNT POINT:        /data                  LABEL:          /data
/// MIRROR WRITE CONSISTENCY: on/ACTIVE
/// ";
/// let lv = parse_lv_detail(text)?;
/// assert_eq!(lv.vg_name.as_deref(), Some("datavg"));
/// assert_eq!(lv.identifier.as_deref(), Some("00f9fd4b00004c0000000154c85198be.1"));
/// assert!(lv.state.is_some_and(|s| s.open && s.stale));
/// assert_eq!(lv.stale_pps, Some(3));
/// assert_eq!(lv.all_copies_allocated(), Some(true));
/// assert_eq!(lv.mirror_write_consistency, Some(MirrorWriteConsistency::Active));
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_lv_detail(text: &str) -> Result<LvDetail, ParseError> {
    let screen = Screen::parse(&LAYOUT, text)?;
    let pool = |n: &str| {
        let key = format!("COPY {n} MIRROR POOL");
        unless_none_word(screen.text(&key)).map(str::to_owned)
    };
    Ok(LvDetail {
        name: screen.required("LOGICAL VOLUME")?.to_owned(),
        vg_name: screen.string("VOLUME GROUP"),
        identifier: screen.string("LV IDENTIFIER"),
        permission: screen.string("PERMISSION"),
        vg_state: screen.text("VG STATE").map(VgActivation::parse),
        state: screen.convert(
            screen.raw("LV STATE"),
            "LV STATE",
            "opened|closed/syncd|stale",
            LvState::parse,
        )?,
        lv_type: screen.string("TYPE"),
        write_verify: screen.string("WRITE VERIFY"),
        max_lps: screen.count("MAX LPs")?,
        pp_size_bytes: screen.size("PP SIZE")?,
        copies: screen.count("COPIES")?,
        sched_policy: screen.string("SCHED POLICY"),
        lps: screen.count("LPs")?,
        pps: screen.count("PPs")?,
        stale_pps: screen.count("STALE PPs")?,
        bb_policy: screen.string("BB POLICY"),
        inter_policy: screen.string("INTER-POLICY"),
        relocatable: screen.flag("RELOCATABLE")?,
        intra_policy: screen.string("INTRA-POLICY"),
        upper_bound: screen.count("UPPER BOUND")?,
        mount_point: unless_none_word(screen.text("MOUNT POINT")).map(str::to_owned),
        label: unless_none_word(screen.text("LABEL")).map(str::to_owned),
        mirror_write_consistency: screen
            .text("MIRROR WRITE CONSISTENCY")
            .map(MirrorWriteConsistency::parse),
        strictness: screen
            .text("EACH LP COPY ON A SEPARATE PV ?")
            .map(Strictness::parse),
        serialize_io: screen.string("Serialize IO ?"),
        infinite_retry: screen.string("INFINITE RETRY"),
        preferred_read: screen.count("PREFERRED READ")?,
        device_subtype: screen.string("DEVICESUBTYPE"),
        copy_mirror_pools: [pool("1"), pool("2"), pool("3")],
        encryption: screen.string("ENCRYPTION"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknowns_overflow_and_unlisted_keys() -> Result<(), ParseError> {
        let text = "LOGICAL VOLUME:     lv01                   VOLUME GROUP:   ???????\n\
                    LV IDENTIFIER:      00f9fd4b00004c0000000154c85198be.12345 PERMISSION:     ???????\n\
                    VG STATE:           active/partial         LV STATE:       ???????\n\
                    COPIES:             3                      SCHED POLICY:   parallel\n\
                    LPs:                ???????                PPs:            30\n\
                    STALE PPs:          10                     BB POLICY:      relocatable\n\
                    MOUNT POINT:        /a b                   LABEL:          None\n\
                    SOMETHING NEW ?:    42                     ALSO NEW:       x\n\
                    MIRROR WRITE CONSISTENCY: off\n\
                    EACH LP COPY ON A SEPARATE PV ?: no\n\
                    COPY 2 MIRROR POOL: London\n";
        let lv = parse_lv_detail(text)?;
        assert_eq!(lv.name, "lv01");
        assert_eq!(lv.vg_name, None);
        assert_eq!(
            lv.identifier.as_deref(),
            Some("00f9fd4b00004c0000000154c85198be.12345")
        );
        assert_eq!(lv.permission, None);
        assert_eq!(lv.vg_state, Some(VgActivation::ActivePartial));
        assert_eq!(lv.state, None);
        assert_eq!(lv.copies, Some(3));
        assert_eq!(lv.lps, None);
        assert_eq!(lv.pps, Some(30));
        assert_eq!(lv.stale_pps, Some(10));
        assert_eq!(lv.all_copies_allocated(), None);
        assert_eq!(lv.mount_point.as_deref(), Some("/a b"));
        assert_eq!(lv.label, None);
        assert_eq!(
            lv.mirror_write_consistency,
            Some(MirrorWriteConsistency::Off)
        );
        assert_eq!(lv.strictness, Some(Strictness::NotStrict));
        assert_eq!(
            lv.copy_mirror_pools,
            [None, Some("London".to_owned()), None]
        );
        Ok(())
    }

    #[test]
    fn bad_state_is_an_error_on_its_line() {
        let text = "LOGICAL VOLUME:     lv01\nVG STATE: inactive   LV STATE:       half/open\n";
        let err = parse_lv_detail(text).err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(2));
    }

    #[test]
    fn words() {
        assert_eq!(VgActivation::parse("inactive"), VgActivation::Inactive);
        assert_eq!(
            MirrorWriteConsistency::parse("on/PASSIVE"),
            MirrorWriteConsistency::Passive
        );
        assert_eq!(Strictness::parse("superstrict"), Strictness::SuperStrict);
        assert_eq!(Strictness::parse("odd"), Strictness::Other("odd".into()));
    }
}
