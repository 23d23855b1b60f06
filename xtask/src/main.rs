//! Build and CI tasks for the workspace, run as `cargo xtask <task>`.
//!
//! `cargo xtask ci` runs, in order, what CI runs: the format check, the tidy rules, clippy with
//! warnings denied on every target, every test, the check that `docs/openapi.json` is what the
//! wire types describe, the docs with warnings denied, and the API fuzzing of a release
//! sandbox against its own OpenAPI description.

#![allow(
    clippy::print_stderr,
    reason = "a build tool reports its progress on stderr"
)]

use std::env;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod fuzz_api;
mod json;
mod openapi;
mod python;
mod python_example;
mod tidy;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

const USAGE: &str = "usage: cargo xtask <task>
tasks:
  ci       fmt check, tidy, lint, test, openapi check, docs, fuzz-api, python-example:
           everything CI runs
  fmt      format the workspace
  lint     clippy on every target with warnings denied
  test     every test of the workspace
  openapi  write docs/openapi.json, the sandbox's OpenAPI description, from the wire types
           (`--check`: fail if the file is stale instead)
  fuzz-api start a release sandbox and fuzz it from its own OpenAPI description
           (Schemathesis, installed into a virtual environment under the target directory)
  python-example
           run examples/python's pytest against a release sandbox (requests and pytest,
           pinned, installed into a virtual environment under the target directory)
  docs     rustdoc with warnings denied
  tidy     the workspace's own rules (layering, domain I/O, clock, manifests)
  bench    every benchmark (not part of ci: timings are noisy)";

fn main() -> ExitCode {
    let task = env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("fmt") => cargo(&["fmt", "--all"]),
        Some("lint") => lint(),
        Some("test") => test(),
        Some("openapi") => match env::args().nth(2).as_deref() {
            None => openapi::write(&workspace_root()),
            Some("--check") => openapi::check(&workspace_root()),
            Some(_) => Err(USAGE.into()),
        },
        Some("docs") => docs(),
        Some("fuzz-api") => fuzz_api::run(),
        Some("python-example") => python_example::run(),
        Some("tidy") => tidy::run(&workspace_root()),
        Some("bench") => cargo(&["bench", "--workspace", "--locked"]),
        _ => Err(USAGE.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result {
    step("fmt", || cargo(&["fmt", "--all", "--", "--check"]))?;
    step("tidy", || tidy::run(&workspace_root()))?;
    step("lint", lint)?;
    step("test", test)?;
    step("openapi", || openapi::check(&workspace_root()))?;
    step("docs", docs)?;
    step("fuzz-api", fuzz_api::run)?;
    step("python-example", python_example::run)
}

/// The target directory cargo builds into.
fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

fn lint() -> Result {
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--locked",
        "--",
        "-D",
        "warnings",
    ])
}

fn test() -> Result {
    cargo(&["test", "--workspace", "--all-features", "--locked"])
}

fn docs() -> Result {
    let status = cargo_command(&[
        "doc",
        "--workspace",
        "--no-deps",
        "--all-features",
        "--locked",
    ])
    .env("RUSTDOCFLAGS", "-D warnings")
    .status()?;
    check_status("cargo doc", status)
}

fn step(name: &str, task: impl FnOnce() -> Result) -> Result {
    eprintln!("xtask: {name} ...");
    let started = Instant::now();
    task()?;
    eprintln!(
        "xtask: {name} ok in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn cargo(args: &[&str]) -> Result {
    let status = cargo_command(args).status()?;
    check_status(&format!("cargo {}", args.join(" ")), status)
}

fn cargo_command(args: &[&str]) -> Command {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(args).current_dir(workspace_root());
    command
}

fn check_status(what: &str, status: std::process::ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` failed ({status})").into())
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
