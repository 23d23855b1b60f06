//! How a command fails: an exit code a script can act on, one sentence without patient data on
//! stderr and, under `--json`, one object on stdout.
//!
//! `leyr --help` shows the same text as this block; a test keeps the two identical.
//!
//! ```text
//! Exit codes, and the `kind` of a failure under --json:
//!   0  success          done, including a booking the patient already held
//!   1  refused          a rule, a taken slot, not found, invalid input or refused credentials
//!   2  usage            a flag, an argument or a setting that cannot be read
//!   3  unavailable      Leyr or the network failed and nothing was done: safe to retry
//!   4  outcome_unknown  a write may have happened: look before retrying
//!
//! Under --json a failure is one object on stdout, and nothing else is printed there:
//!   {"ok":false,"error":{"kind":"refused","code":"slot_taken","message":"...","instance":null}}
//! `code` refines `kind`:
//!   refused: rule, slot_taken, not_found, invalid, not_allowed, rejected, credentials_refused
//!   usage: usage
//!   unavailable: service_unavailable, throttled, connect_failed, timeout, server_error,
//!     bad_answer, internal
//!   outcome_unknown: outcome_unknown
//! `instance` is Leyr's id of the failed request, for its support, or null.
//! ```
//!
//! Every error of a use case maps to one [`Reason`] (its `code`), and every reason to one
//! [`Kind`] (its exit code). A variant a later `leyr-app` adds maps to `outcome_unknown` for a
//! write, which may have happened, and to `internal` for a read, which changed nothing.
//!
//! Messages are the error's chain down to the port's error, which already names the HTTP
//! status and Leyr's `instance`; the transport's error under it is never shown. No message of
//! the use cases or the domain holds patient data, and the command line adds none.

use std::error::Error;
use std::fmt::{self, Write as _};
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use leyr_app::{
    BookAppointmentError, ChangeAppointmentError, QueryError, RegisterPatientError,
    WriteRecordError,
};
use leyr_domain::ehr::Confirmation;
use leyr_domain::error::{BackendError, BackendErrorKind, Rejection, RejectionCode};
use leyr_domain::ports::{BookError, ChangeError, ReadError, WriteError};
use serde_json::{Value, json};

/// What a failure means for a script: its exit code, and the `kind` of its `--json` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A rule, Leyr or the EHR said no; the same command will fail the same way.
    Refused,
    /// The command line or the environment cannot be read.
    Usage,
    /// Leyr or the network failed and nothing was done; the command may be run again.
    Unavailable,
    /// A write may have happened; look before running the command again.
    OutcomeUnknown,
}

impl Kind {
    /// Every kind, in the order of its exit code.
    pub(crate) const ALL: [Self; 4] = [
        Self::Refused,
        Self::Usage,
        Self::Unavailable,
        Self::OutcomeUnknown,
    ];

    /// The process's exit code.
    pub(crate) const fn exit_code(self) -> u8 {
        match self {
            Self::Refused => 1,
            Self::Usage => 2,
            Self::Unavailable => 3,
            Self::OutcomeUnknown => 4,
        }
    }

    /// The `kind` of a `--json` failure.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Usage => "usage",
            Self::Unavailable => "unavailable",
            Self::OutcomeUnknown => "outcome_unknown",
        }
    }
}

/// One row of the exit-code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExitCodeRow {
    /// The exit code.
    pub(crate) code: u8,
    /// `success`, or the [`Kind`]'s name.
    pub(crate) name: &'static str,
    /// What it tells a script.
    pub(crate) meaning: &'static str,
}

const fn row(kind: Kind, meaning: &'static str) -> ExitCodeRow {
    ExitCodeRow {
        code: kind.exit_code(),
        name: kind.as_str(),
        meaning,
    }
}

/// Every exit code of `leyr`, as `--help` and the module docs show them.
pub(crate) const EXIT_CODES: [ExitCodeRow; 5] = [
    ExitCodeRow {
        code: 0,
        name: "success",
        meaning: "done, including a booking the patient already held",
    },
    row(
        Kind::Refused,
        "a rule, a taken slot, not found, invalid input or refused credentials",
    ),
    row(
        Kind::Usage,
        "a flag, an argument or a setting that cannot be read",
    ),
    row(
        Kind::Unavailable,
        "Leyr or the network failed and nothing was done: safe to retry",
    ),
    row(
        Kind::OutcomeUnknown,
        "a write may have happened: look before retrying",
    ),
];

