//! Typed parsers for the output of AIX LVM and file-system commands.
//!
//! One function per command output, each taking the captured text (stdout, or stderr
//! for [`parse_messages`]) and returning plain data that derives `serde::Serialize` and
//! `serde::Deserialize`:
//!
//! | command | function | result |
//! |---|---|---|
//! | `lsvg`, `lsvg -o` | [`parse_vg_names`] | `Vec<String>` |
//! | `lsvg VG` | [`parse_vg_detail`] | [`VgDetail`] |
//! | `lsvg -l VG` | [`parse_vg_lvs`] | [`VgLvList`] |
//! | `lsvg -p VG` | [`parse_vg_pvs`] | [`VgPvList`] |
//! | `lsvg -M VG` | [`parse_vg_pp_map`] | [`VgPpMap`] |
//! | `lslv LV` | [`parse_lv_detail`] | [`LvDetail`] |
//! | `lslv -m LV` | [`parse_lv_pp_map`] | [`LvPpMap`] |
//! | `lspv` | [`parse_pv_list`] | `Vec<`[`PvListEntry`]`>` |
//! | `lspv PV` | [`parse_pv_detail`] | [`PvDetail`] |
//! | `lsfs -c` | [`parse_fs_list`] | `Vec<`[`FsEntry`]`>` |
//! | `mount` | [`parse_mounts`] | `Vec<`[`MountEntry`]`>` |
//! | stderr of any of them | [`parse_messages`] | `Vec<`[`AixMessage`]`>` |
//!
//! Common rules, applied by every parser:
//!
//! * lines may end in `\r` and trailing blanks; both are ignored, as are empty lines;
//! * table rows are split on runs of blanks, never on column offsets, and the last
//!   column takes the rest of the line;
//! * key/value screens are split at the labels known to appear in the right-hand
//!   column (see the `screen` module), so values that overflow their column still parse;
//! * a value made only of `?` (AIX prints `???????` when it cannot tell) becomes `None`;
//! * keys a parser does not know are skipped;
//! * numbered AIX messages (`0516-NNN ...` and their continuation lines) found among
//!   the data, as in captures that merged stderr into stdout, are skipped; read them
//!   with [`parse_messages`];
//! * anything else unexpected is a [`ParseError`] naming the 1-based line and what was
//!   expected there. No input makes a parser panic.
//!
//! Run the commands with `LC_ALL=C`: the parsers read the English words.

mod error;
mod fs_list;
mod lines;
mod lv_detail;
mod lv_pp_map;
mod messages;
mod mounts;
mod name_table;
mod pv_detail;
mod pv_list;
mod screen;
mod size;
mod states;
mod values;
mod vg_detail;
mod vg_lvs;
mod vg_names;
mod vg_pp_map;
mod vg_pvs;

pub use error::ParseError;
pub use fs_list::{FsEntry, parse_fs_list};
pub use lv_detail::{LvDetail, MirrorWriteConsistency, Strictness, VgActivation, parse_lv_detail};
pub use lv_pp_map::{LpRow, LvPpMap, PpLocation, parse_lv_pp_map};
pub use messages::{AixMessage, MessageCode, MessageKind, parse_messages};
pub use mounts::{MountEntry, parse_mounts};
pub use pv_detail::{PvDetail, parse_pv_detail};
pub use pv_list::{PvListEntry, parse_pv_list};
pub use states::{LvState, PvState};
pub use vg_detail::{Quorum, VgDetail, VgState, parse_vg_detail};
pub use vg_lvs::{VgLvList, VgLvRow, parse_vg_lvs};
pub use vg_names::parse_vg_names;
pub use vg_pp_map::{LpCopyRef, PpMapEntry, PpUsage, VgPpMap, parse_vg_pp_map};
pub use vg_pvs::{VgPvList, VgPvRow, parse_vg_pvs};
