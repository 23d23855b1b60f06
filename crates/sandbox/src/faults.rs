//! Fault injection over HTTP (contract C31): scripted per request, or at seeded rates.
//!
//! Faults apply to requests that passed authentication (C4), whatever their route (unknown
//! routes and methods included), before any check of the handler. A scripted fault is used by
//! exactly one request; scripted faults run before the rates are consulted.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leyr_in_memory::SplitMix64;
use leyr_wire::ErrorCode;

use crate::problem::ApiError;

/// What to do to one request (C31).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpFault {
    /// Answer 503 `SERVICE_UNAVAILABLE` without doing the work.
    ServiceUnavailable,
    /// Answer 429 `TOO_MANY_REQUESTS` with `Retry-After` in whole seconds, without doing the
    /// work.
    TooManyRequests {
        /// The wait to announce.
        retry_after: Duration,
    },
    /// Answer `EMR_ERROR` with this status and `detail`, without doing the work.
    EmrError {
        /// The HTTP status, e.g. 401 as in Leyr's example, or 502.
        status: StatusCode,
        /// The `detail` text, standing for the EHR's own message.
        detail: String,
    },
    /// Answer `UNKNOWN_ERROR` with this status and `detail`, without doing the work.
    UnknownError {
        /// The HTTP status.
        status: StatusCode,
        /// The `detail` text.
        detail: String,
    },
    /// Answer 400 `BAD_REQUEST` with one `errors[]` entry of this code (e.g.
    /// `AMBIGUOUS_TIMESLOTS`, which the sandbox never emits by itself), without doing the work.
    BadRequest(ErrorCode),
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Handle the request (the work is done), then drop the connection without an answer.
    DropAfterWork,
}

/// Which requests a scripted fault applies to (C49): each field left out matches any request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultMatch {
    /// The HTTP method, e.g. `POST`, compared ignoring case.
    pub method: Option<String>,
    /// The route template relative to `{CU}` (`/appointments`, `/appointments/{appointment_id}`,
    /// ...), or `/care-units` for the list of care units.
    pub route: Option<String>,
    /// The `{emr}` code.
    pub emr: Option<String>,
}

impl FaultMatch {
    /// Any request.
    #[must_use]
    pub fn any() -> Self {
        Self::default()
    }

    fn matches(&self, request: &RequestKey<'_>) -> bool {
        self.method
            .as_ref()
            .is_none_or(|method| method.eq_ignore_ascii_case(request.method))
            && self
                .route
                .as_ref()
                .is_none_or(|route| Some(route.as_str()) == request.route)
            && self
                .emr
                .as_ref()
                .is_none_or(|emr| Some(emr.as_str()) == request.emr)
    }
}

/// A scripted fault: what, for how many more requests, and which requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedFault {
    /// The fault.
    pub fault: HttpFault,
    /// How many more matching requests get it (at least 1 while pending).
    pub times: usize,
    /// Which requests.
    pub matching: FaultMatch,
}

/// What a scripted fault is matched against: a request's method, its route template relative
/// to `{CU}` and its `{emr}`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestKey<'a> {
    pub(crate) method: &'a str,
    pub(crate) route: Option<&'a str>,
    pub(crate) emr: Option<&'a str>,
}

/// The scripted faults of a running sandbox: each request takes the first pending fault that
/// matches it.
///
/// Cheap to clone; clones share one script.
///
/// ```
/// use std::time::Duration;
/// use leyr_sandbox::{FaultMatch, HttpFault, HttpFaults, ScriptedFault};
///
/// let faults = HttpFaults::default();
/// faults.next_n(2, HttpFault::ServiceUnavailable);
/// faults.next(HttpFault::TooManyRequests { retry_after: Duration::from_secs(3) });
/// faults.script(ScriptedFault {
///     fault: HttpFault::DropAfterWork,
///     times: 1,
///     matching: FaultMatch { method: Some("POST".into()), route: Some("/appointments".into()), emr: None },
/// });
/// assert_eq!(faults.pending(), 4);
/// faults.clear();
/// assert_eq!(faults.pending(), 0);
/// ```
#[derive(Clone, Default)]
pub struct HttpFaults {
    script: Arc<Mutex<VecDeque<ScriptedFault>>>,
}

impl HttpFaults {
    /// The next request gets `fault`, after any already scripted.
    pub fn next(&self, fault: HttpFault) {
        self.next_n(1, fault);
    }

    /// The next `n` requests get `fault`, after any already scripted.
    pub fn next_n(&self, n: usize, fault: HttpFault) {
        self.script(ScriptedFault {
            fault,
            times: n,
            matching: FaultMatch::any(),
        });
    }

    /// Adds `scripted` after any already scripted; `times` 0 adds nothing.
    pub fn script(&self, scripted: ScriptedFault) {
        if scripted.times > 0 {
            self.lock().push_back(scripted);
        }
    }