/// Why a command failed, finer than its [`Kind`]: the `code` of a `--json` failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A booking rule is broken; nothing was sent.
    Rule,
    /// The timeslot is not free.
    SlotTaken,
    /// The care unit, patient, appointment or other record does not exist.
    NotFound,
    /// Input that can never be valid: a personnummer, a name, a note, a comment, a batch.
    Invalid,
    /// The appointment cannot change in its current status.
    NotAllowed,
    /// Leyr or the EHR refused the request.
    Rejected,
    /// Leyr refused the client id or secret.
    CredentialsRefused,
    /// The command line or the environment cannot be read.
    Usage,
    /// Leyr or the EHR is down or overloaded.
    ServiceUnavailable,
    /// Leyr is rate limiting requests.
    Throttled,
    /// No connection to Leyr could be made.
    ConnectFailed,
    /// Leyr did not answer in time.
    Timeout,
    /// Leyr or the EHR failed to handle the request.
    ServerError,
    /// Leyr's answer could not be understood.
    BadAnswer,
    /// The command itself failed, e.g. it could not start.
    Internal,
    /// A write may have happened.
    OutcomeUnknown,
}

impl Reason {
    /// Every reason, grouped by kind.
    pub(crate) const ALL: [Self; 16] = [
        Self::Rule,
        Self::SlotTaken,
        Self::NotFound,
        Self::Invalid,
        Self::NotAllowed,
        Self::Rejected,
        Self::CredentialsRefused,
        Self::Usage,
        Self::ServiceUnavailable,
        Self::Throttled,
        Self::ConnectFailed,
        Self::Timeout,
        Self::ServerError,
        Self::BadAnswer,
        Self::Internal,
        Self::OutcomeUnknown,
    ];

    /// The kind, and so the exit code, of a failure for this reason.
    pub(crate) const fn kind(self) -> Kind {
        match self {
            Self::Rule
            | Self::SlotTaken
            | Self::NotFound
            | Self::Invalid
            | Self::NotAllowed
            | Self::Rejected
            | Self::CredentialsRefused => Kind::Refused,
            Self::Usage => Kind::Usage,
            Self::ServiceUnavailable
            | Self::Throttled
            | Self::ConnectFailed
            | Self::Timeout
            | Self::ServerError
            | Self::BadAnswer
            | Self::Internal => Kind::Unavailable,
            Self::OutcomeUnknown => Kind::OutcomeUnknown,
        }
    }

    /// The `code` of a `--json` failure.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Rule => "rule",
            Self::SlotTaken => "slot_taken",
            Self::NotFound => "not_found",
            Self::Invalid => "invalid",
            Self::NotAllowed => "not_allowed",
            Self::Rejected => "rejected",
            Self::CredentialsRefused => "credentials_refused",
            Self::Usage => "usage",
            Self::ServiceUnavailable => "service_unavailable",
            Self::Throttled => "throttled",
            Self::ConnectFailed => "connect_failed",
            Self::Timeout => "timeout",
            Self::ServerError => "server_error",
            Self::BadAnswer => "bad_answer",
            Self::Internal => "internal",
            Self::OutcomeUnknown => "outcome_unknown",
        }
    }

    /// Why a backend failed, for a use case that says nothing was done.
    fn of_backend(backend: &BackendError) -> Self {
        match backend.kind() {
            BackendErrorKind::Unauthorized => Self::CredentialsRefused,
            BackendErrorKind::Client => Self::Rejected,
            BackendErrorKind::Unavailable => Self::ServiceUnavailable,
            BackendErrorKind::Throttled => Self::Throttled,
            BackendErrorKind::Connect => Self::ConnectFailed,
            BackendErrorKind::Timeout => Self::Timeout,
            BackendErrorKind::Server => Self::ServerError,
            BackendErrorKind::Protocol => Self::BadAnswer,
            _ => Self::Internal,
        }
    }
}

