//! The Linux-flavoured (LVM2) simulated host: its preview speaks LVM2, and its tracked
//! raid1 image split follows LVM2's rules — one split image per LV, a mounted image is
//! not merged, idempotent split and merge, faults and crashes like every other mechanism.

use std::path::Path;
use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{CONTENTS_FILE, FailRule, OpKind, SimHookRunner, SimHost};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn request(work: &Path, copy: u8) -> Result<BackupRequest, Box<dyn std::error::Error>> {
    let mut r = BackupRequest::builder(work)
        .vg(VgName::new("vg0")?)
        .copy(CopyNumber::new(copy)?)
        .force_continue_on_warnings(true)
        .build();
    for phase in HookPhase::ALL {
        r.hooks.set(phase, HookSpec::new("/bin/true"));
    }
    r.policy.resync_timeout = Duration::from_secs(5);
    Ok(r)
}

fn preview(host: &SimHost, req: &BackupRequest) -> Result<Preview, BackendError> {
    Ok(plan(
        &host.inventory()?,
        req,
        &host.capabilities(),
        &LocalFacts::assume_usable(req),
    ))
}

fn options(run_id: &str) -> ExecOptions {
    ExecOptions {
        run_id: Some(run_id.into()),
        resync_poll: Duration::ZERO,
        sync_journal: false,
        ..ExecOptions::default()
    }
}

fn problem<'p>(preview: &'p Preview, code: ProblemCode, lv: &str) -> Option<&'p Problem> {
    preview
        .problems
        .iter()
        .find(|p| p.code == code && matches!(&p.subject, Subject::Lv(l) if l.as_str() == lv))
}

fn fix_of(preview: &Preview, code: ProblemCode, lv: &str) -> Result<String, String> {
    problem(preview, code, lv)
        .and_then(|p| p.fix.clone())
        .ok_or_else(|| format!("no {code:?} fix for {lv}:\n{}", preview.to_text()))
}

/// The unit of the plan that splits `lv`.
fn unit_of<'p>(plan: &'p Plan, lv: &str) -> Result<&'p SplitUnit, String> {
    plan.units
        .iter()
        .find(|u| u.lvs.iter().any(|l| l.lv.as_str() == lv))
        .ok_or_else(|| format!("no unit splits {lv}"))
}

#[test]
fn the_preview_speaks_lvm2_and_freezes_only_the_mounted_ext4_and_xfs() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let p = preview(&host, &request(tmp.path(), 2)?)?;
    assert!(p.is_runnable(), "{}", p.to_text());

    // Fixes name LVM2 commands.
    let blocked = fix_of(&p, ProblemCode::NotInSync, "synclv")?;
    assert!(blocked.contains("sync_percent"), "{blocked}");
    assert!(blocked.contains("vg0/synclv"), "{blocked}");
    let unmirrored = fix_of(&p, ProblemCode::LvNotMirrored, "tmplv")?;
    assert!(
        unmirrored.contains("lvconvert --type raid1") && unmirrored.contains("vg0/tmplv"),
        "{unmirrored}"
    );
    for pr in &p.problems {
        let fix = pr.fix.clone().unwrap_or_default();
        for aix in [
            "mklvcopy", "syncvg", "lsvg", "varyonvg", "chlvcopy", "joinvg",
        ] {
            assert!(!fix.contains(aix), "an AIX fix on an LVM2 host: {pr:?}");
        }
    }

    // One tracked image split per LV, the image named as LVM2 names copy 2.
    let units: Vec<(String, Mechanism, SplitName)> = p
        .plan
        .units
        .iter()
        .map(|u| (u.lvs[0].lv.to_string(), u.mechanism, u.split_name.clone()))
        .collect();
    let image = |n: &str| LvName::new(n).map(SplitName::TrackedImage);
    assert_eq!(
        units,
        vec![
            (
                "datalv".into(),
                Mechanism::TrackedImageSplit,
                image("datalv_rimage_1")?
            ),
            (
                "loglv".into(),
                Mechanism::TrackedImageSplit,
                image("loglv_rimage_1")?
            ),
            (
                "dbraw".into(),
                Mechanism::TrackedImageSplit,
                image("dbraw_rimage_1")?
            ),
        ]
    );

    // Freezes for the mounted ext4 and XFS it splits, none for the raw LV or the skipped.
    let frozen: Vec<String> = p
        .plan
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Freeze { mount_point, .. } => Some(mount_point.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(frozen, ["/srv/data", "/srv/log"]);
    let thawed = p
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Thaw { .. }))
        .count();
    assert_eq!(thawed, 2);
    Ok(())
}

