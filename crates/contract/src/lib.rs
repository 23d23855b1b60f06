//! The contract suite every Leyr booking adapter must pass, written once against the domain
//! ports.
//!
//! A [`Subject`] bundles an adapter's six ports and its notion of "now". [`run_all`] runs every
//! check in a fixed order; each check is also a `pub async fn` of its own, named after the
//! obligation it checks, so a failing one can be run alone. The checks run against the seeded
//! TakeCare sandbox data (contract C32): care unit `10`, Dr Ehn `10-991890000019` (services
//! `1001`, `1002`), nurse Lind `10-991890000027` (service `1003`) and the seven test patients.
//!
//! The suite asserts only what the ports promise, so it passes for `leyr-in-memory` directly
//! and for `leyr-http` talking to `leyr-sandbox`. Where adapters may differ it accepts each
//! allowed answer explicitly: an adapter that knows the appointment lifecycle answers
//! `ChangeError::Forbidden`, one that only hears Leyr's `BAD_INPUT` answers
//! `ChangeError::Rejected`; a registration whose answer is lost may be retried by the adapter
//! itself (it is an upsert) or reported as `OutcomeUnknown`.
//!
//! The checks expect the world as seeded on the date of [`Subject::now`] (the seed is dated from
//! the adapter's clock), and the clock standing still while they run.
//!
//! Each check picks its slots by listing what is free when it runs (each in its own days ahead
//! of now), and leaves every booking it makes either cancelled or in place, so the checks can
//! run one after another on one world, and [`run_all`] can run twice on the same adapter.
//!
//! ```no_run
//! use std::sync::Arc;
//! # async fn example<A>(adapter: Arc<A>, now: chrono::DateTime<chrono::Utc>)
//! # where A: leyr_domain::ports::CareUnitCatalog + leyr_domain::ports::PatientDirectory
//! #     + leyr_domain::ports::Availability + leyr_domain::ports::AppointmentBook
//! #     + leyr_domain::ports::MedicalNotes + leyr_domain::ports::PatientDocuments + 'static {
//! let subject = leyr_contract::Subject::from_adapter(adapter, now);
//! leyr_contract::run_all(&subject).await;
//! # }
//! ```
//!
//! Two checks need more than the ports, so they are not part of [`run_all`]:
//!
//! - [`confirmation_flow`] needs an adapter configured with a confirmation code (contract C25);
//! - [`lost_answers_are_outcome_unknown_and_the_writes_happen`] needs a way to make the adapter
//!   do a write and lose its answer ([`LoseAnswers`]): an in-memory fault script, or a sandbox
//!   told to drop the connection after doing the work (C31).

// A test-support crate: its checks fail by panicking, with a message saying what broke.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike, Utc,
};
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, AppointmentStatus, BookingRequest, Comment,
    ConfirmationCode, RescheduleRequest,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::ids::{AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId};
use leyr_domain::medical_note::{MedicalNote, NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{
    EmailAddress, NewPatient, Patient, PatientRef, PatientSearch, PersonName, PhoneNumber,
    Registration,
};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    MedicalNotes, PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::time::{STOCKHOLM, in_stockholm};
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};

/// The sandbox's care unit.
pub const CARE_UNIT: &str = "10";
/// Dr Ehn, "Läkare Ehn (läk)", offering [`NEW_DOCTOR_VISIT`] and [`FOLLOW_UP_DOCTOR_VISIT`].
pub const DR_EHN: &str = "10-991890000019";
/// Nurse Lind, "Sjuksköterska Lind (ssk)", offering [`NURSE_VISIT`].
pub const NURSE_LIND: &str = "10-991890000027";
/// "Nybesök läkare", 30 minutes.
pub const NEW_DOCTOR_VISIT: &str = "1001";
/// "Återbesök läkare", 15 minutes.
pub const FOLLOW_UP_DOCTOR_VISIT: &str = "1002";
/// "Sjuksköterskebesök", 20 minutes.
pub const NURSE_VISIT: &str = "1003";
/// The seven test patients, with their sandbox names.
pub const TEST_PATIENTS: [(&str, &str, &str); 7] = [
    ("191212121212", "Tolvan", "Tolvansson"),
    ("197110021834", "Testperson", "Alfa"),
    ("194010126672", "Testperson", "Beta"),
    ("195003042222", "Testperson", "Gamma"),
    ("194912062306", "Testperson", "Delta"),
    ("195008121856", "Testperson", "Epsilon"),
    ("198702072391", "Testperson", "Zeta"),
];

const TOLVAN: &str = "191212121212";
const ALFA: &str = "197110021834";
const BETA: &str = "194010126672";
const GAMMA: &str = "195003042222";
const DELTA: &str = "194912062306";
const EPSILON: &str = "195008121856";
const ZETA: &str = "198702072391";

/// A care unit id no sandbox has.
const UNKNOWN_CARE_UNIT: &str = "contract-unknown-care-unit";
/// A well-formed appointment id no sandbox has issued.
const UNKNOWN_APPOINTMENT: &str = "00000000-0000-4000-8000-000000000000";
/// A resource id no sandbox has.
const UNKNOWN_RESOURCE: &str = "10-000000000000";

/// The adapter under test: its six ports and its "now".
#[derive(Clone)]
pub struct Subject {
    /// Care units, resources and services.
    pub catalog: Arc<dyn CareUnitCatalog>,
    /// Patients.
    pub patients: Arc<dyn PatientDirectory>,
    /// Free timeslots.
    pub availability: Arc<dyn Availability>,
    /// Appointments.
    pub appointments: Arc<dyn AppointmentBook>,
    /// Medical notes.
    pub notes: Arc<dyn MedicalNotes>,
    /// Documents.
    pub documents: Arc<dyn PatientDocuments>,
    /// The adapter's "now" (its clock), which windows are computed from.
    pub now: DateTime<Utc>,
}

impl Subject {
    /// One adapter that implements every port.
    #[must_use]
    pub fn from_adapter<A>(adapter: Arc<A>, now: DateTime<Utc>) -> Self
    where
        A: CareUnitCatalog
            + PatientDirectory
            + Availability
            + AppointmentBook
            + MedicalNotes
            + PatientDocuments
            + 'static,
    {
        Self {
            catalog: adapter.clone(),
            patients: adapter.clone(),
            availability: adapter.clone(),
            appointments: adapter.clone(),
            notes: adapter.clone(),
            documents: adapter,
            now,
        }
    }
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subject")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Runs every check of the suite, in this order. Needs an adapter that books directly (no
/// confirmation code).
pub async fn run_all(subject: &Subject) {
    care_units_include_the_sandbox_unit(subject).await;
    resources_are_listed_in_id_order(subject).await;
    healthcare_services_are_listed_in_id_order(subject).await;
    get_resource_returns_each_listed_resource(subject).await;
    an_unknown_care_unit_is_not_found_by_any_method(subject).await;
    unknown_ids_are_not_found_with_their_kind(subject).await;
    patient_lookups_by_personnummer_and_emr_id_agree(subject).await;
    a_leyr_patient_id_does_not_address_a_patient(subject).await;
    find_patients_matches_names_ignoring_case(subject).await;
    register_patient_is_an_upsert(subject).await;
    register_patient_refuses_a_birth_date_after_today(subject).await;
    timeslots_match_their_query(subject).await;
    a_window_without_free_slots_gives_no_timeslots(subject).await;
    thirty_days_from_now_hold_slots_of_both_resources(subject).await;
    booking_takes_the_slot_and_every_overlapping_slot(subject).await;
    booking_a_taken_or_unlisted_slot_is_slot_taken(subject).await;
    a_slot_is_matched_by_its_instants_whatever_the_offset(subject).await;
    booking_with_a_too_long_comment_is_rejected(subject).await;
    concurrent_bookings_of_one_slot_have_exactly_one_winner(subject).await;
    appointments_are_listed_by_patient_resource_and_window(subject).await;
    a_resource_filter_lists_that_resource_only(subject).await;
    an_appointment_window_must_end_after_it_starts(subject).await;
    the_recommended_patient_has_a_history(subject).await;
    reschedule_moves_to_a_free_slot_and_back(subject).await;
    cancel_frees_the_slot(subject).await;
    cancelling_twice_is_harmless(subject).await;
    terminal_states_refuse_changes(subject).await;
    cancel_many_is_all_or_nothing(subject).await;
    cancel_many_answers_in_batch_order(subject).await;
    notes_round_trip_oldest_first(subject).await;
    several_notes_are_listed_oldest_first(subject).await;
    an_unknown_author_is_not_found(subject).await;
    document_upload_returns_metadata(subject).await;
}

/// A write whose answer [`LoseAnswers`] can make the adapter lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Write {
    /// `PatientDirectory::register_patient`.
    RegisterPatient,
    /// `AppointmentBook::book`.
    Book,
    /// `AppointmentBook::reschedule`.
    Reschedule,
    /// `AppointmentBook::cancel`.
    Cancel,
    /// `AppointmentBook::cancel_many`.
    CancelMany,
    /// `MedicalNotes::write_note`.
    WriteNote,
    /// `PatientDocuments::upload_document`.
    UploadDocument,
}