/// The text `leyr --help` ends with: the exit codes, then the shape of a `--json` failure. The
/// module docs hold the same text.
pub(crate) fn help_text() -> String {
    let mut text = String::from("Exit codes, and the `kind` of a failure under --json:\n");
    let width = EXIT_CODES
        .iter()
        .map(|row| row.name.len())
        .max()
        .unwrap_or(0);
    let mut table_width = 0;
    for row in EXIT_CODES {
        let line = format!("  {}  {:width$}  {}", row.code, row.name, row.meaning);
        table_width = table_width.max(line.chars().count());
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(
        "\nUnder --json a failure is one object on stdout, and nothing else is printed there:\n",
    );
    text.push_str(
        "  {\"ok\":false,\"error\":{\"kind\":\"refused\",\"code\":\"slot_taken\",\
         \"message\":\"...\",\"instance\":null}}\n",
    );
    text.push_str("`code` refines `kind`:\n");
    for kind in Kind::ALL {
        let codes: Vec<&str> = Reason::ALL
            .iter()
            .filter(|reason| reason.kind() == kind)
            .map(|reason| reason.as_str())
            .collect();
        wrap_list(&mut text, kind.as_str(), &codes, table_width);
    }
    text.push_str("`instance` is Leyr's id of the failed request, for its support, or null.");
    text
}

/// `  name: a, b, c` on lines of at most `width` characters, continued with a deeper indent.
fn wrap_list(text: &mut String, name: &str, items: &[&str], width: usize) {
    let mut line = format!("  {name}:");
    for (index, item) in items.iter().enumerate() {
        let separator = if index + 1 < items.len() { "," } else { "" };
        if line.len() + 1 + item.len() + separator.len() > width {
            text.push_str(&line);
            text.push('\n');
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(item);
        line.push_str(separator);
    }
    text.push_str(&line);
    text.push('\n');
}

/// What a failed command reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    message: String,
    reason: Reason,
    instance: Option<String>,
}

impl Failure {
    /// A failure for `reason`, told by `message`: one sentence without patient data.
    pub(crate) fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            reason,
            instance: None,
        }
    }

    /// Bad usage: a flag, an argument or a setting that cannot be read.
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Reason::Usage, message)
    }

    /// A failure whose message is `context` and the error's chain, one sentence each, down to
    /// the port's error: it already names the kind of failure, the HTTP status and Leyr's
    /// `instance`, which the transport's own error under it would repeat.
    pub(crate) fn from_error(context: &str, error: &(dyn Error + 'static), reason: Reason) -> Self {
        let mut message = format!("{context}: {error}");
        let mut current = error;
        while !ends_chain(current)
            && let Some(cause) = current.source()
        {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            current = cause;
        }
        Self::new(reason, message)
    }

    /// A command line clap could not read, told without the values typed, which may be a
    /// personnummer: clap's description of the error, and the flags it names.
    pub(crate) fn from_clap(error: &clap::Error) -> Self {
        let kind = error.kind();
        let mut message = kind
            .as_str()
            .unwrap_or("a command or an argument is missing: see `leyr --help`")
            .to_owned();
        // For these kinds `InvalidArg` names flags the command defines; for the others (an
        // unknown argument, say) it holds what was typed.
        let names_flags = matches!(
            kind,
            ErrorKind::InvalidValue
                | ErrorKind::ValueValidation
                | ErrorKind::MissingRequiredArgument
                | ErrorKind::ArgumentConflict
                | ErrorKind::NoEquals
                | ErrorKind::TooManyValues
                | ErrorKind::TooFewValues
                | ErrorKind::WrongNumberOfValues
        );
        let flags = match error.get(ContextKind::InvalidArg) {
            Some(ContextValue::String(flag)) if names_flags => vec![flag.clone()],
            Some(ContextValue::Strings(flags)) if names_flags => flags.clone(),
            _ => Vec::new(),
        };
        if !flags.is_empty() {
            let _ = write!(message, ": {}", flags.join(", "));
        }
        Self::usage(message)
    }

    /// Attaches Leyr's `instance` for the failed request.
    #[must_use]
    fn with_instance(mut self, instance: Option<&str>) -> Self {
        self.instance = instance.map(str::to_owned);
        self
    }

    /// Why the command failed.
    #[cfg(test)]
    pub(crate) fn reason(&self) -> Reason {
        self.reason
    }

    /// Leyr's `instance` for the failed request, when it gave one.
    #[cfg(test)]
    pub(crate) fn instance(&self) -> Option<&str> {
        self.instance.as_deref()
    }

    /// The process's exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.reason.kind().exit_code())
    }

    /// The failure as the one object `--json` prints.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "ok": false,
            "error": {
                "kind": self.reason.kind().as_str(),
                "code": self.reason.as_str(),
                "message": self.message,
                "instance": self.instance,
            }
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whether `error` is a port's error: the last one a message shows. Some port errors are
/// transparent over a [`BackendError`], so their `source` is already the transport's error.
fn ends_chain(error: &(dyn Error + 'static)) -> bool {
    error.is::<BackendError>()
        || error.is::<Rejection>()
        || error.is::<ReadError>()
        || error.is::<WriteError>()
        || error.is::<BookError>()
        || error.is::<ChangeError>()
}

/// Leyr's `instance` in a read error, when it carries one.
fn read_instance(error: &ReadError) -> Option<&str> {
    match error {
        ReadError::Rejected(rejection) => rejection.reference(),
        ReadError::Backend(backend) => backend.reference(),
        _ => None,
    }
}

/// Turns a use case's error into a [`Failure`] with the right reason and exit code.
pub(crate) trait IntoFailure: Error + Sized + 'static {
    /// Why, as the `code` of a `--json` failure.
    fn reason(&self) -> Reason;

    /// Leyr's `instance` for the failed request, when the error carries one.
    fn instance(&self) -> Option<&str>;

    /// `context`, then the error's chain, with this error's reason and instance.
    fn into_failure(self, context: &str) -> Failure {
        Failure::from_error(context, &self, self.reason()).with_instance(self.instance())
    }
}

