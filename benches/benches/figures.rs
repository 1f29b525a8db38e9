//! The benchmark figures that are counts and ratios rather than timings, each beside its
//! baseline, printed as Markdown tables (`cargo bench -p offmirror-benches --bench
//! figures`):
//!
//! 1. the quiesce window: the library's own time (averaged over many runs) and the
//!    backend operations inside it, VG split against per-FS and per-LV splits;
//! 2. resync work: partitions resynchronised ÷ partitions written while split, tracked
//!    mechanisms against the full-resync split;
//! 3. preview cost: commands the AIX backend's inventory runs (recorded over canned
//!    outputs the AIX emulator printed) against reading each LV with `lslv`; planning time and peak memory
//!    for a VG of 1,000 LVs × 3 copies × 1,000 LPs against the inventory's own size.
//!
//! Pass `quick` (`cargo bench ... --bench figures -- quick`) for fewer runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use offmirror_aix::AixBackend;
use offmirror_aix::inventory::inventory_commands;
use offmirror_aix::runner::RecordingRunner;
use offmirror_benches::{
    big_vg, canned_inventory, jfs_host, jfs2_host, restrict, sim_run, sim_run_journal, vg_request,
    window_request,
};
use offmirror_core::{Inventory, LocalFacts, Mechanism, VgName, VolumeManager, plan};
use offmirror_sim::{SimHost, SimState};

/// Counts the bytes the program holds, and the most it held.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(n: usize) {
    CURRENT.fetch_sub(n, Ordering::Relaxed);
}

