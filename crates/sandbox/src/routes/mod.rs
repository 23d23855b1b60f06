//! The router: Leyr's routes (contract §3), mounted from `leyr-wire`'s table of routes,
//! authentication first (C4), fault injection (C31), problem bodies for unknown routes and
//! methods (C30), the checks every request shares (`{emr}`, care unit, the profile's
//! operations: C14, C43), request logs without patient data, and the OpenAPI description of it
//! all, served without credentials (C48).

use std::fmt;
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, MatchedPath, Query, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{self, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get, on};
use chrono::{DateTime, FixedOffset, NaiveDate};
use leyr_domain::ehr::{self, EhrProfile, Operation};
use leyr_domain::error::Entity;
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{Ports, ReadError};
use leyr_domain::time::in_stockholm;
use leyr_wire::route::{self, CLIENT_ID_HEADER, CLIENT_SECRET_HEADER, Endpoint};
use leyr_wire::{ErrorCode, Field, FieldPath, openapi, segment};
use serde::de::DeserializeOwned;

use crate::faults::{self, FaultState};
use crate::journal::{self, Journal};
use crate::port_errors::{self, Origins};
use crate::problem::ApiError;
use crate::problems::Problems;
use crate::store::Store;
use crate::worlds::Worlds;

mod appointments;
mod catalog;
mod patients;
mod records;
mod timeslots;

/// The router's state: one world per EHR profile, each the ports (with the clock) of its own
/// in-memory EHR (C47), replaced as a whole by a reset or an import (C49).
#[derive(Clone)]
pub(crate) struct AppState {
    worlds: Worlds,
}

impl AppState {
    /// The world of the EHR whose `{emr}` code is `code`, as served now.
    fn world(&self, code: &str) -> Option<World> {
        self.worlds.current().ports(code).map(|ports| World {
            ports: Arc::clone(ports),
        })
    }
}

/// One EHR's world, as the handlers of a request under its `{emr}` use it: its ports, with the
/// clock.
#[derive(Clone)]
pub(crate) struct World {
    ports: Arc<Ports>,
}

impl World {
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
        problems: &mut Problems,
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
        problems: &mut Problems,
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
        problems: &mut Problems,
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
    problems: &mut Problems,
    lookup: Result<T, ReadError>,
    origins: &Origins,
) -> Result<Option<T>, ApiError> {
    match lookup {
        Ok(found) => Ok(Some(found)),
        Err(error) => {
            let answer = port_errors::read(&error, origins);
            if answer.status() == StatusCode::BAD_REQUEST {
                problems.extend(answer);
                Ok(None)
            } else {
                Err(answer)
            }
        }
    }
}

impl fmt::Debug for World {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("World").finish_non_exhaustive()
    }
}

/// The world of the request's `{emr}`: what a handler works in. An `{emr}` without a profile is
/// `NOT_SUPPORTED` (C14), before anything else of the request is read.
#[derive(Debug)]
pub(crate) struct InWorld(pub(crate) World);

