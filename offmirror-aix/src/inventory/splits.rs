//! Recognising copies that are split off right now, from what the listings show.
//!
//! AIX keeps no "split by offmirror" flag, so splits are recognised by the names the
//! planner gives them ([`crate::split_names`]) and by where they appear:
//!
//! - **VG split**: a volume group named like a split copy of another VG (`datavg_om`)
//!   is that VG's snapshot VG: `snapshot` / `snapshot_of` are set, and every LV of the
//!   original VG is marked split through the snapshot VG.
//! - **Backup LV** (`chlvcopy -b -l`) and **detached LV** (`splitlvcopy -y`): an LV
//!   named like a split copy of another LV of the same VG (`datalv_om`). If the map
//!   gives it partitions of its own (not shared with a copy of its parent), the copy was
//!   detached; otherwise it is the backup LV of a marked copy. Either way the child LV
//!   is an access path to its parent's copy, not an LV of its own, and is left out of
//!   the VG's LVs.
//! - **JFS split copy** (`chfs -a splitcopy`): a file system (in `lsfs -c` or `mount`)
//!   mounted at `<dir>/split/<lv>` where `<lv>` holds another JFS, and `<dir>` is the
//!   work directory when one is configured. The split mount is left out of the file
//!   systems, and so is any LV of its own the split copy was given.
//!
//! Which copy is split is not printed by any command. In order of preference it is
//! taken from the backend's own record of the splits it made (a hint), from the disks
//! (the copy on the snapshot VG's disks, the copy a backup LV shares its partitions
//! with), from the stale flags (the only copy with stale partitions: writes made while
//! split), from a gap (the one copy with no partition left), and else it is copy 2, the
//! copy AIX splits by default.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use offmirror_core::{CopyNumber, LogicalVolume, LvName, MountPoint, SplitMark, SplitVia, VgName};

use super::volume_group::BuiltVg;
use super::{HostListing, InventoryContext};
use crate::split_names::is_split_name_of;

/// Marks the splits found and removes the child LVs; returns the split mount points,
/// which are not file systems of their own.
pub(crate) fn detect_splits(
    vgs: &mut [BuiltVg],
    host: &HostListing,
    context: &InventoryContext,
) -> HashSet<String> {
    mark_vg_splits(vgs, context);
    let mut children: Vec<HashSet<usize>> = vgs
        .iter_mut()
        .map(|built| mark_child_lvs(built, context))
        .collect();
    let split_mounts = mark_fs_split_copies(vgs, host, context, &mut children);
    for (built, excluded) in vgs.iter_mut().zip(children) {
        if excluded.is_empty() {
            continue;
        }
        let lvs = std::mem::take(&mut built.vg.lvs);
        built.vg.lvs = lvs
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !excluded.contains(i))
            .map(|(_, lv)| lv)
            .collect();
    }
    split_mounts
}

fn copy_number(index: usize) -> Option<CopyNumber> {
    u8::try_from(index.saturating_add(1))
        .ok()
        .and_then(|n| CopyNumber::new(n).ok())
}

fn hinted(context: &InventoryContext, lv: &LvName) -> Option<CopyNumber> {
    context.copies.get(lv).copied()
}

/// The only copy with stale partitions.
fn only_stale_copy(lv: &LogicalVolume) -> Option<CopyNumber> {
    let mut stale = lv
        .copies
        .iter()
        .enumerate()
        .filter(|(_, c)| c.stale_pps() > 0);
    match (stale.next(), stale.next()) {
        (Some((i, _)), None) => copy_number(i),
        _ => None,
    }
}

/// The first copy without any partition, when other copies have some.
fn empty_copy(lv: &LogicalVolume) -> Option<CopyNumber> {
    let placed = |i: &usize| {
        lv.copies
            .get(*i)
            .is_some_and(|c| c.pps.iter().any(Option::is_some))
    };
    let indexes: Vec<usize> = (0..lv.copies.len()).collect();
    if !indexes.iter().any(placed) {
        return None;
    }
    indexes
        .into_iter()
        .find(|i| !placed(i))
        .and_then(copy_number)
}

/// The copy whose partitions all lie on `pvs`.
fn copy_on(lv: &LogicalVolume, pvs: &BTreeSet<u16>) -> Option<CopyNumber> {
    lv.copies
        .iter()
        .position(|c| {
            let set = c.pv_set();
            !set.is_empty() && set.is_subset(pvs)
        })
        .and_then(copy_number)
}

