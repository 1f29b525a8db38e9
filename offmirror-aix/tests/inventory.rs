//! The inventory: the commands it runs (a fixed number per VG) and the model it builds,
//! from outputs in the layouts of the real samples, from the real samples themselves,
//! and with splits left in place.

mod common;
mod support;

use std::error::Error;

use offmirror_aix::AixBackend;
use offmirror_aix::inventory::{
    HostListing, InventoryContext, build_inventory, inventory_commands,
};
use offmirror_aix::parse::{parse_fs_list, parse_mounts, parse_vg_lvs, parse_vg_pp_map};
use offmirror_aix::runner::{CommandOutput, RecordingRunner, ScriptedRunner};
use offmirror_core::{
    BackendError, CopyNumber, Inventory, LogDevice, LvName, LvType, PvState, SplitVia, Vfs, VgName,
    VolumeManager,
};
use support::{Lv, Vg, datavg, host, jfsvg, mount_line, with_vg};

type TestResult = Result<(), Box<dyn Error>>;

fn lv(name: &str) -> Result<LvName, Box<dyn Error>> {
    Ok(LvName::new(name)?)
}

/// Every copy maps every LP to an existing disk; names are unique; file systems are
/// on LVs of the inventory (the core conformance suite's first check).
fn check_consistent(inv: &Inventory) -> TestResult {
    let mut names = std::collections::HashSet::new();
    for vg in &inv.vgs {
        assert!(names.insert(vg.name.to_string()), "VG {} twice", vg.name);
        for lv in &vg.lvs {
            assert!(names.insert(lv.name.to_string()), "LV {} twice", lv.name);
            assert!((1..=3).contains(&lv.copies.len()), "{} copies", lv.name);
            for copy in &lv.copies {
                assert_eq!(copy.pps.len(), lv.lps as usize, "{}", lv.name);
                for pp in copy.pps.iter().flatten() {
                    assert!(usize::from(pp.pv) < vg.pvs.len(), "{}", lv.name);
                }
            }
        }
    }
    for fs in &inv.filesystems {
        assert!(
            inv.lv(&fs.device).is_some(),
            "{} on unknown LV",
            fs.mount_point
        );
    }
    Ok(())
}

#[test]
fn inventory_runs_four_commands_per_varied_on_vg() -> TestResult {
    let runner = RecordingRunner::new(host(&[datavg(), jfsvg()], &["oldvg"]));
    let log = runner.log();
    let inv = AixBackend::new(runner).inventory()?;
    assert_eq!(
        log.lines(),
        [
            "lsvg",
            "lsvg -o",
            "lsvg datavg",
            "lsvg -p datavg",
            "lsvg -l datavg",
            "lsvg -M datavg",
            "lsvg jfsvg",
            "lsvg -p jfsvg",
            "lsvg -l jfsvg",
            "lsvg -M jfsvg",
            "lsfs -c",
            "mount",
        ]
    );
    let online = [VgName::new("datavg")?, VgName::new("jfsvg")?];
    assert_eq!(log.lines(), inventory_commands(&online));
    assert_eq!(inv.vgs.len(), 3);
    let oldvg = inv.vg(&VgName::new("oldvg")?).ok_or("no oldvg")?;
    assert!(!oldvg.varied_on && oldvg.lvs.is_empty() && oldvg.pvs.is_empty());
    check_consistent(&inv)
}

#[test]
fn command_count_does_not_grow_with_lvs() -> TestResult {
    let count = |lvs: usize| -> Result<usize, Box<dyn Error>> {
        let vg = Vg::new(
            "bigvg",
            &["hdisk7", "hdisk8"],
            (0..lvs)
                .map(|i| {
                    Lv::new(&format!("lv{i:02}"), "jfs2", 2, 2).fs(&format!("/fs{i:02}"), "jfs2")
                })
                .collect(),
        );
        let runner = RecordingRunner::new(host(&[vg], &[]));
        let log = runner.log();
        let inv = AixBackend::new(runner).inventory()?;
        assert_eq!(inv.vgs.first().map(|vg| vg.lvs.len()), Some(lvs));
        assert_eq!(inv.filesystems.len(), lvs);
        Ok(log.count())
    };
    let one = count(1)?;
    let fifty = count(50)?;
    assert_eq!(one, fifty);
    assert_eq!(one, 4 + 4);
    Ok(())
}

