//! An offline server that speaks Leyr's API, as the wire contract (`docs/leyr-api.md`)
//! describes it, served from the domain ports of `leyr-in-memory`: one world per EHR profile of
//! `leyr_domain::ehr::PROFILES`, each under its own `{emr}` and seeded from its profile's seed
//! definition (C47; TakeCare's is the sandbox data of C32). It lets HTTP clients (the project's own `leyr-http`, the CLI, and clients in
//! any language) be tested without a network, including the failures that matter: 503, 429
//! with `Retry-After`, errors from the EHR, and answers lost after the work was done.
//!
//! It is built from three crates of the workspace and nothing else: `leyr-domain` for the
//! values, the ports and each EHR's profile, `leyr-wire` for Leyr's JSON, error codes, typed
//! ids and routes (the same definitions a client speaks), and `leyr-in-memory` for the world it
//! serves. Rules are cited by number (`C4`, `C30`, ...) as in the contract.
//!
//! # Quick start: in process, with a client pointed at it
//!
//! Spawn a sandbox on a free port with a clock you control, and give its URL to a Leyr client
//! as its base URL; here `leyr-http`'s `LeyrClient`:
//!
//! ```
//! use std::sync::Arc;
//!
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use leyr_domain::appointment::BookingRequest;
//! use leyr_domain::ids::CareUnitId;
//! use leyr_domain::ports::{AppointmentBook, Availability};
//! use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
//! use leyr_http::LeyrClient;
//! use leyr_in_memory::ManualClock;
//! use leyr_sandbox::Sandbox;
//! use secrecy::SecretString;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Monday 2024-03-25, 07:30 in Stockholm: the seed's first slots start at 08:00.
//! let monday = Utc.with_ymd_and_hms(2024, 3, 25, 6, 30, 0).single().ok_or("a valid time")?;
//! let clock = ManualClock::new(monday);
//! let sandbox = Sandbox::builder(Arc::new(clock.clone()))
//!     .client_secret("s3cret")
//!     .spawn("127.0.0.1:0".parse()?)
//!     .await?;
//!
//! let client = LeyrClient::builder()
//!     .base_url(sandbox.url())
//!     .client_id("my-app")
//!     .client_secret(SecretString::from("s3cret"))
//!     .build()?;
//! let care_unit: CareUnitId = "10".parse()?;
//! let window = TimeWindow::starting_at(monday.fixed_offset(), TimeDelta::days(1))?;
//! let slots = client.find_timeslots(&care_unit, &TimeslotQuery::new(window)).await?;
//! let slot = slots.first().ok_or("no free slot")?.clone();
//!
//! let patient = "197110021834".parse::<leyr_domain::personnummer::Personnummer>()?;
//! let request = BookingRequest { patient: patient.into(), slot, comment: None };
//! let appointment = client.book(&care_unit, &request).await?;
//! assert_eq!(appointment.start().to_rfc3339(), "2024-03-25T08:00:00+01:00");
//!
//! sandbox.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The sandbox never reads the wall clock: [`Sandbox::builder`] is given the clock every "now"
//! comes from (timeslot windows, `completed` in C20, the birth-date check of C33). A binary
//! gives it the system clock; tests give a `leyr_in_memory::ManualClock` and move time.
//!
//! [`SandboxBuilder`] settings: [`client_id`](SandboxBuilder::client_id) (default: any
//! non-empty id), [`client_secret`](SandboxBuilder::client_secret) (default: none checked),
//! [`start_date`](SandboxBuilder::start_date) (default: the clock's date in Stockholm),
//! [`confirmation_code`](SandboxBuilder::confirmation_code) (default: bookings are `booked` at
//! once, C25), [`ehr`](SandboxBuilder::ehr) (serve an adapter you built) and
//! [`faults`](SandboxBuilder::faults) (seeded fault rates). [`SandboxBuilder::router`] hands out
//! the axum [`Router`] to embed instead of [`spawn`](SandboxBuilder::spawn)ing a server.
//!
//! # What it serves
//!
//! Every route of `leyr-wire`'s table (`leyr_wire::route::ROUTES`, the contract's §3), under
//! `{CU}` = `/api/emrs/{emr}/care-units/{care_unit_id}`:
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /api/emrs/{emr}/care-units` | 200, care unit `10` "Vårdenhet 10" |
//! | `GET {CU}/resources`, `GET {CU}/resources/{resource_id}` | 200, Dr Ehn and nurse Lind; ids `emr_id` only (C7) |
//! | `GET {CU}/healthcare-services` | 200, services 1001, 1002, 1003 with `duration_minutes` |
//! | `GET {CU}/timeslots` | 200, free slots after now in `start`..`end`, default now..now + 30 days (C15) |
//! | `GET {CU}/patients?first_name&last_name` | 200, exact matches ignoring case (C16) |
//! | `POST {CU}/patients` | 201 new, 200 existing: an upsert on `external_id` (C17, C33) |
//! | `GET {CU}/patients/{patient_id}` | 200; bare, `emr_id:` and `se_personal_number:` ids (C6, C7) |
//! | `GET {CU}/appointments` | 200, every status, optional `patient_id`, `resource_id`, `start`, `end` (C18) |
//! | `POST {CU}/appointments` | 201 with a one-element array (C19) |
//! | `GET {CU}/appointments/{id}` | 200 with one appointment, as the list reports it (C40) |
//! | `PATCH {CU}/appointments/{id}` | 200: reschedule (C22), cancel (C23) or confirm (C25) |
//! | `PATCH {CU}/appointments` | 200: bulk cancel, all or nothing, in the order of `ids` (C24) |
//! | `GET`, `POST {CU}/patients/{patient_id}/medical-notes` | 200 oldest first; 201 (C26) |
//! | `POST {CU}/patients/{patient_id}/documents` | 201 with metadata only (C27) |
//! | `GET /openapi.json` | 200, the OpenAPI description of all of the above, without credentials (C48) |
//!
//! What an EHR supports is its profile's business (`leyr_domain::ehr`, C43): an `{emr}` with
//! no profile is `NOT_SUPPORTED`, and the operations, the typed ids a patient or resource may be
//! named by, the rule for `external_id` and whether registration needs a phone all come from
//! the profile of the request's `{emr}`. TakeCare's and Cliniko's support everything; `leyr
//! ehrs` prints what each of the seven supports.
//!
//! Datetimes are written `YYYY-MM-DDTHH:MM:SS±HH:MM` in Stockholm time, compared as instants,
//! and must carry an offset on input (C35). A booked appointment whose end has passed is
//! reported `completed` (C20); responses carry unprefixed ids (C21). Unknown request fields and
//! query parameters are ignored (C12); a repeated query parameter counts once, with its first
//! value. Path segments and query values are percent-decoded once (C9); bytes that are not
//! UTF-8 once decoded read as U+FFFD, so such a segment names an unknown id rather than
//! breaking the request. Free text follows C41: names hold no control character and no digit,
//! comments and note text no control character but tab and line breaks, titles and document
//! types none at all.
//!
//! # Errors
//!
//! Every error is Leyr's problem document (`leyr_wire::Problem`), JSON, with a fresh UUID v4
//! `instance` (C30). Every 400 is `BAD_REQUEST` with one `errors[]` entry per problem found, each
//! with its `error_code`, the code's meaning as `details` and a `path` such as `["body","ids",3]`:
//! a request with five bad fields gets five entries. Checks run in this order, each stopping the
//! request: authentication (401, C4, unknown routes included; only `/openapi.json` goes without,
//! see below), route (404 `NOT_FOUND`, 405 `METHOD_NOT_ALLOWED`), `{emr}` (`NOT_SUPPORTED` at
//! `["path","emr"]` without a profile), care unit (`INVALID_CARE_UNIT_ID`), the profile's support
//! for the operation (`NOT_SUPPORTED` with a `null` path), ids in the path, then the body. The
//! query of a list, and the body of a booking or a reschedule, report unknown ids
//! (`INVALID_PATIENT_ID`, ...) together with their other problems (C19). Bad input never causes a
//! 5xx; 5xx answers come only from fault injection or from the adapter's own failures (503 when
//! unavailable, 504 `UNKNOWN_ERROR` when a write's outcome is unknown). One exception to "every
//! error is JSON": a request that is not valid HTTP at all (e.g. raw non-ASCII bytes in the request
//! line) is refused by the HTTP server with a bare 400 before the sandbox sees it.
//!
//! Bodies may be at most 1 MiB (413 `PAYLOAD_TOO_LARGE` otherwise), except on the document
//! route, which takes up to 14 MiB: C27 allows 10 MiB of content once decoded, and its base64
//! text alone is about 13.3 MiB, so the general limit would refuse with 413 what C27 says to
//! accept or refuse with `BAD_INPUT`.
//!
//! # The OpenAPI description (C48)
//!
//! `GET /openapi.json` answers an OpenAPI 3.1 document of every route above: parameters,
//! bodies, success answers, the problem document of every error status, and both credential
//! headers as `apiKey` schemes. `leyr-wire` builds it from the very types the sandbox reads
//! requests and writes answers with (`leyr_wire::openapi`), and the router mounts exactly the
//! endpoints it lists: both come from `leyr_wire::route::ROUTES`, and a test compares them. The
//! same text is committed as `docs/openapi.json` (`cargo xtask openapi` writes it), for client
//! generators and fuzzers.
//!
//! It is the one route outside authentication, a deviation from C4 that C48 asks for: a client
//! fetches it without `x-leyr-client-id`. It takes no scripted fault either, and answers other
//! methods with 405 `METHOD_NOT_ALLOWED`.
//!
//! # Fault injection (C31)
//!
//! Script what the next requests get through [`RunningSandbox::faults`]; each scripted
//! [`HttpFault`] is used by one authenticated request, whatever its route (the OpenAPI
//! description takes none):
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use leyr_in_memory::ManualClock;
//! use leyr_sandbox::{ErrorCode, HttpFault, Sandbox, StatusCode};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::builder(Arc::new(ManualClock::default()))
//!     .spawn("127.0.0.1:0".parse()?)
//!     .await?;
//! let faults = sandbox.faults();
//! faults.next_n(2, HttpFault::ServiceUnavailable);
//! faults.next(HttpFault::TooManyRequests { retry_after: Duration::from_secs(3) });
//! faults.next(HttpFault::EmrError { status: StatusCode::UNAUTHORIZED, detail: "TakeCare says no".into() });
//! faults.next(HttpFault::BadRequest(ErrorCode::AmbiguousTimeslots));
//! faults.next(HttpFault::Delay(Duration::from_millis(200)));
//! // Do the work (e.g. book), then drop the connection unanswered: the client sees an error
//! // although the appointment exists, which is what booking reconciliation (C38) is for.
//! faults.next(HttpFault::DropAfterWork);
//! assert_eq!(faults.pending(), 7);
//! # Ok(())
//! # }
//! ```
//!
//! [`FaultConfig`] sets seeded rates instead (503, 429 with `Retry-After`, work-then-drop, plus
//! a fixed added latency); the same seed and order of requests give the same faults. Faults of
//! the ports themselves (a lost booking answer, a slow listing) are scripted on the adapter,
//! through [`RunningSandbox::ehr`]`().faults()`. The HTTP layer calls some ports besides the
//! obvious one (most `{CU}` requests list care units; a booking, a reschedule and a list look up
//! the patient, resource and service they name; a change reads its appointments first), so
//! script port faults on the operation you mean. The timeslot listing calls `find_timeslots`
//! alone unless its query names something unknown.
//!
//! # Serving it from a binary
//!
//! The `leyr-sandbox` binary (built by the `leyr-cli` package, which owns the system clock) and
//! `leyr sandbox` serve the same API for clients in any language. They print
//! `listening on http://127.0.0.1:PORT` as their first line on stdout, log to stderr
//! (`RUST_LOG`, default `info`) and stop cleanly on SIGINT or SIGTERM.
//!
//! | flag | meaning |
//! |---|---|
//! | `--addr` | address to listen on, default `127.0.0.1:8080`; port 0 picks a free one |
//! | `--client-id` | accept only this client id |
//! | `--client-secret` (env `LEYR_SANDBOX_CLIENT_SECRET`) | require this secret |
//! | `--start-date YYYY-MM-DD` | the seed's date |
//! | `--confirmation-code` | create appointments awaiting confirmation (C25) |
//! | `--seed` | seed of the fault rates |
//! | `--rate-503`, `--rate-429`, `--rate-drop` | shares of requests answered 503, 429, or done and dropped |
//! | `--retry-after` | `Retry-After` of the 429 answers, in seconds |
//! | `--latency-ms` | latency added to every request |
//! | `--admin-token` (env `LEYR_SANDBOX_ADMIN_TOKEN`) | require `x-sandbox-admin-token` on `/_sandbox/` (C49) |
//! | `--clock system\|manual[=<RFC 3339>]` | a clock `PUT /_sandbox/clock` moves (C49) |
//! | `--state FILE` | keep the world in an SQLite file (C50) |
//! | `--dataset FILE` | start from a state document (C49) |
//!
//! A binary offers the command by flattening [`SandboxArgs`] into its own `clap` command and
//! calling [`serve`] with its clock (which prints the `listening on` line), or [`serve_with`] to
//! announce the address itself.
//!
//! # Administration (C49)
//!
//! Under `/_sandbox/`, outside Leyr's `/api/` tree and never opened by Leyr's credentials:
//! `health` (always open), `reset`, `state` (`GET` exports every EHR's world as one JSON
//! document, `PUT` replaces it all or nothing, with every problem reported), `faults` (scripted
//! faults matched by method, route template relative to `{CU}`, and `{emr}`), `requests` (the
//! newest [`JOURNAL_CAPACITY`] requests to Leyr's routes, by route template only), `messages`
//! (the confirmation codes "sent", phones masked) and `clock` (with
//! [`SandboxBuilder::settable_clock`]; forward only, 409 otherwise). With
//! [`SandboxBuilder::admin_token`] every route but `health` needs the
//! [`ADMIN_TOKEN_HEADER`]; without one, administration is open on a loopback address and off
//! (404) on any other ([`RunningSandbox::admin_enabled`]). See ADR 0013.
//!
//! # A state file (C50)
//!
//! With [`SandboxBuilder::state_file`] the world lives in an SQLite file as well: each write's
//! changed records are committed before the answer, so a restart (even after `kill -9`) finds
//! every acknowledged write and nothing half-done. A file that is not a sandbox state file, or of
//! another layout ([`SCHEMA_VERSION`]), is refused with a [`StateFileError`] and left as it was.
//!
//! # Patient data
//!
//! Each request is logged with its method, route template, status and latency only: never the
//! URI (its path and query hold personnummer), a header or the body. Error bodies never echo
//! the request.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use chrono::NaiveDate;
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ports::Clock;
use leyr_domain::time::in_stockholm;
use leyr_in_memory::{DatasetError, InMemoryEhr, ManualClock};
use secrecy::SecretString;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod admin;
mod cli;
mod faults;
mod journal;
mod port_errors;
mod problem;
mod problems;
mod request_body;
mod routes;
mod store;
mod time_input;
mod typed_ids;
mod worlds;

