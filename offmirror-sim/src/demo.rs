//! The demo host: what a small database server with mirrored disks looks like.

use offmirror_core::{Dialect, LvBlocker, LvType, Vfs};

use crate::{HostBuilder, SimHost, SimState};

/// Builds the demo host's state:
///
/// - `rootvg` (hdisk0, hdisk1): boot, paging, JFS2 root — not a target;
/// - `datavg` (hdisk2–hdisk4): JFS2 `/oradata` with three copies, JFS2 `/oralog` with an
///   outline log, a raw LV `rawdb` — every LV mirrored with copy 2 alone on hdisk3, so the
///   whole VG splits in one atomic operation;
/// - `appvg` (hdisk5, hdisk6): a JFS file system `/legacy` with a mirrored `jfslog`, JFS2
///   `/home2`, JFS2 `/scratch` with 3 stale partitions, and a paging LV — split per LV.
pub fn demo_state() -> SimState {
    let built = HostBuilder::new()
        .vg("rootvg", &["hdisk0", "hdisk1"], 500)
        .lv("rootvg", "hd5", LvType::Boot, 1, 2)
        .lv("rootvg", "hd6", LvType::Paging, 8, 2)
        .lv("rootvg", "hd8", LvType::Jfs2log, 1, 2)
        .lv("rootvg", "hd4", LvType::Jfs2, 8, 2)
        .fs("hd4", "/", Vfs::Jfs2, true, Some("hd8"))
        .vg("datavg", &["hdisk2", "hdisk3", "hdisk4"], 1000)
        .lv_layout("datavg", "oradatalv", LvType::Jfs2, 64, &[0, 1, 2])
        .fs("oradatalv", "/oradata", Vfs::Jfs2, true, None)
        .lv_layout("datavg", "loglv01", LvType::Jfs2log, 1, &[0, 1])
        .lv_layout("datavg", "oraloglv", LvType::Jfs2, 16, &[2, 1])
        .fs("oraloglv", "/oralog", Vfs::Jfs2, true, Some("loglv01"))
        .lv_layout("datavg", "rawdb", LvType::Raw, 32, &[0, 1])
        .open("rawdb")
        .vg("appvg", &["hdisk5", "hdisk6"], 1000)
        .lv("appvg", "loglv00", LvType::Jfslog, 1, 2)
        .lv("appvg", "legacylv", LvType::Jfs, 24, 2)
        .fs("legacylv", "/legacy", Vfs::Jfs, true, Some("loglv00"))
        .lv("appvg", "homelv", LvType::Jfs2, 20, 2)
        .fs("homelv", "/home2", Vfs::Jfs2, true, None)
        .lv("appvg", "scratchlv", LvType::Jfs2, 16, 2)
        .fs("scratchlv", "/scratch", Vfs::Jfs2, true, None)
        .stale("scratchlv", 2, 3)
        .lv("appvg", "paging01", LvType::Paging, 8, 2)
        .inventory();
    // The description above is fixed and valid; an empty host is the only alternative.
    let mut state = SimState::new(built.unwrap_or_default());
    state.writes.per_op = 2;
    state
}

