//! The suite for every EHR profile (contract §9, C43, C46a, C47): the same obligations as the
//! TakeCare sections, read from a seed world instead of TakeCare's constants, and each guarded
//! by the capability it needs. Where the profile lacks the capability, the check asks anyway
//! and expects the typed "not supported" refusal (`Rejected` with
//! [`RejectionCode::NotSupported`]), which both adapters give, whether they refuse before
//! sending or Leyr answers `NOT_SUPPORTED`. Confirmation by code (Anita Systems) plays the
//! patient by reading the code from the EHR's message log.

use std::fmt;

use leyr_domain::appointment::{
    Appointment, AppointmentQuery, AppointmentStatus, BookingRequest, ConfirmationCode,
    RescheduleRequest,
};
use leyr_domain::ehr::{Confirmation, ExternalIdRule, NationalNumber, Operation};
use leyr_domain::error::{Rejection, RejectionCode};
use leyr_domain::ids::{AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId};
use leyr_domain::national_id::{ExternalId, ExternalIdText};
use leyr_domain::patient::{NewPatient, PatientRef, PatientSearch, PhoneNumber};
use leyr_domain::ports::{BookError, Cancellation, ChangeError, Ports, ReadError, WriteError};
use leyr_domain::timeslot::{Timeslot, TimeslotQuery};
use leyr_in_memory::InMemoryEhr;
use leyr_in_memory::seed::{SeedCareUnit, SeedWorld};

use crate::support::{days_from_now, name, parse, small_pdf, unstructured_note};

/// The refusal a port error carries, if it is one.
trait Refusal {
    fn rejection(&self) -> Option<&Rejection>;
}

macro_rules! refusal {
    ($($error:ident),*) => {$(
        impl Refusal for $error {
            fn rejection(&self) -> Option<&Rejection> {
                match self {
                    $error::Rejected(rejection) => Some(rejection),
                    _ => None,
                }
            }
        }
    )*};
}
refusal!(ReadError, WriteError, BookError, ChangeError);

/// Where the adapter must refuse: panics unless `result` is the typed "not supported by this
/// EHR" refusal.
#[track_caller]
fn expect_not_supported<T: fmt::Debug, E: Refusal + fmt::Debug>(
    code: &str,
    what: Operation,
    result: &Result<T, E>,
) {
    let refused = matches!(result, Err(error) if error
        .rejection()
        .is_some_and(|rejection| *rejection.code() == RejectionCode::NotSupported));
    assert!(
        refused,
        "{code} lacks {what}, so it must be refused as not supported, got {result:?}"
    );
}

/// The world's first care unit, which every check uses.
fn unit(world: &SeedWorld) -> (&SeedCareUnit, CareUnitId) {
    let unit = &world.care_units[0];
    (unit, parse(unit.id))
}

/// How a seed patient is addressed: by its EHR id (its national number where that is the id).
fn seed_patient(world: &SeedWorld, index: usize) -> PatientRef {
    let patient = &world.care_units[0].patients[index];
    let id = patient
        .emr_id
        .or(patient.national_id)
        .expect("a seed patient has an id");
    PatientRef::EmrId(parse::<PatientEmrId>(id))
}

/// Runs every check for `world`'s profile against `subject`, whose data is that seed world on
/// the date of its clock. `ehr` is the in-memory EHR behind `subject` (itself, or the one a
/// sandbox serves): its message log holds the codes a patient would receive.
pub async fn run_profile(subject: &Ports, world: &SeedWorld, ehr: &InMemoryEhr) {
    the_catalog_is_the_seed_world(subject, world).await;
    seed_patients_are_found_where_the_profile_looks_them_up(subject, world).await;
    registration_follows_the_profile(subject, world).await;
    the_lifecycle_works_as_far_as_the_profile_goes(subject, world, ehr).await;
    notes_and_documents_where_the_profile_keeps_them(subject, world).await;
}

/// C47: the care units, resources and services are the seed's, and each resource is found by
/// its id.
pub async fn the_catalog_is_the_seed_world(subject: &Ports, world: &SeedWorld) {
    let code = world.profile.code;
    let units = subject.catalog.list_care_units().await.expect("care units");
    let ids: Vec<&str> = units.iter().map(|unit| unit.id.as_str()).collect();
    let seeded: Vec<&str> = world.care_units.iter().map(|unit| unit.id).collect();
    assert_eq!(ids, seeded, "{code}: the care units of the seed");
    let (seed, care_unit) = unit(world);
    let resources = subject
        .catalog
        .list_resources(&care_unit)
        .await
        .expect("resources");
    let mut expected: Vec<&str> = seed.resources.iter().map(|resource| resource.id).collect();
    expected.sort_unstable();
    let listed: Vec<&str> = resources
        .iter()
        .map(|resource| resource.id.as_str())
        .collect();
    assert_eq!(listed, expected, "{code}: the resources, in id order");
    for resource in &resources {
        let found = subject
            .catalog
            .get_resource(&care_unit, &resource.id)
            .await
            .expect("a listed resource");
        assert_eq!(found.id, resource.id, "{code}");
    }
    let services = subject
        .catalog
        .list_healthcare_services(&care_unit)
        .await
        .expect("services");
    assert_eq!(services.len(), seed.services.len(), "{code}: the services");
}

