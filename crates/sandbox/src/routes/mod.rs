//! The router: Leyr's paths (contract §3), authentication first (C4), fault injection (C31),
//! problem bodies for unknown routes and methods (C30), and request logs without patient data.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use chrono::{DateTime, FixedOffset, NaiveDate};
use leyr_app::Ports;
use leyr_domain::appointment::{Appointment, AppointmentStatus};
use leyr_domain::booking_rules::is_completed;
use leyr_domain::error::Entity;
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::ReadError;
use leyr_domain::time::in_stockholm;
use leyr_domain::time::to_utc;
use leyr_http::mapping;
use leyr_http::wire::{AppointmentDto, ErrorCode};

use crate::faults::{self, FaultState};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, FieldPath, invalid_id};
use crate::request_body::Fields;

mod appointments;
mod catalog;
mod patients;
mod records;
mod timeslots;

/// The only `{emr}` the sandbox serves (C14).
const TAKECARE: &str = "takecare";

/// What every handler needs: the ports (with the clock).
#[derive(Clone)]
pub(crate) struct AppState {
    ports: Arc<Ports>,
}

impl AppState {
    /// Now, from the injected clock (C35).
    fn now(&self) -> DateTime<FixedOffset> {
        self.ports.clock.now().fixed_offset()
    }

    /// Today's date in Stockholm, for C33's "not born after today".
    fn today(&self) -> NaiveDate {
        in_stockholm(&self.ports.clock.now()).date_naive()
    }

    /// `patient`, if the care unit knows it. Otherwise `None`, with `INVALID_PATIENT_ID` at
    /// `path` recorded beside the request's other problems (C14, C30).
    ///
    /// # Errors
    /// The answer for a failure other than a 400, e.g. 503 when the adapter is unavailable.
    async fn known_patient(
        &self,
        care_unit: &CareUnitId,
        patient: Option<PatientRef>,
        path: FieldPath,
        problems: &mut Fields,
    ) -> Result<Option<PatientRef>, ApiError> {
        let Some(patient) = patient else {
            return Ok(None);
        };
        let lookup = self.ports.patients.get_patient(care_unit, &patient).await;
        let origins = Origins::none().with(Entity::Patient, path);
        known(problems, lookup.map(|_| patient), &origins)
    }

    /// `resource`, if the care unit knows it. Otherwise `None`, with `INVALID_RESOURCE_ID` at
    /// `path` recorded beside the request's other problems (C14, C30).
    ///
    /// # Errors
    /// The answer for a failure other than a 400, e.g. 503 when the adapter is unavailable.
    async fn known_resource(
        &self,
        care_unit: &CareUnitId,
        resource: Option<ResourceId>,
        path: FieldPath,
        problems: &mut Fields,
    ) -> Result<Option<ResourceId>, ApiError> {
        let Some(resource) = resource else {
            return Ok(None);
        };
        let lookup = self.ports.catalog.get_resource(care_unit, &resource).await;
        let origins = Origins::none().with(Entity::Resource, path);
        known(problems, lookup.map(|_| resource), &origins)
    }

    /// `service`, if the care unit offers it. Otherwise `None`, with
    /// `INVALID_HEALTHCARE_SERVICE_ID` at `path` recorded beside the request's other problems
    /// (C14, C30).
    ///
    /// # Errors
    /// The answer for a failure other than a 400, e.g. 503 when the adapter is unavailable.
    async fn known_service(
        &self,
        care_unit: &CareUnitId,
        service: Option<HealthcareServiceId>,
        path: FieldPath,
        problems: &mut Fields,
    ) -> Result<Option<HealthcareServiceId>, ApiError> {
        let Some(service) = service else {
            return Ok(None);
        };
        let lookup = match self.ports.catalog.list_healthcare_services(care_unit).await {
            Ok(services) if services.iter().any(|offered| offered.id == service) => Ok(service),
            Ok(_) => Err(ReadError::NotFound(Entity::HealthcareService)),
            Err(error) => Err(error),
        };
        let origins = Origins::none().with(Entity::HealthcareService, path);
        known(problems, lookup, &origins)
    }
}

