use serde::{Deserialize, Serialize};

use crate::PvName;

/// Whether LVM can use a disk, as `lsvg -p` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PvState {
    /// In use.
    Active,
    /// Not reachable (failed or detached disk).
    Missing,
    /// Removed from use by an administrator.
    Removed,
}

/// A disk of a volume group, with numbered physical partitions (1-based, as AIX numbers them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicalVolume {
    /// Disk name (`hdisk1`).
    pub name: PvName,
    /// Whether the disk is usable.
    pub state: PvState,
    /// Number of physical partitions on the disk.
    pub total_pps: u32,
}
