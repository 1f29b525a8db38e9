//! The freeze watchdog. Linux `fsfreeze` has no timeout (JFS2's freeze has one): a file
//! system frozen by a process that then dies stays frozen, and every writer on it hangs.
//! So each freeze starts a small detached process that thaws the file system when the
//! freeze timeout passes, unless the thaw came first and cancelled it. It runs in its own
//! process group, so a signal to offmirror's group (Ctrl-C, a SIGKILL of the job) does not
//! reach it.
//!
//! The watchdog is `sh -c SCRIPT offmirror-thaw-watchdog SECONDS PROGRAM MOUNT_POINT
//! TOKEN_FILE TOKEN`: the script is a constant and every value is a separate argument, so
//! no name is ever part of shell text.
//!
//! Each freeze writes a fresh token into a file of its mount point (under
//! [`WatchdogSpec::token_dir`], on tmpfs: `/run`); the watchdog thaws only if the file
//! still holds its token. A thaw by offmirror removes the file, and a later freeze writes
//! another token, so a watchdog left by a process that died (its freeze since thawed by
//! `recover`) can never thaw somebody else's later freeze.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use offmirror_core::MountPoint;

/// The constant script: sleep, then thaw if the token is still ours. Values arrive as
/// `$1` to `$5`.
const SCRIPT: &str =
    r#"sleep "$1" && [ "$(cat "$4" 2>/dev/null)" = "$5" ] && exec "$2" --unfreeze "$3""#;

/// The `argv[0]` the watchdog shows in `ps`.
pub const WATCHDOG_NAME: &str = "offmirror-thaw-watchdog";

/// How the watchdog is started.
#[derive(Debug, Clone)]
pub struct WatchdogSpec {
    /// The program that thaws (`fsfreeze`, looked up in `path`).
    pub program: String,
    /// The `PATH` the watchdog runs with.
    pub path: String,
    /// Where the token files live: a directory on a file system that is never frozen and
    /// is emptied at boot (default `/run/offmirror/freeze`).
    pub token_dir: PathBuf,
}

impl Default for WatchdogSpec {
    fn default() -> Self {
        WatchdogSpec {
            program: "fsfreeze".into(),
            path: offmirror_command::DuctRunner::DEFAULT_PATH.into(),
            token_dir: PathBuf::from("/run/offmirror/freeze"),
        }
    }
}

impl WatchdogSpec {
    /// The token file of a mount point: its path bytes in hex, so any mount point maps to
    /// one plain file name.
    pub fn token_file(&self, mount_point: &MountPoint) -> PathBuf {
        let hex: String = mount_point
            .as_str()
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.token_dir.join(hex)
    }

    /// Forgets the freeze of `mount_point`: no watchdog will thaw it any more.
    pub fn disarm(&self, mount_point: &MountPoint) {
        // Absent already is fine.
        let _ = std::fs::remove_file(self.token_file(mount_point));
    }
}

/// A running watchdog for one frozen file system.
#[derive(Debug)]
pub struct Watchdog {
    child: Child,
}

impl Watchdog {
    /// Starts a watchdog that thaws `mount_point` after `timeout` (at least one second),
    /// unless [`WatchdogSpec::disarm`] or a later watchdog of the same mount point comes
    /// first.
    ///
    /// # Errors
    ///
    /// The token could not be written or the shell could not be started.
    pub fn start(
        spec: &WatchdogSpec,
        mount_point: &MountPoint,
        timeout: Duration,
    ) -> std::io::Result<Watchdog> {
        use std::os::unix::process::CommandExt;
        offmirror_core::create_private_dir(&spec.token_dir)?;
        let token = new_token();
        let file = spec.token_file(mount_point);
        write_token(&file, &token)?;
        let seconds = timeout.as_secs().max(1).to_string();
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg(SCRIPT)
            .arg(WATCHDOG_NAME)
            .arg(seconds)
            .arg(&spec.program)
            .arg(mount_point.as_str())
            .arg(&file)
            .arg(&token)
            .env("PATH", &spec.path)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        match child {
            Ok(child) => Ok(Watchdog { child }),
            Err(e) => {
                let _ = std::fs::remove_file(&file);
                Err(e)
            }
        }
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

/// A token no other freeze has: this process, and the time to the nanosecond.
fn new_token() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Writes the token whole before the watchdog can read it (a rename replaces the file).
fn write_token(file: &Path, token: &str) -> std::io::Result<()> {
    let tmp = file.with_extension("new");
    std::fs::write(&tmp, token)?;
    std::fs::rename(&tmp, file)
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
            token_dir: dir.join("tokens"),
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
    fn a_stale_watchdog_does_not_thaw_a_later_freeze() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let spec = fake_thawer(dir.path())?;
        let mp = MountPoint::new("/mnt/data")?;
        // A watchdog of a process that died: its freeze was thawed by someone else and
        // the file system frozen again by a later run, with a longer timeout.
        let mut stale = Watchdog::start(&spec, &mp, Duration::from_secs(1))?;
        let _current = Watchdog::start(&spec, &mp, Duration::from_secs(30))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while !stale.has_ended() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(stale.has_ended());
        assert!(!dir.path().join("called").exists());
        Ok(())
    }

    #[test]
    fn a_disarmed_freeze_is_not_thawed_even_if_the_watchdog_survives()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let spec = fake_thawer(dir.path())?;
        let mp = MountPoint::new("/mnt/data")?;
        let mut dog = Watchdog::start(&spec, &mp, Duration::from_secs(1))?;
        spec.disarm(&mp);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !dog.has_ended() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!dir.path().join("called").exists());
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
