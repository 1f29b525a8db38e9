//! What the backend remembers between calls, within one process.
//!
//! AIX prints neither the frozen state of a file system, nor which copy a split took,
//! nor whether a resync is running. The backend keeps what it did itself here; after a
//! restart it has nothing, and every operation then decides from what the commands show
//! (each operation's documentation says how).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use offmirror_core::{CopyNumber, LvName, MountPoint, VgName};

use crate::runner::BackgroundJob;

#[derive(Debug, Default)]
pub(crate) struct Memory {
    /// File systems this backend froze, with the moment they thaw by themselves.
    pub frozen: HashMap<MountPoint, Instant>,
    /// File systems this backend thawed (and has not frozen since).
    pub thawed: HashSet<MountPoint>,
    /// VGs this backend rejoined with `joinvg`, which resynchronises them by itself.
    pub joined: HashSet<VgName>,
    /// Resyncs started in the background, by command.
    pub jobs: HashMap<Vec<String>, BackgroundJob>,
    /// The copy split off each LV this backend split.
    pub split_copies: HashMap<LvName, CopyNumber>,
    /// Copies an LV had before this backend detached one (`splitlvcopy`).
    pub copy_counts: HashMap<LvName, usize>,
}
