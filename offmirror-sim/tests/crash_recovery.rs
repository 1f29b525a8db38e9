//! Crash at every backend operation of a run (and of the recovery), then recover: the
//! host always ends with every copy rejoined, in sync and identical to the primary,
//! nothing frozen, and the application resumed.

use std::path::Path;
use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{Faults, SimHookRunner, SimHost};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn request(work: &Path) -> Result<BackupRequest, NameError> {
    let mut r = BackupRequest::builder(work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .force_continue_on_warnings(true)
        .allow_full_resync(true)
        .build();
    for phase in HookPhase::ALL {
        r.hooks.set(phase, HookSpec::new("/bin/true"));
    }
    r.policy.resync_timeout = Duration::from_secs(5);
    Ok(r)
}

fn options() -> ExecOptions {
    ExecOptions {
        run_id: Some("crashed".into()),
        resync_poll: Duration::ZERO,
        sync_journal: false,
        ..ExecOptions::default()
    }
}

fn plan_for(host: &SimHost, work: &Path) -> Result<Plan, Box<dyn std::error::Error>> {
    let req = request(work)?;
    let preview = plan(
        &host.inventory()?,
        &req,
        &host.capabilities(),
        &LocalFacts::assume_usable(&req),
    );
    Ok(preview.into_plan()?)
}

/// The host comes back: the crash is over and no fault is left.
fn reboot(host: &SimHost) -> Result<(), BackendError> {
    host.with_state(|s| {
        s.crashed = false;
        s.faults = Faults::default();
    })
}

/// Operations of a complete run on the demo host.
fn ops_of_a_clean_run() -> Result<u64, Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, tmp.path())?;
    let start = host.state()?.ops;
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &hooks)
        .options(options())
        .run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(host.state()?.ops - start)
}

/// Runs until the host crashes after `n` operations, then recovers; checks the end state.
fn crash_then_recover(n: u64, after_effect: bool, crash_in_recovery: Option<u64>) -> TestResult {
    let tmp = tempfile::tempdir()?;
    let work = tmp.path();
    let host = SimHost::demo();
    let before = host.state()?.safe_state_violations();
    let plan = plan_for(&host, work)?;
    let start = host.state()?.ops;
    host.with_state(|s| {
        s.faults.crash_after_ops = Some(start + n);
        s.faults.crash_after_effect = after_effect;
    })?;
    let first = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &first)
        .options(options())
        .run(&plan)?;
    let crashed = host.state()?.crashed;
    let interrupted = interrupted_runs(work)?;
    if crashed {
        assert_eq!(report.outcome, RunOutcome::Failed, "crash {n}");
        assert_eq!(interrupted, vec!["crashed".to_string()], "crash {n}");
    }
    reboot(&host)?;
    let second = SimHookRunner::new(host.clone());
    if let Some(m) = crash_in_recovery {
        let now = host.state()?.ops;
        host.with_state(|s| s.faults.crash_after_ops = Some(now + m))?;
        Executor::new(&host, &host, &second)
            .options(options())
            .recover(work)?;
        reboot(&host)?;
    }
    let third = SimHookRunner::new(host.clone());
    let reports = Executor::new(&host, &host, &third)
        .options(options())
        .recover(work)?;
    for r in &reports {
        assert!(
            r.errors.is_empty(),
            "crash {n}: recovery failed: {:?}",
            r.errors
        );
    }
    let state = host.state()?;
    assert_eq!(
        state.safe_state_violations(),
        before,
        "crash {n} (after effect: {after_effect})"
    );
    assert!(
        interrupted_runs(work)?.is_empty(),
        "crash {n}: still interrupted"
    );
    // The application was quiesced, so it must have been resumed by someone.
    let calls: Vec<HookPhase> = [first.calls(), second.calls(), third.calls()].concat();
    if calls.contains(&HookPhase::PreOffline) {
        assert!(
            calls.contains(&HookPhase::Resume),
            "crash {n}: never resumed: {calls:?}"
        );
    }
    let resumes = calls.iter().filter(|p| **p == HookPhase::Resume).count();
    assert!(resumes <= 2, "crash {n}: resumed {resumes} times");
    // Recovering again finds nothing to do.
    let again = Executor::new(&host, &host, &third)
        .options(options())
        .recover(work)?;
    assert!(again.is_empty(), "crash {n}: a second recovery found work");
    Ok(())
}

#[test]
fn a_crash_at_any_operation_is_recovered() -> TestResult {
    let total = ops_of_a_clean_run()?;
    assert!(total > 20, "{total}");
    for n in 0..=total {
        crash_then_recover(n, false, None)?;
    }
    Ok(())
}

#[test]
fn a_crash_after_an_operation_took_effect_is_recovered() -> TestResult {
    let total = ops_of_a_clean_run()?;
    for n in 0..=total {
        crash_then_recover(n, true, None)?;
    }
    Ok(())
}

#[test]
fn a_crash_inside_the_recovery_is_recovered_by_the_next_one() -> TestResult {
    let total = ops_of_a_clean_run()?;
    for n in (0..=total).step_by(3) {
        for m in 0..12 {
            crash_then_recover(n, m % 2 == 1, Some(m))?;
        }
    }
    Ok(())
}

