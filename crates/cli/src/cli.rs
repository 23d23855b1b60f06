//! The command line's shape: global options, commands and their arguments.

use std::ffi::OsString;

use clap::{Args, Parser, Subcommand};

/// How times are read, for the help of every command that takes one.
const TIMES: &str = "TIME is RFC 3339 with an offset (2026-11-25T08:00:00+01:00) or Stockholm \
wall-clock time (2026-11-25T08:00, or 2026-11-25 for midnight). Times are shown in Stockholm.";

/// Where each shell looks for a completion script, for the help of `leyr completions`.
const COMPLETIONS: &str = "Install the script where the shell looks for it, e.g.:
  leyr completions bash > ~/.local/share/bash-completion/completions/leyr
  leyr completions zsh > ~/.zfunc/_leyr   (with ~/.zfunc in $fpath)
  leyr completions fish > ~/.config/fish/completions/leyr.fish";

/// The fields of `leyr ehrs --json`, for its help.
const EHRS_JSON: &str = "Under --json, one object per EHR and line, in the same order:
  emr                the {emr} code, e.g. anitasystems
  name               the EHR's name
  market             sweden, norway or global
  operations         {\"<operation>\": true|false} for every operation of the table
  external_id        {\"rule\": required|optional|unchecked,
                      \"national_number\": swedish_personnummer|norwegian_fodselsnummer|null}
  requires_phone     whether registering a patient needs a phone number
  patient_id_types   the typed ids a patient is found by, e.g. [\"emr_id\",\"se_personal_number\"]
  resource_id_types  the typed ids a resource is named by
  patient_emr_ids    national_number (a new patient's emr_id is its number) or minted
  confirmation       {\"booking\": direct|code, \"cancellation\": direct|code}
Without --emr on the command line every EHR is shown; with it, that EHR only.";

/// Book care in Swedish EHRs through Leyr, TakeCare first.
#[derive(Debug, Parser)]
#[command(
    name = "leyr",
    version,
    about,
    long_about = None,
    after_help = crate::failure::help_text()
)]
pub(crate) struct Cli {
    /// Print each result as one JSON object on its own line (times in Stockholm) instead of
    /// text, and a failure as one JSON object.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) connection: Connection,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where Leyr is and who is asking. The client secret is read from `LEYR_CLIENT_SECRET` only, so
/// it never shows in a process list or a shell history.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection (LEYR_CLIENT_SECRET holds the secret)")]
pub(crate) struct Connection {
    /// Leyr's base URL, e.g. `https://api.leyr.io`, or a running sandbox's URL.
    #[arg(long, env = "LEYR_BASE_URL", global = true)]
    pub(crate) base_url: Option<String>,
    /// The Leyr application's client id.
    #[arg(long, env = "LEYR_CLIENT_ID", global = true)]
    pub(crate) client_id: Option<String>,
    /// The EHR code in Leyr's paths.
    #[arg(long, env = "LEYR_EMR", default_value = "takecare", global = true)]
    pub(crate) emr: String,
    /// The care unit to work in.
    #[arg(long, env = "LEYR_CARE_UNIT", default_value = "10", global = true)]
    pub(crate) care_unit: String,
    /// Give up on a request after this many seconds, retries included.
    #[arg(long, env = "LEYR_TIMEOUT", value_name = "SECONDS", global = true,
        default_value_t = leyr_http::DEFAULT_DEADLINE.as_secs())]
    pub(crate) timeout: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole TakeCare lifecycle: against an in-process sandbox, or against `--base-url`.
    Demo,
    /// List the care units the credentials reach.
    CareUnits,
    /// List the care unit's healthcare services.
    Services,
    /// List the care unit's bookable resources.
    Resources,
    /// List free timeslots.
    #[command(after_help = TIMES)]
    Slots(SlotsArgs),
    /// Look up or register a patient.
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Book a free timeslot for a patient.
    #[command(after_help = TIMES)]
    Book(BookArgs),
    /// List appointments, cancelled ones included.
    #[command(after_help = TIMES)]
    Appointments(AppointmentsArgs),
    /// Move an appointment to another free timeslot of the same service.
    #[command(after_help = TIMES)]
    Reschedule(RescheduleArgs),
    /// Cancel one or more appointments (all or nothing).
    Cancel(CancelArgs),
    /// Confirm an appointment awaiting confirmation with the code the patient received: a
    /// booking, or the new id a two-step cancellation answered.
    Confirm(ConfirmArgs),
    /// Read or write a patient's medical notes.
    #[command(subcommand)]
    Notes(NotesCommand),
    /// Show what each EHR supports: operations, `external_id`, required fields, typed ids and
    /// confirmation. Needs no Leyr API.
    #[command(after_long_help = EHRS_JSON)]
    Ehrs(EhrsArgs),
    /// Check Swedish personnummer and samordningsnummer.
    #[command(subcommand)]
    Ssn(SsnCommand),
    /// Serve Leyr's API offline from the in-memory TakeCare sandbox.
    Sandbox(leyr_sandbox::SandboxArgs),
    /// Print a completion script for a shell.
    #[command(after_help = COMPLETIONS)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// The command's patient argument, which `-` may stand for, and its name for errors: the
    /// patient of the commands that take one, or the personnummer of `patient create`.
    pub(crate) fn patient_argument(&mut self) -> Option<(&'static str, &mut String)> {
        match self {
            Self::Patient(PatientCommand::Get { patient }) => Some(("<PATIENT>", patient)),
            Self::Patient(PatientCommand::Create {
                personnummer,
                fodselsnummer,
                external_id,
                ..
            }) => [
                ("--personnummer", personnummer),
                ("--fodselsnummer", fodselsnummer),
                ("--external-id", external_id),
            ]
            .into_iter()
            .find_map(|(name, value)| value.as_mut().map(|value| (name, value))),
            Self::Book(BookArgs { patient, .. })
            | Self::Reschedule(RescheduleArgs { patient, .. })
            | Self::Notes(NotesCommand::List { patient } | NotesCommand::Add { patient, .. }) => {
                Some(("--patient", patient))
            }
            Self::Appointments(AppointmentsArgs { patient, .. }) => {
                patient.as_mut().map(|patient| ("--patient", patient))
            }
            Self::Demo
            | Self::CareUnits
            | Self::Services
            | Self::Resources
            | Self::Slots(_)
            | Self::Cancel(_)
            | Self::Confirm(_)
            | Self::Ehrs(_)
            | Self::Ssn(_)
            | Self::Sandbox(_)
            | Self::Completions { .. } => None,
        }
    }
}

/// Whether `--json` is among `args` (the program's name first), before any `--`: how a command
/// line that clap cannot read learns that its error should be JSON too.
pub(crate) fn json_requested(args: impl IntoIterator<Item = OsString>) -> bool {
    args.into_iter()
        .skip(1)
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
}

#[derive(Debug, Args)]
pub(crate) struct SlotsArgs {
    /// Only this resource's slots.
    #[arg(long)]
    pub(crate) resource: Option<String>,
    /// Only this healthcare service's slots.
    #[arg(long)]
    pub(crate) service: Option<String>,
    /// Slots starting at or after this time (default: now).
    #[arg(long, value_name = "TIME")]
    pub(crate) from: Option<String>,
    /// Slots starting before this time (default: 30 days after `--from`).
    #[arg(long, value_name = "TIME")]
    pub(crate) to: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PatientCommand {
    /// Look a patient up by personnummer (12 digits) or by `emr_id:<id>`.
    Get {
        /// `197110021834`, `19711002-1834`, `se_personal_number:197110021834` or `emr_id:<id>`;
        /// `-` reads it from the first line of stdin.
        patient: String,
    },
    /// Register a patient, or get the existing one with the same `external_id`. Which id an EHR
    /// asks for is its profile's business (`leyr ehrs`): TakeCare needs `--personnummer`,
    /// Konfidens `--fodselsnummer`; others take one, any `--external-id`, or none.
    Create {
        /// A Swedish personnummer, in a 12-digit form; `-` reads it from the first line of stdin.
        #[arg(long, group = "external_id_kind")]
        personnummer: Option<String>,
        /// A Norwegian fødselsnummer or D-number, 11 digits; `-` reads it from stdin.
        #[arg(long, group = "external_id_kind")]
        fodselsnummer: Option<String>,
        /// Any other `external_id`, for an EHR that does not check it; `-` reads it from stdin.
        #[arg(long, group = "external_id_kind")]
        external_id: Option<String>,
        /// First name.
        #[arg(long)]
        first_name: String,
        /// Last name.
        #[arg(long)]
        last_name: String,
        /// A phone number in E.164 form; repeat for more.
        #[arg(long = "phone")]
        phones: Vec<String>,
        /// An e-mail address; repeat for more.
        #[arg(long = "email")]
        emails: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct BookArgs {
    /// The patient: personnummer or `emr_id:<id>`; `-` reads it from the first line of stdin.
    #[arg(long)]
    pub(crate) patient: String,
    /// The resource to book.
    #[arg(long)]
    pub(crate) resource: String,
    /// The healthcare service to book.
    #[arg(long)]
    pub(crate) service: String,
    /// When the free slot starts.
    #[arg(long, value_name = "TIME")]
    pub(crate) start: String,
    /// A comment for the EHR (at most 500 characters).
    #[arg(long)]
    pub(crate) comment: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AppointmentsArgs {
    /// Only this patient's: personnummer or `emr_id:<id>`; `-` reads it from the first line of
    /// stdin.
    #[arg(long)]
    pub(crate) patient: Option<String>,
    /// Only this resource's.
    #[arg(long)]
    pub(crate) resource: Option<String>,
    /// Only those starting at or after this time.
    #[arg(long, value_name = "TIME")]
    pub(crate) from: Option<String>,
    /// Only those starting before this time.
    #[arg(long, value_name = "TIME")]
    pub(crate) to: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct RescheduleArgs {
    /// The appointment to move.
    pub(crate) appointment: String,
    /// The patient it belongs to: personnummer or `emr_id:<id>`; `-` reads it from the first
    /// line of stdin.
    #[arg(long)]
    pub(crate) patient: String,
    /// When the new free slot starts.
    #[arg(long, value_name = "TIME")]
    pub(crate) start: String,
    /// Move to this resource (default: keep the resource).
    #[arg(long)]
    pub(crate) resource: Option<String>,
    /// A new comment.
    #[arg(long)]
    pub(crate) comment: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CancelArgs {
    /// The appointments to cancel (1 to 50).
    #[arg(required = true)]
    pub(crate) appointments: Vec<String>,
    /// Why: appended to each appointment's comment.
    #[arg(long)]
    pub(crate) comment: Option<String>,
}

#[derive(Args)]
pub(crate) struct ConfirmArgs {
    /// The appointment awaiting confirmation: the booking's id, or the id a two-step
    /// cancellation answered.
    pub(crate) appointment: String,
    /// The code the patient received by SMS.
    #[arg(long)]
    pub(crate) code: String,
}

/// Shows the appointment, never the code.
impl std::fmt::Debug for ConfirmArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmArgs")
            .field("appointment", &self.appointment)
            .field("code", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Args)]
pub(crate) struct EhrsArgs {
    /// The one EHR to show: `--emr`, when typed on the command line (not `LEYR_EMR`, so that a
    /// configured EHR does not hide the others).
    #[arg(skip)]
    pub(crate) only: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum NotesCommand {
    /// List a patient's notes, oldest first.
    List {
        /// The patient: personnummer or `emr_id:<id>`; `-` reads it from the first line of
        /// stdin.
        #[arg(long)]
        patient: String,
    },
    /// Write an unsigned, unstructured note.
    Add {
        /// The patient: personnummer or `emr_id:<id>`; `-` reads it from the first line of
        /// stdin.
        #[arg(long)]
        patient: String,
        /// The author: a resource of the care unit.
        #[arg(long)]
        author: String,
        /// The title.
        #[arg(long)]
        title: String,
        /// The text.
        #[arg(long)]
        text: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum SsnCommand {
    /// Say whether each number is valid, and what it tells.
    Check {
        /// Numbers in any form: `YYYYMMDDNNNC`, `YYYYMMDD-NNNC`, `YYMMDD-NNNC`, `YYMMDD+NNNC`, ...
        #[arg(required = true)]
        numbers: Vec<String>,
        /// The date 10-digit forms are read against (default: today).
        #[arg(long)]
        reference_date: Option<chrono::NaiveDate>,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn args(line: &[&str]) -> Vec<OsString> {
        line.iter().map(OsString::from).collect()
    }

    #[test]
    fn json_is_seen_before_parsing_unless_after_a_double_dash() {
        assert!(json_requested(args(&["leyr", "book", "--json", "--nope"])));
        assert!(json_requested(args(&["leyr", "--json"])));
        assert!(!json_requested(args(&["leyr", "book", "--comment=--json"])));
        assert!(!json_requested(args(&["leyr", "cancel", "--", "--json"])));
        assert!(!json_requested(args(&["--json"])), "the program's name");
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_patient_argument_may_be_read_from_stdin() {
        for line in [
            &["leyr", "patient", "get", "-"][..],
            &[
                "leyr",
                "patient",
                "create",
                "--personnummer",
                "-",
                "--first-name",
                "A",
                "--last-name",
                "B",
            ],
            &[
                "leyr",
                "book",
                "--patient",
                "-",
                "--resource",
                "r",
                "--service",
                "s",
                "--start",
                "t",
            ],
            &["leyr", "appointments", "--patient", "-"],
            &["leyr", "reschedule", "a", "--patient", "-", "--start", "t"],
            &["leyr", "notes", "list", "--patient", "-"],
            &[
                "leyr",
                "notes",
                "add",
                "--patient",
                "-",
                "--author",
                "a",
                "--title",
                "t",
                "--text",
                "x",
            ],
        ] {
            let mut cli = Cli::try_parse_from(line).unwrap();
            let (_, value) = cli.command.patient_argument().unwrap();
            assert_eq!(value, crate::input::FROM_STDIN, "{line:?}");
        }
        let mut cli = Cli::try_parse_from(["leyr", "appointments"]).unwrap();
        assert!(cli.command.patient_argument().is_none());
        let mut cli = Cli::try_parse_from(["leyr", "patient", "get", "197110021834"]).unwrap();
        let (name, value) = cli.command.patient_argument().unwrap();
        assert_eq!((name, value.as_str()), ("<PATIENT>", "197110021834"));
    }
}