impl FromRequestParts<AppState> for InWorld {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let profile = profile_of(&PathParams::read(parts))?;
        state.world(profile.code).map(Self).ok_or_else(|| {
            ApiError::field(ErrorCode::NotSupported, Some(&FieldPath::path(Field::Emr)))
        })
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

/// The path of the OpenAPI description (C48).
pub(crate) const OPENAPI_PATH: &str = "/openapi.json";

/// Builds the whole application: Leyr's API, with one world per EHR profile, and the OpenAPI
/// description beside it.
///
/// Leyr's API is every endpoint of `leyr-wire`'s table of routes ([`api_endpoints`]) and
/// nothing else. Its layers, from the outside in: authentication, fault injection (around every
/// route and both fallbacks, so unknown routes get them too), then the handlers with their
/// `{emr}`, care-unit, profile, id and body checks. `GET /openapi.json` is outside those
/// layers: it needs no credentials and takes no scripted fault (C48). The request log is
/// around both.
/// What the router is made of, beside the worlds.
pub(crate) struct Layers {
    pub(crate) credentials: Credentials,
    pub(crate) faults: FaultState,
    pub(crate) journal: Journal,
    /// The state file every acknowledged write is committed to first (C50), if any.
    pub(crate) store: Option<Arc<Store>>,
    /// The administration routes (C49), mounted outside Leyr's routes and the journal.
    pub(crate) admin: Router,
}

pub(crate) fn router(worlds: Worlds, layers: Layers) -> Router {
    let state = AppState {
        worlds: worlds.clone(),
    };
    let mut api = Router::new();
    for (endpoint, handler) in api_endpoints() {
        api = api.route(endpoint.template.as_str(), handler);
    }
    let mut api = api
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(middleware::from_fn_with_state(layers.faults, faults::apply))
        .layer(middleware::from_fn_with_state(
            Arc::new(layers.credentials),
            authenticate,
        ));
    if let Some(store) = layers.store {
        api = api.layer(middleware::from_fn_with_state(
            (store, worlds),
            commit_writes,
        ));
    }
    Router::new()
        .route(OPENAPI_PATH, get(openapi_description))
        .method_not_allowed_fallback(method_not_allowed)
        .merge(api)
        .layer(middleware::from_fn_with_state(
            layers.journal,
            journal::record,
        ))
        .merge(layers.admin)
        .layer(middleware::from_fn(log_request))
}

/// With a state file (C50): after a write request, and before its answer leaves, every record
/// the worlds changed is committed to the file. A commit that fails turns the answer into a
/// 504 `UNKNOWN_ERROR`, since the change is made in memory but not kept.
async fn commit_writes(
    State((store, worlds)): State<(Arc<Store>, Worlds)>,
    request: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*request.method(), http::Method::GET | http::Method::HEAD);
    let response = next.run(request).await;
    if !writes {
        return response;
    }
    let served = worlds.current();
    let committed = tokio::task::spawn_blocking(move || store.commit(&served)).await;
    match committed {
        Ok(Ok(())) => response,
        _ => {
            tracing::error!("a change could not be written to the state file");
            ApiError::not_saved().into_response()
        }
    }
}

/// Every endpoint of `leyr-wire`'s table with its handler: the routes the router mounts, and
/// the one place that says which handler serves which route.
fn api_endpoints() -> impl Iterator<Item = (Endpoint, MethodRouter<AppState>)> {
    route::endpoints()
        .into_iter()
        .filter_map(|endpoint| Some((endpoint, handler(endpoint)?)))
}

/// The handler of `endpoint`, on the endpoint's method; `None` for an operation the sandbox
/// has no handler for (a test proves there is none). The operations that share an endpoint
/// share its handler, which tells them apart by the body: `appointments::change` reschedules,
/// cancels or confirms.
fn handler(endpoint: Endpoint) -> Option<MethodRouter<AppState>> {
    let method = http::Method::from_bytes(endpoint.method.as_str().as_bytes()).ok()?;
    let method = MethodFilter::try_from(method).ok()?;
    let handler = match endpoint.operations().next()? {
        Operation::ListCareUnits => on(method, catalog::list_care_units),
        Operation::ListResources => on(method, catalog::list_resources),
        Operation::GetResource => on(method, catalog::get_resource),
        Operation::ListHealthcareServices => on(method, catalog::list_healthcare_services),
        Operation::FindTimeslots => on(method, timeslots::list),
        Operation::FindPatients => on(method, patients::find),
        Operation::RegisterPatient => on(method, patients::create),
        Operation::GetPatient => on(method, patients::get_one),
        Operation::ListAppointments => on(method, appointments::list),
        Operation::Book => on(method, appointments::create),
        Operation::Reschedule | Operation::Cancel | Operation::Confirm => {
            on(method, appointments::change)
        }
        Operation::CancelMany => on(method, appointments::cancel_many),
        Operation::GetAppointment => on(method, appointments::get_one),
        Operation::ListNotes => on(method, records::list_notes),
        Operation::WriteNote => on(method, records::write_note),
        Operation::UploadDocument => on(method, records::upload_document),
        _ => return None,
    };
    Some(handler)
}

