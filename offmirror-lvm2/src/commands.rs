//! The argument vectors of every command the backend runs. Names are validated before
//! they get here and each is one argv entry; nothing passes through a shell.

use std::path::Path;

use offmirror_core::{LvName, MountPoint, PvName, Vfs, VgName};

/// The `lvs` fields the inventory reads. The segment fields make `lvs` print one row
/// per segment, which is how each image's extents are mapped.
pub const LV_FIELDS: &str = "vg_name,lv_name,lv_uuid,lv_attr,lv_size,segtype,sync_percent,\
lv_health_status,raid_sync_action,raid_mismatch_count,lv_role,lv_layout,lv_permissions,\
lv_dm_path,lv_kernel_major,lv_kernel_minor,lv_tags,seg_start_pe,seg_size_pe,devices";

/// The tag that records, in the LV's own metadata, that a merged image must still be
/// rebuilt whole (the merge came after a reactivation): set before the merge, removed
/// after the rebuild, so a crash or failure in between cannot lose the decision.
pub const REBUILD_TAG: &str = "offmirror_rebuild";

/// The `vgs` fields the inventory reads.
pub const VG_FIELDS: &str = "vg_name,vg_uuid,vg_attr,vg_extent_size,vg_shared,vg_lock_type";

/// The `pvs` fields the inventory reads.
pub const PV_FIELDS: &str = "pv_name,vg_name,pv_uuid,pv_attr,pv_missing,pv_pe_count";

