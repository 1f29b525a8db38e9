//! Hosts and requests shared by the benchmarks.

mod lvm2_reports;
pub use lvm2_reports::lvm2_reports;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Duration;

use regex::Regex;

use offmirror_aix::inventory::inventory_commands;
use offmirror_aix::runner::{
    BackgroundJob, CommandOutput, CommandRunner, ExitState, RunError, ScriptedRunner,
};
use offmirror_aix_emulator::Emulator;
use offmirror_core::{
    Applied, BackendError, BackupRequest, Capabilities, ExecOptions, Executor, HookPhase, HookSpec,
    Inventory, LocalFacts, LvType, Mechanism, Report, SplitUnit, Vfs, VgName, VolumeManager, plan,
};
use offmirror_sim::{HostBuilder, SimError, SimHookRunner, SimHost, SimState};

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

/// One VG `datavg` of `lvs` two-copy JFS2 LVs of `lps` partitions, each with a mounted
/// JFS2 file system: split per VG (`splitvg`) or per LV (`chlvcopy -b`, inside a freeze).
pub fn jfs2_host(lvs: usize, lps: u32) -> Result<Inventory, SimError> {
    let mut b = HostBuilder::new().vg(
        "datavg",
        &["hdisk1", "hdisk2"],
        lps.saturating_mul(lvs as u32),
    );
    for i in 0..lvs {
        let name = format!("lv{i:04}");
        b = b.lv("datavg", &name, LvType::Jfs2, lps, 2).fs(
            &name,
            &format!("/data/{name}"),
            Vfs::Jfs2,
            true,
            None,
        );
    }
    b.inventory()
}

/// One VG `datavg` of a mirrored JFS log and `lvs` two-copy JFS LVs of `lps` partitions,
/// each with a mounted JFS using that log: split per VG (`splitvg`) or per file system
/// (`chfs -a splitcopy`, SysBack's way).
pub fn jfs_host(lvs: usize, lps: u32) -> Result<Inventory, SimError> {
    let mut b = HostBuilder::new()
        .vg(
            "datavg",
            &["hdisk1", "hdisk2"],
            lps.saturating_mul(lvs as u32).saturating_add(1),
        )
        .lv("datavg", "loglv00", LvType::Jfslog, 1, 2);
    for i in 0..lvs {
        let name = format!("lv{i:04}");
        b = b.lv("datavg", &name, LvType::Jfs, lps, 2).fs(
            &name,
            &format!("/data/{name}"),
            Vfs::Jfs,
            true,
            Some("loglv00"),
        );
    }
    b.inventory()
}

/// `vgs` VGs `vg000`... of two disks each, every VG with `lvs` two-copy JFS2 LVs of `lps`
/// partitions with mounted file systems: the inventory's scaling case.
pub fn many_vgs(vgs: usize, lvs: usize, lps: u32) -> Result<Inventory, SimError> {
    (0..vgs)
        .fold(HostBuilder::new(), |b, v| add_vg(b, v, lvs, lps))
        .inventory()
}

/// VG number `v` of [`many_vgs`].
fn add_vg(b: HostBuilder, v: usize, lvs: usize, lps: u32) -> HostBuilder {
    let vg = format!("vg{v:03}");
    let (d1, d2) = (format!("hdisk{}", 2 * v), format!("hdisk{}", 2 * v + 1));
    let mut b = b.vg(&vg, &[&d1, &d2], lps.saturating_mul(lvs as u32));
    for l in 0..lvs {
        let name = format!("v{v:03}l{l:04}");
        b = b.lv(&vg, &name, LvType::Jfs2, lps, 2).fs(
            &name,
            &format!("/{vg}/{name}"),
            Vfs::Jfs2,
            true,
            None,
        );
    }
    b
}