impl IntoFailure for QueryError {
    fn reason(&self) -> Reason {
        match self {
            Self::NotFound(_) => Reason::NotFound,
            Self::Rejected(_) => Reason::Rejected,
            Self::InvalidWindow(_) => Reason::Invalid,
            Self::Unavailable(backend) => Reason::of_backend(backend),
            // A read changes nothing, whatever went wrong.
            _ => Reason::Internal,
        }
    }

    fn instance(&self) -> Option<&str> {
        match self {
            Self::Rejected(rejection) => rejection.reference(),
            Self::Unavailable(backend) => backend.reference(),
            _ => None,
        }
    }
}

impl IntoFailure for BookAppointmentError {
    fn reason(&self) -> Reason {
        match self {
            Self::Rule(_) => Reason::Rule,
            Self::SlotTaken => Reason::SlotTaken,
            Self::NotFound(_) => Reason::NotFound,
            Self::Rejected(_) => Reason::Rejected,
            Self::Unavailable(backend) => Reason::of_backend(backend),
            // The deadline passed before anything was posted: nothing was done.
            Self::DeadlineExceeded => Reason::Timeout,
            // Still settling, or an error this version does not know, may follow a booking
            // that happened.
            _ => Reason::OutcomeUnknown,
        }
    }

    fn instance(&self) -> Option<&str> {
        match self {
            Self::Rejected(rejection) => rejection.reference(),
            Self::Unavailable(backend) => backend.reference(),
            Self::OutcomeUnknown(read) => read_instance(read),
            _ => None,
        }
    }
}

impl IntoFailure for ChangeAppointmentError {
    fn reason(&self) -> Reason {
        match self {
            Self::Rule(_) => Reason::Rule,
            Self::InvalidBatch(_) => Reason::Invalid,
            Self::NotFound(_) => Reason::NotFound,
            Self::SlotTaken => Reason::SlotTaken,
            Self::Forbidden(_) => Reason::NotAllowed,
            Self::Rejected(_) => Reason::Rejected,
            Self::Unavailable(backend) => Reason::of_backend(backend),
            _ => Reason::OutcomeUnknown,
        }
    }

    fn instance(&self) -> Option<&str> {
        match self {
            Self::Rejected(rejection) => rejection.reference(),
            Self::OutcomeUnknown(backend) | Self::Unavailable(backend) => backend.reference(),
            _ => None,
        }
    }
}

