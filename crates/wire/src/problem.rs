//! Leyr's problem document (§4): the envelope, the top-level codes, the `errors[].error_code`
//! values with their one mapping to the domain, and the `path` that locates a problem.
//!
//! Both sides use these types: `leyr-http` decodes every error body into a [`Problem`] (C29),
//! and `leyr-sandbox` builds its answers with [`Problem::bad_request`] and friends (C30).

use std::fmt;

use leyr_domain::error::{Entity, RejectionCode};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::field::Field;

/// The documented `detail` of every 400 (§4.1).
pub const BAD_REQUEST_DETAIL: &str =
    "Bad request. Check documentation if you send all the fields in a proper format.";
/// The documented `detail` of a 401 for a missing or unknown client id (§1.3).
pub const UNKNOWN_CLIENT_DETAIL: &str = "Application with the provided client ID was not found.";
/// The `detail` of a 401 for a wrong client secret (C4).
pub const WRONG_SECRET_DETAIL: &str = "The provided client secret is not valid.";
/// The documented `details` of `NO_TIMESLOTS_AVAILABLE` (§3.10).
pub const NO_TIMESLOTS_DETAILS: &str = "The timeslot for the given parameters was not found";

/// Leyr's top-level error `code` (§4.2); unknown codes keep their text (C29).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum ProblemCode {
    /// `BAD_REQUEST`.
    BadRequest,
    /// `UNAUTHORIZED`.
    Unauthorized,
    /// `EMR_ERROR`.
    EmrError,
    /// `UNKNOWN_ERROR`.
    UnknownError,
    /// `SERVICE_UNAVAILABLE`.
    ServiceUnavailable,
    /// `TOO_MANY_REQUESTS`.
    TooManyRequests,
    /// `NOT_FOUND`.
    NotFound,
    /// `METHOD_NOT_ALLOWED`.
    MethodNotAllowed,
    /// `PAYLOAD_TOO_LARGE`.
    PayloadTooLarge,
    /// Any other code.
    Other(String),
}

impl ProblemCode {
    /// Every code with a variant of its own (§4.2 and C30), in the order of §4.2: the codes the
    /// sandbox writes.
    pub const KNOWN: &'static [ProblemCode] = &[
        Self::BadRequest,
        Self::Unauthorized,
        Self::EmrError,
        Self::UnknownError,
        Self::ServiceUnavailable,
        Self::TooManyRequests,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::PayloadTooLarge,
    ];

    /// The code as Leyr writes it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::EmrError => "EMR_ERROR",
            Self::UnknownError => "UNKNOWN_ERROR",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::TooManyRequests => "TOO_MANY_REQUESTS",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::Other(code) => code,
        }
    }
}

impl From<String> for ProblemCode {
    fn from(code: String) -> Self {
        match code.as_str() {
            "BAD_REQUEST" => Self::BadRequest,
            "UNAUTHORIZED" => Self::Unauthorized,
            "EMR_ERROR" => Self::EmrError,
            "UNKNOWN_ERROR" => Self::UnknownError,
            "SERVICE_UNAVAILABLE" => Self::ServiceUnavailable,
            "TOO_MANY_REQUESTS" => Self::TooManyRequests,
            "NOT_FOUND" => Self::NotFound,
            "METHOD_NOT_ALLOWED" => Self::MethodNotAllowed,
            "PAYLOAD_TOO_LARGE" => Self::PayloadTooLarge,
            _ => Self::Other(code),
        }
    }
}

impl From<ProblemCode> for String {
    fn from(code: ProblemCode) -> Self {
        code.as_str().to_owned()
    }
}

/// An `errors[].error_code` (§4.3); unknown codes keep their text (C29).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
#[non_exhaustive]
pub enum ErrorCode {
    /// `INVALID_<KIND>_ID`: an unknown or malformed id of that kind (C14), e.g. `PATIENT`.
    InvalidId(String),
    /// `NO_TIMESLOTS_AVAILABLE`.
    NoTimeslotsAvailable,
    /// `AMBIGUOUS_TIMESLOTS`.
    AmbiguousTimeslots,
    /// `INVALID_COMMENT_LENGTH`.
    InvalidCommentLength,
    /// `INVALID_NOTE_CONTENT`.
    InvalidNoteContent,
    /// `MISSING_REQUIRED_FIELD`.
    MissingRequiredField,
    /// `MAX_ITEMS_EXCEEDED`.
    MaxItemsExceeded,
    /// `BAD_INPUT`.
    BadInput,
    /// `PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED`.
    PatientIdLookupTypeNotSupported,
    /// `INVALID_PATIENT_ID_TYPE`.
    InvalidPatientIdType,
    /// `NOT_SUPPORTED`.
    NotSupported,
    /// Any other code.
    Other(String),
}

