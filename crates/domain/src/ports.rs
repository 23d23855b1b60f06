//! The ports: one narrow trait per capability, implemented by every adapter.
//!
//! Each trait is object-safe (`#[async_trait]`), so a service holds `Arc<dyn AppointmentBook>` and
//! chooses the adapter at run time. Each method's documentation is the contract every adapter
//! keeps; `leyr-contract` checks it against every adapter.
//!
//! Every method but [`CareUnitCatalog::list_care_units`] is scoped to a care unit, as Leyr's paths
//! are. An unknown care unit gives `NotFound(Entity::CareUnit)`. A patient id of a type the EHR
//! cannot look up gives `Rejected` wherever a method takes a [`PatientRef`].
//!
//! Failures every method may return, whatever the port:
//! - `Backend` with [`BackendErrorKind::Unauthorized`](crate::error::BackendErrorKind) when the
//!   credentials are refused;
//! - `Backend` with kind `Unavailable` or `Throttled`, and [`BackendError::retry_after`] when the
//!   EHR said how long to wait, when the EHR cannot serve the request now. Reads have already
//!   been retried by then;
//! - `Backend` with kind `Connect`, `Timeout`, `Server` or `Protocol` for other transport and
//!   server failures.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::ehr::EhrProfile;
use chrono::{DateTime, Utc};

use crate::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, BookingRequest, Comment, ConfirmationCode,
    RescheduleRequest, TransitionError,
};
use crate::catalog::{CareUnit, HealthcareService, Resource};
use crate::document::{Document, NewDocument};
use crate::error::{BackendError, Entity, Rejection};
use crate::ids::{AppointmentId, CareUnitId, ResourceId};
use crate::medical_note::{MedicalNote, NewMedicalNote};
use crate::patient::{NewPatient, Patient, PatientRef, PatientSearch, Registration};
use crate::timeslot::{Timeslot, TimeslotQuery};

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The care unit, or an id given to the read, does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the read, e.g. an id type it cannot look up.
    #[error(transparent)]
    Rejected(Rejection),
    /// The backend failed.
    #[error(transparent)]
    Backend(BackendError),
}

/// Why a write that is not a booking or an appointment change failed (patients, notes, documents).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The care unit, the patient or the author does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the write: bad input, unsupported template or format, and so on.
    #[error(transparent)]
    Rejected(Rejection),
    /// The request may have reached the EHR but no answer came back: the write may have happened.
    #[error("could not tell whether the write happened")]
    OutcomeUnknown(#[source] BackendError),
    /// The backend failed and the write did not happen.
    #[error(transparent)]
    Backend(BackendError),
}

/// Why a booking failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BookError {
    /// The slot is no longer free, or was never offered.
    #[error("the timeslot is no longer free")]
    SlotTaken,
    /// The care unit, patient, resource or service does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the booking for another reason (comment length, ambiguous slot, ...).
    #[error(transparent)]
    Rejected(Rejection),
    /// The request may have reached the EHR but no answer came back: the appointment may exist.
    /// The adapter never re-sends the booking itself.
    #[error("could not tell whether the appointment was booked")]
    OutcomeUnknown(#[source] BackendError),
    /// The backend failed and nothing was booked.
    #[error(transparent)]
    Backend(BackendError),
}

/// Why a change to an existing appointment (reschedule, cancel, confirm) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// The care unit, appointment or new resource does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The target slot of a reschedule is not free.
    #[error("the timeslot is no longer free")]
    SlotTaken,
    /// The appointment's status forbids the change (an adapter that knows the lifecycle says so;
    /// one that only hears the EHR's refusal returns [`ChangeError::Rejected`]).
    #[error(transparent)]
    Forbidden(TransitionError),
    /// The EHR refused the change.
    #[error(transparent)]
    Rejected(Rejection),
    /// The request may have reached the EHR but no answer came back: the change may have happened.
    #[error("could not tell whether the change happened")]
    OutcomeUnknown(#[source] BackendError),
    /// The backend failed and nothing changed.
    #[error(transparent)]
    Backend(BackendError),
}

macro_rules! from_backend {
    ($($error:ident),*) => {$(
        impl From<BackendError> for $error {
            fn from(error: BackendError) -> Self {
                Self::Backend(error)
            }
        }
    )*};
}
from_backend!(ReadError, WriteError, BookError, ChangeError);

/// How to cancel: an optional comment, appended to the appointment's on a new line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cancellation {
    /// Why, if given.
    pub comment: Option<Comment>,
}