/// A [`ScriptedRunner`] holding the canned outputs of the inventory's commands on the
/// host of [`many_vgs`]. Each VG's outputs come from the AIX emulator over that VG
/// alone (the emulator's cost grows with the host, so the whole host at once would take
/// minutes); `lsfs -c` and `mount` are the VGs' listings joined under one heading.
pub fn canned_inventory(vgs: usize, lvs: usize, lps: u32) -> Result<ScriptedRunner, String> {
    let mut names = String::new();
    let mut lsfs = String::new();
    let mut mount = String::new();
    let mut runner = ScriptedRunner::new();
    for v in 0..vgs {
        let inventory = add_vg(HostBuilder::new(), v, lvs, lps)
            .inventory()
            .map_err(|e| e.to_string())?;
        let vg = inventory
            .vgs
            .first()
            .map(|vg| vg.name.clone())
            .ok_or("no VG")?;
        let _ = writeln!(names, "{vg}");
        let mut emulator = Emulator::new(SimState::new(inventory));
        for line in inventory_commands(std::slice::from_ref(&vg)) {
            let argv: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            let Some((program, args)) = argv.split_first() else {
                continue;
            };
            let out = emulator.run(program, args);
            if !out.success() {
                return Err(format!("{line}: {}", out.stderr));
            }
            match line.as_str() {
                "lsvg" | "lsvg -o" => {}
                "lsfs -c" => {
                    for l in out.stdout.lines().filter(|l| v == 0 || !l.starts_with('#')) {
                        let _ = writeln!(lsfs, "{l}");
                    }
                }
                "mount" => {
                    for l in out.stdout.lines().skip(if v == 0 { 0 } else { 2 }) {
                        let _ = writeln!(mount, "{l}");
                    }
                }
                _ => runner = runner.on(&line, CommandOutput::ok(out.stdout)),
            }
        }
    }
    Ok(runner
        .on("lsvg", CommandOutput::ok(names.clone()))
        .on("lsvg -o", CommandOutput::ok(names))
        .on("lsfs -c", CommandOutput::ok(lsfs))
        .on("mount", CommandOutput::ok(mount)))
}

/// A whole-VG request with all four hooks, so that the quiesce window runs from the end
/// of `pre_offline` to the start of `resume`.
pub fn window_request(
    work_dir: &Path,
    vg: &str,
    allow_full_resync: bool,
) -> Result<BackupRequest, offmirror_core::NameError> {
    let mut b = BackupRequest::builder(work_dir)
        .vg(VgName::new(vg)?)
        .allow_full_resync(allow_full_resync);
    for phase in HookPhase::ALL {
        b = b.hook(phase, HookSpec::new("/bin/true"));
    }
    Ok(b.build())
}

/// A simulator volume manager that also counts, at each rejoin, the partitions the
/// application wrote while the unit was split (primary data that differs from its image
/// at the split): the same count for every mechanism, tracked or not.
#[derive(Debug)]
pub struct WriteCounter {
    host: SimHost,
    written: Mutex<u64>,
}

impl WriteCounter {
    /// Counts on this host.
    pub fn new(host: SimHost) -> Self {
        Self {
            host,
            written: Mutex::new(0),
        }
    }

    /// Logical partitions written while split, summed over the rejoins so far.
    pub fn written(&self) -> u64 {
        *self.written.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl VolumeManager for WriteCounter {
    fn capabilities(&self) -> Capabilities {
        self.host.capabilities()
    }

    fn inventory(&self) -> Result<Inventory, BackendError> {
        self.host.inventory()
    }

    fn prepare_split(&self, unit: &SplitUnit) {
        self.host.prepare_split(unit)
    }

    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.split(unit)
    }

    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let written = self.host.with_state(|s| {
            unit.lvs
                .iter()
                .filter(|l| s.splits.contains_key(&l.lv))
                .map(|l| {
                    let image = s.split_images.get(&l.lv);
                    let primary = s.data.get(&l.lv).and_then(|c| c.first());
                    match (image, primary) {
                        (Some(image), Some(primary)) => image
                            .iter()
                            .zip(primary)
                            .filter(|(before, now)| before != now)
                            .count() as u64,
                        _ => 0,
                    }
                })
                .sum::<u64>()
        })?;
        *self.written.lock().unwrap_or_else(PoisonError::into_inner) += written;
        self.host.rejoin(unit)
    }

    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        self.host.start_resync(unit)
    }

    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        self.host.stale_pps(unit)
    }
}

static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// One complete run on a fresh simulated host built from `state`: plan, then execute
/// (journal not synced, no pause between resync polls). Returns the report and the
/// partitions written while split ([`WriteCounter`]).
pub fn sim_run(state: SimState, request: &BackupRequest) -> Result<(Report, u64), String> {
    sim_run_journal(state, request, false)
}

/// [`sim_run`], with the journal synced to disk after each record as in production when
/// `sync_journal` is set.
pub fn sim_run_journal(
    state: SimState,
    request: &BackupRequest,
    sync_journal: bool,
) -> Result<(Report, u64), String> {
    let host = SimHost::new(state);
    let counter = WriteCounter::new(host.clone());
    let hooks = SimHookRunner::new(host.clone());
    let inventory = host.inventory().map_err(|e| e.to_string())?;
    let facts = LocalFacts::assume_usable(request);
    let plan = plan(&inventory, request, &host.capabilities(), &facts)
        .into_plan()
        .map_err(|b| format!("plan blocked: {b:?}"))?;
    let executor = Executor::new(&counter, &host, &hooks).options(ExecOptions {
        run_id: Some(format!(
            "bench-{}",
            RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        )),
        resync_poll: Duration::ZERO,
        sync_journal,
        ..ExecOptions::default()
    });
    let report = executor.run(&plan).map_err(|e| e.to_string())?;
    if !report.succeeded() {
        return Err(format!("run failed:\n{}", report.to_text()));
    }
    Ok((report, counter.written()))
}