/// Why `leyr confirm` failed, told more plainly than a change's failure where Leyr's answer
/// alone says little: a `BAD_INPUT` is a wrong, spent or lapsed code (contract §9.3), and
/// `NOT_SUPPORTED` an EHR without confirmation. Neither message holds the code.
pub(crate) fn of_confirmation(error: ChangeAppointmentError, emr: &str) -> Failure {
    const CONTEXT: &str = "could not confirm";
    let ChangeAppointmentError::Rejected(rejection) = &error else {
        return error.into_failure(CONTEXT);
    };
    let profile = leyr_domain::ehr::profile(emr);
    let message = match rejection.code() {
        RejectionCode::BadInput => {
            let mut message = format!(
                "{CONTEXT}: the code is wrong or has expired, or the appointment is not awaiting \
                 confirmation ({rejection})"
            );
            if let Some(profile) = profile.filter(|profile| {
                profile.booking == Confirmation::Direct
                    && profile.cancellation == Confirmation::Direct
            }) {
                let _ = write!(
                    message,
                    "; {} books and cancels without a code (`leyr ehrs`)",
                    profile.code
                );
            }
            message
        }
        RejectionCode::NotSupported => format!(
            "{CONTEXT}: {} does not support confirmation by code ({rejection})",
            profile.map_or(emr, |profile| profile.code)
        ),
        _ => return error.into_failure(CONTEXT),
    };
    Failure::new(Reason::Rejected, message).with_instance(rejection.reference())
}

impl IntoFailure for RegisterPatientError {
    fn reason(&self) -> Reason {
        match self {
            Self::InvalidPersonnummer(_)
            | Self::BirthDateInFuture
            | Self::InvalidFirstName(_)
            | Self::InvalidLastName(_)
            | Self::InvalidPhone(_)
            | Self::InvalidEmail(_) => Reason::Invalid,
            Self::NotFound(_) => Reason::NotFound,
            Self::Rejected(_) => Reason::Rejected,
            Self::Unavailable(backend) => Reason::of_backend(backend),
            _ => Reason::OutcomeUnknown,
        }
    }

    fn instance(&self) -> Option<&str> {
        match self {
            Self::Rejected(rejection) => rejection.reference(),
            Self::OutcomeUnknown(backend) | Self::Unavailable(backend) => backend.reference(),
            _ => None,
        }
    }
}

impl IntoFailure for WriteRecordError {
    fn reason(&self) -> Reason {
        match self {
            Self::InvalidTitle(_) | Self::InvalidText(_) => Reason::Invalid,
            Self::NotFound(_) => Reason::NotFound,
            Self::Rejected(_) => Reason::Rejected,
            Self::Unavailable(backend) => Reason::of_backend(backend),
            _ => Reason::OutcomeUnknown,
        }
    }

