//! The report of a run: what was split, how long each phase took, the quiesce window,
//! the partitions written while split and resynchronised, warnings and errors.

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{
    CopyNumber, ExposedCopy, HookPhase, HookStatus, LvName, Mechanism, Phase, Problem, SplitName,
    VgName,
};

/// The version of the report's JSON layout.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// Everything succeeded.
    Success,
    /// Everything run succeeded, but the preview had warnings (LVs were skipped).
    SuccessWithWarnings,
    /// Something failed; see the errors.
    Failed,
}

/// Time spent in a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseTiming {
    /// The phase.
    pub phase: Phase,
    /// Wall time of its steps.
    #[serde(with = "crate::duration_secs")]
    pub duration: Duration,
    /// Number of steps run in it.
    pub steps: u32,
}

/// The application's outage: from the end of `pre_offline` to the start of `resume`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuiesceWindow {
    /// Its length.
    #[serde(with = "crate::duration_secs")]
    pub duration: Duration,
    /// Time spent inside backend calls (freeze, split, thaw) in the window.
    #[serde(with = "crate::duration_secs")]
    pub backend_time: Duration,
    /// Backend operations issued in the window.
    pub backend_operations: u32,
}

impl QuiesceWindow {
    /// The library's own time in the window: the window less the backend's time.
    pub fn library_time(&self) -> Duration {
        self.duration.saturating_sub(self.backend_time)
    }
}

/// What happened to one split unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReport {
    /// The unit's id.
    pub id: u32,
    /// Its mechanism.
    pub mechanism: Mechanism,
    /// Its VG.
    pub vg: VgName,
    /// Its LVs.
    pub lvs: Vec<LvName>,
    /// Where its split copy was reachable.
    pub split_name: SplitName,
    /// Whether the split happened.
    pub split: bool,
    /// Whether the copy was rejoined.
    pub rejoined: bool,
    /// Partitions changed while split, as the backend tracked them (`None` when the
    /// mechanism does not track changes, or the backend cannot count them: LVM2).
    pub pps_written_while_split: Option<u64>,
    /// Partitions resynchronised after the rejoin.
    pub pps_resynced: Option<u64>,
}

/// A hook that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HookReport {
    /// Its phase.
    pub phase: HookPhase,
    /// How it ended (absent when it could not be started).
    pub status: Option<HookStatus>,
    /// How long it ran.
    #[serde(with = "crate::duration_secs")]
    pub duration: Duration,
    /// Its log file.
    pub log: Option<std::path::PathBuf>,
}

/// The report of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The run's identifier.
    pub run_id: String,
    /// The backend.
    pub backend: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// Total wall time.
    #[serde(with = "crate::duration_secs")]
    pub duration: Duration,
    /// How it ended.
    pub outcome: RunOutcome,
    /// The copy split off.
    pub copy: CopyNumber,
    /// Time per phase, in run order.
    pub phases: Vec<PhaseTiming>,
    /// The quiesce window.
    pub quiesce: QuiesceWindow,
    /// Per split unit.
    pub units: Vec<UnitReport>,
    /// The split copies shown to the backup hook.
    pub exposed: Vec<ExposedCopy>,
    /// Hooks run.
    pub hooks: Vec<HookReport>,
    /// Preview problems that did not stop the run (warnings and notices).
    pub warnings: Vec<Problem>,
    /// Errors of the run.
    pub errors: Vec<String>,
}

impl Report {
    /// Sum of partitions written while split (tracked mechanisms).
    pub fn pps_written_while_split(&self) -> u64 {
        self.units
            .iter()
            .filter_map(|u| u.pps_written_while_split)
            .sum()
    }

    /// Sum of partitions resynchronised.
    pub fn pps_resynced(&self) -> u64 {
        self.units.iter().filter_map(|u| u.pps_resynced).sum()
    }

    /// Whether the run succeeded (with or without warnings).
    pub fn succeeded(&self) -> bool {
        self.outcome != RunOutcome::Failed
    }

    /// The report as text for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Run {} on {} started {}: {:?} in {:.3}s",
            self.run_id,
            self.backend,
            self.started_at,
            self.outcome,
            self.duration.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "Quiesce window: {:.3} ms ({} backend operation(s), {:.3} ms in the backend, {:.3} ms library)",
            ms(self.quiesce.duration),
            self.quiesce.backend_operations,
            ms(self.quiesce.backend_time),
            ms(self.quiesce.library_time())
        );
        let _ = writeln!(out, "Phases:");
        for p in &self.phases {
            let _ = writeln!(
                out,
                "  {:<13} {:>10.3} ms  {} step(s)",
                p.phase.as_str(),
                ms(p.duration),
                p.steps
            );
        }
        let _ = writeln!(out, "Units (copy {}):", self.copy);
        for u in &self.units {
            let lvs: Vec<&str> = u.lvs.iter().map(LvName::as_str).collect();
            let written = u
                .pps_written_while_split
                .map_or_else(|| "not counted".to_string(), |n| n.to_string());
            let resynced = u
                .pps_resynced
                .map_or_else(|| "-".to_string(), |n| n.to_string());
            let _ = writeln!(
                out,
                "  {} {} {}: split={} rejoined={} written-while-split={} resynced={}  [{}]",
                u.id,
                u.mechanism,
                u.vg,
                u.split,
                u.rejoined,
                written,
                resynced,
                lvs.join(" ")
            );
        }
        let _ = writeln!(
            out,
            "PPs written while split: {}; PPs resynced: {}",
            self.pps_written_while_split(),
            self.pps_resynced()
        );
        for h in &self.hooks {
            let _ = writeln!(
                out,
                "Hook {}: {:?} in {:.3}s",
                h.phase,
                h.status,
                h.duration.as_secs_f64()
            );
        }
        for w in &self.warnings {
            let _ = writeln!(out, "Warning: {w}");
        }
        for e in &self.errors {
            let _ = writeln!(out, "ERROR: {e}");
        }
        out
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
