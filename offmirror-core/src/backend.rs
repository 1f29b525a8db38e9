//! The three traits a backend implements. They are small, synchronous and object-safe:
//! the executor holds them as `&dyn` and every method takes `&self`.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{
    BackendError, Capabilities, ExposedCopy, HookContext, HookError, HookSpec, Inventory,
    MountPoint, SplitUnit, Step,
};

/// What an idempotent operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    /// The operation changed the host.
    Done,
    /// Its effect was already in place; nothing was changed.
    AlreadyDone,
}

/// Volume management: inventory, split, rejoin and resync.
///
/// Every method that changes the host is idempotent: called when its effect is already in
/// place it returns [`Applied::AlreadyDone`] rather than an error, so a crashed run can be
/// completed by calling the same operations again.
pub trait VolumeManager {
    /// What this backend can do.
    fn capabilities(&self) -> Capabilities;

    /// Reads the host's volume groups, logical volumes and file systems.
    fn inventory(&self) -> Result<Inventory, BackendError>;

    /// Called once per unit before the run's first step, outside the quiesce window: the
    /// backend may read now what its split will need, so that the split runs fewer
    /// commands while the applications wait. Changes nothing on the host; a backend that
    /// keeps what it read must still work, and check, when the host changed meanwhile.
    /// The default does nothing.
    fn prepare_split(&self, unit: &SplitUnit) {
        let _ = unit;
    }

    /// Splits the unit's copy off with the unit's mechanism, under the unit's split name.
    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError>;

    /// Rejoins the unit's split copy. Partitions written on either side while split are
    /// left stale for the resync.
    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError>;

    /// Starts resynchronising the unit's stale partitions where the backend does not do it
    /// by itself. Returns [`Applied::AlreadyDone`] when a resync already runs or nothing is
    /// stale.
    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError>;

    /// Partitions of the unit's LVs that a rejoin would resynchronise (while split) or that
    /// are still stale (after the rejoin).
    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError>;

    /// The commands an administrator would run by hand instead of this backend for a
    /// step of a unit (`Rejoin`, `Resync`, `Verify`), in order — what
    /// `recover --manual` prints. The default describes the step in words; backends over
    /// real commands list those commands.
    fn manual_commands(&self, step: &Step, unit: &SplitUnit) -> Vec<String> {
        let lvs: Vec<&str> = unit.lvs.iter().map(|l| l.lv.as_str()).collect();
        vec![format!(
            "{step}: {} of copy {} in {} ({}) on backend {}",
            unit.mechanism,
            unit.copy,
            unit.vg,
            lvs.join(" "),
            self.capabilities().backend
        )]
    }
}

/// File-system control: freeze and thaw, and access to split copies.
pub trait FsController {
    /// Freezes a mounted file system; it thaws by itself after `timeout`.
    fn freeze(&self, mount_point: &MountPoint, timeout: Duration) -> Result<Applied, BackendError>;

    /// Thaws a frozen file system.
    fn thaw(&self, mount_point: &MountPoint) -> Result<Applied, BackendError>;

    /// Makes the unit's split copies readable, file systems mounted read-only below
    /// `mount_root`, and says where each one is.
    fn expose(&self, unit: &SplitUnit, mount_root: &Path)
    -> Result<Vec<ExposedCopy>, BackendError>;

    /// Undoes [`FsController::expose`].
    fn unexpose(&self, unit: &SplitUnit, mount_root: &Path) -> Result<Applied, BackendError>;

    /// The commands an administrator would run by hand for a `Thaw` or `Unexpose` step
    /// (see [`VolumeManager::manual_commands`]). The default describes the step.
    fn manual_fs_commands(
        &self,
        step: &Step,
        unit: Option<&SplitUnit>,
        mount_root: &Path,
    ) -> Vec<String> {
        match unit {
            Some(u) => vec![format!(
                "{step}: the split copies of unit {} below {}",
                u.id,
                mount_root.display()
            )],
            None => vec![step.to_string()],
        }
    }
}

/// How a hook ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum HookStatus {
    /// Exit status 0.
    Succeeded,
    /// A non-zero exit status.
    Failed {
        /// The exit code.
        code: i32,
    },
    /// Ended by a signal it did not get from us.
    Signalled {
        /// The signal number.
        signal: i32,
    },
    /// Still running at its timeout; its process group was terminated.
    TimedOut,
}

/// The result of running a hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookOutcome {
    /// How it ended.
    pub status: HookStatus,
    /// How long it ran.
    #[serde(with = "crate::duration_secs")]
    pub duration: Duration,
    /// Where its output was saved, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<std::path::PathBuf>,
}

impl HookOutcome {
    /// Whether the hook succeeded.
    pub fn succeeded(&self) -> bool {
        self.status == HookStatus::Succeeded
    }
}

/// Runs user hooks.
pub trait HookRunner {
    /// Runs `spec` for the phase in `context`, passing each line of its output to
    /// `output` as it comes.
    fn run(
        &self,
        spec: &HookSpec,
        context: &HookContext,
        output: &mut dyn FnMut(&str),
    ) -> Result<HookOutcome, HookError>;
}

impl<T: VolumeManager + ?Sized> VolumeManager for &T {
    fn capabilities(&self) -> Capabilities {
        (**self).capabilities()
    }
    fn inventory(&self) -> Result<Inventory, BackendError> {
        (**self).inventory()
    }
    fn prepare_split(&self, unit: &SplitUnit) {
        (**self).prepare_split(unit)
    }
    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        (**self).split(unit)
    }
    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        (**self).rejoin(unit)
    }
    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        (**self).start_resync(unit)
    }
    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        (**self).stale_pps(unit)
    }
    fn manual_commands(&self, step: &Step, unit: &SplitUnit) -> Vec<String> {
        (**self).manual_commands(step, unit)
    }
}
