//! `get patient` through `LeyrClient` against an in-process `leyr-sandbox`, next to a raw
//! `reqwest` GET of the same URL with the same headers, in the same run. The client's own cost
//! (URL building, headers, span, capped body read, JSON decoding and mapping) is the difference.
//!
//! The sandbox's own throughput is measured in `leyr-sandbox`'s `timeslots` benchmark.
//!
//! "traced and metered" runs the client with a tracing subscriber and a metrics recorder
//! installed, to show what the spans and metrics cost.
//!
//! Run with `cargo bench -p leyr-http --bench http`; add
//! `-- --warm-up-time 1 --measurement-time 3` for a short run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use leyr_domain::ids::CareUnitId;
use leyr_domain::patient::PatientRef;
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::PatientDirectory;
use leyr_http::LeyrClient;
use leyr_in_memory::ManualClock;
use leyr_sandbox::Sandbox;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::SecretString;

const CLIENT_ID: &str = "bench-app";
const CLIENT_SECRET: &str = "bench-secret";
const ALFA: &str = "197110021834";

fn get_patient(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(async {
        Sandbox::builder(Arc::new(ManualClock::default()))
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .spawn("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });

    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .build()
        .unwrap();
    let care_unit = CareUnitId::new("10").unwrap();
    let patient = PatientRef::from(ALFA.parse::<Personnummer>().unwrap());

    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!(
        "{}/api/emrs/takecare/care-units/10/patients/se_personal_number:{ALFA}",
        sandbox.url()
    );
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static("leyr-http/0.1.0"));
    headers.insert("x-leyr-client-id", HeaderValue::from_static(CLIENT_ID));
    let mut secret = HeaderValue::from_static(CLIENT_SECRET);
    secret.set_sensitive(true);
    headers.insert("x-leyr-client-secret", secret);

    // Both paths answer the same patient before anything is measured.
    runtime.block_on(async {
        let found = client.get_patient(&care_unit, &patient).await.unwrap();
        assert_eq!(found.emr_id.as_str(), ALFA);
        let answer = raw.get(&url).headers(headers.clone()).send().await.unwrap();
        assert!(answer.status().is_success());
    });

    let mut group = c.benchmark_group("get patient");
    group.bench_function("LeyrClient", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(client.get_patient(&care_unit, &patient).await.unwrap()) });
    });
    // The same calls with a tracing subscriber and a metrics recorder installed, as a service
    // that exports both runs them: every span is built and formatted, every metric recorded.
    group.bench_function("LeyrClient, traced and metered", |b| {
        use tracing_subscriber::layer::SubscriberExt as _;
        // As a service runs it: spans and events at `info` and above, formatted and written.
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::filter::LevelFilter::INFO)
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink));
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        // Thread-local defaults: criterion polls each iteration on this thread.
        let _tracing = tracing::subscriber::set_default(subscriber);
        let _metrics = metrics::set_default_local_recorder(&recorder);
        b.to_async(&runtime)
            .iter(|| async { black_box(client.get_patient(&care_unit, &patient).await.unwrap()) });
    });
    group.bench_function("raw reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let answer = raw.get(&url).headers(headers.clone()).send().await.unwrap();
            black_box(answer.bytes().await.unwrap())
        });
    });
    group.finish();

    runtime.block_on(sandbox.shutdown()).unwrap();
}

criterion_group!(benches, get_patient);
criterion_main!(benches);
