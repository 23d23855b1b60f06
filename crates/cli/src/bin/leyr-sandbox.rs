//! `leyr-sandbox`: serves Leyr's TakeCare API offline, from the in-memory adapter, on the system
//! clock.
//!
//! Prints `listening on http://HOST:PORT` as its first line on stdout once the port is bound,
//! logs to stderr (filter with `RUST_LOG`, default `info`), and stops cleanly on SIGINT or
//! SIGTERM. Run `leyr-sandbox --help` for the flags.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use leyr_app::clock::SystemClock;
use leyr_sandbox::SandboxArgs;
use tracing_subscriber::EnvFilter;

/// Serves Leyr's TakeCare API offline, seeded with the TakeCare sandbox data.
#[derive(Debug, Parser)]
#[command(name = "leyr-sandbox", version, about)]
struct Cli {
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal who did not set `NO_COLOR`, never in
        // captured logs.
        .with_ansi(
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
        )
        .init();
    // The composition root: the one place the sandbox is given the wall clock.
    match leyr_sandbox::serve(cli.sandbox, Arc::new(SystemClock)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let cause = std::error::Error::source(&error).map(ToString::to_string);
            tracing::error!(error = %error, cause = cause.as_deref().unwrap_or(""), "leyr-sandbox failed");
            ExitCode::FAILURE
        }
    }
}
