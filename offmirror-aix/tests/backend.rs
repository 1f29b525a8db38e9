//! The exact commands of every mechanism's split, rejoin, resync, expose and unexpose,
//! of freeze and thaw; idempotence (`AlreadyDone`) and failures (non-zero exit with a
//! `0516-NNN` message, timeout), through a scripted runner whose outputs follow the
//! layouts of the real samples.
//!
//! No captured error output of splitvg, chfs, chlvcopy or syncvg exists; stderr texts
//! without a message number below are made up, and numbered ones reuse numbers and
//! wording documented in SEMANTICS.md §2.15.

mod support;

use std::error::Error;
use std::path::Path;
use std::time::Duration;

use offmirror_aix::AixBackend;
use offmirror_aix::runner::{CommandLog, CommandOutput, RecordingRunner, RunError, ScriptedRunner};
use offmirror_core::{
    Applied, BackendError, CopyNumber, ExposedCopy, FsController, LvName, LvType, Mechanism,
    MountPoint, SplitName, SplitUnit, UnitFs, UnitLv, Vfs, VgName, VolumeManager,
};
use support::{Lv, Vg, datavg, jfsvg, mount_line};

type TestResult = Result<(), Box<dyn Error>>;

const NOT_VARIED_ON: &str = "0516-010 : Volume group must be varied on; use varyonvg command.\n";

fn lv(name: &str) -> Result<LvName, Box<dyn Error>> {
    Ok(LvName::new(name)?)
}

fn vg(name: &str) -> Result<VgName, Box<dyn Error>> {
    Ok(VgName::new(name)?)
}

fn mp(path: &str) -> Result<MountPoint, Box<dyn Error>> {
    Ok(MountPoint::new(path)?)
}

fn unit_lv(
    name: &str,
    lv_type: LvType,
    lps: u32,
    fs: Option<(&str, Vfs)>,
) -> Result<UnitLv, Box<dyn Error>> {
    Ok(UnitLv {
        lv: lv(name)?,
        lv_type,
        lps,
        copies: 0,
        fs: match fs {
            Some((mount, vfs)) => Some(UnitFs {
                mount_point: mp(mount)?,
                vfs,
                mounted: true,
            }),
            None => None,
        },
    })
}

/// The whole of datavg, split into datavg_om.
fn vg_unit() -> Result<SplitUnit, Box<dyn Error>> {
    Ok(SplitUnit {
        id: 0,
        mechanism: Mechanism::VgSplit,
        vg: vg("datavg")?,
        copy: CopyNumber::default(),
        lvs: vec![
            unit_lv("loglv01", LvType::Jfs2log, 1, None)?,
            unit_lv("datalv", LvType::Jfs2, 8, Some(("/data", Vfs::Jfs2)))?,
            unit_lv("rawlv", LvType::Raw, 4, None)?,
        ],
        split_name: SplitName::SnapshotVg(vg("datavg_om")?),
    })
}

/// The JFS /old of jfsvg, split with chfs to `<work>/split/oldlv`.
fn fs_unit(work: &Path) -> Result<SplitUnit, Box<dyn Error>> {
    let split = work.join("split").join("oldlv");
    Ok(SplitUnit {
        id: 1,
        mechanism: Mechanism::FsSplitCopy,
        vg: vg("jfsvg")?,
        copy: CopyNumber::default(),
        lvs: vec![unit_lv("oldlv", LvType::Jfs, 5, Some(("/old", Vfs::Jfs)))?],
        split_name: SplitName::SplitMount(mp(split.to_str().ok_or("path")?)?),
    })
}

/// One LV of datavg marked as a backup copy readable through `<lv>_om`.
fn lv_copy_unit(name: &str, fs: Option<(&str, Vfs)>) -> Result<SplitUnit, Box<dyn Error>> {
    let lv_type = if fs.is_some() {
        LvType::Jfs2
    } else {
        LvType::Raw
    };
    Ok(SplitUnit {
        id: 2,
        mechanism: Mechanism::LvCopy,
        vg: vg("datavg")?,
        copy: CopyNumber::default(),
        lvs: vec![unit_lv(name, lv_type, 8, fs)?],
        split_name: SplitName::BackupLv(lv(&format!("{name}_om"))?),
    })
}

