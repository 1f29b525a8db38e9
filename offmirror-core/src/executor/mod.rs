//! The executor: runs a plan's steps against the three traits, keeps the failure rules of
//! DESIGN §4 (a failure after the split still rejoins), emits events and writes a report.

mod event;
mod report;
mod state;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub use event::{Event, Observer, Silent};
pub use report::{
    HookReport, PhaseTiming, QuiesceWindow, REPORT_SCHEMA_VERSION, Report, RunOutcome, UnitReport,
};
use state::RunState;

use crate::journal::{
    JOURNAL_FILE, JOURNAL_SCHEMA_VERSION, JournalWriter, Record, StepResult, journal_ended,
    read_journal,
};
use crate::lock::WorkDirLock;
use crate::{
    Applied, BackendError, BackupRequest, FsController, HookContext, HookPhase, HookRunner,
    LocalFacts, LvBlocker, Plan, Preview, RunError, SplitUnit, Step, VolumeManager, display_chain,
    plan,
};

/// Settings of the executor.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// The run's identifier; generated from the time and process id when `None`.
    pub run_id: Option<String>,
    /// Pause between two resync progress polls.
    pub resync_poll: Duration,
    /// Sync the journal to disk after each record (the default). Turn it off only for
    /// simulations that crash the simulated host, not this process: records are still
    /// written in order, but a power loss could lose the last ones.
    pub sync_journal: bool,
    /// Where volume-group locks live, so that runs from different work directories cannot
    /// split the same VG at once (`None`: only the work directory is locked). Set it for
    /// real hosts — e.g. `/var/locks/offmirror` — not for simulated ones, whose VG names
    /// are not the host's.
    pub vg_lock_dir: Option<PathBuf>,
    /// Cancels the run when set (see [`crate::CancelToken`]).
    pub cancel: Option<crate::CancelToken>,
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            run_id: None,
            resync_poll: Duration::from_secs(2),
            sync_journal: true,
            vg_lock_dir: None,
            cancel: None,
        }
    }
}

/// Runs previews and plans against a backend.
///
/// ```
/// use offmirror_core::*;
/// # fn demo(vm: &dyn VolumeManager, fs: &dyn FsController, hooks: &dyn HookRunner) -> Result<(), Box<dyn std::error::Error>> {
/// let request = BackupRequest::builder("/var/offmirror")
///     .vg(VgName::new("datavg")?)
///     .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup-split"))
///     .build();
/// let executor = Executor::new(vm, fs, hooks);
/// let preview = executor.preview(&request)?;
/// println!("{}", preview.to_text());
/// let report = executor.run(&preview.into_plan()?)?;
/// println!("{}", report.to_text());
/// # Ok(()) }
/// ```
pub struct Executor<'a> {
    volumes: &'a dyn VolumeManager,
    fs: &'a dyn FsController,
    hooks: &'a dyn HookRunner,
    observer: &'a dyn Observer,
    options: ExecOptions,
}

