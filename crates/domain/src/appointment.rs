//! Appointments and their lifecycle.
//!
//! The lifecycle is an explicit state machine ([`AppointmentStatus::after`]):
//!
//! | from \ event            | `Confirm` | `Reschedule` | `Cancel`  | `Complete` |
//! |-------------------------|-----------|--------------|-----------|------------|
//! | `Booked`                | refused   | `Booked`     | `Cancelled` | `Completed` |
//! | `AwaitingConfirmation`  | `Booked`  | refused      | `Cancelled` | refused  |
//! | `Completed`             | refused   | refused      | refused   | refused    |
//! | `Cancelled`             | refused   | refused      | `Cancelled` (no change) | refused |
//! | `Unknown(_)`            | refused   | refused      | refused   | refused    |
//!
//! Cancelled and completed are terminal: nothing leaves them. Cancelling twice is harmless
//! (contract C23), so `Cancel` on a cancelled appointment keeps it as it is.

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};

use crate::ids::{AppointmentId, CareUnitId, HealthcareServiceId, PatientEmrId, ResourceId};
use crate::patient::PatientRef;
use crate::text::TextKind;
use crate::timeslot::{TimeRangeError, TimeWindow, Timeslot};

/// Where an appointment stands (contract C20).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AppointmentStatus {
    /// Booked: the usual result of a booking.
    Booked,
    /// The EHR waits for the patient to confirm with a code.
    AwaitingConfirmation,
    /// The appointment has taken place. Terminal.
    Completed,
    /// The appointment was cancelled. Terminal.
    Cancelled,
    /// A status this crate does not know, kept as sent.
    Unknown(String),
}

impl AppointmentStatus {
    /// The status as Leyr writes it, e.g. `awaiting_confirmation`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Booked => "booked",
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
            Self::Unknown(text) => text,
        }
    }

    /// The status for Leyr's text; anything unknown is kept in [`AppointmentStatus::Unknown`].
    #[must_use]
    pub fn from_wire(text: &str) -> Self {
        match text {
            "booked" => Self::Booked,
            "awaiting_confirmation" => Self::AwaitingConfirmation,
            "completed" => Self::Completed,
            "cancelled" => Self::Cancelled,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// Whether nothing can leave this status.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled)
    }

    /// Whether an appointment in this status holds its slot.
    #[must_use]
    pub fn holds_slot(&self) -> bool {
        matches!(self, Self::Booked | Self::AwaitingConfirmation)
    }

    /// The status after `event`, or why `event` is not allowed now.
    ///
    /// # Errors
    /// [`TransitionError`] naming the rule that forbids it.
    pub fn after(&self, event: LifecycleEvent) -> Result<AppointmentStatus, TransitionError> {
        use LifecycleEvent as E;
        match (self, event) {
            (Self::Booked, E::Reschedule) => Ok(Self::Booked),
            (Self::Booked | Self::AwaitingConfirmation | Self::Cancelled, E::Cancel) => {
                Ok(Self::Cancelled)
            }
            (Self::Booked, E::Complete) => Ok(Self::Completed),
            (Self::AwaitingConfirmation, E::Confirm) => Ok(Self::Booked),
            (Self::Completed, _) => Err(TransitionError::Completed),
            (Self::Cancelled, _) => Err(TransitionError::Cancelled),
            (Self::Unknown(_), _) => Err(TransitionError::UnknownStatus),
            (Self::Booked, E::Confirm) => Err(TransitionError::NotAwaitingConfirmation),
            (Self::AwaitingConfirmation, E::Reschedule | E::Complete) => {
                Err(TransitionError::NotBooked)
            }
        }
    }
}

impl fmt::Display for AppointmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleEvent {
    /// The patient confirmed with the code they were sent.
    Confirm,
    /// The appointment moves to another slot.
    Reschedule,
    /// The appointment is cancelled.
    Cancel,
    /// The appointment's time has passed.
    Complete,
}

/// Why a lifecycle event is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransitionError {
    /// The appointment is completed, which is terminal.
    #[error("the appointment is completed and can no longer change")]
    Completed,
    /// The appointment is cancelled, which is terminal.
    #[error("the appointment is cancelled and can no longer change")]
    Cancelled,
    /// Only a booked appointment can be rescheduled or completed.
    #[error("only a booked appointment can be rescheduled or completed")]
    NotBooked,
    /// Only an appointment awaiting confirmation can be confirmed.
    #[error("the appointment is not awaiting confirmation")]
    NotAwaitingConfirmation,
    /// The appointment's status is unknown to this crate, so no change is safe.
    #[error("the appointment has a status this library does not know")]
    UnknownStatus,
}

/// A free-text comment on an appointment. It may hold personal data, so `Debug` hides it.
/// The length limit for bookings is a booking rule ([`crate::booking_rules`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Comment(String);

