//! The plan: split units and the ordered steps that back them up. Plain data, so it can be
//! shown in a preview, stored in a journal and replayed.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{
    BackupRequest, CopyNumber, HookPhase, LvName, LvType, Mechanism, MountPoint, Problem, Vfs,
    VgName,
};

/// A file system that lives on a split LV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFs {
    /// Its mount point.
    pub mount_point: MountPoint,
    /// Its type.
    pub vfs: Vfs,
    /// Whether it was mounted when planned.
    pub mounted: bool,
}

/// One LV inside a split unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLv {
    /// The LV.
    pub lv: LvName,
    /// Its type.
    #[serde(rename = "type")]
    pub lv_type: LvType,
    /// Number of logical partitions (the PPs of one copy).
    pub lps: u32,
    /// Number of copies the LV had when planned: what a rejoin must restore, even after
    /// a crash between removing a detached copy and adding it back (0: unknown, from a
    /// journal written before this field existed).
    #[serde(default)]
    pub copies: u8,
    /// Its file system, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs: Option<UnitFs>,
}

/// The name under which a split copy will be reachable, chosen by the planner so that it
/// is known before the split and can be found again after a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum SplitName {
    /// The snapshot volume group created by a VG split.
    SnapshotVg(VgName),
    /// The child LV that reads a backup copy.
    BackupLv(LvName),
    /// Where a JFS split copy is mounted.
    SplitMount(MountPoint),
    /// The LV that receives a detached copy.
    DetachedLv(LvName),
    /// The raid1 image LV that a tracked split makes visible (LVM2 keeps the image's
    /// name: copy `n` is `LV_rimage_<n-1>`).
    TrackedImage(LvName),
}

impl fmt::Display for SplitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitName::SnapshotVg(vg) => write!(f, "snapshot VG {vg}"),
            SplitName::BackupLv(lv) => write!(f, "backup LV {lv}"),
            SplitName::SplitMount(mp) => write!(f, "split mount {mp}"),
            SplitName::DetachedLv(lv) => write!(f, "detached LV {lv}"),
            SplitName::TrackedImage(lv) => write!(f, "split image {lv}"),
        }
    }
}

/// The set of LVs split by one backend operation, with the mechanism that splits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitUnit {
    /// Index of the unit in [`Plan::units`].
    pub id: u32,
    /// How it is split.
    pub mechanism: Mechanism,
    /// The volume group.
    pub vg: VgName,
    /// The copy split off.
    pub copy: CopyNumber,
    /// The LVs it splits (all the VG's LVs for a VG split, otherwise one).
    pub lvs: Vec<UnitLv>,
    /// Where the split copy will be found.
    pub split_name: SplitName,
}

impl SplitUnit {
    /// Physical partitions in the split copy.
    pub fn copy_pps(&self) -> u64 {
        self.lvs.iter().map(|l| u64::from(l.lps)).sum()
    }
}

/// The phases of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The `pre_offline` hook quiesces the application.
    PreOffline,
    /// File systems are frozen.
    Freeze,
    /// Copies are split.
    Split,
    /// File systems are thawed.
    Thaw,
    /// The `resume` hook restarts the application.
    Resume,
    /// The split copies are made readable.
    Expose,
    /// The `backup` hook reads them.
    Backup,
    /// The split copies are made unreadable again.
    Unexpose,
    /// The copies are rejoined.
    Rejoin,
    /// Stale partitions are resynchronised.
    Resync,
    /// Every copy is checked rejoined and current.
    Verify,
    /// The `post_offline` hook.
    PostOffline,
}