impl std::fmt::Debug for Executor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Executor")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a> Executor<'a> {
    /// An executor over a backend's three traits, silent, with default options.
    pub fn new(
        volumes: &'a dyn VolumeManager,
        fs: &'a dyn FsController,
        hooks: &'a dyn HookRunner,
    ) -> Self {
        Self {
            volumes,
            fs,
            hooks,
            observer: &Silent,
            options: ExecOptions::default(),
        }
    }

    /// Sends events to `observer`.
    pub fn observer(mut self, observer: &'a dyn Observer) -> Self {
        self.observer = observer;
        self
    }

    /// Replaces the options.
    pub fn options(mut self, options: ExecOptions) -> Self {
        self.options = options;
        self
    }

    /// Reads the inventory, checks the work directory and hooks, and plans.
    pub fn preview(&self, request: &BackupRequest) -> Result<Preview, RunError> {
        let inventory = self.volumes.inventory().map_err(RunError::Inventory)?;
        let facts = LocalFacts::probe(request);
        Ok(plan(
            &inventory,
            request,
            &self.volumes.capabilities(),
            &facts,
        ))
    }

    /// Runs a plan to its end. Failures after the split do not stop the run: the copies
    /// are rejoined and the failure is in the report. `Err` means the run did not start:
    /// the work directory is locked by another run, an interrupted run needs `recover`
    /// first, or the run's files could not be created.
    pub fn run(&self, plan: &Plan) -> Result<Report, RunError> {
        let started = Instant::now();
        let started_at = SystemTime::now();
        let run_id = self
            .options
            .run_id
            .clone()
            .unwrap_or_else(|| new_run_id(started_at));
        let work_dir = &plan.request.work_dir;
        let _lock = self.lock(work_dir, &run_id, started_at)?;
        let _vg_locks = self.lock_vgs(plan, &run_id)?;
        let interrupted = interrupted_runs(work_dir)?;
        if !interrupted.is_empty() {
            return Err(RunError::NeedsRecovery {
                work_dir: work_dir.clone(),
                runs: interrupted,
            });
        }
        let run_dir = run_dir(work_dir, &run_id);
        if run_dir.join(JOURNAL_FILE).exists() {
            return Err(RunError::RunIdTaken {
                run_id: run_id.clone(),
                work_dir: work_dir.clone(),
            });
        }
        let mut journal = open_journal(&run_dir, self.options.sync_journal)?;
        journal
            .append(&Record::Begin {
                schema: JOURNAL_SCHEMA_VERSION,
                run_id: run_id.clone(),
                started_at: crate::rfc3339(started_at),
                pid: std::process::id(),
                plan: Box::new(plan.clone()),
            })
            .map_err(|source| RunError::Journal {
                path: journal.path().to_path_buf(),
                source,
            })?;
        let run = Run {
            exec: self,
            plan,
            run_id: &run_id,
            mount_root: work_dir.join("mnt").join(&run_id),
            state: RunState::new(),
            journal,
            recovery: false,
            gone: Cell::new(false),
            prejournaled: BTreeSet::new(),
            next_journal_index: 0,
        };
        Ok(run.finish(started, started_at, &run_dir))
    }

    /// Completes every interrupted run of the work directory: re-reads the host and
    /// drives it to the safe end state — file systems thawed, split copies unexposed and
    /// rejoined, resync complete and verified, the `resume` hook run if the application
    /// was quiesced and not resumed. Safe to run again, and after a crash inside it.
    /// Returns one report per recovered run (none when nothing was interrupted).
    pub fn recover(&self, work_dir: &Path) -> Result<Vec<Report>, RunError> {
        let started_at = SystemTime::now();
        let holder = format!("recover-{}", crate::timestamp::compact(started_at));
        let _lock = self.lock(work_dir, &holder, started_at)?;
        let mut reports = Vec::new();
        for run_id in interrupted_runs(work_dir)? {
            let started = Instant::now();
            let dir = run_dir(work_dir, &run_id);
            let path = dir.join(JOURNAL_FILE);
            let contents = read_journal(&path)?;
            let Some(plan) = contents.records.iter().find_map(|r| match r {
                Record::Begin { plan, .. } => Some(plan.as_ref().clone()),
                _ => None,
            }) else {
                // The run died while writing its Begin record: no step had started (they
                // all come after it), so there is nothing to undo — close the journal.
                if contents.records.is_empty() {
                    open_journal(&dir, self.options.sync_journal)?
                        .append(&Record::End {
                            outcome: RunOutcome::Failed,
                            recovered: true,
                        })
                        .map_err(|source| RunError::Journal { path, source })?;
                    continue;
                }
                return Err(RunError::Journal {
                    path,
                    source: std::io::Error::other(
                        "the journal has records but no Begin record; nothing can be recovered \
                         from it automatically",
                    ),
                });
            };
            let _vg_locks = self.lock_vgs(&plan, &holder)?;
            let state = RunState::recovering(&plan, &contents.records);
            let next_index = contents
                .records
                .iter()
                .filter_map(|r| match r {
                    Record::Intent { index, .. } | Record::Outcome { index, .. } => {
                        Some(*index + 1)
                    }
                    _ => None,
                })
                .max()
                .unwrap_or(0)
                .max(plan.steps.len());
            let journal = open_journal(&dir, self.options.sync_journal)?;
            let run = Run {
                exec: self,
                plan: &plan,
                run_id: &run_id,
                mount_root: work_dir.join("mnt").join(&run_id),
                state,
                journal,
                recovery: true,
                gone: Cell::new(false),
                prejournaled: BTreeSet::new(),
                next_journal_index: 0,
            };
            reports.push(run.finish_recovery(started, started_at, &dir, next_index));
        }
        Ok(reports)
    }

    /// What `recover` would do, as commands for an administrator to run by hand instead,
    /// in order, for every interrupted run of the work directory. Changes nothing.
    pub fn manual_recovery(&self, work_dir: &Path) -> Result<Vec<ManualRecovery>, RunError> {
        let mut out = Vec::new();
        for run_id in interrupted_runs(work_dir)? {
            let path = run_dir(work_dir, &run_id).join(JOURNAL_FILE);
            let contents = read_journal(&path)?;
            let Some(plan) = contents.records.iter().find_map(|r| match r {
                Record::Begin { plan, .. } => Some(plan.as_ref().clone()),
                _ => None,
            }) else {
                continue;
            };
            let state = RunState::recovering(&plan, &contents.records);
            let mount_root = work_dir.join("mnt").join(&run_id);
            let mut steps = Vec::new();
            for step in &plan.steps {
                if !state.due_in_recovery(step) {
                    continue;
                }
                let commands = match step {
                    Step::Hook { phase } => plan
                        .request
                        .hooks
                        .get(*phase)
                        .map(|h| {
                            let mut argv = vec![h.program.display().to_string()];
                            argv.extend(h.args.iter().cloned());
                            vec![argv.join(" ")]
                        })
                        .unwrap_or_default(),
                    Step::Thaw { .. } => self.fs.manual_fs_commands(step, None, &mount_root),
                    Step::Unexpose { unit } => {
                        self.fs
                            .manual_fs_commands(step, plan.unit(*unit), &mount_root)
                    }
                    Step::Rejoin { unit } | Step::Resync { unit } => plan
                        .unit(*unit)
                        .map(|u| self.volumes.manual_commands(step, u))
                        .unwrap_or_default(),
                    Step::Verify => plan
                        .units
                        .iter()
                        .flat_map(|u| self.volumes.manual_commands(step, u))
                        .collect(),
                    _ => Vec::new(),
                };
                steps.push(ManualStep {
                    step: step.clone(),
                    commands,
                });
            }
            out.push(ManualRecovery { run_id, steps });
        }
        Ok(out)
    }

    fn lock_vgs(&self, plan: &Plan, holder: &str) -> Result<Vec<WorkDirLock>, RunError> {
        let Some(dir) = &self.options.vg_lock_dir else {
            return Ok(Vec::new());
        };
        let mut vgs = plan.vgs();
        vgs.sort();
        let holder = format!("run {holder} (pid {})", std::process::id());
        vgs.iter()
            .map(|vg| WorkDirLock::acquire_vg(dir, vg, &holder).map_err(RunError::from))
            .collect()
    }

    fn lock(&self, work_dir: &Path, run_id: &str, at: SystemTime) -> Result<WorkDirLock, RunError> {
        crate::create_private_dir(work_dir).map_err(|source| RunError::RunDir {
            path: work_dir.to_path_buf(),
            source,
        })?;
        let holder = format!(
            "run {run_id} started {} (pid {})",
            crate::rfc3339(at),
            std::process::id()
        );
        Ok(WorkDirLock::acquire(work_dir, &holder)?)
    }
}