/// C48: the OpenAPI description of the API, the same text as `docs/openapi.json`, written once.
async fn openapi_description() -> Response {
    static DESCRIPTION: LazyLock<Option<Bytes>> =
        LazyLock::new(|| openapi::to_json(&openapi::document()).ok().map(Bytes::from));
    match DESCRIPTION.as_ref() {
        Some(description) => {
            let mut response = description.clone().into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => ApiError::unknown_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The OpenAPI description could not be written.",
        )
        .into_response(),
    }
}

/// C30: an unknown route is a 404 problem.
async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// C30: a known route with another method is a 405 problem.
async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// C4: authentication comes before anything else, unknown routes included. Only the OpenAPI
/// description is outside it (C48): the router does not put it behind this layer.
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
    let client_id = header(CLIENT_ID_HEADER).filter(|id| !id.is_empty());
    let known_client = match (client_id, &credentials.client_id) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(given), Some(expected)) => given == expected,
    };
    if !known_client {
        return Err(ApiError::unknown_client());
    }
    match &credentials.client_secret {
        Some(expected) if header(CLIENT_SECRET_HEADER) != Some(expected.as_str()) => {
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

/// The path parameters of a request, each segment percent-decoded exactly once (C9: `%3A`
/// reads as `:`), with U+FFFD for bytes that are not UTF-8 once decoded: such a segment names
/// an unknown `{emr}`, care unit or id, reported in the order of C30 and at its own `path`.
/// `Debug` names the parameters only: a patient id in a path may be a personnummer.
#[derive(Default)]
pub(crate) struct PathParams(Vec<(Field, String)>);

impl fmt::Debug for PathParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.0.iter().map(|(field, _)| field))
            .finish()
    }
}

impl PathParams {
    /// Reads the parameters by matching the route template and the path segment by segment
    /// from their ends, which holds under a prefix too (a router nested under one sees the path
    /// without it, but its template with it).
    fn read(parts: &Parts) -> Self {
        let Some(template) = parts.extensions.get::<MatchedPath>() else {
            return Self::default();
        };
        let params = template
            .as_str()
            .rsplit('/')
            .zip(parts.uri.path().rsplit('/'))
            .filter_map(|(name, value)| {
                let name = name.strip_prefix('{')?.strip_suffix('}')?;
                Some((Field::from_name(name)?, segment::decode(value).into_owned()))
            })
            .collect();
        Self(params)
    }

    /// The decoded value of `field`; empty if the route has no such parameter.
    fn get(&self, field: Field) -> &str {
        self.0
            .iter()
            .find(|(name, _)| *name == field)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// C14: the profile of `{emr}`, or `NOT_SUPPORTED` at `["path","emr"]` for an EHR the project
/// has no profile of.
fn profile_of(params: &PathParams) -> Result<&'static EhrProfile, ApiError> {
    ehr::profile(params.get(Field::Emr))
        .ok_or_else(|| ApiError::field(ErrorCode::NotSupported, Some(&FieldPath::path(Field::Emr))))
}

/// C43: `NOT_SUPPORTED`, with a `null` path, when `profile` does not support `operation`. Runs
/// after the care unit is known and before any id or body is read (§4.5).
pub(crate) fn check_operation(profile: &EhrProfile, operation: Operation) -> Result<(), ApiError> {
    if profile.supports(operation) {
        Ok(())
    } else {
        Err(ApiError::field(ErrorCode::NotSupported, None))
    }
}

/// `INVALID_CARE_UNIT_ID` at `["path","care_unit_id"]` (C14).
fn unknown_care_unit() -> ApiError {
    ApiError::field(
        ErrorCode::not_found(Entity::CareUnit),
        Some(&FieldPath::path(Field::CareUnitId)),
    )
}

/// A route under `/api/emrs/{emr}` whose `{emr}` has a profile.
#[derive(Debug)]
pub(crate) struct Emr {
    profile: &'static EhrProfile,
}

impl FromRequestParts<AppState> for Emr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, ApiError> {
        let profile = profile_of(&PathParams::read(parts))?;
        Ok(Self { profile })
    }
}

