//! Booking: rules first, then one booking, and reconciliation after an unclear failure (C38).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use leyr_app::domain::appointment::{
    Appointment, AppointmentQuery, AppointmentStatus, BookingRequest, Comment,
};
use leyr_app::domain::booking_rules::{BookingRules, RuleViolation};
use leyr_app::domain::error::{BackendErrorKind, Entity, Rejection, RejectionCode};
use leyr_app::domain::ports::{BookError, MockAppointmentBook, ReadError};
use leyr_app::domain::retry::RetryPolicy;
use leyr_app::domain::timeslot::Timeslot;
use leyr_app::{BookAppointment, BookAppointmentError};
use tokio::time::Instant;

use crate::support::{
    TOLVAN_DIGITS, appointment_for, at, backend, capture_traces, care_unit, clock_at, now, slot,
    slot_at, tolvan,
};

fn request() -> BookingRequest {
    BookingRequest {
        patient: tolvan(),
        slot: slot(),
        comment: None,
    }
}

fn is_reconciliation(query: &AppointmentQuery, slot: &Timeslot) -> bool {
    query.patient == Some(tolvan())
        && query.resource_id.is_none()
        && query.start == Some(slot.start())
        && query.end == Some(slot.end())
}

/// The rules' listing of the patient's day: nothing booked yet.
fn expect_rules_listing(appointments: &mut MockAppointmentBook, existing: Vec<Appointment>) {
    let slot = slot();
    appointments
        .expect_list_appointments()
        .withf(move |_, query| !is_reconciliation(query, &slot))
        .times(1)
        .return_once(move |_, _| Ok(existing));
}

/// The reconciliation listings, answering `answer` each time.
fn expect_reconciliations<F>(appointments: &mut MockAppointmentBook, times: usize, answer: F)
where
    F: FnMut() -> Result<Vec<Appointment>, ReadError> + Send + 'static,
{
    let slot = slot();
    let mut answer = answer;
    appointments
        .expect_list_appointments()
        .withf(move |care_unit, query| {
            *care_unit == crate::support::care_unit() && is_reconciliation(query, &slot)
        })
        .times(times)
        .returning(move |_, _| answer());
}

/// `book` answering `answers` in order, counting calls and recording when each came.
fn expect_bookings(
    appointments: &mut MockAppointmentBook,
    answers: Vec<Result<Appointment, BookError>>,
) -> Arc<Mutex<Vec<Instant>>> {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let recorded = calls.clone();
    let mut answers = answers.into_iter();
    let times = answers.len();
    appointments
        .expect_book()
        .times(times)
        .returning(move |care_unit, booking| {
            assert_eq!(*care_unit, crate::support::care_unit());
            assert_eq!(*booking, request());
            recorded.lock().unwrap().push(Instant::now());
            answers.next().unwrap()
        });
    calls
}

fn use_case(appointments: MockAppointmentBook) -> BookAppointment {
    BookAppointment::new(Arc::new(appointments), clock_at(now()))
}

fn booked() -> Appointment {
    appointment_for(&slot(), "4711", AppointmentStatus::Booked)
}

fn outcome_unknown() -> BookError {
    BookError::OutcomeUnknown(backend(BackendErrorKind::Timeout))
}

