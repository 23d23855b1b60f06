//! Leyr's failures, decoded in one place (contract §4.4, C29) and mapped onto the port errors.
//!
//! Every failed call becomes a [`LeyrError`]; [`Verdict`] then says what it means for a port:
//! not found, slot taken, rejected, or a [`BackendError`] that carries the `LeyrError` as its
//! [`source`](std::error::Error::source). No message here holds Leyr's `detail`, an `errors[]`
//! entry's `details`, a reply body, a URL or any other text that may echo patient data.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection};
use leyr_domain::ports::{BookError, ChangeError, ReadError, WriteError};

use leyr_wire::problem::{ErrorCode, Problem, ProblemCode};

/// How much of a body that is not a problem document is kept (C29).
pub(crate) const RAW_BODY_LIMIT: usize = 4 * 1024;

/// What kind of failure a [`LeyrError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LeyrErrorKind {
    /// No connection could be established: nothing was sent.
    Connect,
    /// No complete answer came in time: the per-attempt timeout or the overall deadline fired.
    Timeout,
    /// The connection was lost after the request was sent.
    ConnectionLost,
    /// Leyr answered with a status that is not a success.
    Status,
    /// Leyr answered with success, but the body could not be understood: not JSON, not the
    /// expected shape, or larger than the client's limit.
    InvalidAnswer,
    /// The request could not be built, e.g. an id that cannot be put into a URL path.
    InvalidRequest,
    /// The configured EHR's profile lacks the operation, so nothing was sent (C44). Ports
    /// report it as the same `Rejected` with `RejectionCode::NotSupported` that Leyr's
    /// `NOT_SUPPORTED` answer gives.
    NotSupported,
}

