//! Reschedule, cancel and confirm: rules and batches are checked before the port; changes are
//! sent once.

use std::sync::Arc;

use leyr_app::domain::appointment::{
    AppointmentQuery, AppointmentStatus, BatchError, Comment, ConfirmationCode,
};
use leyr_app::domain::booking_rules::RuleViolation;
use leyr_app::domain::error::{BackendErrorKind, Entity};
use leyr_app::domain::ids::{AppointmentId, HealthcareServiceId, ResourceId};
use leyr_app::domain::ports::{Cancellation, ChangeError, MockAppointmentBook, ReadError};
use leyr_app::domain::timeslot::Timeslot;
use leyr_app::{
    CancelAppointment, ChangeAppointmentError, ConfirmAppointment, ListAppointments,
    RescheduleAppointment, RescheduleCommand,
};

use crate::support::{appointment_for, backend, care_unit, clock_at, now, slot, slot_at, tolvan};

fn id(text: &str) -> AppointmentId {
    AppointmentId::new(text).unwrap()
}

fn target() -> Timeslot {
    slot_at("2025-03-05T10:00:00+01:00", "2025-03-05T10:30:00+01:00")
}

fn command(appointment: &str, slot: Timeslot) -> RescheduleCommand {
    RescheduleCommand {
        patient: tolvan(),
        appointment: id(appointment),
        slot,
        comment: None,
    }
}

/// The EHR holds Tolvan's booked "4711" and cancelled "old": a lookup by id finds them, and the
/// listing for the patient (in whatever window the use case asks) returns both.
fn patients_appointments(appointments: &mut MockAppointmentBook) {
    let stored = || {
        vec![
            appointment_for(&slot(), "4711", AppointmentStatus::Booked),
            appointment_for(&target(), "old", AppointmentStatus::Cancelled),
        ]
    };
    appointments
        .expect_get_appointment()
        .times(1)
        .returning(move |_, wanted| {
            stored()
                .into_iter()
                .find(|appointment| appointment.id() == wanted)
                .ok_or(ReadError::NotFound(Entity::Appointment))
        });
    appointments
        .expect_list_appointments()
        .withf(|_, query| {
            query.patient == Some(tolvan())
                && query.resource_id.is_none()
                && query.start.is_some()
                && query.end.is_some()
        })
        .times(0..=1)
        .returning(move |_, _| Ok(stored()));
}

fn reschedule(appointments: MockAppointmentBook) -> RescheduleAppointment {
    RescheduleAppointment::new(Arc::new(appointments), clock_at(now()))
}

#[tokio::test]
async fn a_reschedule_checks_the_rules_and_moves_the_appointment_once() {
    let mut appointments = MockAppointmentBook::new();
    patients_appointments(&mut appointments);
    appointments
        .expect_reschedule()
        .withf(|_, appointment, request| *appointment == id("4711") && request.slot == target())
        .times(1)
        .returning(|_, _, request| {
            Ok(appointment_for(
                &request.slot,
                "4711",
                AppointmentStatus::Booked,
            ))
        });

    let moved = reschedule(appointments)
        .run(&care_unit(), &command("4711", target()))
        .await
        .unwrap();

    assert_eq!(moved.start(), target().start());
}