/// The seed's patients are found by EHR id, by national number where the profile takes that
/// type, and by name where it searches; elsewhere the lookup is refused as not supported.
pub async fn seed_patients_are_found_where_the_profile_looks_them_up(
    subject: &Ports,
    world: &SeedWorld,
) {
    let profile = world.profile;
    let code = profile.code;
    let (seed, care_unit) = unit(world);
    if !profile.supports(Operation::GetPatient) {
        let result = subject
            .patients
            .get_patient(&care_unit, &seed_patient(world, 0))
            .await;
        expect_not_supported(code, Operation::GetPatient, &result);
    } else {
        for (index, patient) in seed.patients.iter().enumerate() {
            let found = subject
                .patients
                .get_patient(&care_unit, &seed_patient(world, index))
                .await
                .unwrap_or_else(|error| panic!("{code}: seed patient {index}: {error:?}"));
            assert_eq!(found.first_name.as_str(), patient.first_name, "{code}");
            let national = patient.national_id.and_then(ExternalId::read);
            if let Some(number) = national.as_ref().and_then(ExternalId::national_id) {
                let by_number = PatientRef::National(number);
                if profile.accepts_patient_id(by_number.id_type()) {
                    let again = subject
                        .patients
                        .get_patient(&care_unit, &by_number)
                        .await
                        .unwrap_or_else(|error| panic!("{code}: by national number: {error:?}"));
                    assert_eq!(again.emr_id, found.emr_id, "{code}: one patient, two ids");
                }
            }
        }
    }
    let search = PatientSearch::new(Some(name(seed.patients[0].first_name)), None)
        .expect("a search by first name");
    let found = subject.patients.find_patients(&care_unit, &search).await;
    if profile.supports(Operation::FindPatients) {
        let found = found.unwrap_or_else(|error| panic!("{code}: find_patients: {error:?}"));
        assert!(
            found
                .iter()
                .any(|patient| patient.first_name.as_str() == seed.patients[0].first_name),
            "{code}: the first seed patient is found by first name"
        );
    } else {
        expect_not_supported(code, Operation::FindPatients, &found);
    }
}

/// A number of the profile's kind that no seed patient has: a Tenor synthetic fødselsnummer
/// or a personnummer from public test data.
fn fresh_number(number: NationalNumber) -> ExternalId {
    let text = match number {
        NationalNumber::NorwegianFodselsnummer => "02838897382",
        _ => "190905271474",
    };
    ExternalId::read(text).expect("a valid test number")
}

/// What each profile asks of a registration (§9.2): a required number is required, a phone
/// where the profile needs one; a valid registration creates the patient and a second one with
/// the same `external_id` finds it again (C17).
pub async fn registration_follows_the_profile(subject: &Ports, world: &SeedWorld) {
    let profile = world.profile;
    let code = profile.code;
    let (_, care_unit) = unit(world);
    let phones = vec![PhoneNumber::new("+4740000077").expect("a phone")];
    let base = NewPatient {
        external_id: None,
        first_name: name("Registrert"),
        last_name: name("Pasient"),
        phones: phones.clone(),
        emails: Vec::new(),
    };
    if profile.requires_phone {
        let without_phone = NewPatient {
            phones: Vec::new(),
            ..base.clone()
        };
        let refused = subject
            .patients
            .register_patient(&care_unit, &without_phone)
            .await;
        assert!(
            matches!(&refused, Err(WriteError::Rejected(_))),
            "{code} requires a phone: {refused:?}"
        );
    }
    let external_id = match profile.external_id {
        ExternalIdRule::Required(number) => {
            let missing = subject.patients.register_patient(&care_unit, &base).await;
            assert!(
                matches!(&missing, Err(WriteError::Rejected(_))),
                "{code} requires an external_id: {missing:?}"
            );
            Some(fresh_number(number))
        }
        ExternalIdRule::Optional(number) => Some(fresh_number(number)),
        _ => Some(ExternalId::Text(
            ExternalIdText::new("CONTRACT-0001").expect("a text id"),
        )),
    };
    let new_patient = NewPatient {
        external_id,
        ..base
    };
    let first = subject
        .patients
        .register_patient(&care_unit, &new_patient)
        .await
        .unwrap_or_else(|error| panic!("{code}: a valid registration: {error:?}"));
    let again = subject
        .patients
        .register_patient(&care_unit, &new_patient)
        .await
        .unwrap_or_else(|error| panic!("{code}: registering again: {error:?}"));
    assert!(
        !again.was_created(),
        "{code}: an upsert on external_id (C17)"
    );
    assert_eq!(again.patient().emr_id, first.patient().emr_id, "{code}");
    assert_eq!(
        first.patient().external_id,
        new_patient.external_id,
        "{code}: the external_id is kept as given"
    );
}

