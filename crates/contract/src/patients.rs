//! Checks of `PatientDirectory`: lookups by personnummer and by EHR id, search by name, and
//! registration as an upsert that refuses impossible birth dates.

use chrono::Datelike;
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::{
    EmailAddress, NewPatient, PatientRef, PatientSearch, PhoneNumber, Registration,
};
use leyr_domain::ports::{ReadError, WriteError};
use leyr_domain::time::in_stockholm;

use crate::Ports;
use crate::seed::{BETA, CARE_UNIT, TOLVAN, ZETA, test_patients};
use crate::support::{
    by_personnummer, care_unit, emr_id_of, get_patient, name, parse, unregistered_personnummer,
};

/// Each test patient is found by personnummer and by EHR id, the same patient both ways, with
/// the seed's name.
pub async fn patient_lookups_by_personnummer_and_emr_id_agree(subject: &Ports) {
    for (number, first_name, last_name) in test_patients() {
        let by_number = get_patient(subject, &by_personnummer(number)).await;
        let by_emr_id = get_patient(subject, &PatientRef::EmrId(by_number.emr_id.clone())).await;
        assert_eq!(
            by_number,
            by_emr_id,
            "test patient #{} differs by personnummer and by EHR id",
            position_of(number)
        );
        assert_eq!(
            (by_number.first_name.as_str(), by_number.last_name.as_str()),
            (first_name, last_name),
            "test patient #{} has the wrong name",
            position_of(number)
        );
        assert!(
            by_number
                .external_id
                .as_ref()
                .is_none_or(|external_id| external_id.as_str() == number),
            "test patient #{} carries another personnummer",
            position_of(number)
        );
        assert_eq!(
            by_number.care_unit_id.as_str(),
            CARE_UNIT,
            "test patient #{} is in another care unit",
            position_of(number)
        );
    }
}

/// Index of a test patient, for messages that must not print the personnummer.
fn position_of(number: &str) -> usize {
    test_patients()
        .position(|(candidate, _, _)| candidate == number)
        .unwrap_or(usize::MAX)
}

/// A seeded patient's EHR id is its personnummer, so a [`PatientRef::EmrId`] holding the
/// personnummer reaches it (contracts C6, C32); it has no phones or e-mails. Leyr's own patient
/// id is not an EHR id: a lookup by it is `NotFound(Patient)` (C6).
pub async fn a_leyr_patient_id_does_not_address_a_patient(subject: &Ports) {
    for (number, _, _) in test_patients() {
        let position = position_of(number);
        let patient = get_patient(subject, &by_personnummer(number)).await;
        assert_eq!(
            patient.emr_id.as_str(),
            number,
            "test patient #{position}: the EHR id is the personnummer"
        );
        assert!(
            patient.phones.is_empty() && patient.emails.is_empty(),
            "test patient #{position} has no phones or e-mails"
        );
        let by_text = get_patient(subject, &PatientRef::EmrId(parse(number))).await;
        assert_eq!(
            by_text, patient,
            "test patient #{position}: the personnummer as EHR id reaches the same patient"
        );
        let Some(leyr_id) = &patient.leyr_id else {
            continue;
        };
        let got = subject
            .patients
            .get_patient(&care_unit(), &PatientRef::EmrId(parse(leyr_id.as_str())))
            .await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "test patient #{position} must not be reached by its Leyr id: {got:?}"
        );
    }
}

/// `find_patients` matches each given name exactly, ignoring case; no match gives `[]`.
pub async fn find_patients_matches_names_ignoring_case(subject: &Ports) {
    let find = |first: Option<&str>, last: Option<&str>| {
        let search = PatientSearch::new(first.map(name), last.map(name)).expect("a search");
        async move {
            subject
                .patients
                .find_patients(&care_unit(), &search)
                .await
                .expect("find_patients failed")
        }
    };
    let tolvan = find(Some("TOLVAN"), Some("tolvansson")).await;
    let tolvan_id = emr_id_of(subject, TOLVAN).await;
    assert_eq!(tolvan.len(), 1, "exactly one Tolvan Tolvansson");
    assert_eq!(
        tolvan[0].emr_id, tolvan_id,
        "the Tolvan found is the test patient"
    );

    let testpersons = find(Some("testperson"), None).await;
    for (number, _, last_name) in test_patients().skip(1) {
        let emr_id = emr_id_of(subject, number).await;
        assert!(
            testpersons.iter().any(|patient| patient.emr_id == emr_id),
            "first name search misses Testperson {last_name}"
        );
    }
    let zeta = find(None, Some("ZeTa")).await;
    assert_eq!(zeta.len(), 1, "exactly one patient named Zeta");
    assert_eq!(zeta[0].emr_id, emr_id_of(subject, ZETA).await);
    assert!(
        find(Some("Tolva"), None).await.is_empty(),
        "a partial name must not match"
    );
    assert!(
        find(Some("Nobody"), Some("Nowhere")).await.is_empty(),
        "an unknown name gives []"
    );
}

