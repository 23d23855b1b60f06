//! Finding free timeslots.

use std::sync::Arc;

use chrono::{DateTime, Days, FixedOffset, TimeDelta, Utc};
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::ports::{Availability, Clock};
use leyr_domain::time::STOCKHOLM;
use leyr_domain::timeslot::{TimeRangeError, TimeWindow, Timeslot, TimeslotQuery};

use crate::error::QueryError;

/// How many days ahead [`FindTimeslots`] searches when no window is given (contract C15).
pub const DEFAULT_SEARCH_DAYS: u32 = 30;

/// Which free slots to look for. Every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeslotFilter {
    /// Only slots of this resource.
    pub resource_id: Option<ResourceId>,
    /// Only slots of this healthcare service.
    pub healthcare_service_id: Option<HealthcareServiceId>,
    /// Only slots starting in this window; by default from now to 30 days ahead.
    pub window: Option<TimeWindow>,
}

/// Finds free timeslots at a care unit.
#[derive(Clone)]
pub struct FindTimeslots {
    availability: Arc<dyn Availability>,
    clock: Arc<dyn Clock>,
}

impl FindTimeslots {
    /// The use case over `availability`, with `clock` for the default window.
    #[must_use]
    pub fn new(availability: Arc<dyn Availability>, clock: Arc<dyn Clock>) -> Self {
        Self {
            availability,
            clock,
        }
    }

    /// The free slots at `care_unit` that pass `filter`, ordered by start. Without a window, the
    /// search runs from now to the same time of day [`DEFAULT_SEARCH_DAYS`] calendar days later
    /// in Stockholm.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit, resource or service;
    /// [`QueryError::InvalidWindow`] if the default window cannot be built (only at the end of
    /// the calendar); [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.find_timeslots", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        filter: &TimeslotFilter,
    ) -> Result<Vec<Timeslot>, QueryError> {
        let window = match filter.window {
            Some(window) => window,
            None => default_window(self.clock.now()).map_err(QueryError::InvalidWindow)?,
        };
        let query = TimeslotQuery {
            resource_id: filter.resource_id.clone(),
            healthcare_service_id: filter.healthcare_service_id.clone(),
            window,
        };
        Ok(self.availability.find_timeslots(care_unit, &query).await?)
    }
}

/// From `now` to the same Stockholm wall-clock time [`DEFAULT_SEARCH_DAYS`] days later.
fn default_window(now: DateTime<Utc>) -> Result<TimeWindow, TimeRangeError> {
    let start = now.with_timezone(&STOCKHOLM);
    // The same wall-clock time may not exist on the last day (the spring change at 02:00):
    // then the window is 30 times 24 hours.
    let end: DateTime<FixedOffset> = start
        .checked_add_days(Days::new(u64::from(DEFAULT_SEARCH_DAYS)))
        .map(|end| end.fixed_offset())
        .or_else(|| {
            start
                .fixed_offset()
                .checked_add_signed(TimeDelta::days(i64::from(DEFAULT_SEARCH_DAYS)))
        })
        .ok_or(TimeRangeError::EndNotAfterStart)?;
    TimeWindow::new(start.fixed_offset(), end)
}

opaque_debug!(FindTimeslots);
