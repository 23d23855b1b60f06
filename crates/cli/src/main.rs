//! `leyr`: book care in Swedish EHRs through Leyr from the shell.
//!
//! `leyr demo` runs the whole TakeCare lifecycle against an in-process sandbox; the other
//! commands talk to a Leyr API given by `--base-url`. See `leyr --help`.

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports failures on stderr"
)]

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use leyr_domain::ports::Clock as _;
use leyr_domain::time::in_stockholm;
use tracing_subscriber::EnvFilter;

mod cli;
mod commands;
mod connect;
mod demo;
mod failure;
mod input;
mod output;
mod ssn;

use cli::{Cli, Command, SsnCommand};
use failure::Failure;
use output::Printer;

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(failure::USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LEYR_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("leyr: could not start the async runtime: {error}");
            return ExitCode::from(failure::UNAVAILABLE);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("leyr: {failure}");
            failure.exit_code()
        }
    }
}

/// The command line, read. `leyr sandbox --client-id` shares its name with the global
/// `--client-id`, which `LEYR_CLIENT_ID` fills in for the commands that talk to Leyr; the sandbox
/// takes its own from the command line only, so that variable never restricts who may connect.
fn parse() -> Result<Cli, clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let mut cli =
        Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut Cli::command()))?;
    if let Command::Sandbox(args) = &mut cli.command {
        let typed = matches
            .subcommand_matches("sandbox")
            .and_then(|sandbox| sandbox.value_source("client_id"))
            == Some(ValueSource::CommandLine);
        if !typed {
            args.client_id = None;
        }
    }
    Ok(cli)
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let printer = Printer::new(cli.json);
    match cli.command {
        Command::Demo => demo::run(&cli.connection, printer).await,
        Command::Ssn(SsnCommand::Check {
            numbers,
            reference_date,
        }) => {
            let today = reference_date
                .unwrap_or_else(|| in_stockholm(&leyr_app::clock::SystemClock.now()).date_naive());
            ssn::check(&numbers, today, printer)
        }
        Command::Sandbox(args) => leyr_sandbox::serve(args).await.map_err(|error| {
            Failure::from_error("the sandbox failed", &error, failure::UNAVAILABLE)
        }),
        command => {
            let context = commands::Context {
                booking: connect::from_connection(&cli.connection)?,
                care_unit: cli
                    .connection
                    .care_unit
                    .parse()
                    .map_err(|error| Failure::usage(format!("invalid --care-unit: {error}")))?,
                printer,
            };
            match command {
                Command::CareUnits => context.care_units().await,
                Command::Services => context.services().await,
                Command::Resources => context.resources().await,
                Command::Slots(args) => context.slots(&args).await,
                Command::Patient(command) => context.patient(&command).await,
                Command::Book(args) => context.book(&args).await,
                Command::Appointments(args) => context.appointments(&args).await,
                Command::Reschedule(args) => context.reschedule(&args).await,
                Command::Cancel(args) => context.cancel(&args).await,
                Command::Notes(command) => context.notes(&command).await,
                Command::Demo | Command::Ssn(_) | Command::Sandbox(_) => Ok(()),
            }
        }
    }
}
