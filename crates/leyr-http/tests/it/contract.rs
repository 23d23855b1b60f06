//! The contract suite over real TCP: `LeyrClient` against an in-process `leyr-sandbox`, plus
//! what only a real server shows: authentication (C4) and scripted faults (C31).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use leyr_contract::{
    LoseAnswers, Write, confirmation_flow, lost_answers_are_outcome_unknown_and_the_writes_happen,
    run_all,
};
use leyr_domain::appointment::{AppointmentQuery, BookingRequest, ConfirmationCode};
use leyr_domain::error::BackendErrorKind;
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, CareUnitCatalog, Clock, Ports, ReadError,
};
use leyr_domain::retry::RetryPolicy;
use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
use leyr_http::LeyrClient;
use leyr_in_memory::ManualClock;
use leyr_sandbox::{HttpFault, RunningSandbox, Sandbox};
use secrecy::SecretString;

use crate::support::{CLIENT_ID, CLIENT_SECRET, alfa, care_unit, fast_policy};

/// Monday 2025-03-24, 08:00 in Stockholm: the 30-day windows cross the switch to summer time
/// on 2025-03-30, so both offsets travel (C34).
fn clock() -> ManualClock {
    ManualClock::new(
        DateTime::parse_from_rfc3339("2025-03-24T07:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    )
}

async fn sandbox(clock: &ManualClock) -> RunningSandbox {
    Sandbox::builder(Arc::new(clock.clone()))
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn client_for(sandbox: &RunningSandbox) -> LeyrClient {
    LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .retry_policy(fast_policy())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leyr_http_over_the_sandbox_keeps_the_contract() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    let subject = Ports::from_adapter(client_for(&sandbox), clock.clone());

    run_all(&subject).await;
    // The suite leaves the world as a second run can use.
    run_all(&subject).await;

    sandbox.shutdown().await.unwrap();
}

/// §9: `LeyrClient` configured for each EHR keeps the contract over the sandbox's world of
/// that EHR, as far as the profile goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leyr_http_keeps_the_contract_for_every_profile() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    for world in leyr_in_memory::seed::WORLDS {
        let client = LeyrClient::builder()
            .base_url(sandbox.url())
            .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
            .emr(world.profile.code)
            .retry_policy(fast_policy())
            .build()
            .unwrap();
        let subject = Ports::from_adapter(client, clock.clone());
        let ehr = sandbox.ehr_for(world.profile.code).unwrap();
        leyr_contract::run_profile(&subject, world, &ehr).await;
    }
    sandbox.shutdown().await.unwrap();
}

/// Loses a write's answer the way a network does: the sandbox does the work, then drops the
/// connection unanswered (C31).
struct DroppedConnection<'a>(&'a RunningSandbox);

impl LoseAnswers for DroppedConnection<'_> {
    fn lose_next(&self, _write: Write) {
        // The next request the sandbox sees is the write itself: the suite sends nothing between.
        self.0.faults().next(HttpFault::DropAfterWork);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leyr_http_reports_lost_answers_as_outcome_unknown_and_the_writes_happen_c37_c38() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    let subject = Ports::from_adapter(client_for(&sandbox), clock.clone());

    lost_answers_are_outcome_unknown_and_the_writes_happen(&subject, &DroppedConnection(&sandbox))
        .await;
    assert_eq!(
        sandbox.faults().pending(),
        0,
        "every scripted drop was used by its write"
    );

    sandbox.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leyr_http_over_the_sandbox_confirms_bookings_with_a_code_c25() {
    let clock = clock();
    let code = ConfirmationCode::new("123456").unwrap();
    let sandbox = Sandbox::builder(Arc::new(clock.clone()))
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .confirmation_code(code.clone())
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let subject = Ports::from_adapter(client_for(&sandbox), clock.clone());

    confirmation_flow(&subject, &code).await;

    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_wrong_secret_is_unauthorized_c4() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials(CLIENT_ID, SecretString::from("not-the-secret"))
        .build()
        .unwrap();

    let error = client.list_care_units().await.unwrap_err();

    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Unauthorized),
        "{error:?}"
    );
}

async fn first_free_slot(
    client: &LeyrClient,
    clock: &ManualClock,
) -> leyr_domain::timeslot::Timeslot {
    let window = TimeWindow::starting_at(clock.now().fixed_offset(), TimeDelta::days(14)).unwrap();
    let slots = client
        .find_timeslots(&care_unit(), &TimeslotQuery::new(window))
        .await
        .unwrap();
    slots.into_iter().next().expect("the seed has free slots")
}

#[tokio::test]
async fn a_read_answered_503_by_the_sandbox_is_retried_c31_c36() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    sandbox.faults().next_n(2, HttpFault::ServiceUnavailable);

    let units = client_for(&sandbox).list_care_units().await.unwrap();

    assert_eq!(units[0].id.as_str(), "10");
    assert_eq!(
        sandbox.faults().pending(),
        0,
        "both faults were used: three attempts"
    );
}

#[tokio::test]
async fn a_booking_answered_503_by_the_sandbox_is_sent_once_and_books_nothing_c38() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    let client = client_for(&sandbox);
    let slot = first_free_slot(&client, &clock).await;
    sandbox.faults().next_n(2, HttpFault::ServiceUnavailable);

    let request = BookingRequest {
        patient: alfa().into(),
        slot: slot.clone(),
        comment: None,
    };
    let error = client.book(&care_unit(), &request).await.unwrap_err();

    assert!(
        matches!(&error, BookError::Backend(backend) if backend.kind() == BackendErrorKind::Unavailable),
        "{error:?}"
    );
    assert_eq!(
        sandbox.faults().pending(),
        1,
        "the booking took one fault: it was sent once"
    );
    sandbox.faults().clear();
    let still_free = first_free_slot(&client, &clock).await;
    assert!(still_free.same_slot(&slot), "nothing was booked");
}

#[tokio::test]
async fn a_booking_whose_answer_is_lost_is_outcome_unknown_and_can_be_found_c37_c38() {
    let clock = clock();
    let sandbox = sandbox(&clock).await;
    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .retry_policy(RetryPolicy::default().with_backoff([Duration::ZERO]))
        .build()
        .unwrap();
    let slot = first_free_slot(&client, &clock).await;
    sandbox.faults().next(HttpFault::DropAfterWork);

    let request = BookingRequest {
        patient: alfa().into(),
        slot: slot.clone(),
        comment: None,
    };
    let error = client.book(&care_unit(), &request).await.unwrap_err();

    assert!(matches!(error, BookError::OutcomeUnknown(_)), "{error:?}");
    let query = AppointmentQuery {
        patient: Some(alfa().into()),
        resource_id: None,
        start: Some(slot.start()),
        end: Some(slot.end()),
    };
    let listed = client
        .list_appointments(&care_unit(), &query)
        .await
        .unwrap();
    assert!(
        listed
            .iter()
            .any(|appointment| appointment.matches_slot(&slot)),
        "the booking happened once"
    );
    assert_eq!(listed.len(), 1);
}
