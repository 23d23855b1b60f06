//! Leyr's JSON, field for field (contract §3, §4).
//!
//! These types are the wire format both sides speak: `leyr-http` sends requests and reads
//! responses with them, and `leyr-sandbox` reads requests and writes responses with them. They
//! know nothing of the domain; [`crate::mapping`] converts. Rules kept here:
//!
//! - unknown response and request fields are ignored: no `deny_unknown_fields` (C12);
//! - fields Leyr does not document are `Option` (C13);
//! - ids are strings, but a number is accepted where an id is expected (C29: be lenient);
//! - datetimes stay strings, so a slot's `start` and `end` are echoed exactly (C34);
//! - `Debug` of anything that may carry patient data prints only the type name.

use std::fmt;

use leyr_domain::time::Rfc3339;
use serde::{Deserialize, Deserializer, Serialize};

/// Accepts a JSON string or integer as an id.
fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(i64),
    }
    Ok(match Id::deserialize(deserializer)? {
        Id::Text(text) => text,
        Id::Number(number) => number.to_string(),
    })
}

/// Accepts a JSON string, integer or `null` as an optional id.
fn optional_id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(i64),
    }
    Ok(Option::<Id>::deserialize(deserializer)?.map(|id| match id {
        Id::Text(text) => text,
        Id::Number(number) => number.to_string(),
    }))
}

/// Treats `null` like an empty list.
fn list_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(deserializer)?.unwrap_or_default())
}

macro_rules! redacted_debug {
    ($($name:ident),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), " { .. }"))
            }
        }
    )*};
}

/// A care unit (§3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareUnitDto {
    /// The care unit's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Its name (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A resource (§3.2, §3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDto {
    /// The resource's EHR id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Its name (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A healthcare service (§3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthcareServiceDto {
    /// The service's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// Its name (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its length in minutes (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<i64>,
}

/// A free timeslot (§3.5). `start` and `end` are kept verbatim (C34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeslotDto {
    /// Start, RFC 3339 with offset.
    pub start: String,
    /// End, RFC 3339 with offset.
    pub end: String,
    /// The resource.
    #[serde(deserialize_with = "id")]
    pub resource_id: String,
    /// The healthcare service.
    #[serde(deserialize_with = "id")]
    pub healthcare_service_id: String,
}

/// A timeslot to write that borrows its ids and keeps its times inline: the sandbox lists
/// thousands per request, and this serializes exactly as [`TimeslotDto`] does without a heap
/// allocation per slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeslotOut<'a> {
    /// Start, RFC 3339 with offset.
    #[serde(serialize_with = "inline_time")]
    pub start: Rfc3339,
    /// End, RFC 3339 with offset.
    #[serde(serialize_with = "inline_time")]
    pub end: Rfc3339,
    /// The resource.
    pub resource_id: &'a str,
    /// The healthcare service.
    pub healthcare_service_id: &'a str,
}

fn inline_time<S: serde::Serializer>(time: &Rfc3339, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(time.as_str())
}

/// A patient (§3.6-§3.8).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientDto {
    /// Leyr's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The EHR's id.
    #[serde(deserialize_with = "id")]
    pub emr_id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The care unit.
    #[serde(deserialize_with = "id")]
    pub care_unit_id: String,
    /// The national id (C13).
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_id: Option<String>,
    /// Phone numbers, E.164 (C13).
    #[serde(default, deserialize_with = "list_or_null")]
    pub phones: Vec<String>,
    /// E-mail addresses (C13).
    #[serde(default, deserialize_with = "list_or_null")]
    pub emails: Vec<String>,
}

/// The body of create-patient (§3.7).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePatientRequest {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The personnummer, 12 digits.
    pub external_id: String,
    /// Phone numbers, E.164.
    #[serde(default)]
    pub phones: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
}