#[test]
fn a_second_run_is_refused_until_the_interrupted_one_is_recovered() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, tmp.path())?;
    host.with_state(|s| s.faults.crash_after_ops = Some(s.ops + 8))?;
    let hooks = SimHookRunner::new(host.clone());
    Executor::new(&host, &host, &hooks)
        .options(options())
        .run(&plan)?;
    reboot(&host)?;
    let err = Executor::new(&host, &host, &hooks)
        .options(ExecOptions {
            run_id: Some("next".into()),
            resync_poll: Duration::ZERO,
            sync_journal: false,
            ..ExecOptions::default()
        })
        .run(&plan)
        .err()
        .ok_or("a run started over an interrupted one")?;
    assert!(matches!(err, RunError::NeedsRecovery { .. }), "{err}");
    assert!(err.to_string().contains("offmirror recover"), "{err}");
    assert!(err.to_string().contains("crashed"), "{err}");
    Ok(())
}

#[test]
fn a_locked_work_dir_refuses_a_second_run() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, tmp.path())?;
    let _held = WorkDirLock::acquire(
        tmp.path(),
        "run om-other started 2026-11-25T00:00:00Z (pid 1)",
    )?;
    let hooks = SimHookRunner::new(host.clone());
    let err = Executor::new(&host, &host, &hooks)
        .run(&plan)
        .err()
        .ok_or("a run took a held lock")?;
    assert!(matches!(err, RunError::Locked(_)), "{err}");
    assert!(err.to_string().contains("om-other"), "{err}");
    assert!(host.state()?.splits.is_empty());
    Ok(())
}

#[test]
fn a_corrupt_journal_is_never_acted_on() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, tmp.path())?;
    host.with_state(|s| s.faults.crash_after_ops = Some(s.ops + 6))?;
    let hooks = SimHookRunner::new(host.clone());
    Executor::new(&host, &host, &hooks)
        .options(options())
        .run(&plan)?;
    reboot(&host)?;
    let journal = run_dir(tmp.path(), "crashed").join(journal::JOURNAL_FILE);
    let mut bytes = std::fs::read(&journal)?;
    if let Some(b) = bytes.get_mut(20) {
        *b ^= 0x20;
    }
    std::fs::write(&journal, bytes)?;
    let splits_before = host.state()?.splits.len();
    let err = Executor::new(&host, &host, &hooks)
        .recover(tmp.path())
        .err()
        .ok_or("a corrupt journal was acted on")?;
    assert!(err.to_string().contains("corrupt"), "{err}");
    assert_eq!(host.state()?.splits.len(), splits_before);
    Ok(())
}

#[test]
fn a_locked_volume_group_refuses_a_run_from_another_work_dir() -> TestResult {
    let locks = tempfile::tempdir()?;
    let work = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, work.path())?;
    let _held = WorkDirLock::acquire_vg(locks.path(), &VgName::new("appvg")?, "run om-elsewhere")?;
    let hooks = SimHookRunner::new(host.clone());
    let err = Executor::new(&host, &host, &hooks)
        .options(ExecOptions {
            vg_lock_dir: Some(locks.path().to_path_buf()),
            ..options()
        })
        .run(&plan)
        .err()
        .ok_or("a run split a locked VG")?;
    assert!(
        err.to_string()
            .contains("volume group appvg is in use by run om-elsewhere"),
        "{err}"
    );
    assert!(host.state()?.splits.is_empty());
    Ok(())
}

#[test]
fn of_two_concurrent_runs_exactly_one_proceeds() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let work = tempfile::tempdir()?;
    let hook = work.path().join("slow.sh");
    std::fs::write(&hook, "#!/bin/sh\nsleep 1\n")?;
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o700))?;
    let host = SimHost::demo();
    let mut plan = plan_for(&host, work.path())?;
    plan.request.hooks.pre_offline = Some(HookSpec::new(&hook));
    let barrier = std::sync::Barrier::new(2);
    let results: Vec<Result<Report, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["first", "second"]
            .into_iter()
            .map(|id| {
                let (host, plan, barrier) = (host.clone(), &plan, &barrier);
                scope.spawn(move || {
                    let hooks = ProcessHookRunner::default();
                    barrier.wait();
                    Executor::new(&host, &host, &hooks)
                        .options(ExecOptions {
                            run_id: Some(id.into()),
                            ..options()
                        })
                        .run(plan)
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .map_err(|_| "thread panicked".to_string())
                    .and_then(|r| r)
            })
            .collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let locked = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(|e| e.contains("is in use by")))
        .count();
    assert_eq!((ok, locked), (1, 1), "{results:?}");
    assert_eq!(
        host.state()?.safe_state_violations(),
        SimHost::demo().state()?.safe_state_violations()
    );
    Ok(())
}

#[test]
fn a_run_that_died_writing_its_first_record_is_closed_by_recover() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let plan = plan_for(&host, tmp.path())?;
    // Killed after creating the journal, before (or while) writing the Begin record.
    for (id, content) in [
        ("empty", &b""[..]),
        ("torn", &b"1234abcd {\"record\":\"beg"[..]),
    ] {
        let dir = run_dir(tmp.path(), id);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(journal::JOURNAL_FILE), content)?;
    }
    assert_eq!(interrupted_runs(tmp.path())?.len(), 2);
    let hooks = SimHookRunner::new(host.clone());
    let reports = Executor::new(&host, &host, &hooks)
        .options(options())
        .recover(tmp.path())?;
    assert!(reports.is_empty(), "nothing ran, nothing to report");
    assert!(interrupted_runs(tmp.path())?.is_empty());
    assert!(
        hooks.calls().is_empty(),
        "no hook is owed: nothing had started"
    );
    let report = Executor::new(&host, &host, &hooks)
        .options(options())
        .run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(())
}