impl ErrorCode {
    /// The codes of §4.3, in its order: every code Leyr documents, and every code the sandbox
    /// writes but the ones a test scripts (C31).
    #[must_use]
    pub fn documented() -> Vec<ErrorCode> {
        let ids = [
            Entity::Patient,
            Entity::CareUnit,
            Entity::HealthcareService,
            Entity::Resource,
            Entity::Appointment,
            Entity::Author,
        ];
        let mut codes: Vec<ErrorCode> = ids.into_iter().map(Self::not_found).collect();
        codes.extend([
            Self::NoTimeslotsAvailable,
            Self::AmbiguousTimeslots,
            Self::InvalidCommentLength,
            Self::InvalidNoteContent,
            Self::MissingRequiredField,
            Self::MaxItemsExceeded,
            Self::BadInput,
            Self::PatientIdLookupTypeNotSupported,
            Self::InvalidPatientIdType,
            Self::NotSupported,
        ]);
        codes
    }

    /// `INVALID_<KIND>_ID` for `kind`, e.g. `ErrorCode::invalid_id("CARE_UNIT")`.
    #[must_use]
    pub fn invalid_id(kind: &str) -> Self {
        Self::InvalidId(kind.to_owned())
    }

    /// The code as Leyr writes it.
    #[must_use]
    pub fn as_string(&self) -> String {
        match self {
            Self::InvalidId(kind) => format!("INVALID_{kind}_ID"),
            Self::NoTimeslotsAvailable => "NO_TIMESLOTS_AVAILABLE".to_owned(),
            Self::AmbiguousTimeslots => "AMBIGUOUS_TIMESLOTS".to_owned(),
            Self::InvalidCommentLength => "INVALID_COMMENT_LENGTH".to_owned(),
            Self::InvalidNoteContent => "INVALID_NOTE_CONTENT".to_owned(),
            Self::MissingRequiredField => "MISSING_REQUIRED_FIELD".to_owned(),
            Self::MaxItemsExceeded => "MAX_ITEMS_EXCEEDED".to_owned(),
            Self::BadInput => "BAD_INPUT".to_owned(),
            Self::PatientIdLookupTypeNotSupported => {
                "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED".to_owned()
            }
            Self::InvalidPatientIdType => "INVALID_PATIENT_ID_TYPE".to_owned(),
            Self::NotSupported => "NOT_SUPPORTED".to_owned(),
            Self::Other(code) => code.clone(),
        }
    }
}

impl From<String> for ErrorCode {
    fn from(code: String) -> Self {
        match code.as_str() {
            "NO_TIMESLOTS_AVAILABLE" => Self::NoTimeslotsAvailable,
            "AMBIGUOUS_TIMESLOTS" => Self::AmbiguousTimeslots,
            "INVALID_COMMENT_LENGTH" => Self::InvalidCommentLength,
            "INVALID_NOTE_CONTENT" => Self::InvalidNoteContent,
            "MISSING_REQUIRED_FIELD" => Self::MissingRequiredField,
            "MAX_ITEMS_EXCEEDED" => Self::MaxItemsExceeded,
            "BAD_INPUT" => Self::BadInput,
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED" => Self::PatientIdLookupTypeNotSupported,
            "INVALID_PATIENT_ID_TYPE" => Self::InvalidPatientIdType,
            "NOT_SUPPORTED" => Self::NotSupported,
            _ => match code
                .strip_prefix("INVALID_")
                .and_then(|rest| rest.strip_suffix("_ID"))
            {
                Some(kind) if !kind.is_empty() => Self::InvalidId(kind.to_owned()),
                _ => Self::Other(code),
            },
        }
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> Self {
        code.as_string()
    }
}

/// One entry of a problem's `errors` array (§4.1). `Debug` shows `error_code` and `path`, never
/// `details` or `emr_error`, which may echo patient data from the EHR.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(description = "One problem of a 400 (§4.1).")
)]
pub struct ProblemEntry {
    /// What the code means (§4.3). From Leyr it may quote the EHR, and with it patient data.
    #[serde(default)]
    pub details: Option<String>,
    /// The EHR's own error, or `null`.
    #[serde(default)]
    pub emr_error: serde_json::Value,
    /// The code.
    #[serde(default)]
    pub error_code: Option<ErrorCode>,
    /// Where the problem is, e.g. `["body","external_id"]`, or `null`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::field_path_schema))]
    pub path: serde_json::Value,
}

