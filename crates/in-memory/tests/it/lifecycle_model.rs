//! Model-based test of the appointment lifecycle: random sequences of book, reschedule, cancel
//! and complete (the clock passing an appointment's end), checked after every step against a
//! plain model of who holds which slot.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use leyr_domain::appointment::{
    AppointmentQuery, AppointmentStatus, BookingRequest, RescheduleRequest, TransitionError,
};
use leyr_domain::ids::AppointmentId;
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, ChangeError, Clock,
};
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{InMemoryEhr, ManualClock, seed};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::{care_unit, patient, slot, stockholm};

/// Three patients.
const PATIENTS: [&str; 3] = ["194010126672", "195003042222", "194912062306"];

/// Dr Ehn on Tuesday 2025-01-07: three 30-minute new visits and four 15-minute follow-ups,
/// overlapping each other across services.
fn slots() -> Vec<Timeslot> {
    let at = |hour, minute| stockholm(2025, 1, 7, hour, minute);
    vec![
        slot(at(8, 0), 30, seed::DR_EHN, seed::NEW_DOCTOR_VISIT),
        slot(at(8, 30), 30, seed::DR_EHN, seed::NEW_DOCTOR_VISIT),
        slot(at(9, 0), 30, seed::DR_EHN, seed::NEW_DOCTOR_VISIT),
        slot(at(8, 0), 15, seed::DR_EHN, seed::FOLLOW_UP_DOCTOR_VISIT),
        slot(at(8, 15), 15, seed::DR_EHN, seed::FOLLOW_UP_DOCTOR_VISIT),
        slot(at(8, 30), 15, seed::DR_EHN, seed::FOLLOW_UP_DOCTOR_VISIT),
        slot(at(8, 45), 15, seed::DR_EHN, seed::FOLLOW_UP_DOCTOR_VISIT),
    ]
}

#[derive(Debug, Clone)]
enum Command {
    Book {
        patient: usize,
        slot: usize,
    },
    Reschedule {
        appointment: usize,
        slot: usize,
    },
    Cancel {
        appointment: usize,
    },
    /// Move the clock just past this appointment's end.
    Complete {
        appointment: usize,
    },
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        4 => (0..PATIENTS.len(), 0..7_usize).prop_map(|(patient, slot)| Command::Book { patient, slot }),
        3 => (0..16_usize, 0..7_usize).prop_map(|(appointment, slot)| Command::Reschedule { appointment, slot }),
        2 => (0..16_usize).prop_map(|appointment| Command::Cancel { appointment }),
        1 => (0..16_usize).prop_map(|appointment| Command::Complete { appointment }),
    ]
}

/// What a call answered, reduced to what the model predicts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Ok,
    SlotTaken,
    Forbidden(TransitionError),
    Other(String),
}

fn book_answer<T>(result: &Result<T, BookError>) -> Answer {
    match result {
        Ok(_) => Answer::Ok,
        Err(BookError::SlotTaken) => Answer::SlotTaken,
        Err(other) => Answer::Other(format!("{other:?}")),
    }
}

fn change_answer<T>(result: &Result<T, ChangeError>) -> Answer {
    match result {
        Ok(_) => Answer::Ok,
        Err(ChangeError::SlotTaken) => Answer::SlotTaken,
        Err(ChangeError::Forbidden(rule)) => Answer::Forbidden(*rule),
        Err(other) => Answer::Other(format!("{other:?}")),
    }
}

#[derive(Debug, Clone)]
struct ModelAppointment {
    id: AppointmentId,
    slot: usize,
    cancelled: bool,
}

#[derive(Debug)]
struct Model {
    slots: Vec<Timeslot>,
    appointments: Vec<ModelAppointment>,
    now: DateTime<Utc>,
}

impl Model {
    fn status(&self, appointment: &ModelAppointment) -> AppointmentStatus {
        if appointment.cancelled {
            AppointmentStatus::Cancelled
        } else if self.slots[appointment.slot].end() < self.now {
            AppointmentStatus::Completed
        } else {
            AppointmentStatus::Booked
        }
    }

    /// Free: starts after now and no other live booking overlaps it.
    fn is_free(&self, slot: usize, ignore: Option<usize>) -> bool {
        let wanted = &self.slots[slot];
        wanted.start() > self.now
            && !self.appointments.iter().enumerate().any(|(index, held)| {
                Some(index) != ignore
                    && !held.cancelled
                    && wanted.overlaps(&self.slots[held.slot].start(), &self.slots[held.slot].end())
            })
    }

    fn expect_reschedule(&self, index: usize, slot: usize) -> Answer {
        let appointment = &self.appointments[index];
        match self.status(appointment) {
            AppointmentStatus::Cancelled => Answer::Forbidden(TransitionError::Cancelled),
            AppointmentStatus::Completed => Answer::Forbidden(TransitionError::Completed),
            _ if self.slots[slot].healthcare_service_id()
                != self.slots[appointment.slot].healthcare_service_id() =>
            {
                Answer::SlotTaken
            }
            _ if !self.is_free(slot, Some(index)) => Answer::SlotTaken,
            _ => Answer::Ok,
        }
    }