/// A command runner that answers from the AIX command emulator in this process: the
/// AIX backend's real commands and parsers, without processes.
#[derive(Debug)]
pub struct EmulatorRunner {
    emulator: Mutex<Emulator>,
}

impl EmulatorRunner {
    /// An emulated AIX host with this state.
    pub fn new(state: SimState) -> Self {
        Self {
            emulator: Mutex::new(Emulator::new(state)),
        }
    }
}

impl CommandRunner for EmulatorRunner {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        let Some((program, args)) = argv.split_first() else {
            return Err(RunError::NotFound {
                argv: argv.to_vec(),
                program: String::new(),
                searched: "the emulator".into(),
            });
        };
        let out = self
            .emulator
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .run(program, args);
        Ok(CommandOutput::new(
            ExitState::Code(out.status),
            out.stdout,
            out.stderr,
        ))
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        Ok(BackgroundJob::finished(argv.to_vec(), self.run(argv)))
    }
}

/// Only the mechanisms of `keep` offered by the host (to force one).
pub fn restrict(state: &mut SimState, keep: &[Mechanism]) {
    state.mechanisms = keep.to_vec();
}

/// Heading of `lsvg -l`, as AIX prints it.
pub const LSVG_L_HEADING: &str =
    "LV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT";

/// An `lsvg -l` listing of `lvs` LVs in AIX's layout (header lines included): mostly
/// mirrored JFS2 with mount points, every 10th a raw LV (`N/A`), every 50th a JFS log,
/// every 7th closed, every 13th stale, every 100th with `???????` counts.
pub fn lsvg_l_text(lvs: usize) -> String {
    let cell = |text: &str, width: usize| {
        if text.len() >= width {
            format!("{text} ")
        } else {
            format!("{text}{}", " ".repeat(width - text.len()))
        }
    };
    let mut text = String::with_capacity(lvs * 80 + 100);
    text.push_str("bigvg:\n");
    text.push_str(LSVG_L_HEADING);
    text.push('\n');
    for i in 0..lvs {
        let name = format!("lv{i:05}");
        let (lv_type, mount) = if i % 50 == 0 {
            ("jfs2log", "N/A".to_string())
        } else if i % 10 == 0 {
            ("raw", "N/A".to_string())
        } else {
            ("jfs2", format!("/data/{name}"))
        };
        let lps = 1 + (i % 997) as u32;
        let (lps, pps) = if i % 100 == 99 {
            ("???????".to_string(), "???????".to_string())
        } else {
            (lps.to_string(), (lps * 2).to_string())
        };
        let state = format!(
            "{}/{}",
            if i % 7 == 0 { "closed" } else { "open" },
            if i % 13 == 0 { "stale" } else { "syncd" }
        );
        let _ = writeln!(
            text,
            "{}{}{}{}{}{}{}",
            cell(&name, 20),
            cell(lv_type, 11),
            cell(&lps, 8),
            cell(&pps, 8),
            cell("2", 5),
            cell(&state, 14),
            mount
        );
    }
    text
}

/// One row of the `lsvg -l` baseline parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaiveLvRow {
    /// LV name.
    pub name: String,
    /// Type.
    pub lv_type: String,
    /// LPs (`None` for `???????`).
    pub lps: Option<u32>,
    /// PPs (`None` for `???????`).
    pub pps: Option<u32>,
    /// PVs.
    pub pvs: Option<u32>,
    /// Open.
    pub open: bool,
    /// Stale.
    pub stale: bool,
    /// Mount point (`None` for `N/A`).
    pub mount_point: Option<String>,
}

static NAIVE_LV_ROW: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^(\S+)\s+(\S+)\s+(\d+|\?+)\s+(\d+|\?+)\s+(\d+|\?+)\s+(open|closed)/(syncd|stale)\s*(.*?)\s*$",
    )
    .ok()
});

