//! The 10-character `lv_attr` string (`rwi-aor---`), decoded per lvs(8).
//!
//! Each position is one attribute; `-` means "none" or "not set". The letters come
//! from the lvs(8) man page of LVM 2.03. Where a position can hold a letter this
//! decoder does not know (a newer LVM release may add some), the letter is kept in an
//! `Other` variant rather than rejected, so that a new LVM does not stop a backup; only
//! a string that is not exactly 10 ASCII characters is an error.
//!
//! Uncertainties, written from the man page rather than from captured output:
//!
//! * position 9 (health) reuses letters across LV kinds: `m` is "mismatches exist" on
//!   RAID LVs, `M` is "metadata read only" on thin pools, `F` is "failed" on thin pools
//!   and thin volumes, `E` is "error" on writecache and VDO LVs. [`Health`] names the
//!   meaning for the kind where the letter appears; read it together with
//!   [`LvAttr::volume_type`] where the difference matters;
//! * position 1 (volume type) `i`/`I` are "mirror or raid image" and "image out of sync".
//!   The captures show `I` both on a tracked split image (`Iri-a-r---`) and on an image
//!   whose disk went missing (`Iwi-aor-p-`);
//! * position 5 (state) `X` and position 6 (open) `X` mean LVM could not tell (for
//!   example when the device-mapper status could not be read).

use serde::{Deserialize, Serialize};

use super::ParseError;

/// Position 1: the kind of LV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VolumeType {
    /// `-`: a plain (linear or striped) LV.
    Plain,
    /// `C`: cache.
    Cache,
    /// `m`: mirrored (the old `mirror` segment type).
    Mirrored,
    /// `M`: mirrored without initial sync.
    MirroredNoInitialSync,
    /// `o`: snapshot origin.
    Origin,
    /// `O`: origin with a merging snapshot.
    OriginMergingSnapshot,
    /// `g`: integrity.
    Integrity,
    /// `r`: RAID (raid1, raid5, ...).
    Raid,
    /// `R`: RAID without initial sync.
    RaidNoInitialSync,
    /// `s`: snapshot.
    Snapshot,
    /// `S`: merging snapshot.
    MergingSnapshot,
    /// `p`: pvmove.
    Pvmove,
    /// `v`: virtual (also seen on a RAID image replaced by an `error` segment after
    /// `vgreduce --removemissing --force`).
    Virtual,
    /// `i`: mirror or RAID image (`LV_rimage_N`).
    Image,
    /// `I`: mirror or RAID image out of sync (a split-off image tracking changes, or an
    /// image on a missing disk).
    ImageOutOfSync,
    /// `l`: mirror log device.
    MirrorLog,
    /// `c`: under conversion.
    UnderConversion,
    /// `V`: thin volume.
    ThinVolume,
    /// `t`: thin pool.
    ThinPool,
    /// `T`: thin pool data.
    ThinPoolData,
    /// `d`: VDO pool.
    VdoPool,
    /// `D`: VDO pool data.
    VdoPoolData,
    /// `e`: RAID or pool metadata, or pool metadata spare (`LV_rmeta_N`).
    Metadata,
    /// A letter this decoder does not know.
    Other(char),
}

/// Position 2: permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Permissions {
    /// `w`: writeable.
    Writeable,
    /// `r`: read-only.
    ReadOnly,
    /// `R`: read-only activation of a volume that is not read-only.
    ReadOnlyActivation,
    /// `-`: not reported.
    Unknown,
    /// A letter this decoder does not know.
    Other(char),
}

/// Position 3: allocation policy (the letter's case tells [`LvAttr::allocation_locked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AllocationPolicy {
    /// `a`/`A`: anywhere.
    Anywhere,
    /// `c`/`C`: contiguous.
    Contiguous,
    /// `i`/`I`: inherited from the VG.
    Inherited,
    /// `l`/`L`: cling.
    Cling,
    /// `n`/`N`: normal.
    Normal,
    /// `-`: not reported.
    Unknown,
    /// A letter this decoder does not know.
    Other(char),
}