/// The care units, and what each offers.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait CareUnitCatalog: Send + Sync {
    /// Every care unit the credentials reach, ordered by id.
    ///
    /// # Errors
    /// `Backend` only.
    async fn list_care_units(&self) -> Result<Vec<CareUnit>, ReadError>;

    /// The bookable resources of `care_unit`, ordered by id.
    ///
    /// # Errors
    /// `NotFound(Entity::CareUnit)` for an unknown care unit; `Backend`.
    async fn list_resources(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, ReadError>;

    /// One resource of `care_unit`.
    ///
    /// # Errors
    /// `NotFound(Entity::Resource)` for an unknown resource, `NotFound(Entity::CareUnit)`;
    /// `Backend`.
    async fn get_resource(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, ReadError>;

    /// The healthcare services of `care_unit`, ordered by id.
    ///
    /// # Errors
    /// `NotFound(Entity::CareUnit)`; `Backend`.
    async fn list_healthcare_services(
        &self,
        care_unit: &CareUnitId,
    ) -> Result<Vec<HealthcareService>, ReadError>;
}

/// The patients of a care unit.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PatientDirectory: Send + Sync {
    /// The patient `patient` refers to.
    ///
    /// # Errors
    /// `NotFound(Entity::Patient)` when no such patient exists; `NotFound(Entity::CareUnit)`;
    /// `Rejected` when the EHR cannot look patients up that way; `Backend`.
    async fn get_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, ReadError>;

    /// The patients matching `search`; an empty list when none do.
    ///
    /// # Errors
    /// `NotFound(Entity::CareUnit)`; `Backend`.
    async fn find_patients(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, ReadError>;

    /// Registers `patient`, or returns the existing patient with the same personnummer
    /// unchanged: repeating the call never creates a duplicate.
    ///
    /// # Errors
    /// `NotFound(Entity::CareUnit)`; `Rejected` when the EHR refuses the data; `Backend`.
    /// Since the call is an upsert, any failure may be retried.
    async fn register_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &NewPatient,
    ) -> Result<Registration, WriteError>;
}

/// Free timeslots.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Availability: Send + Sync {
    /// The free slots matching `query` that start in its window and after now, ordered by start,
    /// then resource, then service. An empty list when none are free.
    ///
    /// # Errors
    /// `NotFound` for an unknown care unit, resource or service; `Backend`.
    async fn find_timeslots(
        &self,
        care_unit: &CareUnitId,
        query: &TimeslotQuery,
    ) -> Result<Vec<Timeslot>, ReadError>;
}

