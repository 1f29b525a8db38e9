use serde::{Deserialize, Serialize};

use crate::{CopyNumber, LvName, MountPoint, VgName};

/// How a logical volume's copy is currently split off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "via")]
#[non_exhaustive]
pub enum SplitVia {
    /// A JFS file system's copy split with `chfs -a splitcopy`, mounted read-only here.
    FsSplitCopy {
        /// Where the split copy is mounted.
        mount_point: MountPoint,
    },
    /// A copy marked as an online backup copy (`chlvcopy -b`), readable through this LV.
    BackupLv {
        /// The child LV that gives access to the split copy.
        lv: LvName,
    },
    /// The whole volume group split with `splitvg` into this snapshot volume group.
    SnapshotVg {
        /// The snapshot volume group.
        vg: VgName,
        /// The LV in the snapshot VG that holds this LV's split copy.
        lv: LvName,
    },
    /// The copy removed into a separate LV (`splitlvcopy`); rejoining it is a full resync.
    Detached {
        /// The LV that now holds the former copy.
        lv: LvName,
    },
    /// A Linux LVM2 raid1 image split off with `lvconvert --splitmirrors 1
    /// --trackchanges`, visible as a read-only LV of the same VG.
    TrackedImage {
        /// The split image LV (`LV_rimage_N`).
        image: LvName,
    },
}

/// Marks a logical volume whose copy is split off (by this run or left from an earlier one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitMark {
    /// Which copy is split off.
    pub copy: CopyNumber,
    /// How it was split and where it can be reached.
    #[serde(flatten)]
    pub via: SplitVia,
}
