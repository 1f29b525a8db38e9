//! Freezing and thawing JFS2 file systems (`chfs -a freeze=SECS` / `chfs -a freeze=off`).
//!
//! AIX prints no frozen state, so idempotence rests on what this backend did itself:
//!
//! - `freeze` of a file system this backend froze and whose timeout has not passed is
//!   [`Applied::AlreadyDone`] (no command: a second freeze would reset the timeout);
//! - `thaw` of a file system this backend thawed (and has not frozen since) is
//!   [`Applied::AlreadyDone`];
//! - `thaw` of a file system this backend froze runs `chfs -a freeze=off`; if that
//!   fails after the freeze's own timeout, the file system has thawed by itself and the
//!   thaw is [`Applied::AlreadyDone`];
//! - `thaw` with no record (another process froze it, or nobody did) runs
//!   `chfs -a freeze=off` anyway, because recovery must never leave a file system frozen;
//!   a non-zero exit then means the file system was not frozen (or thaws by its own
//!   timeout regardless), and is [`Applied::AlreadyDone`]. What `chfs` prints for a file
//!   system that is not frozen was not found in any source.

use std::time::{Duration, Instant};

use offmirror_core::{Applied, MountPoint};

use super::AixBackend;
use crate::commands;
use crate::error::{AixError, CommandFailure};
use crate::runner::CommandRunner;

impl<R: CommandRunner> AixBackend<R> {
    pub(super) fn freeze_fs(
        &self,
        mount_point: &MountPoint,
        timeout: Duration,
    ) -> Result<Applied, AixError> {
        let now = Instant::now();
        if self
            .memory()
            .frozen
            .get(mount_point)
            .is_some_and(|&thaws| thaws > now)
        {
            return Ok(Applied::AlreadyDone);
        }
        let argv = commands::freeze(mount_point, timeout);
        let output = self.runner.run(&argv)?;
        if !output.status.success() {
            return Err(CommandFailure::new(&argv, &output).into());
        }
        let thaws = now
            .checked_add(Duration::from_secs(timeout.as_secs().max(1)))
            .unwrap_or(now);
        let mut memory = self.memory();
        memory.frozen.insert(mount_point.clone(), thaws);
        memory.thawed.remove(mount_point);
        Ok(Applied::Done)
    }

    pub(super) fn thaw_fs(&self, mount_point: &MountPoint) -> Result<Applied, AixError> {
        let (frozen_until, thawed) = {
            let memory = self.memory();
            (
                memory.frozen.get(mount_point).copied(),
                memory.thawed.contains(mount_point),
            )
        };
        if frozen_until.is_none() && thawed {
            return Ok(Applied::AlreadyDone);
        }
        let argv = commands::thaw(mount_point);
        let output = self.runner.run(&argv)?;
        let applied = if output.status.success() {
            Applied::Done
        } else {
            match frozen_until {
                Some(thaws) if thaws > Instant::now() => {
                    return Err(CommandFailure::new(&argv, &output).into());
                }
                _ => Applied::AlreadyDone,
            }
        };
        let mut memory = self.memory();
        memory.frozen.remove(mount_point);
        memory.thawed.insert(mount_point.clone());
        Ok(applied)
    }
}
