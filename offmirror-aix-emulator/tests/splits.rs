//! Splits of all four mechanisms as the listings show them: `offmirror-aix`'s inventory
//! (a fresh backend, with no memory of the splits) recognises each one, the split copies
//! mount read-only with a CONTENTS file, and the rejoins leave the host as it was.

mod common;

use offmirror_aix::AixBackend;
use offmirror_aix::parse::{parse_mounts, parse_vg_lvs, parse_vg_pp_map};
use offmirror_core::{CopyNumber, LvName, SplitVia, VgName, VolumeManager};
use offmirror_sim::CONTENTS_FILE;

use common::{EmulatedHost, TestResult};

fn ok(
    host: &EmulatedHost,
    program: &str,
    args: &[&str],
) -> Result<String, Box<dyn std::error::Error>> {
    let out = host.run(program, args)?;
    if out.success() {
        Ok(out.stdout)
    } else {
        Err(format!("{program} {args:?}: {out:?}").into())
    }
}

fn lv(name: &str) -> Result<LvName, offmirror_core::NameError> {
    LvName::new(name)
}

#[test]
fn every_split_shows_in_the_aix_inventory_and_rejoins() -> TestResult {
    let mut idle = offmirror_sim::demo_state();
    idle.writes.per_op = 0;
    let host = EmulatedHost::new(idle)?;
    let before = host.sim()?.safe_state_violations();
    let split_mount = host.work.join("split").join("legacylv");
    let split_mount = split_mount.to_str().ok_or("path")?;

    ok(&host, "splitvg", &["-y", "datavg_om", "-c", "2", "datavg"])?;
    ok(
        &host,
        "chfs",
        &[
            "-a",
            &format!("splitcopy={split_mount}"),
            "-a",
            "copy=2",
            "/legacy",
        ],
    )?;
    ok(
        &host,
        "chlvcopy",
        &["-b", "-c", "2", "-P", "-l", "homelv_om", "homelv"],
    )?;
    ok(
        &host,
        "splitlvcopy",
        &["-f", "-y", "hd4_om", "hd4", "1", "hdisk1"],
    )?;
    assert_eq!(host.sim()?.splits.len(), 7);

    // What the listings show.
    let snapshot = parse_vg_lvs(&ok(&host, "lsvg", &["-l", "datavg_om"])?)?;
    let names: Vec<&str> = snapshot.lvs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["fsoradatalv", "fsloglv01", "fsoraloglv", "fsrawdb"]);
    assert!(ok(&host, "lsvg", &["-p", "datavg"])?.contains("snapshotpv"));
    let root = parse_vg_lvs(&ok(&host, "lsvg", &["-l", "rootvg"])?)?;
    let hd4 = root.lvs.iter().find(|r| r.name == "hd4").ok_or("no hd4")?;
    assert_eq!(hd4.copies_hint(), Some(1));
    assert!(root.lvs.iter().any(|r| r.name == "hd4_om"));
    let map = parse_vg_pp_map(&ok(&host, "lsvg", &["-M", "rootvg"])?)?;
    assert_eq!(
        map.used()
            .filter(|(_, _, c)| map.lv_name(c.lv) == Some("hd4_om"))
            .count(),
        8
    );
    let map = parse_vg_pp_map(&ok(&host, "lsvg", &["-M", "appvg"])?)?;
    assert!(
        map.lv_index("homelv_om").is_none(),
        "a backup LV has no partitions of its own"
    );
    let mounts = parse_mounts(&ok(&host, "mount", &[])?)?;
    let split = mounts
        .iter()
        .find(|m| m.mount_point == split_mount)
        .ok_or("the JFS split copy is not mounted")?;
    assert!(split.is_read_only());
    assert!(
        std::path::Path::new(split_mount)
            .join(CONTENTS_FILE)
            .is_file()
    );

    // A fresh backend (no memory of the splits) recognises every one of them.
    let backend = AixBackend::new(host.runner()).work_dir(&host.work);
    let inventory = backend.inventory()?;
    let data = inventory.vg(&VgName::new("datavg")?).ok_or("no datavg")?;
    assert_eq!(data.snapshot, Some(VgName::new("datavg_om")?));
    let snap = inventory
        .vg(&VgName::new("datavg_om")?)
        .ok_or("no snapshot VG")?;
    assert_eq!(snap.snapshot_of, Some(VgName::new("datavg")?));
    for name in ["oradatalv", "loglv01", "oraloglv", "rawdb"] {
        let (_, l) = inventory.lv(&lv(name)?).ok_or("missing")?;
        let mark = l.split.as_ref().ok_or("not marked")?;
        assert_eq!(mark.copy, CopyNumber::default());
        assert_eq!(
            mark.via,
            SplitVia::SnapshotVg {
                vg: VgName::new("datavg_om")?,
                lv: lv(&format!("fs{name}"))?
            }
        );
    }
    let via = |name: &str| -> Result<SplitVia, Box<dyn std::error::Error>> {
        let (_, l) = inventory.lv(&lv(name)?).ok_or("missing")?;
        Ok(l.split.as_ref().ok_or("not marked")?.via.clone())
    };
    assert_eq!(
        via("legacylv")?,
        SplitVia::FsSplitCopy {
            mount_point: split_mount.parse()?
        }
    );
    assert_eq!(
        via("homelv")?,
        SplitVia::BackupLv {
            lv: lv("homelv_om")?
        }
    );
    assert_eq!(via("hd4")?, SplitVia::Detached { lv: lv("hd4_om")? });
    assert!(inventory.lv(&lv("homelv_om")?).is_none());
    assert!(inventory.lv(&lv("hd4_om")?).is_none());
    assert!(
        inventory
            .filesystems
            .iter()
            .all(|f| f.mount_point.as_str() != split_mount)
    );
    let mut names = std::collections::HashSet::new();
    for l in inventory.vgs.iter().flat_map(|v| v.lvs.iter()) {
        assert!(names.insert(l.name.clone()), "{} twice", l.name);
    }

    // The split copies mount read-only, with their contents as a file.
    let state = host.sim()?;
    for (device, parent) in [
        ("fsoradatalv", "oradatalv"),
        ("homelv_om", "homelv"),
        ("hd4_om", "hd4"),
    ] {
        let dir = host.work.join("mnt").join(parent);
        let dir = dir.to_str().ok_or("path")?;
        ok(
            &host,
            "mount",
            &["-V", "jfs2", "-o", "ro", &format!("/dev/{device}"), dir],
        )?;
        let text = std::fs::read_to_string(std::path::Path::new(dir).join(CONTENTS_FILE))?;
        let data = state.split_copy_data(&lv(parent)?).ok_or("no split data")?;
        assert_eq!(text.lines().count(), data.len() + 1, "{device}");
        let mounted = parse_mounts(&ok(&host, "mount", &[])?)?;
        assert!(mounted.iter().any(|m| m.mount_point == dir
            && m.device == format!("/dev/{device}")
            && m.is_read_only()));
    }
    assert!(
        parse_vg_lvs(&ok(&host, "lsvg", &["-l", "datavg_om"])?)?
            .lvs
            .iter()
            .any(|r| r.name == "fsoradatalv" && r.state.is_some_and(|s| s.open))
    );
    // A mounted copy cannot be rejoined.
    let busy = host.run("joinvg", &["datavg"])?;
    assert!(busy.stderr.starts_with("0516-012 joinvg:"), "{busy:?}");
    for parent in ["oradatalv", "homelv", "hd4"] {
        let dir = host.work.join("mnt").join(parent);
        ok(&host, "umount", &[dir.to_str().ok_or("path")?])?;
        assert!(!dir.join(CONTENTS_FILE).exists());
    }

    // Rejoin all four; rebuilding the detached copy takes rmlv then mklvcopy.
    ok(&host, "joinvg", &["datavg"])?;
    ok(&host, "rmfs", &[split_mount])?;
    assert!(
        !std::path::Path::new(split_mount)
            .join(CONTENTS_FILE)
            .exists()
    );
    ok(&host, "chlvcopy", &["-B", "homelv"])?;
    let early = host.run("mklvcopy", &["hd4", "2", "hdisk1"])?;
    assert_eq!(early.status, 1, "mklvcopy before rmlv: {early:?}");
    assert_eq!(
        ok(&host, "rmlv", &["-f", "hd4_om"])?,
        "rmlv: Logical volume hd4_om is removed.\n"
    );
    assert!(!ok(&host, "lsvg", &["-l", "rootvg"])?.contains("hd4_om"));
    ok(&host, "mklvcopy", &["hd4", "2", "hdisk1"])?;
    let hd4_stale = host
        .sim()?
        .inventory
        .lv(&lv("hd4")?)
        .map(|(_, l)| l.stale_pps());
    assert_eq!(hd4_stale, Some(8), "the rebuilt copy is stale throughout");
    ok(&host, "syncvg", &["-l", "legacylv", "homelv"])?;
    ok(&host, "syncvg", &["-l", "hd4"])?;
    for _ in 0..10 {
        let mut stale = 0;
        for vg in ["rootvg", "datavg", "appvg"] {
            stale += parse_vg_pp_map(&ok(&host, "lsvg", &["-M", vg])?)?.stale_count();
        }
        if stale == 3 {
            break; // scratchlv's, which nobody resyncs
        }
    }
    assert_eq!(host.sim()?.safe_state_violations(), before);
    assert!(
        offmirror_aix_emulator::store::load_extras(&host.state)?
            .mounts
            .is_empty()
    );
    Ok(())
}
