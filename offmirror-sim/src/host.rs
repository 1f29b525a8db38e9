//! [`SimHost`]: a shared handle on a simulated host, loadable from and savable to JSON.

use std::path::Path;
use std::sync::{Arc, Mutex};

use offmirror_core::{BackendError, Inventory};

use crate::SimError;
use crate::state::SimState;

/// A simulated host. Cloning gives another handle on the same host, so one host can serve
/// as volume manager, file-system controller and hook runner at once.
///
/// ```
/// use offmirror_sim::SimHost;
/// let host = SimHost::demo();
/// assert!(host.state().map(|s| s.inventory.vgs.len()).unwrap_or(0) >= 2);
/// ```
#[derive(Debug, Clone)]
pub struct SimHost {
    inner: Arc<Mutex<SimState>>,
    materialize: bool,
}

impl SimHost {
    /// A host with this state.
    pub fn new(state: SimState) -> Self {
        Self {
            inner: Arc::new(Mutex::new(state)),
            materialize: false,
        }
    }

    /// A host built from an inventory, every partition at data version 0.
    pub fn from_inventory(inventory: Inventory) -> Self {
        Self::new(SimState::new(inventory))
    }

    /// Makes `expose` write each split copy's contents as real files below the mount root,
    /// so that a real backup program can read them.
    pub fn with_files(mut self, yes: bool) -> Self {
        self.materialize = yes;
        self
    }

    pub(crate) fn materialize(&self) -> bool {
        self.materialize
    }

    /// Runs `f` on the state.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut SimState) -> T) -> Result<T, BackendError> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| BackendError::Gone("the simulator state lock is poisoned".into()))?;
        Ok(f(&mut guard))
    }

    /// A copy of the state.
    pub fn state(&self) -> Result<SimState, BackendError> {
        self.with_state(|s| s.clone())
    }

    /// Reads a host from a JSON state file.
    pub fn load(path: &Path) -> Result<Self, SimError> {
        let bytes = std::fs::read(path).map_err(|source| SimError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let state: SimState = serde_json::from_slice(&bytes).map_err(|e| SimError::Format {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(Self::new(state))
    }

    /// Writes the host to a JSON state file, atomically (temporary file, fsync, rename).
    pub fn save(&self, path: &Path) -> Result<(), SimError> {
        let io = |source| SimError::Io {
            path: path.to_path_buf(),
            source,
        };
        let state = self
            .state()
            .map_err(|e| io(std::io::Error::other(e.to_string())))?;
        let json = serde_json::to_vec_pretty(&state).map_err(|e| io(std::io::Error::other(e)))?;
        let tmp = path.with_extension("json.tmp");
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(&json).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}