#[test]
fn copies_disks_types_and_file_systems() -> TestResult {
    let data = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3", "hdisk4"],
        vec![
            Lv::new("loglv01", "jfs2log", 1, 3),
            Lv::new("datalv", "jfs2", 8, 3)
                .fs("/data", "jfs2")
                .stale(2, 3)
                .stale(3, 8),
            Lv::new("rawlv", "raw", 4, 2),
            Lv::new("oralv", "oradata", 2, 1),
            Lv::new("pglv", "paging", 2, 2),
            Lv::new("homelv", "jfs2", 1, 2)
                .fs("/home2", "jfs2")
                .unmounted(),
        ],
    );
    let inv = AixBackend::new(host(&[data], &[])).inventory()?;
    check_consistent(&inv)?;
    let vg = inv.vg(&VgName::new("datavg")?).ok_or("no datavg")?;
    assert!(vg.varied_on);
    assert_eq!(vg.pp_size_mb, 64);
    assert_eq!(
        vg.pvs
            .iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>(),
        ["hdisk2", "hdisk3", "hdisk4"]
    );
    assert!(
        vg.pvs
            .iter()
            .all(|p| p.state == PvState::Active && p.total_pps == 1000)
    );
    let (_, datalv) = inv.lv(&lv("datalv")?).ok_or("no datalv")?;
    assert_eq!(
        (datalv.lv_type, datalv.lps, datalv.copies.len()),
        (LvType::Jfs2, 8, 3)
    );
    assert!(datalv.open);
    assert_eq!(datalv.stale_pps(), 2);
    let copy2 = datalv.copy(CopyNumber::new(2)?).ok_or("no copy 2")?;
    assert_eq!(copy2.pv_set().into_iter().collect::<Vec<_>>(), [1]);
    assert!(copy2.pps.get(2).copied().flatten().is_some_and(|p| p.stale));
    assert!(copy2.is_complete());
    let types: Vec<(String, LvType)> = vg
        .lvs
        .iter()
        .map(|l| (l.name.to_string(), l.lv_type))
        .collect();
    assert!(
        types.contains(&("oralv".into(), LvType::Raw)),
        "unknown types are raw data volumes"
    );
    assert!(types.contains(&("pglv".into(), LvType::Paging)));
    assert!(types.contains(&("loglv01".into(), LvType::Jfs2log)));
    let (_, oralv) = inv.lv(&lv("oralv")?).ok_or("no oralv")?;
    assert_eq!(
        oralv.copies.len(),
        1,
        "an unmirrored LV prints no copy number"
    );
    let data_fs = inv.filesystem_on(&lv("datalv")?).ok_or("no /data")?;
    assert_eq!(data_fs.vfs, Vfs::Jfs2);
    assert!(data_fs.mounted);
    assert_eq!(data_fs.log, LogDevice::Lv(lv("hd8")?));
    let home = inv.filesystem_on(&lv("homelv")?).ok_or("no /home2")?;
    assert!(!home.mounted);
    assert_eq!(
        home.log,
        LogDevice::None,
        "lsfs -c prints no log and it is not mounted"
    );
    assert!(
        inv.filesystems
            .iter()
            .all(|f| f.mount_point.as_str() != "/"),
        "hd4 is in no listed VG"
    );
    Ok(())
}

#[test]
fn a_vg_varied_off_while_read_is_kept_varied_off() -> TestResult {
    let runner = with_vg(
        ScriptedRunner::new()
            .on("lsvg", CommandOutput::ok("datavg\njfsvg\n"))
            .on("lsvg -o", CommandOutput::ok("datavg\njfsvg\n"))
            .on(
                "lsvg jfsvg",
                CommandOutput::failed(
                    1,
                    "0516-010 : Volume group must be varied on; use varyonvg command.\n",
                ),
            )
            .on(
                "lsfs -c",
                CommandOutput::ok(support::lsfs(&[datavg(), jfsvg()], &[])),
            )
            .on("mount", CommandOutput::ok(support::mount(&[datavg()], &[]))),
        &datavg(),
    );
    let inv = AixBackend::new(runner).inventory()?;
    let jfs = inv.vg(&VgName::new("jfsvg")?).ok_or("no jfsvg")?;
    assert!(!jfs.varied_on);
    assert!(
        inv.filesystem_on(&lv("oldlv")?).is_none(),
        "its LVs are unknown"
    );
    check_consistent(&inv)
}

