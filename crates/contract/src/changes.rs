//! Checks of changes to booked appointments through `AppointmentBook`: rescheduling, cancelling
//! one or many, and the states that refuse a change.

use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, AppointmentStatus, Comment, ConfirmationCode,
    RescheduleRequest,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::ids::AppointmentId;
use leyr_domain::ports::{Cancellation, ChangeError};
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::Timeslot;

use crate::Ports;
use crate::seed::{
    ALFA, BETA, DELTA, DR_EHN, EPSILON, FOLLOW_UP_DOCTOR_VISIT, GAMMA, NEW_DOCTOR_VISIT, TOLVAN,
    UNKNOWN_APPOINTMENT, UNKNOWN_RESOURCE,
};
use crate::support::{
    appointment_by_id, appointments_in, book, by_personnummer, cancel, care_unit, comment,
    days_from_now, ehn_new_visits, free_slots, is_refusal, parse, resource, shifted,
};

/// A booked appointment moves to a free slot of its service and back; the old slot is freed,
/// the new one taken; moving onto its own time is allowed; a taken, unlisted or past target, or
/// one of another service, is `SlotTaken`; an unknown resource is `NotFound(Resource)`.
pub async fn reschedule_moves_to_a_free_slot_and_back(subject: &Ports) {
    let slots = ehn_new_visits(subject, 5).await;
    let (home, away, occupied) = (&slots[0], &slots[1], &slots[2]);
    let appointment = book(subject, EPSILON, home, "contract: reschedule").await;
    let other = book(subject, DELTA, occupied, "contract: in the way").await;
    let window = days_from_now(subject, 5, 14);
    let listed = |slots: &[Timeslot], slot: &Timeslot| {
        slots.iter().any(|candidate| candidate.same_slot(slot))
    };
    let unit = care_unit();

    let request = RescheduleRequest {
        slot: away.clone(),
        comment: Some(comment("contract: moved")),
    };
    let moved = subject
        .appointments
        .reschedule(&unit, appointment.id(), &request)
        .await
        .expect("moving to a free slot failed");
    assert_eq!(moved.id(), appointment.id(), "a move keeps the id");
    assert_eq!(moved.status(), &AppointmentStatus::Booked);
    assert_eq!(
        (moved.start(), moved.end()),
        (away.start(), away.end()),
        "the move takes the new times"
    );
    assert_eq!(
        moved.comment().map(Comment::as_str),
        Some("contract: moved"),
        "the move replaces the comment"
    );
    let now_free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        listed(&now_free, home),
        "the old slot is free again after the move"
    );
    assert!(
        !listed(&now_free, away),
        "the new slot is taken after the move"
    );

    let again = RescheduleRequest {
        slot: away.clone(),
        comment: None,
    };
    let stayed = subject
        .appointments
        .reschedule(&unit, appointment.id(), &again)
        .await;
    assert!(
        stayed.is_ok(),
        "moving onto its own time is allowed: {stayed:?}"
    );

    let follow_up = free_slots(subject, Some(DR_EHN), Some(FOLLOW_UP_DOCTOR_VISIT), window)
        .await
        .into_iter()
        .next()
        .expect("a free 1002 slot of Dr Ehn");
    for (what, target) in [
        ("a slot held by another booking", occupied.clone()),
        ("a slot never offered", shifted(home, 7)),
        // C22: the new slot must be of the appointment's own service.
        ("a free slot of another service", follow_up),
        ("a slot in the past", shifted(home, -28 * 24 * 60)),
    ] {
        let request = RescheduleRequest {
            slot: target,
            comment: None,
        };
        let got = subject
            .appointments
            .reschedule(&unit, appointment.id(), &request)
            .await;
        assert!(
            matches!(got, Err(ChangeError::SlotTaken)),
            "moving to {what} must be SlotTaken, got {got:?}"
        );
    }
    let elsewhere = Timeslot::new(
        home.start(),
        home.end(),
        resource(UNKNOWN_RESOURCE),
        home.healthcare_service_id().clone(),
    )
    .expect("a valid slot");
    let got = subject
        .appointments
        .reschedule(
            &unit,
            appointment.id(),
            &RescheduleRequest {
                slot: elsewhere,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Resource))),
        "moving to an unknown resource: {got:?}"
    );

    let too_long = RescheduleRequest {
        slot: home.clone(),
        comment: Some(Comment::new("m".repeat(MAX_COMMENT_CHARS + 1)).expect("a comment")),
    };
    let got = subject
        .appointments
        .reschedule(&unit, appointment.id(), &too_long)
        .await;
    assert!(
        matches!(&got, Err(ChangeError::Rejected(rejection)) if *rejection.code() == RejectionCode::InvalidCommentLength),
        "a move with a 501-character comment must be rejected with INVALID_COMMENT_LENGTH: {got:?}"
    );
    let back = subject
        .appointments
        .reschedule(
            &unit,
            appointment.id(),
            &RescheduleRequest {
                slot: home.clone(),
                comment: None,
            },
        )
        .await
        .expect("moving back failed");
    assert_eq!(
        (back.start(), back.end()),
        (home.start(), home.end()),
        "the appointment is back at its first slot"
    );
    let listed_now = appointment_by_id(subject, appointment.id()).await;
    assert_eq!(
        (listed_now.start(), listed_now.end()),
        (home.start(), home.end()),
        "the listing shows the move back"
    );
    let now_free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        listed(&now_free, away) && !listed(&now_free, home),
        "moving back frees the second slot and retakes the first"
    );

    cancel(subject, appointment.id()).await;
    cancel(subject, other.id()).await;
}

