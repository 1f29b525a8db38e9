use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{LvBlocker, SplitMark};
use crate::{CopyNumber, LvName};

/// The type of a logical volume, as `lsvg -l` prints it (AIX), or what it holds (Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LvType {
    /// Journaled file system.
    Jfs,
    /// Enhanced journaled file system.
    Jfs2,
    /// JFS log.
    Jfslog,
    /// JFS2 log.
    Jfs2log,
    /// Raw volume used directly by an application (a database, for example).
    Raw,
    /// Paging space.
    Paging,
    /// Boot logical volume.
    Boot,
    /// System dump device.
    Sysdump,
    /// A Linux LV holding an ext4 file system.
    Ext4,
    /// A Linux LV holding an XFS file system.
    Xfs,
}

impl LvType {
    /// Boot, dump and paging LVs are never split: they hold no data a backup wants and
    /// splitting them can stop the system from booting or dumping.
    pub fn never_split(self) -> bool {
        matches!(self, LvType::Boot | LvType::Sysdump | LvType::Paging)
    }

    /// Whether this is a file-system log device.
    pub fn is_log(self) -> bool {
        matches!(self, LvType::Jfslog | LvType::Jfs2log)
    }

    /// The word AIX prints for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            LvType::Jfs => "jfs",
            LvType::Jfs2 => "jfs2",
            LvType::Jfslog => "jfslog",
            LvType::Jfs2log => "jfs2log",
            LvType::Raw => "raw",
            LvType::Paging => "paging",
            LvType::Boot => "boot",
            LvType::Sysdump => "sysdump",
            LvType::Ext4 => "ext4",
            LvType::Xfs => "xfs",
        }
    }
}

/// Where one copy of one logical partition lives: a physical partition of a PV of the
/// same volume group, and whether it is stale (not current).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PpRef {
    /// Index of the physical volume in [`crate::VolumeGroup::pvs`].
    pub pv: u16,
    /// Physical partition number on that PV (1-based).
    pub pp: u32,
    /// The partition holds out-of-date data and needs a resync.
    pub stale: bool,
}

/// One mirror copy of a logical volume: for each logical partition (index 0 is LP 1), the
/// physical partition that holds this copy, or `None` where this copy lacks the LP.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MirrorCopy {
    /// Per logical partition, where this copy keeps it.
    pub pps: Vec<Option<PpRef>>,
}

impl MirrorCopy {
    /// Whether every logical partition has a physical partition in this copy.
    pub fn is_complete(&self) -> bool {
        self.pps.iter().all(Option::is_some)
    }

    /// Number of stale partitions in this copy.
    pub fn stale_pps(&self) -> u64 {
        self.pps.iter().flatten().filter(|p| p.stale).count() as u64
    }

    /// Indexes of the PVs this copy uses.
    pub fn pv_set(&self) -> BTreeSet<u16> {
        self.pps.iter().flatten().map(|p| p.pv).collect()
    }
}

/// A logical volume and its mirror copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogicalVolume {
    /// LV name.
    pub name: LvName,
    /// LV type.
    #[serde(rename = "type")]
    pub lv_type: LvType,
    /// Number of logical partitions.
    pub lps: u32,
    /// The mirror copies in copy order (copy 1 first); 1 to 3 of them.
    pub copies: Vec<MirrorCopy>,
    /// The LV is open (mounted file system, active paging, raw LV in use).
    #[serde(default)]
    pub open: bool,
    /// A copy of this LV is split off right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitMark>,
    /// Conditions the backend found that stop this LV from being split now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<LvBlocker>,
}

impl LogicalVolume {
    /// Number of mirror copies.
    pub fn copy_count(&self) -> usize {
        self.copies.len()
    }

    /// The given copy, if the LV has it.
    pub fn copy(&self, copy: CopyNumber) -> Option<&MirrorCopy> {
        self.copies.get(copy.index())
    }

    /// Stale partitions over all copies.
    pub fn stale_pps(&self) -> u64 {
        self.copies.iter().map(MirrorCopy::stale_pps).sum()
    }

    /// Physical partitions allocated over all copies.
    pub fn allocated_pps(&self) -> u64 {
        self.copies
            .iter()
            .map(|c| c.pps.iter().flatten().count() as u64)
            .sum()
    }
}