/// Position 5: activation state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LvState {
    /// `-`: not active.
    Inactive,
    /// `a`: active.
    Active,
    /// `h`: historical (a removed LV LVM still remembers).
    Historical,
    /// `s`: suspended.
    Suspended,
    /// `I`: invalid snapshot.
    InvalidSnapshot,
    /// `S`: invalid suspended snapshot.
    InvalidSuspendedSnapshot,
    /// `m`: snapshot merge failed.
    SnapshotMergeFailed,
    /// `M`: suspended snapshot merge failed.
    SuspendedSnapshotMergeFailed,
    /// `d`: mapped device present without tables.
    DevicePresentWithoutTables,
    /// `i`: mapped device present with an inactive table.
    DevicePresentInactiveTable,
    /// `c`: thin pool check needed.
    ThinPoolCheckNeeded,
    /// `C`: suspended thin pool check needed.
    SuspendedThinPoolCheckNeeded,
    /// `X`: unknown.
    Unknown,
    /// A letter this decoder does not know.
    Other(char),
}

/// Position 7: the device-mapper target type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetType {
    /// `-`: none of the below (linear, striped, error).
    Plain,
    /// `C`: cache.
    Cache,
    /// `m`: mirror.
    Mirror,
    /// `r`: RAID (also on the `rimage`/`rmeta` sub-LVs of a RAID LV).
    Raid,
    /// `s`: snapshot.
    Snapshot,
    /// `t`: thin.
    Thin,
    /// `u`: unknown.
    Unknown,
    /// `v`: virtual.
    Virtual,
    /// A letter this decoder does not know.
    Other(char),
}

/// Position 9: volume health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Health {
    /// `-`: nothing to report.
    Ok,
    /// `p`: partial: one or more of the PVs the LV uses is missing.
    Partial,
    /// `X`: unknown.
    Unknown,
    /// `r` (RAID): refresh needed; a leg had a transient failure or was replaced by an
    /// `error` segment.
    RefreshNeeded,
    /// `m` (RAID): mismatches exist (a `check` scrub found differing regions).
    MismatchesExist,
    /// `w` (RAID1): this image is write-mostly.
    WriteMostly,
    /// `F` (thin pool, thin volume): failed.
    Failed,
    /// `D` (thin pool): out of data space.
    OutOfDataSpace,
    /// `M` (thin pool): metadata read only.
    MetadataReadOnly,
    /// `E` (writecache, VDO): error.
    Error,
    /// A letter this decoder does not know.
    Other(char),
}

/// A decoded `lv_attr` string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LvAttr {
    /// The string as LVM printed it.
    pub raw: String,
    /// Position 1.
    pub volume_type: VolumeType,
    /// Position 2.
    pub permissions: Permissions,
    /// Position 3.
    pub allocation: AllocationPolicy,
    /// Position 3 is a capital letter: allocation is locked (during `pvmove`).
    pub allocation_locked: bool,
    /// Position 4 is `m`: fixed minor number.
    pub fixed_minor: bool,
    /// Position 5.
    pub state: LvState,
    /// Position 6 is `o`: the device is open (mounted, in use).
    pub open: bool,
    /// Position 6 is `X`: LVM could not tell whether the device is open.
    pub open_unknown: bool,
    /// Position 7.
    pub target_type: TargetType,
    /// Position 8 is `z`: newly allocated blocks are zeroed before use.
    pub zero: bool,
    /// Position 9.
    pub health: Health,
    /// Position 10 is `k`: activation is skipped unless asked for (`-K`).
    pub skip_activation: bool,
}

impl LvAttr {
    /// Whether this is a RAID or mirror image sub-LV (`LV_rimage_N`), in sync or not.
    pub fn is_image(&self) -> bool {
        matches!(
            self.volume_type,
            VolumeType::Image | VolumeType::ImageOutOfSync
        )
    }

    /// Whether the LV is active (its device exists with a live table).
    pub fn is_active(&self) -> bool {
        self.state == LvState::Active
    }
}