/// rawlv of datavg detached into rawlv_om.
fn full_unit(copy: u8) -> Result<SplitUnit, Box<dyn Error>> {
    Ok(SplitUnit {
        id: 3,
        mechanism: Mechanism::FullResyncSplit,
        vg: vg("datavg")?,
        copy: CopyNumber::new(copy)?,
        lvs: vec![unit_lv("rawlv", LvType::Raw, 4, None)?],
        split_name: SplitName::DetachedLv(lv("rawlv_om")?),
    })
}

fn backend(script: ScriptedRunner) -> (AixBackend<RecordingRunner<ScriptedRunner>>, CommandLog) {
    let runner = RecordingRunner::new(script);
    let log = runner.log();
    (AixBackend::new(runner), log)
}

fn ok(stdout: impl Into<String>) -> CommandOutput {
    CommandOutput::ok(stdout)
}

fn names(list: &[&str]) -> String {
    list.iter().map(|n| format!("{n}\n")).collect()
}

/// The map of datavg with `stale` stale copy-2 partitions of datalv.
fn datavg_map_with_stale(stale: u32) -> String {
    let mut vg = datavg();
    if let Some(l) = vg.lvs.iter_mut().find(|l| l.name == "datalv") {
        l.stale = (1..=stale).map(|lp| (2, lp)).collect();
    }
    vg.map()
}

fn snapshot_listing() -> String {
    Vg::new(
        "datavg_om",
        &["hdisk3"],
        vec![
            Lv::new("fsloglv01", "jfs2log", 1, 1),
            Lv::new("fsdatalv", "jfs2", 8, 1),
            Lv::new("fsrawlv", "raw", 4, 1),
        ],
    )
    .lvs_listing()
}

fn mounts_with(lines: &[String]) -> String {
    support::mount(&[datavg()], lines)
}

// ---- VG split ------------------------------------------------------------------------