/// Registering a new personnummer creates the patient (EHR id = personnummer), found by either
/// reference; registering it again, with other names, phones and e-mails, returns the same
/// patient unchanged, and so does registering a seeded patient under another name.
pub async fn register_patient_is_an_upsert(subject: &Ports) {
    let personnummer = unregistered_personnummer(subject, "19810101").await;
    let first = NewPatient {
        external_id: Some(personnummer.into()),
        first_name: name("Anders"),
        last_name: name("Andersson"),
        phones: vec![PhoneNumber::new("+46701234567").expect("a phone")],
        emails: Vec::new(),
    };
    let created = match subject
        .patients
        .register_patient(&care_unit(), &first)
        .await
    {
        Ok(Registration::Created(patient)) => patient,
        other => panic!("registering a new patient must answer Created, got {other:?}"),
    };
    assert_eq!(
        created.emr_id.as_str(),
        personnummer.as_str(),
        "a new TakeCare patient's EHR id is its personnummer"
    );
    assert_eq!(
        (created.first_name.as_str(), created.last_name.as_str()),
        ("Anders", "Andersson")
    );

    let second = NewPatient {
        first_name: name("Bertil"),
        last_name: name("Bertilsson"),
        phones: Vec::new(),
        emails: vec![EmailAddress::new("bertil@example.com").expect("an e-mail")],
        ..first
    };
    match subject
        .patients
        .register_patient(&care_unit(), &second)
        .await
    {
        Ok(Registration::Existing(patient)) => {
            assert_eq!(patient, created, "an existing patient comes back unchanged")
        }
        other => panic!("registering an existing patient must answer Existing, got {other:?}"),
    }
    let found = get_patient(
        subject,
        &PatientRef::National(NationalId::Personnummer(personnummer)),
    )
    .await;
    assert_eq!(
        found, created,
        "the registered patient is found by personnummer"
    );
    let found = get_patient(subject, &PatientRef::EmrId(created.emr_id.clone())).await;
    assert_eq!(found, created, "the registered patient is found by EHR id");

    let beta = get_patient(subject, &by_personnummer(BETA)).await;
    let seeded = NewPatient {
        external_id: Some(NationalId::Personnummer(parse(BETA)).into()),
        first_name: name("Someone"),
        last_name: name("Else"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    match subject
        .patients
        .register_patient(&care_unit(), &seeded)
        .await
    {
        Ok(Registration::Existing(patient)) => {
            assert_eq!(
                patient.last_name.as_str(),
                "Beta",
                "a seeded patient stays unchanged"
            );
            assert_eq!(patient, beta, "a seeded patient comes back as it was");
        }
        other => panic!("registering a seeded patient must answer Existing, got {other:?}"),
    }
    assert_eq!(
        get_patient(subject, &by_personnummer(BETA)).await,
        beta,
        "a seeded patient stays as it was after an upsert under another name"
    );
}

/// A personnummer born after today is refused, and so is a coordination number with an
/// unknown birth date (month `00`), valid as a number but not for TakeCare (contract C33).
pub async fn register_patient_refuses_a_birth_date_after_today(subject: &Ports) {
    let next_year = in_stockholm(&subject.now()).year() + 1;
    let personnummer = unregistered_personnummer(subject, &format!("{next_year}0101")).await;
    let future = NewPatient {
        external_id: Some(personnummer.into()),
        first_name: name("Framtida"),
        last_name: name("Person"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    let got = subject
        .patients
        .register_patient(&care_unit(), &future)
        .await;
    assert!(
        matches!(got, Err(WriteError::Rejected(_))),
        "registering someone born next year must be rejected: {got:?}"
    );
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "an external_id that breaks C33 is BAD_INPUT: {got:?}"
    );

    // Day 61 of month 00: a coordination number issued without a known birth date.
    let unknown_date = unregistered_personnummer(subject, "19800061").await;
    let got = subject
        .patients
        .register_patient(
            &care_unit(),
            &NewPatient {
                external_id: Some(NationalId::Personnummer(unknown_date).into()),
                ..future
            },
        )
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "registering a coordination number without a birth date must be BAD_INPUT: {got:?}"
    );
}
