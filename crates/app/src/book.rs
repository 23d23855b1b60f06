//! Booking an appointment, with reconciliation after an unclear failure (contract C38).

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone};
use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest};
use leyr_domain::booking_rules::{BookingRules, RuleViolation};
use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection};
use leyr_domain::ids::CareUnitId;
use leyr_domain::ports::{AppointmentBook, BookError, Clock, ReadError};
use leyr_domain::time::STOCKHOLM;
use leyr_domain::timeslot::Timeslot;

use crate::error::unexpected;
use crate::retry::{Decision, RetryPolicy, decide, needs_reconciliation};

/// A booked appointment, and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Booked {
    /// The appointment, as the EHR returned or listed it.
    pub appointment: Appointment,
    /// Whether the booking was found by reconciliation after an unclear failure, rather than
    /// returned by the EHR's answer to a booking.
    pub recovered: bool,
    /// How many bookings were posted, the first included.
    pub attempts: u32,
}

/// Why a booking failed. `Display` is one sentence without patient data; the cause, if any, is
/// the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BookAppointmentError {
    /// The booking breaks a booking rule; nothing was sent to the EHR.
    #[error("the booking breaks a booking rule")]
    Rule(#[source] RuleViolation),
    /// The timeslot is no longer free, or was never offered; offer other slots.
    #[error("the timeslot is no longer free")]
    SlotTaken,
    /// The care unit, patient, resource or service does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the booking (comment length, ambiguous slot, ...).
    #[error("the EHR refused the booking")]
    Rejected(#[source] Rejection),
    /// A booking may have reached the EHR and the patient's appointments could not be listed to
    /// find out. The appointment may exist: list the patient's appointments before booking again.
    #[error("could not tell whether the appointment was booked")]
    OutcomeUnknown(#[source] ReadError),
    /// The EHR failed, was unavailable or rate limited, and nothing was booked (reconciliation
    /// checked, where the failure left it open).
    #[error("the EHR did not book the appointment")]
    Unavailable(#[source] BackendError),
}

/// Books a timeslot for a patient: checks the booking rules first, then books, and after an
/// unclear failure looks for the booking before posting again (contract C38).
#[derive(Clone)]
pub struct BookAppointment {
    appointments: Arc<dyn AppointmentBook>,
    clock: Arc<dyn Clock>,
    rules: BookingRules,
    retry_policy: RetryPolicy,
}

impl BookAppointment {
    /// The use case over `appointments`, with `clock` for the rules, the default
    /// [`BookingRules`] and the default [`RetryPolicy`].
    #[must_use]
    pub fn new(appointments: Arc<dyn AppointmentBook>, clock: Arc<dyn Clock>) -> Self {
        Self {
            appointments,
            clock,
            rules: BookingRules::default(),
            retry_policy: RetryPolicy::default(),
        }
    }

    /// Checks bookings against `rules` instead of the defaults.
    #[must_use]
    pub fn with_rules(mut self, rules: BookingRules) -> Self {
        self.rules = rules;
        self
    }

    /// Retries by `retry_policy` instead of the default.
    #[must_use]
    pub fn with_retry_policy(mut self, retry_policy: RetryPolicy) -> Self {
        self.retry_policy = retry_policy;
        self
    }

    /// Books `request.slot` for `request.patient` at `care_unit`.
    ///
    /// 1. Lists the patient's appointments on the slot's day (Stockholm) and checks
    ///    [`BookingRules::check_booking`]; a broken rule never reaches the EHR.
    /// 2. Books. When the failure leaves open whether the booking happened
    ///    ([`needs_reconciliation`](crate::retry::needs_reconciliation)), lists the patient's
    ///    appointments starting in the slot and looks for one that
    ///    [matches the slot](Appointment::matches_slot). Found: that is the booking, returned with
    ///    [`Booked::recovered`] set. Not found: books again only if
    ///    [`decide`](crate::retry::decide) allows it, after its wait, and the slot still passes
    ///    [`BookingRules::check_timing`] then.
    ///
    /// The waits use `tokio::time::sleep`, so this runs on a Tokio runtime.
    ///
    /// # Errors
    /// - [`BookAppointmentError::Rule`] when a booking rule is broken (nothing sent);
    /// - [`BookAppointmentError::SlotTaken`], returned at once without reconciliation;
    /// - [`BookAppointmentError::NotFound`], [`BookAppointmentError::Rejected`];
    /// - [`BookAppointmentError::OutcomeUnknown`] when the listing that should settle an unclear
    ///   failure fails too: the booking is never posted again then;
    /// - [`BookAppointmentError::Unavailable`] when the EHR failed and nothing was booked,
    ///   including after the last attempt, a `Retry-After` over the policy's cap, or a wait
    ///   after which the slot starts too soon to be booked.
    #[tracing::instrument(name = "leyr.app.book", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Booked, BookAppointmentError> {
        let now = self.clock.now();
        // The rules that need no data first: a slot that starts too soon or a comment that is
        // too long is refused without a request.
        self.rules
            .check_timing(&request.slot, now)
            .and_then(|()| self.rules.check_comment(request.comment.as_ref()))
            .map_err(BookAppointmentError::Rule)?;
        let existing = self
            .appointments
            .list_appointments(care_unit, &same_day_query(request))
            .await
            .map_err(from_read_error)?;
        self.rules
            .check_booking(&request.slot, request.comment.as_ref(), &existing, now)
            .map_err(BookAppointmentError::Rule)?;

        let mut attempt: u32 = 1;
        loop {
            let error = match self.appointments.book(care_unit, request).await {
                Ok(appointment) => {
                    return Ok(Booked {
                        appointment,
                        recovered: false,
                        attempts: attempt,
                    });
                }
                Err(error) => error,
            };
            if !needs_reconciliation(&error) {
                return Err(from_book_error(error));
            }
            tracing::warn!(
                attempt,
                kind = ?failure_kind(&error),
                "the booking may have happened; looking for it"
            );
            match self.find_booking(care_unit, request).await {
                Err(read_error) => {
                    let kind = match &read_error {
                        ReadError::Backend(backend) => Some(backend.kind()),
                        _ => None,
                    };
                    tracing::warn!(
                        attempt,
                        kind = ?kind,
                        "could not list the appointments, so the booking's outcome is unknown"
                    );
                    return Err(BookAppointmentError::OutcomeUnknown(read_error));
                }
                Ok(Some(appointment)) => {
                    tracing::info!(
                        attempt,
                        appointment_id = %appointment.id(),
                        "recovered the booking after an unclear failure"
                    );
                    return Ok(Booked {
                        appointment,
                        recovered: true,
                        attempts: attempt,
                    });
                }
                Ok(None) => {}
            }
            match decide(&error, attempt, &self.retry_policy) {
                Decision::RetryAfter(wait) => {
                    tracing::info!(
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "the booking was not found; booking again after the wait"
                    );
                    tokio::time::sleep(wait).await;
                    // The rules hold for every booking posted, not just the first: after the
                    // wait the slot may start too soon (or have started).
                    if self
                        .rules
                        .check_timing(&request.slot, self.clock.now())
                        .is_err()
                    {
                        tracing::warn!(
                            attempt,
                            "the slot now starts too soon to be booked; giving up"
                        );
                        return Err(not_booked(error));
                    }
                    attempt += 1;
                }
                Decision::GiveUp => {
                    tracing::warn!(attempt, "the booking was not found; giving up");
                    return Err(not_booked(error));
                }
            }
        }
    }

    /// The patient's appointment that `request` would make, if it exists (C38 steps 1 and 2).
    async fn find_booking(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Option<Appointment>, ReadError> {
        let query = AppointmentQuery {
            patient: Some(request.patient.clone()),
            resource_id: None,
            start: Some(request.slot.start()),
            end: Some(request.slot.end()),
        };
        let listed = self
            .appointments
            .list_appointments(care_unit, &query)
            .await?;
        Ok(listed
            .into_iter()
            .find(|appointment| appointment.matches_slot(&request.slot)))
    }
}

impl fmt::Debug for BookAppointment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BookAppointment")
            .field("rules", &self.rules)
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

/// The patient's appointments starting from midnight (Stockholm) of the slot's day until the
/// slot ends: every one that can overlap the slot, unless it started the day before.
fn same_day_query(request: &BookingRequest) -> AppointmentQuery {
    AppointmentQuery {
        patient: Some(request.patient.clone()),
        resource_id: None,
        start: Some(start_of_day(&request.slot)),
        end: Some(request.slot.end()),
    }
}

fn start_of_day(slot: &Timeslot) -> DateTime<FixedOffset> {
    let local_day = slot.start().with_timezone(&STOCKHOLM).date_naive();
    local_day
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| STOCKHOLM.from_local_datetime(&midnight).earliest())
        .map_or(slot.start(), |midnight| midnight.fixed_offset())
}

pub(crate) fn from_read_error(error: ReadError) -> BookAppointmentError {
    match error {
        ReadError::NotFound(entity) => BookAppointmentError::NotFound(entity),
        ReadError::Rejected(rejection) => BookAppointmentError::Rejected(rejection),
        ReadError::Backend(backend) => BookAppointmentError::Unavailable(backend),
        other => BookAppointmentError::Unavailable(unexpected(other)),
    }
}

fn from_book_error(error: BookError) -> BookAppointmentError {
    match error {
        BookError::SlotTaken => BookAppointmentError::SlotTaken,
        BookError::NotFound(entity) => BookAppointmentError::NotFound(entity),
        BookError::Rejected(rejection) => BookAppointmentError::Rejected(rejection),
        BookError::Backend(backend) => BookAppointmentError::Unavailable(backend),
        other => BookAppointmentError::Unavailable(unexpected(other)),
    }
}

/// The backend failure's kind, for logs: never the error itself, whose source may hold a URL.
fn failure_kind(error: &BookError) -> Option<BackendErrorKind> {
    match error {
        BookError::OutcomeUnknown(backend) | BookError::Backend(backend) => Some(backend.kind()),
        _ => None,
    }
}

/// The error after reconciliation showed that the booking did not happen.
fn not_booked(error: BookError) -> BookAppointmentError {
    match error {
        BookError::OutcomeUnknown(backend) | BookError::Backend(backend) => {
            BookAppointmentError::Unavailable(backend)
        }
        other => from_book_error(other),
    }
}
