//! Reading the few facts an operation checks before (or after) it acts.

use offmirror_core::{LvName, PvName, VgName};

use crate::commands;
use crate::error::AixError;
use crate::exec::run_parsed;
use crate::inventory::pv_name;
use crate::parse::{
    FsEntry, MountEntry, VgLvList, VgPpMap, parse_fs_list, parse_mounts, parse_vg_lvs,
    parse_vg_names, parse_vg_pp_map,
};
use crate::runner::CommandRunner;

/// `lsvg`: whether a volume group of that name is defined.
pub(crate) fn vg_defined<R: CommandRunner + ?Sized>(
    runner: &R,
    vg: &VgName,
) -> Result<bool, AixError> {
    let names = run_parsed(runner, &commands::lsvg_all(), parse_vg_names)?;
    Ok(names.iter().any(|n| n == vg.as_str()))
}

/// `lsvg -l VG`.
pub(crate) fn lv_list<R: CommandRunner + ?Sized>(
    runner: &R,
    vg: &VgName,
) -> Result<VgLvList, AixError> {
    run_parsed(runner, &commands::lsvg_lvs(vg), parse_vg_lvs)
}

/// Whether `lsvg -l` lists `lv`.
pub(crate) fn lists(list: &VgLvList, lv: &LvName) -> bool {
    list.lvs.iter().any(|row| row.name == lv.as_str())
}

/// `lsvg -M VG`.
pub(crate) fn pp_map<R: CommandRunner + ?Sized>(
    runner: &R,
    vg: &VgName,
) -> Result<VgPpMap, AixError> {
    run_parsed(runner, &commands::lsvg_pp_map(vg), parse_vg_pp_map)
}

/// `mount`.
pub(crate) fn mounts<R: CommandRunner + ?Sized>(runner: &R) -> Result<Vec<MountEntry>, AixError> {
    run_parsed(runner, &commands::mounts(), parse_mounts)
}

/// `lsfs -c`.
pub(crate) fn fs_list<R: CommandRunner + ?Sized>(runner: &R) -> Result<Vec<FsEntry>, AixError> {
    run_parsed(runner, &commands::lsfs(), parse_fs_list)
}

/// Whether something is mounted at `dir`.
pub(crate) fn mounted_at(mounts: &[MountEntry], dir: &str) -> bool {
    mounts.iter().any(|m| m.mount_point == dir)
}

/// Stale partitions of the named LVs in a map.
pub(crate) fn stale_of<'a>(map: &VgPpMap, lvs: impl IntoIterator<Item = &'a LvName>) -> u64 {
    let mut wanted = vec![false; map.lv_names.len()];
    for index in lvs.into_iter().filter_map(|lv| map.lv_index(lv.as_str())) {
        if let Some(slot) = wanted.get_mut(index as usize) {
            *slot = true;
        }
    }
    map.used()
        .filter(|(_, _, c)| c.stale && wanted.get(c.lv as usize).copied().unwrap_or(false))
        .count() as u64
}

/// How an LV's partitions lie in a map.
#[derive(Debug, Default)]
pub(crate) struct CopyLayout {
    /// Number of copies (the highest copy number; 1 for an unmirrored LV).
    pub copies: usize,
    /// Disks holding each copy, in order of first appearance, per copy index.
    pub disks: Vec<Vec<PvName>>,
}

impl CopyLayout {
    /// Disks holding copy `number` (1-based).
    pub(crate) fn disks_of(&self, number: usize) -> &[PvName] {
        number
            .checked_sub(1)
            .and_then(|i| self.disks.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Every disk the LV uses, in order of first appearance.
    pub(crate) fn all_disks(&self) -> Vec<PvName> {
        let mut out: Vec<PvName> = Vec::new();
        for pv in self.disks.iter().flatten() {
            if !out.contains(pv) {
                out.push(pv.clone());
            }
        }
        out
    }
}

/// The copies of `lv` in a map.
pub(crate) fn copy_layout(map: &VgPpMap, lv: &LvName) -> CopyLayout {
    let mut layout = CopyLayout::default();
    let Some(index) = map.lv_index(lv.as_str()) else {
        return layout;
    };
    for (pv, _, copy) in map.used().filter(|(_, _, c)| c.lv == index) {
        let number = usize::from(copy.copy.unwrap_or(1));
        layout.copies = layout.copies.max(number);
        if layout.disks.len() < number {
            layout.disks.resize_with(number, Vec::new);
        }
        let Some(name) = map.pv_name(pv).and_then(pv_name) else {
            continue;
        };
        if let Some(disks) = number.checked_sub(1).and_then(|i| layout.disks.get_mut(i))
            && !disks.contains(&name)
        {
            disks.push(name);
        }
    }
    layout
}
