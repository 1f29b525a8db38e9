//! One varied-on volume group from its four listings: disks, LVs and the copy map.

use std::collections::{BTreeSet, HashMap};

use offmirror_core::{
    LogicalVolume, LvName, MirrorCopy, PhysicalVolume, PpRef, PvState, VgName, VolumeGroup,
};

use super::VgListing;
use super::types::{lv_type, pv_name, pv_state};
use crate::error::AixError;
use crate::parse;

const MIB: u64 = 1 << 20;

/// LP slots allocated beyond the number of map lines: four million, twice the
/// partitions of the largest scalable volume group.
const MAX_EXTRA_LP_SLOTS: usize = 1 << 22;

/// A volume group as built from its listings, with what split detection needs to know
/// beyond the core model.
#[derive(Debug, Clone)]
pub(crate) struct BuiltVg {
    /// The volume group.
    pub vg: VolumeGroup,
    /// Disks (indexes into `vg.pvs`) in a state other than active, missing or removed:
    /// the state AIX gives disks handed to a snapshot VG.
    pub odd_state_pvs: BTreeSet<u16>,
}

/// Copies of one LV while the map is read: per copy, per LP.
type CopyGrid = Vec<Vec<Option<PpRef>>>;

/// Builds the volume group `name` from its listings.
pub(crate) fn build_vg(name: VgName, listing: &VgListing) -> Result<BuiltVg, AixError> {
    let pp_size_mb = listing
        .detail
        .pp_size_bytes
        .map(|bytes| bytes / MIB)
        .and_then(|mb| u32::try_from(mb).ok())
        .unwrap_or(0);

    let mut pvs: Vec<PhysicalVolume> = Vec::with_capacity(listing.pvs.pvs.len());
    let mut pv_index: HashMap<&str, u16> = HashMap::new();
    let mut odd_state_pvs = BTreeSet::new();
    for row in &listing.pvs.pvs {
        let (Some(pv), Ok(index)) = (pv_name(&row.name), u16::try_from(pvs.len())) else {
            continue;
        };
        if matches!(row.state, Some(parse::PvState::Other(_))) {
            odd_state_pvs.insert(index);
        }
        pv_index.insert(row.name.as_str(), index);
        pvs.push(PhysicalVolume {
            name: pv,
            state: pv_state(row.state.as_ref()),
            total_pps: row.total_pps.unwrap_or(0),
        });
    }

    // Disks of the map, as indexes into `pvs`; a disk the map names but `lsvg -p` did
    // not list is added as missing, so that every partition keeps its place.
    let mut map_pv: Vec<Option<u16>> = Vec::with_capacity(listing.map.pv_names.len());
    for printed in &listing.map.pv_names {
        let index = match pv_index.get(printed.as_str()) {
            Some(&i) => Some(i),
            None => match (pv_name(printed), u16::try_from(pvs.len())) {
                (Some(pv), Ok(i)) => {
                    pvs.push(PhysicalVolume {
                        name: pv,
                        state: PvState::Missing,
                        total_pps: 0,
                    });
                    Some(i)
                }
                _ => None,
            },
        };
        map_pv.push(index);
    }

    let rows = &listing.lvs.lvs;
    let mut row_index: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        row_index.entry(row.name.as_str()).or_insert(i);
    }
    let map_lv: Vec<Option<usize>> = listing
        .map
        .lv_names
        .iter()
        .map(|n| row_index.get(n.as_str()).copied())
        .collect();

    // Partitions are stored densely per LP, so LP numbers decide how much is allocated.
    // An LP beyond the LV's size is dropped (the map and `lsvg -l` ran one after the
    // other), and a budget of LP slots, as large as the input plus what the largest
    // scalable VG can hold, keeps absurd numbers from exhausting memory.
    let entry_count = listing.map.entries.len();
    let mut budget = entry_count.saturating_add(MAX_EXTRA_LP_SLOTS);
    let limits: Vec<usize> = rows
        .iter()
        .map(|r| r.lps.map_or(entry_count, |l| l as usize))
        .collect();

    let mut grids: Vec<CopyGrid> = vec![Vec::new(); rows.len()];
    for (pv, pp, copy) in listing.map.used() {
        let (Some(&Some(li)), Some(&Some(pvi))) =
            (map_lv.get(copy.lv as usize), map_pv.get(pv as usize))
        else {
            continue;
        };
        let lp = copy.lp as usize;
        let ci = usize::from(copy.copy.unwrap_or(1)).saturating_sub(1);
        let (Some(grid), Some(&limit)) = (grids.get_mut(li), limits.get(li)) else {
            continue;
        };
        if lp == 0 || lp > limit || ci > 2 {
            continue;
        }
        if grid.len() <= ci {
            grid.resize_with(ci + 1, Vec::new);
        }
        let Some(lps) = grid.get_mut(ci) else {
            continue;
        };
        if lps.len() < lp {
            let growth = lp - lps.len();
            if growth > budget {
                continue;
            }
            budget -= growth;
            lps.resize(lp, None);
        }
        if let Some(slot) = lps.get_mut(lp - 1) {
            *slot = Some(PpRef {
                pv: pvi,
                pp,
                stale: copy.stale,
            });
        }
    }

    let mut lvs = Vec::with_capacity(rows.len());
    for (row, grid) in rows.iter().zip(grids) {
        let lv_name = LvName::new(row.name.as_str()).map_err(|source| AixError::Name {
            command: format!("lsvg -l {name}"),
            source,
        })?;
        lvs.push(logical_volume(lv_name, row, grid, &mut budget));
    }

    Ok(BuiltVg {
        vg: VolumeGroup {
            name,
            varied_on: true,
            pp_size_mb,
            pvs,
            lvs,
            snapshot: None,
            snapshot_of: None,
        },
        odd_state_pvs,
    })
}