#[test]
fn a_copy_the_lv_lacks_and_a_leftover_split_get_lvm2_fixes() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let p = preview(&host, &request(tmp.path(), 3)?)?;
    let absent = fix_of(&p, ProblemCode::CopyAbsent, "loglv")?;
    assert!(absent.contains("lvconvert -m 2 vg0/loglv"), "{absent}");
    let split: Vec<&str> = p.plan.lvs().map(|l| l.lv.as_str()).collect();
    assert_eq!(split, ["datalv"]);

    // Split datalv's copy 2 and leave it: the next preview says how to merge it.
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    host.split(unit_of(&plan, "datalv")?)?;
    let p = preview(&host, &request(tmp.path(), 2)?)?;
    let leftover = fix_of(&p, ProblemCode::LeftoverSplit, "datalv")?;
    assert!(
        leftover.contains("lvconvert --mergemirrors vg0/datalv_rimage_1"),
        "{leftover}"
    );
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn the_demo_backs_up_with_lvm2_and_ends_in_sync() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &hooks)
        .options(options("lvm2-demo"))
        .run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.outcome, RunOutcome::SuccessWithWarnings);
    // Freeze, freeze, split, split, split, thaw, thaw.
    assert_eq!(report.quiesce.backend_operations, 7);
    let state = host.state()?;
    assert!(state.safe_state_violations().is_empty());
    let mut written = 0;
    for u in &report.units {
        assert!(u.split && u.rejoined, "{u:?}");
        assert_eq!(u.pps_written_while_split, u.pps_resynced, "{u:?}");
        written += u.pps_written_while_split.unwrap_or(0);
    }
    assert!(
        written > 0,
        "the demo's application wrote nothing while split"
    );
    for read in hooks.backup_reads() {
        assert_eq!(Some(&read.data), state.split_images.get(&read.lv));
    }
    // ext4 and XFS mounted below the mount root, the raw LV as its image's device.
    let mount_root = tmp.path().join("mnt").join("lvm2-demo");
    let shown: Vec<(String, String, bool)> = report
        .exposed
        .iter()
        .map(|e| (e.lv.to_string(), e.path.display().to_string(), e.mounted))
        .collect();
    let under = |lv: &str| mount_root.join(lv).display().to_string();
    assert_eq!(
        shown,
        vec![
            ("datalv".into(), under("datalv"), true),
            ("loglv".into(), under("loglv"), true),
            ("dbraw".into(), "/dev/vg0/dbraw_rimage_1".into(), false),
        ]
    );
    Ok(())
}

#[test]
fn lvm2_tracks_one_split_image_per_lv() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let copy2 = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let copy3 = preview(&host, &request(tmp.path(), 3)?)?.into_plan()?;
    let (two, three) = (unit_of(&copy2, "datalv")?, unit_of(&copy3, "datalv")?);

    assert_eq!(host.split(two)?, Applied::Done);
    assert_eq!(host.split(two)?, Applied::AlreadyDone);
    let err = host
        .split(three)
        .err()
        .ok_or("a second image of datalv was split off")?
        .to_string();
    assert!(
        err.contains("datalv_rimage_1 of vg0/datalv is already split off")
            && err.contains("lvconvert --mergemirrors vg0/datalv_rimage_1"),
        "{err}"
    );
    // Merging the image that is not split is refused, naming the one that is.
    let err = host
        .rejoin(three)
        .err()
        .ok_or("merged an image that is not split")?
        .to_string();
    assert!(
        err.contains("the split image of datalv is datalv_rimage_1, not datalv_rimage_2"),
        "{err}"
    );
    assert_eq!(host.rejoin(two)?, Applied::Done);
    assert_eq!(host.rejoin(two)?, Applied::AlreadyDone);
    assert_eq!(host.rejoin(three)?, Applied::AlreadyDone);
    // The kernel resynchronises by itself after the merge (no resync to start), and
    // until it is done LVM2 refuses another split.
    assert_eq!(host.start_resync(two)?, Applied::AlreadyDone);
    let mut polls = 0;
    while host.stale_pps(two)? > 0 {
        polls += 1;
        assert!(polls < 100, "the resync does not end");
    }
    // Now the other image can go.
    assert_eq!(host.split(three)?, Applied::Done);
    assert_eq!(host.rejoin(three)?, Applied::Done);
    Ok(())
}

