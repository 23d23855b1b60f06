//! [`LeyrClient`]: configuration, requests, timeouts and retries. The ports are implemented in
//! [`crate::ports`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use leyr_domain::ids::CareUnitId;
use reqwest::Response;
use reqwest::header::{
    ACCEPT, CONTENT_TYPE, DATE, HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument as _;
use url::Url;

use crate::error::{BodyTooLarge, CallError, JsonError, LeyrError, LeyrErrorKind, UnusableId};
use crate::retry::{
    CallKind, Decision, Failure, decide, delta_seconds, parse_http_date, parse_retry_after,
};
use crate::telemetry;
use leyr_domain::ehr::{self, EhrProfile, Operation};
use leyr_domain::retry::RetryPolicy;
use leyr_wire::problem::Problem;
use leyr_wire::route::{self, CLIENT_ID_HEADER, CLIENT_SECRET_HEADER, Route};

/// Leyr's host; the client appends `/api/emrs/...` (C1).
pub const DEFAULT_BASE_URL: &str = "https://api.leyr.io";
/// TakeCare's EHR code, the `{emr}` path segment.
pub const DEFAULT_EMR: &str = "takecare";
/// How long to wait for a TCP and TLS connection (C39).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one attempt may take, to the last byte of the answer (C39).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one attempt of a document upload may take (C39).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one port call may take, every attempt and wait included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5 * 60);
/// The largest success body read; a larger answer fails with kind `Protocol`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// The largest failure body read; the rest is dropped unread.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The `User-Agent` sent by default (C2).
fn default_user_agent() -> String {
    format!("leyr-http/{}", env!("CARGO_PKG_VERSION"))
}

/// Why [`LeyrClientBuilder::build`] failed. Never echoes a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No client id was given, or it is empty.
    #[error("a Leyr client id is required")]
    MissingClientId,
    /// No client secret was given, or it is empty.
    #[error("a Leyr client secret is required")]
    MissingClientSecret,
    /// The client id or secret cannot be sent as an HTTP header value.
    #[error("the Leyr client id or secret holds characters an HTTP header cannot carry")]
    InvalidCredentials,
    /// The base URL is not an absolute `http` or `https` URL without credentials, query or
    /// fragment.
    #[error(
        "the base URL must be an absolute http or https URL without credentials, query or fragment"
    )]
    InvalidBaseUrl,
    /// The EHR code is empty.
    #[error("the EHR code must not be empty")]
    InvalidEmr,
    /// The user agent cannot be sent as an HTTP header value.
    #[error("the user agent holds characters an HTTP header cannot carry")]
    InvalidUserAgent,
    /// A timeout or the deadline is zero.
    #[error("timeouts and the deadline must be longer than zero")]
    InvalidTimeout,
    /// The HTTP client could not be built, e.g. no TLS backend could be set up.
    #[error("could not build the HTTP client")]
    HttpClient(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// An environment variable read by [`LeyrClient::from_env`] is set but not valid Unicode,
    /// or [`ENV_DEADLINE`] is not a whole number of seconds. Names the variable, never its value.
    #[error("the environment variable {0} does not hold a usable value")]
    InvalidEnvironment(&'static str),
}

/// The environment variable [`LeyrClient::from_env`] reads the base URL from (optional).
pub const ENV_BASE_URL: &str = "LEYR_BASE_URL";
/// The environment variable [`LeyrClient::from_env`] reads the client id from (required).
pub const ENV_CLIENT_ID: &str = "LEYR_CLIENT_ID";
/// The environment variable [`LeyrClient::from_env`] reads the client secret from (required).
pub const ENV_CLIENT_SECRET: &str = "LEYR_CLIENT_SECRET";
/// The environment variable [`LeyrClient::from_env`] reads the EHR code from (optional).
pub const ENV_EMR: &str = "LEYR_EMR";
/// The environment variable [`LeyrClient::from_env`] reads the deadline from, in whole seconds
/// (optional).
pub const ENV_DEADLINE: &str = "LEYR_TIMEOUT";

/// Builds a [`LeyrClient`]. Start from [`LeyrClient::builder`].
pub struct LeyrClientBuilder {
    base_url: String,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    emr: String,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    upload_timeout: Duration,
    deadline: Duration,
    retry_policy: RetryPolicy,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    max_response_bytes: usize,
    enforce_profile: bool,
}

impl Default for LeyrClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            client_id: None,
            client_secret: None,
            emr: DEFAULT_EMR.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            upload_timeout: DEFAULT_UPLOAD_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            retry_policy: RetryPolicy::default(),
            user_agent: default_user_agent(),
            http_client: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            enforce_profile: true,
        }
    }
}

