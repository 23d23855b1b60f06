//! The command line of `leyr-sandbox`, reusable by other binaries (`leyr sandbox`).

use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ports::Clock;
use leyr_in_memory::ManualClock;
use secrecy::SecretString;

use crate::faults::check_rate;
use crate::{FaultConfig, RunningSandbox, Sandbox, SandboxBuilder, StartError};

/// The clock a served sandbox reads "now" from (`--clock`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClockArg {
    /// The clock the binary gives: the system clock.
    #[default]
    System,
    /// A clock that stands still until `PUT /_sandbox/clock` moves it (C49), starting at this
    /// time, or at the system time when the sandbox starts.
    Manual(Option<DateTime<Utc>>),
}

impl std::str::FromStr for ClockArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            None if text == "system" => Ok(Self::System),
            None if text == "manual" => Ok(Self::Manual(None)),
            Some(("manual", time)) => DateTime::parse_from_rfc3339(time)
                .map(|time| Self::Manual(Some(time.with_timezone(&Utc))))
                .map_err(|_| {
                    "the start of a manual clock is an RFC 3339 time with an offset".to_owned()
                }),
            _ => Err("expected system, manual or manual=<RFC 3339 time>".to_owned()),
        }
    }
}

/// The sandbox's flags. Flatten them into another `clap` command with `#[command(flatten)]`.
#[derive(Clone, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Accept only this x-leyr-client-id [default: any non-empty id].
    #[arg(long)]
    pub client_id: Option<String>,

    /// Require this x-leyr-client-secret [default: none checked].
    #[arg(long, env = "LEYR_SANDBOX_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,

    /// Date the seed is built from, YYYY-MM-DD [default: today in Europe/Stockholm].
    #[arg(long)]
    pub start_date: Option<NaiveDate>,

    /// Create appointments awaiting confirmation with this code [default: booked at once].
    #[arg(long, value_parser = parse_confirmation_code)]
    pub confirmation_code: Option<ConfirmationCode>,

    /// Seed of the fault-rate generator.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Share of requests answered 503 SERVICE_UNAVAILABLE, 0 to 1.
    #[arg(long = "rate-503", default_value_t = 0.0, value_parser = parse_rate)]
    pub rate_503: f64,

    /// Share of requests answered 429 TOO_MANY_REQUESTS, 0 to 1.
    #[arg(long = "rate-429", default_value_t = 0.0, value_parser = parse_rate)]
    pub rate_429: f64,

    /// Retry-After of those 429 answers, in seconds.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,

    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,

    /// Share of requests whose work is done before the connection is dropped unanswered, 0 to 1.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    pub rate_drop: f64,

    /// Require this x-sandbox-admin-token on the /_sandbox/ routes [default: open on loopback
    /// addresses only].
    #[arg(long, env = "LEYR_SANDBOX_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// The clock: system, or manual[=<RFC 3339 time>] to move it with PUT /_sandbox/clock.
    #[arg(long, default_value = "system")]
    pub clock: ClockArg,

    /// Keep the world in this SQLite file, every acknowledged write committed before the answer.
    #[arg(long = "state", value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Start from the world in this JSON file (the shape of GET /_sandbox/state).
    #[arg(long = "dataset", value_name = "FILE")]
    pub dataset: Option<PathBuf>,
}

impl fmt::Debug for SandboxArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxArgs")
            .field("addr", &self.addr)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("start_date", &self.start_date)
            .field("confirmation_code", &self.confirmation_code)
            .field("seed", &self.seed)
            .field("rate_503", &self.rate_503)
            .field("rate_429", &self.rate_429)
            .field("retry_after", &self.retry_after)
            .field("latency_ms", &self.latency_ms)
            .field("rate_drop", &self.rate_drop)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "<redacted>"),
            )
            .field("clock", &self.clock)
            .field("state", &self.state.is_some())
            .field("dataset", &self.dataset.is_some())
            .finish()
    }
}

fn parse_confirmation_code(text: &str) -> Result<ConfirmationCode, String> {
    ConfirmationCode::new(text).map_err(|error| error.to_string())
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text.parse().map_err(|_| "not a number".to_owned())?;
    check_rate(rate).map_err(|error| error.to_string())
}

