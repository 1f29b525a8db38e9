//! The freeze watchdog. Linux `fsfreeze` has no timeout (JFS2's freeze has one): a file
//! system frozen by a process that then dies stays frozen, and every writer on it hangs.
//! So each freeze starts a small detached process that thaws the file system when the
//! freeze timeout passes, unless the thaw came first and cancelled it. It runs in its own
//! process group, so a signal to offmirror's group (Ctrl-C, a SIGKILL of the job) does not
//! reach it.
//!
//! The watchdog is `sh -c SCRIPT offmirror-thaw-watchdog SECONDS PROGRAM MOUNT_POINT`:
//! the script is a constant and every value is a separate argument, so no name is ever
//! part of shell text.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use offmirror_core::MountPoint;

/// The constant script: sleep, then thaw. Values arrive as `$1` to `$3`.
const SCRIPT: &str = r#"sleep "$1" && exec "$2" --unfreeze "$3""#;

/// The `argv[0]` the watchdog shows in `ps`.
pub const WATCHDOG_NAME: &str = "offmirror-thaw-watchdog";

/// How the watchdog is started.
#[derive(Debug, Clone)]
pub struct WatchdogSpec {
    /// The program that thaws (`fsfreeze`, looked up in `path`).
    pub program: String,
    /// The `PATH` the watchdog runs with.
    pub path: String,
}

impl Default for WatchdogSpec {
    fn default() -> Self {
        WatchdogSpec {
            program: "fsfreeze".into(),
            path: offmirror_command::DuctRunner::DEFAULT_PATH.into(),
        }
    }
}

/// A running watchdog for one frozen file system.
#[derive(Debug)]
pub struct Watchdog {
    child: Child,
}

impl Watchdog {
    /// Starts a watchdog that thaws `mount_point` after `timeout` (at least one second).
    ///
    /// # Errors
    ///
    /// The shell could not be started.
    pub fn start(
        spec: &WatchdogSpec,
        mount_point: &MountPoint,
        timeout: Duration,
    ) -> std::io::Result<Watchdog> {
        use std::os::unix::process::CommandExt;
        let seconds = timeout.as_secs().max(1).to_string();
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg(SCRIPT)
            .arg(WATCHDOG_NAME)
            .arg(seconds)
            .arg(&spec.program)
            .arg(mount_point.as_str())
            .env("PATH", &spec.path)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()?;
        Ok(Watchdog { child })
    }

    /// Stops the watchdog before it thaws (the thaw was done). The `sleep` it started
    /// runs out on its own; with its shell gone nothing follows it.
    pub fn cancel(mut self) {
        // Already gone is fine: the timeout passed and it thawed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the watchdog has ended (it fired, or failed to thaw).
    pub fn has_ended(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::time::Instant;

    /// A fake `fsfreeze` that records its arguments in a file next to itself.
    fn fake_thawer(dir: &std::path::Path) -> std::io::Result<WatchdogSpec> {
        let program = dir.join("fsfreeze");
        std::fs::write(
            &program,
            format!(
                "#!/bin/sh\nprintf '%s|' \"$@\" > {}/called\n",
                dir.display()
            ),
        )?;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755))?;
        Ok(WatchdogSpec {
            program: "fsfreeze".into(),
            path: format!("{}:/usr/bin:/bin", dir.display()),
        })
    }

    #[test]
    fn thaws_after_the_timeout_with_the_mount_point_as_one_argument()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let spec = fake_thawer(dir.path())?;
        let mp = MountPoint::new("/mnt/a b; rm -rf x")?;
        let mut dog = Watchdog::start(&spec, &mp, Duration::from_secs(1))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while !dog.has_ended() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let called = std::fs::read_to_string(dir.path().join("called"))?;
        assert_eq!(called, "--unfreeze|/mnt/a b; rm -rf x|");
        Ok(())
    }

    #[test]
    fn a_cancelled_watchdog_never_thaws() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let spec = fake_thawer(dir.path())?;
        let mp = MountPoint::new("/mnt/data")?;
        let dog = Watchdog::start(&spec, &mp, Duration::from_secs(1))?;
        dog.cancel();
        std::thread::sleep(Duration::from_millis(1600));
        assert!(!dir.path().join("called").exists());
        Ok(())
    }
}
