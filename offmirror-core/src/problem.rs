//! Problems a preview finds: what, how bad, about which object, and how to fix it.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{HookPhase, LvName, MountPoint, PvName, VgName};

/// How a problem affects a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information: an LV that is excluded by rule (boot, dump, paging, log), or a
    /// cost worth knowing. Never stops a run.
    Notice,
    /// The LV it names is skipped. The run stops unless the policy forces it to go on.
    Warning,
    /// The run cannot start.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Notice => "notice",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// What a problem is, as a stable code for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemCode {
    /// The request names nothing to back up.
    NoTargets,
    /// A target VG does not exist.
    VgNotFound,
    /// A target LV does not exist.
    LvNotFound,
    /// A target VG is varied off.
    VgNotVariedOn,
    /// A VG has disks that are missing or removed.
    MissingPvs,
    /// An LV has a single copy.
    LvNotMirrored,
    /// The copy to split does not exist (or is incomplete) on this LV.
    CopyAbsent,
    /// The LV has stale partitions.
    StalePartitions,
    /// The copy to split shares a disk with another copy.
    CopySharesPv,
    /// The mechanism needs the file system mounted and it is not.
    FsNotMounted,
    /// A JFS file system's log LV is not mirrored, so `chfs -a splitcopy` would fail.
    JfsLogNotMirrored,
    /// Boot, dump and paging LVs are never split.
    ExcludedLvType,
    /// A log LV is not split on its own.
    LogLvNotSplitAlone,
    /// No mechanism of the backend can split this LV.
    UnsupportedByBackend,
    /// Only the full-resync mechanism could split this LV and the policy does not allow it.
    FullResyncNotAllowed,
    /// The LV will be split with the full-resync mechanism: every partition is recopied.
    FullResyncCost,
    /// Splitting would leave fewer copies in use than the policy allows.
    TooFewCopiesLeft,
    /// A copy is still split from an earlier run.
    LeftoverSplit,
    /// The work directory holds a run that was interrupted and not recovered.
    InterruptedRun,
    /// The work directory cannot be used.
    WorkDirUnusable,
    /// A hook program is missing or not executable.
    HookNotExecutable,
    /// The backup hook is missing: nothing would read the split copies.
    NoBackupHook,
    /// After skipping, nothing is left to split.
    NothingToSplit,
    /// A policy value is out of range.
    BadPolicy,
    /// The LV's layout is not one the backend can split (LVM2: not `raid1`).
    UnsupportedLayout,
    /// The raid1 images carry dm-integrity.
    RaidIntegrity,
    /// The VG is shared between hosts.
    SharedVg,
    /// The mirror is still synchronising.
    NotInSync,
    /// A scrub found copies that differ.
    MirrorMismatches,
    /// The LV is not active.
    LvInactive,
    /// A mounted file system of a type that cannot be frozen and exposed safely.
    FsNotFreezable,
}

impl ProblemCode {
    /// The code as text (`stale_partitions`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::NoTargets => "no_targets",
            ProblemCode::VgNotFound => "vg_not_found",
            ProblemCode::LvNotFound => "lv_not_found",
            ProblemCode::VgNotVariedOn => "vg_not_varied_on",
            ProblemCode::MissingPvs => "missing_pvs",
            ProblemCode::LvNotMirrored => "lv_not_mirrored",
            ProblemCode::CopyAbsent => "copy_absent",
            ProblemCode::StalePartitions => "stale_partitions",
            ProblemCode::CopySharesPv => "copy_shares_pv",
            ProblemCode::FsNotMounted => "fs_not_mounted",
            ProblemCode::JfsLogNotMirrored => "jfs_log_not_mirrored",
            ProblemCode::ExcludedLvType => "excluded_lv_type",
            ProblemCode::LogLvNotSplitAlone => "log_lv_not_split_alone",
            ProblemCode::UnsupportedByBackend => "unsupported_by_backend",
            ProblemCode::FullResyncNotAllowed => "full_resync_not_allowed",
            ProblemCode::FullResyncCost => "full_resync_cost",
            ProblemCode::TooFewCopiesLeft => "too_few_copies_left",
            ProblemCode::LeftoverSplit => "leftover_split",
            ProblemCode::InterruptedRun => "interrupted_run",
            ProblemCode::WorkDirUnusable => "work_dir_unusable",
            ProblemCode::HookNotExecutable => "hook_not_executable",
            ProblemCode::NoBackupHook => "no_backup_hook",
            ProblemCode::NothingToSplit => "nothing_to_split",
            ProblemCode::BadPolicy => "bad_policy",
            ProblemCode::UnsupportedLayout => "unsupported_layout",
            ProblemCode::RaidIntegrity => "raid_integrity",
            ProblemCode::SharedVg => "shared_vg",
            ProblemCode::NotInSync => "not_in_sync",
            ProblemCode::MirrorMismatches => "mirror_mismatches",
            ProblemCode::LvInactive => "lv_inactive",
            ProblemCode::FsNotFreezable => "fs_not_freezable",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object a problem is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
#[non_exhaustive]
pub enum Subject {
    /// The request as a whole.
    Request,
    /// A volume group.
    Vg(VgName),
    /// A logical volume.
    Lv(LvName),
    /// A physical volume.
    Pv(PvName),
    /// A file system.
    FileSystem(MountPoint),
    /// A hook.
    Hook(HookPhase),
    /// The work directory.
    WorkDir(PathBuf),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Request => f.write_str("request"),
            Subject::Vg(n) => write!(f, "vg {n}"),
            Subject::Lv(n) => write!(f, "lv {n}"),
            Subject::Pv(n) => write!(f, "pv {n}"),
            Subject::FileSystem(m) => write!(f, "fs {m}"),
            Subject::Hook(p) => write!(f, "hook {p}"),
            Subject::WorkDir(p) => write!(f, "work dir {}", p.display()),
        }
    }
}

/// One thing a preview found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable code.
    pub code: ProblemCode,
    /// How it affects the run.
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// What was found, in words.
    pub message: String,
    /// What to do about it (often a command), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Problem {
    /// A problem without a fix.
    pub fn new(
        code: ProblemCode,
        severity: Severity,
        subject: Subject,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            subject,
            message: message.into(),
            fix: None,
        }
    }

    /// Adds the fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {}",
            self.severity, self.code, self.subject, self.message
        )?;
        if let Some(fix) = &self.fix {
            write!(f, " (fix: {fix})")?;
        }
        Ok(())
    }
}
