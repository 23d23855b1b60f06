//! Requests per second of the sandbox's `GET /timeslots`: Dr Ehn's slots in the default 30-day
//! window (about a thousand), next to a minimal axum handler that serializes the same slots to
//! JSON on every request. Both are served from this process and read by the same raw client, in
//! the same run, so the ratio of the two is what to compare between runs and machines.
//!
//! Run with `cargo bench -p leyr-sandbox --bench timeslots`; add
//! `-- --warm-up-time 1 --measurement-time 5` for a short run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use leyr_in_memory::ManualClock;
use leyr_sandbox::Sandbox;
use leyr_wire::dto::TimeslotDto;

const CLIENT_ID: &str = "bench-app";

fn timeslots(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Monday 2024-03-25, 07:30 in Stockholm: a whole month of the seed's slots lies ahead.
    let monday = Utc.with_ymd_and_hms(2024, 3, 25, 6, 30, 0).unwrap();
    let sandbox = runtime.block_on(async {
        Sandbox::builder(Arc::new(ManualClock::new(monday)))
            .client_id(CLIENT_ID)
            .spawn("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let raw = reqwest::Client::new();
    let timeslots = format!(
        "{}/api/emrs/takecare/care-units/10/timeslots?resource_id=10-991890000019",
        sandbox.url()
    );
    let body = runtime.block_on(async {
        let answer = raw
            .get(&timeslots)
            .header("x-leyr-client-id", CLIENT_ID)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
        answer.bytes().await.unwrap()
    });
    // The baseline: a minimal axum JSON handler serializing the same slots on every request.
    let minimal = {
        let slots: Arc<Vec<TimeslotDto>> = Arc::new(serde_json::from_slice(&body).unwrap());
        assert!(slots.len() > 900, "{} slots", slots.len());
        axum::Router::new().route(
            "/timeslots",
            axum::routing::get(move || {
                let slots = Arc::clone(&slots);
                async move {
                    let json = serde_json::to_vec(&*slots).unwrap();
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        json,
                    )
                }
            }),
        )
    };
    let minimal_url = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, minimal).await.unwrap() });
        format!("http://{address}/timeslots")
    });

    let mut group = c.benchmark_group("sandbox GET /timeslots");
    group.throughput(criterion::Throughput::Elements(1));
    group.bench_function("leyr-sandbox", |b| {
        b.to_async(&runtime).iter(|| async {
            let answer = raw
                .get(&timeslots)
                .header("x-leyr-client-id", CLIENT_ID)
                .send()
                .await
                .unwrap();
            black_box(answer.bytes().await.unwrap())
        });
    });
    group.bench_function("minimal axum handler", |b| {
        b.to_async(&runtime).iter(|| async {
            let answer = raw.get(&minimal_url).send().await.unwrap();
            black_box(answer.bytes().await.unwrap())
        });
    });
    group.finish();
    runtime.block_on(sandbox.shutdown()).unwrap();
}

criterion_group!(benches, timeslots);
criterion_main!(benches);