#[test]
fn a_failing_listing_is_a_command_error_with_argv_status_and_stderr() -> TestResult {
    let runner = ScriptedRunner::new()
        .on("lsvg", CommandOutput::ok("datavg\n"))
        .on("lsvg -o", CommandOutput::ok("datavg\n"))
        .on(
            "lsvg datavg",
            CommandOutput::failed(
                1,
                "0516-306 getlvodm: Unable to find volume group datavg in the Device\n\tConfiguration Database.\n",
            ),
        );
    let err = AixBackend::new(runner).inventory().err();
    match err {
        Some(BackendError::Command {
            argv,
            status,
            stderr_tail,
        }) => {
            assert_eq!(argv, ["lsvg", "datavg"]);
            assert!(status.starts_with("exit status 1"), "{status}");
            assert!(status.contains("0516-306"), "{status}");
            assert!(
                stderr_tail.contains("Unable to find volume group datavg"),
                "{stderr_tail}"
            );
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn unreadable_output_is_a_failure_naming_the_command() -> TestResult {
    let runner = ScriptedRunner::new()
        .on("lsvg", CommandOutput::ok("datavg\n"))
        .on("lsvg -o", CommandOutput::ok("datavg\n"))
        .on("lsvg datavg", CommandOutput::ok(datavg().detail()))
        .on("lsvg -p datavg", CommandOutput::ok("no heading here\n"));
    match AixBackend::new(runner).inventory() {
        Err(BackendError::Failed { message, .. }) => {
            assert!(message.contains("lsvg -p datavg"), "{message}")
        }
        other => return Err(format!("expected a failure, got {other:?}").into()),
    }
    Ok(())
}

// ---- splits left in place ----------------------------------------------------------

/// The parsed listing of a host made of `vgs`, with these `lsfs -c` and `mount` outputs.
fn listing_of(vgs: &[Vg], lsfs: String, mount: String) -> Result<HostListing, Box<dyn Error>> {
    let all: Vec<&Vg> = vgs.iter().collect();
    let mut runner = ScriptedRunner::new()
        .on(
            "lsvg",
            CommandOutput::ok(
                all.iter()
                    .map(|v| format!("{}\n", v.name))
                    .collect::<String>(),
            ),
        )
        .on(
            "lsvg -o",
            CommandOutput::ok(
                all.iter()
                    .map(|v| format!("{}\n", v.name))
                    .collect::<String>(),
            ),
        )
        .on("lsfs -c", CommandOutput::ok(lsfs))
        .on("mount", CommandOutput::ok(mount));
    for vg in &all {
        runner = with_vg(runner, vg);
    }
    Ok(offmirror_aix::inventory::read_host(&runner)?)
}

#[test]
fn a_snapshot_vg_marks_every_lv_of_its_original() -> TestResult {
    // After splitvg: the original lists the split disk in a state of its own and its map
    // no longer shows copy 2 (no sample exists; either way the copy is found); the
    // snapshot VG holds the copies as LVs named fs<lv>.
    let original = Vg::new(
        "datavg",
        &["hdisk2"],
        vec![
            Lv::new("loglv01", "jfs2log", 1, 1),
            Lv::new("datalv", "jfs2", 8, 1).fs("/data", "jfs2"),
            Lv::new("rawlv", "raw", 4, 1),
        ],
    );
    let snapshot = Vg::new(
        "datavg_om",
        &["hdisk3"],
        vec![
            Lv::new("fsloglv01", "jfs2log", 1, 1),
            Lv::new("fsdatalv", "jfs2", 8, 1),
            Lv::new("fsrawlv", "raw", 4, 1),
        ],
    );
    let mut listing = listing_of(
        &[original.clone(), snapshot],
        support::lsfs(std::slice::from_ref(&original), &[]),
        support::mount(&[original], &[]),
    )?;
    // lsvg -p datavg as it may look while split: the disk stays listed, not active.
    if let Some(vg) = listing.vgs.iter_mut().find(|v| v.name == "datavg") {
        vg.pvs = offmirror_aix::parse::parse_vg_pvs(
            "datavg:\nPV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n\
             hdisk2            active            1000        987         197..197..197..197..199\n\
             hdisk3            snapshotpv        1000        987         197..197..197..197..199\n",
        )?;
    }
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    check_consistent(&inv)?;
    let data = inv.vg(&VgName::new("datavg")?).ok_or("no datavg")?;
    assert_eq!(data.snapshot, Some(VgName::new("datavg_om")?));
    assert_eq!(data.pvs.get(1).map(|p| p.state), Some(PvState::Removed));
    let snap = inv.vg(&VgName::new("datavg_om")?).ok_or("no snapshot")?;
    assert_eq!(snap.snapshot_of, Some(VgName::new("datavg")?));
    for (name, in_snapshot) in [
        ("loglv01", "fsloglv01"),
        ("datalv", "fsdatalv"),
        ("rawlv", "fsrawlv"),
    ] {
        let (_, l) = inv.lv(&lv(name)?).ok_or("missing LV")?;
        let mark = l.split.as_ref().ok_or("not marked")?;
        assert_eq!(mark.copy, CopyNumber::default());
        assert_eq!(
            mark.via,
            SplitVia::SnapshotVg {
                vg: VgName::new("datavg_om")?,
                lv: lv(in_snapshot)?
            }
        );
    }
    Ok(())
}

#[test]
fn the_split_copy_is_the_one_on_the_snapshot_disks() -> TestResult {
    // If the original's map still shows both copies, the copy on the snapshot VG's disk
    // is the split one: here copy 1 (hdisk2).
    let original = datavg();
    let snapshot = Vg::new(
        "datavg_om",
        &["hdisk2"],
        vec![
            Lv::new("fsloglv01", "jfs2log", 1, 1),
            Lv::new("fsdatalv", "jfs2", 8, 1),
            Lv::new("fsrawlv", "raw", 4, 1),
        ],
    );
    let listing = listing_of(
        &[original.clone(), snapshot],
        support::lsfs(std::slice::from_ref(&original), &[]),
        support::mount(&[original], &[]),
    )?;
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    let (_, data) = inv.lv(&lv("datalv")?).ok_or("no datalv")?;
    assert_eq!(data.split.as_ref().map(|m| m.copy), Some(CopyNumber::FIRST));
    Ok(())
}

#[test]
fn a_backup_lv_marks_its_parent_and_is_not_an_lv_of_its_own() -> TestResult {
    let mut vg = datavg();
    vg.lvs.push(Lv::new("datalv_om", "jfs2", 8, 1));
    vg.lvs
        .iter_mut()
        .filter(|l| l.name == "datalv")
        .for_each(|l| l.stale = vec![(2, 5)]);
    let mut listing = listing_of(
        std::slice::from_ref(&vg),
        support::lsfs(std::slice::from_ref(&vg), &[]),
        support::mount(std::slice::from_ref(&vg), &[]),
    )?;
    // chlvcopy's child LV shares the parent's copy: give it no partitions of its own.
    if let Some(v) = listing.vgs.first_mut() {
        let text: String = support::datavg().map();
        v.map = parse_vg_pp_map(&text.replace("datalv:5:2", "datalv:5:2\tstale"))?;
    }
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    check_consistent(&inv)?;
    assert!(inv.lv(&lv("datalv_om")?).is_none());
    let (_, data) = inv.lv(&lv("datalv")?).ok_or("no datalv")?;
    let mark = data.split.as_ref().ok_or("not marked")?;
    assert_eq!(
        mark.via,
        SplitVia::BackupLv {
            lv: lv("datalv_om")?
        }
    );
    assert_eq!(
        mark.copy,
        CopyNumber::new(2)?,
        "the only copy with stale partitions"
    );

    // With the backend's own record the copy is known whatever the map shows.
    let mut context = InventoryContext::default();
    context.copies.insert(lv("datalv")?, CopyNumber::new(1)?);
    let inv = build_inventory(&listing, &context)?;
    let (_, data) = inv.lv(&lv("datalv")?).ok_or("no datalv")?;
    assert_eq!(data.split.as_ref().map(|m| m.copy), Some(CopyNumber::FIRST));
    Ok(())
}

#[test]
fn a_detached_lv_with_partitions_of_its_own_is_detached() -> TestResult {
    // After splitlvcopy: rawlv keeps copy 1 on hdisk2; rawlv_om holds the former copy 2
    // on hdisk3 as an LV of one copy.
    let vg = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3"],
        vec![
            Lv::new("datalv", "jfs2", 8, 2).fs("/data", "jfs2"),
            Lv::new("rawlv", "raw", 4, 1),
        ],
    );
    let mut listing = listing_of(
        std::slice::from_ref(&vg),
        support::lsfs(std::slice::from_ref(&vg), &[]),
        support::mount(std::slice::from_ref(&vg), &[]),
    )?;
    if let Some(v) = listing.vgs.first_mut() {
        let mut lvs = vg.lvs_listing();
        lvs += "rawlv_om            raw        4       4       1    closed/syncd  N/A\n";
        v.lvs = parse_vg_lvs(&lvs)?;
        let mut map = vg.map().replace("hdisk3:9-1000\n", "");
        map += "hdisk3:9\trawlv_om:1\nhdisk3:10\trawlv_om:2\nhdisk3:11\trawlv_om:3\nhdisk3:12\trawlv_om:4\nhdisk3:13-1000\n";
        v.map = parse_vg_pp_map(&map)?;
    }
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    check_consistent(&inv)?;
    assert!(inv.lv(&lv("rawlv_om")?).is_none());
    let (_, raw) = inv.lv(&lv("rawlv")?).ok_or("no rawlv")?;
    assert_eq!(raw.copies.len(), 1);
    let mark = raw.split.as_ref().ok_or("not marked")?;
    assert_eq!(
        mark.via,
        SplitVia::Detached {
            lv: lv("rawlv_om")?
        }
    );
    Ok(())
}

#[test]
fn a_jfs_split_mount_marks_its_lv_and_is_no_file_system() -> TestResult {
    let vg = jfsvg();
    let split_line = mount_line(
        "/dev/fslv05",
        "/var/om/split/oldlv",
        "jfs",
        "ro,log=/dev/loglv00",
    );
    let lsfs = support::lsfs(
        std::slice::from_ref(&vg),
        &[("/var/om/split/oldlv", "/dev/fslv05", "jfs")],
    );
    let mut listing = listing_of(
        std::slice::from_ref(&vg),
        lsfs,
        support::mount(std::slice::from_ref(&vg), &[split_line]),
    )?;
    if let Some(v) = listing.vgs.first_mut() {
        // The split copy's own LV, if AIX lists one, is an access path, not an LV.
        let lvs = vg.lvs_listing()
            + "fslv05              jfs        5       5       1    open/syncd    /var/om/split/oldlv\n";
        v.lvs = parse_vg_lvs(&lvs)?;
    }
    for context in [
        InventoryContext::default(),
        InventoryContext {
            work_dir: Some("/var/om".into()),
            ..InventoryContext::default()
        },
    ] {
        let inv = build_inventory(&listing, &context)?;
        check_consistent(&inv)?;
        let (_, old) = inv.lv(&lv("oldlv")?).ok_or("no oldlv")?;
        let mark = old.split.as_ref().ok_or("not marked")?;
        assert_eq!(
            mark.via,
            SplitVia::FsSplitCopy {
                mount_point: "/var/om/split/oldlv".parse()?
            }
        );
        assert!(inv.lv(&lv("fslv05")?).is_none());
        assert_eq!(inv.filesystems.len(), 1, "{:?}", inv.filesystems);
        assert_eq!(
            inv.filesystem_on(&lv("oldlv")?).map(|f| f.log.clone()),
            Some(LogDevice::Lv(lv("loglv00")?))
        );
    }
    // Another work directory: not ours.
    let other = InventoryContext {
        work_dir: Some("/elsewhere".into()),
        ..InventoryContext::default()
    };
    let inv = build_inventory(&listing, &other)?;
    assert!(
        inv.lv(&lv("oldlv")?)
            .is_some_and(|(_, l)| l.split.is_none())
    );
    Ok(())
}

// ---- real samples ------------------------------------------------------------------

#[test]
fn rootvg_sample_with_a_map_in_its_shape() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    // lsvg-l.3: a mirrored rootvg with stale LVs; a map consistent with it (two disks,
    // copy 2 stale where the LV is stale, lv_dump unmirrored).
    let lvs = parse_vg_lvs(&samples.read("lsvg-l.3.txt")?)?;
    let mut map = String::from("rootvg\n");
    let mut pp = [1u32, 1u32];
    for row in &lvs.lvs {
        let lps = row.lps.unwrap_or(0);
        let copies = row.copies_hint().unwrap_or(1);
        let stale = row.state.is_some_and(|s| s.stale);
        for lp in 1..=lps {
            for copy in 1..=copies {
                let disk = (copy - 1) as usize;
                let slot = pp.get_mut(disk).ok_or("three copies")?;
                if copies == 1 {
                    map += &format!("hdisk{disk}:{slot}\t{}:{lp}\n", row.name);
                } else {
                    let mark = if stale && copy == 2 && lp == 1 {
                        "\tstale"
                    } else {
                        ""
                    };
                    map += &format!("hdisk{disk}:{slot}\t{}:{lp}:{copy}{mark}\n", row.name);
                }
                *slot += 1;
            }
        }
    }
    let pvs = offmirror_aix::parse::parse_vg_pvs(
        "rootvg:\nPV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n\
         hdisk0            active            546         400         100..100..100..50..50\n\
         hdisk1            active            546         400         100..100..100..50..50\n",
    )?;
    let detail = offmirror_aix::parse::parse_vg_detail(&samples.read("lsvg_vg.2.txt")?)?;
    let listing = HostListing {
        all_vgs: vec!["rootvg".into()],
        online_vgs: vec!["rootvg".into()],
        vgs: vec![offmirror_aix::inventory::VgListing {
            name: "rootvg".into(),
            detail,
            pvs,
            lvs,
            map: parse_vg_pp_map(&map)?,
        }],
        filesystems: parse_fs_list(&samples.read("lsfs-c.2.txt")?)?,
        mounts: parse_mounts(&samples.read("mount.1.txt")?)?,
    };
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    check_consistent(&inv)?;
    let root = inv.vg(&VgName::new("rootvg")?).ok_or("no rootvg")?;
    assert!(root.is_root());
    let kind = |n: &str| {
        root.lvs
            .iter()
            .find(|l| l.name.as_str() == n)
            .map(|l| l.lv_type)
    };
    assert_eq!(kind("hd5"), Some(LvType::Boot));
    assert_eq!(kind("hd6"), Some(LvType::Paging));
    assert_eq!(kind("lv_dump"), Some(LvType::Sysdump));
    assert_eq!(kind("loglv00"), Some(LvType::Jfslog));
    let (_, hd4) = inv.lv(&lv("hd4")?).ok_or("no hd4")?;
    assert_eq!((hd4.lps, hd4.copies.len(), hd4.stale_pps()), (3, 2, 1));
    assert!(hd4.open);
    // lsfs-c.2 lists /, /tmp, /usr; mount.1 has them mounted with log hd8.
    let slash = inv.filesystem_on(&lv("hd4")?).ok_or("no /")?;
    assert!(slash.mounted);
    assert_eq!(slash.vfs, Vfs::Jfs2);
    assert_eq!(slash.log, LogDevice::Lv(lv("hd8")?));
    Ok(())
}

#[test]
fn every_fs_and_mount_sample_maps_without_error() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let fs_samples = samples.of_command("lsfs-c")?;
    let mount_samples = samples.of_command("mount")?;
    assert!(!fs_samples.is_empty() && !mount_samples.is_empty());
    for (fs_name, fs_text) in &fs_samples {
        for (mount_name, mount_text) in &mount_samples {
            let listing = HostListing {
                filesystems: parse_fs_list(fs_text)?,
                mounts: parse_mounts(mount_text)?,
                ..HostListing::default()
            };
            let inv = build_inventory(&listing, &InventoryContext::default())
                .map_err(|e| format!("{fs_name} + {mount_name}: {e}"))?;
            assert!(
                inv.filesystems.is_empty(),
                "no LV is known, so no file system is kept"
            );
        }
    }
    Ok(())
}

