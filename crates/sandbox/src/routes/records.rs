//! The patient's record: medical notes (§3.15, §3.16, C26) and documents (§3.17, C27).

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::SubsecRound;
use leyr_domain::document::{DocumentFormat, MAX_DOCUMENT_BYTES, NewDocument};
use leyr_domain::error::Entity;
use leyr_domain::ids::ResourceId;
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::PatientRef;
use leyr_http::mapping;
use leyr_http::wire::ErrorCode;
use serde_json::Value;

use super::{AppState, Scope};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, FieldPath, invalid_id, json};
use crate::request_body::{self, DOCUMENT_LIMIT_BYTES, Fields, JSON_LIMIT_BYTES};
use crate::typed_ids;

/// The longest document title or type, in characters (the domain's limit).
const MAX_LABEL_CHARS: usize = 200;

/// The patient of the path, read as C7 says and looked up, so that an unknown patient is
/// reported before any body problem (C30's order: ids, then body).
async fn patient(state: &AppState, scope: &Scope) -> Result<PatientRef, ApiError> {
    let path = FieldPath::path("patient_id");
    let patient_ref =
        typed_ids::patient_id(scope.param("patient_id"), state.today(), path.clone())?;
    state
        .ports
        .patients
        .get_patient(&scope.care_unit, &patient_ref)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none().with(Entity::Patient, path)))?;
    Ok(patient_ref)
}

fn origins() -> Origins {
    Origins::none()
        .with(Entity::Patient, FieldPath::path("patient_id"))
        .with(Entity::Author, FieldPath::body("created_by_id"))
        .with(Entity::Resource, FieldPath::body("created_by_id"))
}

/// Reads `created_by_id`: a resource id (C7), `INVALID_CREATED_BY_ID` when malformed.
fn author(fields: &mut Fields) -> Option<ResourceId> {
    let text = fields.required_text("created_by_id")?;
    fields.check(typed_ids::resource_id(
        &text,
        invalid_id("CREATED_BY"),
        FieldPath::body("created_by_id"),
    ))
}

/// `GET {CU}/patients/{patient_id}/medical-notes` (§3.15): oldest first (C10, C26).
pub(super) async fn list_notes(
    State(state): State<AppState>,
    scope: Scope,
) -> Result<Response, ApiError> {
    let path = FieldPath::path("patient_id");
    let patient_ref = typed_ids::patient_id(scope.param("patient_id"), state.today(), path)?;
    let mut notes = state
        .ports
        .notes
        .list_notes(&scope.care_unit, &patient_ref)
        .await
        .map_err(|error| port_errors::read(&error, &origins()))?;
    notes.sort_by_key(|note| note.created_at);
    let body: Vec<_> = notes
        .into_iter()
        .map(|mut note| {
            // C35: whole seconds.
            note.created_at = note.created_at.trunc_subsecs(0);
            mapping::medical_note_dto(&note)
        })
        .collect();
    Ok(json(StatusCode::OK, &body))
}

/// `POST {CU}/patients/{patient_id}/medical-notes` (§3.16): 201 with the note.
///
/// C26: `leyr_unstructured` only (`NOT_SUPPORTED` otherwise); an empty or missing
/// `content.unstructured` is `INVALID_NOTE_CONTENT`; an unknown author `INVALID_CREATED_BY_ID`;
/// a missing `title` or `template_id` `MISSING_REQUIRED_FIELD`.
pub(super) async fn write_note(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let patient_ref = patient(&state, &scope).await?;
    let mut fields = request_body::json_object(body, JSON_LIMIT_BYTES).await?;
    let template = fields.required_text("template_id").and_then(|template_id| {
        match NoteTemplate::from_wire(&template_id) {
            NoteTemplate::Unstructured => Some(NoteTemplate::Unstructured),
            _ => {
                fields.problem(ErrorCode::NotSupported, FieldPath::body("template_id"));
                None
            }
        }
    });
    let title = fields.required_text("title").and_then(|title| {
        NoteTitle::new(title)
            .map_err(|_| fields.problem(ErrorCode::BadInput, FieldPath::body("title")))
            .ok()
    });
    let author = author(&mut fields);
    let content_path = FieldPath::body("content").key("unstructured");
    let text = match fields.get("content") {
        Some(Value::Object(content)) => match content.get("unstructured") {
            Some(Value::String(text)) => NoteText::new(text.clone()).ok(),
            _ => None,
        },
        _ => None,
    };
    if text.is_none() {
        fields.problem(ErrorCode::InvalidNoteContent, content_path);
    }
    fields.finish()?;
    let (Some(template), Some(title), Some(author), Some(text)) = (template, title, author, text)
    else {
        return Err(ApiError::bad_request(Vec::new()));
    };
    let note = NewMedicalNote {
        template,
        title,
        author,
        text,
    };
    let mut written = state
        .ports
        .notes
        .write_note(&scope.care_unit, &patient_ref, &note)
        .await
        .map_err(|error| port_errors::write(&error, &origins()))?;
    written.created_at = written.created_at.trunc_subsecs(0);
    Ok(json(
        StatusCode::CREATED,
        &mapping::medical_note_dto(&written),
    ))
}

