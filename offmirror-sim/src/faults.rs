//! Faults the simulator injects: failing operations, a crash after N operations, hooks
//! that fail or hang.

use serde::{Deserialize, Serialize};

use offmirror_core::HookPhase;

/// The kinds of backend operation the simulator counts and can fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// Reading the inventory.
    Inventory,
    /// Splitting a unit.
    Split,
    /// Rejoining a unit.
    Rejoin,
    /// Starting a resync.
    StartResync,
    /// Reading stale partitions (also advances a running resync).
    StalePps,
    /// Freezing a file system.
    Freeze,
    /// Thawing a file system.
    Thaw,
    /// Exposing split copies.
    Expose,
    /// Unexposing split copies.
    Unexpose,
}

/// Make the `nth` operation of a kind fail (1-based) before it changes anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailRule {
    /// The operation kind.
    pub op: OpKind,
    /// Which occurrence fails (1 = the first).
    pub nth: u64,
}

/// What a simulated hook does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookFault {
    /// Exits with status 1.
    Fail,
    /// Runs past its timeout.
    Hang,
}

/// The faults to inject.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Faults {
    /// Operations that fail.
    #[serde(default)]
    pub fail: Vec<FailRule>,
    /// After this many backend operations the host "crashes": every later call returns
    /// [`offmirror_core::BackendError::Gone`] and changes nothing.
    #[serde(default)]
    pub crash_after_ops: Option<u64>,
    /// When crashing, apply the effect of the crashing operation first (its caller never
    /// learns that it happened: the step is in doubt).
    #[serde(default)]
    pub crash_after_effect: bool,
    /// Hooks that misbehave.
    #[serde(default)]
    pub hooks: Vec<(HookPhase, HookFault)>,
}