#[tokio::test]
async fn an_appointment_the_patient_does_not_have_is_not_found() {
    let mut appointments = MockAppointmentBook::new();
    patients_appointments(&mut appointments);
    appointments.expect_reschedule().times(0);

    let error = reschedule(appointments)
        .run(&care_unit(), &command("9999", target()))
        .await
        .unwrap_err();

    assert!(
        matches!(error, ChangeAppointmentError::NotFound(Entity::Appointment)),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_appointment_of_another_patient_is_not_found() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_get_appointment()
        .times(1)
        .returning(|_, _| Ok(appointment_for(&slot(), "4711", AppointmentStatus::Booked)));
    // Tolvan's own appointments in the window do not include it.
    appointments
        .expect_list_appointments()
        .times(1)
        .returning(|_, _| Ok(Vec::new()));
    appointments.expect_reschedule().times(0);

    let error = reschedule(appointments)
        .run(&care_unit(), &command("4711", target()))
        .await
        .unwrap_err();

    assert!(
        matches!(error, ChangeAppointmentError::NotFound(Entity::Appointment)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_reschedule_breaking_a_rule_never_reaches_the_port() {
    let other_service = Timeslot::new(
        target().start(),
        target().end(),
        ResourceId::new("10-991890000019").unwrap(),
        HealthcareServiceId::new("2002").unwrap(),
    )
    .unwrap();
    let in_the_past = slot_at("2025-03-01T10:00:00+01:00", "2025-03-01T10:30:00+01:00");
    let cases = [
        (
            command("4711", other_service),
            RuleViolation::OtherHealthcareService,
        ),
        (command("4711", in_the_past), RuleViolation::TooShortNotice),
        (
            command("old", target()),
            RuleViolation::Lifecycle(leyr_app::domain::appointment::TransitionError::Cancelled),
        ),
    ];
    for (command, expected) in cases {
        let mut appointments = MockAppointmentBook::new();
        patients_appointments(&mut appointments);
        appointments.expect_reschedule().times(0);
        let error = reschedule(appointments)
            .run(&care_unit(), &command)
            .await
            .unwrap_err();
        assert!(
            matches!(&error, ChangeAppointmentError::Rule(got) if *got == expected),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn an_unclear_reschedule_is_returned_and_never_retried() {
    let mut appointments = MockAppointmentBook::new();
    patients_appointments(&mut appointments);
    appointments
        .expect_reschedule()
        .times(1)
        .returning(|_, _, _| {
            Err(ChangeError::OutcomeUnknown(backend(
                BackendErrorKind::Timeout,
            )))
        });

    let error = reschedule(appointments)
        .run(&care_unit(), &command("4711", target()))
        .await
        .unwrap_err();

    assert!(
        matches!(error, ChangeAppointmentError::OutcomeUnknown(_)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_taken_target_slot_is_reported() {
    let mut appointments = MockAppointmentBook::new();
    patients_appointments(&mut appointments);
    appointments
        .expect_reschedule()
        .times(1)
        .returning(|_, _, _| Err(ChangeError::SlotTaken));

    let error = reschedule(appointments)
        .run(&care_unit(), &command("4711", target()))
        .await
        .unwrap_err();

    assert!(matches!(error, ChangeAppointmentError::SlotTaken));
}

#[tokio::test]
async fn cancel_many_checks_the_batch_before_the_port() {
    let mut appointments = MockAppointmentBook::new();
    appointments.expect_cancel_many().times(0);
    let cancel = CancelAppointment::new(Arc::new(appointments));
    let cases = [
        (Vec::new(), BatchError::Empty),
        (vec![id("1"), id("2"), id("1")], BatchError::Duplicate),
        (
            (0..51).map(|n| id(&n.to_string())).collect(),
            BatchError::TooMany,
        ),
    ];
    for (ids, expected) in cases {
        let error = cancel
            .run_many(&care_unit(), ids, &Cancellation::default())
            .await
            .unwrap_err();
        assert!(
            matches!(error, ChangeAppointmentError::InvalidBatch(got) if got == expected),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn cancel_many_sends_the_ids_in_order() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_cancel_many()
        .withf(|_, batch, cancellation| {
            batch.ids() == [id("2"), id("1")] && cancellation.comment.is_some()
        })
        .times(1)
        .returning(|_, batch, _| {
            Ok(batch
                .ids()
                .iter()
                .map(|id| appointment_for(&slot(), id.as_str(), AppointmentStatus::Cancelled))
                .collect())
        });
    let cancel = CancelAppointment::new(Arc::new(appointments));
    let cancellation = Cancellation {
        comment: Some(Comment::new("Patient is ill").unwrap()),
    };

    let cancelled = cancel
        .run_many(&care_unit(), vec![id("2"), id("1")], &cancellation)
        .await
        .unwrap();

    assert_eq!(
        cancelled
            .iter()
            .map(|a| a.id().as_str())
            .collect::<Vec<_>>(),
        ["2", "1"]
    );
}

#[tokio::test]
async fn a_too_long_cancellation_comment_never_reaches_the_port() {
    let mut appointments = MockAppointmentBook::new();
    appointments.expect_cancel().times(0);
    appointments.expect_cancel_many().times(0);
    let cancel = CancelAppointment::new(Arc::new(appointments));
    let cancellation = Cancellation {
        comment: Some(Comment::new("x".repeat(501)).unwrap()),
    };

    let one = cancel
        .run(&care_unit(), &id("1"), &cancellation)
        .await
        .unwrap_err();
    let many = cancel
        .run_many(&care_unit(), vec![id("1")], &cancellation)
        .await
        .unwrap_err();

    for error in [one, many] {
        assert!(
            matches!(
                error,
                ChangeAppointmentError::Rule(RuleViolation::CommentTooLong { max: 500 })
            ),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn one_cancellation_is_sent_once_and_failures_keep_their_meaning() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_cancel()
        .times(1)
        .returning(|_, _, _| Err(ChangeError::NotFound(Entity::Appointment)));
    let cancel = CancelAppointment::new(Arc::new(appointments));

    let error = cancel
        .run(&care_unit(), &id("1"), &Cancellation::default())
        .await
        .unwrap_err();

    assert!(matches!(
        error,
        ChangeAppointmentError::NotFound(Entity::Appointment)
    ));
}

#[tokio::test]
async fn a_confirmation_passes_the_code() {
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_confirm()
        .withf(|_, appointment, code| *appointment == id("7") && code.as_str() == "123456")
        .times(1)
        .returning(|_, _, _| Ok(appointment_for(&slot(), "7", AppointmentStatus::Booked)));
    let confirm = ConfirmAppointment::new(Arc::new(appointments));

    let confirmed = confirm
        .run(
            &care_unit(),
            &id("7"),
            &ConfirmationCode::new("123456").unwrap(),
        )
        .await
        .unwrap();

    assert_eq!(*confirmed.status(), AppointmentStatus::Booked);
}

#[tokio::test]
async fn listing_passes_the_query_through() {
    let query = AppointmentQuery {
        resource_id: Some(ResourceId::new("10-991890000019").unwrap()),
        start: Some(slot().start()),
        ..AppointmentQuery::default()
    };
    let expected = query.clone();
    let mut appointments = MockAppointmentBook::new();
    appointments
        .expect_list_appointments()
        .withf(move |_, got| *got == expected)
        .times(1)
        .returning(|_, _| {
            Ok(vec![appointment_for(
                &slot(),
                "1",
                AppointmentStatus::Cancelled,
            )])
        });

    let listed = ListAppointments::new(Arc::new(appointments))
        .run(&care_unit(), &query)
        .await
        .unwrap();

    assert_eq!(listed.len(), 1);
}
