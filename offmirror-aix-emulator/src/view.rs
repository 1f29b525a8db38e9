//! The host as the AIX listing commands show it, derived from the simulator's state.
//!
//! The simulator keeps a split in the LV it was split from (a split mark plus, for a
//! detached copy, the copy's partitions). AIX shows splits as objects of their own, and
//! this module makes them, in the forms `offmirror-aix`'s inventory recognises:
//!
//! | split | how AIX shows it here |
//! |---|---|
//! | `splitvg -y SNAP` | a volume group SNAP, varied on, with one LV `fs<lv>` (cut to 15 characters) per LV of the original, each holding the split copy on the split disks; in the original VG those disks have the PV state `snapshotpv` and the copy stays in its map |
//! | `chlvcopy -b -l BACKUPLV` | an LV BACKUPLV at the end of the VG's `lsvg -l`, one copy, sharing the parent's partitions (so `lsvg -M` lists none for it) |
//! | `splitlvcopy -y NEWLV` | an LV NEWLV holding the detached copy's partitions (one copy), the parent with one copy less |
//! | `chfs -a splitcopy=MNT` | a stanza for MNT in `lsfs -c` and a read-only mount at MNT, both on the parent's device |
//!
//! None of these forms has a real sample: IBM documents that `splitvg` creates new LVs
//! and mount points in the snapshot VG but not their names (the `fs` prefix is what
//! `offmirror-aix` looks for), nor how the original lists the split disks (`snapshotpv`
//! follows `offmirror-aix`'s tests); the snapshot VG gets no `/etc/filesystems` stanzas
//! here. Which device `chfs -a splitcopy` mounts is not documented either.

use std::collections::{BTreeMap, BTreeSet};

use offmirror_core::{
    FileSystem, LogDevice, LogicalVolume, LvName, MirrorCopy, PvState, SplitVia, VolumeGroup,
};
use offmirror_sim::SimState;

use crate::extras::Extras;

/// The date `mount` shows for the host's own file systems (mounted "at boot"); the
/// simulator keeps no mount times.
pub const BOOT_DATE: &str = "Jan 01 00:00";

/// The name of the snapshot VG's LV that holds the split copy of `lv`: `fs` + the name,
/// cut to 15 characters.
///
/// ```
/// use offmirror_aix_emulator::view::snapshot_lv_name;
/// assert_eq!(snapshot_lv_name("datalv"), "fsdatalv");
/// assert_eq!(snapshot_lv_name("averyverylongnm"), "fsaveryverylong");
/// ```
pub fn snapshot_lv_name(lv: &str) -> String {
    format!("fs{lv}")
        .chars()
        .take(offmirror_core::MAX_LVM_NAME_LEN)
        .collect()
}

/// One physical partition of an LV copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PpView {
    /// Index of the disk in [`VgView::pvs`].
    pub pv: usize,
    /// Partition number on the disk (1-based).
    pub pp: u32,
    /// Stale.
    pub stale: bool,
}

/// A disk as `lsvg -p` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PvView {
    /// Its name.
    pub name: String,
    /// Its state word (`active`, `missing`, `removed`, `snapshotpv`).
    pub state: String,
    /// Its size in partitions.
    pub total_pps: u32,
}

/// A logical volume as `lsvg -l` and `lsvg -M` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LvView {
    /// Its name.
    pub name: String,
    /// Its type word.
    pub lv_type: String,
    /// Logical partitions.
    pub lps: u32,
    /// Per copy, per LP, where the copy lies.
    pub copies: Vec<Vec<Option<PpView>>>,
    /// The LV reads partitions that belong to another LV (a `chlvcopy` backup LV): the
    /// map lists them under their owner, and they are not counted twice as used.
    pub shares_partitions: bool,
    /// Open (mounted, in use).
    pub open: bool,
    /// The mount point recorded for it.
    pub mount_point: Option<String>,
}

impl LvView {
    /// Every placed partition, all copies.
    pub fn placed(&self) -> impl Iterator<Item = &PpView> {
        self.copies.iter().flatten().flatten()
    }

    /// Physical partitions allocated over all copies.
    pub fn pps(&self) -> usize {
        self.placed().count()
    }

    /// Distinct disks the LV touches.
    pub fn pv_count(&self) -> usize {
        self.placed().map(|p| p.pv).collect::<BTreeSet<_>>().len()
    }

    /// Stale partitions.
    pub fn stale_pps(&self) -> usize {
        self.placed().filter(|p| p.stale).count()
    }
}

