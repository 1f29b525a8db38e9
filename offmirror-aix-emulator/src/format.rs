//! The text of each listing, in the layouts of the real samples in
//! `shared/aix/fixtures` (column widths measured on them) and, where none exists, of
//! SEMANTICS.md.
//!
//! | output | layout from |
//! |---|---|
//! | `lsvg`, `lsvg -o` | one name per line (SEMANTICS.md §2.1) |
//! | `lsvg VG` | lsvg_vg.1 (AIX 7.x, scalable VG): labels 20 + values 25 + labels 16 |
//! | `lsvg -p VG` | lsvg-p.1: 18 / 18 / 12 / 12, then the free distribution |
//! | `lsvg -l VG` | lsvg-l.1 … lsvg-l.7: 20 / 11 / 8 / 8 / 5 / 14, then the mount point |
//! | `lsvg -M VG` | **no real sample**: SEMANTICS.md §2.5 (IBM's documentation and IBM's own parser): the VG name, then `PV:PP<TAB>LV:LP[:COPY][<TAB>stale]` per used partition and `PV:FIRST-LAST` per free range |
//! | `lsfs -c` | lsfs-c.1/2 |
//! | `mount` | mount.2: two heading lines, then 9 blanks, device 16, mount point 16, VFS 6, date, options |
//! | `lslv LV` | lslv.3: labels 20 + values 23 + labels 16 |
//! | `lslv -m LV` | lslv-m.1 and SEMANTICS.md §2.8 (`%.4d` numbers, PV names padded to 16) |
//! | `lspv` | lspv.1: 16 / 36 / 16, then the state |
//!
//! A value that fills its column is followed by exactly one blank, as AIX prints
//! overflowing values (SEMANTICS.md §1.3, mount.1).

use std::fmt::Write as _;

use crate::view::{FsStanza, HostView, LvView, MountRow, VgView};

/// `text` padded with blanks to `width`; a text as long or longer gets one blank.
pub fn cell(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len >= width {
        format!("{text} ")
    } else {
        format!("{text}{}", " ".repeat(width - len))
    }
}

/// A 64-bit FNV-1a hash, for identifiers that stay the same from run to run.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The VG identifier shown for `vg` (32 hex digits, stable).
pub fn vg_identifier(vg: &str) -> String {
    format!("00f6f42a00004c00{:016x}", fnv(vg))
}

/// The PVID shown for disk `pv` (16 hex digits, stable).
pub fn pvid(pv: &str) -> String {
    format!("00f6f42a{:08x}", fnv(pv) & 0xffff_ffff)
}

/// `lsvg` / `lsvg -o`: one name per line.
pub fn vg_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(|n| format!("{n}\n")).collect()
}

fn key_value_row(
    out: &mut String,
    widths: (usize, usize, usize),
    l: &str,
    v: &str,
    r: &str,
    w: &str,
) {
    let _ = writeln!(
        out,
        "{}{}{}{w}",
        cell(l, widths.0),
        cell(v, widths.1),
        cell(r, widths.2)
    );
}

/// The `STALE PVs` and `STALE PPs` of a VG.
fn stale_counts(vg: &VgView) -> (usize, usize) {
    let placements = vg.placements();
    let stale_pps = placements.values().filter(|p| p.stale).count();
    let stale_pvs = placements
        .iter()
        .filter(|(_, p)| p.stale)
        .map(|((pv, _), _)| *pv)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    (stale_pvs, stale_pps)
}

