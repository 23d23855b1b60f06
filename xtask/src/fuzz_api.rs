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

use std::process::Command;

use crate::python::{self, release_sandbox};
use crate::{Result, check_status, target_dir, workspace_root};

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

pub(crate) fn run() -> Result {
    let root = workspace_root();
    let target = target_dir();
    let binary = release_sandbox()?;
    let bin = python::venv(
        &target.join("fuzz-api"),
        &[format!("schemathesis=={SCHEMATHESIS}")],
    )?;
    let schemathesis = bin.join("schemathesis");
    let (_sandbox, url) = python::start_sandbox(&binary, &["--client-secret", CLIENT_SECRET])?;
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