/// One used partition of the map: which copy of which LP of which LV it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index of the LV in [`VgView::lvs`].
    pub lv: usize,
    /// Logical partition (1-based).
    pub lp: u32,
    /// Copy number, printed only for LVs with more than one copy.
    pub copy: Option<usize>,
    /// Stale.
    pub stale: bool,
}

/// A volume group as the listing commands show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VgView {
    /// Its name.
    pub name: String,
    /// Varied on.
    pub varied_on: bool,
    /// Partition size in megabytes.
    pub pp_size_mb: u32,
    /// Its disks.
    pub pvs: Vec<PvView>,
    /// Its logical volumes, in `lsvg -l` order.
    pub lvs: Vec<LvView>,
}

impl VgView {
    /// Used partitions, keyed by (disk index, partition number).
    pub fn placements(&self) -> BTreeMap<(usize, u32), Placement> {
        let mut out = BTreeMap::new();
        for (li, lv) in self.lvs.iter().enumerate() {
            if lv.shares_partitions {
                continue;
            }
            let mirrored = lv.copies.len() > 1;
            for (ci, copy) in lv.copies.iter().enumerate() {
                for (lp, pp) in copy.iter().enumerate() {
                    if let Some(pp) = pp {
                        out.insert(
                            (pp.pv, pp.pp),
                            Placement {
                                lv: li,
                                lp: u32::try_from(lp + 1).unwrap_or(u32::MAX),
                                copy: mirrored.then_some(ci + 1),
                                stale: pp.stale,
                            },
                        );
                    }
                }
            }
        }
        out
    }

    /// Used partitions per disk.
    pub fn used_per_pv(&self) -> Vec<u32> {
        let mut used = vec![0u32; self.pvs.len()];
        for (pv, _) in self.placements().keys() {
            if let Some(n) = used.get_mut(*pv) {
                *n += 1;
            }
        }
        used
    }

    /// The LV called `name`.
    pub fn lv(&self, name: &str) -> Option<&LvView> {
        self.lvs.iter().find(|l| l.name == name)
    }
}

/// One line of `/etc/filesystems` as `lsfs -c` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsStanza {
    /// Mount point.
    pub mount_point: String,
    /// Device (`/dev/lv`).
    pub device: String,
    /// VFS.
    pub vfs: String,
    /// `Type` column (`bootfs` for `/`).
    pub fs_type: String,
    /// Size in 512-byte blocks.
    pub size_blocks: u64,
    /// Options (`rw`, `ro`).
    pub options: String,
    /// Mounted at boot.
    pub automount: bool,
}

/// One row of `mount`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountRow {
    /// What is mounted.
    pub device: String,
    /// Where.
    pub mount_point: String,
    /// VFS.
    pub vfs: String,
    /// When (`Mon DD HH:MM`).
    pub date: String,
    /// Options.
    pub options: String,
}

/// The whole host as the listing commands show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostView {
    /// Volume groups in `lsvg` order: the simulator's, then snapshot VGs.
    pub vgs: Vec<VgView>,
    /// `lsfs -c` lines.
    pub filesystems: Vec<FsStanza>,
    /// `mount` rows.
    pub mounts: Vec<MountRow>,
}

impl HostView {
    /// Builds the view of `state` with the emulator's own `extras`.
    pub fn build(state: &SimState, extras: &Extras) -> Self {
        let mut vgs: Vec<VgView> = state
            .inventory
            .vgs
            .iter()
            .map(|vg| original_vg(state, extras, vg))
            .collect();
        vgs.extend(
            state
                .inventory
                .vgs
                .iter()
                .filter_map(|vg| snapshot_vg(extras, vg)),
        );
        Self {
            vgs,
            filesystems: stanzas(state),
            mounts: mounts(state, extras),
        }
    }

    /// The VG called `name`.
    pub fn vg(&self, name: &str) -> Option<&VgView> {
        self.vgs.iter().find(|v| v.name == name)
    }

    /// The LV called `name`, with its VG.
    pub fn lv(&self, name: &str) -> Option<(&VgView, &LvView)> {
        self.vgs
            .iter()
            .find_map(|vg| vg.lv(name).map(|lv| (vg, lv)))
    }

    /// Whether any VG, LV or disk is called `name`.
    pub fn name_used(&self, name: &str) -> bool {
        self.vgs.iter().any(|vg| {
            vg.name == name
                || vg.lvs.iter().any(|l| l.name == name)
                || vg.pvs.iter().any(|p| p.name == name)
        })
    }
}

fn pv_state_word(state: PvState) -> &'static str {
    match state {
        PvState::Active => "active",
        PvState::Missing => "missing",
        PvState::Removed => "removed",
        _ => "???????",
    }
}

