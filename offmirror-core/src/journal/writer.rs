use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Record;

/// Appends records to a journal, each synced to disk before `append` returns.
#[derive(Debug)]
pub struct JournalWriter {
    file: File,
    path: PathBuf,
    sync: bool,
    /// Records written by the next append (see [`Self::append_deferred`]).
    pending: Vec<Record>,
}

impl JournalWriter {
    /// Opens (creating if needed, mode 0600) the journal at `path` for appending, and
    /// syncs its directory so the file's existence survives a crash.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Self::open_syncing(path, true)
    }

    /// Like [`Self::open`]; with `sync` off nothing is ever synced (simulations only,
    /// see [`crate::ExecOptions::sync_journal`]).
    pub fn open_syncing(path: &Path, sync: bool) -> std::io::Result<Self> {
        let mut options = OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        drop_torn_tail(path, &file)?;
        if let Some(dir) = path.parent().filter(|_| sync) {
            File::open(dir)?.sync_all()?;
        }
        Ok(Self {
            file,
            path: path.to_path_buf(),
            sync,
            pending: Vec::new(),
        })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one record and syncs the file (with any deferred records before it).
    pub fn append(&mut self, record: &Record) -> std::io::Result<()> {
        self.append_batch(std::slice::from_ref(record))
    }

    /// Writes records and syncs the file once.
    pub fn append_batch(&mut self, records: &[Record]) -> std::io::Result<()> {
        for record in std::mem::take(&mut self.pending).iter().chain(records) {
            self.write(record)?;
        }
        if self.sync {
            self.file.sync_data()
        } else {
            Ok(())
        }
    }

    /// Keeps a record to be written, in order, by the next [`Self::append`] — no
    /// serialisation, no system call now. For outcomes inside the quiesce window, whose
    /// intents are already on disk: losing them in a crash only makes recovery re-check
    /// what it re-reads anyway.
    pub fn append_deferred(&mut self, record: Record) {
        self.pending.push(record);
    }

    fn write(&mut self, record: &Record) -> std::io::Result<()> {
        let json = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        let crc = crc32fast::hash(&json);
        let mut line = Vec::with_capacity(json.len() + 10);
        line.extend_from_slice(format!("{crc:08x} ").as_bytes());
        line.extend_from_slice(&json);
        line.push(b'\n');
        self.file.write_all(&line)
    }
}

/// Cuts an incomplete last line (a write torn by a crash) off the journal, so that the
/// records appended after it start on a line of their own. The torn record described a
/// step in doubt, which recovery re-checks on the host anyway.
fn drop_torn_tail(path: &Path, file: &File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(());
    }
    let mut reader = File::open(path)?;
    let mut keep = len;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let start = keep.saturating_sub(buf.len() as u64);
        let chunk = usize::try_from(keep - start).unwrap_or(0);
        reader.seek(SeekFrom::Start(start))?;
        let Some(window) = buf.get_mut(..chunk) else {
            return Ok(());
        };
        reader.read_exact(window)?;
        if keep == len && window.last() == Some(&b'\n') {
            return Ok(());
        }
        if let Some(i) = window.iter().rposition(|&b| b == b'\n') {
            return file.set_len(start + i as u64 + 1);
        }
        if start == 0 {
            return file.set_len(0);
        }
        keep = start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunOutcome;

    #[test]
    fn a_torn_tail_is_cut_before_appending() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("j");
        let end = Record::End {
            outcome: RunOutcome::Success,
            recovered: false,
        };
        JournalWriter::open(&path)?.append(&end)?;
        let whole = std::fs::read(&path)?;
        let mut torn = whole.clone();
        torn.extend_from_slice(b"0badc0de {\"record\":\"en");
        std::fs::write(&path, &torn)?;
        JournalWriter::open(&path)?.append(&end)?;
        let read = crate::journal::read_journal(&path)?;
        assert_eq!(read.records.len(), 2);
        assert!(!read.torn_tail);
        // A journal holding only a torn line is emptied.
        std::fs::write(&path, b"0badc0de {\"rec")?;
        JournalWriter::open(&path)?;
        assert_eq!(std::fs::metadata(&path)?.len(), 0);
        Ok(())
    }
}
