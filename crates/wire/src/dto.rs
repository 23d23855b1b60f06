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

pub use crate::input::Input;

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePatientRequest {
    /// First name.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub first_name: Input<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub last_name: Input<String>,
    /// The national identity number, e.g. a 12-digit personnummer.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, nullable))]
    pub external_id: Input<String>,
    /// Phone numbers, E.164.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, nullable))]
    pub phones: Input<Vec<Input<String>>>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, nullable))]
    pub emails: Input<Vec<Input<String>>>,
}

/// An appointment (§3.10-§3.14).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateAppointmentRequest {
    /// The slot's `start`, exactly as listed.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub start: Input<String>,
    /// The slot's `end`, exactly as listed.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub end: Input<String>,
    /// A typed patient id, e.g. `se_personal_number:197110021834` (C5).
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub patient_id: Input<String>,
    /// The resource.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub resource_id: Input<String>,
    /// The healthcare service.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub healthcare_service_id: Input<String>,
    /// A comment, at most 500 characters.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, nullable))]
    pub comment: Input<String>,
}

/// The code of a confirmation (§3.14). Read from a JSON object only: an array in its place is a
/// value of the wrong type, not a list of its fields.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "ConfirmationObject")]
pub struct ConfirmationDto {
    /// The code the patient received.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub code: Input<String>,
}

/// How a [`ConfirmationDto`] is read. The flattened map of the other keys makes serde read a
/// JSON object and nothing else (a plain struct would also read from an array, by position).
#[derive(Deserialize)]
struct ConfirmationObject {
    #[serde(default)]
    code: Input<String>,
    #[serde(flatten)]
    _other: serde_json::Map<String, serde_json::Value>,
}

impl From<ConfirmationObject> for ConfirmationDto {
    fn from(object: ConfirmationObject) -> Self {
        Self { code: object.code }
    }
}

/// The body of a single-appointment PATCH: reschedule (§3.11), cancel (§3.12) or confirm (§3.14).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateAppointmentRequest {
    /// New start; goes with `end`.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub start: Input<String>,
    /// New end; goes with `start`.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub end: Input<String>,
    /// New resource.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub resource_id: Input<String>,
    /// A comment: replaces on reschedule, is appended on cancel.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub comment: Input<String>,
    /// Only `cancelled`, and only to cancel.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Input<String>,
    /// The confirmation code, to confirm.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = ConfirmationDto))]
    pub confirmation: Input<ConfirmationDto>,
}

/// The body of a bulk PATCH: cancel many (§3.13).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkCancelRequest {
    /// 1 to 50 distinct appointment ids.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, required = true))]
    pub ids: Input<Vec<Input<String>>>,
    /// Always `cancelled`.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub status: Input<String>,
    /// A comment appended to each.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, nullable))]
    pub comment: Input<String>,
}

/// A note's content. For `leyr_unstructured` it is `{"unstructured": "..."}`; other templates
/// have other keys, kept in `other`.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        description = "A note's content: `{\"unstructured\": \"...\"}` for the \
        `leyr_unstructured` template; other templates have other keys."
    )
)]
pub struct NoteContentDto {
    /// The free text of an unstructured note.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub unstructured: Input<String>,
    /// The keys of other templates.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// A medical note (§3.15, §3.16).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMedicalNoteRequest {
    /// The template, e.g. `leyr_unstructured`.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub template_id: Input<String>,
    /// The title.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub title: Input<String>,
    /// The author, a resource id.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub created_by_id: Input<String>,
    /// The content.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = NoteContentDto, required = true))]
    pub content: Input<NoteContentDto>,
}

/// The body of a document upload (§3.17).
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadDocumentRequest {
    /// The bytes, standard padded base64.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub content: Input<String>,
    /// A MIME type.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub format: Input<String>,
    /// The title.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub title: Input<String>,
    /// A free-text type, e.g. "Lab Result".
    #[serde(default, rename = "type", skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub kind: Input<String>,
    /// The author, a resource id.
    #[serde(default, skip_serializing_if = "Input::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub created_by_id: Input<String>,
}

