//! The wall clock: the one place in the workspace that reads the current time.

use chrono::{DateTime, Utc};
use leyr_domain::ports::Clock;

/// The system's wall clock, for production wiring. Tests use a fixed or manual clock instead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