#[test]
fn vg_split_round_trip() -> TestResult {
    let unit = vg_unit()?;
    let root = tempfile::tempdir()?;
    let dir = root.path().join("datalv");
    let dir_text = dir.to_str().ok_or("path")?;
    let exposed_line = mount_line("/dev/fsdatalv", dir_text, "jfs2", "ro,log=/dev/fsloglv01");
    // splitvg has no captured output; its refusal text below is made up (no number).
    let script = ScriptedRunner::new()
        .on("splitvg -y datavg_om -c 2 datavg", ok("datavg_om\n"))
        .on(
            "splitvg -y datavg_om -c 2 datavg",
            CommandOutput::failed(1, "splitvg: datavg already has a snapshot volume group.\n"),
        )
        .on("lsvg", ok(names(&["rootvg", "datavg", "datavg_om"])))
        .on("lsvg", ok(names(&["rootvg", "datavg", "datavg_om"])))
        .on("lsvg", ok(names(&["rootvg", "datavg"])))
        .on("lsvg -l datavg_om", ok(snapshot_listing()))
        .on("mount", ok(mounts_with(&[])))
        .on(
            "mount",
            ok(mounts_with(std::slice::from_ref(&exposed_line))),
        )
        .on("mount", ok(mounts_with(&[exposed_line])))
        .on("mount", ok(mounts_with(&[])))
        .on(
            &format!("mount -V jfs2 -o ro /dev/fsdatalv {dir_text}"),
            ok(""),
        )
        .on(&format!("umount {dir_text}"), ok(""))
        .on("joinvg datavg", ok(""))
        .on("lsvg -M datavg", ok(datavg_map_with_stale(3)));
    let (backend, log) = backend(script);

    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["splitvg -y datavg_om -c 2 datavg"]);

    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(
        log.take_lines(),
        ["splitvg -y datavg_om -c 2 datavg", "lsvg"]
    );

    let exposed = backend.expose(&unit, root.path())?;
    assert_eq!(
        log.take_lines(),
        [
            "lsvg -l datavg_om".to_string(),
            "mount".into(),
            format!("mount -V jfs2 -o ro /dev/fsdatalv {dir_text}"),
        ]
    );
    assert_eq!(
        exposed,
        [
            ExposedCopy {
                lv: lv("datalv")?,
                path: dir.clone(),
                mounted: true
            },
            ExposedCopy {
                lv: lv("rawlv")?,
                path: "/dev/rfsrawlv".into(),
                mounted: false
            },
        ]
    );
    assert!(dir.is_dir());

    // Exposing again mounts nothing more.
    backend.expose(&unit, root.path())?;
    assert_eq!(log.take_lines(), ["lsvg -l datavg_om", "mount"]);

    assert_eq!(backend.unexpose(&unit, root.path())?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        ["mount".to_string(), format!("umount {dir_text}")]
    );
    assert!(!dir.exists(), "the empty mount directory is removed");
    assert_eq!(backend.unexpose(&unit, root.path())?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["mount"]);

    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg", "joinvg datavg"]);
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg"]);

    // joinvg resyncs in the background by itself: no syncvg, progress from the map.
    assert_eq!(backend.stale_pps(&unit)?, 3);
    assert_eq!(backend.start_resync(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg -M datavg", "lsvg -M datavg"]);
    Ok(())
}

#[test]
fn a_vg_rejoined_by_another_process_gets_syncvg() -> TestResult {
    let unit = vg_unit()?;
    let script = ScriptedRunner::new()
        .on("lsvg -M datavg", ok(datavg_map_with_stale(2)))
        .on_pending("syncvg -v datavg");
    let (backend, log) = backend(script);
    assert_eq!(backend.start_resync(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg -M datavg", "syncvg -v datavg"]);
    // Still running: not started twice.
    assert_eq!(backend.start_resync(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg -M datavg"]);
    assert_eq!(backend.stale_pps(&unit)?, 2);
    Ok(())
}

#[test]
fn nothing_stale_needs_no_resync() -> TestResult {
    let unit = vg_unit()?;
    let (backend, log) = backend(ScriptedRunner::new().on("lsvg -M datavg", ok(datavg().map())));
    assert_eq!(backend.start_resync(&unit)?, Applied::AlreadyDone);
    assert_eq!(backend.stale_pps(&unit)?, 0);
    assert_eq!(log.take_lines(), ["lsvg -M datavg", "lsvg -M datavg"]);
    Ok(())
}

#[test]
fn a_failed_resync_is_reported_by_the_progress_poll() -> TestResult {
    let unit = lv_copy_unit("datalv", Some(("/data", Vfs::Jfs2)))?;
    let script = ScriptedRunner::new()
        .on("lsvg -M datavg", ok(datavg_map_with_stale(1)))
        .on(
            "syncvg -l datalv",
            CommandOutput::failed(
                1,
                "0516-934 syncvg: Unable to synchronize logical volume datalv.\n",
            ),
        );
    let (backend, _) = backend(script);
    assert_eq!(backend.start_resync(&unit)?, Applied::Done);
    match backend.stale_pps(&unit) {
        Err(BackendError::Command { argv, status, .. }) => {
            assert_eq!(argv, ["syncvg", "-l", "datalv"]);
            assert!(status.contains("0516-934"), "{status}");
        }
        other => return Err(format!("expected the syncvg failure, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_snapshot_vg_left_varied_off_is_varied_on_to_expose() -> TestResult {
    let mut unit = vg_unit()?;
    unit.lvs.retain(|l| l.lv_type == LvType::Raw);
    let script = ScriptedRunner::new()
        .on("lsvg -l datavg_om", CommandOutput::failed(1, NOT_VARIED_ON))
        .on("lsvg -l datavg_om", ok(snapshot_listing()))
        .on("varyonvg datavg_om", ok(""));
    let (backend, log) = backend(script);
    let exposed = backend.expose(&unit, Path::new("/unused"))?;
    assert_eq!(
        log.take_lines(),
        [
            "lsvg -l datavg_om",
            "varyonvg datavg_om",
            "lsvg -l datavg_om"
        ]
    );
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: lv("rawlv")?,
            path: "/dev/rfsrawlv".into(),
            mounted: false
        }]
    );
    Ok(())
}

#[test]
fn snapshot_lvs_with_unknown_names_are_matched_by_position() -> TestResult {
    let mut unit = vg_unit()?;
    unit.lvs.retain(|l| l.lv_type == LvType::Raw);
    let odd = Vg::new(
        "datavg_om",
        &["hdisk3"],
        vec![
            Lv::new("lv00", "jfs2log", 1, 1),
            Lv::new("lv01", "jfs2", 8, 1),
            Lv::new("lv02", "raw", 4, 1),
        ],
    );
    let script = ScriptedRunner::new()
        .on("lsvg -l datavg_om", ok(odd.lvs_listing()))
        .on("lsvg -l datavg", ok(datavg().lvs_listing()));
    let (backend, log) = backend(script);
    let exposed = backend.expose(&unit, Path::new("/unused"))?;
    assert_eq!(log.take_lines(), ["lsvg -l datavg_om", "lsvg -l datavg"]);
    assert_eq!(
        exposed.first().map(|e| e.path.clone()),
        Some("/dev/rlv02".into())
    );
    Ok(())
}

// ---- JFS split copy --------------------------------------------------------------------

#[test]
fn jfs_split_copy_round_trip() -> TestResult {
    let work = tempfile::tempdir()?;
    let unit = fs_unit(work.path())?;
    let split = work.path().join("split").join("oldlv");
    let split_text = split.to_str().ok_or("path")?;
    let split_line = mount_line("/dev/fslv05", split_text, "jfs", "ro,log=/dev/loglv00");
    let with_split = support::mount(&[jfsvg()], &[split_line]);
    let without = support::mount(&[jfsvg()], &[]);
    let chfs = format!("chfs -a splitcopy={split_text} -a copy=2 /old");
    let script = ScriptedRunner::new()
        .on(&chfs, ok(""))
        .on(
            &chfs,
            CommandOutput::failed(1, "chfs: the file system already has a split copy.\n"),
        )
        .on("mount", ok(with_split.clone()))
        .on("mount", ok(with_split.clone()))
        .on("mount", ok(with_split))
        .on("mount", ok(without))
        .on("lsfs -c", ok(support::lsfs(&[jfsvg()], &[])))
        .on(
            &format!("rmfs {split_text}"),
            ok("rmlv: Logical volume fslv05 is removed.\n"),
        )
        .on(
            "lsvg -M jfsvg",
            ok(jfsvg().map().replace("oldlv:2:2", "oldlv:2:2\tstale")),
        )
        .on("syncvg -l oldlv", ok(""));
    let (backend, log) = backend(script);

    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), std::slice::from_ref(&chfs));
    assert!(split.is_dir(), "the split mount point is created first");
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), [chfs, "mount".into()]);

    let exposed = backend.expose(&unit, Path::new("/unused"))?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: lv("oldlv")?,
            path: split.clone(),
            mounted: true
        }]
    );
    assert_eq!(log.take_lines(), ["mount"]);
    assert_eq!(
        backend.unexpose(&unit, Path::new("/unused"))?,
        Applied::AlreadyDone
    );
    assert!(
        log.take_lines().is_empty(),
        "rmfs ends the split mount, not unexpose"
    );

    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        ["mount".to_string(), format!("rmfs {split_text}")]
    );
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["mount", "lsfs -c"]);

    assert_eq!(backend.stale_pps(&unit)?, 1);
    assert_eq!(backend.start_resync(&unit)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        ["lsvg -M jfsvg", "lsvg -M jfsvg", "syncvg -l oldlv"]
    );
    Ok(())
}

