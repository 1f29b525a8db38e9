//! The argument vector of every command the backend runs, one function each.
//!
//! Every name put into a command comes from a validated core name type ([`VgName`],
//! [`LvName`], [`PvName`], [`MountPoint`], [`CopyNumber`]): names cannot start with `-`
//! (so they never read as options) and mount points are absolute paths without control
//! characters. Commands are argument vectors, never shell text.
//!
//! | operation | command |
//! |---|---|
//! | VG split / rejoin | `splitvg -y SNAP -c N VG` / `joinvg VG` |
//! | JFS split / rejoin | `chfs -a splitcopy=MNT -a copy=N FS` / `rmfs MNT` |
//! | LV backup copy / rejoin | `chlvcopy -b -c N -P -l BACKUPLV LV` / `chlvcopy -B LV` |
//! | detach / rebuild (full resync) | `splitlvcopy -f -y NEWLV LV COPIES-1 PV...` / `rmlv -f NEWLV`, `mklvcopy LV COPIES PV...` |
//! | resync | `syncvg -v VG` / `syncvg -l LV...` |
//! | freeze / thaw | `chfs -a freeze=SECS FS` / `chfs -a freeze=off FS` |
//! | expose / unexpose | `mount -V VFS -o ro /dev/LV DIR` / `umount DIR` |

use std::time::Duration;

use offmirror_core::{CopyNumber, LvName, MountPoint, PvName, Vfs, VgName};

fn argv<const N: usize>(words: [&str; N]) -> Vec<String> {
    words.iter().map(|w| (*w).to_string()).collect()
}

/// `lsvg`: every volume group defined on the host.
pub fn lsvg_all() -> Vec<String> {
    argv(["lsvg"])
}

/// `lsvg -o`: the varied-on volume groups.
pub fn lsvg_online() -> Vec<String> {
    argv(["lsvg", "-o"])
}

/// `lsvg VG`: the volume group's attributes (PP size, stale partitions).
pub fn lsvg_detail(vg: &VgName) -> Vec<String> {
    argv(["lsvg", vg.as_str()])
}

/// `lsvg -p VG`: its disks.
pub fn lsvg_pvs(vg: &VgName) -> Vec<String> {
    argv(["lsvg", "-p", vg.as_str()])
}

/// `lsvg -l VG`: its logical volumes.
pub fn lsvg_lvs(vg: &VgName) -> Vec<String> {
    argv(["lsvg", "-l", vg.as_str()])
}

/// `lsvg -M VG`: which copy of which logical partition every physical partition holds,
/// and which are stale.
pub fn lsvg_pp_map(vg: &VgName) -> Vec<String> {
    argv(["lsvg", "-M", vg.as_str()])
}

/// `lsfs -c`: the file systems of `/etc/filesystems`, colon-separated.
pub fn lsfs() -> Vec<String> {
    argv(["lsfs", "-c"])
}

/// `mount`: what is mounted where.
pub fn mounts() -> Vec<String> {
    argv(["mount"])
}

/// `splitvg -y SNAP -c N VG`: splits copy N of every LV of VG into snapshot VG SNAP.
///
/// ```
/// use offmirror_aix::commands::splitvg;
/// use offmirror_core::{CopyNumber, VgName};
/// let argv = splitvg(&VgName::new("datavg_om")?, CopyNumber::default(), &VgName::new("datavg")?);
/// assert_eq!(argv, ["splitvg", "-y", "datavg_om", "-c", "2", "datavg"]);
/// # Ok::<(), offmirror_core::NameError>(())
/// ```
pub fn splitvg(snapshot: &VgName, copy: CopyNumber, vg: &VgName) -> Vec<String> {
    let copy = copy.to_string();
    argv(["splitvg", "-y", snapshot.as_str(), "-c", &copy, vg.as_str()])
}

/// `joinvg VG`: joins VG's snapshot VG back (the argument is the original VG).
pub fn joinvg(vg: &VgName) -> Vec<String> {
    argv(["joinvg", vg.as_str()])
}

/// `chfs -a splitcopy=MNT -a copy=N FS`: splits copy N of the JFS mounted at FS off,
/// mounted read-only at MNT.
pub fn chfs_splitcopy(split_mount: &MountPoint, copy: CopyNumber, fs: &MountPoint) -> Vec<String> {
    let splitcopy = format!("splitcopy={split_mount}");
    let copy = format!("copy={copy}");
    argv(["chfs", "-a", &splitcopy, "-a", &copy, fs.as_str()])
}

/// `rmfs MNT`: ends a JFS split copy; the copy is reintegrated as a mirror.
pub fn rmfs(split_mount: &MountPoint) -> Vec<String> {
    argv(["rmfs", split_mount.as_str()])
}

