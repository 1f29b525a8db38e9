//! `Lvm2Backend` driven through a scripted runner that answers `lvs` and the mount table
//! with the reports LVM2 2.03.16 printed in the VM: the commands each operation runs, in
//! order, and what it returns. Units come from the core's plan over the same reports.

mod common;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{TestResult, edit, fixture, lvs_text, mountinfo_text, preview, unit_for};
use offmirror_command::{
    CommandLog, CommandOutput, RecordingRunner, RunError, ScriptedRunner, display_argv,
};
use offmirror_core::{
    Applied, BackendError, ExposedCopy, FsController, LvName, MountPoint, PvName, SplitName,
    SplitUnit, Step, VgName, VolumeManager,
};
use offmirror_lvm2::inventory::build_inventory;
use offmirror_lvm2::watchdog::WatchdogSpec;
use offmirror_lvm2::{Lvm2Backend, commands};

type Backend = Lvm2Backend<RecordingRunner<ScriptedRunner>>;

fn vg0() -> Result<VgName, Box<dyn Error>> {
    Ok(VgName::new("vg0")?)
}

fn name(lv: &str) -> Result<LvName, Box<dyn Error>> {
    Ok(LvName::new(lv)?)
}

fn pv(path: &str) -> Result<PvName, Box<dyn Error>> {
    Ok(PvName::new(path)?)
}

/// `lvm lvs ... vg0`, as the backend runs it for one VG.
fn lvs_line() -> Result<String, Box<dyn Error>> {
    Ok(display_argv(&commands::lvs(Some(&vg0()?))))
}

/// The split of `data`'s second image, on /dev/vdb, as the backend runs it.
fn data_split_line() -> Result<String, Box<dyn Error>> {
    Ok(display_argv(&commands::split_tracked(
        &vg0()?,
        &name("data")?,
        &[pv("/dev/vdb")?],
    )))
}

fn mountinfo_line() -> String {
    display_argv(&commands::mountinfo())
}

fn ok(text: &str) -> CommandOutput {
    CommandOutput::ok(text)
}

/// A backend over `script`, the freeze watchdog off, and the record of its commands.
fn scripted_backend(script: ScriptedRunner) -> (Backend, CommandLog) {
    let runner = RecordingRunner::new(script);
    let log = runner.log();
    (Lvm2Backend::new(runner).freeze_watchdog(None), log)
}

/// A script whose `lvs` for vg0 answers with `states` in turn (the last one kept).
fn lvs_script(states: &[&str]) -> Result<ScriptedRunner, Box<dyn Error>> {
    let line = lvs_line()?;
    let mut script = ScriptedRunner::new();
    for state in states {
        script = script.on(&line, ok(&lvs_text(state)?));
    }
    Ok(script)
}

/// The unit the core plans for `lv` from the `normal` capture.
fn planned_unit(lv: &str) -> Result<SplitUnit, Box<dyn Error>> {
    unit_for(&preview(&common::inventory("normal")?)?, lv)
}

/// The unit the core plans for `lv` from the `normal` capture with nothing mounted (so
/// `data` is a raw LV).
fn planned_raw_unit(lv: &str) -> Result<SplitUnit, Box<dyn Error>> {
    let mut report = common::report("normal")?;
    report.mounts.clear();
    unit_for(&preview(&build_inventory(&report)?)?, lv)
}

/// The `normal` lvs with data3's third image shown split off instead of the second.
fn normal_with_data3_rimage_2_split() -> Result<String, Box<dyn Error>> {
    let text = lvs_text("normal")?;
    let text = edit(
        &text,
        r#""lv_name":"[data3_rimage_2]", "lv_uuid":"gfgG3y-1NO6-ezGB-mu7G-bfCs-aJBW-7dc9WI", "lv_attr":"iwi-aor---""#,
        r#""lv_name":"data3_rimage_2", "lv_uuid":"gfgG3y-1NO6-ezGB-mu7G-bfCs-aJBW-7dc9WI", "lv_attr":"Iri-aor---""#,
    )?;
    Ok(text)
}

fn fix_of(error: &BackendError) -> Option<&str> {
    match error {
        BackendError::Failed { fix, .. } => fix.as_deref(),
        _ => None,
    }
}

#[test]
fn the_split_command_is_the_one_measured_in_the_vm() -> TestResult {
    let argv = commands::split_tracked(&vg0()?, &name("data")?, &[pv("/dev/vdb")?]);
    assert_eq!(
        display_argv(&argv),
        "lvm lvconvert --yes --splitmirrors 1 --trackchanges vg0/data /dev/vdb"
    );
    assert_eq!(
        display_argv(&commands::rebuild(
            &vg0()?,
            &name("data")?,
            &[pv("/dev/vdb")?]
        )),
        "lvm lvchange --yes --rebuild /dev/vdb vg0/data"
    );
    assert!(lvs_line()?.ends_with(&format!(" -o {} vg0", commands::LV_FIELDS)));
    assert!(lvs_line()?.starts_with("lvm lvs --reportformat json --units b --nosuffix -a "));
    Ok(())
}