#[tokio::test(start_paused = true)]
async fn a_free_slot_is_booked_with_one_call() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(&mut appointments, vec![Ok(booked())]);

    let result = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    assert_eq!(result.appointment, booked());
    assert!(!result.recovered);
    assert_eq!(result.attempts, 1);
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_rules_listing_covers_the_patients_day_in_stockholm() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_list_appointments()
        .withf(|_, query| {
            *query
                == AppointmentQuery {
                    patient: Some(tolvan()),
                    resource_id: None,
                    start: Some(at("2025-03-04T00:00:00+01:00")),
                    end: Some(slot().end()),
                }
        })
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    expect_bookings(&mut appointments, vec![Ok(booked())]);

    use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_slot_that_has_started_breaks_a_rule_and_is_never_booked() {
    let mut appointments = MockAppointmentBook::new();
    // A timing rule needs no data: it is checked before anything is read.
    appointments.expect_list_appointments().times(0);
    appointments.expect_book().times(0);
    let late = BookAppointment::new(
        Arc::new(appointments),
        clock_at(crate::support::utc("2025-03-04T08:10:00Z")),
    );

    let error = late.run(&care_unit(), &request()).await.unwrap_err();

    assert!(
        matches!(
            error,
            BookAppointmentError::Rule(RuleViolation::TooShortNotice)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_overlapping_appointment_breaks_a_rule_and_is_never_booked() {
    let mut appointments = MockAppointmentBook::new();
    let other = slot_at("2025-03-04T08:45:00+01:00", "2025-03-04T09:15:00+01:00");
    expect_rules_listing(
        &mut appointments,
        vec![appointment_for(&other, "99", AppointmentStatus::Booked)],
    );
    appointments.expect_book().times(0);

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    match error {
        BookAppointmentError::Rule(RuleViolation::Overlap { with }) => {
            assert_eq!(with.as_str(), "99")
        }
        other => panic!("expected an overlap, got {other:?}"),
    }
}

#[tokio::test]
async fn configured_rules_are_checked_before_booking() {
    let mut appointments = MockAppointmentBook::new();
    appointments.expect_list_appointments().times(0);
    appointments.expect_book().times(0);
    let rules = BookingRules {
        min_lead_time: TimeDelta::days(2),
        ..BookingRules::default()
    };
    let request = BookingRequest {
        comment: Some(Comment::new("x".repeat(10)).unwrap()),
        ..request()
    };

    let error = use_case(appointments)
        .with_rules(rules)
        .run(&care_unit(), &request)
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        BookAppointmentError::Rule(RuleViolation::TooShortNotice)
    ));
}

#[tokio::test]
async fn a_too_long_comment_is_refused_before_any_request() {
    let mut appointments = MockAppointmentBook::new();
    appointments.expect_list_appointments().times(0);
    appointments.expect_book().times(0);
    let request = BookingRequest {
        comment: Some(Comment::new("x".repeat(501)).unwrap()),
        ..request()
    };

    let error = use_case(appointments)
        .run(&care_unit(), &request)
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        BookAppointmentError::Rule(RuleViolation::CommentTooLong { max: 500 })
    ));
}

#[tokio::test]
async fn a_failing_rules_listing_books_nothing() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_list_appointments()
        .times(1)
        .returning(|_, _| Err(ReadError::NotFound(Entity::Patient)));
    appointments.expect_book().times(0);

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        BookAppointmentError::NotFound(Entity::Patient)
    ));
}

#[tokio::test(start_paused = true)]
async fn outcome_unknown_then_found_by_the_listing_is_recovered_with_one_booking() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(&mut appointments, vec![Err(outcome_unknown())]);
    expect_reconciliations(&mut appointments, 1, || Ok(vec![booked()]));
    let started = Instant::now();

    let result = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    assert!(result.recovered);
    assert_eq!(result.appointment, booked());
    assert_eq!(result.attempts, 1);
    assert_eq!(calls.lock().unwrap().len(), 1);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_server_failure_that_did_book_is_recovered() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    expect_bookings(
        &mut appointments,
        vec![Err(BookError::Backend(backend(BackendErrorKind::Server)))],
    );
    expect_reconciliations(&mut appointments, 1, || Ok(vec![booked()]));

    let result = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    assert!(result.recovered);
}

