//! Command output in the layouts of the real AIX samples, generated from a small host
//! description, and a scripted runner that answers the inventory's commands with it.
//!
//! Layouts follow `shared/aix/fixtures` (`lsvg_vg.1`, `lsvg-p.1`, `lsvg-l.3`, `lsfs-c.2`,
//! `mount.1`); `lsvg -M` has no real sample and follows SEMANTICS.md §2.5 (tab-separated
//! `PV:PP  LV:LP[:COPY]  [stale]`, VG name on the first line).

#![allow(dead_code)] // each test binary uses a different part of this module

use offmirror_aix::runner::{CommandOutput, ScriptedRunner};

/// A logical volume of a test host. Copy `c` (1-based) lies on the VG's disk `c`.
#[derive(Debug, Clone)]
pub struct Lv {
    pub name: String,
    pub lv_type: String,
    pub lps: u32,
    pub copies: u8,
    /// (mount point, vfs) of its file system.
    pub fs: Option<(String, String)>,
    pub mounted: bool,
    /// Stale (copy, lp) pairs.
    pub stale: Vec<(u8, u32)>,
}

impl Lv {
    pub fn new(name: &str, lv_type: &str, lps: u32, copies: u8) -> Self {
        Self {
            name: name.into(),
            lv_type: lv_type.into(),
            lps,
            copies,
            fs: None,
            mounted: false,
            stale: Vec::new(),
        }
    }

    /// With a mounted file system.
    pub fn fs(mut self, mount_point: &str, vfs: &str) -> Self {
        self.fs = Some((mount_point.into(), vfs.into()));
        self.mounted = true;
        self
    }

    pub fn unmounted(mut self) -> Self {
        self.mounted = false;
        self
    }

    pub fn stale(mut self, copy: u8, lp: u32) -> Self {
        self.stale.push((copy, lp));
        self
    }
}

/// A volume group of a test host: one disk per copy.
#[derive(Debug, Clone)]
pub struct Vg {
    pub name: String,
    pub disks: Vec<String>,
    pub lvs: Vec<Lv>,
    pub disk_pps: u32,
}

impl Vg {
    pub fn new(name: &str, disks: &[&str], lvs: Vec<Lv>) -> Self {
        Self {
            name: name.into(),
            disks: disks.iter().map(|d| (*d).to_string()).collect(),
            lvs,
            disk_pps: 1000,
        }
    }

    fn used_on(&self, disk: usize) -> u32 {
        self.lvs
            .iter()
            .filter(|lv| usize::from(lv.copies) > disk)
            .map(|lv| lv.lps)
            .sum()
    }

    fn stale_pps(&self) -> usize {
        self.lvs.iter().map(|lv| lv.stale.len()).sum()
    }