/// The copy holding every one of `pps`.
fn copy_holding(lv: &LogicalVolume, pps: &HashSet<(u16, u32)>) -> Option<CopyNumber> {
    lv.copies
        .iter()
        .position(|c| {
            let own: HashSet<(u16, u32)> = c.pps.iter().flatten().map(|p| (p.pv, p.pp)).collect();
            pps.is_subset(&own)
        })
        .and_then(copy_number)
}

fn placed_pps(lv: &LogicalVolume) -> HashSet<(u16, u32)> {
    lv.copies
        .iter()
        .flat_map(|c| c.pps.iter().flatten())
        .map(|p| (p.pv, p.pp))
        .collect()
}

/// The LV of a snapshot VG that holds the copy of `lv`, the `pos`-th LV of its VG of
/// `count` LVs.
///
/// IBM documents that `splitvg` creates new LVs in the snapshot VG but not how it names
/// them (LV names are unique on a host, so they cannot be the original names on AIX).
/// Tried in order: the same name (as an emulator may print), `fs` + the name cut to 15
/// characters, the LV at the same position when both VGs list as many LVs, and else the
/// original name.
pub fn snapshot_lv_name(lv: &LvName, pos: usize, snapshot_lvs: &[LvName], count: usize) -> LvName {
    if snapshot_lvs.contains(lv) {
        return lv.clone();
    }
    let prefixed: String = format!("fs{lv}")
        .chars()
        .take(offmirror_core::MAX_LVM_NAME_LEN)
        .collect();
    if let Some(found) = snapshot_lvs.iter().find(|s| s.as_str() == prefixed) {
        return found.clone();
    }
    if snapshot_lvs.len() == count
        && let Some(found) = snapshot_lvs.get(pos)
    {
        return found.clone();
    }
    lv.clone()
}

fn mark_vg_splits(vgs: &mut [BuiltVg], context: &InventoryContext) {
    let names: Vec<VgName> = vgs.iter().map(|b| b.vg.name.clone()).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (si, snapshot) in names.iter().enumerate() {
        let original = names
            .iter()
            .position(|v| is_split_name_of(snapshot.as_str(), v.as_str()));
        if let Some(vi) = original
            && vi != si
            && !pairs
                .iter()
                .any(|&(v, s)| v == vi || s == si || s == vi || v == si)
        {
            pairs.push((vi, si));
        }
    }
    for (vi, si) in pairs {
        let Some(snapshot) = vgs.get(si) else {
            continue;
        };
        let snapshot_name = snapshot.vg.name.clone();
        let snapshot_pv_names: HashSet<String> =
            snapshot.vg.pvs.iter().map(|p| p.name.to_string()).collect();
        let snapshot_lvs: Vec<LvName> = snapshot.vg.lvs.iter().map(|l| l.name.clone()).collect();
        if let Some(s) = vgs.get_mut(si) {
            s.vg.snapshot_of = names.get(vi).cloned();
        }
        let Some(original) = vgs.get_mut(vi) else {
            continue;
        };
        original.vg.snapshot = Some(snapshot_name.clone());
        let on_snapshot: BTreeSet<u16> = original
            .vg
            .pvs
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let i = u16::try_from(i).ok()?;
                (snapshot_pv_names.contains(p.name.as_str()) || original.odd_state_pvs.contains(&i))
                    .then_some(i)
            })
            .collect();
        let count = original.vg.lvs.len();
        for (pos, lv) in original.vg.lvs.iter_mut().enumerate() {
            let copy = hinted(context, &lv.name)
                .or_else(|| copy_on(lv, &on_snapshot))
                .or_else(|| empty_copy(lv))
                .unwrap_or_default();
            let lv_name = snapshot_lv_name(&lv.name, pos, &snapshot_lvs, count);
            lv.split = Some(SplitMark {
                copy,
                via: SplitVia::SnapshotVg {
                    vg: snapshot_name.clone(),
                    lv: lv_name,
                },
            });
        }
    }
}

