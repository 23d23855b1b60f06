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
//! the profile of the request's `{emr}`. TakeCare's is the only profile today and supports
//! everything.
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
//!
//! A binary offers the command by flattening [`SandboxArgs`] into its own `clap` command and
//! calling [`serve`] with its clock (which prints the `listening on` line), or [`serve_with`] to
//! announce the address itself.
//!
//! # Patient data
//!
//! Each request is logged with its method, route template, status and latency only: never the
//! URI (its path and query hold personnummer), a header or the body. Error bodies never echo
//! the request.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use chrono::NaiveDate;
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ehr;
use leyr_domain::ports::{Clock, Ports};
use leyr_in_memory::{DatasetError, InMemoryEhr};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

mod cli;
mod faults;
mod port_errors;
mod problem;
mod problems;
mod request_body;
mod routes;
mod time_input;
mod typed_ids;

/// HTTP status codes, to script [`HttpFault::EmrError`] and [`HttpFault::UnknownError`].
pub use axum::http::StatusCode;
pub use cli::{SandboxArgs, ServeError, serve, serve_with, shutdown_signal};
pub use faults::{FaultConfig, HttpFault, HttpFaults, InvalidRate, check_rate};
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
        }
    }
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
}

impl SandboxBuilder {
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

    fn assemble(self) -> Result<(Router, Vec<InMemoryEhr>, HttpFaults), DatasetError> {
        let clock = self.clock;
        // One world per profile (C47): the adapter the caller gave for it, or its seed.
        let mut ehrs = Vec::with_capacity(ehr::PROFILES.len());
        for profile in ehr::PROFILES {
            let given = self
                .ehrs
                .iter()
                .find(|given| given.profile().code == profile.code);
            let ehr = match given {
                Some(ehr) => ehr.clone(),
                None => {
                    let mut builder = InMemoryEhr::builder()
                        .profile(profile)
                        .clock(Arc::clone(&clock));
                    if let Some(start_date) = self.start_date {
                        builder = builder.start_date(start_date);
                    }
                    if let Some(code) = &self.confirmation_code {
                        builder = builder.confirmation_code(code.clone());
                    }
                    builder.build()?
                }
            };
            ehrs.push(ehr);
        }
        let worlds = ehrs
            .iter()
            .map(|ehr| {
                (
                    ehr.profile().code,
                    // The routes check the profile themselves, in C30's order, and look
                    // records up where the EHR's API has no lookup (e.g. the patient of a
                    // booking on an EHR without "get patient").
                    Ports::from_adapter(ehr.unrestricted(), clock.clone()),
                )
            })
            .collect();
        let credentials = routes::Credentials {
            client_id: self.client_id,
            client_secret: self.client_secret,
        };
        let fault_state = faults::FaultState {
            scripted: self.http_faults.clone(),
            random: Arc::new(faults::RandomFaults::new(self.faults)),
        };
        let router = routes::router(worlds, credentials, fault_state);
        Ok((router, ehrs, self.http_faults))
    }

    /// The application as an axum [`Router`], to embed in another server or to drive with
    /// `tower::ServiceExt::oneshot`. Script faults into it through
    /// [`http_faults`](Self::http_faults).
    ///
    /// # Errors
    /// [`DatasetError`] if the in-memory data cannot be built (the TakeCare seed always can).
    pub fn router(self) -> Result<Router, DatasetError> {
        Ok(self.assemble()?.0)
    }

    /// Binds `addr` and serves the sandbox on the current Tokio runtime until
    /// [`RunningSandbox::shutdown`] or drop. Use `127.0.0.1:0` for a free port.
    ///
    /// # Errors
    /// The [`io::Error`] of binding `addr`, e.g. when the port is taken, or one of kind
    /// `InvalidData` if the in-memory data cannot be built.
    pub async fn spawn(self, addr: SocketAddr) -> Result<RunningSandbox, io::Error> {
        let (router, ehrs, faults) = self
            .assemble()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
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
            ehrs,
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
            .finish()
    }
}

/// A sandbox serving on a local port. Stops gracefully on [`shutdown`](Self::shutdown), and
/// when dropped.
#[derive(Debug)]
pub struct RunningSandbox {
    local_addr: SocketAddr,
    faults: HttpFaults,
    /// One adapter per profile, in the order of [`ehr::PROFILES`].
    ehrs: Vec<InMemoryEhr>,
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

    /// The adapter behind TakeCare's `{emr}`: its state, clock and port-level fault plan.
    #[must_use]
    pub fn ehr(&self) -> &InMemoryEhr {
        // The first profile is TakeCare's, and every profile has a world.
        &self.ehrs[0]
    }

    /// The adapter behind `{emr}` `code`, if the sandbox serves that EHR.
    #[must_use]
    pub fn ehr_for(&self, code: &str) -> Option<&InMemoryEhr> {
        self.ehrs.iter().find(|ehr| ehr.profile().code == code)
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

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
