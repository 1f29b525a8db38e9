//! `fsfreeze --freeze` / `--unfreeze`, each freeze guarded by a watchdog.
//!
//! Idempotence comes from the kernel's answers, in the C locale: freezing a frozen file
//! system fails with `Device or resource busy`, thawing one that is not frozen with
//! `Invalid argument`, and a thaw of a path that does not exist (a mount point gone after a
//! reboot) with `No such file or directory`.

use std::time::Duration;

use offmirror_command::CommandRunner;
use offmirror_core::{Applied, MountPoint};

use super::Lvm2Backend;
use crate::commands;
use crate::error::{CommandFailure, Lvm2Error};
use crate::watchdog::Watchdog;

impl<R: CommandRunner> Lvm2Backend<R> {
    pub(super) fn freeze_fs(
        &self,
        mount_point: &MountPoint,
        timeout: Duration,
    ) -> Result<Applied, Lvm2Error> {
        let argv = commands::freeze(mount_point);
        let output = self.runner.run(&argv)?;
        if !output.status.success() {
            let failure = CommandFailure::new(&argv, &output);
            if failure.says("Device or resource busy") {
                return Ok(Applied::AlreadyDone);
            }
            return Err(failure.into());
        }
        if let Some(spec) = &self.watchdog {
            match Watchdog::start(spec, mount_point, timeout) {
                Ok(dog) => {
                    if let Some(old) = self.dogs().insert(mount_point.clone(), dog) {
                        old.cancel();
                    }
                }
                Err(e) => {
                    // Never leave a file system frozen without a guard.
                    let _ = self.runner.run(&commands::thaw(mount_point));
                    return Err(Lvm2Error::refused(
                        format!("freeze {mount_point}"),
                        format!("cannot start the thaw watchdog (/bin/sh): {e}; thawed again"),
                        "check that /bin/sh exists and processes can be started",
                    ));
                }
            }
        }
        Ok(Applied::Done)
    }

    pub(super) fn thaw_fs(&self, mount_point: &MountPoint) -> Result<Applied, Lvm2Error> {
        let argv = commands::thaw(mount_point);
        let output = self.runner.run(&argv)?;
        let applied = if output.status.success() {
            Applied::Done
        } else {
            let failure = CommandFailure::new(&argv, &output);
            // Not frozen (`Invalid argument`), or no such path at all (after a reboot the
            // mount point may be gone): either way nothing is frozen there.
            if !failure.says("Invalid argument") && !failure.says("No such file or directory") {
                return Err(failure.into());
            }
            Applied::AlreadyDone
        };
        if let Some(dog) = self.dogs().remove(mount_point) {
            dog.cancel();
        }
        Ok(applied)
    }
}