/// A failed call to Leyr: what happened, and what Leyr said about it.
///
/// Reached from a port error through [`std::error::Error::source`] of its [`BackendError`]:
///
/// ```
/// # use leyr_domain::ports::ReadError;
/// use leyr_http::LeyrError;
///
/// fn leyr_instance(error: &ReadError) -> Option<String> {
///     let ReadError::Backend(backend) = error else { return None };
///     let leyr = std::error::Error::source(backend)?.downcast_ref::<LeyrError>()?;
///     leyr.instance().map(str::to_owned)
/// }
/// ```
///
/// `Display` names the status, Leyr's codes and the `instance` id that Leyr support asks for,
/// never `detail`, `details` or the body, which may echo text from the EHR. `Debug` leaves them
/// out too.
#[non_exhaustive]
pub struct LeyrError {
    kind: LeyrErrorKind,
    status: Option<u16>,
    code: Option<ProblemCode>,
    error_code: Option<ErrorCode>,
    instance: Option<String>,
    detail: Option<String>,
    retry_after: Option<Duration>,
    raw: Option<RawBody>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl LeyrError {
    pub(crate) fn new(kind: LeyrErrorKind) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            error_code: None,
            instance: None,
            detail: None,
            retry_after: None,
            raw: None,
            source: None,
        }
    }

    /// A failure status whose body was a problem document (§4.1).
    pub(crate) fn from_problem(
        status: u16,
        problem: Problem,
        retry_after: Option<Duration>,
    ) -> Self {
        let error_code = problem.first_error_code().cloned();
        Self {
            status: Some(status),
            code: problem.code,
            error_code,
            instance: problem.instance.filter(|instance| !instance.is_empty()),
            detail: problem.detail,
            retry_after,
            ..Self::new(LeyrErrorKind::Status)
        }
    }

    /// A failure status whose body was not a problem document: the text is kept, cut to 4 KiB,
    /// as the source (C29).
    pub(crate) fn from_raw(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        Self {
            status: Some(status),
            retry_after,
            raw: Some(RawBody::new(body)),
            ..Self::new(LeyrErrorKind::Status)
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> LeyrErrorKind {
        self.kind
    }

    /// The HTTP status, when Leyr answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The problem's top-level `code`, e.g. [`ProblemCode::BadRequest`].
    #[must_use]
    pub fn code(&self) -> Option<&ProblemCode> {
        self.code.as_ref()
    }

    /// The first `errors[].error_code`, e.g. [`ErrorCode::NoTimeslotsAvailable`].
    #[must_use]
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.error_code.as_ref()
    }

    /// Leyr's `instance` id for this failure, to quote to Leyr support.
    #[must_use]
    pub fn instance(&self) -> Option<&str> {
        self.instance.as_deref()
    }

    /// The wait the answer's `Retry-After` asked for.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Leyr's `detail`. It may pass on the EHR's own message, which may hold patient data: never
    /// log it. It is not part of `Display` or `Debug`.
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The body of a failure answer that was not a problem document, cut to 4 KiB. It may hold
    /// patient data: never log it. It is not part of `Display` or `Debug`.
    #[must_use]
    pub fn raw_body(&self) -> Option<&str> {
        self.raw.as_ref().map(|raw| raw.text.as_str())
    }

    /// The [`BackendErrorKind`] this failure is, for the port errors.
    #[must_use]
    pub fn backend_kind(&self) -> BackendErrorKind {
        match self.kind {
            LeyrErrorKind::Connect => BackendErrorKind::Connect,
            LeyrErrorKind::Timeout | LeyrErrorKind::ConnectionLost => BackendErrorKind::Timeout,
            LeyrErrorKind::InvalidAnswer => BackendErrorKind::Protocol,
            LeyrErrorKind::InvalidRequest => BackendErrorKind::Internal,
            LeyrErrorKind::NotSupported => BackendErrorKind::Client,
            LeyrErrorKind::Status => match (self.status.unwrap_or(0), &self.code) {
                (429, _) => BackendErrorKind::Throttled,
                (503, _) => BackendErrorKind::Unavailable,
                (_, Some(ProblemCode::EmrError | ProblemCode::UnknownError)) | (500..=599, _) => {
                    BackendErrorKind::Server
                }
                (401, _) => BackendErrorKind::Unauthorized,
                (400..=499, _) => BackendErrorKind::Client,
                _ => BackendErrorKind::Protocol,
            },
        }
    }

    /// This failure as a [`BackendError`], keeping status, wait and instance, with `self` as the
    /// source.
    #[must_use]
    pub fn into_backend(self) -> BackendError {
        let mut backend = BackendError::new(self.backend_kind());
        if let Some(status) = self.status {
            backend = backend.with_status(status);
        }
        if let Some(wait) = self.retry_after {
            backend = backend.with_retry_after(wait);
        }
        if let Some(instance) = &self.instance {
            backend = backend.with_reference(instance.clone());
        }
        backend.with_source(self)
    }
}

impl fmt::Display for LeyrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            LeyrErrorKind::Connect => f.write_str("could not connect to Leyr")?,
            LeyrErrorKind::Timeout => f.write_str("Leyr did not answer in time")?,
            LeyrErrorKind::NotSupported => {
                f.write_str(
                    "the configured EHR does not support this operation; nothing was sent",
                )?;
            }
            LeyrErrorKind::ConnectionLost => {
                f.write_str("the connection to Leyr was lost before the answer arrived")?;
            }
            LeyrErrorKind::Status => {
                f.write_str("Leyr answered")?;
                if let Some(status) = self.status {
                    write!(f, " HTTP {status}")?;
                }
                match (&self.code, &self.error_code) {
                    (Some(code), Some(error_code)) => {
                        write!(f, " {} ({})", code.as_str(), error_code.as_string())?;
                    }
                    (Some(code), None) => write!(f, " {}", code.as_str())?,
                    (None, Some(error_code)) => write!(f, " ({})", error_code.as_string())?,
                    (None, None) if self.raw.is_some() => {
                        f.write_str(" without a problem document")?
                    }
                    (None, None) => {}
                }
            }
            LeyrErrorKind::InvalidAnswer => {
                f.write_str("Leyr's answer could not be understood")?;
                if let Some(status) = self.status {
                    write!(f, " (HTTP {status})")?;
                }
            }
            LeyrErrorKind::InvalidRequest => {
                f.write_str("the request to Leyr could not be built")?
            }
        }
        if let Some(instance) = &self.instance {
            write!(f, " [instance {instance}]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LeyrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeyrError")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("code", &self.code)
            .field("error_code", &self.error_code)
            .field("instance", &self.instance)
            .field("retry_after", &self.retry_after)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl StdError for LeyrError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        if let Some(raw) = &self.raw {
            return Some(raw);
        }
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// The kept start of a failure body that was not a problem document. Its `Display` and `Debug`
/// give only its size: the text is reachable through [`LeyrError::raw_body`].
struct RawBody {
    text: String,
}

impl RawBody {
    fn new(body: &[u8]) -> Self {
        let cut = &body[..body.len().min(RAW_BODY_LIMIT)];
        let mut text = String::from_utf8_lossy(cut).into_owned();
        // A cut inside a UTF-8 sequence becomes U+FFFD, which may be longer: keep the 4 KiB.
        while text.len() > RAW_BODY_LIMIT {
            text.pop();
        }
        Self { text }
    }
}

impl fmt::Display for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the answer's body is not a problem document ({} bytes kept)",
            self.text.len()
        )
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawBody")
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl StdError for RawBody {}

