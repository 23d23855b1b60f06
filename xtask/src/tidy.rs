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
        for name in io_crates_in(&String::from_utf8_lossy(&output.stdout)) {
            problems.push(format!(
                "leyr-domain depends on the I/O crate `{name}` (features: {features:?}); \
                 move that code to an adapter crate and keep the domain pure"
            ));
        }
    }
    Ok(())
}

/// The I/O crates named in `cargo tree --prefix none` output (one `name vX.Y.Z ...` per line).
fn io_crates_in(tree: &str) -> Vec<String> {
    let mut found: Vec<String> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| IO_CRATES.contains(name))
        .map(str::to_owned)
        .collect();
    found.dedup();
    found
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway workspace-shaped tree under the system's temporary directory.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let root =
                std::env::temp_dir().join(format!("xtask-tidy-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            fs::create_dir_all(&root).unwrap();
            Self(root)
        }

        fn file(&self, path: &str, text: &str) {
            let path = self.0.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn io_crates_are_found_in_cargo_tree_output() {
        let tree = "leyr-domain v0.1.0 (/x)\nchrono v0.4.42\ntokio v1.48.0\nserde_json v1.0.145\n";
        assert_eq!(io_crates_in(tree), ["tokio", "serde_json"]);
        assert!(
            io_crates_in("leyr-domain v0.1.0\nchrono v0.4.42\ntokio-macros v2.0.0\n").is_empty()
        );
    }

    #[test]
    fn a_clock_call_outside_the_clock_file_is_a_problem() {
        let scratch = Scratch::new("clock");
        scratch.file(
            "crates/domain/src/rules.rs",
            "fn f() { let now = Utc::now(); }\n// Utc::now in a comment is fine\n",
        );
        scratch.file("crates/app/src/clock.rs", "fn now() { Utc::now() }\n");
        scratch.file("crates/app/tests/it.rs", "fn t() { SystemTime::now(); }\n");
        scratch.file(
            "crates/in-memory/src/bench.rs",
            "fn t() { Instant::now(); }\n",
        );
        let mut problems = Vec::new();
        only_the_clock_reads_the_clock(&scratch.0, &mut problems).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("crates/domain/src/rules.rs:1 calls `Utc::now`"));
    }

    #[test]
    fn forbidden_macros_in_shipped_code_are_problems() {
        let scratch = Scratch::new("macros");
        let call = concat!("to", "do!()");
        scratch.file("crates/app/src/lib.rs", &format!("fn f() {{ {call} }}\n"));
        scratch.file("crates/app/tests/it.rs", &format!("fn t() {{ {call} }}\n"));
        let mut problems = Vec::new();
        no_forbidden_macros(&scratch.0, &mut problems).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("crates/app/src/lib.rs:1 uses"));
    }

    #[test]
    fn manifests_must_inherit_lints_and_workspace_dependencies() {
        let scratch = Scratch::new("manifests");
        scratch.file(
            "xtask/Cargo.toml",
            "[package]\nname = \"xtask\"\n\n[lints]\nworkspace = true\n",
        );
        scratch.file(
            "crates/good/Cargo.toml",
            "[package]\nname = \"good\"\n\n[dependencies]\nserde.workspace = true\ntokio = { workspace = true, features = [\"rt\"] }\n\n[lints]\nworkspace = true\n",
        );
        scratch.file(
            "crates/bad/Cargo.toml",
            "[package]\nname = \"bad\"\n\n[dev-dependencies]\nrand = \"0.9\"\n",
        );
        let mut problems = Vec::new();
        manifests_inherit_the_workspace(&scratch.0, &mut problems).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("crates/bad/Cargo.toml must inherit the lints"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("crates/bad/Cargo.toml:5 declares a dependency"))
        );
    }
}
