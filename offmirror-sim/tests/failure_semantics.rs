//! Failure semantics of a run (DESIGN §4) on the demo host, with the simulator's fault
//! injection: failing and hanging hooks, failing backend operations at every point of a
//! run. Whatever fails, the executor does not panic, reports the error, and leaves no copy
//! split and nothing frozen — unless the rejoin itself failed, which the report then says.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::error::Error;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::{Duration, Instant};

use offmirror_core::*;
use offmirror_sim::{FailRule, Faults, HookFault, OpKind, SimHookRunner, SimHost};

type TestResult = Result<(), Box<dyn Error>>;

/// Short, so that a unit left split after a failed rejoin does not hold a run for long
/// (see `a_failed_rejoin_does_not_wait_for_the_resync_timeout`); a real resync in the
/// simulator takes microseconds.
const RESYNC_TIMEOUT: Duration = Duration::from_millis(300);

fn request(work: &Path, resync_timeout: Duration) -> Result<BackupRequest, NameError> {
    let policy = Policy {
        force_continue_on_warnings: true,
        resync_timeout,
        ..Policy::default()
    };
    Ok(BackupRequest::builder(work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/pre"))
        .hook(HookPhase::Resume, HookSpec::new("/bin/resume"))
        .hook(HookPhase::Backup, HookSpec::new("/bin/backup"))
        .hook(HookPhase::PostOffline, HookSpec::new("/bin/post"))
        .policy(policy)
        .build())
}

/// The demo plan, made on a demo host of its own so that the host a test runs on has
/// counted no operation before the run.
fn demo_plan(work: &Path, resync_timeout: Duration) -> Result<Plan, Box<dyn Error>> {
    let host = SimHost::demo();
    let req = request(work, resync_timeout)?;
    let preview = plan(
        &host.inventory()?,
        &req,
        &host.capabilities(),
        &LocalFacts::assume_usable(&req),
    );
    Ok(preview.into_plan()?)
}

/// What a run left behind.
struct Outcome {
    host: SimHost,
    hooks: SimHookRunner,
    report: Report,
    /// Event names, with the step for step events (`step_skipped 12 expose unit 0`).
    events: Vec<String>,
    /// Violations of the safe state before the run.
    before: Vec<String>,
    elapsed: Duration,
}

impl Outcome {
    fn skipped(&self) -> BTreeSet<usize> {
        self.events
            .iter()
            .filter_map(|e| e.strip_prefix("step_skipped "))
            .filter_map(|rest| rest.split(' ').next())
            .filter_map(|i| i.parse().ok())
            .collect()
    }

    fn unit(&self, id: u32) -> Result<&UnitReport, String> {
        self.report
            .units
            .iter()
            .find(|u| u.id == id)
            .ok_or_else(|| format!("no unit {id} in the report"))
    }
}

fn describe(event: &Event<'_>) -> String {
    let name = serde_json::to_value(event)
        .ok()
        .and_then(|v| v.get("event").and_then(|n| n.as_str()).map(str::to_string))
        .unwrap_or_else(|| "?".into());
    match event {
        Event::StepStarted { index, step }
        | Event::StepSkipped { index, step }
        | Event::StepFinished { index, step, .. } => format!("{name} {index} {step}"),
        Event::Error { message } => format!("{name} {message}"),
        _ => name,
    }
}

static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Runs `plan` on a fresh demo host with `faults`. `Err` if the executor panicked or
/// refused to start.
fn run_with(plan: &Plan, faults: Faults) -> Result<Outcome, String> {
    let host = SimHost::demo();
    let before = host
        .state()
        .map_err(|e| e.to_string())?
        .safe_state_violations();
    host.with_state(|s| s.faults = faults)
        .map_err(|e| e.to_string())?;
    let hooks = SimHookRunner::new(host.clone());
    let events = RefCell::new(Vec::new());
    let observer = |e: &Event<'_>| events.borrow_mut().push(describe(e));
    let run_id = format!(
        "fail-{}",
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let executor = Executor::new(&host, &host, &hooks)
        .observer(&observer)
        .options(ExecOptions {
            run_id: Some(run_id),
            resync_poll: Duration::ZERO,
            ..ExecOptions::default()
        });
    let t0 = Instant::now();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| executor.run(plan)));
    let elapsed = t0.elapsed();
    let report = match result {
        Ok(Ok(report)) => report,
        Ok(Err(e)) => return Err(format!("the run did not start: {e}")),
        Err(_) => return Err("the executor panicked".into()),
    };
    Ok(Outcome {
        host,
        hooks,
        report,
        events: events.into_inner(),
        before,
        elapsed,
    })
}

