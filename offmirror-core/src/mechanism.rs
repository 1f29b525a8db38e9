//! Split mechanisms and what a backend can do.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Dialect, LvType, Vfs};

/// A way to split a mirror copy off and rejoin it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mechanism {
    /// Split the whole VG into a snapshot VG (`splitvg`/`joinvg`): one atomic operation,
    /// writes on both sides tracked, any LV type.
    VgSplit,
    /// Split a mounted JFS file system (`chfs -a splitcopy`, rejoined by `rmfs`); the split
    /// copy is mounted read-only by the split itself. JFS only; its log must be mirrored.
    FsSplitCopy,
    /// Mark one LV's copy as an online backup copy (`chlvcopy -b`, rejoined by
    /// `chlvcopy -B`); writes tracked. For JFS2 (inside a freeze), raw and unmounted LVs.
    LvCopy,
    /// Remove the copy into a new LV (`splitlvcopy`) and rebuild it afterwards: every
    /// partition of the copy is resynchronised. Only when the request allows it.
    FullResyncSplit,
    /// Split one image off a Linux LVM2 raid1 LV with `lvconvert --splitmirrors 1
    /// --trackchanges`, rejoined by `lvconvert --mergemirrors`: writes to the LV are
    /// tracked, so the merge resynchronises only the regions written while split. Per LV;
    /// mounted ext4 and XFS inside a freeze, raw and unmounted LVs as they are.
    TrackedImageSplit,
}

impl Mechanism {
    /// The mechanism's name as used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::VgSplit => "vg_split",
            Mechanism::FsSplitCopy => "fs_split_copy",
            Mechanism::LvCopy => "lv_copy",
            Mechanism::FullResyncSplit => "full_resync_split",
            Mechanism::TrackedImageSplit => "tracked_image_split",
        }
    }

    /// Whether the rejoin resynchronises only partitions written while split.
    pub fn tracks_changes(self) -> bool {
        !matches!(self, Mechanism::FullResyncSplit)
    }

    /// Whether one operation splits a whole VG.
    pub fn is_vg_wide(self) -> bool {
        matches!(self, Mechanism::VgSplit)
    }

    /// Whether the mechanism can split this LV on its own (per-LV mechanisms only).
    pub fn can_split_lv(self, lv_type: LvType, fs: Option<(Vfs, bool)>) -> bool {
        match self {
            Mechanism::VgSplit => false,
            Mechanism::FsSplitCopy => lv_type == LvType::Jfs && fs == Some((Vfs::Jfs, true)),
            Mechanism::LvCopy => match fs {
                Some((Vfs::Jfs, true)) => false,
                _ => matches!(lv_type, LvType::Jfs | LvType::Jfs2 | LvType::Raw),
            },
            Mechanism::FullResyncSplit => {
                matches!(lv_type, LvType::Jfs | LvType::Jfs2 | LvType::Raw)
            }
            Mechanism::TrackedImageSplit => {
                matches!(lv_type, LvType::Ext4 | LvType::Xfs | LvType::Raw)
                    && !matches!(fs, Some((Vfs::Jfs | Vfs::Jfs2, _)))
            }
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a backend offers. The planner chooses among these; it never picks something the
/// backend does not list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// A short name of the backend (`sim`, `aix`).
    pub backend: String,
    /// The split mechanisms the backend implements.
    pub mechanisms: Vec<Mechanism>,
    /// The backend can freeze and thaw the mounted file systems it splits below the file
    /// system (JFS2 on AIX, ext4 and XFS on Linux), with a timeout after which they thaw.
    #[serde(alias = "freeze")]
    pub freeze: bool,
    /// Whose commands the fixes in problems name.
    #[serde(default)]
    pub dialect: Dialect,
    /// The backend can count the partitions written while a copy is split
    /// ([`crate::VolumeManager::stale_pps`] before the rejoin). LVM2 cannot (the kernel's
    /// write-intent bitmap is not reported), and its reports then say "unknown", not 0.
    #[serde(default = "counts_by_default")]
    pub counts_written: bool,
}

fn counts_by_default() -> bool {
    true
}

impl Capabilities {
    /// Whether the backend implements this mechanism.
    pub fn supports(&self, m: Mechanism) -> bool {
        self.mechanisms.contains(&m)
    }
}