/// A JSON answer that could not be decoded. Keeps serde's position and category, never its
/// message, which may quote a value from the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the JSON answer is not valid ({category}, line {line}, column {column})")]
pub(crate) struct JsonError {
    category: &'static str,
    line: usize,
    column: usize,
}

impl From<serde_json::Error> for JsonError {
    fn from(error: serde_json::Error) -> Self {
        let category = match error.classify() {
            serde_json::error::Category::Io => "input error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "unexpected end",
        };
        Self {
            category,
            line: error.line(),
            column: error.column(),
        }
    }
}

/// A success body larger than the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the answer is larger than the limit of {limit} bytes")]
pub(crate) struct BodyTooLarge {
    pub(crate) limit: usize,
}

/// A request whose URL could not be built from its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an id cannot be used as a URL path segment")]
pub(crate) struct UnusableId;

/// How a call ended badly, before it is mapped onto a port error.
#[derive(Debug)]
pub(crate) enum CallError {
    /// The request did not do its work, or it was a read: return the error as it is.
    Failed(Box<LeyrError>),
    /// The request may have done its work (C37 "outcome unknown").
    OutcomeUnknown(Box<LeyrError>),
}

impl CallError {
    /// Whether Leyr said the route itself does not exist: 404 `NOT_FOUND` or 405
    /// `METHOD_NOT_ALLOWED` (C40), as opposed to an unknown id on a route that exists.
    pub(crate) fn is_missing_route(&self) -> bool {
        let Self::Failed(error) = self else {
            return false;
        };
        matches!(
            (error.status, &error.code),
            (Some(404), Some(ProblemCode::NotFound))
                | (Some(405), Some(ProblemCode::MethodNotAllowed))
        )
    }

    pub(crate) fn failed(error: LeyrError) -> Self {
        Self::Failed(Box::new(error))
    }

    pub(crate) fn outcome_unknown(error: LeyrError) -> Self {
        Self::OutcomeUnknown(Box::new(error))
    }
}

/// What a failure means for a port.
#[derive(Debug)]
pub(crate) enum Verdict {
    NotFound(Entity),
    SlotTaken,
    Rejected(Rejection),
    Backend(BackendError),
}

impl Verdict {
    /// What `error` means; `entity` is what a bare HTTP 404 is taken to be about.
    ///
    /// C29: 404, or 400/422 with `INVALID_<KIND>_ID`, is not found; `NO_TIMESLOTS_AVAILABLE` is
    /// a taken slot; another 400/422 code is a rejection; anything else is a backend failure.
    pub(crate) fn of(error: LeyrError, entity: Entity) -> Self {
        if error.kind == LeyrErrorKind::NotSupported {
            return Self::Rejected(Rejection::new(ErrorCode::NotSupported.rejection()));
        }
        if error.kind != LeyrErrorKind::Status {
            return Self::Backend(error.into_backend());
        }
        let status = error.status.unwrap_or(0);
        if matches!(
            error.code,
            Some(ProblemCode::EmrError | ProblemCode::UnknownError)
        ) {
            return Self::Backend(error.into_backend());
        }
        match (status, &error.error_code) {
            (400 | 404 | 422, Some(code @ ErrorCode::InvalidId(_))) => {
                Self::NotFound(code.not_found_entity().unwrap_or(Entity::Other))
            }
            (404, _) => Self::NotFound(entity),
            (400 | 422, Some(ErrorCode::NoTimeslotsAvailable)) => Self::SlotTaken,
            (400 | 422, Some(code)) => {
                let rejection = Rejection::new(code.rejection());
                Self::Rejected(match &error.instance {
                    Some(instance) => rejection.with_reference(instance.clone()),
                    None => rejection,
                })
            }
            _ => Self::Backend(error.into_backend()),
        }
    }