/// The baseline: the straightforward `lsvg -l` parser, one regex match and owned strings
/// per line (the VG line and the heading are skipped).
pub fn naive_lsvg_l(text: &str) -> Vec<NaiveLvRow> {
    let Some(re) = NAIVE_LV_ROW.as_ref() else {
        return Vec::new();
    };
    let number = |m: Option<regex::Match<'_>>| m.and_then(|m| m.as_str().parse().ok());
    text.lines()
        .skip(2)
        .filter_map(|line| {
            let c = re.captures(line)?;
            let mount = c.get(8).map_or("", |m| m.as_str());
            Some(NaiveLvRow {
                name: c.get(1)?.as_str().to_string(),
                lv_type: c.get(2)?.as_str().to_string(),
                lps: number(c.get(3)),
                pps: number(c.get(4)),
                pvs: number(c.get(5)),
                open: c.get(6)?.as_str() == "open",
                stale: c.get(7)?.as_str() == "stale",
                mount_point: (!mount.is_empty() && mount != "N/A").then(|| mount.to_string()),
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

    #[test]
    fn the_lsvg_l_baseline_parses_what_the_real_parser_parses()
    -> Result<(), Box<dyn std::error::Error>> {
        let text = lsvg_l_text(1_000);
        assert_eq!(text.lines().count(), 1_002);
        let naive = naive_lsvg_l(&text);
        let real = offmirror_aix::parse::parse_vg_lvs(&text)?;
        assert_eq!(naive.len(), 1_000);
        assert_eq!(real.lvs.len(), naive.len());
        for (n, r) in naive.iter().zip(&real.lvs) {
            assert_eq!(n.name, r.name);
            assert_eq!(n.lps, r.lps);
            assert_eq!(n.pps, r.pps);
            assert_eq!(n.mount_point, r.mount_point);
            assert_eq!(Some((n.open, n.stale)), r.state.map(|s| (s.open, s.stale)));
        }
        assert!(naive.iter().any(|r| r.lps.is_none()));
        assert!(naive.iter().any(|r| r.stale));
        assert!(naive.iter().any(|r| r.mount_point.is_none()));
        Ok(())
    }

    #[test]
    fn the_quiesce_hosts_split_with_the_forced_mechanism() -> Result<(), Box<dyn std::error::Error>>
    {
        let tmp = tempfile::tempdir()?;
        let request = window_request(tmp.path(), "datavg", false)?;
        let cases = [
            (
                jfs2_host(3, 4)?,
                vec![Mechanism::LvCopy],
                Mechanism::LvCopy,
                3,
            ),
            (
                jfs_host(3, 4)?,
                vec![Mechanism::FsSplitCopy],
                Mechanism::FsSplitCopy,
                3,
            ),
            (
                jfs2_host(3, 4)?,
                vec![Mechanism::VgSplit],
                Mechanism::VgSplit,
                1,
            ),
        ];
        for (inventory, offered, expected, units) in cases {
            let mut state = SimState::new(inventory);
            restrict(&mut state, &offered);
            let (report, _) = sim_run(state, &request)?;
            assert_eq!(report.units.len(), units);
            assert!(report.units.iter().all(|u| u.mechanism == expected));
            assert!(report.quiesce.backend_operations > 0);
        }
        Ok(())
    }

    #[test]
    fn the_write_counter_agrees_with_the_tracked_count() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let request = window_request(tmp.path(), "datavg", false)?;
        let mut state = SimState::new(jfs2_host(2, 50)?);
        restrict(&mut state, &[Mechanism::LvCopy]);
        state.writes.per_op = 3;
        let (report, written) = sim_run(state, &request)?;
        assert!(written > 0);
        assert_eq!(report.pps_written_while_split(), written);
        Ok(())
    }

    #[test]
    fn many_vgs_and_the_emulator_give_the_inventory_back() -> Result<(), Box<dyn std::error::Error>>
    {
        use offmirror_aix::AixBackend;
        use offmirror_aix::runner::RecordingRunner;
        let inventory = many_vgs(3, 5, 2)?;
        assert_eq!(inventory.vgs.len(), 3);
        assert!(inventory.vgs.iter().all(|vg| vg.lvs.len() == 5));
        let runner = RecordingRunner::new(EmulatorRunner::new(SimState::new(inventory)));
        let log = runner.log();
        let read = AixBackend::new(runner).inventory()?;
        assert_eq!(read.vgs.len(), 3);
        assert!(read.vgs.iter().all(|vg| vg.lvs.len() == 5));
        assert_eq!(log.count(), 4 + 4 * 3);
        let canned = RecordingRunner::new(canned_inventory(3, 5, 2)?);
        let log = canned.log();
        let from_canned = AixBackend::new(canned).inventory()?;
        assert_eq!(log.count(), 4 + 4 * 3);
        assert_eq!(from_canned.vgs, read.vgs);
        assert_eq!(from_canned.filesystems.len(), 15);
        assert_eq!(from_canned.filesystems, read.filesystems);
        Ok(())
    }
}
