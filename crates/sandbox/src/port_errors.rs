//! The one place that turns the ports' errors into Leyr's answers (C14, C30).
//!
//! | port error | answer |
//! | --- | --- |
//! | `NotFound(Entity::X)` | 400, `INVALID_X_ID` (`Author` gives `INVALID_CREATED_BY_ID`) |
//! | `SlotTaken` | 400, `NO_TIMESLOTS_AVAILABLE` |
//! | `Forbidden(_)` (a lifecycle rule) | 400, `BAD_INPUT` |
//! | `Rejected(code)` | 400 with that code |
//! | `OutcomeUnknown(_)` | 504 `UNKNOWN_ERROR`: the write may have happened (C37 reads 504 so) |
//! | `Backend` `Unavailable`, `Connect` | 503 `SERVICE_UNAVAILABLE` (with `Retry-After` when known) |
//! | `Backend` `Throttled` | 429 `TOO_MANY_REQUESTS` (with `Retry-After` when known) |
//! | `Backend` `Timeout` | 504 `UNKNOWN_ERROR` |
//! | `Backend` `Unauthorized` | 401 `EMR_ERROR`: the EHR refused the sandbox, not the caller |
//! | `Backend` `Server`, `Protocol` | 502 `EMR_ERROR` |
//! | `Backend` `Client` | 400 `BAD_INPUT` |
//! | `Backend` `Internal` or anything new | 500 `UNKNOWN_ERROR` |
//!
//! Each handler says where the ids it sent came from ([`Origins`]), so an entry's `path` points
//! at the field the caller wrote.

use axum::http::StatusCode;
use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection};
use leyr_domain::ports::{BookError, ChangeError, ReadError, WriteError};
use leyr_wire::{ErrorCode, Field, FieldPath};

use crate::problem::ApiError;

/// Where each kind of id of a request came from, e.g. the patient from `["path","patient_id"]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins(Vec<(Entity, FieldPath)>);

impl Origins {
    /// No known origins: entries get a `null` path.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// Adds where ids of `entity` came from.
    pub(crate) fn with(mut self, entity: Entity, path: FieldPath) -> Self {
        self.0.push((entity, path));
        self
    }

    fn path_of(&self, entity: Entity) -> Option<FieldPath> {
        let care_unit = (entity == Entity::CareUnit).then(|| FieldPath::path(Field::CareUnitId));
        self.0
            .iter()
            .find(|(known, _)| *known == entity)
            .map(|(_, path)| path.clone())
            .or(care_unit)
    }
}

fn not_found(entity: Entity, origins: &Origins) -> ApiError {
    ApiError::field(
        ErrorCode::not_found(entity),
        origins.path_of(entity).as_ref(),
    )
}

fn rejected(rejection: &Rejection) -> ApiError {
    ApiError::field(ErrorCode::from_rejection(rejection.code()), None)
}

fn slot_taken() -> ApiError {
    ApiError::field(ErrorCode::NoTimeslotsAvailable, None)
}

fn outcome_unknown() -> ApiError {
    ApiError::unknown_error(
        StatusCode::GATEWAY_TIMEOUT,
        "The EHR did not answer in time; the change may have happened.",
    )
}

/// The answer for a backend failure.
pub(crate) fn backend(error: &BackendError) -> ApiError {
    let with_wait = |answer: ApiError| match error.retry_after() {
        Some(wait) => answer.with_retry_after(wait),
        None => answer,
    };
    match error.kind() {
        BackendErrorKind::Unavailable | BackendErrorKind::Connect => {
            with_wait(ApiError::service_unavailable())
        }
        BackendErrorKind::Throttled => ApiError::too_many_requests(
            error
                .retry_after()
                .unwrap_or(std::time::Duration::from_secs(1)),
        ),
        BackendErrorKind::Timeout => ApiError::unknown_error(
            StatusCode::GATEWAY_TIMEOUT,
            "The EHR did not answer in time.",
        ),
        BackendErrorKind::Unauthorized => ApiError::emr_error(
            StatusCode::UNAUTHORIZED,
            "The EHR refused the credentials of the integration.",
        ),
        BackendErrorKind::Server | BackendErrorKind::Protocol => ApiError::emr_error(
            StatusCode::BAD_GATEWAY,
            "The EHR failed to handle the request.",
        ),
        BackendErrorKind::Client => ApiError::field(ErrorCode::BadInput, None),
        _ => ApiError::unknown_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The sandbox failed to handle the request.",
        ),
    }
}

