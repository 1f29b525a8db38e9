//! Whose commands a problem's fix names: the planner is the same for every backend, but
//! an administrator on Linux needs `lvconvert`, not `mklvcopy`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{LogicalVolume, LvName, PvName, SplitVia, VgName, VolumeGroup};

/// The command vocabulary of a backend's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dialect {
    /// AIX LVM and JFS commands (`lsvg`, `mklvcopy`, `syncvg`, ...). The simulator speaks
    /// it too.
    #[default]
    Aix,
    /// Linux LVM2 commands (`vgs`, `lvconvert`, `vgchange`, ...).
    Lvm2,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Aix => "aix",
            Dialect::Lvm2 => "lvm2",
        })
    }
}

impl Dialect {
    /// How to list the volume groups.
    pub fn list_vgs(self) -> String {
        match self {
            Dialect::Aix => "run lsvg to list the volume groups".into(),
            Dialect::Lvm2 => "run vgs to list the volume groups".into(),
        }
    }

    /// How to list the logical volumes.
    pub fn list_lvs(self) -> String {
        match self {
            Dialect::Aix => "run lsvg -l VG to list the logical volumes".into(),
            Dialect::Lvm2 => "run lvs to list the logical volumes".into(),
        }
    }

    /// How to activate a volume group.
    ///
    /// ```
    /// use offmirror_core::{Dialect, VgName};
    /// let vg = VgName::new("vg0")?;
    /// assert_eq!(Dialect::Lvm2.activate_vg(&vg), "vgchange -ay vg0");
    /// # Ok::<(), offmirror_core::NameError>(())
    /// ```
    pub fn activate_vg(self, vg: &VgName) -> String {
        match self {
            Dialect::Aix => format!("varyonvg {vg}"),
            Dialect::Lvm2 => format!("vgchange -ay {vg}"),
        }
    }

    /// How to bring a missing disk back into its volume group and resynchronise.
    pub fn restore_pv(self, vg: &VgName, pv: &PvName) -> String {
        match self {
            Dialect::Aix => {
                format!("bring {pv} back (chpv -v a {pv}), then varyonvg {vg} and syncvg -v {vg}")
            }
            Dialect::Lvm2 => format!(
                "reconnect {pv} and run vgextend --restoremissing {vg} {pv}, or replace the \
                 lost images with lvconvert --repair {vg}/LV"
            ),
        }
    }

    /// How to give an unmirrored LV a second copy.
    pub fn mirror_lv(self, vg: &VgName, lv: &LvName) -> String {
        match self {
            Dialect::Aix => format!("mklvcopy {lv} 2 <disk>; syncvg -l {lv}"),
            Dialect::Lvm2 => format!("lvconvert --type raid1 -m 1 {vg}/{lv} <PV>"),
        }
    }

    /// How to add copies so that the LV has `copies` of them.
    pub fn add_copies(self, vg: &VgName, lv: &LvName, copies: usize) -> String {
        match self {
            Dialect::Aix => format!("mklvcopy {lv} {copies} <disk>; syncvg -l {lv}"),
            Dialect::Lvm2 => format!("lvconvert -m {} {vg}/{lv} <PV>", copies.saturating_sub(1)),
        }
    }

    /// How to bring stale copies of an LV up to date.
    pub fn resync_lv(self, vg: &VgName, lv: &LvName) -> String {
        match self {
            Dialect::Aix => format!("syncvg -l {lv}"),
            Dialect::Lvm2 => format!(
                "wait until lvs -o sync_percent {vg}/{lv} shows 100.00 (lvchange \
                 --maxrecoveryrate 0 {vg}/{lv} lifts the rate limit)"
            ),
        }
    }

    /// How to follow a resync that goes on after offmirror stopped waiting for it.
    ///
    /// ```
    /// use offmirror_core::{Dialect, VgName};
    /// let vg = VgName::new("datavg")?;
    /// assert!(Dialect::Aix.watch_resync(&vg).contains("syncvg -v datavg"));
    /// # Ok::<(), offmirror_core::NameError>(())
    /// ```
    pub fn watch_resync(self, vg: &VgName) -> String {
        match self {
            Dialect::Aix => format!("watch lsvg {vg} and run syncvg -v {vg} if it stops"),
            Dialect::Lvm2 => format!(
                "watch lvm lvs -o lv_name,sync_percent,raid_sync_action {vg}; the kernel \
                 resyncs by itself (lvchange --maxrecoveryrate 0 lifts a rate limit)"
            ),
        }
    }

    /// How to move an LV's copy off a disk that another copy shares.
    pub fn move_off_pv(self, vg: &VgName, lv: &LvName, pv: &PvName) -> String {
        match self {
            Dialect::Aix => {
                format!("keep each copy on its own disks (migratepv -l {lv} {pv} <free disk>)")
            }
            Dialect::Lvm2 => {
                format!("keep each image on its own PVs (pvmove -n {vg}/{lv} {pv} <free PV>)")
            }
        }
    }

    /// How to undo by hand a split left in place.
    pub fn undo_split(self, vg: &VolumeGroup, lv: &LogicalVolume, via: &SplitVia) -> String {
        match via {
            SplitVia::FsSplitCopy { mount_point } => format!("rmfs {mount_point}"),
            SplitVia::BackupLv { .. } => format!("chlvcopy -B {}", lv.name),
            SplitVia::SnapshotVg { .. } => format!("joinvg {}", vg.name),
            SplitVia::Detached { lv: new } => match self {
                Dialect::Aix => format!(
                    "rmlv -f {new}; mklvcopy {} {}; syncvg -l {}",
                    lv.name,
                    lv.copies.len() + 1,
                    lv.name
                ),
                Dialect::Lvm2 => format!(
                    "lvremove {}/{new}; lvconvert -m {} {}/{}",
                    vg.name,
                    lv.copies.len(),
                    vg.name,
                    lv.name
                ),
            },
            SplitVia::TrackedImage { image } => {
                format!(
                    "umount the image if mounted; lvconvert --mergemirrors {}/{image}",
                    vg.name
                )
            }
        }
    }
}