/// Leyr's problem-details error body (§4.1). Every field is optional (C29). `Debug` leaves out
/// `detail`, which may pass on the EHR's own message and with it patient data.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "Leyr's problem document (§4.1), the body of every error. A client \
        reads every field as optional (C29); `errors` is left out when it is empty."
    )
)]
pub struct Problem {
    /// Leyr's code, e.g. `BAD_REQUEST`.
    #[serde(default)]
    pub code: Option<ProblemCode>,
    /// A documentation URL, or `about:blank`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// A short title.
    #[serde(default)]
    pub title: Option<String>,
    /// The HTTP status.
    #[serde(default)]
    pub status: Option<u16>,
    /// What went wrong. From Leyr it may quote the EHR, and with it patient data.
    #[serde(default)]
    pub detail: Option<String>,
    /// A UUID naming this failure, for Leyr support.
    #[serde(default)]
    pub instance: Option<String>,
    /// Field-level errors of a 400.
    #[serde(default, deserialize_with = "entries_or_null")]
    pub errors: Vec<ProblemEntry>,
}

fn entries_or_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<ProblemEntry>, D::Error> {
    Ok(Option::<Vec<ProblemEntry>>::deserialize(deserializer)?.unwrap_or_default())
}

impl fmt::Debug for ProblemEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProblemEntry")
            .field("error_code", &self.error_code)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("code", &self.code)
            .field("kind", &self.kind)
            .field("title", &self.title)
            .field("status", &self.status)
            .field("instance", &self.instance)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl Problem {
    /// The first entry's code, if any.
    #[must_use]
    pub fn first_error_code(&self) -> Option<&ErrorCode> {
        self.errors
            .first()
            .and_then(|entry| entry.error_code.as_ref())
    }
}

impl ErrorCode {
    /// `INVALID_<KIND>_ID` for a kind of record (C14): `Author` is `INVALID_CREATED_BY_ID`.
    /// A kind Leyr has no id code for is `BAD_INPUT`.
    #[must_use]
    pub fn not_found(entity: Entity) -> Self {
        let kind = match entity {
            Entity::CareUnit => "CARE_UNIT",
            Entity::Resource => "RESOURCE",
            Entity::HealthcareService => "HEALTHCARE_SERVICE",
            Entity::Patient => "PATIENT",
            Entity::Appointment => "APPOINTMENT",
            Entity::Note => "NOTE",
            Entity::Author => "CREATED_BY",
            _ => return Self::BadInput,
        };
        Self::invalid_id(kind)
    }

    /// The kind of record an `INVALID_<KIND>_ID` code names (C14, C29), `None` for other codes.
    /// An id kind Leyr may add later is [`Entity::Other`].
    #[must_use]
    pub fn not_found_entity(&self) -> Option<Entity> {
        let Self::InvalidId(kind) = self else {
            return None;
        };
        Some(match kind.as_str() {
            "CARE_UNIT" => Entity::CareUnit,
            "RESOURCE" => Entity::Resource,
            "HEALTHCARE_SERVICE" => Entity::HealthcareService,
            "PATIENT" => Entity::Patient,
            "APPOINTMENT" => Entity::Appointment,
            "NOTE" | "MEDICAL_NOTE" => Entity::Note,
            "CREATED_BY" => Entity::Author,
            _ => Entity::Other,
        })
    }

    /// The domain's reading of a refusal with this code. `NO_TIMESLOTS_AVAILABLE` and the id
    /// codes have their own port errors (`SlotTaken`, `NotFound`); here they are kept as text.
    #[must_use]
    pub fn rejection(&self) -> RejectionCode {
        match self {
            Self::BadInput => RejectionCode::BadInput,
            Self::NotSupported => RejectionCode::NotSupported,
            Self::MissingRequiredField => RejectionCode::MissingRequiredField,
            Self::MaxItemsExceeded => RejectionCode::MaxItemsExceeded,
            Self::InvalidCommentLength => RejectionCode::InvalidCommentLength,
            Self::AmbiguousTimeslots => RejectionCode::AmbiguousTimeslots,
            Self::InvalidNoteContent => RejectionCode::InvalidNoteContent,
            Self::InvalidPatientIdType => RejectionCode::InvalidPatientIdType,
            Self::PatientIdLookupTypeNotSupported => RejectionCode::PatientIdTypeNotSupported,
            other => RejectionCode::Other(other.as_string()),
        }
    }

