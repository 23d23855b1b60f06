//! What the checks share: fixtures parsed from text, windows counted from the subject's "now",
//! and the listings, bookings, cancellations and lookups the sections build on. Each helper
//! panics with a message naming what failed.

use leyr_domain::national_id::NationalId;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest, Comment};
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{Patient, PatientRef, PersonName};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::{Cancellation, ChangeError, ReadError};
use leyr_domain::time::{STOCKHOLM, in_stockholm};
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};

use crate::Ports;
use crate::seed::{CARE_UNIT, DR_EHN, NEW_DOCTOR_VISIT};

pub(crate) fn parse<T: FromStr>(text: &str) -> T
where
    T::Err: fmt::Debug,
{
    text.parse()
        .unwrap_or_else(|error| panic!("contract fixture {text:?} does not parse: {error:?}"))
}

pub(crate) fn name(text: &str) -> PersonName {
    PersonName::new(text)
        .unwrap_or_else(|error| panic!("contract fixture name does not parse: {error:?}"))
}

pub(crate) fn care_unit() -> CareUnitId {
    parse(CARE_UNIT)
}

pub(crate) fn resource(id: &str) -> ResourceId {
    parse(id)
}

pub(crate) fn service(id: &str) -> HealthcareServiceId {
    parse(id)
}

pub(crate) fn by_personnummer(personnummer: &str) -> PatientRef {
    PatientRef::National(NationalId::Personnummer(parse(personnummer)))
}

pub(crate) fn comment(text: &str) -> Comment {
    Comment::new(text).expect("a valid comment")
}

/// `[now + from_days, now + from_days + days)`, in Stockholm offset.
pub(crate) fn days_from_now(subject: &Ports, from_days: i64, days: i64) -> TimeWindow {
    let start = in_stockholm(&subject.now()) + TimeDelta::days(from_days);
    TimeWindow::starting_at(start, TimeDelta::days(days)).expect("a valid window")
}

/// A wall-clock time in Stockholm on `date`.
pub(crate) fn stockholm(date: NaiveDate, hour: u32, minute: u32) -> DateTime<FixedOffset> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time");
    STOCKHOLM
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .expect("a Stockholm time")
        .fixed_offset()
}

pub(crate) async fn free_slots(
    subject: &Ports,
    resource_id: Option<&str>,
    service_id: Option<&str>,
    window: TimeWindow,
) -> Vec<Timeslot> {
    let mut query = TimeslotQuery::new(window);
    query.resource_id = resource_id.map(resource);
    query.healthcare_service_id = service_id.map(service);
    subject
        .availability
        .find_timeslots(&care_unit(), &query)
        .await
        .unwrap_or_else(|error| {
            panic!("find_timeslots {resource_id:?}/{service_id:?} failed: {error:?}")
        })
}

/// The free slots of Dr Ehn's new visits (30 minutes) in the two weeks from `from_days` ahead.
pub(crate) async fn ehn_new_visits(subject: &Ports, from_days: i64) -> Vec<Timeslot> {
    let slots = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, from_days, 14),
    )
    .await;
    assert!(
        slots.len() >= 4,
        "Dr Ehn must have at least four free 1001 slots from day {from_days} on, got {}",
        slots.len()
    );
    slots
}

pub(crate) async fn book(
    subject: &Ports,
    patient: &str,
    slot: &Timeslot,
    note: &str,
) -> Appointment {
    let request = BookingRequest {
        patient: by_personnummer(patient),
        slot: slot.clone(),
        comment: Some(comment(note)),
    };
    subject
        .appointments
        .book(&care_unit(), &request)
        .await
        .unwrap_or_else(|error| panic!("booking a free listed slot ({note}) failed: {error:?}"))
}

pub(crate) async fn cancel(subject: &Ports, appointment: &AppointmentId) -> Appointment {
    subject
        .appointments
        .cancel(&care_unit(), appointment, &Cancellation::default())
        .await
        .unwrap_or_else(|error| panic!("cancelling {appointment} failed: {error:?}"))
}