#[test]
fn inventory_reads_the_four_reports() -> TestResult {
    let script = ScriptedRunner::new()
        .on(
            &display_argv(&commands::vgs()),
            ok(&fixture("split", "vgs.json")?),
        )
        .on(
            &display_argv(&commands::pvs()),
            ok(&fixture("split", "pvs.json")?),
        )
        .on(&display_argv(&commands::lvs(None)), ok(&lvs_text("split")?))
        .on(&mountinfo_line(), ok(&mountinfo_text("split")?));
    let (backend, log) = scripted_backend(script);
    let inv = backend.inventory()?;
    assert_eq!(inv, build_inventory(&common::report("split")?)?);
    assert_eq!(log.count(), 4);
    Ok(())
}

#[test]
fn split_on_normal_splits_the_image_on_its_pv_and_checks_the_result() -> TestResult {
    let unit = planned_unit("data")?;
    let split = data_split_line()?;
    let script = lvs_script(&["normal", "split"])?.on(&split, ok(""));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.lines(), [lvs_line()?, split, lvs_line()?]);
    Ok(())
}

/// What lvconvert printed in the VM for this split (stdout, LC_ALL=C).
const SPLIT_MESSAGE: &str = "  vg0/data_rimage_1 split from vg0/data for read-only purposes.\n  \
Use 'lvconvert --merge vg0/data_rimage_1' to merge back into vg0/data\n";

#[test]
fn split_confirmed_by_lvconvert_needs_no_second_lvs() -> TestResult {
    let unit = planned_unit("data")?;
    let split = data_split_line()?;
    let script = lvs_script(&["normal"])?.on(&split, ok(SPLIT_MESSAGE));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.lines(), [lvs_line()?, split]);
    Ok(())
}

#[test]
fn a_message_naming_another_image_is_not_taken_as_confirmation() -> TestResult {
    let unit = planned_unit("data3")?;
    let split = display_argv(&commands::split_tracked(
        &vg0()?,
        &name("data3")?,
        &[pv("/dev/vdb")?],
    ));
    let merge = display_argv(&commands::merge(&vg0()?, &name("data3_rimage_2")?));
    let line = lvs_line()?;
    let script = ScriptedRunner::new()
        .on(&line, ok(&lvs_text("normal")?))
        .on(&line, ok(&normal_with_data3_rimage_2_split()?))
        .on(
            &split,
            ok("  vg0/data3_rimage_2 split from vg0/data3 for read-only purposes.\n"),
        )
        .on(&merge, ok(""));
    let (backend, log) = scripted_backend(script);
    assert!(backend.split(&unit).is_err());
    assert_eq!(log.lines(), [line.clone(), split, line, merge]);
    Ok(())
}

#[test]
fn split_of_the_third_copy_names_its_pv() -> TestResult {
    let mut unit = planned_unit("data3")?;
    unit.split_name = SplitName::TrackedImage(name("data3_rimage_2")?);
    let split = display_argv(&commands::split_tracked(
        &vg0()?,
        &name("data3")?,
        &[pv("/dev/vdc")?],
    ));
    let line = lvs_line()?;
    // After the split LVM shows data3_rimage_2 without brackets, read-only.
    let script = ScriptedRunner::new()
        .on(&line, ok(&lvs_text("normal")?))
        .on(&line, ok(&normal_with_data3_rimage_2_split()?))
        .on(&split, ok(""));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(log.lines(), [line.clone(), split, line]);
    Ok(())
}

#[test]
fn split_when_already_split_runs_no_lvconvert() -> TestResult {
    let unit = planned_unit("data")?;
    let (backend, log) = scripted_backend(lvs_script(&["split"])?);
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.lines(), [lvs_line()?]);
    // Also after a reactivation.
    let (backend, log) = scripted_backend(lvs_script(&["reactivated"])?);
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.lines(), [lvs_line()?]);
    Ok(())
}

#[test]
fn split_of_another_image_than_planned_is_merged_back_and_fails() -> TestResult {
    let unit = planned_unit("data3")?;
    assert_eq!(
        unit.split_name,
        SplitName::TrackedImage(name("data3_rimage_1")?)
    );
    let split = display_argv(&commands::split_tracked(
        &vg0()?,
        &name("data3")?,
        &[pv("/dev/vdb")?],
    ));
    let merge = display_argv(&commands::merge(&vg0()?, &name("data3_rimage_2")?));
    let line = lvs_line()?;
    let script = ScriptedRunner::new()
        .on(&line, ok(&lvs_text("normal")?))
        .on(&line, ok(&normal_with_data3_rimage_2_split()?))
        .on(&split, ok(""))
        .on(&merge, ok(""));
    let (backend, log) = scripted_backend(script);
    let error = backend
        .split(&unit)
        .err()
        .ok_or("a split of the wrong image succeeded")?;
    assert!(
        error
            .to_string()
            .contains("LVM split data3_rimage_2 instead of data3_rimage_1"),
        "{error}"
    );
    assert_eq!(log.lines(), [line.clone(), split, line, merge]);
    Ok(())
}