    /// The code that carries a domain refusal onto the wire: the inverse of
    /// [`ErrorCode::rejection`].
    #[must_use]
    pub fn from_rejection(code: &RejectionCode) -> Self {
        match code {
            RejectionCode::BadInput => Self::BadInput,
            RejectionCode::NotSupported => Self::NotSupported,
            RejectionCode::MissingRequiredField => Self::MissingRequiredField,
            RejectionCode::MaxItemsExceeded => Self::MaxItemsExceeded,
            RejectionCode::InvalidCommentLength => Self::InvalidCommentLength,
            RejectionCode::AmbiguousTimeslots => Self::AmbiguousTimeslots,
            RejectionCode::InvalidNoteContent => Self::InvalidNoteContent,
            RejectionCode::InvalidPatientIdType => Self::InvalidPatientIdType,
            RejectionCode::PatientIdTypeNotSupported => Self::PatientIdLookupTypeNotSupported,
            RejectionCode::Other(text) => Self::from(text.clone()),
            _ => Self::BadInput,
        }
    }

    /// The meaning of the code (§4.3), written as an entry's `details` (C30). Never echoes the
    /// request.
    #[must_use]
    pub fn meaning(&self) -> String {
        let text = match self {
            Self::InvalidId(kind) => {
                return format!("the given {}_id is not valid", kind.to_lowercase());
            }
            Self::NoTimeslotsAvailable => NO_TIMESLOTS_DETAILS,
            Self::AmbiguousTimeslots => "more than one timeslot matches the parameters",
            Self::InvalidCommentLength => "the comment is too long",
            Self::InvalidNoteContent => "the medical note content is not valid",
            Self::MissingRequiredField => "a required field is missing",
            Self::MaxItemsExceeded => "too many items",
            Self::BadInput => "invalid input; the EHR rejected the request",
            Self::PatientIdLookupTypeNotSupported => {
                "the EHR cannot look up patients by this id type"
            }
            Self::InvalidPatientIdType => "the patient id type is not valid",
            Self::NotSupported => "not supported",
            Self::Other(_) => "the EHR refused the request",
        };
        text.to_owned()
    }
}

/// Where in a request a problem is, written as an entry's `path` (C30): `["path","patient_id"]`,
/// `["query","end"]`, `["body","ids",3]`, `["body","confirmation","code"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(Vec<Step>);

/// One step of a [`FieldPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Root(&'static str),
    Field(Field),
    Index(usize),
}

impl FieldPath {
    /// `["path", field]`: a path parameter.
    #[must_use]
    pub fn path(field: Field) -> Self {
        Self(vec![Step::Root("path"), Step::Field(field)])
    }

    /// `["query"]`: the query string as a whole.
    #[must_use]
    pub fn whole_query() -> Self {
        Self(vec![Step::Root("query")])
    }

    /// `["query", field]`: a query parameter.
    #[must_use]
    pub fn query(field: Field) -> Self {
        Self::whole_query().key(field)
    }

    /// `["body"]`: the body as a whole.
    #[must_use]
    pub fn whole_body() -> Self {
        Self(vec![Step::Root("body")])
    }

    /// `["body", field]`: a field of the body.
    #[must_use]
    pub fn body(field: Field) -> Self {
        Self::whole_body().key(field)
    }

    /// This path with one more field.
    #[must_use]
    pub fn key(mut self, field: Field) -> Self {
        self.0.push(Step::Field(field));
        self
    }

    /// This path with an array index.
    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Step::Index(index));
        self
    }

    /// The JSON array Leyr writes.
    #[must_use]
    pub fn to_value(&self) -> Value {
        Value::Array(
            self.0
                .iter()
                .map(|step| match step {
                    Step::Root(root) => Value::from(*root),
                    Step::Field(field) => Value::from(field.as_str()),
                    Step::Index(index) => Value::from(*index),
                })
                .collect(),
        )
    }
}

