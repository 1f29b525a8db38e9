//! The LVM2 backend against real LVM2 in a throw-away qemu guest (`lvm2-vm.sh`).
//!
//! Every test here is named `vm_*`: `cargo test -- --skip vm_` leaves them out. Where the
//! guest cannot be booted (no qemu, no kernel: run `lvm2-vm.sh deps` and `build`), they
//! print why and pass, unless `OFFMIRROR_VM_REQUIRED=1` (set by `.ci/run`) makes that a
//! failure.

use std::path::Path;
use std::time::Duration;

use offmirror_lvm2_vm::{VmRun, boot, ready};

const GUEST: &str = env!("CARGO_BIN_EXE_offmirror-lvm2-guest");

fn can_boot() -> Result<bool, String> {
    match ready() {
        Ok(()) => Ok(true),
        Err(why) if std::env::var_os("OFFMIRROR_VM_REQUIRED").is_some_and(|v| v == "1") => {
            Err(format!(
                "OFFMIRROR_VM_REQUIRED=1 but the guest cannot boot: {}",
                why.0
            ))
        }
        Err(why) => {
            eprintln!("SKIPPED: the LVM2 guest cannot boot here: {}", why.0);
            Ok(false)
        }
    }
}

fn show(run: &VmRun) {
    for figure in run.figures() {
        eprintln!("figure: {figure}");
    }
}

#[test]
fn vm_conformance_backup_cycles_and_problems() -> Result<(), String> {
    if !can_boot()? {
        return Ok(());
    }
    let disks = tempfile::tempdir().map_err(|e| e.to_string())?;
    let run = boot(
        Path::new(GUEST),
        disks.path(),
        "suite",
        None,
        Duration::from_secs(900),
    )?;
    show(&run);
    run.expect_passed(&[
        "conformance.setup",
        "conformance.inventory_is_consistent",
        "conformance.preview_changes_nothing",
        "conformance.freeze_and_thaw_are_idempotent",
        "conformance.every_mechanism_round_trips",
        "conformance.full_cycle_ends_in_sync",
        "cycle.ext4.2legs",
        "cycle.ext4.3legs",
        "cycle.xfs.2legs",
        "cycle.xfs.3legs",
        "cycle.raw.2legs",
        "cycle.raw.3legs",
        "watchdog.thaws_when_offmirror_dies",
        "problems.setup",
        "problems.linear_lv_is_not_mirrored",
        "problems.raid5_is_an_unsupported_layout",
        "problems.raid_integrity",
        "problems.syncing_mirror_is_not_in_sync",
        "problems.tracked_split_left_in_place",
        "problems.scrub_mismatches",
        "problems.nothing_runs_while_blocked",
        "problems.two_legs_leave_no_redundancy_under_policy",
    ])
}

/// Boots once to the crash point, kills the guest there, boots again and recovers.
fn crash_and_recover(point: &str) -> Result<(), String> {
    if !can_boot()? {
        return Ok(());
    }
    let disks = tempfile::tempdir().map_err(|e| e.to_string())?;
    let first = boot(
        Path::new(GUEST),
        disks.path(),
        &format!("crash-{point}-split"),
        Some("OFFMIRROR-CRASH-NOW"),
        Duration::from_secs(300),
    )?;
    if first.code != 0 || !first.console.contains("OFFMIRROR-VM: killed at marker") {
        return Err(format!(
            "the first boot was not killed at the marker (exit {}):\n{}",
            first.code, first.console
        ));
    }
    let second = boot(
        Path::new(GUEST),
        disks.path(),
        &format!("crash-{point}-recover"),
        None,
        Duration::from_secs(600),
    )?;
    show(&second);
    second.expect_passed(&[
        "crash.reboot_finds_the_split",
        "crash.preview_refuses_until_recovered",
        "crash.manual_recovery_names_the_merge",
        "crash.recover_merges_and_resyncs",
    ])
}

/// Killed with the image split and mounted, after a write to the live LV.
#[test]
fn vm_crash_between_split_and_merge_then_recover() -> Result<(), String> {
    crash_and_recover("backup")
}

/// Killed after the backup, the image unmounted again, just before the merge.
#[test]
fn vm_crash_just_before_the_merge_then_recover() -> Result<(), String> {
    crash_and_recover("merge")
}

/// Killed inside the quiesce window: the split done, the file system frozen.
#[test]
fn vm_crash_inside_the_freeze_window_then_recover() -> Result<(), String> {
    crash_and_recover("window")
}

/// After a reboot between split and merge, the backend's merge (with its rebuild) leaves
/// identical legs; the bare LVM merge of a twin LV is the baseline, its mismatches printed.
#[test]
fn vm_merge_after_a_reactivation_leaves_identical_legs() -> Result<(), String> {
    if !can_boot()? {
        return Ok(());
    }
    let disks = tempfile::tempdir().map_err(|e| e.to_string())?;
    let first = boot(
        Path::new(GUEST),
        disks.path(),
        "reactivation-split",
        Some("OFFMIRROR-CRASH-NOW"),
        Duration::from_secs(300),
    )?;
    if first.code != 0 || !first.console.contains("OFFMIRROR-VM: killed at marker") {
        return Err(format!(
            "the first boot was not killed at the marker (exit {}):\n{}",
            first.code, first.console
        ));
    }
    let second = boot(
        Path::new(GUEST),
        disks.path(),
        "reactivation-merge",
        None,
        Duration::from_secs(600),
    )?;
    show(&second);
    second.expect_passed(&["reactivation.backend_merge_leaves_identical_legs"])
}
