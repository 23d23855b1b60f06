//! The state file survives `kill -9` (C50): concurrent bookings against a `leyr-sandbox --state`
//! process, a SIGKILL in the middle of them, a restart on the same file; every booking that got
//! a 2xx answer is there, and the world loads (every rule of the fake holds, so nothing is
//! half-written). Twenty rounds, each killed at another moment, booking on TakeCare and on Anita
//! Systems (whose bookings await a code: the appointment and its code are kept together).

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::sandbox_binary::{self, Running};

const CU: &str = "/api/emrs/takecare/care-units/10";
const ALFA: &str = "197110021834";
/// Anita Systems confirms bookings by code: each booking is an appointment and a code, which
/// must be written together.
const ANITA: &str = "/api/emrs/anitasystems/care-units/L0_1";
const ANITA_PATIENT: &str = "5001";
const ROUNDS: u64 = 20;
const WORKERS: usize = 8;

/// The sandbox on the state file `state`, with a clock that stands still (no code lapses).
fn start(state: &std::path::Path) -> Running {
    let state = state.to_str().unwrap();
    sandbox_binary::start(&[
        "--start-date",
        "2024-03-25",
        "--clock",
        "manual=2024-03-25T07:30:00+01:00",
        "--state",
        state,
    ])
}

fn kill_9(process: &mut Running) {
    let status = Command::new("kill")
        .args(["-KILL", &process.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let _ = process.child.wait();
}

async fn state(http: &reqwest::Client, url: &str) -> Value {
    http.get(format!("{url}/_sandbox/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The appointments of the first care unit of the `emr`-th EHR in the state document.
async fn appointments(http: &reqwest::Client, url: &str, emr: usize) -> Vec<Value> {
    state(http, url).await["emrs"][emr]["care_units"][0]["appointments"]
        .as_array()
        .unwrap()
        .clone()
}

/// Anita's confirmations by code, in the state document.
async fn confirmations(http: &reqwest::Client, url: &str) -> Vec<Value> {
    state(http, url).await["emrs"][2]["care_units"][0]["confirmations"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c50_every_acknowledged_booking_survives_kill_9_twenty_times_out_of_twenty() {
    let dir = std::env::temp_dir().join(format!("leyr-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut acknowledged_total = 0;
    for round in 0..ROUNDS {
        let state = dir.join(format!("round-{round}.sqlite"));
        let _ = std::fs::remove_file(&state);
        let mut process = start(&state);
        let url = process.url.clone();
        let mut queues = Vec::new();
        for (unit, patient) in [(CU, ALFA), (ANITA, ANITA_PATIENT)] {
            let slots: Vec<Value> = http
                .get(format!("{url}{unit}/timeslots"))
                .header("x-leyr-client-id", "crash-test")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            queues.push((unit, patient, Arc::new(Mutex::new(slots))));
        }
        let seeded = [
            appointments(&http, &url, 0).await.len(),
            appointments(&http, &url, 2).await.len(),
        ];
        let acknowledged = Arc::new(Mutex::new(Vec::<(usize, String)>::new()));
        let mut workers = Vec::new();
        for worker in 0..WORKERS {
            let (http, url) = (http.clone(), url.clone());
            let queue = worker % 2;
            let (unit, patient, slots) = queues[queue].clone();
            let acknowledged = Arc::clone(&acknowledged);
            workers.push(tokio::spawn(async move {
                loop {
                    let Some(slot) = slots.lock().unwrap().pop() else {
                        return;
                    };
                    let body = json!({
                        "start": slot["start"], "end": slot["end"], "patient_id": patient,
                        "resource_id": slot["resource_id"],
                        "healthcare_service_id": slot["healthcare_service_id"],
                    });
                    let sent = http
                        .post(format!("{url}{unit}/appointments"))
                        .header("x-leyr-client-id", "crash-test")
                        .json(&body)
                        .send()
                        .await;
                    // Once the process is gone, every request fails: stop.
                    let Ok(response) = sent else { return };
                    if response.status().is_success() {
                        let Ok(created) = response.json::<Value>().await else {
                            return;
                        };
                        let id = created[0]["id"].as_str().unwrap().to_owned();
                        acknowledged.lock().unwrap().push((queue, id));
                    }
                }
            }));
        }
        // Kill at another moment each round, mid-load.
        tokio::time::sleep(Duration::from_millis(60 + round * 17)).await;
        kill_9(&mut process);
        for worker in workers {
            worker.await.unwrap();
        }
        assert!(
            queues
                .iter()
                .all(|(_, _, slots)| !slots.lock().unwrap().is_empty()),
            "round {round}: killed mid-load, not after it"
        );
        let acknowledged = acknowledged.lock().unwrap().clone();
        for queue in [0, 1] {
            assert!(
                acknowledged.iter().any(|(q, _)| *q == queue),
                "round {round}: the load ran on both EHRs before the kill"
            );
        }

        // The same file: the world loads, so every rule holds (no overlap, no dangling record,
        // no code without its booking).
        let restarted = start(&state);
        assert!(restarted.url.starts_with("http://127.0.0.1:"));
        let stored = [
            appointments(&http, &restarted.url, 0).await,
            appointments(&http, &restarted.url, 2).await,
        ];
        let codes = confirmations(&http, &restarted.url).await;
        for (queue, id) in &acknowledged {
            let found = stored[*queue]
                .iter()
                .find(|appointment| appointment["id"] == id.as_str())
                .unwrap_or_else(|| panic!("round {round}: an acknowledged booking is lost"));
            if *queue == 0 {
                assert_eq!(found["status"], "booked", "round {round}");
                assert_eq!(found["patient_id"], ALFA, "round {round}");
            } else {
                assert_eq!(found["status"], "awaiting_confirmation", "round {round}");
                assert!(
                    codes
                        .iter()
                        .any(|code| code["appointment_id"] == id.as_str()),
                    "round {round}: a booking's code is lost"
                );
            }
        }
        for queue in [0, 1] {
            let made = acknowledged.iter().filter(|(q, _)| *q == queue).count();
            // Anything beyond them is a whole booking whose answer the kill cut off.
            let extra = stored[queue].len() - seeded[queue] - made;
            assert!(
                extra <= WORKERS,
                "round {round}: {extra} unacknowledged bookings, more than were in flight"
            );
        }
        assert_eq!(
            codes.len(),
            stored[1].len() - seeded[1],
            "round {round}: one code per Anita booking, no more and no fewer"
        );
        acknowledged_total += acknowledged.len();
        drop(restarted);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", state.display()));
        }
    }
    println!(
        "crash test: {ROUNDS}/{ROUNDS} rounds passed; all {acknowledged_total} acknowledged bookings \
         (TakeCare, and Anita's with their codes) found after kill -9"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
