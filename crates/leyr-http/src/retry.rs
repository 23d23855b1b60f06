//! When a failed request is sent again (contract C36, C37, C38).
//!
//! [`decide`] is a pure function of the kind of call, what went wrong, how many attempts were
//! made and the [`RetryPolicy`]; the client asks it after every failed attempt. It follows the
//! C37 table, whose first matching row wins:
//!
//! | Failure | GET, POST /patients | PATCH, POST notes, POST documents | POST /appointments |
//! |---|---|---|---|
//! | connection not established (nothing sent) | retry | retry | retry |
//! | 429, 503 | retry | retry | return the error: the caller reconciles |
//! | timeout or connection lost after sending; 502; 504 | retry | outcome unknown | outcome unknown |
//! | other 5xx, `EMR_ERROR`, `UNKNOWN_ERROR` | return the error | return the error | return the error |
//! | 400, 401, 404, 422, other 4xx | return the error | return the error | return the error |
//!
//! A booking is never sent twice by this crate (C38): where the table says "reconcile", the
//! booking use case lists the patient's appointments through the port and decides itself.
//!
//! A retry waits as the answer's `Retry-After` asks (delta-seconds or an HTTP date), or else by
//! the policy's back-off: Leyr's 1 s, 5 s, 15 s, 30 s, 60 s, no jitter, at most 5 retries. A
//! `Retry-After` above [`RetryPolicy::max_retry_after`] (60 s) stops at once and the error
//! carries the wait (C36).

use std::time::Duration;

use chrono::{DateTime, Utc};

use leyr_domain::retry::RetryPolicy;
use leyr_wire::problem::ProblemCode;

/// What kind of call failed: the columns of the C37 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallKind {
    /// A `GET`: reading changes nothing, so it may always be repeated.
    Read,
    /// `POST /patients`: a documented upsert, so repeating it cannot create a duplicate.
    Upsert,
    /// `PATCH /appointments`, `POST .../medical-notes`, `POST .../documents`: a change that must
    /// not be applied twice, repeated only when Leyr said it did not do the work.
    Write,
    /// `POST /appointments`: a booking, sent at most once (C38).
    Booking,
}

/// What went wrong with one attempt: the rows of the C37 table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No connection could be established: nothing was sent.
    Connect,
    /// The attempt timed out; the request may have reached Leyr.
    Timeout,
    /// The connection was lost after the request was sent, before the whole answer arrived.
    ConnectionLost,
    /// Leyr answered with a status that is not a success.
    Status {
        /// The HTTP status.
        status: u16,
        /// The problem's `code`, when the body was a problem document.
        code: Option<ProblemCode>,
        /// The wait the answer's `Retry-After` asked for.
        retry_after: Option<Duration>,
    },
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Send the request again after this wait.
    RetryAfter(Duration),
    /// Stop and return the error as it is: the request did not do its work.
    ReturnError,
    /// Stop and report that the request may have done its work: the caller must find out.
    OutcomeUnknown,
}

/// The C37 row a failure falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    NotSent,
    UnavailableOrThrottled,
    Unanswered,
    ServerFailed,
    Refused,
}

impl Row {
    fn of(failure: &Failure) -> Self {
        match failure {
            Failure::Connect => Self::NotSent,
            Failure::Timeout | Failure::ConnectionLost => Self::Unanswered,
            Failure::Status {
                status: 429 | 503, ..
            } => Self::UnavailableOrThrottled,
            Failure::Status {
                status: 502 | 504, ..
            } => Self::Unanswered,
            Failure::Status {
                code: Some(ProblemCode::EmrError | ProblemCode::UnknownError),
                ..
            }
            | Failure::Status {
                status: 500..=599, ..
            } => Self::ServerFailed,
            Failure::Status { .. } => Self::Refused,
        }
    }
}

/// What to do after attempt number `attempt` (1 for the first) of a `call` failed with
/// `failure`, by the C37 table and the C36 back-off.
///
/// ```
/// use std::time::Duration;
/// use leyr_http::retry::{CallKind, Decision, Failure, decide};
/// use leyr_domain::retry::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// let unavailable = Failure::Status { status: 503, code: None, retry_after: None };
/// assert_eq!(decide(CallKind::Read, &unavailable, 1, &policy), Decision::RetryAfter(Duration::from_secs(1)));
/// assert_eq!(decide(CallKind::Booking, &unavailable, 1, &policy), Decision::ReturnError);
/// assert_eq!(decide(CallKind::Booking, &Failure::Timeout, 1, &policy), Decision::OutcomeUnknown);
/// ```
#[must_use]
pub fn decide(call: CallKind, failure: &Failure, attempt: u32, policy: &RetryPolicy) -> Decision {
    match (Row::of(failure), call) {
        (Row::NotSent, _)
        | (Row::UnavailableOrThrottled, CallKind::Read | CallKind::Upsert | CallKind::Write)
        | (Row::Unanswered, CallKind::Read | CallKind::Upsert) => {}
        // The booking use case reconciles before it books again (C38).
        (Row::UnavailableOrThrottled, CallKind::Booking) => return Decision::ReturnError,
        (Row::Unanswered, CallKind::Write | CallKind::Booking) => return Decision::OutcomeUnknown,
        (Row::ServerFailed | Row::Refused, _) => return Decision::ReturnError,
    }
    if attempt > policy.max_retries() {
        return Decision::ReturnError;
    }
    let retry_after = match failure {
        Failure::Status { retry_after, .. } => *retry_after,
        Failure::Connect | Failure::Timeout | Failure::ConnectionLost => None,
    };
    match retry_after {
        Some(wait) if wait > policy.max_retry_after() => Decision::ReturnError,
        Some(wait) => Decision::RetryAfter(wait),
        None => Decision::RetryAfter(policy.backoff_after(attempt)),
    }
}

/// The wait a `Retry-After` value asks for: delta-seconds, or an HTTP date measured from `now`.
/// A date in the past asks for no wait. `None` when the value is neither.
#[must_use]
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    delta_seconds(value).or_else(|| {
        let date = parse_http_date(value)?;
        Some((date - now).to_std().unwrap_or(Duration::ZERO))
    })
}

/// A `Retry-After` in delta-seconds, which needs no clock. A number too large for a `Duration`
/// asks for the longest wait.
pub(crate) fn delta_seconds(value: &str) -> Option<Duration> {
    let value = value.trim();
    let is_delta = !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit());
    is_delta.then(|| {
        value
            .parse::<u64>()
            .map_or(Duration::MAX, Duration::from_secs)
    })
}

/// An HTTP date (RFC 9110 §5.6.7): IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), or one of the
/// obsolete forms every recipient must still accept, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
/// and asctime (`Sun Nov  6 08:49:37 1994`).
pub(crate) fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    httpdate::parse_http_date(value.trim())
        .ok()
        .map(DateTime::<Utc>::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = parse_http_date("Mon, 25 Mar 2024 13:00:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Mon, 25 Mar 2024 13:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Mon, 25 Mar 2024 12:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        // RFC 9110 §5.6.7: the two obsolete forms must be accepted too.
        assert_eq!(
            parse_retry_after("Monday, 25-Mar-24 13:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Mon Mar 25 13:00:45 2024", now),
            Some(Duration::from_secs(45))
        );
        assert_eq!(
            parse_retry_after("Mon Mar  4 13:00:00 2024", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }
}
