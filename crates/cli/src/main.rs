//! `leyr`: book care in Swedish EHRs through Leyr from the shell.
//!
//! `leyr demo` runs the whole TakeCare lifecycle against an in-process sandbox; the other
//! commands talk to a Leyr API given by `--base-url`. See `leyr --help`.

#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports failures on stderr"
)]

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use leyr_app::clock::SystemClock;
use leyr_domain::ports::Clock as _;
use leyr_domain::time::in_stockholm;
use tracing_subscriber::EnvFilter;

mod cli;
mod commands;
mod connect;
mod demo;
mod demo_ehr;
mod ehrs;
mod failure;
mod input;
mod output;
mod ssn;
mod terminal;

use cli::{Cli, Command, SsnCommand};
use failure::{Failure, Kind, Reason};
use output::Printer;
use terminal::Spinner;

fn main() -> ExitCode {
    let no_color = terminal::no_color_requested(std::env::var_os(terminal::NO_COLOR).as_deref());
    let mut cli = match parse(no_color) {
        Ok(cli) => cli,
        Err(error) => {
            return command_line_error(&error, cli::json_requested(std::env::args_os()));
        }
    };
    let printer = Printer::new(cli.json);
    if let Err(failure) = patient_from_stdin(&mut cli.command) {
        return report(&failure, printer);
    }
    let stderr_is_terminal = std::io::stderr().is_terminal();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("LEYR_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(terminal::LogWriter)
        .with_ansi(terminal::colours(stderr_is_terminal, no_color))
        .init();
    let spinner = Spinner::new(terminal::spinner_look(
        stderr_is_terminal,
        cli.json,
        no_color,
    ));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let failure = Failure::from_error(
                "could not start the async runtime",
                &error,
                Reason::Internal,
            );
            return report(&failure, printer);
        }
    };
    match runtime.block_on(run(cli, printer, spinner)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure, printer),
    }
}

/// Reports `failure`: one line on stderr, one JSON object on stdout under `--json`, and the
/// exit code of its kind.
fn report(failure: &Failure, printer: Printer) -> ExitCode {
    eprintln!("leyr: {failure}");
    printer.failure(failure);
    failure.exit_code()
}

/// Reports a command line clap could not read. Help and version are no failure. Under
/// `--json` (found among the raw arguments, as nothing could be parsed) the error is a JSON
/// failure; otherwise clap's own text, on stderr.
fn command_line_error(error: &clap::Error, json: bool) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    if json {
        return report(&Failure::from_clap(error), Printer::new(true));
    }
    let _ = error.print();
    ExitCode::from(Kind::Usage.exit_code())
}

/// The command line, read. `leyr sandbox --client-id` shares its name with the global
/// `--client-id`, which `LEYR_CLIENT_ID` fills in for the commands that talk to Leyr; the sandbox
/// takes its own from the command line only, so that variable never restricts who may connect.
fn parse(no_color: bool) -> Result<Cli, clap::Error> {
    let command = || Cli::command().color(terminal::clap_colours(no_color));
    let matches = command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut command()))?;
    match &mut cli.command {
        Command::Sandbox(args) => {
            let typed = matches
                .subcommand_matches("sandbox")
                .and_then(|sandbox| sandbox.value_source("client_id"))
                == Some(ValueSource::CommandLine);
            if !typed {
                args.client_id = None;
            }
        }
        // `leyr ehrs` shows every EHR unless `--emr` is typed, before or after `ehrs`.
        Command::Ehrs(args) => {
            let typed = [Some(&matches), matches.subcommand_matches("ehrs")]
                .into_iter()
                .flatten()
                .any(|matches| matches.value_source("emr") == Some(ValueSource::CommandLine));
            if typed {
                args.only = Some(cli.connection.emr.clone());
            }
        }
        _ => {}
    }
    Ok(cli)
}

/// Replaces a patient argument of `-` by the first line of standard input, before anything
/// else runs. On a terminal, asks for it.
fn patient_from_stdin(command: &mut Command) -> Result<(), Failure> {
    let Some((name, value)) = command.patient_argument() else {
        return Ok(());
    };
    if value != input::FROM_STDIN {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("patient: ");
    }
    input::fill_from_stdin(value, name, &mut stdin.lock())
}

/// Writes the completion script for `shell` to stdout. A closed pipe is not worth reporting.
fn completions(shell: clap_complete::Shell) {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "leyr", &mut script);
    let _ = std::io::stdout().lock().write_all(&script);
}

async fn run(cli: Cli, printer: Printer, spinner: Spinner) -> Result<(), Failure> {
    match cli.command {
        Command::Demo => demo::run(&cli.connection, printer, spinner).await,
        Command::Ssn(SsnCommand::Check {
            numbers,
            reference_date,
        }) => {
            let today =
                reference_date.unwrap_or_else(|| in_stockholm(&SystemClock.now()).date_naive());
            ssn::check(&numbers, today, printer)
        }
        Command::Ehrs(args) => ehrs::run(args.only.as_deref(), printer),
        Command::Completions { shell } => {
            completions(shell);
            Ok(())
        }
        Command::Sandbox(args) => leyr_sandbox::serve(args, Arc::new(SystemClock))
            .await
            .map_err(|error| Failure::from_error("the sandbox failed", &error, Reason::Internal)),
        command => {
            let context = commands::Context {
                booking: connect::from_connection(&cli.connection)?,
                care_unit: cli
                    .connection
                    .care_unit
                    .parse()
                    .map_err(|error| Failure::usage(format!("invalid --care-unit: {error}")))?,
                emr: cli.connection.emr.clone(),
                printer,
                spinner,
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
                Command::Confirm(args) => context.confirm(&args).await,
                Command::Notes(command) => context.notes(&command).await,
                Command::Demo
                | Command::Ehrs(_)
                | Command::Ssn(_)
                | Command::Sandbox(_)
                | Command::Completions { .. } => Ok(()),
            }
        }
    }
}
