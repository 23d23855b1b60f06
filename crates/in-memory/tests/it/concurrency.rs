//! Bookings, cancellations and moves racing on one resource keep the slot index consistent:
//! no two held appointments overlap, and the free listing is exactly the slots no held
//! appointment overlaps.

use chrono::TimeDelta;
use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest, RescheduleRequest};
use leyr_domain::ids::AppointmentId;
use leyr_domain::ports::{AppointmentBook, Availability, BookError, Cancellation, ChangeError};
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{InMemoryEhr, seed};

use crate::{care_unit, patient, resource, seeded, stockholm};

/// A small deterministic generator per task (splitmix64's increment, xorshift output).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z ^= z >> 31;
        usize::try_from(z % sides as u64).unwrap()
    }
}

async fn race(ehr: InMemoryEhr, slots: Vec<Timeslot>, task: usize) {
    let mut dice = Dice(task as u64);
    let mut mine: Vec<AppointmentId> = Vec::new();
    let who = patient(seed::TEST_PATIENTS[task % seed::TEST_PATIENTS.len()]);
    for _ in 0..400 {
        match dice.roll(4) {
            0 | 1 => {
                let request = BookingRequest {
                    patient: who.clone(),
                    slot: slots[dice.roll(slots.len())].clone(),
                    comment: None,
                };
                match ehr.book(&care_unit(), &request).await {
                    Ok(appointment) => mine.push(appointment.id().clone()),
                    Err(BookError::SlotTaken) => {}
                    Err(other) => panic!("a booking failed with {other:?}"),
                }
            }
            2 if !mine.is_empty() => {
                let id = mine.swap_remove(dice.roll(mine.len()));
                ehr.cancel(&care_unit(), &id, &Cancellation::default())
                    .await
                    .unwrap();
            }
            3 if !mine.is_empty() => {
                let id = &mine[dice.roll(mine.len())];
                let request = RescheduleRequest {
                    slot: slots[dice.roll(slots.len())].clone(),
                    comment: None,
                };
                match ehr.reschedule(&care_unit(), id, &request).await {
                    Ok(_) | Err(ChangeError::SlotTaken) => {}
                    Err(other) => panic!("a move failed with {other:?}"),
                }
            }
            _ => {}
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_bookings_cancellations_and_moves_keep_the_slot_index_consistent() {
    let (ehr, _) = seeded();
    // Dr Ehn on Tuesday 08:00–10:00: four 30-minute new visits and eight 15-minute follow-ups,
    // each new visit overlapping two follow-ups.
    let window = TimeWindow::starting_at(stockholm(2025, 1, 7, 8, 0), TimeDelta::hours(2)).unwrap();
    let query = TimeslotQuery::new(window).resource(resource(seed::DR_EHN));
    let slots = ehr.find_timeslots(&care_unit(), &query).await.unwrap();
    assert_eq!(slots.len(), 12);

    let tasks: Vec<_> = (0..8)
        .map(|task| tokio::spawn(race(ehr.clone(), slots.clone(), task)))
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    let listed = ehr
        .list_appointments(
            &care_unit(),
            &AppointmentQuery {
                resource_id: Some(resource(seed::DR_EHN)),
                start: Some(window.start()),
                end: Some(window.end()),
                ..AppointmentQuery::default()
            },
        )
        .await
        .unwrap();
    let held: Vec<&Appointment> = listed
        .iter()
        .filter(|appointment| appointment.status().holds_slot())
        .collect();
    assert!(!held.is_empty(), "some bookings stand at the end");
    for (position, one) in held.iter().enumerate() {
        for other in &held[position + 1..] {
            assert!(
                !one.overlaps(&other.start(), &other.end()),
                "two held appointments overlap"
            );
        }
    }
    let free = ehr.find_timeslots(&care_unit(), &query).await.unwrap();
    let expected: Vec<&Timeslot> = slots
        .iter()
        .filter(|slot| {
            held.iter()
                .all(|appointment| !appointment.overlaps(&slot.start(), &slot.end()))
        })
        .collect();
    assert_eq!(
        free.iter().collect::<Vec<_>>(),
        expected,
        "the free listing is exactly the slots no held appointment overlaps"
    );
}
