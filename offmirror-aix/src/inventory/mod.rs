//! The host's volume groups, logical volumes and file systems as a core
//! [`Inventory`], read with a fixed number of commands per volume group.
//!
//! Reading ([`read_host`]) and mapping ([`build_inventory`]) are separate: the mapping
//! is a pure function of the parsed listings ([`HostListing`]), tested without running
//! anything.
//!
//! | command | gives |
//! |---|---|
//! | `lsvg`, `lsvg -o` | defined and varied-on VGs |
//! | `lsvg VG` | PP size |
//! | `lsvg -p VG` | the disks, their states and sizes |
//! | `lsvg -l VG` | the LVs, their types, sizes and open state |
//! | `lsvg -M VG` | every PP's LV, LP, copy number and stale flag: the mirror copies |
//! | `lsfs -c` | file systems, their devices and types |
//! | `mount` | which are mounted, and their logs |
//!
//! `4 + 4 × (varied-on VGs)` commands, whatever the number of LVs ([`inventory_commands`]).
//! Splits in place are recognised as the `splits` module describes: snapshot VGs,
//! backup and detached child LVs, JFS split mounts.

mod filesystems;
mod listing;
mod read;
mod splits;
mod types;
mod volume_group;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use offmirror_core::{CopyNumber, Inventory, LvName, VgName};

use crate::error::AixError;

pub use filesystems::log_device;
pub use listing::{HostListing, VgListing};
pub use read::{COMMANDS_PER_HOST, COMMANDS_PER_VG, inventory_commands, read_host, read_vg};
pub use splits::snapshot_lv_name;
pub use types::{lv_type, pv_name, pv_state};

/// What the mapping needs besides the listings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InventoryContext {
    /// The work directory: JFS split copies are mounted below its `split/` folder. When
    /// unset, a split mount is recognised by its path alone (`.../split/<lv>`).
    pub work_dir: Option<PathBuf>,
    /// Copies known to be split (the backend's record of its own splits). AIX prints no
    /// copy number for a split; without a hint it is inferred from disks and stale
    /// flags, else copy 2 is assumed.
    pub copies: HashMap<LvName, CopyNumber>,
}

/// Builds the inventory from the listings.
///
/// Volume groups come in `lsvg` order; a VG that is not varied on (or went offline
/// while being read) has no disks and no LVs. Only JFS and JFS2 file systems on LVs of
/// the inventory are kept.
///
/// # Errors
///
/// A VG or LV name AIX would not accept.
///
/// # Example
///
/// ```
/// use offmirror_aix::inventory::{HostListing, InventoryContext, build_inventory};
/// let host = HostListing {
///     all_vgs: vec!["rootvg".into(), "oldvg".into()],
///     online_vgs: vec![],
///     ..HostListing::default()
/// };
/// let inventory = build_inventory(&host, &InventoryContext::default())?;
/// assert_eq!(inventory.vgs.len(), 2);
/// assert!(!inventory.vgs[1].varied_on);
/// # Ok::<(), offmirror_aix::AixError>(())
/// ```
pub fn build_inventory(
    host: &HostListing,
    context: &InventoryContext,
) -> Result<Inventory, AixError> {
    let mut order: Vec<&String> = host.all_vgs.iter().collect();
    order.extend(host.online_vgs.iter().filter(|n| !host.all_vgs.contains(n)));
    let mut seen = HashSet::new();
    let mut built = Vec::with_capacity(order.len());
    for printed in order {
        if !seen.insert(printed.as_str()) {
            continue;
        }
        let name = VgName::new(printed.as_str()).map_err(|source| AixError::Name {
            command: "lsvg".into(),
            source,
        })?;
        let listing = host
            .vgs
            .iter()
            .find(|l| &l.name == printed)
            .filter(|_| host.online_vgs.contains(printed));
        built.push(match listing {
            Some(listing) => volume_group::build_vg(name, listing)?,
            None => volume_group::varied_off(name),
        });
    }
    let split_mounts = splits::detect_splits(&mut built, host, context);
    let vgs: Vec<_> = built.into_iter().map(|b| b.vg).collect();
    let lvs: HashSet<&LvName> = vgs
        .iter()
        .flat_map(|vg| vg.lvs.iter().map(|lv| &lv.name))
        .collect();
    let filesystems =
        filesystems::filesystems(&host.filesystems, &host.mounts, &lvs, &split_mounts);
    Ok(Inventory { vgs, filesystems })
}
