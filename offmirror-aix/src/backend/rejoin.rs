//! Rejoining a unit's split copy. Reads the state first: a rejoin is what recovery
//! runs after a crash, a failed split or an earlier rejoin, and must then change
//! nothing that is not split.

use offmirror_core::{Applied, LvName, Mechanism, SplitName, SplitUnit};

use super::state::{copy_layout, fs_list, lists, lv_list, mounted_at, mounts, pp_map, vg_defined};
use super::{AixBackend, mismatch, single_lv};
use crate::commands;
use crate::error::AixError;
use crate::exec::run_ok;
use crate::runner::CommandRunner;

impl<R: CommandRunner> AixBackend<R> {
    pub(super) fn rejoin_unit(&self, unit: &SplitUnit) -> Result<Applied, AixError> {
        let applied = match (unit.mechanism, &unit.split_name) {
            // The snapshot VG exists while split; `joinvg` takes the original VG.
            (Mechanism::VgSplit, SplitName::SnapshotVg(snapshot)) => {
                if vg_defined(&self.runner, snapshot)? {
                    run_ok(&self.runner, &commands::joinvg(&unit.vg))?;
                    self.memory().joined.insert(unit.vg.clone());
                    Applied::Done
                } else {
                    Applied::AlreadyDone
                }
            }
            // The split copy is mounted at MNT (or at least has a stanza there);
            // `rmfs MNT` reintegrates it, as IBM's procedure says.
            (Mechanism::FsSplitCopy, SplitName::SplitMount(split_mount)) => {
                let lv = single_lv(unit, "rejoin")?;
                if lv
                    .fs
                    .as_ref()
                    .is_some_and(|fs| &fs.mount_point == split_mount)
                {
                    return Err(AixError::refused(
                        format!("rejoin {}", lv.lv),
                        format!(
                            "{split_mount} is the file system itself, not a split copy; rmfs would remove it"
                        ),
                    ));
                }
                let split = mounted_at(&mounts(&self.runner)?, split_mount.as_str())
                    || fs_list(&self.runner)?
                        .iter()
                        .any(|f| f.mount_point == split_mount.as_str());
                if split {
                    run_ok(&self.runner, &commands::rmfs(split_mount))?;
                    // rmfs leaves the empty mount directory; tidy it (best effort).
                    let _ = std::fs::remove_dir(split_mount.as_str());
                    Applied::Done
                } else {
                    Applied::AlreadyDone
                }
            }
            // The backup LV exists while the copy is marked; `chlvcopy -B` unmarks the
            // copy and removes it.
            (Mechanism::LvCopy, SplitName::BackupLv(backup)) => {
                let lv = single_lv(unit, "rejoin")?;
                if lists(&lv_list(&self.runner, &unit.vg)?, backup) {
                    run_ok(&self.runner, &commands::chlvcopy_unmark(&lv.lv))?;
                    Applied::Done
                } else {
                    Applied::AlreadyDone
                }
            }
            (Mechanism::FullResyncSplit, SplitName::DetachedLv(detached)) => {
                self.rebuild(unit, detached)?
            }
            _ => return Err(mismatch(unit, "rejoin")),
        };
        let mut memory = self.memory();
        for lv in &unit.lvs {
            memory.split_copies.remove(&lv.lv);
        }
        Ok(applied)
    }

    /// Removes the detached LV and adds a copy back on the disks it freed. The new copy
    /// is stale throughout until `syncvg` (the resync step).
    ///
    /// The number of copies to restore is the plan's (the count when planned), else the
    /// number before the split when this backend made it; at least one more than now
    /// while the detached LV exists, and at least the split copy's number once it is
    /// gone — so a crash between `rmlv` and `mklvcopy` is completed by any process.
    fn rebuild(&self, unit: &SplitUnit, detached: &LvName) -> Result<Applied, AixError> {
        let lv = single_lv(unit, "rejoin")?;
        let listed = lists(&lv_list(&self.runner, &unit.vg)?, detached);
        let map = pp_map(&self.runner, &unit.vg)?;
        let now = copy_layout(&map, &lv.lv).copies;
        let planned = Some(usize::from(lv.copies)).filter(|&n| n > 0);
        let remembered = planned.or_else(|| self.memory().copy_counts.get(&lv.lv).copied());
        let applied = if listed {
            let freed: Vec<_> = copy_layout(&map, detached).all_disks();
            run_ok(&self.runner, &commands::rmlv(detached))?;
            let target = remembered.unwrap_or(0).max(now + 1);
            run_ok(&self.runner, &commands::mklvcopy(&lv.lv, target, &freed))?;
            Applied::Done
        } else {
            let target = remembered
                .unwrap_or(0)
                .max(usize::from(unit.copy.get()))
                .max(2);
            if now < target {
                run_ok(&self.runner, &commands::mklvcopy(&lv.lv, target, &[]))?;
                Applied::Done
            } else {
                Applied::AlreadyDone
            }
        };
        self.memory().copy_counts.remove(&lv.lv);
        Ok(applied)
    }
}