pub use admin::ADMIN_TOKEN_HEADER;
pub use journal::JOURNAL_CAPACITY;
pub use store::{APPLICATION_ID, SCHEMA_VERSION, StateFileError};

/// HTTP status codes, to script [`HttpFault::EmrError`] and [`HttpFault::UnknownError`].
pub use axum::http::StatusCode;
pub use cli::{ClockArg, SandboxArgs, ServeError, serve, serve_with, shutdown_signal};
pub use faults::{
    FaultConfig, FaultMatch, HttpFault, HttpFaults, InvalidRate, ScriptedFault, check_rate,
};
/// Leyr's `errors[].error_code` values, to script [`HttpFault::BadRequest`].
pub use leyr_wire::ErrorCode;

/// The sandbox. Build one with [`Sandbox::builder`] (or [`builder`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sandbox;

impl Sandbox {
    /// A builder reading "now" from `clock`, with every other default: any non-empty client
    /// id, no secret, the TakeCare seed dated from the clock's date, no confirmation step and
    /// no faults.
    ///
    /// The sandbox never reads the wall clock itself: give it the system clock to serve the
    /// present (a binary does), or a `leyr_in_memory::ManualClock` to move time in tests.
    #[must_use]
    pub fn builder(clock: Arc<dyn Clock>) -> SandboxBuilder {
        SandboxBuilder {
            client_id: None,
            client_secret: None,
            clock,
            start_date: None,
            confirmation_code: None,
            ehrs: Vec::new(),
            faults: FaultConfig::default(),
            http_faults: HttpFaults::default(),
            admin_token: None,
            settable_clock: None,
            state_file: None,
            dataset_file: None,
        }
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("could not listen on the address")]
    Bind(#[source] io::Error),
    /// The state file cannot be used (C50); it is left as it was.
    #[error(transparent)]
    StateFile(#[from] StateFileError),
    /// The dataset file cannot be read, or breaks a rule; each problem names its place in the
    /// document and what is wrong, never a value.
    #[error("the dataset {path} cannot be loaded: {}", problems.join("; "))]
    Dataset {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<String>,
    },
    /// The in-memory data cannot be built (the seed always can; an adapter given may not).
    #[error("the sandbox's world cannot be built")]
    World(#[source] DatasetError),
}

/// The same as [`Sandbox::builder`].
#[must_use]
pub fn builder(clock: Arc<dyn Clock>) -> SandboxBuilder {
    Sandbox::builder(clock)
}

/// Configures a sandbox, then serves it ([`spawn`](Self::spawn)) or hands out its router for
/// embedding ([`router`](Self::router)).
pub struct SandboxBuilder {
    client_id: Option<String>,
    client_secret: Option<String>,
    clock: Arc<dyn Clock>,
    start_date: Option<NaiveDate>,
    confirmation_code: Option<ConfirmationCode>,
    /// Adapters given by the caller, each serving its own profile's `{emr}`.
    ehrs: Vec<InMemoryEhr>,
    faults: FaultConfig,
    http_faults: HttpFaults,
    admin_token: Option<SecretString>,
    settable_clock: Option<ManualClock>,
    state_file: Option<PathBuf>,
    dataset_file: Option<PathBuf>,
}

impl SandboxBuilder {
    /// Requires `x-sandbox-admin-token: <token>` on every administration route but `health`
    /// (C49). Without a token, administration is open while the sandbox listens on a loopback
    /// address (and in an embedded [`router`](Self::router)) and off on any other address.
    #[must_use]
    pub fn admin_token(mut self, token: SecretString) -> Self {
        self.admin_token = Some(token);
        self
    }

    /// Lets `PUT /_sandbox/clock` move this clock (C49); give the same clock to
    /// [`Sandbox::builder`]. Without it, the route answers 409.
    #[must_use]
    pub fn settable_clock(mut self, clock: ManualClock) -> Self {
        self.settable_clock = Some(clock);
        self
    }

    /// Keeps the world in the SQLite state file at `path` (C50): created from the seed (or
    /// the [`dataset_file`](Self::dataset_file)) when new, read back when it exists, and every
    /// acknowledged write committed to it before the answer. Not used with [`ehr`](Self::ehr).
    #[must_use]
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Starts from the world in this JSON file, a state document as `GET /_sandbox/state`
    /// answers, validated like an import (C49). With a [`state_file`](Self::state_file) that
    /// already holds a world, the file's world wins.
    #[must_use]
    pub fn dataset_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.dataset_file = Some(path.into());
        self
    }

    /// Accepts only this `x-leyr-client-id` (C4). By default any non-empty id is accepted.
    #[must_use]
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Requires this `x-leyr-client-secret` (C4). By default no secret is checked.
    #[must_use]
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// The date the seed is built from (C32): slots start on it and the history is dated from
    /// it. By default the clock's date in `Europe/Stockholm`. Not used with [`ehr`](Self::ehr).
    #[must_use]
    pub fn start_date(mut self, start_date: NaiveDate) -> Self {
        self.start_date = Some(start_date);
        self
    }

    /// Creates appointments `awaiting_confirmation` until confirmed with `code` (C25). By
    /// default appointments are booked at once. Not used with [`ehr`](Self::ehr).
    #[must_use]
    pub fn confirmation_code(mut self, code: ConfirmationCode) -> Self {
        self.confirmation_code = Some(code);
        self
    }

    /// Serves this adapter under its profile's `{emr}` ([`InMemoryEhr::profile`]) instead of a
    /// freshly seeded one; every other profile keeps its own seeded world. The sandbox still reads "now" from
    /// the builder's clock, so build the adapter on the same clock (its
    /// [`clock`](InMemoryEhr::clock) hands it out). Keep a clone to reach its state and its own
    /// port-level fault plan.
    #[must_use]
    pub fn ehr(mut self, ehr: InMemoryEhr) -> Self {
        self.ehrs
            .retain(|given| given.profile().code != ehr.profile().code);
        self.ehrs.push(ehr);
        self
    }

    /// Faults at seeded rates (C31), as the binary's flags set them.
    #[must_use]
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = faults;
        self
    }

    /// Shares this script of per-request faults, e.g. to script faults into an embedded
    /// [`router`](Self::router). [`RunningSandbox::faults`] reaches the same script.
    #[must_use]
    pub fn http_faults(mut self, http_faults: HttpFaults) -> Self {
        self.http_faults = http_faults;
        self
    }

    fn assemble(self, listening_on: Option<SocketAddr>) -> Result<Assembled, StartError> {
        let clock = self.clock;
        let factory = worlds::Factory {
            clock: Arc::clone(&clock),
            confirmation_code: self.confirmation_code.clone(),
            track_changes: self.state_file.is_some(),
        };
        let today = in_stockholm(&clock.now()).date_naive();
        let fresh = |factory: &worlds::Factory| -> Result<Vec<InMemoryEhr>, StartError> {
            match &self.dataset_file {
                Some(path) => load_dataset_file(factory, path, today),
                None => factory
                    .seed(self.start_date, &self.ehrs)
                    .map_err(StartError::World),
            }
        };
        let (ehrs, store) = match &self.state_file {
            Some(path) => {
                let (store, held) = store::Store::open(path)?;
                let ehrs = match held {
                    Some(document) => {
                        admin::load(&factory, document, today).map_err(|problems| {
                            StateFileError::Corrupt {
                                path: path.clone(),
                                detail: describe(&problems).join("; "),
                            }
                        })?
                    }
                    None => {
                        let ehrs = fresh(&factory)?;
                        let document = admin::state_doc::export(&ehrs);
                        store.replace_all(document, || ()).map_err(|source| {
                            StateFileError::Open {
                                path: path.clone(),
                                source,
                            }
                        })?;
                        ehrs
                    }
                };
                (ehrs, Some(Arc::new(store)))
            }
            None => (fresh(&factory)?, None),
        };
        let worlds = worlds::Worlds::new(ehrs, Arc::clone(&clock));
        let access = match (self.admin_token, listening_on) {
            (Some(token), _) => admin::Access::Token(Arc::new(token)),
            (None, None) => admin::Access::Open,
            (None, Some(addr)) if addr.ip().is_loopback() => admin::Access::Open,
            (None, Some(_)) => admin::Access::Off,
        };
        let admin_enabled = !matches!(access, admin::Access::Off);
        let journal = journal::Journal::new(Arc::clone(&clock));
        let admin = admin::router(admin::Admin {
            worlds: worlds.clone(),
            factory,
            faults: self.http_faults.clone(),
            journal: journal.clone(),
            clock: Arc::clone(&clock),
            settable: self.settable_clock,
            access,
            store: store.clone(),
        });
        let credentials = routes::Credentials {
            client_id: self.client_id,
            client_secret: self.client_secret,
        };
        let fault_state = faults::FaultState {
            scripted: self.http_faults.clone(),
            random: Arc::new(faults::RandomFaults::new(self.faults)),
        };
        let router = routes::router(
            worlds.clone(),
            routes::Layers {
                credentials,
                faults: fault_state,
                journal,
                store,
                admin,
            },
        );
        Ok(Assembled {
            router,
            worlds,
            faults: self.http_faults,
            admin_enabled,
        })
    }

    /// The application as an axum [`Router`], to embed in another server or to drive with
    /// `tower::ServiceExt::oneshot`. Script faults into it through
    /// [`http_faults`](Self::http_faults).
    ///
    /// # Errors
    /// A [`StartError`] if the world cannot be built: a state file or dataset file that cannot
    /// be used, or an adapter given with data that breaks a rule (the seed always builds).
    pub fn router(self) -> Result<Router, StartError> {
        Ok(self.assemble(None)?.router)
    }

    /// Binds `addr` and serves the sandbox on the current Tokio runtime until
    /// [`RunningSandbox::shutdown`] or drop. Use `127.0.0.1:0` for a free port.
    ///
    /// # Errors
    /// [`StartError::Bind`] when `addr` cannot be bound, e.g. when the port is taken; the other
    /// [`StartError`]s when the world cannot be built.
    pub async fn spawn(self, addr: SocketAddr) -> Result<RunningSandbox, StartError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(StartError::Bind)?;
        let local_addr = listener.local_addr().map_err(StartError::Bind)?;
        let Assembled {
            router,
            worlds,
            faults,
            admin_enabled,
        } = self.assemble(Some(local_addr))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    // A dropped sender stops the server as well.
                    let _ = stopped.await;
                })
                .await
        });
        Ok(RunningSandbox {
            local_addr,
            faults,
            worlds,
            admin_enabled,
            stop: Some(stop),
            server: Some(server),
        })
    }
}

