//! How a command fails: one line without patient data, and an exit code.
//!
//! Exit codes: 0 success, 1 refused by a rule or by Leyr (slot taken, not found, invalid),
//! 2 usage, 3 Leyr or the network unavailable.

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

    /// A failure whose message is `context` and the error's chain, one sentence each.
    pub(crate) fn from_error(context: &str, error: &(dyn Error + 'static), code: u8) -> Self {
        let mut message = format!("{context}: {error}");
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
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

fn backend_code(error: &BackendError) -> u8 {
    match error.kind() {
        BackendErrorKind::Unauthorized | BackendErrorKind::Client => REFUSED,
        _ => UNAVAILABLE,
    }
}

/// Turns a use case's error into a [`Failure`] with the right exit code.
pub(crate) trait IntoFailure {
    fn into_failure(self, context: &str) -> Failure;
}

impl IntoFailure for QueryError {
    fn into_failure(self, context: &str) -> Failure {
        let code = match &self {
            QueryError::Unavailable(backend) => backend_code(backend),
            _ => REFUSED,
        };
        Failure::from_error(context, &self, code)
    }
}

impl IntoFailure for BookAppointmentError {
    fn into_failure(self, context: &str) -> Failure {
        let code = match &self {
            BookAppointmentError::Unavailable(backend) => backend_code(backend),
            BookAppointmentError::OutcomeUnknown(_) => UNAVAILABLE,
            _ => REFUSED,
        };
        Failure::from_error(context, &self, code)
    }
}

impl IntoFailure for ChangeAppointmentError {
    fn into_failure(self, context: &str) -> Failure {
        let code = match &self {
            ChangeAppointmentError::Unavailable(backend) => backend_code(backend),
            ChangeAppointmentError::OutcomeUnknown(_) => UNAVAILABLE,
            _ => REFUSED,
        };
        Failure::from_error(context, &self, code)
    }
}

impl IntoFailure for RegisterPatientError {
    fn into_failure(self, context: &str) -> Failure {
        let code = match &self {
            RegisterPatientError::Unavailable(backend) => backend_code(backend),
            RegisterPatientError::OutcomeUnknown(_) => UNAVAILABLE,
            _ => REFUSED,
        };
        Failure::from_error(context, &self, code)
    }
}

impl IntoFailure for WriteRecordError {
    fn into_failure(self, context: &str) -> Failure {
        let code = match &self {
            WriteRecordError::Unavailable(backend) => backend_code(backend),
            WriteRecordError::OutcomeUnknown(_) => UNAVAILABLE,
            _ => REFUSED,
        };
        Failure::from_error(context, &self, code)
    }
}
