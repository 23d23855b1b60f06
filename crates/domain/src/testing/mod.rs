//! proptest strategies for valid domain values (feature `test-util`).
//!
//! Every value these strategies make is valid by construction, so a property test can feed them
//! to any port or rule. Fixed fixtures ([`booked_appointment`], [`slot_at`]) use the TakeCare
//! sandbox's care unit `10`, resource `10-991890000019` and service `1001`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // fixtures of known-valid constants

pub mod fodselsnummer;
pub mod personnummer;

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone};
use proptest::prelude::*;

use crate::appointment::{
    Appointment, AppointmentParts, AppointmentStatus, Comment, LifecycleCommand,
};
use crate::ids::{AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId};
use crate::timeslot::Timeslot;

/// 2025-01-06 09:00 in Stockholm (a Monday, winter time): the base of the fixtures.
#[must_use]
pub fn base_time() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(3600)
        .expect("a valid offset")
        .with_ymd_and_hms(2025, 1, 6, 9, 0, 0)
        .unwrap()
}

/// A 30-minute slot of resource `10-991890000019`, service `1001`, `offset_minutes` after
/// [`base_time`].
#[must_use]
pub fn slot_at(offset_minutes: i64) -> Timeslot {
    let start = base_time() + TimeDelta::minutes(offset_minutes);
    Timeslot::new(
        start,
        start + TimeDelta::minutes(30),
        ResourceId::new("10-991890000019").unwrap(),
        HealthcareServiceId::new("1001").unwrap(),
    )
    .unwrap()
}

/// A booked appointment in [`slot_at`]`(0)` for patient `197110021834`.
#[must_use]
pub fn booked_appointment() -> Appointment {
    let slot = slot_at(0);
    Appointment::new(AppointmentParts {
        id: AppointmentId::new("5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a").unwrap(),
        status: AppointmentStatus::Booked,
        start: slot.start(),
        end: slot.end(),
        comment: None,
        care_unit_id: CareUnitId::new("10").unwrap(),
        patient: Some(PatientEmrId::new("197110021834").unwrap()),
        resource_id: Some(slot.resource_id().clone()),
        healthcare_service_id: Some(slot.healthcare_service_id().clone()),
    })
    .unwrap()
}

/// Any appointment status Leyr documents, plus an unknown one.
pub fn status() -> impl Strategy<Value = AppointmentStatus> {
    prop_oneof![
        Just(AppointmentStatus::Booked),
        Just(AppointmentStatus::AwaitingConfirmation),
        Just(AppointmentStatus::Completed),
        Just(AppointmentStatus::Cancelled),
        "[a-z_]{1,12}".prop_map(|text| AppointmentStatus::from_wire(&text)),
    ]
}

/// A comment of 1 to 40 visible characters.
pub fn comment() -> impl Strategy<Value = Comment> {
    "[A-Za-zÅÄÖåäö0-9 .,]{0,39}[A-Za-z]".prop_map(|text| Comment::new(text).unwrap())
}

/// Any lifecycle command, rescheduling to a slot within the same week.
pub fn lifecycle_command() -> impl Strategy<Value = LifecycleCommand> {
    prop_oneof![
        Just(LifecycleCommand::Confirm),
        Just(LifecycleCommand::Complete),
        proptest::option::of(comment()).prop_map(|comment| LifecycleCommand::Cancel { comment }),
        ((0_i64..5 * 24 * 2), proptest::option::of(comment())).prop_map(|(half_hours, comment)| {
            LifecycleCommand::Reschedule {
                slot: slot_at(half_hours * 30),
                comment,
            }
        }),
    ]
}