impl Phase {
    /// The phase's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::PreOffline => "pre_offline",
            Phase::Freeze => "freeze",
            Phase::Split => "split",
            Phase::Thaw => "thaw",
            Phase::Resume => "resume",
            Phase::Expose => "expose",
            Phase::Backup => "backup",
            Phase::Unexpose => "unexpose",
            Phase::Rejoin => "rejoin",
            Phase::Resync => "resync",
            Phase::Verify => "verify",
            Phase::PostOffline => "post_offline",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a plan. Every step that changes the host has an inverse
/// ([`Step::inverse`]) and is idempotent in the backends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// Run a user hook.
    Hook {
        /// Which one.
        phase: HookPhase,
    },
    /// Freeze a mounted file system, with a timeout after which it thaws by itself.
    Freeze {
        /// The file system.
        mount_point: MountPoint,
        /// The freeze's timeout.
        #[serde(with = "crate::duration_secs")]
        timeout: Duration,
    },
    /// Thaw a frozen file system.
    Thaw {
        /// The file system.
        mount_point: MountPoint,
    },
    /// Split a unit's copy off.
    Split {
        /// Index into [`Plan::units`].
        unit: u32,
    },
    /// Make a unit's split copies readable for the backup.
    Expose {
        /// Index into [`Plan::units`].
        unit: u32,
    },
    /// Undo [`Step::Expose`].
    Unexpose {
        /// Index into [`Plan::units`].
        unit: u32,
    },
    /// Rejoin a unit's split copy.
    Rejoin {
        /// Index into [`Plan::units`].
        unit: u32,
    },
    /// Resynchronise a unit's stale partitions and wait until none is left.
    Resync {
        /// Index into [`Plan::units`].
        unit: u32,
    },
    /// Check that every split LV has all its copies back, none stale.
    Verify,
}

impl Step {
    /// The phase this step belongs to.
    pub fn phase(&self) -> Phase {
        match self {
            Step::Hook { phase } => match phase {
                HookPhase::PreOffline => Phase::PreOffline,
                HookPhase::Resume => Phase::Resume,
                HookPhase::Backup => Phase::Backup,
                HookPhase::PostOffline => Phase::PostOffline,
            },
            Step::Freeze { .. } => Phase::Freeze,
            Step::Thaw { .. } => Phase::Thaw,
            Step::Split { .. } => Phase::Split,
            Step::Expose { .. } => Phase::Expose,
            Step::Unexpose { .. } => Phase::Unexpose,
            Step::Rejoin { .. } => Phase::Rejoin,
            Step::Resync { .. } => Phase::Resync,
            Step::Verify => Phase::Verify,
        }
    }

    /// The step that undoes this one, for steps that change the host.
    pub fn inverse(&self) -> Option<Step> {
        match self {
            Step::Freeze { mount_point, .. } => Some(Step::Thaw {
                mount_point: mount_point.clone(),
            }),
            Step::Split { unit } => Some(Step::Rejoin { unit: *unit }),
            Step::Expose { unit } => Some(Step::Unexpose { unit: *unit }),
            _ => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Hook { phase } => write!(f, "run hook {phase}"),
            Step::Freeze {
                mount_point,
                timeout,
            } => {
                write!(f, "freeze {mount_point} (timeout {}s)", timeout.as_secs())
            }
            Step::Thaw { mount_point } => write!(f, "thaw {mount_point}"),
            Step::Split { unit } => write!(f, "split unit {unit}"),
            Step::Expose { unit } => write!(f, "expose unit {unit}"),
            Step::Unexpose { unit } => write!(f, "unexpose unit {unit}"),
            Step::Rejoin { unit } => write!(f, "rejoin unit {unit}"),
            Step::Resync { unit } => write!(f, "resync unit {unit}"),
            Step::Verify => f.write_str("verify"),
        }
    }
}

/// A plan: the request it answers, the units to split and the steps, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The request.
    pub request: BackupRequest,
    /// The backend the plan was made for.
    pub backend: String,
    /// Split units, indexed by their `id`.
    pub units: Vec<SplitUnit>,
    /// Steps in order.
    pub steps: Vec<Step>,
    /// Problems the run goes ahead with: notices, and warnings when the policy forces the
    /// run on. Filled by [`crate::Preview::into_plan`]; they go into the report.
    #[serde(default)]
    pub accepted: Vec<Problem>,
}

impl Plan {
    /// The unit with this id.
    pub fn unit(&self, id: u32) -> Option<&SplitUnit> {
        self.units.get(id as usize)
    }

    /// Every LV the plan splits.
    pub fn lvs(&self) -> impl Iterator<Item = &UnitLv> {
        self.units.iter().flat_map(|u| u.lvs.iter())
    }

    /// The VGs the plan touches, each once, in plan order.
    pub fn vgs(&self) -> Vec<VgName> {
        let mut out: Vec<VgName> = Vec::new();
        for u in &self.units {
            if !out.contains(&u.vg) {
                out.push(u.vg.clone());
            }
        }
        out
    }
}
