//! Every Leyr booking port over Leyr's HTTP API, with typed errors, safe retries and redacted
//! logs.
//!
//! [`LeyrClient`] implements each port of `leyr-domain` ([`CareUnitCatalog`], [`PatientDirectory`],
//! [`Availability`], [`AppointmentBook`], [`MedicalNotes`], [`PatientDocuments`]) by speaking
//! the wire contract of `docs/leyr-api.md`: the paths of §3 under
//! `/api/emrs/{emr}/care-units/{care_unit_id}/`, typed patient ids, Leyr's problem documents,
//! and the retry rules C36-C39. Rules are cited by number (`C9`, `C37`) throughout.
//!
//! # Quick start
//!
//! Build one client, share it (it is a cheap `Clone` over an `Arc`) and hand it to the code that
//! needs a port, as the port:
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use chrono::{TimeDelta, Utc};
//! use leyr_domain::appointment::BookingRequest;
//! use leyr_domain::ids::CareUnitId;
//! use leyr_domain::personnummer::Personnummer;
//! use leyr_domain::ports::{AppointmentBook, Availability};
//! use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
//! use leyr_http::LeyrClient;
//! use secrecy::SecretString;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = LeyrClient::builder()
//!     .client_id("my-leyr-application")
//!     .client_secret(SecretString::from(std::env::var("LEYR_CLIENT_SECRET")?))
//!     .build()?;
//! let availability: Arc<dyn Availability> = Arc::new(client.clone());
//! let book: Arc<dyn AppointmentBook> = Arc::new(client);
//!
//! // Every port call names its care unit: `10` is the TakeCare sandbox's.
//! let care_unit: CareUnitId = "10".parse()?;
//! let window = TimeWindow::starting_at(Utc::now().fixed_offset(), TimeDelta::days(7))?;
//! let slots = availability.find_timeslots(&care_unit, &TimeslotQuery::new(window)).await?;
//!
//! if let Some(slot) = slots.into_iter().next() {
//!     let patient: Personnummer = "197110021834".parse()?;
//!     let request = BookingRequest { patient: patient.into(), slot, comment: None };
//!     let appointment = book.book(&care_unit, &request).await?;
//!     tracing::info!(appointment_id = %appointment.id(), "booked");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The builder's other settings have Leyr's defaults: base URL `https://api.leyr.io` (C1), EHR
//! `takecare`, the timeouts of C39 and the retry policy of C36. Every port method takes its
//! care unit as an argument (ADR 0003). [`LeyrClient::from_env`] reads the same settings from
//! `LEYR_CLIENT_ID`, `LEYR_CLIENT_SECRET`, `LEYR_BASE_URL`, `LEYR_EMR` and `LEYR_TIMEOUT`.
//!
//! # What goes on the wire
//!
//! - Every request carries `x-leyr-client-id`, `x-leyr-client-secret` (marked sensitive),
//!   `Content-Type: application/json` (GET included), `Accept: application/json` and
//!   `User-Agent: leyr-http/<version>` (C2), never `x-leyr-standard` nor an idempotency key (C38).
//! - Every URL is the validated base with encoded path segments appended, so the credentials go
//!   to that origin only; redirects are never followed.
//! - Patients are addressed by typed ids, `se_personal_number:<12 digits>` or `emr_id:<id>`
//!   (C5), with the `:` left raw in paths (C9). Query times are RFC 3339 in Stockholm time with
//!   `+` sent as `%2B` (C34); a slot is booked with its `start` and `end` text exactly as listed.
//! - Answers are read leniently: unknown fields are ignored (C12), a created appointment may
//!   come as an array or an object (C19), a PATCH answer as an object or a one-element array
//!   (C22). A cancel answered `awaiting_confirmation` returns that appointment, with the new id
//!   to confirm (C23).
//!
//! Leyr's JSON, field for field, its route templates and its mapping to the domain live in
//! `leyr-wire`, which `leyr-sandbox` serves too, so both sides speak one definition.
//!
//! # Errors
//!
//! Leyr's problem document is decoded in one place (C29) and mapped onto the port errors:
//!
//! | Leyr says | Port error |
//! |---|---|
//! | HTTP 404, or 400/422 with `INVALID_<KIND>_ID` | `NotFound` of that kind: `CARE_UNIT`, `RESOURCE`, `HEALTHCARE_SERVICE`, `PATIENT`, `APPOINTMENT`; `CREATED_BY` is the author |
//! | 400/422 `NO_TIMESLOTS_AVAILABLE` | `SlotTaken` (booking, reschedule) |
//! | 400/422 with another code | `Rejected`, with the code and Leyr's `instance` as reference |
//! | 401 | `Backend`, kind `Unauthorized` |
//! | 429 / 503 | `Backend`, kind `Throttled` / `Unavailable`, with `Retry-After` as [`retry_after`](leyr_domain::error::BackendError::retry_after) |
//! | `EMR_ERROR`, `UNKNOWN_ERROR`, other 5xx | `Backend`, kind `Server` |
//! | success with a body that cannot be read | `Backend`, kind `Protocol`; for a write, `OutcomeUnknown` |
//!
//! A `Backend` error's [`source`](std::error::Error::source) is a [`LeyrError`] with the
//! status, Leyr's [`ProblemCode`](leyr_wire::ProblemCode), the first
//! [`ErrorCode`](leyr_wire::ErrorCode) and the `instance` Leyr support asks for:
//!
//! ```
//! use leyr_domain::ports::BookError;
//! use leyr_http::LeyrError;
//!
//! fn explain(error: &BookError) -> String {
//!     match error {
//!         BookError::SlotTaken => "pick another slot".to_owned(),
//!         BookError::OutcomeUnknown(_) => "list the patient's appointments first".to_owned(),
//!         BookError::Backend(backend) => {
//!             let leyr = std::error::Error::source(backend)
//!                 .and_then(|source| source.downcast_ref::<LeyrError>());
//!             match leyr.and_then(LeyrError::instance) {
//!                 Some(instance) => format!("{backend}; quote {instance} to Leyr support"),
//!                 None => backend.to_string(),
//!             }
//!         }
//!         other => other.to_string(),
//!     }
//! }
//! ```
//!
//! No error's `Display` or `Debug` holds Leyr's `detail`, an entry's `details`, a reply body or a
//! URL: they may echo patient data. A body that is not a problem document is kept, cut to 4 KiB,
//! behind [`LeyrError::raw_body`]. No `reqwest`, `hyper` or `serde_json` type appears in this
//! API except [`LeyrClientBuilder::http_client`]; causes are reachable only through `source()`.
//!
//! # Timeouts and retries
//!
//! Three levels bound every call (C39), each configurable on the builder:
//!
//! 1. **connect**: 5 s for TCP and TLS;
//! 2. **attempt**: 30 s for one attempt, to the last byte of the answer (60 s for a document
//!    upload); a timeout counts as "connection lost after sending";
//! 3. **deadline**: 5 min for the whole call, every attempt and wait included. A back-off wait
//!    that would end past it is not started.
//!
//! After a failed attempt the pure function [`retry::decide`] applies the C37 table:
//!
//! | Failure | GET, POST /patients | PATCH, POST notes, POST documents | POST /appointments |
//! |---|---|---|---|
//! | connection not established | retry | retry | retry |
//! | 429, 503 | retry | retry | `Backend` (`Unavailable`/`Throttled`) |
//! | timeout, connection lost, 502, 504 | retry | `OutcomeUnknown` | `OutcomeUnknown` |
//! | other 5xx, `EMR_ERROR`, `UNKNOWN_ERROR` | error | error | error |
//! | 4xx | error | error | error |
//!
//! Retries wait as `Retry-After` asks (delta-seconds or an HTTP date), or else 1 s, 5 s, 15 s,
//! 30 s, 60 s: at most 5 retries, no jitter. A `Retry-After` over 60 s stops at once, and the
//! error carries the wait (C36). [`RetryPolicy`](leyr_domain::retry::RetryPolicy) changes the numbers, never the table.
//!
//! **A booking is sent at most once** (C38): where C37 says "reconcile", `leyr-http` returns the
//! error and the booking use case in `leyr-app` lists the patient's appointments through the
//! port before it decides to book again. Leyr documents no idempotency key, so none is sent.
//!
//! # Testing against leyr-sandbox
//!
//! `leyr-sandbox` serves this same API offline from seeded TakeCare data, with fault injection.
//! Point the client at it and run the contract suite, or your own code, over real HTTP:
//!
//! ```
//! use std::sync::Arc;
//!
//! use leyr_domain::ports::CareUnitCatalog;
//! use leyr_http::LeyrClient;
//! use leyr_in_memory::ManualClock;
//! use leyr_sandbox::Sandbox;
//! use secrecy::SecretString;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder(Arc::new(ManualClock::default()))
//!     .client_id("test-app")
//!     .client_secret("test-secret")
//!     .spawn("127.0.0.1:0".parse()?)
//!     .await?;
//! let client = LeyrClient::builder()
//!     .base_url(sandbox.url())
//!     .credentials("test-app", SecretString::from("test-secret"))
//!     .build()?;
//!
//! let care_units = client.list_care_units().await?;
//! assert_eq!(care_units[0].id.as_str(), "10");
//! sandbox.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The sandbox can also script failures (`sandbox.faults().next(HttpFault::ServiceUnavailable)`)
//! to exercise the retry and reconciliation paths. `leyr-contract`'s `run_all` checks every port
//! promise this way; this crate's tests run it against the sandbox over real TCP.
//!
//! In unit tests of code above the ports, prefer `leyr-in-memory`; to pin wire behaviour, use
//! `wiremock` with one `MockServer` per test and a short
//! [`attempt_timeout`](LeyrClientBuilder::attempt_timeout) and
//! `RetryPolicy::default().with_backoff([Duration::ZERO])`, so nothing sleeps for seconds.
//!
//! # Patient data
//!
//! Personnummer, names, phone numbers, e-mail addresses and note text are personal data. This
//! crate never puts them in a log, a span or an error:
//!
//! - spans and metrics (below) record route templates (e.g.
//!   `/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}`), statuses and counts;
//!   never a URL, query string, header value, body or id value (C3);
//! - transport errors are stripped of their URL before they become a `source()`;
//! - `Debug` of the wire types that may carry patient data prints only their type name (of a
//!   problem document, only its codes, paths and `instance`), and `Debug` of [`LeyrClient`]
//!   shows the client id but never the secret.
//!
//! # Traces and metrics
//!
//! Spans follow OpenTelemetry's conventions for HTTP clients, so a `tracing-opentelemetry`
//! layer exports them as they are:
//!
//! - one span per port call, `leyr.<operation>` (e.g. `leyr.book`), with `leyr.operation` and
//!   `leyr.emr`;
//! - inside it, one span per attempt, `http.client.request` (`otel.name` is
//!   `"{method} {url.template}"`, `otel.kind` is `client`), with `http.request.method`,
//!   `url.template`, `server.address`, `server.port`, `http.response.status_code`,
//!   `http.request.resend_count` (from the second attempt on) and `error.type` (on failure: the
//!   status code, or `connect`, `timeout`, `connection_lost`, `invalid_answer`).
//!
//! Metrics go through the [`metrics`](https://docs.rs/metrics) facade: nothing is recorded
//! until the service installs a recorder (Prometheus, OpenTelemetry, StatsD, ...), and this
//! crate forces none on it (`leyr-app`'s `metrics_exporter` example wires one).
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `leyr.requests` | counter, one per port call | `leyr.operation`, `outcome`: `ok`, `rejected`, `unavailable`, `outcome_unknown`, `invalid` |
//! | `leyr.request.duration` | histogram, seconds, retries included | `leyr.operation` |
//! | `leyr.retries` | counter | `leyr.operation` |
//! | `leyr.outcome_unknown` | counter: writes that may have happened | `leyr.operation` |
//! | `http.client.request.duration` | histogram, seconds, per attempt | `http.request.method`, `url.template`, `http.response.status_code`, `error.type` |
//!
//! [`CareUnitCatalog`]: leyr_domain::ports::CareUnitCatalog
//! [`PatientDirectory`]: leyr_domain::ports::PatientDirectory
//! [`Availability`]: leyr_domain::ports::Availability
//! [`AppointmentBook`]: leyr_domain::ports::AppointmentBook
//! [`MedicalNotes`]: leyr_domain::ports::MedicalNotes
//! [`PatientDocuments`]: leyr_domain::ports::PatientDocuments

mod client;
mod error;
mod ports;
pub mod retry;
mod telemetry;

pub use client::{
    BuildError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE, DEFAULT_EMR, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_UPLOAD_TIMEOUT,
    ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_DEADLINE, ENV_EMR, LeyrClient,
    LeyrClientBuilder,
};
pub use error::{LeyrError, LeyrErrorKind};