#[test]
fn absurd_lp_numbers_do_not_exhaust_memory() -> TestResult {
    // lsvg -l claims 4e9 LPs and the map places one LP at 4e9 and one at 3e9: a dense
    // per-LP copy of that would need tens of gigabytes.
    let lvs = "datavg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n\
               hugelv              raw        4000000000 4000000001 2 closed/syncd  N/A\n\
               otherlv             raw        4000000000 4000000000 1 closed/syncd  N/A\n";
    let map = "datavg\nhdisk2:1\thugelv:4000000000:1\nhdisk3:1\thugelv:3000000000:2\nhdisk2:2\tholelv:1:1\n";
    let listing = HostListing {
        all_vgs: vec!["datavg".into()],
        online_vgs: vec!["datavg".into()],
        vgs: vec![offmirror_aix::inventory::VgListing {
            name: "datavg".into(),
            detail: offmirror_aix::parse::parse_vg_detail(&datavg().detail())?,
            pvs: offmirror_aix::parse::parse_vg_pvs(&datavg().pvs())?,
            lvs: parse_vg_lvs(lvs)?,
            map: parse_vg_pp_map(map)?,
        }],
        ..HostListing::default()
    };
    let started = std::time::Instant::now();
    let inv = build_inventory(&listing, &InventoryContext::default())?;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    check_consistent(&inv)?;
    let slots: usize = inv
        .vgs
        .iter()
        .flat_map(|vg| vg.lvs.iter())
        .flat_map(|lv| lv.copies.iter())
        .map(|c| c.pps.len())
        .sum();
    assert!(slots <= 3 * ((1 << 22) + 3), "{slots} LP slots allocated");
    Ok(())
}
