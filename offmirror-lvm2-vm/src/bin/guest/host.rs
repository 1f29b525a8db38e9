//! Driving the guest's real tools: commands, fresh VGs, raid1 LVs, file systems, waits.

use std::process::Command;
use std::time::{Duration, Instant};

/// The data disks.
pub const DISKS: [&str; 3] = ["/dev/vda", "/dev/vdb", "/dev/vdc"];

/// Where the state disk is mounted; it survives a guest crash.
pub const STATE_DIR: &str = "/var/lib/offmirror";

/// Runs a command, echoing it; `Err` with its stderr on a non-zero exit.
pub fn sh(argv: &[&str]) -> Result<String, String> {
    println!("$ {}", argv.join(" "));
    let (program, args) = argv.split_first().ok_or("empty command")?;
    let out = Command::new(program)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !stderr.trim().is_empty() {
        for line in stderr.lines().take(12) {
            println!("  ! {line}");
        }
    }
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{} failed ({}): {}",
            argv.join(" "),
            out.status,
            stderr.trim()
        ))
    }
}

/// Removes every VG and PV label from the data disks and builds VG `vg` on all three.
pub fn fresh_vg(vg: &str) -> Result<(), String> {
    unmount_below("/mnt/")?;
    let vgs = sh(&["lvm", "vgs", "--noheadings", "-o", "vg_name"])?;
    for name in vgs.split_whitespace() {
        sh(&["lvm", "vgremove", "-ff", "-y", name])?;
    }
    for disk in DISKS {
        let _ = sh(&["lvm", "pvremove", "-ff", "-y", disk]);
        sh(&[
            "dd",
            "if=/dev/zero",
            &format!("of={disk}"),
            "bs=1M",
            "count=2",
            "conv=fsync",
        ])?;
    }
    let mut argv = vec!["lvm", "pvcreate", "-y"];
    argv.extend(DISKS);
    sh(&argv)?;
    let mut argv = vec!["lvm", "vgcreate", vg];
    argv.extend(DISKS);
    sh(&argv)?;
    Ok(())
}

/// Unmounts every file system mounted below `prefix`, deepest first.
pub fn unmount_below(prefix: &str) -> Result<(), String> {
    let table = std::fs::read_to_string("/proc/self/mountinfo").map_err(|e| e.to_string())?;
    let mut points: Vec<String> = table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .filter(|mp| mp.starts_with(prefix))
        .map(str::to_string)
        .collect();
    points.sort_by_key(|mp| std::cmp::Reverse(mp.len()));
    for mp in points {
        sh(&["umount", &mp])?;
    }
    Ok(())
}

/// Creates a raid1 LV with `legs` images (blank sparse disks read as zeros on every leg,
/// so `--nosync` is truthful here and saves the initial copy).
pub fn raid1(vg: &str, lv: &str, legs: u8, size: &str) -> Result<String, String> {
    let mirrors = (legs - 1).to_string();
    sh(&[
        "lvm", "lvcreate", "-y", "--type", "raid1", "-m", &mirrors, "-L", size, "-n", lv, vg,
    ])?;
    wait_in_sync(vg, lv, Duration::from_secs(120))?;
    Ok(format!("/dev/mapper/{vg}-{lv}"))
}

/// An `lvs` field of one LV, trimmed.
pub fn lv_field(vg: &str, lv: &str, field: &str) -> Result<String, String> {
    Ok(sh(&[
        "lvm",
        "lvs",
        "--noheadings",
        "-o",
        field,
        &format!("{vg}/{lv}"),
    ])?
    .trim()
    .to_string())
}

/// Waits until the LV reports 100 % in sync and an idle sync action.
pub fn wait_in_sync(vg: &str, lv: &str, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        let percent = lv_field(vg, lv, "sync_percent")?;
        let action = lv_field(vg, lv, "raid_sync_action")?;
        if percent == "100.00" && (action == "idle" || action.is_empty()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{vg}/{lv} still at {percent}% ({action}) after {limit:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Scrubs the LV (`lvchange --syncaction check`) and returns `raid_mismatch_count`.
pub fn scrub(vg: &str, lv: &str) -> Result<u64, String> {
    let target = format!("{vg}/{lv}");
    sh(&["lvm", "lvchange", "--syncaction", "check", &target])?;
    std::thread::sleep(Duration::from_millis(300));
    wait_in_sync(vg, lv, Duration::from_secs(300))?;
    let count = lv_field(vg, lv, "raid_mismatch_count")?;
    count
        .parse()
        .map_err(|_| format!("raid_mismatch_count of {target} is {count:?}"))
}

/// Makes a file system and mounts it on `/mnt/<lv>`.
pub fn make_fs(kind: &str, device: &str, lv: &str) -> Result<String, String> {
    match kind {
        "ext4" => sh(&["mkfs.ext4", "-q", "-F", device])?,
        "xfs" => sh(&["mkfs.xfs", "-q", "-f", device])?,
        other => return Err(format!("no mkfs for {other}")),
    };
    let dir = format!("/mnt/{lv}");
    std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir {dir}: {e}"))?;
    sh(&["mount", "-t", kind, device, &dir])?;
    Ok(dir)
}

/// Writes `text` to `path` and flushes it to the disk.
pub fn write_synced(path: &str, data: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| format!("open {path}: {e}"))?;
    f.write_all(data)
        .map_err(|e| format!("write {path}: {e}"))?;
    f.sync_all().map_err(|e| format!("fsync {path}: {e}"))?;
    Ok(())
}

/// Reads `len` bytes at the start of a block device or file.
pub fn read_head(path: &str, len: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| format!("open {path}: {e}"))?;
    let mut buf = vec![0u8; len];
    f.read_exact(&mut buf)
        .map_err(|e| format!("read {path}: {e}"))?;
    Ok(buf)
}

/// A recognisable block of data for one version.
pub fn pattern(version: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(version))
        .collect()
}
