//! Shared by the fixture-driven tests: the reports captured from LVM2 2.03.16 in the VM
//! (`tests/fixtures/vm/<state>.<kind>`), parsed into a host report, and the plan the core
//! makes from them with this backend's capabilities.
#![allow(dead_code)]

use std::error::Error;
use std::path::PathBuf;

use offmirror_command::ScriptedRunner;
use offmirror_core::{
    BackupRequest, HookPhase, HookSpec, Inventory, LocalFacts, LogicalVolume, Preview, SplitUnit,
    VgName, VolumeManager, plan,
};
use offmirror_lvm2::Lvm2Backend;
use offmirror_lvm2::inventory::{HostReport, build_inventory};
use offmirror_lvm2::parse::{parse_lvs, parse_mountinfo, parse_pvs, parse_vgs};

pub type TestResult = Result<(), Box<dyn Error>>;

/// Every captured state.
pub const STATES: [&str; 5] = ["normal", "split", "reactivated", "syncing", "missing_pv"];

/// The text of one fixture: `kind` is `vgs.json`, `pvs.json`, `lvs.json` or
/// `mountinfo.txt`.
pub fn fixture(state: &str, kind: &str) -> Result<String, Box<dyn Error>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vm")
        .join(format!("{state}.{kind}"));
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()).into())
}

pub fn lvs_text(state: &str) -> Result<String, Box<dyn Error>> {
    fixture(state, "lvs.json")
}

pub fn mountinfo_text(state: &str) -> Result<String, Box<dyn Error>> {
    fixture(state, "mountinfo.txt")
}

/// The parsed reports of one state, with the lvs text given (a fixture, or one edited
/// from a fixture).
pub fn report_with_lvs(state: &str, lvs: &str) -> Result<HostReport, Box<dyn Error>> {
    Ok(HostReport {
        vgs: parse_vgs(&fixture(state, "vgs.json")?)?,
        pvs: parse_pvs(&fixture(state, "pvs.json")?)?,
        lvs: parse_lvs(lvs)?,
        mounts: parse_mountinfo(&mountinfo_text(state)?)?,
    })
}

pub fn report(state: &str) -> Result<HostReport, Box<dyn Error>> {
    report_with_lvs(state, &lvs_text(state)?)
}

pub fn inventory(state: &str) -> Result<Inventory, Box<dyn Error>> {
    Ok(build_inventory(&report(state)?)?)
}

/// The LV `name` of VG vg0.
pub fn lv<'a>(inv: &'a Inventory, name: &str) -> Result<&'a LogicalVolume, Box<dyn Error>> {
    inv.vgs
        .iter()
        .find(|vg| vg.name.as_str() == "vg0")
        .and_then(|vg| vg.lvs.iter().find(|lv| lv.name.as_str() == name))
        .ok_or_else(|| format!("no LV {name} in vg0").into())
}

/// Where an extent lives: (PV index, 1-based PV extent, stale), `None` when unmapped.
pub type Extent = Option<(u16, u32, bool)>;

/// Where extent `lp` (0-based) of copy `copy` (1-based) of `lv` lives: (PV index,
/// 1-based PV extent, stale).
pub fn extent(lv: &LogicalVolume, copy: usize, lp: usize) -> Result<Extent, Box<dyn Error>> {
    let copy = copy
        .checked_sub(1)
        .and_then(|i| lv.copies.get(i))
        .ok_or_else(|| format!("{} has no copy {copy}", lv.name))?;
    let slot = copy
        .pps
        .get(lp)
        .ok_or_else(|| format!("{} has no extent {lp}", lv.name))?;
    Ok(slot.map(|p| (p.pv, p.pp, p.stale)))
}

/// A request for all of vg0 with a backup hook; work directory `work_dir`.
pub fn request(work_dir: &str) -> Result<BackupRequest, Box<dyn Error>> {
    Ok(BackupRequest::builder(work_dir)
        .vg(VgName::new("vg0")?)
        .hook(
            HookPhase::Backup,
            HookSpec::new("/usr/local/bin/backup-split"),
        )
        .build())
}

/// The core's preview of a vg0 backup on `inv`, with this backend's capabilities.
pub fn preview(inv: &Inventory) -> Result<Preview, Box<dyn Error>> {
    let request = request("/var/lib/offmirror")?;
    let caps = Lvm2Backend::new(ScriptedRunner::new()).capabilities();
    Ok(plan(
        inv,
        &request,
        &caps,
        &LocalFacts::assume_usable(&request),
    ))
}

/// The planned unit that splits `lv`.
pub fn unit_for(preview: &Preview, lv: &str) -> Result<SplitUnit, Box<dyn Error>> {
    preview
        .plan
        .units
        .iter()
        .find(|u| u.lvs.iter().any(|l| l.lv.as_str() == lv))
        .cloned()
        .ok_or_else(|| format!("no unit for {lv} in {:?}", preview.plan.units).into())
}

/// Replaces `from` by `to` in `text`, failing when `from` is not there exactly once (so an
/// edit of a fixture cannot silently miss).
pub fn edit(text: &str, from: &str, to: &str) -> Result<String, Box<dyn Error>> {
    let count = text.matches(from).count();
    if count != 1 {
        return Err(format!("{from:?} occurs {count} times, expected once").into());
    }
    Ok(text.replacen(from, to, 1))
}