#[test]
fn rmfs_is_never_aimed_at_the_file_system_itself() -> TestResult {
    let mut unit = fs_unit(Path::new("/w"))?;
    unit.split_name = SplitName::SplitMount(mp("/old")?);
    let (backend, log) = backend(ScriptedRunner::new());
    assert!(matches!(
        backend.rejoin(&unit),
        Err(BackendError::Failed { .. })
    ));
    assert!(log.take_lines().is_empty());
    Ok(())
}

#[test]
fn an_unmounted_jfs_split_copy_cannot_be_exposed() -> TestResult {
    let unit = fs_unit(Path::new("/w"))?;
    let (backend, _) =
        backend(ScriptedRunner::new().on("mount", ok(support::mount(&[jfsvg()], &[]))));
    match backend.expose(&unit, Path::new("/unused")) {
        Err(BackendError::Failed { fix, .. }) => assert!(fix.is_some_and(|f| f.contains("rmfs"))),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    Ok(())
}

// ---- LV backup copy ------------------------------------------------------------------

#[test]
fn lv_copy_round_trip() -> TestResult {
    let unit = lv_copy_unit("datalv", Some(("/data", Vfs::Jfs2)))?;
    let root = tempfile::tempdir()?;
    let dir = root.path().join("datalv");
    let dir_text = dir.to_str().ok_or("path")?;
    let mut split_vg = datavg();
    split_vg.lvs.push(Lv::new("datalv_om", "jfs2", 8, 1));
    let mark = "chlvcopy -b -c 2 -P -l datalv_om datalv";
    let script = ScriptedRunner::new()
        .on(mark, ok(""))
        .on(
            mark,
            CommandOutput::failed(
                1,
                "chlvcopy: copy 2 of datalv is already an online backup copy.\n",
            ),
        )
        .on("lsvg -l datavg", ok(split_vg.lvs_listing()))
        .on("lsvg -l datavg", ok(split_vg.lvs_listing()))
        .on("lsvg -l datavg", ok(datavg().lvs_listing()))
        .on("mount", ok(mounts_with(&[])))
        .on(
            &format!("mount -V jfs2 -o ro /dev/datalv_om {dir_text}"),
            ok(""),
        )
        .on("chlvcopy -B datalv", ok(""))
        .on("lsvg -M datavg", ok(datavg_map_with_stale(2)))
        .on("syncvg -l datalv", ok(""));
    let (backend, log) = backend(script);

    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), [mark]);
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), [mark, "lsvg -l datavg"]);

    let exposed = backend.expose(&unit, root.path())?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: lv("datalv")?,
            path: dir.clone(),
            mounted: true
        }]
    );
    assert_eq!(
        log.take_lines(),
        [
            "mount".to_string(),
            format!("mount -V jfs2 -o ro /dev/datalv_om {dir_text}")
        ]
    );

    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg -l datavg", "chlvcopy -B datalv"]);
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg -l datavg"]);

    assert_eq!(backend.start_resync(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg -M datavg", "syncvg -l datalv"]);
    Ok(())
}

#[test]
fn a_raw_backup_copy_is_exposed_as_its_raw_device() -> TestResult {
    let unit = lv_copy_unit("rawlv", None)?;
    let (backend, log) = backend(ScriptedRunner::new());
    let exposed = backend.expose(&unit, Path::new("/unused"))?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: lv("rawlv")?,
            path: "/dev/rrawlv_om".into(),
            mounted: false
        }]
    );
    assert_eq!(
        backend.unexpose(&unit, Path::new("/unused"))?,
        Applied::AlreadyDone
    );
    assert!(log.take_lines().is_empty());
    Ok(())
}

