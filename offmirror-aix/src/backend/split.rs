//! Splitting a unit's copy off.
//!
//! A split runs inside the quiesce window, so it issues its one command straight away
//! (a full-resync split first reads the map, because its command names the copy's
//! disks). Only when the command fails does it read the state, to tell "already split
//! under this name" ([`Applied::AlreadyDone`]) from a real failure (returned as the
//! command's error). A command that times out is reported in doubt, not checked: the
//! command may still be working.

use offmirror_core::{Applied, Mechanism, SplitName, SplitUnit};

use super::state::{copy_layout, lists, lv_list, mounted_at, mounts, pp_map, vg_defined};
use super::{AixBackend, mismatch, single_lv};
use crate::commands;
use crate::error::{AixError, CommandFailure};
use crate::runner::CommandRunner;

impl<R: CommandRunner> AixBackend<R> {
    pub(super) fn split_unit(&self, unit: &SplitUnit) -> Result<Applied, AixError> {
        let applied = match (unit.mechanism, &unit.split_name) {
            (Mechanism::VgSplit, SplitName::SnapshotVg(snapshot)) => self
                .run_split(&commands::splitvg(snapshot, unit.copy, &unit.vg), || {
                    vg_defined(&self.runner, snapshot)
                })?,
            (Mechanism::FsSplitCopy, SplitName::SplitMount(split_mount)) => {
                let lv = single_lv(unit, "split")?;
                let fs = lv.fs.as_ref().ok_or_else(|| {
                    AixError::refused(
                        format!("split {}", lv.lv),
                        "chfs -a splitcopy splits a mounted JFS, and this LV holds no file system",
                    )
                })?;
                // As an administrator would: the mount point exists before chfs mounts
                // the copy there. A failure here shows in chfs's own error.
                let _ = std::fs::create_dir_all(split_mount.as_str());
                self.run_split(
                    &commands::chfs_splitcopy(split_mount, unit.copy, &fs.mount_point),
                    || Ok(mounted_at(&mounts(&self.runner)?, split_mount.as_str())),
                )?
            }
            (Mechanism::LvCopy, SplitName::BackupLv(backup)) => {
                let lv = single_lv(unit, "split")?;
                self.run_split(&commands::chlvcopy_mark(unit.copy, backup, &lv.lv), || {
                    Ok(lists(&lv_list(&self.runner, &unit.vg)?, backup))
                })?
            }
            (Mechanism::FullResyncSplit, SplitName::DetachedLv(detached)) => {
                self.detach(unit, detached)?
            }
            _ => return Err(mismatch(unit, "split")),
        };
        let mut memory = self.memory();
        for lv in &unit.lvs {
            memory.split_copies.insert(lv.lv.clone(), unit.copy);
        }
        Ok(applied)
    }

    /// Runs a split command; if it fails, `in_place` decides whether the split was
    /// already there.
    fn run_split(
        &self,
        argv: &[String],
        in_place: impl FnOnce() -> Result<bool, AixError>,
    ) -> Result<Applied, AixError> {
        let output = self.runner.run(argv)?;
        if output.status.success() {
            return Ok(Applied::Done);
        }
        let failure = CommandFailure::new(argv, &output);
        match in_place() {
            Ok(true) => Ok(Applied::AlreadyDone),
            _ => Err(failure.into()),
        }
    }

    /// `splitlvcopy`: the copy's disks come from the map; `COPIES - 1` copies stay.
    fn detach(
        &self,
        unit: &SplitUnit,
        detached: &offmirror_core::LvName,
    ) -> Result<Applied, AixError> {
        let lv = single_lv(unit, "split")?;
        let operation = || format!("split {}", lv.lv);
        let map = pp_map(&self.runner, &unit.vg)?;
        let layout = copy_layout(&map, &lv.lv);
        let copy = usize::from(unit.copy.get());
        if map.lv_index(detached.as_str()).is_some() {
            return Ok(Applied::AlreadyDone);
        }
        if layout.copies < 2 || copy > layout.copies {
            return Err(AixError::Refused {
                operation: operation(),
                message: format!(
                    "{} has {} cop{}, so copy {copy} cannot be split off",
                    lv.lv,
                    layout.copies,
                    if layout.copies == 1 { "y" } else { "ies" }
                ),
                fix: Some(format!(
                    "mklvcopy {} {copy} <disk>; syncvg -l {}",
                    lv.lv, lv.lv
                )),
            });
        }
        let disks = layout.disks_of(copy).to_vec();
        if disks.is_empty() {
            return Err(AixError::refused(
                operation(),
                format!("lsvg -M {} shows no disk holding copy {copy}", unit.vg),
            ));
        }
        let argv = commands::splitlvcopy(detached, &lv.lv, layout.copies - 1, &disks);
        let applied = self.run_split(&argv, || {
            Ok(lists(&lv_list(&self.runner, &unit.vg)?, detached))
        })?;
        if applied == Applied::Done {
            self.memory()
                .copy_counts
                .insert(lv.lv.clone(), layout.copies);
        }
        Ok(applied)
    }
}
