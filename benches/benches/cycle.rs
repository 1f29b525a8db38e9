//! Simulator throughput and planning cost, each beside a baseline measured in the same run.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use offmirror_benches::{big_vg, small_host, vg_request};
use offmirror_core::{ExecOptions, Executor, LocalFacts, VolumeManager, plan};
use offmirror_sim::{SimHookRunner, SimHost};

/// Complete backup cycles on a small host (plan + split + backup + rejoin + resync +
/// verify), against the baseline of planning alone.
fn cycles(c: &mut Criterion) {
    let Ok(inventory) = small_host() else { return };
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(request) = vg_request(tmp.path(), "datavg") else {
        return;
    };
    let facts = LocalFacts::assume_usable(&request);
    let mut group = c.benchmark_group("sim_cycle");
    group.bench_function("plan_only", |b| {
        let host = SimHost::from_inventory(inventory.clone());
        let caps = host.capabilities();
        b.iter(|| black_box(plan(&inventory, &request, &caps, &facts)))
    });
    group.bench_function("full_cycle", |b| {
        b.iter(|| {
            // A fresh work directory each time: lock, journal and run directory included.
            let Ok(work) = tempfile::tempdir() else {
                return;
            };
            let Ok(request) = vg_request(work.path(), "datavg") else {
                return;
            };
            let host = SimHost::from_inventory(inventory.clone());
            let hooks = SimHookRunner::new(host.clone());
            let caps = host.capabilities();
            let facts = LocalFacts::assume_usable(&request);
            let Ok(plan) = plan(&inventory, &request, &caps, &facts).into_plan() else {
                return;
            };
            let executor = Executor::new(&host, &host, &hooks).options(ExecOptions {
                run_id: Some("bench".into()),
                resync_poll: Duration::ZERO,
                sync_journal: false,
                ..ExecOptions::default()
            });
            black_box(executor.run(&plan).ok());
        })
    });
    group.finish();
}

/// Planning a VG of 1,000 LVs x 3 copies x 1,000 LPs, against cloning its inventory.
fn planning(c: &mut Criterion) {
    let Ok(inventory) = big_vg(1000, 3, 1000) else {
        return;
    };
    let Ok(tmp) = tempfile::tempdir() else { return };
    let Ok(request) = vg_request(tmp.path(), "bigvg") else {
        return;
    };
    let facts = LocalFacts::assume_usable(&request);
    let caps = SimHost::from_inventory(Default::default()).capabilities();
    let mut group = c.benchmark_group("planner_1000lv_3copies_1000lp");
    group.sample_size(10);
    group.bench_function("clone_inventory_baseline", |b| {
        b.iter(|| black_box(inventory.clone()))
    });
    group.bench_function("plan", |b| {
        b.iter(|| black_box(plan(&inventory, &request, &caps, &facts)))
    });
    group.finish();
}

criterion_group!(benches, cycles, planning);
criterion_main!(benches);
