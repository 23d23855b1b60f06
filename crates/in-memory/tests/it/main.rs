//! Integration tests of the in-memory adapter: the contract suite, the seed, in-memory
//! specifics, fault injection, a model-based lifecycle test, scale and privacy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod behaviour;
mod concurrency;
mod contract;
mod faults;
mod lifecycle_model;
mod privacy;
mod profiles;
mod scale;
mod seed_data;

use leyr_domain::national_id::NationalId;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone, Utc};
use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest};
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{AppointmentBook, Availability};
use leyr_domain::time::{STOCKHOLM, in_stockholm};
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{InMemoryEhr, ManualClock, seed};

/// A seeded fake on a manual clock at the default instant (Monday 2025-01-06, 08:00 Stockholm).
pub(crate) fn seeded() -> (InMemoryEhr, ManualClock) {
    let clock = ManualClock::default();
    (InMemoryEhr::seeded(Arc::new(clock.clone())), clock)
}

pub(crate) fn care_unit() -> CareUnitId {
    CareUnitId::new(seed::CARE_UNIT).unwrap()
}

pub(crate) fn resource(id: &str) -> ResourceId {
    ResourceId::new(id).unwrap()
}

pub(crate) fn service(id: &str) -> HealthcareServiceId {
    HealthcareServiceId::new(id).unwrap()
}

pub(crate) fn patient(personnummer: &str) -> PatientRef {
    PatientRef::National(NationalId::Personnummer(personnummer.parse().unwrap()))
}

/// A wall-clock time in Stockholm.
pub(crate) fn stockholm(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
) -> DateTime<FixedOffset> {
    let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
    STOCKHOLM
        .from_local_datetime(&date.and_hms_opt(hour, minute, 0).unwrap())
        .single()
        .unwrap()
        .fixed_offset()
}

/// A slot of the seed: `minutes` long from a Stockholm wall-clock time.
pub(crate) fn slot(
    start: DateTime<FixedOffset>,
    minutes: i64,
    resource_id: &str,
    service_id: &str,
) -> Timeslot {
    Timeslot::new(
        start,
        start + TimeDelta::minutes(minutes),
        resource(resource_id),
        service(service_id),
    )
    .unwrap()
}

/// The free slots of `resource_id` starting in the week after `from`.
pub(crate) async fn week_of_slots(
    ehr: &InMemoryEhr,
    from: DateTime<FixedOffset>,
    resource_id: &str,
) -> Vec<Timeslot> {
    let window = TimeWindow::starting_at(from, TimeDelta::days(7)).unwrap();
    ehr.find_timeslots(
        &care_unit(),
        &TimeslotQuery::new(window).resource(resource(resource_id)),
    )
    .await
    .unwrap()
}

/// The first free 1001 slot of Dr Ehn at least `days` ahead of the clock.
pub(crate) async fn a_free_slot(ehr: &InMemoryEhr, days: i64) -> Timeslot {
    let from = in_stockholm(&ehr.clock().now()) + TimeDelta::days(days);
    let window = TimeWindow::starting_at(from, TimeDelta::days(14)).unwrap();
    let query = TimeslotQuery::new(window)
        .resource(resource(seed::DR_EHN))
        .service(service(seed::NEW_DOCTOR_VISIT));
    ehr.find_timeslots(&care_unit(), &query)
        .await
        .unwrap()
        .remove(0)
}

pub(crate) async fn book(
    ehr: &InMemoryEhr,
    personnummer: &str,
    timeslot: &Timeslot,
) -> Appointment {
    let request = BookingRequest {
        patient: patient(personnummer),
        slot: timeslot.clone(),
        comment: None,
    };
    ehr.book(&care_unit(), &request).await.unwrap()
}

pub(crate) async fn all_appointments(ehr: &InMemoryEhr) -> Vec<Appointment> {
    ehr.list_appointments(&care_unit(), &AppointmentQuery::default())
        .await
        .unwrap()
}

pub(crate) fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}
