//! Files and directories readable by their owner only: the work directory, journals,
//! hook logs and contexts, reports (they name hosts, volumes and commands).

use std::fs::{File, OpenOptions};
use std::path::Path;

/// Creates `dir` and its missing parents, the new ones readable by the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
/// Writes `bytes` to a new or truncated file, mode 0600. Not synced: these files (hook
/// contexts, report copies) are read back at once or are copies of what the caller has;
/// what must survive a crash goes through the journal.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)
}

/// Opens a file for appending, creating it with mode 0600.
pub(crate) fn open_private_append(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
