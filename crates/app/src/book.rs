//! Booking an appointment, with reconciliation after an unclear failure (contract C38).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeZone};
use leyr_domain::appointment::{Appointment, AppointmentQuery, AppointmentStatus, BookingRequest};
use leyr_domain::booking_rules::{BookingRules, RuleViolation};
use leyr_domain::ehr::{EhrProfile, Operation};
use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection, RejectionCode};
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::ports::{AppointmentBook, BookError, Clock, ReadError};
use leyr_domain::time::STOCKHOLM;
use leyr_domain::timeslot::Timeslot;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::unexpected;
use leyr_domain::retry::RetryPolicy;

use crate::retry::{Decision, decide, needs_reconciliation};

/// A booked appointment, and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Booked {
    /// The appointment, as the EHR returned or listed it.
    pub appointment: Appointment,
    /// Whether the patient already held this slot (same instants, resource and service, not
    /// cancelled) before the call: nothing was posted, and the appointment is the one they
    /// hold. A retried "Book" tap or a re-run job lands here instead of on `SlotTaken`.
    pub already_held: bool,
    /// Whether the booking was found by reconciliation after an unclear failure, rather than
    /// returned by the EHR's answer to a booking.
    pub recovered: bool,
    /// How many bookings were posted, the first included (0 when the slot was already held).
    pub attempts: u32,
    /// Whether the booking holds the slot for good, or waits for the patient's code (§9.3).
    pub outcome: BookingOutcome,
}

/// How a booking stands once the EHR has it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BookingOutcome {
    /// Booked: the slot is the patient's.
    Booked,
    /// The EHR sent the patient a code (SMS, §9.3); the booking holds the slot until it is
    /// confirmed with that code (`Booking::confirm` with this id) or lapses. Neither success
    /// nor failure yet.
    AwaitingConfirmation {
        /// The id to confirm.
        appointment_id: AppointmentId,
    },
}

impl BookingOutcome {
    /// The outcome `appointment`'s status says.
    #[must_use]
    pub fn of(appointment: &Appointment) -> Self {
        match appointment.status() {
            AppointmentStatus::AwaitingConfirmation => BookingOutcome::AwaitingConfirmation {
                appointment_id: appointment.id().clone(),
            },
            _ => BookingOutcome::Booked,
        }
    }
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
    /// The call's deadline ([`BookAppointment::run_with_deadline`]) passed before a booking was
    /// posted: nothing was booked, and none will be.
    #[error("the deadline passed before the booking was sent")]
    DeadlineExceeded,
    /// The call's deadline passed after a booking was posted, before it was settled. It is
    /// settled in the background and its outcome logged; the appointment may exist: list the
    /// patient's appointments before booking again.
    #[error("the deadline passed while the booking was being settled")]
    StillSettling,
}

/// The `outcome` a settled booking's log line gives for `error`.
fn outcome_name(error: &BookAppointmentError) -> &'static str {
    match error {
        BookAppointmentError::Rule(_) => "rule",
        BookAppointmentError::SlotTaken => "slot_taken",
        BookAppointmentError::NotFound(_) => "not_found",
        BookAppointmentError::Rejected(_) => "rejected",
        BookAppointmentError::OutcomeUnknown(_) => "outcome_unknown",
        BookAppointmentError::Unavailable(_) => "not_booked",
        BookAppointmentError::DeadlineExceeded => "deadline_exceeded",
        BookAppointmentError::StillSettling => "still_settling",
    }
}

