//! Checks of `MedicalNotes` and `PatientDocuments`: notes come back as written and are listed
//! oldest first, uploads report their metadata, and unknown authors or formats are refused.

use chrono::TimeDelta;
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::WriteError;
use leyr_domain::time::in_stockholm;

use crate::Ports;
use crate::seed::{BETA, DR_EHN, GAMMA, UNKNOWN_RESOURCE};
use crate::support::{
    by_personnummer, care_unit, emr_id_of, resource, small_pdf, unregistered_personnummer,
    unstructured_note,
};

/// An unstructured note comes back with its title, text and author, and is listed after the
/// notes before it; other templates are rejected as not supported.
pub async fn notes_round_trip_oldest_first(subject: &Ports) {
    let unit = care_unit();
    let patient = by_personnummer(BETA);
    let earlier = unstructured_note("Consultation Summary", "Patient reports mild headache.");
    let later = unstructured_note("Follow-up", "Headache gone.\nNo further action.");
    let mut written = Vec::new();
    for note in [&earlier, &later] {
        let got = subject
            .notes
            .write_note(&unit, &patient, note)
            .await
            .expect("write_note failed");
        assert_eq!(
            got.title.as_ref(),
            Some(&note.title),
            "the note keeps its title"
        );
        assert_eq!(
            got.text.as_ref(),
            Some(&note.text),
            "the note keeps its text"
        );
        assert_eq!(
            got.author.as_ref(),
            Some(&note.author),
            "the note keeps its author"
        );
        assert!(
            got.template
                .as_ref()
                .is_none_or(|template| *template == NoteTemplate::Unstructured)
        );
        written.push(got);
    }
    let listed = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    let position = |id| listed.iter().position(|note| note.id == id);
    let (first, second) = (
        position(written[0].id.clone()),
        position(written[1].id.clone()),
    );
    assert!(first.is_some() && second.is_some(), "both notes are listed");
    assert!(first < second, "notes are listed oldest first");
    assert_eq!(
        listed[first.unwrap_or_default()],
        written[0],
        "the listed note equals the written one"
    );
    assert!(
        listed
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "notes are ordered by created_at"
    );

    let other_template = NewMedicalNote {
        template: NoteTemplate::AcuteVisit,
        ..earlier
    };
    let got = subject
        .notes
        .write_note(&unit, &patient, &other_template)
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
        "only leyr_unstructured is supported: {got:?}"
    );
    let nobody = PatientRef::National(NationalId::Personnummer(
        unregistered_personnummer(subject, "19750505").await,
    ));
    let got = subject.notes.write_note(&unit, &nobody, &later).await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Patient))),
        "a note for an unknown patient: {got:?}"
    );
}

/// Several notes written one after another are listed in that order, oldest first, after the
/// patient's earlier notes, whichever reference names the patient.
pub async fn several_notes_are_listed_oldest_first(subject: &Ports) {
    let unit = care_unit();
    let patient = by_personnummer(GAMMA);
    let mut written = Vec::new();
    for number in 1..=3 {
        let note = unstructured_note(
            &format!("Contract note {number}"),
            &format!("Written {number} of 3."),
        );
        written.push(
            subject
                .notes
                .write_note(&unit, &patient, &note)
                .await
                .expect("write_note failed")
                .id,
        );
    }
    let listed = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    let positions: Vec<Option<usize>> = written
        .iter()
        .map(|id| listed.iter().position(|note| note.id == *id))
        .collect();
    assert!(
        positions.iter().all(Option::is_some),
        "every note written is listed"
    );
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "notes are listed in the order they were written: {positions:?}"
    );
    assert_eq!(
        positions.last().copied().flatten(),
        Some(listed.len() - 1),
        "the last note written is listed last"
    );
    assert!(
        listed
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "notes are ordered by created_at"
    );
    let by_emr_id = subject
        .notes
        .list_notes(&unit, &PatientRef::EmrId(emr_id_of(subject, GAMMA).await))
        .await
        .expect("list_notes by EHR id failed");
    assert_eq!(
        by_emr_id, listed,
        "a patient's notes are the same by personnummer and by EHR id"
    );
}