/// Cancelling appends the comment on a new line and frees the slot: it is listed and bookable
/// again.
pub async fn cancel_frees_the_slot(subject: &Ports) {
    let slot = ehn_new_visits(subject, 6).await.remove(0);
    let appointment = book(subject, TOLVAN, &slot, "First visit").await;
    let cancellation = Cancellation {
        comment: Some(comment("Patient is ill")),
    };
    let cancelled = subject
        .appointments
        .cancel(&care_unit(), appointment.id(), &cancellation)
        .await
        .expect("cancel failed");
    assert_eq!(cancelled.id(), appointment.id());
    assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled);
    assert_eq!(
        cancelled.comment().map(Comment::as_str),
        Some("First visit\nPatient is ill"),
        "the comment is appended on a new line"
    );
    let free = free_slots(subject, Some(DR_EHN), None, days_from_now(subject, 6, 14)).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slot)),
        "the cancelled slot is listed again"
    );
    let rebooked = book(subject, BETA, &slot, "contract: rebooked").await;
    assert_eq!(
        rebooked.status(),
        &AppointmentStatus::Booked,
        "the freed slot can be booked again"
    );
    cancel(subject, rebooked.id()).await;
}

/// Cancelling a cancelled appointment returns it unchanged.
pub async fn cancelling_twice_is_harmless(subject: &Ports) {
    let slot = ehn_new_visits(subject, 7).await.remove(0);
    let appointment = book(subject, BETA, &slot, "contract: twice").await;
    let first = subject
        .appointments
        .cancel(
            &care_unit(),
            appointment.id(),
            &Cancellation {
                comment: Some(comment("first")),
            },
        )
        .await
        .expect("the first cancel failed");
    let second = subject
        .appointments
        .cancel(
            &care_unit(),
            appointment.id(),
            &Cancellation {
                comment: Some(comment("second")),
            },
        )
        .await
        .expect("cancelling twice must succeed");
    assert_eq!(
        second, first,
        "a second cancel returns the appointment unchanged"
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 7, 14),
    )
    .await;
    assert_eq!(
        free.iter()
            .filter(|candidate| candidate.same_slot(&slot))
            .count(),
        1,
        "the slot is listed once"
    );
}

/// A cancelled appointment cannot be moved or confirmed; a completed one cannot be cancelled
/// or moved; a booked one cannot be confirmed. Adapters answer `Forbidden` or `Rejected`.
pub async fn terminal_states_refuse_changes(subject: &Ports) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 8).await;
    let code = ConfirmationCode::new("123456").expect("a code");

    let booked = book(subject, GAMMA, &slots[0], "contract: terminal").await;
    let got = subject
        .appointments
        .confirm(&unit, booked.id(), &code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming a booked appointment must be refused: {got:?}"
    );
    let cancelled = cancel(subject, booked.id()).await;
    let request = RescheduleRequest {
        slot: slots[1].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, cancelled.id(), &request)
        .await;
    assert!(
        is_refusal(&got),
        "moving a cancelled appointment must be refused: {got:?}"
    );
    let got = subject
        .appointments
        .confirm(&unit, cancelled.id(), &code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming a cancelled appointment must be refused: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, cancelled.id()).await.status(),
        &AppointmentStatus::Cancelled
    );

    let now = in_stockholm(&subject.now());
    let query = AppointmentQuery {
        patient: Some(by_personnummer(ALFA)),
        end: Some(now),
        ..AppointmentQuery::default()
    };
    let completed = appointments_in(subject, query)
        .await
        .into_iter()
        .find(|appointment| appointment.status() == &AppointmentStatus::Completed)
        .expect("the recommended patient has a completed appointment");
    let got = subject
        .appointments
        .cancel(&unit, completed.id(), &Cancellation::default())
        .await;
    assert!(
        is_refusal(&got),
        "cancelling a completed appointment must be refused: {got:?}"
    );
    let got = subject
        .appointments
        .reschedule(&unit, completed.id(), &request)
        .await;
    assert!(
        is_refusal(&got),
        "moving a completed appointment must be refused: {got:?}"
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 8, 14),
    )
    .await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[1])),
        "a refused move takes no slot"
    );
}