impl fmt::Debug for LeyrClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeyrClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("emr", &self.emr)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("upload_timeout", &self.upload_timeout)
            .field("deadline", &self.deadline)
            .field("retry_policy", &self.retry_policy)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl LeyrClientBuilder {
    /// Leyr's scheme and host (default [`DEFAULT_BASE_URL`]); a path prefix is kept. Checked by
    /// [`build`](Self::build): an absolute `http` or `https` URL without credentials, query or
    /// fragment. Point it at `leyr-sandbox` in tests.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The Client ID of your Leyr application, sent as `x-leyr-client-id`. Required.
    #[must_use]
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret of your Leyr application, sent as `x-leyr-client-secret` and only to
    /// the base URL's origin. Required. Never logged, never in `Debug`.
    #[must_use]
    pub fn client_secret(mut self, client_secret: SecretString) -> Self {
        self.client_secret = Some(client_secret);
        self
    }

    /// Both credentials at once.
    #[must_use]
    pub fn credentials(self, client_id: impl Into<String>, client_secret: SecretString) -> Self {
        self.client_id(client_id).client_secret(client_secret)
    }

    /// The EHR code, the `{emr}` path segment (default [`DEFAULT_EMR`], `takecare`).
    #[must_use]
    pub fn emr(mut self, emr: impl Into<String>) -> Self {
        self.emr = emr.into();
        self
    }

    /// Whether to refuse, before sending anything, an operation the configured EHR's profile
    /// lacks (C44; default on). Off, every call is sent and Leyr decides; either way the caller
    /// sees the same `Rejected` with `RejectionCode::NotSupported`.
    #[must_use]
    pub fn enforce_profile(mut self, enforce: bool) -> Self {
        self.enforce_profile = enforce;
        self
    }

    /// How long to wait for a TCP and TLS connection (default 5 s). Ignored with
    /// [`http_client`](Self::http_client), whose own setting applies.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the answer (default
    /// 30 s). A timeout counts as "connection lost after sending" (C39, C37).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How long one attempt of a document upload may take (default 60 s).
    #[must_use]
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = timeout;
        self
    }

    /// How long one port call may take in all, every attempt and back-off wait included
    /// (default 5 min). A wait that would end past it is not started: the last error is
    /// returned instead.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`], Leyr's, C36).
    #[must_use]
    pub fn retry_policy(mut self, retry_policy: RetryPolicy) -> Self {
        self.retry_policy = retry_policy;
        self
    }

    /// The `User-Agent` header (default `leyr-http/<crate version>`, C2).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest success body read (default 16 MiB); a larger answer fails with kind
    /// `Protocol` without being read whole.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends through this `reqwest::Client` instead of one built here, e.g. to share a
    /// connection pool. This is the only `reqwest` type in this crate's API.
    ///
    /// The client must **not follow redirects** (`reqwest::redirect::Policy::none()`): the
    /// credentials travel as ordinary headers, which reqwest keeps on a redirect to another
    /// host. The client built here never follows one. Its own connect timeout applies instead
    /// of [`connect_timeout`](Self::connect_timeout).
    #[must_use]
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// - [`BuildError::MissingClientId`], [`BuildError::MissingClientSecret`],
    ///   [`BuildError::InvalidCredentials`] for missing or unsendable credentials;
    /// - [`BuildError::InvalidBaseUrl`], [`BuildError::InvalidEmr`],
    ///   [`BuildError::InvalidUserAgent`], [`BuildError::InvalidTimeout`] for bad settings;
    /// - [`BuildError::HttpClient`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<LeyrClient, BuildError> {
        let base_url = validate_base_url(&self.base_url)?;
        if self.emr.is_empty() {
            return Err(BuildError::InvalidEmr);
        }
        let no_zero = [
            self.connect_timeout,
            self.attempt_timeout,
            self.upload_timeout,
            self.deadline,
        ];
        if no_zero.contains(&Duration::ZERO) {
            return Err(BuildError::InvalidTimeout);
        }
        let client_id = self
            .client_id
            .filter(|id| !id.is_empty())
            .ok_or(BuildError::MissingClientId)?;
        let client_secret = self
            .client_secret
            .filter(|secret| !secret.expose_secret().is_empty())
            .ok_or(BuildError::MissingClientSecret)?;

        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?,
        );
        headers.insert(
            CLIENT_ID_HEADER,
            HeaderValue::from_str(&client_id).map_err(|_| BuildError::InvalidCredentials)?,
        );
        let mut secret = HeaderValue::from_str(client_secret.expose_secret())
            .map_err(|_| BuildError::InvalidCredentials)?;
        secret.set_sensitive(true); // hidden from Debug output and from HTTP/2 header indexing
        headers.insert(CLIENT_SECRET_HEADER, secret);

        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| BuildError::HttpClient(Box::new(error.without_url())))?,
        };

        Ok(LeyrClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                profile: ehr::profile(&self.emr).unwrap_or(&ehr::PERMISSIVE),
                enforce_profile: self.enforce_profile,
                emr: self.emr,
                client_id,
                headers,
                connect_timeout: self.connect_timeout,
                attempt_timeout: self.attempt_timeout,
                upload_timeout: self.upload_timeout,
                deadline: self.deadline,
                retry_policy: self.retry_policy,
                max_response_bytes: self.max_response_bytes,
                single_appointment_route_missing: AtomicBool::new(false),
            }),
        })
    }
}