    fn instance(&self) -> Option<&str> {
        match self {
            Self::Rejected(rejection) => rejection.reference(),
            Self::OutcomeUnknown(backend) | Self::Unavailable(backend) => backend.reference(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use leyr_domain::appointment::{BatchError, TransitionError};
    use leyr_domain::booking_rules::RuleViolation;
    use leyr_domain::error::{Entity, RejectionCode};
    use leyr_domain::medical_note::NoteError;
    use leyr_domain::patient::ContactError;
    use leyr_domain::personnummer::PersonnummerError;
    use leyr_domain::timeslot::TimeRangeError;

    use super::*;

    const INSTANCE: &str = "d3e84cc1-148a-4edf-9579-5dcef1d6dbfa";

    /// Every kind of backend failure with the reason it gives when nothing was done.
    const BACKEND_KINDS: [(BackendErrorKind, Reason); 9] = [
        (BackendErrorKind::Unauthorized, Reason::CredentialsRefused),
        (BackendErrorKind::Client, Reason::Rejected),
        (BackendErrorKind::Unavailable, Reason::ServiceUnavailable),
        (BackendErrorKind::Throttled, Reason::Throttled),
        (BackendErrorKind::Connect, Reason::ConnectFailed),
        (BackendErrorKind::Timeout, Reason::Timeout),
        (BackendErrorKind::Server, Reason::ServerError),
        (BackendErrorKind::Protocol, Reason::BadAnswer),
        (BackendErrorKind::Internal, Reason::Internal),
    ];

    fn backend(kind: BackendErrorKind) -> BackendError {
        BackendError::new(kind)
            .with_status(503)
            .with_reference(INSTANCE)
    }

    fn rejection() -> Rejection {
        Rejection::new(RejectionCode::BadInput).with_reference(INSTANCE)
    }

    /// One expected mapping: the reason, the exit code and whether Leyr's instance is kept.
    #[track_caller]
    fn check(error: impl IntoFailure, reason: Reason, exit_code: u8, has_instance: bool) {
        let shown = format!("{error:?}");
        let failure = error.into_failure("could not do it");
        assert_eq!(failure.reason(), reason, "{shown}");
        assert_eq!(failure.reason().kind().exit_code(), exit_code, "{shown}");
        assert_eq!(failure.exit_code(), ExitCode::from(exit_code), "{shown}");
        let expected_instance = has_instance.then_some(INSTANCE);
        assert_eq!(failure.instance(), expected_instance, "{shown}");
        let value = failure.to_json();
        assert_eq!(value["error"]["kind"], reason.kind().as_str(), "{shown}");
        assert_eq!(value["error"]["code"], reason.as_str(), "{shown}");
    }

    #[test]
    fn every_read_error_has_one_exit_code() {
        check(
            QueryError::NotFound(Entity::Patient),
            Reason::NotFound,
            1,
            false,
        );
        check(QueryError::Rejected(rejection()), Reason::Rejected, 1, true);
        check(
            QueryError::InvalidWindow(TimeRangeError::EndNotAfterStart),
            Reason::Invalid,
            1,
            false,
        );
        for (kind, reason) in BACKEND_KINDS {
            let exit_code = reason.kind().exit_code();
            check(
                QueryError::Unavailable(backend(kind)),
                reason,
                exit_code,
                true,
            );
        }
    }

    #[test]
    fn every_booking_error_has_one_exit_code() {
        check(
            BookAppointmentError::Rule(RuleViolation::TooShortNotice),
            Reason::Rule,
            1,
            false,
        );
        check(BookAppointmentError::SlotTaken, Reason::SlotTaken, 1, false);
        check(
            BookAppointmentError::NotFound(Entity::Patient),
            Reason::NotFound,
            1,
            false,
        );
        check(
            BookAppointmentError::Rejected(rejection()),
            Reason::Rejected,
            1,
            true,
        );
        check(
            BookAppointmentError::OutcomeUnknown(ReadError::Backend(backend(
                BackendErrorKind::Unavailable,
            ))),
            Reason::OutcomeUnknown,
            4,
            true,
        );
        check(
            BookAppointmentError::OutcomeUnknown(ReadError::Rejected(rejection())),
            Reason::OutcomeUnknown,
            4,
            true,
        );
        check(
            BookAppointmentError::OutcomeUnknown(ReadError::NotFound(Entity::Patient)),
            Reason::OutcomeUnknown,
            4,
            false,
        );
        check(
            BookAppointmentError::DeadlineExceeded,
            Reason::Timeout,
            3,
            false,
        );
        check(
            BookAppointmentError::StillSettling,
            Reason::OutcomeUnknown,
            4,
            false,
        );
        for (kind, reason) in BACKEND_KINDS {
            let exit_code = reason.kind().exit_code();
            check(
                BookAppointmentError::Unavailable(backend(kind)),
                reason,
                exit_code,
                true,
            );
        }
    }

    #[test]
    fn every_appointment_change_error_has_one_exit_code() {
        check(
            ChangeAppointmentError::Rule(RuleViolation::BeyondHorizon),
            Reason::Rule,
            1,
            false,
        );
        check(
            ChangeAppointmentError::InvalidBatch(BatchError::Duplicate),
            Reason::Invalid,
            1,
            false,
        );
        check(
            ChangeAppointmentError::NotFound(Entity::Appointment),
            Reason::NotFound,
            1,
            false,
        );
        check(
            ChangeAppointmentError::SlotTaken,
            Reason::SlotTaken,
            1,
            false,
        );
        check(
            ChangeAppointmentError::Forbidden(TransitionError::Completed),
            Reason::NotAllowed,
            1,
            false,
        );
        check(
            ChangeAppointmentError::Rejected(rejection()),
            Reason::Rejected,
            1,
            true,
        );
        check(
            ChangeAppointmentError::OutcomeUnknown(backend(BackendErrorKind::Timeout)),
            Reason::OutcomeUnknown,
            4,
            true,
        );
        for (kind, reason) in BACKEND_KINDS {
            let exit_code = reason.kind().exit_code();
            check(
                ChangeAppointmentError::Unavailable(backend(kind)),
                reason,
                exit_code,
                true,
            );
        }
    }

    #[test]
    fn every_registration_error_has_one_exit_code() {
        for invalid in [
            RegisterPatientError::InvalidPersonnummer(PersonnummerError::Empty),
            RegisterPatientError::BirthDateInFuture,
            RegisterPatientError::InvalidFirstName(ContactError::EmptyName),
            RegisterPatientError::InvalidLastName(ContactError::NameTooLong),
            RegisterPatientError::InvalidPhone(ContactError::Phone),
            RegisterPatientError::InvalidEmail(ContactError::NameCharacter),
        ] {
            check(invalid, Reason::Invalid, 1, false);
        }
        check(
            RegisterPatientError::NotFound(Entity::CareUnit),
            Reason::NotFound,
            1,
            false,
        );
        check(
            RegisterPatientError::Rejected(rejection()),
            Reason::Rejected,
            1,
            true,
        );
        check(
            RegisterPatientError::OutcomeUnknown(backend(BackendErrorKind::Timeout)),
            Reason::OutcomeUnknown,
            4,
            true,
        );
        for (kind, reason) in BACKEND_KINDS {
            let exit_code = reason.kind().exit_code();
            check(
                RegisterPatientError::Unavailable(backend(kind)),
                reason,
                exit_code,
                true,
            );
        }
    }

    #[test]
    fn every_record_error_has_one_exit_code() {
        check(
            WriteRecordError::InvalidTitle(NoteError::Empty),
            Reason::Invalid,
            1,
            false,
        );
        check(
            WriteRecordError::InvalidText(NoteError::ControlCharacter),
            Reason::Invalid,
            1,
            false,
        );
        check(
            WriteRecordError::NotFound(Entity::Author),
            Reason::NotFound,
            1,
            false,
        );
        check(
            WriteRecordError::Rejected(rejection()),
            Reason::Rejected,
            1,
            true,
        );
        check(
            WriteRecordError::OutcomeUnknown(backend(BackendErrorKind::Timeout)),
            Reason::OutcomeUnknown,
            4,
            true,
        );
        for (kind, reason) in BACKEND_KINDS {
            let exit_code = reason.kind().exit_code();
            check(
                WriteRecordError::Unavailable(backend(kind)),
                reason,
                exit_code,
                true,
            );
        }
    }

    #[test]
    fn credentials_and_other_refusals_are_refused_and_failures_unavailable() {
        let exit_code = |kind| {
            Reason::of_backend(&BackendError::new(kind))
                .kind()
                .exit_code()
        };
        assert_eq!(exit_code(BackendErrorKind::Unauthorized), 1);
        assert_eq!(exit_code(BackendErrorKind::Client), 1);
        for kind in [
            BackendErrorKind::Unavailable,
            BackendErrorKind::Throttled,
            BackendErrorKind::Connect,
            BackendErrorKind::Timeout,
            BackendErrorKind::Server,
            BackendErrorKind::Protocol,
            BackendErrorKind::Internal,
        ] {
            assert_eq!(exit_code(kind), 3, "{kind:?}");
        }
    }

    #[test]
    fn a_refused_confirmation_says_why_and_is_rejected_input() {
        let refused = |code| ChangeAppointmentError::Rejected(Rejection::new(code));
        let wrong = of_confirmation(refused(RejectionCode::BadInput), "anitasystems");
        assert_eq!(wrong.reason(), Reason::Rejected);
        assert_eq!(wrong.exit_code(), ExitCode::from(1));
        assert_eq!(
            wrong.to_string(),
            "could not confirm: the code is wrong or has expired, or the appointment is not \
             awaiting confirmation (the EHR refused the request (BAD_INPUT))"
        );
        let direct = of_confirmation(refused(RejectionCode::BadInput), "takecare");
        assert!(
            direct
                .to_string()
                .ends_with("; takecare books and cancels without a code (`leyr ehrs`)"),
            "{direct}"
        );
        let unsupported = of_confirmation(refused(RejectionCode::NotSupported), "physica");
        assert_eq!(unsupported.reason(), Reason::Rejected);
        assert_eq!(
            unsupported.to_string(),
            "could not confirm: physica does not support confirmation by code (the EHR refused \
             the request (NOT_SUPPORTED))"
        );
        let with_instance = ChangeAppointmentError::Rejected(rejection());
        assert_eq!(
            of_confirmation(with_instance, "anitasystems").instance(),
            Some(INSTANCE)
        );
        let unknown = of_confirmation(
            ChangeAppointmentError::NotFound(Entity::Appointment),
            "anitasystems",
        );
        assert_eq!(unknown.reason(), Reason::NotFound);
        assert_eq!(
            unknown.to_string(),
            "could not confirm: the appointment was not found"
        );
        let spent = of_confirmation(
            ChangeAppointmentError::Forbidden(TransitionError::NotAwaitingConfirmation),
            "anitasystems",
        );
        assert_eq!(spent.reason(), Reason::NotAllowed);
    }

    #[test]
    fn the_exit_code_table_lists_success_and_every_kind_once() {
        let codes: Vec<u8> = EXIT_CODES.iter().map(|row| row.code).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4]);
        for kind in Kind::ALL {
            let row = EXIT_CODES
                .iter()
                .find(|row| row.code == kind.exit_code())
                .unwrap();
            assert_eq!(row.name, kind.as_str());
        }
        for reason in Reason::ALL {
            assert!(Kind::ALL.contains(&reason.kind()));
        }
        let mut names: Vec<&str> = Reason::ALL.iter().map(|reason| reason.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Reason::ALL.len(), "codes are unique");
    }

    #[test]
    fn the_module_docs_show_the_help_text() {
        let source = include_str!("failure.rs");
        let docs: String = source
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        let block = docs
            .split("```text\n")
            .nth(1)
            .and_then(|rest| rest.split("\n```").next())
            .unwrap();
        assert_eq!(block, help_text());
        assert!(help_text().lines().all(|line| line.chars().count() <= 93));
    }

    #[test]
    fn a_failure_is_one_json_object_of_the_documented_shape() {
        let failure = BookAppointmentError::SlotTaken.into_failure("could not book");
        assert_eq!(
            failure.to_json(),
            json!({"ok": false, "error": {
                "kind": "refused",
                "code": "slot_taken",
                "message": "could not book: the timeslot is no longer free",
                "instance": null,
            }})
        );
        assert_eq!(failure.to_json().to_string().lines().count(), 1);
    }

    #[test]
    fn messages_stop_at_the_port_error() {
        /// A transport error whose text holds a URL with a personnummer.
        #[derive(Debug)]
        struct Transport;
        impl fmt::Display for Transport {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("error sending request for url (http://leyr/patients/191212121212)")
            }
        }
        impl Error for Transport {}

        let read = ReadError::Backend(
            BackendError::new(BackendErrorKind::Unavailable)
                .with_status(503)
                .with_reference(INSTANCE)
                .with_source(Transport),
        );
        let failure = BookAppointmentError::OutcomeUnknown(read).into_failure("could not book");
        assert_eq!(
            failure.to_string(),
            format!(
                "could not book: could not tell whether the appointment was booked: the EHR is \
                 unavailable (HTTP 503) [instance {INSTANCE}]"
            )
        );
        assert_eq!(failure.reason().kind(), Kind::OutcomeUnknown);
    }

    #[test]
    fn clap_errors_name_flags_but_never_the_values_typed() {
        use clap::{Arg, Command};
        let command = || {
            Command::new("leyr")
                .arg(Arg::new("patient").long("patient").required(true))
                .arg(
                    Arg::new("count")
                        .long("count")
                        .value_parser(clap::value_parser!(u8)),
                )
        };
        let unknown = command()
            .try_get_matches_from(["leyr", "--patient", "x", "191212121212"])
            .unwrap_err();
        let failure = Failure::from_clap(&unknown);
        assert_eq!(failure.reason(), Reason::Usage);
        assert_eq!(failure.to_string(), "unexpected argument found");

        let missing = command().try_get_matches_from(["leyr"]).unwrap_err();
        assert_eq!(
            Failure::from_clap(&missing).to_string(),
            "one or more required arguments were not provided: --patient <patient>"
        );

        let invalid = command()
            .try_get_matches_from(["leyr", "--patient", "x", "--count", "191212121212"])
            .unwrap_err();
        let message = Failure::from_clap(&invalid).to_string();
        assert!(message.contains("--count"), "{message}");
        assert!(!message.contains("1912"), "{message}");
    }
}
