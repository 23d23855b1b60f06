//! The error of every read use case, and the conversions from the port errors.

use std::error::Error as StdError;

use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection};
use leyr_domain::ports::ReadError;
use leyr_domain::timeslot::TimeRangeError;

/// Why a read use case failed: listing care units, services, resources, timeslots, appointments
/// or notes, or finding a patient. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The care unit, patient, resource or service does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the read, e.g. a patient id type it cannot look up.
    #[error("the EHR refused the query")]
    Rejected(#[source] Rejection),
    /// The time window could not be built.
    #[error("the time window is not valid")]
    InvalidWindow(#[source] TimeRangeError),
    /// The EHR failed or could not be reached; reads have already been retried by the adapter.
    #[error("the request to the EHR failed")]
    Unavailable(#[source] BackendError),
}

impl From<ReadError> for QueryError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::NotFound(entity) => Self::NotFound(entity),
            ReadError::Rejected(rejection) => Self::Rejected(rejection),
            ReadError::Backend(backend) => Self::Unavailable(backend),
            other => Self::Unavailable(unexpected(other)),
        }
    }
}

/// A port error of a kind this crate does not know yet (the port enums are `#[non_exhaustive]`),
/// kept as the source of an internal backend failure so nothing is lost.
pub(crate) fn unexpected(error: impl StdError + Send + Sync + 'static) -> BackendError {
    BackendError::new(BackendErrorKind::Internal).with_source(error)
}