    /// Forgets every scripted fault not yet used.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many requests scripted faults are left for.
    #[must_use]
    pub fn pending(&self) -> usize {
        self.lock().iter().map(|scripted| scripted.times).sum()
    }

    fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The faults still scripted, in order.
    #[must_use]
    pub fn list(&self) -> Vec<ScriptedFault> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn take(&self, request: &RequestKey<'_>) -> Option<HttpFault> {
        let mut script = self.lock();
        let position = script
            .iter()
            .position(|scripted| scripted.matching.matches(request))?;
        let scripted = &mut script[position];
        scripted.times -= 1;
        let fault = scripted.fault.clone();
        if scripted.times == 0 {
            script.remove(position);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<ScriptedFault>> {
        // A panic while holding the lock cannot leave the queue half-changed.
        self.script.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for HttpFaults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFaults")
            .field("pending", &self.pending())
            .finish()
    }
}

/// The kind of a fault, as the request journal and the administration routes name it.
impl HttpFault {
    /// `service_unavailable`, `too_many_requests`, `emr_error`, `unknown_error`,
    /// `bad_request`, `delay` or `drop_after_work`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ServiceUnavailable => "service_unavailable",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::EmrError { .. } => "emr_error",
            Self::UnknownError { .. } => "unknown_error",
            Self::BadRequest(_) => "bad_request",
            Self::Delay(_) => "delay",
            Self::DropAfterWork => "drop_after_work",
        }
    }
}

/// The fault injected into a request, kept on its response for the journal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct InjectedFault(pub(crate) &'static str);

/// The route template of a request relative to `{CU}` (C49), from its matched template:
/// `/appointments/{appointment_id}` for `/api/emrs/{emr}/care-units/{care_unit_id}/appointments/{appointment_id}`,
/// `/care-units` for the list of care units.
pub(crate) fn relative_route(template: &str) -> Option<&str> {
    const UNITS: &str = "/api/emrs/{emr}/care-units";
    const CU: &str = "/api/emrs/{emr}/care-units/{care_unit_id}";
    if template == UNITS {
        Some("/care-units")
    } else {
        template
            .strip_prefix(CU)
            .filter(|rest| rest.starts_with('/'))
    }
}

/// Faults at seeded rates, for clients in any language (the binary's flags). Rates are
/// probabilities from 0 to 1; each request draws one number from the workspace's seeded
/// generator ([`SplitMix64`]) started at `seed`, so the same seed and the same order of
/// requests give the same faults.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// The PRNG seed.
    pub seed: u64,
    /// The share of requests answered 503 `SERVICE_UNAVAILABLE`.
    pub service_unavailable_rate: f64,
    /// The share of requests answered 429 `TOO_MANY_REQUESTS`.
    pub too_many_requests_rate: f64,
    /// The `Retry-After` of those 429 answers.
    pub retry_after: Duration,
    /// Latency added to every request.
    pub latency: Duration,
    /// The share of requests whose work is done before the connection is dropped unanswered.
    pub drop_after_work_rate: f64,
}

impl Default for FaultConfig {
    /// No faults: every rate 0, no latency, `Retry-After` of 1 s, seed 0.
    fn default() -> Self {
        Self {
            seed: 0,
            service_unavailable_rate: 0.0,
            too_many_requests_rate: 0.0,
            retry_after: Duration::from_secs(1),
            latency: Duration::ZERO,
            drop_after_work_rate: 0.0,
        }
    }
}

/// A rate outside 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a fault rate must be a number from 0 to 1")]
pub struct InvalidRate;

/// Checks that `rate` is a probability.
///
/// # Errors
/// [`InvalidRate`] when it is not a number from 0 to 1.
pub fn check_rate(rate: f64) -> Result<f64, InvalidRate> {
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(InvalidRate)
    }
}

/// The fault-rate state of one sandbox.
#[derive(Debug)]
pub(crate) struct RandomFaults {
    config: FaultConfig,
    random: Mutex<SplitMix64>,
}

impl RandomFaults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let random = Mutex::new(SplitMix64::new(config.seed));
        Self { config, random }
    }

    /// The fault for one request, if its draw falls in a rate.
    fn draw(&self) -> Option<HttpFault> {
        let config = &self.config;
        let rates = config.service_unavailable_rate
            + config.too_many_requests_rate
            + config.drop_after_work_rate;
        if rates <= 0.0 {
            return None;
        }
        let draw = self
            .random
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_f64();
        if draw < config.service_unavailable_rate {
            Some(HttpFault::ServiceUnavailable)
        } else if draw < config.service_unavailable_rate + config.too_many_requests_rate {
            Some(HttpFault::TooManyRequests {
                retry_after: config.retry_after,
            })
        } else if draw < rates {
            Some(HttpFault::DropAfterWork)
        } else {
            None
        }
    }
}

