//! Full backup cycles through the executor: ext4, XFS and a raw LV, with 2 and 3 legs,
//! writes to the live LV while the image is split, and proof afterwards that the backup
//! saw the point-in-time data and that the legs are identical again.

use std::path::Path;
use std::time::{Duration, Instant};

use offmirror_command::DuctRunner;
use offmirror_core::{BackupRequest, ExecOptions, Executor, HookPhase, HookSpec, LvName};
use offmirror_lvm2::Lvm2Backend;

use crate::Outcome;
use crate::checks::{check, ensure};
use crate::hooks::ClosureHooks;
use crate::host::{
    STATE_DIR, fresh_vg, lv_field, make_fs, pattern, raid1, read_head, scrub, sh, wait_in_sync,
    write_synced,
};

const VG: &str = "vgcyc";
const RAW_BYTES: usize = 1 << 20;

/// The cycles, plus the freeze watchdog.
pub fn run() -> Vec<Outcome> {
    let mut out = Vec::new();
    for (kind, legs, size) in [
        ("ext4", 2, "32M"),
        ("ext4", 3, "32M"),
        ("xfs", 2, "320M"),
        ("xfs", 3, "320M"),
        ("raw", 2, "16M"),
        ("raw", 3, "16M"),
    ] {
        let name = format!("cycle.{kind}.{legs}legs");
        out.push(check(&name, || cycle(kind, legs, size)));
    }
    out.push(check("watchdog.thaws_when_offmirror_dies", watchdog_thaws));
    out
}

