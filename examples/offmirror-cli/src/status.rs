//! `status`: the host's volume groups — the simulated host's, or this host's LVM2 ones —
//! and the runs of a work directory.

use std::path::Path;

use anyhow::Result;
use offmirror_core::{Inventory, Report, VolumeManager};
use offmirror_sim::SimHost;
use serde::Serialize;

use crate::args::{BackendKind, StatusArgs};
use crate::exit::Code;
use crate::host::HostError;

#[derive(Serialize)]
struct Status {
    inventory: Inventory,
    runs: Vec<RunSummary>,
}

#[derive(Serialize)]
struct RunSummary {
    run_id: String,
    started_at: String,
    outcome: String,
    errors: usize,
}

pub fn run(args: &StatusArgs) -> Result<Code> {
    let inventory = match (args.backend, &args.sim_state) {
        // The AIX command emulator keeps its host in the same state file.
        (BackendKind::Sim | BackendKind::Aix, Some(state)) => SimHost::load(state)?.inventory()?,
        (BackendKind::Sim | BackendKind::Aix, None) => {
            return Err(HostError::NoSimState(args.backend).into());
        }
        (BackendKind::Lvm2, Some(_)) => return Err(HostError::SimStateWithLvm2.into()),
        (BackendKind::Lvm2, None) => {
            crate::host::lvm2_usable()?;
            crate::host::lvm2_backend().inventory()?
        }
    };
    let runs = match &args.work_dir {
        Some(dir) => runs(dir),
        None => Vec::new(),
    };
    if args.json {
        let status = Status { inventory, runs };
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(Code::Ok);
    }
    println!(
        "{:<12} {:<10} {:>4} {:<8} {:>5} {:>6} {:>6}  SPLIT",
        "VG/LV", "TYPE", "LPs", "STATE", "COPY", "STALE", "DISKS"
    );
    for vg in &inventory.vgs {
        let state = if vg.varied_on { "active" } else { "off" };
        let snap = vg
            .snapshot
            .as_ref()
            .map_or(String::new(), |s| format!("snapshot {s}"));
        println!(
            "{:<12} {:<10} {:>4} {:<8} {:>5} {:>6} {:>6}  {snap}",
            vg.name.as_str(),
            "vg",
            "",
            state,
            "",
            vg.stale_pps(),
            vg.pvs.len()
        );
        for lv in &vg.lvs {
            let split = lv
                .split
                .as_ref()
                .map_or(String::new(), |m| format!("copy {} {:?}", m.copy, m.via));
            println!(
                "  {:<10} {:<10} {:>4} {:<8} {:>5} {:>6} {:>6}  {split}",
                lv.name.as_str(),
                lv.lv_type.as_str(),
                lv.lps,
                if lv.open { "open" } else { "closed" },
                lv.copy_count(),
                lv.stale_pps(),
                lv.copies
                    .iter()
                    .flat_map(|c| c.pv_set())
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
            );
        }
    }
    for r in &runs {
        println!(
            "run {} started {}: {} ({} error(s))",
            r.run_id, r.started_at, r.outcome, r.errors
        );
    }
    Ok(Code::Ok)
}

/// Runs recorded in a work directory, oldest first.
fn runs(work_dir: &Path) -> Vec<RunSummary> {
    let Ok(entries) = std::fs::read_dir(work_dir.join("runs")) else {
        return Vec::new();
    };
    let interrupted = offmirror_core::interrupted_runs(work_dir).unwrap_or_default();
    let mut out: Vec<RunSummary> = entries
        .flatten()
        .map(|e| {
            let id = e.file_name().to_string_lossy().into_owned();
            let report: Option<Report> = std::fs::read(e.path().join("report.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            if interrupted.contains(&id) {
                return RunSummary {
                    started_at: report.map(|r| r.started_at).unwrap_or_default(),
                    run_id: id,
                    outcome: "interrupted: run `offmirror recover`".into(),
                    errors: 0,
                };
            }
            match report {
                Some(r) => RunSummary {
                    run_id: id,
                    started_at: r.started_at,
                    outcome: format!("{:?}", r.outcome),
                    errors: r.errors.len(),
                },
                None => RunSummary {
                    run_id: id,
                    started_at: String::new(),
                    outcome: "no report".into(),
                    errors: 0,
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.started_at.cmp(&b.started_at));
    out
}
