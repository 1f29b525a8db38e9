//! The domain model: what a host's volume groups, logical volumes, mirror copies and file
//! systems look like, as a backend reports them. Everything here is plain serialisable data.

mod filesystem;
mod inventory;
mod logical_volume;
mod lv_blocker;
mod physical_volume;
mod split_mark;
mod volume_group;

pub use filesystem::{FileSystem, LogDevice, Vfs};
pub use inventory::{Inventory, LvLocation};
pub use logical_volume::{LogicalVolume, LvType, MirrorCopy, PpRef};
pub use lv_blocker::LvBlocker;
pub use physical_volume::{PhysicalVolume, PvState};
pub use split_mark::{SplitMark, SplitVia};
pub use volume_group::VolumeGroup;
