//! Fixtures shared by the tests: ids, a patient, slots, appointments, clocks, mocks and a
//! subscriber that captures everything traced.

use leyr_app::domain::national_id::NationalId;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, Utc};
use leyr_app::Booking;
use leyr_app::domain::appointment::{Appointment, AppointmentParts, AppointmentStatus};
use leyr_app::domain::error::{BackendError, BackendErrorKind};
use leyr_app::domain::ids::{
    AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId,
};
use leyr_app::domain::patient::PatientRef;
use leyr_app::domain::personnummer::Personnummer;
use leyr_app::domain::ports::{
    Clock, MockAppointmentBook, MockAvailability, MockCareUnitCatalog, MockClock, MockMedicalNotes,
    MockPatientDirectory, MockPatientDocuments,
};
use leyr_app::domain::timeslot::Timeslot;
use leyr_domain::ports::Ports;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Tolvan Tolvansson's personnummer, canonical.
pub(crate) const TOLVAN: &str = "191212121212";
/// Digits that must never show up in messages or logs.
pub(crate) const TOLVAN_DIGITS: &str = "19121212";
pub(crate) const DR_EHN: &str = "10-991890000019";
pub(crate) const SERVICE: &str = "1001";

pub(crate) fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

pub(crate) fn utc(text: &str) -> DateTime<Utc> {
    at(text).with_timezone(&Utc)
}

/// Monday 2025-03-03, 09:00 in Stockholm.
pub(crate) fn now() -> DateTime<Utc> {
    utc("2025-03-03T08:00:00Z")
}

pub(crate) fn care_unit() -> CareUnitId {
    CareUnitId::new("10").unwrap()
}

pub(crate) fn tolvan() -> PatientRef {
    PatientRef::National(NationalId::Personnummer(
        TOLVAN.parse::<Personnummer>().unwrap(),
    ))
}

pub(crate) fn slot_at(start: &str, end: &str) -> Timeslot {
    Timeslot::new(
        at(start),
        at(end),
        ResourceId::new(DR_EHN).unwrap(),
        HealthcareServiceId::new(SERVICE).unwrap(),
    )
    .unwrap()
}

/// Tuesday 2025-03-04, 09:00 to 09:30 in Stockholm.
pub(crate) fn slot() -> Timeslot {
    slot_at("2025-03-04T09:00:00+01:00", "2025-03-04T09:30:00+01:00")
}

/// The appointment the EHR would list for `slot`, with the resource written `emr_id:`-prefixed.
pub(crate) fn appointment_for(slot: &Timeslot, id: &str, status: AppointmentStatus) -> Appointment {
    Appointment::new(AppointmentParts {
        id: AppointmentId::new(id).unwrap(),
        status,
        start: slot.start(),
        end: slot.end(),
        comment: None,
        care_unit_id: care_unit(),
        patient: Some(PatientEmrId::new(TOLVAN).unwrap()),
        resource_id: Some(ResourceId::new(format!("emr_id:{}", slot.resource_id())).unwrap()),
        healthcare_service_id: Some(slot.healthcare_service_id().clone()),
    })
    .unwrap()
}

pub(crate) fn backend(kind: BackendErrorKind) -> BackendError {
    BackendError::new(kind)
}

pub(crate) fn clock_at(now: DateTime<Utc>) -> Arc<dyn Clock> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(now);
    Arc::new(clock)
}

/// Ports whose mocks expect nothing (any call fails the test), except those given.
#[derive(Default)]
pub(crate) struct Mocks {
    pub(crate) catalog: MockCareUnitCatalog,
    pub(crate) patients: MockPatientDirectory,
    pub(crate) availability: MockAvailability,
    pub(crate) appointments: MockAppointmentBook,
    pub(crate) notes: MockMedicalNotes,
    pub(crate) documents: MockPatientDocuments,
}

impl Mocks {
    pub(crate) fn ports(self, now: DateTime<Utc>) -> Ports {
        Ports {
            catalog: Arc::new(self.catalog),
            patients: Arc::new(self.patients),
            availability: Arc::new(self.availability),
            appointments: Arc::new(self.appointments),
            notes: Arc::new(self.notes),
            documents: Arc::new(self.documents),
            clock: clock_at(now),
            profile: &leyr_app::domain::ehr::TAKECARE,
        }
    }

    pub(crate) fn booking(self) -> Booking {
        Booking::new(self.ports(now()))
    }
}

/// Every span and event traced while the guard lives, as text.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<String>>);

impl Captured {
    pub(crate) fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

pub(crate) fn capture_traces() -> (Captured, tracing::subscriber::DefaultGuard) {
    // With a single registered dispatcher, tracing-core caches a callsite's interest from the
    // thread that registers it first, which may be another test's thread with no subscriber.
    // A second dispatcher kept alive for the whole run makes it ask every dispatcher instead.
    static SECOND_DISPATCHER: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    SECOND_DISPATCHER
        .get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    let captured = Captured::default();
    let subscriber = CaptureSubscriber {
        out: captured.clone(),
        next_id: AtomicU64::new(1),
    };
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

struct CaptureSubscriber {
    out: Captured,
    next_id: AtomicU64,
}

struct FieldWriter<'a>(&'a mut String);

impl Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        write!(self.0, " {}={:?}", field.name(), value).unwrap();
    }
}

impl Subscriber for CaptureSubscriber {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut out = self.out.0.lock().unwrap();
        write!(out, "\nspan {}", span.metadata().name()).unwrap();
        span.record(&mut FieldWriter(&mut out));
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut out = self.out.0.lock().unwrap();
        out.push_str("\nrecord");
        values.record(&mut FieldWriter(&mut out));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut out = self.out.0.lock().unwrap();
        write!(out, "\nevent {}", event.metadata().level()).unwrap();
        event.record(&mut FieldWriter(&mut out));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