impl ProblemEntry {
    /// One entry: `code` at `path` (or `null`), with the code's meaning as `details` and a
    /// `null` `emr_error` (C30).
    #[must_use]
    pub fn new(code: ErrorCode, path: Option<&FieldPath>) -> Self {
        Self {
            details: Some(code.meaning()),
            emr_error: Value::Null,
            error_code: Some(code),
            path: path.map_or(Value::Null, FieldPath::to_value),
        }
    }
}

/// The documentation URL of `code`, or `about:blank` for codes Leyr does not document (C30).
#[must_use]
pub fn documentation_url(code: &ProblemCode) -> String {
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

impl Problem {
    /// A problem with a top-level `code`, its documentation URL as `type`, a `title`, the HTTP
    /// `status`, a `detail`, no `instance` yet and no entries.
    #[must_use]
    pub fn new(code: ProblemCode, status: u16, title: &str, detail: &str) -> Self {
        Self {
            kind: Some(documentation_url(&code)),
            code: Some(code),
            title: Some(title.to_owned()),
            status: Some(status),
            detail: Some(detail.to_owned()),
            instance: None,
            errors: Vec::new(),
        }
    }

    /// A 400 `BAD_REQUEST` with these entries (C30). An empty list gets one `BAD_INPUT` entry,
    /// so that every 400 has at least one.
    #[must_use]
    pub fn bad_request(mut entries: Vec<ProblemEntry>) -> Self {
        if entries.is_empty() {
            entries.push(ProblemEntry::new(ErrorCode::BadInput, None));
        }
        let mut problem = Self::new(
            ProblemCode::BadRequest,
            400,
            "Request validation failed",
            BAD_REQUEST_DETAIL,
        );
        problem.errors = entries;
        problem
    }

    /// The documented 401 for a missing or unknown client id (§1.3, C4).
    #[must_use]
    pub fn unknown_client() -> Self {
        Self::new(
            ProblemCode::Unauthorized,
            401,
            "Unauthorized",
            UNKNOWN_CLIENT_DETAIL,
        )
    }

    /// The 401 for a wrong client secret (C4).
    #[must_use]
    pub fn wrong_secret() -> Self {
        Self::new(
            ProblemCode::Unauthorized,
            401,
            "Unauthorized",
            WRONG_SECRET_DETAIL,
        )
    }

    /// 503 `SERVICE_UNAVAILABLE` (§4.2).
    #[must_use]
    pub fn service_unavailable() -> Self {
        Self::new(
            ProblemCode::ServiceUnavailable,
            503,
            "Service unavailable",
            "The service is temporarily unavailable. Try again later.",
        )
    }

    /// 429 `TOO_MANY_REQUESTS` (C30).
    #[must_use]
    pub fn too_many_requests() -> Self {
        Self::new(
            ProblemCode::TooManyRequests,
            429,
            "Too many requests",
            "Too many requests. Try again after the time in the Retry-After header.",
        )
    }

    /// `EMR_ERROR` with a chosen status and `detail` (§4.2).
    #[must_use]
    pub fn emr_error(status: u16, detail: &str) -> Self {
        Self::new(ProblemCode::EmrError, status, "Internal EMR error", detail)
    }

    /// `UNKNOWN_ERROR` with a chosen status and `detail` (§4.2).
    #[must_use]
    pub fn unknown_error(status: u16, detail: &str) -> Self {
        Self::new(ProblemCode::UnknownError, status, "Unknown error", detail)
    }

    /// 404 `NOT_FOUND` for an unknown route (C30).
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(
            ProblemCode::NotFound,
            404,
            "Not found",
            "No route matches this path.",
        )
    }

    /// 405 `METHOD_NOT_ALLOWED` for a known route and another method (C30).
    #[must_use]
    pub fn method_not_allowed() -> Self {
        Self::new(
            ProblemCode::MethodNotAllowed,
            405,
            "Method not allowed",
            "This route does not accept this method.",
        )
    }

    /// 413 `PAYLOAD_TOO_LARGE` for a body over the route's limit (C30, ADR 0006).
    #[must_use]
    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            ProblemCode::PayloadTooLarge,
            413,
            "Payload too large",
            &format!("The request body is larger than {limit_bytes} bytes."),
        )
    }

    /// The body as Leyr writes it: its fields in Leyr's order, an empty `errors` left out (the
    /// 401, 503, `EMR_ERROR` and `UNKNOWN_ERROR` bodies Leyr documents carry none).
    #[must_use]
    pub fn body(&self) -> ProblemBody<'_> {
        ProblemBody(self)
    }
}

