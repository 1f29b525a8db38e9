//! Running the inventory's commands: a fixed number per varied-on volume group.

use offmirror_core::VgName;

use super::{HostListing, VgListing};
use crate::commands;
use crate::error::AixError;
use crate::exec::run_parsed;
use crate::parse::{
    MessageKind, parse_fs_list, parse_mounts, parse_vg_detail, parse_vg_lvs, parse_vg_names,
    parse_vg_pp_map, parse_vg_pvs,
};
use crate::runner::{CommandRunner, display_argv};

/// Commands per varied-on volume group (`lsvg VG`, `lsvg -p VG`, `lsvg -l VG`,
/// `lsvg -M VG`).
pub const COMMANDS_PER_VG: usize = 4;

/// Commands run once per inventory (`lsvg`, `lsvg -o`, `lsfs -c`, `mount`).
pub const COMMANDS_PER_HOST: usize = 4;

/// The commands an inventory runs on a host whose varied-on VGs are `online`, in order:
/// `lsvg`, `lsvg -o`, then for each VG `lsvg VG`, `lsvg -p VG`, `lsvg -l VG`,
/// `lsvg -M VG`, then `lsfs -c` and `mount`: `4 + 4 × VGs`, whatever the number of LVs.
///
/// ```
/// use offmirror_aix::inventory::inventory_commands;
/// use offmirror_core::VgName;
/// let lines = inventory_commands(&[VgName::new("datavg")?]);
/// assert_eq!(lines, [
///     "lsvg", "lsvg -o", "lsvg datavg", "lsvg -p datavg", "lsvg -l datavg",
///     "lsvg -M datavg", "lsfs -c", "mount",
/// ]);
/// # Ok::<(), offmirror_core::NameError>(())
/// ```
pub fn inventory_commands(online: &[VgName]) -> Vec<String> {
    let mut out = vec![
        display_argv(&commands::lsvg_all()),
        display_argv(&commands::lsvg_online()),
    ];
    for vg in online {
        out.extend(vg_commands(vg).iter().map(|argv| display_argv(argv)));
    }
    out.push(display_argv(&commands::lsfs()));
    out.push(display_argv(&commands::mounts()));
    out
}

fn vg_commands(vg: &VgName) -> [Vec<String>; COMMANDS_PER_VG] {
    [
        commands::lsvg_detail(vg),
        commands::lsvg_pvs(vg),
        commands::lsvg_lvs(vg),
        commands::lsvg_pp_map(vg),
    ]
}

/// Reads one varied-on volume group with its four commands.
///
/// # Errors
///
/// A command fails or prints what its parser cannot read.
pub fn read_vg<R: CommandRunner + ?Sized>(runner: &R, vg: &VgName) -> Result<VgListing, AixError> {
    let [detail, pvs, lvs, map] = vg_commands(vg);
    Ok(VgListing {
        name: vg.to_string(),
        detail: run_parsed(runner, &detail, parse_vg_detail)?,
        pvs: run_parsed(runner, &pvs, parse_vg_pvs)?,
        lvs: run_parsed(runner, &lvs, parse_vg_lvs)?,
        map: run_parsed(runner, &map, parse_vg_pp_map)?,
    })
}

/// Runs the inventory's commands ([`inventory_commands`]) and parses their output.
///
/// A volume group that `lsvg -o` listed but that is varied off by the time its own
/// commands run (`0516-010`) is kept as varied off.
///
/// # Errors
///
/// Any other command failure or unreadable output.
pub fn read_host<R: CommandRunner + ?Sized>(runner: &R) -> Result<HostListing, AixError> {
    let all_vgs = run_parsed(runner, &commands::lsvg_all(), parse_vg_names)?;
    let online_vgs = run_parsed(runner, &commands::lsvg_online(), parse_vg_names)?;
    let mut order: Vec<&String> = all_vgs.iter().filter(|n| online_vgs.contains(n)).collect();
    order.extend(online_vgs.iter().filter(|n| !all_vgs.contains(n)));
    let mut vgs = Vec::with_capacity(order.len());
    for name in order {
        let vg = VgName::new(name.as_str()).map_err(|source| AixError::Name {
            command: "lsvg -o".into(),
            source,
        })?;
        match read_vg(runner, &vg) {
            Ok(listing) => vgs.push(listing),
            Err(e)
                if e.command_failure()
                    .is_some_and(|f| f.has(MessageKind::VgNotVariedOn)) => {}
            Err(e) => return Err(e),
        }
    }
    let filesystems = run_parsed(runner, &commands::lsfs(), parse_fs_list)?;
    let mounts = run_parsed(runner, &commands::mounts(), parse_mounts)?;
    Ok(HostListing {
        all_vgs,
        online_vgs,
        vgs,
        filesystems,
        mounts,
    })
}