/// Makes the adapter under test do its next write of one kind and lose the answer, as a timeout
/// or a connection dropped after sending does.
pub trait LoseAnswers: Send + Sync {
    /// The next call of `write` is done, and its answer is lost.
    fn lose_next(&self, write: Write);
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn parse<T: FromStr>(text: &str) -> T
where
    T::Err: fmt::Debug,
{
    text.parse()
        .unwrap_or_else(|error| panic!("contract fixture {text:?} does not parse: {error:?}"))
}

fn name(text: &str) -> PersonName {
    PersonName::new(text)
        .unwrap_or_else(|error| panic!("contract fixture name does not parse: {error:?}"))
}

fn care_unit() -> CareUnitId {
    parse(CARE_UNIT)
}

fn resource(id: &str) -> ResourceId {
    parse(id)
}

fn service(id: &str) -> HealthcareServiceId {
    parse(id)
}

fn by_personnummer(personnummer: &str) -> PatientRef {
    PatientRef::Personnummer(parse(personnummer))
}

fn comment(text: &str) -> Comment {
    Comment::new(text).expect("a valid comment")
}

/// `[now + from_days, now + from_days + days)`, in Stockholm offset.
fn days_from_now(subject: &Subject, from_days: i64, days: i64) -> TimeWindow {
    let start = in_stockholm(&subject.now) + TimeDelta::days(from_days);
    TimeWindow::starting_at(start, TimeDelta::days(days)).expect("a valid window")
}

/// A wall-clock time in Stockholm on `date`.
fn stockholm(date: NaiveDate, hour: u32, minute: u32) -> DateTime<FixedOffset> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("a valid time");
    STOCKHOLM
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .expect("a Stockholm time")
        .fixed_offset()
}

