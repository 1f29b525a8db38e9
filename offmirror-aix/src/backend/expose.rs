//! Making split copies readable for the backup hook, and undoing it.
//!
//! - JFS split copy: `chfs -a splitcopy` already mounted it read-only at the split mount
//!   point; expose returns that (after checking `mount`), unexpose leaves it to `rmfs`.
//! - VG split: the snapshot VG's LVs (`lsvg -l SNAP`; a snapshot VG left varied off,
//!   as `splitvg` does for concurrent-capable VGs, is varied on first) are matched to the
//!   unit's LVs ([`crate::inventory::snapshot_lv_name`]). A file system's copy is mounted
//!   read-only at `mount_root/<lv>` (`mount -V VFS -o ro /dev/SNAPLV DIR`); a raw LV's
//!   copy is its raw device `/dev/rSNAPLV`. Log LVs are not exposed.
//! - Backup LV / detached LV: the same, with `/dev/BACKUPLV` or `/dev/NEWLV`.
//!
//! Unexpose unmounts what is mounted at `mount_root/<lv>` (`umount DIR`) and removes the
//! empty directories; nothing mounted is [`Applied::AlreadyDone`].

use std::path::Path;

use offmirror_core::{
    Applied, ExposedCopy, LvName, Mechanism, MountPoint, SplitName, SplitUnit, UnitLv, VgName,
};

use super::state::{lv_list, mounted_at, mounts};
use super::{AixBackend, mismatch, single_lv};
use crate::commands;
use crate::error::AixError;
use crate::exec::run_ok;
use crate::inventory::snapshot_lv_name;
use crate::parse::{MessageKind, MountEntry};
use crate::runner::CommandRunner;

/// Where the copy of `lv` is mounted: `mount_root/<lv>`, absolute.
pub(super) fn mount_dir(mount_root: &Path, lv: &LvName) -> Result<MountPoint, AixError> {
    let refuse = |message: String| AixError::refused(format!("expose {lv}"), message);
    let root = std::path::absolute(mount_root).map_err(|e| {
        refuse(format!(
            "cannot make {} absolute: {e}",
            mount_root.display()
        ))
    })?;
    let dir = root.join(lv.as_str());
    let text = dir
        .to_str()
        .ok_or_else(|| refuse(format!("{} is not valid UTF-8", dir.display())))?;
    MountPoint::new(text).map_err(|e| refuse(e.to_string()))
}

/// LVs whose copy is exposed: everything but logs.
pub(super) fn exposed_lvs(unit: &SplitUnit) -> impl Iterator<Item = (usize, &UnitLv)> {
    unit.lvs
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.lv_type.is_log())
}

