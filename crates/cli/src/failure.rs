//! How a command fails: one line without patient data, and an exit code.
//!
//! Exit codes: 0 success, 1 refused by a rule or by Leyr (slot taken, not found, invalid),
//! 2 usage, 3 Leyr or the network unavailable, or a write whose outcome is unknown.

use std::error::Error;
use std::fmt;
use std::process::ExitCode;

use leyr_app::{
    BookAppointmentError, ChangeAppointmentError, QueryError, RegisterPatientError,
    WriteRecordError,
};
use leyr_domain::error::{BackendError, BackendErrorKind};

/// What a failed command reports.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    code: u8,
}

/// A refusal: a rule, Leyr saying no, a thing not found.
pub(crate) const REFUSED: u8 = 1;
/// Bad usage: a flag or argument that cannot be read.
pub(crate) const USAGE: u8 = 2;
/// Leyr or the network is unavailable.
pub(crate) const UNAVAILABLE: u8 = 3;

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: USAGE,
        }
    }

    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: REFUSED,
        }
    }

    /// A failure whose message is `context` and the error's chain, one sentence each. The chain
    /// stops at the port's [`BackendError`]: it already names the kind of failure, the HTTP
    /// status and Leyr's `instance`, which the transport's own error under it would repeat.
    pub(crate) fn from_error(context: &str, error: &(dyn Error + 'static), code: u8) -> Self {
        let mut message = format!("{context}: {error}");
        let mut current = error;
        while let Some(cause) = current.source() {
            if current.is::<BackendError>() {
                break;
            }
            message.push_str(": ");
            message.push_str(&cause.to_string());
            current = cause;
        }
        Self { message, code }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a use case's error means for the exit code.
pub(crate) enum Outcome<'a> {
    /// A rule, a refusal or something not found: [`REFUSED`].
    Refused,
    /// The EHR failed: [`REFUSED`] when it refused the credentials or the request, else
    /// [`UNAVAILABLE`].
    Failed(&'a BackendError),
    /// A write may or may not have happened: [`UNAVAILABLE`].
    Unknown,
}

impl Outcome<'_> {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Refused => REFUSED,
            Self::Failed(backend) => match backend.kind() {
                BackendErrorKind::Unauthorized | BackendErrorKind::Client => REFUSED,
                _ => UNAVAILABLE,
            },
            Self::Unknown => UNAVAILABLE,
        }
    }
}

/// Turns a use case's error into a [`Failure`] with the right exit code.
pub(crate) trait IntoFailure: Error + Sized + 'static {
    /// What the error means for the exit code.
    fn outcome(&self) -> Outcome<'_>;

    /// `context`, then the error's chain, with the exit code of [`IntoFailure::outcome`].
    fn into_failure(self, context: &str) -> Failure {
        let code = self.outcome().exit_code();
        Failure::from_error(context, &self, code)
    }
}

impl IntoFailure for QueryError {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Self::Unavailable(backend) => Outcome::Failed(backend),
            _ => Outcome::Refused,
        }
    }
}

/// The use cases that write: each error has `Unavailable(BackendError)` and `OutcomeUnknown`.
macro_rules! write_outcomes {
    ($($error:ty),*) => {$(
        impl IntoFailure for $error {
            fn outcome(&self) -> Outcome<'_> {
                match self {
                    Self::Unavailable(backend) => Outcome::Failed(backend),
                    Self::OutcomeUnknown(_) => Outcome::Unknown,
                    _ => Outcome::Refused,
                }
            }
        }
    )*};
}

write_outcomes!(
    BookAppointmentError,
    ChangeAppointmentError,
    RegisterPatientError,
    WriteRecordError
);