async fn free_slots(
    subject: &Subject,
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
async fn ehn_new_visits(subject: &Subject, from_days: i64) -> Vec<Timeslot> {
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

async fn book(subject: &Subject, patient: &str, slot: &Timeslot, note: &str) -> Appointment {
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

async fn cancel(subject: &Subject, appointment: &AppointmentId) -> Appointment {
    subject
        .appointments
        .cancel(&care_unit(), appointment, &Cancellation::default())
        .await
        .unwrap_or_else(|error| panic!("cancelling {appointment} failed: {error:?}"))
}

async fn appointments_in(subject: &Subject, query: AppointmentQuery) -> Vec<Appointment> {
    subject
        .appointments
        .list_appointments(&care_unit(), &query)
        .await
        .unwrap_or_else(|error| panic!("list_appointments failed: {error:?}"))
}

async fn appointment_by_id(subject: &Subject, patient: &str, id: &AppointmentId) -> Appointment {
    let query = AppointmentQuery {
        patient: Some(by_personnummer(patient)),
        ..AppointmentQuery::default()
    };
    appointments_in(subject, query)
        .await
        .into_iter()
        .find(|appointment| appointment.id() == id)
        .unwrap_or_else(|| panic!("appointment {id} is not listed for its patient"))
}

async fn emr_id_of(subject: &Subject, patient: &str) -> PatientEmrId {
    get_patient(subject, &by_personnummer(patient)).await.emr_id
}

async fn get_patient(subject: &Subject, patient: &PatientRef) -> Patient {
    subject
        .patients
        .get_patient(&care_unit(), patient)
        .await
        .unwrap_or_else(|error| panic!("get_patient failed for a seeded patient: {error:?}"))
}

/// A valid personnummer born on `birth_date` (`YYYYMMDD`) that the adapter does not know yet.
async fn unregistered_personnummer(subject: &Subject, birth_date: &str) -> Personnummer {
    for serial in 1..=999_u32 {
        let candidate = with_check_digit(&format!("{birth_date}{serial:03}"));
        let personnummer: Personnummer = parse(&candidate);
        match subject
            .patients
            .get_patient(&care_unit(), &PatientRef::Personnummer(personnummer))
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
fn shifted(slot: &Timeslot, minutes: i64) -> Timeslot {
    Timeslot::new(
        slot.start() + TimeDelta::minutes(minutes),
        slot.end() + TimeDelta::minutes(minutes),
        slot.resource_id().clone(),
        slot.healthcare_service_id().clone(),
    )
    .expect("a valid slot")
}

fn is_refusal(result: &Result<Appointment, ChangeError>) -> bool {
    // Adapters differ here: one that knows the lifecycle says `Forbidden`, one that only hears
    // Leyr's `BAD_INPUT` says `Rejected`. Both are allowed by the port.
    matches!(
        result,
        Err(ChangeError::Forbidden(_) | ChangeError::Rejected(_))
    )
}

// ---------------------------------------------------------------------------------------------
// The catalog

/// The care units listed include the sandbox's `10`, in id order.
pub async fn care_units_include_the_sandbox_unit(subject: &Subject) {
    let units = subject
        .catalog
        .list_care_units()
        .await
        .expect("list_care_units failed");
    assert!(
        units.iter().any(|unit| unit.id.as_str() == CARE_UNIT),
        "care unit 10 is not listed: {units:?}"
    );
    assert!(
        units.windows(2).all(|pair| pair[0].id < pair[1].id),
        "care units are not in id order: {units:?}"
    );
    let sandbox = units
        .iter()
        .find(|unit| unit.id.as_str() == CARE_UNIT)
        .expect("care unit 10");
    assert!(
        sandbox
            .name
            .as_deref()
            .is_none_or(|name| name == "Vårdenhet 10"),
        "care unit 10 is misnamed: {sandbox:?}"
    );
}

/// The resources are Dr Ehn and nurse Lind with the seed's names, in id order.
pub async fn resources_are_listed_in_id_order(subject: &Subject) {
    let resources = subject
        .catalog
        .list_resources(&care_unit())
        .await
        .expect("list_resources failed");
    let listed: Vec<(&str, Option<&str>)> = resources
        .iter()
        .map(|resource| (resource.id.as_str(), resource.name.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            (DR_EHN, Some("Läkare Ehn (läk)")),
            (NURSE_LIND, Some("Sjuksköterska Lind (ssk)"))
        ],
        "resources of care unit 10"
    );
}

/// The services are 1001, 1002 and 1003 with the seed's names and durations, in id order.
pub async fn healthcare_services_are_listed_in_id_order(subject: &Subject) {
    let services = subject
        .catalog
        .list_healthcare_services(&care_unit())
        .await
        .expect("list_healthcare_services failed");
    let listed: Vec<(&str, Option<&str>, Option<TimeDelta>)> = services
        .iter()
        .map(|service| {
            (
                service.id.as_str(),
                service.name.as_deref(),
                service.duration,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                NEW_DOCTOR_VISIT,
                Some("Nybesök läkare"),
                Some(TimeDelta::minutes(30))
            ),
            (
                FOLLOW_UP_DOCTOR_VISIT,
                Some("Återbesök läkare"),
                Some(TimeDelta::minutes(15))
            ),
            (
                NURSE_VISIT,
                Some("Sjuksköterskebesök"),
                Some(TimeDelta::minutes(20))
            ),
        ],
        "healthcare services of care unit 10"
    );
}

/// `get_resource` returns each listed resource as listed.
pub async fn get_resource_returns_each_listed_resource(subject: &Subject) {
    let resources = subject
        .catalog
        .list_resources(&care_unit())
        .await
        .expect("list_resources failed");
    for listed in resources {
        let got = subject
            .catalog
            .get_resource(&care_unit(), &listed.id)
            .await
            .expect("get_resource of a listed resource failed");
        assert_eq!(
            got, listed,
            "get_resource({}) differs from the listing",
            listed.id
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Not found

/// Every port method answers `NotFound(CareUnit)` for an unknown care unit.
pub async fn an_unknown_care_unit_is_not_found_by_any_method(subject: &Subject) {
    let unknown: CareUnitId = parse(UNKNOWN_CARE_UNIT);
    let patient = by_personnummer(GAMMA);
    let window = days_from_now(subject, 1, 7);
    let slot = Timeslot::new(
        window.start(),
        window.start() + TimeDelta::minutes(30),
        resource(DR_EHN),
        service(NEW_DOCTOR_VISIT),
    )
    .expect("a valid slot");
    let appointment: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let not_found = |what: &str, error: Option<Entity>| {
        assert_eq!(
            error,
            Some(Entity::CareUnit),
            "{what} on an unknown care unit must be NotFound(CareUnit)"
        );
    };
    let read = |result: Result<(), ReadError>| match result {
        Err(ReadError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    let write = |result: Result<(), WriteError>| match result {
        Err(WriteError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    let change = |result: Result<(), ChangeError>| match result {
        Err(ChangeError::NotFound(entity)) => Some(entity),
        _ => None,
    };

    not_found(
        "list_resources",
        read(subject.catalog.list_resources(&unknown).await.map(drop)),
    );
    not_found(
        "get_resource",
        read(
            subject
                .catalog
                .get_resource(&unknown, &resource(DR_EHN))
                .await
                .map(drop),
        ),
    );
    not_found(
        "list_healthcare_services",
        read(
            subject
                .catalog
                .list_healthcare_services(&unknown)
                .await
                .map(drop),
        ),
    );
    not_found(
        "get_patient",
        read(
            subject
                .patients
                .get_patient(&unknown, &patient)
                .await
                .map(drop),
        ),
    );
    let search = PatientSearch::new(Some(name("Tolvan")), None).expect("a search");
    not_found(
        "find_patients",
        read(
            subject
                .patients
                .find_patients(&unknown, &search)
                .await
                .map(drop),
        ),
    );
    let new_patient = NewPatient {
        personnummer: parse(GAMMA),
        first_name: name("Testperson"),
        last_name: name("Gamma"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    not_found(
        "register_patient",
        write(
            subject
                .patients
                .register_patient(&unknown, &new_patient)
                .await
                .map(drop),
        ),
    );
    not_found(
        "find_timeslots",
        read(
            subject
                .availability
                .find_timeslots(&unknown, &TimeslotQuery::new(window))
                .await
                .map(drop),
        ),
    );
    let request = BookingRequest {
        patient: patient.clone(),
        slot: slot.clone(),
        comment: None,
    };
    let booked = match subject.appointments.book(&unknown, &request).await {
        Err(BookError::NotFound(entity)) => Some(entity),
        _ => None,
    };
    not_found("book", booked);
    not_found(
        "list_appointments",
        read(
            subject
                .appointments
                .list_appointments(&unknown, &AppointmentQuery::default())
                .await
                .map(drop),
        ),
    );
    let reschedule = RescheduleRequest {
        slot,
        comment: None,
    };
    not_found(
        "reschedule",
        change(
            subject
                .appointments
                .reschedule(&unknown, &appointment, &reschedule)
                .await
                .map(drop),
        ),
    );
    not_found(
        "cancel",
        change(
            subject
                .appointments
                .cancel(&unknown, &appointment, &Cancellation::default())
                .await
                .map(drop),
        ),
    );
    let batch = AppointmentBatch::new(vec![appointment.clone()]).expect("a batch");
    not_found(
        "cancel_many",
        change(
            subject
                .appointments
                .cancel_many(&unknown, &batch, &Cancellation::default())
                .await
                .map(drop),
        ),
    );
    let code = ConfirmationCode::new("123456").expect("a code");
    not_found(
        "confirm",
        change(
            subject
                .appointments
                .confirm(&unknown, &appointment, &code)
                .await
                .map(drop),
        ),
    );
    not_found(
        "list_notes",
        read(subject.notes.list_notes(&unknown, &patient).await.map(drop)),
    );
    not_found(
        "write_note",
        write(
            subject
                .notes
                .write_note(
                    &unknown,
                    &patient,
                    &unstructured_note("Contract", "Unknown care unit."),
                )
                .await
                .map(drop),
        ),
    );
    not_found(
        "upload_document",
        write(
            subject
                .documents
                .upload_document(&unknown, &patient, &small_pdf(DR_EHN))
                .await
                .map(drop),
        ),
    );
}

/// Unknown patients, resources, services and appointments are `NotFound` of their kind.
pub async fn unknown_ids_are_not_found_with_their_kind(subject: &Subject) {
    let unit = care_unit();
    let unknown_personnummer = unregistered_personnummer(subject, "19750505").await;
    for patient in [
        PatientRef::Personnummer(unknown_personnummer),
        PatientRef::EmrId(parse("contract-unknown-patient")),
    ] {
        let got = subject.patients.get_patient(&unit, &patient).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "get_patient of an unknown patient: {got:?}"
        );
        let got = subject.notes.list_notes(&unit, &patient).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "list_notes of an unknown patient: {got:?}"
        );
        let query = AppointmentQuery {
            patient: Some(patient.clone()),
            ..AppointmentQuery::default()
        };
        let got = subject.appointments.list_appointments(&unit, &query).await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "list_appointments of an unknown patient: {got:?}"
        );
    }

    let got = subject
        .catalog
        .get_resource(&unit, &resource(UNKNOWN_RESOURCE))
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "get_resource of an unknown resource: {got:?}"
    );
    let window = days_from_now(subject, 0, 7);
    let got = subject
        .availability
        .find_timeslots(
            &unit,
            &TimeslotQuery::new(window).resource(resource(UNKNOWN_RESOURCE)),
        )
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "find_timeslots of an unknown resource: {got:?}"
    );
    let got = subject
        .availability
        .find_timeslots(
            &unit,
            &TimeslotQuery::new(window).service(service("contract-unknown-service")),
        )
        .await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::HealthcareService))),
        "find_timeslots of an unknown service: {got:?}"
    );
    let query = AppointmentQuery {
        resource_id: Some(resource(UNKNOWN_RESOURCE)),
        ..AppointmentQuery::default()
    };
    let got = subject.appointments.list_appointments(&unit, &query).await;
    assert!(
        matches!(got, Err(ReadError::NotFound(Entity::Resource))),
        "list_appointments of an unknown resource: {got:?}"
    );

    let slot = ehn_new_visits(subject, 1).await.remove(0);
    let request = BookingRequest {
        patient: PatientRef::Personnummer(unknown_personnummer),
        slot,
        comment: None,
    };
    let got = subject.appointments.book(&unit, &request).await;
    assert!(
        matches!(got, Err(BookError::NotFound(Entity::Patient))),
        "booking for an unknown patient: {got:?}"
    );
    let known = ehn_new_visits(subject, 1).await.remove(0);
    let unknown_resource = Timeslot::new(
        known.start(),
        known.end(),
        resource(UNKNOWN_RESOURCE),
        known.healthcare_service_id().clone(),
    )
    .expect("a valid slot");
    let unknown_service = Timeslot::new(
        known.start(),
        known.end(),
        known.resource_id().clone(),
        service("contract-unknown-service"),
    )
    .expect("a valid slot");
    for (what, slot, entity) in [
        ("an unknown resource", unknown_resource, Entity::Resource),
        (
            "an unknown service",
            unknown_service,
            Entity::HealthcareService,
        ),
    ] {
        let request = BookingRequest {
            patient: by_personnummer(GAMMA),
            slot,
            comment: None,
        };
        let got = subject.appointments.book(&unit, &request).await;
        assert!(
            matches!(got, Err(BookError::NotFound(found)) if found == entity),
            "booking a slot of {what} must be NotFound({entity:?}): {got:?}"
        );
    }

    let appointment: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let slot = ehn_new_visits(subject, 1).await.remove(0);
    let got = subject
        .appointments
        .reschedule(
            &unit,
            &appointment,
            &RescheduleRequest {
                slot,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "reschedule of an unknown appointment: {got:?}"
    );
    let got = subject
        .appointments
        .cancel(&unit, &appointment, &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "cancel of an unknown appointment: {got:?}"
    );
    let code = ConfirmationCode::new("123456").expect("a code");
    let got = subject
        .appointments
        .confirm(&unit, &appointment, &code)
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "confirm of an unknown appointment: {got:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Patients

/// Each test patient is found by personnummer and by EHR id, the same patient both ways, with
/// the seed's name.
pub async fn patient_lookups_by_personnummer_and_emr_id_agree(subject: &Subject) {
    for (number, first_name, last_name) in TEST_PATIENTS {
        let by_number = get_patient(subject, &by_personnummer(number)).await;
        let by_emr_id = get_patient(subject, &PatientRef::EmrId(by_number.emr_id.clone())).await;
        assert_eq!(
            by_number,
            by_emr_id,
            "test patient #{} differs by personnummer and by EHR id",
            position_of(number)
        );
        assert_eq!(
            (by_number.first_name.as_str(), by_number.last_name.as_str()),
            (first_name, last_name),
            "test patient #{} has the wrong name",
            position_of(number)
        );
        assert!(
            by_number
                .personnummer
                .is_none_or(|personnummer| personnummer.as_str() == number),
            "test patient #{} carries another personnummer",
            position_of(number)
        );
        assert_eq!(
            by_number.care_unit_id.as_str(),
            CARE_UNIT,
            "test patient #{} is in another care unit",
            position_of(number)
        );
    }
}

/// Index of a test patient, for messages that must not print the personnummer.
fn position_of(number: &str) -> usize {
    TEST_PATIENTS
        .iter()
        .position(|(candidate, _, _)| *candidate == number)
        .unwrap_or(usize::MAX)
}

/// A seeded patient's EHR id is its personnummer, so a [`PatientRef::EmrId`] holding the
/// personnummer reaches it (contracts C6, C32); it has no phones or e-mails. Leyr's own patient
/// id is not an EHR id: a lookup by it is `NotFound(Patient)` (C6).
pub async fn a_leyr_patient_id_does_not_address_a_patient(subject: &Subject) {
    for (number, _, _) in TEST_PATIENTS {
        let position = position_of(number);
        let patient = get_patient(subject, &by_personnummer(number)).await;
        assert_eq!(
            patient.emr_id.as_str(),
            number,
            "test patient #{position}: the EHR id is the personnummer"
        );
        assert!(
            patient.phones.is_empty() && patient.emails.is_empty(),
            "test patient #{position} has no phones or e-mails"
        );
        let by_text = get_patient(subject, &PatientRef::EmrId(parse(number))).await;
        assert_eq!(
            by_text, patient,
            "test patient #{position}: the personnummer as EHR id reaches the same patient"
        );
        let Some(leyr_id) = &patient.leyr_id else {
            continue;
        };
        let got = subject
            .patients
            .get_patient(&care_unit(), &PatientRef::EmrId(parse(leyr_id.as_str())))
            .await;
        assert!(
            matches!(got, Err(ReadError::NotFound(Entity::Patient))),
            "test patient #{position} must not be reached by its Leyr id: {got:?}"
        );
    }
}

/// `find_patients` matches each given name exactly, ignoring case; no match gives `[]`.
pub async fn find_patients_matches_names_ignoring_case(subject: &Subject) {
    let find = |first: Option<&str>, last: Option<&str>| {
        let search = PatientSearch::new(first.map(name), last.map(name)).expect("a search");
        async move {
            subject
                .patients
                .find_patients(&care_unit(), &search)
                .await
                .expect("find_patients failed")
        }
    };
    let tolvan = find(Some("TOLVAN"), Some("tolvansson")).await;
    let tolvan_id = emr_id_of(subject, TOLVAN).await;
    assert_eq!(tolvan.len(), 1, "exactly one Tolvan Tolvansson");
    assert_eq!(
        tolvan[0].emr_id, tolvan_id,
        "the Tolvan found is the test patient"
    );

    let testpersons = find(Some("testperson"), None).await;
    for (number, _, last_name) in &TEST_PATIENTS[1..] {
        let emr_id = emr_id_of(subject, number).await;
        assert!(
            testpersons.iter().any(|patient| patient.emr_id == emr_id),
            "first name search misses Testperson {last_name}"
        );
    }
    let zeta = find(None, Some("ZeTa")).await;
    assert_eq!(zeta.len(), 1, "exactly one patient named Zeta");
    assert_eq!(zeta[0].emr_id, emr_id_of(subject, ZETA).await);
    assert!(
        find(Some("Tolva"), None).await.is_empty(),
        "a partial name must not match"
    );
    assert!(
        find(Some("Nobody"), Some("Nowhere")).await.is_empty(),
        "an unknown name gives []"
    );
}

/// Registering a new personnummer creates the patient (EHR id = personnummer), found by either
/// reference; registering it again, with other names, phones and e-mails, returns the same
/// patient unchanged, and so does registering a seeded patient under another name.
pub async fn register_patient_is_an_upsert(subject: &Subject) {
    let personnummer = unregistered_personnummer(subject, "19810101").await;
    let first = NewPatient {
        personnummer,
        first_name: name("Anders"),
        last_name: name("Andersson"),
        phones: vec![PhoneNumber::new("+46701234567").expect("a phone")],
        emails: Vec::new(),
    };
    let created = match subject
        .patients
        .register_patient(&care_unit(), &first)
        .await
    {
        Ok(Registration::Created(patient)) => patient,
        other => panic!("registering a new patient must answer Created, got {other:?}"),
    };
    assert_eq!(
        created.emr_id.as_str(),
        personnummer.as_str(),
        "a new TakeCare patient's EHR id is its personnummer"
    );
    assert_eq!(
        (created.first_name.as_str(), created.last_name.as_str()),
        ("Anders", "Andersson")
    );

    let second = NewPatient {
        first_name: name("Bertil"),
        last_name: name("Bertilsson"),
        phones: Vec::new(),
        emails: vec![EmailAddress::new("bertil@example.com").expect("an e-mail")],
        ..first
    };
    match subject
        .patients
        .register_patient(&care_unit(), &second)
        .await
    {
        Ok(Registration::Existing(patient)) => {
            assert_eq!(patient, created, "an existing patient comes back unchanged")
        }
        other => panic!("registering an existing patient must answer Existing, got {other:?}"),
    }
    let found = get_patient(subject, &PatientRef::Personnummer(personnummer)).await;
    assert_eq!(
        found, created,
        "the registered patient is found by personnummer"
    );
    let found = get_patient(subject, &PatientRef::EmrId(created.emr_id.clone())).await;
    assert_eq!(found, created, "the registered patient is found by EHR id");

    let beta = get_patient(subject, &by_personnummer(BETA)).await;
    let seeded = NewPatient {
        personnummer: parse(BETA),
        first_name: name("Someone"),
        last_name: name("Else"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    match subject
        .patients
        .register_patient(&care_unit(), &seeded)
        .await
    {
        Ok(Registration::Existing(patient)) => {
            assert_eq!(
                patient.last_name.as_str(),
                "Beta",
                "a seeded patient stays unchanged"
            );
            assert_eq!(patient, beta, "a seeded patient comes back as it was");
        }
        other => panic!("registering a seeded patient must answer Existing, got {other:?}"),
    }
    assert_eq!(
        get_patient(subject, &by_personnummer(BETA)).await,
        beta,
        "a seeded patient stays as it was after an upsert under another name"
    );
}

/// A personnummer born after today is refused, and so is a coordination number with an
/// unknown birth date (month `00`), valid as a number but not for TakeCare (contract C33).
pub async fn register_patient_refuses_a_birth_date_after_today(subject: &Subject) {
    let next_year = in_stockholm(&subject.now).year() + 1;
    let personnummer = unregistered_personnummer(subject, &format!("{next_year}0101")).await;
    let future = NewPatient {
        personnummer,
        first_name: name("Framtida"),
        last_name: name("Person"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    let got = subject
        .patients
        .register_patient(&care_unit(), &future)
        .await;
    assert!(
        matches!(got, Err(WriteError::Rejected(_))),
        "registering someone born next year must be rejected: {got:?}"
    );
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "an external_id that breaks C33 is BAD_INPUT: {got:?}"
    );

    // Day 61 of month 00: a coordination number issued without a known birth date.
    let unknown_date = unregistered_personnummer(subject, "19800061").await;
    let got = subject
        .patients
        .register_patient(
            &care_unit(),
            &NewPatient {
                personnummer: unknown_date,
                ..future
            },
        )
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::BadInput),
        "registering a coordination number without a birth date must be BAD_INPUT: {got:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Timeslots

/// Every slot returned matches its query, starts after now, lasts its service's duration, and
/// the list is ordered by start, resource, service; a filtered list is the unfiltered list
/// filtered.
pub async fn timeslots_match_their_query(subject: &Subject) {
    let window = days_from_now(subject, 0, 14);
    let now = in_stockholm(&subject.now);
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
pub async fn a_window_without_free_slots_gives_no_timeslots(subject: &Subject) {
    let past = days_from_now(subject, -7, 6);
    assert!(
        free_slots(subject, None, None, past).await.is_empty(),
        "a window in the past gives []"
    );
    let tomorrow = in_stockholm(&subject.now).date_naive() + TimeDelta::days(1);
    let night =
        TimeWindow::new(stockholm(tomorrow, 0, 30), stockholm(tomorrow, 6, 0)).expect("a window");
    assert!(
        free_slots(subject, None, None, night).await.is_empty(),
        "a window at night gives []"
    );
}

/// The 30 days from now hold free slots of both resources.
pub async fn thirty_days_from_now_hold_slots_of_both_resources(subject: &Subject) {
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

// ---------------------------------------------------------------------------------------------
// Booking

/// Booking a listed slot gives a booked appointment as requested, and removes the slot and
/// every overlapping slot of that resource, all services, from the listing; nothing else.
pub async fn booking_takes_the_slot_and_every_overlapping_slot(subject: &Subject) {
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
pub async fn booking_a_taken_or_unlisted_slot_is_slot_taken(subject: &Subject) {
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
pub async fn a_slot_is_matched_by_its_instants_whatever_the_offset(subject: &Subject) {
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
pub async fn booking_with_a_too_long_comment_is_rejected(subject: &Subject) {
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
        appointment_by_id(subject, EPSILON, appointment.id()).await,
        appointment,
        "a rejected cancellation changes nothing"
    );
    cancel(subject, appointment.id()).await;
}

/// Sixteen concurrent bookings of one slot: exactly one wins, fifteen get `SlotTaken`.
pub async fn concurrent_bookings_of_one_slot_have_exactly_one_winner(subject: &Subject) {
    let slot = ehn_new_visits(subject, 3).await.remove(0);
    let tasks: Vec<_> = (0..16)
        .map(|task| {
            let appointments = Arc::clone(&subject.appointments);
            let (number, _, _) = TEST_PATIENTS[task % TEST_PATIENTS.len()];
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
pub async fn appointments_are_listed_by_patient_resource_and_window(subject: &Subject) {
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
pub async fn a_resource_filter_lists_that_resource_only(subject: &Subject) {
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
pub async fn an_appointment_window_must_end_after_it_starts(subject: &Subject) {
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
pub async fn the_recommended_patient_has_a_history(subject: &Subject) {
    let now = in_stockholm(&subject.now);
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

// ---------------------------------------------------------------------------------------------
// Changes

/// A booked appointment moves to a free slot of its service and back; the old slot is freed,
/// the new one taken; moving onto its own time is allowed; a taken, unlisted or past target, or
/// one of another service, is `SlotTaken`; an unknown resource is `NotFound(Resource)`.
pub async fn reschedule_moves_to_a_free_slot_and_back(subject: &Subject) {
    let slots = ehn_new_visits(subject, 5).await;
    let (home, away, occupied) = (&slots[0], &slots[1], &slots[2]);
    let appointment = book(subject, EPSILON, home, "contract: reschedule").await;
    let other = book(subject, DELTA, occupied, "contract: in the way").await;
    let window = days_from_now(subject, 5, 14);
    let listed = |slots: &[Timeslot], slot: &Timeslot| {
        slots.iter().any(|candidate| candidate.same_slot(slot))
    };
    let unit = care_unit();

    let request = RescheduleRequest {
        slot: away.clone(),
        comment: Some(comment("contract: moved")),
    };
    let moved = subject
        .appointments
        .reschedule(&unit, appointment.id(), &request)
        .await
        .expect("moving to a free slot failed");
    assert_eq!(moved.id(), appointment.id(), "a move keeps the id");
    assert_eq!(moved.status(), &AppointmentStatus::Booked);
    assert_eq!(
        (moved.start(), moved.end()),
        (away.start(), away.end()),
        "the move takes the new times"
    );
    assert_eq!(
        moved.comment().map(Comment::as_str),
        Some("contract: moved"),
        "the move replaces the comment"
    );
    let now_free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        listed(&now_free, home),
        "the old slot is free again after the move"
    );
    assert!(
        !listed(&now_free, away),
        "the new slot is taken after the move"
    );

    let again = RescheduleRequest {
        slot: away.clone(),
        comment: None,
    };
    let stayed = subject
        .appointments
        .reschedule(&unit, appointment.id(), &again)
        .await;
    assert!(
        stayed.is_ok(),
        "moving onto its own time is allowed: {stayed:?}"
    );

    let follow_up = free_slots(subject, Some(DR_EHN), Some(FOLLOW_UP_DOCTOR_VISIT), window)
        .await
        .into_iter()
        .next()
        .expect("a free 1002 slot of Dr Ehn");
    for (what, target) in [
        ("a slot held by another booking", occupied.clone()),
        ("a slot never offered", shifted(home, 7)),
        // C22: the new slot must be of the appointment's own service.
        ("a free slot of another service", follow_up),
        ("a slot in the past", shifted(home, -28 * 24 * 60)),
    ] {
        let request = RescheduleRequest {
            slot: target,
            comment: None,
        };
        let got = subject
            .appointments
            .reschedule(&unit, appointment.id(), &request)
            .await;
        assert!(
            matches!(got, Err(ChangeError::SlotTaken)),
            "moving to {what} must be SlotTaken, got {got:?}"
        );
    }
    let elsewhere = Timeslot::new(
        home.start(),
        home.end(),
        resource(UNKNOWN_RESOURCE),
        home.healthcare_service_id().clone(),
    )
    .expect("a valid slot");
    let got = subject
        .appointments
        .reschedule(
            &unit,
            appointment.id(),
            &RescheduleRequest {
                slot: elsewhere,
                comment: None,
            },
        )
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Resource))),
        "moving to an unknown resource: {got:?}"
    );

    let too_long = RescheduleRequest {
        slot: home.clone(),
        comment: Some(Comment::new("m".repeat(MAX_COMMENT_CHARS + 1)).expect("a comment")),
    };
    let got = subject
        .appointments
        .reschedule(&unit, appointment.id(), &too_long)
        .await;
    assert!(
        matches!(&got, Err(ChangeError::Rejected(rejection)) if *rejection.code() == RejectionCode::InvalidCommentLength),
        "a move with a 501-character comment must be rejected with INVALID_COMMENT_LENGTH: {got:?}"
    );
    let back = subject
        .appointments
        .reschedule(
            &unit,
            appointment.id(),
            &RescheduleRequest {
                slot: home.clone(),
                comment: None,
            },
        )
        .await
        .expect("moving back failed");
    assert_eq!(
        (back.start(), back.end()),
        (home.start(), home.end()),
        "the appointment is back at its first slot"
    );
    let listed_now = appointment_by_id(subject, EPSILON, appointment.id()).await;
    assert_eq!(
        (listed_now.start(), listed_now.end()),
        (home.start(), home.end()),
        "the listing shows the move back"
    );
    let now_free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        listed(&now_free, away) && !listed(&now_free, home),
        "moving back frees the second slot and retakes the first"
    );

    cancel(subject, appointment.id()).await;
    cancel(subject, other.id()).await;
}

/// Cancelling appends the comment on a new line and frees the slot: it is listed and bookable
/// again.
pub async fn cancel_frees_the_slot(subject: &Subject) {
    let slot = ehn_new_visits(subject, 6).await.remove(0);
    let appointment = book(subject, TOLVAN, &slot, "First visit").await;
    let cancellation = Cancellation {
        comment: Some(comment("Patient is ill")),
    };
    let cancelled = subject
        .appointments
        .cancel(&care_unit(), appointment.id(), &cancellation)
        .await
        .expect("cancel failed");
    assert_eq!(cancelled.id(), appointment.id());
    assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled);
    assert_eq!(
        cancelled.comment().map(Comment::as_str),
        Some("First visit\nPatient is ill"),
        "the comment is appended on a new line"
    );
    let free = free_slots(subject, Some(DR_EHN), None, days_from_now(subject, 6, 14)).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slot)),
        "the cancelled slot is listed again"
    );
    let rebooked = book(subject, BETA, &slot, "contract: rebooked").await;
    assert_eq!(
        rebooked.status(),
        &AppointmentStatus::Booked,
        "the freed slot can be booked again"
    );
    cancel(subject, rebooked.id()).await;
}

/// Cancelling a cancelled appointment returns it unchanged.
pub async fn cancelling_twice_is_harmless(subject: &Subject) {
    let slot = ehn_new_visits(subject, 7).await.remove(0);
    let appointment = book(subject, BETA, &slot, "contract: twice").await;
    let first = subject
        .appointments
        .cancel(
            &care_unit(),
            appointment.id(),
            &Cancellation {
                comment: Some(comment("first")),
            },
        )
        .await
        .expect("the first cancel failed");
    let second = subject
        .appointments
        .cancel(
            &care_unit(),
            appointment.id(),
            &Cancellation {
                comment: Some(comment("second")),
            },
        )
        .await
        .expect("cancelling twice must succeed");
    assert_eq!(
        second, first,
        "a second cancel returns the appointment unchanged"
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 7, 14),
    )
    .await;
    assert_eq!(
        free.iter()
            .filter(|candidate| candidate.same_slot(&slot))
            .count(),
        1,
        "the slot is listed once"
    );
}

/// A cancelled appointment cannot be moved or confirmed; a completed one cannot be cancelled
/// or moved; a booked one cannot be confirmed. Adapters answer `Forbidden` or `Rejected`.
pub async fn terminal_states_refuse_changes(subject: &Subject) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 8).await;
    let code = ConfirmationCode::new("123456").expect("a code");

    let booked = book(subject, GAMMA, &slots[0], "contract: terminal").await;
    let got = subject
        .appointments
        .confirm(&unit, booked.id(), &code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming a booked appointment must be refused: {got:?}"
    );
    let cancelled = cancel(subject, booked.id()).await;
    let request = RescheduleRequest {
        slot: slots[1].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, cancelled.id(), &request)
        .await;
    assert!(
        is_refusal(&got),
        "moving a cancelled appointment must be refused: {got:?}"
    );
    let got = subject
        .appointments
        .confirm(&unit, cancelled.id(), &code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming a cancelled appointment must be refused: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, GAMMA, cancelled.id())
            .await
            .status(),
        &AppointmentStatus::Cancelled
    );

    let now = in_stockholm(&subject.now);
    let query = AppointmentQuery {
        patient: Some(by_personnummer(ALFA)),
        end: Some(now),
        ..AppointmentQuery::default()
    };
    let completed = appointments_in(subject, query)
        .await
        .into_iter()
        .find(|appointment| appointment.status() == &AppointmentStatus::Completed)
        .expect("the recommended patient has a completed appointment");
    let got = subject
        .appointments
        .cancel(&unit, completed.id(), &Cancellation::default())
        .await;
    assert!(
        is_refusal(&got),
        "cancelling a completed appointment must be refused: {got:?}"
    );
    let got = subject
        .appointments
        .reschedule(&unit, completed.id(), &request)
        .await;
    assert!(
        is_refusal(&got),
        "moving a completed appointment must be refused: {got:?}"
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 8, 14),
    )
    .await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[1])),
        "a refused move takes no slot"
    );
}

/// A bulk cancel with one unknown id changes nothing; without it, every appointment is
/// cancelled and returned in batch order.
pub async fn cancel_many_is_all_or_nothing(subject: &Subject) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 9).await;
    let first = book(subject, BETA, &slots[0], "contract: bulk one").await;
    let second = book(subject, BETA, &slots[1], "contract: bulk two").await;
    let unknown: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let batch = AppointmentBatch::new(vec![first.id().clone(), unknown, second.id().clone()])
        .expect("a batch");
    let cancellation = Cancellation {
        comment: Some(comment("Clinic closed")),
    };
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "a batch with an unknown id: {got:?}"
    );
    for appointment in [&first, &second] {
        let listed = appointment_by_id(subject, BETA, appointment.id()).await;
        assert_eq!(
            listed.status(),
            &AppointmentStatus::Booked,
            "a failed batch changes nothing"
        );
    }
    let batch =
        AppointmentBatch::new(vec![second.id().clone(), first.id().clone()]).expect("a batch");
    let cancelled = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await
        .expect("cancel_many failed");
    let ids: Vec<&AppointmentId> = cancelled.iter().map(Appointment::id).collect();
    assert_eq!(
        ids,
        [second.id(), first.id()],
        "the result follows the batch order"
    );
    assert!(
        cancelled
            .iter()
            .all(|appointment| appointment.status() == &AppointmentStatus::Cancelled)
    );
    let free = free_slots(
        subject,
        Some(DR_EHN),
        Some(NEW_DOCTOR_VISIT),
        days_from_now(subject, 9, 14),
    )
    .await;
    for slot in &slots[..2] {
        assert!(
            free.iter().any(|candidate| candidate.same_slot(slot)),
            "a bulk cancel frees the slots"
        );
    }
}

