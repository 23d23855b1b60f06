//! The state file (C50) under load: booking throughput over HTTP with `--state` next to the
//! same load in memory (the baseline, same run), and start-up from a file that holds 100,000
//! appointments next to start-up from the seed. Targets: at least 500 bookings/s with the
//! state file (release, 2 cores) and start-up from the 100,000-appointment file under 2 s.
//!
//! Run with `cargo bench -p leyr-sandbox --bench state`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
// A benchmark without criterion: its figures are its output.
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, TimeZone, Utc};
use leyr_in_memory::ManualClock;
use leyr_sandbox::{RunningSandbox, Sandbox, SandboxBuilder};
use serde_json::{Value, json};

const CU: &str = "/api/emrs/takecare/care-units/10";
const ALFA: &str = "197110021834";
const CLIENTS: usize = 16;
const APPOINTMENTS: usize = 100_000;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2024, 3, 25, 6, 30, 0).unwrap(),
    ))
}

async fn spawn(configure: impl FnOnce(SandboxBuilder) -> SandboxBuilder) -> RunningSandbox {
    configure(Sandbox::builder(clock()))
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Books every free slot of service 1001 (back to back, none overlapping) from `CLIENTS`
/// concurrent clients; returns the bookings made and the time taken.
async fn book_all(sandbox: &RunningSandbox) -> (usize, Duration) {
    let http = reqwest::Client::new();
    let window = "start=2024-03-25T07%3A30%3A00%2B01%3A00&end=2024-05-20T00%3A00%3A00%2B02%3A00";
    let slots: Vec<Value> = http
        .get(format!(
            "{}{CU}/timeslots?healthcare_service_id=1001&{window}",
            sandbox.url()
        ))
        .header("x-leyr-client-id", "bench")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let slots = Arc::new(Mutex::new(slots));
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, slots) = (http.clone(), sandbox.url(), Arc::clone(&slots));
        clients.push(tokio::spawn(async move {
            let mut booked = 0;
            loop {
                let Some(slot) = slots.lock().unwrap().pop() else {
                    return booked;
                };
                let body = json!({
                    "start": slot["start"], "end": slot["end"], "patient_id": ALFA,
                    "resource_id": slot["resource_id"],
                    "healthcare_service_id": slot["healthcare_service_id"],
                });
                let answer = http
                    .post(format!("{url}{CU}/appointments"))
                    .header("x-leyr-client-id", "bench")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                if answer.status().is_success() {
                    booked += 1;
                }
            }
        }));
    }
    let mut booked = 0;
    for client in clients {
        booked += client.await.unwrap();
    }
    (booked, started.elapsed())
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("leyr-state-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    remove(&path);
    path
}

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

async fn throughput() {
    let memory = spawn(|builder| builder).await;
    let (memory_booked, memory_time) = book_all(&memory).await;
    memory.shutdown().await.unwrap();
    let path = temp("throughput.sqlite");
    let stored = spawn(|builder| builder.state_file(&path)).await;
    let (stored_booked, stored_time) = book_all(&stored).await;
    stored.shutdown().await.unwrap();
    remove(&path);
    let rate = |booked: usize, time: Duration| booked as f64 / time.as_secs_f64();
    let (memory_rate, stored_rate) = (
        rate(memory_booked, memory_time),
        rate(stored_booked, stored_time),
    );
    println!(
        "bookings over HTTP, {CLIENTS} clients: in memory {memory_booked} in {memory_time:.2?} = {memory_rate:.0}/s (baseline); \
         with --state {stored_booked} in {stored_time:.2?} = {stored_rate:.0}/s ({:.2}x the baseline; target >= 500/s)",
        stored_rate / memory_rate
    );
}

/// A state document whose TakeCare care unit holds `APPOINTMENTS` more appointments: completed
/// half-hours of Dr Ehn, back to back from 2014.
async fn big_document() -> Value {
    let sandbox = spawn(|builder| builder).await;
    let mut state: Value = reqwest::get(format!("{}/_sandbox/state", sandbox.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    sandbox.shutdown().await.unwrap();
    let first = Utc.with_ymd_and_hms(2014, 1, 1, 7, 0, 0).unwrap();
    let appointments = state["emrs"][0]["care_units"][0]["appointments"]
        .as_array_mut()
        .unwrap();
    for n in 0..APPOINTMENTS {
        let start = first + TimeDelta::minutes(30 * i64::try_from(n).unwrap());
        let end = start + TimeDelta::minutes(30);
        appointments.push(json!({
            "id": format!("bench-{n:06}"),
            "status": "completed",
            "start": start.fixed_offset().to_rfc3339(),
            "end": end.fixed_offset().to_rfc3339(),
            "patient_id": ALFA,
            "resource_id": "10-991890000019",
            "healthcare_service_id": "1001",
        }));
    }
    state
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

async fn startup() {
    let document = big_document().await;
    let dataset = temp("dataset.json");
    std::fs::write(&dataset, document.to_string()).unwrap();
    let path = temp("big.sqlite");
    let created = Instant::now();
    let first = spawn(|builder| builder.dataset_file(&dataset).state_file(&path)).await;
    let creation = created.elapsed();
    first.shutdown().await.unwrap();

    let mut seed = Vec::new();
    let mut from_file = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let sandbox = spawn(|builder| builder).await;
        seed.push(started.elapsed());
        sandbox.shutdown().await.unwrap();
        let started = Instant::now();
        let sandbox = spawn(|builder| builder.state_file(&path)).await;
        from_file.push(started.elapsed());
        sandbox.shutdown().await.unwrap();
    }
    let (seed, from_file) = (median(seed), median(from_file));
    println!(
        "start-up: from the seed {seed:.2?} (baseline); from a state file of {APPOINTMENTS} more appointments \
         {from_file:.2?} ({:.1}x the baseline; target < 2 s); creating that file from a dataset {creation:.2?}",
        from_file.as_secs_f64() / seed.as_secs_f64()
    );
    remove(&path);
    let _ = std::fs::remove_file(&dataset);
}

fn main() {
    // `cargo test --benches` runs this with `--bench`-less arguments; measure only when benched.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        throughput().await;
        startup().await;
    });
}
