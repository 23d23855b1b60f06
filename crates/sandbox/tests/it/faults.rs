//! C31: fault injection, scripted per request and at seeded rates.

use leyr_domain::national_id::NationalId;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{ALFA, CU, EHN, Harness, booking};
use leyr_sandbox::{ErrorCode, FaultConfig, HttpFault};

const CARE_UNITS: &str = "/api/emrs/takecare/care-units";

#[tokio::test]
async fn c31_service_unavailable_for_the_next_n_requests() {
    let harness = Harness::start().await;
    harness
        .sandbox
        .faults()
        .next_n(2, HttpFault::ServiceUnavailable);
    assert_eq!(harness.sandbox.faults().pending(), 2);
    for _ in 0..2 {
        let reply = harness.get(CARE_UNITS).await;
        reply.assert_problem(503, "SERVICE_UNAVAILABLE");
        assert_eq!(reply.body["title"], "Service unavailable");
        assert!(reply.body.get("errors").is_none());
    }
    assert_eq!(harness.get(CARE_UNITS).await.status, 200);
    assert_eq!(harness.sandbox.faults().pending(), 0);
}

#[tokio::test]
async fn c31_too_many_requests_with_retry_after() {
    let harness = Harness::start().await;
    harness.sandbox.faults().next(HttpFault::TooManyRequests {
        retry_after: Duration::from_secs(7),
    });
    let reply = harness.get(CARE_UNITS).await;
    reply.assert_problem(429, "TOO_MANY_REQUESTS");
    assert_eq!(reply.headers["retry-after"], "7");
}

#[tokio::test]
async fn c31_emr_and_unknown_errors_with_a_chosen_status_and_detail() {
    let harness = Harness::start().await;
    harness.sandbox.faults().next(HttpFault::EmrError {
        status: StatusCode::UNAUTHORIZED,
        detail: "TakeCare: invalid integration credentials".to_owned(),
    });
    harness.sandbox.faults().next(HttpFault::UnknownError {
        status: StatusCode::BAD_GATEWAY,
        detail: "Something new".to_owned(),
    });
    let reply = harness.get(CARE_UNITS).await;
    reply.assert_problem(401, "EMR_ERROR");
    assert_eq!(reply.body["title"], "Internal EMR error");
    assert_eq!(
        reply.body["detail"],
        "TakeCare: invalid integration credentials"
    );
    let reply = harness.get(CARE_UNITS).await;
    reply.assert_problem(502, "UNKNOWN_ERROR");
    assert_eq!(reply.body["title"], "Unknown error");
    assert_eq!(reply.body["detail"], "Something new");
}

#[tokio::test]
async fn c31_a_chosen_400_error_code_and_no_work_done() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    harness
        .sandbox
        .faults()
        .next(HttpFault::BadRequest(ErrorCode::AmbiguousTimeslots));
    let reply = harness
        .post(&format!("{CU}/appointments"), booking(&slot, ALFA, None))
        .await;
    reply.assert_error("AMBIGUOUS_TIMESLOTS", Value::Null);
    assert_eq!(
        harness.first_slot(EHN, "1001").await,
        slot,
        "nothing was booked"
    );
}

#[tokio::test]
async fn c31_a_delay_then_a_normal_answer() {
    let harness = Harness::start().await;
    harness
        .sandbox
        .faults()
        .next(HttpFault::Delay(Duration::from_millis(300)));
    let started = Instant::now();
    let reply = harness.get(CARE_UNITS).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn c31_work_then_drop_books_but_the_client_gets_no_answer() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    harness.sandbox.faults().next(HttpFault::DropAfterWork);
    let result = harness
        .request(reqwest::Method::POST, &format!("{CU}/appointments"))
        .json(&booking(&slot, ALFA, None))
        .send()
        .await;
    let error = match result {
        Ok(response) => response.bytes().await.expect_err("the answer must be lost"),
        Err(error) => error,
    };
    assert!(!error.is_timeout(), "{error:?}");
    // The work happened: the appointment exists and the slot is gone.
    let listed = harness
        .get(&format!(
            "{CU}/appointments?patient_id=se_personal_number:{ALFA}&start={}",
            "2024-03-25T00:00:00Z"
        ))
        .await;
    let booked = listed.body.as_array().unwrap();
    assert_eq!(booked.len(), 1, "{}", listed.body);
    assert_eq!(booked[0]["start"], slot["start"]);
    assert_ne!(harness.first_slot(EHN, "1001").await, slot);
}

