//! Error bodies as the sandbox writes them (contract §4.5, C30).
//!
//! Every error is a [`Problem`] from `leyr-http`'s wire module, sent as JSON with
//! `Content-Type: application/json` and a fresh UUID v4 `instance`:
//!
//! - `type` is `https://docs.leyr.io/api/error-handling/<code in lower case>` for the codes Leyr
//!   documents, `about:blank` for the others (`TOO_MANY_REQUESTS`, `NOT_FOUND`,
//!   `METHOD_NOT_ALLOWED`, `PAYLOAD_TOO_LARGE`);
//! - every 400 is `BAD_REQUEST`, "Request validation failed", the documented `detail` of §4.1,
//!   and at least one `errors[]` entry whose `details` is the meaning of its code (§4.3) and
//!   whose `emr_error` is `null`;
//! - `errors` is left out of bodies that have none, so the 401 body is Leyr's word for word.

use std::time::Duration;

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leyr_http::wire::{ErrorCode, Problem, ProblemCode, ProblemEntry};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The documented `detail` of every 400 (§4.1).
pub(crate) const BAD_REQUEST_DETAIL: &str =
    "Bad request. Check documentation if you send all the fields in a proper format.";
/// The documented `detail` of a 401 for a missing or unknown client id (§1.3).
pub(crate) const UNKNOWN_CLIENT_DETAIL: &str =
    "Application with the provided client ID was not found.";
/// The `detail` of a 401 for a wrong client secret (C4).
pub(crate) const WRONG_SECRET_DETAIL: &str = "The provided client secret is not valid.";
/// The documented `details` of `NO_TIMESLOTS_AVAILABLE` (§3.10).
pub(crate) const NO_TIMESLOTS_DETAILS: &str = "The timeslot for the given parameters was not found";

/// Where in the request a problem is: `["path","patient_id"]`, `["body","ids",3]`, ...
/// Rendered as the entry's `path` array (C30).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldPath(Vec<Value>);

impl FieldPath {
    /// A path of names, e.g. `FieldPath::new(["body", "external_id"])`.
    pub(crate) fn new<const N: usize>(names: [&str; N]) -> Self {
        Self(names.iter().map(|name| Value::from(*name)).collect())
    }

    /// `["path", name]`.
    pub(crate) fn path(name: &str) -> Self {
        Self::new(["path", name])
    }

    /// `["query", name]`.
    pub(crate) fn query(name: &str) -> Self {
        Self::new(["query", name])
    }

    /// `["body", name]`.
    pub(crate) fn body(name: &str) -> Self {
        Self::new(["body", name])
    }

    /// `["body"]`: the body as a whole.
    pub(crate) fn whole_body() -> Self {
        Self::new(["body"])
    }

    /// This path with one more name.
    pub(crate) fn key(mut self, name: &str) -> Self {
        self.0.push(Value::from(name));
        self
    }

    /// This path with an array index.
    pub(crate) fn index(mut self, index: usize) -> Self {
        self.0.push(Value::from(index));
        self
    }

    fn into_value(self) -> Value {
        Value::Array(self.0)
    }
}

/// The meaning of an `errors[].error_code` (§4.3), used as the entry's `details`. Never echoes
/// the request.
pub(crate) fn meaning(code: &ErrorCode) -> String {
    let text = match code {
        ErrorCode::InvalidId(kind) => {
            return format!("the given {}_id is not valid", kind.to_lowercase());
        }
        ErrorCode::NoTimeslotsAvailable => NO_TIMESLOTS_DETAILS,
        ErrorCode::AmbiguousTimeslots => "more than one timeslot matches the parameters",
        ErrorCode::InvalidCommentLength => "the comment is too long",
        ErrorCode::InvalidNoteContent => "the medical note content is not valid",
        ErrorCode::MissingRequiredField => "a required field is missing",
        ErrorCode::MaxItemsExceeded => "too many items",
        ErrorCode::BadInput => "invalid input; the EHR rejected the request",
        ErrorCode::PatientIdLookupTypeNotSupported => {
            "the EHR cannot look up patients by this id type"
        }
        ErrorCode::InvalidPatientIdType => "the patient id type is not valid",
        ErrorCode::NotSupported => "not supported",
        _ => "the EHR refused the request",
    };
    text.to_owned()
}

