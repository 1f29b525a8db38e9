//! What a run has done so far, and what it may still do after a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use super::report::{
    HookReport, PhaseTiming, QuiesceWindow, REPORT_SCHEMA_VERSION, Report, RunOutcome, UnitReport,
};
use crate::journal::Record;
use crate::{Applied, ExposedCopy, HookPhase, HookStatus, MountPoint, Phase, Plan, Severity, Step};

/// Per unit: partitions written while split and to resync after the rejoin.
#[derive(Debug, Default, Clone, Copy)]
struct UnitCounts {
    written: Option<u64>,
    to_resync: Option<u64>,
}

#[derive(Debug)]
pub(super) struct RunState {
    /// A failure sent the run to its safe end: only steps that undo or finish run.
    unwinding: bool,
    /// The caller cancelled the run.
    cancelled: bool,
    /// The application was (or may have been) quiesced, so `resume` is owed.
    resume_due: bool,
    resume_ran: bool,
    /// `post_offline` already ran (known from a journal).
    post_ran: bool,
    frozen: BTreeSet<MountPoint>,
    /// Units whose split was attempted (a failed split may still have taken effect).
    split: BTreeSet<u32>,
    split_done: BTreeSet<u32>,
    exposed: BTreeMap<u32, Vec<ExposedCopy>>,
    /// Every copy ever shown to the backup hook, for the report.
    shown: Vec<ExposedCopy>,
    rejoined: BTreeSet<u32>,
    counts: BTreeMap<u32, UnitCounts>,
    phases: Vec<PhaseTiming>,
    hooks: Vec<HookReport>,
    errors: Vec<String>,
    window_start: Option<Instant>,
    window_end: Option<Instant>,
    last_quiesce_step_end: Option<Instant>,
    window_backend: Duration,
    window_ops: u32,
}

impl RunState {
    pub(super) fn new() -> Self {
        Self {
            unwinding: false,
            cancelled: false,
            resume_due: false,
            resume_ran: false,
            post_ran: false,
            frozen: BTreeSet::new(),
            split: BTreeSet::new(),
            split_done: BTreeSet::new(),
            exposed: BTreeMap::new(),
            shown: Vec::new(),
            rejoined: BTreeSet::new(),
            counts: BTreeMap::new(),
            phases: Vec::new(),
            hooks: Vec::new(),
            errors: Vec::new(),
            window_start: None,
            window_end: None,
            last_quiesce_step_end: None,
            window_backend: Duration::ZERO,
            window_ops: 0,
        }
    }

    /// The state of an interrupted run about to be recovered, from its journal: every
    /// step that may have changed the host is assumed done, so that its undoing step runs
    /// (each is idempotent), and the hooks owed are found from the records.
    pub(super) fn recovering(plan: &Plan, records: &[Record]) -> Self {
        let mut state = Self::new();
        state.unwinding = true;
        let intended = |pred: &dyn Fn(&Step) -> bool| {
            records
                .iter()
                .any(|r| matches!(r, Record::Intent { step, .. } if pred(step)))
        };
        state.resume_due = intended(&|s| {
            matches!(
                s,
                Step::Hook {
                    phase: HookPhase::PreOffline
                } | Step::Freeze { .. }
                    | Step::Split { .. }
            )
        });
        state.resume_ran = intended(&|s| {
            matches!(
                s,
                Step::Hook {
                    phase: HookPhase::Resume
                }
            )
        });
        state.post_ran = intended(&|s| {
            matches!(
                s,
                Step::Hook {
                    phase: HookPhase::PostOffline
                }
            )
        });
        for step in &plan.steps {
            match step {
                Step::Freeze { mount_point, .. } => {
                    state.frozen.insert(mount_point.clone());
                }
                Step::Split { unit } => {
                    state.split.insert(*unit);
                }
                Step::Expose { unit } => {
                    state.exposed.insert(*unit, Vec::new());
                }
                _ => {}
            }
        }
        state
    }

    /// Whether a recovery owes this step, judged before anything runs (for the manual
    /// recovery): every thaw, unexpose, rejoin and resync of the plan, the verify, and
    /// the hooks the journal shows owed.
    pub(super) fn due_in_recovery(&self, step: &Step) -> bool {
        match step {
            Step::Resync { unit } => self.split.contains(unit),
            Step::Verify => !self.split.is_empty(),
            _ => self.should_run(step),
        }
    }