impl fmt::Debug for SandboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxBuilder")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("clock", &self.clock.now())
            .field("start_date", &self.start_date)
            .field("confirmation_code", &self.confirmation_code.is_some())
            .field("ehrs", &self.ehrs)
            .field("faults", &self.faults)
            .field("http_faults", &self.http_faults)
            .field("admin_token", &self.admin_token.is_some())
            .field("settable_clock", &self.settable_clock.is_some())
            .field("state_file", &self.state_file.is_some())
            .field("dataset_file", &self.dataset_file.is_some())
            .finish()
    }
}

/// A sandbox serving on a local port. Stops gracefully on [`shutdown`](Self::shutdown), and
/// when dropped.
#[derive(Debug)]
pub struct RunningSandbox {
    local_addr: SocketAddr,
    faults: HttpFaults,
    /// One adapter per profile, in the order of `ehr::PROFILES`, replaced by a reset.
    worlds: worlds::Worlds,
    admin_enabled: bool,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<io::Result<()>>>,
}

impl RunningSandbox {
    /// The base URL, e.g. `http://127.0.0.1:49152`: what a Leyr client takes as `base_url`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The address the sandbox listens on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The script of per-request faults (C31).
    #[must_use]
    pub fn faults(&self) -> &HttpFaults {
        &self.faults
    }

