//! The host side of the real-LVM2 tests: boots a throw-away Linux guest under qemu with
//! `lvm2-vm.sh` (next to this crate's manifest), runs the `offmirror-lvm2-guest` binary
//! inside it and reads what it printed on the serial console.
//!
//! The guest binary prints one `GUEST-CHECK <name> ... ok` or `... FAILED: <why>` line
//! per check; [`VmRun::checks`] reads them back so a test can insist that every check it
//! expects ran and passed.
#![deny(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

/// The harness script.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lvm2-vm.sh")
}

/// Why the guest cannot be booted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannotRun(pub String);

static BUILD: Mutex<Option<Result<(), String>>> = Mutex::new(None);

/// Checks that qemu, the guest kernel and the initramfs are ready, building the
/// initramfs once per process (`lvm2-vm.sh build`; it is cached on disk).
///
/// # Errors
///
/// [`CannotRun`] with the script's explanation when qemu or the packages are missing.
pub fn ready() -> Result<(), CannotRun> {
    let mut built = BUILD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if built.is_none() {
        let check = Command::new("bash").arg(script()).arg("check").output();
        let result = match check {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )),
            Err(e) => Err(format!("cannot run bash {}: {e}", script().display())),
        };
        *built = Some(result);
    }
    match built.as_ref() {
        Some(Ok(())) => Ok(()),
        Some(Err(why)) => Err(CannotRun(why.trim().to_string())),
        None => Err(CannotRun("the readiness check did not run".into())),
    }
}

/// One boot of the guest.
#[derive(Debug)]
pub struct VmRun {
    /// The harness's exit status: 0 pass (or killed at the marker), 1 the payload
    /// failed, 2 the harness failed, 3 cannot run here.
    pub code: i32,
    /// The serial console.
    pub console: String,
}

impl VmRun {
    /// The checks the guest reported: name and `Ok` or the failure text.
    pub fn checks(&self) -> Vec<(String, Result<(), String>)> {
        self.console
            .lines()
            .filter_map(|line| {
                let rest = line.trim_end_matches('\r').split("GUEST-CHECK ").nth(1)?;
                let (name, outcome) = rest.split_once(" ... ")?;
                let result = if outcome == "ok" {
                    Ok(())
                } else {
                    Err(outcome
                        .strip_prefix("FAILED: ")
                        .unwrap_or(outcome)
                        .to_string())
                };
                Some((name.to_string(), result))
            })
            .collect()
    }

    /// Lines of the console that carry a measurement (`GUEST-FIGURE name value`).
    pub fn figures(&self) -> Vec<String> {
        self.console
            .lines()
            .filter_map(|l| l.split("GUEST-FIGURE ").nth(1))
            .map(|s| s.trim_end_matches('\r').to_string())
            .collect()
    }

    /// Panics-free assertion helper: `Err` listing every expected check that did not
    /// pass, and the console tail.
    pub fn expect_passed(&self, expected: &[&str]) -> Result<(), String> {
        let checks = self.checks();
        let mut problems = Vec::new();
        for name in expected {
            match checks.iter().find(|(n, _)| n == name) {
                Some((_, Ok(()))) => {}
                Some((_, Err(why))) => problems.push(format!("{name}: {why}")),
                None => problems.push(format!("{name}: never reported")),
            }
        }
        for (name, result) in &checks {
            if let Err(why) = result
                && !expected.contains(&name.as_str())
            {
                problems.push(format!("{name}: {why}"));
            }
        }
        if problems.is_empty() && self.code == 0 {
            return Ok(());
        }
        let tail: Vec<&str> = self.console.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "guest run exit {}; {}\n--- console tail ---\n{}",
            self.code,
            problems.join("\n"),
            tail.join("\n")
        ))
    }
}

/// Boots the guest once with `disks` (created on first use, kept between boots) and the
/// `guest` binary (`offmirror-lvm2-guest`) running `scenario`; `kill_on` kills the guest when the console shows it.
///
/// # Errors
///
/// The payload could not be staged or the harness could not be started.
pub fn boot(
    guest: &Path,
    disks: &Path,
    scenario: &str,
    kill_on: Option<&str>,
    timeout: Duration,
) -> Result<VmRun, String> {
    let payload = tempfile::tempdir().map_err(|e| format!("payload dir: {e}"))?;
    stage_payload(payload.path(), guest, scenario)?;
    let mut cmd = Command::new("bash");
    cmd.arg(script())
        .arg("run")
        .arg("--payload")
        .arg(payload.path())
        .arg("--disks")
        .arg(disks)
        .arg("--timeout")
        .arg(timeout.as_secs().to_string());
    if let Some(marker) = kill_on {
        cmd.arg("--kill-on").arg(marker);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script().display()))?;
    let mut console = String::from_utf8_lossy(&out.stdout).into_owned();
    console.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(VmRun {
        code: out.status.code().unwrap_or(-1),
        console,
    })
}

/// Puts the guest binary (without debug sections when `strip` is there) and a `run`
/// script naming the scenario into `dir`.
fn stage_payload(dir: &Path, guest: &Path, scenario: &str) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let target = dir.join("offmirror-lvm2-guest");
    std::fs::copy(guest, &target).map_err(|e| format!("copy {}: {e}", guest.display()))?;
    // Smaller initramfs, faster boot; a missing strip only costs time.
    let _ = Command::new("strip")
        .arg("--strip-debug")
        .arg(&target)
        .status();
    let run = dir.join("run");
    std::fs::write(
        &run,
        format!("#!/bin/sh\nexec /payload/offmirror-lvm2-guest {scenario}\n"),
    )
    .map_err(|e| format!("write {}: {e}", run.display()))?;
    std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", run.display()))?;
    Ok(())
}
