//! Behaviour the contract leaves to each adapter, pinned for the in-memory one: exact errors,
//! time, registration rules and custom datasets.

use leyr_domain::national_id::NationalId;
use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta};
use leyr_domain::appointment::{
    AppointmentQuery, AppointmentStatus, BookingRequest, ConfirmationCode, RescheduleRequest,
    TransitionError,
};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::ids::CareUnitId;
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{NewPatient, PatientRef, PersonName};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    MedicalNotes, PatientDirectory, ReadError, WriteError,
};
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{
    CareUnitData, Dataset, DatasetError, InMemoryEhr, ManualClock, ResourceData, seed,
};

use crate::{
    a_free_slot, all_appointments, book, care_unit, patient, resource, seeded, service, slot,
    stockholm, utc,
};

#[tokio::test]
async fn a_booking_is_completed_once_its_end_has_passed_and_then_cannot_change() {
    let (ehr, clock) = seeded();
    let timeslot = a_free_slot(&ehr, 1).await;
    let appointment = book(&ehr, seed::TEST_PATIENTS[2], &timeslot).await;
    clock.set(timeslot.end().to_utc());
    assert_eq!(
        all_appointments(&ehr).await.last().unwrap().status(),
        &AppointmentStatus::Booked,
        "ends at now: not yet"
    );
    clock.advance(TimeDelta::seconds(1));
    let listed = all_appointments(&ehr).await;
    let reported = listed
        .iter()
        .find(|listed| listed.id() == appointment.id())
        .unwrap();
    assert_eq!(reported.status(), &AppointmentStatus::Completed);
    let got = ehr
        .cancel(&care_unit(), appointment.id(), &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::Forbidden(TransitionError::Completed))),
        "{got:?}"
    );
    let later = a_free_slot(&ehr, 1).await;
    let got = ehr
        .reschedule(
            &care_unit(),
            appointment.id(),
            &RescheduleRequest {
                slot: later,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::Forbidden(TransitionError::Completed))),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_slot_is_offered_only_while_it_starts_after_now() {
    let (ehr, clock) = seeded();
    let timeslot = a_free_slot(&ehr, 1).await;
    clock.set(timeslot.start().to_utc());
    let window = TimeWindow::starting_at(timeslot.start(), TimeDelta::hours(1)).unwrap();
    let listed = ehr
        .find_timeslots(&care_unit(), &TimeslotQuery::new(window))
        .await
        .unwrap();
    assert!(
        listed
            .iter()
            .all(|listed| listed.start() > timeslot.start())
    );
    let request = BookingRequest {
        patient: patient(seed::TEST_PATIENTS[2]),
        slot: timeslot,
        comment: None,
    };
    assert!(matches!(
        ehr.book(&care_unit(), &request).await,
        Err(BookError::SlotTaken)
    ));
}