/// An appointment (§3.10-§3.14).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentDto {
    /// The appointment's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// `booked`, `awaiting_confirmation`, `completed`, `cancelled` or a new value (C20).
    pub status: String,
    /// Start, RFC 3339 with offset.
    pub start: String,
    /// End, RFC 3339 with offset.
    pub end: String,
    /// The comment, or `null`.
    #[serde(default)]
    pub comment: Option<String>,
    /// The care unit.
    #[serde(deserialize_with = "id")]
    pub care_unit_id: String,
    /// The patient's EHR id, unprefixed (C21).
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub patient_id: Option<String>,
    /// The resource's EHR id, unprefixed (C21).
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_id: Option<String>,
    /// The healthcare service (C13).
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub healthcare_service_id: Option<String>,
}

/// The body of create-appointment (§3.10).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAppointmentRequest {
    /// The slot's `start`, exactly as listed.
    pub start: String,
    /// The slot's `end`, exactly as listed.
    pub end: String,
    /// A typed patient id, e.g. `se_personal_number:197110021834` (C5).
    pub patient_id: String,
    /// The resource.
    pub resource_id: String,
    /// The healthcare service.
    pub healthcare_service_id: String,
    /// A comment, at most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// The code of a confirmation (§3.14).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationDto {
    /// The code the patient received.
    pub code: String,
}

/// The body of a single-appointment PATCH: reschedule (§3.11), cancel (§3.12) or confirm (§3.14).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UpdateAppointmentRequest {
    /// New start; goes with `end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// New end; goes with `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// New resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// A comment: replaces on reschedule, is appended on cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Only `cancelled`, and only to cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The confirmation code, to confirm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<ConfirmationDto>,
}

/// The body of a bulk PATCH: cancel many (§3.13).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCancelRequest {
    /// 1 to 50 distinct appointment ids.
    pub ids: Vec<String>,
    /// Always `cancelled`.
    pub status: String,
    /// A comment appended to each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A note's content. For `leyr_unstructured` it is `{"unstructured": "..."}`; other templates
/// have other keys, kept in `other`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NoteContentDto {
    /// The free text of an unstructured note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstructured: Option<String>,
    /// The keys of other templates.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A medical note (§3.15, §3.16).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalNoteDto {
    /// The note's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// When it was written.
    pub created_at: String,
    /// Its template (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// Its title (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its content (C13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<NoteContentDto>,
    /// Its author, a resource id (C13, C26).
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_by_id: Option<String>,
}

/// The body of create-note (§3.16).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateMedicalNoteRequest {
    /// The template, e.g. `leyr_unstructured`.
    pub template_id: String,
    /// The title.
    pub title: String,
    /// The author, a resource id.
    pub created_by_id: String,
    /// The content.
    pub content: NoteContentDto,
}

/// The body of a document upload (§3.17).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDocumentRequest {
    /// The bytes, standard padded base64.
    pub content: String,
    /// A MIME type.
    pub format: String,
    /// The title.
    pub title: String,
    /// A free-text type, e.g. "Lab Result".
    #[serde(rename = "type")]
    pub kind: String,
    /// The author, a resource id.
    pub created_by_id: String,
}

/// A document's metadata (§3.17, C27).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDto {
    /// The document's id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The free-text type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The author.
    #[serde(
        default,
        deserialize_with = "optional_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_by_id: Option<String>,
    /// When it was attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

redacted_debug!(
    PatientDto,
    CreatePatientRequest,
    AppointmentDto,
    CreateAppointmentRequest,
    ConfirmationDto,
    UpdateAppointmentRequest,
    BulkCancelRequest,
    NoteContentDto,
    MedicalNoteDto,
    CreateMedicalNoteRequest,
    UploadDocumentRequest,
    DocumentDto
);

/// One answer or a list of them: create-appointment answers with a one-element array, older
/// revisions with an object (C19, C22). Accept both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A JSON array.
    Many(Vec<T>),
    /// A single JSON object.
    One(T),
}

