//! Runs inside the throw-away guest, as root, against real LVM2 on three blank virtio
//! disks (`/dev/vda`..`/dev/vdc`) and a state disk mounted on `/var/lib/offmirror`.
//!
//! `offmirror-lvm2-guest SCENARIO` runs a group of checks and prints one
//! `GUEST-CHECK <name> ... ok|FAILED: <why>` line each; the exit status is 0 only when
//! every check passed. Measurements are printed as `GUEST-FIGURE <name> <value>`.

mod checks;
mod conformance;
mod crash;
mod cycles;
mod hooks;
mod host;
mod problems;
mod reactivation;

use std::process::ExitCode;

/// One named check and its outcome.
type Outcome = (String, Result<(), String>);

fn main() -> ExitCode {
    let scenario = std::env::args().nth(1).unwrap_or_default();
    let outcomes: Vec<Outcome> = match scenario.as_str() {
        "suite" => {
            let mut all = conformance::run();
            all.extend(cycles::run());
            all.extend(problems::run());
            all
        }
        "crash-window-split" => crash::split_then_hang(crash::CrashPoint::InWindow),
        "crash-window-recover" => crash::recover_after_reboot(crash::CrashPoint::InWindow),
        "crash-backup-split" => crash::split_then_hang(crash::CrashPoint::InBackup),
        "crash-backup-recover" => crash::recover_after_reboot(crash::CrashPoint::InBackup),
        "crash-merge-split" => crash::split_then_hang(crash::CrashPoint::BeforeMerge),
        "crash-merge-recover" => crash::recover_after_reboot(crash::CrashPoint::BeforeMerge),
        "reactivation-split" => reactivation::split_then_hang(),
        "reactivation-merge" => reactivation::merge_after_reboot(),
        other => vec![(
            "scenario".to_string(),
            Err(format!(
                "unknown scenario {other:?}; use suite, crash-{{window,backup,merge}}-{{split,recover}} or reactivation-{{split,merge}}"
            )),
        )],
    };
    let mut failed = 0;
    for (name, result) in &outcomes {
        match result {
            Ok(()) => println!("GUEST-CHECK {name} ... ok"),
            Err(why) => {
                failed += 1;
                println!(
                    "GUEST-CHECK {name} ... FAILED: {}",
                    why.replace('\n', " / ")
                );
            }
        }
    }
    println!("GUEST-SUMMARY {} checks, {failed} failed", outcomes.len());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