/// A bulk cancel answers in batch order, whatever the order of creation and of start; an
/// appointment already cancelled comes back unchanged (contract C24: each follows C23), the
/// others get the comment appended. A batch holding a completed appointment is refused and
/// changes nothing.
pub async fn cancel_many_answers_in_batch_order(subject: &Subject) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 12).await;
    // Created c, a, b, d; starting a, b, c, d; cancelled in the order b, d, c, a.
    let c = book(subject, DELTA, &slots[2], "contract: bulk order c").await;
    let a = book(subject, DELTA, &slots[0], "contract: bulk order a").await;
    let b = book(subject, DELTA, &slots[1], "contract: bulk order b").await;
    let d = book(subject, DELTA, &slots[3], "contract: bulk order d").await;
    let d = cancel(subject, d.id()).await;
    let order = [&b, &d, &c, &a];
    let batch = AppointmentBatch::new(order.iter().map(|booked| booked.id().clone()).collect())
        .expect("a batch");
    let cancellation = Cancellation {
        comment: Some(comment("Clinic closed")),
    };
    let cancelled = subject
        .appointments
        .cancel_many(&unit, &batch, &cancellation)
        .await
        .expect("cancel_many failed");
    let ids: Vec<&AppointmentId> = cancelled.iter().map(Appointment::id).collect();
    let expected: Vec<&AppointmentId> = order.iter().map(|booked| booked.id()).collect();
    assert_eq!(ids, expected, "the result follows the batch order");
    assert_eq!(
        cancelled[1], d,
        "an already cancelled appointment comes back unchanged"
    );
    for (booked, got) in order.iter().zip(&cancelled) {
        assert_eq!(got.status(), &AppointmentStatus::Cancelled);
        if booked.id() != d.id() {
            let appended = format!(
                "{}\nClinic closed",
                booked.comment().map(Comment::as_str).unwrap_or_default()
            );
            assert_eq!(
                got.comment().map(Comment::as_str),
                Some(appended.as_str()),
                "a bulk cancel appends its comment to each appointment's"
            );
        }
    }

    let now = in_stockholm(&subject.now);
    let completed = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(by_personnummer(ALFA)),
            end: Some(now),
            ..AppointmentQuery::default()
        },
    )
    .await
    .into_iter()
    .find(|appointment| appointment.status() == &AppointmentStatus::Completed)
    .expect("the recommended patient has a completed appointment");
    let booked = book(
        subject,
        DELTA,
        &slots[0],
        "contract: bulk with a completed one",
    )
    .await;
    let batch =
        AppointmentBatch::new(vec![booked.id().clone(), completed.id().clone()]).expect("a batch");
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &Cancellation::default())
        .await;
    // As for a single cancel, an adapter that knows the lifecycle says `Forbidden` and one that
    // only hears Leyr's `BAD_INPUT` says `Rejected`.
    assert!(
        matches!(
            got,
            Err(ChangeError::Forbidden(_) | ChangeError::Rejected(_))
        ),
        "a batch holding a completed appointment must be refused: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, DELTA, booked.id())
            .await
            .status(),
        &AppointmentStatus::Booked,
        "a refused batch changes nothing"
    );
    cancel(subject, booked.id()).await;
}