/// One `errors[]` entry: `code` at `path` (or `null`), with the code's meaning as `details`.
pub(crate) fn entry(code: ErrorCode, path: Option<FieldPath>) -> ProblemEntry {
    ProblemEntry {
        details: Some(meaning(&code)),
        emr_error: Value::Null,
        error_code: Some(code),
        path: path.map_or(Value::Null, FieldPath::into_value),
    }
}

/// `INVALID_<KIND>_ID` (C14), e.g. `invalid_id("APPOINTMENT")`.
pub(crate) fn invalid_id(kind: &str) -> ErrorCode {
    ErrorCode::invalid_id(kind)
}

/// An error answer: a status, a problem body and, for 429 and 503, an optional `Retry-After`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    status: StatusCode,
    problem: Box<Problem>,
    retry_after: Option<Duration>,
}

impl ApiError {
    /// A problem with a top-level `code`, `title`, `detail` and no entries.
    pub(crate) fn new(status: StatusCode, code: ProblemCode, title: &str, detail: &str) -> Self {
        let kind = documentation_url(&code);
        Self {
            status,
            problem: Box::new(Problem {
                code: Some(code),
                kind: Some(kind),
                title: Some(title.to_owned()),
                status: Some(status.as_u16()),
                detail: Some(detail.to_owned()),
                instance: None,
                errors: Vec::new(),
            }),
            retry_after: None,
        }
    }

    /// A 400 `BAD_REQUEST` with these entries (C30). An empty list gets one `BAD_INPUT` entry,
    /// so that every 400 has at least one.
    pub(crate) fn bad_request(mut entries: Vec<ProblemEntry>) -> Self {
        if entries.is_empty() {
            entries.push(entry(ErrorCode::BadInput, None));
        }
        let mut error = Self::new(
            StatusCode::BAD_REQUEST,
            ProblemCode::BadRequest,
            "Request validation failed",
            BAD_REQUEST_DETAIL,
        );
        error.problem.errors = entries;
        error
    }

    /// A 400 with one entry.
    pub(crate) fn field(code: ErrorCode, path: Option<FieldPath>) -> Self {
        Self::bad_request(vec![entry(code, path)])
    }

    /// The documented 401 for a missing or unknown client id (§1.3, C4).
    pub(crate) fn unknown_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ProblemCode::Unauthorized,
            "Unauthorized",
            UNKNOWN_CLIENT_DETAIL,
        )
    }

    /// The 401 for a wrong client secret (C4).
    pub(crate) fn wrong_secret() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ProblemCode::Unauthorized,
            "Unauthorized",
            WRONG_SECRET_DETAIL,
        )
    }

    /// 503 `SERVICE_UNAVAILABLE` (§4.2).
    pub(crate) fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ProblemCode::ServiceUnavailable,
            "Service unavailable",
            "The service is temporarily unavailable. Try again later.",
        )
    }

    /// 429 `TOO_MANY_REQUESTS` (C30), with `Retry-After` in whole seconds.
    pub(crate) fn too_many_requests(retry_after: Duration) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ProblemCode::TooManyRequests,
            "Too many requests",
            "Too many requests. Try again after the time in the Retry-After header.",
        )
        .with_retry_after(retry_after)
    }

    /// `EMR_ERROR` with a chosen status and `detail` (§4.2).
    pub(crate) fn emr_error(status: StatusCode, detail: &str) -> Self {
        Self::new(status, ProblemCode::EmrError, "Internal EMR error", detail)
    }

    /// `UNKNOWN_ERROR` with a chosen status and `detail` (§4.2).
    pub(crate) fn unknown_error(status: StatusCode, detail: &str) -> Self {
        Self::new(status, ProblemCode::UnknownError, "Unknown error", detail)
    }

    /// 404 `NOT_FOUND` for an unknown route (C30).
    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ProblemCode::NotFound,
            "Not found",
            "No route matches this path.",
        )
    }

    /// 405 `METHOD_NOT_ALLOWED` for a known route and another method (C30).
    pub(crate) fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ProblemCode::MethodNotAllowed,
            "Method not allowed",
            "This route does not accept this method.",
        )
    }

    /// 413 `PAYLOAD_TOO_LARGE` for a body over the route's limit (C30).
    pub(crate) fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ProblemCode::Other("PAYLOAD_TOO_LARGE".to_owned()),
            "Payload too large",
            &format!("The request body is larger than {limit_bytes} bytes."),
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
    pub(crate) fn entries(&self) -> &[ProblemEntry] {
        &self.problem.errors
    }
}