/// The first free slot of the unit's first resource and its first service, at least a day
/// ahead (the checks before this one leave those days alone).
async fn first_free_slot(subject: &Ports, world: &SeedWorld, from_days: i64) -> Timeslot {
    let (seed, care_unit) = unit(world);
    let resource = &seed.resources[0];
    let mut query = TimeslotQuery::new(days_from_now(subject, from_days, 14));
    query.resource_id = Some(parse::<ResourceId>(resource.id));
    query.healthcare_service_id = Some(parse::<HealthcareServiceId>(resource.services[0]));
    let slots = subject
        .availability
        .find_timeslots(&care_unit, &query)
        .await
        .unwrap_or_else(|error| panic!("{}: find_timeslots: {error:?}", world.profile.code));
    slots
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{}: a free slot {from_days} days ahead", world.profile.code))
}

async fn is_free(subject: &Ports, world: &SeedWorld, slot: &Timeslot) -> bool {
    let (_, care_unit) = unit(world);
    let mut query = TimeslotQuery::new(
        leyr_domain::timeslot::TimeWindow::new(slot.start(), slot.end())
            .expect("a slot is a window"),
    );
    query.resource_id = Some(slot.resource_id().clone());
    subject
        .availability
        .find_timeslots(&care_unit, &query)
        .await
        .expect("find_timeslots")
        .iter()
        .any(|free| {
            free.start() == slot.start()
                && free.healthcare_service_id() == slot.healthcare_service_id()
        })
}

/// The newest code sent for `id`.
fn code_for(ehr: &InMemoryEhr, id: &AppointmentId) -> ConfirmationCode {
    ehr.messages(100)
        .into_iter()
        .find(|message| message.appointment_id == *id)
        .map(|message| message.code)
        .unwrap_or_else(|| panic!("no code was sent for {id}"))
}