/// `POST {CU}/patients/{patient_id}/documents` (§3.17): 201 with the metadata, never the
/// content.
///
/// C27: `application/pdf`, `image/jpeg` and `image/png` only (`NOT_SUPPORTED` otherwise);
/// `content` must be standard padded base64 of at most 10 MiB (`BAD_INPUT` otherwise). This
/// route takes JSON bodies of up to 14 MiB (see [`DOCUMENT_LIMIT_BYTES`]).
pub(super) async fn upload_document(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let patient_ref = patient(&state, &scope).await?;
    let mut fields = request_body::json_object(body, DOCUMENT_LIMIT_BYTES).await?;
    let content = fields.required_text("content").and_then(|text| {
        let decoded = decode_content(&text);
        if decoded.is_none() {
            fields.problem(ErrorCode::BadInput, FieldPath::body("content"));
        }
        decoded
    });
    let format =
        fields
            .required_text("format")
            .and_then(|mime| match DocumentFormat::from_mime(&mime) {
                DocumentFormat::Other(_) => {
                    fields.problem(ErrorCode::NotSupported, FieldPath::body("format"));
                    None
                }
                format => Some(format),
            });
    let label = |fields: &mut Fields, name: &str| {
        let text = fields.required_text(name)?;
        if text.chars().count() > MAX_LABEL_CHARS {
            fields.problem(ErrorCode::BadInput, FieldPath::body(name));
            return None;
        }
        Some(text)
    };
    let title = label(&mut fields, "title");
    let kind = label(&mut fields, "type");
    let author = author(&mut fields);
    fields.finish()?;
    let (Some(content), Some(format), Some(title), Some(kind), Some(author)) =
        (content, format, title, kind, author)
    else {
        return Err(ApiError::bad_request(Vec::new()));
    };
    let document = NewDocument::new(title, kind, format, author, content)
        .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(FieldPath::body("content"))))?;
    let mut uploaded = state
        .ports
        .documents
        .upload_document(&scope.care_unit, &patient_ref, &document)
        .await
        .map_err(|error| port_errors::write(&error, &origins()))?;
    uploaded.created_at = uploaded.created_at.map(|at| at.trunc_subsecs(0));
    Ok(json(StatusCode::CREATED, &mapping::document_dto(&uploaded)))
}

/// Decodes standard padded base64 (C27) of at most 10 MiB; `None` otherwise.
fn decode_content(text: &str) -> Option<Vec<u8>> {
    // Four characters carry three bytes: refuse oversized text before decoding it.
    if text.len() / 4 * 3 > MAX_DOCUMENT_BYTES + 3 {
        return None;
    }
    let bytes = STANDARD.decode(text).ok()?;
    (!bytes.is_empty() && bytes.len() <= MAX_DOCUMENT_BYTES).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c27_content_is_standard_padded_base64_up_to_ten_mib() {
        assert_eq!(decode_content("JVBERi0xLjQK"), Some(b"%PDF-1.4\n".to_vec()));
        assert_eq!(decode_content("YQ=="), Some(b"a".to_vec()));
        for bad in ["YQ", "YQ=", "Y Q==", "YQ==\n", "_-8=", "****"] {
            assert_eq!(decode_content(bad), None, "{bad:?}");
        }
        let exactly = STANDARD.encode(vec![0_u8; MAX_DOCUMENT_BYTES]);
        assert!(decode_content(&exactly).is_some());
        let over = STANDARD.encode(vec![0_u8; MAX_DOCUMENT_BYTES + 1]);
        assert!(decode_content(&over).is_none());
    }
}
