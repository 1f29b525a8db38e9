//! Hosts and requests shared by the benchmarks.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use offmirror_core::{BackupRequest, HookPhase, HookSpec, Inventory, LvType, Vfs, VgName};
use offmirror_sim::{HostBuilder, SimError};

/// One VG of `lvs` JFS2 LVs with `copies` copies of `lps` partitions each, every copy on
/// its own disk: the planner's large case.
pub fn big_vg(lvs: usize, copies: u8, lps: u32) -> Result<Inventory, SimError> {
    let disks: Vec<String> = (0..copies).map(|i| format!("hdisk{i}")).collect();
    let disk_refs: Vec<&str> = disks.iter().map(String::as_str).collect();
    let mut b = HostBuilder::new().vg("bigvg", &disk_refs, lps.saturating_mul(lvs as u32));
    for i in 0..lvs {
        let name = format!("lv{i:05}");
        b = b.lv("bigvg", &name, LvType::Jfs2, lps, copies).fs(
            &name,
            &format!("/data/{name}"),
            Vfs::Jfs2,
            true,
            None,
        );
    }
    b.inventory()
}

/// A small host: one VG, four mirrored LVs (JFS2, JFS with log, raw).
pub fn small_host() -> Result<Inventory, SimError> {
    HostBuilder::new()
        .vg("datavg", &["hdisk1", "hdisk2"], 1000)
        .lv("datavg", "loglv00", LvType::Jfslog, 1, 2)
        .lv("datavg", "datalv", LvType::Jfs2, 32, 2)
        .fs("datalv", "/data", Vfs::Jfs2, true, None)
        .lv("datavg", "oldlv", LvType::Jfs, 16, 2)
        .fs("oldlv", "/old", Vfs::Jfs, true, Some("loglv00"))
        .lv("datavg", "rawlv", LvType::Raw, 16, 2)
        .inventory()
}

/// A whole-VG request with a backup hook.
pub fn vg_request(work_dir: &Path, vg: &str) -> Result<BackupRequest, offmirror_core::NameError> {
    Ok(BackupRequest::builder(work_dir)
        .vg(VgName::new(vg)?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build())
}

/// An `lsvg -M` listing of `lines` partition lines in the documented layout: 8 disks,
/// 40 two-copy LVs in runs of 5,000 partitions, one stale copy in 97, a free range every
/// 1,000 lines.
pub fn lsvg_m_text(lines: usize) -> String {
    const DISKS: usize = 8;
    const LVS: usize = 40;
    let per_disk = lines / DISKS;
    let mut text = String::with_capacity(lines * 28);
    text.push_str("bigvg\n");
    for disk in 0..DISKS {
        for pp in 1..=per_disk {
            if pp % 1000 == 0 {
                let _ = writeln!(text, "hdisk{disk}:{pp}-{pp}");
                continue;
            }
            let lv = (pp / 5000) % LVS;
            let copy = disk % 2 + 1;
            let stale = if pp % 97 == 0 { "\tstale" } else { "" };
            let _ = writeln!(text, "hdisk{disk}:{pp}\tdatalv{lv:02}:{pp}:{copy}{stale}");
        }
    }
    text
}

/// One line of the baseline parser's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaiveMapLine {
    /// Disk name.
    pub pv: String,
    /// Partition number.
    pub pp: u32,
    /// LV name, LP and copy, when the partition is used.
    pub lp: Option<(String, u32, Option<u8>, bool)>,
}

static NAIVE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(\S+):(\d+)(?:-\d+)?(?:\s+(\S+):(\d+)(?::(\d+))?(?:\s+(stale))?)?\s*$").ok()
});

/// The baseline: the straightforward parser, one regex match and owned strings per line.
pub fn naive_lsvg_m(text: &str) -> Vec<NaiveMapLine> {
    let Some(re) = NAIVE_LINE.as_ref() else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let c = re.captures(line)?;
            let pp = c.get(2)?.as_str().parse().ok()?;
            let lp = match (c.get(3), c.get(4)) {
                (Some(lv), Some(lp)) => Some((
                    lv.as_str().to_string(),
                    lp.as_str().parse().ok()?,
                    c.get(5).and_then(|m| m.as_str().parse().ok()),
                    c.get(6).is_some(),
                )),
                _ => None,
            };
            Some(NaiveMapLine {
                pv: c.get(1)?.as_str().to_string(),
                pp,
                lp,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_parses_what_the_real_parser_parses() -> Result<(), Box<dyn std::error::Error>> {
        let text = lsvg_m_text(8_000);
        let naive = naive_lsvg_m(&text);
        let real = offmirror_aix::parse::parse_vg_pp_map(&text)?;
        assert_eq!(naive.len(), 8_000);
        assert_eq!(real.entries.len(), naive.len());
        let stale = naive
            .iter()
            .filter(|l| l.lp.as_ref().is_some_and(|lp| lp.3))
            .count();
        assert!(stale > 0);
        Ok(())
    }

    #[test]
    fn the_big_vg_has_the_asked_shape() -> Result<(), Box<dyn std::error::Error>> {
        let inv = big_vg(10, 3, 20)?;
        let vg = inv.vgs.first().ok_or("no vg")?;
        assert_eq!(vg.lvs.len(), 10);
        assert!(vg.lvs.iter().all(|lv| lv.copies.len() == 3 && lv.lps == 20));
        Ok(())
    }
}
