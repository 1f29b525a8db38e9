//! Typed parsers for what LVM2 and the kernel print.
//!
//! | input | function | result |
//! |---|---|---|
//! | `lvs --reportformat json --units b --nosuffix -o ...` | [`parse_lvs`] | `Vec<`[`LvRow`]`>` |
//! | `vgs --reportformat json --units b --nosuffix -o ...` | [`parse_vgs`] | `Vec<`[`VgRow`]`>` |
//! | `pvs --reportformat json --units b --nosuffix -o ...` | [`parse_pvs`] | `Vec<`[`PvRow`]`>` |
//! | an `lv_attr` value such as `rwi-aor---` | [`decode_lv_attr`] | [`LvAttr`] |
//! | `/proc/self/mountinfo` | [`parse_mountinfo`] | `Vec<`[`MountInfo`]`>` |
//!
//! Common rules of the JSON parsers:
//!
//! * every field is optional, since `-o` picks them; a missing field, `null` or an
//!   empty string is `None` (one exception: [`PvRow::pv_missing`]);
//! * fields a parser does not know are ignored, as are report keys of other commands;
//! * sizes and counts are `u64` and need `--units b --nosuffix` (a value such as
//!   `64.00m` is an error, not a guess); percentages are `f64`;
//! * values are strings in LVM's `json` format; plain JSON numbers (`json_std`) are
//!   accepted too;
//! * the input is the command's stdout only. LVM writes its `WARNING:` lines to stderr;
//!   a capture that merged them into the JSON (as the VM console transcript did) must
//!   drop them before parsing;
//! * a value that cannot be read is a [`ParseError`] naming the report, the 1-based row
//!   and the field. No input makes a parser panic.
//!
//! Run the commands with `LC_ALL=C`.

mod devices;
mod error;
mod lv_attr;
mod lvs;
mod mountinfo;
mod pvs;
mod report;
mod vgs;

pub use devices::SegmentDevice;
pub use error::ParseError;
pub use lv_attr::{
    AllocationPolicy, Health, LvAttr, LvState, Permissions, TargetType, VolumeType, decode_lv_attr,
};
pub use lvs::{LvRow, parse_lvs};
pub use mountinfo::{MountInfo, parse_mountinfo, parse_mountinfo_line};
pub use pvs::{PvRow, parse_pvs};
pub use vgs::{VgRow, parse_vgs};
