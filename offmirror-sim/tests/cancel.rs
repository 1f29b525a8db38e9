//! Cancelling a run: before the split it stops cleanly, after the split it goes straight
//! to the rejoin.

use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{SimHookRunner, SimHost};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs the demo, cancelling when `when` says so for an event.
fn run_cancelling(
    when: fn(&Event<'_>) -> bool,
) -> Result<(Report, SimHost, Vec<HookPhase>), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let hooks = SimHookRunner::new(host.clone());
    let mut request = BackupRequest::builder(tmp.path())
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .force_continue_on_warnings(true)
        .build();
    for phase in HookPhase::ALL {
        request.hooks.set(phase, HookSpec::new("/bin/true"));
    }
    let plan = plan(
        &host.inventory()?,
        &request,
        &host.capabilities(),
        &LocalFacts::assume_usable(&request),
    )
    .into_plan()?;
    let token = CancelToken::new();
    let observer = |event: &Event<'_>| {
        if when(event) {
            token.cancel();
        }
    };
    let report = Executor::new(&host, &host, &hooks)
        .observer(&observer)
        .options(ExecOptions {
            resync_poll: Duration::ZERO,
            sync_journal: false,
            cancel: Some(token.clone()),
            ..ExecOptions::default()
        })
        .run(&plan)?;
    let calls = hooks.calls();
    Ok((report, host, calls))
}

#[test]
fn a_cancel_before_the_split_splits_nothing_and_resumes() -> TestResult {
    let (report, host, calls) = run_cancelling(|e| {
        matches!(
            e,
            Event::StepFinished {
                step: Step::Hook {
                    phase: HookPhase::PreOffline
                },
                ..
            }
        )
    })?;
    assert_eq!(report.outcome, RunOutcome::Failed);
    assert!(
        report.errors.iter().any(|e| e.contains("cancelled")),
        "{:?}",
        report.errors
    );
    assert!(report.units.iter().all(|u| !u.split), "{:?}", report.units);
    assert_eq!(
        calls,
        vec![
            HookPhase::PreOffline,
            HookPhase::Resume,
            HookPhase::PostOffline
        ]
    );
    let state = host.state()?;
    assert!(state.splits.is_empty() && state.frozen.is_empty());
    Ok(())
}

#[test]
fn a_cancel_after_the_split_goes_straight_to_the_rejoin() -> TestResult {
    let (report, host, calls) = run_cancelling(|e| {
        matches!(
            e,
            Event::StepFinished {
                step: Step::Split { .. },
                ..
            }
        )
    })?;
    assert_eq!(report.outcome, RunOutcome::Failed);
    // The first split happened; the others did not; nothing was backed up.
    assert_eq!(
        report.units.iter().filter(|u| u.split).count(),
        1,
        "{:?}",
        report.units
    );
    assert!(report.units.iter().filter(|u| u.split).all(|u| u.rejoined));
    assert!(!calls.contains(&HookPhase::Backup), "{calls:?}");
    assert!(calls.contains(&HookPhase::Resume), "{calls:?}");
    let state = host.state()?;
    assert!(state.splits.is_empty() && state.frozen.is_empty());
    assert_eq!(
        state.safe_state_violations(),
        vec!["scratchlv has 3 stale partition(s)".to_string()]
    );
    Ok(())
}
