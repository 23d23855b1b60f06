//! The pure C37 table, row by row and column by column, and the C36 back-off.

use std::time::Duration;

use leyr_domain::retry::RetryPolicy;
use leyr_http::retry::{CallKind, Decision, Failure, decide};
use leyr_wire::ProblemCode;

use CallKind::{Booking, Read, Upsert, Write};
use Decision::{OutcomeUnknown, RetryAfter, ReturnError};

const ONE_SECOND: Decision = RetryAfter(Duration::from_secs(1));

fn status(status: u16) -> Failure {
    Failure::Status {
        status,
        code: None,
        retry_after: None,
    }
}

fn coded(status: u16, code: ProblemCode) -> Failure {
    Failure::Status {
        status,
        code: Some(code),
        retry_after: None,
    }
}

fn waiting(status: u16, seconds: u64) -> Failure {
    Failure::Status {
        status,
        code: None,
        retry_after: Some(Duration::from_secs(seconds)),
    }
}

/// One row of C37: the failure, then the decision after a first attempt for GET, POST /patients,
/// PATCH and notes/documents, and POST /appointments.
#[track_caller]
fn check(failure: Failure, expected: [Decision; 4]) {
    let policy = RetryPolicy::default();
    let got = [Read, Upsert, Write, Booking].map(|call| decide(call, &failure, 1, &policy));
    assert_eq!(got, expected, "{failure:?}");
}

#[test]
fn c37_row_1_a_connection_never_established_is_retried_for_every_call() {
    check(Failure::Connect, [ONE_SECOND; 4]);
}

#[test]
fn c37_row_2_429_and_503_are_retried_except_a_booking_which_the_caller_reconciles() {
    for failure in [
        status(429),
        status(503),
        coded(503, ProblemCode::ServiceUnavailable),
        coded(503, ProblemCode::EmrError),
    ] {
        check(failure, [ONE_SECOND, ONE_SECOND, ONE_SECOND, ReturnError]);
    }
}

#[test]
fn c37_row_3_timeouts_lost_connections_502_and_504_retry_reads_and_leave_writes_unknown() {
    for failure in [
        Failure::Timeout,
        Failure::ConnectionLost,
        status(502),
        status(504),
        coded(502, ProblemCode::EmrError),
    ] {
        check(
            failure,
            [ONE_SECOND, ONE_SECOND, OutcomeUnknown, OutcomeUnknown],
        );
    }
}

#[test]
fn c37_row_4_other_5xx_emr_error_and_unknown_error_return_the_error() {
    for failure in [
        status(500),
        status(501),
        status(599),
        coded(401, ProblemCode::EmrError),
        coded(400, ProblemCode::UnknownError),
        coded(500, ProblemCode::UnknownError),
    ] {
        check(failure, [ReturnError; 4]);
    }
}

#[test]
fn c37_row_5_4xx_return_the_error() {
    for code in [400, 401, 403, 404, 405, 409, 422, 499] {
        check(status(code), [ReturnError; 4]);
    }
    check(coded(401, ProblemCode::Unauthorized), [ReturnError; 4]);
    check(coded(400, ProblemCode::BadRequest), [ReturnError; 4]);
}

#[test]
fn c36_without_retry_after_the_waits_are_1_5_15_30_60_seconds_then_it_stops() {
    let policy = RetryPolicy::default();
    let waits: Vec<_> = (1..=6)
        .map(|attempt| decide(Read, &status(503), attempt, &policy))
        .collect();
    assert_eq!(
        waits,
        [
            RetryAfter(Duration::from_secs(1)),
            RetryAfter(Duration::from_secs(5)),
            RetryAfter(Duration::from_secs(15)),
            RetryAfter(Duration::from_secs(30)),
            RetryAfter(Duration::from_secs(60)),
            ReturnError,
        ],
        "at most 5 retries, 6 attempts, no jitter"
    );
    assert_eq!(decide(Booking, &Failure::Connect, 6, &policy), ReturnError);
    assert_eq!(
        decide(Write, &Failure::Timeout, 6, &policy),
        OutcomeUnknown,
        "attempts never turn unknown into known"
    );
}

#[test]
fn c36_retry_after_is_honoured_up_to_sixty_seconds() {
    let policy = RetryPolicy::default();
    for call in [Read, Upsert, Write] {
        assert_eq!(
            decide(call, &waiting(429, 7), 1, &policy),
            RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            decide(call, &waiting(503, 60), 4, &policy),
            RetryAfter(Duration::from_secs(60))
        );
        assert_eq!(
            decide(call, &waiting(503, 0), 1, &policy),
            RetryAfter(Duration::ZERO)
        );
    }
    assert_eq!(
        decide(Booking, &waiting(503, 7), 1, &policy),
        ReturnError,
        "a booking is never resent here"
    );
}

#[test]
fn c36_retry_after_over_sixty_seconds_stops_at_once() {
    let policy = RetryPolicy::default();
    for call in [Read, Upsert, Write, Booking] {
        assert_eq!(decide(call, &waiting(429, 61), 1, &policy), ReturnError);
        assert_eq!(decide(call, &waiting(503, 120), 1, &policy), ReturnError);
    }
}

#[test]
fn the_policy_is_configurable_without_changing_the_table() {
    let never = RetryPolicy::never();
    assert_eq!(decide(Read, &status(503), 1, &never), ReturnError);
    assert_eq!(decide(Write, &Failure::Timeout, 1, &never), OutcomeUnknown);

    let fast = RetryPolicy::default()
        .with_backoff([Duration::ZERO])
        .with_max_retries(2);
    assert_eq!(fast.max_attempts(), 3);
    assert_eq!(
        decide(Read, &status(503), 2, &fast),
        RetryAfter(Duration::ZERO)
    );
    assert_eq!(decide(Read, &status(503), 3, &fast), ReturnError);

    let patient = RetryPolicy::default().with_max_retry_after(Duration::from_secs(300));
    assert_eq!(
        decide(Read, &waiting(429, 120), 1, &patient),
        RetryAfter(Duration::from_secs(120))
    );

    let empty = RetryPolicy::default().with_backoff([]);
    assert_eq!(empty.backoff_after(1), Duration::ZERO);
    assert_eq!(
        RetryPolicy::default().backoff_after(9),
        Duration::from_secs(60),
        "the last wait repeats"
    );
}
