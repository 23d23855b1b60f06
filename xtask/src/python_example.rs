//! `cargo xtask python-example`: `examples/python` as a team in another language uses the
//! sandbox. Starts a release `leyr-sandbox` with a settable clock on a free loopback port,
//! installs the example's pinned requirements into a virtual environment under the target
//! directory (once; reused while the pins match) and runs its pytest against it.

use std::fs;
use std::process::Command;

use crate::python::{self, release_sandbox};
use crate::{Result, check_status, target_dir, workspace_root};

const CLIENT_SECRET: &str = "python-example-secret";

pub(crate) fn run() -> Result {
    let root = workspace_root();
    let example = root.join("examples").join("python");
    let requirements: Vec<String> = fs::read_to_string(example.join("requirements.txt"))?
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let binary = release_sandbox()?;
    let bin = python::venv(&target_dir().join("python-example"), &requirements)?;
    let (_sandbox, url) = python::start_sandbox(
        &binary,
        &[
            "--client-secret",
            CLIENT_SECRET,
            "--clock",
            "manual=2024-03-25T07:30:00+01:00",
        ],
    )?;
    let status = Command::new(bin.join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(&example)
        .env("LEYR_BASE_URL", &url)
        .env("LEYR_CLIENT_SECRET", CLIENT_SECRET)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(&example)
        .status()?;
    check_status("pytest examples/python", status)
}
