//! Administration over HTTP (C49): the sandbox's own routes under `/_sandbox/`, outside Leyr's
//! `/api/` tree and never opened by Leyr's client credentials.
//!
//! | route | answer |
//! |---|---|
//! | `GET /_sandbox/health` | 200 `{"status":"ok"}`, always, without a token |
//! | `POST /_sandbox/reset` | 200: the seed again (optionally `{"start_date":"YYYY-MM-DD"}`), faults and logs cleared |
//! | `GET /_sandbox/state` | 200: the state document of every EHR ([`state_doc`]) |
//! | `PUT /_sandbox/state` | 200: the world replaced, all or nothing; 400 with every problem |
//! | `POST /_sandbox/faults` | 201: `{"fault":{...},"times":n,"match":{"method","route","emr"}}` scripted |
//! | `GET /_sandbox/faults`, `DELETE /_sandbox/faults` | 200: what is pending; cleared |
//! | `GET /_sandbox/requests?limit=n` | 200: the newest requests, newest first |
//! | `GET /_sandbox/messages?limit=n` | 200: the confirmation codes "sent" (§9.3), newest first |
//! | `PUT /_sandbox/clock` | 200 `{"now":...}`: `{"now":"<RFC 3339>"}` or `{"advance_seconds":n}`; 409 without a settable clock |
//!
//! Access: with an admin token, every route but `health` needs `x-sandbox-admin-token`
//! (compared in constant time; 401 otherwise). Without one, administration is open while the
//! sandbox listens on a loopback address and off (404) on any other.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use leyr_domain::ehr;
use leyr_domain::ports::Clock;
use leyr_domain::time::in_stockholm;
use leyr_in_memory::confirmations::ConfirmationPurpose;
use leyr_in_memory::{InMemoryEhr, ManualClock};
use leyr_wire::{ErrorCode, mapping, route};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::faults::{FaultMatch, HttpFault, HttpFaults, ScriptedFault, relative_route};
use crate::journal::{JOURNAL_CAPACITY, Journal};
use crate::problem::{self, ApiError};
use crate::store::Store;
use crate::worlds::{Factory, Worlds};

pub(crate) mod state_doc;

/// The header that carries the admin token.
pub const ADMIN_TOKEN_HEADER: &str = "x-sandbox-admin-token";

/// The largest state document `PUT /_sandbox/state` reads: a world of a few hundred thousand
/// appointments.
const STATE_BODY_LIMIT: usize = 512 * 1024 * 1024;

/// How many entries `requests` and `messages` answer without a `limit`.
const DEFAULT_LIMIT: usize = 100;

/// Who may use the administration routes.
#[derive(Clone)]
pub(crate) enum Access {
    /// Whoever sends this token.
    Token(Arc<SecretString>),
    /// Anyone who can connect (the sandbox listens on a loopback address).
    Open,
    /// No one: listening beyond loopback without a token.
    Off,
}

/// What the administration routes work on.
#[derive(Clone)]
pub(crate) struct Admin {
    pub(crate) worlds: Worlds,
    pub(crate) factory: Factory,
    pub(crate) faults: HttpFaults,
    pub(crate) journal: Journal,
    pub(crate) clock: Arc<dyn Clock>,
    /// The clock `PUT /_sandbox/clock` moves, if the sandbox was started with one.
    pub(crate) settable: Option<ManualClock>,
    pub(crate) access: Access,
    pub(crate) store: Option<Arc<Store>>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin").finish_non_exhaustive()
    }
}

/// The routes under `/_sandbox/`.
pub(crate) fn router(admin: Admin) -> Router {
    let guarded = Router::new()
        .route("/_sandbox/reset", post(reset))
        .route(
            "/_sandbox/state",
            get(export_state)
                .put(import_state)
                .layer(DefaultBodyLimit::max(STATE_BODY_LIMIT)),
        )
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sandbox/requests", get(requests))
        .route("/_sandbox/messages", get(messages))
        .route("/_sandbox/clock", put(set_clock))
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(admin.clone(), guard))
        .with_state(admin);
    Router::new()
        .route("/_sandbox/health", get(health))
        .merge(guarded)
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

async fn guard(State(admin): State<Admin>, request: Request, next: Next) -> Response {
    match &admin.access {
        Access::Off => ApiError::not_found().into_response(),
        Access::Open => next.run(request).await,
        Access::Token(token) => {
            let given = request
                .headers()
                .get(ADMIN_TOKEN_HEADER)
                .map_or(&[][..], |value| value.as_bytes());
            let expected = token.expose_secret().as_bytes();
            if bool::from(given.ct_eq(expected)) {
                next.run(request).await
            } else {
                ApiError::admin_unauthorized().into_response()
            }
        }
    }
}

