//! What the user asks for: targets, the copy to split, the work directory, hooks, policies.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{CopyNumber, HookPhase, HookSpec, Hooks, LvName, VgName};

/// One target of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Every eligible LV of a volume group.
    Vg(VgName),
    /// One logical volume.
    Lv(LvName),
}

/// Rules that decide what a run may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Permit the full-resync mechanism (`splitlvcopy`) where nothing tracked works.
    pub allow_full_resync: bool,
    /// The fewest copies an LV must keep in use while its copy is split (at least 1).
    pub min_copies_left: u8,
    /// Run even when the preview has warnings, skipping the LVs they name.
    pub force_continue_on_warnings: bool,
    /// Freeze mounted JFS2 file systems around a per-LV split.
    pub freeze: bool,
    /// The freeze's own timeout: the file system thaws by itself after this long, even if
    /// this process dies.
    #[serde(with = "crate::duration_secs")]
    pub freeze_timeout: Duration,
    /// Longest wait for the resync after rejoin.
    #[serde(with = "crate::duration_secs")]
    pub resync_timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            allow_full_resync: false,
            min_copies_left: 1,
            force_continue_on_warnings: false,
            freeze: true,
            freeze_timeout: Duration::from_secs(60),
            resync_timeout: Duration::from_secs(6 * 3600),
        }
    }
}

/// A request for an offline mirror backup.
///
/// ```
/// use offmirror_core::{BackupRequest, CopyNumber, HookPhase, HookSpec, VgName};
///
/// let request = BackupRequest::builder("/var/offmirror")
///     .vg(VgName::new("datavg")?)
///     .copy(CopyNumber::new(2)?)
///     .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup-split"))
///     .build();
/// assert_eq!(request.copy.get(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRequest {
    /// What to back up.
    pub targets: Vec<Target>,
    /// The mirror copy to split off (default 2).
    #[serde(default)]
    pub copy: CopyNumber,
    /// Work directory: lock, journal, hook logs, mount points of split copies.
    pub work_dir: PathBuf,
    /// User hooks.
    #[serde(default)]
    pub hooks: Hooks,
    /// Policies.
    #[serde(default)]
    pub policy: Policy,
}

impl BackupRequest {
    /// Starts building a request that uses `work_dir`.
    pub fn builder(work_dir: impl AsRef<Path>) -> BackupRequestBuilder {
        BackupRequestBuilder {
            request: BackupRequest {
                targets: Vec::new(),
                copy: CopyNumber::default(),
                work_dir: work_dir.as_ref().to_path_buf(),
                hooks: Hooks::default(),
                policy: Policy::default(),
            },
        }
    }
}

/// Builds a [`BackupRequest`] step by step.
#[derive(Debug, Clone)]
pub struct BackupRequestBuilder {
    request: BackupRequest,
}

impl BackupRequestBuilder {
    /// Adds a volume-group target.
    pub fn vg(mut self, vg: VgName) -> Self {
        self.request.targets.push(Target::Vg(vg));
        self
    }

    /// Adds a logical-volume target.
    pub fn lv(mut self, lv: LvName) -> Self {
        self.request.targets.push(Target::Lv(lv));
        self
    }

    /// Adds any target.
    pub fn target(mut self, target: Target) -> Self {
        self.request.targets.push(target);
        self
    }

    /// Chooses the copy to split.
    pub fn copy(mut self, copy: CopyNumber) -> Self {
        self.request.copy = copy;
        self
    }

    /// Sets a hook.
    pub fn hook(mut self, phase: HookPhase, spec: HookSpec) -> Self {
        self.request.hooks.set(phase, spec);
        self
    }

    /// Replaces the policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.request.policy = policy;
        self
    }

    /// Allows the full-resync mechanism.
    pub fn allow_full_resync(mut self, allow: bool) -> Self {
        self.request.policy.allow_full_resync = allow;
        self
    }

    /// Sets the fewest copies that must stay in use.
    pub fn min_copies_left(mut self, n: u8) -> Self {
        self.request.policy.min_copies_left = n;
        self
    }

    /// Runs despite warnings, skipping the LVs they name.
    pub fn force_continue_on_warnings(mut self, force: bool) -> Self {
        self.request.policy.force_continue_on_warnings = force;
        self
    }

    /// The finished request.
    pub fn build(self) -> BackupRequest {
        self.request
    }
}
