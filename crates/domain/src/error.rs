//! The error kinds every port shares: what was not found, what the EHR refused, and backend failures.
//!
//! Port methods return their own enums (see [`crate::ports`]); these are their building blocks.
//! No message here ever holds patient data or a reply body.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// The kind of thing that was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Entity {
    /// A care unit.
    CareUnit,
    /// A resource (clinician or equipment).
    Resource,
    /// A healthcare service.
    HealthcareService,
    /// A patient.
    Patient,
    /// An appointment.
    Appointment,
    /// A medical note.
    Note,
    /// A document attached to a patient.
    Document,
    /// The author (`created_by_id`) of a note or document: a resource.
    Author,
    /// A kind this crate does not know, e.g. a new `INVALID_<KIND>_ID` code.
    Other,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CareUnit => "care unit",
            Self::Resource => "resource",
            Self::HealthcareService => "healthcare service",
            Self::Patient => "patient",
            Self::Appointment => "appointment",
            Self::Note => "medical note",
            Self::Document => "document",
            Self::Author => "author",
            Self::Other => "record",
        })
    }
}

/// Why the EHR refused a request it understood.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectionCode {
    /// The input is invalid or the EHR rejected it (`BAD_INPUT`).
    BadInput,
    /// The EHR does not support this (`NOT_SUPPORTED`).
    NotSupported,
    /// A required field is missing (`MISSING_REQUIRED_FIELD`).
    MissingRequiredField,
    /// Too many items in one request (`MAX_ITEMS_EXCEEDED`).
    MaxItemsExceeded,
    /// The comment is too long (`INVALID_COMMENT_LENGTH`).
    InvalidCommentLength,
    /// More than one timeslot matches (`AMBIGUOUS_TIMESLOTS`).
    AmbiguousTimeslots,
    /// The note content does not fit its template (`INVALID_NOTE_CONTENT`).
    InvalidNoteContent,
    /// The patient id type is not valid (`INVALID_PATIENT_ID_TYPE`).
    InvalidPatientIdType,
    /// The EHR cannot look patients up by this id type (`PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED`).
    PatientIdTypeNotSupported,
    /// Any other code, kept as sent.
    Other(String),
}

impl RejectionCode {
    /// The code as Leyr writes it, e.g. `BAD_INPUT`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::BadInput => "BAD_INPUT",
            Self::NotSupported => "NOT_SUPPORTED",
            Self::MissingRequiredField => "MISSING_REQUIRED_FIELD",
            Self::MaxItemsExceeded => "MAX_ITEMS_EXCEEDED",
            Self::InvalidCommentLength => "INVALID_COMMENT_LENGTH",
            Self::AmbiguousTimeslots => "AMBIGUOUS_TIMESLOTS",
            Self::InvalidNoteContent => "INVALID_NOTE_CONTENT",
            Self::InvalidPatientIdType => "INVALID_PATIENT_ID_TYPE",
            Self::PatientIdTypeNotSupported => "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for RejectionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request the EHR understood and refused. Carries Leyr's code and, when there is one, the
/// `instance` id Leyr support asks for; never the EHR's free text, which may echo patient data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    code: RejectionCode,
    reference: Option<String>,
}

impl Rejection {
    /// A rejection with this code.
    #[must_use]
    pub fn new(code: RejectionCode) -> Self {
        Self {
            code,
            reference: None,
        }
    }

    /// Attaches the backend's reference for the failed request (Leyr's `instance`).
    #[must_use]
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// What was refused.
    #[must_use]
    pub fn code(&self) -> &RejectionCode {
        &self.code
    }

    /// The backend's reference for this failure, if it gave one.
    #[must_use]
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the EHR refused the request ({})", self.code)?;
        if let Some(reference) = &self.reference {
            write!(f, " [instance {reference}]")?;
        }
        Ok(())
    }
}

impl StdError for Rejection {}

/// What kind of backend failure happened, so callers can decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendErrorKind {
    /// The credentials were refused (HTTP 401).
    Unauthorized,
    /// The backend is down or overloaded (HTTP 503); try again later.
    Unavailable,
    /// Too many requests (HTTP 429); try again later.
    Throttled,
    /// No connection could be made; nothing was sent.
    Connect,
    /// No answer came in time, or the connection was lost after the request was sent.
    Timeout,
    /// The backend failed (other 5xx, `EMR_ERROR`, `UNKNOWN_ERROR`).
    Server,
    /// The answer could not be understood (not JSON, wrong shape, too large).
    Protocol,
    /// The request was refused in a way no other variant describes (other 4xx).
    Client,
    /// The adapter itself was misconfigured or failed.
    Internal,
}

impl BackendErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Unauthorized => "the EHR refused the credentials",
            Self::Unavailable => "the EHR is unavailable",
            Self::Throttled => "the EHR is rate limiting requests",
            Self::Connect => "could not connect to the EHR",
            Self::Timeout => "the EHR did not answer in time",
            Self::Server => "the EHR failed to handle the request",
            Self::Protocol => "the EHR's answer could not be understood",
            Self::Client => "the EHR refused the request",
            Self::Internal => "the EHR adapter failed",
        }
    }
}

/// A failure of the backend behind a port: opaque but classified. The transport's own error is
/// reachable only through [`std::error::Error::source`].
#[derive(Debug)]
pub struct BackendError {
    kind: BackendErrorKind,
    status: Option<u16>,
    retry_after: Option<Duration>,
    reference: Option<String>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl BackendError {
    /// A failure of this kind.
    #[must_use]
    pub fn new(kind: BackendErrorKind) -> Self {
        Self {
            kind,
            status: None,
            retry_after: None,
            reference: None,
            source: None,
        }
    }

    /// Attaches the HTTP status, when there was one.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Attaches how long the backend asked callers to wait before trying again.
    #[must_use]
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// Attaches the backend's reference for the failed request (Leyr's `instance`).
    #[must_use]
    pub fn with_reference(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    #[must_use]
    pub fn kind(&self) -> BackendErrorKind {
        self.kind
    }

    /// The HTTP status, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// How long the backend asked callers to wait, if it said.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The backend's reference for this failure (Leyr's `instance`), to quote to its support.
    #[must_use]
    pub fn reference(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    /// Whether the same request may succeed if tried again later.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            BackendErrorKind::Unavailable
                | BackendErrorKind::Throttled
                | BackendErrorKind::Connect
                | BackendErrorKind::Timeout
        )
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {} s", wait.as_secs())?;
        }
        if let Some(reference) = &self.reference {
            write!(f, " [instance {reference}]")?;
        }
        Ok(())
    }
}

impl StdError for BackendError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_error_display_names_kind_status_wait_and_instance() {
        let error = BackendError::new(BackendErrorKind::Throttled)
            .with_status(429)
            .with_retry_after(Duration::from_secs(7))
            .with_reference("d3e84cc1-148a-4edf-9579-5dcef1d6dbfa");
        assert_eq!(
            error.to_string(),
            "the EHR is rate limiting requests (HTTP 429); retry after 7 s [instance d3e84cc1-148a-4edf-9579-5dcef1d6dbfa]"
        );
        assert!(error.is_retryable());
        assert!(!BackendError::new(BackendErrorKind::Unauthorized).is_retryable());
    }
}
