//! The use cases over `leyr-in-memory`'s faithful fake: behaviour, not interactions.

use leyr_app::domain::national_id::NationalId;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use leyr_app::domain::appointment::{
    AppointmentQuery, AppointmentStatus, BookingRequest, Comment, ConfirmationCode,
};
use leyr_app::domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_app::domain::patient::PatientRef;
use leyr_app::domain::ports::{Cancellation, Clock, Ports};
use leyr_app::domain::retry::RetryPolicy;
use leyr_app::domain::timeslot::Timeslot;
use leyr_app::{
    BookAppointmentError, Booking, RegisterPatientInput, RescheduleCommand, TimeslotFilter,
    WriteMedicalNoteInput,
};
use leyr_in_memory::seed::{CARE_UNIT, DR_EHN, NEW_DOCTOR_VISIT, RECOMMENDED_PATIENT};
use leyr_in_memory::{Fault, InMemoryEhr, ManualClock, Operation};
use tokio::time::Instant;

use crate::support::capture_traces;

/// A new patient (not in the seed): born 1981-12-18.
const NEW_PATIENT: &str = "198112189876";

struct World {
    leyr: Booking,
    ehr: InMemoryEhr,
    clock: ManualClock,
    care_unit: CareUnitId,
}

fn world_with(ehr: impl FnOnce(Arc<dyn Clock>) -> InMemoryEhr) -> World {
    let clock = ManualClock::default();
    let ehr = ehr(Arc::new(clock.clone()));
    let ports = Ports::from_adapter(ehr.clone(), clock.clone());
    World {
        leyr: Booking::new(ports),
        ehr,
        clock,
        care_unit: CareUnitId::new(CARE_UNIT).unwrap(),
    }
}

fn world() -> World {
    world_with(InMemoryEhr::seeded)
}

fn dr_ehn_new_visits() -> TimeslotFilter {
    TimeslotFilter {
        resource_id: Some(ResourceId::new(DR_EHN).unwrap()),
        healthcare_service_id: Some(HealthcareServiceId::new(NEW_DOCTOR_VISIT).unwrap()),
        window: None,
    }
}

impl World {
    async fn free_slots(&self) -> Vec<Timeslot> {
        let slots = self
            .leyr
            .find_timeslots(&self.care_unit, &dr_ehn_new_visits())
            .await
            .unwrap();
        assert!(!slots.is_empty(), "the seed offers Dr Ehn's new visits");
        slots
    }