/// The documentation URL of `code`, or `about:blank` for codes Leyr does not document (C30).
fn documentation_url(code: &ProblemCode) -> String {
    match code {
        ProblemCode::BadRequest
        | ProblemCode::Unauthorized
        | ProblemCode::EmrError
        | ProblemCode::UnknownError
        | ProblemCode::ServiceUnavailable => format!(
            "https://docs.leyr.io/api/error-handling/{}",
            code.as_str().to_lowercase()
        ),
        _ => "about:blank".to_owned(),
    }
}

/// Serializes a [`Problem`] in Leyr's field order, leaving out an empty `errors` (the 401, 503,
/// `EMR_ERROR` and `UNKNOWN_ERROR` bodies Leyr documents carry none).
struct ProblemBody<'a>(&'a Problem);

impl Serialize for ProblemBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let problem = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", &problem.code)?;
        map.serialize_entry("type", &problem.kind)?;
        map.serialize_entry("title", &problem.title)?;
        map.serialize_entry("status", &problem.status)?;
        map.serialize_entry("detail", &problem.detail)?;
        map.serialize_entry("instance", &problem.instance)?;
        if !problem.errors.is_empty() {
            map.serialize_entry("errors", &problem.errors)?;
        }
        map.end()
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        // C30: a fresh UUID v4 per answer.
        self.problem.instance = Some(uuid::Uuid::new_v4().to_string());
        let body = serde_json::to_vec(&ProblemBody(&self.problem)).unwrap_or_else(|_| {
            br#"{"code":"UNKNOWN_ERROR","type":"https://docs.leyr.io/api/error-handling/unknown_error","title":"Unknown error","status":500}"#.to_vec()
        });
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(wait) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(wait.as_secs()));
        }
        response
    }
}

/// A JSON success body with `Content-Type: application/json`.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut response = (status, body).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(_) => ApiError::unknown_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The answer could not be written.",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_codes_link_their_page_and_others_are_about_blank() {
        assert_eq!(
            documentation_url(&ProblemCode::BadRequest),
            "https://docs.leyr.io/api/error-handling/bad_request"
        );
        assert_eq!(
            documentation_url(&ProblemCode::ServiceUnavailable),
            "https://docs.leyr.io/api/error-handling/service_unavailable"
        );
        assert_eq!(
            documentation_url(&ProblemCode::TooManyRequests),
            "about:blank"
        );
        assert_eq!(documentation_url(&ProblemCode::NotFound), "about:blank");
    }

    #[test]
    fn meanings_follow_the_error_code_table() {
        assert_eq!(
            meaning(&ErrorCode::invalid_id("CARE_UNIT")),
            "the given care_unit_id is not valid"
        );
        assert_eq!(
            meaning(&ErrorCode::NoTimeslotsAvailable),
            NO_TIMESLOTS_DETAILS
        );
    }
}