async fn health() -> Response {
    problem::json(StatusCode::OK, &json!({"status": "ok"}))
}

/// One `BAD_INPUT` problem at `path` under `body` (or `query`).
fn bad_input(root: &str, path: &[&str], detail: &str) -> ApiError {
    let problem = state_doc::DocProblem {
        path: path.iter().map(|step| Value::from(*step)).collect(),
        code: ErrorCode::BadInput,
        detail: detail.to_owned(),
    };
    ApiError::bad_request(vec![problem.entry_under(root)])
}

/// The body as JSON of `T`, or a 400 that says where reading stopped (never what it read).
fn body_json<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(vec![state_doc::malformed(&error).entry()]))
}

impl Admin {
    /// Serves `ehrs` from now on, through the state file first when there is one (C50); `also`
    /// runs at the moment of the swap (e.g. to clear the faults and logs of a reset).
    fn serve(&self, ehrs: Vec<InMemoryEhr>, also: impl FnOnce()) -> Result<(), ApiError> {
        let swap = || {
            self.worlds.replace(ehrs.clone());
            also();
        };
        match &self.store {
            Some(store) => store
                .replace_all(state_doc::export(&ehrs), swap)
                .map_err(|_| ApiError::not_saved()),
            None => {
                swap();
                Ok(())
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetRequest {
    #[serde(default)]
    start_date: Option<NaiveDate>,
}

async fn reset(State(admin): State<Admin>, body: Bytes) -> Result<Response, ApiError> {
    let request: ResetRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResetRequest { start_date: None }
    } else {
        body_json(&body)?
    };
    let ehrs = admin.factory.seed(request.start_date, &[]).map_err(|_| {
        ApiError::unknown_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The seed could not be built.",
        )
    })?;
    admin.serve(ehrs, || {
        admin.faults.clear();
        admin.journal.clear();
    })?;
    Ok(problem::json(StatusCode::OK, &json!({"status": "ok"})))
}

async fn export_state(State(admin): State<Admin>) -> Response {
    let document = state_doc::export(admin.worlds.current().ehrs());
    problem::json(StatusCode::OK, &document)
}

async fn import_state(State(admin): State<Admin>, body: Bytes) -> Result<Response, ApiError> {
    let document: state_doc::StateDocument = body_json(&body)?;
    let today = in_stockholm(&admin.clock.now()).date_naive();
    let ehrs = load(&admin.factory, document, today).map_err(|problems| {
        ApiError::bad_request(problems.iter().map(state_doc::DocProblem::entry).collect())
    })?;
    admin.serve(ehrs, || ())?;
    Ok(problem::json(StatusCode::OK, &json!({"status": "ok"})))
}

/// The worlds a state document describes, validated like an import (C49): every problem, or
/// the adapters.
pub(crate) fn load(
    factory: &Factory,
    document: state_doc::StateDocument,
    today: NaiveDate,
) -> Result<Vec<InMemoryEhr>, Vec<state_doc::DocProblem>> {
    let (datasets, places) = state_doc::read(document, today)?;
    factory.build_datasets(datasets).map_err(|problems| {
        problems
            .iter()
            .map(|(emr, problem)| places.place(emr, problem))
            .collect()
    })
}

/// A fault as `POST /_sandbox/faults` takes it and `GET` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum FaultDoc {
    ServiceUnavailable,
    TooManyRequests { retry_after_seconds: u64 },
    EmrError { status: u16, detail: String },
    UnknownError { status: u16, detail: String },
    BadRequest { error_code: String },
    Delay { millis: u64 },
    DropAfterWork,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchDoc {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    route: Option<String>,
    #[serde(default)]
    emr: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptedDoc {
    fault: Value,
    #[serde(default = "one")]
    times: usize,
    #[serde(default, rename = "match")]
    matching: MatchDoc,
}

fn one() -> usize {
    1
}

/// The longest delay a scripted fault may add.
const MAX_DELAY_MILLIS: u64 = 60_000;

fn fault_of(doc: FaultDoc) -> Result<HttpFault, ApiError> {
    let status = |code: u16| {
        StatusCode::from_u16(code)
            .ok()
            .filter(|status| status.is_client_error() || status.is_server_error())
            .ok_or_else(|| bad_input("body", &["fault", "status"], "A status from 400 to 599."))
    };
    Ok(match doc {
        FaultDoc::ServiceUnavailable => HttpFault::ServiceUnavailable,
        FaultDoc::TooManyRequests {
            retry_after_seconds,
        } if retry_after_seconds <= 3_600 => HttpFault::TooManyRequests {
            retry_after: std::time::Duration::from_secs(retry_after_seconds),
        },
        FaultDoc::TooManyRequests { .. } => {
            return Err(bad_input(
                "body",
                &["fault", "retry_after_seconds"],
                "At most 3600 seconds.",
            ));
        }
        FaultDoc::EmrError {
            status: code,
            detail,
        } => HttpFault::EmrError {
            status: status(code)?,
            detail,
        },
        FaultDoc::UnknownError {
            status: code,
            detail,
        } => HttpFault::UnknownError {
            status: status(code)?,
            detail,
        },
        FaultDoc::BadRequest { error_code } => {
            let well_formed = !error_code.is_empty()
                && error_code
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err(bad_input(
                    "body",
                    &["fault", "error_code"],
                    "An error code in upper case, e.g. AMBIGUOUS_TIMESLOTS.",
                ));
            }
            HttpFault::BadRequest(ErrorCode::from(error_code))
        }
        FaultDoc::Delay { millis } if millis <= MAX_DELAY_MILLIS => {
            HttpFault::Delay(std::time::Duration::from_millis(millis))
        }
        FaultDoc::Delay { .. } => {
            return Err(bad_input(
                "body",
                &["fault", "millis"],
                "At most 60000 milliseconds.",
            ));
        }
        FaultDoc::DropAfterWork => HttpFault::DropAfterWork,
    })
}

fn fault_doc(fault: &HttpFault) -> FaultDoc {
    match fault {
        HttpFault::ServiceUnavailable => FaultDoc::ServiceUnavailable,
        HttpFault::TooManyRequests { retry_after } => FaultDoc::TooManyRequests {
            retry_after_seconds: retry_after.as_secs(),
        },
        HttpFault::EmrError { status, detail } => FaultDoc::EmrError {
            status: status.as_u16(),
            detail: detail.clone(),
        },
        HttpFault::UnknownError { status, detail } => FaultDoc::UnknownError {
            status: status.as_u16(),
            detail: detail.clone(),
        },
        HttpFault::BadRequest(code) => FaultDoc::BadRequest {
            error_code: code.as_string(),
        },
        HttpFault::Delay(wait) => FaultDoc::Delay {
            millis: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        },
        HttpFault::DropAfterWork => FaultDoc::DropAfterWork,
    }
}

/// Every route template a fault may match, relative to `{CU}`.
fn known_routes() -> Vec<&'static str> {
    let mut routes: Vec<&'static str> = route::endpoints()
        .into_iter()
        .filter_map(|endpoint| relative_route(endpoint.template.as_str()))
        .collect();
    routes.sort_unstable();
    routes.dedup();
    routes
}

fn scripted_of(doc: ScriptedDoc) -> Result<ScriptedFault, ApiError> {
    let fault: FaultDoc = serde_json::from_value(doc.fault).map_err(|_| {
        bad_input(
            "body",
            &["fault"],
            "Not a fault: kind is one of service_unavailable, too_many_requests, emr_error, \
             unknown_error, bad_request, delay, drop_after_work, with its fields.",
        )
    })?;
    let fault = fault_of(fault)?;
    if doc.times == 0 || doc.times > 1_000_000 {
        return Err(bad_input("body", &["times"], "From 1 to 1000000."));
    }
    const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
    let method = match doc.matching.method {
        Some(method) => {
            let upper = method.to_ascii_uppercase();
            if !METHODS.contains(&upper.as_str()) {
                return Err(bad_input(
                    "body",
                    &["match", "method"],
                    "One of GET, POST, PATCH, PUT, DELETE.",
                ));
            }
            Some(upper)
        }
        None => None,
    };
    if let Some(route) = &doc.matching.route
        && !known_routes().contains(&route.as_str())
    {
        return Err(bad_input(
            "body",
            &["match", "route"],
            "Not a route template of Leyr's API relative to the care unit, e.g. /appointments or /appointments/{appointment_id}, or /care-units.",
        ));
    }
    if let Some(emr) = &doc.matching.emr
        && ehr::profile(emr).is_none()
    {
        return Err(bad_input(
            "body",
            &["match", "emr"],
            "No EHR profile has this code.",
        ));
    }
    Ok(ScriptedFault {
        fault,
        times: doc.times,
        matching: FaultMatch {
            method,
            route: doc.matching.route,
            emr: doc.matching.emr,
        },
    })
}

fn scripted_doc(scripted: &ScriptedFault) -> Value {
    json!({
        "fault": fault_doc(&scripted.fault),
        "times": scripted.times,
        "match": MatchDoc {
            method: scripted.matching.method.clone(),
            route: scripted.matching.route.clone(),
            emr: scripted.matching.emr.clone(),
        },
    })
}

async fn add_fault(State(admin): State<Admin>, body: Bytes) -> Result<Response, ApiError> {
    let doc: ScriptedDoc = body_json(&body)?;
    let scripted = scripted_of(doc)?;
    let answer = scripted_doc(&scripted);
    admin.faults.script(scripted);
    Ok(problem::json(StatusCode::CREATED, &answer))
}

async fn list_faults(State(admin): State<Admin>) -> Response {
    let list: Vec<Value> = admin.faults.list().iter().map(scripted_doc).collect();
    problem::json(StatusCode::OK, &list)
}

async fn clear_faults(State(admin): State<Admin>) -> Response {
    admin.faults.clear();
    problem::json(StatusCode::OK, &Vec::<Value>::new())
}

#[derive(Deserialize)]
struct LimitQuery {
    limit: Option<String>,
}

/// `?limit=n`: from 1 to `max`, default [`DEFAULT_LIMIT`].
fn limit(
    query: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
    max: usize,
) -> Result<usize, ApiError> {
    let Ok(Query(query)) = query else {
        return Err(bad_input("query", &[], "The query cannot be read."));
    };
    match query.limit {
        None => Ok(DEFAULT_LIMIT.min(max)),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                bad_input(
                    "query",
                    &["limit"],
                    &format!("A whole number from 1 to {max}."),
                )
            }),
    }
}

