//! Changing and listing existing appointments: reschedule, cancel, confirm, list.
//!
//! Changes are never retried here (contract C37): a change that may have reached the EHR comes
//! back as `OutcomeUnknown` for the caller to check.

use std::fmt;
use std::sync::Arc;

use chrono::TimeDelta;
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, AppointmentStatus, BatchError, Comment,
    ConfirmationCode, RescheduleRequest, TransitionError,
};
use leyr_domain::booking_rules::{BookingRules, RuleViolation};
use leyr_domain::error::{BackendError, Entity, Rejection};
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{AppointmentBook, Cancellation, ChangeError, Clock, ReadError};
use leyr_domain::timeslot::Timeslot;

use crate::error::{QueryError, unexpected};

/// Why a change to an appointment failed: reschedule, cancel or confirm. `Display` holds no
/// patient data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeAppointmentError {
    /// The change breaks a booking rule; nothing was sent to the EHR.
    #[error("the change breaks a booking rule")]
    Rule(#[source] RuleViolation),
    /// The list of appointments to cancel is empty, too long or repeats an id; nothing was sent.
    #[error("the appointments to cancel are not a valid batch")]
    InvalidBatch(#[source] BatchError),
    /// The care unit, the appointment, the patient or the new resource does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The new timeslot is not free.
    #[error("the timeslot is no longer free")]
    SlotTaken,
    /// The appointment's status forbids the change.
    #[error("the appointment cannot change in its current status")]
    Forbidden(#[source] TransitionError),
    /// The EHR refused the change.
    #[error("the EHR refused the change")]
    Rejected(#[source] Rejection),
    /// The request may have reached the EHR but no answer came back: the change may have
    /// happened. List the appointment to find out; it is not retried.
    #[error("could not tell whether the change happened")]
    OutcomeUnknown(#[source] BackendError),
    /// The EHR failed or could not be reached; nothing changed.
    #[error("the EHR did not change the appointment")]
    Unavailable(#[source] BackendError),
}

impl From<ChangeError> for ChangeAppointmentError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::NotFound(entity) => Self::NotFound(entity),
            ChangeError::SlotTaken => Self::SlotTaken,
            ChangeError::Forbidden(transition) => Self::Forbidden(transition),
            ChangeError::Rejected(rejection) => Self::Rejected(rejection),
            ChangeError::OutcomeUnknown(backend) => Self::OutcomeUnknown(backend),
            ChangeError::Backend(backend) => Self::Unavailable(backend),
            other => Self::Unavailable(unexpected(other)),
        }
    }
}

impl From<ReadError> for ChangeAppointmentError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::NotFound(entity) => Self::NotFound(entity),
            ReadError::Rejected(rejection) => Self::Rejected(rejection),
            ReadError::Backend(backend) => Self::Unavailable(backend),
            other => Self::Unavailable(unexpected(other)),
        }
    }
}

/// Moving a patient's appointment to another free timeslot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescheduleCommand {
    /// The patient the appointment belongs to.
    pub patient: PatientRef,
    /// The appointment to move.
    pub appointment: AppointmentId,
    /// The new slot: the resource may change, the healthcare service may not.
    pub slot: Timeslot,
    /// A new comment, if any.
    pub comment: Option<Comment>,
}

/// Moves an appointment to another free timeslot, after checking the booking rules.
#[derive(Clone)]
pub struct RescheduleAppointment {
    appointments: Arc<dyn AppointmentBook>,
    clock: Arc<dyn Clock>,
    rules: BookingRules,
}

impl RescheduleAppointment {
    /// The use case over `appointments`, with `clock` for the rules and the default
    /// [`BookingRules`].
    #[must_use]
    pub fn new(appointments: Arc<dyn AppointmentBook>, clock: Arc<dyn Clock>) -> Self {
        Self {
            appointments,
            clock,
            rules: BookingRules::default(),
        }
    }

    /// Checks changes against `rules` instead of the defaults.
    #[must_use]
    pub fn with_rules(mut self, rules: BookingRules) -> Self {
        self.rules = rules;
        self
    }

