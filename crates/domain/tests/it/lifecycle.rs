//! The appointment lifecycle as a state machine, checked over generated command sequences.

use leyr_domain::appointment::{
    AppointmentStatus, LifecycleCommand, LifecycleEvent, TransitionError,
};
use leyr_domain::testing;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A rejected command leaves the appointment unchanged, and nothing leaves a terminal state.
    #[test]
    fn terminal_states_stay_terminal(commands in prop::collection::vec(testing::lifecycle_command(), 0..24)) {
        let mut appointment = testing::booked_appointment();
        for command in &commands {
            let before = appointment.clone();
            match appointment.apply(command) {
                Ok(next) => {
                    if before.status().is_terminal() {
                        prop_assert_eq!(next.status(), before.status(), "left a terminal state");
                        prop_assert_eq!(&next, &before, "changed a terminal appointment");
                    }
                    appointment = next;
                }
                Err(_) => prop_assert_eq!(&appointment, &before),
            }
            prop_assert!(matches!(
                appointment.status(),
                AppointmentStatus::Booked | AppointmentStatus::AwaitingConfirmation
                    | AppointmentStatus::Completed | AppointmentStatus::Cancelled
            ));
        }
    }

    /// `apply` agrees with the transition table of `AppointmentStatus::after` for every status.
    #[test]
    fn apply_follows_the_transition_table(status in testing::status(), command in testing::lifecycle_command()) {
        let booked = testing::booked_appointment();
        let mut parts_status = booked.clone();
        // Build the same appointment in `status` through the public lifecycle where possible.
        parts_status = match status {
            AppointmentStatus::Booked => parts_status,
            AppointmentStatus::Cancelled => parts_status.apply(&LifecycleCommand::Cancel { comment: None }).unwrap(),
            AppointmentStatus::Completed => parts_status.apply(&LifecycleCommand::Complete).unwrap(),
            _ => return Ok(()),
        };
        let expected = parts_status.status().after(command.event());
        match parts_status.apply(&command) {
            Ok(next) => prop_assert_eq!(Ok(next.status().clone()), expected),
            Err(error) => prop_assert_eq!(Err(error), expected),
        }
    }

    /// A reschedule keeps the id, patient and care unit and takes the new slot's times.
    #[test]
    fn reschedule_moves_only_the_time_and_resource(command in testing::lifecycle_command()) {
        let booked = testing::booked_appointment();
        if let LifecycleCommand::Reschedule { slot, .. } = &command {
            let moved = booked.apply(&command).unwrap();
            prop_assert_eq!(moved.id(), booked.id());
            prop_assert_eq!(moved.patient(), booked.patient());
            prop_assert_eq!(moved.care_unit_id(), booked.care_unit_id());
            prop_assert_eq!(moved.start(), slot.start());
            prop_assert_eq!(moved.end(), slot.end());
            prop_assert!(moved.matches_slot(slot));
        }
    }
}

#[test]
fn cancelling_twice_keeps_the_first_comment_trail() {
    let comment = |text: &str| Some(leyr_domain::appointment::Comment::new(text).unwrap());
    let booked = testing::booked_appointment();
    let cancelled = booked
        .apply(&LifecycleCommand::Cancel {
            comment: comment("Patient is ill"),
        })
        .unwrap();
    let again = cancelled
        .apply(&LifecycleCommand::Cancel {
            comment: comment("Again"),
        })
        .unwrap();
    assert_eq!(again, cancelled, "a second cancel changes nothing (C23)");
    assert_eq!(cancelled.comment().unwrap().as_str(), "Patient is ill");
}

#[test]
fn confirmation_moves_awaiting_to_booked_only() {
    assert_eq!(
        AppointmentStatus::AwaitingConfirmation.after(LifecycleEvent::Confirm),
        Ok(AppointmentStatus::Booked)
    );
    assert_eq!(
        AppointmentStatus::Booked.after(LifecycleEvent::Confirm),
        Err(TransitionError::NotAwaitingConfirmation)
    );
}

#[test]
fn a_cancelled_appointment_no_longer_matches_its_slot() {
    let booked = testing::booked_appointment();
    assert!(booked.matches_slot(&testing::slot_at(0)));
    assert!(!booked.matches_slot(&testing::slot_at(30)));
    let cancelled = booked
        .apply(&LifecycleCommand::Cancel { comment: None })
        .unwrap();
    assert!(!cancelled.matches_slot(&testing::slot_at(0)));
}

#[test]
fn c20_a_booked_appointment_is_reported_completed_once_it_has_ended() {
    let booked = testing::booked_appointment();
    let end = booked.end().with_timezone(&chrono::Utc);
    let before = booked
        .clone()
        .reported_at(end - chrono::TimeDelta::seconds(1));
    assert_eq!(before.status(), &AppointmentStatus::Booked);
    assert_eq!(
        booked.clone().reported_at(end).status(),
        &AppointmentStatus::Booked
    );
    let after = booked
        .clone()
        .reported_at(end + chrono::TimeDelta::seconds(1));
    assert_eq!(after.status(), &AppointmentStatus::Completed);
    assert_eq!(after.id(), booked.id());
    let cancelled = booked
        .apply(&LifecycleCommand::Cancel { comment: None })
        .unwrap();
    assert_eq!(
        cancelled
            .reported_at(end + chrono::TimeDelta::days(1))
            .status(),
        &AppointmentStatus::Cancelled
    );
}
