//! Free windows in which a resource can be booked for a service, and the windows to search.

use chrono::{DateTime, FixedOffset, TimeDelta};

use crate::ids::{HealthcareServiceId, ResourceId};

/// Why a time range is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeRangeError {
    /// The end is not after the start.
    #[error("the end must be after the start")]
    EndNotAfterStart,
}

/// A half-open window `[start, end)` of instants; `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
}

impl TimeWindow {
    /// The window from `start` (included) to `end` (excluded).
    ///
    /// # Errors
    /// [`TimeRangeError::EndNotAfterStart`] when `end <= start`.
    pub fn new(
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> Result<Self, TimeRangeError> {
        if end <= start {
            return Err(TimeRangeError::EndNotAfterStart);
        }
        Ok(Self { start, end })
    }

    /// The window of `length` from `start`.
    ///
    /// # Errors
    /// [`TimeRangeError::EndNotAfterStart`] when `length` is not positive or overflows.
    pub fn starting_at(
        start: DateTime<FixedOffset>,
        length: TimeDelta,
    ) -> Result<Self, TimeRangeError> {
        let end = start
            .checked_add_signed(length)
            .ok_or(TimeRangeError::EndNotAfterStart)?;
        Self::new(start, end)
    }

    /// The first instant in the window.
    #[must_use]
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// The first instant after the window.
    #[must_use]
    pub fn end(&self) -> DateTime<FixedOffset> {
        self.end
    }

    /// Whether `instant` lies in `[start, end)`: the rule for listing slots and appointments
    /// (contract C15, C18).
    #[must_use]
    pub fn contains(&self, instant: &DateTime<FixedOffset>) -> bool {
        self.start <= *instant && *instant < self.end
    }
}

/// The exact text the EHR used for a slot's `start` and `end`. Leyr matches slots strictly, so a
/// booking echoes this text unchanged (contract C34).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SlotText {
    /// `start` as received.
    pub start: String,
    /// `end` as received.
    pub end: String,
}

/// A free window in which `resource_id` can be booked for `healthcare_service_id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timeslot {
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    resource_id: ResourceId,
    healthcare_service_id: HealthcareServiceId,
    text: Option<SlotText>,
}

impl Timeslot {
    /// A slot from `start` to `end`.
    ///
    /// # Errors
    /// [`TimeRangeError::EndNotAfterStart`] when `end <= start`.
    pub fn new(
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        resource_id: ResourceId,
        healthcare_service_id: HealthcareServiceId,
    ) -> Result<Self, TimeRangeError> {
        if end <= start {
            return Err(TimeRangeError::EndNotAfterStart);
        }
        Ok(Self {
            start,
            end,
            resource_id,
            healthcare_service_id,
            text: None,
        })
    }

    /// Records the exact text the EHR sent for `start` and `end`, to echo when booking.
    #[must_use]
    pub fn with_text(mut self, text: SlotText) -> Self {
        self.text = Some(text);
        self
    }

    /// When the slot starts.
    #[must_use]
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// When the slot ends.
    #[must_use]
    pub fn end(&self) -> DateTime<FixedOffset> {
        self.end
    }

    /// How long the slot lasts.
    #[must_use]
    pub fn duration(&self) -> TimeDelta {
        self.end - self.start
    }

    /// The resource to be booked.
    #[must_use]
    pub fn resource_id(&self) -> &ResourceId {
        &self.resource_id
    }

    /// The healthcare service to be booked.
    #[must_use]
    pub fn healthcare_service_id(&self) -> &HealthcareServiceId {
        &self.healthcare_service_id
    }

    /// The EHR's text for `start` and `end`, when the slot came from one.
    #[must_use]
    pub fn text(&self) -> Option<&SlotText> {
        self.text.as_ref()
    }

    /// The slot as a window.
    #[must_use]
    pub fn window(&self) -> TimeWindow {
        TimeWindow {
            start: self.start,
            end: self.end,
        }
    }

    /// Whether this slot and `[start, end)` share an instant.
    #[must_use]
    pub fn overlaps(&self, start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> bool {
        self.start < *end && *start < self.end
    }

    /// Whether `other` is the same slot: same instants, resource and service (the text may differ).
    #[must_use]
    pub fn same_slot(&self, other: &Timeslot) -> bool {
        self.start == other.start
            && self.end == other.end
            && self.resource_id == other.resource_id
            && self.healthcare_service_id == other.healthcare_service_id
    }
}

/// A search for free timeslots (contract C15): optional filters and a required window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeslotQuery {
    /// Only slots of this resource.
    pub resource_id: Option<ResourceId>,
    /// Only slots of this service.
    pub healthcare_service_id: Option<HealthcareServiceId>,
    /// Only slots that start in this window.
    pub window: TimeWindow,
}

impl TimeslotQuery {
    /// All slots starting in `window`.
    #[must_use]
    pub fn new(window: TimeWindow) -> Self {
        Self {
            resource_id: None,
            healthcare_service_id: None,
            window,
        }
    }

    /// Only slots of `resource_id`.
    #[must_use]
    pub fn resource(mut self, resource_id: ResourceId) -> Self {
        self.resource_id = Some(resource_id);
        self
    }

    /// Only slots of `healthcare_service_id`.
    #[must_use]
    pub fn service(mut self, healthcare_service_id: HealthcareServiceId) -> Self {
        self.healthcare_service_id = Some(healthcare_service_id);
        self
    }

    /// Whether `slot` passes every filter.
    #[must_use]
    pub fn matches(&self, slot: &Timeslot) -> bool {
        self.window.contains(&slot.start)
            && self
                .resource_id
                .as_ref()
                .is_none_or(|id| *id == slot.resource_id)
            && self
                .healthcare_service_id
                .as_ref()
                .is_none_or(|id| *id == slot.healthcare_service_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn windows_are_half_open_and_ordered() {
        let window = TimeWindow::new(
            at("2024-03-25T08:00:00+01:00"),
            at("2024-03-25T09:00:00+01:00"),
        )
        .unwrap();
        assert!(window.contains(&at("2024-03-25T08:00:00+01:00")));
        assert!(window.contains(&at("2024-03-25T07:30:00Z")));
        assert!(!window.contains(&at("2024-03-25T09:00:00+01:00")));
        assert_eq!(
            TimeWindow::new(window.end(), window.start()),
            Err(TimeRangeError::EndNotAfterStart)
        );
    }

    #[test]
    fn a_slot_needs_an_end_after_its_start() {
        let resource = ResourceId::new("r").unwrap();
        let service = HealthcareServiceId::new("s").unwrap();
        let start = at("2024-03-25T08:00:00+01:00");
        assert!(Timeslot::new(start, start, resource.clone(), service.clone()).is_err());
        let slot =
            Timeslot::new(start, at("2024-03-25T08:30:00+01:00"), resource, service).unwrap();
        assert_eq!(slot.duration(), TimeDelta::minutes(30));
        assert!(slot.overlaps(
            &at("2024-03-25T08:29:00+01:00"),
            &at("2024-03-25T09:00:00+01:00")
        ));
        assert!(!slot.overlaps(
            &at("2024-03-25T08:30:00+01:00"),
            &at("2024-03-25T09:00:00+01:00")
        ));
    }
}