async fn requests(
    State(admin): State<Admin>,
    query: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let limit = limit(query, JOURNAL_CAPACITY)?;
    Ok(problem::json(StatusCode::OK, &admin.journal.newest(limit)))
}

#[derive(Serialize)]
struct MessageDoc {
    time: String,
    emr: &'static str,
    care_unit_id: String,
    appointment_id: String,
    purpose: &'static str,
    code: String,
    channel: &'static str,
    phone: Option<String>,
}

async fn messages(
    State(admin): State<Admin>,
    query: Result<Query<LimitQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let limit = limit(query, leyr_in_memory::confirmations::MESSAGE_LOG_CAPACITY)?;
    let served = admin.worlds.current();
    let mut all: Vec<(&'static str, leyr_in_memory::ConfirmationMessage)> = served
        .ehrs()
        .iter()
        .flat_map(|ehr| {
            let code = ehr.profile().code;
            ehr.messages(limit)
                .into_iter()
                .map(move |message| (code, message))
        })
        .collect();
    // Newest first over every EHR; each EHR's own list is newest first already.
    all.sort_by_key(|(_, message)| std::cmp::Reverse(message.sent_at));
    all.truncate(limit);
    let docs: Vec<MessageDoc> = all
        .into_iter()
        .map(|(emr, message)| MessageDoc {
            time: mapping::format_time(&message.sent_at),
            emr,
            care_unit_id: message.care_unit_id.to_string(),
            appointment_id: message.appointment_id.to_string(),
            purpose: match message.purpose {
                ConfirmationPurpose::Booking => "booking",
                _ => "cancellation",
            },
            code: message.code.as_str().to_owned(),
            channel: "sms",
            phone: message.masked_phone,
        })
        .collect();
    Ok(problem::json(StatusCode::OK, &docs))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    advance_seconds: Option<i64>,
}

async fn set_clock(State(admin): State<Admin>, body: Bytes) -> Result<Response, ApiError> {
    let Some(clock) = &admin.settable else {
        return Err(ApiError::conflict(
            "The clock can be set only when the sandbox was started with --clock manual.",
        ));
    };
    let request: ClockRequest = body_json(&body)?;
    let now = clock.now();
    let next: DateTime<Utc> = match (request.now, request.advance_seconds) {
        (Some(text), None) => DateTime::parse_from_rfc3339(&text)
            .map_err(|_| bad_input("body", &["now"], "An RFC 3339 time with an offset."))?
            .with_timezone(&Utc),
        (None, Some(seconds)) => {
            if seconds < 0 {
                return Err(bad_input(
                    "body",
                    &["advance_seconds"],
                    "Time never moves backwards.",
                ));
            }
            TimeDelta::try_seconds(seconds)
                .and_then(|delta| now.checked_add_signed(delta))
                .ok_or_else(|| bad_input("body", &["advance_seconds"], "Too far."))?
        }
        _ => {
            return Err(bad_input(
                "body",
                &[],
                "Give exactly one of now and advance_seconds.",
            ));
        }
    };
    if next < now {
        return Err(bad_input("body", &["now"], "Time never moves backwards."));
    }
    clock.set(next);
    Ok(problem::json(
        StatusCode::OK,
        &json!({"now": mapping::format_time(&in_stockholm(&next))}),
    ))
}
