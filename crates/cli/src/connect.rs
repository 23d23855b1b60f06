//! Building the use cases over `leyr-http`: the composition root of the command line.

use std::time::Duration;

use leyr_app::Booking;
use leyr_http::LeyrClient;
use secrecy::SecretString;

use crate::cli::Connection;
use crate::failure::{Failure, Reason};

/// The client secret's environment variable; never a flag, so it stays out of process lists.
pub(crate) const SECRET_VARIABLE: &str = "LEYR_CLIENT_SECRET";

/// The use cases over a `leyr-http` client for `base_url`.
pub(crate) fn booking(
    base_url: &str,
    client_id: &str,
    client_secret: SecretString,
    connection: &Connection,
) -> Result<Booking, Failure> {
    let client = LeyrClient::builder()
        .base_url(base_url)
        .client_id(client_id)
        .client_secret(client_secret)
        .emr(connection.emr.as_str())
        .deadline(Duration::from_secs(connection.timeout))
        .build()
        .map_err(|error| {
            Failure::from_error("cannot configure the Leyr client", &error, Reason::Usage)
        })?;
    Ok(Booking::over(client))
}

/// The use cases for a command that needs a running Leyr API. An in-process sandbox would forget
/// everything between two commands, so none is started here.
pub(crate) fn from_connection(connection: &Connection) -> Result<Booking, Failure> {
    let base_url = connection.base_url.as_deref().ok_or_else(|| {
        Failure::usage(
            "this command needs a Leyr API: pass --base-url (or set LEYR_BASE_URL), e.g. a sandbox \
             started with `leyr sandbox`; an in-process sandbox would forget everything between \
             two commands",
        )
    })?;
    let client_id = connection
        .client_id
        .as_deref()
        .ok_or_else(|| Failure::usage("set --client-id or LEYR_CLIENT_ID"))?;
    booking(base_url, client_id, secret_from_env()?, connection)
}

/// The client secret from [`SECRET_VARIABLE`].
pub(crate) fn secret_from_env() -> Result<SecretString, Failure> {
    match std::env::var(SECRET_VARIABLE) {
        Ok(secret) if !secret.is_empty() => Ok(SecretString::from(secret)),
        _ => Err(Failure::usage(format!(
            "set {SECRET_VARIABLE} to the Leyr application's client secret"
        ))),
    }
}