/// Decodes an `lv_attr` string such as `rwi-aor---`.
///
/// # Errors
///
/// [`ParseError::BadLine`] (report `"lv_attr"`, field `"lv_attr"`) unless `text` is
/// exactly 10 ASCII characters. Unknown letters are kept as `Other`, not rejected.
pub fn decode_lv_attr(text: &str) -> Result<LvAttr, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = chars.as_slice() else {
        return Err(bad(text));
    };
    if !text.is_ascii() {
        return Err(bad(text));
    }
    Ok(LvAttr {
        raw: text.to_owned(),
        volume_type: volume_type(*c1),
        permissions: match c2 {
            'w' => Permissions::Writeable,
            'r' => Permissions::ReadOnly,
            'R' => Permissions::ReadOnlyActivation,
            '-' => Permissions::Unknown,
            c => Permissions::Other(*c),
        },
        allocation: match c3.to_ascii_lowercase() {
            'a' => AllocationPolicy::Anywhere,
            'c' => AllocationPolicy::Contiguous,
            'i' => AllocationPolicy::Inherited,
            'l' => AllocationPolicy::Cling,
            'n' => AllocationPolicy::Normal,
            '-' => AllocationPolicy::Unknown,
            _ => AllocationPolicy::Other(*c3),
        },
        allocation_locked: c3.is_ascii_uppercase(),
        fixed_minor: *c4 == 'm',
        state: state(*c5),
        open: *c6 == 'o',
        open_unknown: *c6 == 'X',
        target_type: match c7 {
            '-' => TargetType::Plain,
            'C' => TargetType::Cache,
            'm' => TargetType::Mirror,
            'r' => TargetType::Raid,
            's' => TargetType::Snapshot,
            't' => TargetType::Thin,
            'u' => TargetType::Unknown,
            'v' => TargetType::Virtual,
            c => TargetType::Other(*c),
        },
        zero: *c8 == 'z',
        health: health(*c9),
        skip_activation: *c10 == 'k',
    })
}

fn bad(text: &str) -> ParseError {
    ParseError::bad_line(
        "lv_attr",
        1,
        "lv_attr",
        "10 ASCII characters such as rwi-aor---",
        text,
    )
}

fn volume_type(c: char) -> VolumeType {
    match c {
        '-' => VolumeType::Plain,
        'C' => VolumeType::Cache,
        'm' => VolumeType::Mirrored,
        'M' => VolumeType::MirroredNoInitialSync,
        'o' => VolumeType::Origin,
        'O' => VolumeType::OriginMergingSnapshot,
        'g' => VolumeType::Integrity,
        'r' => VolumeType::Raid,
        'R' => VolumeType::RaidNoInitialSync,
        's' => VolumeType::Snapshot,
        'S' => VolumeType::MergingSnapshot,
        'p' => VolumeType::Pvmove,
        'v' => VolumeType::Virtual,
        'i' => VolumeType::Image,
        'I' => VolumeType::ImageOutOfSync,
        'l' => VolumeType::MirrorLog,
        'c' => VolumeType::UnderConversion,
        'V' => VolumeType::ThinVolume,
        't' => VolumeType::ThinPool,
        'T' => VolumeType::ThinPoolData,
        'd' => VolumeType::VdoPool,
        'D' => VolumeType::VdoPoolData,
        'e' => VolumeType::Metadata,
        c => VolumeType::Other(c),
    }
}

fn state(c: char) -> LvState {
    match c {
        '-' => LvState::Inactive,
        'a' => LvState::Active,
        'h' => LvState::Historical,
        's' => LvState::Suspended,
        'I' => LvState::InvalidSnapshot,
        'S' => LvState::InvalidSuspendedSnapshot,
        'm' => LvState::SnapshotMergeFailed,
        'M' => LvState::SuspendedSnapshotMergeFailed,
        'd' => LvState::DevicePresentWithoutTables,
        'i' => LvState::DevicePresentInactiveTable,
        'c' => LvState::ThinPoolCheckNeeded,
        'C' => LvState::SuspendedThinPoolCheckNeeded,
        'X' => LvState::Unknown,
        c => LvState::Other(c),
    }
}