#[tokio::test]
async fn refusals_name_the_lifecycle_rule() {
    let (ehr, _) = seeded();
    let code = ConfirmationCode::new("123456").unwrap();
    let appointment = book(&ehr, seed::TEST_PATIENTS[3], &a_free_slot(&ehr, 1).await).await;
    let got = ehr.confirm(&care_unit(), appointment.id(), &code).await;
    assert!(
        matches!(
            got,
            Err(ChangeError::Forbidden(
                TransitionError::NotAwaitingConfirmation
            ))
        ),
        "{got:?}"
    );
    ehr.cancel(&care_unit(), appointment.id(), &Cancellation::default())
        .await
        .unwrap();
    let target = a_free_slot(&ehr, 2).await;
    let got = ehr
        .reschedule(
            &care_unit(),
            appointment.id(),
            &RescheduleRequest {
                slot: target,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::Forbidden(TransitionError::Cancelled))),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_wrong_confirmation_code_is_bad_input() {
    let code = ConfirmationCode::new("123456").unwrap();
    let ehr = InMemoryEhr::builder()
        .confirmation_code(code.clone())
        .build()
        .unwrap();
    let appointment = book(&ehr, seed::TEST_PATIENTS[3], &a_free_slot(&ehr, 1).await).await;
    assert_eq!(
        appointment.status(),
        &AppointmentStatus::AwaitingConfirmation
    );
    let got = ehr
        .confirm(
            &care_unit(),
            appointment.id(),
            &ConfirmationCode::new("654321").unwrap(),
        )
        .await;
    assert!(
        matches!(&got, Err(ChangeError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "{got:?}"
    );
    let got = ehr
        .reschedule(
            &care_unit(),
            appointment.id(),
            &RescheduleRequest {
                slot: a_free_slot(&ehr, 2).await,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::Forbidden(TransitionError::NotBooked))),
        "an awaiting booking cannot move: {got:?}"
    );
    let confirmed = ehr
        .confirm(&care_unit(), appointment.id(), &code)
        .await
        .unwrap();
    assert_eq!(confirmed.status(), &AppointmentStatus::Booked);
}

#[tokio::test]
async fn a_cancellation_comment_longer_than_500_characters_is_rejected() {
    let (ehr, _) = seeded();
    let appointment = book(&ehr, seed::TEST_PATIENTS[3], &a_free_slot(&ehr, 1).await).await;
    let long = leyr_domain::appointment::Comment::new("x".repeat(501)).unwrap();
    let got = ehr
        .cancel(
            &care_unit(),
            appointment.id(),
            &Cancellation {
                comment: Some(long),
            },
        )
        .await;
    assert!(
        matches!(&got, Err(ChangeError::Rejected(rejection)) if *rejection.code() == RejectionCode::InvalidCommentLength)
    );
    assert_eq!(
        all_appointments(&ehr).await.last().unwrap().status(),
        &AppointmentStatus::Booked,
        "nothing changed"
    );
}

#[tokio::test]
async fn booking_checks_patient_then_resource_then_service() {
    let (ehr, _) = seeded();
    let timeslot = a_free_slot(&ehr, 1).await;
    let unknown_patient = PatientRef::EmrId("nobody".parse().unwrap());
    let cases = [
        (
            unknown_patient.clone(),
            slot(timeslot.start(), 30, "nobody", "nobody"),
            Entity::Patient,
        ),
        (
            patient(seed::TEST_PATIENTS[0]),
            slot(timeslot.start(), 30, "nobody", "nobody"),
            Entity::Resource,
        ),
        (
            patient(seed::TEST_PATIENTS[0]),
            slot(timeslot.start(), 30, seed::DR_EHN, "nobody"),
            Entity::HealthcareService,
        ),
    ];
    for (who, what, expected) in cases {
        let got = ehr
            .book(
                &care_unit(),
                &BookingRequest {
                    patient: who,
                    slot: what,
                    comment: None,
                },
            )
            .await;
        assert!(
            matches!(got, Err(BookError::NotFound(entity)) if entity == expected),
            "{expected:?}: {got:?}"
        );
    }
}

#[tokio::test]
async fn resource_ids_may_carry_the_emr_id_prefix() {
    let (ehr, _) = seeded();
    let typed = resource(&format!("emr_id:{}", seed::DR_EHN));
    let found = ehr.get_resource(&care_unit(), &typed).await.unwrap();
    assert_eq!(found.id.as_str(), seed::DR_EHN);
    let timeslot = a_free_slot(&ehr, 1).await;
    let typed_slot = Timeslot::new(
        timeslot.start(),
        timeslot.end(),
        typed,
        timeslot.healthcare_service_id().clone(),
    )
    .unwrap();
    let appointment = book(&ehr, seed::TEST_PATIENTS[4], &typed_slot).await;
    assert_eq!(
        appointment.resource_id().unwrap().as_str(),
        seed::DR_EHN,
        "answers carry the bare EHR id (C21)"
    );
}

fn new_patient(personnummer: &str) -> NewPatient {
    NewPatient {
        external_id: Some(NationalId::Personnummer(personnummer.parse().unwrap()).into()),
        first_name: PersonName::new("Anders").unwrap(),
        last_name: PersonName::new("Andersson").unwrap(),
        phones: Vec::new(),
        emails: Vec::new(),
    }
}

/// `eleven` digits with their Luhn check digit.
fn with_check_digit(eleven: &str) -> String {
    let sum: u32 = eleven[2..]
        .bytes()
        .enumerate()
        .map(|(position, byte)| {
            let product = u32::from(byte - b'0') * if position % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    format!("{eleven}{}", (10 - sum % 10) % 10)
}

#[tokio::test]
async fn registration_refuses_unknown_and_future_birth_dates() {
    let (ehr, _) = seeded();
    // Today (2025-01-06) is accepted, tomorrow is not.
    let today = with_check_digit("20250106001");
    assert!(
        ehr.register_patient(&care_unit(), &new_patient(&today))
            .await
            .unwrap()
            .was_created()
    );
    let tomorrow = with_check_digit("20250107001");
    let got = ehr
        .register_patient(&care_unit(), &new_patient(&tomorrow))
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "{got:?}"
    );
    // A coordination number with an unknown month is a valid number, but not for TakeCare (C33).
    let unknown_month = with_check_digit("19800061001");
    assert!(unknown_month.parse::<Personnummer>().is_ok());
    let got = ehr
        .register_patient(&care_unit(), &new_patient(&unknown_month))
        .await;
    assert!(matches!(got, Err(WriteError::Rejected(_))), "{got:?}");
}

#[tokio::test]
async fn a_registered_patient_gets_a_leyr_id_and_can_book() {
    let (ehr, _) = seeded();
    let number = with_check_digit("19810101001");
    let created = ehr
        .register_patient(&care_unit(), &new_patient(&number))
        .await
        .unwrap()
        .into_patient();
    assert!(crate::seed_data::is_uuid_v4(
        created.leyr_id.as_ref().unwrap().as_str()
    ));
    let appointment = book(&ehr, &number, &a_free_slot(&ehr, 1).await).await;
    assert_eq!(appointment.patient(), Some(&created.emr_id));
}

#[tokio::test]
async fn notes_are_dated_now_in_stockholm() {
    let clock = ManualClock::new(utc("2025-07-01T12:34:56Z"));
    let ehr = InMemoryEhr::seeded(Arc::new(clock));
    let note = NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new("Telefonkontakt").unwrap(),
        author: resource(seed::NURSE_LIND),
        text: NoteText::new("Ringde patienten.").unwrap(),
    };
    let written = ehr
        .write_note(&care_unit(), &patient(seed::TEST_PATIENTS[5]), &note)
        .await
        .unwrap();
    assert_eq!(written.created_at.to_rfc3339(), "2025-07-01T14:34:56+02:00");
}

fn custom_unit() -> CareUnitData {
    let mut unit = CareUnitData::new(CareUnit {
        id: CareUnitId::new("20").unwrap(),
        name: None,
    });
    unit.services = vec![HealthcareService {
        id: service("X"),
        name: None,
        duration: Some(TimeDelta::minutes(45)),
    }];
    unit.resources = vec![ResourceData {
        resource: Resource {
            id: resource("R"),
            name: None,
        },
        services: vec![service("X")],
    }];
    unit
}

#[tokio::test]
async fn explicit_slots_are_served_in_stockholm_time_and_deduplicated() {
    let mut unit = custom_unit();
    let start = chrono::DateTime::parse_from_rfc3339("2025-01-07T07:00:00Z").unwrap();
    let explicit = Timeslot::new(
        start,
        start + TimeDelta::minutes(45),
        resource("R"),
        service("X"),
    )
    .unwrap();
    unit.timeslots = vec![explicit.clone(), explicit.clone()];
    let ehr = InMemoryEhr::builder()
        .dataset(Dataset {
            care_units: vec![unit],
        })
        .build()
        .unwrap();
    assert_eq!(ehr.timeslot_count(), 1);
    let window = TimeWindow::starting_at(stockholm(2025, 1, 7, 0, 0), TimeDelta::days(1)).unwrap();
    let unit_id = CareUnitId::new("20").unwrap();
    let listed = ehr
        .find_timeslots(&unit_id, &TimeslotQuery::new(window))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].start().to_rfc3339(), "2025-01-07T08:00:00+01:00");
    assert!(listed[0].same_slot(&explicit));
    assert!(
        matches!(
            ehr.list_resources(&care_unit()).await,
            Err(ReadError::NotFound(Entity::CareUnit))
        ),
        "only unit 20 exists"
    );
}

