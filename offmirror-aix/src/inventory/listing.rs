//! The parsed output of the inventory's commands, before it becomes a core
//! [`offmirror_core::Inventory`].

use crate::parse::{FsEntry, MountEntry, VgDetail, VgLvList, VgPpMap, VgPvList};

/// What the four per-VG commands printed for one varied-on volume group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VgListing {
    /// The volume group name as `lsvg` printed it.
    pub name: String,
    /// `lsvg VG`.
    pub detail: VgDetail,
    /// `lsvg -p VG`.
    pub pvs: VgPvList,
    /// `lsvg -l VG`.
    pub lvs: VgLvList,
    /// `lsvg -M VG`.
    pub map: VgPpMap,
}

/// What the inventory's commands printed for the whole host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostListing {
    /// `lsvg`: every volume group defined.
    pub all_vgs: Vec<String>,
    /// `lsvg -o`: the varied-on ones.
    pub online_vgs: Vec<String>,
    /// The per-VG listings of the varied-on volume groups (a VG that went offline
    /// between `lsvg -o` and its listing has none).
    pub vgs: Vec<VgListing>,
    /// `lsfs -c`.
    pub filesystems: Vec<FsEntry>,
    /// `mount`.
    pub mounts: Vec<MountEntry>,
}