fn health(c: char) -> Health {
    match c {
        '-' => Health::Ok,
        'p' => Health::Partial,
        'X' => Health::Unknown,
        'r' => Health::RefreshNeeded,
        'm' => Health::MismatchesExist,
        'w' => Health::WriteMostly,
        'F' => Health::Failed,
        'D' => Health::OutOfDataSpace,
        'M' => Health::MetadataReadOnly,
        'E' => Health::Error,
        c => Health::Other(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raid1_top_lv_open() -> Result<(), ParseError> {
        let a = decode_lv_attr("rwi-aor---")?;
        assert_eq!(a.volume_type, VolumeType::Raid);
        assert_eq!(a.permissions, Permissions::Writeable);
        assert_eq!(a.allocation, AllocationPolicy::Inherited);
        assert!(!a.allocation_locked);
        assert!(!a.fixed_minor);
        assert!(a.is_active());
        assert!(a.open);
        assert_eq!(a.target_type, TargetType::Raid);
        assert!(!a.zero);
        assert_eq!(a.health, Health::Ok);
        assert!(!a.skip_activation);
        assert_eq!(a.raw, "rwi-aor---");
        Ok(())
    }

    #[test]
    fn sub_lvs_and_split_image() -> Result<(), ParseError> {
        let image = decode_lv_attr("iwi-aor---")?;
        assert_eq!(image.volume_type, VolumeType::Image);
        assert!(image.is_image());
        let meta = decode_lv_attr("ewi-aor---")?;
        assert_eq!(meta.volume_type, VolumeType::Metadata);
        assert!(!meta.is_image());
        let split = decode_lv_attr("Iri-a-r---")?;
        assert_eq!(split.volume_type, VolumeType::ImageOutOfSync);
        assert_eq!(split.permissions, Permissions::ReadOnly);
        assert!(!split.open);
        assert_eq!(split.target_type, TargetType::Raid);
        Ok(())
    }

    #[test]
    fn health_letters_seen_in_the_captures() -> Result<(), ParseError> {
        assert_eq!(decode_lv_attr("rwi-a-r-p-")?.health, Health::Partial);
        assert_eq!(decode_lv_attr("rwi-a-r-r-")?.health, Health::RefreshNeeded);
        assert_eq!(
            decode_lv_attr("rwi-aor-m-")?.health,
            Health::MismatchesExist
        );
        assert_eq!(decode_lv_attr("rwi-aor-w-")?.health, Health::WriteMostly);
        let dead = decode_lv_attr("vwi-aor-r-")?;
        assert_eq!(dead.volume_type, VolumeType::Virtual);
        Ok(())
    }

    #[test]
    fn linear_after_permanent_split() -> Result<(), ParseError> {
        let a = decode_lv_attr("-wi-a-----")?;
        assert_eq!(a.volume_type, VolumeType::Plain);
        assert_eq!(a.target_type, TargetType::Plain);
        assert!(!a.open);
        let inactive = decode_lv_attr("-wi-------")?;
        assert_eq!(inactive.state, LvState::Inactive);
        Ok(())
    }

    #[test]
    fn every_flag_position() -> Result<(), ParseError> {
        let a = decode_lv_attr("mRLmsXuzFk")?;
        assert_eq!(a.volume_type, VolumeType::Mirrored);
        assert_eq!(a.permissions, Permissions::ReadOnlyActivation);
        assert_eq!(a.allocation, AllocationPolicy::Cling);
        assert!(a.allocation_locked);
        assert!(a.fixed_minor);
        assert_eq!(a.state, LvState::Suspended);
        assert!(!a.open);
        assert!(a.open_unknown);
        assert_eq!(a.target_type, TargetType::Unknown);
        assert!(a.zero);
        assert_eq!(a.health, Health::Failed);
        assert!(a.skip_activation);
        Ok(())
    }

    #[test]
    fn unknown_letters_are_kept() -> Result<(), ParseError> {
        let a = decode_lv_attr("QQQ-QQQ-Q-")?;
        assert_eq!(a.volume_type, VolumeType::Other('Q'));
        assert_eq!(a.permissions, Permissions::Other('Q'));
        assert_eq!(a.allocation, AllocationPolicy::Other('Q'));
        assert_eq!(a.state, LvState::Other('Q'));
        assert_eq!(a.target_type, TargetType::Other('Q'));
        assert_eq!(a.health, Health::Other('Q'));
        Ok(())
    }

    #[test]
    fn wrong_length_or_non_ascii_is_an_error() {
        for bad in ["", "rwi-aor--", "rwi-aor----", "rwi-aor--é"] {
            let result = decode_lv_attr(bad);
            assert!(
                matches!(
                    result,
                    Err(ParseError::BadLine {
                        report: "lv_attr",
                        field: "lv_attr",
                        ..
                    })
                ),
                "{bad:?} gave {result:?}"
            );
        }
        // Ten ASCII characters are accepted; the space is just not `k`.
        assert!(decode_lv_attr("rwi-aor-- ").is_ok_and(|a| !a.skip_activation));
    }
}
