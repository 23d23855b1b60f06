//! Fault injection: make any port method fail, hang or lose its answer, on purpose and
//! reproducibly (contract C31).
//!
//! Every port method of [`InMemoryEhr`](crate::InMemoryEhr) asks [`Faults`] first. For its
//! [`Operation`] it takes, in this order:
//!
//! 1. the next scripted [`Fault`], if any is left ([`Faults::script`]);
//! 2. otherwise a draw from the seeded [`FaultRate`], if one is set ([`Faults::set_rate`]);
//!
//! and waits the operation's latency ([`Faults::set_latency`]) plus any scripted
//! [`Fault::Latency`], with `tokio::time::sleep` (so `tokio::time::pause` makes it instant in
//! tests), never holding a lock while it waits. Then:
//!
//! | fault | reads | writes |
//! |---|---|---|
//! | [`Fault::Unavailable`] | `Backend`, kind `Unavailable`, HTTP 503 | the same; nothing is written |
//! | [`Fault::Throttled`] | `Backend`, kind `Throttled`, HTTP 429 | the same; nothing is written |
//! | [`Fault::OutcomeUnknown`] | `Backend`, kind `Timeout` | the write **is done**, then `OutcomeUnknown` (kind `Timeout`) is returned |
//! | [`Fault::Latency`] | answered normally after the delay | the same |
//!
//! With nothing configured the check is one atomic load. A delay needs a Tokio runtime with its
//! time driver (`#[tokio::test]` has one); without a delay, no runtime feature is needed.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use leyr_domain::error::{BackendError, BackendErrorKind};

use crate::random::SplitMix64;

pub use leyr_domain::ehr::Operation;

/// One injected failure. See the [module documentation](self) for what each does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The EHR is unavailable (HTTP 503); nothing is done.
    Unavailable {
        /// The wait the EHR asks for (`Retry-After`), if any.
        retry_after: Option<Duration>,
    },
    /// Too many requests (HTTP 429); nothing is done.
    Throttled {
        /// The wait the EHR asks for (`Retry-After`), if any.
        retry_after: Option<Duration>,
    },
    /// The answer is lost: a write is done and then reported as `OutcomeUnknown`; a read fails
    /// with a `Timeout` backend error.
    OutcomeUnknown,
    /// The call is answered normally, after this delay.
    Latency(Duration),
}

/// A seeded, deterministic rate of failures for one operation.
///
/// Each call draws one number `x` in `[0, 1)` from a splitmix64 sequence started at `seed`:
/// `x < unavailable` gives [`Fault::Unavailable`] (no `Retry-After`), then
/// `x < unavailable + outcome_unknown` gives [`Fault::OutcomeUnknown`], else the call goes
/// through. The same seed gives the same sequence of failures on every run. Rates are clamped to
/// `[0, 1]`; `NaN` counts as 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultRate {
    /// The share of calls that fail with HTTP 503.
    pub unavailable: f64,
    /// The share of calls whose answer is lost.
    pub outcome_unknown: f64,
    /// The seed of the sequence.
    pub seed: u64,
}

/// The fault plan of one operation.
#[derive(Debug, Default)]
struct OperationFaults {
    script: VecDeque<Fault>,
    rate: Option<(FaultRate, SplitMix64)>,
    latency: Duration,
}

/// The fault plan of an [`InMemoryEhr`](crate::InMemoryEhr), reached through
/// [`InMemoryEhr::faults`](crate::InMemoryEhr::faults). Clones of the adapter share it.
///
/// ```
/// use std::time::Duration;
/// use leyr_in_memory::{Fault, FaultRate, InMemoryEhr, Operation};
///
/// let ehr = InMemoryEhr::builder().build()?;
/// ehr.faults()
///     .script(Operation::Book, [Fault::Unavailable { retry_after: Some(Duration::from_secs(1)) }])
///     .set_rate(Operation::FindTimeslots, FaultRate { unavailable: 0.1, outcome_unknown: 0.0, seed: 7 });
/// assert_eq!(ehr.faults().pending(Operation::Book), 1);
/// ehr.faults().clear();
/// assert_eq!(ehr.faults().pending(Operation::Book), 0);
/// # Ok::<(), leyr_in_memory::DatasetError>(())
/// ```
pub struct Faults {
    /// Whether anything is configured; lets the common case skip the mutex.
    armed: AtomicBool,
    plans: Mutex<HashMap<Operation, OperationFaults>>,
}

/// What a port method does after asking [`Faults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Answer normally.
    Proceed,
    /// Do the write, then report that its outcome is unknown.
    LoseAnswer,
}