    /// `lsvg VG`, as lsvg_vg.1 (AIX 7.2/7.3 layout).
    pub fn detail(&self) -> String {
        let total = self.disk_pps * self.disks.len() as u32;
        let used: u32 = (0..self.disks.len()).map(|d| self.used_on(d)).sum();
        let row = |a: &str, b: String, c: &str, d: String| format!("{a:<20}{b:<25}{c:<16}{d}\n");
        let open = self.lvs.iter().filter(|lv| lv.mounted).count();
        let stale_pvs = self
            .lvs
            .iter()
            .flat_map(|lv| lv.stale.iter().map(|(c, _)| *c))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let mut out = String::new();
        out += &row(
            "VOLUME GROUP:",
            self.name.clone(),
            "VG IDENTIFIER:",
            "00f6f42a00004c000000017a0bd88942".into(),
        );
        out += &row(
            "VG STATE:",
            "active".into(),
            "PP SIZE:",
            "64 megabyte(s)".into(),
        );
        out += &row(
            "VG PERMISSION:",
            "read/write".into(),
            "TOTAL PPs:",
            format!("{total} ({} megabytes)", total * 64),
        );
        out += &row(
            "MAX LVs:",
            "256".into(),
            "FREE PPs:",
            format!("{} ({} megabytes)", total - used, (total - used) * 64),
        );
        out += &row(
            "LVs:",
            self.lvs.len().to_string(),
            "USED PPs:",
            format!("{used} ({} megabytes)", used * 64),
        );
        out += &row(
            "OPEN LVs:",
            open.to_string(),
            "QUORUM:",
            "2 (Enabled)".into(),
        );
        out += &row(
            "TOTAL PVs:",
            self.disks.len().to_string(),
            "VG DESCRIPTORS:",
            "3".into(),
        );
        out += &row(
            "STALE PVs:",
            stale_pvs.to_string(),
            "STALE PPs:",
            self.stale_pps().to_string(),
        );
        out += &row(
            "ACTIVE PVs:",
            self.disks.len().to_string(),
            "AUTO ON:",
            "yes".into(),
        );
        out += &row("MAX PPs per VG:", "32768".into(), "MAX PVs:", "1024".into());
        out += &row(
            "LTG size (Dynamic):",
            "256 kilobyte(s)".into(),
            "AUTO SYNC:",
            "no".into(),
        );
        out += &row(
            "HOT SPARE:",
            "no".into(),
            "BB POLICY:",
            "relocatable ".into(),
        );
        out += "MIRROR POOL STRICT: off                                       \n";
        out += &row(
            "PV RESTRICTION:",
            "none".into(),
            "INFINITE RETRY:",
            "no".into(),
        );
        out += &row(
            "DISK BLOCK SIZE:",
            "512".into(),
            "CRITICAL VG:",
            "no".into(),
        );
        out += &row("FS SYNC OPTION:", "no".into(), "CRITICAL PVs:", "no".into());
        out += "ENCRYPTION:         no\n";
        out
    }

    /// `lsvg -p VG`, as lsvg-p.1.
    pub fn pvs(&self) -> String {
        let mut out = format!(
            "{}:\nPV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n",
            self.name
        );
        for (d, disk) in self.disks.iter().enumerate() {
            let free = self.disk_pps - self.used_on(d);
            let fifth = free / 5;
            let last = free - 4 * fifth;
            out += &format!(
                "{disk:<18}{:<18}{:<12}{free:<12}\
                 {fifth:02}..{fifth:02}..{fifth:02}..{fifth:02}..{last:02}\n",
                "active", self.disk_pps,
            );
        }
        out
    }

    /// `lsvg -l VG`, as lsvg-l.3.
    pub fn lvs_listing(&self) -> String {
        let mut out = format!(
            "{}:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n",
            self.name
        );
        for lv in &self.lvs {
            let state = format!(
                "{}/{}",
                if lv.mounted { "open" } else { "closed" },
                if lv.stale.is_empty() {
                    "syncd"
                } else {
                    "stale"
                }
            );
            let mount = lv.fs.as_ref().map_or("N/A", |(m, _)| m.as_str());
            out += &format!(
                "{:<20}{:<11}{:<8}{:<8}{:<5}{:<14}{}\n",
                lv.name,
                lv.lv_type,
                lv.lps,
                lv.lps * u32::from(lv.copies),
                lv.copies,
                state,
                mount
            );
        }
        out
    }

    /// `lsvg -M VG` (format from IBM documentation; no real sample).
    pub fn map(&self) -> String {
        let mut out = format!("{}\n", self.name);
        for (d, disk) in self.disks.iter().enumerate() {
            let mut pp = 1;
            for lv in self.lvs.iter().filter(|lv| usize::from(lv.copies) > d) {
                let copy = d as u8 + 1;
                for lp in 1..=lv.lps {
                    let stale = lv.stale.contains(&(copy, lp));
                    if lv.copies == 1 {
                        out += &format!("{disk}:{pp}\t{}:{lp}\n", lv.name);
                    } else {
                        out += &format!(
                            "{disk}:{pp}\t{}:{lp}:{copy}{}\n",
                            lv.name,
                            if stale { "\tstale" } else { "" }
                        );
                    }
                    pp += 1;
                }
            }
            if pp <= self.disk_pps {
                out += &format!("{disk}:{pp}-{}\n", self.disk_pps);
            }
        }
        out
    }
}