#[test]
fn split_refuses_while_another_image_is_split() -> TestResult {
    let unit = planned_unit("data3")?;
    let script = ScriptedRunner::new().on(&lvs_line()?, ok(&normal_with_data3_rimage_2_split()?));
    let (backend, log) = scripted_backend(script);
    let error = backend.split(&unit).err().ok_or("split went ahead")?;
    assert!(
        fix_of(&error)
            .is_some_and(|f| f.contains("lvconvert --yes --mergemirrors vg0/data3_rimage_2")),
        "{error:?}"
    );
    assert_eq!(log.lines(), [lvs_line()?]);
    Ok(())
}

#[test]
fn split_refuses_an_lv_that_is_gone() -> TestResult {
    let mut unit = planned_unit("data")?;
    if let Some(first) = unit.lvs.first_mut() {
        first.lv = name("gone")?;
    }
    unit.split_name = SplitName::TrackedImage(name("gone_rimage_1")?);
    let (backend, log) = scripted_backend(lvs_script(&["normal"])?);
    let error = backend.split(&unit).err().ok_or("split went ahead")?;
    assert!(error.to_string().contains("has no LV gone"), "{error}");
    assert_eq!(log.count(), 1);
    Ok(())
}

#[test]
fn a_failed_lvconvert_is_a_command_error_with_its_argv() -> TestResult {
    let unit = planned_unit("data")?;
    let argv = commands::split_tracked(&vg0()?, &name("data")?, &[pv("/dev/vdb")?]);
    let script = lvs_script(&["normal"])?.on(
        &display_argv(&argv),
        CommandOutput::failed(
            5,
            "  WARNING: something\n  Unable to split vg0/data while it is not in-sync.\n",
        ),
    );
    let (backend, log) = scripted_backend(script);
    match backend.split(&unit) {
        Err(BackendError::Command {
            argv: failed,
            status,
            stderr_tail,
        }) => {
            assert_eq!(failed, argv);
            assert_eq!(status, "exit status 5");
            assert!(stderr_tail.contains("not in-sync"), "{stderr_tail}");
            assert!(stderr_tail.contains("WARNING: something"), "{stderr_tail}");
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    assert_eq!(log.count(), 2, "no lvs after a failed lvconvert");
    Ok(())
}

#[test]
fn a_unit_of_another_mechanism_is_refused_before_any_command() -> TestResult {
    let mut unit = planned_unit("data")?;
    unit.split_name = SplitName::BackupLv(name("data_om")?);
    let (backend, log) = scripted_backend(ScriptedRunner::new());
    for result in [backend.split(&unit), backend.rejoin(&unit)] {
        let error = result.err().ok_or("accepted a foreign unit")?;
        assert!(matches!(error, BackendError::Failed { .. }), "{error:?}");
    }
    assert!(backend.expose(&unit, Path::new("/nonexistent")).is_err());
    assert_eq!(log.count(), 0);
    Ok(())
}

#[test]
fn rejoin_refuses_while_the_image_is_mounted() -> TestResult {
    let unit = planned_unit("data")?;
    let script = lvs_script(&["split"])?.on(&mountinfo_line(), ok(&mountinfo_text("split")?));
    let (backend, log) = scripted_backend(script);
    let error = backend
        .rejoin(&unit)
        .err()
        .ok_or("merged a mounted image")?;
    assert!(error.to_string().contains("umount /split"), "{error}");
    assert_eq!(fix_of(&error), Some("umount /split"));
    assert_eq!(log.lines(), [lvs_line()?, mountinfo_line()]);
    Ok(())
}

#[test]
fn rejoin_of_an_unmounted_image_merges_without_a_rebuild() -> TestResult {
    let unit = planned_unit("data")?;
    let merge = display_argv(&commands::merge(&vg0()?, &name("data_rimage_1")?));
    let script = lvs_script(&["split", "normal"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("normal")?))
        .on(&merge, ok(""));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(
        log.lines(),
        [lvs_line()?, mountinfo_line(), merge, lvs_line()?]
    );
    assert!(!log.lines().iter().any(|l| l.contains("--rebuild")));
    Ok(())
}

#[test]
fn rejoin_after_a_reactivation_merges_then_rebuilds_the_image() -> TestResult {
    let unit = planned_unit("data")?;
    let tag = display_argv(&commands::add_tag(
        &vg0()?,
        &name("data")?,
        commands::REBUILD_TAG,
    ));
    let merge = display_argv(&commands::merge(&vg0()?, &name("data_rimage_1")?));
    let rebuild = display_argv(&commands::rebuild(
        &vg0()?,
        &name("data")?,
        &[pv("/dev/vdb")?],
    ));
    let untag = display_argv(&commands::del_tag(
        &vg0()?,
        &name("data")?,
        commands::REBUILD_TAG,
    ));
    let script = lvs_script(&["reactivated", "normal"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("reactivated")?))
        .on(&tag, ok(""))
        .on(&merge, ok(""))
        .on(&rebuild, ok(""))
        .on(&untag, ok(""));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    // The decision is recorded on the LV before the merge, and dropped after the rebuild.
    assert_eq!(
        log.lines(),
        [
            lvs_line()?,
            mountinfo_line(),
            tag,
            merge,
            lvs_line()?,
            rebuild,
            untag
        ]
    );
    Ok(())
}

/// The `normal` lvs with `data` carrying the rebuild tag (a merge done, the rebuild owed).
fn normal_with_rebuild_tag(sync: &str) -> Result<String, Box<dyn Error>> {
    let text = lvs_text("normal")?;
    let row = r#"{"vg_name":"vg0", "lv_name":"data", "#;
    let tagged = text.replacen(
        row,
        &format!(
            r#"{{"vg_name":"vg0", "lv_name":"data", "lv_tags":"{}", "#,
            commands::REBUILD_TAG
        ),
        1,
    );
    if tagged == text {
        return Err("the normal fixture has no data row".into());
    }
    // The first "100.00" in the file is data's sync_percent.
    Ok(tagged.replacen(
        r#""sync_percent":"100.00""#,
        &format!(r#""sync_percent":"{sync}""#),
        1,
    ))
}

/// A rebuild that failed after the merge (LVM refuses one while the merge's recovery runs)
/// is not forgotten: the tag on the LV makes the next rejoin do it.
#[test]
fn an_owed_rebuild_survives_a_failed_rejoin() -> TestResult {
    let unit = planned_unit("data")?;
    let rebuild = display_argv(&commands::rebuild(
        &vg0()?,
        &name("data")?,
        &[pv("/dev/vdb")?],
    ));
    let untag = display_argv(&commands::del_tag(
        &vg0()?,
        &name("data")?,
        commands::REBUILD_TAG,
    ));
    let tagged = normal_with_rebuild_tag("100.00")?;
    let script = ScriptedRunner::new()
        .on(&lvs_line()?, ok(&tagged))
        .on(
            &rebuild,
            CommandOutput::failed(
                5,
                "  Unable to replace devices in vg0/data while it is not in-sync.\n",
            ),
        )
        .on(&rebuild, ok(""))
        .on(&untag, ok(""));
    let (backend, log) = scripted_backend(script);
    assert!(backend.rejoin(&unit).is_err());
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(
        log.lines(),
        [lvs_line()?, rebuild.clone(), lvs_line()?, rebuild, untag]
    );
    // Until then the inventory blocks the LV and the unit counts as not in sync.
    let report = common::report_with_lvs("normal", &tagged)?;
    let inventory = build_inventory(&report)?;
    assert!(
        common::lv(&inventory, "data")?
            .blockers
            .contains(&offmirror_core::LvBlocker::RebuildPending)
    );
    Ok(())
}

/// A rebuild owed on an LV still resyncing waits; past the wait it fails, names the tag,
/// and runs no rebuild.
#[test]
fn an_owed_rebuild_waits_for_the_resync() -> TestResult {
    let unit = planned_unit("data")?;
    let script = ScriptedRunner::new().on(&lvs_line()?, ok(&normal_with_rebuild_tag("42.00")?));
    let runner = RecordingRunner::new(script);
    let log = runner.log();
    let backend = Lvm2Backend::new(runner)
        .freeze_watchdog(None)
        .rebuild_wait(Duration::from_millis(30), Duration::from_millis(10));
    let error = backend
        .rejoin(&unit)
        .err()
        .ok_or("the rejoin did not wait")?;
    assert!(error.to_string().contains(commands::REBUILD_TAG), "{error}");
    assert!(
        log.lines()
            .iter()
            .all(|l| l == &lvs_line().unwrap_or_default())
    );
    assert!(log.lines().len() >= 2, "{:?}", log.lines());
    assert!(backend.stale_pps(&unit)? > 0);
    Ok(())
}

#[test]
fn rejoin_with_nothing_split_only_reads_lvs() -> TestResult {
    let unit = planned_unit("data")?;
    let (backend, log) = scripted_backend(lvs_script(&["normal"])?);
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.lines(), [lvs_line()?]);
    Ok(())
}

#[test]
fn rejoin_fails_when_the_image_still_shows_split_after_the_merge() -> TestResult {
    let unit = planned_unit("data")?;
    let merge = display_argv(&commands::merge(&vg0()?, &name("data_rimage_1")?));
    let script = lvs_script(&["split"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("normal")?))
        .on(&merge, ok(""));
    let (backend, log) = scripted_backend(script);
    let error = backend.rejoin(&unit).err().ok_or("no error")?;
    assert!(
        error.to_string().contains("still shows as split"),
        "{error}"
    );
    assert_eq!(log.count(), 4);
    Ok(())
}

fn mnt_data() -> Result<MountPoint, Box<dyn Error>> {
    Ok(MountPoint::new("/mnt/data")?)
}

fn freeze_line() -> Result<String, Box<dyn Error>> {
    Ok(display_argv(&commands::freeze(&mnt_data()?)))
}

fn thaw_line() -> Result<String, Box<dyn Error>> {
    Ok(display_argv(&commands::thaw(&mnt_data()?)))
}

/// A script whose mount table is the `normal` capture (/mnt/data: ext4 on vg0/data).
fn mounted() -> ScriptedRunner {
    let table = mountinfo_text("normal").unwrap_or_default();
    ScriptedRunner::new().on(&mountinfo_line(), ok(&table))
}

#[test]
fn a_path_no_longer_mounted_is_not_frozen() -> TestResult {
    let (backend, log) = scripted_backend(
        ScriptedRunner::new()
            .on(&mountinfo_line(), ok(&mountinfo_text("reactivated")?))
            .on(&freeze_line()?, ok("")),
    );
    let error = backend
        .freeze(&mnt_data()?, Duration::from_secs(60))
        .err()
        .ok_or("froze a path with nothing mounted")?;
    assert!(error.to_string().contains("no ext4 or XFS"), "{error}");
    assert_eq!(log.lines(), [mountinfo_line()]);
    Ok(())
}

/// A freeze whose watchdog already thawed it (the timeout ran out) stops the split before
/// lvconvert: the copy would not be consistent.
#[test]
fn no_split_after_a_freeze_ran_out() -> TestResult {
    let dir = tempfile::tempdir()?;
    let spec = fake_thawer(dir.path())?;
    let unit = planned_unit("data")?;
    let split = data_split_line()?;
    let script = lvs_script(&["normal"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("normal")?))
        .on(&freeze_line()?, ok(""))
        .on(&split, ok(SPLIT_MESSAGE));
    let runner = RecordingRunner::new(script);
    let log = runner.log();
    let backend = Lvm2Backend::new(runner).freeze_watchdog(Some(spec));
    backend.freeze(&mnt_data()?, Duration::from_secs(1))?;
    let called = dir.path().join("called");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !called.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let error = backend
        .split(&unit)
        .err()
        .ok_or("split after the freeze ran out")?;
    assert!(error.to_string().contains("ran out"), "{error}");
    assert!(!log.lines().contains(&split), "{:?}", log.lines());
    Ok(())
}

#[test]
fn freeze_outcomes() -> TestResult {
    assert_eq!(freeze_line()?, "fsfreeze --freeze /mnt/data");
    let timeout = Duration::from_secs(60);

    let (backend, log) = scripted_backend(mounted().on(&freeze_line()?, ok("")));
    assert_eq!(backend.freeze(&mnt_data()?, timeout)?, Applied::Done);
    // The mount table is checked first: fsfreeze of a path no longer mounted would freeze
    // the file system above it.
    assert_eq!(log.lines(), [mountinfo_line(), freeze_line()?]);

    let (backend, _) = scripted_backend(mounted().on(
        &freeze_line()?,
        CommandOutput::failed(
            1,
            "fsfreeze: /mnt/data: freeze failed: Device or resource busy\n",
        ),
    ));
    assert_eq!(backend.freeze(&mnt_data()?, timeout)?, Applied::AlreadyDone);

    let (backend, _) = scripted_backend(mounted().on(
        &freeze_line()?,
        CommandOutput::failed(
            1,
            "fsfreeze: /mnt/data: freeze failed: Operation not supported\n",
        ),
    ));
    match backend.freeze(&mnt_data()?, timeout) {
        Err(BackendError::Command { argv, status, .. }) => {
            assert_eq!(argv, commands::freeze(&mnt_data()?));
            assert_eq!(status, "exit status 1");
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn thaw_outcomes() -> TestResult {
    assert_eq!(thaw_line()?, "fsfreeze --unfreeze /mnt/data");

    let (backend, log) = scripted_backend(ScriptedRunner::new().on(&thaw_line()?, ok("")));
    assert_eq!(backend.thaw(&mnt_data()?)?, Applied::Done);
    assert_eq!(log.lines(), [thaw_line()?]);

    let (backend, _) = scripted_backend(ScriptedRunner::new().on(
        &thaw_line()?,
        CommandOutput::failed(
            1,
            "fsfreeze: /mnt/data: unfreeze failed: Invalid argument\n",
        ),
    ));
    assert_eq!(backend.thaw(&mnt_data()?)?, Applied::AlreadyDone);

    // After a reboot the mount point may be gone: nothing is frozen there.
    let (backend, _) = scripted_backend(ScriptedRunner::new().on(
        &thaw_line()?,
        CommandOutput::failed(
            1,
            "fsfreeze: cannot open /mnt/data: No such file or directory\n",
        ),
    ));
    assert_eq!(backend.thaw(&mnt_data()?)?, Applied::AlreadyDone);

    let (backend, _) = scripted_backend(ScriptedRunner::new().on(
        &thaw_line()?,
        CommandOutput::failed(
            1,
            "fsfreeze: /mnt/data: unfreeze failed: Operation not permitted\n",
        ),
    ));
    assert!(matches!(
        backend.thaw(&mnt_data()?),
        Err(BackendError::Command { .. })
    ));
    Ok(())
}

/// A fake `fsfreeze` for the watchdog that records its arguments next to itself.
fn fake_thawer(dir: &Path) -> Result<WatchdogSpec, Box<dyn Error>> {
    use std::os::unix::fs::PermissionsExt;
    let program = dir.join("fsfreeze");
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nprintf '%s|' \"$@\" > {}/called\n",
            dir.display()
        ),
    )?;
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755))?;
    Ok(WatchdogSpec {
        program: "fsfreeze".into(),
        path: format!("{}:/usr/bin:/bin", dir.display()),
        token_dir: dir.join("tokens"),
    })
}

#[test]
fn an_unthawed_freeze_is_thawed_by_its_watchdog() -> TestResult {
    let dir = tempfile::tempdir()?;
    let spec = fake_thawer(dir.path())?;
    let backend =
        Lvm2Backend::new(mounted().on(&freeze_line()?, ok(""))).freeze_watchdog(Some(spec));
    assert_eq!(
        backend.freeze(&mnt_data()?, Duration::from_secs(1))?,
        Applied::Done
    );
    let called = dir.path().join("called");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !called.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(std::fs::read_to_string(&called)?, "--unfreeze|/mnt/data|");
    Ok(())
}

#[test]
fn a_thaw_stops_the_watchdog() -> TestResult {
    let dir = tempfile::tempdir()?;
    let spec = fake_thawer(dir.path())?;
    let script = mounted()
        .on(&freeze_line()?, ok(""))
        .on(&thaw_line()?, ok(""));
    let backend = Lvm2Backend::new(script).freeze_watchdog(Some(spec));
    backend.freeze(&mnt_data()?, Duration::from_secs(1))?;
    assert_eq!(backend.thaw(&mnt_data()?)?, Applied::Done);
    std::thread::sleep(Duration::from_millis(1800));
    assert!(!dir.path().join("called").exists());
    Ok(())
}

/// `mount -t ext4 -o ro,noload /dev/mapper/vg0-data_rimage_1 <root>/data`.
fn image_device() -> PathBuf {
    PathBuf::from("/dev/mapper/vg0-data_rimage_1")
}

#[test]
fn expose_sets_the_image_read_only_and_mounts_it_without_journal_replay() -> TestResult {
    let unit = planned_unit("data")?;
    let root = tempfile::tempdir()?;
    let dir = root.path().join("data");
    let setro = display_argv(&commands::set_read_only(&image_device()));
    let mount = display_argv(&commands::mount_read_only(
        offmirror_core::Vfs::Ext4,
        &image_device(),
        &dir,
    ));
    assert_eq!(setro, "blockdev --setro /dev/mapper/vg0-data_rimage_1");
    assert_eq!(
        mount,
        format!(
            "mount -t ext4 -o ro,noload /dev/mapper/vg0-data_rimage_1 {}",
            dir.display()
        )
    );
    let script = lvs_script(&["split"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("normal")?))
        .on(&setro, ok(""))
        .on(&mount, ok(""));
    let (backend, log) = scripted_backend(script);
    let exposed = backend.expose(&unit, root.path())?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: name("data")?,
            path: dir.clone(),
            mounted: true,
        }]
    );
    assert_eq!(log.lines(), [lvs_line()?, setro, mountinfo_line(), mount]);
    assert!(dir.is_dir());
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&dir)?.permissions().mode() & 0o777, 0o700);
    }
    Ok(())
}