/// Builds the state of a small Linux host with LVM2 raid1 LVs, speaking
/// [`Dialect::Lvm2`] (its only mechanism the tracked image split). Volume group `vg0` on
/// `/dev/vda`, `/dev/vdb` and `/dev/vdc`, every copy (raid1 image) of an LV on its own PV:
///
/// - `datalv`: ext4 on `/srv/data`, three copies;
/// - `loglv`: XFS on `/srv/log`, two copies;
/// - `dbraw`: a raw LV in use by a database, two copies;
/// - `synclv`: ext4 on `/srv/sync`, two copies, still synchronising
///   ([`LvBlocker::NotInSync`]: skipped with a warning);
/// - `tmplv`: ext4 on `/srv/tmp`, not mirrored (skipped with a warning).
///
/// Every file system is mounted with its journal inside; the application writes 2
/// partitions between two backend operations.
pub fn lvm2_demo_state() -> SimState {
    let built = HostBuilder::new()
        .dialect(Dialect::Lvm2)
        .vg("vg0", &["/dev/vda", "/dev/vdb", "/dev/vdc"], 1000)
        .lv("vg0", "datalv", LvType::Ext4, 32, 3)
        .fs("datalv", "/srv/data", Vfs::Ext4, true, None)
        .lv_layout("vg0", "loglv", LvType::Xfs, 16, &[1, 2])
        .fs("loglv", "/srv/log", Vfs::Xfs, true, None)
        .lv_layout("vg0", "dbraw", LvType::Raw, 24, &[2, 0])
        .open("dbraw")
        .lv("vg0", "synclv", LvType::Ext4, 8, 2)
        .fs("synclv", "/srv/sync", Vfs::Ext4, true, None)
        .blocker(
            "synclv",
            LvBlocker::NotInSync {
                action: "resync".into(),
                percent: "44.43".into(),
            },
        )
        .lv("vg0", "tmplv", LvType::Ext4, 4, 1)
        .fs("tmplv", "/srv/tmp", Vfs::Ext4, true, None)
        .state();
    // The description above is fixed and valid; an empty LVM2 host is the only
    // alternative.
    let mut state = built.unwrap_or_else(|_| {
        let mut s = SimState::new(Default::default());
        s.set_dialect(Dialect::Lvm2);
        s
    });
    state.writes.per_op = 2;
    state
}

impl SimHost {
    /// The demo host (see [`demo_state`]).
    pub fn demo() -> SimHost {
        SimHost::new(demo_state())
    }

    /// The Linux demo host (see [`lvm2_demo_state`]): a backup of `vg0` splits `datalv`,
    /// `loglv` and `dbraw` one tracked raid1 image each, and skips the two others.
    ///
    /// ```
    /// use offmirror_core::*;
    /// use offmirror_sim::{SimHookRunner, SimHost};
    ///
    /// let host = SimHost::lvm2_demo();
    /// let caps = host.capabilities();
    /// assert_eq!(caps.dialect, Dialect::Lvm2);
    /// assert_eq!(caps.mechanisms, vec![Mechanism::TrackedImageSplit]);
    /// let request = BackupRequest::builder("/tmp/offmirror-lvm2-doc")
    ///     .vg(VgName::new("vg0")?)
    ///     .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
    ///     .force_continue_on_warnings(true)
    ///     .build();
    /// let preview = plan(&host.inventory()?, &request, &caps, &LocalFacts::assume_usable(&request));
    /// let split: Vec<String> = preview.plan.lvs().map(|l| l.lv.to_string()).collect();
    /// assert_eq!(split, ["datalv", "loglv", "dbraw"]);
    /// assert_eq!(
    ///     preview.plan.units[0].split_name,
    ///     SplitName::TrackedImage(LvName::new("datalv_rimage_1")?)
    /// );
    /// assert!(preview.is_runnable());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lvm2_demo() -> SimHost {
        SimHost::new(lvm2_demo_state())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_host_builds() {
        let state = demo_state();
        assert_eq!(state.inventory.vgs.len(), 3);
        let lvs: usize = state.inventory.vgs.iter().map(|v| v.lvs.len()).sum();
        assert_eq!(lvs, 13);
        assert_eq!(state.inventory.filesystems.len(), 6);
    }

    #[test]
    fn the_lvm2_demo_host_builds() {
        let state = lvm2_demo_state();
        assert_eq!(state.dialect, Dialect::Lvm2);
        assert_eq!(state.inventory.vgs.len(), 1);
        let lvs: usize = state.inventory.vgs.iter().map(|v| v.lvs.len()).sum();
        assert_eq!(lvs, 5);
        assert_eq!(state.inventory.filesystems.len(), 4);
    }
}
