//! Checks of `AppointmentBook::book` and `AppointmentBook::list_appointments`: a booking takes
//! its slot and the overlapping ones, refused bookings, concurrent bookings of one slot, the
//! listing's filters, and the recommended patient's seeded history.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta, Timelike, Utc};
use leyr_domain::appointment::{
    Appointment, AppointmentQuery, AppointmentStatus, BookingRequest, Comment,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::error::RejectionCode;
use leyr_domain::ids::{AppointmentId, HealthcareServiceId, ResourceId};
use leyr_domain::medical_note::{MedicalNote, NoteTemplate};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{BookError, Cancellation, ChangeError, ReadError};
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::Timeslot;

use crate::Ports;
use crate::seed::{
    ALFA, CARE_UNIT, DELTA, DR_EHN, EPSILON, FOLLOW_UP_DOCTOR_VISIT, GAMMA, NEW_DOCTOR_VISIT,
    NURSE_LIND, NURSE_VISIT, ZETA, test_patients,
};
use crate::support::{
    appointment_by_id, appointments_in, book, by_personnummer, cancel, care_unit, days_from_now,
    ehn_new_visits, emr_id_of, free_slots, resource, service, shifted, stockholm,
};

/// Booking a listed slot gives a booked appointment as requested, and removes the slot and
/// every overlapping slot of that resource, all services, from the listing; nothing else.
pub async fn booking_takes_the_slot_and_every_overlapping_slot(subject: &Ports) {
    let window = days_from_now(subject, 1, 14);
    let before = free_slots(subject, None, None, window).await;
    let slot = before
        .iter()
        .find(|candidate| {
            candidate.resource_id().as_str() == DR_EHN
                && candidate.healthcare_service_id().as_str() == NEW_DOCTOR_VISIT
                && before.iter().any(|other| {
                    other.healthcare_service_id().as_str() == FOLLOW_UP_DOCTOR_VISIT
                        && other.resource_id() == candidate.resource_id()
                        && other.overlaps(&candidate.start(), &candidate.end())
                })
        })
        .expect("a free 1001 slot of Dr Ehn overlapping a free 1002 slot")
        .clone();
    let appointment = book(subject, GAMMA, &slot, "contract: booking").await;
    assert_eq!(
        appointment.status(),
        &AppointmentStatus::Booked,
        "a booking is booked at once"
    );
    assert_eq!(
        (appointment.start(), appointment.end()),
        (slot.start(), slot.end()),
        "the booking keeps the slot's times"
    );
    assert_eq!(
        appointment.resource_id(),
        Some(slot.resource_id()),
        "the booking keeps the resource"
    );
    assert_eq!(
        appointment.healthcare_service_id(),
        Some(slot.healthcare_service_id()),
        "the booking keeps the service"
    );
    assert_eq!(appointment.care_unit_id().as_str(), CARE_UNIT);
    assert_eq!(
        appointment.patient(),
        Some(&emr_id_of(subject, GAMMA).await),
        "the booking names the patient's EHR id"
    );
    assert_eq!(
        appointment.comment().map(Comment::as_str),
        Some("contract: booking")
    );
    assert!(
        appointment.matches_slot(&slot),
        "the appointment matches its slot"
    );

    let after = free_slots(subject, None, None, window).await;
    let expected: Vec<&Timeslot> = before
        .iter()
        .filter(|other| {
            !(other.resource_id() == slot.resource_id()
                && other.overlaps(&slot.start(), &slot.end()))
        })
        .collect();
    assert!(
        expected.len() + 2 <= before.len(),
        "the slot and at least one overlapping slot go"
    );
    assert_eq!(
        after.iter().collect::<Vec<_>>(),
        expected,
        "exactly the booked slot and its overlaps leave the listing"
    );
}

/// Booking a taken slot, an overlapping slot of another service, or a slot never offered is
/// `SlotTaken`.
pub async fn booking_a_taken_or_unlisted_slot_is_slot_taken(subject: &Ports) {
    let slots = ehn_new_visits(subject, 2).await;
    let slot = &slots[0];
    book(subject, DELTA, slot, "contract: taken").await;
    let mut attempts = vec![
        ("the same slot again", slot.clone()),
        ("a slot shifted by 7 minutes", shifted(slot, 7)),
    ];
    let overlapping_other_service = Timeslot::new(
        slot.start(),
        slot.start() + TimeDelta::minutes(15),
        slot.resource_id().clone(),
        service(FOLLOW_UP_DOCTOR_VISIT),
    )
    .expect("a valid slot");
    attempts.push(("an overlapping 1002 slot", overlapping_other_service));
    let wrong_service = Timeslot::new(
        slots[1].start(),
        slots[1].end(),
        slot.resource_id().clone(),
        service(NURSE_VISIT),
    )
    .expect("a valid slot");
    attempts.push(("a service the resource does not offer", wrong_service));
    attempts.push(("a slot in the past", shifted(slot, -60 * 24 * 60)));
    for (what, attempt) in attempts {
        let request = BookingRequest {
            patient: by_personnummer(EPSILON),
            slot: attempt,
            comment: None,
        };
        let got = subject.appointments.book(&care_unit(), &request).await;
        assert!(
            matches!(got, Err(BookError::SlotTaken)),
            "booking {what} must be SlotTaken, got {got:?}"
        );
    }
}

/// A listed slot written with another UTC offset is the same slot: booking matches instants,
/// not text (contract C19, C35), and the appointment has the slot's instants.
pub async fn a_slot_is_matched_by_its_instants_whatever_the_offset(subject: &Ports) {
    let listed = ehn_new_visits(subject, 2).await.remove(0);
    let utc = |time: DateTime<FixedOffset>| time.with_timezone(&Utc).fixed_offset();
    let in_utc = Timeslot::new(
        utc(listed.start()),
        utc(listed.end()),
        listed.resource_id().clone(),
        listed.healthcare_service_id().clone(),
    )
    .expect("a valid slot");
    assert_ne!(
        in_utc.start().offset(),
        listed.start().offset(),
        "the slot is listed in Stockholm time"
    );
    let appointment = book(subject, ZETA, &in_utc, "contract: booked in UTC").await;
    assert_eq!(
        (appointment.start(), appointment.end()),
        (listed.start(), listed.end()),
        "the appointment has the slot's instants"
    );
    assert!(
        appointment.matches_slot(&listed),
        "the appointment matches the slot as listed"
    );
    cancel(subject, appointment.id()).await;
}

/// A comment longer than 500 characters is rejected with `InvalidCommentLength`, when booking
/// and when cancelling (which then changes nothing); 500 characters are accepted.
pub async fn booking_with_a_too_long_comment_is_rejected(subject: &Ports) {
    let slot = ehn_new_visits(subject, 2).await.remove(0);
    let long = Comment::new("x".repeat(MAX_COMMENT_CHARS + 1)).expect("a comment");
    let request = BookingRequest {
        patient: by_personnummer(EPSILON),
        slot: slot.clone(),
        comment: Some(long),
    };
    let got = subject.appointments.book(&care_unit(), &request).await;
    assert!(
        matches!(&got, Err(BookError::Rejected(rejection)) if *rejection.code() == RejectionCode::InvalidCommentLength),
        "a 501-character comment must be rejected with INVALID_COMMENT_LENGTH, got {got:?}"
    );
    let exactly = Comment::new("y".repeat(MAX_COMMENT_CHARS)).expect("a comment");
    let request = BookingRequest {
        comment: Some(exactly),
        ..request
    };
    let appointment = subject
        .appointments
        .book(&care_unit(), &request)
        .await
        .expect("a 500-character comment is accepted");
    let too_long = Cancellation {
        comment: Some(Comment::new("z".repeat(MAX_COMMENT_CHARS + 1)).expect("a comment")),
    };
    let got = subject
        .appointments
        .cancel(&care_unit(), appointment.id(), &too_long)
        .await;
    assert!(
        matches!(&got, Err(ChangeError::Rejected(rejection)) if *rejection.code() == RejectionCode::InvalidCommentLength),
        "a 501-character cancellation comment must be rejected with INVALID_COMMENT_LENGTH, got {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, appointment.id()).await,
        appointment,
        "a rejected cancellation changes nothing"
    );
    cancel(subject, appointment.id()).await;
}

/// Sixteen concurrent bookings of one slot: exactly one wins, fifteen get `SlotTaken`.
pub async fn concurrent_bookings_of_one_slot_have_exactly_one_winner(subject: &Ports) {
    let slot = ehn_new_visits(subject, 3).await.remove(0);
    let patients: Vec<_> = test_patients().collect();
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let appointments = Arc::clone(&subject.appointments);
            let (number, _, _) = patients[task % patients.len()];
            let request = BookingRequest {
                patient: by_personnummer(number),
                slot: slot.clone(),
                comment: None,
            };
            tokio::spawn(async move { appointments.book(&care_unit(), &request).await })
        })
        .collect();
    let (mut won, mut taken) = (Vec::new(), 0);
    for task in tasks {
        match task.await.expect("a booking task panicked") {
            Ok(appointment) => won.push(appointment),
            Err(BookError::SlotTaken) => taken += 1,
            Err(error) => panic!("a concurrent booking failed with {error:?} instead of SlotTaken"),
        }
    }
    assert_eq!(
        (won.len(), taken),
        (1, 15),
        "sixteen bookings of one slot: one winner, fifteen SlotTaken"
    );
    let query = AppointmentQuery {
        resource_id: Some(slot.resource_id().clone()),
        start: Some(slot.start()),
        end: Some(slot.end()),
        ..AppointmentQuery::default()
    };
    let holding: Vec<Appointment> = appointments_in(subject, query)
        .await
        .into_iter()
        .filter(|appointment| appointment.status().holds_slot())
        .collect();
    assert_eq!(holding.len(), 1, "exactly one appointment holds the slot");
    assert_eq!(holding[0].id(), won[0].id());
}

