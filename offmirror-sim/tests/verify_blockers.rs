//! The verify step after the resync does not declare success while the backend still
//! reports an LV as resyncing or with mismatched copies (LVM2's `sync_percent` and
//! `raid_mismatch_count`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{SimHookRunner, SimHost};

/// The LVM2-flavoured sim host, whose inventory shows `blocker` on every LV once a rejoin
/// has happened.
struct AfterRejoin<'a> {
    host: &'a SimHost,
    blocker: LvBlocker,
    rejoined: AtomicBool,
}

impl VolumeManager for AfterRejoin<'_> {
    fn capabilities(&self) -> Capabilities {
        self.host.capabilities()
    }
    fn inventory(&self) -> Result<Inventory, BackendError> {
        let mut inventory = self.host.inventory()?;
        if self.rejoined.load(Ordering::SeqCst) {
            for lv in inventory.vgs.iter_mut().flat_map(|vg| vg.lvs.iter_mut()) {
                lv.blockers.push(self.blocker.clone());
            }
        }
        Ok(inventory)
    }
    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.split(unit)
    }
    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.rejoined.store(true, Ordering::SeqCst);
        self.host.rejoin(unit)
    }
    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.start_resync(unit)
    }
    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        self.host.stale_pps(unit)
    }
}

fn run_with(blocker: LvBlocker) -> Result<Report, Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let volumes = AfterRejoin {
        host: &host,
        blocker,
        rejoined: AtomicBool::new(false),
    };
    let hooks = SimHookRunner::new(host.clone());
    let request = BackupRequest::builder(tmp.path())
        .lv(LvName::new("datalv")?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build();
    let executor = Executor::new(&volumes, &host, &hooks).options(ExecOptions {
        run_id: Some("verify".into()),
        resync_poll: Duration::ZERO,
        ..ExecOptions::default()
    });
    let plan = executor.preview(&request)?.into_plan()?;
    Ok(executor.run(&plan)?)
}

#[test]
fn verify_fails_while_the_mirror_is_still_resyncing() -> Result<(), Box<dyn std::error::Error>> {
    let report = run_with(LvBlocker::NotInSync {
        action: "recover".into(),
        percent: "42.00".into(),
    })?;
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.starts_with("verify:") && e.contains("datalv is still 42.00% in sync")),
        "{:?}",
        report.errors
    );
    Ok(())
}

#[test]
fn verify_fails_when_the_copies_differ() -> Result<(), Box<dyn std::error::Error>> {
    let report = run_with(LvBlocker::Mismatches { count: 640 })?;
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.starts_with("verify:") && e.contains("640 mismatched sectors")),
        "{:?}",
        report.errors
    );
    Ok(())
}

#[test]
fn other_blockers_do_not_fail_the_verify() -> Result<(), Box<dyn std::error::Error>> {
    let report = run_with(LvBlocker::Inactive)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(())
}
