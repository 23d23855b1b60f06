//! The check of writes whose answers are lost (not part of `run_all`), and the [`LoseAnswers`]
//! hook through which a test makes the adapter lose them.

use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, AppointmentStatus, BookingRequest,
    RescheduleRequest,
};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::{NewPatient, PatientRef};
use leyr_domain::ports::{BookError, Cancellation, ChangeError, WriteError};

use crate::Ports;
use crate::seed::{DR_EHN, TOLVAN};
use crate::support::{
    appointment_by_id, appointments_in, book, by_personnummer, care_unit, comment, ehn_new_visits,
    get_patient, name, small_pdf, unregistered_personnummer, unstructured_note,
};

/// A write whose answer [`LoseAnswers`] can make the adapter lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write {
    /// `PatientDirectory::register_patient`.
    RegisterPatient,
    /// `AppointmentBook::book`.
    Book,
    /// `AppointmentBook::reschedule`.
    Reschedule,
    /// `AppointmentBook::cancel`.
    Cancel,
    /// `AppointmentBook::cancel_many`.
    CancelMany,
    /// `MedicalNotes::write_note`.
    WriteNote,
    /// `PatientDocuments::upload_document`.
    UploadDocument,
}

/// Makes the adapter under test do its next write of one kind and lose the answer, as a timeout
/// or a connection dropped after sending does.
pub trait LoseAnswers: Send + Sync {
    /// The next call of `write` is done, and its answer is lost.
    fn lose_next(&self, write: Write);
}

/// A write whose answer is lost is `OutcomeUnknown`, and was done: the booking is found once by
/// listing the patient's appointments in the slot's window (contract C38), the move, the cancel
/// and the bulk cancel show in the listing, the note in the patient's notes. Registration is an
/// upsert, which an adapter may retry by itself (C37): it answers the patient or
/// `OutcomeUnknown`, and the patient exists either way.
pub async fn lost_answers_are_outcome_unknown_and_the_writes_happen(
    subject: &Ports,
    faults: &dyn LoseAnswers,
) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 13).await;
    let request = BookingRequest {
        patient: by_personnummer(TOLVAN),
        slot: slots[0].clone(),
        comment: Some(comment("contract: lost answer")),
    };
    faults.lose_next(Write::Book);
    let got = subject.appointments.book(&unit, &request).await;
    assert!(
        matches!(got, Err(BookError::OutcomeUnknown(_))),
        "a booking whose answer is lost: {got:?}"
    );
    let window = request.window();
    let found: Vec<Appointment> = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(request.patient.clone()),
            start: Some(window.start()),
            end: Some(window.end()),
            ..AppointmentQuery::default()
        },
    )
    .await
    .into_iter()
    .filter(|appointment| appointment.matches_slot(&request.slot))
    .collect();
    assert_eq!(
        found.len(),
        1,
        "the booking whose answer was lost happened, once"
    );
    let booked = &found[0];

    faults.lose_next(Write::Reschedule);
    let move_request = RescheduleRequest {
        slot: slots[1].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, booked.id(), &move_request)
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a move whose answer is lost: {got:?}"
    );
    let moved = appointment_by_id(subject, booked.id()).await;
    assert_eq!(
        (moved.start(), moved.end()),
        (slots[1].start(), slots[1].end()),
        "the move whose answer was lost happened"
    );

    faults.lose_next(Write::Cancel);
    let got = subject
        .appointments
        .cancel(&unit, booked.id(), &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a cancel whose answer is lost: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, booked.id()).await.status(),
        &AppointmentStatus::Cancelled,
        "the cancel whose answer was lost happened"
    );

    let first = book(subject, TOLVAN, &slots[2], "contract: lost bulk one").await;
    let second = book(subject, TOLVAN, &slots[3], "contract: lost bulk two").await;
    let batch =
        AppointmentBatch::new(vec![first.id().clone(), second.id().clone()]).expect("a batch");
    faults.lose_next(Write::CancelMany);
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a bulk cancel whose answer is lost: {got:?}"
    );
    for appointment in [&first, &second] {
        assert_eq!(
            appointment_by_id(subject, appointment.id()).await.status(),
            &AppointmentStatus::Cancelled,
            "the bulk cancel whose answer was lost happened"
        );
    }

    let patient = by_personnummer(TOLVAN);
    let notes_before = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed")
        .len();
    faults.lose_next(Write::WriteNote);
    let got = subject
        .notes
        .write_note(
            &unit,
            &patient,
            &unstructured_note("Contract", "Lost answer."),
        )
        .await;
    assert!(
        matches!(got, Err(WriteError::OutcomeUnknown(_))),
        "a note whose answer is lost: {got:?}"
    );
    let notes_after = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    assert_eq!(
        notes_after.len(),
        notes_before + 1,
        "the note whose answer was lost was written, once"
    );

    faults.lose_next(Write::UploadDocument);
    let got = subject
        .documents
        .upload_document(&unit, &patient, &small_pdf(DR_EHN))
        .await;
    assert!(
        matches!(got, Err(WriteError::OutcomeUnknown(_))),
        "a document whose answer is lost: {got:?}"
    );

    let personnummer = unregistered_personnummer(subject, "19790909").await;
    let new_patient = NewPatient {
        external_id: Some(personnummer.into()),
        first_name: name("Förlorat"),
        last_name: name("Svar"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    faults.lose_next(Write::RegisterPatient);
    let got = subject.patients.register_patient(&unit, &new_patient).await;
    // Adapters differ here: the upsert may be retried by the adapter itself (leyr-http does,
    // C37), which then answers the patient; one that does not retry says `OutcomeUnknown`.
    assert!(
        matches!(got, Ok(_) | Err(WriteError::OutcomeUnknown(_))),
        "a registration whose answer is lost: {got:?}"
    );
    let registered = get_patient(
        subject,
        &PatientRef::National(NationalId::Personnummer(personnummer)),
    )
    .await;
    assert_eq!(
        (
            registered.first_name.as_str(),
            registered.last_name.as_str()
        ),
        ("Förlorat", "Svar"),
        "the registration whose answer was lost happened"
    );
}
