//! The demo host: what a small database server with mirrored disks looks like.

use offmirror_core::{LvType, Vfs};

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

impl SimHost {
    /// The demo host (see [`demo_state`]).
    pub fn demo() -> SimHost {
        SimHost::new(demo_state())
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
}