impl<R: CommandRunner> AixBackend<R> {
    pub(super) fn expose_unit(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Vec<ExposedCopy>, AixError> {
        match (unit.mechanism, &unit.split_name) {
            (Mechanism::FsSplitCopy, SplitName::SplitMount(split_mount)) => {
                let lv = single_lv(unit, "expose")?;
                if mounted_at(&mounts(&self.runner)?, split_mount.as_str()) {
                    Ok(vec![ExposedCopy {
                        lv: lv.lv.clone(),
                        path: split_mount.as_str().into(),
                        mounted: true,
                    }])
                } else {
                    Err(AixError::Refused {
                        operation: format!("expose {}", lv.lv),
                        message: format!("the split copy is not mounted at {split_mount}"),
                        fix: Some(format!(
                            "rejoin it (rmfs {split_mount}, or offmirror recover) and split again"
                        )),
                    })
                }
            }
            (Mechanism::VgSplit, SplitName::SnapshotVg(snapshot)) => {
                let devices = self.snapshot_devices(unit, snapshot)?;
                let mounts = self.mounts_if_needed(unit)?;
                exposed_lvs(unit)
                    .zip(devices)
                    .map(|((_, ulv), device)| self.expose_one(ulv, &device, mount_root, &mounts))
                    .collect()
            }
            (Mechanism::LvCopy, SplitName::BackupLv(device))
            | (Mechanism::FullResyncSplit, SplitName::DetachedLv(device)) => {
                let lv = single_lv(unit, "expose")?;
                let mounts = self.mounts_if_needed(unit)?;
                Ok(vec![self.expose_one(lv, device, mount_root, &mounts)?])
            }
            _ => Err(mismatch(unit, "expose")),
        }
    }

    /// `mount`, when some LV of the unit has a file system to mount.
    fn mounts_if_needed(&self, unit: &SplitUnit) -> Result<Vec<MountEntry>, AixError> {
        if exposed_lvs(unit).any(|(_, l)| l.fs.is_some()) {
            mounts(&self.runner)
        } else {
            Ok(Vec::new())
        }
    }

    /// The snapshot VG's LV for each exposed LV of the unit, in [`exposed_lvs`] order.
    fn snapshot_devices(
        &self,
        unit: &SplitUnit,
        snapshot: &VgName,
    ) -> Result<Vec<LvName>, AixError> {
        let listed = match lv_list(&self.runner, snapshot) {
            Ok(list) => list,
            Err(e)
                if e.command_failure()
                    .is_some_and(|f| f.has(MessageKind::VgNotVariedOn)) =>
            {
                run_ok(&self.runner, &commands::varyonvg(snapshot))?;
                lv_list(&self.runner, snapshot)?
            }
            Err(e) => return Err(e),
        };
        let snapshot_lvs: Vec<LvName> = listed
            .lvs
            .iter()
            .filter_map(|row| LvName::new(row.name.as_str()).ok())
            .collect();
        // By name first; by position in the original VG only if a name does not match.
        let by_name: Vec<LvName> = exposed_lvs(unit)
            .map(|(_, l)| snapshot_lv_name(&l.lv, 0, &snapshot_lvs, usize::MAX))
            .collect();
        if by_name.iter().all(|n| snapshot_lvs.contains(n)) {
            return Ok(by_name);
        }
        let original = lv_list(&self.runner, &unit.vg)?;
        let count = original.lvs.len();
        Ok(exposed_lvs(unit)
            .map(|(_, l)| {
                let pos = original
                    .lvs
                    .iter()
                    .position(|row| row.name == l.lv.as_str())
                    .unwrap_or(usize::MAX);
                snapshot_lv_name(&l.lv, pos, &snapshot_lvs, count)
            })
            .collect())
    }

    fn expose_one(
        &self,
        ulv: &UnitLv,
        device: &LvName,
        mount_root: &Path,
        mounts: &[MountEntry],
    ) -> Result<ExposedCopy, AixError> {
        let Some(fs) = &ulv.fs else {
            return Ok(ExposedCopy {
                lv: ulv.lv.clone(),
                path: commands::raw_device(device).into(),
                mounted: false,
            });
        };
        let dir = mount_dir(mount_root, &ulv.lv)?;
        std::fs::create_dir_all(dir.as_str()).map_err(|e| {
            AixError::refused(
                format!("expose {}", ulv.lv),
                format!("cannot create {dir}: {e}"),
            )
        })?;
        if !mounted_at(mounts, dir.as_str()) {
            run_ok(
                &self.runner,
                &commands::mount_read_only(fs.vfs, device, &dir),
            )?;
        }
        Ok(ExposedCopy {
            lv: ulv.lv.clone(),
            path: dir.as_str().into(),
            mounted: true,
        })
    }

    pub(super) fn unexpose_unit(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Applied, AixError> {
        if unit.mechanism == Mechanism::FsSplitCopy {
            return Ok(Applied::AlreadyDone);
        }
        let dirs = exposed_lvs(unit)
            .filter(|(_, l)| l.fs.is_some())
            .map(|(_, l)| mount_dir(mount_root, &l.lv))
            .collect::<Result<Vec<_>, _>>()?;
        if dirs.is_empty() {
            return Ok(Applied::AlreadyDone);
        }
        let mounts = mounts(&self.runner)?;
        let mut did = false;
        for dir in &dirs {
            if mounted_at(&mounts, dir.as_str()) {
                match run_ok(&self.runner, &commands::umount(dir)) {
                    Ok(_) => did = true,
                    Err(e)
                        if e.command_failure()
                            .is_some_and(|f| f.has(MessageKind::NothingToUnmount)) => {}
                    Err(e) => return Err(e),
                }
            }
            // Only an empty directory goes; a failure leaves it for the next run.
            let _ = std::fs::remove_dir(dir.as_str());
        }
        Ok(if did {
            Applied::Done
        } else {
            Applied::AlreadyDone
        })
    }
}