fn copy_view(
    copy: &MirrorCopy,
    remap: impl Fn(u16) -> Option<usize>,
    keep_stale: bool,
) -> Vec<Option<PpView>> {
    copy.pps
        .iter()
        .map(|pp| {
            pp.and_then(|p| {
                remap(p.pv).map(|pv| PpView {
                    pv,
                    pp: p.pp,
                    stale: keep_stale && p.stale,
                })
            })
        })
        .collect()
}

/// Disks (indexes into the sim VG's PVs) holding a copy split off into a snapshot VG.
fn snapshot_disks(vg: &VolumeGroup) -> BTreeSet<u16> {
    if vg.snapshot.is_none() {
        return BTreeSet::new();
    }
    vg.lvs
        .iter()
        .filter_map(|lv| match &lv.split {
            Some(mark) if matches!(mark.via, SplitVia::SnapshotVg { .. }) => lv.copy(mark.copy),
            _ => None,
        })
        .flat_map(MirrorCopy::pv_set)
        .collect()
}

fn mount_point_of(state: &SimState, lv: &LvName) -> Option<String> {
    state
        .inventory
        .filesystem_on(lv)
        .map(|fs| fs.mount_point.to_string())
}

fn original_vg(state: &SimState, extras: &Extras, vg: &VolumeGroup) -> VgView {
    let on_snapshot = snapshot_disks(vg);
    let pvs = vg
        .pvs
        .iter()
        .enumerate()
        .map(|(i, pv)| PvView {
            name: pv.name.to_string(),
            state: if u16::try_from(i).is_ok_and(|i| on_snapshot.contains(&i)) {
                "snapshotpv".into()
            } else {
                pv_state_word(pv.state).into()
            },
            total_pps: pv.total_pps,
        })
        .collect();
    let same = |pv: u16| Some(usize::from(pv));
    let mut lvs: Vec<LvView> = vg
        .lvs
        .iter()
        .map(|lv| LvView {
            name: lv.name.to_string(),
            lv_type: lv.lv_type.as_str().into(),
            lps: lv.lps,
            copies: lv.copies.iter().map(|c| copy_view(c, same, true)).collect(),
            shares_partitions: false,
            open: lv.open,
            mount_point: mount_point_of(state, &lv.name),
        })
        .collect();
    lvs.extend(vg.lvs.iter().filter_map(|lv| child_lv(state, extras, lv)));
    VgView {
        name: vg.name.to_string(),
        varied_on: vg.varied_on,
        pp_size_mb: vg.pp_size_mb,
        pvs,
        lvs,
    }
}

/// The backup or detached LV a split gave `lv`, if any.
fn child_lv(state: &SimState, extras: &Extras, lv: &LogicalVolume) -> Option<LvView> {
    let mark = lv.split.as_ref()?;
    let same = |pv: u16| Some(usize::from(pv));
    let (name, copy, shares) = match &mark.via {
        SplitVia::BackupLv { lv: child } => {
            (child, copy_view(lv.copy(mark.copy)?, same, false), true)
        }
        SplitVia::Detached { lv: child } => {
            if extras.removed_detached.contains(&lv.name) {
                return None;
            }
            let map = state.splits.get(&lv.name)?.detached_map.as_ref()?;
            (child, copy_view(map, same, false), false)
        }
        _ => return None,
    };
    Some(LvView {
        name: name.to_string(),
        lv_type: lv.lv_type.as_str().into(),
        lps: lv.lps,
        copies: vec![copy],
        shares_partitions: shares,
        open: extras.device_mount(name.as_str()).is_some(),
        mount_point: None,
    })
}

fn snapshot_vg(extras: &Extras, vg: &VolumeGroup) -> Option<VgView> {
    let snapshot = vg.snapshot.as_ref()?;
    let disks: Vec<u16> = snapshot_disks(vg).into_iter().collect();
    let remap = |pv: u16| disks.iter().position(|d| *d == pv);
    let pvs = disks
        .iter()
        .filter_map(|d| vg.pvs.get(usize::from(*d)))
        .map(|pv| PvView {
            name: pv.name.to_string(),
            state: "active".into(),
            total_pps: pv.total_pps,
        })
        .collect();
    let lvs = vg
        .lvs
        .iter()
        .filter_map(|lv| {
            let mark = lv.split.as_ref()?;
            if !matches!(mark.via, SplitVia::SnapshotVg { .. }) {
                return None;
            }
            let name = snapshot_lv_name(lv.name.as_str());
            Some(LvView {
                open: extras.device_mount(&name).is_some(),
                name,
                lv_type: lv.lv_type.as_str().into(),
                lps: lv.lps,
                copies: vec![copy_view(lv.copy(mark.copy)?, remap, false)],
                shares_partitions: false,
                mount_point: None,
            })
        })
        .collect();
    Some(VgView {
        name: snapshot.to_string(),
        varied_on: true,
        pp_size_mb: vg.pp_size_mb,
        pvs,
        lvs,
    })
}

