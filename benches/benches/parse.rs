//! Parsing `lsvg -M` of 2,000,000 lines (the largest scalable VG) and `lsvg -l` of 10,000
//! LVs: the offmirror-aix parsers against straightforward regex-per-line parsers, in the
//! same run.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use offmirror_aix::parse::{parse_vg_lvs, parse_vg_pp_map};
use offmirror_benches::{lsvg_l_text, lsvg_m_text, naive_lsvg_l, naive_lsvg_m};

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

criterion_group!(benches, lsvg_m, lsvg_l);
criterion_main!(benches);
