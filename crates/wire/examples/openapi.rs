//! Prints the OpenAPI description of Leyr's API (C48) on stdout, as `docs/openapi.json` holds
//! it: `cargo xtask openapi` writes the file with it, and `cargo xtask ci` checks the file
//! against it.

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let written = leyr_wire::openapi::to_json(&leyr_wire::openapi::document())
        .map_err(io::Error::from)
        .and_then(|json| io::stdout().lock().write_all(json.as_bytes()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(io::stderr(), "openapi: {error}");
            ExitCode::FAILURE
        }
    }
}
