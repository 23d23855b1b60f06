//! Checks that an unknown care unit, patient, resource, service or appointment is `NotFound` of
//! its kind, whichever port method is asked.

use chrono::TimeDelta;
use leyr_domain::appointment::{
    AppointmentBatch, AppointmentQuery, BookingRequest, ConfirmationCode, RescheduleRequest,
};
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::{NewPatient, PatientRef, PatientSearch};
use leyr_domain::ports::{BookError, Cancellation, ChangeError, ReadError, WriteError};
use leyr_domain::timeslot::{Timeslot, TimeslotQuery};

use crate::Ports;
use crate::seed::{
    DR_EHN, GAMMA, NEW_DOCTOR_VISIT, UNKNOWN_APPOINTMENT, UNKNOWN_CARE_UNIT, UNKNOWN_RESOURCE,
};
use crate::support::{
    by_personnummer, care_unit, days_from_now, ehn_new_visits, name, parse, resource, service,
    small_pdf, unregistered_personnummer, unstructured_note,
};

/// Every port method answers `NotFound(CareUnit)` for an unknown care unit.
pub async fn an_unknown_care_unit_is_not_found_by_any_method(subject: &Ports) {
    let unknown: CareUnitId = parse(UNKNOWN_CARE_UNIT);
    let patient = by_personnummer(GAMMA);
    let window = days_from_now(subject, 1, 7);
    let slot = Timeslot::new(
        window.start(),
        window.start() + TimeDelta::minutes(30),
        resource(DR_EHN),
        service(NEW_DOCTOR_VISIT),
    )
    .expect("a valid slot");
    let appointment: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let not_found = |what: &str, error: Option<Entity>| {
        assert_eq!(
            error,
            Some(Entity::CareUnit),
            "{what} on an unknown care unit must be NotFound(CareUnit)"
        );
    };
    let read = |result: Result<(), ReadError>| match result {
        Err(ReadError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    let write = |result: Result<(), WriteError>| match result {
        Err(WriteError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    let change = |result: Result<(), ChangeError>| match result {
        Err(ChangeError::NotFound(entity)) => Some(entity),
        _ => None,
    };

    not_found(
        "list_resources",
        read(subject.catalog.list_resources(&unknown).await.map(drop)),
    );
    not_found(
        "get_resource",
        read(
            subject
                .catalog
                .get_resource(&unknown, &resource(DR_EHN))
                .await
                .map(drop),
        ),
    );
    not_found(
        "list_healthcare_services",
        read(
            subject
                .catalog
                .list_healthcare_services(&unknown)
                .await
                .map(drop),
        ),
    );
    not_found(
        "get_patient",
        read(
            subject
                .patients
                .get_patient(&unknown, &patient)
                .await
                .map(drop),
        ),
    );
    let search = PatientSearch::new(Some(name("Tolvan")), None).expect("a search");
    not_found(
        "find_patients",
        read(
            subject
                .patients
                .find_patients(&unknown, &search)
                .await
                .map(drop),
        ),
    );
    let new_patient = NewPatient {
        external_id: Some(NationalId::Personnummer(parse(GAMMA)).into()),
        first_name: name("Testperson"),
        last_name: name("Gamma"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    not_found(
        "register_patient",
        write(
            subject
                .patients
                .register_patient(&unknown, &new_patient)
                .await
                .map(drop),
        ),
    );
    not_found(
        "find_timeslots",
        read(
            subject
                .availability
                .find_timeslots(&unknown, &TimeslotQuery::new(window))
                .await
                .map(drop),
        ),
    );
    let request = BookingRequest {
        patient: patient.clone(),
        slot: slot.clone(),
        comment: None,
    };
    let booked = match subject.appointments.book(&unknown, &request).await {
        Err(BookError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    not_found("book", booked);
    not_found(
        "list_appointments",
        read(
            subject
                .appointments
                .list_appointments(&unknown, &AppointmentQuery::default())
                .await
                .map(drop),
        ),
    );
    let reschedule = RescheduleRequest {
        slot,
        comment: None,
    };
    not_found(
        "reschedule",
        change(
            subject
                .appointments
                .reschedule(&unknown, &appointment, &reschedule)
                .await
                .map(drop),
        ),
    );
    not_found(
        "cancel",
        change(
            subject
                .appointments
                .cancel(&unknown, &appointment, &Cancellation::default())
                .await
                .map(drop),
        ),
    );
    let batch = AppointmentBatch::new(vec![appointment.clone()]).expect("a batch");
    not_found(
        "cancel_many",
        change(
            subject
                .appointments
                .cancel_many(&unknown, &batch, &Cancellation::default())
                .await
                .map(drop),
        ),
    );
    let code = ConfirmationCode::new("123456").expect("a code");
    not_found(
        "confirm",
        change(
            subject
                .appointments
                .confirm(&unknown, &appointment, &code)
                .await
                .map(drop),
        ),
    );
    not_found(
        "list_notes",
        read(subject.notes.list_notes(&unknown, &patient).await.map(drop)),
    );
    not_found(
        "write_note",
        write(
            subject
                .notes
                .write_note(
                    &unknown,
                    &patient,
                    &unstructured_note("Contract", "Unknown care unit."),
                )
                .await
                .map(drop),
        ),
    );
    not_found(
        "upload_document",
        write(
            subject
                .documents
                .upload_document(&unknown, &patient, &small_pdf(DR_EHN))
                .await
                .map(drop),
        ),
    );
}

/// Unknown patients, resources, services and appointments are `NotFound` of their kind.
pub async fn unknown_ids_are_not_found_with_their_kind(subject: &Ports) {
    let unit = care_unit();
    let unknown_personnummer = unregistered_personnummer(subject, "19750505").await;
    for patient in [
        PatientRef::National(NationalId::Personnummer(unknown_personnummer)),
        PatientRef::EmrId(parse("contract-unknown-patient")),
    ] {
        let got = subject.patients.get_patient(&unit, &patient).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "get_patient of an unknown patient: {got:?}"
        );
        let got = subject.notes.list_notes(&unit, &patient).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "list_notes of an unknown patient: {got:?}"
        );
        let query = AppointmentQuery {
            patient: Some(patient.clone()),
            ..AppointmentQuery::default()
        };
        let got = subject.appointments.list_appointments(&unit, &query).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "list_appointments of an unknown patient: {got:?}"
        );
    }

    let got = subject
        .catalog
        .get_resource(&unit, &resource(UNKNOWN_RESOURCE))
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "get_resource of an unknown resource: {got:?}"
    );
    let window = days_from_now(subject, 0, 7);
    let got = subject
        .availability
        .find_timeslots(
            &unit,
            &TimeslotQuery::new(window).resource(resource(UNKNOWN_RESOURCE)),
        )
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "find_timeslots of an unknown resource: {got:?}"
    );
    let got = subject
        .availability
        .find_timeslots(
            &unit,
            &TimeslotQuery::new(window).service(service("contract-unknown-service")),
        )
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::HealthcareService))),
        "find_timeslots of an unknown service: {got:?}"
    );
    let query = AppointmentQuery {
        resource_id: Some(resource(UNKNOWN_RESOURCE)),
        ..AppointmentQuery::default()
    };
    let got = subject.appointments.list_appointments(&unit, &query).await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "list_appointments of an unknown resource: {got:?}"
    );

    let slot = ehn_new_visits(subject, 1).await.remove(0);
    let request = BookingRequest {
        patient: PatientRef::National(NationalId::Personnummer(unknown_personnummer)),
        slot,
        comment: None,
    };
    let got = subject.appointments.book(&unit, &request).await;
    assert!(
        matches!(got, Err(BookError::NotFound(Entity::Patient))),
        "booking for an unknown patient: {got:?}"
    );
    let known = ehn_new_visits(subject, 1).await.remove(0);
    let unknown_resource = Timeslot::new(
        known.start(),
        known.end(),
        resource(UNKNOWN_RESOURCE),
        known.healthcare_service_id().clone(),
    )
    .expect("a valid slot");
    let unknown_service = Timeslot::new(
        known.start(),
        known.end(),
        known.resource_id().clone(),
        service("contract-unknown-service"),
    )
    .expect("a valid slot");
    for (what, slot, entity) in [
        ("an unknown resource", unknown_resource, Entity::Resource),
        (
            "an unknown service",
            unknown_service,
            Entity::HealthcareService,
        ),
    ] {
        let request = BookingRequest {
            patient: by_personnummer(GAMMA),
            slot,
            comment: None,
        };
        let got = subject.appointments.book(&unit, &request).await;
        assert!(
            matches!(got, Err(BookError::NotFound(found)) if found == entity),
            "booking a slot of {what} must be NotFound({entity:?}): {got:?}"
        );
    }

    let appointment: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let slot = ehn_new_visits(subject, 1).await.remove(0);
    let got = subject
        .appointments
        .reschedule(
            &unit,
            &appointment,
            &RescheduleRequest {
                slot,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "reschedule of an unknown appointment: {got:?}"
    );
    let got = subject
        .appointments
        .cancel(&unit, &appointment, &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "cancel of an unknown appointment: {got:?}"
    );
    let code = ConfirmationCode::new("123456").expect("a code");
    let got = subject
        .appointments
        .confirm(&unit, &appointment, &code)
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "confirm of an unknown appointment: {got:?}"
    );
}