fn size_blocks(state: &SimState, lv: &LvName) -> u64 {
    state.inventory.lv(lv).map_or(0, |(vg, lv)| {
        u64::from(lv.lps) * u64::from(vg.pp_size_mb) * 2048
    })
}

fn stanzas(state: &SimState) -> Vec<FsStanza> {
    let mut out: Vec<FsStanza> = state
        .inventory
        .filesystems
        .iter()
        .map(|fs| FsStanza {
            mount_point: fs.mount_point.to_string(),
            device: format!("/dev/{}", fs.device),
            vfs: fs.vfs.as_str().into(),
            fs_type: if fs.mount_point.as_str() == "/" {
                "bootfs".into()
            } else {
                String::new()
            },
            size_blocks: size_blocks(state, &fs.device),
            options: "rw".into(),
            automount: true,
        })
        .collect();
    for (fs, split_mount) in fs_split_copies(state) {
        out.push(FsStanza {
            mount_point: split_mount,
            device: format!("/dev/{}", fs.device),
            vfs: fs.vfs.as_str().into(),
            fs_type: String::new(),
            size_blocks: size_blocks(state, &fs.device),
            options: "ro".into(),
            automount: false,
        });
    }
    out
}

/// JFS split copies in place: the file system and the split mount point.
fn fs_split_copies(state: &SimState) -> Vec<(&FileSystem, String)> {
    state
        .inventory
        .vgs
        .iter()
        .flat_map(|vg| vg.lvs.iter())
        .filter_map(|lv| match &lv.split {
            Some(mark) => match &mark.via {
                SplitVia::FsSplitCopy { mount_point } => state
                    .inventory
                    .filesystem_on(&lv.name)
                    .map(|fs| (fs, mount_point.to_string())),
                _ => None,
            },
            None => None,
        })
        .collect()
}

fn log_option(log: &LogDevice) -> String {
    match log {
        LogDevice::Lv(lv) => format!("log=/dev/{lv}"),
        LogDevice::Inline => "log=INLINE".into(),
        LogDevice::None => "log=NULL".into(),
    }
}

fn mounts(state: &SimState, extras: &Extras) -> Vec<MountRow> {
    let mut out: Vec<MountRow> = state
        .inventory
        .filesystems
        .iter()
        .filter(|fs| fs.mounted)
        .map(|fs| MountRow {
            device: format!("/dev/{}", fs.device),
            mount_point: fs.mount_point.to_string(),
            vfs: fs.vfs.as_str().into(),
            date: BOOT_DATE.into(),
            options: format!("rw,{}", log_option(&fs.log)),
        })
        .collect();
    out.push(MountRow {
        device: "/proc".into(),
        mount_point: "/proc".into(),
        vfs: "procfs".into(),
        date: BOOT_DATE.into(),
        options: "rw".into(),
    });
    for (fs, split_mount) in fs_split_copies(state) {
        out.push(MountRow {
            device: format!("/dev/{}", fs.device),
            mount_point: split_mount,
            vfs: fs.vfs.as_str().into(),
            date: BOOT_DATE.into(),
            options: "ro".into(),
        });
    }
    for m in &extras.mounts {
        out.push(MountRow {
            device: format!("/dev/{}", m.device),
            mount_point: m.dir.clone(),
            vfs: m.vfs.clone(),
            date: m.date.clone(),
            options: "ro".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_host_lists_its_vgs_and_file_systems() {
        let state = offmirror_sim::demo_state();
        let view = HostView::build(&state, &Extras::default());
        let names: Vec<&str> = view.vgs.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["rootvg", "datavg", "appvg"]);
        assert_eq!(view.filesystems.len(), 6);
        assert_eq!(view.mounts.len(), 7);
        let data = view.vg("datavg");
        assert_eq!(data.map(|v| v.lvs.len()), Some(4));
        let oradata = data.and_then(|v| v.lv("oradatalv"));
        assert_eq!(oradata.map(LvView::pps), Some(192));
        assert_eq!(oradata.map(LvView::pv_count), Some(3));
        let scratch = view.lv("scratchlv").map(|(_, l)| l.stale_pps());
        assert_eq!(scratch, Some(3));
    }
}
