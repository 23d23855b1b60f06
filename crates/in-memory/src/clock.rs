//! [`ManualClock`]: a clock that moves only when told to.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use leyr_domain::ports::Clock;

/// A [`Clock`] that stands still until a test sets or advances it.
///
/// Clones share one time: keep a clone in the test, hand another to
/// [`InMemoryEhr`](crate::InMemoryEhr), and every [`ManualClock::advance`] is seen by both. The
/// time is kept as nanoseconds since 1970 in one atomic integer, so reading it never blocks; the
/// instants it can hold run from 1677-09-21 to 2262-04-11, and times outside are clamped to
/// that range.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use leyr_domain::ports::Clock;
/// use leyr_in_memory::ManualClock;
///
/// let start = Utc.with_ymd_and_hms(2025, 1, 6, 7, 0, 0).single().expect("a valid time");
/// let clock = ManualClock::new(start);
/// let shared = clock.clone();
/// clock.advance(TimeDelta::hours(2));
/// assert_eq!(shared.now(), start + TimeDelta::hours(2));
/// ```
#[derive(Clone)]
pub struct ManualClock {
    nanos: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock standing at `now`.
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            nanos: Arc::new(AtomicI64::new(to_nanos(now))),
        }
    }

    /// Moves the clock (and every clone) to `now`, forwards or backwards.
    pub fn set(&self, now: DateTime<Utc>) {
        self.nanos.store(to_nanos(now), Ordering::SeqCst);
    }

    /// Moves the clock (and every clone) by `delta`, which may be negative.
    pub fn advance(&self, delta: TimeDelta) {
        let step = delta
            .num_nanoseconds()
            .unwrap_or(if delta < TimeDelta::zero() {
                i64::MIN
            } else {
                i64::MAX
            });
        // `fetch_update` only fails when the closure returns `None`, which this one never does.
        let _ = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |nanos| {
                Some(nanos.saturating_add(step))
            });
    }
}

impl Default for ManualClock {
    /// A clock standing at 2025-01-06T07:00:00Z: a Monday, 08:00 in Stockholm, when the seeded
    /// sandbox's first slots of the week begin.
    fn default() -> Self {
        Self::new(DateTime::from_timestamp(1_736_146_800, 0).unwrap_or_default())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManualClock").field(&self.now()).finish()
    }
}

fn to_nanos(instant: DateTime<Utc>) -> i64 {
    instant
        .timestamp_nanos_opt()
        .unwrap_or(if instant.timestamp() < 0 {
            i64::MIN
        } else {
            i64::MAX
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_monday_morning_in_stockholm() {
        let now = ManualClock::default().now();
        assert_eq!(now.to_rfc3339(), "2025-01-06T07:00:00+00:00");
    }

    #[test]
    fn clones_share_the_time_and_moves_saturate() {
        let clock = ManualClock::default();
        let other = clock.clone();
        clock.advance(TimeDelta::minutes(-30));
        assert_eq!(other.now().to_rfc3339(), "2025-01-06T06:30:00+00:00");
        clock.advance(TimeDelta::MAX);
        assert_eq!(other.now(), DateTime::from_timestamp_nanos(i64::MAX));
        other.set(DateTime::<Utc>::MIN_UTC);
        assert_eq!(clock.now(), DateTime::from_timestamp_nanos(i64::MIN));
    }
}