    async fn appointments_of(
        &self,
        patient: &PatientRef,
    ) -> Vec<leyr_app::domain::appointment::Appointment> {
        let query = AppointmentQuery {
            patient: Some(patient.clone()),
            ..AppointmentQuery::default()
        };
        self.leyr
            .list_appointments(&self.care_unit, &query)
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn the_whole_lifecycle_register_book_reschedule_cancel_and_note() {
    let world = world();
    let care_unit = &world.care_unit;
    let (captured, _guard) = capture_traces();

    // Register a new patient from raw input; registering again finds the same patient.
    let input = RegisterPatientInput {
        external_id: leyr_app::ExternalIdInput::Personnummer("19811218-9876".to_owned()),
        first_name: "Sigrid".to_owned(),
        last_name: "Storm".to_owned(),
        phones: vec!["+46701234567".to_owned()],
        emails: vec!["sigrid@example.com".to_owned()],
    };
    let registration = world
        .leyr
        .register_patient(care_unit, &input)
        .await
        .unwrap();
    assert!(registration.was_created());
    let again = world
        .leyr
        .register_patient(care_unit, &input)
        .await
        .unwrap();
    assert!(!again.was_created());
    let patient = registration.patient().reference();
    let found = world
        .leyr
        .find_patient(
            care_unit,
            &PatientRef::National(NationalId::Personnummer(NEW_PATIENT.parse().unwrap())),
        )
        .await
        .unwrap();
    assert_eq!(found.emr_id, registration.patient().emr_id);

    // Book the first free slot in the next 30 days.
    let slots = world.free_slots().await;
    assert!(slots.iter().all(|slot| slot.start() > world.clock.now()));
    assert!(
        slots
            .iter()
            .all(|slot| slot.start() < world.clock.now() + TimeDelta::days(30))
    );
    let first = slots[0].clone();
    let comment = Some(Comment::new("First visit").unwrap());
    let booked = world
        .leyr
        .book(
            care_unit,
            &BookingRequest {
                patient: patient.clone(),
                slot: first.clone(),
                comment,
            },
        )
        .await
        .unwrap();
    assert!(!booked.recovered);
    assert!(booked.appointment.matches_slot(&first));
    assert!(!world.free_slots().await.contains(&first));

    // The patient's appointments hold it.
    let listed = world.appointments_of(&patient).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id(), booked.appointment.id());

    // Move it to a later slot of the same service, freeing the first.
    let later = world
        .free_slots()
        .await
        .into_iter()
        .find(|slot| slot.start() >= first.end())
        .unwrap();
    let command = RescheduleCommand {
        patient: patient.clone(),
        appointment: booked.appointment.id().clone(),
        slot: later.clone(),
        comment: None,
    };
    let moved = world.leyr.reschedule(care_unit, &command).await.unwrap();
    assert!(moved.matches_slot(&later));
    assert!(world.free_slots().await.contains(&first));

    // Cancel it, with a comment.
    let cancellation = Cancellation {
        comment: Some(Comment::new("Patient is feverish").unwrap()),
    };
    let cancelled = world
        .leyr
        .cancel(care_unit, moved.id(), &cancellation)
        .await
        .unwrap();
    assert!(
        matches!(&cancelled, leyr_app::Cancelled::Done(done) if *done.status() == AppointmentStatus::Cancelled)
    );
    assert!(world.free_slots().await.contains(&later));

    // Write a note and read it back.
    let note = WriteMedicalNoteInput::unstructured(
        ResourceId::new(DR_EHN).unwrap(),
        "Phone call",
        "Cancelled, feverish.",
    );
    let written = world
        .leyr
        .write_note(care_unit, &patient, &note)
        .await
        .unwrap();
    let notes = world.leyr.read_notes(care_unit, &patient).await.unwrap();
    assert_eq!(
        notes.iter().map(|note| &note.id).collect::<Vec<_>>(),
        [&written.id]
    );
    assert_eq!(
        notes[0].text.as_ref().map(|text| text.as_str()),
        Some("Cancelled, feverish.")
    );

    // Nothing of the patient's showed in the traces.
    let text = captured.text();
    for secret in [
        "19811218",
        "811218",
        "Sigrid",
        "Storm",
        "+4670",
        "example.com",
        "feverish",
    ] {
        assert!(!text.contains(secret), "{secret:?} in traces: {text}");
    }
}

#[tokio::test]
async fn a_lost_booking_answer_is_reconciled_into_exactly_one_appointment() {
    let world = world();
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let before = world.appointments_of(&patient).await.len();
    let slot = world.free_slots().await[0].clone();
    world
        .ehr
        .faults()
        .script(Operation::Book, [Fault::OutcomeUnknown]);

    let booked = world
        .leyr
        .book(
            &world.care_unit,
            &BookingRequest {
                patient: patient.clone(),
                slot: slot.clone(),
                comment: None,
            },
        )
        .await
        .unwrap();

    assert!(booked.recovered);
    assert_eq!(booked.attempts, 1);
    let after = world.appointments_of(&patient).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(
        after
            .iter()
            .filter(|appointment| appointment.matches_slot(&slot))
            .count(),
        1
    );
    assert_eq!(world.ehr.faults().pending(Operation::Book), 0);
}

#[tokio::test(start_paused = true)]
async fn an_unavailable_ehr_is_retried_after_its_retry_after_and_books_once() {
    let world = world();
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let slot = world.free_slots().await[0].clone();
    let busy = Fault::Unavailable {
        retry_after: Some(Duration::from_secs(2)),
    };
    world
        .ehr
        .faults()
        .script(Operation::Book, [busy.clone(), busy]);
    let started = Instant::now();

    let booked = world
        .leyr
        .book(
            &world.care_unit,
            &BookingRequest {
                patient: patient.clone(),
                slot: slot.clone(),
                comment: None,
            },
        )
        .await
        .unwrap();

    assert!(!booked.recovered);
    assert_eq!(booked.attempts, 3);
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    let matching = world
        .appointments_of(&patient)
        .await
        .into_iter()
        .filter(|a| a.matches_slot(&slot))
        .count();
    assert_eq!(matching, 1);
}

#[tokio::test]
async fn a_lost_answer_with_a_failing_listing_stays_unknown() {
    let world = world();
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let slot = world.free_slots().await[0].clone();
    world
        .ehr
        .faults()
        .script(Operation::Book, [Fault::OutcomeUnknown]);
    let leyr = world
        .leyr
        .clone()
        .with_retry_policy(RetryPolicy::default().with_backoff([]));
    let request = BookingRequest {
        patient: patient.clone(),
        slot: slot.clone(),
        comment: None,
    };
    // The first listing (the rules') goes through; the second (the reconciliation's) is lost.
    world.ehr.faults().script(
        Operation::ListAppointments,
        [Fault::Latency(Duration::ZERO), Fault::OutcomeUnknown],
    );

    let error = leyr.book(&world.care_unit, &request).await.unwrap_err();

    assert!(
        matches!(error, BookAppointmentError::OutcomeUnknown(_)),
        "{error:?}"
    );
    // The booking did happen, and was posted only once.
    let matching = world
        .appointments_of(&patient)
        .await
        .into_iter()
        .filter(|a| a.matches_slot(&slot))
        .count();
    assert_eq!(matching, 1);
}

#[tokio::test]
async fn a_taken_slot_is_reported_as_taken() {
    let world = world();
    let slot = world.free_slots().await[0].clone();
    let alfa = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let tolvan = PatientRef::National(NationalId::Personnummer("191212121212".parse().unwrap()));
    world
        .leyr
        .book(
            &world.care_unit,
            &BookingRequest {
                patient: alfa,
                slot: slot.clone(),
                comment: None,
            },
        )
        .await
        .unwrap();

    let error = world
        .leyr
        .book(
            &world.care_unit,
            &BookingRequest {
                patient: tolvan,
                slot,
                comment: None,
            },
        )
        .await
        .unwrap_err();

    assert!(
        matches!(error, BookAppointmentError::SlotTaken),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_booking_awaiting_confirmation_is_confirmed_with_the_code() {
    let code = ConfirmationCode::new("424242").unwrap();
    let world = world_with(|clock| {
        InMemoryEhr::builder()
            .clock(clock)
            .confirmation_code(code.clone())
            .build()
            .unwrap()
    });
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let slot = world.free_slots().await[0].clone();

    let booked = world
        .leyr
        .book(
            &world.care_unit,
            &BookingRequest {
                patient,
                slot,
                comment: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        *booked.appointment.status(),
        AppointmentStatus::AwaitingConfirmation
    );
    let confirmed = world
        .leyr
        .confirm(&world.care_unit, booked.appointment.id(), &code)
        .await
        .unwrap();

    assert_eq!(*confirmed.status(), AppointmentStatus::Booked);
}

#[tokio::test]
async fn cancel_many_cancels_all_in_order() {
    let world = world();
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse().unwrap(),
    ));
    let slots = world.free_slots().await;
    let mut ids = Vec::new();
    for slot in [&slots[0], &slots[slots.len() - 1]] {
        let request = BookingRequest {
            patient: patient.clone(),
            slot: slot.clone(),
            comment: None,
        };
        ids.push(
            world
                .leyr
                .book(&world.care_unit, &request)
                .await
                .unwrap()
                .appointment
                .id()
                .clone(),
        );
    }
    ids.reverse();

    let cancelled = world
        .leyr
        .cancel_many(&world.care_unit, ids.clone(), &Cancellation::default())
        .await
        .unwrap();

    assert_eq!(
        cancelled.iter().map(|a| a.id().clone()).collect::<Vec<_>>(),
        ids
    );
    assert!(
        cancelled
            .iter()
            .all(|a| *a.status() == AppointmentStatus::Cancelled)
    );
}
