//! From the `vgs`, `pvs` and `lvs -a` reports and the mount table to the core
//! [`Inventory`]: four commands whatever the number of VGs and LVs.
//!
//! How LVM2 maps onto the model:
//!
//! - a VG's disks are its PVs in `pvs` order; a missing PV (`[unknown]`) is named by its
//!   UUID; a physical partition is an extent, numbered from 1;
//! - a raid1 LV's copies are its images in leg order (copy 1 is `LV_rimage_0`), each
//!   extent of an image mapped to the PV extent it sits on; a linear or striped LV has one
//!   copy; any other layout is reported with a blocker;
//! - while a resync or recovery runs, the extents it has not reached yet are stale in the
//!   images marked out of sync;
//! - an image split off with `--trackchanges` is a split mark on its LV;
//! - file systems come from the mount table, matched to LVs by device number.

mod rows;

use std::collections::{BTreeMap, HashMap};

use offmirror_core::{
    CopyNumber, FileSystem, Inventory, LogDevice, LogicalVolume, LvBlocker, LvName, LvType,
    MirrorCopy, MountPoint, PhysicalVolume, PpRef, PvName, PvState, SplitMark, SplitVia, Vfs,
    VgName, VolumeGroup,
};

pub use rows::VgRows;

use crate::error::Lvm2Error;
use crate::parse::{Health, LvRow, MountInfo, PvRow, VgRow, VolumeType};

/// Everything the inventory is built from: the parsed reports and mount table.
#[derive(Debug, Clone, Default)]
pub struct HostReport {
    /// `vgs` rows.
    pub vgs: Vec<VgRow>,
    /// `pvs` rows.
    pub pvs: Vec<PvRow>,
    /// `lvs -a` rows, one per segment.
    pub lvs: Vec<LvRow>,
    /// The mount table.
    pub mounts: Vec<MountInfo>,
}

const MIB: u64 = 1024 * 1024;

/// The most mirror copies the model holds.
const MAX_LEGS: usize = 3;

/// Builds the core inventory from a host report.
///
/// # Errors
///
/// [`Lvm2Error::Name`] when LVM printed a VG or LV name offmirror does not accept.
///
/// ```
/// use offmirror_lvm2::inventory::{HostReport, build_inventory};
/// use offmirror_lvm2::parse::{parse_lvs, parse_pvs, parse_vgs};
///
/// let report = HostReport {
///     vgs: parse_vgs(r#"{"report":[{"vg":[{"vg_name":"vg0","vg_extent_size":"4194304"}]}]}"#)?,
///     pvs: parse_pvs(r#"{"report":[{"pv":[
///         {"pv_name":"/dev/vda","vg_name":"vg0","pv_pe_count":"63"},
///         {"pv_name":"/dev/vdb","vg_name":"vg0","pv_pe_count":"63"}]}]}"#)?,
///     lvs: parse_lvs(r#"{"report":[{"lv":[
///         {"vg_name":"vg0","lv_name":"data","lv_attr":"rwi-a-r---","segtype":"raid1","sync_percent":"100.00",
///          "raid_sync_action":"idle","seg_start_pe":"0","seg_size_pe":"16","devices":"data_rimage_0(0),data_rimage_1(0)"},
///         {"vg_name":"vg0","lv_name":"[data_rimage_0]","lv_attr":"iwi-aor---","segtype":"linear",
///          "seg_start_pe":"0","seg_size_pe":"16","devices":"/dev/vda(1)"},
///         {"vg_name":"vg0","lv_name":"[data_rimage_1]","lv_attr":"iwi-aor---","segtype":"linear",
///          "seg_start_pe":"0","seg_size_pe":"16","devices":"/dev/vdb(1)"}]}]}"#)?,
///     mounts: vec![],
/// };
/// let inventory = build_inventory(&report)?;
/// let lv = &inventory.vgs[0].lvs[0];
/// assert_eq!((lv.lps, lv.copies.len()), (16, 2));
/// assert_eq!(lv.copies[1].pps[0].map(|p| (p.pv, p.pp)), Some((1, 2)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_inventory(report: &HostReport) -> Result<Inventory, Lvm2Error> {
    let mut inventory = Inventory::default();
    let mut devices: HashMap<(u32, u32), (usize, usize)> = HashMap::new();
    for vg_row in &report.vgs {
        let Some(vg_text) = vg_row.vg_name.as_deref() else {
            continue;
        };
        let name = VgName::new(vg_text).map_err(|source| Lvm2Error::Name {
            command: "vgs".into(),
            source,
        })?;
        let pvs = physical_volumes(vg_text, &report.pvs);
        let capacity = pvs
            .iter()
            .map(|p| u64::from(p.total_pps))
            .fold(0u64, u64::saturating_add);
        let rows = VgRows::new(vg_text, &report.lvs);
        let shared = shared_lock(vg_row);
        let mut lvs = Vec::new();
        for (lv_text, first) in rows.top_level() {
            let lv = logical_volume(lv_text, first, &rows, &pvs, capacity, shared.as_deref())?;
            if let (Some(major), Some(minor)) = (first.lv_kernel_major, first.lv_kernel_minor) {
                devices.insert((major, minor), (inventory.vgs.len(), lvs.len()));
            }
            lvs.push(lv);
        }
        let extent = vg_row.vg_extent_size.unwrap_or(4 * MIB);
        inventory.vgs.push(VolumeGroup {
            name,
            varied_on: true,
            pp_size_mb: u32::try_from((extent / MIB).max(1)).unwrap_or(u32::MAX),
            pvs,
            lvs,
            snapshot: None,
            snapshot_of: None,
        });
    }
    mark_duplicate_names(&mut inventory);
    attach_filesystems(&mut inventory, &devices, &report.mounts);
    Ok(inventory)
}