#[test]
fn a_mounted_split_image_is_not_merged() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let unit = unit_of(&plan, "loglv")?;
    let root = tmp.path().join("mnt").join("x");
    host.split(unit)?;
    let shown = host.expose(unit, &root)?;
    assert_eq!(shown.len(), 1);
    assert!(shown[0].mounted && shown[0].path == root.join("loglv"));
    // Exposing again in the same place is fine; elsewhere it is refused.
    assert_eq!(host.expose(unit, &root)?, shown);
    let err = host
        .expose(unit, &tmp.path().join("elsewhere"))
        .err()
        .ok_or("mounted twice")?;
    assert!(err.to_string().contains("already mounted on"), "{err}");
    let err = host
        .rejoin(unit)
        .err()
        .ok_or("merged a mounted image")?
        .to_string();
    assert!(
        err.contains("loglv_rimage_1 is still mounted on") && err.contains("umount"),
        "{err}"
    );
    assert!(
        host.state()?
            .safe_state_violations()
            .iter()
            .any(|v| v.contains("still mounted")),
    );
    assert_eq!(host.unexpose(unit, &root)?, Applied::Done);
    assert_eq!(host.unexpose(unit, &root)?, Applied::AlreadyDone);
    assert_eq!(host.rejoin(unit)?, Applied::Done);
    // Nothing to expose once merged.
    assert!(host.expose(unit, &root).is_err());
    Ok(())
}

#[test]
fn lvs_lvm2_would_not_split_are_refused() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let template = unit_of(&plan, "datalv")?;
    let unit_for = |lv: &str, copies: u8| -> Result<SplitUnit, NameError> {
        let mut u = template.clone();
        u.lvs[0].lv = LvName::new(lv)?;
        u.lvs[0].copies = copies;
        u.split_name = SplitName::TrackedImage(LvName::new(format!("{lv}_rimage_1"))?);
        Ok(u)
    };
    let refusal = |u: &SplitUnit| -> Result<String, String> {
        host.split(u)
            .err()
            .map(|e| e.to_string())
            .ok_or_else(|| format!("{} was split", u.lvs[0].lv))
    };
    let err = refusal(&unit_for("synclv", 2)?)?;
    assert!(
        err.contains("not in-sync") && err.contains("sync_percent"),
        "{err}"
    );
    let err = refusal(&unit_for("tmplv", 1)?)?;
    assert!(err.contains("not a raid1 LV"), "{err}");
    // A split name that is not the copy's image.
    let mut wrong = template.clone();
    wrong.split_name = SplitName::TrackedImage(LvName::new("datalv_rimage_2")?);
    let err = refusal(&wrong)?;
    assert!(err.contains("has no image datalv_rimage_2"), "{err}");
    // Two LVs in one unit.
    let mut two = template.clone();
    two.lvs.push(unit_for("loglv", 2)?.lvs[0].clone());
    let err = refusal(&two)?;
    assert!(err.contains("exactly one LV per unit"), "{err}");
    // Stale partitions.
    host.with_state(|s| {
        if let Some(pp) = s
            .inventory
            .vgs
            .iter_mut()
            .flat_map(|v| v.lvs.iter_mut())
            .find(|l| l.name.as_str() == "datalv")
            .and_then(|l| l.copies.get_mut(2))
            .and_then(|c| c.pps.first_mut())
            .and_then(Option::as_mut)
        {
            pp.stale = true;
        }
    })?;
    let err = refusal(template)?;
    assert!(err.contains("not in-sync"), "{err}");
    assert!(host.state()?.splits.is_empty());
    Ok(())
}

#[test]
fn injected_failures_and_crashes_apply_to_the_tracked_split() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let unit = unit_of(&plan, "dbraw")?;
    host.with_state(|s| {
        s.faults.fail = vec![FailRule {
            op: OpKind::Split,
            nth: 1,
        }]
    })?;
    let err = host
        .split(unit)
        .err()
        .ok_or("the injected failure did not fail")?;
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert!(host.state()?.splits.is_empty());
    // A crash after the effect: the split happened, the answer is lost.
    host.with_state(|s| {
        s.faults.crash_after_ops = Some(s.ops);
        s.faults.crash_after_effect = true;
    })?;
    let err = host.split(unit).err().ok_or("no crash")?;
    assert!(matches!(err, BackendError::Gone(_)), "{err}");
    assert!(matches!(host.rejoin(unit), Err(BackendError::Gone(_))));
    host.with_state(|s| {
        s.crashed = false;
        s.faults = Default::default();
    })?;
    assert_eq!(host.split(unit)?, Applied::AlreadyDone);
    assert_eq!(host.rejoin(unit)?, Applied::Done);
    Ok(())
}

