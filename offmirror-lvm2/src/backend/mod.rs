//! [`Lvm2Backend`]: the core traits over the LVM2 and util-linux commands, run through a
//! [`CommandRunner`].

mod expose;
mod freeze;
mod manual;
mod split;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use offmirror_command::{CommandOutput, CommandRunner, display_argv};
use offmirror_core::{
    Applied, BackendError, Capabilities, Dialect, ExposedCopy, FsController, Inventory, LvName,
    Mechanism, MountPoint, SplitName, SplitUnit, Step, VgName, VolumeManager,
};

use crate::commands;
use crate::error::{CommandFailure, Lvm2Error};
use crate::inventory::{HostReport, VgRows, build_inventory};
use crate::parse::{MountInfo, ParseError, parse_lvs, parse_mountinfo, parse_pvs, parse_vgs};
use crate::watchdog::{Watchdog, WatchdogSpec};

/// The name this backend reports in its capabilities.
pub const BACKEND_NAME: &str = "lvm2";

/// The Linux LVM2 backend.
///
/// Splits one image off a raid1 LV with `lvconvert --splitmirrors 1 --trackchanges`,
/// exposes it read-only, and merges it back with `lvconvert --mergemirrors`, which
/// resynchronises only what was written meanwhile. Mounted ext4 and XFS file systems are
/// frozen around the splits with `fsfreeze`, each freeze guarded by a watchdog process
/// that thaws it at the freeze timeout if offmirror does not.
///
/// ```
/// use offmirror_command::{CommandOutput, ScriptedRunner};
/// use offmirror_core::{Mechanism, VolumeManager};
/// use offmirror_lvm2::Lvm2Backend;
///
/// let backend = Lvm2Backend::new(ScriptedRunner::new());
/// let caps = backend.capabilities();
/// assert_eq!(caps.mechanisms, vec![Mechanism::TrackedImageSplit]);
/// assert!(caps.freeze);
/// ```
#[derive(Debug)]
pub struct Lvm2Backend<R> {
    runner: R,
    watchdog: Option<WatchdogSpec>,
    watchdogs: Mutex<HashMap<MountPoint, Watchdog>>,
    /// `lvs` rows read by `prepare_split`, by VG and planned image, for the split to use
    /// instead of reading them inside the quiesce window.
    prepared: Mutex<HashMap<(VgName, LvName), VgRows>>,
    /// How long a rejoin waits for the merge's resync before it rebuilds an image.
    rebuild_wait: Duration,
    /// How often it looks while waiting.
    poll: Duration,
}

impl<R: CommandRunner> Lvm2Backend<R> {
    /// A backend that runs its commands with `runner`, with the freeze watchdog on.
    pub fn new(runner: R) -> Self {
        Lvm2Backend {
            runner,
            watchdog: Some(WatchdogSpec::default()),
            watchdogs: Mutex::new(HashMap::new()),
            prepared: Mutex::new(HashMap::new()),
            rebuild_wait: Duration::from_secs(3600),
            poll: Duration::from_secs(2),
        }
    }

    /// How long a rejoin that must rebuild an image waits for the LV to be in sync first
    /// (default one hour), and how often it looks (default 2 s). A rebuild still owed
    /// when the wait ends stays recorded on the LV for the next `rejoin` or `recover`.
    pub fn rebuild_wait(mut self, wait: Duration, poll: Duration) -> Self {
        self.rebuild_wait = wait;
        self.poll = poll;
        self
    }

    /// Sets how the freeze watchdog runs, or turns it off (`None`: for tests whose
    /// runner only pretends to freeze).
    pub fn freeze_watchdog(mut self, spec: Option<WatchdogSpec>) -> Self {
        self.watchdog = spec;
        self
    }

    /// The runner.
    pub fn runner(&self) -> &R {
        &self.runner
    }