/// Appointments are listed by patient (either reference), by resource and by window, ordered by
/// start; cancelled ones stay listed.
pub async fn appointments_are_listed_by_patient_resource_and_window(subject: &Ports) {
    let slots = ehn_new_visits(subject, 4).await;
    let (first_slot, second_slot) = (&slots[0], &slots[2]);
    let first = book(subject, ZETA, second_slot, "contract: listing, later").await;
    let second = book(subject, ZETA, first_slot, "contract: listing, earlier").await;
    let zeta_emr = emr_id_of(subject, ZETA).await;
    let exactly = |slot: &Timeslot, patient: PatientRef| AppointmentQuery {
        patient: Some(patient),
        start: Some(slot.start()),
        end: Some(slot.end()),
        ..AppointmentQuery::default()
    };
    for patient in [by_personnummer(ZETA), PatientRef::EmrId(zeta_emr.clone())] {
        let listed = appointments_in(subject, exactly(second_slot, patient)).await;
        let live: Vec<&Appointment> = listed
            .iter()
            .filter(|appointment| appointment.status() != &AppointmentStatus::Cancelled)
            .collect();
        // Earlier runs may have left cancelled appointments in the same window.
        assert_eq!(
            live,
            [&first],
            "the window of one booking lists it, and nothing else live"
        );
    }
    let later = AppointmentQuery {
        start: Some(second_slot.end()),
        ..exactly(second_slot, by_personnummer(ZETA))
    };
    let later = AppointmentQuery { end: None, ..later };
    assert!(
        appointments_in(subject, later)
            .await
            .iter()
            .all(|appointment| appointment.id() != first.id()),
        "a window after the booking does not list it"
    );
    let by_resource = AppointmentQuery {
        resource_id: Some(resource(DR_EHN)),
        start: Some(first_slot.start()),
        end: Some(second_slot.end()),
        ..AppointmentQuery::default()
    };
    let listed = appointments_in(subject, by_resource).await;
    let ids: Vec<&AppointmentId> = listed.iter().map(Appointment::id).collect();
    assert!(
        ids.contains(&first.id()) && ids.contains(&second.id()),
        "the resource's window lists both bookings"
    );
    let position = |id: &AppointmentId| ids.iter().position(|listed| *listed == id);
    assert!(
        position(second.id()) < position(first.id()),
        "appointments are ordered by start"
    );

    cancel(subject, first.id()).await;
    let everything = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(by_personnummer(ZETA)),
            ..AppointmentQuery::default()
        },
    )
    .await;
    let cancelled = everything
        .iter()
        .find(|appointment| appointment.id() == first.id())
        .expect("a cancelled appointment stays listed");
    assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled);
    assert!(
        everything
            .windows(2)
            .all(|pair| pair[0].start() <= pair[1].start()),
        "the patient's appointments are ordered by start"
    );
    assert!(
        everything
            .iter()
            .all(|appointment| appointment.patient() == Some(&zeta_emr)),
        "only the patient's appointments are listed"
    );
    cancel(subject, second.id()).await;
}