#[test]
fn build_refuses_a_dataset_with_unknown_references_or_missing_durations() {
    let mut unit = custom_unit();
    let start = stockholm(2025, 1, 7, 8, 0);
    unit.timeslots = vec![
        Timeslot::new(
            start,
            start + TimeDelta::minutes(45),
            resource("R"),
            service("X"),
        )
        .unwrap(),
        Timeslot::new(
            start,
            start + TimeDelta::minutes(45),
            resource("ghost"),
            service("X"),
        )
        .unwrap(),
    ];
    let dataset = Dataset {
        care_units: vec![unit],
    };
    let refused = InMemoryEhr::builder().dataset(dataset).build();
    assert_eq!(
        refused.err(),
        Some(DatasetError::UnknownReference {
            care_unit: CareUnitId::new("20").unwrap(),
            entity: Entity::Resource
        })
    );

    let mut no_duration = custom_unit();
    no_duration.services[0].duration = None;
    no_duration.weekday_slots = Some(leyr_in_memory::WeekdaySlots {
        from: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
        days: 7,
    });
    let refused = InMemoryEhr::builder()
        .dataset(Dataset {
            care_units: vec![no_duration],
        })
        .build();
    assert!(matches!(refused, Err(DatasetError::NoDuration { .. })));
    assert!(
        InMemoryEhr::builder().build().is_ok(),
        "the seed is a valid dataset"
    );
}