// ---------------------------------------------------------------------------------------------
// Notes and documents

fn unstructured_note(title: &str, text: &str) -> NewMedicalNote {
    NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new(title).expect("a title"),
        author: resource(DR_EHN),
        text: NoteText::new(text).expect("a text"),
    }
}

fn small_pdf(author: &str) -> NewDocument {
    NewDocument::new(
        "Blood Test Results",
        "Lab Result",
        DocumentFormat::Pdf,
        resource(author),
        b"%PDF-1.4\n%%EOF\n".to_vec(),
    )
    .expect("a document")
}

/// An unstructured note comes back with its title, text and author, and is listed after the
/// notes before it; other templates are rejected as not supported.
pub async fn notes_round_trip_oldest_first(subject: &Subject) {
    let unit = care_unit();
    let patient = by_personnummer(BETA);
    let earlier = unstructured_note("Consultation Summary", "Patient reports mild headache.");
    let later = unstructured_note("Follow-up", "Headache gone.\nNo further action.");
    let mut written = Vec::new();
    for note in [&earlier, &later] {
        let got = subject
            .notes
            .write_note(&unit, &patient, note)
            .await
            .expect("write_note failed");
        assert_eq!(
            got.title.as_ref(),
            Some(&note.title),
            "the note keeps its title"
        );
        assert_eq!(
            got.text.as_ref(),
            Some(&note.text),
            "the note keeps its text"
        );
        assert_eq!(
            got.author.as_ref(),
            Some(&note.author),
            "the note keeps its author"
        );
        assert!(
            got.template
                .as_ref()
                .is_none_or(|template| *template == NoteTemplate::Unstructured)
        );
        written.push(got);
    }
    let listed = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    let position = |id| listed.iter().position(|note| note.id == id);
    let (first, second) = (
        position(written[0].id.clone()),
        position(written[1].id.clone()),
    );
    assert!(first.is_some() && second.is_some(), "both notes are listed");
    assert!(first < second, "notes are listed oldest first");
    assert_eq!(
        listed[first.unwrap_or_default()],
        written[0],
        "the listed note equals the written one"
    );
    assert!(
        listed
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "notes are ordered by created_at"
    );

    let other_template = NewMedicalNote {
        template: NoteTemplate::AcuteVisit,
        ..earlier
    };
    let got = subject
        .notes
        .write_note(&unit, &patient, &other_template)
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
        "only leyr_unstructured is supported: {got:?}"
    );
    let nobody = PatientRef::Personnummer(unregistered_personnummer(subject, "19750505").await);
    let got = subject.notes.write_note(&unit, &nobody, &later).await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Patient))),
        "a note for an unknown patient: {got:?}"
    );
}

