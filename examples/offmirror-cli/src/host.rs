//! The host a command works on: the simulator in process, the AIX backend whose commands
//! run as processes against the AIX command emulator (this same binary, called through
//! links named after the AIX commands) — either way the host lives in a state file — or
//! the LVM2 backend, whose commands run as processes on this Linux host.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use offmirror_aix::AixBackend;
use offmirror_command::{DuctRunner, RecordingRunner};
use offmirror_core::{ExecOptions, FsController, VolumeManager};
use offmirror_lvm2::Lvm2Backend;
use offmirror_sim::SimHost;

use crate::args::BackendKind;

/// Why a backend cannot be used as asked. Each is a usage error (exit code 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The `sim` or `aix` backend without a state file.
    NoSimState(BackendKind),
    /// A state file given to the `lvm2` backend, which works on the real host.
    SimStateWithLvm2,
    /// The `lvm2` backend on a system other than Linux.
    Lvm2NotLinux,
    /// The `lvm2` backend run by a user other than root.
    Lvm2NotRoot {
        /// The effective user id.
        euid: u32,
    },
    /// `demo --backend lvm2`: there is no LVM2 demo.
    NoLvm2Demo,
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::NoSimState(kind) => write!(
                f,
                "no sim_state: the {} backend needs the simulator state file; give --sim-state",
                backend_name(*kind)
            ),
            HostError::SimStateWithLvm2 => f.write_str(
                "--sim-state is for the sim and aix backends; the lvm2 backend works on this \
                 host's LVM2 volumes: drop --sim-state",
            ),
            HostError::Lvm2NotLinux => f.write_str(
                "the lvm2 backend runs the Linux LVM2 commands (lvm, fsfreeze, mount, \
                 blockdev): run offmirror on a Linux host with LVM2",
            ),
            HostError::Lvm2NotRoot { euid } => write!(
                f,
                "the lvm2 backend runs lvm, fsfreeze, mount and blockdev, which need root: \
                 run offmirror as root (effective user id is {euid})"
            ),
            HostError::NoLvm2Demo => f.write_str(
                "there is no LVM2 demo: the demo runs on the simulator (--backend sim) or the \
                 AIX command emulator (--backend aix), while the LVM2 backend needs a real \
                 Linux host with LVM2 raid1 LVs. On such a host, as root, run `offmirror \
                 preview --backend lvm2 --job FILE` (then `offmirror run`); the tests in \
                 offmirror-lvm2-vm run the backend against real LVM2 in a throw-away qemu guest",
            ),
        }
    }
}

impl std::error::Error for HostError {}

fn backend_name(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Sim => "sim",
        BackendKind::Aix => "aix",
        BackendKind::Lvm2 => "lvm2",
    }
}

/// A host to run against.
pub enum Host {
    /// The simulator, loaded from the state file and saved back.
    Sim {
        /// The host.
        host: SimHost,
        /// Its state file.
        state: PathBuf,
    },
    /// The AIX backend over the emulator; every command saves the state file itself.
    Aix(Box<AixBackend<RecordingRunner<DuctRunner>>>),
    /// The LVM2 backend on this host: its commands are real processes.
    Lvm2(Box<Lvm2Backend<DuctRunner>>),
}

impl Host {
    /// Opens the host: the `sim` and `aix` backends' is kept in `state` (required), and
    /// `work_dir` holds the links to the AIX commands; the `lvm2` backend's is this
    /// Linux host (no `state`; checked to run on Linux as root).
    pub fn open(kind: BackendKind, state: Option<&Path>, work_dir: &Path) -> Result<Host> {
        match (kind, state) {
            (BackendKind::Sim | BackendKind::Aix, None) => Err(HostError::NoSimState(kind).into()),
            (BackendKind::Sim, Some(state)) => Ok(Host::Sim {
                host: SimHost::load(state)?.with_files(true),
                state: state.to_path_buf(),
            }),
            (BackendKind::Aix, Some(state)) => {
                Ok(Host::Aix(Box::new(aix_backend(state, work_dir)?)))
            }
            (BackendKind::Lvm2, Some(_)) => Err(HostError::SimStateWithLvm2.into()),
            (BackendKind::Lvm2, None) => {
                lvm2_usable()?;
                Ok(Host::Lvm2(Box::new(lvm2_backend())))
            }
        }
    }