/// `lsfs -c`, as lsfs-c.2.
pub fn lsfs(vgs: &[Vg], extra: &[(&str, &str, &str)]) -> String {
    let mut out =
        String::from("#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct\n");
    for lv in vgs.iter().flat_map(|vg| vg.lvs.iter()) {
        if let Some((mount, vfs)) = &lv.fs {
            out += &format!(
                "{mount}:/dev/{}:{vfs}:::{}:rw:yes:no\n",
                lv.name,
                lv.lps * 131072
            );
        }
    }
    for (mount, device, vfs) in extra {
        out += &format!("{mount}:{device}:{vfs}:::262144:rw:no:no\n");
    }
    out
}

/// One line of `mount`, as mount.1.
pub fn mount_line(device: &str, mount_point: &str, vfs: &str, options: &str) -> String {
    format!("         {device:<16} {mount_point:<16} {vfs:<6} Nov 07 19:11 {options}\n")
}

/// `mount`, as mount.1: the mounted file systems of `vgs` (logged on `/dev/loglv00` for
/// JFS, `/dev/hd8` for JFS2) plus `extra` lines.
pub fn mount(vgs: &[Vg], extra: &[String]) -> String {
    let mut out = String::from(
        "  node       mounted        mounted over    vfs       date        options      \n\
         -------- ---------------  ---------------  ------ ------------ --------------- \n",
    );
    out += &mount_line("/dev/hd4", "/", "jfs2", "rw,log=/dev/hd8");
    for lv in vgs.iter().flat_map(|vg| vg.lvs.iter()) {
        if let (Some((mp, vfs)), true) = (&lv.fs, lv.mounted) {
            let log = if vfs == "jfs" {
                "/dev/loglv00"
            } else {
                "/dev/hd8"
            };
            out += &mount_line(
                &format!("/dev/{}", lv.name),
                mp,
                vfs,
                &format!("rw,log={log}"),
            );
        }
    }
    out += &mount_line("/proc", "/proc", "procfs", "rw");
    for line in extra {
        out += line;
    }
    out
}

/// Adds the answers of the four per-VG commands of `vg` to a script.
pub fn with_vg(runner: ScriptedRunner, vg: &Vg) -> ScriptedRunner {
    runner
        .on(&format!("lsvg {}", vg.name), CommandOutput::ok(vg.detail()))
        .on(&format!("lsvg -p {}", vg.name), CommandOutput::ok(vg.pvs()))
        .on(
            &format!("lsvg -l {}", vg.name),
            CommandOutput::ok(vg.lvs_listing()),
        )
        .on(&format!("lsvg -M {}", vg.name), CommandOutput::ok(vg.map()))
}

/// A script answering a whole inventory of `vgs` (all varied on) plus the varied-off VGs
/// `offline`.
pub fn host(vgs: &[Vg], offline: &[&str]) -> ScriptedRunner {
    let online: String = vgs.iter().map(|vg| format!("{}\n", vg.name)).collect();
    let all = format!(
        "{online}{}",
        offline.iter().map(|n| format!("{n}\n")).collect::<String>()
    );
    let mut runner = ScriptedRunner::new()
        .on("lsvg", CommandOutput::ok(all))
        .on("lsvg -o", CommandOutput::ok(online))
        .on("lsfs -c", CommandOutput::ok(lsfs(vgs, &[])))
        .on("mount", CommandOutput::ok(mount(vgs, &[])));
    for vg in vgs {
        runner = with_vg(runner, vg);
    }
    runner
}

/// The demo data VG: a JFS2 file system, a raw LV, a JFS2 log, two copies on two disks.
pub fn datavg() -> Vg {
    Vg::new(
        "datavg",
        &["hdisk2", "hdisk3"],
        vec![
            Lv::new("loglv01", "jfs2log", 1, 2),
            Lv::new("datalv", "jfs2", 8, 2).fs("/data", "jfs2"),
            Lv::new("rawlv", "raw", 4, 2),
        ],
    )
}

/// A JFS VG with a mirrored JFS log.
pub fn jfsvg() -> Vg {
    Vg::new(
        "jfsvg",
        &["hdisk4", "hdisk5"],
        vec![
            Lv::new("loglv00", "jfslog", 1, 2),
            Lv::new("oldlv", "jfs", 5, 2).fs("/old", "jfs"),
        ],
    )
}