/// `lsvg VG`, in the layout of lsvg_vg.1 (AIX 7.2/7.3, scalable VG).
pub fn vg_detail(vg: &VgView) -> String {
    let rows = (20, 25, 16);
    let total: u64 = vg.pvs.iter().map(|p| u64::from(p.total_pps)).sum();
    let used: u64 = vg.used_per_pv().iter().map(|u| u64::from(*u)).sum();
    let free = total.saturating_sub(used);
    let mb = |pps: u64| pps * u64::from(vg.pp_size_mb);
    let (stale_pvs, stale_pps) = stale_counts(vg);
    let active = vg.pvs.iter().filter(|p| p.state == "active").count();
    let descriptors = match vg.pvs.len() {
        0 | 1 => 2,
        2 => 3,
        n => n,
    };
    let open = vg.lvs.iter().filter(|l| l.open).count();
    let mut out = String::new();
    let mut row =
        |l: &str, v: String, r: &str, w: String| key_value_row(&mut out, rows, l, &v, r, &w);
    row(
        "VOLUME GROUP:",
        vg.name.clone(),
        "VG IDENTIFIER:",
        vg_identifier(&vg.name),
    );
    row(
        "VG STATE:",
        "active".into(),
        "PP SIZE:",
        format!("{} megabyte(s)", vg.pp_size_mb),
    );
    row(
        "VG PERMISSION:",
        "read/write".into(),
        "TOTAL PPs:",
        format!("{total} ({} megabytes)", mb(total)),
    );
    row(
        "MAX LVs:",
        "256".into(),
        "FREE PPs:",
        format!("{free} ({} megabytes)", mb(free)),
    );
    row(
        "LVs:",
        vg.lvs.len().to_string(),
        "USED PPs:",
        format!("{used} ({} megabytes)", mb(used)),
    );
    row(
        "OPEN LVs:",
        open.to_string(),
        "QUORUM:",
        "2 (Enabled)".into(),
    );
    row(
        "TOTAL PVs:",
        vg.pvs.len().to_string(),
        "VG DESCRIPTORS:",
        descriptors.to_string(),
    );
    row(
        "STALE PVs:",
        stale_pvs.to_string(),
        "STALE PPs:",
        stale_pps.to_string(),
    );
    row("ACTIVE PVs:", active.to_string(), "AUTO ON:", "yes".into());
    row("MAX PPs per VG:", "32768".into(), "MAX PVs:", "1024".into());
    row(
        "LTG size (Dynamic):",
        "256 kilobyte(s)".into(),
        "AUTO SYNC:",
        "no".into(),
    );
    // lsvg_vg.1 ends this value with a blank, and pads the MIRROR POOL STRICT line.
    row(
        "HOT SPARE:",
        "no".into(),
        "BB POLICY:",
        "relocatable ".into(),
    );
    out.push_str("MIRROR POOL STRICT: off                                       \n");
    let mut row = |l: &str, v: &str, r: &str, w: &str| key_value_row(&mut out, rows, l, v, r, w);
    row("PV RESTRICTION:", "none", "INFINITE RETRY:", "no");
    row("DISK BLOCK SIZE:", "512", "CRITICAL VG:", "no");
    row("FS SYNC OPTION:", "no", "CRITICAL PVs:", "no");
    out.push_str("ENCRYPTION:         no\n");
    out
}

/// The heading of `lsvg -p` (lsvg-p.1).
pub const VG_PVS_HEADING: &str =
    "PV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION";

/// The sizes of the five regions of a disk of `total` partitions, outer edge first: the
/// remainder of `total / 5` goes to the edges, then the middles (as lspv_pv.1/2 show:
/// 959 → 192, 192, 191, 192, 192).
pub fn region_sizes(total: u32) -> [u32; 5] {
    let base = total / 5;
    let mut sizes = [base; 5];
    for &i in [0usize, 4, 1, 3, 2].iter().take((total % 5) as usize) {
        if let Some(s) = sizes.get_mut(i) {
            *s += 1;
        }
    }
    sizes
}

/// Free partitions per region (`08..00..00..20..40`, `%.2d` each).
fn free_distribution(vg: &VgView, pv: usize, total: u32) -> String {
    let sizes = region_sizes(total);
    let mut free = sizes;
    let placements = vg.placements();
    for ((p, pp), _) in placements.range((pv, 0)..=(pv, u32::MAX)) {
        if *p != pv || *pp == 0 || *pp > total {
            continue;
        }
        let mut start = 0;
        for (i, size) in sizes.iter().enumerate() {
            if *pp <= start + size {
                if let Some(f) = free.get_mut(i) {
                    *f = f.saturating_sub(1);
                }
                break;
            }
            start += size;
        }
    }
    free.iter()
        .map(|n| format!("{n:02}"))
        .collect::<Vec<_>>()
        .join("..")
}

/// `lsvg -p VG`, as lsvg-p.1.
pub fn vg_pvs(vg: &VgView) -> String {
    let mut out = format!("{}:\n{VG_PVS_HEADING}\n", vg.name);
    let used = vg.used_per_pv();
    for (i, pv) in vg.pvs.iter().enumerate() {
        let free = pv
            .total_pps
            .saturating_sub(used.get(i).copied().unwrap_or(0));
        let _ = writeln!(
            out,
            "{}{}{}{}{}",
            cell(&pv.name, 18),
            cell(&pv.state, 18),
            cell(&pv.total_pps.to_string(), 12),
            cell(&free.to_string(), 12),
            free_distribution(vg, i, pv.total_pps)
        );
    }
    out
}