/// Several notes written one after another are listed in that order, oldest first, after the
/// patient's earlier notes, whichever reference names the patient.
pub async fn several_notes_are_listed_oldest_first(subject: &Subject) {
    let unit = care_unit();
    let patient = by_personnummer(GAMMA);
    let mut written = Vec::new();
    for number in 1..=3 {
        let note = unstructured_note(
            &format!("Contract note {number}"),
            &format!("Written {number} of 3."),
        );
        written.push(
            subject
                .notes
                .write_note(&unit, &patient, &note)
                .await
                .expect("write_note failed")
                .id,
        );
    }
    let listed = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    let positions: Vec<Option<usize>> = written
        .iter()
        .map(|id| listed.iter().position(|note| note.id == *id))
        .collect();
    assert!(
        positions.iter().all(Option::is_some),
        "every note written is listed"
    );
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "notes are listed in the order they were written: {positions:?}"
    );
    assert_eq!(
        positions.last().copied().flatten(),
        Some(listed.len() - 1),
        "the last note written is listed last"
    );
    assert!(
        listed
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at),
        "notes are ordered by created_at"
    );
    let by_emr_id = subject
        .notes
        .list_notes(&unit, &PatientRef::EmrId(emr_id_of(subject, GAMMA).await))
        .await
        .expect("list_notes by EHR id failed");
    assert_eq!(
        by_emr_id, listed,
        "a patient's notes are the same by personnummer and by EHR id"
    );
}