/// A comment must not be empty or hold control characters other than line breaks and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a comment must not be empty or hold control characters other than line breaks")]
pub struct InvalidComment;

impl Comment {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`InvalidComment`] when it is empty or holds other control characters.
    pub fn new(text: impl Into<String>) -> Result<Self, InvalidComment> {
        let text = text.into();
        if text.trim().is_empty() || !TextKind::MultiLine.allows(&text) {
            return Err(InvalidComment);
        }
        Ok(Self(text))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its length in Unicode scalar values, as Leyr counts it.
    #[must_use]
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }

    /// This comment with `more` appended on a new line, as a cancellation does (contract C23).
    #[must_use]
    pub fn appended(&self, more: &Comment) -> Comment {
        Comment(format!("{}\n{}", self.0, more.0))
    }
}

impl fmt::Display for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Comment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Comment(<redacted>)")
    }
}

/// A scheduled meeting between a patient and a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    id: AppointmentId,
    status: AppointmentStatus,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    comment: Option<Comment>,
    care_unit_id: CareUnitId,
    patient: Option<PatientEmrId>,
    resource_id: Option<ResourceId>,
    healthcare_service_id: Option<HealthcareServiceId>,
}

/// Everything an appointment is made of, for adapters that read one from the EHR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentParts {
    /// The EHR's id.
    pub id: AppointmentId,
    /// Its status.
    pub status: AppointmentStatus,
    /// When it starts.
    pub start: DateTime<FixedOffset>,
    /// When it ends; after `start`.
    pub end: DateTime<FixedOffset>,
    /// Its comment, if any.
    pub comment: Option<Comment>,
    /// The care unit it belongs to.
    pub care_unit_id: CareUnitId,
    /// The patient's EHR id, when given.
    pub patient: Option<PatientEmrId>,
    /// The booked resource, when given.
    pub resource_id: Option<ResourceId>,
    /// The booked service, when given.
    pub healthcare_service_id: Option<HealthcareServiceId>,
}

impl Appointment {
    /// An appointment from its parts.
    ///
    /// # Errors
    /// [`TimeRangeError::EndNotAfterStart`] when `end <= start`.
    pub fn new(parts: AppointmentParts) -> Result<Self, TimeRangeError> {
        if parts.end <= parts.start {
            return Err(TimeRangeError::EndNotAfterStart);
        }
        Ok(Self {
            id: parts.id,
            status: parts.status,
            start: parts.start,
            end: parts.end,
            comment: parts.comment,
            care_unit_id: parts.care_unit_id,
            patient: parts.patient,
            resource_id: parts.resource_id,
            healthcare_service_id: parts.healthcare_service_id,
        })
    }

    /// The EHR's id.
    #[must_use]
    pub fn id(&self) -> &AppointmentId {
        &self.id
    }

    /// Where it stands.
    #[must_use]
    pub fn status(&self) -> &AppointmentStatus {
        &self.status
    }

    /// When it starts.
    #[must_use]
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// When it ends.
    #[must_use]
    pub fn end(&self) -> DateTime<FixedOffset> {
        self.end
    }

    /// Its comment.
    #[must_use]
    pub fn comment(&self) -> Option<&Comment> {
        self.comment.as_ref()
    }

    /// The care unit it belongs to.
    #[must_use]
    pub fn care_unit_id(&self) -> &CareUnitId {
        &self.care_unit_id
    }

    /// The patient's EHR id.
    #[must_use]
    pub fn patient(&self) -> Option<&PatientEmrId> {
        self.patient.as_ref()
    }

    /// The booked resource.
    #[must_use]
    pub fn resource_id(&self) -> Option<&ResourceId> {
        self.resource_id.as_ref()
    }

    /// The booked service.
    #[must_use]
    pub fn healthcare_service_id(&self) -> Option<&HealthcareServiceId> {
        self.healthcare_service_id.as_ref()
    }

