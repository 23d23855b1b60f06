//! The reads: catalog, patients, timeslots and notes; and writing notes.

use leyr_app::domain::catalog::{CareUnit, HealthcareService};
use leyr_app::domain::error::{BackendErrorKind, Entity};
use leyr_app::domain::ids::{CareUnitId, HealthcareServiceId, NoteId, ResourceId};
use leyr_app::domain::medical_note::{MedicalNote, NoteError, NoteTemplate};
use leyr_app::domain::patient::{PatientSearch, PersonName};
use leyr_app::domain::ports::{ReadError, WriteError};
use leyr_app::domain::timeslot::TimeWindow;
use leyr_app::{QueryError, TimeslotFilter, WriteMedicalNoteInput, WriteRecordError};

use crate::support::{DR_EHN, Mocks, at, backend, care_unit, now, slot, tolvan, utc};

#[tokio::test]
async fn the_default_timeslot_window_is_thirty_calendar_days_in_stockholm() {
    // 20 March is in winter time (+01:00), 19 April in summer time (+02:00): the window keeps
    // the wall-clock time, so it is one hour shorter than 30 times 24 hours.
    let mut mocks = Mocks::default();
    mocks
        .availability
        .expect_find_timeslots()
        .withf(|care_unit, query| {
            *care_unit == CareUnitId::new("10").unwrap()
                && query.window.start() == at("2025-03-20T11:00:00+01:00")
                && query.window.start().offset().local_minus_utc() == 3600
                && query.window.end() == at("2025-04-19T11:00:00+02:00")
                && query.resource_id == Some(ResourceId::new(DR_EHN).unwrap())
                && query.healthcare_service_id.is_none()
        })
        .times(1)
        .returning(|_, _| Ok(vec![slot()]));
    let leyr = leyr_app::Booking::new(mocks.ports(utc("2025-03-20T10:00:00Z")));
    let filter = TimeslotFilter {
        resource_id: Some(ResourceId::new(DR_EHN).unwrap()),
        ..TimeslotFilter::default()
    };

    let slots = leyr.find_timeslots(&care_unit(), &filter).await.unwrap();

    assert_eq!(slots, [slot()]);
}