/// Appointments: book, list, reschedule, cancel, confirm.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait AppointmentBook: Send + Sync {
    /// Books `request.slot` for `request.patient`. Exactly one of several concurrent bookings of
    /// one slot succeeds.
    ///
    /// # Errors
    /// - `SlotTaken` when the slot is not free (taken, or never offered), never a generic error;
    /// - `NotFound` for an unknown care unit, patient, resource or healthcare service;
    /// - `OutcomeUnknown` when the request may have reached the EHR but no answer came back.
    ///   The adapter never re-sends the booking: list the patient's appointments to find out;
    /// - `Rejected`, `Backend`.
    async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Appointment, BookError>;

    /// The appointments matching `query`, in every status, cancelled included, ordered by start.
    /// Statuses are as the EHR reports them now: a booked appointment whose end has passed is
    /// `Completed` (contract C20, [`Appointment::reported_at`]), here and in every answer of this
    /// port.
    ///
    /// # Errors
    /// `NotFound` for an unknown care unit, patient or resource; `Rejected` when the EHR refuses
    /// the query (e.g. a window whose end is not after its start); `Backend`.
    async fn list_appointments(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, ReadError>;

    /// One appointment of `care_unit` by its id, in whatever status it is now (cancelled and
    /// completed included), as [`AppointmentBook::list_appointments`] would report it.
    ///
    /// # Errors
    /// `NotFound(Entity::Appointment)` for an unknown id, `NotFound(Entity::CareUnit)`;
    /// `Backend`.
    async fn get_appointment(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
    ) -> Result<Appointment, ReadError>;

    /// Moves a booked appointment to `request.slot`, freeing its old slot.
    ///
    /// # Errors
    /// `NotFound(Entity::Appointment)`, or `NotFound(Entity::Resource)` for an unknown new
    /// resource; `SlotTaken` when the new slot is not free; `Forbidden` or `Rejected` when the
    /// appointment is not booked (`Rejected` also for a comment the EHR refuses);
    /// `OutcomeUnknown`; `Backend`.
    async fn reschedule(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        request: &RescheduleRequest,
    ) -> Result<Appointment, ChangeError>;

    /// Cancels an appointment and frees its slot. Cancelling a cancelled appointment returns it
    /// unchanged. If the EHR needs the patient to confirm, the result is a new appointment
    /// `AwaitingConfirmation`, with the id to confirm.
    ///
    /// # Errors
    /// `NotFound(Entity::Appointment)`; `Forbidden` or `Rejected` for a completed appointment;
    /// `OutcomeUnknown`; `Backend`.
    async fn cancel(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeError>;

    /// Cancels every appointment of `batch`, all or nothing, returning them in `batch` order.
    ///
    /// # Errors
    /// `NotFound(Entity::Appointment)` when any id is unknown (nothing changes); otherwise as
    /// [`AppointmentBook::cancel`].
    async fn cancel_many(
        &self,
        care_unit: &CareUnitId,
        batch: &AppointmentBatch,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeError>;

    /// Confirms an appointment awaiting confirmation with the patient's code.
    ///
    /// # Errors
    /// `NotFound(Entity::Appointment)`; `Forbidden` or `Rejected` for a wrong code or an
    /// appointment not awaiting confirmation; `OutcomeUnknown`; `Backend`.
    async fn confirm(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeError>;
}

/// Medical notes on a patient's record.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait MedicalNotes: Send + Sync {
    /// The patient's notes, oldest first.
    ///
    /// # Errors
    /// `NotFound(Entity::Patient)`, `NotFound(Entity::CareUnit)`; `Backend`.
    async fn list_notes(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, ReadError>;

    /// Writes an unsigned note.
    ///
    /// # Errors
    /// `NotFound(Entity::Patient)`, `NotFound(Entity::Author)`; `Rejected` for an unsupported
    /// template or content; `OutcomeUnknown` (never re-sent by the adapter); `Backend`.
    async fn write_note(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        note: &NewMedicalNote,
    ) -> Result<MedicalNote, WriteError>;
}

/// Documents attached to a patient's record.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait PatientDocuments: Send + Sync {
    /// Attaches `document` to the patient's record.
    ///
    /// # Errors
    /// `NotFound(Entity::Patient)`, `NotFound(Entity::Author)`; `Rejected` with `NotSupported`
    /// when the EHR cannot take this format yet; `OutcomeUnknown`; `Backend`.
    async fn upload_document(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteError>;
}

/// The current time. The domain never reads the wall clock; use cases ask this port.
#[cfg_attr(feature = "mocks", mockall::automock)]
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// One adapter per port, plus the clock: what the use cases of `leyr-app`, the contract suite
/// and the sandbox are built from. Each port may come from a different adapter.
#[derive(Clone)]
pub struct Ports {
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
    /// Patient documents.
    pub documents: Arc<dyn PatientDocuments>,
    /// The current time.
    pub clock: Arc<dyn Clock>,
    /// What the EHR behind the ports supports.
    pub profile: &'static EhrProfile,
}

/// What an adapter's EHR supports: its profile (C43, C44). The use cases read it to avoid
/// calls the EHR cannot answer, e.g. a booking never reconciles by listing where appointments
/// cannot be listed (C45).
pub trait Capabilities: Send + Sync {
    /// The EHR's profile.
    fn profile(&self) -> &'static EhrProfile;
}

impl Ports {
    /// Every port from one adapter that implements them all (such as `leyr-http`'s client or
    /// `leyr-in-memory`'s fake), taken by value, with `clock` for the time. An
    /// `Arc<dyn Clock>` is a clock too.
    #[must_use]
    pub fn from_adapter<A>(adapter: A, clock: impl Clock) -> Self
    where
        A: CareUnitCatalog
            + PatientDirectory
            + Availability
            + AppointmentBook
            + MedicalNotes
            + PatientDocuments
            + Capabilities
            + 'static,
    {
        let profile = adapter.profile();
        let adapter = Arc::new(adapter);
        Self {
            profile,
            catalog: adapter.clone(),
            patients: adapter.clone(),
            availability: adapter.clone(),
            appointments: adapter.clone(),
            notes: adapter.clone(),
            documents: adapter,
            clock: Arc::new(clock),
        }
    }

    /// Now, from the clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

impl fmt::Debug for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ports").finish_non_exhaustive()
    }
}
