//! The workspace's own rules, each failure saying how to fix it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;

/// Crates that do I/O: the domain must not depend on any of them, directly or not.
const IO_CRATES: &[&str] = &[
    "tokio",
    "reqwest",
    "hyper",
    "axum",
    "serde_json",
    "mio",
    "socket2",
];

/// Calls that read the wall clock.
const CLOCK_CALLS: &[&str] = &["Utc::now", "Local::now", "SystemTime::now", "Instant::now"];

/// The one source file allowed to read the wall clock.
const CLOCK_FILE: &str = "crates/app/src/clock.rs";

/// Macros that must not ship in library code.
// Spelled in pieces so this file does not trip its own rule.
const FORBIDDEN_MACROS: &[&str] = &[
    concat!("dbg", "!("),
    concat!("todo", "!("),
    concat!("unimplemented", "!("),
];

pub(crate) fn run(root: &Path) -> Result {
    let mut problems = Vec::new();
    domain_does_no_io(root, &mut problems)?;
    only_the_clock_reads_the_clock(root, &mut problems)?;
    no_forbidden_macros(root, &mut problems)?;
    manifests_inherit_the_workspace(root, &mut problems)?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n- {}",
            problems.len(),
            problems.join("\n- ")
        )
        .into())
    }
}

/// `leyr-domain`'s normal dependency tree, for the default and for every feature, holds no I/O crate.
fn domain_does_no_io(root: &Path, problems: &mut Vec<String>) -> Result {
    for features in [&[][..], &["--all-features"][..]] {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(root)
            .args([
                "tree",
                "--package",
                "leyr-domain",
                "--edges",
                "normal",
                "--prefix",
                "none",
                "--locked",
            ])
            .args(features)
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "cargo tree failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let tree = String::from_utf8_lossy(&output.stdout);
        for line in tree.lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            if IO_CRATES.contains(&name) {
                problems.push(format!(
                    "leyr-domain depends on the I/O crate `{name}` (features: {features:?}); \
                     move that code to an adapter crate and keep the domain pure"
                ));
            }
        }
    }
    Ok(())
}

fn only_the_clock_reads_the_clock(root: &Path, problems: &mut Vec<String>) -> Result {
    for file in rust_files(&root.join("crates"))? {
        let relative = relative(root, &file);
        let in_src = relative.contains("/src/");
        if !in_src || relative == CLOCK_FILE {
            continue;
        }
        let text = fs::read_to_string(&file)?;
        for (number, line) in code_lines(&text) {
            for call in CLOCK_CALLS {
                // `Instant::now` is fine outside the domain: it measures, it does not tell the date.
                if *call == "Instant::now" && !relative.starts_with("crates/domain/") {
                    continue;
                }
                if line.contains(call) {
                    problems.push(format!(
                        "{relative}:{number} calls `{call}`; take `now` from the `Clock` port \
                         (only {CLOCK_FILE} reads the wall clock)"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn no_forbidden_macros(root: &Path, problems: &mut Vec<String>) -> Result {
    let mut files = rust_files(&root.join("crates"))?;
    files.extend(rust_files(&root.join("xtask"))?);
    for file in files {
        let relative = relative(root, &file);
        if !relative.contains("/src/") {
            continue;
        }
        let text = fs::read_to_string(&file)?;
        for (number, line) in code_lines(&text) {
            for forbidden in FORBIDDEN_MACROS {
                if line.contains(forbidden) {
                    problems.push(format!(
                        "{relative}:{number} uses `{forbidden}`: finish or remove it"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Every crate inherits `[lints]` and takes every dependency from `[workspace.dependencies]`.
fn manifests_inherit_the_workspace(root: &Path, problems: &mut Vec<String>) -> Result {
    let mut manifests: Vec<PathBuf> = fs::read_dir(root.join("crates"))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("Cargo.toml")))
        .filter(|path| path.exists())
        .collect();
    manifests.push(root.join("xtask/Cargo.toml"));
    manifests.sort();
    for manifest in manifests {
        let relative = relative(root, &manifest);
        let text = fs::read_to_string(&manifest)?;
        if !text.contains("[lints]\nworkspace = true") {
            problems.push(format!(
                "{relative} must inherit the lints: add `[lints]\\nworkspace = true`"
            ));
        }
        let mut section = String::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with('[') {
                section = line.to_owned();
                continue;
            }
            let is_dependency_table = section.ends_with("dependencies]");
            if !is_dependency_table || line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !line.contains("workspace = true") && !line.contains(".workspace = true") {
                problems.push(format!(
                    "{relative}:{} declares a dependency outside [workspace.dependencies]; \
                     list it once in the root Cargo.toml and write `name.workspace = true`",
                    number + 1
                ));
            }
        }
    }
    Ok(())
}

/// Lines that are not comments, numbered from 1.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name == "target") {
                    continue;
                }
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}