#[tokio::test(start_paused = true)]
async fn outcome_unknown_and_not_found_books_again_after_a_second_and_succeeds() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(
        &mut appointments,
        vec![Err(outcome_unknown()), Ok(booked())],
    );
    expect_reconciliations(&mut appointments, 1, || Ok(Vec::new()));

    let result = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    assert!(!result.recovered);
    assert_eq!(result.attempts, 2);
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1] - calls[0], Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_or_different_appointment_is_not_taken_for_the_booking() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(
        &mut appointments,
        vec![Err(outcome_unknown()), Ok(booked())],
    );
    let cancelled = appointment_for(&slot(), "1", AppointmentStatus::Cancelled);
    let shorter = appointment_for(
        &slot_at("2025-03-04T09:00:00+01:00", "2025-03-04T09:15:00+01:00"),
        "2",
        AppointmentStatus::Booked,
    );
    expect_reconciliations(&mut appointments, 1, move || {
        Ok(vec![cancelled.clone(), shorter.clone()])
    });

    let result = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    assert!(!result.recovered);
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failing_listing_leaves_the_outcome_unknown_and_never_books_again() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(&mut appointments, vec![Err(outcome_unknown())]);
    expect_reconciliations(&mut appointments, 1, || {
        Err(ReadError::Backend(backend(BackendErrorKind::Unavailable)))
    });

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            BookAppointmentError::OutcomeUnknown(ReadError::Backend(_))
        ),
        "{error:?}"
    );
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_server_failure_not_found_is_returned_without_booking_again() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(
        &mut appointments,
        vec![Err(BookError::Backend(
            backend(BackendErrorKind::Server).with_status(500),
        ))],
    );
    expect_reconciliations(&mut appointments, 1, || Ok(Vec::new()));

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    match error {
        BookAppointmentError::Unavailable(backend) => {
            assert_eq!(backend.kind(), BackendErrorKind::Server);
            assert_eq!(backend.status(), Some(500));
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_over_a_minute_stops_without_waiting() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let unavailable = backend(BackendErrorKind::Unavailable)
        .with_status(503)
        .with_retry_after(Duration::from_secs(120));
    let calls = expect_bookings(
        &mut appointments,
        vec![Err(BookError::Backend(unavailable))],
    );
    expect_reconciliations(&mut appointments, 1, || Ok(Vec::new()));
    let started = Instant::now();

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    match error {
        BookAppointmentError::Unavailable(backend) => {
            assert_eq!(backend.retry_after(), Some(Duration::from_secs(120)));
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_within_a_minute_is_honoured() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let throttled = backend(BackendErrorKind::Throttled)
        .with_status(429)
        .with_retry_after(Duration::from_secs(7));
    let calls = expect_bookings(
        &mut appointments,
        vec![Err(BookError::Backend(throttled)), Ok(booked())],
    );
    expect_reconciliations(&mut appointments, 1, || Ok(Vec::new()));

    use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    let calls = calls.lock().unwrap();
    assert_eq!(calls[1] - calls[0], Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn six_unclear_failures_give_up_after_six_attempts_waiting_1_5_15_30_60_seconds() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(
        &mut appointments,
        (0..6).map(|_| Err(outcome_unknown())).collect(),
    );
    expect_reconciliations(&mut appointments, 6, || Ok(Vec::new()));
    let started = Instant::now();

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, BookAppointmentError::Unavailable(backend) if backend.kind() == BackendErrorKind::Timeout),
        "{error:?}"
    );
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len(), 6);
    let waits: Vec<u64> = calls
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).as_secs())
        .collect();
    assert_eq!(waits, [1, 5, 15, 30, 60]);
    assert_eq!(started.elapsed(), Duration::from_secs(111));
}