/// Books a timeslot for a patient: checks the booking rules first, then books, and after an
/// unclear failure looks for the booking before posting again (contract C38).
#[derive(Clone)]
pub struct BookAppointment {
    appointments: Arc<dyn AppointmentBook>,
    clock: Arc<dyn Clock>,
    rules: BookingRules,
    retry_policy: RetryPolicy,
    /// Whether the EHR lists appointments (C45).
    can_list: bool,
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
            can_list: true,
        }
    }

    /// Books as `profile`'s EHR allows: where it cannot list appointments (Anita Systems), the
    /// patient's own appointments are not checked first, and an unclear failure is reported
    /// [`BookAppointmentError::OutcomeUnknown`] at once, never posted again (C45).
    /// [`Booking`](crate::Booking) reads the profile from its ports.
    #[must_use]
    pub fn for_profile(mut self, profile: &EhrProfile) -> Self {
        self.can_list = profile.supports(Operation::ListAppointments);
        self
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
    /// 1. Checks the rules of [`BookingRules::check_booking`], each once: timing and comment
    ///    first, then, with the patient's appointments on the slot's day (Stockholm), no
    ///    overlap. A broken rule never reaches the EHR.
    /// 2. If the patient already holds the slot (same instants, resource and service, not
    ///    cancelled), returns that appointment with [`Booked::already_held`] set, posting
    ///    nothing: booking is idempotent for the patient.
    /// 3. Books. When the failure leaves open whether the booking happened
    ///    ([`needs_reconciliation`](crate::retry::needs_reconciliation)), lists the patient's
    ///    appointments starting in the slot and looks for one that
    ///    [matches the slot](Appointment::matches_slot). Found: that is the booking, returned with
    ///    [`Booked::recovered`] set. Not found: books again only if
    ///    [`decide`](crate::retry::decide) allows it, after its wait, and the slot still passes
    ///    [`BookingRules::check_timing`] then.
    ///
    /// # Cancellation
    ///
    /// Dropping the returned future is safe at every point. Until a booking is posted, nothing
    /// has happened. From the first post on, step 3 runs on a task of its own
    /// (`tokio::spawn`), which this future only awaits: if the caller gives up (a timeout, a
    /// cancelled request handler), the task still settles the booking and logs the outcome
    /// (`booking settled`, with `outcome` and `attempts`), so no booking is ever left in an
    /// unknown state that nobody reported. This runs on a Tokio runtime.
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use leyr_app::BookAppointment;
    /// # use leyr_app::domain::{appointment::BookingRequest, ids::CareUnitId};
    /// # async fn example(book: BookAppointment, care_unit: CareUnitId, request: BookingRequest) {
    /// match tokio::time::timeout(Duration::from_secs(10), book.run(&care_unit, &request)).await {
    ///     Ok(Ok(booked)) => println!("booked {}", booked.appointment.id()),
    ///     Ok(Err(error)) => println!("not booked: {error}"),
    ///     // The booking may still be settling in the background; its outcome is logged. Look
    ///     // at the patient's appointments before booking again.
    ///     Err(_elapsed) => println!("still settling"),
    /// }
    /// # }
    /// ```
    ///
    /// [`BookAppointment::run_with_deadline`] bounds the call itself instead, and says which
    /// side of the first post the deadline fell on.
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
        self.book(care_unit, request, None).await
    }

    /// [`BookAppointment::run`], returning by `deadline` from now, whatever the EHR does. The
    /// client's own deadline still bounds each request.
    ///
    /// # Errors
    /// As [`BookAppointment::run`], and:
    /// - [`BookAppointmentError::DeadlineExceeded`] when the deadline passed before a booking
    ///   was posted: nothing was booked, and none will be;
    /// - [`BookAppointmentError::StillSettling`] when it passed after a booking was posted:
    ///   the booking is settled in the background (no new post once the deadline has passed)
    ///   and its outcome logged. List the patient's appointments before booking again.
    #[tracing::instrument(name = "leyr.app.book", skip_all)]
    pub async fn run_with_deadline(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
        deadline: Duration,
    ) -> Result<Booked, BookAppointmentError> {
        let until = Instant::now().checked_add(deadline);
        self.book(care_unit, request, until).await
    }

    async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
        deadline: Option<Instant>,
    ) -> Result<Booked, BookAppointmentError> {
        let checks = self.check(care_unit, request);
        let checked = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, checks)
                .await
                .map_err(|_| BookAppointmentError::DeadlineExceeded)?,
            None => checks.await,
        };
        if let Some(held) = checked? {
            return Ok(held);
        }
        // From the first post on, the booking is settled on a task of its own, so that a caller
        // who stops waiting cannot leave it half done.
        let posted = Arc::new(AtomicBool::new(false));
        let settling = tokio::spawn(
            self.clone()
                .settle(care_unit.clone(), request.clone(), deadline, posted.clone())
                .instrument(tracing::Span::current()),
        );
        let joined = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, settling).await {
                Ok(joined) => joined,
                Err(_elapsed) if posted.load(Ordering::SeqCst) => {
                    metrics::counter!("leyr.booking.outcome_unknown").increment(1);
                    return Err(BookAppointmentError::StillSettling);
                }
                Err(_elapsed) => return Err(BookAppointmentError::DeadlineExceeded),
            },
            None => settling.await,
        };
        joined.unwrap_or_else(|_panicked| {
            // The task cannot panic by design; if it did, whether it posted decides.
            Err(if posted.load(Ordering::SeqCst) {
                BookAppointmentError::StillSettling
            } else {
                BookAppointmentError::Unavailable(BackendError::new(BackendErrorKind::Internal))
            })
        })
    }

    /// The rules, and whether the patient already holds the slot (steps 1 and 2 of
    /// [`BookAppointment::run`]).
    async fn check(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Option<Booked>, BookAppointmentError> {
        let now = self.clock.now();
        // The rules that need no data first: a slot that starts too soon or a comment that is
        // too long is refused without a request.
        self.rules
            .check_timing(&request.slot, now)
            .and_then(|()| self.rules.check_comment(request.comment.as_ref()))
            .map_err(BookAppointmentError::Rule)?;
        if !self.can_list {
            // An EHR that cannot list appointments (C45) cannot show what the patient holds:
            // the EHR itself refuses a taken slot.
            return Ok(None);
        }
        let existing = self
            .appointments
            .list_appointments(care_unit, &same_day_query(request))
            .await
            .map_err(from_read_error)?;
        // Booking is idempotent for the patient: a slot they already hold is theirs, not taken.
        if let Some(held) = existing
            .iter()
            .find(|appointment| appointment.matches_slot(&request.slot))
        {
            tracing::info!(
                appointment_id = %held.id(),
                "the patient already holds this slot; nothing was posted"
            );
            return Ok(Some(Booked {
                outcome: BookingOutcome::of(held),
                appointment: held.clone(),
                already_held: true,
                recovered: false,
                attempts: 0,
            }));
        }
        // With the timing and comment already checked, what is left of `check_booking` is the
        // rule that needs the patient's appointments; every rule is checked once.
        self.rules
            .check_no_overlap(&request.slot, &existing, None)
            .map_err(BookAppointmentError::Rule)?;
        Ok(None)
    }

    /// Step 3 of [`BookAppointment::run`], on its own task: posts, reconciles and posts again
    /// as C38 allows, never posting once `deadline` has passed, and logs how it ended.
    async fn settle(
        self,
        care_unit: CareUnitId,
        request: BookingRequest,
        deadline: Option<Instant>,
        posted: Arc<AtomicBool>,
    ) -> Result<Booked, BookAppointmentError> {
        let result = self
            .post_and_reconcile(&care_unit, &request, deadline, &posted)
            .await;
        match &result {
            Ok(booked) => tracing::info!(
                outcome = if booked.recovered {
                    "recovered"
                } else {
                    "booked"
                },
                attempts = booked.attempts,
                "booking settled"
            ),
            Err(error) => {
                if matches!(error, BookAppointmentError::OutcomeUnknown(_)) {
                    metrics::counter!("leyr.booking.outcome_unknown").increment(1);
                }
                tracing::warn!(outcome = outcome_name(error), "booking settled");
            }
        }
        result
    }

    async fn post_and_reconcile(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
        deadline: Option<Instant>,
        posted: &AtomicBool,
    ) -> Result<Booked, BookAppointmentError> {
        let mut attempt: u32 = 1;
        loop {
            if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                return Err(BookAppointmentError::DeadlineExceeded);
            }
            posted.store(true, Ordering::SeqCst);
            let error = match self.appointments.book(care_unit, request).await {
                Ok(appointment) => {
                    return Ok(Booked {
                        outcome: BookingOutcome::of(&appointment),
                        appointment,
                        already_held: false,
                        recovered: false,
                        attempts: attempt,
                    });
                }
                Err(error) => error,
            };
            if !needs_reconciliation(&error) {
                return Err(from_book_error(error));
            }
            if !self.can_list {
                // C45: without a listing there is no way to look, and a second booking could
                // double-book: the outcome is unknown, at once, and nothing is posted again.
                metrics::counter!("leyr.booking.reconciliations", "result" => "impossible")
                    .increment(1);
                tracing::warn!(
                    attempt,
                    kind = ?failure_kind(&error),
                    "the booking may have happened and this EHR cannot list appointments"
                );
                return Err(BookAppointmentError::OutcomeUnknown(ReadError::Rejected(
                    Rejection::new(RejectionCode::NotSupported),
                )));
            }
            tracing::warn!(
                attempt,
                kind = ?failure_kind(&error),
                "the booking may have happened; looking for it"
            );
            match self.find_booking(care_unit, request).await {
                Err(read_error) => {
                    metrics::counter!("leyr.booking.reconciliations", "result" => "listing_failed")
                        .increment(1);
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
                    metrics::counter!("leyr.booking.reconciliations", "result" => "found")
                        .increment(1);
                    tracing::info!(
                        attempt,
                        appointment_id = %appointment.id(),
                        "recovered the booking after an unclear failure"
                    );
                    return Ok(Booked {
                        outcome: BookingOutcome::of(&appointment),
                        appointment,
                        already_held: false,
                        recovered: true,
                        attempts: attempt,
                    });
                }
                Ok(None) => {
                    metrics::counter!("leyr.booking.reconciliations", "result" => "not_found")
                        .increment(1);
                }
            }
            match decide(&error, attempt, &self.retry_policy) {
                Decision::RetryAfter(wait) => {
                    let wakes = Instant::now().checked_add(wait);
                    if deadline.is_some_and(|deadline| wakes.is_none_or(|wakes| wakes >= deadline))
                    {
                        tracing::warn!(attempt, "the next booking would be past the deadline");
                        return Err(not_booked(error));
                    }
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

/// Midnight in Stockholm of the day `slot` starts.
pub(crate) fn start_of_day(slot: &Timeslot) -> DateTime<FixedOffset> {
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
