//! The patient's record: medical notes (§3.15, §3.16, C26) and documents (§3.17, C27).

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::SubsecRound;
use leyr_domain::document::{DocumentFormat, MAX_DOCUMENT_BYTES, NewDocument};
use leyr_domain::ehr::Operation;
use leyr_domain::error::Entity;
use leyr_domain::ids::ResourceId;
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::PatientRef;
use leyr_domain::text::TextKind;
use leyr_wire::dto::{CreateMedicalNoteRequest, Input, UploadDocumentRequest};
use leyr_wire::{ErrorCode, Field, FieldPath, mapping};

use super::{InWorld, Scope, World};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, json};
use crate::problems::Problems;
use crate::request_body::{self, DOCUMENT_LIMIT_BYTES, JSON_LIMIT_BYTES};
use crate::typed_ids;

/// The longest document title or type, in characters (the domain's limit).
const MAX_LABEL_CHARS: usize = 200;

/// The patient of the path, read as C7 says and looked up, so that an unknown patient is
/// reported before any body problem (C30's order: ids, then body).
async fn patient(state: &World, scope: &Scope) -> Result<PatientRef, ApiError> {
    let path = FieldPath::path(Field::PatientId);
    let patient_ref = typed_ids::patient_id(
        scope.param(Field::PatientId),
        scope.profile,
        state.today(),
        &path,
    )?;
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
        .with(Entity::Patient, FieldPath::path(Field::PatientId))
        .with(Entity::Author, FieldPath::body(Field::CreatedById))
        .with(Entity::Resource, FieldPath::body(Field::CreatedById))
}

/// Reads `created_by_id`: a resource id the profile takes (C7), `INVALID_CREATED_BY_ID` when
/// malformed.
fn author(problems: &mut Problems, scope: &Scope, input: &Input<String>) -> Option<ResourceId> {
    let path = FieldPath::body(Field::CreatedById);
    let text = problems.required(input, &path)?;
    problems.check(typed_ids::resource_id(
        text,
        scope.profile,
        Entity::Author,
        &path,
    ))
}

/// `GET {CU}/patients/{patient_id}/medical-notes` (§3.15): oldest first (C10, C26).
pub(super) async fn list_notes(
    InWorld(state): InWorld,
    scope: Scope,
) -> Result<Response, ApiError> {
    scope.supports(Operation::ListNotes)?;
    let patient_ref = typed_ids::patient_id(
        scope.param(Field::PatientId),
        scope.profile,
        state.today(),
        &FieldPath::path(Field::PatientId),
    )?;
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
/// `content.unstructured`, or one with a control character other than tab and line breaks
/// (C41), is `INVALID_NOTE_CONTENT`; an unknown author `INVALID_CREATED_BY_ID`; a missing
/// `title` or `template_id` `MISSING_REQUIRED_FIELD`, and a title that is not one line of text
/// (C41) `BAD_INPUT`.
pub(super) async fn write_note(
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    scope.supports(Operation::WriteNote)?;
    let patient_ref = patient(&state, &scope).await?;
    let request: CreateMedicalNoteRequest = request_body::read(body, JSON_LIMIT_BYTES).await?;
    let mut problems = Problems::new();
    let template_path = FieldPath::body(Field::TemplateId);
    let template = problems
        .required(&request.template_id, &template_path)
        .and_then(|template_id| match NoteTemplate::from_wire(template_id) {
            NoteTemplate::Unstructured => Some(NoteTemplate::Unstructured),
            _ => {
                problems.add(ErrorCode::NotSupported, &template_path);
                None
            }
        });
    let title_path = FieldPath::body(Field::Title);
    let title = problems
        .required(&request.title, &title_path)
        .and_then(|title| {
            NoteTitle::new(title)
                .map_err(|_| problems.add(ErrorCode::BadInput, &title_path))
                .ok()
        });
    let author = author(&mut problems, &scope, &request.created_by_id);
    let text = request
        .content
        .value()
        .and_then(|content| content.unstructured.value())
        .and_then(|text| NoteText::new(text.as_str()).ok());
    if text.is_none() {
        let content_path = FieldPath::body(Field::Content).key(Field::Unstructured);
        problems.add(ErrorCode::InvalidNoteContent, &content_path);
    }
    problems.finish()?;
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

/// A document's `title` or `type`: required, at most 200 characters and one line of text, with
/// no control character (C41); else `BAD_INPUT` at `["body", field]`.
fn label<'a>(problems: &mut Problems, input: &'a Input<String>, field: Field) -> Option<&'a str> {
    let path = FieldPath::body(field);
    let text = problems.required(input, &path)?;
    if text.chars().count() > MAX_LABEL_CHARS || !TextKind::SingleLine.allows(text) {
        problems.add(ErrorCode::BadInput, &path);
        return None;
    }
    Some(text)
}

/// `POST {CU}/patients/{patient_id}/documents` (§3.17): 201 with the metadata, never the
/// content.
///
/// C27: `application/pdf`, `image/jpeg` and `image/png` only (`NOT_SUPPORTED` otherwise);
/// `content` must be standard padded base64 of at most 10 MiB (`BAD_INPUT` otherwise); the
/// `title` and `type` are single lines (C41). This route takes JSON bodies of up to 14 MiB (see
/// [`DOCUMENT_LIMIT_BYTES`]).
pub(super) async fn upload_document(
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    scope.supports(Operation::UploadDocument)?;
    let patient_ref = patient(&state, &scope).await?;
    let request: UploadDocumentRequest = request_body::read(body, DOCUMENT_LIMIT_BYTES).await?;
    let mut problems = Problems::new();
    let content_path = FieldPath::body(Field::Content);
    let content = problems
        .required(&request.content, &content_path)
        .and_then(|text| {
            let decoded = decode_content(text);
            if decoded.is_none() {
                problems.add(ErrorCode::BadInput, &content_path);
            }
            decoded
        });
    let format_path = FieldPath::body(Field::Format);
    let format = problems
        .required(&request.format, &format_path)
        .and_then(|mime| match DocumentFormat::from_mime(mime) {
            DocumentFormat::Other(_) => {
                problems.add(ErrorCode::NotSupported, &format_path);
                None
            }
            format => Some(format),
        });
    let title = label(&mut problems, &request.title, Field::Title);
    let kind = label(&mut problems, &request.kind, Field::Type);
    let author = author(&mut problems, &scope, &request.created_by_id);
    problems.finish()?;
    let (Some(content), Some(format), Some(title), Some(kind), Some(author)) =
        (content, format, title, kind, author)
    else {
        return Err(ApiError::bad_request(Vec::new()));
    };
    let document = NewDocument::new(title, kind, format, author, content)
        .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(&content_path)))?;
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