fn cycle(kind: &str, legs: u8, size: &str) -> Result<(), String> {
    fresh_vg(VG)?;
    let lv = format!("{kind}{legs}");
    let dev = raid1(VG, &lv, legs, size)?;
    let mount = if kind == "raw" {
        write_synced(&dev, &pattern(1, RAW_BYTES))?;
        None
    } else {
        let dir = make_fs(kind, &dev, &lv)?;
        write_synced(&format!("{dir}/data.txt"), b"version-1\n")?;
        Some(dir)
    };

    let backend = Lvm2Backend::new(DuctRunner::new());
    let live = dev.clone();
    let live_dir = mount.clone();
    let hooks = ClosureHooks::new(move |ctx| {
        let copy = ctx
            .exposed
            .first()
            .ok_or("the backup hook was shown no split copy")?;
        let seen_before = read_copy(&copy.path, live_dir.is_some())?;
        // Writes to the live LV while split.
        match &live_dir {
            Some(dir) => write_synced(&format!("{dir}/data.txt"), b"version-2\n")?,
            None => write_synced(&live, &pattern(2, RAW_BYTES))?,
        }
        let seen_after = read_copy(&copy.path, live_dir.is_some())?;
        let expected = if live_dir.is_some() {
            b"version-1\n".to_vec()
        } else {
            pattern(1, RAW_BYTES)
        };
        ensure(seen_before == expected, || {
            "the split copy did not hold the data of split time".into()
        })?;
        ensure(seen_after == expected, || {
            "the split copy changed when the live LV was written".into()
        })?;
        let image_dev = if copy.mounted {
            None
        } else {
            Some(copy.path.display().to_string())
        };
        if let Some(device) = image_dev {
            let ro = sh(&["blockdev", "--getro", &device])?;
            ensure(ro.trim() == "1", || {
                format!("{device} is not read-only at block level")
            })?;
        }
        Ok(())
    });
    let request = BackupRequest::builder(format!("{STATE_DIR}/cycles"))
        .lv(LvName::new(lv.as_str()).map_err(|e| e.to_string())?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build();
    let executor = Executor::new(&backend, &backend, &hooks).options(ExecOptions {
        run_id: Some(format!("cycle-{lv}")),
        resync_poll: Duration::from_millis(300),
        ..ExecOptions::default()
    });
    let started = Instant::now();
    let preview = executor
        .preview(&request)
        .map_err(|e| offmirror_core::display_chain(&e))?;
    for p in &preview.problems {
        println!("problem: {p}");
    }
    let plan = preview.into_plan().map_err(|e| e.to_string())?;
    let report = executor
        .run(&plan)
        .map_err(|e| offmirror_core::display_chain(&e))?;
    let took = started.elapsed();
    hooks.verdict()?;
    ensure(report.errors.is_empty(), || {
        format!("run errors: {:?}", report.errors)
    })?;
    // LVM2 does not report its write-intent bitmap: the count is unknown, not 0.
    ensure(
        report
            .units
            .iter()
            .all(|u| u.pps_written_while_split.is_none()),
        || format!("units: {:?}", report.units),
    )?;
    println!(
        "GUEST-FIGURE cycle.{lv}.run_seconds {:.2}\nGUEST-FIGURE cycle.{lv}.quiesce_ms {:.1}\nGUEST-FIGURE cycle.{lv}.quiesce_backend_ms {:.1}\nGUEST-FIGURE cycle.{lv}.quiesce_backend_ops {}",
        took.as_secs_f64(),
        report.quiesce.duration.as_secs_f64() * 1000.0,
        report.quiesce.backend_time.as_secs_f64() * 1000.0,
        report.quiesce.backend_operations
    );
    // Baseline in the same boot: the bare LVM split command the window cannot avoid.
    let bare = bare_split_ms(&lv)?;
    println!(
        "GUEST-FIGURE cycle.{lv}.bare_lvconvert_split_ms {bare:.1}\nGUEST-FIGURE cycle.{lv}.window_over_bare_split {:.2}",
        report.quiesce.duration.as_secs_f64() * 1000.0 / bare.max(0.001)
    );
    let lvs = sh(&["lvm", "lvs", "-a", "--noheadings", "-o", "lv_name", VG])?;
    ensure(
        !lvs.lines()
            .any(|l| l.trim().starts_with(&format!("{lv}_rimage_"))),
        || format!("an image of {lv} is still visible after the run: {lvs}"),
    )?;
    wait_in_sync(VG, &lv, Duration::from_secs(120))?;
    let mismatches = scrub(VG, &lv)?;
    ensure(mismatches == 0, || {
        format!("raid_mismatch_count {mismatches} after the merge")
    })?;
    let attr = lv_field(VG, &lv, "lv_attr")?;
    ensure(
        !attr.starts_with('I') && attr.chars().nth(8) != Some('m'),
        || format!("lv_attr {attr} after the merge"),
    )?;
    // The writes made while split are on every leg now.
    match &mount {
        Some(dir) => {
            let text = std::fs::read(format!("{dir}/data.txt")).map_err(|e| e.to_string())?;
            ensure(text == b"version-2\n", || {
                "the write made while split is lost".into()
            })?;
            sh(&["umount", dir])?;
        }
        None => {
            let head = read_head(&dev, RAW_BYTES)?;
            ensure(head == pattern(2, RAW_BYTES), || {
                "the raw write made while split is lost".into()
            })?;
        }
    }
    Ok(())
}

/// The split copy's data: the file of a mounted copy, or the head of the device.
fn read_copy(path: &Path, mounted: bool) -> Result<Vec<u8>, String> {
    if mounted {
        std::fs::read(path.join("data.txt")).map_err(|e| format!("read split copy: {e}"))
    } else {
        read_head(&path.display().to_string(), RAW_BYTES)
    }
}

/// A freeze whose thaw never comes (the freezing process "dies") is undone by the
/// watchdog at the freeze timeout.
fn watchdog_thaws() -> Result<(), String> {
    use offmirror_core::{FsController, MountPoint};
    fresh_vg(VG)?;
    let dev = raid1(VG, "wd", 2, "16M")?;
    let dir = make_fs("ext4", &dev, "wd")?;
    let mp = MountPoint::new(dir.as_str()).map_err(|e| e.to_string())?;
    {
        let backend = Lvm2Backend::new(DuctRunner::new());
        backend
            .freeze(&mp, Duration::from_secs(2))
            .map_err(|e| offmirror_core::display_chain(&e))?;
        // The backend goes away without thawing, as a killed process would.
        std::mem::forget(backend);
    }
    let frozen_at = Instant::now();
    let path = format!("{dir}/after-freeze");
    let writer = std::thread::spawn(move || write_synced(&path, b"written\n"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !writer.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    ensure(writer.is_finished(), || {
        "the file system is still frozen 30 s later".into()
    })?;
    let waited = frozen_at.elapsed();
    writer.join().map_err(|_| "writer panicked")??;
    println!(
        "GUEST-FIGURE watchdog.write_unblocked_after_seconds {:.2}",
        waited.as_secs_f64()
    );
    ensure(waited >= Duration::from_millis(1500), || {
        format!("the write went through after {waited:?}: the freeze did not hold")
    })?;
    sh(&["umount", &dir])?;
    Ok(())
}

/// Times one `lvconvert --splitmirrors 1 --trackchanges` of `lv` run directly, then
/// merges the image back and waits for the sync.
fn bare_split_ms(lv: &str) -> Result<f64, String> {
    let target = format!("{VG}/{lv}");
    let started = Instant::now();
    sh(&[
        "lvm",
        "lvconvert",
        "--yes",
        "--splitmirrors",
        "1",
        "--trackchanges",
        &target,
    ])?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let listed = sh(&["lvm", "lvs", "-a", "--noheadings", "-o", "lv_name", VG])?;
    let image = listed
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("{lv}_rimage_")))
        .ok_or("the bare split left no visible image")?
        .to_string();
    sh(&[
        "lvm",
        "lvconvert",
        "--yes",
        "--mergemirrors",
        &format!("{VG}/{image}"),
    ])?;
    wait_in_sync(VG, lv, Duration::from_secs(120))?;
    Ok(ms)
}