#[test]
fn split_images_are_written_as_files_when_asked() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo().with_files(true);
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    let root = tmp.path().join("mnt").join("files");
    for lv in ["datalv", "dbraw"] {
        let unit = unit_of(&plan, lv)?;
        host.split(unit)?;
        let shown = host.expose(unit, &root)?;
        assert_eq!(shown.len(), 1);
        // The simulator makes no device nodes: the raw image is a file below the root too.
        assert_eq!(shown[0].path, root.join(lv));
        assert_eq!(shown[0].mounted, lv == "datalv");
        let text = std::fs::read_to_string(root.join(lv).join(CONTENTS_FILE))?;
        assert!(
            text.starts_with(&format!("# split copy 2 of {lv}")),
            "{text}"
        );
        assert_eq!(host.unexpose(unit, &root)?, Applied::Done);
        assert!(!root.join(lv).exists());
        assert_eq!(host.rejoin(unit)?, Applied::Done);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// What these tests found in the core, now fixed.
// ---------------------------------------------------------------------------------------

/// An unexpose that fails once (a busy `umount`: the backup tool still holds a file) is
/// tried again at the end of the run, and the image is merged after all.
#[test]
fn a_failed_unmount_of_a_split_image_is_retried_and_merged() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    // Unexposes run in reverse unit order: the third is datalv's (ext4, mounted image).
    host.with_state(|s| {
        s.faults.fail = vec![FailRule {
            op: OpKind::Unexpose,
            nth: 3,
        }]
    })?;
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &hooks)
        .options(options("busy"))
        .run(&plan)?;
    assert!(!report.errors.is_empty(), "the failure is reported");
    let left = host.state()?.safe_state_violations();
    assert!(left.is_empty(), "after the run: {left:?}");
    assert!(interrupted_runs(tmp.path())?.is_empty());
    Ok(())
}

/// An unexpose that keeps failing leaves the LV split: the run is then left interrupted
/// (no End record), so the `offmirror recover` the preview's fix names does finish it
/// once the cause is gone.
#[test]
fn a_persistently_failing_unmount_leaves_the_run_to_recover() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    let plan = preview(&host, &request(tmp.path(), 2)?)?.into_plan()?;
    host.with_state(|s| {
        s.faults.fail = vec![
            FailRule {
                op: OpKind::Unexpose,
                nth: 3,
            },
            FailRule {
                op: OpKind::Unexpose,
                nth: 4,
            },
        ]
    })?;
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &hooks)
        .options(options("busy"))
        .run(&plan)?;
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains("offmirror recover")),
        "{:?}",
        report.errors
    );
    assert!(!host.state()?.safe_state_violations().is_empty());
    assert_eq!(interrupted_runs(tmp.path())?, ["busy"]);
    host.with_state(|s| s.faults = Default::default())?;
    Executor::new(&host, &host, &hooks)
        .options(options("busy"))
        .recover(tmp.path())?;
    let left = host.state()?.safe_state_violations();
    assert!(left.is_empty(), "after run and recover: {left:?}");
    assert!(interrupted_runs(tmp.path())?.is_empty());
    Ok(())
}

/// The resync timeout's error names the commands of the backend's dialect: on an LVM2
/// host, `lvs -o sync_percent`, not `lsvg`/`syncvg`.
#[test]
fn a_resync_timeout_on_lvm2_names_lvm2_commands() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let host = SimHost::lvm2_demo();
    host.with_state(|s| s.resync_rate = 1)?;
    let mut req = request(tmp.path(), 2)?;
    req.policy.resync_timeout = Duration::ZERO;
    let plan = preview(&host, &req)?.into_plan()?;
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(&host, &host, &hooks)
        .options(options("slow"))
        .run(&plan)?;
    let resync: Vec<&String> = report
        .errors
        .iter()
        .filter(|e| e.starts_with("resync unit"))
        .collect();
    assert!(!resync.is_empty(), "{:?}", report.errors);
    for e in resync {
        assert!(!e.contains("lsvg") && !e.contains("syncvg"), "{e}");
        assert!(e.contains("sync_percent"), "{e}");
    }
    Ok(())
}
