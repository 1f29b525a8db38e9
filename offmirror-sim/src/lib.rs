//! # offmirror-sim
//!
//! A simulated host for offmirror: physical volumes with numbered partitions, volume
//! groups, logical volumes with one to three mirror copies, stale partitions, JFS and JFS2
//! file systems — and a data version per partition, so tests can check that a backup saw
//! one point in time and that no write was lost after the resync.
//!
//! [`SimHost`] implements all three backend traits of `offmirror-core`
//! ([`offmirror_core::VolumeManager`], [`offmirror_core::FsController`], and through
//! [`SimHookRunner`] the [`offmirror_core::HookRunner`]). It applies AIX's rules (one split
//! copy per LV, stale partitions block a split, `splitvg` refuses rootvg and needs every LV,
//! a JFS split needs the file system mounted), simulates application writes while a copy
//! is split ([`WriteLoad`]), and injects faults ([`Faults`]): failing operations, a crash
//! after N operations, hooks that fail or hang. Its state serialises to JSON.
//!
//! A host can also be Linux-flavoured ([`SimState::set_dialect`] with
//! [`offmirror_core::Dialect::Lvm2`], [`HostBuilder::dialect`], or [`SimHost::lvm2_demo`]):
//! it then offers LVM2's tracked raid1 image split
//! ([`offmirror_core::Mechanism::TrackedImageSplit`]) under LVM2's rules — one LV per split,
//! one split image per LV, an LV with a blocker or stale partitions refused, a mounted
//! split image not merged — with ext4 and XFS frozen around the split, and problems whose
//! fixes name LVM2 commands.
//!
//! ```
//! use offmirror_core::*;
//! use offmirror_sim::{SimHookRunner, SimHost};
//!
//! let host = SimHost::demo();
//! let hooks = SimHookRunner::new(host.clone());
//! let request = BackupRequest::builder("/tmp/offmirror-doc")
//!     .vg(VgName::new("datavg")?)
//!     .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
//!     .build();
//! let preview = plan(&host.inventory()?, &request, &host.capabilities(), &LocalFacts::assume_usable(&request));
//! assert_eq!(preview.plan.units.len(), 1);
//! assert_eq!(preview.plan.units[0].mechanism, Mechanism::VgSplit);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod builder;
mod demo;
mod error;
mod faults;
mod fs_controller;
mod hook_runner;
mod host;
mod lvm2;
mod rng;
mod state;
mod volume_manager;

pub use builder::HostBuilder;
pub use demo::{demo_state, lvm2_demo_state};
pub use error::SimError;
pub use faults::{FailRule, Faults, HookFault, OpKind};
pub use fs_controller::CONTENTS_FILE;
pub use hook_runner::{BackupRead, SimHookRunner};
pub use host::SimHost;
pub use state::{SimState, SplitRecord, WriteLoad};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