/// A route under `{CU}` whose `{emr}` has a profile and whose care unit id was read, but not
/// yet looked up: for a handler that can let its main port call find out whether the care
/// unit exists, and looks it up only when that call fails. Every other handler takes a
/// [`Scope`].
#[derive(Debug)]
pub(crate) struct CareUnitPath {
    profile: &'static EhrProfile,
    /// `None` when the text cannot be a care unit id at all.
    care_unit: Option<CareUnitId>,
    params: PathParams,
}

impl CareUnitPath {
    /// Looks the care unit up (C14, in the order of C30).
    ///
    /// # Errors
    /// `INVALID_CARE_UNIT_ID` for an unknown care unit, or the answer for the port's failure.
    async fn check(self, state: &World) -> Result<Scope, ApiError> {
        let care_unit = self.care_unit.ok_or_else(unknown_care_unit)?;
        let care_units = state
            .ports
            .catalog
            .list_care_units()
            .await
            .map_err(|error| port_errors::read(&error, &Origins::none()))?;
        if !care_units.iter().any(|unit| unit.id == care_unit) {
            return Err(unknown_care_unit());
        }
        Ok(Scope {
            profile: self.profile,
            care_unit,
            params: self.params,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CareUnitPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let params = PathParams::read(parts);
        let profile = profile_of(&params)?;
        let care_unit = CareUnitId::new(params.get(Field::CareUnitId)).ok();
        Ok(Self {
            profile,
            care_unit,
            params,
        })
    }
}

/// A route under `{CU}` whose `{emr}` has a profile and whose care unit exists, checked in
/// that order (C30), with its other path parameters.
#[derive(Debug)]
pub(crate) struct Scope {
    profile: &'static EhrProfile,
    care_unit: CareUnitId,
    params: PathParams,
}

impl Scope {
    /// A path parameter, decoded; empty if absent (routes always have theirs).
    fn param(&self, field: Field) -> &str {
        self.params.get(field)
    }

    /// C43: whether the EHR supports `operation`.
    ///
    /// # Errors
    /// `NOT_SUPPORTED` with a `null` path when it does not.
    fn supports(&self, operation: Operation) -> Result<(), ApiError> {
        check_operation(self.profile, operation)
    }
}

impl FromRequestParts<AppState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let path = CareUnitPath::from_request_parts(parts, state).await?;
        let InWorld(world) = InWorld::from_request_parts(parts, state).await?;
        path.check(&world).await
    }
}