/// A [`Problem`] serialized as Leyr writes it; see [`Problem::body`].
#[derive(Debug)]
pub struct ProblemBody<'a>(&'a Problem);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_documented_codes_read_back_as_themselves() {
        for code in ProblemCode::KNOWN {
            assert_eq!(&ProblemCode::from(code.as_str().to_owned()), code);
            assert!(!matches!(code, ProblemCode::Other(_)));
        }
        let documented = ErrorCode::documented();
        assert_eq!(documented.len(), 16);
        for code in &documented {
            assert_eq!(&ErrorCode::from(code.as_string()), code);
            assert!(!matches!(code, ErrorCode::Other(_)));
        }
        assert_eq!(documented[0].as_string(), "INVALID_PATIENT_ID");
        assert_eq!(documented[5].as_string(), "INVALID_CREATED_BY_ID");
    }

    #[test]
    fn error_codes_keep_invalid_id_kinds_and_unknown_text() {
        assert_eq!(
            ErrorCode::from("INVALID_CARE_UNIT_ID".to_owned()),
            ErrorCode::invalid_id("CARE_UNIT")
        );
        assert_eq!(
            ErrorCode::from("INVALID_PATIENT_ID_TYPE".to_owned()),
            ErrorCode::InvalidPatientIdType
        );
        assert_eq!(
            ErrorCode::from("INVALID__ID".to_owned()),
            ErrorCode::Other("INVALID__ID".to_owned())
        );
        for code in [
            "INVALID_APPOINTMENT_ID",
            "NO_TIMESLOTS_AVAILABLE",
            "BRAND_NEW",
        ] {
            assert_eq!(ErrorCode::from(code.to_owned()).as_string(), code);
        }
    }

    #[test]
    fn id_codes_and_entities_map_both_ways() {
        for entity in [
            Entity::CareUnit,
            Entity::Resource,
            Entity::HealthcareService,
            Entity::Patient,
            Entity::Appointment,
            Entity::Note,
            Entity::Author,
        ] {
            assert_eq!(
                ErrorCode::not_found(entity).not_found_entity(),
                Some(entity)
            );
        }
        assert_eq!(
            ErrorCode::not_found(Entity::Author).as_string(),
            "INVALID_CREATED_BY_ID"
        );
        assert_eq!(
            ErrorCode::invalid_id("SCHEDULE").not_found_entity(),
            Some(Entity::Other)
        );
        assert_eq!(ErrorCode::BadInput.not_found_entity(), None);
    }

    #[test]
    fn rejection_codes_map_both_ways() {
        for text in [
            "BAD_INPUT",
            "NOT_SUPPORTED",
            "MISSING_REQUIRED_FIELD",
            "MAX_ITEMS_EXCEEDED",
            "INVALID_COMMENT_LENGTH",
            "AMBIGUOUS_TIMESLOTS",
            "INVALID_NOTE_CONTENT",
            "INVALID_PATIENT_ID_TYPE",
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
            "SOMETHING_NEW",
        ] {
            let code = ErrorCode::from(text.to_owned());
            let rejection = code.rejection();
            assert_eq!(rejection.as_str(), text);
            assert_eq!(ErrorCode::from_rejection(&rejection), code);
        }
    }

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
            ErrorCode::invalid_id("CARE_UNIT").meaning(),
            "the given care_unit_id is not valid"
        );
        assert_eq!(
            ErrorCode::NoTimeslotsAvailable.meaning(),
            NO_TIMESLOTS_DETAILS
        );
    }

    #[test]
    fn paths_are_written_as_arrays() {
        let path = FieldPath::body(Field::Ids).index(3);
        assert_eq!(path.to_value(), serde_json::json!(["body", "ids", 3]));
        let code = FieldPath::body(Field::Confirmation).key(Field::Code);
        assert_eq!(
            code.to_value(),
            serde_json::json!(["body", "confirmation", "code"])
        );
        assert_eq!(
            FieldPath::whole_query().to_value(),
            serde_json::json!(["query"])
        );
    }

    #[test]
    fn an_empty_errors_array_is_left_out_and_a_400_always_has_an_entry() {
        let body = serde_json::to_value(Problem::unknown_client().body()).unwrap();
        assert!(body.get("errors").is_none());
        let problem = Problem::bad_request(Vec::new());
        assert_eq!(problem.errors.len(), 1);
        assert_eq!(problem.first_error_code(), Some(&ErrorCode::BadInput));
    }
}
