//! Medical notes and documents on a patient's record.

use std::fmt;
use std::sync::Arc;

use leyr_domain::document::{Document, NewDocument};
use leyr_domain::error::{BackendError, Entity, Rejection};
use leyr_domain::ids::{CareUnitId, ResourceId};
use leyr_domain::medical_note::{
    MedicalNote, NewMedicalNote, NoteError, NoteTemplate, NoteText, NoteTitle,
};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{MedicalNotes, PatientDocuments, WriteError};

use crate::error::{QueryError, unexpected};

/// A note to write, as typed: title and text are checked by [`WriteMedicalNote::run`] before
/// anything is sent. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct WriteMedicalNoteInput {
    /// The template; [`NoteTemplate::Unstructured`] works with every EHR that takes notes.
    pub template: NoteTemplate,
    /// The title: one line, 1 to 200 characters.
    pub title: String,
    /// The author: a resource of the care unit.
    pub author: ResourceId,
    /// The free text: 1 to 100 000 characters.
    pub text: String,
}

impl WriteMedicalNoteInput {
    /// An unstructured note by `author`.
    #[must_use]
    pub fn unstructured(
        author: ResourceId,
        title: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            template: NoteTemplate::Unstructured,
            title: title.into(),
            author,
            text: text.into(),
        }
    }

    /// Checks the title and text and returns the note to write.
    ///
    /// # Errors
    /// [`WriteRecordError::InvalidTitle`] or [`WriteRecordError::InvalidText`].
    pub fn validate(&self) -> Result<NewMedicalNote, WriteRecordError> {
        let title = NoteTitle::new(self.title.as_str()).map_err(WriteRecordError::InvalidTitle)?;
        let text = NoteText::new(self.text.as_str()).map_err(WriteRecordError::InvalidText)?;
        Ok(NewMedicalNote {
            template: self.template.clone(),
            title,
            author: self.author.clone(),
            text,
        })
    }
}

impl fmt::Debug for WriteMedicalNoteInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteMedicalNoteInput")
            .field("template", &self.template)
            .field("author", &self.author)
            .finish_non_exhaustive()
    }
}

/// Why a note or document could not be written. `Display` holds no patient data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteRecordError {
    /// The title is empty, too long or not on one line; nothing was sent.
    #[error("the note title is not valid")]
    InvalidTitle(#[source] NoteError),
    /// The text is empty, too long or holds control characters; nothing was sent.
    #[error("the note text is not valid")]
    InvalidText(#[source] NoteError),
    /// The care unit, the patient or the author does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the note or document: unsupported template, format or content.
    #[error("the EHR refused the record")]
    Rejected(#[source] Rejection),
    /// The request may have reached the EHR but no answer came back: it may have been written.
    /// It is not retried; read the patient's notes to find out.
    #[error("could not tell whether the record was written")]
    OutcomeUnknown(#[source] BackendError),
    /// The EHR failed or could not be reached; nothing was written.
    #[error("the EHR did not write the record")]
    Unavailable(#[source] BackendError),
}

impl From<WriteError> for WriteRecordError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::NotFound(entity) => Self::NotFound(entity),
            WriteError::Rejected(rejection) => Self::Rejected(rejection),
            WriteError::OutcomeUnknown(backend) => Self::OutcomeUnknown(backend),
            WriteError::Backend(backend) => Self::Unavailable(backend),
            other => Self::Unavailable(unexpected(other)),
        }
    }
}

/// Writes an unsigned medical note on a patient's record.
#[derive(Clone)]
pub struct WriteMedicalNote {
    notes: Arc<dyn MedicalNotes>,
}

impl WriteMedicalNote {
    /// The use case over `notes`.
    #[must_use]
    pub fn new(notes: Arc<dyn MedicalNotes>) -> Self {
        Self { notes }
    }

    /// Checks `input` and writes the note for `patient`. Sent once, never retried.
    ///
    /// # Errors
    /// [`WriteRecordError::InvalidTitle`] or [`WriteRecordError::InvalidText`]
    /// (nothing sent); [`WriteRecordError::NotFound`] for an unknown patient, author or care
    /// unit; [`WriteRecordError::Rejected`], [`WriteRecordError::OutcomeUnknown`],
    /// [`WriteRecordError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.write_note", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        input: &WriteMedicalNoteInput,
    ) -> Result<MedicalNote, WriteRecordError> {
        let note = input.validate()?;
        Ok(self.notes.write_note(care_unit, patient, &note).await?)
    }
}

/// Reads a patient's medical notes.
#[derive(Clone)]
pub struct ReadMedicalNotes {
    notes: Arc<dyn MedicalNotes>,
}

impl ReadMedicalNotes {
    /// The use case over `notes`.
    #[must_use]
    pub fn new(notes: Arc<dyn MedicalNotes>) -> Self {
        Self { notes }
    }

    /// The patient's notes, oldest first.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown patient or care unit; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.read_notes", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, QueryError> {
        Ok(self.notes.list_notes(care_unit, patient).await?)
    }
}

/// Attaches a document (PDF or image) to a patient's record.
#[derive(Clone)]
pub struct UploadDocument {
    documents: Arc<dyn PatientDocuments>,
}

impl UploadDocument {
    /// The use case over `documents`.
    #[must_use]
    pub fn new(documents: Arc<dyn PatientDocuments>) -> Self {
        Self { documents }
    }

    /// Attaches `document` to the patient's record. The document was checked when it was built
    /// ([`NewDocument::new`]). Sent once, never retried.
    ///
    /// # Errors
    /// [`WriteRecordError::NotFound`] for an unknown patient, author or care unit;
    /// [`WriteRecordError::Rejected`] (e.g. a format the EHR does not take),
    /// [`WriteRecordError::OutcomeUnknown`], [`WriteRecordError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.upload_document", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteRecordError> {
        Ok(self
            .documents
            .upload_document(care_unit, patient, document)
            .await?)
    }
}

opaque_debug!(WriteMedicalNote, ReadMedicalNotes, UploadDocument);