/// The heading of `lsvg -l` (lsvg-l.1 … lsvg-l.7).
pub const VG_LVS_HEADING: &str =
    "LV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT";

/// `open/syncd`, `closed/stale` ... (`lsvg -l` spelling; `lslv` says `opened`).
fn lv_state(lv: &LvView, opened: &str) -> String {
    format!(
        "{}/{}",
        if lv.open { opened } else { "closed" },
        if lv.stale_pps() > 0 { "stale" } else { "syncd" }
    )
}

/// `lsvg -l VG`, as lsvg-l.1.
pub fn vg_lvs(vg: &VgView) -> String {
    let mut out = format!("{}:\n{VG_LVS_HEADING}\n", vg.name);
    for lv in &vg.lvs {
        let _ = writeln!(
            out,
            "{}{}{}{}{}{}{}",
            cell(&lv.name, 20),
            cell(&lv.lv_type, 11),
            cell(&lv.lps.to_string(), 8),
            cell(&lv.pps().to_string(), 8),
            cell(&lv.pv_count().to_string(), 5),
            cell(&lv_state(lv, "open"), 14),
            lv.mount_point.as_deref().unwrap_or("N/A")
        );
    }
    out
}

/// `lsvg -M VG` (no real sample: SEMANTICS.md §2.5).
pub fn vg_map(vg: &VgView) -> String {
    let mut out = format!("{}\n", vg.name);
    let placements = vg.placements();
    for (pvi, pv) in vg.pvs.iter().enumerate() {
        let mut free_from: Option<u32> = None;
        let flush = |out: &mut String, from: Option<u32>, to: u32| {
            if let Some(first) = from {
                if first == to {
                    let _ = writeln!(out, "{}:{first}", pv.name);
                } else {
                    let _ = writeln!(out, "{}:{first}-{to}", pv.name);
                }
            }
        };
        let last = placements
            .range((pvi, 0)..=(pvi, u32::MAX))
            .map(|((_, pp), _)| *pp)
            .max()
            .unwrap_or(0)
            .max(pv.total_pps);
        for pp in 1..=last {
            match placements.get(&(pvi, pp)) {
                Some(p) => {
                    flush(&mut out, free_from.take(), pp - 1);
                    let name = vg.lvs.get(p.lv).map_or("???????", |l| l.name.as_str());
                    let copy = p.copy.map(|c| format!(":{c}")).unwrap_or_default();
                    let stale = if p.stale { "\tstale" } else { "" };
                    let _ = writeln!(out, "{}:{pp}\t{name}:{}{copy}{stale}", pv.name, p.lp);
                }
                None => {
                    free_from.get_or_insert(pp);
                }
            }
        }
        flush(&mut out, free_from, last);
    }
    out
}

/// The heading of `lsfs -c` (lsfs-c.1/2).
pub const FS_LIST_HEADING: &str =
    "#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct";

/// `lsfs -c`.
pub fn fs_list(stanzas: &[FsStanza]) -> String {
    let mut out = format!("{FS_LIST_HEADING}\n");
    for fs in stanzas {
        let _ = writeln!(
            out,
            "{}:{}:{}::{}:{}:{}:{}:no",
            fs.mount_point,
            fs.device,
            fs.vfs,
            fs.fs_type,
            fs.size_blocks,
            fs.options,
            if fs.automount { "yes" } else { "no" }
        );
    }
    out
}

/// The two heading lines of `mount` (mount.2).
pub const MOUNT_HEADING: [&str; 2] = [
    "  node       mounted        mounted over    vfs       date        options",
    "-------- ---------------  ---------------  ------ ------------ ---------------",
];

/// `mount`, as mount.2 (local mounts: the node column is blank).
pub fn mount_table(rows: &[MountRow]) -> String {
    let mut out = format!("{}\n{}\n", MOUNT_HEADING[0], MOUNT_HEADING[1]);
    for m in rows {
        let _ = writeln!(
            out,
            "         {}{}{}{} {}",
            cell(&m.device, 17),
            cell(&m.mount_point, 17),
            cell(&m.vfs, 7),
            m.date,
            m.options
        );
    }
    out
}