/// A note or document whose author is not a resource of the care unit is `NotFound(Author)`.
pub async fn an_unknown_author_is_not_found(subject: &Subject) {
    let unit = care_unit();
    let note = NewMedicalNote {
        author: resource(UNKNOWN_RESOURCE),
        ..unstructured_note("Contract", "Unknown author.")
    };
    let got = subject
        .notes
        .write_note(&unit, &by_personnummer(BETA), &note)
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Author))),
        "a note by an unknown author: {got:?}"
    );
    let got = subject
        .documents
        .upload_document(&unit, &by_personnummer(BETA), &small_pdf(UNKNOWN_RESOURCE))
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Author))),
        "a document by an unknown author: {got:?}"
    );
}

/// Uploading a small PDF, JPEG or PNG returns its metadata; a format the EHR cannot take is
/// rejected as not supported (contract C27).
pub async fn document_upload_returns_metadata(subject: &Subject) {
    let unit = care_unit();
    let patient = by_personnummer(BETA);
    let document = small_pdf(DR_EHN);
    let stored = subject
        .documents
        .upload_document(&unit, &patient, &document)
        .await
        .expect("upload_document failed");
    assert!(!stored.id.as_str().is_empty());
    assert!(
        stored
            .title
            .as_deref()
            .is_none_or(|title| title == document.title()),
        "the document keeps its title"
    );
    assert!(
        stored
            .kind
            .as_deref()
            .is_none_or(|kind| kind == document.kind()),
        "the document keeps its type"
    );
    assert!(
        stored
            .format
            .as_ref()
            .is_none_or(|format| format == document.format()),
        "the document keeps its format"
    );
    assert!(
        stored
            .author
            .as_ref()
            .is_none_or(|author| author == document.author()),
        "the document keeps its author"
    );
    let earliest = in_stockholm(&subject.now) - TimeDelta::minutes(1);
    assert!(
        stored
            .created_at
            .is_none_or(|created_at| created_at >= earliest),
        "the document is dated now"
    );

    let text = NewDocument::new(
        "Notes",
        "Letter",
        DocumentFormat::from_mime("text/plain"),
        resource(DR_EHN),
        b"hello".to_vec(),
    )
    .expect("a document");
    let got = subject
        .documents
        .upload_document(&unit, &patient, &text)
        .await;
    assert!(
        matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
        "text/plain must be rejected as not supported: {got:?}"
    );
    let image = |format: DocumentFormat| {
        NewDocument::new(
            "Contract image",
            "Photo",
            format,
            resource(DR_EHN),
            b"\x89PNG\r\n\x1a\n".to_vec(),
        )
        .expect("a document")
    };
    for format in [DocumentFormat::Jpeg, DocumentFormat::Png] {
        let document = image(format);
        let stored = subject
            .documents
            .upload_document(&unit, &patient, &document)
            .await
            .unwrap_or_else(|error| {
                panic!("{} must be accepted: {error:?}", document.format().as_str())
            });
        assert!(
            stored
                .format
                .as_ref()
                .is_none_or(|format| format == document.format()),
            "the document keeps its format"
        );
    }
    for mime in [
        "image/gif",
        "application/msword",
        "application/pdf; charset=x",
    ] {
        let got = subject
            .documents
            .upload_document(&unit, &patient, &image(DocumentFormat::from_mime(mime)))
            .await;
        assert!(
            matches!(&got, Err(WriteError::Rejected(rejection)) if *rejection.code() == RejectionCode::NotSupported),
            "{mime} must be rejected as not supported: {got:?}"
        );
    }
    let nobody = PatientRef::Personnummer(unregistered_personnummer(subject, "19750505").await);
    let got = subject
        .documents
        .upload_document(&unit, &nobody, &document)
        .await;
    assert!(
        matches!(got, Err(WriteError::NotFound(Entity::Patient))),
        "a document for an unknown patient: {got:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Lost answers (not in `run_all`)

/// A write whose answer is lost is `OutcomeUnknown`, and was done: the booking is found once by
/// listing the patient's appointments in the slot's window (contract C38), the move, the cancel
/// and the bulk cancel show in the listing, the note in the patient's notes. Registration is an
/// upsert, which an adapter may retry by itself (C37): it answers the patient or
/// `OutcomeUnknown`, and the patient exists either way.
pub async fn lost_answers_are_outcome_unknown_and_the_writes_happen(
    subject: &Subject,
    faults: &dyn LoseAnswers,
) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 13).await;
    let request = BookingRequest {
        patient: by_personnummer(TOLVAN),
        slot: slots[0].clone(),
        comment: Some(comment("contract: lost answer")),
    };
    faults.lose_next(Write::Book);
    let got = subject.appointments.book(&unit, &request).await;
    assert!(
        matches!(got, Err(BookError::OutcomeUnknown(_))),
        "a booking whose answer is lost: {got:?}"
    );
    let window = request.window();
    let found: Vec<Appointment> = appointments_in(
        subject,
        AppointmentQuery {
            patient: Some(request.patient.clone()),
            start: Some(window.start()),
            end: Some(window.end()),
            ..AppointmentQuery::default()
        },
    )
    .await
    .into_iter()
    .filter(|appointment| appointment.matches_slot(&request.slot))
    .collect();
    assert_eq!(
        found.len(),
        1,
        "the booking whose answer was lost happened, once"
    );
    let booked = &found[0];

    faults.lose_next(Write::Reschedule);
    let move_request = RescheduleRequest {
        slot: slots[1].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, booked.id(), &move_request)
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a move whose answer is lost: {got:?}"
    );
    let moved = appointment_by_id(subject, TOLVAN, booked.id()).await;
    assert_eq!(
        (moved.start(), moved.end()),
        (slots[1].start(), slots[1].end()),
        "the move whose answer was lost happened"
    );

    faults.lose_next(Write::Cancel);
    let got = subject
        .appointments
        .cancel(&unit, booked.id(), &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a cancel whose answer is lost: {got:?}"
    );
    assert_eq!(
        appointment_by_id(subject, TOLVAN, booked.id())
            .await
            .status(),
        &AppointmentStatus::Cancelled,
        "the cancel whose answer was lost happened"
    );

    let first = book(subject, TOLVAN, &slots[2], "contract: lost bulk one").await;
    let second = book(subject, TOLVAN, &slots[3], "contract: lost bulk two").await;
    let batch =
        AppointmentBatch::new(vec![first.id().clone(), second.id().clone()]).expect("a batch");
    faults.lose_next(Write::CancelMany);
    let got = subject
        .appointments
        .cancel_many(&unit, &batch, &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "a bulk cancel whose answer is lost: {got:?}"
    );
    for appointment in [&first, &second] {
        assert_eq!(
            appointment_by_id(subject, TOLVAN, appointment.id())
                .await
                .status(),
            &AppointmentStatus::Cancelled,
            "the bulk cancel whose answer was lost happened"
        );
    }

    let patient = by_personnummer(TOLVAN);
    let notes_before = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed")
        .len();
    faults.lose_next(Write::WriteNote);
    let got = subject
        .notes
        .write_note(
            &unit,
            &patient,
            &unstructured_note("Contract", "Lost answer."),
        )
        .await;
    assert!(
        matches!(got, Err(WriteError::OutcomeUnknown(_))),
        "a note whose answer is lost: {got:?}"
    );
    let notes_after = subject
        .notes
        .list_notes(&unit, &patient)
        .await
        .expect("list_notes failed");
    assert_eq!(
        notes_after.len(),
        notes_before + 1,
        "the note whose answer was lost was written, once"
    );

    faults.lose_next(Write::UploadDocument);
    let got = subject
        .documents
        .upload_document(&unit, &patient, &small_pdf(DR_EHN))
        .await;
    assert!(
        matches!(got, Err(WriteError::OutcomeUnknown(_))),
        "a document whose answer is lost: {got:?}"
    );

    let personnummer = unregistered_personnummer(subject, "19790909").await;
    let new_patient = NewPatient {
        personnummer,
        first_name: name("Förlorat"),
        last_name: name("Svar"),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    faults.lose_next(Write::RegisterPatient);
    let got = subject.patients.register_patient(&unit, &new_patient).await;
    // Adapters differ here: the upsert may be retried by the adapter itself (leyr-http does,
    // C37), which then answers the patient; one that does not retry says `OutcomeUnknown`.
    assert!(
        matches!(got, Ok(_) | Err(WriteError::OutcomeUnknown(_))),
        "a registration whose answer is lost: {got:?}"
    );
    let registered = get_patient(subject, &PatientRef::Personnummer(personnummer)).await;
    assert_eq!(
        (
            registered.first_name.as_str(),
            registered.last_name.as_str()
        ),
        ("Förlorat", "Svar"),
        "the registration whose answer was lost happened"
    );
}

