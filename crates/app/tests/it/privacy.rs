//! Patient data never shows in error messages, `Debug` output or traces.

use std::error::Error;
use std::time::Duration;

use leyr_app::domain::appointment::TransitionError;
use leyr_app::domain::booking_rules::RuleViolation;
use leyr_app::domain::error::{BackendErrorKind, Entity, Rejection, RejectionCode};
use leyr_app::domain::ids::AppointmentId;
use leyr_app::domain::medical_note::NoteError;
use leyr_app::domain::patient::ContactError;
use leyr_app::domain::personnummer::PersonnummerError;
use leyr_app::domain::ports::ReadError;
use leyr_app::{
    BookAppointmentError, ChangeAppointmentError, QueryError, RegisterPatientError,
    RegisterPatientInput, WriteMedicalNoteInput, WriteRecordError,
};

use crate::support::{DR_EHN, Mocks, TOLVAN, TOLVAN_DIGITS, backend, capture_traces, care_unit};

/// `error`'s message and every cause's, joined as a reporter would print them.
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[track_caller]
fn assert_clean(text: &str) {
    for secret in [TOLVAN_DIGITS, "Tolvan", "+4670", "example.com", "headache"] {
        assert!(!text.contains(secret), "{secret:?} in {text:?}");
    }
}

#[test]
fn error_messages_hold_no_patient_data_and_are_one_sentence() {
    let errors: Vec<Box<dyn Error>> = vec![
        Box::new(RegisterPatientError::InvalidPersonnummer(
            PersonnummerError::Checksum,
        )),
        Box::new(RegisterPatientError::BirthDateInFuture),
        Box::new(RegisterPatientError::InvalidFirstName(
            ContactError::NameCharacter,
        )),
        Box::new(RegisterPatientError::InvalidLastName(
            ContactError::EmptyName,
        )),
        Box::new(RegisterPatientError::InvalidPhone(ContactError::Phone)),
        Box::new(RegisterPatientError::InvalidEmail(ContactError::Email)),
        Box::new(RegisterPatientError::NotFound(Entity::CareUnit)),
        Box::new(RegisterPatientError::Rejected(Rejection::new(
            RejectionCode::BadInput,
        ))),
        Box::new(RegisterPatientError::OutcomeUnknown(backend(
            BackendErrorKind::Timeout,
        ))),
        Box::new(RegisterPatientError::Unavailable(backend(
            BackendErrorKind::Unavailable,
        ))),
        Box::new(BookAppointmentError::Rule(RuleViolation::Overlap {
            with: AppointmentId::new("1").unwrap(),
        })),
        Box::new(BookAppointmentError::SlotTaken),
        Box::new(BookAppointmentError::NotFound(Entity::Patient)),
        Box::new(BookAppointmentError::Rejected(Rejection::new(
            RejectionCode::AmbiguousTimeslots,
        ))),
        Box::new(BookAppointmentError::OutcomeUnknown(ReadError::Backend(
            backend(BackendErrorKind::Timeout),
        ))),
        Box::new(BookAppointmentError::Unavailable(
            backend(BackendErrorKind::Throttled)
                .with_status(429)
                .with_retry_after(Duration::from_secs(120)),
        )),
        Box::new(ChangeAppointmentError::Forbidden(
            TransitionError::Completed,
        )),
        Box::new(ChangeAppointmentError::SlotTaken),
        Box::new(WriteRecordError::InvalidText(NoteError::TooLong)),
        Box::new(QueryError::NotFound(Entity::Patient)),
    ];
    for error in errors {
        let message = error.to_string();
        assert_clean(&chain(error.as_ref()));
        assert_clean(&format!("{error:?}"));
        assert!(
            !message.is_empty() && !message.ends_with('.') && !message.contains(": "),
            "{message:?}"
        );
    }
}