/// The value of a lookup, or `None` with its 400 (e.g. `INVALID_PATIENT_ID` at the field
/// `origins` names) recorded in `problems`, so that unknown ids are reported together with the
/// request's other problems (C19, C30).
///
/// # Errors
/// The answer for any other failure, which ends the request.
fn known<T>(
    problems: &mut Fields,
    lookup: Result<T, ReadError>,
    origins: &Origins,
) -> Result<Option<T>, ApiError> {
    match lookup {
        Ok(found) => Ok(Some(found)),
        Err(error) => {
            let answer = port_errors::read(&error, origins);
            if answer.status() == StatusCode::BAD_REQUEST {
                problems.push(&answer);
                Ok(None)
            } else {
                Err(answer)
            }
        }
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

/// The credentials the sandbox accepts (C4).
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    /// The one client id accepted, or `None` for any non-empty id.
    pub(crate) client_id: Option<String>,
    /// The secret required, or `None` for no check.
    pub(crate) client_secret: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Builds the whole application. Layers, from the outside in: request log, authentication,
/// fault injection (around every route and both fallbacks, so unknown routes get them too),
/// then the handlers with their `{emr}`, care-unit, id and body checks.
pub(crate) fn router(ports: Ports, credentials: Credentials, fault_state: FaultState) -> Router {
    let state = AppState {
        ports: Arc::new(ports),
    };
    let care_unit = "/api/emrs/{emr}/care-units/{care_unit_id}";
    Router::new()
        .route("/api/emrs/{emr}/care-units", get(catalog::list_care_units))
        .route(
            &format!("{care_unit}/resources"),
            get(catalog::list_resources),
        )
        .route(
            &format!("{care_unit}/resources/{{resource_id}}"),
            get(catalog::get_resource),
        )
        .route(
            &format!("{care_unit}/healthcare-services"),
            get(catalog::list_healthcare_services),
        )
        .route(&format!("{care_unit}/timeslots"), get(timeslots::list))
        .route(
            &format!("{care_unit}/patients"),
            get(patients::find).post(patients::create),
        )
        .route(
            &format!("{care_unit}/patients/{{patient_id}}"),
            get(patients::get_one),
        )
        .route(
            &format!("{care_unit}/patients/{{patient_id}}/medical-notes"),
            get(records::list_notes).post(records::write_note),
        )
        .route(
            &format!("{care_unit}/patients/{{patient_id}}/documents"),
            post(records::upload_document),
        )
        .route(
            &format!("{care_unit}/appointments"),
            get(appointments::list)
                .post(appointments::create)
                .patch(appointments::cancel_many),
        )
        .route(
            &format!("{care_unit}/appointments/{{appointment_id}}"),
            patch(appointments::change),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn_with_state(fault_state, faults::apply))
        .layer(middleware::from_fn_with_state(
            Arc::new(credentials),
            authenticate,
        ))
        .layer(middleware::from_fn(log_request))
}

/// C30: an unknown route is a 404 problem.
async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// C30: a known route with another method is a 405 problem.
async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// C4: authentication comes before anything else, unknown routes included.
async fn authenticate(
    State(credentials): State<Arc<Credentials>>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(refusal) = check_credentials(&credentials, request.headers()) {
        return refusal.into_response();
    }
    next.run(request).await
}

/// C4: a present, non-empty (and, if configured, matching) client id, then the secret.
fn check_credentials(credentials: &Credentials, headers: &HeaderMap) -> Result<(), ApiError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let client_id = header("x-leyr-client-id").filter(|id| !id.is_empty());
    let known_client = match (client_id, &credentials.client_id) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(given), Some(expected)) => given == expected,
    };
    if !known_client {
        return Err(ApiError::unknown_client());
    }
    match &credentials.client_secret {
        Some(expected) if header("x-leyr-client-secret") != Some(expected.as_str()) => {
            Err(ApiError::wrong_secret())
        }
        _ => Ok(()),
    }
}

/// Logs one line per request: method, route template, status and latency. Never the URI, its
/// query or the body, which may hold personnummer and names.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// The path parameters, each segment percent-decoded exactly once (C9: `%3A` reads as `:`).
///
/// axum refuses the whole path when one decoded segment is not UTF-8. Such a segment is read
/// instead with U+FFFD for its bad bytes, as the query string is: it then names an unknown
/// `{emr}`, care unit or id, reported in the order of C30 and at its own `path`.
async fn path_params(parts: &mut Parts) -> HashMap<String, String> {
    match Path::<HashMap<String, String>>::from_request_parts(parts, &()).await {
        Ok(Path(params)) => params,
        Err(_) => lossy_path_params(parts),
    }
}

/// The path parameters, decoded with U+FFFD for bytes that are not UTF-8. The route template
/// and the path are matched segment by segment from their ends, which holds under a prefix
/// too (a router nested under one sees the path without it).
fn lossy_path_params(parts: &Parts) -> HashMap<String, String> {
    let Some(template) = parts.extensions.get::<MatchedPath>() else {
        return HashMap::new();
    };
    template
        .as_str()
        .rsplit('/')
        .zip(parts.uri.path().rsplit('/'))
        .filter_map(|(name, segment)| {
            let name = name.strip_prefix('{')?.strip_suffix('}')?;
            Some((name.to_owned(), percent_decode_lossy(segment)))
        })
        .collect()
}

