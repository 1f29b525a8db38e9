//! A full backup cycle of the demo host through the executor.

use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{SimHookRunner, SimHost};

fn request(work: &std::path::Path) -> Result<BackupRequest, NameError> {
    Ok(BackupRequest::builder(work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/true"))
        .hook(HookPhase::Resume, HookSpec::new("/bin/true"))
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .hook(HookPhase::PostOffline, HookSpec::new("/bin/true"))
        .force_continue_on_warnings(true)
        .build())
}

#[test]
fn demo_host_backs_up_and_ends_in_sync() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let before = host.state()?.safe_state_violations();
    assert_eq!(
        before,
        vec!["scratchlv has 3 stale partition(s)".to_string()]
    );
    let hooks = SimHookRunner::new(host.clone());
    let req = request(tmp.path())?;
    let preview = plan(
        &host.inventory()?,
        &req,
        &host.capabilities(),
        &LocalFacts::assume_usable(&req),
    );
    let mechanisms: Vec<Mechanism> = preview.plan.units.iter().map(|u| u.mechanism).collect();
    assert_eq!(
        mechanisms,
        vec![
            Mechanism::VgSplit,
            Mechanism::FsSplitCopy,
            Mechanism::LvCopy
        ]
    );
    let codes: Vec<ProblemCode> = preview.problems.iter().map(|p| p.code).collect();
    assert!(codes.contains(&ProblemCode::StalePartitions), "{codes:?}");
    assert!(codes.contains(&ProblemCode::ExcludedLvType), "{codes:?}");
    let plan = preview.into_plan()?;
    let executor = Executor::new(&host, &host, &hooks).options(ExecOptions {
        run_id: Some("test-run".into()),
        resync_poll: Duration::ZERO,
        ..ExecOptions::default()
    });
    let report = executor.run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.outcome, RunOutcome::SuccessWithWarnings);
    let state = host.state()?;
    // Nothing is left split, frozen or stale but what was stale before (and skipped).
    assert_eq!(state.safe_state_violations(), before);
    assert_eq!(
        hooks.calls(),
        vec![
            HookPhase::PreOffline,
            HookPhase::Resume,
            HookPhase::Backup,
            HookPhase::PostOffline
        ]
    );
    // The backup read exactly the primary's data at the moment of the split.
    let reads = hooks.backup_reads();
    assert_eq!(reads.len(), 5, "{reads:?}");
    for read in reads {
        assert_eq!(
            Some(&read.data),
            state.split_images.get(&read.lv),
            "{}",
            read.lv
        );
    }
    assert!(report.pps_written_while_split() > 0);
    assert_eq!(report.pps_written_while_split(), report.pps_resynced());
    println!("{}", report.to_text());
    // What the run leaves in the work directory is for its owner only.
    use std::os::unix::fs::PermissionsExt;
    let run = run_dir(tmp.path(), "test-run");
    for (path, mode) in [
        (tmp.path().join("runs"), 0o700),
        (run.clone(), 0o700),
        (run.join("journal.jsonl"), 0o600),
        (run.join("report.json"), 0o600),
        (tmp.path().join("lock"), 0o600),
    ] {
        let got = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        assert_eq!(got, mode, "{}", path.display());
    }
    Ok(())
}

#[test]
fn every_phase_started_is_finished_in_order() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let hooks = SimHookRunner::new(host.clone());
    let req = request(tmp.path())?;
    let plan = plan(
        &host.inventory()?,
        &req,
        &host.capabilities(),
        &LocalFacts::assume_usable(&req),
    )
    .into_plan()?;
    let seen = std::cell::RefCell::new(Vec::new());
    let observer = |e: &Event<'_>| match e {
        Event::PhaseStarted { phase } => seen.borrow_mut().push(format!("+{phase}")),
        Event::PhaseFinished { phase, steps, .. } => {
            seen.borrow_mut().push(format!("-{phase}:{steps}"))
        }
        _ => {}
    };
    let report = Executor::new(&host, &host, &hooks)
        .observer(&observer)
        .options(ExecOptions {
            resync_poll: Duration::ZERO,
            sync_journal: false,
            ..ExecOptions::default()
        })
        .run(&plan)?;
    let seen = seen.into_inner();
    let expected: Vec<String> = report
        .phases
        .iter()
        .flat_map(|p| [format!("+{}", p.phase), format!("-{}:{}", p.phase, p.steps)])
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(report.phases.len(), 12);
    Ok(())
}