/// The manual recovery of one interrupted run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManualRecovery {
    /// The interrupted run.
    pub run_id: String,
    /// What to do, in order.
    pub steps: Vec<ManualStep>,
}

/// One step of a manual recovery and the commands that perform it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManualStep {
    /// The step.
    pub step: Step,
    /// The commands, in order.
    pub commands: Vec<String>,
}

/// The directory of a run inside the work directory.
pub fn run_dir(work_dir: &Path, run_id: &str) -> PathBuf {
    work_dir.join("runs").join(run_id)
}

/// Runs of the work directory whose journal has no end: interrupted runs.
pub fn interrupted_runs(work_dir: &Path) -> Result<Vec<String>, RunError> {
    let runs = work_dir.join("runs");
    let Ok(entries) = std::fs::read_dir(&runs) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path().join(JOURNAL_FILE);
        if !path.exists() {
            continue;
        }
        if !journal_ended(&path)? {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(out)
}

fn open_journal(run_dir: &Path, sync: bool) -> Result<JournalWriter, RunError> {
    crate::create_private_dir(run_dir).map_err(|source| RunError::RunDir {
        path: run_dir.to_path_buf(),
        source,
    })?;
    let path = run_dir.join(JOURNAL_FILE);
    JournalWriter::open_syncing(&path, sync).map_err(|source| RunError::Journal { path, source })
}

fn new_run_id(at: SystemTime) -> String {
    // Runs started in the same second by one process (an embedding product) still get
    // distinct identifiers.
    static SEQUENCE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = format!(
        "om-{}-{}",
        crate::timestamp::compact(at),
        std::process::id()
    );
    if n == 0 { base } else { format!("{base}-{n}") }
}

/// One run (or recovery) in progress.
struct Run<'r, 'a> {
    exec: &'r Executor<'a>,
    plan: &'r Plan,
    run_id: &'r str,
    mount_root: PathBuf,
    state: RunState,
    journal: JournalWriter,
    recovery: bool,
    /// The backend said the host is gone: stop, leave the journal open for `recover`.
    gone: Cell<bool>,
    /// Steps whose intents were journaled ahead, in one sync, before the quiesce window.
    prejournaled: BTreeSet<usize>,
    /// The journal index after the highest one used so far: where the end-of-run retries
    /// go, in a run and in a recovery alike.
    next_journal_index: usize,
}

impl<'r> Run<'r, '_> {
    /// Runs every step, ends the journal and returns the report.
    fn finish(mut self, started: Instant, started_at: SystemTime, run_dir: &Path) -> Report {
        let observer = self.exec.observer;
        observer.on_event(&Event::RunStarted {
            run_id: self.run_id,
            steps: self.plan.steps.len(),
        });
        let plan = self.plan;
        // Reads the backend needs for its splits happen now, not while applications wait.
        for unit in &plan.units {
            self.exec.volumes.prepare_split(unit);
        }
        for (index, step) in plan.steps.iter().enumerate() {
            self.step(index, index, step);
        }
        self.end(started, started_at, run_dir)
    }

    /// Runs the steps that bring the host to its safe end state, journaled after the
    /// interrupted run's own records.
    fn finish_recovery(
        mut self,
        started: Instant,
        started_at: SystemTime,
        run_dir: &Path,
        first: usize,
    ) -> Report {
        self.exec.observer.on_event(&Event::RunStarted {
            run_id: self.run_id,
            steps: self.plan.steps.len(),
        });
        let plan = self.plan;
        for (offset, step) in plan.steps.iter().enumerate() {
            self.step(offset, first + offset, step);
        }
        self.end(started, started_at, run_dir)
    }

    fn end(mut self, started: Instant, started_at: SystemTime, run_dir: &Path) -> Report {
        // A thaw that failed is tried once more before the run ends: a file system must
        // not stay frozen (JFS2 would thaw it at the freeze timeout, but the application
        // waits until then).
        let extra = self.plan.steps.len();
        let frozen = if self.gone.get() {
            Vec::new()
        } else {
            self.state.still_frozen()
        };
        let mut next = extra.max(self.next_journal_index);
        for mount_point in frozen {
            let retry = Step::Thaw { mount_point };
            self.step(next, next, &retry);
            next += 1;
        }
        // A split copy must not be left behind either: an unexpose or rejoin that failed
        // (a busy unmount, say) is tried once more, then the resync.
        let unrejoined = if self.gone.get() {
            Vec::new()
        } else {
            self.state.split_not_rejoined()
        };
        for unit in unrejoined {
            let mut retries = Vec::new();
            if self.state.still_exposed(unit) {
                retries.push(Step::Unexpose { unit });
            }
            retries.push(Step::Rejoin { unit });
            for retry in retries {
                self.step(next, next, &retry);
                next += 1;
            }
            if self.state.was_rejoined(unit) {
                self.step(next, next, &Step::Resync { unit });
                next += 1;
            }
        }
        let left_split = self.state.split_not_rejoined();
        let outcome = self.state.outcome(self.plan);
        if self.gone.get() {
            // No End record: the run stays interrupted, and `recover` completes it once the
            // host answers again.
            self.state.error(
                "the host stopped answering; the run is interrupted: run `offmirror recover` \
                 once the host is back"
                    .to_string(),
            );
        } else if !left_split.is_empty() {
            // No End record either: a copy may still be split, and only an open journal
            // lets `recover` find it and finish the job once the cause is fixed.
            let units: Vec<String> = left_split.iter().map(u32::to_string).collect();
            self.state.error(format!(
                "unit(s) {} may still be split off; the run is left interrupted: fix the \
                 error above, then run `offmirror recover`",
                units.join(", ")
            ));
        } else if let Err(e) = self.journal.append(&Record::End {
            outcome,
            recovered: self.recovery,
        }) {
            // Without its End record the run counts as interrupted, and recover will
            // re-check the host: safe, if noisy.
            let message = format!("journal {}: {e}", self.journal.path().display());
            self.exec
                .observer
                .on_event(&Event::Error { message: &message });
            self.state.error(message);
        }
        if let Some(last) = self.state.current_phase() {
            self.exec.observer.on_event(&Event::PhaseFinished {
                phase: last.phase,
                duration: last.duration,
                steps: last.steps,
            });
        }
        let report = self
            .state
            .into_report(self.plan, self.run_id, started_at, started.elapsed());
        self.exec.observer.on_event(&Event::RunFinished {
            success: report.succeeded(),
        });
        if let Ok(json) = serde_json::to_vec_pretty(&report) {
            // The report is also returned; failing to save a copy is not a run failure.
            let name = if self.recovery {
                "recovery-report.json"
            } else {
                "report.json"
            };
            let _ = crate::private_files::write_private(&run_dir.join(name), &json);
        }
        report
    }

    fn step(&mut self, index: usize, journal_index: usize, step: &Step) {
        self.next_journal_index = self.next_journal_index.max(journal_index + 1);
        let observer = self.exec.observer;
        let cancelled = self
            .exec
            .options
            .cancel
            .as_ref()
            .is_some_and(crate::CancelToken::is_cancelled);
        if cancelled && !self.recovery && self.state.cancel() {
            let message = "cancelled by the caller: going to the safe end (rejoin what is split)";
            observer.on_event(&Event::Error { message });
        }
        if self.gone.get() || !self.state.should_run(step) {
            observer.on_event(&Event::StepSkipped { index, step });
            return;
        }
        let phase = step.phase();
        let previous = self.state.current_phase().cloned();
        if self.state.enter_phase(phase) {
            if let Some(done) = previous {
                observer.on_event(&Event::PhaseFinished {
                    phase: done.phase,
                    duration: done.duration,
                    steps: done.steps,
                });
            }
            observer.on_event(&Event::PhaseStarted { phase });
        }
        self.state.before_step(step);
        observer.on_event(&Event::StepStarted { index, step });
        let t0 = Instant::now();
        // A step whose intent is not on disk must not run: a crash would leave it unknown.
        let journaled = if self.prejournaled.contains(&journal_index) {
            Ok(())
        } else if let Some(batch) = self.window_intents(journal_index, step) {
            self.journal.append_batch(&batch)
        } else {
            self.journal.append(&Record::Intent {
                index: journal_index,
                step: step.clone(),
                recovery: self.recovery,
            })
        };
        let (result, backend_time) = match journaled {
            Ok(()) => {
                let t = Instant::now();
                let r = self.execute(step);
                (r, t.elapsed())
            }
            Err(e) => (
                Err(format!(
                    "journal {}: {e}; the step was not run",
                    self.journal.path().display()
                )),
                Duration::ZERO,
            ),
        };
        let outcome = Record::Outcome {
            index: journal_index,
            result: match &result {
                Ok(applied) => StepResult::Ok { applied: *applied },
                Err(message) => StepResult::Failed {
                    message: message.clone(),
                },
            },
        };
        let journaled = if self.prejournaled.contains(&journal_index) {
            self.journal.append_deferred(outcome);
            Ok(())
        } else {
            self.journal.append(&outcome)
        };
        if let Err(e) = journaled {
            let message = format!("journal {}: {e}", self.journal.path().display());
            observer.on_event(&Event::Error { message: &message });
            self.state.error(message);
        }
        let elapsed = t0.elapsed();
        self.state.after_step(step, elapsed, backend_time, &result);
        match result {
            Ok(applied) => observer.on_event(&Event::StepFinished {
                index,
                step,
                applied: Some(applied),
                elapsed,
            }),
            Err(message) => {
                observer.on_event(&Event::StepFinished {
                    index,
                    step,
                    applied: None,
                    elapsed,
                });
                observer.on_event(&Event::Error { message: &message });
                self.state.fail(step, message);
            }
        }
    }

    fn unit(&self, id: u32) -> Result<&'r SplitUnit, String> {
        self.plan
            .unit(id)
            .ok_or_else(|| format!("the plan has no unit {id}"))
    }

    fn execute(&mut self, step: &Step) -> Result<Applied, String> {
        let exec = self.exec;
        let backend = |e: BackendError| self.describe(&e);
        match step {
            Step::Hook { phase } => self.hook(*phase),
            Step::Freeze {
                mount_point,
                timeout,
            } => exec
                .fs
                .freeze(mount_point, *timeout)
                .map_err(|e| format!("freeze {mount_point}: {}", backend(e))),
            Step::Thaw { mount_point } => exec
                .fs
                .thaw(mount_point)
                .map_err(|e| format!("thaw {mount_point}: {}", backend(e))),
            Step::Split { unit } => {
                let unit = self.unit(*unit)?;
                exec.volumes.split(unit).map_err(|e| {
                    format!(
                        "split unit {} ({} {}): {}",
                        unit.id,
                        unit.mechanism,
                        unit.vg,
                        backend(e)
                    )
                })
            }
            Step::Expose { unit } => {
                let unit = self.unit(*unit)?;
                let exposed = exec
                    .fs
                    .expose(unit, &self.mount_root)
                    .map_err(|e| format!("expose unit {}: {}", unit.id, backend(e)))?;
                self.state.exposed(unit.id, exposed);
                Ok(Applied::Done)
            }
            Step::Unexpose { unit } => {
                let unit = self.unit(*unit)?;
                exec.fs
                    .unexpose(unit, &self.mount_root)
                    .map_err(|e| format!("unexpose unit {}: {}", unit.id, backend(e)))
            }
            Step::Rejoin { unit } => {
                let unit = self.unit(*unit)?;
                let counts = exec.volumes.capabilities().counts_written;
                let written = if counts {
                    self.read_stale(unit, "before the rejoin")
                } else {
                    None
                };
                let applied = exec.volumes.rejoin(unit).map_err(|e| {
                    format!(
                        "rejoin unit {} ({} {}): {}",
                        unit.id,
                        unit.mechanism,
                        unit.vg,
                        self.describe(&e)
                    )
                })?;
                let to_resync = self.read_stale(unit, "after the rejoin");
                let tracked = unit.mechanism.tracks_changes();
                self.state
                    .rejoined(unit.id, written.filter(|_| tracked), to_resync);
                Ok(applied)
            }
            Step::Resync { unit } => {
                let unit = self.unit(*unit)?.clone();
                self.resync(&unit)
            }
            Step::Verify => self.verify(),
        }
    }

    /// Before the first step of the quiesce (the `pre_offline` hook, or the first freeze
    /// or split), the intents of every freeze, split and thaw, to be written in one sync:
    /// the window then needs no sync at all. Recovery treats an intent as "may have
    /// happened" and undoes it idempotently, so an intent ahead of its step is safe.
    fn window_intents(&mut self, index: usize, step: &Step) -> Option<Vec<Record>> {
        let opens_window = matches!(
            step,
            Step::Hook {
                phase: HookPhase::PreOffline
            } | Step::Freeze { .. }
                | Step::Split { .. }
        );
        if self.recovery || !opens_window || !self.prejournaled.is_empty() {
            return None;
        }
        let mut batch = vec![Record::Intent {
            index,
            step: step.clone(),
            recovery: false,
        }];
        for (i, s) in self.plan.steps.iter().enumerate().skip(index + 1) {
            if matches!(
                s,
                Step::Freeze { .. } | Step::Split { .. } | Step::Thaw { .. }
            ) {
                self.prejournaled.insert(i);
                batch.push(Record::Intent {
                    index: i,
                    step: s.clone(),
                    recovery: false,
                });
            }
        }
        if matches!(step, Step::Freeze { .. } | Step::Split { .. }) {
            self.prejournaled.insert(index);
        }
        Some(batch)
    }

    /// A backend error in words; notes when the host is gone.
    fn describe(&self, e: &BackendError) -> String {
        if matches!(e, BackendError::Gone(_)) {
            self.gone.set(true);
        }
        display_chain(e)
    }

    /// Stale partitions of a unit for the report; a failed read is reported, not fatal.
    fn read_stale(&mut self, unit: &SplitUnit, when: &str) -> Option<u64> {
        match self.exec.volumes.stale_pps(unit) {
            Ok(n) => Some(n),
            Err(e) => {
                let message = format!(
                    "unit {}: cannot read stale partitions {when}: {}",
                    unit.id,
                    self.describe(&e)
                );
                self.exec
                    .observer
                    .on_event(&Event::Error { message: &message });
                self.state.error(message);
                None
            }
        }
    }

    fn hook(&mut self, phase: HookPhase) -> Result<Applied, String> {
        let Some(spec) = self.plan.request.hooks.get(phase) else {
            return Ok(Applied::AlreadyDone);
        };
        let context = HookContext {
            run_id: self.run_id.to_string(),
            phase,
            vgs: self.plan.vgs(),
            lvs: self.plan.lvs().map(|l| l.lv.clone()).collect(),
            copy: self.plan.request.copy,
            work_dir: self.plan.request.work_dir.clone(),
            exposed: if phase == HookPhase::Backup {
                self.state.all_exposed()
            } else {
                Vec::new()
            },
        };
        let observer = self.exec.observer;
        let mut output = |line: &str| observer.on_event(&Event::HookOutput { phase, line });
        let started = Instant::now();
        let result = self.exec.hooks.run(spec, &context, &mut output);
        match result {
            Ok(outcome) => {
                let ok = outcome.succeeded();
                let status = outcome.status.clone();
                self.state
                    .hook_ran(phase, Some(outcome.status), outcome.duration, outcome.log);
                if ok {
                    Ok(Applied::Done)
                } else {
                    Err(format!("hook {phase} did not succeed: {status:?}"))
                }
            }
            Err(e) => {
                self.state.hook_ran(phase, None, started.elapsed(), None);
                Err(display_chain(&e))
            }
        }
    }

    fn resync(&mut self, unit: &SplitUnit) -> Result<Applied, String> {
        let exec = self.exec;
        let timeout = self.plan.request.policy.resync_timeout;
        let started = Instant::now();
        let fail = |e: BackendError| format!("resync unit {}: {}", unit.id, self.describe(&e));
        let applied = exec.volumes.start_resync(unit).map_err(fail)?;
        let total = self.state.to_resync(unit.id);
        loop {
            let remaining = exec.volumes.stale_pps(unit).map_err(fail)?;
            exec.observer.on_event(&Event::ResyncProgress {
                unit: unit.id,
                remaining,
                total: total.max(remaining),
            });
            if remaining == 0 {
                return Ok(applied);
            }
            if started.elapsed() >= timeout {
                return Err(format!(
                    "resync unit {}: {remaining} stale partition(s) left after {}s; it goes on in \
                     the background: {}",
                    unit.id,
                    timeout.as_secs(),
                    exec.volumes.capabilities().dialect.watch_resync(&unit.vg)
                ));
            }
            std::thread::sleep(exec.options.resync_poll);
        }
    }

    fn verify(&mut self) -> Result<Applied, String> {
        let inventory = self
            .exec
            .volumes
            .inventory()
            .map_err(|e| format!("verify: {}", self.describe(&e)))?;
        let mut wrong = Vec::new();
        for unit in self
            .plan
            .units
            .iter()
            .filter(|u| self.state.was_rejoined(u.id))
        {
            for ulv in &unit.lvs {
                let found = inventory
                    .vg(&unit.vg)
                    .and_then(|vg| vg.lvs.iter().find(|lv| lv.name == ulv.lv));
                match found {
                    None => wrong.push(format!("{} is gone", ulv.lv)),
                    Some(lv) => {
                        for blocker in &lv.blockers {
                            match blocker {
                                LvBlocker::NotInSync { action, percent } => wrong.push(format!(
                                    "{} is still {percent}% in sync ({action})",
                                    lv.name
                                )),
                                LvBlocker::RebuildPending => wrong
                                    .push(format!("{} still has a copy to rebuild whole", lv.name)),
                                LvBlocker::Mismatches { count } => wrong.push(format!(
                                    "{} has {count} mismatched sectors between its copies",
                                    lv.name
                                )),
                                _ => {}
                            }
                        }
                        if lv.split.is_some() {
                            wrong.push(format!("{} still has a split copy", lv.name));
                        }
                        if ulv.copies > 0 && lv.copy_count() < usize::from(ulv.copies) {
                            wrong.push(format!(
                                "{} has {} copies; it had {} before the split",
                                lv.name,
                                lv.copy_count(),
                                ulv.copies
                            ));
                        }
                        if lv.copy(unit.copy).is_none_or(|c| !c.is_complete()) {
                            wrong.push(format!("{} lacks copy {}", lv.name, unit.copy));
                        }
                        let stale = lv.stale_pps();
                        if stale > 0 {
                            wrong.push(format!("{} has {stale} stale partition(s)", lv.name));
                        }
                    }
                }
            }
        }
        if wrong.is_empty() {
            Ok(Applied::Done)
        } else {
            Err(format!("verify: {}", wrong.join("; ")))
        }
    }
}
