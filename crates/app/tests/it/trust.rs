//! What a production service relies on: booking is idempotent for the patient, a booking once
//! posted is settled even if the caller stops waiting, a call can be given a deadline, and the
//! reconciliations are counted.

use leyr_app::domain::national_id::NationalId;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use leyr_app::domain::appointment::{Appointment, AppointmentQuery, BookingRequest};
use leyr_app::domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_app::domain::patient::PatientRef;
use leyr_app::domain::ports::{Clock, Ports};
use leyr_app::domain::retry::RetryPolicy;
use leyr_app::domain::time::in_stockholm;
use leyr_app::domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_app::{BookAppointmentError, Booking};
use leyr_in_memory::seed::{CARE_UNIT, DR_EHN, NEW_DOCTOR_VISIT, TEST_PATIENTS};
use leyr_in_memory::{Fault, InMemoryEhr, ManualClock, Operation};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

use crate::support::capture_traces;

struct Fake {
    booking: Booking,
    ehr: InMemoryEhr,
    clock: ManualClock,
}

fn fake() -> Fake {
    let clock = ManualClock::default();
    let ehr = InMemoryEhr::seeded(Arc::new(clock.clone()));
    let ports = Ports::from_adapter(ehr.clone(), clock.clone());
    let booking = Booking::new(ports).with_retry_policy(RetryPolicy::default().with_backoff([]));
    Fake {
        booking,
        ehr,
        clock,
    }
}

fn care_unit() -> CareUnitId {
    CareUnitId::new(CARE_UNIT).unwrap()
}

fn patient(index: usize) -> PatientRef {
    PatientRef::National(NationalId::Personnummer(
        TEST_PATIENTS[index].parse().unwrap(),
    ))
}

impl Fake {
    async fn slot(&self, days: i64) -> Timeslot {
        let from = in_stockholm(&self.clock.now()) + TimeDelta::days(days);
        let window = TimeWindow::starting_at(from, TimeDelta::days(7)).unwrap();
        let query = TimeslotQuery::new(window)
            .resource(ResourceId::new(DR_EHN).unwrap())
            .service(HealthcareServiceId::new(NEW_DOCTOR_VISIT).unwrap());
        use leyr_app::domain::ports::Availability as _;
        self.ehr
            .find_timeslots(&care_unit(), &query)
            .await
            .unwrap()
            .remove(0)
    }

    /// The live (not cancelled) appointments of `patient` that start with `slot`.
    async fn held(&self, patient: &PatientRef, slot: &Timeslot) -> Vec<Appointment> {
        use leyr_app::domain::ports::AppointmentBook as _;
        let query = AppointmentQuery {
            patient: Some(patient.clone()),
            start: Some(slot.start()),
            end: Some(slot.end()),
            ..AppointmentQuery::default()
        };
        self.ehr
            .list_appointments(&care_unit(), &query)
            .await
            .unwrap()
            .into_iter()
            .filter(|appointment| appointment.matches_slot(slot))
            .collect()
    }
}

fn request(patient: PatientRef, slot: &Timeslot) -> BookingRequest {
    BookingRequest {
        patient,
        slot: slot.clone(),
        comment: None,
    }
}

#[tokio::test]
async fn booking_a_slot_the_patient_already_holds_returns_it_without_posting() {
    let fake = fake();
    let slot = fake.slot(1).await;
    let first = fake
        .booking
        .book(&care_unit(), &request(patient(1), &slot))
        .await
        .unwrap();
    assert!(!first.already_held);

    // A second tap on "Book": the same appointment, nothing posted (a post would be refused,
    // since the slot is taken).
    fake.ehr
        .faults()
        .script(Operation::Book, [Fault::Unavailable { retry_after: None }]);
    let again = fake
        .booking
        .book(&care_unit(), &request(patient(1), &slot))
        .await
        .unwrap();
    assert!(again.already_held);
    assert_eq!(again.attempts, 0);
    assert_eq!(again.appointment, first.appointment);
    assert_eq!(
        fake.ehr.faults().pending(Operation::Book),
        1,
        "nothing was posted"
    );
    assert_eq!(fake.held(&patient(1), &slot).await.len(), 1);

    // Someone else's slot stays taken (the scripted 503 is used up on the way).
    let error = fake
        .booking
        .book(&care_unit(), &request(patient(2), &slot))
        .await
        .unwrap_err();
    assert!(
        matches!(error, BookAppointmentError::SlotTaken),
        "{error:?}"
    );
}

/// Drops the caller's future at `drop_after` into a booking whose every step takes 10 ms
/// (listing, posting with the answer lost, reconciling), then lets the background finish.
async fn book_and_drop(drop_after: Duration) -> (usize, String) {
    let fake = fake();
    let slot = fake.slot(2).await;
    fake.ehr
        .faults()
        .set_latency(Operation::ListAppointments, Duration::from_millis(10))
        .set_latency(Operation::Book, Duration::from_millis(10))
        .script(Operation::Book, [Fault::OutcomeUnknown]);
    let (captured, _guard) = capture_traces();
    let booking = fake.booking.clone();
    let call = request(patient(3), &slot);
    let outcome = tokio::time::timeout(drop_after, booking.book(&care_unit(), &call)).await;
    // Whatever the caller saw, the background settles within a second of the fake's time.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let held = fake.held(&patient(3), &slot).await.len();
    let log = captured.text();
    if let Ok(result) = outcome {
        assert!(result.unwrap().recovered);
    }
    (held, log)
}

