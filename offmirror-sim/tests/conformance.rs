//! The core conformance suite, run against the simulator's demo host.

use std::time::Duration;

use offmirror_core::HookSpec;
use offmirror_core::conformance::{self, Subject};
use offmirror_sim::{SimHookRunner, SimHost};

fn with_subject(check: fn(&Subject<'_>) -> conformance::CheckResult) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let host = SimHost::demo();
    let hooks = SimHookRunner::new(host.clone());
    let subject = Subject {
        volumes: &host,
        fs: &host,
        hooks: &hooks,
        work_dir: tmp.path().to_path_buf(),
        backup_hook: HookSpec::new("/bin/true"),
        resync_timeout: Duration::from_secs(10),
    };
    check(&subject)
}

#[test]
fn inventory_is_consistent() -> Result<(), String> {
    with_subject(conformance::inventory_is_consistent)
}

#[test]
fn preview_changes_nothing() -> Result<(), String> {
    with_subject(conformance::preview_changes_nothing)
}

#[test]
fn freeze_and_thaw_are_idempotent() -> Result<(), String> {
    with_subject(conformance::freeze_and_thaw_are_idempotent)
}

#[test]
fn every_mechanism_round_trips() -> Result<(), String> {
    with_subject(conformance::every_mechanism_round_trips)
}

#[test]
fn full_cycle_ends_in_sync() -> Result<(), String> {
    with_subject(conformance::full_cycle_ends_in_sync)
}

#[test]
fn all_checks_in_sequence_on_one_host() -> Result<(), String> {
    with_subject(|subject| {
        for (name, result) in conformance::run_all(subject) {
            result.map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(())
    })
}