// ---- full-resync split -----------------------------------------------------------------

/// datavg after `splitlvcopy`: rawlv has copy 1 on hdisk2, rawlv_om holds the former
/// copy 2 on hdisk3.
fn detached_vg() -> (String, String) {
    let vg = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3"],
        vec![
            Lv::new("loglv01", "jfs2log", 1, 2),
            Lv::new("datalv", "jfs2", 8, 2).fs("/data", "jfs2"),
            Lv::new("rawlv", "raw", 4, 1),
        ],
    );
    let lvs = vg.lvs_listing()
        + "rawlv_om            raw        4       4       1    closed/syncd  N/A\n";
    let map = vg.map().replace("hdisk3:10-1000\n", "")
        + "hdisk3:10\trawlv_om:1\nhdisk3:11\trawlv_om:2\nhdisk3:12\trawlv_om:3\nhdisk3:13\trawlv_om:4\nhdisk3:14-1000\n";
    (lvs, map)
}

#[test]
fn full_resync_split_round_trip() -> TestResult {
    let unit = full_unit(2)?;
    let (split_lvs, split_map) = detached_vg();
    let rebuilt_map = datavg().map().replace("rawlv:1:2", "rawlv:1:2\tstale");
    let script = ScriptedRunner::new()
        .on("lsvg -M datavg", ok(datavg().map()))
        .on("lsvg -M datavg", ok(split_map.clone()))
        .on("lsvg -M datavg", ok(split_map))
        .on("lsvg -M datavg", ok(rebuilt_map.clone()))
        .on("lsvg -M datavg", ok(rebuilt_map))
        .on(
            "splitlvcopy -f -y rawlv_om rawlv 1 hdisk3",
            ok("rawlv_om\n"),
        )
        .on("lsvg -l datavg", ok(split_lvs))
        .on("lsvg -l datavg", ok(datavg().lvs_listing()))
        .on(
            "rmlv -f rawlv_om",
            ok("rmlv: Logical volume rawlv_om is removed.\n"),
        )
        .on("mklvcopy rawlv 2 hdisk3", ok(""))
        .on("syncvg -l rawlv", ok(""));
    let (backend, log) = backend(script);

    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        [
            "lsvg -M datavg",
            "splitlvcopy -f -y rawlv_om rawlv 1 hdisk3"
        ]
    );
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg -M datavg"]);

    let exposed = backend.expose(&unit, Path::new("/unused"))?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: lv("rawlv")?,
            path: "/dev/rrawlv_om".into(),
            mounted: false
        }]
    );

    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        [
            "lsvg -l datavg",
            "lsvg -M datavg",
            "rmlv -f rawlv_om",
            "mklvcopy rawlv 2 hdisk3"
        ]
    );
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg -l datavg", "lsvg -M datavg"]);

    assert_eq!(backend.start_resync(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg -M datavg", "syncvg -l rawlv"]);
    Ok(())
}

#[test]
fn a_three_way_mirror_keeps_two_copies_and_gets_its_third_back() -> TestResult {
    let three = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3", "hdisk4"],
        vec![Lv::new("rawlv", "raw", 4, 3)],
    );
    let mut after = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3", "hdisk4"],
        vec![Lv::new("rawlv", "raw", 4, 2)],
    );
    after.lvs.push(Lv::new("rawlv_om", "raw", 4, 1));
    // rawlv_om sits on hdisk2 in this generated map; what matters is that it is there.
    let script = ScriptedRunner::new()
        .on("lsvg -M datavg", ok(three.map()))
        .on("lsvg -M datavg", ok(after.map()))
        .on("splitlvcopy -f -y rawlv_om rawlv 2 hdisk3", ok(""))
        .on("lsvg -l datavg", ok(after.lvs_listing()))
        .on("rmlv -f rawlv_om", ok(""))
        .on("mklvcopy rawlv 3 hdisk2", ok(""));
    let (backend, log) = backend(script);
    backend.split(&full_unit(2)?)?;
    backend.rejoin(&full_unit(2)?)?;
    assert_eq!(
        log.take_lines(),
        [
            "lsvg -M datavg",
            "splitlvcopy -f -y rawlv_om rawlv 2 hdisk3",
            "lsvg -l datavg",
            "lsvg -M datavg",
            "rmlv -f rawlv_om",
            "mklvcopy rawlv 3 hdisk2",
        ]
    );
    Ok(())
}