/// A query read into one of `leyr-wire`'s parameter types: the first value of a repeated
/// parameter wins, unknown parameters are ignored (C12). `+` has already become a space here,
/// which the datetime check refuses (C35).
#[derive(Debug, Default)]
pub(crate) struct Params<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let whole_query = || ApiError::field(ErrorCode::BadInput, Some(&FieldPath::whole_query()));
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| whole_query())?;
        leyr_wire::query::from_pairs(pairs)
            .map(Self)
            .map_err(|_| whole_query())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use leyr_domain::ehr::{Operations, TAKECARE};
    use leyr_wire::segment;

    use super::*;

    /// The (method, path) of every operation of the OpenAPI description.
    fn described() -> BTreeSet<(String, String)> {
        const METHODS: [&str; 8] = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        let document = serde_json::to_value(openapi::document()).unwrap();
        let mut described = BTreeSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(METHODS.contains(&method.as_str()), "{path}: {method}");
                described.insert((method.clone(), path.clone()));
            }
        }
        described
    }

    #[test]
    fn c48_the_router_mounts_exactly_what_the_description_lists() {
        let mounted: BTreeSet<(String, String)> = api_endpoints()
            .map(|(endpoint, _)| {
                (
                    endpoint.method.as_str().to_lowercase(),
                    endpoint.template.as_str().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            mounted.len(),
            route::endpoints().len(),
            "every endpoint of the table has a handler"
        );
        let described = described();
        assert_eq!(
            mounted.difference(&described).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "mounted but not described"
        );
        assert_eq!(
            described.difference(&mounted).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "described but not mounted"
        );
        assert!(
            !described.iter().any(|(_, path)| path == OPENAPI_PATH),
            "the description lists Leyr's API only"
        );
    }

    #[test]
    fn c43_an_operation_outside_the_profile_is_not_supported_with_a_null_path() {
        for operation in Operation::ALL {
            assert!(check_operation(&TAKECARE, operation).is_ok(), "{operation}");
        }
        let mut without_notes = TAKECARE.clone();
        without_notes.operations =
            Operations::without(&[Operation::ListNotes, Operation::WriteNote]);
        let refused = check_operation(&without_notes, Operation::WriteNote).unwrap_err();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_eq!(refused.entries().len(), 1);
        assert_eq!(
            refused.entries()[0].error_code,
            Some(ErrorCode::NotSupported)
        );
        assert!(refused.entries()[0].path.is_null());
        assert!(check_operation(&without_notes, Operation::Book).is_ok());
    }

    #[test]
    fn path_parameters_show_their_names_only() {
        let params = PathParams(vec![
            (Field::Emr, "takecare".to_owned()),
            (
                Field::PatientId,
                "se_personal_number:197110021834".to_owned(),
            ),
        ]);
        assert_eq!(
            params.get(Field::PatientId),
            "se_personal_number:197110021834"
        );
        assert_eq!(params.get(Field::AppointmentId), "");
        assert_eq!(format!("{params:?}"), "{Emr, PatientId}");
    }

    #[test]
    fn c9_segments_are_percent_decoded_once_with_u_fffd_for_bytes_that_are_not_utf8() {
        assert_eq!(segment::decode("emr_id%3A10"), "emr_id:10");
        assert_eq!(segment::decode("emr_id%3a10"), "emr_id:10");
        assert_eq!(segment::decode("a%253Ab"), "a%3Ab");
        assert_eq!(segment::decode("%C3%A5"), "å");
        assert_eq!(segment::decode("%FFx"), "\u{FFFD}x");
        for kept in ["%", "%Z", "%ZZ", "100%", "%4"] {
            assert_eq!(segment::decode(kept), kept);
        }
    }

    #[test]
    fn c4_credentials_are_the_id_then_the_secret() {
        let credentials = Credentials {
            client_id: Some("app".to_owned()),
            client_secret: Some("s3cret".to_owned()),
        };
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(*name, axum::http::HeaderValue::from_static(value));
            }
            headers
        };
        let detail =
            |result: Result<(), ApiError>| result.err().map(|error| error.into_response().status());
        assert_eq!(
            detail(check_credentials(
                &credentials,
                &headers(&[
                    ("x-leyr-client-id", "app"),
                    ("x-leyr-client-secret", "s3cret")
                ])
            )),
            None
        );
        for refused in [
            headers(&[]),
            headers(&[("x-leyr-client-id", "")]),
            headers(&[
                ("x-leyr-client-id", "other"),
                ("x-leyr-client-secret", "s3cret"),
            ]),
            headers(&[("x-leyr-client-id", "app")]),
        ] {
            assert_eq!(
                detail(check_credentials(&credentials, &refused)),
                Some(StatusCode::UNAUTHORIZED)
            );
        }
    }
}