#[tokio::test(start_paused = true)]
async fn a_dropped_booking_leaves_one_appointment_or_none_and_always_a_report() {
    // 0 and 5 ms: during the listing, before any post. 15 ms: during the post. 25 ms: during
    // the reconciliation. 40 ms: after the end.
    for millis in [0, 5, 15, 25, 40] {
        let (held, log) = book_and_drop(Duration::from_millis(millis)).await;
        let posted = millis >= 10;
        assert_eq!(held, usize::from(posted), "dropped after {millis} ms:{log}");
        assert_eq!(
            log.contains("booking settled"),
            posted,
            "dropped after {millis} ms:{log}"
        );
        if posted {
            assert!(log.contains(r#"outcome="recovered""#), "{log}");
        }
        assert!(!log.contains(TEST_PATIENTS[3]), "{log}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_deadline_before_the_post_books_nothing() {
    let fake = fake();
    let slot = fake.slot(3).await;
    fake.ehr
        .faults()
        .set_latency(Operation::ListAppointments, Duration::from_millis(100));
    let error = fake
        .booking
        .book_with_deadline(
            &care_unit(),
            &request(patient(4), &slot),
            Duration::from_millis(50),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, BookAppointmentError::DeadlineExceeded),
        "{error:?}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    fake.ehr
        .faults()
        .set_latency(Operation::ListAppointments, Duration::ZERO);
    assert!(fake.held(&patient(4), &slot).await.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_deadline_after_the_post_reports_still_settling_and_the_booking_finishes() {
    let fake = fake();
    let slot = fake.slot(4).await;
    fake.ehr
        .faults()
        .set_latency(Operation::Book, Duration::from_millis(100));
    let (captured, _guard) = capture_traces();
    let error = fake
        .booking
        .book_with_deadline(
            &care_unit(),
            &request(patient(5), &slot),
            Duration::from_millis(50),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, BookAppointmentError::StillSettling),
        "{error:?}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.held(&patient(5), &slot).await.len(), 1);
    let log = captured.text();
    assert!(log.contains(r#"outcome="booked""#), "{log}");
}

/// Books three slots, one ending each way a reconciliation can end, and returns the
/// reconciliation counters by result.
fn reconciliations() -> HashMap<String, u64> {
    let recorder = DebuggingRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let fake = fake();
            // Found: the answer was lost after the booking was made.
            let slot = fake.slot(1).await;
            fake.ehr
                .faults()
                .script(Operation::Book, [Fault::OutcomeUnknown]);
            let booked = fake
                .booking
                .book(&care_unit(), &request(patient(1), &slot))
                .await;
            assert!(booked.unwrap().recovered);
            // Not found: a 503 did nothing, so the booking was posted again.
            let slot = fake.slot(2).await;
            fake.ehr
                .faults()
                .script(Operation::Book, [Fault::Unavailable { retry_after: None }]);
            let booked = fake
                .booking
                .book(&care_unit(), &request(patient(2), &slot))
                .await;
            assert_eq!(booked.unwrap().attempts, 2);
            // Listing failed: the answer was lost and the patient's appointments cannot be read.
            let slot = fake.slot(3).await;
            fake.ehr
                .faults()
                .script(Operation::Book, [Fault::OutcomeUnknown]);
            fake.ehr.faults().script(
                Operation::ListAppointments,
                [
                    Fault::Latency(Duration::ZERO),
                    Fault::Unavailable { retry_after: None },
                ],
            );
            let error = fake
                .booking
                .book(&care_unit(), &request(patient(3), &slot))
                .await
                .unwrap_err();
            assert!(
                matches!(error, BookAppointmentError::OutcomeUnknown(_)),
                "{error:?}"
            );
        });
    });
    recorder
        .snapshotter()
        .snapshot()
        .into_vec()
        .into_iter()
        .filter_map(|(key, _, _, value)| {
            let key = key.key().clone();
            let label = key
                .labels()
                .find(|label| label.key() == "result")
                .map_or_else(String::new, |label| format!(":{}", label.value()));
            match value {
                DebugValue::Counter(count) => Some((format!("{}{label}", key.name()), count)),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn reconciliations_and_unknown_outcomes_are_counted() {
    let counts = reconciliations();
    for result in ["found", "not_found", "listing_failed"] {
        assert_eq!(
            counts.get(&format!("leyr.booking.reconciliations:{result}")),
            Some(&1),
            "{counts:?}"
        );
    }
    assert_eq!(
        counts.get("leyr.booking.outcome_unknown"),
        Some(&1),
        "{counts:?}"
    );
}

/// A booking over `leyr-http` against the sandbox whose first post is answered 503: the spans
/// of the whole run, as the capture prints them.
async fn spans_of_a_booking_with_a_retry() -> String {
    use leyr_app::domain::ports::Availability as _;
    use leyr_http::LeyrClient;
    use leyr_sandbox::{HttpFault, Sandbox};
    use secrecy::SecretString;

    let clock = ManualClock::default();
    let sandbox = Sandbox::builder(Arc::new(clock.clone()))
        .client_id("trace-test")
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials("trace-test", SecretString::from("secret"))
        .retry_policy(RetryPolicy::default().with_backoff([]))
        .build()
        .unwrap();
    let from = in_stockholm(&clock.now()) + TimeDelta::days(1);
    let query = TimeslotQuery::new(TimeWindow::starting_at(from, TimeDelta::days(7)).unwrap())
        .resource(ResourceId::new(DR_EHN).unwrap());
    let slot = client
        .find_timeslots(&care_unit(), &query)
        .await
        .unwrap()
        .remove(0);
    let booking = Booking::new(Ports::from_adapter(client, clock.clone()))
        .with_retry_policy(RetryPolicy::default().with_backoff([]));

    // The listing before the post passes; the first post is refused with 503.
    sandbox.faults().next(HttpFault::Delay(Duration::ZERO));
    sandbox.faults().next(HttpFault::ServiceUnavailable);
    let (captured, _guard) = capture_traces();
    let booked = booking
        .book(&care_unit(), &request(patient(6), &slot))
        .await
        .unwrap();
    assert_eq!(booked.attempts, 2);
    sandbox.shutdown().await.unwrap();
    captured.text()
}

#[tokio::test]
async fn a_booking_with_a_retry_traces_each_operation_and_attempt_by_the_http_conventions() {
    let log = spans_of_a_booking_with_a_retry().await;
    let appointments = "/api/emrs/{emr}/care-units/{care_unit_id}/appointments";
    // The use case, then one span per port call, then one per attempt.
    assert!(log.contains("span leyr.app.book"), "{log}");
    assert_eq!(
        log.matches(
            r#"span leyr.list_appointments leyr.operation="list_appointments" leyr.emr=takecare"#
        )
        .count(),
        2,
        "the check and the reconciliation:{log}"
    );
    assert_eq!(
        log.matches(r#"span leyr.book leyr.operation="book" leyr.emr=takecare"#)
            .count(),
        2,
        "{log}"
    );
    let post = format!(
        r#"span http.client.request otel.name=POST {appointments} otel.kind="client" http.request.method="POST" url.template="{appointments}" server.address="127.0.0.1" server.port="#
    );
    assert_eq!(log.matches(&post).count(), 2, "{log}");
    for field in [
        "http.response.status_code=503",
        r#"error.type="503""#,
        "http.response.status_code=201",
    ] {
        assert!(log.contains(field), "{field} in {log}");
    }
    // Each booking is a post of its own, never a resend by the client (C38).
    assert!(!log.contains("http.request.resend_count"), "{log}");
    for private in [TEST_PATIENTS[6], "se_personal_number", "Zeta", "secret"] {
        assert!(!log.contains(private), "{private} in {log}");
    }
}

#[tokio::test]
async fn over_leyr_http_a_held_slot_is_returned_and_another_patient_is_refused() {
    use leyr_app::domain::ports::Availability as _;
    use leyr_http::LeyrClient;
    use leyr_sandbox::Sandbox;
    use secrecy::SecretString;

    let clock = ManualClock::default();
    let sandbox = Sandbox::builder(Arc::new(clock.clone()))
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials("idempotency-test", SecretString::from("secret"))
        .build()
        .unwrap();
    let from = in_stockholm(&clock.now()) + TimeDelta::days(2);
    let query = TimeslotQuery::new(TimeWindow::starting_at(from, TimeDelta::days(7)).unwrap())
        .resource(ResourceId::new(DR_EHN).unwrap());
    let slot = client
        .find_timeslots(&care_unit(), &query)
        .await
        .unwrap()
        .remove(0);
    let booking = Booking::new(Ports::from_adapter(client, clock.clone()));

    let first = booking
        .book(&care_unit(), &request(patient(1), &slot))
        .await
        .unwrap();
    let again = booking
        .book(&care_unit(), &request(patient(1), &slot))
        .await
        .unwrap();
    assert!(!first.already_held);
    assert!(again.already_held);
    assert_eq!(again.attempts, 0);
    assert_eq!(again.appointment.id(), first.appointment.id());
    let error = booking
        .book(&care_unit(), &request(patient(2), &slot))
        .await
        .unwrap_err();
    assert!(
        matches!(error, BookAppointmentError::SlotTaken),
        "{error:?}"
    );

    // The fake behind the sandbox holds exactly one appointment for the slot.
    let fake = Fake {
        booking: Booking::over(sandbox.ehr().clone()),
        ehr: sandbox.ehr().clone(),
        clock,
    };
    assert_eq!(fake.held(&patient(1), &slot).await.len(), 1);
    sandbox.shutdown().await.unwrap();
}
