use serde::{Deserialize, Serialize};

use super::{LogicalVolume, PhysicalVolume, PvState};
use crate::{PvName, VgName};

/// A volume group: its disks and its logical volumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeGroup {
    /// VG name.
    pub name: VgName,
    /// Varied on (active). A varied-off VG reports no PVs or LVs.
    pub varied_on: bool,
    /// Physical partition size in megabytes.
    pub pp_size_mb: u32,
    /// The disks, in the order LVM lists them; [`crate::PpRef::pv`] indexes this list.
    pub pvs: Vec<PhysicalVolume>,
    /// The logical volumes.
    pub lvs: Vec<LogicalVolume>,
    /// A `splitvg` snapshot VG split off this VG exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<VgName>,
    /// This VG is itself a `splitvg` snapshot of that VG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_of: Option<VgName>,
}

impl VolumeGroup {
    /// Disks that are not active.
    pub fn missing_pvs(&self) -> impl Iterator<Item = &PhysicalVolume> {
        self.pvs.iter().filter(|p| p.state != PvState::Active)
    }

    /// The name of the PV at `index` in [`Self::pvs`].
    pub fn pv_name(&self, index: u16) -> Option<&PvName> {
        self.pvs.get(usize::from(index)).map(|p| &p.name)
    }

    /// Whether this is the root volume group (it holds a boot LV or is named `rootvg`),
    /// which `splitvg` refuses.
    pub fn is_root(&self) -> bool {
        self.name.as_str() == "rootvg"
            || self.lvs.iter().any(|lv| lv.lv_type == super::LvType::Boot)
    }

    /// Stale partitions over all LVs.
    pub fn stale_pps(&self) -> u64 {
        self.lvs.iter().map(LogicalVolume::stale_pps).sum()
    }
}