    /// Loads the patient's appointments, finds `command.appointment` among them, checks
    /// [`BookingRules::check_reschedule`] and moves it. The move is sent once and never retried.
    ///
    /// # Errors
    /// - [`ChangeAppointmentError::NotFound`] with [`Entity::Appointment`] when the patient has
    ///   no such appointment, or for an unknown care unit or patient;
    /// - [`ChangeAppointmentError::Rule`] when a rule is broken (nothing sent);
    /// - [`ChangeAppointmentError::SlotTaken`], [`ChangeAppointmentError::Forbidden`],
    ///   [`ChangeAppointmentError::Rejected`], [`ChangeAppointmentError::OutcomeUnknown`],
    ///   [`ChangeAppointmentError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.reschedule", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        command: &RescheduleCommand,
    ) -> Result<Appointment, ChangeAppointmentError> {
        let now = self.clock.now();
        let appointment = self
            .appointments
            .get_appointment(care_unit, &command.appointment)
            .await?;
        // The patient's appointments from the original's start, or from the start of the target's
        // day if that is earlier, to the target's end: the original is among them exactly when it
        // is the patient's, and so is every appointment the moved one could overlap.
        let target_day = crate::book::start_of_day(&command.slot);
        let query = AppointmentQuery {
            patient: Some(command.patient.clone()),
            resource_id: None,
            start: Some(appointment.start().min(target_day)),
            end: Some(
                command
                    .slot
                    .end()
                    .max(appointment.start() + TimeDelta::seconds(1)),
            ),
        };
        let patients_appointments = self
            .appointments
            .list_appointments(care_unit, &query)
            .await?;
        if !patients_appointments
            .iter()
            .any(|listed| listed.id() == appointment.id())
        {
            return Err(ChangeAppointmentError::NotFound(Entity::Appointment));
        }
        let appointment = &appointment;
        self.rules
            .check_reschedule(
                appointment,
                care_unit,
                &command.slot,
                command.comment.as_ref(),
                &patients_appointments,
                now,
            )
            .map_err(ChangeAppointmentError::Rule)?;
        let request = RescheduleRequest {
            slot: command.slot.clone(),
            comment: command.comment.clone(),
        };
        Ok(self
            .appointments
            .reschedule(care_unit, &command.appointment, &request)
            .await?)
    }
}

impl fmt::Debug for RescheduleAppointment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RescheduleAppointment")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

/// How a cancellation stands once the EHR has it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cancelled {
    /// Cancelled: the slot is free.
    Done(Appointment),
    /// The EHR asks the patient to confirm by code (§9.3): it answered a **new** id, which is
    /// the one to confirm (`Booking::confirm`); until then the original stays booked and keeps
    /// its slot. Neither success nor failure yet.
    AwaitingConfirmation {
        /// The cancellation request, under the new id to confirm.
        request: Appointment,
    },
}

impl Cancelled {
    /// The outcome `answer` (the EHR's answer to a cancel) says.
    #[must_use]
    pub fn of(answer: Appointment) -> Self {
        if *answer.status() == AppointmentStatus::AwaitingConfirmation {
            Cancelled::AwaitingConfirmation { request: answer }
        } else {
            Cancelled::Done(answer)
        }
    }

    /// The appointment the EHR answered: the cancelled one, or the request to confirm.
    #[must_use]
    pub fn appointment(&self) -> &Appointment {
        match self {
            Cancelled::Done(appointment)
            | Cancelled::AwaitingConfirmation {
                request: appointment,
            } => appointment,
        }
    }
}

/// Cancels appointments, one or many at once.
#[derive(Clone)]
pub struct CancelAppointment {
    appointments: Arc<dyn AppointmentBook>,
    rules: BookingRules,
}

impl CancelAppointment {
    /// The use case over `appointments`, checking comments against the default
    /// [`BookingRules`].
    #[must_use]
    pub fn new(appointments: Arc<dyn AppointmentBook>) -> Self {
        Self {
            appointments,
            rules: BookingRules::default(),
        }
    }

    /// Checks comments against `rules` instead of the defaults.
    #[must_use]
    pub fn with_rules(mut self, rules: BookingRules) -> Self {
        self.rules = rules;
        self
    }