    /// The adapter behind TakeCare's `{emr}` now: its state, clock and port-level fault plan.
    /// A reset or a state import serves new adapters; ask again after one.
    #[must_use]
    pub fn ehr(&self) -> InMemoryEhr {
        // The first profile is TakeCare's, and every profile has a world.
        self.worlds.current().ehrs()[0].clone()
    }

    /// The adapter behind `{emr}` `code` now, if the sandbox serves that EHR.
    #[must_use]
    pub fn ehr_for(&self, code: &str) -> Option<InMemoryEhr> {
        self.worlds
            .current()
            .ehrs()
            .iter()
            .find(|ehr| ehr.profile().code == code)
            .cloned()
    }

    /// Whether the administration routes answer (C49): false when the sandbox listens beyond
    /// loopback without an admin token.
    #[must_use]
    pub fn admin_enabled(&self) -> bool {
        self.admin_enabled
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the server.
    ///
    /// # Errors
    /// An [`io::Error`] if the server failed or its task panicked.
    pub async fn shutdown(mut self) -> Result<(), io::Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.server.take() {
            Some(server) => server.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

/// What [`SandboxBuilder::assemble`] makes.
struct Assembled {
    router: Router,
    worlds: worlds::Worlds,
    faults: HttpFaults,
    admin_enabled: bool,
}

/// The worlds of a dataset file, or every problem in it.
fn load_dataset_file(
    factory: &worlds::Factory,
    path: &Path,
    today: NaiveDate,
) -> Result<Vec<InMemoryEhr>, StartError> {
    let refused = |problems: Vec<String>| StartError::Dataset {
        path: path.to_owned(),
        problems,
    };
    let text = std::fs::read(path).map_err(|error| refused(vec![error.to_string()]))?;
    let document: admin::state_doc::StateDocument = serde_json::from_slice(&text)
        .map_err(|error| refused(describe(&[admin::state_doc::malformed(&error)])))?;
    admin::load(factory, document, today).map_err(|problems| refused(describe(&problems)))
}

/// Each problem as `["emrs",0,"care_units",0,...]: what is wrong`.
fn describe(problems: &[admin::state_doc::DocProblem]) -> Vec<String> {
    problems
        .iter()
        .map(|problem| {
            format!(
                "{}: {}",
                serde_json::Value::Array(problem.path.clone()),
                problem.detail
            )
        })
        .collect()
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