fn fail_op(op: OpKind, nth: u64) -> Faults {
    Faults {
        fail: vec![FailRule { op, nth }],
        ..Faults::default()
    }
}

fn hook_fault(phase: HookPhase, fault: HookFault) -> Faults {
    Faults {
        hooks: vec![(phase, fault)],
        ..Faults::default()
    }
}

/// Copies left split and file systems left frozen.
fn split_or_frozen(host: &SimHost) -> Result<Vec<String>, Box<dyn Error>> {
    let state = host.state()?;
    let mut out: Vec<String> = state
        .safe_state_violations()
        .into_iter()
        .filter(|v| v.contains("split") || v.contains("frozen") || v.contains("snapshot"))
        .collect();
    out.extend(state.splits.keys().map(|lv| format!("{lv} in splits")));
    Ok(out)
}

/// Indexes of the plan's steps that match.
fn indexes(plan: &Plan, keep: impl Fn(&Step) -> bool) -> BTreeSet<usize> {
    plan.steps
        .iter()
        .enumerate()
        .filter(|(_, s)| keep(s))
        .map(|(i, _)| i)
        .collect()
}

fn is_hook(step: &Step, phase: HookPhase) -> bool {
    matches!(step, Step::Hook { phase: p } if *p == phase)
}

// ---------------------------------------------------------------------------------------

#[test]
fn the_demo_plan_is_what_these_tests_expect() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let mechanisms: Vec<Mechanism> = plan.units.iter().map(|u| u.mechanism).collect();
    assert_eq!(
        mechanisms,
        vec![
            Mechanism::VgSplit,
            Mechanism::FsSplitCopy,
            Mechanism::LvCopy
        ]
    );
    let freezes = plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Freeze { .. }))
        .count();
    assert_eq!(freezes, 3, "/home2, /oradata, /oralog");
    let clean = run_with(&plan, Faults::default())?;
    assert!(clean.report.errors.is_empty(), "{:?}", clean.report.errors);
    assert!(clean.skipped().is_empty());
    assert_eq!(clean.host.state()?.safe_state_violations(), clean.before);
    Ok(())
}

#[test]
fn pre_offline_fails_nothing_is_split_and_resume_still_runs() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    for fault in [HookFault::Fail, HookFault::Hang] {
        let out = run_with(&plan, hook_fault(HookPhase::PreOffline, fault))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed, "{fault:?}");
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(
            r.errors.iter().any(|e| e.contains("pre_offline")),
            "{:?}",
            r.errors
        );
        assert_eq!(
            out.hooks.calls(),
            vec![
                HookPhase::PreOffline,
                HookPhase::Resume,
                HookPhase::PostOffline
            ]
        );
        let state = out.host.state()?;
        assert_eq!(state.op_counts.get(&OpKind::Split), None, "nothing split");
        assert_eq!(state.op_counts.get(&OpKind::Freeze), None, "nothing frozen");
        assert!(r.units.iter().all(|u| !u.split && !u.rejoined));
        assert!(out.hooks.backup_reads().is_empty());
        assert_eq!(state.safe_state_violations(), out.before);
        // Every step but pre_offline, resume and post_offline was skipped.
        let ran = indexes(&plan, |s| {
            is_hook(s, HookPhase::PreOffline)
                || is_hook(s, HookPhase::Resume)
                || is_hook(s, HookPhase::PostOffline)
        });
        let all: BTreeSet<usize> = (0..plan.steps.len()).collect();
        let want: BTreeSet<usize> = all.difference(&ran).copied().collect();
        assert_eq!(out.skipped(), want, "{:#?}", out.events);
        assert_eq!(
            out.events.last().map(String::as_str),
            Some("run_finished"),
            "{:?}",
            out.events
        );
        assert!(out.events.iter().any(|e| e.starts_with("error ")));
    }
    Ok(())
}

