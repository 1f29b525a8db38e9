//! Resynchronising stale partitions after a rejoin, and counting them.
//!
//! `joinvg` resynchronises in the background by itself (IBM: "Any stale partitions
//! will be resynchronized by a background process"); for the other mechanisms nothing
//! documented resyncs on its own, so `syncvg` is started in the background and the
//! executor polls [`offmirror_core::VolumeManager::stale_pps`] until none is left.
//!
//! `start_resync` returns [`Applied::AlreadyDone`] when nothing is stale, when a
//! `syncvg` this backend started for the unit still runs, and for a VG this backend
//! rejoined itself (AIX's own resync runs). A VG rejoined by an earlier process gets a
//! `syncvg -v VG`: stale partitions remain and nothing shows that AIX's background
//! resync still runs. `syncvg` only copies stale partitions, so starting it twice costs
//! nothing but its lock.

use offmirror_core::{Applied, Mechanism, SplitUnit};

use super::state::{pp_map, stale_of};
use super::{AixBackend, unit_lv_names};
use crate::commands;
use crate::error::{AixError, CommandFailure};
use crate::runner::CommandRunner;

impl<R: CommandRunner> AixBackend<R> {
    /// The `syncvg` that resynchronises the unit.
    fn resync_argv(unit: &SplitUnit) -> Vec<String> {
        if unit.mechanism == Mechanism::VgSplit {
            commands::syncvg_vg(&unit.vg)
        } else {
            commands::syncvg_lvs(unit_lv_names(unit))
        }
    }

    /// Stale partitions of the unit's LVs, from one `lsvg -M VG`.
    fn count_stale(&self, unit: &SplitUnit) -> Result<u64, AixError> {
        let map = pp_map(&self.runner, &unit.vg)?;
        Ok(stale_of(&map, unit_lv_names(unit)))
    }

    pub(super) fn start_unit_resync(&self, unit: &SplitUnit) -> Result<Applied, AixError> {
        if self.count_stale(unit)? == 0 {
            return Ok(Applied::AlreadyDone);
        }
        let argv = Self::resync_argv(unit);
        {
            let memory = self.memory();
            if memory.jobs.get(&argv).is_some_and(|job| job.is_running()) {
                return Ok(Applied::AlreadyDone);
            }
            if unit.mechanism == Mechanism::VgSplit && memory.joined.contains(&unit.vg) {
                return Ok(Applied::AlreadyDone);
            }
        }
        let job = self.runner.start(&argv)?;
        self.memory().jobs.insert(argv, job);
        Ok(Applied::Done)
    }

    /// Stale partitions left; while partitions are stale, a `syncvg` of ours that ended
    /// in failure is reported instead.
    pub(super) fn unit_stale_pps(&self, unit: &SplitUnit) -> Result<u64, AixError> {
        let stale = self.count_stale(unit)?;
        if stale == 0 {
            return Ok(0);
        }
        let argv = Self::resync_argv(unit);
        let outcome = self.memory().jobs.get(&argv).and_then(|job| job.poll());
        match outcome {
            Some(Ok(output)) if !output.status.success() => {
                self.memory().jobs.remove(&argv);
                Err(CommandFailure::new(&argv, &output).into())
            }
            Some(Err(error)) => {
                self.memory().jobs.remove(&argv);
                Err(error.into())
            }
            _ => Ok(stale),
        }
    }
}
