use serde::{Deserialize, Serialize};

/// A condition a backend found on a logical volume that stops it from being split now.
/// The planner turns each one into a problem with its fix; the LV is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum LvBlocker {
    /// The LV's layout is not one the backend splits (LVM2: anything but `raid1`, such as
    /// the old `mirror` type, `raid5`, thin or cached LVs).
    UnsupportedLayout {
        /// The layout as LVM names it (`mirror`, `raid5`, `thin`).
        layout: String,
    },
    /// The raid1 images carry dm-integrity, which a tracked split does not support.
    RaidIntegrity,
    /// The VG is shared between hosts (lvmlockd); a split from one host is not safe.
    SharedVg {
        /// The VG's lock type (`sanlock`, `dlm`, `idm`).
        lock_type: String,
    },
    /// The mirror is not in sync: an initial sync, a resync or a recovery runs.
    NotInSync {
        /// What the RAID is doing (`resync`, `recover`, `frozen`).
        action: String,
        /// How far it is, as LVM prints it (`44.43`).
        percent: String,
    },
    /// A merged copy must still be rebuilt whole before the mirror can be trusted (LVM2: the
    /// LV carries offmirror's rebuild tag after a merge that followed a reactivation).
    RebuildPending,
    /// A scrub found copies that differ.
    Mismatches {
        /// Mismatched sectors, as the last check counted them.
        count: u64,
    },
    /// The LV is not active, so its images cannot be split.
    Inactive,
    /// Another VG has an LV of the same name; offmirror names LVs without their VG.
    NameNotUnique {
        /// The other VG.
        other_vg: String,
    },
    /// Freezing the file system on the LV would stop LVM itself: it holds `/etc/lvm`, where
    /// LVM writes metadata backups during the split.
    FreezeBlocksLvm {
        /// Where it is mounted (`/`, `/etc`, `/etc/lvm`).
        mount_point: String,
    },
    /// A file system is mounted on the LV whose type cannot be frozen and exposed safely.
    FsNotFreezable {
        /// The file-system type (`btrfs`, `vfat`).
        fs_type: String,
        /// Where it is mounted.
        mount_point: String,
    },
}
