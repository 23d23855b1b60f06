//! The pure retry decisions, as tables (C36, C37).

use std::time::Duration;

use leyr_app::domain::error::{
    BackendError, BackendErrorKind as Kind, Entity, Rejection, RejectionCode,
};
use leyr_app::domain::ports::BookError;
use leyr_app::domain::retry::RetryPolicy;
use leyr_app::retry::{Decision, decide, needs_reconciliation};

fn backend(kind: Kind) -> BookError {
    BookError::Backend(BackendError::new(kind))
}

fn waiting(kind: Kind, seconds: u64) -> BookError {
    BookError::Backend(BackendError::new(kind).with_retry_after(Duration::from_secs(seconds)))
}

fn unknown() -> BookError {
    BookError::OutcomeUnknown(BackendError::new(Kind::Timeout))
}

fn secs(seconds: u64) -> Decision {
    Decision::RetryAfter(Duration::from_secs(seconds))
}

#[track_caller]
fn check(error: BookError, attempt: u32, expected: Decision) {
    assert_eq!(
        decide(&error, attempt, &RetryPolicy::default()),
        expected,
        "{error:?} after attempt {attempt}"
    );
}

#[test]
fn unclear_failures_retry_by_leyrs_schedule_for_six_attempts() {
    for error in [
        unknown as fn() -> BookError,
        || backend(Kind::Unavailable),
        || backend(Kind::Throttled),
        || backend(Kind::Timeout),
    ] {
        check(error(), 1, secs(1));
        check(error(), 2, secs(5));
        check(error(), 3, secs(15));
        check(error(), 4, secs(30));
        check(error(), 5, secs(60));
        check(error(), 6, Decision::GiveUp);
        check(error(), 7, Decision::GiveUp);
    }
}

#[test]
fn retry_after_is_honoured_up_to_sixty_seconds() {
    check(waiting(Kind::Throttled, 7), 1, secs(7));
    check(waiting(Kind::Unavailable, 0), 3, secs(0));
    check(waiting(Kind::Unavailable, 60), 1, secs(60));
    check(waiting(Kind::Unavailable, 61), 1, Decision::GiveUp);
    check(waiting(Kind::Throttled, 120), 1, Decision::GiveUp);
    check(waiting(Kind::Throttled, 7), 6, Decision::GiveUp);
    check(
        BookError::OutcomeUnknown(
            BackendError::new(Kind::Timeout).with_retry_after(Duration::from_secs(3)),
        ),
        1,
        secs(3),
    );
}

#[test]
fn other_failures_are_never_retried() {
    check(backend(Kind::Server), 1, Decision::GiveUp);
    check(waiting(Kind::Server, 1), 1, Decision::GiveUp);
    check(backend(Kind::Unauthorized), 1, Decision::GiveUp);
    check(backend(Kind::Client), 1, Decision::GiveUp);
    check(backend(Kind::Protocol), 1, Decision::GiveUp);
    check(backend(Kind::Connect), 1, Decision::GiveUp);
    check(BookError::SlotTaken, 1, Decision::GiveUp);
    check(BookError::NotFound(Entity::Patient), 1, Decision::GiveUp);
    check(
        BookError::Rejected(Rejection::new(RejectionCode::BadInput)),
        1,
        Decision::GiveUp,
    );
}

#[test]
fn only_failures_that_may_have_booked_are_reconciled() {
    let table = [
        (unknown(), true),
        (backend(Kind::Unavailable), true),
        (backend(Kind::Throttled), true),
        (backend(Kind::Timeout), true),
        (backend(Kind::Server), true),
        (backend(Kind::Connect), false),
        (backend(Kind::Unauthorized), false),
        (backend(Kind::Client), false),
        (backend(Kind::Protocol), false),
        (backend(Kind::Internal), false),
        (BookError::SlotTaken, false),
        (BookError::NotFound(Entity::Patient), false),
        (
            BookError::Rejected(Rejection::new(RejectionCode::AmbiguousTimeslots)),
            false,
        ),
    ];
    for (error, expected) in table {
        assert_eq!(needs_reconciliation(&error), expected, "{error:?}");
    }
}

#[test]
fn the_default_policy_is_leyrs_and_can_be_changed() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts(), 6);
    assert_eq!(policy.max_retry_after(), Duration::from_secs(60));
    let waits: Vec<u64> = (1..=7)
        .map(|attempt| policy.backoff_after(attempt).as_secs())
        .collect();
    assert_eq!(waits, [1, 5, 15, 30, 60, 60, 60]);

    let immediate = RetryPolicy::default().with_backoff([]);
    assert_eq!(immediate.backoff_after(1), Duration::ZERO);
    assert_eq!(
        decide(&unknown(), 1, &immediate),
        Decision::RetryAfter(Duration::ZERO)
    );

    let once = RetryPolicy::never();
    assert_eq!(decide(&unknown(), 1, &once), Decision::GiveUp);
}
