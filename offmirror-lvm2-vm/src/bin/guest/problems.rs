//! Preview problems that only a real LVM2 host shows, each with a fix in LVM2's own
//! commands.

use std::time::Duration;

use offmirror_command::DuctRunner;
use offmirror_core::{
    BackupRequest, Executor, HookPhase, HookSpec, LvName, Preview, ProblemCode, Subject,
};
use offmirror_lvm2::Lvm2Backend;

use crate::Outcome;
use crate::checks::{check, ensure};
use crate::hooks::ClosureHooks;
use crate::host::{STATE_DIR, fresh_vg, raid1, scrub, sh};

const VG: &str = "vgprob";

/// One VG holding an LV for each problem, then one preview.
pub fn run() -> Vec<Outcome> {
    let mut out = Vec::new();
    let setup = check("problems.setup", setup);
    let ok = setup.1.is_ok();
    out.push(setup);
    if !ok {
        return out;
    }
    let preview = match preview_with(1) {
        Ok(p) => p,
        Err(e) => {
            out.push(("problems.preview".into(), Err(e)));
            return out;
        }
    };
    for p in &preview.problems {
        println!("problem: {p}");
    }
    let expect = |lv: &str, code: ProblemCode, fix_has: &str| {
        let found = preview
            .problems
            .iter()
            .find(|p| p.code == code && matches!(&p.subject, Subject::Lv(n) if n.as_str() == lv));
        match found {
            None => Err(format!("no {code} problem for {lv}")),
            Some(p) => ensure(
                p.fix.as_deref().is_some_and(|f| f.contains(fix_has)),
                || {
                    format!(
                        "the fix for {lv} ({:?}) does not mention {fix_has:?}",
                        p.fix
                    )
                },
            ),
        }
    };
    out.push(check("problems.linear_lv_is_not_mirrored", || {
        expect(
            "plain",
            ProblemCode::LvNotMirrored,
            "lvconvert --type raid1",
        )
    }));
    out.push(check("problems.raid5_is_an_unsupported_layout", || {
        expect(
            "striped5",
            ProblemCode::UnsupportedLayout,
            "lvconvert --type raid1",
        )
    }));
    out.push(check("problems.raid_integrity", || {
        expect(
            "integ",
            ProblemCode::RaidIntegrity,
            "lvconvert --raidintegrity n vgprob/integ",
        )
    }));
    out.push(check("problems.syncing_mirror_is_not_in_sync", || {
        expect("syncing", ProblemCode::NotInSync, "sync_percent")
    }));
    out.push(check("problems.tracked_split_left_in_place", || {
        expect(
            "tracked",
            ProblemCode::LeftoverSplit,
            "--mergemirrors vgprob/tracked_rimage_1",
        )
    }));
    out.push(check("problems.scrub_mismatches", || {
        expect(
            "garbled",
            ProblemCode::MirrorMismatches,
            "--syncaction repair",
        )
    }));
    out.push(check("problems.nothing_runs_while_blocked", || {
        ensure(!preview.is_runnable(), || "the preview is runnable".into())
    }));
    out.push(check(
        "problems.two_legs_leave_no_redundancy_under_policy",
        || {
            let strict = preview_with(2)?;
            let p = strict.problems.iter().find(|p| {
                p.code == ProblemCode::TooFewCopiesLeft
                    && matches!(&p.subject, Subject::Lv(n) if n.as_str() == "good")
            });
            ensure(
                p.is_some_and(|p| {
                    p.fix
                        .as_deref()
                        .is_some_and(|f| f.contains("lvconvert -m 2"))
                }),
                || format!("no too_few_copies_left with an lvconvert fix for good: {p:?}"),
            )
        },
    ));
    out
}

fn setup() -> Result<(), String> {
    fresh_vg(VG)?;
    raid1(VG, "good", 2, "16M")?;
    sh(&["lvm", "lvcreate", "-y", "-L", "16M", "-n", "plain", VG])?;
    sh(&[
        "lvm", "lvcreate", "-y", "--type", "raid5", "-i", "2", "-L", "16M", "-n", "striped5", VG,
    ])?;
    // A rate limit keeps the initial sync going through the preview.
    sh(&[
        "lvm",
        "lvcreate",
        "-y",
        "--type",
        "raid1",
        "-m",
        "1",
        "-L",
        "200M",
        "--maxrecoveryrate",
        "128K",
        "-n",
        "syncing",
        VG,
    ])?;
    sh(&[
        "lvm",
        "lvcreate",
        "-y",
        "--type",
        "raid1",
        "-m",
        "1",
        "--raidintegrity",
        "y",
        "-L",
        "16M",
        "-n",
        "integ",
        VG,
    ])?;
    raid1(VG, "tracked", 2, "16M")?;
    sh(&[
        "lvm",
        "lvconvert",
        "--yes",
        "--splitmirrors",
        "1",
        "--trackchanges",
        "vgprob/tracked",
    ])?;
    raid1(VG, "garbled", 2, "16M")?;
    // Garbage in one leg only, behind LVM's back, then a scrub to count it.
    sh(&[
        "dd",
        "if=/dev/urandom",
        "of=/dev/mapper/vgprob-garbled_rimage_1",
        "bs=64k",
        "count=4",
        "seek=8",
        "oflag=direct",
        "conv=notrunc",
    ])?;
    let count = scrub(VG, "garbled")?;
    ensure(count > 0, || {
        "the scrub found no mismatch in the garbled leg".into()
    })?;
    std::thread::sleep(Duration::from_millis(200));
    Ok(())
}

fn request(min_copies: u8) -> Result<BackupRequest, String> {
    let mut b = BackupRequest::builder(format!("{STATE_DIR}/problems"))
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .min_copies_left(min_copies);
    for lv in [
        "good", "plain", "striped5", "integ", "syncing", "tracked", "garbled",
    ] {
        b = b.lv(LvName::new(lv).map_err(|e| e.to_string())?);
    }
    Ok(b.build())
}

fn preview_with(min_copies: u8) -> Result<Preview, String> {
    let backend = Lvm2Backend::new(DuctRunner::new());
    let hooks = ClosureHooks::new(|_| Ok(()));
    Executor::new(&backend, &backend, &hooks)
        .preview(&request(min_copies)?)
        .map_err(|e| offmirror_core::display_chain(&e))
}