    fn expect_cancel(&self, index: usize) -> Answer {
        match self.status(&self.appointments[index]) {
            AppointmentStatus::Completed => Answer::Forbidden(TransitionError::Completed),
            _ => Answer::Ok,
        }
    }
}

async fn run(commands: Vec<Command>) -> Result<(), TestCaseError> {
    let clock = ManualClock::default();
    let ehr = InMemoryEhr::seeded(Arc::new(clock.clone()));
    let unit = care_unit();
    let mut model = Model {
        slots: slots(),
        appointments: Vec::new(),
        now: clock.now(),
    };

    for command in commands {
        match command {
            Command::Book { patient: who, slot } => {
                let expected = if model.is_free(slot, None) {
                    Answer::Ok
                } else {
                    Answer::SlotTaken
                };
                let request = BookingRequest {
                    patient: patient(PATIENTS[who]),
                    slot: model.slots[slot].clone(),
                    comment: None,
                };
                let result = ehr.book(&unit, &request).await;
                prop_assert_eq!(book_answer(&result), expected.clone(), "book slot {}", slot);
                if let Ok(appointment) = result {
                    prop_assert_eq!(appointment.status(), &AppointmentStatus::Booked);
                    model.appointments.push(ModelAppointment {
                        id: appointment.id().clone(),
                        slot,
                        cancelled: false,
                    });
                }
            }
            Command::Reschedule { appointment, slot } if !model.appointments.is_empty() => {
                let index = appointment % model.appointments.len();
                let expected = model.expect_reschedule(index, slot);
                let request = RescheduleRequest {
                    slot: model.slots[slot].clone(),
                    comment: None,
                };
                let result = ehr
                    .reschedule(&unit, &model.appointments[index].id, &request)
                    .await;
                prop_assert_eq!(
                    change_answer(&result),
                    expected,
                    "reschedule #{} to slot {}",
                    index,
                    slot
                );
                if result.is_ok() {
                    model.appointments[index].slot = slot;
                }
            }
            Command::Cancel { appointment } if !model.appointments.is_empty() => {
                let index = appointment % model.appointments.len();
                let expected = model.expect_cancel(index);
                let result = ehr
                    .cancel(
                        &unit,
                        &model.appointments[index].id,
                        &Cancellation::default(),
                    )
                    .await;
                prop_assert_eq!(change_answer(&result), expected, "cancel #{}", index);
                if let Ok(cancelled) = result {
                    prop_assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled);
                    model.appointments[index].cancelled = true;
                }
            }
            Command::Complete { appointment } if !model.appointments.is_empty() => {
                let index = appointment % model.appointments.len();
                let past_end = (model.slots[model.appointments[index].slot].end()
                    + TimeDelta::minutes(1))
                .to_utc();
                if past_end > model.now {
                    clock.set(past_end);
                    model.now = past_end;
                }
            }
            _ => {}
        }
        check_agreement(&ehr, &model).await?;
    }
    Ok(())
}

/// The adapter's listings agree with the model, and no two live bookings overlap.
async fn check_agreement(ehr: &InMemoryEhr, model: &Model) -> Result<(), TestCaseError> {
    let day: DateTime<FixedOffset> = stockholm(2025, 1, 7, 0, 0);
    let window = TimeWindow::starting_at(day, TimeDelta::days(1))
        .map_err(|error| TestCaseError::fail(error.to_string()))?;
    let query = AppointmentQuery {
        start: Some(window.start()),
        end: Some(window.end()),
        ..AppointmentQuery::default()
    };
    let listed = ehr
        .list_appointments(&care_unit(), &query)
        .await
        .map_err(|error| TestCaseError::fail(format!("{error:?}")))?;
    prop_assert_eq!(
        listed.len(),
        model.appointments.len(),
        "every appointment is listed, cancelled ones too"
    );
    for expected in &model.appointments {
        let actual = listed
            .iter()
            .find(|appointment| appointment.id() == &expected.id);
        prop_assert!(actual.is_some(), "appointment {} is listed", expected.id);
        let actual = actual
            .into_iter()
            .next()
            .cloned()
            .ok_or_else(|| TestCaseError::fail("listed"))?;
        prop_assert_eq!(actual.status(), &model.status(expected));
        prop_assert!(
            actual.matches_slot(&model.slots[expected.slot]) || expected.cancelled,
            "appointment {} is at its slot",
            expected.id
        );
    }
    let live: Vec<_> = listed
        .iter()
        .filter(|appointment| *appointment.status() != AppointmentStatus::Cancelled)
        .collect();
    for (position, first) in live.iter().enumerate() {
        for second in &live[position + 1..] {
            prop_assert!(
                !first.overlaps(&second.start(), &second.end()),
                "two live bookings share a slot"
            );
        }
    }

    let free = ehr
        .find_timeslots(&care_unit(), &TimeslotQuery::new(window))
        .await
        .map_err(|error| TestCaseError::fail(format!("{error:?}")))?;
    for (index, slot) in model.slots.iter().enumerate() {
        let offered = free.iter().any(|listed| listed.same_slot(slot));
        prop_assert_eq!(
            offered,
            model.is_free(index, None),
            "slot {} offered",
            index
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_adapter_agrees_with_a_plain_model_of_the_lifecycle(commands in prop::collection::vec(command(), 1..24)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(run(commands))?;
    }
}
