//! Start-up of the sandbox with every EHR profile (contract §9): building the seven seed worlds
//! (60 days of slots each) and the router, next to building TakeCare's world alone, the baseline
//! measured in the same run. The target is under 200 ms for all seven in release.
//!
//! Run with `cargo bench -p leyr-sandbox --bench startup`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use leyr_domain::ehr;
use leyr_in_memory::{InMemoryEhr, ManualClock};
use leyr_sandbox::Sandbox;

fn startup(c: &mut Criterion) {
    let monday = Utc.with_ymd_and_hms(2024, 3, 25, 6, 30, 0).unwrap();
    let clock = Arc::new(ManualClock::new(monday));
    let mut group = c.benchmark_group("sandbox start-up");
    group.sample_size(20);
    group.bench_function("TakeCare world alone (baseline)", |b| {
        b.iter(|| {
            black_box(
                InMemoryEhr::builder()
                    .profile(&ehr::TAKECARE)
                    .clock(clock.clone())
                    .build()
                    .unwrap(),
            )
        });
    });
    group.bench_function("router with all seven profiles", |b| {
        b.iter(|| black_box(Sandbox::builder(clock.clone()).router().unwrap()));
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
