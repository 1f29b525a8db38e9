use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{FileSystem, LogicalVolume, VolumeGroup};
use crate::{LvName, VgName};

/// Everything a backend knows about a host's volume groups and file systems.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inventory {
    /// Every volume group defined on the host, varied on or not.
    pub vgs: Vec<VolumeGroup>,
    /// JFS and JFS2 file systems on logical volumes.
    pub filesystems: Vec<FileSystem>,
}

/// Where a logical volume sits in an [`Inventory`]: indexes into `vgs` and its `lvs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LvLocation {
    /// Index into [`Inventory::vgs`].
    pub vg: usize,
    /// Index into [`VolumeGroup::lvs`].
    pub lv: usize,
}

impl Inventory {
    /// The volume group with this name.
    pub fn vg(&self, name: &VgName) -> Option<&VolumeGroup> {
        self.vgs.iter().find(|vg| &vg.name == name)
    }

    /// Finds a logical volume by name (LV names are unique on a host) with its VG.
    pub fn lv(&self, name: &LvName) -> Option<(&VolumeGroup, &LogicalVolume)> {
        self.vgs
            .iter()
            .find_map(|vg| vg.lvs.iter().find(|lv| &lv.name == name).map(|lv| (vg, lv)))
    }

    /// An index from LV name to location, for callers that look many LVs up.
    pub fn lv_index(&self) -> HashMap<&LvName, LvLocation> {
        let mut map = HashMap::new();
        for (vi, vg) in self.vgs.iter().enumerate() {
            for (li, lv) in vg.lvs.iter().enumerate() {
                map.insert(&lv.name, LvLocation { vg: vi, lv: li });
            }
        }
        map
    }

    /// The file system on this LV, if any.
    pub fn filesystem_on(&self, lv: &LvName) -> Option<&FileSystem> {
        self.filesystems.iter().find(|fs| &fs.device == lv)
    }

    /// An index from LV name to the file system on it.
    pub fn fs_index(&self) -> HashMap<&LvName, &FileSystem> {
        self.filesystems.iter().map(|fs| (&fs.device, fs)).collect()
    }
}