/// A document's metadata (§3.17, C27).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::field::Field;

    #[test]
    fn a_confirmation_is_read_from_an_object_only() {
        let read = |json: &str| {
            serde_json::from_str::<UpdateAppointmentRequest>(json)
                .unwrap()
                .confirmation
        };
        let code = |json: &str| {
            read(json)
                .into_value()
                .map(|confirmation| confirmation.code)
        };
        assert_eq!(
            code(r#"{"confirmation":{"code":"123456","more":1}}"#),
            Some(Input::Value("123456".to_owned()))
        );
        assert_eq!(code(r#"{"confirmation":{}}"#), Some(Input::Absent));
        for not_an_object in [r#"{"confirmation":["123456"]}"#, r#"{"confirmation":[]}"#] {
            assert!(
                matches!(read(not_an_object), Input::Invalid(_)),
                "{not_an_object}"
            );
        }
    }

    #[test]
    fn create_appointment_answers_as_array_or_object() {
        let array: OneOrMany<CareUnitDto> = serde_json::from_str(r#"[{"id":"10"}]"#).unwrap();
        let object: OneOrMany<CareUnitDto> = serde_json::from_str(r#"{"id":10}"#).unwrap();
        assert_eq!(array.into_first().unwrap().id, "10");
        assert_eq!(object.into_first().unwrap().id, "10");
    }

    /// Every key of `value`, at any depth, with the keys of a note's free-form content left
    /// out (they belong to a template, not to Leyr's vocabulary).
    fn keys(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    found.push(key.clone());
                    keys(inner, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| keys(item, found)),
            _ => {}
        }
    }

    fn text(value: &str) -> Input<String> {
        Input::from(value.to_owned())
    }

    #[test]
    fn every_name_the_types_write_is_a_field_of_the_vocabulary() {
        let content = NoteContentDto {
            unstructured: text("t"),
            other: serde_json::Map::new(),
        };
        let documents = [
            serde_json::to_value(CreatePatientRequest {
                first_name: text("a"),
                last_name: text("b"),
                external_id: text("c"),
                phones: Input::from(vec![text("p")]),
                emails: Input::from(vec![text("e")]),
            }),
            serde_json::to_value(CreateAppointmentRequest {
                start: text("s"),
                end: text("e"),
                patient_id: text("p"),
                resource_id: text("r"),
                healthcare_service_id: text("h"),
                comment: text("c"),
            }),
            serde_json::to_value(UpdateAppointmentRequest {
                start: text("s"),
                end: text("e"),
                resource_id: text("r"),
                comment: text("c"),
                status: text("cancelled"),
                confirmation: Input::from(ConfirmationDto { code: text("1") }),
            }),
            serde_json::to_value(BulkCancelRequest {
                ids: Input::from(vec![text("1")]),
                status: text("cancelled"),
                comment: text("c"),
            }),
            serde_json::to_value(CreateMedicalNoteRequest {
                template_id: text("t"),
                title: text("t"),
                created_by_id: text("r"),
                content: Input::from(content.clone()),
            }),
            serde_json::to_value(UploadDocumentRequest {
                content: text("c"),
                format: text("f"),
                title: text("t"),
                kind: text("k"),
                created_by_id: text("r"),
            }),
            serde_json::from_str(
                r#"{"id":"1","name":"n","duration_minutes":5,"start":"s","end":"e",
                "resource_id":"r","healthcare_service_id":"h","emr_id":"e","first_name":"f",
                "last_name":"l","care_unit_id":"c","external_id":"x","phones":[],"emails":[],
                "status":"booked","comment":"c","patient_id":"p","created_at":"t",
                "template_id":"t","title":"t","created_by_id":"r","format":"f","type":"k"}"#,
            )
            .map(|value: Value| {
                // Read the kitchen-sink object through every response type, then write it back.
                let all = [
                    serde_json::to_value(
                        serde_json::from_value::<CareUnitDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<ResourceDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<HealthcareServiceDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<TimeslotDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<PatientDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<AppointmentDto>(value.clone()).unwrap(),
                    ),
                    serde_json::to_value(
                        serde_json::from_value::<DocumentDto>(value.clone()).unwrap(),
                    ),
                ];
                Value::Array(all.into_iter().map(Result::unwrap).collect())
            }),
        ];
        let mut found = Vec::new();
        for document in documents {
            keys(&document.unwrap(), &mut found);
        }
        assert!(found.len() > 60, "{found:?}");
        for key in found {
            assert!(Field::from_name(&key).is_some(), "`{key}` is not a Field");
        }
    }
}
