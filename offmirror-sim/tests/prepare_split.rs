//! The executor lets a backend prepare every split before the run's first step, so that
//! reads a split needs happen outside the quiesce window.

use std::sync::Mutex;
use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{SimHookRunner, SimHost};

/// The sim host, recording the order of prepare_split, split and step starts.
struct Recording<'a> {
    host: &'a SimHost,
    calls: &'a Mutex<Vec<String>>,
}

impl Recording<'_> {
    fn note(&self, what: String) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(what);
        }
    }
}

impl VolumeManager for Recording<'_> {
    fn capabilities(&self) -> Capabilities {
        self.host.capabilities()
    }
    fn inventory(&self) -> Result<Inventory, BackendError> {
        self.host.inventory()
    }
    fn prepare_split(&self, unit: &SplitUnit) {
        self.note(format!("prepare {}", unit.id));
    }
    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.note(format!("split {}", unit.id));
        self.host.split(unit)
    }
    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.rejoin(unit)
    }
    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.start_resync(unit)
    }
    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        self.host.stale_pps(unit)
    }
}

struct StepLog<'a>(&'a Mutex<Vec<String>>);

impl Observer for StepLog<'_> {
    fn on_event(&self, event: &Event<'_>) {
        if let Event::StepStarted { index, .. } = event
            && let Ok(mut calls) = self.0.lock()
        {
            calls.push(format!("step {index}"));
        }
    }
}

#[test]
fn every_unit_is_prepared_before_the_first_step() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::demo();
    let calls = Mutex::new(Vec::new());
    let volumes = Recording {
        host: &host,
        calls: &calls,
    };
    let hooks = SimHookRunner::new(host.clone());
    let request = BackupRequest::builder(tmp.path())
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/true"))
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .force_continue_on_warnings(true)
        .build();
    let steps = StepLog(&calls);
    let executor = Executor::new(&volumes, &host, &hooks)
        .observer(&steps)
        .options(ExecOptions {
            run_id: Some("prepare".into()),
            resync_poll: Duration::ZERO,
            ..ExecOptions::default()
        });
    let plan = executor.preview(&request)?.into_plan()?;
    let units = plan.units.len();
    assert!(units >= 2, "the demo plan has {units} units");
    let report = executor.run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let calls = calls.lock().map_err(|_| "poisoned")?.clone();
    let prepared: Vec<&String> = calls.iter().take(units).collect();
    let expected: Vec<String> = (0..units).map(|u| format!("prepare {u}")).collect();
    assert_eq!(prepared, expected.iter().collect::<Vec<_>>(), "{calls:?}");
    assert_eq!(
        calls.get(units).map(String::as_str),
        Some("step 0"),
        "{calls:?}"
    );
    assert_eq!(
        calls.iter().filter(|c| c.starts_with("split")).count(),
        units
    );
    Ok(())
}
