//! # offmirror-core
//!
//! The heart of offmirror: offline mirror backups of mirrored logical volumes. A run
//! splits one mirror copy off, lets the application carry on with the other copies while
//! a backup reads the frozen split copy, then rejoins the copy and resynchronises only
//! what changed.
//!
//! This crate holds what every backend shares:
//!
//! - the **domain model** ([`Inventory`], [`VolumeGroup`], [`LogicalVolume`],
//!   [`MirrorCopy`], [`FileSystem`]) with validated names ([`VgName`], [`LvName`],
//!   [`PvName`], [`MountPoint`]);
//! - the **request** ([`BackupRequest`]) and the pure **planner** ([`plan`]) that turns an
//!   inventory and a request into a [`Preview`]: a [`Plan`] of ordered, serialisable
//!   [`Step`]s plus every [`Problem`] found, each with a code, a severity and a fix;
//! - the backend **traits** [`VolumeManager`], [`FsController`] and [`HookRunner`];
//! - the **executor** ([`Executor`]) that runs a plan with the failure rules of the design
//!   (a failure after the split still rejoins), sends [`Event`]s to an [`Observer`] and
//!   returns a [`Report`];
//! - [`ProcessHookRunner`], which runs user hooks as processes;
//! - the [`conformance`] suite every backend must pass.
//!
//! ## A run in a few lines
//!
//! ```
//! use offmirror_core::*;
//!
//! fn backup(vm: &dyn VolumeManager, fs: &dyn FsController, hooks: &dyn HookRunner)
//!     -> Result<Report, Box<dyn std::error::Error>>
//! {
//!     let request = BackupRequest::builder("/var/offmirror")
//!         .vg(VgName::new("datavg")?)
//!         .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup-split"))
//!         .build();
//!     let executor = Executor::new(vm, fs, hooks);
//!     let plan = executor.preview(&request)?.into_plan()?;
//!     Ok(executor.run(&plan)?)
//! }
//! ```
#![deny(missing_docs)]

mod backend;
mod cancel;
pub mod conformance;
mod copy;
mod dialect;
mod duration_secs;
mod error;
mod executor;
mod hook;
pub mod journal;
mod lock;
mod mechanism;
mod model;
mod name;
mod plan;
mod planner;
mod preflight;
mod preview;
mod private_files;
mod problem;
mod process_hook;
mod request;
mod timestamp;

pub use backend::{Applied, FsController, HookOutcome, HookRunner, HookStatus, VolumeManager};
pub use cancel::CancelToken;
pub use copy::{CopyNumber, CopyNumberError};
pub use dialect::Dialect;
pub use error::{BackendError, HookError, RunError, display_chain};
pub use executor::{
    Event, ExecOptions, Executor, HookReport, ManualRecovery, ManualStep, Observer, PhaseTiming,
    QuiesceWindow, REPORT_SCHEMA_VERSION, Report, RunOutcome, Silent, UnitReport, interrupted_runs,
    run_dir,
};
pub use hook::{DEFAULT_HOOK_TIMEOUT, ExposedCopy, HookContext, HookPhase, HookSpec, Hooks};
pub use journal::JournalError;
pub use lock::{LOCK_FILE, LockError, WorkDirLock};
pub use mechanism::{Capabilities, Mechanism};
pub use model::{
    FileSystem, Inventory, LogDevice, LogicalVolume, LvBlocker, LvLocation, LvType, MirrorCopy,
    PhysicalVolume, PpRef, PvState, SplitMark, SplitVia, Vfs, VolumeGroup,
};
pub use name::{
    LvName, MAX_LVM_NAME_LEN, MAX_NAME_LEN, MountPoint, NameError, NameKind, PvName, VgName,
};
pub use plan::{Phase, Plan, SplitName, SplitUnit, Step, UnitFs, UnitLv};
pub use planner::{plan, split_copy_name};
pub use preflight::LocalFacts;
pub use preview::{Blocked, Preview};
pub use private_files::create_private_dir;
pub use problem::{Problem, ProblemCode, Severity, Subject};
pub use process_hook::ProcessHookRunner;
pub use request::{BackupRequest, BackupRequestBuilder, Policy, Target};
pub use timestamp::rfc3339;