#[test]
fn expose_of_an_image_already_mounted_there_mounts_nothing() -> TestResult {
    let unit = planned_unit("data")?;
    let root = tempfile::tempdir()?;
    let dir = root.path().join("data");
    let setro = display_argv(&commands::set_read_only(&image_device()));
    let mounted = format!(
        "{}31 1 254:3 / {} ro,relatime - ext4 /dev/mapper/vg0-data_rimage_1 ro\n",
        mountinfo_text("normal")?,
        dir.display()
    );
    let script = lvs_script(&["split"])?
        .on(&mountinfo_line(), ok(&mounted))
        .on(&setro, ok(""));
    let (backend, log) = scripted_backend(script);
    let exposed = backend.expose(&unit, root.path())?;
    assert_eq!(
        exposed.first().map(|e| (&e.path, e.mounted)),
        Some((&dir, true))
    );
    assert_eq!(log.lines(), [lvs_line()?, setro, mountinfo_line()]);
    Ok(())
}

#[test]
fn expose_refuses_an_image_mounted_elsewhere() -> TestResult {
    let unit = planned_unit("data")?;
    let root = tempfile::tempdir()?;
    let setro = display_argv(&commands::set_read_only(&image_device()));
    let script = lvs_script(&["split"])?
        .on(&mountinfo_line(), ok(&mountinfo_text("split")?))
        .on(&setro, ok(""));
    let (backend, log) = scripted_backend(script);
    let error = backend.expose(&unit, root.path()).err().ok_or("exposed")?;
    assert_eq!(fix_of(&error), Some("umount /split"));
    assert!(!log.lines().iter().any(|l| l.starts_with("mount ")));
    Ok(())
}