/// What the fault layer needs: the script and the rates.
#[derive(Debug, Clone)]
pub(crate) struct FaultState {
    pub(crate) scripted: HttpFaults,
    pub(crate) random: Arc<RandomFaults>,
}

/// The middleware that applies faults (C31).
pub(crate) async fn apply(
    State(state): State<FaultState>,
    request: Request,
    next: Next,
) -> Response {
    let latency = state.random.config.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault = scripted_for(&state.scripted, &request).or_else(|| state.random.draw());
    let injected = fault.as_ref().map(|fault| InjectedFault(fault.kind()));
    let mut response = respond(fault, request, next).await;
    if let Some(injected) = injected {
        response.extensions_mut().insert(injected);
    }
    response
}

/// The scripted fault `request` takes, if any. Reads the request's key in place (nothing is
/// copied) and only while faults are scripted.
fn scripted_for(scripted: &HttpFaults, request: &Request) -> Option<HttpFault> {
    if scripted.is_empty() {
        return None;
    }
    let emr = request
        .uri()
        .path()
        .strip_prefix("/api/emrs/")
        .and_then(|rest| rest.split('/').next())
        .map(leyr_wire::segment::decode);
    let key = RequestKey {
        method: request.method().as_str(),
        route: request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .and_then(|path| relative_route(path.as_str())),
        emr: emr.as_deref(),
    };
    scripted.take(&key)
}

async fn respond(fault: Option<HttpFault>, request: Request, next: Next) -> Response {
    match fault {
        None => next.run(request).await,
        Some(HttpFault::ServiceUnavailable) => ApiError::service_unavailable().into_response(),
        Some(HttpFault::TooManyRequests { retry_after }) => {
            ApiError::too_many_requests(retry_after).into_response()
        }
        Some(HttpFault::EmrError { status, detail }) => {
            ApiError::emr_error(status, &detail).into_response()
        }
        Some(HttpFault::UnknownError { status, detail }) => {
            ApiError::unknown_error(status, &detail).into_response()
        }
        Some(HttpFault::BadRequest(code)) => ApiError::field(code, None).into_response(),
        Some(HttpFault::Delay(wait)) => {
            tokio::time::sleep(wait).await;
            next.run(request).await
        }
        Some(HttpFault::DropAfterWork) => {
            let answered = next.run(request).await;
            // The work is done; throw the answer away. A body that fails at once makes hyper
            // abort the connection before the buffered head is written.
            let (parts, _body) = answered.into_parts();
            Response::from_parts(parts, Body::new(AbortingBody))
        }
    }
}

/// A body whose first read fails, so the server drops the connection unanswered.
#[derive(Debug)]
struct AbortingBody;

/// The error of [`AbortingBody`].
#[derive(Debug, thiserror::Error)]
#[error("the sandbox dropped the connection on purpose (fault injection)")]
struct DroppedOnPurpose;

impl HttpBody for AbortingBody {
    type Data = Bytes;
    type Error = DroppedOnPurpose;

    fn poll_frame(
        self: Pin<&mut Self>,
        _context: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, DroppedOnPurpose>>> {
        Poll::Ready(Some(Err(DroppedOnPurpose)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_deterministic_for_a_seed_and_roughly_right() {
        let config = FaultConfig {
            seed: 42,
            service_unavailable_rate: 0.2,
            too_many_requests_rate: 0.1,
            drop_after_work_rate: 0.1,
            ..FaultConfig::default()
        };
        let first = RandomFaults::new(config.clone());
        let second = RandomFaults::new(config);
        let draws: Vec<_> = (0..10_000).map(|_| first.draw()).collect();
        let again: Vec<_> = (0..10_000).map(|_| second.draw()).collect();
        assert_eq!(draws, again);
        let count = |wanted: fn(&HttpFault) -> bool| {
            draws.iter().flatten().filter(|fault| wanted(fault)).count()
        };
        let unavailable = count(|fault| matches!(fault, HttpFault::ServiceUnavailable));
        let throttled = count(|fault| matches!(fault, HttpFault::TooManyRequests { .. }));
        let dropped = count(|fault| matches!(fault, HttpFault::DropAfterWork));
        assert!((1_800..2_200).contains(&unavailable), "{unavailable}");
        assert!((850..1_150).contains(&throttled), "{throttled}");
        assert!((850..1_150).contains(&dropped), "{dropped}");
    }

    #[test]
    fn no_rates_means_no_faults() {
        let faults = RandomFaults::new(FaultConfig::default());
        assert!((0..1_000).all(|_| faults.draw().is_none()));
    }

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        assert_eq!(check_rate(0.5), Ok(0.5));
        assert_eq!(check_rate(1.5), Err(InvalidRate));
        assert_eq!(check_rate(f64::NAN), Err(InvalidRate));
    }
}
