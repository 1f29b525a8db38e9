//! The simulated host crashes at an operation of a run through the real AIX backend; it
//! comes back, and `recover` run by a new backend (a new process, with no memory of the
//! run) brings it to its safe end state: every copy rejoined and in sync, nothing
//! frozen, split or mounted.
//!
//! On a real AIX host a crash takes offmirror down with it, leaving its journal open.
//! The emulator's crashed host only answers every command with `0516-024`, and the AIX
//! backend has no way to report a host as gone, so the run would carry on to its safe
//! end, fail every step and close its journal. Here the first run's process "dies with
//! the host": its runner unwinds at the first `0516-024`, before the executor can write
//! anything more.

mod common;

use std::path::Path;
use std::time::Duration;

use offmirror_aix::AixBackend;
use offmirror_aix::runner::{BackgroundJob, CommandOutput, CommandRunner, RunError};
use offmirror_core::{
    BackupRequest, ExecOptions, Executor, HookPhase, HookSpec, Plan, ProcessHookRunner, VgName,
    interrupted_runs,
};
use offmirror_sim::{Faults, SimHost};

use common::{EmulatedHost, TestResult};

/// The marker the first run unwinds with when the host crashes.
struct HostDown;

/// A runner whose process dies with the host: the first answer of a crashed host
/// (`0516-024`) unwinds the run.
struct DiesWithHost<R>(R);

impl<R: CommandRunner> CommandRunner for DiesWithHost<R> {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        let out = self.0.run(argv)?;
        if out.stderr.starts_with("0516-024") {
            std::panic::resume_unwind(Box::new(HostDown));
        }
        Ok(out)
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        self.0.start(argv)
    }
}

fn request(work: &Path) -> Result<BackupRequest, Box<dyn std::error::Error>> {
    let mut r = BackupRequest::builder(work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .force_continue_on_warnings(true)
        .build();
    for phase in HookPhase::ALL {
        r.hooks.set(phase, HookSpec::new("/bin/true"));
    }
    r.policy.resync_timeout = Duration::from_secs(20);
    Ok(r)
}

fn options() -> ExecOptions {
    ExecOptions {
        run_id: Some("crashed".into()),
        resync_poll: Duration::from_millis(2),
        ..ExecOptions::default()
    }
}

fn edit(host: &EmulatedHost, f: impl FnOnce(&mut offmirror_sim::SimState)) -> TestResult {
    let sim = SimHost::load(&host.state)?;
    sim.with_state(f)?;
    sim.save(&host.state)?;
    Ok(())
}

/// Plans the demo run; returns the plan and the simulator's operation count after it.
fn plan(host: &EmulatedHost) -> Result<(Plan, u64), Box<dyn std::error::Error>> {
    let backend = AixBackend::new(host.runner()).work_dir(&host.work);
    let hooks = ProcessHookRunner::default();
    let plan = Executor::new(&backend, &backend, &hooks)
        .preview(&request(&host.work)?)?
        .into_plan()?;
    Ok((plan, host.sim()?.ops))
}

/// Crashes after `n` operations of the run, reboots, recovers with a new backend.
fn crash_then_recover(n: u64, after_effect: bool) -> TestResult {
    let host = EmulatedHost::demo()?;
    let before = host.sim()?.safe_state_violations();
    let (plan, start) = plan(&host)?;
    edit(&host, |s| {
        s.faults.crash_after_ops = Some(start + n);
        s.faults.crash_after_effect = after_effect;
    })?;
    let hooks = ProcessHookRunner::default();
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let backend = AixBackend::new(DiesWithHost(host.runner())).work_dir(&host.work);
        Executor::new(&backend, &backend, &hooks)
            .options(options())
            .run(&plan)
    }));
    match first {
        Ok(report) => {
            let report = report?;
            assert!(!host.sim()?.crashed, "crash at {n} went unnoticed");
            assert!(
                report.errors.is_empty(),
                "no crash at {n}: {:?}",
                report.errors
            );
        }
        Err(payload) if payload.is::<HostDown>() => {
            assert!(host.sim()?.crashed);
            assert_eq!(interrupted_runs(&host.work)?, ["crashed"], "crash at {n}");
        }
        Err(payload) => std::panic::resume_unwind(payload),
    }
    edit(&host, |s| {
        s.crashed = false;
        s.faults = Faults::default();
    })?;
    let backend = AixBackend::new(host.runner()).work_dir(&host.work);
    let reports = Executor::new(&backend, &backend, &hooks)
        .options(options())
        .recover(&host.work)?;
    for r in &reports {
        assert!(
            r.errors.is_empty(),
            "crash at {n} (after effect: {after_effect}): recovery failed: {:?}",
            r.errors
        );
    }
    let state = host.sim()?;
    assert_eq!(
        state.safe_state_violations(),
        before,
        "crash at {n} (after effect: {after_effect})"
    );
    assert!(interrupted_runs(&host.work)?.is_empty());
    let extras = offmirror_aix_emulator::store::load_extras(&host.state)?;
    assert!(extras.mounts.is_empty(), "crash at {n}: {extras:?}");
    Ok(())
}

/// Operations of a complete run of the demo plan.
fn operations_of_a_run() -> Result<u64, Box<dyn std::error::Error>> {
    let host = EmulatedHost::demo()?;
    let (plan, start) = plan(&host)?;
    let backend = AixBackend::new(host.runner()).work_dir(&host.work);
    let hooks = ProcessHookRunner::default();
    let report = Executor::new(&backend, &backend, &hooks)
        .options(options())
        .run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(host.sim()?.ops - start)
}

#[test]
fn a_crash_at_any_operation_is_recovered() -> TestResult {
    let total = operations_of_a_run()?;
    println!("a run is {total} simulator operations");
    assert!(total > 10);
    // Every operation, alternating whether the crashing one took effect.
    for n in 0..total {
        crash_then_recover(n, n % 2 == 1)?;
    }
    Ok(())
}
