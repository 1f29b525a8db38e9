//! One run per work directory at a time, enforced with an advisory file lock that the
//! kernel releases when the holder dies — no stale lock to clean up.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the work directory.
pub const LOCK_FILE: &str = "lock";

/// The lock could not be taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another run holds it.
    #[error("the work directory {work_dir} is in use by {holder}; wait for that run to end")]
    Held {
        /// The work directory.
        work_dir: PathBuf,
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

/// A held work-directory lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct WorkDirLock {
    _file: File,
}

impl WorkDirLock {
    /// Takes the lock of `work_dir` for the run `holder` (written into the lock file so a
    /// refused run can say who holds it).
    pub fn acquire(work_dir: &Path, holder: &str) -> Result<Self, LockError> {
        let path = work_dir.join(LOCK_FILE);
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
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                return Err(LockError::Held {
                    work_dir: work_dir.to_path_buf(),
                    holder: if holder.is_empty() {
                        "another run".to_string()
                    } else {
                        holder.to_string()
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(holder.as_bytes()).map_err(io)?;
        file.sync_data().map_err(io)?;
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
}