/// A resource filter lists that resource's appointments and no other's, alone or with a
/// patient filter, ordered by start.
pub async fn a_resource_filter_lists_that_resource_only(subject: &Ports) {
    let window = days_from_now(subject, 11, 14);
    let with_ehn = ehn_new_visits(subject, 11).await.remove(0);
    let with_lind = free_slots(subject, Some(NURSE_LIND), Some(NURSE_VISIT), window)
        .await
        .into_iter()
        .next()
        .expect("a free slot of nurse Lind");
    let ehn = book(subject, EPSILON, &with_ehn, "contract: by resource, Ehn").await;
    let lind = book(subject, EPSILON, &with_lind, "contract: by resource, Lind").await;
    for (resource_id, own, other) in [(DR_EHN, &ehn, &lind), (NURSE_LIND, &lind, &ehn)] {
        for patient in [None, Some(by_personnummer(EPSILON))] {
            let query = AppointmentQuery {
                patient,
                resource_id: Some(resource(resource_id)),
                start: Some(window.start()),
                end: Some(window.end()),
            };
            let listed = appointments_in(subject, query).await;
            assert!(
                listed.iter().any(|listed| listed.id() == own.id()),
                "the {resource_id} filter lists that resource's booking"
            );
            assert!(
                listed.iter().all(|listed| listed.id() != other.id()),
                "the {resource_id} filter lists no booking of the other resource"
            );
            assert!(
                listed
                    .iter()
                    .all(|listed| listed.resource_id().map(ResourceId::as_str) == Some(resource_id)),
                "the {resource_id} filter lists only that resource's appointments"
            );
            assert!(
                listed
                    .windows(2)
                    .all(|pair| pair[0].start() <= pair[1].start()),
                "the {resource_id} filter's appointments are ordered by start"
            );
        }
    }
    cancel(subject, ehn.id()).await;
    cancel(subject, lind.id()).await;
}

