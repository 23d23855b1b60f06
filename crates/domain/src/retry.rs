//! The one back-off schedule of contract C36, shared by every layer that repeats a request.
//!
//! Leyr asks callers to retry a 503 after 1 s, 5 s, 15 s, 30 s and 1 min. `leyr-http` follows it
//! for each request it may repeat (C37), and `leyr-app` follows it between the bookings it posts
//! again after reconciliation (C38). Both hold a [`RetryPolicy`]: one shape, one default.

use std::time::Duration;

/// How often and how long a failed request is retried: Leyr's schedule (C36). The default is Leyr's: at most 5
/// retries (6 attempts), waiting 1 s, 5 s, 15 s, 30 s and 60 s, honouring a `Retry-After` of up
/// to 60 s.
///
/// ```
/// use std::time::Duration;
/// use leyr_domain::retry::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_attempts(), 6);
/// assert_eq!(policy.backoff_after(1), Duration::from_secs(1));
/// assert_eq!(policy.backoff_after(5), Duration::from_secs(60));
///
/// // In tests: the same decisions without the waits.
/// let fast = RetryPolicy::default().with_backoff([Duration::ZERO]);
/// assert_eq!(fast.backoff_after(3), Duration::ZERO);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    backoff: Vec<Duration>,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            backoff: [1, 5, 15, 30, 60].map(Duration::from_secs).to_vec(),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent once.
    #[must_use]
    pub fn never() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// At most `max_retries` retries after the first attempt (default 5).
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The waits after the first, second, ... failed attempt when the answer did not say how long
    /// to wait. The last entry is used for any later attempt; an empty schedule means no wait.
    #[must_use]
    pub fn with_backoff(mut self, schedule: impl IntoIterator<Item = Duration>) -> Self {
        self.backoff = schedule.into_iter().collect();
        self
    }

    /// The longest `Retry-After` honoured (default 60 s). A longer one stops retrying and the
    /// error carries the wait.
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The most retries after the first attempt.
    #[must_use]
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The most attempts in all, the first included.
    #[must_use]
    pub fn max_attempts(&self) -> u32 {
        self.max_retries.saturating_add(1)
    }

    /// The back-off schedule.
    #[must_use]
    pub fn backoff(&self) -> &[Duration] {
        &self.backoff
    }

    /// The longest `Retry-After` honoured.
    #[must_use]
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The wait after failed attempt number `attempt` (1 for the first) when the answer did not
    /// say how long to wait.
    #[must_use]
    pub fn backoff_after(&self, attempt: u32) -> Duration {
        let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
        self.backoff
            .get(index)
            .or(self.backoff.last())
            .copied()
            .unwrap_or(Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_leyrs_schedule() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_retries(), 5);
        assert_eq!(policy.max_attempts(), 6);
        let waits: Vec<_> = (1..=6)
            .map(|attempt| policy.backoff_after(attempt))
            .collect();
        assert_eq!(waits, [1, 5, 15, 30, 60, 60].map(Duration::from_secs));
        assert_eq!(policy.max_retry_after(), Duration::from_secs(60));
        assert_eq!(RetryPolicy::never().max_attempts(), 1);
        assert_eq!(
            RetryPolicy::default().with_backoff([]).backoff_after(2),
            Duration::ZERO
        );
    }
}
