//! The run journal: an append-only file of checksummed records, one JSON document per
//! line, written before and after every step and synced to disk each time.
//!
//! A line is `CRC32-HEX SP JSON LF`, the checksum taken over the JSON bytes. When reading,
//! a last line that is incomplete or fails its checksum is a torn write — the step it
//! described is *in doubt* and recovery re-reads the host to decide. Any other damage is
//! corruption: it is reported and never acted on automatically.

mod reader;
mod record;
mod writer;

pub use reader::{JournalContents, JournalError, journal_ended, read_journal};
pub use record::{JOURNAL_SCHEMA_VERSION, Record, StepResult};
pub use writer::JournalWriter;

/// The journal's file name inside a run's directory.
pub const JOURNAL_FILE: &str = "journal.jsonl";
