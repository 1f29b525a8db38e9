//! JFS and JFS2 file systems from `lsfs -c`, with their mount state from `mount`.

use std::collections::{HashMap, HashSet};

use offmirror_core::{FileSystem, LogDevice, LvName, MountPoint, Vfs};

use crate::parse::{FsEntry, MountEntry};

/// The journal named by a `log=` option, if `options` has one.
///
/// ```
/// use offmirror_aix::inventory::log_device;
/// use offmirror_core::{LogDevice, LvName};
/// assert_eq!(log_device(["rw", "log=/dev/hd8"]), Some(LogDevice::Lv(LvName::new("hd8")?)));
/// assert_eq!(log_device(["log=INLINE"]), Some(LogDevice::Inline));
/// assert_eq!(log_device(["log=NULL"]), Some(LogDevice::None));
/// assert_eq!(log_device(["rw"]), None);
/// # Ok::<(), offmirror_core::NameError>(())
/// ```
pub fn log_device<'a>(options: impl IntoIterator<Item = &'a str>) -> Option<LogDevice> {
    let value = options
        .into_iter()
        .find_map(|o| o.trim().strip_prefix("log="))?;
    if value.eq_ignore_ascii_case("INLINE") {
        return Some(LogDevice::Inline);
    }
    if value.eq_ignore_ascii_case("NULL") {
        return Some(LogDevice::None);
    }
    let lv = value.strip_prefix("/dev/").unwrap_or(value);
    LvName::new(lv).ok().map(LogDevice::Lv)
}

fn vfs(word: Option<&str>) -> Option<Vfs> {
    match word?.to_ascii_lowercase().as_str() {
        "jfs" => Some(Vfs::Jfs),
        "jfs2" => Some(Vfs::Jfs2),
        _ => None,
    }
}

/// The JFS and JFS2 file systems of `entries` that live on one of `lvs`, except those
/// mounted at `split_mounts` (split copies).
///
/// A file system is mounted when `mount` shows its device at its mount point. Its log
/// is the one its mount options name, else the one its `/etc/filesystems` options
/// name; `lsfs -c` usually prints no log, so an unmounted file system whose stanza
/// names none has [`LogDevice::None`] (the model has no "unknown").
pub(crate) fn filesystems(
    entries: &[FsEntry],
    mounts: &[MountEntry],
    lvs: &HashSet<&LvName>,
    split_mounts: &HashSet<String>,
) -> Vec<FileSystem> {
    let mut out: Vec<FileSystem> = Vec::new();
    // Looked up once per file system: indexes keep a host of many file systems linear.
    let mut seen: HashSet<LvName> = HashSet::new();
    let mut mounted: HashMap<(&str, &str), &MountEntry> = HashMap::new();
    for m in mounts {
        mounted
            .entry((m.mount_point.as_str(), m.device.as_str()))
            .or_insert(m);
    }
    for entry in entries {
        let Some(vfs) = vfs(entry.vfs.as_deref()) else {
            continue;
        };
        let Some(device) = entry.device.as_deref() else {
            continue;
        };
        let Some(lv) = device
            .strip_prefix("/dev/")
            .and_then(|d| LvName::new(d).ok())
            .filter(|lv| lvs.contains(lv))
        else {
            continue;
        };
        if split_mounts.contains(&entry.mount_point) || !seen.insert(lv.clone()) {
            continue;
        }
        let Ok(mount_point) = MountPoint::new(entry.mount_point.as_str()) else {
            continue;
        };
        let mount = mounted.get(&(entry.mount_point.as_str(), device)).copied();
        let log = mount
            .and_then(|m| log_device(m.options.iter().map(String::as_str)))
            .or_else(|| {
                entry
                    .options
                    .as_deref()
                    .and_then(|o| log_device(o.split(',')))
            })
            .unwrap_or(LogDevice::None);
        out.push(FileSystem {
            mount_point,
            device: lv,
            vfs,
            mounted: mount.is_some(),
            log,
        });
    }
    out
}