#[test]
fn a_rebuild_interrupted_after_rmlv_adds_the_copy_back() -> TestResult {
    // Another process removed rawlv_om and crashed before mklvcopy.
    let one_copy = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3"],
        vec![Lv::new("rawlv", "raw", 4, 1)],
    );
    let script = ScriptedRunner::new()
        .on("lsvg -l datavg", ok(one_copy.lvs_listing()))
        .on("lsvg -M datavg", ok(one_copy.map()))
        .on("mklvcopy rawlv 2", ok(""));
    let (backend, log) = backend(script);
    assert_eq!(backend.rejoin(&full_unit(2)?)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        ["lsvg -l datavg", "lsvg -M datavg", "mklvcopy rawlv 2"]
    );
    Ok(())
}

#[test]
fn a_three_way_rebuild_interrupted_after_rmlv_gets_all_three_copies_back() -> TestResult {
    // Another process split copy 2 of three, removed rawlv_om and crashed before
    // mklvcopy; a fresh backend knows the count only from the plan.
    let two_copies = Vg::new(
        "datavg",
        &["hdisk2", "hdisk3", "hdisk4"],
        vec![Lv::new("rawlv", "raw", 4, 2)],
    );
    let script = ScriptedRunner::new()
        .on("lsvg -l datavg", ok(two_copies.lvs_listing()))
        .on("lsvg -M datavg", ok(two_copies.map()))
        .on("mklvcopy rawlv 3", ok(""));
    let (backend, log) = backend(script);
    let mut unit = full_unit(2)?;
    for lv in &mut unit.lvs {
        lv.copies = 3;
    }
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(
        log.take_lines(),
        ["lsvg -l datavg", "lsvg -M datavg", "mklvcopy rawlv 3"]
    );
    Ok(())
}

