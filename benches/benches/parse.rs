//! Parsing `lsvg -M` of 2,000,000 lines (the largest scalable VG): the offmirror-aix
//! parser against a straightforward regex-per-line parser, in the same run.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use offmirror_aix::parse::parse_vg_pp_map;
use offmirror_benches::{lsvg_m_text, naive_lsvg_m};

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

criterion_group!(benches, lsvg_m);
criterion_main!(benches);