// ---------------------------------------------------------------------------------------------
// Confirmation (not in `run_all`)

/// For an adapter configured with confirmation `code` (contract C25): a booking awaits
/// confirmation, is listed so and holds its slot; it cannot be moved (C22); a wrong code is
/// refused and changes nothing; an unknown id is `NotFound(Appointment)`; the right code books
/// it, keeping its id, times, resource, service and patient; a second confirmation is refused;
/// an awaiting appointment can be cancelled, freeing its slot, and then cannot be confirmed.
pub async fn confirmation_flow(subject: &Subject, code: &ConfirmationCode) {
    let unit = care_unit();
    let slots = ehn_new_visits(subject, 10).await;
    let request = BookingRequest {
        patient: by_personnummer(GAMMA),
        slot: slots[0].clone(),
        comment: None,
    };
    let awaiting = subject
        .appointments
        .book(&unit, &request)
        .await
        .expect("booking failed");
    assert_eq!(
        awaiting.status(),
        &AppointmentStatus::AwaitingConfirmation,
        "bookings await confirmation"
    );
    let window = days_from_now(subject, 10, 14);
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        !free.iter().any(|candidate| candidate.same_slot(&slots[0])),
        "an awaiting booking holds its slot"
    );
    assert_eq!(
        appointment_by_id(subject, GAMMA, awaiting.id()).await,
        awaiting,
        "an awaiting booking is listed as awaiting confirmation"
    );
    let move_request = RescheduleRequest {
        slot: slots[2].clone(),
        comment: None,
    };
    let got = subject
        .appointments
        .reschedule(&unit, awaiting.id(), &move_request)
        .await;
    assert!(
        is_refusal(&got),
        "moving an appointment awaiting confirmation must be refused: {got:?}"
    );
    let unknown: AppointmentId = parse(UNKNOWN_APPOINTMENT);
    let got = subject.appointments.confirm(&unit, &unknown, code).await;
    assert!(
        matches!(got, Err(ChangeError::NotFound(Entity::Appointment))),
        "confirming an unknown appointment: {got:?}"
    );

    let wrong = ConfirmationCode::new(if code.as_str() == "contract-wrong" {
        "contract-wrong-2"
    } else {
        "contract-wrong"
    })
    .expect("a code");
    let got = subject
        .appointments
        .confirm(&unit, awaiting.id(), &wrong)
        .await;
    assert!(is_refusal(&got), "a wrong code must be refused: {got:?}");
    assert_eq!(
        appointment_by_id(subject, GAMMA, awaiting.id()).await,
        awaiting,
        "a wrong code and a refused move change nothing"
    );
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[2]))
            && !free.iter().any(|candidate| candidate.same_slot(&slots[0])),
        "a refused move takes no slot and frees none"
    );
    let confirmed = subject
        .appointments
        .confirm(&unit, awaiting.id(), code)
        .await
        .expect("confirming with the right code failed");
    assert_eq!(
        confirmed.status(),
        &AppointmentStatus::Booked,
        "the right code books the appointment"
    );
    assert_eq!(
        (
            confirmed.id(),
            confirmed.start(),
            confirmed.end(),
            confirmed.resource_id(),
            confirmed.healthcare_service_id(),
            confirmed.patient(),
        ),
        (
            awaiting.id(),
            awaiting.start(),
            awaiting.end(),
            awaiting.resource_id(),
            awaiting.healthcare_service_id(),
            awaiting.patient(),
        ),
        "confirming changes the status only"
    );
    assert_eq!(
        appointment_by_id(subject, GAMMA, awaiting.id()).await,
        confirmed,
        "the listing shows the confirmation"
    );
    let got = subject
        .appointments
        .confirm(&unit, awaiting.id(), code)
        .await;
    assert!(
        is_refusal(&got),
        "confirming twice must be refused: {got:?}"
    );

    let other = BookingRequest {
        slot: slots[1].clone(),
        ..request
    };
    let second = subject
        .appointments
        .book(&unit, &other)
        .await
        .expect("booking failed");
    let cancelled = cancel(subject, second.id()).await;
    assert_eq!(
        cancelled.status(),
        &AppointmentStatus::Cancelled,
        "an awaiting appointment can be cancelled"
    );
    let free = free_slots(subject, Some(DR_EHN), Some(NEW_DOCTOR_VISIT), window).await;
    assert!(
        free.iter().any(|candidate| candidate.same_slot(&slots[1])),
        "cancelling an awaiting booking frees its slot"
    );
    let got = subject.appointments.confirm(&unit, second.id(), code).await;
    assert!(
        is_refusal(&got),
        "confirming a cancelled appointment must be refused: {got:?}"
    );
    cancel(subject, confirmed.id()).await;
}