/// The answer for a failed read.
pub(crate) fn read(error: &ReadError, origins: &Origins) -> ApiError {
    match error {
        ReadError::NotFound(entity) => not_found(*entity, origins),
        ReadError::Rejected(rejection) => rejected(rejection),
        ReadError::Backend(backend_error) => backend(backend_error),
        _ => unexpected(),
    }
}

/// The answer for a failed write (patients, notes, documents).
pub(crate) fn write(error: &WriteError, origins: &Origins) -> ApiError {
    match error {
        WriteError::NotFound(entity) => not_found(*entity, origins),
        WriteError::Rejected(rejection) => rejected(rejection),
        WriteError::OutcomeUnknown(_) => outcome_unknown(),
        WriteError::Backend(backend_error) => backend(backend_error),
        _ => unexpected(),
    }
}

/// The answer for a failed booking.
pub(crate) fn book(error: &BookError, origins: &Origins) -> ApiError {
    match error {
        BookError::SlotTaken => slot_taken(),
        BookError::NotFound(entity) => not_found(*entity, origins),
        BookError::Rejected(rejection) => rejected(rejection),
        BookError::OutcomeUnknown(_) => outcome_unknown(),
        BookError::Backend(backend_error) => backend(backend_error),
        _ => unexpected(),
    }
}

/// The answer for a failed reschedule, cancel or confirm.
pub(crate) fn change(error: &ChangeError, origins: &Origins) -> ApiError {
    match error {
        ChangeError::NotFound(entity) => not_found(*entity, origins),
        ChangeError::SlotTaken => slot_taken(),
        ChangeError::Forbidden(_) => ApiError::field(ErrorCode::BadInput, None),
        ChangeError::Rejected(rejection) => rejected(rejection),
        ChangeError::OutcomeUnknown(_) => outcome_unknown(),
        ChangeError::Backend(backend_error) => backend(backend_error),
        _ => unexpected(),
    }
}

/// A port error this version does not know (the enums are `#[non_exhaustive]`).
fn unexpected() -> ApiError {
    ApiError::unknown_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The sandbox failed to handle the request.",
    )
}

#[cfg(test)]
mod tests {
    use leyr_domain::appointment::TransitionError;
    use leyr_domain::error::RejectionCode;

    use super::*;

    fn first_code(error: &ApiError) -> String {
        error.entries()[0]
            .error_code
            .as_ref()
            .map(ErrorCode::as_string)
            .unwrap_or_default()
    }

    #[test]
    fn not_found_entities_become_invalid_kind_ids_with_their_origin() {
        let origins = Origins::none().with(Entity::Patient, FieldPath::query(Field::PatientId));
        let error = read(&ReadError::NotFound(Entity::Patient), &origins);
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(first_code(&error), "INVALID_PATIENT_ID");
        assert_eq!(
            error.entries()[0].path,
            FieldPath::query(Field::PatientId).to_value()
        );
        let author = write(&WriteError::NotFound(Entity::Author), &Origins::none());
        assert_eq!(first_code(&author), "INVALID_CREATED_BY_ID");
        let care_unit = read(&ReadError::NotFound(Entity::CareUnit), &Origins::none());
        assert_eq!(
            care_unit.entries()[0].path,
            FieldPath::path(Field::CareUnitId).to_value()
        );
    }

    #[test]
    fn change_errors_map_to_their_codes() {
        assert_eq!(
            first_code(&change(&ChangeError::SlotTaken, &Origins::none())),
            "NO_TIMESLOTS_AVAILABLE"
        );
        assert_eq!(
            first_code(&change(
                &ChangeError::Forbidden(TransitionError::Completed),
                &Origins::none()
            )),
            "BAD_INPUT"
        );
        let rejection = Rejection::new(RejectionCode::InvalidCommentLength);
        assert_eq!(
            first_code(&change(&ChangeError::Rejected(rejection), &Origins::none())),
            "INVALID_COMMENT_LENGTH"
        );
    }

    #[test]
    fn backend_failures_keep_their_class() {
        let unavailable = BackendError::new(BackendErrorKind::Unavailable);
        assert_eq!(
            backend(&unavailable).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        let throttled = BackendError::new(BackendErrorKind::Throttled);
        assert_eq!(backend(&throttled).status(), StatusCode::TOO_MANY_REQUESTS);
        let unknown = book(
            &BookError::OutcomeUnknown(BackendError::new(BackendErrorKind::Timeout)),
            &Origins::none(),
        );
        assert_eq!(unknown.status(), StatusCode::GATEWAY_TIMEOUT);
    }
}