#[test]
fn resume_fails_the_run_goes_on_and_rejoins() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let out = run_with(&plan, hook_fault(HookPhase::Resume, HookFault::Fail))?;
    let r = &out.report;
    assert_eq!(r.outcome, RunOutcome::Failed);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors.iter().any(|e| e.contains("resume")),
        "{:?}",
        r.errors
    );
    assert_eq!(
        out.hooks.calls(),
        vec![
            HookPhase::PreOffline,
            HookPhase::Resume,
            HookPhase::Backup,
            HookPhase::PostOffline
        ]
    );
    assert!(
        r.units.iter().all(|u| u.split && u.rejoined),
        "{:?}",
        r.units
    );
    assert_eq!(out.host.state()?.safe_state_violations(), out.before);
    assert!(out.skipped().is_empty(), "{:?}", out.events);
    Ok(())
}

#[test]
fn backup_fails_or_hangs_the_copies_are_still_rejoined() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    for fault in [HookFault::Fail, HookFault::Hang] {
        let out = run_with(&plan, hook_fault(HookPhase::Backup, fault))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed, "{fault:?}");
        assert!(!r.succeeded());
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(
            r.errors.iter().any(|e| e.contains("backup")),
            "{:?}",
            r.errors
        );
        let backup = r
            .hooks
            .iter()
            .find(|h| h.phase == HookPhase::Backup)
            .ok_or("no backup hook in the report")?;
        let want = match fault {
            HookFault::Fail => HookStatus::Failed { code: 1 },
            HookFault::Hang => HookStatus::TimedOut,
        };
        assert_eq!(backup.status, Some(want));
        assert!(
            r.units.iter().all(|u| u.split && u.rejoined),
            "{:?}",
            r.units
        );
        assert_eq!(out.host.state()?.safe_state_violations(), out.before);
        assert!(split_or_frozen(&out.host)?.is_empty());
        assert_eq!(out.hooks.calls().last(), Some(&HookPhase::PostOffline));
    }
    Ok(())
}

#[test]
fn post_offline_fails_the_error_is_reported() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let out = run_with(&plan, hook_fault(HookPhase::PostOffline, HookFault::Fail))?;
    let r = &out.report;
    assert_eq!(r.outcome, RunOutcome::Failed);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors.iter().any(|e| e.contains("post_offline")),
        "{:?}",
        r.errors
    );
    assert!(r.units.iter().all(|u| u.split && u.rejoined));
    assert_eq!(out.host.state()?.safe_state_violations(), out.before);
    Ok(())
}

#[test]
fn a_failing_first_split_splits_nothing() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let out = run_with(&plan, fail_op(OpKind::Split, 1))?;
    let r = &out.report;
    assert_eq!(r.outcome, RunOutcome::Failed);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors.iter().any(|e| e.contains("split unit 0")),
        "{:?}",
        r.errors
    );
    assert!(r.units.iter().all(|u| !u.split), "{:?}", r.units);
    assert!(split_or_frozen(&out.host)?.is_empty());
    assert_eq!(out.host.state()?.safe_state_violations(), out.before);
    // Thaw and resume still ran; the backup did not.
    assert_eq!(
        out.hooks.calls(),
        vec![
            HookPhase::PreOffline,
            HookPhase::Resume,
            HookPhase::PostOffline
        ]
    );
    let state = out.host.state()?;
    assert_eq!(state.op_counts.get(&OpKind::Thaw), Some(&3));
    assert_eq!(state.op_counts.get(&OpKind::Split), Some(&1));
    let want = indexes(&plan, |s| {
        matches!(
            s,
            Step::Split { unit: 1 | 2 }
                | Step::Expose { .. }
                | Step::Unexpose { .. }
                | Step::Rejoin { unit: 1 | 2 }
                | Step::Resync { unit: 1 | 2 }
        ) || is_hook(s, HookPhase::Backup)
    });
    assert_eq!(out.skipped(), want, "{:#?}", out.events);
    Ok(())
}

