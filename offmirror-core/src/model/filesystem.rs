use serde::{Deserialize, Serialize};

use crate::{LvName, MountPoint};

/// The file-system type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Vfs {
    /// JFS: the only type `chfs -a splitcopy` can split.
    Jfs,
    /// JFS2: split below the file system, inside a freeze.
    Jfs2,
}

impl Vfs {
    /// The word AIX prints for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            Vfs::Jfs => "jfs",
            Vfs::Jfs2 => "jfs2",
        }
    }
}

/// Where a file system keeps its journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "lv")]
pub enum LogDevice {
    /// Inside the file system itself (JFS2 `INLINE` log).
    Inline,
    /// On a separate log LV (`jfslog`/`jfs2log`).
    Lv(LvName),
    /// No log (mounted with `log=NULL`).
    None,
}

/// A file system on a logical volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSystem {
    /// Mount point.
    pub mount_point: MountPoint,
    /// The logical volume that holds it.
    pub device: LvName,
    /// File-system type.
    pub vfs: Vfs,
    /// Whether it is mounted now.
    pub mounted: bool,
    /// Its journal.
    pub log: LogDevice,
}