fn validate_base_url(text: &str) -> Result<Url, BuildError> {
    let url = Url::parse(text).map_err(|_| BuildError::InvalidBaseUrl)?;
    let valid = matches!(url.scheme(), "http" | "https")
        && url.has_host()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if valid {
        Ok(url)
    } else {
        Err(BuildError::InvalidBaseUrl)
    }
}

/// A client for Leyr's REST API that implements every port of `leyr-domain`:
/// [`CareUnitCatalog`](leyr_domain::ports::CareUnitCatalog),
/// [`PatientDirectory`](leyr_domain::ports::PatientDirectory),
/// [`Availability`](leyr_domain::ports::Availability),
/// [`AppointmentBook`](leyr_domain::ports::AppointmentBook),
/// [`MedicalNotes`](leyr_domain::ports::MedicalNotes) and
/// [`PatientDocuments`](leyr_domain::ports::PatientDocuments).
///
/// Cheap to clone: clones share one connection pool and configuration. `Debug` shows the
/// configuration and the client id, never the secret.
#[derive(Clone)]
pub struct LeyrClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    emr: String,
    /// What the configured EHR supports: its profile, or the permissive one for an `{emr}`
    /// the project does not know (C44).
    profile: &'static EhrProfile,
    enforce_profile: bool,
    client_id: String,
    /// Every request's headers, the credentials included (the secret marked sensitive).
    headers: HeaderMap,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    upload_timeout: Duration,
    deadline: Duration,
    retry_policy: RetryPolicy,
    max_response_bytes: usize,
    /// Set once Leyr has answered `GET {CU}/appointments/{appointment_id}` with "no such
    /// route": from then on this client looks appointments up by listing (C40).
    single_appointment_route_missing: AtomicBool,
}