    /// Whether the appointment shares an instant with `[start, end)`.
    #[must_use]
    pub fn overlaps(&self, start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> bool {
        self.start < *end && *start < self.end
    }

    /// Whether this is the appointment `slot` would make: same instants, resource and service,
    /// and not cancelled (contract C38, step 2). Resource ids are compared without an `emr_id:`
    /// prefix.
    #[must_use]
    pub fn matches_slot(&self, slot: &Timeslot) -> bool {
        self.status != AppointmentStatus::Cancelled
            && self.start == slot.start()
            && self.end == slot.end()
            && self
                .resource_id
                .as_ref()
                .is_some_and(|id| id.ehr_value() == slot.resource_id().ehr_value())
            && self.healthcare_service_id.as_ref() == Some(slot.healthcare_service_id())
    }

    /// The appointment as the EHR reports it at `now` (contract C20): a booked appointment
    /// whose end has passed is completed; any other is as it is. The one place the rule is
    /// applied to an appointment ([`crate::booking_rules::is_completed`] states it).
    #[must_use]
    pub fn reported_at(self, now: DateTime<Utc>) -> Appointment {
        let ended =
            crate::booking_rules::is_completed(&self.status, self.end.with_timezone(&Utc), now);
        if ended && self.status == AppointmentStatus::Booked {
            Appointment {
                status: AppointmentStatus::Completed,
                ..self
            }
        } else {
            self
        }
    }

    /// The appointment after `command`, leaving `self` unchanged; or why it is not allowed.
    ///
    /// # Errors
    /// [`TransitionError`] when the lifecycle forbids the command in the current status.
    pub fn apply(&self, command: &LifecycleCommand) -> Result<Appointment, TransitionError> {
        let status = self.status.after(command.event())?;
        let mut next = self.clone();
        next.status = status;
        match command {
            LifecycleCommand::Reschedule { slot, comment } => {
                next.start = slot.start();
                next.end = slot.end();
                next.resource_id = Some(slot.resource_id().clone());
                next.healthcare_service_id = Some(slot.healthcare_service_id().clone());
                if let Some(comment) = comment {
                    next.comment = Some(comment.clone());
                }
            }
            LifecycleCommand::Cancel {
                comment: Some(comment),
            } if self.status != AppointmentStatus::Cancelled => {
                next.comment = Some(match &self.comment {
                    Some(existing) => existing.appended(comment),
                    None => comment.clone(),
                });
            }
            LifecycleCommand::Cancel { .. }
            | LifecycleCommand::Confirm
            | LifecycleCommand::Complete => {}
        }
        Ok(next)
    }
}

/// A change to an appointment, with what the change needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleCommand {
    /// Confirm an appointment awaiting confirmation.
    Confirm,
    /// Move to `slot`, optionally replacing the comment.
    Reschedule {
        /// The new slot.
        slot: Timeslot,
        /// The new comment, if any.
        comment: Option<Comment>,
    },
    /// Cancel, appending `comment` on a new line.
    Cancel {
        /// Why, if given.
        comment: Option<Comment>,
    },
    /// The appointment's time has passed.
    Complete,
}

impl LifecycleCommand {
    /// The lifecycle event this command causes.
    #[must_use]
    pub fn event(&self) -> LifecycleEvent {
        match self {
            Self::Confirm => LifecycleEvent::Confirm,
            Self::Reschedule { .. } => LifecycleEvent::Reschedule,
            Self::Cancel { .. } => LifecycleEvent::Cancel,
            Self::Complete => LifecycleEvent::Complete,
        }
    }
}

/// A request to book `slot` for `patient`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRequest {
    /// Who the appointment is for.
    pub patient: PatientRef,
    /// The free slot to book, as listed by the EHR.
    pub slot: Timeslot,
    /// A comment for the EHR, if any.
    pub comment: Option<Comment>,
}

impl BookingRequest {
    /// The window that holds exactly this booking: used to look for it after an unclear outcome.
    #[must_use]
    pub fn window(&self) -> TimeWindow {
        self.slot.window()
    }
}

/// A request to move an appointment to another free slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescheduleRequest {
    /// The new slot: the resource may change, the service may not.
    pub slot: Timeslot,
    /// A new comment, if any.
    pub comment: Option<Comment>,
}

/// A listing of appointments (contract C18): every filter optional, cancelled ones included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppointmentQuery {
    /// Only this patient's.
    pub patient: Option<PatientRef>,
    /// Only this resource's.
    pub resource_id: Option<ResourceId>,
    /// Only those starting at or after this instant.
    pub start: Option<DateTime<FixedOffset>>,
    /// Only those starting before this instant.
    pub end: Option<DateTime<FixedOffset>>,
}

impl AppointmentQuery {
    /// Whether `start` passes the time bounds.
    #[must_use]
    pub fn starts_within(&self, start: &DateTime<FixedOffset>) -> bool {
        self.start.is_none_or(|bound| bound <= *start)
            && self.end.is_none_or(|bound| *start < bound)
    }
}

/// The most appointments one bulk cancellation takes (contract C24).
pub const MAX_BATCH: usize = 50;

/// One to [`MAX_BATCH`] distinct appointment ids, in the caller's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentBatch(Vec<AppointmentId>);

/// Why a list of ids is not a valid batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// No ids.
    #[error("a batch needs at least one appointment id")]
    Empty,
    /// More than [`MAX_BATCH`] ids.
    #[error("a batch takes at most 50 appointment ids")]
    TooMany,
    /// An id appears twice.
    #[error("a batch must not name the same appointment twice")]
    Duplicate,
}