/// Decodes each `%XX` of `segment` once; a `%` not followed by two hex digits stays as it is.
fn percent_decode_lossy(segment: &str) -> String {
    let hex = |digit: u8| {
        char::from(digit)
            .to_digit(16)
            .and_then(|value| u8::try_from(value).ok())
    };
    let mut bytes = Vec::with_capacity(segment.len());
    let mut rest = segment.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        let escaped = match tail {
            [high, low, after @ ..] if byte == b'%' => hex(*high)
                .zip(hex(*low))
                .map(|(high, low)| (high << 4 | low, after)),
            _ => None,
        };
        rest = match escaped {
            Some((decoded, after)) => {
                bytes.push(decoded);
                after
            }
            None => {
                bytes.push(byte);
                tail
            }
        };
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// C14: an `{emr}` other than `takecare` is `NOT_SUPPORTED`.
fn check_emr(params: &HashMap<String, String>) -> Result<(), ApiError> {
    if params.get("emr").map(String::as_str) == Some(TAKECARE) {
        Ok(())
    } else {
        Err(ApiError::field(
            ErrorCode::NotSupported,
            Some(FieldPath::path("emr")),
        ))
    }
}

/// A route under `/api/emrs/{emr}` whose `{emr}` was checked.
#[derive(Debug)]
pub(crate) struct Emr;

impl FromRequestParts<AppState> for Emr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        check_emr(&path_params(parts).await)?;
        Ok(Self)
    }
}

/// A route under `{CU}` whose `{emr}` and care unit were checked, in that order (C30), with
/// its other path parameters.
#[derive(Debug)]
pub(crate) struct Scope {
    care_unit: CareUnitId,
    params: HashMap<String, String>,
}

impl Scope {
    /// A path parameter, decoded; empty if absent (routes always have theirs).
    fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = path_params(parts).await;
        check_emr(&params)?;
        let unknown_care_unit = || {
            ApiError::field(
                invalid_id("CARE_UNIT"),
                Some(FieldPath::path("care_unit_id")),
            )
        };
        let text = params.get("care_unit_id").map_or("", String::as_str);
        let care_unit = CareUnitId::new(text).map_err(|_| unknown_care_unit())?;
        let care_units = state
            .ports
            .catalog
            .list_care_units()
            .await
            .map_err(|error| port_errors::read(&error, &Origins::none()))?;
        if !care_units.iter().any(|unit| unit.id == care_unit) {
            return Err(unknown_care_unit());
        }
        Ok(Self { care_unit, params })
    }
}

/// The query parameters in order; unknown ones are ignored (C12). `+` has already become a
/// space here, which the datetime check refuses (C35).
#[derive(Debug, Default)]
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// The first value of `name`.
    fn first(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(pairs)| Self(pairs))
            .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(FieldPath::new(["query"]))))
    }
}

/// C20: the status to report, whatever adapter serves the sandbox: the domain's rule that a
/// booked appointment whose end has passed is completed.
fn reported_status(appointment: &Appointment, now: DateTime<FixedOffset>) -> AppointmentStatus {
    let (end, now) = (to_utc(&appointment.end()), to_utc(&now));
    if is_completed(appointment.status(), end, now) {
        AppointmentStatus::Completed
    } else {
        appointment.status().clone()
    }
}

/// The JSON of an appointment as reported now (C20, C21, C35).
fn appointment_json(appointment: &Appointment, now: DateTime<FixedOffset>) -> AppointmentDto {
    let mut dto = mapping::appointment_dto(appointment);
    dto.status = reported_status(appointment, now).as_str().to_owned();
    dto
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_segments_are_percent_decoded_once_with_u_fffd_for_bytes_that_are_not_utf8() {
        assert_eq!(percent_decode_lossy("emr_id%3A10"), "emr_id:10");
        assert_eq!(percent_decode_lossy("emr_id%3a10"), "emr_id:10");
        assert_eq!(percent_decode_lossy("a%253Ab"), "a%3Ab");
        assert_eq!(percent_decode_lossy("%C3%A5"), "å");
        assert_eq!(percent_decode_lossy("%FFx"), "\u{FFFD}x");
        for kept in ["%", "%Z", "%ZZ", "100%", "%4"] {
            assert_eq!(percent_decode_lossy(kept), kept);
        }
    }
}