#[test]
fn a_failing_second_split_rejoins_the_first() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let out = run_with(&plan, fail_op(OpKind::Split, 2))?;
    let r = &out.report;
    assert_eq!(r.outcome, RunOutcome::Failed);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors.iter().any(|e| e.contains("split unit 1")),
        "{:?}",
        r.errors
    );
    let u0 = out.unit(0)?;
    assert!(u0.split && u0.rejoined, "{u0:?}");
    assert_eq!(u0.pps_written_while_split, u0.pps_resynced);
    assert!(!out.unit(1)?.split);
    assert!(!out.unit(2)?.split && !out.unit(2)?.rejoined);
    assert!(split_or_frozen(&out.host)?.is_empty());
    assert_eq!(out.host.state()?.safe_state_violations(), out.before);
    assert!(out.hooks.backup_reads().is_empty());
    let want = indexes(&plan, |s| {
        matches!(
            s,
            Step::Split { unit: 2 }
                | Step::Expose { .. }
                | Step::Unexpose { .. }
                | Step::Rejoin { unit: 2 }
                | Step::Resync { unit: 2 }
        ) || is_hook(s, HookPhase::Backup)
    });
    assert_eq!(out.skipped(), want, "{:#?}", out.events);
    Ok(())
}

#[test]
fn a_failing_freeze_splits_nothing_and_thaws_everything() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    for nth in 1..=3 {
        let out = run_with(&plan, fail_op(OpKind::Freeze, nth))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(
            r.errors.iter().any(|e| e.contains("freeze")),
            "{:?}",
            r.errors
        );
        let state = out.host.state()?;
        assert_eq!(state.op_counts.get(&OpKind::Split), None);
        assert!(state.frozen.is_empty(), "{:?}", state.frozen);
        // The failed freeze is thawed too: it may have half happened.
        assert_eq!(state.op_counts.get(&OpKind::Thaw), Some(&nth));
        assert!(split_or_frozen(&out.host)?.is_empty());
        assert_eq!(state.safe_state_violations(), out.before);
        assert!(out.hooks.calls().contains(&HookPhase::Resume));
        let want = indexes(&plan, |s| {
            matches!(
                s,
                Step::Split { .. }
                    | Step::Expose { .. }
                    | Step::Unexpose { .. }
                    | Step::Rejoin { .. }
                    | Step::Resync { .. }
                    | Step::Verify
            ) || is_hook(s, HookPhase::Backup)
        });
        let freezes_after = indexes(&plan, |s| matches!(s, Step::Freeze { .. }))
            .into_iter()
            .skip(nth as usize);
        let thaws_skipped = indexes(&plan, |s| matches!(s, Step::Thaw { .. }))
            .into_iter()
            .take(3 - nth as usize);
        let want: BTreeSet<usize> = want
            .into_iter()
            .chain(freezes_after)
            .chain(thaws_skipped)
            .collect();
        assert_eq!(out.skipped(), want, "nth {nth}: {:#?}", out.events);
    }
    Ok(())
}

#[test]
fn a_failing_expose_skips_the_backup_and_rejoins() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    for nth in 1..=3u32 {
        let out = run_with(&plan, fail_op(OpKind::Expose, u64::from(nth)))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(
            r.errors
                .iter()
                .any(|e| e.contains(&format!("expose unit {}", nth - 1))),
            "{:?}",
            r.errors
        );
        assert!(
            r.units.iter().all(|u| u.split && u.rejoined),
            "{:?}",
            r.units
        );
        assert!(!out.hooks.calls().contains(&HookPhase::Backup));
        assert!(split_or_frozen(&out.host)?.is_empty());
        assert_eq!(out.host.state()?.safe_state_violations(), out.before);
        let want = indexes(&plan, |s| {
            matches!(s, Step::Expose { unit } if *unit >= nth)
                || matches!(s, Step::Unexpose { unit } if *unit >= nth)
                || is_hook(s, HookPhase::Backup)
        });
        assert_eq!(out.skipped(), want, "nth {nth}: {:#?}", out.events);
    }
    Ok(())
}