#[test]
fn expose_of_a_raw_unit_gives_the_device() -> TestResult {
    let unit = planned_raw_unit("data")?;
    assert_eq!(unit.lvs.first().map(|l| l.fs.is_none()), Some(true));
    let setro = display_argv(&commands::set_read_only(&image_device()));
    let script = lvs_script(&["split"])?.on(&setro, ok(""));
    let (backend, log) = scripted_backend(script);
    let root = tempfile::tempdir()?;
    let exposed = backend.expose(&unit, root.path())?;
    assert_eq!(
        exposed,
        [ExposedCopy {
            lv: name("data")?,
            path: image_device(),
            mounted: false,
        }]
    );
    assert_eq!(log.lines(), [lvs_line()?, setro]);
    assert!(!root.path().join("data").exists());
    Ok(())
}

#[test]
fn expose_without_a_split_refuses_and_touches_nothing() -> TestResult {
    let unit = planned_unit("data")?;
    let (backend, log) = scripted_backend(lvs_script(&["normal"])?);
    let root = tempfile::tempdir()?;
    let error = backend.expose(&unit, root.path()).err().ok_or("exposed")?;
    assert!(
        error.to_string().contains("no split image data_rimage_1"),
        "{error}"
    );
    assert_eq!(log.lines(), [lvs_line()?]);
    Ok(())
}