impl LeyrClient {
    /// Whether `GET {CU}/appointments/{appointment_id}` is known to be missing (C40).
    pub(crate) fn single_appointment_route_missing(&self) -> bool {
        self.inner
            .single_appointment_route_missing
            .load(Ordering::Relaxed)
    }

    /// Remembers that `GET {CU}/appointments/{appointment_id}` is missing (C40).
    pub(crate) fn remember_single_appointment_route_missing(&self) {
        self.inner
            .single_appointment_route_missing
            .store(true, Ordering::Relaxed);
    }
}

impl fmt::Debug for LeyrClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("LeyrClient")
            .field("base_url", &inner.base_url.as_str())
            .field("emr", &inner.emr)
            .field("client_id", &inner.client_id)
            .field("client_secret", &"<redacted>")
            .field("connect_timeout", &inner.connect_timeout)
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("upload_timeout", &inner.upload_timeout)
            .field("deadline", &inner.deadline)
            .field("retry_policy", &inner.retry_policy)
            .finish_non_exhaustive()
    }
}

/// A request to send, with everything needed to send it again.
pub(crate) struct Call {
    /// The operation's route: its method and template.
    pub(crate) route: Route,
    pub(crate) kind: CallKind,
    pub(crate) url: Url,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) upload: bool,
}

/// The wire crate has no route for an operation (one the domain added before the table knew it).
#[derive(Debug, thiserror::Error)]
#[error("the operation has no route in Leyr's API table")]
struct NoRoute;

/// Where an operation goes: its route and its URL.
pub(crate) struct Target {
    route: Route,
    url: Url,
}

/// A success answer, read whole.
pub(crate) struct Answer {
    pub(crate) status: u16,
    body: Vec<u8>,
    kind: CallKind,
}

impl Answer {
    /// The body as `T`. A body that does not decode is `InvalidAnswer`: a failure for a read, an
    /// unknown outcome for a write, since the write happened (C37).
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|error| self.invalid(JsonError::from(error)))
    }

    /// The failure for a body that decoded but does not fit the domain.
    pub(crate) fn invalid(
        &self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> CallError {
        invalid_answer(self.kind, self.status, source)
    }
}

fn invalid_answer(
    kind: CallKind,
    status: u16,
    source: impl std::error::Error + Send + Sync + 'static,
) -> CallError {
    let error = LeyrError::new(LeyrErrorKind::InvalidAnswer)
        .with_status(status)
        .with_source(source);
    match kind {
        CallKind::Read => CallError::failed(error),
        CallKind::Upsert | CallKind::Write | CallKind::Booking => CallError::outcome_unknown(error),
    }
}

/// How one attempt ended badly.
enum AttemptError {
    /// A failure C37 classifies.
    Failed(Failure, LeyrError),
    /// A success status whose body could not be read whole.
    Invalid(CallError),
}

/// The result of reading a body up to a limit.
enum Body {
    Complete(Vec<u8>),
    /// Longer than the limit; holds what was read, at most the limit.
    TooLarge(Vec<u8>),
}

impl LeyrClient {
    /// Starts a builder with the defaults: [`DEFAULT_BASE_URL`], [`DEFAULT_EMR`], Leyr's retry
    /// policy and the C39 timeouts. Client id and secret are required.
    #[must_use]
    pub fn builder() -> LeyrClientBuilder {
        LeyrClientBuilder::default()
    }