    /// Whether a step runs. After a failure only the steps that bring the host back to
    /// its safe state run: thaw what is frozen, resume, unexpose, rejoin, resync, verify,
    /// and the final hook.
    pub(super) fn should_run(&self, step: &Step) -> bool {
        if let Step::Resync { unit } = step {
            // Only a rejoined copy can resync; waiting on one still split would only run
            // into the timeout.
            return self.rejoined.contains(unit);
        }
        if !self.unwinding {
            return true;
        }
        match step {
            Step::Hook { phase } => match phase {
                HookPhase::Resume => self.resume_due && !self.resume_ran,
                HookPhase::PostOffline => !self.post_ran,
                HookPhase::PreOffline | HookPhase::Backup => false,
            },
            Step::Freeze { .. } | Step::Split { .. } | Step::Expose { .. } => false,
            Step::Thaw { mount_point } => self.frozen.contains(mount_point),
            Step::Unexpose { unit } => self.exposed.contains_key(unit),
            Step::Rejoin { unit } => self.split.contains(unit),
            Step::Resync { .. } => false,
            Step::Verify => !self.rejoined.is_empty(),
        }
    }

    /// The phase being run, with its time and steps so far.
    pub(super) fn current_phase(&self) -> Option<&PhaseTiming> {
        self.phases.last()
    }

    /// Records entry into a phase; `true` when it is a new phase.
    pub(super) fn enter_phase(&mut self, phase: Phase) -> bool {
        if self.phases.last().is_some_and(|p| p.phase == phase) {
            return false;
        }
        self.phases.push(PhaseTiming {
            phase,
            duration: Duration::ZERO,
            steps: 0,
        });
        true
    }

    pub(super) fn before_step(&mut self, step: &Step) {
        let now = Instant::now();
        match step {
            Step::Hook {
                phase: HookPhase::PreOffline,
            } => self.resume_due = true,
            Step::Hook {
                phase: HookPhase::Resume,
            } => {
                self.resume_ran = true;
                if self.window_start.is_some() && self.window_end.is_none() {
                    self.window_end = Some(now);
                }
            }
            Step::Freeze { mount_point, .. } => {
                self.resume_due = true;
                self.window_start.get_or_insert(now);
                // A freeze that fails half-way may still have frozen: thaw it anyway.
                self.frozen.insert(mount_point.clone());
            }
            Step::Split { unit } => {
                self.resume_due = true;
                self.window_start.get_or_insert(now);
                self.split.insert(*unit);
            }
            Step::Expose { unit } => {
                self.exposed.entry(*unit).or_default();
            }
            _ => {}
        }
    }

    pub(super) fn after_step(
        &mut self,
        step: &Step,
        elapsed: Duration,
        backend_time: Duration,
        result: &Result<Applied, String>,
    ) {
        let now = Instant::now();
        if let Some(p) = self.phases.last_mut() {
            p.duration += elapsed;
            p.steps += 1;
        }
        let in_window = matches!(
            step,
            Step::Freeze { .. } | Step::Split { .. } | Step::Thaw { .. }
        );
        if in_window && self.window_end.is_none() {
            self.window_backend += backend_time;
            self.window_ops += 1;
            self.last_quiesce_step_end = Some(now);
        }
        match step {
            Step::Hook {
                phase: HookPhase::PreOffline,
            } => {
                self.window_start = Some(now);
            }
            Step::Thaw { mount_point } if result.is_ok() => {
                self.frozen.remove(mount_point);
            }
            Step::Split { unit } if result.is_ok() => {
                self.split_done.insert(*unit);
            }
            Step::Unexpose { unit } if result.is_ok() => {
                self.exposed.remove(unit);
            }
            _ => {}
        }
    }

    /// Sends the run to its safe end because the caller cancelled it; `true` the first
    /// time.
    pub(super) fn cancel(&mut self) -> bool {
        if self.cancelled {
            return false;
        }
        self.cancelled = true;
        self.unwinding = true;
        self.errors.push("cancelled by the caller".to_string());
        true
    }

    /// An error that is not a step's own (a journal write).
    pub(super) fn error(&mut self, message: String) {
        self.errors.push(message);
    }