/// A rejoin that fails once is reported with its unit, and tried again at the end of the
/// run: the unit ends rejoined and nothing stays split.
#[test]
fn a_failing_rejoin_is_reported_with_its_unit_and_retried() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    // Rejoins run in reverse unit order.
    for (nth, unit) in [(1u64, 2u32), (2, 1), (3, 0)] {
        let out = run_with(&plan, fail_op(OpKind::Rejoin, nth))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed);
        let needle = format!("rejoin unit {unit}");
        assert!(
            r.errors.iter().any(|e| e.contains(&needle)),
            "{needle}: {:?}",
            r.errors
        );
        assert!(
            r.units.iter().all(|u| u.split && u.rejoined),
            "{:?}",
            r.units
        );
        assert!(split_or_frozen(&out.host)?.is_empty());
        assert!(interrupted_runs(tmp.path())?.is_empty());
        assert_eq!(out.hooks.calls().last(), Some(&HookPhase::PostOffline));
    }
    Ok(())
}

/// A rejoin that fails again when retried leaves only its unit split, says so, and
/// leaves the run interrupted (no End record) so that `recover` can finish it.
#[test]
fn a_rejoin_that_keeps_failing_leaves_the_run_to_recover() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    // Rejoins run in reverse unit order (2, 1, 0); the fourth rejoin is unit 2's retry.
    let faults = Faults {
        fail: vec![
            FailRule {
                op: OpKind::Rejoin,
                nth: 1,
            },
            FailRule {
                op: OpKind::Rejoin,
                nth: 4,
            },
        ],
        ..Faults::default()
    };
    let out = run_with(&plan, faults)?;
    let r = &out.report;
    assert_eq!(r.outcome, RunOutcome::Failed);
    assert!(
        r.errors.iter().any(|e| e.contains("offmirror recover")),
        "{:?}",
        r.errors
    );
    let failed = out.unit(2)?;
    assert!(failed.split && !failed.rejoined, "{failed:?}");
    for other in r.units.iter().filter(|u| u.id != 2) {
        assert!(other.split && other.rejoined, "{other:?}");
    }
    let state = out.host.state()?;
    assert!(state.frozen.is_empty());
    let left: BTreeSet<String> = state.splits.keys().map(|l| l.to_string()).collect();
    let want: BTreeSet<String> = plan
        .unit(2)
        .map(|u| u.lvs.iter().map(|l| l.lv.to_string()).collect())
        .unwrap_or_default();
    assert_eq!(left, want);
    let interrupted = interrupted_runs(tmp.path())?;
    assert_eq!(interrupted.len(), 1, "{interrupted:?}");
    out.host.with_state(|s| s.faults = Faults::default())?;
    let hooks = SimHookRunner::new(out.host.clone());
    Executor::new(&out.host, &out.host, &hooks).recover(tmp.path())?;
    assert!(split_or_frozen(&out.host)?.is_empty());
    assert!(interrupted_runs(tmp.path())?.is_empty());
    Ok(())
}

#[test]
fn a_failing_start_resync_leaves_nothing_split() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    for nth in 1..=3u64 {
        let out = run_with(&plan, fail_op(OpKind::StartResync, nth))?;
        let r = &out.report;
        assert_eq!(r.outcome, RunOutcome::Failed);
        let needle = format!("resync unit {}", nth - 1);
        assert!(
            r.errors.iter().any(|e| e.contains(&needle)),
            "{needle}: {:?}",
            r.errors
        );
        assert!(
            r.units.iter().all(|u| u.split && u.rejoined),
            "{:?}",
            r.units
        );
        assert!(split_or_frozen(&out.host)?.is_empty());
    }
    Ok(())
}