/// `chlvcopy -b -c N -P -l BACKUPLV LV`: marks copy N of LV as an online backup copy,
/// readable through the child LV BACKUPLV, kept across reboots (`-P`).
pub fn chlvcopy_mark(copy: CopyNumber, backup_lv: &LvName, lv: &LvName) -> Vec<String> {
    let copy = copy.to_string();
    argv([
        "chlvcopy",
        "-b",
        "-c",
        &copy,
        "-P",
        "-l",
        backup_lv.as_str(),
        lv.as_str(),
    ])
}

/// `chlvcopy -B LV`: unmarks the backup copy (and removes its child LV).
pub fn chlvcopy_unmark(lv: &LvName) -> Vec<String> {
    argv(["chlvcopy", "-B", lv.as_str()])
}

/// `splitlvcopy -f -y NEWLV LV REMAINING [PV...]`: moves the copy held on the PVs into
/// the new LV NEWLV, leaving REMAINING copies in LV. `-f` because the LV may be open:
/// with no terminal to answer the confirmation, the command would stop otherwise (the
/// split of an open LV happens inside a freeze).
pub fn splitlvcopy(new_lv: &LvName, lv: &LvName, remaining: usize, pvs: &[PvName]) -> Vec<String> {
    let mut out = argv(["splitlvcopy", "-f", "-y", new_lv.as_str(), lv.as_str()]);
    out.push(remaining.to_string());
    out.extend(pvs.iter().map(|p| p.to_string()));
    out
}

/// `rmlv -f LV`: removes a logical volume without asking.
pub fn rmlv(lv: &LvName) -> Vec<String> {
    argv(["rmlv", "-f", lv.as_str()])
}

/// `mklvcopy LV COPIES [PV...]`: adds copies up to COPIES, on the PVs given; the new
/// copy is stale until synchronised.
pub fn mklvcopy(lv: &LvName, copies: usize, pvs: &[PvName]) -> Vec<String> {
    let mut out = argv(["mklvcopy", lv.as_str()]);
    out.push(copies.to_string());
    out.extend(pvs.iter().map(|p| p.to_string()));
    out
}

/// `syncvg -v VG`: resynchronises the stale partitions of every LV of VG.
pub fn syncvg_vg(vg: &VgName) -> Vec<String> {
    argv(["syncvg", "-v", vg.as_str()])
}

/// `syncvg -l LV...`: resynchronises the stale partitions of these LVs.
pub fn syncvg_lvs<'a>(lvs: impl IntoIterator<Item = &'a LvName>) -> Vec<String> {
    let mut out = argv(["syncvg", "-l"]);
    out.extend(lvs.into_iter().map(|l| l.to_string()));
    out
}

/// `chfs -a freeze=SECS FS`: freezes a mounted JFS2; it thaws by itself after SECS
/// seconds (at least 1).
///
/// ```
/// use std::time::Duration;
/// use offmirror_aix::commands::freeze;
/// use offmirror_core::MountPoint;
/// let argv = freeze(&MountPoint::new("/data")?, Duration::from_secs(120));
/// assert_eq!(argv, ["chfs", "-a", "freeze=120", "/data"]);
/// # Ok::<(), offmirror_core::NameError>(())
/// ```
pub fn freeze(fs: &MountPoint, timeout: Duration) -> Vec<String> {
    let value = format!("freeze={}", timeout.as_secs().max(1));
    argv(["chfs", "-a", &value, fs.as_str()])
}

/// `chfs -a freeze=off FS`: thaws a frozen JFS2.
pub fn thaw(fs: &MountPoint) -> Vec<String> {
    argv(["chfs", "-a", "freeze=off", fs.as_str()])
}

/// `mount -V VFS -o ro /dev/LV DIR`: mounts a split copy read-only. The type is given
/// because the device has no `/etc/filesystems` stanza.
pub fn mount_read_only(vfs: Vfs, lv: &LvName, dir: &MountPoint) -> Vec<String> {
    let device = block_device(lv);
    argv([
        "mount",
        "-V",
        vfs.as_str(),
        "-o",
        "ro",
        &device,
        dir.as_str(),
    ])
}

/// `umount DIR`.
pub fn umount(dir: &MountPoint) -> Vec<String> {
    argv(["umount", dir.as_str()])
}

/// `varyonvg VG`: activates a volume group (a snapshot VG that `splitvg` left varied
/// off, as it does for concurrent-capable VGs).
pub fn varyonvg(vg: &VgName) -> Vec<String> {
    argv(["varyonvg", vg.as_str()])
}

/// `/dev/LV`: the block device of a logical volume.
pub fn block_device(lv: &LvName) -> String {
    format!("/dev/{lv}")
}

/// `/dev/rLV`: the raw (character) device of a logical volume, what a backup of a raw
/// LV reads.
pub fn raw_device(lv: &LvName) -> String {
    format!("/dev/r{lv}")
}
