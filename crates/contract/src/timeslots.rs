//! Checks of `Availability`: the free timeslots listed match their query, in order, and a window
//! without free slots gives none.

use chrono::TimeDelta;
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};

use crate::Ports;
use crate::seed::{DR_EHN, FOLLOW_UP_DOCTOR_VISIT, NEW_DOCTOR_VISIT, NURSE_LIND, NURSE_VISIT};
use crate::support::{days_from_now, free_slots, resource, service, stockholm};

/// Every slot returned matches its query, starts after now, lasts its service's duration, and
/// the list is ordered by start, resource, service; a filtered list is the unfiltered list
/// filtered.
pub async fn timeslots_match_their_query(subject: &Ports) {
    let window = days_from_now(subject, 0, 14);
    let now = in_stockholm(&subject.now());
    let everything = free_slots(subject, None, None, window).await;
    assert!(!everything.is_empty(), "two weeks from now hold free slots");
    let durations = [
        (NEW_DOCTOR_VISIT, 30),
        (FOLLOW_UP_DOCTOR_VISIT, 15),
        (NURSE_VISIT, 20),
    ];
    for (resource_id, service_id) in [
        (None, None),
        (Some(DR_EHN), None),
        (Some(DR_EHN), Some(FOLLOW_UP_DOCTOR_VISIT)),
        (None, Some(NURSE_VISIT)),
        (Some(NURSE_LIND), Some(NURSE_VISIT)),
        (Some(NURSE_LIND), Some(NEW_DOCTOR_VISIT)),
    ] {
        let mut query = TimeslotQuery::new(window);
        query.resource_id = resource_id.map(resource);
        query.healthcare_service_id = service_id.map(service);
        let slots = free_slots(subject, resource_id, service_id, window).await;
        let label = format!("timeslots for {resource_id:?}/{service_id:?}");
        for slot in &slots {
            assert!(
                query.matches(slot),
                "{label}: {slot:?} does not match the query"
            );
            assert!(
                slot.start() > now,
                "{label}: {slot:?} does not start after now"
            );
            let minutes = durations
                .iter()
                .find(|(id, _)| *id == slot.healthcare_service_id().as_str())
                .map(|(_, minutes)| *minutes)
                .unwrap_or_else(|| panic!("{label}: unknown service in {slot:?}"));
            assert_eq!(
                slot.duration(),
                TimeDelta::minutes(minutes),
                "{label}: {slot:?} has the wrong length"
            );
        }
        let key = |slot: &Timeslot| {
            (
                slot.start(),
                slot.resource_id().clone(),
                slot.healthcare_service_id().clone(),
            )
        };
        assert!(
            slots.windows(2).all(|pair| key(&pair[0]) < key(&pair[1])),
            "{label}: not strictly ordered"
        );
        let expected: Vec<&Timeslot> = everything
            .iter()
            .filter(|slot| query.matches(slot))
            .collect();
        assert_eq!(
            slots.iter().collect::<Vec<_>>(),
            expected,
            "{label}: differs from the unfiltered list filtered"
        );
    }
    let none = free_slots(subject, Some(NURSE_LIND), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(none.is_empty(), "nurse Lind offers no 1001 slots");
}

/// A window in the past, or at night, gives `[]`, not an error.
pub async fn a_window_without_free_slots_gives_no_timeslots(subject: &Ports) {
    let past = days_from_now(subject, -7, 6);
    assert!(
        free_slots(subject, None, None, past).await.is_empty(),
        "a window in the past gives []"
    );
    let tomorrow = in_stockholm(&subject.now()).date_naive() + TimeDelta::days(1);
    let night =
        TimeWindow::new(stockholm(tomorrow, 0, 30), stockholm(tomorrow, 6, 0)).expect("a window");
    assert!(
        free_slots(subject, None, None, night).await.is_empty(),
        "a window at night gives []"
    );
}

/// The 30 days from now hold free slots of both resources.
pub async fn thirty_days_from_now_hold_slots_of_both_resources(subject: &Ports) {
    let slots = free_slots(subject, None, None, days_from_now(subject, 0, 30)).await;
    for resource_id in [DR_EHN, NURSE_LIND] {
        assert!(
            slots
                .iter()
                .any(|slot| slot.resource_id().as_str() == resource_id),
            "no free slot of {resource_id} in the 30 days from now"
        );
    }
}