impl AppointmentBatch {
    /// Checks `ids`.
    ///
    /// # Errors
    /// [`BatchError`] when `ids` is empty, too long or repeats an id.
    pub fn new(ids: Vec<AppointmentId>) -> Result<Self, BatchError> {
        if ids.is_empty() {
            return Err(BatchError::Empty);
        }
        if ids.len() > MAX_BATCH {
            return Err(BatchError::TooMany);
        }
        let mut seen = HashSet::with_capacity(ids.len());
        if !ids.iter().all(|id| seen.insert(id)) {
            return Err(BatchError::Duplicate);
        }
        Ok(Self(ids))
    }

    /// The ids, in order.
    #[must_use]
    pub fn ids(&self) -> &[AppointmentId] {
        &self.0
    }
}

/// The code a patient received to confirm an appointment (contract C25). Hidden from `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfirmationCode(String);

/// A confirmation code must be 1 to 64 visible ASCII characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a confirmation code must be 1 to 64 visible ASCII characters")]
pub struct InvalidConfirmationCode;

impl ConfirmationCode {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`InvalidConfirmationCode`] when it is empty, too long or not visible ASCII.
    pub fn new(text: &str) -> Result<Self, InvalidConfirmationCode> {
        if text.is_empty() || text.len() > 64 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidConfirmationCode);
        }
        Ok(Self(text.to_owned()))
    }

    /// The code.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ConfirmationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConfirmationCode(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AppointmentStatus as S;
    use LifecycleEvent as E;

    #[test]
    fn the_lifecycle_table_holds() {
        let table = [
            (
                S::Booked,
                E::Confirm,
                Err(TransitionError::NotAwaitingConfirmation),
            ),
            (S::Booked, E::Reschedule, Ok(S::Booked)),
            (S::Booked, E::Cancel, Ok(S::Cancelled)),
            (S::Booked, E::Complete, Ok(S::Completed)),
            (S::AwaitingConfirmation, E::Confirm, Ok(S::Booked)),
            (
                S::AwaitingConfirmation,
                E::Reschedule,
                Err(TransitionError::NotBooked),
            ),
            (S::AwaitingConfirmation, E::Cancel, Ok(S::Cancelled)),
            (
                S::AwaitingConfirmation,
                E::Complete,
                Err(TransitionError::NotBooked),
            ),
            (S::Cancelled, E::Cancel, Ok(S::Cancelled)),
            (S::Cancelled, E::Reschedule, Err(TransitionError::Cancelled)),
            (S::Cancelled, E::Confirm, Err(TransitionError::Cancelled)),
            (S::Cancelled, E::Complete, Err(TransitionError::Cancelled)),
            (S::Completed, E::Cancel, Err(TransitionError::Completed)),
            (S::Completed, E::Reschedule, Err(TransitionError::Completed)),
            (
                S::Unknown("x".into()),
                E::Cancel,
                Err(TransitionError::UnknownStatus),
            ),
        ];
        for (from, event, expected) in table {
            assert_eq!(from.after(event), expected, "{from} on {event:?}");
        }
    }

    #[test]
    fn statuses_round_trip_their_wire_text() {
        for text in [
            "booked",
            "awaiting_confirmation",
            "completed",
            "cancelled",
            "no_show",
        ] {
            assert_eq!(S::from_wire(text).as_str(), text);
        }
        assert_eq!(S::from_wire("no_show"), S::Unknown("no_show".into()));
    }

    #[test]
    fn batches_hold_one_to_fifty_distinct_ids() {
        let id = |n: usize| AppointmentId::new(n.to_string()).unwrap();
        assert_eq!(AppointmentBatch::new(vec![]), Err(BatchError::Empty));
        assert_eq!(
            AppointmentBatch::new((0..51).map(id).collect()),
            Err(BatchError::TooMany)
        );
        assert_eq!(
            AppointmentBatch::new(vec![id(1), id(1)]),
            Err(BatchError::Duplicate)
        );
        assert_eq!(
            AppointmentBatch::new((0..50).map(id).collect())
                .unwrap()
                .ids()
                .len(),
            50
        );
    }

    #[test]
    fn comments_hide_their_text_and_append_on_a_new_line() {
        let first = Comment::new("First visit").unwrap();
        let second = Comment::new("Patient is ill").unwrap();
        assert_eq!(
            first.appended(&second).as_str(),
            "First visit\nPatient is ill"
        );
        assert_eq!(format!("{first:?}"), "Comment(<redacted>)");
        assert_eq!(Comment::new("  "), Err(InvalidComment));
        assert_eq!(Comment::new("a\u{7}"), Err(InvalidComment));
    }
}