#[test]
fn unexpose_unmounts_only_what_is_mounted_and_removes_the_empty_dir() -> TestResult {
    let unit = planned_unit("data")?;
    let root = tempfile::tempdir()?;
    let dir = root.path().join("data");
    std::fs::create_dir(&dir)?;
    let umount = display_argv(&commands::umount(&dir));
    let mounted = format!(
        "{}31 1 254:3 / {} ro,relatime - ext4 /dev/mapper/vg0-data_rimage_1 ro\n",
        mountinfo_text("normal")?,
        dir.display()
    );
    let script = ScriptedRunner::new()
        .on(&mountinfo_line(), ok(&mounted))
        .on(&umount, ok(""));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.unexpose(&unit, root.path())?, Applied::Done);
    assert_eq!(log.lines(), [mountinfo_line(), umount]);
    assert!(!dir.exists());

    let script = ScriptedRunner::new().on(&mountinfo_line(), ok(&mountinfo_text("normal")?));
    let (backend, log) = scripted_backend(script);
    assert_eq!(backend.unexpose(&unit, root.path())?, Applied::AlreadyDone);
    assert_eq!(log.lines(), [mountinfo_line()]);
    Ok(())
}

/// A unit for `slow`, which the planner does not split while it syncs.
fn slow_unit() -> Result<SplitUnit, Box<dyn Error>> {
    let mut unit = planned_raw_unit("data")?;
    if let Some(first) = unit.lvs.first_mut() {
        first.lv = name("slow")?;
        first.lps = 50;
    }
    unit.split_name = SplitName::TrackedImage(name("slow_rimage_1")?);
    Ok(unit)
}