/// Every backend operation of a demo run, failed in turn at each of its occurrences.
#[test]
fn every_failing_operation_is_reported_and_leaves_nothing_split_or_frozen() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let clean = run_with(&plan, Faults::default())?;
    let counts = clean.host.state()?.op_counts;
    let kinds: BTreeSet<OpKind> = counts.keys().copied().collect();
    // A demo run uses every kind of operation.
    for op in [
        OpKind::Inventory,
        OpKind::Split,
        OpKind::Rejoin,
        OpKind::StartResync,
        OpKind::StalePps,
        OpKind::Freeze,
        OpKind::Thaw,
        OpKind::Expose,
        OpKind::Unexpose,
    ] {
        assert!(kinds.contains(&op), "{op:?} not used: {counts:?}");
    }
    let mut problems = Vec::new();
    let mut cases = 0;
    for (&op, &count) in &counts {
        for nth in 1..=count {
            cases += 1;
            let out = match run_with(&plan, fail_op(op, nth)) {
                Ok(out) => out,
                Err(e) => {
                    problems.push(format!("{op:?} #{nth}: {e}"));
                    continue;
                }
            };
            let r = &out.report;
            let injected = r.errors.iter().any(|e| e.contains("injected failure"));
            if !injected || r.outcome != RunOutcome::Failed {
                problems.push(format!("{op:?} #{nth}: not reported: {:?}", r.errors));
            }
            if !out.events.iter().any(|e| e.starts_with("error ")) && injected {
                problems.push(format!("{op:?} #{nth}: no error event"));
            }
            if op == OpKind::Rejoin && !r.errors.iter().any(|e| e.contains("rejoin unit")) {
                problems.push(format!("{op:?} #{nth}: rejoin error lacks the unit"));
            }
            let left = split_or_frozen(&out.host)?;
            if !left.is_empty() {
                problems.push(format!("{op:?} #{nth}: left {left:?}"));
            }
            if r.units.iter().any(|u| u.split && !u.rejoined) {
                problems.push(format!("{op:?} #{nth}: a unit split but not rejoined"));
            }
        }
    }
    assert!(cases >= 30, "only {cases} cases: {counts:?}");
    assert!(
        problems.is_empty(),
        "{cases} cases:\n{}",
        problems.join("\n")
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Regressions: bugs these tests found, fixed since.
// ---------------------------------------------------------------------------------------

/// After a rejoin fails the executor does not unwind (rightly: it goes on rejoining the
/// other units), but it still runs `Resync` for the unit that is still split. That unit's
/// partitions written while split stay stale as long as it is split, so the resync poll
/// loop spins until `policy.resync_timeout` — 6 hours by default — and then adds a second,
/// misleading error ("stale partition(s) left ... it goes on in the background").
#[test]

fn a_failed_rejoin_does_not_wait_for_the_resync_timeout() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let timeout = Duration::from_secs(2);
    let plan = demo_plan(tmp.path(), timeout)?;
    // Rejoin #1 is unit 2 (homelv, LvCopy); the demo's writes leave it partitions that
    // stay stale while it is split.
    let out = run_with(&plan, fail_op(OpKind::Rejoin, 1))?;
    let resync_errors: Vec<&String> = out
        .report
        .errors
        .iter()
        .filter(|e| e.starts_with("resync unit 2"))
        .collect();
    assert!(
        out.elapsed < timeout && resync_errors.is_empty(),
        "run took {:?}; errors {:?}",
        out.elapsed,
        out.report.errors
    );
    Ok(())
}

/// `Step::Rejoin` reads the stale partitions before and after the rejoin with
/// `stale_pps(unit).ok()`: a failing read is dropped. The report then lists no error, the
/// run "succeeds", and the unit shows `written-while-split=untracked` or `resynced=-`
/// for a tracked mechanism, which reads as if the mechanism did not track changes.
#[test]

fn a_failed_stale_pps_read_is_reported() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    // StalePps #1 is the read before the first rejoin (unit 2).
    let out = run_with(&plan, fail_op(OpKind::StalePps, 1))?;
    let r = &out.report;
    let u2 = out.unit(2)?;
    assert!(
        !r.errors.is_empty() || u2.pps_written_while_split.is_some(),
        "outcome {:?}, no error, unit 2: {u2:?}",
        r.outcome
    );
    Ok(())
}

/// A thaw that fails is reported but never retried, and nothing else thaws the file
/// system: the simulator does not model the freeze timeout that AIX applies
/// (`chfs -a freeze=T`), so the host ends with the file system frozen and every
/// application write to it dropped. The executor could retry the thaw at its safe end,
/// or the simulator could honour the timeout.
#[test]

fn a_failed_thaw_leaves_nothing_frozen() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let plan = demo_plan(tmp.path(), RESYNC_TIMEOUT)?;
    let out = run_with(&plan, fail_op(OpKind::Thaw, 1))?;
    assert!(
        out.report.errors.iter().any(|e| e.contains("thaw")),
        "{:?}",
        out.report.errors
    );
    let frozen = out.host.state()?.frozen;
    assert!(frozen.is_empty(), "still frozen: {frozen:?}");
    Ok(())
}