#[test]
fn a_message_never_repeats_its_source() {
    let rejection = || Rejection::new(RejectionCode::BadInput);
    let errors: Vec<Box<dyn Error>> = vec![
        Box::new(QueryError::Rejected(rejection())),
        Box::new(BookAppointmentError::Rejected(rejection())),
        Box::new(ChangeAppointmentError::Rejected(rejection())),
        Box::new(RegisterPatientError::Rejected(rejection())),
        Box::new(WriteRecordError::Rejected(rejection())),
        Box::new(QueryError::Unavailable(backend(BackendErrorKind::Server))),
        Box::new(ChangeAppointmentError::Unavailable(backend(
            BackendErrorKind::Server,
        ))),
    ];
    for error in errors {
        let message = error.to_string();
        let source = error.source().map(ToString::to_string).unwrap_or_default();
        assert!(
            !source.starts_with(&message),
            "{message:?} repeats its source {source:?}"
        );
    }
}

#[test]
fn every_change_and_query_error_is_one_clean_sentence() {
    let errors: Vec<Box<dyn Error>> = vec![
        Box::new(ChangeAppointmentError::Rule(RuleViolation::TooShortNotice)),
        Box::new(ChangeAppointmentError::NotFound(Entity::Appointment)),
        Box::new(ChangeAppointmentError::Rejected(Rejection::new(
            RejectionCode::BadInput,
        ))),
        Box::new(ChangeAppointmentError::OutcomeUnknown(backend(
            BackendErrorKind::Timeout,
        ))),
        Box::new(ChangeAppointmentError::Unavailable(backend(
            BackendErrorKind::Unavailable,
        ))),
        Box::new(WriteRecordError::InvalidTitle(NoteError::Empty)),
        Box::new(WriteRecordError::NotFound(Entity::Author)),
        Box::new(WriteRecordError::OutcomeUnknown(backend(
            BackendErrorKind::Timeout,
        ))),
        Box::new(QueryError::Rejected(Rejection::new(
            RejectionCode::PatientIdTypeNotSupported,
        ))),
        Box::new(QueryError::Unavailable(backend(BackendErrorKind::Connect))),
    ];
    for error in errors {
        let message = error.to_string();
        assert_clean(&chain(error.as_ref()));
        assert_clean(&format!("{error:?}"));
        assert!(
            !message.is_empty() && !message.ends_with('.') && !message.contains(": "),
            "{message:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_registration_says_nothing_about_the_input() {
    let input = RegisterPatientInput {
        external_id: leyr_app::ExternalIdInput::Personnummer("19121212-1213".to_owned()),
        first_name: "Tolvan".to_owned(),
        last_name: "Tolvansson".to_owned(),
        phones: vec!["+46701234567".to_owned()],
        emails: vec!["tolvan@example.com".to_owned()],
    };
    let mut mocks = Mocks::default();
    mocks.patients.expect_register_patient().times(0);
    let (captured, _guard) = capture_traces();

    let error = mocks
        .booking()
        .register_patient(&care_unit(), &input)
        .await
        .unwrap_err();

    assert_clean(&chain(&error));
    assert_clean(&format!("{error:?}"));
    assert_clean(&format!("{input:?}"));
    assert!(captured.text().contains("span leyr.app.register_patient"));
    assert_clean(&captured.text());
}

#[test]
fn raw_inputs_hide_their_text_from_debug() {
    let input = RegisterPatientInput {
        external_id: leyr_app::ExternalIdInput::Personnummer(TOLVAN.to_owned()),
        first_name: "Tolvan".to_owned(),
        last_name: "Tolvansson".to_owned(),
        phones: vec!["+46701234567".to_owned()],
        emails: Vec::new(),
    };
    assert_eq!(
        format!("{input:?}"),
        "RegisterPatientInput { external_id: Personnummer(<redacted>), phones: 1, emails: 0, .. }"
    );
    let note =
        WriteMedicalNoteInput::unstructured(DR_EHN.parse().unwrap(), "Tolvan", "Mild headache.");
    assert_clean(&format!("{note:?}"));
}
