//! The TakeCare seed, value by value (contract C32).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveDate, TimeDelta, Timelike};
use leyr_domain::appointment::{AppointmentQuery, AppointmentStatus};
use leyr_domain::medical_note::NoteTemplate;
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{AppointmentBook, MedicalNotes, PatientDirectory};
use leyr_domain::time::in_stockholm;
use leyr_in_memory::{InMemoryEhr, ManualClock, seed};

use crate::{a_free_slot, book, care_unit, patient, seeded, stockholm, utc, week_of_slots};

pub(crate) fn is_uuid_v4(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        && groups[2].starts_with('4')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

#[tokio::test]
async fn the_seven_test_patients_are_seeded_with_names_and_leyr_ids() {
    let (ehr, _) = seeded();
    let names = [
        "Tolvansson",
        "Alfa",
        "Beta",
        "Gamma",
        "Delta",
        "Epsilon",
        "Zeta",
    ];
    let mut leyr_ids = HashSet::new();
    for (number, last_name) in seed::TEST_PATIENTS.iter().zip(names) {
        let found = ehr
            .get_patient(&care_unit(), &patient(number))
            .await
            .unwrap();
        assert_eq!(found.emr_id.as_str(), *number, "emr_id is the personnummer");
        assert_eq!(
            found.external_id.as_ref().map(ToString::to_string),
            Some((*number).to_owned())
        );
        assert_eq!(found.last_name.as_str(), last_name);
        let first = if last_name == "Tolvansson" {
            "Tolvan"
        } else {
            "Testperson"
        };
        assert_eq!(found.first_name.as_str(), first);
        assert!(found.phones.is_empty() && found.emails.is_empty());
        let leyr_id = found.leyr_id.expect("every seeded patient has a Leyr id");
        assert!(is_uuid_v4(leyr_id.as_str()), "{leyr_id:?}");
        assert!(leyr_ids.insert(leyr_id));
    }
}

#[tokio::test]
async fn the_recommended_patient_saw_dr_ehn_28_and_14_days_before_the_start_date() {
    let (ehr, _) = seeded();
    let history = ehr
        .list_appointments(
            &care_unit(),
            &AppointmentQuery {
                patient: Some(patient(seed::RECOMMENDED_PATIENT)),
                ..AppointmentQuery::default()
            },
        )
        .await
        .unwrap();
    let starts: Vec<String> = history
        .iter()
        .map(|appointment| appointment.start().to_rfc3339())
        .collect();
    assert_eq!(
        starts,
        ["2024-12-09T09:00:00+01:00", "2024-12-23T09:00:00+01:00"]
    );
    for appointment in &history {
        assert_eq!(
            appointment.status(),
            &AppointmentStatus::Completed,
            "past bookings are reported completed"
        );
        assert_eq!(
            appointment.end() - appointment.start(),
            TimeDelta::minutes(30)
        );
        assert_eq!(appointment.resource_id().unwrap().as_str(), seed::DR_EHN);
        assert_eq!(
            appointment.healthcare_service_id().unwrap().as_str(),
            seed::NEW_DOCTOR_VISIT
        );
        assert_eq!(
            appointment.patient().unwrap().as_str(),
            seed::RECOMMENDED_PATIENT
        );
        assert!(is_uuid_v4(appointment.id().as_str()));
    }
    let notes = ehr
        .list_notes(&care_unit(), &patient(seed::RECOMMENDED_PATIENT))
        .await
        .unwrap();
    assert_eq!(notes.len(), 2);
    for (note, visit) in notes.iter().zip(&history) {
        assert!(
            note.created_at > visit.end(),
            "each note is written after its visit"
        );
        assert_eq!(note.author.as_ref().unwrap().as_str(), seed::DR_EHN);
        assert_eq!(note.template, Some(NoteTemplate::Unstructured));
        assert!(is_uuid_v4(note.id.as_str()));
    }
    for other in seed::TEST_PATIENTS
        .iter()
        .filter(|number| **number != seed::RECOMMENDED_PATIENT)
    {
        let reference = patient(other);
        assert!(
            ehr.list_notes(&care_unit(), &reference)
                .await
                .unwrap()
                .is_empty()
        );
        let query = AppointmentQuery {
            patient: Some(reference),
            ..AppointmentQuery::default()
        };
        assert!(
            ehr.list_appointments(&care_unit(), &query)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn weekday_slots_fill_office_hours_back_to_back() {
    let (ehr, _) = seeded();
    // Tuesday 2025-01-07: Dr Ehn has 8 + 8 new visits and 16 + 16 follow-ups, nurse Lind 12 + 12.
    let tuesday = stockholm(2025, 1, 7, 0, 0);
    let day =
        |slots: Vec<leyr_domain::timeslot::Timeslot>| -> Vec<leyr_domain::timeslot::Timeslot> {
            slots
                .into_iter()
                .filter(|slot| slot.start() < tuesday + TimeDelta::days(1))
                .collect()
        };
    let ehn = day(week_of_slots(&ehr, tuesday, seed::DR_EHN).await);
    let count = |service: &str| {
        ehn.iter()
            .filter(|slot| slot.healthcare_service_id().as_str() == service)
            .count()
    };
    assert_eq!(
        (
            count(seed::NEW_DOCTOR_VISIT),
            count(seed::FOLLOW_UP_DOCTOR_VISIT)
        ),
        (16, 32)
    );
    let lind = day(week_of_slots(&ehr, tuesday, seed::NURSE_LIND).await);
    assert_eq!(lind.len(), 24);
    assert_eq!(lind[0].start().to_rfc3339(), "2025-01-07T08:00:00+01:00");
    assert_eq!(
        lind.last().unwrap().end().to_rfc3339(),
        "2025-01-07T17:00:00+01:00"
    );
    assert!(
        lind.iter().all(|slot| slot.start().hour() != 12),
        "lunch is free of slots"
    );

    // Saturday and Sunday have none; the 60 days end on 2025-03-06.
    let weekend = week_of_slots(&ehr, stockholm(2025, 1, 11, 0, 0), seed::DR_EHN).await;
    assert!(
        weekend
            .iter()
            .all(|slot| slot.start() >= stockholm(2025, 1, 13, 0, 0))
    );
    assert!(
        week_of_slots(&ehr, stockholm(2025, 3, 7, 0, 0), seed::DR_EHN)
            .await
            .is_empty()
    );
    assert_eq!(
        ehr.timeslot_count(),
        44 * (16 + 32 + 24),
        "44 weekdays in 60 days from a Monday"
    );
}

#[tokio::test]
async fn summer_slots_carry_the_summer_offset() {
    let clock = ManualClock::new(utc("2025-06-01T10:00:00Z"));
    let ehr = InMemoryEhr::seeded(Arc::new(clock));
    let slots = week_of_slots(&ehr, stockholm(2025, 6, 2, 0, 0), seed::NURSE_LIND).await;
    assert_eq!(slots[0].start().to_rfc3339(), "2025-06-02T08:00:00+02:00");
}

#[tokio::test]
async fn the_start_date_and_slot_days_move_the_seed() {
    let ehr = InMemoryEhr::builder()
        .start_date(NaiveDate::from_ymd_opt(2025, 2, 3).unwrap())
        .slot_days(7)
        .build()
        .unwrap();
    assert_eq!(ehr.timeslot_count(), 5 * (16 + 32 + 24));
    let history = ehr
        .list_appointments(
            &care_unit(),
            &AppointmentQuery {
                patient: Some(patient(seed::RECOMMENDED_PATIENT)),
                ..AppointmentQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        in_stockholm(&history[0].start()).to_rfc3339(),
        "2025-01-06T09:00:00+01:00"
    );
}

#[tokio::test]
async fn ids_are_uuid_v4_and_the_same_on_every_run() {
    let run = || async {
        let (ehr, _) = seeded();
        let first = book(&ehr, seed::TEST_PATIENTS[2], &a_free_slot(&ehr, 1).await).await;
        let second = book(&ehr, seed::TEST_PATIENTS[3], &a_free_slot(&ehr, 2).await).await;
        [first.id().to_string(), second.id().to_string()]
    };
    let (once, again) = (run().await, run().await);
    assert_eq!(once, again);
    assert!(once.iter().all(|id| is_uuid_v4(id)), "{once:?}");
    assert_ne!(once[0], once[1]);

    let other_seed = InMemoryEhr::builder().id_seed(99).build().unwrap();
    let slot = a_free_slot(&other_seed, 1).await;
    assert_ne!(
        book(&other_seed, seed::TEST_PATIENTS[2], &slot)
            .await
            .id()
            .to_string(),
        once[0]
    );
}

#[tokio::test]
async fn a_personnummer_and_an_emr_id_reach_the_same_patient() {
    let (ehr, _) = seeded();
    let by_number = ehr
        .get_patient(&care_unit(), &patient(seed::RECOMMENDED_PATIENT))
        .await
        .unwrap();
    let by_emr_id = ehr
        .get_patient(&care_unit(), &PatientRef::EmrId(by_number.emr_id.clone()))
        .await
        .unwrap();
    assert_eq!(by_number, by_emr_id);
}
