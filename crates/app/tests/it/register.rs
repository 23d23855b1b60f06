//! Registering a patient: every field is checked before the port is called.

use leyr_app::domain::national_id::NationalId;
use std::sync::Arc;

use leyr_app::domain::error::{BackendError, BackendErrorKind, Entity};
use leyr_app::domain::ids::{CareUnitId, PatientEmrId};
use leyr_app::domain::patient::{Patient, PersonName, Registration};
use leyr_app::domain::personnummer::PersonnummerError;
use leyr_app::domain::ports::{MockPatientDirectory, WriteError};
use leyr_app::{RegisterPatient, RegisterPatientError, RegisterPatientInput};

use crate::support::{TOLVAN, care_unit, clock_at, now, utc};

fn input(personnummer: &str) -> RegisterPatientInput {
    RegisterPatientInput {
        external_id: leyr_app::ExternalIdInput::Personnummer(personnummer.to_owned()),
        first_name: " Tolvan ".to_owned(),
        last_name: "Tolvansson".to_owned(),
        phones: vec!["+46701234567".to_owned()],
        emails: vec!["tolvan@example.com".to_owned()],
    }
}

fn patient(personnummer: &str) -> Patient {
    Patient {
        leyr_id: None,
        emr_id: PatientEmrId::new(personnummer).unwrap(),
        external_id: Some(NationalId::Personnummer(personnummer.parse().unwrap()).into()),
        first_name: PersonName::new("Tolvan").unwrap(),
        last_name: PersonName::new("Tolvansson").unwrap(),
        care_unit_id: care_unit(),
        phones: Vec::new(),
        emails: Vec::new(),
    }
}

/// A directory that must never be called.
fn untouched() -> RegisterPatient {
    let mut patients = MockPatientDirectory::new();
    patients.expect_register_patient().times(0);
    RegisterPatient::new(Arc::new(patients), clock_at(now()))
}

#[track_caller]
fn assert_refused(result: Result<Registration, RegisterPatientError>, expected: &str) {
    let error = result.unwrap_err();
    assert_eq!(format!("{error:?}"), expected);
}

#[tokio::test]
async fn an_invalid_personnummer_never_reaches_the_port() {
    let use_case = untouched();
    for (text, expected) in [
        ("191212121213", PersonnummerError::Checksum),
        ("", PersonnummerError::Empty),
        ("19121212 1212", PersonnummerError::Separator),
        ("191213121211", PersonnummerError::Date),
        ("191212120008", PersonnummerError::Serial),
        ("1912121212xx", PersonnummerError::InvalidCharacter),
    ] {
        let error = use_case.run(&care_unit(), &input(text)).await.unwrap_err();
        assert!(
            matches!(error, RegisterPatientError::InvalidPersonnummer(got) if got == expected),
            "{text:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn ten_digit_forms_are_refused_since_their_century_is_a_guess() {
    let use_case = untouched();
    for text in ["121212-1212", "1212121212", "121212+1212"] {
        let error = use_case.run(&care_unit(), &input(text)).await.unwrap_err();
        assert!(
            matches!(
                error,
                RegisterPatientError::InvalidPersonnummer(PersonnummerError::NeedsReferenceDate)
            ),
            "{text:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_birth_date_after_today_is_refused() {
    // Born 2025-06-01 and 2025-03-04; today is 2025-03-03.
    for text in ["202506011234", "20250304-1234"] {
        assert_refused(
            untouched().run(&care_unit(), &input(text)).await,
            "BirthDateInFuture",
        );
    }
}

#[tokio::test]
async fn a_birth_date_of_today_in_stockholm_is_accepted() {
    // 23:30 UTC on 3 March is already 4 March in Stockholm.
    let mut patients = MockPatientDirectory::new();
    patients
        .expect_register_patient()
        .times(1)
        .returning(|_, new| {
            Ok(Registration::Created(patient(
                new.external_id.as_ref().unwrap().as_str(),
            )))
        });
    let late_evening =
        RegisterPatient::new(Arc::new(patients), clock_at(utc("2025-03-03T23:30:00Z")));

    let registration = late_evening
        .run(&care_unit(), &input("202503041234"))
        .await
        .unwrap();

    assert!(registration.was_created());
}

#[tokio::test]
async fn invalid_names_phones_and_emails_never_reach_the_port() {
    let use_case = untouched();
    let cases = [
        (
            RegisterPatientInput {
                first_name: "  ".into(),
                ..input(TOLVAN)
            },
            "InvalidFirstName(EmptyName)",
        ),
        (
            RegisterPatientInput {
                last_name: "R2D2".into(),
                ..input(TOLVAN)
            },
            "InvalidLastName(NameCharacter)",
        ),
        (
            RegisterPatientInput {
                phones: vec!["+46701234567".into(), "070-123 45 67".into()],
                ..input(TOLVAN)
            },
            "InvalidPhone(Phone)",
        ),
        (
            RegisterPatientInput {
                emails: vec!["tolvan".into()],
                ..input(TOLVAN)
            },
            "InvalidEmail(Email)",
        ),
    ];
    for (input, expected) in cases {
        assert_refused(use_case.run(&care_unit(), &input).await, expected);
    }
}

#[tokio::test]
async fn valid_input_is_registered_once_in_canonical_form() {
    let mut patients = MockPatientDirectory::new();
    patients
        .expect_register_patient()
        .withf(|care_unit, new| {
            *care_unit == CareUnitId::new("10").unwrap()
                && new.external_id.as_ref().unwrap().as_str() == TOLVAN
                && new.first_name.as_str() == "Tolvan"
                && new.last_name.as_str() == "Tolvansson"
                && new.phones.len() == 1
                && new.emails[0].as_str() == "tolvan@example.com"
        })
        .times(1)
        .returning(|_, _| Ok(Registration::Existing(patient(TOLVAN))));
    let use_case = RegisterPatient::new(Arc::new(patients), clock_at(now()));

    let registration = use_case
        .run(&care_unit(), &input("19121212-1212"))
        .await
        .unwrap();

    assert!(!registration.was_created());
    assert_eq!(registration.patient().emr_id.as_str(), TOLVAN);
}

#[tokio::test]
async fn port_failures_keep_their_meaning() {
    type Failure = fn() -> WriteError;
    let cases: Vec<(Failure, &str)> = vec![
        (
            || WriteError::NotFound(Entity::CareUnit),
            "NotFound(CareUnit)",
        ),
        (
            || WriteError::OutcomeUnknown(BackendError::new(BackendErrorKind::Timeout)),
            "OutcomeUnknown",
        ),
        (
            || WriteError::Backend(BackendError::new(BackendErrorKind::Unavailable)),
            "Unavailable",
        ),
    ];
    for (failure, expected) in cases {
        let mut patients = MockPatientDirectory::new();
        patients
            .expect_register_patient()
            .times(1)
            .returning(move |_, _| Err(failure()));
        let use_case = RegisterPatient::new(Arc::new(patients), clock_at(now()));
        let error = use_case
            .run(&care_unit(), &input(TOLVAN))
            .await
            .unwrap_err();
        assert!(format!("{error:?}").starts_with(expected), "{error:?}");
    }
}

#[test]
fn validation_alone_needs_no_port() {
    let today = now().date_naive();
    let patient = input("19121212+1212").validate(today).unwrap();
    assert_eq!(patient.external_id.as_ref().unwrap().as_str(), TOLVAN);
    assert!(input("121212-1212").validate(today).is_err());
}
