//! What the Python-driven tasks share: a virtual environment with pinned packages, and a
//! release `leyr-sandbox` on a free loopback port.

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use crate::{Result, cargo, check_status, target_dir};

/// Creates a virtual environment under `dir` with exactly `requirements` (pinned `name==x.y`)
/// unless one with them is there already; returns its `bin` directory.
pub(crate) fn venv(dir: &Path, requirements: &[String]) -> Result<PathBuf> {
    let venv = dir.join("venv");
    let bin = venv.join("bin");
    let wanted = requirements.join("\n");
    let marker = venv.join("installed-requirements.txt");
    if fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        if venv.exists() {
            fs::remove_dir_all(&venv)?;
        }
        fs::create_dir_all(dir)?;
        let python = env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let status = Command::new(&python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|error| format!("`{python}` (Python 3 with venv) is needed: {error}"))?;
        check_status("python3 -m venv", status)?;
        let status = Command::new(bin.join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(requirements)
            .status()?;
        check_status("pip install", status)?;
        fs::write(&marker, wanted)?;
    }
    Ok(bin)
}

/// Builds the release `leyr-sandbox`; returns its path.
pub(crate) fn release_sandbox() -> Result<PathBuf> {
    cargo(&[
        "build",
        "--release",
        "--locked",
        "-p",
        "leyr-cli",
        "--bin",
        "leyr-sandbox",
    ])?;
    Ok(target_dir().join("release").join("leyr-sandbox"))
}

/// A started sandbox, stopped when dropped (however the run ends). Keeps its stdout open.
pub(crate) struct RunningSandbox {
    child: Child,
    _stdout: BufReader<ChildStdout>,
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` on a free loopback port with `args`; returns it and its base URL.
pub(crate) fn start_sandbox(binary: &Path, args: &[&str]) -> Result<(RunningSandbox, String)> {
    let mut child = Command::new(binary)
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("the sandbox has no stdout")?;
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    let read = stdout.read_line(&mut line);
    let running = RunningSandbox {
        child,
        _stdout: stdout,
    };
    read?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("the sandbox did not start: {line:?}"))?
        .to_owned();
    Ok((running, url))
}