/// A note or document whose author is not a resource of the care unit is `NotFound(Author)`.
pub async fn an_unknown_author_is_not_found(subject: &Ports) {
    let unit = care_unit();
    let note = NewMedicalNote {
        author: resource(UNKNOWN_RESOURCE),
        ..unstructured_note("Contract", "Unknown author.")
    };
    let got = subject
        .notes
        .write_note(&unit, &by_personnummer(BETA), &note)
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Author))),
        "a note by an unknown author: {got:?}"
    );
    let got = subject
        .documents
        .upload_document(&unit, &by_personnummer(BETA), &small_pdf(UNKNOWN_RESOURCE))
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Author))),
        "a document by an unknown author: {got:?}"
    );
}

/// Uploading a small PDF, JPEG or PNG returns its metadata; a format the EHR cannot take is
/// rejected as not supported (contract C27).
pub async fn document_upload_returns_metadata(subject: &Ports) {
    let unit = care_unit();
    let patient = by_personnummer(BETA);
    let document = small_pdf(DR_EHN);
    let stored = subject
        .documents
        .upload_document(&unit, &patient, &document)
        .await
        .expect("upload_document failed");
    assert!(!stored.id.as_str().is_empty());
    assert!(
        stored
            .title
            .as_deref()
            .is_none_or(|title| title == document.title()),
        "the document keeps its title"
    );
    assert!(
        stored
            .kind
            .as_deref()
            .is_none_or(|kind| kind == document.kind()),
        "the document keeps its type"
    );
    assert!(
        stored
            .format
            .as_ref()
            .is_none_or(|format| format == document.format()),
        "the document keeps its format"
    );
    assert!(
        stored
            .author
            .as_ref()
            .is_none_or(|author| author == document.author()),
        "the document keeps its author"
    );
    let earliest = in_stockholm(&subject.now()) - TimeDelta::minutes(1);
    assert!(
        stored
            .created_at
            .is_none_or(|created_at| created_at >= earliest),
        "the document is dated now"
    );

    let text = NewDocument::new(
        "Notes",
        "Letter",
        DocumentFormat::from_mime("text/plain"),
        resource(DR_EHN),
        b"hello".to_vec(),
    )
    .expect("a document");
    let got = subject
        .documents
        .upload_document(&unit, &patient, &text)
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
        "text/plain must be rejected as not supported: {got:?}"
    );
    let image = |format: DocumentFormat| {
        NewDocument::new(
            "Contract image",
            "Photo",
            format,
            resource(DR_EHN),
            b"\x89PNG\r\n\x1a\n".to_vec(),
        )
        .expect("a document")
    };
    for format in [DocumentFormat::Jpeg, DocumentFormat::Png] {
        let document = image(format);
        let stored = subject
            .documents
            .upload_document(&unit, &patient, &document)
            .await
            .unwrap_or_else(|error| {
                panic!("{} must be accepted: {error:?}", document.format().as_str())
            });
        assert!(
            stored
                .format
                .as_ref()
                .is_none_or(|format| format == document.format()),
            "the document keeps its format"
        );
    }
    for mime in [
        "image/gif",
        "application/msword",
        "application/pdf; charset=x",
    ] {
        let got = subject
            .documents
            .upload_document(&unit, &patient, &image(DocumentFormat::from_mime(mime)))
            .await;
        assert!(
            matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
            "{mime} must be rejected as not supported: {got:?}"
        );
    }
    let nobody = PatientRef::National(NationalId::Personnummer(
        unregistered_personnummer(subject, "19750505").await,
    ));
    let got = subject
        .documents
        .upload_document(&unit, &nobody, &document)
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Patient))),
        "a document for an unknown patient: {got:?}"
    );
}
