//! AIX backend for offmirror.
//!
//! For now this crate holds the parsing layer only: [`parse`] turns the text that the
//! AIX LVM and file-system commands print (`lsvg`, `lslv`, `lspv`, `lsfs -c`, `mount`,
//! and the `0516-NNN` messages on stderr) into typed values. Running the commands and
//! the backend built on top come later.
#![deny(missing_docs)]
#![deny(clippy::indexing_slicing)]

pub mod parse;
