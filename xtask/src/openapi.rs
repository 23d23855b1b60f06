//! `docs/openapi.json`, the OpenAPI description of Leyr's API as the sandbox serves it (C48).
//!
//! The description is built from `leyr-wire`'s types, and its `openapi` example prints it:
//! `cargo xtask openapi` writes that text to the file, and `cargo xtask ci` fails when the file
//! holds anything else. The example is built with the workspace's features, as the test step
//! builds it, so that in CI it costs a link and nothing more.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::json;

/// The file, relative to the workspace root.
pub(crate) const FILE: &str = "docs/openapi.json";

/// Writes the description to [`FILE`].
pub(crate) fn write(root: &Path) -> Result {
    let description = generate()?;
    fs::write(root.join(FILE), description)?;
    eprintln!("xtask: wrote {FILE}");
    Ok(())
}

/// Fails when [`FILE`] is not the description the types give.
pub(crate) fn check(root: &Path) -> Result {
    let description = generate()?;
    let committed = fs::read(root.join(FILE)).unwrap_or_default();
    if committed == description {
        Ok(())
    } else {
        Err(format!("{FILE} is stale: run `cargo xtask openapi` and commit it").into())
    }
}

/// The description, as the example prints it.
fn generate() -> Result<Vec<u8>> {
    let build = crate::cargo_command(&[
        "build",
        "--workspace",
        "--all-features",
        "--locked",
        "--quiet",
        "--example",
        "openapi",
        "--message-format",
        "json-render-diagnostics",
    ])
    .output()?;
    crate::check_status("cargo build --example openapi", build.status)?;
    let messages = String::from_utf8_lossy(&build.stdout);
    let example = executable(&messages)
        .ok_or("cargo built no `openapi` example; it belongs to leyr-wire's `examples/`")?;
    let run = Command::new(&example).output()?;
    crate::check_status(&example.display().to_string(), run.status)?;
    Ok(run.stdout)
}

/// The executable of the `openapi` example, from the JSON lines of `cargo build
/// --message-format json`.
fn executable(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| json::parse(line).ok())
        .filter(|message| {
            message.get("reason").and_then(json::Json::as_str) == Some("compiler-artifact")
        })
        .filter(|message| {
            let target = message.get("target");
            let name = target.and_then(|target| target.get("name"));
            let kinds = target.and_then(|target| target.get("kind"));
            let is_example = kinds
                .and_then(json::Json::as_array)
                .is_some_and(|kinds| kinds.iter().any(|kind| kind.as_str() == Some("example")));
            name.and_then(json::Json::as_str) == Some("openapi") && is_example
        })
        .find_map(|message| message.get("executable")?.as_str().map(PathBuf::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_found_among_cargo_messages() {
        let messages = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"leyr_wire","kind":["lib"]},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"openapi","kind":["bin"]},"executable":"/t/debug/openapi"}"#,
            "\n",
            "not json\n",
            r#"{"reason":"compiler-artifact","target":{"name":"openapi","kind":["example"]},"executable":"/t/debug/examples/openapi"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            executable(messages),
            Some(PathBuf::from("/t/debug/examples/openapi"))
        );
        assert_eq!(
            executable(r#"{"reason":"build-finished","success":true}"#),
            None
        );
    }
}