pub(crate) async fn appointments_in(subject: &Ports, query: AppointmentQuery) -> Vec<Appointment> {
    subject
        .appointments
        .list_appointments(&care_unit(), &query)
        .await
        .unwrap_or_else(|error| panic!("list_appointments failed: {error:?}"))
}

pub(crate) async fn appointment_by_id(subject: &Ports, id: &AppointmentId) -> Appointment {
    subject
        .appointments
        .get_appointment(&care_unit(), id)
        .await
        .unwrap_or_else(|error| panic!("appointment {id} cannot be looked up: {error}"))
}

pub(crate) async fn emr_id_of(subject: &Ports, patient: &str) -> PatientEmrId {
    get_patient(subject, &by_personnummer(patient)).await.emr_id
}

pub(crate) async fn get_patient(subject: &Ports, patient: &PatientRef) -> Patient {
    subject
        .patients
        .get_patient(&care_unit(), patient)
        .await
        .unwrap_or_else(|error| panic!("get_patient failed for a seeded patient: {error:?}"))
}

/// A valid personnummer born on `birth_date` (`YYYYMMDD`) that the adapter does not know yet.
pub(crate) async fn unregistered_personnummer(subject: &Ports, birth_date: &str) -> Personnummer {
    for serial in 1..=999_u32 {
        let candidate = with_check_digit(&format!("{birth_date}{serial:03}"));
        let personnummer: Personnummer = parse(&candidate);
        match subject
            .patients
            .get_patient(
                &care_unit(),
                &PatientRef::National(NationalId::Personnummer(personnummer)),
            )
            .await
        {
            Err(ReadError::NotFound(Entity::Patient)) => return personnummer,
            Ok(_) => {}
            Err(error) => panic!("get_patient of an unregistered personnummer failed: {error:?}"),
        }
    }
    panic!("every personnummer born {birth_date} is registered")
}

/// `eleven` (`YYYYMMDDNNN`) with its Luhn check digit (contract §5.4, rule 5).
fn with_check_digit(eleven: &str) -> String {
    let sum: u32 = eleven[2..]
        .bytes()
        .map(|byte| u32::from(byte - b'0'))
        .enumerate()
        .map(|(position, digit)| {
            let product = digit * if position % 2 == 0 { 2 } else { 1 };
            product / 10 + product % 10
        })
        .sum();
    format!("{eleven}{}", (10 - sum % 10) % 10)
}

/// `slot` moved by `minutes`: a slot nobody offers.
pub(crate) fn shifted(slot: &Timeslot, minutes: i64) -> Timeslot {
    Timeslot::new(
        slot.start() + TimeDelta::minutes(minutes),
        slot.end() + TimeDelta::minutes(minutes),
        slot.resource_id().clone(),
        slot.healthcare_service_id().clone(),
    )
    .expect("a valid slot")
}

pub(crate) fn is_refusal(result: &Result<Appointment, ChangeError>) -> bool {
    // Adapters differ here: one that knows the lifecycle says `Forbidden`, one that only hears
    // Leyr's `BAD_INPUT` says `Rejected`. Both are allowed by the port.
    matches!(
        result,
        Err(ChangeError::Forbidden(_) | ChangeError::Rejected(_))
    )
}

pub(crate) fn unstructured_note(title: &str, text: &str) -> NewMedicalNote {
    NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new(title).expect("a title"),
        author: resource(DR_EHN),
        text: NoteText::new(text).expect("a text"),
    }
}

pub(crate) fn small_pdf(author: &str) -> NewDocument {
    NewDocument::new(
        "Blood Test Results",
        "Lab Result",
        DocumentFormat::Pdf,
        resource(author),
        b"%PDF-1.4\n%%EOF\n".to_vec(),
    )
    .expect("a document")
}
