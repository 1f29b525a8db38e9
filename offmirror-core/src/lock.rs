//! One run per work directory, and per volume group, at a time: advisory file locks that
//! the kernel releases when the holder dies — no stale lock to clean up.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the work directory.
pub const LOCK_FILE: &str = "lock";

/// How long a lock that looks held is tried again before it is reported held.
const RETRY_FOR: std::time::Duration = std::time::Duration::from_millis(300);

/// The lock could not be taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another run holds it.
    #[error("{what} is in use by {holder}; wait for that run to end")]
    Held {
        /// What is locked (`the work directory /var/om`, `volume group datavg`).
        what: String,
        /// Who holds it: run id, start time and process id, as the holder wrote them.
        holder: String,
    },
    /// The lock file could not be used.
    #[error("cannot lock {path}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A held lock of a work directory or a volume group; released when dropped (or when
/// the process dies).
#[derive(Debug)]
pub struct WorkDirLock {
    _file: File,
}

impl WorkDirLock {
    /// Takes the lock of `work_dir` for the run `holder` (written into the lock file so a
    /// refused run can say who holds it).
    pub fn acquire(work_dir: &Path, holder: &str) -> Result<Self, LockError> {
        let what = format!("the work directory {}", work_dir.display());
        Self::acquire_file(&work_dir.join(LOCK_FILE), what, holder)
    }

    /// Takes the lock of a volume group, as a file `VG.lock` in `lock_dir` (created if
    /// missing): runs from different work directories then still cannot split the same
    /// VG at once.
    pub fn acquire_vg(
        lock_dir: &Path,
        vg: &crate::VgName,
        holder: &str,
    ) -> Result<Self, LockError> {
        crate::create_private_dir(lock_dir).map_err(|source| LockError::Io {
            path: lock_dir.to_path_buf(),
            source,
        })?;
        let path = lock_dir.join(format!("{vg}.lock"));
        Self::acquire_file(&path, format!("volume group {vg}"), holder)
    }

    fn acquire_file(path: &Path, what: String, holder: &str) -> Result<Self, LockError> {
        let path = path.to_path_buf();
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(io)?;
        // A process forked by another thread of this program (a hook being started)
        // shares our open files until it execs, so a lock just released can look held
        // for a moment: try again for a short while before calling it held.
        let deadline = std::time::Instant::now() + RETRY_FOR;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.seek(SeekFrom::Start(0));
                    let _ = file.read_to_string(&mut text);
                    let holder = text.trim();
                    return Err(LockError::Held {
                        what,
                        holder: if holder.is_empty() {
                            "another run".to_string()
                        } else {
                            holder.to_string()
                        },
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        // Who holds it is for messages only: no need to sync it.
        file.write_all(holder.as_bytes()).map_err(io)?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_holds_it() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let first =
            WorkDirLock::acquire(dir.path(), "run om-1 started 2026-01-01T00:00:00Z pid 1")?;
        let err = WorkDirLock::acquire(dir.path(), "run om-2")
            .err()
            .ok_or("second lock taken")?;
        assert!(
            err.to_string()
                .contains("run om-1 started 2026-01-01T00:00:00Z"),
            "{err}"
        );
        drop(first);
        WorkDirLock::acquire(dir.path(), "run om-3")?;
        Ok(())
    }

    #[test]
    fn volume_groups_are_locked_across_work_dirs() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let vg = crate::VgName::new("datavg")?;
        let _held = WorkDirLock::acquire_vg(dir.path(), &vg, "run om-1")?;
        let err = WorkDirLock::acquire_vg(dir.path(), &vg, "run om-2")
            .err()
            .ok_or("taken twice")?;
        assert!(
            err.to_string()
                .starts_with("volume group datavg is in use by run om-1"),
            "{err}"
        );
        let other = crate::VgName::new("appvg")?;
        WorkDirLock::acquire_vg(dir.path(), &other, "run om-2")?;
        Ok(())
    }
}
