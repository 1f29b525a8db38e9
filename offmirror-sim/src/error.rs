//! Errors of the simulator crate.

use std::path::PathBuf;

/// Loading, saving or building a simulated host failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The state file could not be read or written.
    #[error("simulator state file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not valid simulator state.
    #[error(
        "simulator state file {path} is not valid: {message}; recreate it with `offmirror sim init`"
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A host description is inconsistent.
    #[error("simulated host: {0}")]
    Build(String),
}