#[test]
fn stale_extents_follow_the_sync_percent() -> TestResult {
    // slow: 50 extents, 0.00% synced.
    let (backend, log) = scripted_backend(lvs_script(&["syncing"])?);
    assert_eq!(backend.stale_pps(&slow_unit()?)?, 50);
    assert_eq!(log.lines(), [lvs_line()?]);

    let text = edit(
        &lvs_text("syncing")?,
        r#""sync_percent":"0.00", "lv_health_status":"", "raid_sync_action":"resync""#,
        r#""sync_percent":"44.43", "lv_health_status":"", "raid_sync_action":"resync""#,
    )?;
    let (backend, _) = scripted_backend(ScriptedRunner::new().on(&lvs_line()?, ok(&text)));
    // ceil(50 * 55.57 / 100) = 28.
    assert_eq!(backend.stale_pps(&slow_unit()?)?, 28);

    let data = planned_unit("data")?;
    let (backend, _) = scripted_backend(lvs_script(&["normal"])?);
    assert_eq!(backend.stale_pps(&data)?, 0);
    let (backend, _) = scripted_backend(lvs_script(&["split"])?);
    assert_eq!(backend.stale_pps(&data)?, 0, "nothing to tell while split");
    Ok(())
}

/// After the merge the kernel may report 100% while LVM still flags the merged image
/// `I`: it is not back until the flag clears.
#[test]
fn an_image_still_flagged_out_of_sync_counts_as_stale() -> TestResult {
    let flagged = edit(
        &lvs_text("normal")?,
        r#""lv_name":"[data_rimage_1]", "lv_uuid":"qMe4mN-OEcA-5DB0-fBNk-WE8O-S42K-46wZtL", "lv_attr":"iwi-aor---""#,
        r#""lv_name":"[data_rimage_1]", "lv_uuid":"qMe4mN-OEcA-5DB0-fBNk-WE8O-S42K-46wZtL", "lv_attr":"Iwi-aor---""#,
    )?;
    let data = planned_unit("data")?;
    let (backend, _) = scripted_backend(ScriptedRunner::new().on(&lvs_line()?, ok(&flagged)));
    assert!(backend.stale_pps(&data)? > 0);
    Ok(())
}

#[test]
fn start_resync_leaves_it_to_the_kernel() -> TestResult {
    let (backend, log) = scripted_backend(ScriptedRunner::new());
    assert_eq!(
        backend.start_resync(&planned_unit("data")?)?,
        Applied::AlreadyDone
    );
    assert_eq!(log.count(), 0);
    Ok(())
}