impl SandboxArgs {
    /// A builder configured by these flags (everything but `addr`), reading "now" from `clock`,
    /// or from a manual clock started from it with `--clock manual`.
    #[must_use]
    pub fn builder(&self, clock: Arc<dyn Clock>) -> SandboxBuilder {
        let manual = match self.clock {
            ClockArg::System => None,
            ClockArg::Manual(start) => Some(ManualClock::new(start.unwrap_or_else(|| clock.now()))),
        };
        let clock: Arc<dyn Clock> = match &manual {
            Some(manual) => Arc::new(manual.clone()),
            None => clock,
        };
        let mut builder = Sandbox::builder(clock).faults(FaultConfig {
            seed: self.seed,
            service_unavailable_rate: self.rate_503,
            too_many_requests_rate: self.rate_429,
            retry_after: Duration::from_secs(self.retry_after),
            latency: Duration::from_millis(self.latency_ms),
            drop_after_work_rate: self.rate_drop,
        });
        if let Some(client_id) = &self.client_id {
            builder = builder.client_id(client_id.clone());
        }
        if let Some(client_secret) = &self.client_secret {
            builder = builder.client_secret(client_secret.clone());
        }
        if let Some(start_date) = self.start_date {
            builder = builder.start_date(start_date);
        }
        if let Some(code) = &self.confirmation_code {
            builder = builder.confirmation_code(code.clone());
        }
        if let Some(manual) = manual {
            builder = builder.settable_clock(manual);
        }
        if let Some(token) = &self.admin_token {
            builder = builder.admin_token(SecretString::from(token.clone()));
        }
        if let Some(path) = &self.state {
            builder = builder.state_file(path.clone());
        }
        if let Some(path) = &self.dataset {
            builder = builder.dataset_file(path.clone());
        }
        builder
    }
}

/// Why [`serve`] stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The sandbox could not start: the address, the state file or the dataset.
    #[error("the sandbox could not start")]
    Start(#[source] StartError),
    /// The shutdown signals could not be watched.
    #[error("could not watch for SIGINT and SIGTERM")]
    Signal(#[source] io::Error),
    /// The server failed.
    #[error("the sandbox server failed")]
    Serve(#[source] io::Error),
}

/// Serves the sandbox configured by `args`, reading "now" from `clock`, until SIGINT or
/// SIGTERM, then stops gracefully: what the `leyr-sandbox` binary and `leyr sandbox` do, with
/// the system clock.
///
/// Once the port is bound it writes `listening on http://HOST:PORT` as one line to stdout and
/// flushes it, so that scripts and tests can read where to connect. Logs go through `tracing`.
/// Use [`serve_with`] to announce the address another way.
///
/// # Errors
/// As [`serve_with`].
pub async fn serve(args: SandboxArgs, clock: Arc<dyn Clock>) -> Result<(), ServeError> {
    serve_with(args, clock, announce_on_stdout).await
}

/// Writes `listening on <url>` to stdout and flushes it. If stdout is closed there is no one to
/// tell, and the server runs on.
fn announce_on_stdout(running: &RunningSandbox) {
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", running.url());
    let _ = stdout.flush();
}

/// Serves the sandbox configured by `args`, reading "now" from `clock`, until SIGINT or
/// SIGTERM, then stops gracefully. `on_listening` is called once the port is bound, e.g. to
/// print the URL.
///
/// # Errors
/// [`ServeError::Start`] when `args.addr` cannot be bound or the world cannot be built (a
/// state file or dataset that cannot be used); [`ServeError::Signal`] when the
/// signals cannot be watched; [`ServeError::Serve`] when the server fails.
pub async fn serve_with(
    args: SandboxArgs,
    clock: Arc<dyn Clock>,
    on_listening: impl FnOnce(&RunningSandbox),
) -> Result<(), ServeError> {
    let running = args
        .builder(clock)
        .spawn(args.addr)
        .await
        .map_err(ServeError::Start)?;
    if !running.admin_enabled() {
        tracing::warn!(
            "administration (/_sandbox/) is off: the sandbox listens beyond loopback without --admin-token"
        );
    }
    tracing::info!(
        seed = args.seed,
        rate_503 = args.rate_503,
        rate_429 = args.rate_429,
        latency_ms = args.latency_ms,
        rate_drop = args.rate_drop,
        confirmation = args.confirmation_code.is_some(),
        admin = running.admin_enabled(),
        state_file = args.state.is_some(),
        manual_clock = matches!(args.clock, ClockArg::Manual(_)),
        "sandbox started"
    );
    on_listening(&running);
    let signal = shutdown_signal().await;
    tracing::info!("sandbox stopping");
    running.shutdown().await.map_err(ServeError::Serve)?;
    signal.map_err(ServeError::Signal)
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM.
///
/// # Errors
/// The [`io::Error`] of installing a signal handler.
pub async fn shutdown_signal() -> Result<(), io::Error> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
