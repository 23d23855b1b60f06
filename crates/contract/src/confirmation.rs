//! The check of booking with a confirmation code (contract C25), not part of `run_all`: it needs
//! an adapter configured with a code.

use leyr_domain::appointment::{
    AppointmentStatus, BookingRequest, ConfirmationCode, RescheduleRequest,
};
use leyr_domain::error::Entity;
use leyr_domain::ids::AppointmentId;
use leyr_domain::ports::ChangeError;

use crate::Ports;
use crate::seed::{DR_EHN, GAMMA, NEW_DOCTOR_VISIT, UNKNOWN_APPOINTMENT};
use crate::support::{
    appointment_by_id, by_personnummer, cancel, care_unit, days_from_now, ehn_new_visits,
    free_slots, is_refusal, parse,
};

/// For an adapter configured with confirmation `code` (contract C25): a booking awaits
/// confirmation, is listed so and holds its slot; it cannot be moved (C22); a wrong code is
/// refused and changes nothing; an unknown id is `NotFound(Appointment)`; the right code books
/// it, keeping its id, times, resource, service and patient; a second confirmation is refused;
/// an awaiting appointment can be cancelled, freeing its slot, and then cannot be confirmed.
pub async fn confirmation_flow(subject: &Ports, code: &ConfirmationCode) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 10).await;
    let request = BookingRequest {
        patient: by_personnummer(GAMMA),
        slot: slots[0].clone(),
        comment: None,
    };
    let awaiting = subject
        .appointments
        .book(&unit, &request)
        .await
        .expect("booking failed");
    assert_eq!(
        awaiting.status(),
        &AppointmentStatus::AwaitingConfirmation,
        "bookings await confirmation"
    );
    let window = days_from_now(subject, 10, 14);
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        !free.iter().any(|candidate| candidate.same_slot(&slots[0])),
        "an awaiting booking holds its slot"
    );
    assert_eq!(
        appointment_by_id(subject, awaiting.id()).await,
        awaiting,
        "an awaiting booking is listed as awaiting confirmation"
    );
    let move_request = RescheduleRequest {
        slot: slots[2].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, awaiting.id(), &move_request)
        .await;
    assert!(
        is_refusal(&got),
        "moving an appointment awaiting confirmation must be refused: {got:?}"
    );
    let unknown: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let got = subject.appointments.confirm(&unit, &unknown, code).await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "confirming an unknown appointment: {got:?}"
    );

    let wrong = ConfirmationCode::new(if code.as_str() == "contract-wrong" {
        "contract-wrong-2"
    } else {
        "contract-wrong"
    })
    .expect("a code");
    let got = subject
        .appointments
        .confirm(&unit, awaiting.id(), &wrong)
        .await;
    assert!(is_refusal(&got), "a wrong code must be refused: {got:?}");
    assert_eq!(
        appointment_by_id(subject, awaiting.id()).await,
        awaiting,
        "a wrong code and a refused move change nothing"
    );
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[2]))
            && !free.iter().any(|candidate| candidate.same_slot(&slots[0])),
        "a refused move takes no slot and frees none"
    );
    let confirmed = subject
        .appointments
        .confirm(&unit, awaiting.id(), code)
        .await
        .expect("confirming with the right code failed");
    assert_eq!(
        confirmed.status(),
        &AppointmentStatus::Booked,
        "the right code books the appointment"
    );
    assert_eq!(
        (
            confirmed.id(),
            confirmed.start(),
            confirmed.end(),
            confirmed.resource_id(),
            confirmed.healthcare_service_id(),
            confirmed.patient(),
        ),
        (
            awaiting.id(),
            awaiting.start(),
            awaiting.end(),
            awaiting.resource_id(),
            awaiting.healthcare_service_id(),
            awaiting.patient(),
        ),
        "confirming changes the status only"
    );
    assert_eq!(
        appointment_by_id(subject, awaiting.id()).await,
        confirmed,
        "the listing shows the confirmation"
    );
    let got = subject
        .appointments
        .confirm(&unit, awaiting.id(), code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming twice must be refused: {got:?}"
    );

    let other = BookingRequest {
        slot: slots[1].clone(),
        ..request
    };
    let second = subject
        .appointments
        .book(&unit, &other)
        .await
        .expect("booking failed");
    let cancelled = cancel(subject, second.id()).await;
    assert_eq!(
        cancelled.status(),
        &AppointmentStatus::Cancelled,
        "an awaiting appointment can be cancelled"
    );
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[1])),
        "cancelling an awaiting booking frees its slot"
    );
    let got = subject.appointments.confirm(&unit, second.id(), code).await;
    assert!(
        is_refusal(&got),
        "confirming a cancelled appointment must be refused: {got:?}"
    );
    cancel(subject, confirmed.id()).await;
}
