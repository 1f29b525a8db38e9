//! User hooks: the commands a run calls at fixed points, and what they are told.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{CopyNumber, LvName, VgName};

/// The points of a run at which a user hook can be called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookPhase {
    /// Quiesce the application before the split. If it fails nothing is split.
    PreOffline,
    /// Restart the application right after the split; always runs if `pre_offline` ran.
    Resume,
    /// Back up the split copies (SysBack's "Backup Command File").
    Backup,
    /// Runs last, after the copies are rejoined and in sync.
    PostOffline,
}

impl HookPhase {
    /// All phases in the order a run calls them.
    pub const ALL: [HookPhase; 4] = [
        HookPhase::PreOffline,
        HookPhase::Resume,
        HookPhase::Backup,
        HookPhase::PostOffline,
    ];

    /// The phase's name as used in job files, environment and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            HookPhase::PreOffline => "pre_offline",
            HookPhase::Resume => "resume",
            HookPhase::Backup => "backup",
            HookPhase::PostOffline => "post_offline",
        }
    }
}

impl fmt::Display for HookPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default hook timeout: one hour.
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_secs(3600);

/// A command to run as a hook: a program and its arguments, never a shell line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookSpec {
    /// The program. A path; it must be executable.
    pub program: PathBuf,
    /// Arguments, passed as separate argv entries.
    #[serde(default)]
    pub args: Vec<String>,
    /// Time allowed before the hook's process group is terminated.
    #[serde(default = "default_timeout", with = "crate::duration_secs")]
    pub timeout: Duration,
    /// Extra environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

fn default_timeout() -> Duration {
    DEFAULT_HOOK_TIMEOUT
}

impl HookSpec {
    /// A hook that runs `program` with no arguments and the default timeout.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            timeout: DEFAULT_HOOK_TIMEOUT,
            env: BTreeMap::new(),
        }
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets the timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// The hooks of a run, by phase. Any of them may be absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Hooks {
    /// Quiesce the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_offline: Option<HookSpec>,
    /// Restart the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<HookSpec>,
    /// Back up the split copies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<HookSpec>,
    /// Final hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_offline: Option<HookSpec>,
}

impl Hooks {
    /// The hook for a phase.
    pub fn get(&self, phase: HookPhase) -> Option<&HookSpec> {
        match phase {
            HookPhase::PreOffline => self.pre_offline.as_ref(),
            HookPhase::Resume => self.resume.as_ref(),
            HookPhase::Backup => self.backup.as_ref(),
            HookPhase::PostOffline => self.post_offline.as_ref(),
        }
    }

    /// Sets the hook for a phase.
    pub fn set(&mut self, phase: HookPhase, spec: HookSpec) {
        let slot = match phase {
            HookPhase::PreOffline => &mut self.pre_offline,
            HookPhase::Resume => &mut self.resume,
            HookPhase::Backup => &mut self.backup,
            HookPhase::PostOffline => &mut self.post_offline,
        };
        *slot = Some(spec);
    }
}

/// One split copy made visible to the backup hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposedCopy {
    /// The logical volume whose copy this is.
    pub lv: LvName,
    /// Read-only path of the split copy: a mount point for a file system, a device for a
    /// raw LV.
    pub path: PathBuf,
    /// Whether `path` is a mounted file system (else a device or file to read).
    pub mounted: bool,
}

/// What a hook is told about the run, as environment variables and as a JSON file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookContext {
    /// The run's identifier.
    pub run_id: String,
    /// The phase being run.
    pub phase: HookPhase,
    /// Volume groups with split targets.
    pub vgs: Vec<VgName>,
    /// Logical volumes being split.
    pub lvs: Vec<LvName>,
    /// The mirror copy split off.
    pub copy: CopyNumber,
    /// The run's work directory.
    pub work_dir: PathBuf,
    /// For `backup`: the read-only split copies.
    pub exposed: Vec<ExposedCopy>,
}