/// `lslv LV`, in the layout of lslv.3.
pub fn lv_detail(vg: &VgView, index: usize, lv: &LvView) -> String {
    let rows = (20, 23, 16);
    let complete = vg.pvs.iter().all(|p| p.state == "active");
    let mut out = String::new();
    let mut row =
        |l: &str, v: String, r: &str, w: String| key_value_row(&mut out, rows, l, &v, r, &w);
    row(
        "LOGICAL VOLUME:",
        lv.name.clone(),
        "VOLUME GROUP:",
        vg.name.clone(),
    );
    row(
        "LV IDENTIFIER:",
        format!("{}.{}", vg_identifier(&vg.name), index + 1),
        "PERMISSION:",
        "read/write".into(),
    );
    row(
        "VG STATE:",
        if complete {
            "active/complete"
        } else {
            "active/partial"
        }
        .into(),
        "LV STATE:",
        lv_state(lv, "opened"),
    );
    row("TYPE:", lv.lv_type.clone(), "WRITE VERIFY:", "off".into());
    row(
        "MAX LPs:",
        "512".into(),
        "PP SIZE:",
        format!("{} megabyte(s)", vg.pp_size_mb),
    );
    row(
        "COPIES:",
        lv.copies.len().to_string(),
        "SCHED POLICY:",
        "parallel".into(),
    );
    row("LPs:", lv.lps.to_string(), "PPs:", lv.pps().to_string());
    row(
        "STALE PPs:",
        lv.stale_pps().to_string(),
        "BB POLICY:",
        "relocatable".into(),
    );
    row(
        "INTER-POLICY:",
        "minimum".into(),
        "RELOCATABLE:",
        "yes".into(),
    );
    row(
        "INTRA-POLICY:",
        "middle".into(),
        "UPPER BOUND:",
        "1024".into(),
    );
    row(
        "MOUNT POINT:",
        lv.mount_point.clone().unwrap_or_else(|| "N/A".into()),
        "LABEL:",
        lv.mount_point.clone().unwrap_or_else(|| "None".into()),
    );
    out.push_str("MIRROR WRITE CONSISTENCY: on/ACTIVE\n");
    out.push_str("EACH LP COPY ON A SEPARATE PV ?: yes\n");
    out.push_str("Serialize IO ?:     NO\n");
    out.push_str("INFINITE RETRY:     no\n");
    out.push_str("DEVICESUBTYPE:      DS_LVZ\n");
    for n in 1..=3 {
        let _ = writeln!(out, "COPY {n} MIRROR POOL: None");
    }
    out
}

/// The heading of `lslv -m` (lslv-m.1).
pub const LV_MAP_HEADING: &str = "LP    PP1  PV1               PP2  PV2               PP3  PV3";

/// `lslv -m LV`: `lv:mountpoint`, the heading, then per LP `%.4d  ` and per copy
/// `%.4d %-16s  ` (SEMANTICS.md §2.8; real lines end with two blanks).
pub fn lv_map(vg: &VgView, lv: &LvView) -> String {
    let mut out = format!(
        "{}:{}\n{LV_MAP_HEADING}\n",
        lv.name,
        lv.mount_point.as_deref().unwrap_or("N/A")
    );
    for lp in 0..lv.lps as usize {
        let _ = write!(out, "{:04}  ", lp + 1);
        for copy in &lv.copies {
            if let Some(Some(pp)) = copy.get(lp) {
                let pv = vg.pvs.get(pp.pv).map_or("???????", |p| p.name.as_str());
                let _ = write!(out, "{:04} {pv:<16}  ", pp.pp);
            }
        }
        out.push('\n');
    }
    out
}

/// `lspv`: every disk with its PVID, VG and state (lspv.1). A disk shared by an
/// original VG and its snapshot VG is listed once, in the snapshot VG.
pub fn pv_list(host: &HostView) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for vg in &host.vgs {
        for pv in &vg.pvs {
            let state = if vg.varied_on { "active" } else { "" };
            let entry = (pv.name.clone(), vg.name.clone(), state.to_string());
            match rows.iter_mut().find(|r| r.0 == pv.name) {
                Some(existing) => *existing = entry,
                None => rows.push(entry),
            }
        }
    }
    let mut out = String::new();
    for (name, vg, state) in rows {
        let _ = writeln!(
            out,
            "{}{}{}{state}",
            cell(&name, 16),
            cell(&pvid(&name), 36),
            cell(&vg, 16)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_pad_or_overflow_by_one_blank() {
        assert_eq!(cell("hd5", 6), "hd5   ");
        assert_eq!(cell("abcdef", 6), "abcdef ");
    }

    #[test]
    fn regions_follow_the_samples() {
        assert_eq!(region_sizes(959), [192, 192, 191, 192, 192]);
        assert_eq!(region_sizes(524), [105, 105, 104, 105, 105]);
        assert_eq!(region_sizes(1275), [255; 5]);
    }
}