fn argv<const N: usize>(items: [&str; N]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn report(command: &str, fields: &str, extra: &[&str]) -> Vec<String> {
    let mut v = argv([
        "lvm",
        command,
        "--reportformat",
        "json",
        "--units",
        "b",
        "--nosuffix",
    ]);
    v.extend(extra.iter().map(|s| (*s).to_string()));
    v.push("-o".into());
    v.push(fields.into());
    v
}

/// `lvm vgs --reportformat json --units b --nosuffix -o VG_FIELDS`: every VG.
pub fn vgs() -> Vec<String> {
    report("vgs", VG_FIELDS, &[])
}

/// `lvm pvs ... -o PV_FIELDS`: every PV, with the VG it belongs to.
pub fn pvs() -> Vec<String> {
    report("pvs", PV_FIELDS, &[])
}

/// `lvm lvs -a ... -o LV_FIELDS [VG]`: every LV and sub-LV, one row per segment; of one
/// VG when `vg` is given.
pub fn lvs(vg: Option<&VgName>) -> Vec<String> {
    let mut v = report("lvs", LV_FIELDS, &["-a"]);
    if let Some(vg) = vg {
        v.push(vg.to_string());
    }
    v
}

/// `cat /proc/self/mountinfo`: what is mounted where (read through the runner like
/// every other fact, so tests can script it).
pub fn mountinfo() -> Vec<String> {
    argv(["cat", "/proc/self/mountinfo"])
}

/// `lvm lvconvert --yes --splitmirrors 1 --trackchanges VG/LV PV...`: splits the image on
/// `pvs` off and tracks the writes to the LV. `--yes` answers the confirmation prompt,
/// which would otherwise fail (standard input is closed).
pub fn split_tracked(vg: &VgName, lv: &LvName, pvs: &[PvName]) -> Vec<String> {
    let mut v = argv([
        "lvm",
        "lvconvert",
        "--yes",
        "--splitmirrors",
        "1",
        "--trackchanges",
    ]);
    v.push(format!("{vg}/{lv}"));
    v.extend(pvs.iter().map(ToString::to_string));
    v
}

/// `lvm lvconvert --yes --mergemirrors VG/IMAGE`: merges a tracked split image back;
/// only the regions written while split are resynchronised.
pub fn merge(vg: &VgName, image: &LvName) -> Vec<String> {
    let mut v = argv(["lvm", "lvconvert", "--yes", "--mergemirrors"]);
    v.push(format!("{vg}/{image}"));
    v
}

/// `lvm lvchange --yes --rebuild PV... VG/LV`: recopies the image on `pvs` whole from
/// the other images.
pub fn rebuild(vg: &VgName, lv: &LvName, pvs: &[PvName]) -> Vec<String> {
    let mut v = argv(["lvm", "lvchange", "--yes"]);
    for pv in pvs {
        v.push("--rebuild".into());
        v.push(pv.to_string());
    }
    v.push(format!("{vg}/{lv}"));
    v
}

/// `lvm lvchange --addtag TAG VG/LV`.
pub fn add_tag(vg: &VgName, lv: &LvName, tag: &str) -> Vec<String> {
    let mut v = argv(["lvm", "lvchange", "--addtag", tag]);
    v.push(format!("{vg}/{lv}"));
    v
}

/// `lvm lvchange --deltag TAG VG/LV`.
pub fn del_tag(vg: &VgName, lv: &LvName, tag: &str) -> Vec<String> {
    let mut v = argv(["lvm", "lvchange", "--deltag", tag]);
    v.push(format!("{vg}/{lv}"));
    v
}

/// `fsfreeze --freeze MOUNT_POINT`.
pub fn freeze(mount_point: &MountPoint) -> Vec<String> {
    let mut v = argv(["fsfreeze", "--freeze"]);
    v.push(mount_point.to_string());
    v
}

/// `fsfreeze --unfreeze MOUNT_POINT`.
pub fn thaw(mount_point: &MountPoint) -> Vec<String> {
    let mut v = argv(["fsfreeze", "--unfreeze"]);
    v.push(mount_point.to_string());
    v
}

/// `blockdev --setro DEVICE`: the split image is writable at block level; this keeps a
/// backup tool from changing it (a write there would not be resynchronised on merge).
pub fn set_read_only(device: &Path) -> Vec<String> {
    let mut v = argv(["blockdev", "--setro"]);
    v.push(device.display().to_string());
    v
}

/// `mount -t TYPE -o ro,... DEVICE DIR`: mounts a split image read-only without replaying
/// its journal (`noload` for ext4; `norecovery,nouuid` for XFS, whose UUID is the same
/// as the mounted origin's).
pub fn mount_read_only(vfs: Vfs, device: &Path, dir: &Path) -> Vec<String> {
    let (fs_type, options) = match vfs {
        Vfs::Xfs => ("xfs", "ro,norecovery,nouuid"),
        Vfs::Ext4 => ("ext4", "ro,noload"),
        Vfs::Jfs => ("jfs", "ro"),
        Vfs::Jfs2 => ("jfs2", "ro"),
        _ => ("auto", "ro"),
    };
    let mut v = argv(["mount", "-t", fs_type, "-o", options]);
    v.push(device.display().to_string());
    v.push(dir.display().to_string());
    v
}

/// `umount DIR`.
pub fn umount(dir: &Path) -> Vec<String> {
    let mut v = argv(["umount"]);
    v.push(dir.display().to_string());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_the_lv_and_the_pvs_as_separate_arguments()
    -> Result<(), Box<dyn std::error::Error>> {
        let v = split_tracked(
            &VgName::new("vg0")?,
            &LvName::new("data")?,
            &[PvName::new("/dev/vdb")?],
        );
        assert_eq!(
            v,
            [
                "lvm",
                "lvconvert",
                "--yes",
                "--splitmirrors",
                "1",
                "--trackchanges",
                "vg0/data",
                "/dev/vdb"
            ]
        );
        Ok(())
    }

    #[test]
    fn read_only_mounts_skip_journal_replay() {
        let v = mount_read_only(
            Vfs::Xfs,
            Path::new("/dev/mapper/vg0-b_rimage_2"),
            Path::new("/m"),
        );
        assert_eq!(v.get(4).map(String::as_str), Some("ro,norecovery,nouuid"));
        let v = mount_read_only(Vfs::Ext4, Path::new("/dev/x"), Path::new("/m"));
        assert_eq!(v.get(4).map(String::as_str), Some("ro,noload"));
    }

    #[test]
    fn reports_ask_for_bytes_and_json() {
        let v = lvs(None);
        assert!(v.windows(2).any(|w| w == ["--units", "b"]));
        assert!(v.contains(&"--nosuffix".to_string()));
        assert!(v.contains(&"-a".to_string()));
    }
}
