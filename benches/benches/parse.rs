//! Parsing `lsvg -M` of 2,000,000 lines (the largest scalable VG) and `lsvg -l` of 10,000
//! LVs: the offmirror-aix parsers against straightforward regex-per-line parsers, in the
//! same run; and the LVM2 inventory of 1,000 LVs against a bare JSON decode.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use offmirror_aix::parse::{parse_vg_lvs, parse_vg_pp_map};
use offmirror_benches::{lsvg_l_text, lsvg_m_text, lvm2_reports, naive_lsvg_l, naive_lsvg_m};
use offmirror_lvm2::inventory::{HostReport, build_inventory};
use offmirror_lvm2::parse::{parse_lvs, parse_pvs, parse_vgs};

fn lsvg_m(c: &mut Criterion) {
    const LINES: usize = 2_000_000;
    let text = lsvg_m_text(LINES);
    let mut group = c.benchmark_group("lsvg_m_2M_lines");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LINES as u64));
    group.bench_function("offmirror_aix", |b| {
        b.iter(|| black_box(parse_vg_pp_map(&text).ok()))
    });
    group.bench_function("regex_per_line_baseline", |b| {
        b.iter(|| black_box(naive_lsvg_m(&text)))
    });
    group.finish();
}

fn lsvg_l(c: &mut Criterion) {
    const LVS: usize = 10_000;
    let text = lsvg_l_text(LVS);
    let lines = text.lines().count();
    let mut group = c.benchmark_group("lsvg_l_10k_lvs");
    group.sample_size(20);
    group.throughput(Throughput::Elements(lines as u64));
    group.bench_function("offmirror_aix", |b| {
        b.iter(|| black_box(parse_vg_lvs(&text).ok()))
    });
    group.bench_function("regex_per_line_baseline", |b| {
        b.iter(|| black_box(naive_lsvg_l(&text)))
    });
    group.finish();
}

/// The LVM2 inventory of 1,000 raid1 LVs × 2 legs × 256 extents (5,000 `lvs -a` rows):
/// typed parsing and the mapping of every extent, against decoding the same JSON into an
/// untyped `serde_json::Value` and nothing more.
fn lvm2_inventory(c: &mut Criterion) {
    const LVS: usize = 1_000;
    let (vgs, pvs, lvs) = lvm2_reports(LVS, 2, 256);
    let mut group = c.benchmark_group("lvm2_inventory_1k_lvs");
    group.sample_size(20);
    group.throughput(Throughput::Elements(LVS as u64));
    group.bench_function("offmirror_lvm2", |b| {
        b.iter(|| {
            let report = HostReport {
                vgs: parse_vgs(&vgs).unwrap_or_default(),
                pvs: parse_pvs(&pvs).unwrap_or_default(),
                lvs: parse_lvs(&lvs).unwrap_or_default(),
                mounts: Vec::new(),
            };
            black_box(build_inventory(&report).ok())
        })
    });
    group.bench_function("json_value_decode_baseline", |b| {
        b.iter(|| {
            black_box((
                serde_json::from_str::<serde_json::Value>(&vgs).ok(),
                serde_json::from_str::<serde_json::Value>(&pvs).ok(),
                serde_json::from_str::<serde_json::Value>(&lvs).ok(),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, lsvg_m, lsvg_l, lvm2_inventory);
criterion_main!(benches);