#[tokio::test]
async fn a_given_timeslot_window_is_used_as_is() {
    let window = TimeWindow::new(
        at("2025-03-04T00:00:00+01:00"),
        at("2025-03-05T00:00:00+01:00"),
    )
    .unwrap();
    let mut mocks = Mocks::default();
    mocks
        .availability
        .expect_find_timeslots()
        .withf(move |_, query| {
            query.window == window
                && query.healthcare_service_id == Some(HealthcareServiceId::new("1001").unwrap())
        })
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    let filter = TimeslotFilter {
        healthcare_service_id: Some(HealthcareServiceId::new("1001").unwrap()),
        window: Some(window),
        ..TimeslotFilter::default()
    };

    assert!(
        mocks
            .booking()
            .find_timeslots(&care_unit(), &filter)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_catalog_is_read_through_the_port() {
    let mut mocks = Mocks::default();
    mocks
        .catalog
        .expect_list_care_units()
        .times(1)
        .returning(|| {
            Ok(vec![CareUnit {
                id: CareUnitId::new("10").unwrap(),
                name: None,
            }])
        });
    mocks
        .catalog
        .expect_list_healthcare_services()
        .times(1)
        .returning(|_| {
            Ok(vec![HealthcareService {
                id: HealthcareServiceId::new("1001").unwrap(),
                name: None,
                duration: None,
            }])
        });
    mocks
        .catalog
        .expect_list_resources()
        .times(1)
        .returning(|_| Err(ReadError::NotFound(Entity::CareUnit)));
    let leyr = mocks.booking();

    assert_eq!(leyr.care_units().await.unwrap().len(), 1);
    assert_eq!(leyr.services(&care_unit()).await.unwrap().len(), 1);
    assert!(matches!(
        leyr.resources(&care_unit()).await,
        Err(QueryError::NotFound(Entity::CareUnit))
    ));
}

#[tokio::test]
async fn patients_are_found_by_reference_and_by_name() {
    let mut mocks = Mocks::default();
    mocks
        .patients
        .expect_get_patient()
        .withf(|_, patient| *patient == tolvan())
        .times(1)
        .returning(|_, _| Err(ReadError::NotFound(Entity::Patient)));
    mocks
        .patients
        .expect_find_patients()
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    let leyr = mocks.booking();
    let search = PatientSearch::new(Some(PersonName::new("Tolvan").unwrap()), None).unwrap();

    assert!(matches!(
        leyr.find_patient(&care_unit(), &tolvan()).await,
        Err(QueryError::NotFound(Entity::Patient))
    ));
    assert!(
        leyr.search_patients(&care_unit(), &search)
            .await
            .unwrap()
            .is_empty()
    );
}

fn note_input(title: &str, text: &str) -> WriteMedicalNoteInput {
    WriteMedicalNoteInput::unstructured(ResourceId::new(DR_EHN).unwrap(), title, text)
}

#[tokio::test]
async fn an_invalid_note_never_reaches_the_port() {
    let mut mocks = Mocks::default();
    mocks.notes.expect_write_note().times(0);
    let leyr = mocks.booking();

    let no_title = leyr
        .write_note(&care_unit(), &tolvan(), &note_input(" ", "text"))
        .await
        .unwrap_err();
    let two_lines = leyr
        .write_note(&care_unit(), &tolvan(), &note_input("a\nb", "text"))
        .await
        .unwrap_err();
    let no_text = leyr
        .write_note(&care_unit(), &tolvan(), &note_input("Visit", ""))
        .await
        .unwrap_err();

    assert!(matches!(
        no_title,
        WriteRecordError::InvalidTitle(NoteError::Empty)
    ));
    assert!(matches!(
        two_lines,
        WriteRecordError::InvalidTitle(NoteError::ControlCharacter)
    ));
    assert!(matches!(
        no_text,
        WriteRecordError::InvalidText(NoteError::Empty)
    ));
}

#[tokio::test]
async fn a_note_is_written_once_and_read_back() {
    let mut mocks = Mocks::default();
    mocks
        .notes
        .expect_write_note()
        .withf(|_, patient, note| {
            *patient == tolvan()
                && note.template == NoteTemplate::Unstructured
                && note.title.as_str() == "Visit"
                && note.text.as_str() == "Mild headache."
        })
        .times(1)
        .returning(|_, _, note| {
            Ok(MedicalNote {
                id: NoteId::new("n1").unwrap(),
                created_at: now().fixed_offset(),
                template: Some(note.template.clone()),
                title: Some(note.title.clone()),
                author: Some(note.author.clone()),
                text: Some(note.text.clone()),
            })
        });
    mocks
        .notes
        .expect_list_notes()
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    let leyr = mocks.booking();

    let note = leyr
        .write_note(
            &care_unit(),
            &tolvan(),
            &note_input("Visit", "Mild headache."),
        )
        .await
        .unwrap();
    let notes = leyr.read_notes(&care_unit(), &tolvan()).await.unwrap();

    assert_eq!(note.id.as_str(), "n1");
    assert!(notes.is_empty());
}

#[tokio::test]
async fn an_unclear_note_write_is_reported_and_not_retried() {
    let mut mocks = Mocks::default();
    mocks
        .notes
        .expect_write_note()
        .times(1)
        .returning(|_, _, _| {
            Err(WriteError::OutcomeUnknown(backend(
                BackendErrorKind::Timeout,
            )))
        });

    let error = mocks
        .booking()
        .write_note(&care_unit(), &tolvan(), &note_input("Visit", "Text"))
        .await
        .unwrap_err();

    assert!(matches!(error, WriteRecordError::OutcomeUnknown(_)));
}
