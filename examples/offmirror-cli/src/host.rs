//! The host a command works on: the simulator in process, or the AIX backend whose
//! commands run as processes against the AIX command emulator (this same binary, called
//! through links named after the AIX commands). Either way the host lives in a state file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use offmirror_aix::AixBackend;
use offmirror_aix::runner::{DuctRunner, RecordingRunner};
use offmirror_core::{FsController, VolumeManager};
use offmirror_sim::SimHost;

use crate::args::BackendKind;

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
}

impl Host {
    /// Opens the host kept in `state`; `work_dir` holds the links to the AIX commands.
    pub fn open(kind: BackendKind, state: &Path, work_dir: &Path) -> Result<Host> {
        match kind {
            BackendKind::Sim => Ok(Host::Sim {
                host: SimHost::load(state)?.with_files(true),
                state: state.to_path_buf(),
            }),
            BackendKind::Aix => Ok(Host::Aix(Box::new(aix_backend(state, work_dir)?))),
        }
    }

    /// Its volume manager.
    pub fn volumes(&self) -> &dyn VolumeManager {
        match self {
            Host::Sim { host, .. } => host,
            Host::Aix(b) => b.as_ref(),
        }
    }

    /// Its file-system controller.
    pub fn fs(&self) -> &dyn FsController {
        match self {
            Host::Sim { host, .. } => host,
            Host::Aix(b) => b.as_ref(),
        }
    }

    /// Keeps what changed: the simulator writes its state file; the emulator did at
    /// every command.
    pub fn persist(&self) -> Result<()> {
        match self {
            Host::Sim { host, state } => host.save(state).context("saving the simulated host"),
            Host::Aix(_) => Ok(()),
        }
    }
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
