//! Booking rules: pure functions of their inputs and `now`.

use chrono::{TimeDelta, Utc};
use leyr_domain::appointment::{Comment, LifecycleCommand};
use leyr_domain::booking_rules::{BookingRules, MAX_COMMENT_CHARS, RuleViolation, is_completed};
use leyr_domain::ids::CareUnitId;
use leyr_domain::testing;

fn an_hour_before_the_slot() -> chrono::DateTime<Utc> {
    testing::base_time().with_timezone(&Utc) - TimeDelta::hours(1)
}

#[test]
fn a_slot_must_start_after_now_plus_the_lead_time() {
    let rules = BookingRules {
        min_lead_time: TimeDelta::hours(2),
        ..BookingRules::default()
    };
    let slot = testing::slot_at(0);
    assert_eq!(
        rules.check_timing(&slot, an_hour_before_the_slot()),
        Err(RuleViolation::TooShortNotice)
    );
    let defaults = BookingRules::default();
    assert_eq!(
        defaults.check_timing(&slot, an_hour_before_the_slot()),
        Ok(())
    );
    let at_start = slot.start().with_timezone(&Utc);
    assert_eq!(
        defaults.check_timing(&slot, at_start),
        Err(RuleViolation::TooShortNotice)
    );
}

#[test]
fn a_slot_beyond_the_horizon_is_refused() {
    let rules = BookingRules {
        horizon: Some(TimeDelta::minutes(30)),
        ..BookingRules::default()
    };
    assert_eq!(
        rules.check_timing(&testing::slot_at(0), an_hour_before_the_slot()),
        Err(RuleViolation::BeyondHorizon)
    );
}

#[test]
fn the_comment_must_fit_five_hundred_characters() {
    let rules = BookingRules::default();
    let fits = Comment::new("å".repeat(MAX_COMMENT_CHARS)).unwrap();
    let too_long = Comment::new("å".repeat(MAX_COMMENT_CHARS + 1)).unwrap();
    assert_eq!(rules.check_comment(Some(&fits)), Ok(()));
    assert_eq!(
        rules.check_comment(Some(&too_long)),
        Err(RuleViolation::CommentTooLong { max: 500 })
    );
    assert_eq!(rules.check_comment(None), Ok(()));
}

#[test]
fn the_patient_must_hold_no_overlapping_booking() {
    let rules = BookingRules::default();
    let existing = testing::booked_appointment(); // 09:00-09:30
    let now = an_hour_before_the_slot();
    let clash = rules.check_booking(
        &testing::slot_at(15),
        None,
        std::slice::from_ref(&existing),
        now,
    );
    assert_eq!(
        clash,
        Err(RuleViolation::Overlap {
            with: existing.id().clone()
        })
    );
    assert_eq!(
        rules.check_booking(
            &testing::slot_at(30),
            None,
            std::slice::from_ref(&existing),
            now
        ),
        Ok(())
    );
    let cancelled = existing
        .apply(&LifecycleCommand::Cancel { comment: None })
        .unwrap();
    assert_eq!(
        rules.check_booking(&testing::slot_at(0), None, &[cancelled], now),
        Ok(())
    );
}

#[test]
fn a_reschedule_targets_a_free_slot_of_the_same_care_unit_and_service() {
    let rules = BookingRules::default();
    let booked = testing::booked_appointment();
    let now = an_hour_before_the_slot();
    let ten = CareUnitId::new("10").unwrap();
    let own = std::slice::from_ref(&booked);
    // Moving within its own time does not clash with itself.
    assert_eq!(
        rules.check_reschedule(&booked, &ten, &testing::slot_at(15), None, own, now),
        Ok(())
    );
    let other_unit = CareUnitId::new("11").unwrap();
    assert_eq!(
        rules.check_reschedule(&booked, &other_unit, &testing::slot_at(60), None, own, now),
        Err(RuleViolation::OtherCareUnit)
    );
    let cancelled = booked
        .apply(&LifecycleCommand::Cancel { comment: None })
        .unwrap();
    assert!(matches!(
        rules.check_reschedule(&cancelled, &ten, &testing::slot_at(60), None, own, now),
        Err(RuleViolation::Lifecycle(_))
    ));
}

#[test]
fn a_past_booking_counts_as_completed() {
    let appointment = testing::booked_appointment();
    let end = appointment.end().with_timezone(&Utc);
    assert!(is_completed(
        appointment.status(),
        end,
        end + TimeDelta::seconds(1)
    ));
    assert!(!is_completed(
        appointment.status(),
        end,
        end - TimeDelta::seconds(1)
    ));
}

#[test]
fn a_slot_exactly_at_the_lead_time_or_the_horizon_may_be_booked() {
    let rules = BookingRules {
        min_lead_time: TimeDelta::hours(1),
        horizon: Some(TimeDelta::hours(1)),
        ..BookingRules::default()
    };
    let slot = testing::slot_at(0);
    let now = an_hour_before_the_slot();
    assert_eq!(rules.check_timing(&slot, now), Ok(()));
    assert_eq!(
        rules.check_timing(&slot, now + TimeDelta::seconds(1)),
        Err(RuleViolation::TooShortNotice)
    );
    assert_eq!(
        rules.check_timing(&slot, now - TimeDelta::seconds(1)),
        Err(RuleViolation::BeyondHorizon)
    );
}

#[test]
fn appointments_touching_the_slot_do_not_overlap_it() {
    let rules = BookingRules::default();
    // The appointment holds 09:00-09:30; slots ending at 09:00 or starting at 09:30 touch it.
    let existing = [testing::booked_appointment()];
    for touching in [-30, 30] {
        assert_eq!(
            rules.check_no_overlap(&testing::slot_at(touching), &existing, None),
            Ok(()),
            "slot at {touching} minutes"
        );
    }
    assert!(
        rules
            .check_no_overlap(&testing::slot_at(29), &existing, None)
            .is_err()
    );
    assert!(
        rules
            .check_no_overlap(&testing::slot_at(-29), &existing, None)
            .is_err()
    );
}
