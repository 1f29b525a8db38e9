//! Linux LVM2 backend for offmirror: the parsing layer.
//!
//! This crate is the start of the LVM2 backend. For now it holds only [`parse`]: typed
//! readers for what the backend will look at on a Linux host:
//!
//! - the JSON reports of `lvs`, `vgs` and `pvs` (`--reportformat json --units b
//!   --nosuffix`), including the RAID fields the split-mirror backup relies on
//!   (`sync_percent`, `lv_health_status`, `raid_sync_action`, `raid_mismatch_count`,
//!   the `LV_rimage_N` / `LV_rmeta_N` sub-LVs and their `devices`);
//! - the 10-character `lv_attr` string, decoded per lvs(8);
//! - `/proc/self/mountinfo`, to find where an LV (or a split-off image) is mounted.
//!
//! Not here yet, and to come in later work: building and running the LVM commands
//! (`lvconvert --splitmirrors 1 --trackchanges`, `--merge`, `fsfreeze`, ...), mapping the
//! reports onto the `offmirror-core` model and its backend traits, and the QEMU
//! VM harness that tests against real LVM2 (see `shared/lvm2/REPORT.md`). This crate
//! does not depend on `offmirror-core` yet for that reason.
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

pub mod parse;