impl Gate {
    /// `result`, or the port's `OutcomeUnknown` when the answer is to be lost.
    pub(crate) fn finish<T, E>(
        self,
        result: Result<T, E>,
        outcome_unknown: impl FnOnce(BackendError) -> E,
    ) -> Result<T, E> {
        match self {
            Self::Proceed => result,
            Self::LoseAnswer => Err(outcome_unknown(BackendError::new(
                BackendErrorKind::Timeout,
            ))),
        }
    }
}

impl Faults {
    pub(crate) fn new() -> Self {
        Self {
            armed: AtomicBool::new(false),
            plans: Mutex::new(HashMap::new()),
        }
    }

    fn with_plan<T>(
        &self,
        operation: Operation,
        change: impl FnOnce(&mut OperationFaults) -> T,
    ) -> T {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        self.armed.store(true, Ordering::SeqCst);
        change(plans.entry(operation).or_default())
    }

    /// Appends `faults` to the script of `operation`: each later call of that operation consumes
    /// the next one, in order; once the script is used up, calls go through (or follow the rate).
    pub fn script(&self, operation: Operation, faults: impl IntoIterator<Item = Fault>) -> &Self {
        self.with_plan(operation, |plan| plan.script.extend(faults));
        self
    }

    /// Sets the seeded failure rate of `operation`, restarting its sequence at `rate.seed`.
    pub fn set_rate(&self, operation: Operation, rate: FaultRate) -> &Self {
        let clamp = |share: f64| {
            if share.is_nan() {
                0.0
            } else {
                share.clamp(0.0, 1.0)
            }
        };
        let rate = FaultRate {
            unavailable: clamp(rate.unavailable),
            outcome_unknown: clamp(rate.outcome_unknown),
            seed: rate.seed,
        };
        self.with_plan(operation, |plan| {
            plan.rate = Some((rate, SplitMix64::new(rate.seed)))
        });
        self
    }

    /// Delays every call of `operation` by `latency` (`Duration::ZERO` removes the delay).
    pub fn set_latency(&self, operation: Operation, latency: Duration) -> &Self {
        self.with_plan(operation, |plan| plan.latency = latency);
        self
    }

    /// How many scripted faults of `operation` are still to come.
    #[must_use]
    pub fn pending(&self, operation: Operation) -> usize {
        let plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        plans.get(&operation).map_or(0, |plan| plan.script.len())
    }

    /// Removes every script, rate and latency.
    pub fn clear(&self) {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        plans.clear();
        self.armed.store(false, Ordering::SeqCst);
    }

    /// The fault (if any) and the delay for this call of `operation`.
    fn draw(&self, operation: Operation) -> (Option<Fault>, Duration) {
        if !self.armed.load(Ordering::SeqCst) {
            return (None, Duration::ZERO);
        }
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(plan) = plans.get_mut(&operation) else {
            return (None, Duration::ZERO);
        };
        let fault = plan.script.pop_front().or_else(|| {
            let (rate, generator) = plan.rate.as_mut()?;
            let draw = generator.next_f64();
            if draw < rate.unavailable {
                Some(Fault::Unavailable { retry_after: None })
            } else if draw < rate.unavailable + rate.outcome_unknown {
                Some(Fault::OutcomeUnknown)
            } else {
                None
            }
        });
        (fault, plan.latency)
    }

    /// Asks the plan about one call of `operation`: waits any latency, then says whether to
    /// proceed, or fails with the backend error the call must return.
    pub(crate) async fn gate(&self, operation: Operation) -> Result<Gate, BackendError> {
        let (fault, mut delay) = self.draw(operation);
        if let Some(Fault::Latency(extra)) = &fault {
            delay = delay.saturating_add(*extra);
        }
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        match fault {
            None | Some(Fault::Latency(_)) => Ok(Gate::Proceed),
            Some(Fault::Unavailable { retry_after }) => Err(with_wait(
                BackendError::new(BackendErrorKind::Unavailable).with_status(503),
                retry_after,
            )),
            Some(Fault::Throttled { retry_after }) => Err(with_wait(
                BackendError::new(BackendErrorKind::Throttled).with_status(429),
                retry_after,
            )),
            Some(Fault::OutcomeUnknown) if operation.is_write() => Ok(Gate::LoseAnswer),
            Some(Fault::OutcomeUnknown) => Err(BackendError::new(BackendErrorKind::Timeout)),
        }
    }
}

fn with_wait(error: BackendError, retry_after: Option<Duration>) -> BackendError {
    match retry_after {
        Some(wait) => error.with_retry_after(wait),
        None => error,
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        let mut operations: Vec<&Operation> = plans.keys().collect();
        operations.sort();
        f.debug_struct("Faults")
            .field("configured", &operations)
            .finish()
    }
}
