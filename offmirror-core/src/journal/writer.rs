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
