//! [`AixBackend`]: the core traits over the AIX LVM and JFS commands.

mod expose;
mod freeze;
mod manual;
mod memory;
mod rejoin;
mod resync;
mod split;
mod state;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use offmirror_core::{
    Applied, BackendError, Capabilities, ExposedCopy, FsController, Inventory, LvName, Mechanism,
    MountPoint, SplitUnit, Step, UnitLv, VolumeManager,
};

use crate::error::AixError;
use crate::inventory::{HostListing, InventoryContext, build_inventory, read_host};
use crate::runner::CommandRunner;
use memory::Memory;

/// The short name of this backend in capabilities and plans.
pub const BACKEND_NAME: &str = "aix";

/// The offmirror backend for AIX: [`VolumeManager`] and [`FsController`] over the LVM and
/// JFS commands, run through a [`CommandRunner`].
///
/// It offers every mechanism and JFS2 freeze. Every operation is idempotent: it returns
/// [`Applied::AlreadyDone`] when its effect is in place. Operations outside the quiesce
/// window read the state first; a split (inside the window, where every command counts)
/// runs its one command and reads the state only if that fails, to tell "already split"
/// from a failure.
///
/// | mechanism | split | rejoin | resync |
/// |---|---|---|---|
/// | `vg_split` | `splitvg -y SNAP -c N VG` | `joinvg VG` | by AIX in the background; `syncvg -v VG` when the rejoin was not ours |
/// | `fs_split_copy` | `chfs -a splitcopy=MNT -a copy=N FS` | `rmfs MNT` | `syncvg -l LV` |
/// | `lv_copy` | `chlvcopy -b -c N -P -l BACKUPLV LV` | `chlvcopy -B LV` | `syncvg -l LV` |
/// | `full_resync_split` | `splitlvcopy -f -y NEWLV LV COPIES-1 PV...` | `rmlv -f NEWLV`, `mklvcopy LV COPIES PV...` | `syncvg -l LV` |
///
/// A command still running at the runner's timeout is left running and the operation
/// reports [`BackendError::InDoubt`]: recovery reads the state again.
///
/// ```
/// use offmirror_aix::AixBackend;
/// use offmirror_aix::runner::{CommandOutput, ScriptedRunner};
/// use offmirror_core::VolumeManager;
///
/// let runner = ScriptedRunner::new()
///     .on("lsvg", CommandOutput::ok("rootvg\nbackupvg\n"))
///     .on("lsvg -o", CommandOutput::ok(""))
///     .on("lsfs -c", CommandOutput::ok("#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct\n"))
///     .on("mount", CommandOutput::ok(""));
/// let backend = AixBackend::new(runner);
/// let inventory = backend.inventory()?;
/// assert_eq!(inventory.vgs.len(), 2);
/// assert!(backend.capabilities().freeze);
/// # Ok::<(), offmirror_core::BackendError>(())
/// ```
pub struct AixBackend<R> {
    runner: R,
    context: InventoryContext,
    memory: Mutex<Memory>,
}

impl<R> std::fmt::Debug for AixBackend<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AixBackend")
            .field("work_dir", &self.context.work_dir)
            .finish_non_exhaustive()
    }
}

impl<R: CommandRunner> AixBackend<R> {
    /// A backend that runs its commands through `runner`.
    pub fn new(runner: R) -> Self {
        Self {
            runner,
            context: InventoryContext::default(),
            memory: Mutex::new(Memory::default()),
        }
    }

    /// Names the work directory, so that JFS split copies (mounted below its `split/`
    /// folder) are recognised exactly.
    pub fn work_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.context.work_dir = Some(dir.into());
        self
    }

    /// The runner.
    pub fn runner(&self) -> &R {
        &self.runner
    }

    /// Runs the inventory's commands and returns their parsed output.
    ///
    /// # Errors
    ///
    /// A command fails or prints what its parser cannot read.
    pub fn read_listing(&self) -> Result<HostListing, AixError> {
        read_host(&self.runner)
    }

    fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn inventory_context(&self) -> InventoryContext {
        let mut context = self.context.clone();
        context.copies = self.memory().split_copies.clone();
        context
    }

    fn read_inventory(&self) -> Result<Inventory, AixError> {
        let listing = read_host(&self.runner)?;
        build_inventory(&listing, &self.inventory_context())
    }
}

/// The one LV of a per-LV unit.
fn single_lv<'a>(unit: &'a SplitUnit, operation: &str) -> Result<&'a UnitLv, AixError> {
    match unit.lvs.as_slice() {
        [only] => Ok(only),
        lvs => Err(AixError::refused(
            format!("{operation} unit {}", unit.id),
            format!(
                "a {} unit holds exactly one LV, this one holds {}",
                unit.mechanism,
                lvs.len()
            ),
        )),
    }
}

/// The unit's LV names.
fn unit_lv_names(unit: &SplitUnit) -> impl Iterator<Item = &LvName> {
    unit.lvs.iter().map(|l| &l.lv)
}

fn mismatch(unit: &SplitUnit, operation: &str) -> AixError {
    AixError::refused(
        format!("{operation} unit {}", unit.id),
        format!(
            "mechanism {} cannot use {}; the plan is inconsistent",
            unit.mechanism, unit.split_name
        ),
    )
}

impl<R: CommandRunner> VolumeManager for AixBackend<R> {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            backend: BACKEND_NAME.into(),
            mechanisms: vec![
                Mechanism::VgSplit,
                Mechanism::FsSplitCopy,
                Mechanism::LvCopy,
                Mechanism::FullResyncSplit,
            ],
            freeze: true,
            dialect: offmirror_core::Dialect::Aix,
            counts_written: true,
        }
    }

    fn inventory(&self) -> Result<Inventory, BackendError> {
        Ok(self.read_inventory()?)
    }

    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        Ok(self.split_unit(unit)?)
    }

    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        Ok(self.rejoin_unit(unit)?)
    }

    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        Ok(self.start_unit_resync(unit)?)
    }

    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        Ok(self.unit_stale_pps(unit)?)
    }

    fn manual_commands(&self, step: &Step, unit: &SplitUnit) -> Vec<String> {
        manual::volume_commands(step, unit)
    }
}

impl<R: CommandRunner> FsController for AixBackend<R> {
    fn freeze(&self, mount_point: &MountPoint, timeout: Duration) -> Result<Applied, BackendError> {
        Ok(self.freeze_fs(mount_point, timeout)?)
    }

    fn thaw(&self, mount_point: &MountPoint) -> Result<Applied, BackendError> {
        Ok(self.thaw_fs(mount_point)?)
    }

    fn expose(
        &self,
        unit: &SplitUnit,
        mount_root: &std::path::Path,
    ) -> Result<Vec<ExposedCopy>, BackendError> {
        Ok(self.expose_unit(unit, mount_root)?)
    }

    fn unexpose(
        &self,
        unit: &SplitUnit,
        mount_root: &std::path::Path,
    ) -> Result<Applied, BackendError> {
        Ok(self.unexpose_unit(unit, mount_root)?)
    }

    fn manual_fs_commands(
        &self,
        step: &Step,
        unit: Option<&SplitUnit>,
        mount_root: &std::path::Path,
    ) -> Vec<String> {
        manual::fs_commands(step, unit, mount_root)
    }
}