    /// Opens the host only to print the commands of a manual recovery: the `lvm2`
    /// backend runs nothing then, so it needs neither Linux nor root.
    pub fn open_for_manual(
        kind: BackendKind,
        state: Option<&Path>,
        work_dir: &Path,
    ) -> Result<Host> {
        match (kind, state) {
            (BackendKind::Lvm2, None) => Ok(Host::Lvm2(Box::new(lvm2_backend()))),
            _ => Host::open(kind, state, work_dir),
        }
    }

    /// Its volume manager.
    pub fn volumes(&self) -> &dyn VolumeManager {
        match self {
            Host::Sim { host, .. } => host,
            Host::Aix(b) => b.as_ref(),
            Host::Lvm2(b) => b.as_ref(),
        }
    }

    /// Its file-system controller.
    pub fn fs(&self) -> &dyn FsController {
        match self {
            Host::Sim { host, .. } => host,
            Host::Aix(b) => b.as_ref(),
            Host::Lvm2(b) => b.as_ref(),
        }
    }

    /// How often to poll the resync: the simulated hosts resync at once; a real one is
    /// polled at the library's pace, not to run `lvm lvs` in a tight loop.
    pub fn resync_poll(&self) -> Duration {
        match self {
            Host::Sim { .. } | Host::Aix(_) => Duration::from_millis(1),
            Host::Lvm2(_) => ExecOptions::default().resync_poll,
        }
    }

    /// Keeps what changed: the simulator writes its state file; the emulator did at
    /// every command, and LVM2 keeps its own metadata.
    pub fn persist(&self) -> Result<()> {
        match self {
            Host::Sim { host, state } => host.save(state).context("saving the simulated host"),
            Host::Aix(_) | Host::Lvm2(_) => Ok(()),
        }
    }
}

/// The LVM2 backend over this host's commands, as real processes (C locale, the system
/// `PATH`), with the freeze watchdog on.
pub fn lvm2_backend() -> Lvm2Backend<DuctRunner> {
    Lvm2Backend::new(DuctRunner::new())
}

/// Whether the LVM2 backend can work here: on Linux, as root.
pub fn lvm2_usable() -> Result<(), HostError> {
    if !cfg!(target_os = "linux") {
        return Err(HostError::Lvm2NotLinux);
    }
    match effective_uid() {
        0 => Ok(()),
        euid => Err(HostError::Lvm2NotRoot { euid }),
    }
}

#[allow(unsafe_code)]
fn effective_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, cannot fail and touches no memory of this
    // program.
    unsafe { libc::geteuid() }
}

/// The AIX backend with its commands answered by the emulator over `state`.
pub fn aix_backend(
    state: &Path,
    work_dir: &Path,
) -> Result<AixBackend<RecordingRunner<DuctRunner>>> {
    offmirror_core::create_private_dir(work_dir)
        .with_context(|| format!("creating {}", work_dir.display()))?;
    let work_dir = std::fs::canonicalize(work_dir)
        .with_context(|| format!("resolving {}", work_dir.display()))?;
    let state =
        std::fs::canonicalize(state).with_context(|| format!("resolving {}", state.display()))?;
    let bin = work_dir.join("aix-commands");
    let me = std::env::current_exe().context("finding this program to link the AIX commands to")?;
    offmirror_aix_emulator::link_commands(&bin, &me)
        .with_context(|| format!("linking the AIX commands in {}", bin.display()))?;
    let commands = DuctRunner::new()
        .command_dir(&bin)
        .env(offmirror_aix_emulator::STATE_ENV, &state);
    Ok(AixBackend::new(RecordingRunner::new(commands)).work_dir(&work_dir))
}
