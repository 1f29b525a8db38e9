//! What the emulator remembers besides the simulator's state: facts that only exist at
//! the level of AIX commands and that the simulator does not model.
//!
//! The simulator keeps volume groups, copies, splits and frozen file systems; it has no
//! mount table for split copies mounted by hand (`mount -V jfs2 -o ro /dev/X DIR`), and
//! no state between `rmlv` of a detached copy's LV and the `mklvcopy` that rebuilds the
//! copy (its rejoin does both at once). These live in a file next to the state file
//! (`<state>.emulator`), written under the same lock, so the state file itself stays a
//! plain `SimState` JSON as `SimHost::save` writes it.

use std::collections::BTreeSet;

use offmirror_core::LvName;
use serde::{Deserialize, Serialize};

/// A split copy mounted read-only by `mount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitCopyMount {
    /// The device name as given, without `/dev/` (`fsdatalv`, `datalv_om`).
    pub device: String,
    /// The LV whose split copy it is.
    pub lv: LvName,
    /// Where it is mounted.
    pub dir: String,
    /// The VFS given to `mount`.
    pub vfs: String,
    /// When, as `mount` prints it (`Mon DD HH:MM`).
    pub date: String,
}

/// The emulator's own state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Extras {
    /// Split copies mounted by `mount`, in mount order.
    #[serde(default)]
    pub mounts: Vec<SplitCopyMount>,
    /// LVs whose detached copy's LV (`splitlvcopy -y NEWLV`) was removed by `rmlv`
    /// and whose copy `mklvcopy` has not rebuilt yet.
    #[serde(default)]
    pub removed_detached: BTreeSet<LvName>,
}

impl Extras {
    /// The mount at `dir`, if any.
    pub fn mount_at(&self, dir: &str) -> Option<&SplitCopyMount> {
        self.mounts.iter().find(|m| m.dir == dir)
    }

    /// Whether the device `device` (without `/dev/`) is mounted, and where.
    pub fn device_mount(&self, device: &str) -> Option<&SplitCopyMount> {
        self.mounts.iter().find(|m| m.device == device)
    }

    /// A mount of any split copy of `lv`.
    pub fn lv_mount(&self, lv: &LvName) -> Option<&SplitCopyMount> {
        self.mounts.iter().find(|m| &m.lv == lv)
    }
}