/// A bulk cancel with one unknown id changes nothing; without it, every appointment is
/// cancelled and returned in batch order.
pub async fn cancel_many_is_all_or_nothing(subject: &Ports) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 9).await;
    let first = book(subject, BETA, &slots[0], "contract: bulk one").await;
    let second = book(subject, BETA, &slots[1], "contract: bulk two").await;
    let unknown: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let batch = AppointmentBatch::new(vec![first.id().clone(), unknown, second.id().clone()])
        .expect("a batch");
    let cancellation = Cancellation {
        comment: Some(comment("Clinic closed")),
    };
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "a batch with an unknown id: {got:?}"
    );
    for appointment in [&first, &second] {
        let listed = appointment_by_id(subject, appointment.id()).await;
        assert_eq!(
            listed.status(),
            &AppointmentStatus::Booked,
            "a failed batch changes nothing"
        );
    }
    let batch =
        AppointmentBatch::new(vec![second.id().clone(), first.id().clone()]).expect("a batch");
    let cancelled = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await
        .expect("cancel_many failed");
    let ids: Vec<&AppointmentId> = cancelled.iter().map(Appointment::id).collect();
    assert_eq!(
        ids,
        [second.id(), first.id()],
        "the result follows the batch order"
    );
    assert!(
        cancelled
            .iter()
            .all(|appointment| appointment.status() == &AppointmentStatus::Cancelled)
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 9, 14),
    )
    .await;
    for slot in &slots[..2] {
        assert!(
            free.iter().any(|candidate| candidate.same_slot(slot)),
            "a bulk cancel frees the slots"
        );
    }
}

/// A bulk cancel answers in batch order, whatever the order of creation and of start; an
/// appointment already cancelled comes back unchanged (contract C24: each follows C23), the
/// others get the comment appended. A batch holding a completed appointment is refused and
/// changes nothing.
pub async fn cancel_many_answers_in_batch_order(subject: &Ports) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 12).await;
    // Created c, a, b, d; starting a, b, c, d; cancelled in the order b, d, c, a.
    let c = book(subject, DELTA, &slots[2], "contract: bulk order c").await;
    let a = book(subject, DELTA, &slots[0], "contract: bulk order a").await;
    let b = book(subject, DELTA, &slots[1], "contract: bulk order b").await;
    let d = book(subject, DELTA, &slots[3], "contract: bulk order d").await;
    let d = cancel(subject, d.id()).await;
    let order = [&b, &d, &c, &a];
    let batch = AppointmentBatch::new(order.iter().map(|booked| booked.id().clone()).collect())
        .expect("a batch");
    let cancellation = Cancellation {
        comment: Some(comment("Clinic closed")),
    };
    let cancelled = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await
        .expect("cancel_many failed");
    let ids: Vec<&AppointmentId> = cancelled.iter().map(Appointment::id).collect();
    let expected: Vec<&AppointmentId> = order.iter().map(|booked| booked.id()).collect();
    assert_eq!(ids, expected, "the result follows the batch order");
    assert_eq!(
        cancelled[1], d,
        "an already cancelled appointment comes back unchanged"
    );
    for (booked, got) in order.iter().zip(&cancelled) {
        assert_eq!(got.status(), &AppointmentStatus::Cancelled);
        if booked.id() != d.id() {
            let appended = format!(
                "{}\nClinic closed",
                booked.comment().map(Comment::as_str).unwrap_or_default()
            );
            assert_eq!(
                got.comment().map(Comment::as_str),
                Some(appended.as_str()),
                "a bulk cancel appends its comment to each appointment's"
            );
        }
    }

    let now = in_stockholm(&subject.now());
    let completed = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(by_personnummer(ALFA)),
            end: Some(now),
            ..AppointmentQuery::default()
        },
    )
    .await
    .into_iter()
    .find(|appointment| appointment.status() == &AppointmentStatus::Completed)
    .expect("the recommended patient has a completed appointment");
    let booked = book(
        subject,
        DELTA,
        &slots[0],
        "contract: bulk with a completed one",
    )
    .await;
    let batch =
        AppointmentBatch::new(vec![booked.id().clone(), completed.id().clone()]).expect("a batch");
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &Cancellation::default())
        .await;
    // As for a single cancel, an adapter that knows the lifecycle says `Forbidden` and one that
    // only hears Leyr's `BAD_INPUT` says `Rejected`.
    assert!(
        matches!(
            got,
            Err(ChangeError::Forbidden(_) | ChangeError::Rejected(_))
        ),
        "a batch holding a completed appointment must be refused: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, booked.id()).await.status(),
        &AppointmentStatus::Booked,
        "a refused batch changes nothing"
    );
    cancel(subject, booked.id()).await;
}