#[tokio::test]
async fn c31_faults_apply_only_after_authentication() {
    let harness = Harness::start().await;
    harness.sandbox.faults().next(HttpFault::ServiceUnavailable);
    let unauthenticated = harness
        .send(harness.http.get(harness.url(CARE_UNITS)))
        .await;
    unauthenticated.assert_problem(401, "UNAUTHORIZED");
    assert_eq!(harness.sandbox.faults().pending(), 1);
    harness.sandbox.faults().clear();
    assert_eq!(harness.get(CARE_UNITS).await.status, 200);
}

#[tokio::test]
async fn c31_a_rate_of_one_answers_every_request_503() {
    let harness = Harness::with(|builder| {
        builder.faults(FaultConfig {
            service_unavailable_rate: 1.0,
            ..FaultConfig::default()
        })
    })
    .await;
    for _ in 0..5 {
        harness
            .get(CARE_UNITS)
            .await
            .assert_problem(503, "SERVICE_UNAVAILABLE");
    }
}

async fn statuses(seed: u64) -> Vec<(u16, Option<String>)> {
    let harness = Harness::with(|builder| {
        builder.faults(FaultConfig {
            seed,
            service_unavailable_rate: 0.3,
            too_many_requests_rate: 0.3,
            retry_after: Duration::from_secs(4),
            latency: Duration::from_millis(1),
            ..FaultConfig::default()
        })
    })
    .await;
    let mut seen = Vec::new();
    for _ in 0..40 {
        let reply = harness.get(CARE_UNITS).await;
        let retry_after = reply
            .headers
            .get("retry-after")
            .map(|value| value.to_str().unwrap().to_owned());
        seen.push((reply.status, retry_after));
    }
    seen
}

#[tokio::test]
async fn c31_seeded_rates_repeat_for_the_same_seed() {
    let first = statuses(7).await;
    assert_eq!(first, statuses(7).await);
    assert_ne!(first, statuses(8).await);
    let count = |status: u16| first.iter().filter(|(seen, _)| *seen == status).count();
    assert!(
        count(503) > 3 && count(429) > 3 && count(200) > 3,
        "{first:?}"
    );
    assert!(
        first
            .iter()
            .filter(|(status, _)| *status == 429)
            .all(|(_, retry_after)| retry_after.as_deref() == Some("4"))
    );
}

#[tokio::test]
async fn c31_a_drop_rate_of_one_does_the_work_and_loses_every_answer() {
    let harness = Harness::with(|builder| {
        builder.faults(FaultConfig {
            drop_after_work_rate: 1.0,
            ..FaultConfig::default()
        })
    })
    .await;
    let body = serde_json::json!({"first_name": "Anders", "last_name": "Andersson",
                                  "external_id": "198101012394"});
    let result = harness
        .request(reqwest::Method::POST, &format!("{CU}/patients"))
        .json(&body)
        .send()
        .await;
    assert!(match result {
        Ok(response) => response.bytes().await.is_err(),
        Err(_) => true,
    });
    let registered = leyr_domain::ports::PatientDirectory::get_patient(
        &harness.sandbox.ehr(),
        &"10".parse().unwrap(),
        &leyr_domain::patient::PatientRef::National(NationalId::Personnummer(
            "198101012394".parse().unwrap(),
        )),
    )
    .await;
    assert!(registered.is_ok(), "the patient was registered");
}