/// An appointment listing whose window does not end after it starts is rejected (§3.9: the
/// sandbox says `BAD_INPUT`), with or without other filters.
pub async fn an_appointment_window_must_end_after_it_starts(subject: &Ports) {
    let start = days_from_now(subject, 1, 1).start();
    for end in [start, start - TimeDelta::hours(1)] {
        for patient in [None, Some(by_personnummer(ZETA))] {
            let query = AppointmentQuery {
                patient,
                start: Some(start),
                end: Some(end),
                ..AppointmentQuery::default()
            };
            let got = subject
                .appointments
                .list_appointments(&care_unit(), &query)
                .await;
            assert!(
                matches!(&got, Err(ReadError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
                "a window ending {} after its start must be rejected with BAD_INPUT: {got:?}",
                end - start
            );
        }
    }
}

/// The recommended test patient has two completed 09:00 visits with Dr Ehn, 28 and 14 days before
/// the seed's start date (contract C32; the seed is dated from the adapter's clock, so that is
/// the Stockholm date of `now`), and a note by Dr Ehn after each, oldest first.
pub async fn the_recommended_patient_has_a_history(subject: &Ports) {
    let now = in_stockholm(&subject.now());
    let query = AppointmentQuery {
        patient: Some(by_personnummer(ALFA)),
        end: Some(now),
        ..AppointmentQuery::default()
    };
    let history: Vec<Appointment> = appointments_in(subject, query)
        .await
        .into_iter()
        .filter(|appointment| appointment.status() == &AppointmentStatus::Completed)
        .collect();
    assert!(
        history.len() >= 2,
        "the recommended patient has at least two completed visits, got {}",
        history.len()
    );
    for visit in &history[..2] {
        assert_eq!(
            visit.resource_id().map(ResourceId::as_str),
            Some(DR_EHN),
            "a past visit with Dr Ehn"
        );
        assert_eq!(
            visit
                .healthcare_service_id()
                .map(HealthcareServiceId::as_str),
            Some(NEW_DOCTOR_VISIT)
        );
        let local = in_stockholm(&visit.start());
        assert_eq!(
            (local.hour(), local.minute()),
            (9, 0),
            "the past visits are at 09:00 Stockholm time"
        );
        assert_eq!(visit.end() - visit.start(), TimeDelta::minutes(30));
    }
    let today = now.date_naive();
    let expected: Vec<DateTime<FixedOffset>> = [28, 14]
        .into_iter()
        .map(|days| stockholm(today - TimeDelta::days(days), 9, 0))
        .collect();
    let starts: Vec<DateTime<FixedOffset>> = history.iter().map(Appointment::start).collect();
    assert_eq!(
        starts, expected,
        "exactly two past visits, 28 and 14 days before the start date at 09:00 Stockholm time"
    );
    let notes = subject
        .notes
        .list_notes(&care_unit(), &by_personnummer(ALFA))
        .await
        .expect("list_notes failed");
    let by_ehn = notes
        .iter()
        .filter(|note| note.author.as_ref().map(ResourceId::as_str) == Some(DR_EHN))
        .count();
    assert!(
        by_ehn >= 2,
        "the recommended patient has at least two notes by Dr Ehn, got {by_ehn}"
    );
    let visit_notes: Vec<&MedicalNote> = notes
        .iter()
        .filter(|note| note.author.as_ref().map(ResourceId::as_str) == Some(DR_EHN))
        .take(2)
        .collect();
    for (number, (note, visit)) in visit_notes.iter().zip(&history).enumerate() {
        assert!(
            note.created_at > visit.end(),
            "note {number} is written after visit {number}"
        );
        assert!(
            note.template
                .as_ref()
                .is_none_or(|template| *template == NoteTemplate::Unstructured),
            "note {number} is unstructured"
        );
    }
    assert!(
        visit_notes[0].created_at < history[1].start(),
        "the first note is written before the second visit"
    );
    assert!(
        notes
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "notes are listed oldest first"
    );
}

/// `get_appointment` finds an appointment by its id, as the listing reports it, in every status:
/// booked, then cancelled; the seeded history is found completed. An unknown id is
/// `NotFound(Appointment)` and an unknown care unit `NotFound(CareUnit)` (C40).
pub async fn an_appointment_is_found_by_its_id_in_every_status(subject: &Ports) {
    let slots = ehn_new_visits(subject, 7).await;
    let booked = book(subject, EPSILON, &slots[0], "contract: lookup by id").await;
    let found = appointment_by_id(subject, booked.id()).await;
    assert_eq!(
        found, booked,
        "the lookup answers the appointment as booked"
    );
    let listed = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(by_personnummer(EPSILON)),
            start: Some(booked.start()),
            end: Some(booked.end()),
            ..AppointmentQuery::default()
        },
    )
    .await;
    assert!(
        listed.contains(&found),
        "the lookup and the listing report the same appointment"
    );

    let cancelled = cancel(subject, booked.id()).await;
    let found = appointment_by_id(subject, booked.id()).await;
    assert_eq!(found.status(), &AppointmentStatus::Cancelled);
    assert_eq!(found, cancelled, "a cancelled appointment is still found");

    let history = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(by_personnummer(ALFA)),
            end: Some(subject.now().fixed_offset()),
            ..AppointmentQuery::default()
        },
    )
    .await;
    let past = history
        .first()
        .expect("the recommended patient has a seeded history");
    let found = appointment_by_id(subject, past.id()).await;
    assert_eq!(found.status(), &AppointmentStatus::Completed);

    let unknown = AppointmentId::new("contract-no-such-appointment").unwrap();
    let error = subject
        .appointments
        .get_appointment(&care_unit(), &unknown)
        .await
        .expect_err("an unknown id is not found");
    assert!(
        matches!(
            error,
            ReadError::NotFound(leyr_domain::error::Entity::Appointment)
        ),
        "{error:?}"
    );
    let elsewhere = leyr_domain::ids::CareUnitId::new("contract-no-such-unit").unwrap();
    let error = subject
        .appointments
        .get_appointment(&elsewhere, booked.id())
        .await
        .expect_err("an unknown care unit is not found");
    assert!(
        matches!(
            error,
            ReadError::NotFound(leyr_domain::error::Entity::CareUnit)
        ),
        "{error:?}"
    );
}
