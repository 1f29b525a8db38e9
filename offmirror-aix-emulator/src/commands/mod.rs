//! The emulated commands over one simulated host held in memory ([`Emulator`]).
//!
//! Every change goes through the simulator's own operations (`offmirror_sim::SimHost` as
//! `VolumeManager` and `FsController`), so the emulator applies the simulator's rules
//! (one split copy per LV, no split with stale partitions, `splitvg` needs every LV and
//! refuses rootvg, a JFS split needs the file system mounted ...) and its faults
//! (failing operations, `crash_after_ops`, application writes between operations). The
//! simulator counts operations, not commands; the commands map to its operations so:
//!
//! | command | simulator operation |
//! |---|---|
//! | `lsvg` (no argument) | `inventory` |
//! | `lsvg -M VG` | `stale_pps` (this is also what makes a running resync progress) |
//! | other listings (`lsvg -o`, `lsvg VG`, `-p`, `-l`, `lsfs`, `mount`, `lslv`, `lspv`) | none |
//! | `splitvg`, `chfs -a splitcopy`, `chlvcopy -b`, `splitlvcopy` | `split` |
//! | `joinvg`, `rmfs` (split mount), `chlvcopy -B`, `mklvcopy` (of a split-off copy) | `rejoin` |
//! | `rmlv` (of a split-off copy's LV) | none: the copy is rebuilt by the `mklvcopy` that follows |
//! | `syncvg` | `start_resync` |
//! | `chfs -a freeze=N` / `chfs -a freeze=off` | `freeze` / `thaw` |
//! | `mount -V VFS -o ro /dev/X DIR` / `umount DIR` | `expose` / `unexpose` |
//! | `varyonvg` | none (a varied-off VG is varied on; stale partitions start resyncing unless `-n`) |
//!
//! An operation the simulator reports as already done fails as the real command would
//! (a second `splitvg` finds the snapshot VG there), except `syncvg`, the freeze and the
//! thaw, which AIX repeats without complaint. Once the simulated host has crashed,
//! every command fails with `0516-024` (see [`crate::messages`]). `syncvg` returns at
//! once: the simulator resynchronises `resync_rate` partitions at each `lsvg -M`.

mod fs;
mod listing;
mod split;

use offmirror_core::{
    BackendError, CopyNumber, LogicalVolume, LvName, Mechanism, SplitMark, SplitName, SplitUnit,
    SplitVia, UnitFs, UnitLv, VgName, VolumeGroup,
};
use offmirror_sim::{SimHost, SimState};

use crate::extras::Extras;
use crate::messages::{self, Code};
use crate::output::Output;

/// The commands the emulator answers, as program names.
pub const COMMANDS: &[&str] = &[
    "lsvg",
    "lslv",
    "lspv",
    "lsfs",
    "mount",
    "umount",
    "chfs",
    "rmfs",
    "splitvg",
    "joinvg",
    "chlvcopy",
    "splitlvcopy",
    "mklvcopy",
    "rmlv",
    "syncvg",
    "varyonvg",
];

/// A simulated host that answers AIX commands.
///
/// ```
/// use offmirror_aix_emulator::Emulator;
/// let mut emulator = Emulator::new(offmirror_sim::demo_state());
/// let out = emulator.run("lsvg", &["-o".to_string()]);
/// assert_eq!(out.stdout, "rootvg\ndatavg\nappvg\n");
/// ```
#[derive(Debug)]
pub struct Emulator {
    host: SimHost,
    extras: Extras,
}

impl Emulator {
    /// An emulator over this state, with no split copy mounted.
    pub fn new(state: SimState) -> Self {
        Self::with_extras(SimHost::new(state), Extras::default())
    }

    /// An emulator over a host and the emulator's own state.
    pub fn with_extras(host: SimHost, extras: Extras) -> Self {
        Self { host, extras }
    }

    /// The simulated host.
    pub fn host(&self) -> &SimHost {
        &self.host
    }

    /// The emulator's own state.
    pub fn extras(&self) -> &Extras {
        &self.extras
    }

    /// Runs `program` with `args` and returns what it printed and its exit status.
    pub fn run(&mut self, program: &str, args: &[String]) -> Output {
        let state = match self.host.state() {
            Ok(s) => s,
            Err(e) => return Output::fail(messages::crashed(program, &e.to_string())),
        };
        if state.crashed {
            return Output::fail(messages::crashed(program, "it crashed"));
        }
        let output = match program {
            "lsvg" => self.lsvg(&state, args),
            "lslv" => self.lslv(&state, args),
            "lspv" => self.lspv(&state, args),
            "lsfs" => self.lsfs(&state, args),
            "mount" => self.mount(&state, args),
            "umount" => self.umount(&state, args),
            "chfs" => self.chfs(&state, args),
            "rmfs" => self.rmfs(&state, args),
            "splitvg" => self.splitvg(&state, args),
            "joinvg" => self.joinvg(&state, args),
            "chlvcopy" => self.chlvcopy(&state, args),
            "splitlvcopy" => self.splitlvcopy(&state, args),
            "mklvcopy" => self.mklvcopy(&state, args),
            "rmlv" => self.rmlv(&state, args),
            "syncvg" => self.syncvg(&state, args),
            "varyonvg" => self.varyonvg(&state, args),
            other => Output {
                stderr: format!("aix-emulator: {other}: not an emulated command\n"),
                status: 127,
                ..Output::default()
            },
        };
        self.tidy();
        output
    }