/// Book, confirm where the profile confirms by code, look up, reschedule and cancel, each
/// where the profile supports it and refused as not supported where it does not.
pub async fn the_lifecycle_works_as_far_as_the_profile_goes(
    subject: &Ports,
    world: &SeedWorld,
    ehr: &InMemoryEhr,
) {
    let profile = world.profile;
    let code = profile.code;
    let (_, care_unit) = unit(world);
    let slot = first_free_slot(subject, world, 3).await;
    let request = BookingRequest {
        patient: seed_patient(world, 0),
        slot: slot.clone(),
        comment: None,
    };
    let booked = subject
        .appointments
        .book(&care_unit, &request)
        .await
        .unwrap_or_else(|error| panic!("{code}: booking a free slot: {error:?}"));
    assert!(
        !is_free(subject, world, &slot).await,
        "{code}: the slot is taken"
    );
    let second = subject.appointments.book(&care_unit, &request).await;
    assert!(
        matches!(second, Err(BookError::SlotTaken)),
        "{code}: a second booking of the slot: {second:?}"
    );
    let booked = match profile.booking {
        Confirmation::Code => {
            assert_eq!(
                booked.status(),
                &AppointmentStatus::AwaitingConfirmation,
                "{code}"
            );
            let wrong = ConfirmationCode::new("not-the-code").expect("a code");
            let refused = subject
                .appointments
                .confirm(&care_unit, booked.id(), &wrong)
                .await;
            assert!(
                matches!(
                    &refused,
                    Err(ChangeError::Rejected(_) | ChangeError::Forbidden(_))
                ),
                "{code}: a wrong code: {refused:?}"
            );
            let right = code_for(ehr, booked.id());
            let confirmed = subject
                .appointments
                .confirm(&care_unit, booked.id(), &right)
                .await
                .unwrap_or_else(|error| panic!("{code}: the right code: {error:?}"));
            assert_eq!(confirmed.status(), &AppointmentStatus::Booked, "{code}");
            confirmed
        }
        _ => {
            assert_eq!(booked.status(), &AppointmentStatus::Booked, "{code}");
            booked
        }
    };

    let listed = subject
        .appointments
        .list_appointments(
            &care_unit,
            &AppointmentQuery {
                patient: Some(seed_patient(world, 0)),
                ..AppointmentQuery::default()
            },
        )
        .await;
    if profile.supports(Operation::ListAppointments) {
        let listed = listed.unwrap_or_else(|error| panic!("{code}: listing: {error:?}"));
        assert!(
            listed.iter().any(|found| found.id() == booked.id()),
            "{code}: listed"
        );
    } else {
        expect_not_supported(code, Operation::ListAppointments, &listed);
    }
    let found = subject
        .appointments
        .get_appointment(&care_unit, booked.id())
        .await;
    if profile.supports(Operation::GetAppointment) {
        let found = found.unwrap_or_else(|error| panic!("{code}: by id: {error:?}"));
        assert_eq!(found.status(), &AppointmentStatus::Booked, "{code}");
    } else {
        expect_not_supported(code, Operation::GetAppointment, &found);
    }

    let target = first_free_slot(subject, world, 5).await;
    let moved = subject
        .appointments
        .reschedule(
            &care_unit,
            booked.id(),
            &RescheduleRequest {
                slot: target.clone(),
                comment: None,
            },
        )
        .await;
    let current_slot = if profile.supports(Operation::Reschedule) {
        let moved = moved.unwrap_or_else(|error| panic!("{code}: reschedule: {error:?}"));
        assert_eq!(moved.start(), target.start(), "{code}");
        assert!(
            is_free(subject, world, &slot).await,
            "{code}: the old slot is free"
        );
        target
    } else {
        expect_not_supported(code, Operation::Reschedule, &moved);
        slot
    };

    let cancelled = subject
        .appointments
        .cancel(&care_unit, booked.id(), &Cancellation::default())
        .await;
    if !profile.supports(Operation::Cancel) {
        expect_not_supported(code, Operation::Cancel, &cancelled);
        return;
    }
    let cancelled = cancelled.unwrap_or_else(|error| panic!("{code}: cancel: {error:?}"));
    let cancelled: Appointment = match profile.cancellation {
        Confirmation::Code => {
            // Two steps: a new id awaiting its code; the original keeps its slot meanwhile.
            assert_ne!(cancelled.id(), booked.id(), "{code}: a new id to confirm");
            assert_eq!(cancelled.status(), &AppointmentStatus::AwaitingConfirmation);
            assert!(
                !is_free(subject, world, &current_slot).await,
                "{code}: still held"
            );
            let right = code_for(ehr, cancelled.id());
            let done = subject
                .appointments
                .confirm(&care_unit, cancelled.id(), &right)
                .await
                .unwrap_or_else(|error| panic!("{code}: confirming the cancellation: {error:?}"));
            assert_eq!(done.id(), booked.id(), "{code}: the original is cancelled");
            done
        }
        _ => cancelled,
    };
    assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled, "{code}");
    assert!(
        is_free(subject, world, &current_slot).await,
        "{code}: the slot is free again"
    );
}

/// Notes and documents where the profile keeps them; refused as not supported elsewhere.
pub async fn notes_and_documents_where_the_profile_keeps_them(subject: &Ports, world: &SeedWorld) {
    let profile = world.profile;
    let code = profile.code;
    let (seed, care_unit) = unit(world);
    let patient = seed_patient(world, 0);
    let author = seed.resources[0].id;
    let note = unstructured_note("Kontroll", "Mår bra.");
    let note = leyr_domain::medical_note::NewMedicalNote {
        author: parse(author),
        ..note
    };
    let written = subject.notes.write_note(&care_unit, &patient, &note).await;
    let listed = subject.notes.list_notes(&care_unit, &patient).await;
    if profile.supports(Operation::WriteNote) {
        let written = written.unwrap_or_else(|error| panic!("{code}: write_note: {error:?}"));
        let listed = listed.unwrap_or_else(|error| panic!("{code}: list_notes: {error:?}"));
        assert!(
            listed.iter().any(|found| found.id == written.id),
            "{code}: listed"
        );
    } else {
        expect_not_supported(code, Operation::WriteNote, &written);
        expect_not_supported(code, Operation::ListNotes, &listed);
    }
    let uploaded = subject
        .documents
        .upload_document(&care_unit, &patient, &small_pdf(author))
        .await;
    if profile.supports(Operation::UploadDocument) {
        uploaded.unwrap_or_else(|error| panic!("{code}: upload_document: {error:?}"));
    } else {
        expect_not_supported(code, Operation::UploadDocument, &uploaded);
    }
    let batch = leyr_domain::appointment::AppointmentBatch::new(vec![parse(
        "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a",
    )])
    .expect("a batch");
    let many = subject
        .appointments
        .cancel_many(&care_unit, &batch, &Cancellation::default())
        .await;
    if !profile.supports(Operation::CancelMany) {
        expect_not_supported(code, Operation::CancelMany, &many);
    }
}
