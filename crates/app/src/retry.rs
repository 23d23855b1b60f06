//! When a booking is posted again after an unclear failure (contract C36, C37, C38).
//!
//! [`BookAppointment`](crate::BookAppointment) asks two pure questions after a failed booking:
//! [`needs_reconciliation`] (must it look for the booking before anything else?) and, when the
//! booking was not found, [`decide`] (may it post again, and after how long?).

use std::time::Duration;

use leyr_domain::error::BackendErrorKind;
use leyr_domain::ports::BookError;
use leyr_domain::retry::RetryPolicy;

/// What to do after a booking failed and reconciliation did not find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Post the booking again after this wait.
    RetryAfter(Duration),
    /// Stop and return the error.
    GiveUp,
}

/// Whether `error` leaves open that the booking happened, so the patient's appointments must be
/// searched before anything else (C37's "reconcile" cells): an unclear outcome, or the EHR being
/// unavailable, rate limiting, timing out or failing.
#[must_use]
pub fn needs_reconciliation(error: &BookError) -> bool {
    match error {
        BookError::OutcomeUnknown(_) => true,
        BookError::Backend(backend) => matches!(
            backend.kind(),
            BackendErrorKind::Unavailable
                | BackendErrorKind::Throttled
                | BackendErrorKind::Timeout
                | BackendErrorKind::Server
        ),
        _ => false,
    }
}

/// Whether to post a booking again after attempt number `attempt` (1 for the first) failed with
/// `error` and reconciliation found no booking.
///
/// Posts again only when C37 allows it (an unclear outcome, or the EHR unavailable, rate
/// limiting or timing out; never after another server failure) and attempts remain. The wait is
/// the EHR's `Retry-After` when it gave one, or else the policy's back-off; a `Retry-After`
/// longer than [`RetryPolicy::max_retry_after`] gives up at once.
#[must_use]
pub fn decide(error: &BookError, attempt: u32, policy: &RetryPolicy) -> Decision {
    let backend = match error {
        BookError::OutcomeUnknown(backend) => backend,
        BookError::Backend(backend)
            if matches!(
                backend.kind(),
                BackendErrorKind::Unavailable
                    | BackendErrorKind::Throttled
                    | BackendErrorKind::Timeout
            ) =>
        {
            backend
        }
        _ => return Decision::GiveUp,
    };
    if attempt >= policy.max_attempts() {
        return Decision::GiveUp;
    }
    match backend.retry_after() {
        Some(wait) if wait > policy.max_retry_after() => Decision::GiveUp,
        Some(wait) => Decision::RetryAfter(wait),
        None => Decision::RetryAfter(policy.backoff_after(attempt)),
    }
}
