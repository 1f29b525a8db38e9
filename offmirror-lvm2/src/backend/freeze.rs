//! `fsfreeze --freeze` / `--unfreeze`, each freeze guarded by a watchdog.
//!
//! Idempotence comes from the kernel's answers, in the C locale: freezing a frozen file
//! system fails with `Device or resource busy`, thawing one that is not frozen with
//! `Invalid argument`, and a thaw of a path that does not exist (a mount point gone after a
//! reboot) with `No such file or directory`.

use std::path::Path;
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
        let what = format!("freeze {mount_point}");
        // `fsfreeze` freezes whatever file system holds the path: make sure it is still
        // the mounted ext4/XFS the plan saw, not its parent (often `/`).
        let mounted = self.mounts()?.into_iter().any(|m| {
            Path::new(&m.mount_point) == Path::new(mount_point.as_str())
                && matches!(m.fs_type.as_str(), "ext4" | "xfs")
        });
        if !mounted {
            return Err(Lvm2Error::refused(
                what,
                "no ext4 or XFS file system is mounted there any more",
                "mount it again, or preview again to plan without it",
            ));
        }
        // The watchdog starts first: from the moment the freeze may take effect, whatever
        // happens to offmirror (killed during a long freeze, a timeout), the file system
        // is thawed at the latest `timeout` later.
        let dog = match &self.watchdog {
            Some(spec) => Some(Watchdog::start(spec, mount_point, timeout).map_err(|e| {
                Lvm2Error::refused(
                    what.clone(),
                    format!("cannot start the thaw watchdog (/bin/sh): {e}; nothing was frozen"),
                    "check that /bin/sh exists and processes can be started",
                )
            })?),
            None => None,
        };
        let argv = commands::freeze(mount_point);
        let output = match self.runner.run(&argv) {
            Ok(output) => output,
            Err(e) => {
                // In doubt, the freeze may still happen: its watchdog stays.
                if let Some(dog) = dog {
                    if e.is_in_doubt() {
                        self.keep_dog(mount_point, dog);
                    } else {
                        self.drop_dog(mount_point, dog);
                    }
                }
                return Err(e.into());
            }
        };
        if output.status.success() {
            if let Some(dog) = dog {
                self.keep_dog(mount_point, dog);
            }
            return Ok(Applied::Done);
        }
        let failure = CommandFailure::new(&argv, &output);
        if failure.says("Device or resource busy") {
            // Frozen already: the new watchdog (whose token is now the current one) guards
            // it from here.
            if let Some(dog) = dog {
                self.keep_dog(mount_point, dog);
            }
            return Ok(Applied::AlreadyDone);
        }
        if let Some(dog) = dog {
            self.drop_dog(mount_point, dog);
        }
        Err(failure.into())
    }

    /// Stops `dog` of a freeze that did not happen, and its token.
    fn drop_dog(&self, mount_point: &MountPoint, dog: Watchdog) {
        if let Some(spec) = &self.watchdog {
            spec.disarm(mount_point);
        }
        dog.cancel();
    }

    /// Keeps `dog` as the guard of `mount_point`, replacing (and stopping) an older one.
    fn keep_dog(&self, mount_point: &MountPoint, dog: Watchdog) {
        if let Some(old) = self.dogs().insert(mount_point.clone(), dog) {
            old.cancel();
        }
    }

    /// `Err` when a freeze of this process ran out before now: its watchdog thawed the
    /// file system, so a split from here on would not give a consistent copy.
    pub(super) fn freezes_hold(&self, operation: &str) -> Result<(), Lvm2Error> {
        let mut dogs = self.dogs();
        let expired: Vec<String> = dogs
            .iter_mut()
            .filter_map(|(mp, dog)| dog.has_ended().then(|| mp.to_string()))
            .collect();
        if expired.is_empty() {
            return Ok(());
        }
        Err(Lvm2Error::refused(
            operation,
            format!(
                "the freeze of {} ran out before the split (its watchdog thawed it): the copy \
                 would not be consistent",
                expired.join(", ")
            ),
            "raise the policy's freeze_timeout above the time the splits take",
        ))
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
        // Thawed: no watchdog may thaw this freeze any more, not even one left by a
        // process that died (a later freeze writes its own token).
        if let Some(spec) = &self.watchdog {
            spec.disarm(mount_point);
        }
        if let Some(dog) = self.dogs().remove(mount_point) {
            dog.cancel();
        }
        Ok(applied)
    }
}