fn logical_volume(
    name: LvName,
    row: &parse::VgLvRow,
    grid: CopyGrid,
    budget: &mut usize,
) -> LogicalVolume {
    let mapped = grid.iter().map(Vec::len).max().unwrap_or(0);
    let wanted = row.lps.map_or(mapped, |l| (l as usize).max(mapped));
    // No partition in the map: as many copies as PPs / LPs says, none placed.
    let count = if grid.is_empty() {
        row.copies_hint().unwrap_or(1).clamp(1, 3) as usize
    } else {
        grid.len()
    };
    let cost = |lps: usize| -> usize {
        if grid.is_empty() {
            lps.saturating_mul(count)
        } else {
            grid.iter().map(|c| lps.saturating_sub(c.len())).sum()
        }
    };
    let lps = if cost(wanted) <= *budget {
        wanted
    } else {
        mapped
    };
    *budget = budget.saturating_sub(cost(lps));
    let copies: Vec<MirrorCopy> = if grid.is_empty() {
        vec![
            MirrorCopy {
                pps: vec![None; lps],
            };
            count
        ]
    } else {
        grid.into_iter()
            .map(|mut pps| {
                pps.resize(lps, None);
                MirrorCopy { pps }
            })
            .collect()
    };
    LogicalVolume {
        name,
        lv_type: lv_type(row.lv_type.as_deref()),
        lps: u32::try_from(lps).unwrap_or(u32::MAX),
        copies,
        open: row.state.is_some_and(|s| s.open),
        split: None,
        blockers: Vec::new(),
    }
}

/// A volume group that is defined but not varied on: AIX shows nothing of it.
pub(crate) fn varied_off(name: VgName) -> BuiltVg {
    BuiltVg {
        vg: VolumeGroup {
            name,
            varied_on: false,
            pp_size_mb: 0,
            pvs: Vec::new(),
            lvs: Vec::new(),
            snapshot: None,
            snapshot_of: None,
        },
        odd_state_pvs: BTreeSet::new(),
    }
}