    /// How the run ends, as far as it has gone.
    pub(super) fn outcome(&self, plan: &Plan) -> RunOutcome {
        if !self.errors.is_empty() {
            RunOutcome::Failed
        } else if plan
            .accepted
            .iter()
            .any(|w| w.severity == Severity::Warning)
        {
            RunOutcome::SuccessWithWarnings
        } else {
            RunOutcome::Success
        }
    }

    pub(super) fn fail(&mut self, step: &Step, message: String) {
        self.errors.push(message);
        // Failures of these steps send the run to its safe end; the others are reported
        // and the run goes on (DESIGN §4).
        let unwind = match step {
            Step::Hook { phase } => *phase == HookPhase::PreOffline,
            Step::Freeze { .. } | Step::Split { .. } | Step::Expose { .. } => true,
            _ => false,
        };
        if unwind {
            self.unwinding = true;
        }
    }

    /// File systems a freeze step may have frozen and no thaw has thawed.
    pub(super) fn still_frozen(&self) -> Vec<MountPoint> {
        self.frozen.iter().cloned().collect()
    }

    pub(super) fn exposed(&mut self, unit: u32, copies: Vec<ExposedCopy>) {
        self.shown.extend(copies.iter().cloned());
        self.exposed.insert(unit, copies);
    }

    pub(super) fn all_exposed(&self) -> Vec<ExposedCopy> {
        self.exposed.values().flatten().cloned().collect()
    }

    pub(super) fn rejoined(&mut self, unit: u32, written: Option<u64>, to_resync: Option<u64>) {
        self.rejoined.insert(unit);
        self.counts.insert(unit, UnitCounts { written, to_resync });
    }

    pub(super) fn was_rejoined(&self, unit: u32) -> bool {
        self.rejoined.contains(&unit)
    }

    /// Units whose split was attempted (it may have taken effect) and that no rejoin has
    /// rejoined: what must not be left behind when the run ends.
    pub(super) fn split_not_rejoined(&self) -> Vec<u32> {
        self.split.difference(&self.rejoined).copied().collect()
    }

    /// Whether the unit's copies may still be exposed (an expose ran and no unexpose
    /// succeeded).
    pub(super) fn still_exposed(&self, unit: u32) -> bool {
        self.exposed.contains_key(&unit)
    }

    pub(super) fn to_resync(&self, unit: u32) -> u64 {
        self.counts
            .get(&unit)
            .and_then(|c| c.to_resync)
            .unwrap_or(0)
    }

    pub(super) fn hook_ran(
        &mut self,
        phase: HookPhase,
        status: Option<HookStatus>,
        duration: Duration,
        log: Option<std::path::PathBuf>,
    ) {
        self.hooks.push(HookReport {
            phase,
            status,
            duration,
            log,
        });
    }

    pub(super) fn into_report(
        self,
        plan: &Plan,
        run_id: &str,
        started_at: SystemTime,
        duration: Duration,
    ) -> Report {
        let window_end = self.window_end.or(self.last_quiesce_step_end);
        let quiesce = match (self.window_start, window_end) {
            (Some(start), Some(end)) => QuiesceWindow {
                duration: end.saturating_duration_since(start),
                backend_time: self.window_backend,
                backend_operations: self.window_ops,
            },
            _ => QuiesceWindow::default(),
        };
        let warnings: Vec<_> = plan
            .accepted
            .iter()
            .filter(|p| p.severity != Severity::Error)
            .cloned()
            .collect();
        let outcome = self.outcome(plan);
        let units = plan
            .units
            .iter()
            .map(|u| {
                let counts = self.counts.get(&u.id).copied().unwrap_or_default();
                UnitReport {
                    id: u.id,
                    mechanism: u.mechanism,
                    vg: u.vg.clone(),
                    lvs: u.lvs.iter().map(|l| l.lv.clone()).collect(),
                    split_name: u.split_name.clone(),
                    split: self.split_done.contains(&u.id),
                    rejoined: self.rejoined.contains(&u.id),
                    pps_written_while_split: counts.written,
                    pps_resynced: counts.to_resync,
                }
            })
            .collect();
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            run_id: run_id.to_string(),
            backend: plan.backend.clone(),
            started_at: crate::rfc3339(started_at),
            duration,
            outcome,
            copy: plan.request.copy,
            phases: self.phases,
            quiesce,
            units,
            exposed: self.shown,
            hooks: self.hooks,
            warnings,
            errors: self.errors,
        }
    }
}
