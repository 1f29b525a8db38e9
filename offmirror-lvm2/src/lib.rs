//! Linux LVM2 backend for offmirror.
//!
//! [`Lvm2Backend`] implements the core's `VolumeManager` and `FsController` over the LVM2
//! and util-linux commands, run as argument vectors through an
//! [`offmirror_command::CommandRunner`]:
//!
//! - inventory from `vgs`, `pvs` and `lvs -a` JSON reports (`--units b --nosuffix`,
//!   explicit field lists) and the mount table: four commands for the whole host
//!   ([`inventory`]);
//! - split: `lvconvert --yes --splitmirrors 1 --trackchanges VG/LV PV...` (the PVs pick
//!   the image of the requested copy), mounted ext4/XFS frozen around it with
//!   `fsfreeze`, each freeze guarded by a [`watchdog`] process;
//! - expose: `blockdev --setro` on the image, then a read-only mount without journal
//!   replay (`noload` for ext4, `norecovery,nouuid` for XFS), or the device path;
//! - rejoin: `lvconvert --yes --mergemirrors VG/LV_rimage_N`; progress from
//!   `sync_percent`.
//!
//! [`parse`] reads the reports and `/proc/self/mountinfo`; [`commands`] builds every
//! argument vector.
//!
//! ```
//! use offmirror_lvm2::parse::{VolumeType, parse_lvs};
//!
//! let stdout = r#"{"report": [{"lv": [
//!     {"lv_name":"data", "lv_attr":"rwi-aor---", "sync_percent":"100.00", "segtype":"raid1"},
//!     {"lv_name":"[data_rimage_0]", "lv_attr":"iwi-aor---", "sync_percent":"", "segtype":"linear"}
//! ]}]}"#;
//! let lvs = parse_lvs(stdout)?;
//! assert_eq!(lvs[0].sync_percent, Some(100.0));
//! assert_eq!(lvs[1].name(), Some("data_rimage_0"));
//! assert!(lvs[1].is_hidden());
//! assert_eq!(lvs[1].lv_attr.as_ref().map(|a| a.volume_type), Some(VolumeType::Image));
//! # Ok::<(), offmirror_lvm2::parse::ParseError>(())
//! ```
#![deny(missing_docs)]
#![deny(clippy::indexing_slicing)]

mod backend;
pub mod commands;
mod error;
pub mod inventory;
pub mod parse;
pub mod watchdog;

pub use backend::{BACKEND_NAME, Lvm2Backend};
pub use error::{CommandFailure, Lvm2Error};