    fn slot_taken_as_rejection() -> Rejection {
        Rejection::new(ErrorCode::NoTimeslotsAvailable.rejection())
    }
}

/// The port error of a read.
pub(crate) fn read_error(error: CallError, entity: Entity) -> ReadError {
    let leyr = match error {
        CallError::Failed(leyr) | CallError::OutcomeUnknown(leyr) => leyr,
    };
    match Verdict::of(*leyr, entity) {
        Verdict::NotFound(entity) => ReadError::NotFound(entity),
        Verdict::SlotTaken => ReadError::Rejected(Verdict::slot_taken_as_rejection()),
        Verdict::Rejected(rejection) => ReadError::Rejected(rejection),
        Verdict::Backend(backend) => ReadError::Backend(backend),
    }
}

/// The port error of a patient, note or document write.
pub(crate) fn write_error(error: CallError, entity: Entity) -> WriteError {
    match error {
        CallError::OutcomeUnknown(leyr) => WriteError::OutcomeUnknown(leyr.into_backend()),
        CallError::Failed(leyr) => match Verdict::of(*leyr, entity) {
            Verdict::NotFound(entity) => WriteError::NotFound(entity),
            Verdict::SlotTaken => WriteError::Rejected(Verdict::slot_taken_as_rejection()),
            Verdict::Rejected(rejection) => WriteError::Rejected(rejection),
            Verdict::Backend(backend) => WriteError::Backend(backend),
        },
    }
}

/// The port error of a booking.
pub(crate) fn book_error(error: CallError, entity: Entity) -> BookError {
    match error {
        CallError::OutcomeUnknown(leyr) => BookError::OutcomeUnknown(leyr.into_backend()),
        CallError::Failed(leyr) => match Verdict::of(*leyr, entity) {
            Verdict::NotFound(entity) => BookError::NotFound(entity),
            Verdict::SlotTaken => BookError::SlotTaken,
            Verdict::Rejected(rejection) => BookError::Rejected(rejection),
            Verdict::Backend(backend) => BookError::Backend(backend),
        },
    }
}

/// The port error of a change to an appointment.
pub(crate) fn change_error(error: CallError, entity: Entity) -> ChangeError {
    match error {
        CallError::OutcomeUnknown(leyr) => ChangeError::OutcomeUnknown(leyr.into_backend()),
        CallError::Failed(leyr) => match Verdict::of(*leyr, entity) {
            Verdict::NotFound(entity) => ChangeError::NotFound(entity),
            Verdict::SlotTaken => ChangeError::SlotTaken,
            Verdict::Rejected(rejection) => ChangeError::Rejected(rejection),
            Verdict::Backend(backend) => ChangeError::Backend(backend),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_bodies_are_cut_to_four_kibibytes_on_a_character_boundary() {
        let body = "å".repeat(3000);
        let raw = RawBody::new(body.as_bytes());
        assert!(raw.text.len() <= RAW_BODY_LIMIT);
        assert!(raw.text.starts_with("ååå"));
        assert_eq!(
            format!("{raw:?}"),
            format!("RawBody {{ bytes: {}, .. }}", raw.text.len())
        );
    }

    #[test]
    fn json_errors_never_quote_the_body() {
        let error = serde_json::from_str::<u16>("\"197110021834\"").unwrap_err();
        assert!(
            error.to_string().contains("197110021834"),
            "serde quotes values"
        );
        let json = JsonError::from(error);
        assert!(!json.to_string().contains("1971"));
    }
}