#[tokio::test(start_paused = true)]
async fn a_configured_policy_limits_attempts_and_skips_waits() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let unavailable = || Err(BookError::Backend(backend(BackendErrorKind::Unavailable)));
    let calls = expect_bookings(
        &mut appointments,
        vec![unavailable(), unavailable(), unavailable()],
    );
    expect_reconciliations(&mut appointments, 3, || Ok(Vec::new()));
    let policy = RetryPolicy::default().with_max_retries(2).with_backoff([]);
    let started = Instant::now();

    let error = use_case(appointments)
        .with_retry_policy(policy)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(matches!(error, BookAppointmentError::Unavailable(_)));
    assert_eq!(calls.lock().unwrap().len(), 3);
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn slot_taken_returns_at_once_without_reconciling() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let calls = expect_bookings(&mut appointments, vec![Err(BookError::SlotTaken)]);
    expect_reconciliations(&mut appointments, 0, || Ok(Vec::new()));

    let error = use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(matches!(error, BookAppointmentError::SlotTaken));
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn refusals_and_connection_failures_are_returned_without_reconciling() {
    let cases: Vec<fn() -> BookError> = vec![
        || BookError::NotFound(Entity::Patient),
        || BookError::Rejected(Rejection::new(RejectionCode::InvalidCommentLength)),
        || BookError::Backend(backend(BackendErrorKind::Unauthorized)),
        || BookError::Backend(backend(BackendErrorKind::Client)),
        || BookError::Backend(backend(BackendErrorKind::Connect)),
    ];
    for case in cases {
        let mut appointments = MockAppointmentBook::new();
        expect_rules_listing(&mut appointments, Vec::new());
        expect_bookings(&mut appointments, vec![Err(case())]);
        expect_reconciliations(&mut appointments, 0, || Ok(Vec::new()));

        let error = use_case(appointments)
            .run(&care_unit(), &request())
            .await
            .unwrap_err();

        assert!(
            matches!(
                error,
                BookAppointmentError::NotFound(Entity::Patient)
                    | BookAppointmentError::Rejected(_)
                    | BookAppointmentError::Unavailable(_)
            ),
            "{error:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_recovered_booking_is_logged_without_patient_data() {
    let (captured, _guard) = capture_traces();
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    expect_bookings(&mut appointments, vec![Err(outcome_unknown())]);
    expect_reconciliations(&mut appointments, 1, || Ok(vec![booked()]));

    use_case(appointments)
        .run(&care_unit(), &request())
        .await
        .unwrap();

    let text = captured.text();
    assert!(text.contains("span leyr.app.book"), "{text}");
    assert!(text.contains("recovered the booking"), "{text}");
    assert!(text.contains("appointment_id=4711"), "{text}");
    assert!(!text.contains(TOLVAN_DIGITS), "{text}");
}

/// A clock that runs with Tokio's (paused) clock from `start`.
struct TokioClock {
    start: chrono::DateTime<chrono::Utc>,
    started: Instant,
}

impl leyr_app::domain::ports::Clock for TokioClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.start + TimeDelta::from_std(self.started.elapsed()).unwrap()
    }
}

#[tokio::test(start_paused = true)]
async fn a_booking_is_never_posted_again_once_its_slot_breaks_the_timing_rules() {
    let mut appointments = MockAppointmentBook::new();
    expect_rules_listing(&mut appointments, Vec::new());
    let unavailable = || Err(BookError::Backend(backend(BackendErrorKind::Unavailable)));
    // Ten seconds before the slot starts: attempts at 0 s, 1 s and 6 s; the next would come at
    // 21 s, after the slot has started.
    let calls = expect_bookings(
        &mut appointments,
        vec![unavailable(), unavailable(), unavailable()],
    );
    expect_reconciliations(&mut appointments, 3, || Ok(Vec::new()));
    let clock = TokioClock {
        start: slot().start().with_timezone(&chrono::Utc) - TimeDelta::seconds(10),
        started: Instant::now(),
    };

    let error = BookAppointment::new(Arc::new(appointments), Arc::new(clock))
        .run(&care_unit(), &request())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, BookAppointmentError::Unavailable(backend) if backend.kind() == BackendErrorKind::Unavailable),
        "{error:?}"
    );
    assert_eq!(calls.lock().unwrap().len(), 3);
}