/// The lock type of a VG shared through lvmlockd, if it is.
fn shared_lock(vg: &VgRow) -> Option<String> {
    match vg.vg_lock_type.as_deref() {
        Some(t) if t != "none" => Some(t.to_string()),
        _ => vg.vg_shared.as_ref().map(|_| "lvmlockd".to_string()),
    }
}

/// The PVs of one VG; a PV LVM cannot find is named by its UUID.
fn physical_volumes(vg: &str, rows: &[PvRow]) -> Vec<PhysicalVolume> {
    rows.iter()
        .filter(|r| r.vg_name.as_deref() == Some(vg))
        .filter_map(|r| {
            let name = r
                .pv_name
                .as_deref()
                .and_then(|n| PvName::new(n).ok())
                .or_else(|| r.pv_uuid.as_deref().and_then(|u| PvName::new(u).ok()))?;
            Some(PhysicalVolume {
                name,
                state: if r.is_missing() {
                    PvState::Missing
                } else {
                    PvState::Active
                },
                total_pps: u32::try_from(r.pv_pe_count.unwrap_or(0)).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// The index of a PV named in a `devices` list; `[unknown]` is the first missing PV.
fn pv_index(pvs: &[PhysicalVolume], device: &str) -> Option<u16> {
    let position = if device == "[unknown]" {
        pvs.iter().position(|p| p.state == PvState::Missing)
    } else {
        pvs.iter().position(|p| p.name.as_str() == device)
    }?;
    u16::try_from(position).ok()
}

/// `capacity` is the number of extents of the VG's PVs. No copy of an LV can hold more
/// than that, so an LV that `lvs` gives more extents (a thin or other virtual LV, or a
/// report that makes no sense) is mapped over that many only, with a blocker: its size
/// never costs more memory than the VG's own extents.
fn logical_volume(
    name_text: &str,
    first: &LvRow,
    rows: &VgRows,
    pvs: &[PhysicalVolume],
    capacity: u64,
    shared: Option<&str>,
) -> Result<LogicalVolume, Lvm2Error> {
    let name = LvName::new(name_text).map_err(|source| Lvm2Error::Name {
        command: "lvs".into(),
        source,
    })?;
    let reported = segment_extents(rows, name_text);
    let lps = reported.min(capacity).min(u64::from(u32::MAX));
    let lps_usize = usize::try_from(lps).unwrap_or(0);
    let segtype = first.segtype.as_deref().unwrap_or("linear");
    let mut blockers = Vec::new();
    let mut split = None;
    let copies =
        if segtype == "raid1" {
            split = rows.split_image(name_text);
            let images = rows.images(name_text);
            if images.iter().any(|image| {
                rows.first(image).and_then(|r| r.segtype.as_deref()) == Some("integrity")
            }) {
                blockers.push(LvBlocker::RaidIntegrity);
            }
            if images.len() > MAX_LEGS {
                // The model holds 1 to 3 copies, as AIX does; LVM2 allows more legs.
                blockers.push(LvBlocker::UnsupportedLayout {
                layout: match &split {
                    Some((_, image)) => format!(
                        "raid1 with {} images (offmirror splits 2 or 3), with {image} split off",
                        images.len()
                    ),
                    None => format!("raid1 with {} images (offmirror splits 2 or 3)", images.len()),
                },
            });
            }
            let stale_from = stale_from(first, lps_usize);
            let split_leg = split.as_ref().map(|(k, _)| *k);
            images
                .iter()
                .take(MAX_LEGS)
                .enumerate()
                .map(|(k, image)| {
                    let mut copy = map_copy(rows, image, pvs, lps_usize);
                    let out_of_sync = rows
                        .first(image)
                        .and_then(|r| r.lv_attr.as_ref())
                        .is_some_and(|a| a.volume_type == VolumeType::ImageOutOfSync);
                    if let Some(from) = stale_from
                        && out_of_sync
                        && split_leg != Some(k)
                    {
                        for pp in copy.pps.iter_mut().skip(from).flatten() {
                            pp.stale = true;
                        }
                    }
                    copy
                })
                .collect()
        } else {
            if !matches!(segtype, "linear" | "striped") {
                blockers.push(LvBlocker::UnsupportedLayout {
                    layout: segtype.to_string(),
                });
            }
            vec![map_copy(rows, name_text, pvs, lps_usize)]
        };
    if reported > lps
        && !blockers
            .iter()
            .any(|b| matches!(b, LvBlocker::UnsupportedLayout { .. }))
    {
        blockers.push(LvBlocker::UnsupportedLayout {
            layout: format!(
                "{segtype} of {reported} extents, more than its VG's PVs hold ({capacity})"
            ),
        });
    }
    if rows.has_tag(name_text, crate::commands::REBUILD_TAG) {
        blockers.push(LvBlocker::RebuildPending);
    }
    if let Some(lock_type) = shared {
        blockers.push(LvBlocker::SharedVg {
            lock_type: lock_type.to_string(),
        });
    }
    let attr = first.lv_attr.as_ref();
    if attr.is_some_and(|a| !a.is_active()) {
        blockers.push(LvBlocker::Inactive);
    }
    if segtype == "raid1" && split.is_none() {
        let action = first.raid_sync_action.as_deref().unwrap_or("");
        if let Some(percent) = first.sync_percent
            && percent < 100.0
            && !matches!(action, "check" | "repair")
        {
            blockers.push(LvBlocker::NotInSync {
                action: if action.is_empty() {
                    "resync".into()
                } else {
                    action.into()
                },
                percent: format!("{percent:.2}"),
            });
        }
        let mismatches = first.raid_mismatch_count.unwrap_or(0);
        if mismatches > 0 || attr.is_some_and(|a| a.health == Health::MismatchesExist) {
            blockers.push(LvBlocker::Mismatches { count: mismatches });
        }
    }
    let split = match split {
        Some((k, image)) => {
            let copy = u8::try_from(k + 1)
                .ok()
                .and_then(|c| CopyNumber::new(c).ok());
            let image = LvName::new(image).ok();
            match (copy, image) {
                (Some(copy), Some(image)) => Some(SplitMark {
                    copy,
                    via: SplitVia::TrackedImage { image },
                }),
                _ => None,
            }
        }
        None => None,
    };
    Ok(LogicalVolume {
        name,
        lv_type: LvType::Raw,
        lps: u32::try_from(lps).unwrap_or(u32::MAX),
        copies,
        open: attr.is_some_and(|a| a.open),
        split,
        blockers,
    })
}

/// The extents of all segments of `name`, added without overflow.
fn segment_extents(rows: &VgRows, name: &str) -> u64 {
    rows.rows(name)
        .iter()
        .map(|r| r.seg_size_pe.unwrap_or(0))
        .fold(0u64, u64::saturating_add)
}

/// The first logical extent a running resync or recovery has not reached yet.
fn stale_from(first: &LvRow, lps: usize) -> Option<usize> {
    let percent = first.sync_percent?;
    if percent >= 100.0 {
        return None;
    }
    if matches!(first.raid_sync_action.as_deref(), Some("check" | "repair")) {
        return None;
    }
    let done = (lps as f64 * percent.max(0.0) / 100.0).floor();
    Some(done as usize)
}

/// Maps every extent of `name` (an image or a linear LV) to the PV extent that holds it.
fn map_copy(rows: &VgRows, name: &str, pvs: &[PhysicalVolume], lps: usize) -> MirrorCopy {
    let mut pps: Vec<Option<PpRef>> = vec![None; lps];
    for (device, first_extent, seg_start, seg_size) in rows.pv_extents(name) {
        let Some(pv) = pv_index(pvs, &device) else {
            continue;
        };
        let Ok(start) = usize::try_from(seg_start) else {
            continue;
        };
        // Only the part of the segment inside the LV: a segment longer than the LV (a
        // report that makes no sense) is not walked to its end.
        let len = usize::try_from(seg_size).unwrap_or(usize::MAX);
        for (offset, slot) in pps.iter_mut().skip(start).take(len).enumerate() {
            let offset = u64::try_from(offset).unwrap_or(u64::MAX);
            let pp = u32::try_from(first_extent.saturating_add(offset).saturating_add(1))
                .unwrap_or(u32::MAX);
            *slot = Some(PpRef {
                pv,
                pp,
                stale: false,
            });
        }
    }
    MirrorCopy { pps }
}

/// offmirror names LVs without their VG: an LV name used in two VGs is blocked in the
/// later ones.
fn mark_duplicate_names(inventory: &mut Inventory) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for vg in &mut inventory.vgs {
        for lv in &mut vg.lvs {
            match seen.get(lv.name.as_str()) {
                Some(other) => lv.blockers.push(LvBlocker::NameNotUnique {
                    other_vg: other.clone(),
                }),
                None => {
                    seen.insert(lv.name.to_string(), vg.name.to_string());
                }
            }
        }
    }
}

/// Adds the file systems mounted on LVs; an LV with a mounted file system of a type
/// offmirror cannot freeze and expose gets a blocker.
fn attach_filesystems(
    inventory: &mut Inventory,
    devices: &HashMap<(u32, u32), (usize, usize)>,
    mounts: &[MountInfo],
) {
    let mut done = std::collections::HashSet::new();
    // Whole-file-system mounts first, so a bind mount of a subdirectory is not taken.
    let mut ordered: Vec<&MountInfo> = mounts.iter().collect();
    ordered.sort_by_key(|m| m.root != "/");
    for mount in ordered {
        let Some(&(vi, li)) = devices.get(&(mount.major, mount.minor)) else {
            continue;
        };
        if !done.insert((vi, li)) {
            continue;
        }
        let Some(lv) = inventory.vgs.get_mut(vi).and_then(|vg| vg.lvs.get_mut(li)) else {
            continue;
        };
        let vfs = match mount.fs_type.as_str() {
            "ext4" => Some((Vfs::Ext4, LvType::Ext4)),
            "xfs" => Some((Vfs::Xfs, LvType::Xfs)),
            _ => None,
        };
        // LVM writes its metadata backups below /etc/lvm while it splits: with that file
        // system frozen, the split would hang until the freeze times out.
        if matches!(mount.mount_point.as_str(), "/" | "/etc" | "/etc/lvm") {
            lv.blockers.push(LvBlocker::FreezeBlocksLvm {
                mount_point: mount.mount_point.clone(),
            });
            continue;
        }
        let mount_point = MountPoint::new(mount.mount_point.clone()).ok();
        match (vfs, mount_point) {
            (Some((vfs, lv_type)), Some(mount_point)) => {
                lv.lv_type = lv_type;
                inventory.filesystems.push(FileSystem {
                    mount_point,
                    device: lv.name.clone(),
                    vfs,
                    mounted: true,
                    log: LogDevice::Inline,
                });
            }
            _ => lv.blockers.push(LvBlocker::FsNotFreezable {
                fs_type: mount.fs_type.clone(),
                mount_point: mount.mount_point.clone(),
            }),
        }
    }
}
