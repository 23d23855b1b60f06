//! Error answers as the sandbox writes them (contract §4.5, C30).
//!
//! Every error is a [`Problem`] of `leyr-wire`, sent as JSON with
//! `Content-Type: application/json` and a fresh UUID v4 `instance`. `leyr-wire` owns the
//! envelope: the documented `type` URLs (`about:blank` for the codes Leyr does not document),
//! the wording of each top-level code, the meaning of each `error_code` written as its
//! `details`, and the field order of the body (an empty `errors` is left out, so the 401 body
//! is Leyr's word for word). This module adds what only a server has: the HTTP status and a
//! `Retry-After` header.

use std::time::Duration;

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leyr_wire::{ErrorCode, FieldPath, Problem, ProblemEntry};
use serde::Serialize;

/// An error answer: a status, a problem body and, for 429 and 503, an optional `Retry-After`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    problem: Box<Problem>,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// `problem`, answered with `status`.
    fn new(status: StatusCode, problem: Problem) -> Self {
        Self {
            status,
            problem: Box::new(problem),
            retry_after: None,
        }
    }

    /// A 400 `BAD_REQUEST` with these entries (C30); an empty list gets one `BAD_INPUT` entry.
    pub(crate) fn bad_request(entries: Vec<ProblemEntry>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Problem::bad_request(entries))
    }

    /// A 400 with one entry: `code` at `path`, or at no path.
    pub(crate) fn field(code: ErrorCode, path: Option<&FieldPath>) -> Self {
        Self::bad_request(vec![ProblemEntry::new(code, path)])
    }

    /// The documented 401 for a missing or unknown client id (§1.3, C4).
    pub(crate) fn unknown_client() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Problem::unknown_client())
    }

    /// The 401 for a wrong client secret (C4).
    pub(crate) fn wrong_secret() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Problem::wrong_secret())
    }

    /// The 401 of an administration route without the right `x-sandbox-admin-token` (C49).
    pub(crate) fn admin_unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Problem::new(
                leyr_wire::ProblemCode::Unauthorized,
                401,
                "Unauthorized",
                "The sandbox admin token is missing or wrong.",
            ),
        )
    }

    /// A 409 `CONFLICT`: the request cannot be carried out in the sandbox's configuration.
    pub(crate) fn conflict(detail: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            Problem::new(
                leyr_wire::ProblemCode::Other("CONFLICT".to_owned()),
                409,
                "Conflict",
                detail,
            ),
        )
    }

    /// 504 `UNKNOWN_ERROR` for a change made in memory that the state file could not keep
    /// (C50): its outcome is unknown to the caller.
    pub(crate) fn not_saved() -> Self {
        Self::unknown_error(
            StatusCode::GATEWAY_TIMEOUT,
            "The change could not be written to the state file; it may or may not be kept.",
        )
    }

    /// 503 `SERVICE_UNAVAILABLE` (§4.2).
    pub(crate) fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Problem::service_unavailable(),
        )
    }

    /// 429 `TOO_MANY_REQUESTS` (C30), with `Retry-After` in whole seconds.
    pub(crate) fn too_many_requests(retry_after: Duration) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, Problem::too_many_requests())
            .with_retry_after(retry_after)
    }

    /// `EMR_ERROR` with a chosen status and `detail` (§4.2).
    pub(crate) fn emr_error(status: StatusCode, detail: &str) -> Self {
        Self::new(status, Problem::emr_error(status.as_u16(), detail))
    }

    /// `UNKNOWN_ERROR` with a chosen status and `detail` (§4.2).
    pub(crate) fn unknown_error(status: StatusCode, detail: &str) -> Self {
        Self::new(status, Problem::unknown_error(status.as_u16(), detail))
    }

    /// 404 `NOT_FOUND` for an unknown route (C30).
    pub(crate) fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, Problem::not_found())
    }

    /// 405 `METHOD_NOT_ALLOWED` for a known route and another method (C30).
    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            Problem::method_not_allowed(),
        )
    }

    /// 413 `PAYLOAD_TOO_LARGE` for a body over the route's limit (C30).
    pub(crate) fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Problem::payload_too_large(limit_bytes),
        )
    }

    /// Adds a `Retry-After` header, in whole seconds.
    pub(crate) fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// The HTTP status.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    /// The entries of a 400.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> &[ProblemEntry] {
        &self.problem.errors
    }

    /// The entries of a 400, taken out of the answer.
    pub(crate) fn into_entries(self) -> Vec<ProblemEntry> {
        self.problem.errors
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        // C30: a fresh UUID v4 per answer.
        self.problem.instance = Some(uuid::Uuid::new_v4().to_string());
        // A problem is strings and numbers, which always serialize; an empty body would show a
        // bug, never a request's fault.
        let body = serde_json::to_vec(&self.problem.body()).unwrap_or_default();
        let codes = ErrorCodes(
            self.problem
                .errors
                .iter()
                .filter_map(|entry| entry.error_code.as_ref().map(ErrorCode::as_string))
                .collect(),
        );
        let mut response = (self.status, body).into_response();
        // For the request journal (C49): the codes, never the body.
        response.extensions_mut().insert(codes);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(wait) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(wait.as_secs()));
        }
        response
    }
}

/// The `errors[].error_code`s of an error answer, kept on the response for the journal.
#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorCodes(pub(crate) Vec<String>);

/// A JSON success body with `Content-Type: application/json`.
pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(status, body),
        Err(_) => ApiError::unknown_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The answer could not be written.",
        )
        .into_response(),
    }
}

/// A success body already written as JSON, with `Content-Type: application/json`.
pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use leyr_wire::Field;

    use super::*;

    #[test]
    fn an_error_keeps_its_status_entries_and_wait() {
        let at = FieldPath::body(Field::ExternalId);
        let error = ApiError::field(ErrorCode::BadInput, Some(&at));
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.entries()[0].path, at.to_value());
        let throttled = ApiError::too_many_requests(Duration::from_secs(3)).into_response();
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(throttled.headers()[RETRY_AFTER], "3");
        assert_eq!(throttled.headers()[CONTENT_TYPE], "application/json");
        let chosen = ApiError::emr_error(StatusCode::BAD_GATEWAY, "down");
        assert_eq!(chosen.status(), StatusCode::BAD_GATEWAY);
    }
}