    /// A client configured from the environment, the variables the `leyr` command reads:
    /// [`ENV_CLIENT_ID`] and [`ENV_CLIENT_SECRET`] (required), [`ENV_BASE_URL`], [`ENV_EMR`]
    /// and [`ENV_DEADLINE`] (optional, with the builder's defaults). A variable set to the
    /// empty string counts as unset. The secret goes straight into a [`SecretString`].
    ///
    /// ```no_run
    /// let client = leyr_http::LeyrClient::from_env()?;
    /// # Ok::<(), leyr_http::BuildError>(())
    /// ```
    ///
    /// # Errors
    /// [`BuildError::MissingClientId`] or [`BuildError::MissingClientSecret`] when a required
    /// variable is unset; [`BuildError::InvalidEnvironment`] naming a variable that is not
    /// Unicode or not a number; otherwise as [`LeyrClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_lookup(std::env::var_os)
    }

    /// [`LeyrClient::from_env`] over any source of variables (a test's map, a config layer).
    ///
    /// # Errors
    /// As [`LeyrClient::from_env`].
    pub fn from_lookup(
        lookup: impl Fn(&'static str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, BuildError> {
        let text = |name: &'static str| -> Result<Option<String>, BuildError> {
            match lookup(name) {
                None => Ok(None),
                Some(value) => value
                    .into_string()
                    .map(|text| Some(text).filter(|text| !text.is_empty()))
                    .map_err(|_| BuildError::InvalidEnvironment(name)),
            }
        };
        let mut builder = Self::builder();
        if let Some(base_url) = text(ENV_BASE_URL)? {
            builder = builder.base_url(base_url);
        }
        if let Some(client_id) = text(ENV_CLIENT_ID)? {
            builder = builder.client_id(client_id);
        }
        if let Some(secret) = text(ENV_CLIENT_SECRET)? {
            builder = builder.client_secret(SecretString::from(secret));
        }
        if let Some(emr) = text(ENV_EMR)? {
            builder = builder.emr(emr);
        }
        if let Some(seconds) = text(ENV_DEADLINE)? {
            let seconds: u64 = seconds
                .trim()
                .parse()
                .map_err(|_| BuildError::InvalidEnvironment(ENV_DEADLINE))?;
            builder = builder.deadline(Duration::from_secs(seconds));
        }
        builder.build()
    }

    /// The validated base URL.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The EHR code used as the `{emr}` path segment.
    #[must_use]
    pub fn emr(&self) -> &str {
        &self.inner.emr
    }

    /// What the configured EHR supports (C44): the profile of [`emr`](Self::emr), or
    /// [`ehr::PERMISSIVE`] (everything allowed, Leyr decides) for an EHR the project does not
    /// know. Ask it at design time, e.g. `client.profile().supports(Operation::Cancel)`.
    #[must_use]
    pub fn profile(&self) -> &'static EhrProfile {
        self.inner.profile
    }

    /// Where `operation` goes: its route's template with the configured `{emr}`, then
    /// `care_unit` (for the routes under one) and `ids` filled in, each segment encoded on its
    /// own (C9), joined onto the validated base so it always has the base's origin. Query values
    /// are form-encoded, so `+` travels as `%2B` (C34).
    pub(crate) fn target(
        &self,
        operation: Operation,
        care_unit: Option<&CareUnitId>,
        ids: &[&str],
        query: &[(String, String)],
    ) -> Result<Target, CallError> {
        let inner = &self.inner;
        // C44: what the EHR cannot do is refused here, before anything is sent.
        if inner.enforce_profile && !inner.profile.supports(operation) {
            return Err(CallError::failed(LeyrError::new(
                LeyrErrorKind::NotSupported,
            )));
        }
        let route = route::of(operation).ok_or_else(|| {
            CallError::failed(LeyrError::new(LeyrErrorKind::InvalidRequest).with_source(NoRoute))
        })?;
        let mut values = Vec::with_capacity(2 + ids.len());
        values.push(inner.emr.as_str());
        values.extend(care_unit.map(CareUnitId::as_str));
        values.extend_from_slice(ids);
        let filled = route.template.fill(&values).map_err(|error| {
            CallError::failed(LeyrError::new(LeyrErrorKind::InvalidRequest).with_source(error))
        })?;
        let mut path = String::with_capacity(128);
        // The base URL's own path is kept as a prefix, without its trailing `/`.
        path.push_str(inner.base_url.path().trim_end_matches('/'));
        path.push_str(&filled);
        let mut url = inner.base_url.clone();
        url.set_path(&path);
        // A `.` or `..` segment would be removed by URL normalisation: refuse to send it.
        if url.path() != path {
            return Err(CallError::failed(
                LeyrError::new(LeyrErrorKind::InvalidRequest).with_source(UnusableId),
            ));
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
        }
        Ok(Target { route, url })
    }

    /// A call without a body.
    pub(crate) fn call(target: Target, kind: CallKind) -> Call {
        Call {
            route: target.route,
            kind,
            url: target.url,
            body: None,
            upload: false,
        }
    }

    /// A call with a JSON body.
    pub(crate) fn call_with<B: Serialize>(
        target: Target,
        kind: CallKind,
        body: &B,
    ) -> Result<Call, CallError> {
        let body = serde_json::to_vec(body).map_err(|error| {
            CallError::failed(
                LeyrError::new(LeyrErrorKind::InvalidRequest).with_source(JsonError::from(error)),
            )
        })?;
        Ok(Call {
            route: target.route,
            kind,
            url: target.url,
            body: Some(body),
            upload: false,
        })
    }

    /// Sends `call`, retrying as [`decide`] says, all within the deadline (C36-C39), and records
    /// the operation's metrics (see the crate docs, "Traces and metrics").
    pub(crate) async fn execute(&self, call: Call) -> Result<Answer, CallError> {
        let started = Instant::now();
        // A deadline too far to represent is no deadline: a century stands in for it.
        let deadline = started
            .checked_add(self.inner.deadline)
            .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 24 * 3600));
        let result = match tokio::time::timeout_at(
            deadline,
            self.send_with_retries(&call, deadline),
        )
        .await
        {
            Ok(result) => result,
            // The deadline fired during an attempt: the request may have been sent.
            Err(_elapsed) => {
                let error = LeyrError::new(LeyrErrorKind::Timeout);
                Err(match call.kind {
                    CallKind::Read | CallKind::Upsert => CallError::failed(error),
                    CallKind::Write | CallKind::Booking => CallError::outcome_unknown(error),
                })
            }
        };
        telemetry::operation_finished(call.route.operation, &result, started.elapsed());
        result
    }

    async fn send_with_retries(&self, call: &Call, deadline: Instant) -> Result<Answer, CallError> {
        let mut attempt: u32 = 1;
        loop {
            let span = telemetry::attempt_span(&call.route, &self.inner.base_url, attempt);
            let started = Instant::now();
            let outcome = self.attempt(call).instrument(span.clone()).await;
            let (status, error_type) = match &outcome {
                Ok(answer) => (Some(answer.status), None),
                Err(AttemptError::Failed(failure, _)) => {
                    let (status, error_type) = telemetry::failure_attributes(failure);
                    (status, Some(error_type))
                }
                Err(AttemptError::Invalid(_)) => (None, Some("invalid_answer".to_owned())),
            };
            telemetry::attempt_finished(&span, &call.route, status, error_type, started.elapsed());
            let (failure, error) = match outcome {
                Ok(answer) => return Ok(answer),
                Err(AttemptError::Invalid(error)) => return Err(error),
                Err(AttemptError::Failed(failure, error)) => (failure, error),
            };
            match decide(call.kind, &failure, attempt, &self.inner.retry_policy) {
                Decision::RetryAfter(wait) => {
                    let wait_ends = Instant::now().checked_add(wait);
                    if wait_ends.is_none_or(|end| end >= deadline) {
                        tracing::debug!(
                            attempt,
                            "the retry would end past the deadline; giving up"
                        );
                        return Err(CallError::failed(error));
                    }
                    tracing::debug!(
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        error = %error,
                        "retrying after a failed attempt"
                    );
                    telemetry::retry(call.route.operation);
                    tokio::time::sleep(wait).await;
                    attempt = attempt.saturating_add(1);
                }
                Decision::ReturnError => return Err(CallError::failed(error)),
                Decision::OutcomeUnknown => return Err(CallError::outcome_unknown(error)),
            }
        }
    }

    /// One attempt: send, then read the answer whole within the attempt timeout.
    async fn attempt(&self, call: &Call) -> Result<Answer, AttemptError> {
        let inner = &self.inner;
        let timeout = if call.upload {
            inner.upload_timeout
        } else {
            inner.attempt_timeout
        };
        let mut request = inner
            .http
            .request(telemetry::method(call.route.method), call.url.clone())
            .headers(inner.headers.clone())
            .timeout(timeout);
        if let Some(body) = &call.body {
            request = request.body(body.clone());
        }
        let mut response = request.send().await.map_err(transport_failure)?;
        let status = response.status().as_u16();

        if response.status().is_success() {
            let limit = inner.max_response_bytes;
            // An answer announced as too large is refused without reading any of it.
            let announced_too_large = response.content_length().is_some_and(|length| {
                usize::try_from(length).map_or(true, |length| length > limit)
            });
            let body = if announced_too_large {
                Ok(Body::TooLarge(Vec::new()))
            } else {
                read_body(&mut response, limit).await
            };
            return match body {
                Ok(Body::Complete(body)) => Ok(Answer {
                    status,
                    body,
                    kind: call.kind,
                }),
                Ok(Body::TooLarge(_)) => Err(AttemptError::Invalid(invalid_answer(
                    call.kind,
                    status,
                    BodyTooLarge { limit },
                ))),
                Err(error) => Err(transport_failure(error)),
            };
        }

        let retry_after = retry_after(&response);
        // The status decides; a failure body that cannot be read whole is kept raw as far as
        // it came (C29).
        let (body, complete) = match read_body(&mut response, MAX_ERROR_BODY_BYTES).await {
            Ok(Body::Complete(body)) => (body, true),
            Ok(Body::TooLarge(prefix)) => (prefix, false),
            Err(_) => (Vec::new(), false),
        };
        let problem = complete
            .then(|| serde_json::from_slice::<Problem>(&body).ok())
            .flatten();
        let code = problem.as_ref().and_then(|problem| problem.code.clone());
        let error = match problem {
            Some(problem) => LeyrError::from_problem(status, problem, retry_after),
            None => LeyrError::from_raw(status, &body, retry_after),
        };
        Err(AttemptError::Failed(
            Failure::Status {
                status,
                code,
                retry_after,
            },
            error,
        ))
    }
}