// The one unsafe item of the benchmarks: a global allocator must be an `unsafe impl`.
// Every call is passed to the system allocator unchanged; only sizes are counted.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every allocation goes
        // through this allocator).
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`; the caller guarantees `new_size` is valid.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        p
    }
}

#[allow(unsafe_code)]
#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a peak measurement: the peak is reset to what is held now, which is returned.
fn peak_reset() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

const MB: f64 = 1024.0 * 1024.0;

fn mb(bytes: usize) -> f64 {
    bytes as f64 / MB
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    println!(
        "# offmirror figures ({} mode)\n",
        if quick { "quick" } else { "full" }
    );
    if let Err(e) = quiesce(quick) {
        eprintln!("quiesce window: {e}");
    }
    if let Err(e) = resync() {
        eprintln!("resync work: {e}");
    }
    if let Err(e) = inventory_cost() {
        eprintln!("preview commands: {e}");
    }
    if let Err(e) = planning_memory() {
        eprintln!("planning memory: {e}");
    }
}

type Error = Box<dyn std::error::Error>;

/// Library time, backend time and operations in the window over `runs` runs.
struct Window {
    lib_mean: Duration,
    lib_max: Duration,
    backend_mean: Duration,
    ops: u32,
    units: usize,
    mechanism: Mechanism,
}

fn window(inventory: &Inventory, offered: &[Mechanism], runs: u32) -> Result<Window, Error> {
    window_journal(inventory, offered, runs, false)
}

fn window_journal(
    inventory: &Inventory,
    offered: &[Mechanism],
    runs: u32,
    sync_journal: bool,
) -> Result<Window, Error> {
    let mut lib = Duration::ZERO;
    let mut lib_max = Duration::ZERO;
    let mut backend = Duration::ZERO;
    let mut ops = 0;
    let mut units = 0;
    let mut mechanism = Mechanism::VgSplit;
    for _ in 0..runs.max(1) {
        let tmp = tempfile::tempdir()?;
        let request = window_request(tmp.path(), "datavg", false)?;
        let mut state = SimState::new(inventory.clone());
        restrict(&mut state, offered);
        let (report, _) = sim_run_journal(state, &request, sync_journal)?;
        let q = &report.quiesce;
        lib += q.library_time();
        lib_max = lib_max.max(q.library_time());
        backend += q.backend_time;
        ops = q.backend_operations;
        units = report.units.len();
        if let Some(u) = report.units.first() {
            mechanism = u.mechanism;
        }
    }
    let n = runs.max(1);
    Ok(Window {
        lib_mean: lib / n,
        lib_max,
        backend_mean: backend / n,
        ops,
        units,
        mechanism,
    })
}

fn quiesce(quick: bool) -> Result<(), Error> {
    println!("## 1. Quiesce window (simulator; journal not synced; mean of N runs)\n");
    println!(
        "| host | target LVs | mechanism | units | backend ops in window | library time (mean / max) | backend time (mean) | runs | goal library < 1 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut ops_rows = Vec::new();
    let mut lib_unsynced = Vec::new();
    for lvs in [1usize, 10, 100, 1000] {
        let runs = match (lvs, quick) {
            (1, false) => 200,
            (10, false) => 100,
            (100, false) => 20,
            (_, false) => 5,
            (1000, true) => 1,
            (_, true) => 5,
        };
        let hosts = [
            ("JFS2", jfs2_host(lvs, 8)?, Mechanism::LvCopy),
            ("JFS", jfs_host(lvs, 8)?, Mechanism::FsSplitCopy),
        ];
        for (kind, inventory, per_lv) in hosts {
            let vg = window(&inventory, &[Mechanism::VgSplit], runs)?;
            let per = window(&inventory, &[per_lv], runs)?;
            for w in [&vg, &per] {
                println!(
                    "| {kind} | {lvs} | {} | {} | {} | {:.3} / {:.3} ms | {:.3} ms | {runs} | {} |",
                    w.mechanism,
                    w.units,
                    w.ops,
                    ms(w.lib_mean),
                    ms(w.lib_max),
                    ms(w.backend_mean),
                    if w.lib_mean < Duration::from_millis(1) {
                        "met"
                    } else {
                        "missed"
                    }
                );
            }
            if kind == "JFS2" {
                lib_unsynced.push((lvs, vg.lib_mean));
            }
            ops_rows.push((kind, lvs, vg.ops, per.mechanism, per.ops));
        }
    }
    println!("\nBackend commands inside the window, VG split against the per-LV baselines:\n");
    println!("| host | target LVs | VG split | per-FS / per-LV split | mechanism | ratio |");
    println!("|---|---|---|---|---|---|");
    for (kind, lvs, vg_ops, mechanism, per_ops) in ops_rows {
        println!(
            "| {kind} | {lvs} | {vg_ops} | {per_ops} | {mechanism} | {:.1}× fewer |",
            f64::from(per_ops) / f64::from(vg_ops.max(1))
        );
    }
    println!(
        "\nVG split of JFS2 hosts with the journal synced to disk after each record, as in production (3 runs):\n"
    );
    println!(
        "| target LVs | backend ops in window | library time (mean / max) | unsynced journal (table above) |"
    );
    println!("|---|---|---|---|");
    for (lvs, unsynced) in lib_unsynced {
        let w = window_journal(&jfs2_host(lvs, 8)?, &[Mechanism::VgSplit], 3, true)?;
        println!(
            "| {lvs} | {} | {:.3} / {:.3} ms | {:.3} ms |",
            w.ops,
            ms(w.lib_mean),
            ms(w.lib_max),
            ms(unsynced)
        );
    }
    println!();
    Ok(())
}

fn resync() -> Result<(), Error> {
    const LVS: usize = 10;
    const LPS: u32 = 1000;
    let total = LVS as u64 * u64::from(LPS);
    println!(
        "## 2. Resync work (simulator; {LVS} JFS2 LVs × {LPS} LPs × 2 copies: {total} PPs per copy)\n"
    );
    println!(
        "| target written | mechanism | writes per op | PPs written while split (simulator) | tracked by the backend | PPs resynced | resynced ÷ written | goal 1.0 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let inventory = jfs2_host(LVS, LPS)?;
    let cases = [
        (Mechanism::VgSplit, false),
        (Mechanism::LvCopy, false),
        (Mechanism::FullResyncSplit, true),
    ];
    for fraction in [0.001f64, 0.01, 0.1] {
        let target = (total as f64 * fraction).round().max(1.0);
        for (mechanism, allow_full) in cases {
            let run = |per_op: u32| -> Result<_, Error> {
                let tmp = tempfile::tempdir()?;
                let request = window_request(tmp.path(), "datavg", allow_full)?;
                let mut state = SimState::new(inventory.clone());
                restrict(&mut state, &[mechanism]);
                state.writes.per_op = per_op;
                Ok(sim_run(state, &request)?)
            };
            // Calibrate: writes per backend operation that land about `target` distinct
            // partitions while split (writes before the split, to frozen file systems
            // and after the rejoin do not count; repeated partitions count once).
            let (_, one) = run(1)?;
            let mut per_op = (target / one.max(1) as f64).round().max(1.0) as u32;
            let (mut report, mut written) = run(per_op)?;
            for _ in 0..3 {
                if written == 0 || (written as f64 - target).abs() / target < 0.15 {
                    break;
                }
                let scaled = (f64::from(per_op) * target / written as f64)
                    .round()
                    .max(1.0) as u32;
                if scaled == per_op {
                    break;
                }
                per_op = scaled;
                (report, written) = run(per_op)?;
            }
            let tracked = report
                .units
                .iter()
                .map(|u| u.pps_written_while_split)
                .collect::<Option<Vec<_>>>()
                .map(|v| v.iter().sum::<u64>());
            let resynced = report.pps_resynced();
            let ratio = resynced as f64 / written.max(1) as f64;
            println!(
                "| {:.1} % ({target}) | {mechanism} | {per_op} | {written} ({:.2} %) | {} | {resynced} | {ratio:.2} | {} |",
                fraction * 100.0,
                written as f64 * 100.0 / total as f64,
                tracked.map_or("not tracked".to_string(), |t| t.to_string()),
                if (ratio - 1.0).abs() < 1e-9 {
                    "met"
                } else if mechanism.tracks_changes() {
                    "missed"
                } else {
                    "baseline"
                }
            );
        }
    }
    println!();
    Ok(())
}

fn inventory_cost() -> Result<(), Error> {
    println!(
        "## 3a. Preview cost: commands of the AIX backend's inventory (recorded over canned outputs made by the AIX emulator)\n"
    );
    println!(
        "| VGs | LVs per VG | commands counted | documented 4 + 4 × VGs | per VG | baseline: lsvg -l + lslv + lslv -m per LV | ratio | parse + build time | goal (constant few per VG) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for vgs in [1usize, 10, 100] {
        for lvs in [10usize, 100, 1000] {
            let canned = canned_inventory(vgs, lvs, 1)?;
            let online: Vec<VgName> = (0..vgs)
                .map(|v| VgName::new(format!("vg{v:03}")))
                .collect::<Result<_, _>>()?;
            let runner = RecordingRunner::new(canned);
            let log = runner.log();
            let backend = AixBackend::new(runner);
            let started = Instant::now();
            let read = backend.inventory()?;
            let took = started.elapsed();
            let read_lvs: usize = read.vgs.iter().map(|vg| vg.lvs.len()).sum();
            if read_lvs != vgs * lvs || read.filesystems.len() != vgs * lvs {
                return Err(format!("read {read_lvs} LVs, expected {}", vgs * lvs).into());
            }
            let counted = log.count();
            let documented = inventory_commands(&online).len();
            // A script reading each LV: lsvg, lsvg -o, per VG lsvg -l, per LV lslv and
            // lslv -m, then lsfs -c and mount.
            let baseline = 4 + vgs + 2 * vgs * lvs;
            println!(
                "| {vgs} | {lvs} | {counted} | {documented} | {:.1} | {baseline} | {:.1}× fewer | {:.1} ms | {} |",
                (counted - 4) as f64 / vgs as f64,
                baseline as f64 / counted as f64,
                ms(took),
                if counted == documented && counted == 4 + 4 * vgs {
                    "met"
                } else {
                    "missed"
                }
            );
        }
    }
    println!();
    Ok(())
}

fn planning_memory() -> Result<(), Error> {
    println!(
        "## 3b. Planning a VG of 1,000 LVs × 3 copies × 1,000 LPs: time and memory (counting allocator)\n"
    );
    let tmp = tempfile::tempdir()?;
    let request = vg_request(tmp.path(), "bigvg")?;
    let facts = LocalFacts::assume_usable(&request);
    let caps = SimHost::from_inventory(Inventory::default()).capabilities();

    let before = peak_reset();
    let inventory = big_vg(1000, 3, 1000)?;
    let inventory_bytes = CURRENT.load(Ordering::Relaxed).saturating_sub(before);

    let mut times = Vec::new();
    let mut plan_peak = 0;
    let mut preview_bytes = 0;
    for _ in 0..5 {
        let base = peak_reset();
        let started = Instant::now();
        let preview = plan(&inventory, &request, &caps, &facts);
        times.push(started.elapsed());
        plan_peak = plan_peak.max(PEAK.load(Ordering::Relaxed).saturating_sub(base));
        preview_bytes = CURRENT.load(Ordering::Relaxed).saturating_sub(base);
        if preview.plan.units.is_empty() {
            return Err("the plan has no unit".into());
        }
        drop(preview);
    }
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let total_peak = inventory_bytes + plan_peak;
    println!("| figure | measured | baseline | ratio | goal |");
    println!("|---|---|---|---|---|");
    println!(
        "| planning time (median of 5) | {:.1} ms | — | — | < 100 ms: {} |",
        ms(median),
        if median < Duration::from_millis(100) {
            "met"
        } else {
            "missed"
        }
    );
    println!(
        "| memory planning allocates at its peak (above the inventory) | {:.1} MB | inventory itself: {:.1} MB | {:.2}× the inventory | — |",
        mb(plan_peak),
        mb(inventory_bytes),
        plan_peak as f64 / inventory_bytes.max(1) as f64
    );
    println!(
        "| peak heap while planning (inventory + planning) | {:.1} MB | inventory itself: {:.1} MB | {:.2}× the inventory | < 200 MB: {} |",
        mb(total_peak),
        mb(inventory_bytes),
        total_peak as f64 / inventory_bytes.max(1) as f64,
        if total_peak < 200 * 1024 * 1024 {
            "met"
        } else {
            "missed"
        }
    );
    println!(
        "| preview kept after planning | {:.1} MB | — | — | — |",
        mb(preview_bytes)
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!(
            "\nProcess peak RSS over the whole figures run ({}): includes every section above.",
            hwm.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
        );
    }
    drop(inventory);
    Ok(())
}