#[tokio::test]
async fn appointments_of_a_resource_and_window_are_listed_in_start_order() {
    let (ehr, _) = seeded();
    let later = a_free_slot(&ehr, 3).await;
    let earlier = a_free_slot(&ehr, 1).await;
    book(&ehr, seed::TEST_PATIENTS[0], &later).await;
    book(&ehr, seed::TEST_PATIENTS[1], &earlier).await;
    let query = AppointmentQuery {
        resource_id: Some(resource(seed::DR_EHN)),
        start: Some(in_stockholm(&utc("2025-01-06T07:00:00Z"))),
        ..AppointmentQuery::default()
    };
    let listed = ehr.list_appointments(&care_unit(), &query).await.unwrap();
    let starts: Vec<_> = listed
        .iter()
        .map(|appointment| appointment.start())
        .collect();
    assert_eq!(starts, [earlier.start(), later.start()]);
}

#[tokio::test]
async fn a_confirmation_after_the_end_answers_completed_as_the_listing_does() {
    // C20 applies to every answer, not only to listings: over HTTP the sandbox reports the
    // confirmed appointment so, and the fake must agree.
    let code = ConfirmationCode::new("123456").unwrap();
    let clock = ManualClock::default();
    let ehr = InMemoryEhr::builder()
        .clock(Arc::new(clock.clone()))
        .confirmation_code(code.clone())
        .build()
        .unwrap();
    let timeslot = a_free_slot(&ehr, 1).await;
    let appointment = book(&ehr, seed::TEST_PATIENTS[3], &timeslot).await;
    clock.set(timeslot.end().to_utc() + TimeDelta::seconds(1));
    let confirmed = ehr
        .confirm(&care_unit(), appointment.id(), &code)
        .await
        .unwrap();
    let listed = all_appointments(&ehr)
        .await
        .into_iter()
        .find(|listed| listed.id() == appointment.id())
        .unwrap();
    assert_eq!(
        confirmed.status(),
        &AppointmentStatus::Completed,
        "booked, and its end has passed"
    );
    assert_eq!(confirmed, listed, "the answer is the appointment as listed");
}

#[test]
fn build_refuses_a_resource_offering_an_unknown_service_even_without_the_generator() {
    let mut unit = custom_unit();
    unit.resources[0].services.push(service("ghost"));
    assert!(unit.weekday_slots.is_none());
    let refused = InMemoryEhr::builder()
        .dataset(Dataset {
            care_units: vec![unit],
        })
        .build();
    assert_eq!(
        refused.err(),
        Some(DatasetError::UnknownReference {
            care_unit: CareUnitId::new("20").unwrap(),
            entity: Entity::HealthcareService
        })
    );
}

#[tokio::test]
async fn a_registered_patient_never_gets_a_leyr_id_another_patient_holds() {
    let number = with_check_digit("19810101001");
    // The first Leyr id the default sequence mints...
    let taken = InMemoryEhr::builder()
        .build()
        .unwrap()
        .register_patient(&care_unit(), &new_patient(&number))
        .await
        .unwrap()
        .into_patient()
        .leyr_id
        .unwrap();
    // ...is already a seeded patient's in a world built from an earlier run's data.
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut dataset = seed::TAKECARE.dataset(start, 7);
    dataset.care_units[0].patients[0].leyr_id = Some(taken.clone());
    let ehr = InMemoryEhr::builder().dataset(dataset).build().unwrap();
    let created = ehr
        .register_patient(&care_unit(), &new_patient(&number))
        .await
        .unwrap()
        .into_patient();
    assert!(created.leyr_id.is_some());
    assert_ne!(created.leyr_id, Some(taken), "two patients share a Leyr id");

    let mut twice = seed::TAKECARE.dataset(start, 7);
    let shared = twice.care_units[0].patients[0].leyr_id.clone();
    twice.care_units[0].patients[1].leyr_id = shared;
    assert_eq!(
        InMemoryEhr::builder().dataset(twice).build().err(),
        Some(DatasetError::Duplicate {
            care_unit: care_unit(),
            entity: Entity::Patient
        }),
        "a dataset with two patients sharing a Leyr id is refused"
    );
}

