//! The rules a booking must keep, as pure functions of their inputs and `now`.
//!
//! Use cases check these before calling a port, so a refused booking never reaches the EHR.

use chrono::{DateTime, TimeDelta, Utc};

use crate::appointment::{
    Appointment, AppointmentStatus, Comment, LifecycleEvent, TransitionError,
};
use crate::ids::{AppointmentId, CareUnitId};
use crate::timeslot::Timeslot;

/// The longest comment Leyr accepts on an appointment, in Unicode scalar values (contract C19).
pub const MAX_COMMENT_CHARS: usize = 500;

/// Why a booking or reschedule breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleViolation {
    /// The slot starts sooner than the minimum lead time (or has already started).
    #[error("the slot starts too soon to be booked")]
    TooShortNotice,
    /// The slot starts later than the booking horizon allows.
    #[error("the slot starts too far in the future to be booked")]
    BeyondHorizon,
    /// The patient already holds an appointment at that time.
    #[error("the patient already has an appointment at that time")]
    Overlap {
        /// The appointment in the way.
        with: AppointmentId,
    },
    /// The comment is longer than the limit.
    #[error("the comment is longer than {max} characters")]
    CommentTooLong {
        /// The limit.
        max: usize,
    },
    /// The appointment belongs to another care unit.
    #[error("the appointment belongs to another care unit")]
    OtherCareUnit,
    /// A reschedule must keep the healthcare service.
    #[error("a reschedule must keep the healthcare service")]
    OtherHealthcareService,
    /// The appointment's status does not allow the change.
    #[error("the appointment cannot change in its current status")]
    Lifecycle(#[source] TransitionError),
}

/// The limits a care unit applies to bookings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingRules {
    /// How long before its start a slot may still be booked; a slot that has started never may.
    pub min_lead_time: TimeDelta,
    /// How far ahead a slot may be booked (its start at most this long after now); `None` for
    /// no limit.
    pub horizon: Option<TimeDelta>,
    /// The longest comment, in characters.
    pub max_comment_chars: usize,
}

impl Default for BookingRules {
    /// No lead time, no horizon, Leyr's 500-character comment limit.
    fn default() -> Self {
        Self {
            min_lead_time: TimeDelta::zero(),
            horizon: None,
            max_comment_chars: MAX_COMMENT_CHARS,
        }
    }
}

impl BookingRules {
    /// The slot starts after `now`, no sooner than `now` plus the lead time and no later than
    /// `now` plus the horizon: a slot exactly at either bound may be booked.
    ///
    /// # Errors
    /// [`RuleViolation::TooShortNotice`] or [`RuleViolation::BeyondHorizon`].
    pub fn check_timing(&self, slot: &Timeslot, now: DateTime<Utc>) -> Result<(), RuleViolation> {
        let notice = slot.start().with_timezone(&Utc) - now;
        if notice <= TimeDelta::zero() || notice < self.min_lead_time {
            return Err(RuleViolation::TooShortNotice);
        }
        if self.horizon.is_some_and(|horizon| notice > horizon) {
            return Err(RuleViolation::BeyondHorizon);
        }
        Ok(())
    }

    /// The comment, if any, fits the limit.
    ///
    /// # Errors
    /// [`RuleViolation::CommentTooLong`].
    pub fn check_comment(&self, comment: Option<&Comment>) -> Result<(), RuleViolation> {
        match comment {
            Some(comment) if comment.chars() > self.max_comment_chars => {
                Err(RuleViolation::CommentTooLong {
                    max: self.max_comment_chars,
                })
            }
            _ => Ok(()),
        }
    }

    /// None of the patient's appointments that hold a slot overlaps `slot`. `existing` is the
    /// patient's appointments; `ignore` is one to leave out (the one being rescheduled).
    ///
    /// # Errors
    /// [`RuleViolation::Overlap`] naming the first appointment in the way.
    pub fn check_no_overlap(
        &self,
        slot: &Timeslot,
        existing: &[Appointment],
        ignore: Option<&AppointmentId>,
    ) -> Result<(), RuleViolation> {
        let clash = existing.iter().find(|appointment| {
            appointment.status().holds_slot()
                && Some(appointment.id()) != ignore
                && appointment.overlaps(&slot.start(), &slot.end())
        });
        match clash {
            Some(appointment) => Err(RuleViolation::Overlap {
                with: appointment.id().clone(),
            }),
            None => Ok(()),
        }
    }

    /// Every rule for a new booking: timing, comment and no overlap with the patient's
    /// appointments.
    ///
    /// # Errors
    /// The first [`RuleViolation`] found.
    pub fn check_booking(
        &self,
        slot: &Timeslot,
        comment: Option<&Comment>,
        patients_appointments: &[Appointment],
        now: DateTime<Utc>,
    ) -> Result<(), RuleViolation> {
        self.check_timing(slot, now)?;
        self.check_comment(comment)?;
        self.check_no_overlap(slot, patients_appointments, None)
    }

    /// Every rule for moving `appointment` (of `care_unit`) to `target`: it is booked and in this
    /// care unit, the service stays, the timing and comment rules hold, and the patient holds
    /// nothing else at the new time.
    ///
    /// # Errors
    /// The first [`RuleViolation`] found.
    pub fn check_reschedule(
        &self,
        appointment: &Appointment,
        care_unit: &CareUnitId,
        target: &Timeslot,
        comment: Option<&Comment>,
        patients_appointments: &[Appointment],
        now: DateTime<Utc>,
    ) -> Result<(), RuleViolation> {
        appointment
            .status()
            .after(LifecycleEvent::Reschedule)
            .map_err(RuleViolation::Lifecycle)?;
        if appointment.care_unit_id() != care_unit {
            return Err(RuleViolation::OtherCareUnit);
        }
        if appointment
            .healthcare_service_id()
            .is_some_and(|service| service != target.healthcare_service_id())
        {
            return Err(RuleViolation::OtherHealthcareService);
        }
        self.check_timing(target, now)?;
        self.check_comment(comment)?;
        self.check_no_overlap(target, patients_appointments, Some(appointment.id()))
    }
}

/// Whether an appointment that `status` describes and that ended before `now` counts as
/// completed: the EHR reports past bookings as completed (contract C20).
#[must_use]
pub fn is_completed(status: &AppointmentStatus, end: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    *status == AppointmentStatus::Completed || (*status == AppointmentStatus::Booked && end < now)
}
