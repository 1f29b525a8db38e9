//! `offmirror lvm2 parse KIND FILE` and `offmirror lvm2 inventory`: read saved LVM2 JSON
//! reports and mount tables with the LVM2 backend's parsers and print what they read, as
//! JSON — for checking the parsers on a system's own output, seeing how a real host maps
//! onto offmirror's inventory, and attaching both to a bug report.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use offmirror_lvm2::inventory::{HostReport, build_inventory};
use offmirror_lvm2::parse::{self, ParseError};
use serde::Serialize;

use crate::args::{Lvm2InventoryArgs, Lvm2ParseKind};
use crate::exit::Code;

/// `lvm2 parse KIND FILE`.
pub fn parse(kind: Lvm2ParseKind, file: &Path) -> Result<Code> {
    let text = read(file)?;
    let json = match kind {
        Lvm2ParseKind::Lvs => to_json(file, parse::parse_lvs(&text)),
        Lvm2ParseKind::Vgs => to_json(file, parse::parse_vgs(&text)),
        Lvm2ParseKind::Pvs => to_json(file, parse::parse_pvs(&text)),
        Lvm2ParseKind::Mountinfo => to_json(file, parse::parse_mountinfo(&text)),
    }?;
    println!("{json}");
    Ok(Code::Ok)
}

/// `lvm2 inventory --vgs F --pvs F --lvs F --mountinfo F`.
pub fn inventory(args: &Lvm2InventoryArgs) -> Result<Code> {
    let report = HostReport {
        vgs: parsed(&args.vgs, parse::parse_vgs)?,
        pvs: parsed(&args.pvs, parse::parse_pvs)?,
        lvs: parsed(&args.lvs, parse::parse_lvs)?,
        mounts: parsed(&args.mountinfo, parse::parse_mountinfo)?,
    };
    let inventory = build_inventory(&report).context("building the inventory")?;
    println!("{}", serde_json::to_string_pretty(&inventory)?);
    Ok(Code::Ok)
}

fn read(file: &Path) -> Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The rows `parse` reads from `file`; an error names the file.
fn parsed<T>(file: &Path, parse: impl FnOnce(&str) -> Result<T, ParseError>) -> Result<T> {
    let text = read(file)?;
    parse(&text).map_err(|e| anyhow!("{}: {e}", file.display()))
}

fn to_json<T: Serialize>(file: &Path, parsed: Result<T, ParseError>) -> Result<String> {
    let parsed = parsed.map_err(|e| anyhow!("{}: {e}", file.display()))?;
    Ok(serde_json::to_string_pretty(&parsed)?)
}