#[test]
fn manual_commands_name_the_merge_and_the_rebuild() -> TestResult {
    let unit = planned_unit("data")?;
    let (backend, _) = scripted_backend(ScriptedRunner::new());
    let lines = backend.manual_commands(&Step::Rejoin { unit: unit.id }, &unit);
    assert!(
        lines
            .iter()
            .any(|l| l == "lvm lvconvert --yes --mergemirrors vg0/data_rimage_1"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("lvm lvchange --yes --rebuild") && l.ends_with("vg0/data")),
        "{lines:?}"
    );
    let resync = backend.manual_commands(&Step::Resync { unit: unit.id }, &unit);
    assert!(resync.iter().all(|l| l.contains("vg0/data")), "{resync:?}");

    let root = Path::new("/var/lib/offmirror/run/mnt");
    let thaw = backend.manual_fs_commands(
        &Step::Thaw {
            mount_point: mnt_data()?,
        },
        None,
        root,
    );
    assert_eq!(thaw, ["fsfreeze --unfreeze /mnt/data"]);
    let unexpose = backend.manual_fs_commands(&Step::Unexpose { unit: unit.id }, Some(&unit), root);
    assert_eq!(
        unexpose,
        ["umount /var/lib/offmirror/run/mnt/data   # only if it is mounted"]
    );
    Ok(())
}

#[test]
fn run_errors_map_to_in_doubt_or_failed() -> TestResult {
    let unit = planned_unit("data")?;
    let line = lvs_line()?;
    let script = ScriptedRunner::new().on_error(
        &line,
        RunError::TimedOut {
            argv: commands::lvs(Some(&vg0()?)),
            after: Duration::from_secs(30),
        },
    );
    let (backend, _) = scripted_backend(script);
    assert!(
        matches!(backend.split(&unit), Err(BackendError::InDoubt { .. })),
        "a timed-out command is in doubt"
    );

    // No answer scripted: the runner says the program is not found.
    let (backend, _) = scripted_backend(ScriptedRunner::new());
    match backend.rejoin(&unit) {
        Err(BackendError::Failed { fix: Some(fix), .. }) => {
            assert!(fix.contains("lvm2"), "{fix}");
        }
        other => return Err(format!("expected a failure, got {other:?}").into()),
    }

    // Output lvs's parser cannot read.
    let (backend, _) = scripted_backend(ScriptedRunner::new().on(&line, ok("not json")));
    match backend.split(&unit) {
        Err(BackendError::Failed { operation, .. }) => {
            assert_eq!(operation, "read the host's state");
        }
        other => return Err(format!("expected a failure, got {other:?}").into()),
    }
    Ok(())
}

/// The inventory the backend builds after a split it made is what the planner reads as
/// a split of the planned copy.
#[test]
fn the_split_state_matches_the_planned_unit() -> TestResult {
    let unit = planned_unit("data")?;
    let inv = build_inventory(&common::report("split")?)?;
    let data = common::lv(&inv, "data")?;
    let mark = data.split.as_ref().ok_or("data not split")?;
    assert_eq!(mark.copy, unit.copy);
    match (&mark.via, &unit.split_name) {
        (offmirror_core::SplitVia::TrackedImage { image }, SplitName::TrackedImage(planned)) => {
            assert_eq!(image, planned);
        }
        other => return Err(format!("unexpected {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_prepared_split_reads_nothing_inside_the_window() -> TestResult {
    let unit = planned_unit("data")?;
    let split = data_split_line()?;
    let script = lvs_script(&["normal"])?.on(&split, ok(SPLIT_MESSAGE));
    let (backend, log) = scripted_backend(script);
    backend.prepare_split(&unit);
    assert_eq!(log.lines(), [lvs_line()?]);
    assert_eq!(backend.split(&unit)?, Applied::Done);
    // Only lvconvert ran during the split itself.
    assert_eq!(log.lines(), [lvs_line()?, split]);
    Ok(())
}

#[test]
fn prepared_rows_that_went_stale_fall_back_to_reading_the_vg_again() -> TestResult {
    let unit = planned_unit("data")?;
    let split = data_split_line()?;
    // Prepared while nothing was split; by the split, the image is split already, and
    // lvconvert refuses.
    let script = lvs_script(&["normal", "split"])?.on(
        &split,
        CommandOutput::failed(5, "  Unable to split additional image from vg0/data while tracking changes for vg0/data_rimage_1.\n"),
    );
    let (backend, log) = scripted_backend(script);
    backend.prepare_split(&unit);
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.lines(), [lvs_line()?, split, lvs_line()?]);
    // What was prepared is used once: a second split reads the VG.
    assert_eq!(backend.split(&unit)?, Applied::AlreadyDone);
    assert_eq!(log.lines().len(), 4);
    Ok(())
}

/// The mount root given through a symlink (or `..`): the mount table prints the resolved
/// path, and unexpose must still find and unmount the image.
#[test]
fn unexpose_finds_the_mount_through_a_symlinked_root() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let real = tmp.path().join("real");
    std::fs::create_dir_all(real.join("data"))?;
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link)?;
    let canonical = std::fs::canonicalize(real.join("data"))?;
    let table = format!(
        "{}31 1 254:3 / {} ro,relatime - ext4 /dev/mapper/vg0-data_rimage_1 ro,norecovery\n",
        mountinfo_text("normal")?,
        canonical.display()
    );
    let umount = display_argv(&commands::umount(&canonical));
    let (backend, log) = scripted_backend(
        ScriptedRunner::new()
            .on(&mountinfo_line(), ok(&table))
            .on(&umount, ok("")),
    );
    let unit = planned_unit("data")?;
    assert_eq!(backend.unexpose(&unit, &link)?, Applied::Done);
    assert_eq!(log.lines(), [mountinfo_line(), umount]);
    Ok(())
}