    /// Cancels `appointment`, freeing its slot; cancelling a cancelled appointment returns it
    /// unchanged. Sent once, never retried. Where the EHR confirms cancellations by code, the
    /// answer is [`Cancelled::AwaitingConfirmation`] with the new id to confirm.
    ///
    /// # Errors
    /// [`ChangeAppointmentError::Rule`] when the comment is too long (nothing sent);
    /// [`ChangeAppointmentError::NotFound`], [`ChangeAppointmentError::Forbidden`] or
    /// [`ChangeAppointmentError::Rejected`] for a completed appointment,
    /// [`ChangeAppointmentError::OutcomeUnknown`], [`ChangeAppointmentError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.cancel", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Cancelled, ChangeAppointmentError> {
        self.rules
            .check_comment(cancellation.comment.as_ref())
            .map_err(ChangeAppointmentError::Rule)?;
        Ok(Cancelled::of(
            self.appointments
                .cancel(care_unit, appointment, cancellation)
                .await?,
        ))
    }

    /// Cancels every appointment in `ids`, all or nothing, returning them in `ids` order. The
    /// ids are checked as an [`AppointmentBatch`] (1 to 50, no repeats) before anything is sent.
    ///
    /// # Errors
    /// [`ChangeAppointmentError::InvalidBatch`] or [`ChangeAppointmentError::Rule`] (nothing
    /// sent); [`ChangeAppointmentError::NotFound`] when any id is unknown (nothing changes);
    /// otherwise as [`CancelAppointment::run`].
    #[tracing::instrument(name = "leyr.app.cancel_many", skip_all)]
    pub async fn run_many(
        &self,
        care_unit: &CareUnitId,
        ids: Vec<AppointmentId>,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeAppointmentError> {
        let batch = AppointmentBatch::new(ids).map_err(ChangeAppointmentError::InvalidBatch)?;
        self.rules
            .check_comment(cancellation.comment.as_ref())
            .map_err(ChangeAppointmentError::Rule)?;
        Ok(self
            .appointments
            .cancel_many(care_unit, &batch, cancellation)
            .await?)
    }
}

impl fmt::Debug for CancelAppointment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelAppointment")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

/// Confirms an appointment awaiting confirmation with the code the patient received.
#[derive(Clone)]
pub struct ConfirmAppointment {
    appointments: Arc<dyn AppointmentBook>,
}

impl ConfirmAppointment {
    /// The use case over `appointments`.
    #[must_use]
    pub fn new(appointments: Arc<dyn AppointmentBook>) -> Self {
        Self { appointments }
    }

    /// Confirms `appointment` with `code`. Sent once, never retried.
    ///
    /// # Errors
    /// [`ChangeAppointmentError::NotFound`]; [`ChangeAppointmentError::Forbidden`] or
    /// [`ChangeAppointmentError::Rejected`] for a wrong code or an appointment not awaiting
    /// confirmation; [`ChangeAppointmentError::OutcomeUnknown`],
    /// [`ChangeAppointmentError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.confirm", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeAppointmentError> {
        Ok(self
            .appointments
            .confirm(care_unit, appointment, code)
            .await?)
    }
}

/// Lists appointments by patient, resource and window.
#[derive(Clone)]
pub struct ListAppointments {
    appointments: Arc<dyn AppointmentBook>,
}

impl ListAppointments {
    /// The use case over `appointments`.
    #[must_use]
    pub fn new(appointments: Arc<dyn AppointmentBook>) -> Self {
        Self { appointments }
    }

    /// The appointments at `care_unit` matching `query` (every filter optional, a missing time
    /// bound unbounded), in every status, cancelled included, ordered by start.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit, patient or resource;
    /// [`QueryError::Rejected`]; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.list_appointments", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, QueryError> {
        Ok(self
            .appointments
            .list_appointments(care_unit, query)
            .await?)
    }
}

opaque_debug!(ConfirmAppointment, ListAppointments);

impl ListAppointments {
    /// The appointment `appointment` at `care_unit`, in whatever status it is now (C40).
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit or appointment;
    /// [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.get_appointment", skip_all)]
    pub async fn get(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
    ) -> Result<Appointment, QueryError> {
        Ok(self
            .appointments
            .get_appointment(care_unit, appointment)
            .await?)
    }
}