#[test]
fn a_copy_the_lv_lacks_is_not_split() -> TestResult {
    let (backend, log) = backend(ScriptedRunner::new().on("lsvg -M datavg", ok(datavg().map())));
    match backend.split(&full_unit(3)?) {
        Err(BackendError::Failed { message, fix, .. }) => {
            assert!(message.contains("copy 3"), "{message}");
            assert!(fix.is_some_and(|f| f.starts_with("mklvcopy rawlv 3")));
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    assert_eq!(log.take_lines(), ["lsvg -M datavg"]);
    Ok(())
}

// ---- failures ----------------------------------------------------------------------------

#[test]
fn a_failed_split_is_a_command_error_and_its_rejoin_changes_nothing() -> TestResult {
    let unit = vg_unit()?;
    let stderr = "0516-306 getlvodm: Unable to find volume group datavg in the Device\n\tConfiguration Database.\n";
    let script = ScriptedRunner::new()
        .on(
            "splitvg -y datavg_om -c 2 datavg",
            CommandOutput::failed(1, stderr),
        )
        .on("lsvg", ok(names(&["rootvg", "datavg"])));
    let (backend, log) = backend(script);
    match backend.split(&unit) {
        Err(BackendError::Command {
            argv,
            status,
            stderr_tail,
        }) => {
            assert_eq!(argv, ["splitvg", "-y", "datavg_om", "-c", "2", "datavg"]);
            assert_eq!(status, "exit status 1; 0516-306: the object does not exist");
            assert_eq!(stderr_tail, stderr.trim_end());
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    assert_eq!(
        log.take_lines(),
        ["splitvg -y datavg_om -c 2 datavg", "lsvg"]
    );
    // The executor rejoins after a failed split: nothing was split, nothing is changed.
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["lsvg"]);
    Ok(())
}

#[test]
fn a_timed_out_split_is_in_doubt_and_its_rejoin_reads_the_state() -> TestResult {
    let unit = vg_unit()?;
    let argv: Vec<String> = ["splitvg", "-y", "datavg_om", "-c", "2", "datavg"]
        .map(String::from)
        .into();
    let script = ScriptedRunner::new()
        .on_error(
            "splitvg -y datavg_om -c 2 datavg",
            RunError::TimedOut {
                argv,
                after: Duration::from_secs(600),
            },
        )
        .on("lsvg", ok(names(&["rootvg", "datavg", "datavg_om"])))
        .on("joinvg datavg", ok(""));
    let (backend, log) = backend(script);
    match backend.split(&unit) {
        Err(BackendError::InDoubt { operation, message }) => {
            assert_eq!(operation, "splitvg -y datavg_om -c 2 datavg");
            assert!(message.contains("600s"), "{message}");
        }
        other => return Err(format!("expected in doubt, got {other:?}").into()),
    }
    assert_eq!(
        log.take_lines(),
        ["splitvg -y datavg_om -c 2 datavg"],
        "no state check after a timeout"
    );
    // Recovery: the split happened after all, so the rejoin joins.
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(log.take_lines(), ["lsvg", "joinvg datavg"]);
    Ok(())
}

#[test]
fn a_failed_rejoin_keeps_argv_status_and_stderr() -> TestResult {
    let unit = lv_copy_unit("datalv", Some(("/data", Vfs::Jfs2)))?;
    let mut split_vg = datavg();
    split_vg.lvs.push(Lv::new("datalv_om", "jfs2", 8, 1));
    let script = ScriptedRunner::new()
        .on("lsvg -l datavg", ok(split_vg.lvs_listing()))
        .on(
            "chlvcopy -B datalv",
            CommandOutput::failed(
                2,
                "0516-306 getlvodm: Unable to find  datalv_om in the Device\n\tConfiguration Database.\n",
            ),
        );
    let (backend, _) = backend(script);
    match backend.rejoin(&unit) {
        Err(BackendError::Command {
            argv,
            status,
            stderr_tail,
        }) => {
            assert_eq!(argv, ["chlvcopy", "-B", "datalv"]);
            assert_eq!(status, "exit status 2; 0516-306: the object does not exist");
            assert!(
                stderr_tail.ends_with("Configuration Database."),
                "{stderr_tail}"
            );
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_plan_mixing_mechanism_and_name_is_refused() -> TestResult {
    let mut unit = vg_unit()?;
    unit.split_name = SplitName::BackupLv(lv("x_om")?);
    let (backend, log) = backend(ScriptedRunner::new());
    assert!(matches!(
        backend.split(&unit),
        Err(BackendError::Failed { .. })
    ));
    assert!(matches!(
        backend.rejoin(&unit),
        Err(BackendError::Failed { .. })
    ));
    assert!(log.take_lines().is_empty());
    Ok(())
}

// ---- freeze and thaw --------------------------------------------------------------------

#[test]
fn freeze_and_thaw_are_idempotent() -> TestResult {
    let data = mp("/data")?;
    let script = ScriptedRunner::new()
        .on("chfs -a freeze=60 /data", ok(""))
        .on("chfs -a freeze=off /data", ok(""));
    let (backend, log) = backend(script);
    assert_eq!(
        backend.freeze(&data, Duration::from_secs(60))?,
        Applied::Done
    );
    assert_eq!(
        backend.freeze(&data, Duration::from_secs(60))?,
        Applied::AlreadyDone
    );
    assert_eq!(backend.thaw(&data)?, Applied::Done);
    assert_eq!(backend.thaw(&data)?, Applied::AlreadyDone);
    assert_eq!(
        log.take_lines(),
        ["chfs -a freeze=60 /data", "chfs -a freeze=off /data"]
    );
    Ok(())
}

#[test]
fn thaw_without_a_record_always_runs() -> TestResult {
    let data = mp("/data")?;
    let script = ScriptedRunner::new()
        .on("chfs -a freeze=off /data", ok(""))
        .on(
            "chfs -a freeze=off /data",
            CommandOutput::failed(1, "chfs: /data is not frozen.\n"),
        );
    let (fresh, log) = backend(script);
    // Recovery in a new process: thaw even without a record; success is Done.
    assert_eq!(fresh.thaw(&data)?, Applied::Done);
    let (fresh, _) = backend(ScriptedRunner::new().on(
        "chfs -a freeze=off /data",
        CommandOutput::failed(1, "chfs: /data is not frozen.\n"),
    ));
    // ...and a refusal means it was not frozen.
    assert_eq!(fresh.thaw(&data)?, Applied::AlreadyDone);
    assert_eq!(log.take_lines(), ["chfs -a freeze=off /data"]);
    Ok(())
}

#[test]
fn a_failed_thaw_of_a_frozen_fs_is_an_error() -> TestResult {
    let data = mp("/data")?;
    let script = ScriptedRunner::new()
        .on("chfs -a freeze=300 /data", ok(""))
        .on(
            "chfs -a freeze=off /data",
            CommandOutput::failed(1, "chfs: cannot thaw /data.\n"),
        );
    let (backend, _) = backend(script);
    backend.freeze(&data, Duration::from_secs(300))?;
    assert!(matches!(
        backend.thaw(&data),
        Err(BackendError::Command { .. })
    ));
    Ok(())
}

#[test]
fn a_failed_freeze_is_an_error() -> TestResult {
    let data = mp("/data")?;
    let script = ScriptedRunner::new().on(
        "chfs -a freeze=1 /data",
        CommandOutput::failed(1, "chfs: /data is not mounted.\n"),
    );
    let (backend, _) = backend(script);
    // A zero timeout becomes one second (freeze=0 is not a timeout).
    assert!(matches!(
        backend.freeze(&data, Duration::ZERO),
        Err(BackendError::Command { .. })
    ));
    Ok(())
}

#[test]
fn capabilities_offer_every_mechanism_and_freeze() {
    let (backend, _) = backend(ScriptedRunner::new());
    let caps = backend.capabilities();
    assert_eq!(caps.backend, "aix");
    assert!(caps.freeze);
    for m in [
        Mechanism::VgSplit,
        Mechanism::FsSplitCopy,
        Mechanism::LvCopy,
        Mechanism::FullResyncSplit,
    ] {
        assert!(caps.supports(m), "{m}");
    }
}