    fn dogs(&self) -> MutexGuard<'_, HashMap<MountPoint, Watchdog>> {
        self.watchdogs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn prepared(&self) -> MutexGuard<'_, HashMap<(VgName, LvName), VgRows>> {
        self.prepared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `argv`; a non-zero exit status is an error.
    fn run_ok(&self, argv: &[String]) -> Result<CommandOutput, Lvm2Error> {
        let output = self.runner.run(argv)?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(CommandFailure::new(argv, &output).into())
        }
    }

    /// Runs `argv` and parses its standard output.
    fn run_parsed<T>(
        &self,
        argv: &[String],
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Result<T, Lvm2Error> {
        let output = self.run_ok(argv)?;
        parse(&output.stdout).map_err(|source| Lvm2Error::Parse {
            command: display_argv(argv),
            source,
        })
    }

    /// The whole host: `vgs`, `pvs`, `lvs -a` and the mount table.
    pub fn host_report(&self) -> Result<HostReport, Lvm2Error> {
        Ok(HostReport {
            vgs: self.run_parsed(&commands::vgs(), parse_vgs)?,
            pvs: self.run_parsed(&commands::pvs(), parse_pvs)?,
            lvs: self.run_parsed(&commands::lvs(None), parse_lvs)?,
            mounts: self.mounts()?,
        })
    }

    /// The `lvs -a` rows of one VG.
    fn vg_rows(&self, vg: &VgName) -> Result<VgRows, Lvm2Error> {
        let rows = self.run_parsed(&commands::lvs(Some(vg)), parse_lvs)?;
        Ok(VgRows::new(vg.as_str(), &rows))
    }

    /// The mount table.
    fn mounts(&self) -> Result<Vec<MountInfo>, Lvm2Error> {
        self.run_parsed(&commands::mountinfo(), parse_mountinfo)
    }
}

/// The split image a unit names; other split names belong to other backends.
fn unit_image(unit: &SplitUnit) -> Result<&offmirror_core::LvName, Lvm2Error> {
    match (&unit.split_name, unit.mechanism) {
        (SplitName::TrackedImage(image), Mechanism::TrackedImageSplit) => Ok(image),
        _ => Err(Lvm2Error::refused(
            format!("unit {}", unit.id),
            format!(
                "mechanism {} with {} is not an LVM2 tracked image split",
                unit.mechanism, unit.split_name
            ),
            "plan the run with the lvm2 backend",
        )),
    }
}

impl<R: CommandRunner> VolumeManager for Lvm2Backend<R> {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            backend: BACKEND_NAME.into(),
            mechanisms: vec![Mechanism::TrackedImageSplit],
            freeze: true,
            dialect: Dialect::Lvm2,
            counts_written: false,
        }
    }

    fn inventory(&self) -> Result<Inventory, BackendError> {
        Ok(build_inventory(&self.host_report()?)?)
    }

    fn prepare_split(&self, unit: &SplitUnit) {
        if let Ok(image) = unit_image(unit)
            && let Ok(rows) = self.vg_rows(&unit.vg)
        {
            self.prepared()
                .insert((unit.vg.clone(), image.clone()), rows);
        }
    }

    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        Ok(self.split_unit(unit)?)
    }

    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        Ok(self.rejoin_unit(unit)?)
    }

    fn start_resync(&self, _unit: &SplitUnit) -> Result<Applied, BackendError> {
        // The kernel resynchronises a merged image by itself.
        Ok(Applied::AlreadyDone)
    }

    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        Ok(self.unit_stale_extents(unit)?)
    }

    fn manual_commands(&self, step: &Step, unit: &SplitUnit) -> Vec<String> {
        manual::volume_commands(step, unit)
    }
}

impl<R: CommandRunner> FsController for Lvm2Backend<R> {
    fn freeze(&self, mount_point: &MountPoint, timeout: Duration) -> Result<Applied, BackendError> {
        Ok(self.freeze_fs(mount_point, timeout)?)
    }

    fn thaw(&self, mount_point: &MountPoint) -> Result<Applied, BackendError> {
        Ok(self.thaw_fs(mount_point)?)
    }

    fn expose(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Vec<ExposedCopy>, BackendError> {
        Ok(self.expose_unit(unit, mount_root)?)
    }

    fn unexpose(&self, unit: &SplitUnit, mount_root: &Path) -> Result<Applied, BackendError> {
        Ok(self.unexpose_unit(unit, mount_root)?)
    }

    fn manual_fs_commands(
        &self,
        step: &Step,
        unit: Option<&SplitUnit>,
        mount_root: &Path,
    ) -> Vec<String> {
        manual::fs_commands(step, unit, mount_root)
    }
}