/// Marks LVs that have a backup or detached child LV; returns the children's indexes.
fn mark_child_lvs(built: &mut BuiltVg, context: &InventoryContext) -> HashSet<usize> {
    let mut children = HashSet::new();
    if built.vg.snapshot.is_some() || built.vg.snapshot_of.is_some() {
        return children;
    }
    let lvs = &built.vg.lvs;
    let index: HashMap<&str, usize> = lvs
        .iter()
        .enumerate()
        .map(|(i, lv)| (lv.name.as_str(), i))
        .collect();
    let mut pairs = Vec::new();
    for (pi, parent) in lvs.iter().enumerate() {
        if children.contains(&pi) {
            continue;
        }
        let child = crate::split_names::candidates(parent.name.as_str())
            .find_map(|c| index.get(c.as_str()).copied())
            .filter(|&ci| ci != pi && !children.contains(&ci));
        if let Some(ci) = child {
            children.insert(ci);
            pairs.push((pi, ci));
        }
    }
    let mut marks = Vec::with_capacity(pairs.len());
    for (pi, ci) in pairs {
        let (Some(parent), Some(child)) = (lvs.get(pi), lvs.get(ci)) else {
            continue;
        };
        let child_pps = placed_pps(child);
        let parent_pps = placed_pps(parent);
        let detached = !child_pps.is_empty() && !child_pps.is_subset(&parent_pps);
        let hint = hinted(context, &parent.name);
        let mark = if detached {
            SplitMark {
                copy: hint.or_else(|| empty_copy(parent)).unwrap_or_default(),
                via: SplitVia::Detached {
                    lv: child.name.clone(),
                },
            }
        } else {
            let shared = if child_pps.is_empty() {
                None
            } else {
                copy_holding(parent, &child_pps)
            };
            SplitMark {
                copy: hint
                    .or(shared)
                    .or_else(|| only_stale_copy(parent))
                    .unwrap_or_default(),
                via: SplitVia::BackupLv {
                    lv: child.name.clone(),
                },
            }
        };
        marks.push((pi, mark));
    }
    for (pi, mark) in marks {
        if let Some(parent) = built.vg.lvs.get_mut(pi) {
            parent.split = Some(mark);
        }
    }
    children
}

/// The LV a split mount point `<dir>/split/<lv>` is named after, when `dir` fits.
fn split_mount_lv(mount_point: &str, work_dir: Option<&Path>) -> Option<LvName> {
    let path = Path::new(mount_point);
    let parent = path.parent()?;
    if parent.file_name()? != "split" {
        return None;
    }
    if let Some(work_dir) = work_dir
        && parent != work_dir.join("split")
    {
        return None;
    }
    LvName::new(path.file_name()?.to_str()?).ok()
}

fn mark_fs_split_copies(
    vgs: &mut [BuiltVg],
    host: &HostListing,
    context: &InventoryContext,
    children: &mut [HashSet<usize>],
) -> HashSet<String> {
    let mut split_mounts = HashSet::new();
    // (mount point, device) of every file system the host lists or has mounted.
    let mut seen: Vec<(&str, Option<&str>)> = host
        .filesystems
        .iter()
        .map(|f| (f.mount_point.as_str(), f.device.as_deref()))
        .collect();
    seen.extend(
        host.mounts
            .iter()
            .map(|m| (m.mount_point.as_str(), Some(m.device.as_str()))),
    );
    for (mount_point, device) in seen {
        let Some(lv_name) = split_mount_lv(mount_point, context.work_dir.as_deref()) else {
            continue;
        };
        // The LV must hold a file system of its own elsewhere (a JFS when no work
        // directory narrows the search down).
        let own_device = format!("/dev/{lv_name}");
        let holds_fs = host.filesystems.iter().any(|f| {
            f.device.as_deref() == Some(own_device.as_str())
                && f.mount_point != mount_point
                && (context.work_dir.is_some() || f.vfs.as_deref() == Some("jfs"))
        });
        let Ok(mp) = MountPoint::new(mount_point) else {
            continue;
        };
        if !holds_fs {
            continue;
        }
        let found = vgs.iter().enumerate().find_map(|(vi, b)| {
            b.vg.lvs
                .iter()
                .position(|lv| lv.name == lv_name)
                .filter(|li| !children.get(vi).is_some_and(|c| c.contains(li)))
                .map(|li| (vi, li))
        });
        let Some((vi, li)) = found else {
            continue;
        };
        split_mounts.insert(mount_point.to_string());
        let Some(built) = vgs.get_mut(vi) else {
            continue;
        };
        // A device of its own for the split copy (not the parent's) is an access path,
        // not an LV of the VG.
        let own_lv = device
            .and_then(|d| d.strip_prefix("/dev/"))
            .filter(|d| *d != lv_name.as_str())
            .and_then(|d| built.vg.lvs.iter().position(|lv| lv.name.as_str() == d));
        if let (Some(ci), Some(excluded)) = (own_lv, children.get_mut(vi)) {
            excluded.insert(ci);
        }
        if let Some(lv) = built.vg.lvs.get_mut(li)
            && lv.split.is_none()
        {
            let copy = hinted(context, &lv.name)
                .or_else(|| only_stale_copy(lv))
                .unwrap_or_default();
            lv.split = Some(SplitMark {
                copy,
                via: SplitVia::FsSplitCopy { mount_point: mp },
            });
        }
    }
    split_mounts
}