/// What a transport error means: nothing sent, timed out, or lost after sending (C37). The URL
/// is dropped from the error, since its path may hold a personnummer.
fn transport_failure(error: reqwest::Error) -> AttemptError {
    let (failure, kind) = if error.is_connect() {
        (Failure::Connect, LeyrErrorKind::Connect)
    } else if error.is_timeout() {
        (Failure::Timeout, LeyrErrorKind::Timeout)
    } else {
        (Failure::ConnectionLost, LeyrErrorKind::ConnectionLost)
    };
    AttemptError::Failed(
        failure,
        LeyrError::new(kind).with_source(error.without_url()),
    )
}

/// The wait the answer's `Retry-After` asks for. An HTTP date is measured from the answer's own
/// `Date` header, so the two clocks involved are the server's; without a `Date` an HTTP date
/// cannot be measured and Leyr's back-off schedule applies (C36, ADR 0007). The client never
/// reads the wall clock.
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    let now = response
        .headers()
        .get(DATE)
        .and_then(|date| date.to_str().ok())
        .and_then(parse_http_date);
    match now {
        Some(now) => parse_retry_after(value, now),
        None => delta_seconds(value),
    }
}

/// Reads the body chunk by chunk, stopping at `limit` bytes: a huge answer is never buffered,
/// and a too large one keeps its first `limit` bytes.
async fn read_body(response: &mut Response, limit: usize) -> Result<Body, reqwest::Error> {
    let announced = response
        .content_length()
        .and_then(|length| usize::try_from(length).ok());
    let mut body = Vec::with_capacity(announced.unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            let room = limit - body.len();
            body.extend_from_slice(&chunk[..room]);
            return Ok(Body::TooLarge(body));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(body))
}