impl<T> OneOrMany<T> {
    /// The single element: the object, or the first element of the array.
    pub fn into_first(self) -> Option<T> {
        match self {
            Self::One(item) => Some(item),
            Self::Many(items) => items.into_iter().next(),
        }
    }
}

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
    /// Any other code.
    Other(String),
}

impl ProblemCode {
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
pub struct ProblemEntry {
    /// A human-readable description. May echo EHR text: never shown in `Display`.
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
    pub path: serde_json::Value,
}

/// Leyr's problem-details error body (§4.1). Every field is optional (C29). `Debug` leaves out
/// `detail`, which may pass on the EHR's own message and with it patient data.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
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
    /// A description. May echo EHR text: never shown in `Display`.
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

/// Typed ids on the wire (§2.2, C5-C7).
pub mod typed_id {
    /// The patient id types Leyr documents.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum PatientIdType {
        /// `emr_id`, or no prefix.
        EmrId,
        /// `se_personal_number`.
        SePersonalNumber,
        /// `no_personal_number`.
        NoPersonalNumber,
        /// `nhs_number`.
        NhsNumber,
    }

    /// A typed id split into its type and value.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct TypedId<'a> {
        /// The text before the first `:`, or `None` for a bare value (an `emr_id`).
        pub kind: Option<&'a str>,
        /// The value.
        pub value: &'a str,
    }

    /// Splits `text` at its first `:` (C7). A value without `:` is an `emr_id`.
    #[must_use]
    pub fn split(text: &str) -> TypedId<'_> {
        match text.split_once(':') {
            Some((kind, value)) => TypedId {
                kind: Some(kind),
                value,
            },
            None => TypedId {
                kind: None,
                value: text,
            },
        }
    }

    /// The patient id type named by `kind`, or `None` if Leyr documents no such type.
    #[must_use]
    pub fn patient_id_type(kind: Option<&str>) -> Option<PatientIdType> {
        match kind {
            None | Some("emr_id") => Some(PatientIdType::EmrId),
            Some("se_personal_number") => Some(PatientIdType::SePersonalNumber),
            Some("no_personal_number") => Some(PatientIdType::NoPersonalNumber),
            Some("nhs_number") => Some(PatientIdType::NhsNumber),
            Some(_) => None,
        }
    }

    /// `emr_id:<value>`.
    #[must_use]
    pub fn emr_id(value: &str) -> String {
        format!("emr_id:{value}")
    }

    /// `se_personal_number:<12 digits>`.
    #[must_use]
    pub fn se_personal_number(value: &str) -> String {
        format!("se_personal_number:{value}")
    }
}

/// Percent-encodes one path segment (C9): ALPHA, DIGIT, `-`, `.`, `_`, `~` and `:` stay as they
/// are; every other byte, `/` included, becomes `%XX`.
#[must_use]
pub fn encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    encoded
}

const HEX: [u8; 16] = *b"0123456789ABCDEF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_colons_and_encode_slashes_and_plus() {
        assert_eq!(
            encode_segment("se_personal_number:197110021834"),
            "se_personal_number:197110021834"
        );
        assert_eq!(encode_segment("a/b c+d"), "a%2Fb%20c%2Bd");
        assert_eq!(encode_segment("Läk"), "L%C3%A4k");
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
    fn create_appointment_answers_as_array_or_object() {
        let array: OneOrMany<CareUnitDto> = serde_json::from_str(r#"[{"id":"10"}]"#).unwrap();
        let object: OneOrMany<CareUnitDto> = serde_json::from_str(r#"{"id":10}"#).unwrap();
        assert_eq!(array.into_first().unwrap().id, "10");
        assert_eq!(object.into_first().unwrap().id, "10");
    }

    #[test]
    fn typed_ids_split_at_the_first_colon() {
        let id = typed_id::split("se_personal_number:1971:1002");
        assert_eq!(id.kind, Some("se_personal_number"));
        assert_eq!(id.value, "1971:1002");
    }
}
