use serde::{Deserialize, Serialize};

use crate::{LvName, MountPoint};

/// The file-system type: those of AIX and those of Linux that offmirror can split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Vfs {
    /// JFS: the only type `chfs -a splitcopy` can split.
    Jfs,
    /// JFS2: split below the file system, inside a freeze.
    Jfs2,
    /// Linux ext4: split below the file system inside an `fsfreeze`, its split copy
    /// mounted without replaying the journal (`noload`).
    Ext4,
    /// Linux XFS: split below the file system inside an `fsfreeze`, its split copy
    /// mounted with `norecovery,nouuid`.
    Xfs,
}

impl Vfs {
    /// The word AIX prints for this type.
    pub fn as_str(self) -> &'static str {
        match self {
            Vfs::Jfs => "jfs",
            Vfs::Jfs2 => "jfs2",
            Vfs::Ext4 => "ext4",
            Vfs::Xfs => "xfs",
        }
    }

    /// Whether a split below this file system needs it frozen to give a consistent copy
    /// (every type but JFS, whose `chfs` split makes its own copy consistent).
    ///
    /// ```
    /// use offmirror_core::Vfs;
    /// assert!(Vfs::Xfs.split_needs_freeze());
    /// assert!(!Vfs::Jfs.split_needs_freeze());
    /// ```
    pub fn split_needs_freeze(self) -> bool {
        !matches!(self, Vfs::Jfs)
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