#[tokio::test]
async fn an_appointment_window_that_does_not_end_after_it_starts_is_bad_input() {
    // §3.9: the sandbox answers such a window with BAD_INPUT, before looking anything up.
    let (ehr, _) = seeded();
    let start = stockholm(2025, 1, 7, 8, 0);
    for end in [start, start - TimeDelta::hours(1)] {
        for patient_filter in [None, Some(PatientRef::EmrId("nobody".parse().unwrap()))] {
            let query = AppointmentQuery {
                patient: patient_filter,
                start: Some(start),
                end: Some(end),
                ..AppointmentQuery::default()
            };
            let got = ehr.list_appointments(&care_unit(), &query).await;
            assert!(
                matches!(&got, Err(ReadError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
                "{got:?}"
            );
        }
    }
}

#[tokio::test]
async fn tracked_changes_give_each_changed_record_once_as_it_is_now() {
    let clock = ManualClock::default();
    let ehr = InMemoryEhr::builder()
        .clock(Arc::new(clock))
        .track_changes()
        .build()
        .unwrap();
    assert!(ehr.take_changes().is_empty(), "loading is not a change");
    let first = book(&ehr, seed::TEST_PATIENTS[0], &a_free_slot(&ehr, 1).await).await;
    let second = book(&ehr, seed::TEST_PATIENTS[0], &a_free_slot(&ehr, 2).await).await;
    ehr.cancel(&care_unit(), first.id(), &Cancellation::default())
        .await
        .unwrap();
    let changes = ehr.take_changes();
    let appointments: Vec<_> = changes
        .iter()
        .filter_map(|change| match change {
            leyr_in_memory::Change::Appointment(appointment) => Some(appointment),
            _ => None,
        })
        .collect();
    assert_eq!(appointments.len(), 2, "each appointment once");
    assert_eq!(appointments[0].id(), first.id(), "in creation order");
    assert_eq!(
        appointments[0].status(),
        &AppointmentStatus::Cancelled,
        "as it is now"
    );
    assert_eq!(appointments[1].id(), second.id());
    assert!(ehr.take_changes().is_empty(), "taken once");

    let untracked = InMemoryEhr::seeded(ehr.clock());
    book(
        &untracked,
        seed::TEST_PATIENTS[0],
        &a_free_slot(&untracked, 1).await,
    )
    .await;
    assert!(untracked.take_changes().is_empty());
}

#[test]
fn every_problem_of_a_dataset_is_reported_and_held_appointments_may_not_overlap() {
    let mut unit = custom_unit();
    let start = stockholm(2025, 1, 7, 8, 0);
    let appointment = |id: &str, status: AppointmentStatus, minutes: i64| {
        leyr_domain::appointment::Appointment::new(leyr_domain::appointment::AppointmentParts {
            id: leyr_domain::ids::AppointmentId::new(id).unwrap(),
            status,
            start: start + TimeDelta::minutes(minutes),
            end: start + TimeDelta::minutes(minutes + 45),
            comment: None,
            care_unit_id: CareUnitId::new("20").unwrap(),
            patient: None,
            resource_id: Some(resource("R")),
            healthcare_service_id: Some(service("X")),
        })
        .unwrap()
    };
    unit.appointments = vec![
        appointment("a", AppointmentStatus::Booked, 0),
        appointment("b", AppointmentStatus::Booked, 30),
        // Cancelled ones hold nothing; one starting as another ends does not overlap.
        appointment("c", AppointmentStatus::Cancelled, 10),
        appointment("d", AppointmentStatus::AwaitingConfirmation, 75),
        appointment("a", AppointmentStatus::Cancelled, 200),
    ];
    let problems = InMemoryEhr::builder()
        .dataset(Dataset {
            care_units: vec![unit],
        })
        .try_build()
        .unwrap_err();
    let care_unit = CareUnitId::new("20").unwrap();
    assert_eq!(
        problems,
        vec![
            DatasetError::Duplicate {
                care_unit: care_unit.clone(),
                entity: Entity::Appointment
            },
            // a and b overlap; d starts as b ends.
            DatasetError::Overlap { care_unit },
        ]
    );
}
