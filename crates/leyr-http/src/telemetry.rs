//! Traces and metrics, named by the OpenTelemetry conventions for HTTP clients.
//!
//! - Every port call runs in one span `leyr.<operation>` with `leyr.operation` and `leyr.emr`.
//! - Every attempt inside it is one span `http.client.request` (`otel.name` is
//!   `"{method} {url.template}"`, `otel.kind` is `client`) with `http.request.method`,
//!   `url.template`, `server.address`, `server.port`, `http.response.status_code`,
//!   `http.request.resend_count` (from the second attempt on) and `error.type` (on failure: the
//!   status code, or `connect`, `timeout`, `connection_lost`, `invalid_answer`).
//! - Metrics go through the `metrics` facade, so they cost nothing until the service installs a
//!   recorder (a Prometheus or OpenTelemetry exporter, say):
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `leyr.requests` | counter | `leyr.operation`, `outcome` (`ok`, `rejected`, `unavailable`, `outcome_unknown`, `invalid`) |
//! | `leyr.request.duration` | histogram, seconds, retries included | `leyr.operation` |
//! | `leyr.retries` | counter | `leyr.operation` |
//! | `leyr.outcome_unknown` | counter: writes that may have happened | `leyr.operation` |
//! | `http.client.request.duration` | histogram, seconds, one attempt | `http.request.method`, `url.template`, `http.response.status_code` or `error.type` |
//!
//! No span, event or label ever holds a URL, an id value, a query value, a header value or a
//! body: only route templates (C3).

use std::time::Duration;

use leyr_domain::ehr::Operation;
use leyr_wire::route::{Method, Route};
use tracing::Span;
use tracing::field::Empty;
use url::Url;

use crate::error::{CallError, LeyrErrorKind};
use crate::retry::Failure;

/// The span of one attempt of `route`, the `attempt`-th (1 for the first).
pub(crate) fn attempt_span(route: &Route, base_url: &Url, attempt: u32) -> Span {
    let name = format!("{} {}", route.method, route.template);
    let span = tracing::info_span!(
        "http.client.request",
        otel.name = %name,
        otel.kind = "client",
        http.request.method = route.method.as_str(),
        url.template = route.template.as_str(),
        server.address = base_url.host_str().unwrap_or_default(),
        server.port = base_url.port_or_known_default().unwrap_or_default(),
        http.response.status_code = Empty,
        http.request.resend_count = Empty,
        error.type = Empty,
    );
    if attempt > 1 {
        span.record("http.request.resend_count", attempt - 1);
    }
    span
}

/// The status (if an answer came) and `error.type` of a failed attempt: the status code, or
/// what went wrong with the connection.
pub(crate) fn failure_attributes(failure: &Failure) -> (Option<u16>, String) {
    match failure {
        Failure::Connect => (None, "connect".to_owned()),
        Failure::Timeout => (None, "timeout".to_owned()),
        Failure::ConnectionLost => (None, "connection_lost".to_owned()),
        Failure::Status { status, .. } => (Some(*status), status.to_string()),
    }
}

/// Records how an attempt ended on its span and in `http.client.request.duration`: the status
/// of the answer if one came, and the `error.type` of a failure.
pub(crate) fn attempt_finished(
    span: &Span,
    route: &Route,
    status: Option<u16>,
    error_type: Option<String>,
    elapsed: Duration,
) {
    let mut labels = vec![
        metrics::Label::new("http.request.method", route.method.as_str()),
        metrics::Label::new("url.template", route.template.as_str()),
    ];
    if let Some(status) = status {
        span.record("http.response.status_code", status);
        labels.push(metrics::Label::new(
            "http.response.status_code",
            status.to_string(),
        ));
    }
    if let Some(error_type) = error_type {
        span.record("error.type", error_type.as_str());
        labels.push(metrics::Label::new("error.type", error_type));
    }
    metrics::histogram!("http.client.request.duration", labels).record(elapsed.as_secs_f64());
}

/// One more attempt of `operation` is about to be sent.
pub(crate) fn retry(operation: Operation) {
    metrics::counter!("leyr.retries", "leyr.operation" => operation.name()).increment(1);
}

/// Records a finished call of `operation`, retries included.
pub(crate) fn operation_finished<T>(
    operation: Operation,
    result: &Result<T, CallError>,
    elapsed: Duration,
) {
    let outcome = match result {
        Ok(_) => "ok",
        Err(CallError::OutcomeUnknown(_)) => {
            metrics::counter!("leyr.outcome_unknown", "leyr.operation" => operation.name())
                .increment(1);
            "outcome_unknown"
        }
        Err(CallError::Failed(error)) => match (error.kind(), error.status()) {
            (LeyrErrorKind::NotSupported, _) => "not_supported",
            (LeyrErrorKind::Status, Some(429 | 500..=599)) => "unavailable",
            (LeyrErrorKind::Status, _) => "rejected",
            (
                LeyrErrorKind::Connect | LeyrErrorKind::Timeout | LeyrErrorKind::ConnectionLost,
                _,
            ) => "unavailable",
            _ => "invalid",
        },
    };
    metrics::counter!(
        "leyr.requests",
        "leyr.operation" => operation.name(),
        "outcome" => outcome,
    )
    .increment(1);
    metrics::histogram!("leyr.request.duration", "leyr.operation" => operation.name())
        .record(elapsed.as_secs_f64());
}

/// The `reqwest` method of a route.
pub(crate) fn method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Patch => reqwest::Method::PATCH,
        // `Method` is the wire crate's and may grow; a new method is sent by its name.
        other => {
            reqwest::Method::from_bytes(other.as_str().as_bytes()).unwrap_or(reqwest::Method::GET)
        }
    }
}
