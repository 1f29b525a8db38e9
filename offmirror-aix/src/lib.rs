//! AIX backend for offmirror: offline mirror backups on AIX LVM.
//!
//! [`AixBackend`] implements the core [`offmirror_core::VolumeManager`] and
//! [`offmirror_core::FsController`] traits by running the AIX LVM and JFS commands
//! through a [`runner::CommandRunner`]:
//!
//! - [`parse`] reads what the commands print (`lsvg`, `lslv`, `lspv`, `lsfs -c`,
//!   `mount`, and the `0516-NNN` messages on stderr) into typed values;
//! - [`runner`] runs commands: [`runner::DuctRunner`] for real processes (C locale,
//!   fixed `PATH`, null stdin, a timeout that reports the step in doubt instead of
//!   killing an LVM command half-way), [`runner::RecordingRunner`] to record command
//!   lines, [`runner::ScriptedRunner`] to answer from a script in tests;
//! - [`commands`] builds the argument vector of every command, from validated names;
//! - [`inventory`] reads the host in `4 + 4 × VGs` commands and maps the output to a
//!   core [`offmirror_core::Inventory`], recognising splits left in place;
//! - [`AixBackend`] splits, rejoins, resyncs, freezes and exposes with each mechanism.
//!
//! ```no_run
//! use offmirror_aix::AixBackend;
//! use offmirror_aix::runner::DuctRunner;
//! use offmirror_core::VolumeManager;
//!
//! let backend = AixBackend::new(DuctRunner::new()).work_dir("/var/offmirror");
//! let inventory = backend.inventory()?;
//! for vg in &inventory.vgs {
//!     println!("{} ({} LVs)", vg.name, vg.lvs.len());
//! }
//! # Ok::<(), offmirror_core::BackendError>(())
//! ```
#![deny(missing_docs)]
#![deny(clippy::indexing_slicing)]

mod backend;
pub mod commands;
mod error;
mod exec;
pub mod inventory;
pub mod parse;
pub use offmirror_command as runner;
pub mod split_names;

pub use backend::{AixBackend, BACKEND_NAME};
pub use error::{AixError, CommandFailure};