    /// Forgets a removed detached LV once its copy is no longer split off (rebuilt by a
    /// `mklvcopy` whose answer a crash lost, say), so that a later split of the same LV
    /// is shown.
    fn tidy(&mut self) {
        let Some(state) = self.current() else {
            return;
        };
        self.extras.removed_detached.retain(|name| {
            state.inventory.lv(name).is_some_and(|(_, lv)| {
                matches!(
                    lv.split.as_ref().map(|m| &m.via),
                    Some(SplitVia::Detached { .. })
                )
            })
        });
    }

    /// The current state (after the last command).
    fn current(&self) -> Option<SimState> {
        self.host.state().ok()
    }
}

/// How a simulator failure reads as an LVM message: a crash is `0516-024`, an injected
/// fault `0516-070`, a refused operation `refusal` with the simulator's reason.
fn sim_failure(program: &str, error: &BackendError, refusal: Code) -> Output {
    match error {
        BackendError::Gone(message) => Output::fail(messages::crashed(program, message)),
        BackendError::Failed { message, .. } if message.starts_with("injected failure") => {
            Output::fail(messages::lvm(
                messages::LVM_CALL_FAILED,
                program,
                &["LVM system call failed; nothing was changed.", message],
            ))
        }
        BackendError::Failed { message, .. } => {
            Output::fail(messages::lvm(refusal, program, &[message]))
        }
        other => Output::fail(messages::lvm(refusal, program, &[&other.to_string()])),
    }
}

/// A usage error.
fn usage(program: &str, problem: &str, usage: &str) -> Output {
    Output::fail(messages::usage(program, problem, usage))
}

/// The VG called `name` in the simulator's inventory, checked varied on.
fn varied_on_vg<'a>(state: &'a SimState, name: &str) -> Result<&'a VolumeGroup, Output> {
    let vg = state
        .inventory
        .vgs
        .iter()
        .find(|v| v.name.as_str() == name)
        .ok_or_else(|| Output::fail(messages::vg_not_found(name)))?;
    if vg.varied_on {
        Ok(vg)
    } else {
        Err(Output::fail(messages::vg_offline()))
    }
}

/// The LV called `name` with its VG, the VG checked varied on.
fn varied_on_lv<'a>(
    state: &'a SimState,
    name: &str,
    not_found: impl FnOnce(&str) -> String,
) -> Result<(&'a VolumeGroup, &'a LogicalVolume), Output> {
    let found = state.inventory.vgs.iter().find_map(|vg| {
        vg.lvs
            .iter()
            .find(|lv| lv.name.as_str() == name)
            .map(|lv| (vg, lv))
    });
    let (vg, lv) = found.ok_or_else(|| Output::fail(not_found(name)))?;
    if vg.varied_on {
        Ok((vg, lv))
    } else {
        Err(Output::fail(messages::vg_offline()))
    }
}

/// The unit entry of an LV, as the planner would make it.
fn unit_lv(state: &SimState, lv: &LogicalVolume) -> UnitLv {
    UnitLv {
        lv: lv.name.clone(),
        lv_type: lv.lv_type,
        lps: lv.lps,
        copies: u8::try_from(lv.copy_count()).unwrap_or(u8::MAX),
        fs: state.inventory.filesystem_on(&lv.name).map(|fs| UnitFs {
            mount_point: fs.mount_point.clone(),
            vfs: fs.vfs,
            mounted: fs.mounted,
        }),
    }
}

/// A split unit for one simulator operation.
fn unit(
    mechanism: Mechanism,
    vg: &VgName,
    copy: CopyNumber,
    lvs: Vec<UnitLv>,
    split_name: SplitName,
) -> SplitUnit {
    SplitUnit {
        id: 0,
        mechanism,
        vg: vg.clone(),
        copy,
        lvs,
        split_name,
    }
}

/// The mechanism and split name of a split in place.
fn split_of(mark: &SplitMark) -> Option<(Mechanism, SplitName)> {
    Some(match &mark.via {
        SplitVia::FsSplitCopy { mount_point } => (
            Mechanism::FsSplitCopy,
            SplitName::SplitMount(mount_point.clone()),
        ),
        SplitVia::BackupLv { lv } => (Mechanism::LvCopy, SplitName::BackupLv(lv.clone())),
        SplitVia::SnapshotVg { vg, .. } => (Mechanism::VgSplit, SplitName::SnapshotVg(vg.clone())),
        SplitVia::Detached { lv } => (
            Mechanism::FullResyncSplit,
            SplitName::DetachedLv(lv.clone()),
        ),
        _ => return None,
    })
}

/// The unit that undoes (or exposes) the split in place on `lv`.
fn unit_of_split(state: &SimState, vg: &VolumeGroup, lv: &LogicalVolume) -> Option<SplitUnit> {
    let mark = lv.split.as_ref()?;
    let (mechanism, split_name) = split_of(mark)?;
    Some(unit(
        mechanism,
        &vg.name,
        mark.copy,
        vec![unit_lv(state, lv)],
        split_name,
    ))
}

/// Parses a copy number (`1`, `2`, `3`).
fn copy_number(text: &str) -> Option<CopyNumber> {
    text.parse::<u8>()
        .ok()
        .and_then(|n| CopyNumber::new(n).ok())
}

/// Checks a name as AIX would take it for a new LV.
fn new_lv_name(program: &str, text: &str) -> Result<LvName, Output> {
    LvName::new(text).map_err(|e| Output::fail(messages::refused(program, &e.to_string())))
}
