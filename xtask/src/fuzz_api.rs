//! `cargo xtask fuzz-api`: the sandbox's own OpenAPI description turned against it (C48).
//!
//! Builds the release `leyr-sandbox`, starts it on a free loopback port, installs a pinned
//! Schemathesis into a virtual environment under the target directory (once; reused while the
//! version matches) and runs every phase (examples, coverage, fuzzing, stateful) with positive
//! and negative data and a fixed seed, within a time budget. Any failure fails the task; the
//! sandbox is stopped however the run ends.
//!
//! Checks excluded, each for a reason the contract gives:
//!
//! - `positive_data_acceptance`: a request that fits the schema may still be refused with 400,
//!   as the contract requires: an id that does not exist answers `INVALID_<KIND>_ID` (C14, not
//!   404), a body's acceptability depends on the `{emr}`'s profile (`external_id` required by
//!   TakeCare and Konfidens, a phone by Anita, operations outside a profile `NOT_SUPPORTED`,
//!   C43), and a slot must be one the sandbox offers (C19). A schema cannot say "exists" or
//!   "free", so this check would flag the documented answers. Every other check runs: the
//!   server never answers 5xx, every answer matches its schema, status codes and content
//!   types are documented, and invalid data is refused.

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::{Result, cargo, check_status, workspace_root};

/// The Schemathesis release the task installs.
const SCHEMATHESIS: &str = "4.32.5";

/// The seed of every run, so a failure can be replayed.
const SEED: &str = "20241202";

/// The time budget of the fuzzing and stateful phases, in seconds.
const MAX_TIME_SECONDS: &str = "150";

/// The client secret the sandbox requires during the run (C4).
const CLIENT_SECRET: &str = "fuzz-secret";

/// The checks not run, with the reason in the module documentation.
const EXCLUDED_CHECKS: &str = "positive_data_acceptance";

/// Stops the sandbox when the run ends, however it ends. Keeps its stdout open meanwhile.
struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn run() -> Result {
    let root = workspace_root();
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    cargo(&[
        "build",
        "--release",
        "--locked",
        "-p",
        "leyr-cli",
        "--bin",
        "leyr-sandbox",
    ])?;
    let schemathesis = install(&target.join("fuzz-api"))?;
    let (_sandbox, url) = start(&target.join("release").join("leyr-sandbox"))?;
    let report = target.join("fuzz-api").join("report");
    let status = Command::new(schemathesis)
        .arg("run")
        .arg(format!("{url}/openapi.json"))
        .args(["--header", "x-leyr-client-id: fuzz-api"])
        .args([
            "--header",
            &format!("x-leyr-client-secret: {CLIENT_SECRET}"),
        ])
        .args(["--checks", "all", "--exclude-checks", EXCLUDED_CHECKS])
        .args(["--mode", "all"])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--seed", SEED, "--max-time", MAX_TIME_SECONDS])
        .args(["--workers", "2", "--no-color"])
        // Nothing is kept in the workspace between runs: the seed makes a run repeatable.
        .args(["--generation-database", "none"])
        .args(["--report", "junit", "--report-dir"])
        .arg(&report)
        .current_dir(&root)
        .status()?;
    check_status("schemathesis run", status)
}

/// Creates the virtual environment and installs [`SCHEMATHESIS`] unless it is there already;
/// returns the `schemathesis` executable.
fn install(dir: &Path) -> Result<PathBuf> {
    let venv = dir.join("venv");
    let bin = venv.join("bin");
    let marker = venv.join(format!("schemathesis-{SCHEMATHESIS}"));
    if !marker.exists() {
        if venv.exists() {
            fs::remove_dir_all(&venv)?;
        }
        fs::create_dir_all(dir)?;
        let python = env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let status = Command::new(&python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|error| format!("`{python}` is needed for the API fuzzing: {error}"))?;
        check_status("python3 -m venv", status)?;
        let status = Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS}"))
            .status()?;
        check_status("pip install schemathesis", status)?;
        fs::write(&marker, SCHEMATHESIS)?;
    }
    Ok(bin.join("schemathesis"))
}

/// Starts the sandbox on a free loopback port; returns it and its base URL.
fn start(binary: &Path) -> Result<(Running, String)> {
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0"])
        .args(["--client-secret", CLIENT_SECRET])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("the sandbox has no stdout")?;
    let mut running = Running {
        child,
        stdout: BufReader::new(stdout),
    };
    let mut line = String::new();
    running.stdout.read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("the sandbox did not start: {line:?}"))?
        .to_owned();
    Ok((running, url))
}
