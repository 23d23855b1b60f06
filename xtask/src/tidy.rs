//! The workspace's own rules, each failure saying how to fix it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Result;
use crate::json::{self, Json};

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
    crates_keep_their_layers(root, &mut problems)?;
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

/// One row of the layering table: a workspace crate and the workspace crates it may use.
#[derive(Debug)]
struct Layer {
    /// The crate's package name.
    name: &'static str,
    /// What the crate is, as a failure message names it: "an adapter", "the domain".
    role: &'static str,
    /// The workspace crates it may depend on through normal and build dependencies.
    may_use: &'static [&'static str],
    /// How to fix a dependency outside `may_use`.
    fix: &'static str,
}

/// Which workspace crate may depend on which, through normal and build dependencies.
///
/// Dev-dependencies are not checked: tests may wire any crates together. A crate listed here
/// that does not exist yet costs nothing; a workspace crate missing from here is a problem.
const LAYERS: &[Layer] = &[
    Layer {
        name: "leyr-domain",
        role: "the domain",
        may_use: &[],
        fix: "the domain is the centre of the hexagon and knows no other layer; move the code \
              that needs it out of the domain (a dev-dependency is fine if only tests need it)",
    },
    Layer {
        name: "leyr-wire",
        role: "the wire format",
        may_use: &["leyr-domain"],
        fix: "the wire types describe Leyr's JSON in terms of the domain alone; move the code \
              that needs it to the adapter or server that uses it",
    },
    Layer {
        name: "leyr-in-memory",
        role: "an adapter",
        may_use: ADAPTER_MAY_USE,
        fix: ADAPTER_FIX,
    },
    Layer {
        name: "leyr-http",
        role: "an adapter",
        may_use: ADAPTER_MAY_USE,
        fix: ADAPTER_FIX,
    },
    Layer {
        name: "leyr-sandbox",
        role: "a server",
        may_use: &["leyr-domain", "leyr-wire", "leyr-in-memory"],
        fix: "the sandbox serves the in-memory adapter over HTTP and nothing else; share code \
              through leyr-domain or leyr-wire, or make it a dev-dependency if only tests need it",
    },
    Layer {
        name: "leyr-app",
        role: "the app",
        may_use: &["leyr-domain"],
        fix: "the use-cases see the world only through the domain ports; take the adapter as a \
              port implementation and wire it in leyr-cli (a dev-dependency is fine for tests)",
    },
    Layer {
        name: "leyr-contract",
        role: "the contract suite",
        may_use: &["leyr-domain", "leyr-in-memory"],
        fix: "the contract suite is written against the domain ports, and reads the seeded worlds \
              it checks from leyr-in-memory's seed definitions; each adapter runs it from its own \
              tests, as a dev-dependency",
    },
    Layer {
        name: "leyr-cli",
        role: "the composition root",
        may_use: &[
            "leyr-domain",
            "leyr-wire",
            "leyr-app",
            "leyr-in-memory",
            "leyr-http",
            "leyr-sandbox",
        ],
        fix: "the command line wires the shipped crates together; the contract suite and the \
              build tool are for tests and CI, so make it a dev-dependency or drop it",
    },
    Layer {
        name: "xtask",
        role: "the build tool",
        may_use: &[],
        fix: "the build tool reads the workspace through cargo and links none of its crates; \
              drop the dependency",
    },
];

/// What an adapter may use: the domain, and the wire format shared with the server.
const ADAPTER_MAY_USE: &[&str] = &["leyr-domain", "leyr-wire"];

/// How to fix an adapter that reaches past [`ADAPTER_MAY_USE`].
const ADAPTER_FIX: &str = "adapters implement the domain ports side by side and never see each \
                           other, the app, the server, the command line or the contract suite; \
                           share code through leyr-domain or leyr-wire and wire crates together \
                           in leyr-cli (a dev-dependency is fine if only tests need it)";

/// Concrete adapters: of the crates missing from [`LAYERS`], none may depend on these.
const CONCRETE_ADAPTERS: &[&str] = &["leyr-http", "leyr-in-memory", "leyr-sandbox"];

/// The kind of a dependency, as `cargo metadata` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DependencyKind {
    /// `[dependencies]`: `kind` is `null`.
    Normal,
    /// `[build-dependencies]`: `kind` is `"build"`.
    Build,
    /// `[dev-dependencies]`: `kind` is `"dev"`.
    Dev,
}

/// One workspace crate declaring a dependency on another.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    /// The package that declares the dependency.
    from: String,
    /// The workspace package it depends on.
    to: String,
    /// Which dependency table declares it.
    kind: DependencyKind,
}

/// The workspace's crates and the dependencies between them.
#[derive(Debug, Default, PartialEq, Eq)]
struct WorkspaceGraph {
    /// The package names of the workspace members.
    members: BTreeSet<String>,
    /// Every declared dependency of a member on a member, of every kind.
    edges: BTreeSet<Edge>,
}

/// Every workspace crate depends only on the workspace crates [`LAYERS`] allows it.
fn crates_keep_their_layers(root: &Path, problems: &mut Vec<String>) -> Result {
    let output = cargo(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let metadata = String::from_utf8(output.stdout)
        .map_err(|_| "cargo metadata printed something that is not UTF-8")?;
    let graph = workspace_graph(&metadata)?;
    problems.extend(layering_problems(&graph, LAYERS));
    Ok(())
}

/// Reads the workspace members and the dependencies between them from the output of
/// `cargo metadata --format-version 1`.
///
/// A member is a package whose `id` is listed in `workspace_members`. A dependency is an edge
/// when its `name`, the package name (a renamed dependency keeps it, with the new name in
/// `rename`), is a member's. Platform-specific and optional dependencies count like the rest.
///
/// # Errors
///
/// Returns what is wrong when the text is not JSON or lacks a field this reads, when a listed
/// member has no package, or when a dependency has a kind other than normal, build or dev.
fn workspace_graph(metadata: &str) -> std::result::Result<WorkspaceGraph, String> {
    let root = json::parse(metadata).map_err(|error| format!("cargo metadata: {error}"))?;
    let member_ids = array_field(&root, "workspace_members", "the metadata")?
        .iter()
        .map(|id| {
            id.as_str()
                .ok_or_else(|| "cargo metadata: a workspace member id is not a string".to_owned())
        })
        .collect::<std::result::Result<BTreeSet<&str>, String>>()?;

    let mut graph = WorkspaceGraph::default();
    let mut found_ids = BTreeSet::new();
    let mut declared = Vec::new();
    for package in array_field(&root, "packages", "the metadata")? {
        let id = str_field(package, "id", "a package")?;
        if !member_ids.contains(id) {
            continue;
        }
        let name = str_field(package, "name", "a package")?;
        found_ids.insert(id);
        graph.members.insert(name.to_owned());
        declared.push((name, array_field(package, "dependencies", name)?));
    }
    if let Some(missing) = member_ids.difference(&found_ids).next() {
        return Err(format!(
            "cargo metadata: the workspace member `{missing}` is not among the packages"
        ));
    }

    for (from, dependencies) in declared {
        for dependency in dependencies {
            let to = str_field(dependency, "name", from)?;
            let kind = dependency_kind(dependency, from)?;
            if graph.members.contains(to) {
                graph.edges.insert(Edge {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    kind,
                });
            }
        }
    }
    Ok(graph)
}

/// The kind of one entry of a package's `dependencies`.
fn dependency_kind(
    dependency: &Json,
    package: &str,
) -> std::result::Result<DependencyKind, String> {
    match field(dependency, "kind", package)? {
        Json::Null => Ok(DependencyKind::Normal),
        Json::String(kind) if kind == "build" => Ok(DependencyKind::Build),
        Json::String(kind) if kind == "dev" => Ok(DependencyKind::Dev),
        other => Err(format!(
            "cargo metadata: a dependency of {package} has the unknown kind {other:?}; \
             teach the layering rule in xtask/src/tidy.rs whether it counts"
        )),
    }
}

/// The member `key` of the object `value`; `owner` names the object in the error.
fn field<'a>(value: &'a Json, key: &str, owner: &str) -> std::result::Result<&'a Json, String> {
    value
        .get(key)
        .ok_or_else(|| format!("cargo metadata: {owner} has no `{key}`"))
}

/// The string member `key` of the object `value`.
fn str_field<'a>(value: &'a Json, key: &str, owner: &str) -> std::result::Result<&'a str, String> {
    field(value, key, owner)?
        .as_str()
        .ok_or_else(|| format!("cargo metadata: `{key}` of {owner} is not a string"))
}

/// The array member `key` of the object `value`.
fn array_field<'a>(
    value: &'a Json,
    key: &str,
    owner: &str,
) -> std::result::Result<&'a [Json], String> {
    field(value, key, owner)?
        .as_array()
        .ok_or_else(|| format!("cargo metadata: `{key}` of {owner} is not an array"))
}

/// Every normal or build dependency in `graph` that `layers` does not allow, and every
/// workspace crate that `layers` does not list, each with how to fix it.
fn layering_problems(graph: &WorkspaceGraph, layers: &[Layer]) -> Vec<String> {
    let mut problems = Vec::new();
    for member in &graph.members {
        let layer = layers.iter().find(|layer| layer.name == member.as_str());
        if layer.is_none() {
            problems.push(format!(
                "{member} is a workspace crate the layering rule does not know: add it to the \
                 layering table in xtask/src/tidy.rs (`LAYERS`) with the workspace crates it \
                 may depend on"
            ));
        }
        // Edges are ordered by kind, so a crate named in both [dependencies] and
        // [build-dependencies] is reported once, as a normal dependency.
        let mut reported = BTreeSet::new();
        let edges = graph.edges.iter().filter(|edge| {
            edge.from == *member && edge.kind != DependencyKind::Dev && reported.insert(&edge.to)
        });
        for edge in edges {
            let depends = match edge.kind {
                DependencyKind::Build => "build-depends on",
                DependencyKind::Normal | DependencyKind::Dev => "depends on",
            };
            let to = &edge.to;
            match layer {
                Some(layer) if !layer.may_use.contains(&to.as_str()) => {
                    let allowed = match layer.may_use {
                        [] => "no workspace crate".to_owned(),
                        names => format!("only {}", list(names)),
                    };
                    problems.push(format!(
                        "{member} {depends} {to}; {} may use {allowed}: {}",
                        layer.role, layer.fix
                    ));
                }
                None if CONCRETE_ADAPTERS.contains(&to.as_str()) => problems.push(format!(
                    "{member} {depends} {to}; only leyr-cli, the composition root, may depend \
                     on concrete adapters: depend on the ports in leyr-domain and let leyr-cli \
                     choose the adapter (a dev-dependency is fine if only tests need it)"
                )),
                _ => {}
            }
        }
    }
    problems
}

/// `a`, `a and b`, `a, b and c`.
fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A `cargo` command run in `root`: the cargo running this task, or the one on the path.
fn cargo(root: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root);
    command
}

/// `leyr-domain`'s normal dependency tree, for the default and for every feature, holds no I/O crate.
fn domain_does_no_io(root: &Path, problems: &mut Vec<String>) -> Result {
    for features in [&[][..], &["--all-features"][..]] {
        let output = cargo(root)
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

    /// `cargo metadata --format-version 1 --no-deps` text for a workspace of `packages`, each a
    /// name and its dependencies as (name, kind) with the kind as JSON: `null`, `"build"` or
    /// `"dev"`.
    fn metadata(packages: &[(&str, &[(&str, &str)])]) -> String {
        let id = |name: &str| format!("path+file:///ws/crates/{name}#{name}@0.1.0");
        let objects: Vec<String> = packages
            .iter()
            .map(|(name, dependencies)| {
                let dependencies: Vec<String> = dependencies
                    .iter()
                    .map(|(dependency, kind)| {
                        format!(
                            r#"{{"name":"{dependency}","source":null,"req":"^0.1.0","kind":{kind},"rename":null,"optional":false,"uses_default_features":true,"features":[],"target":null,"registry":null}}"#
                        )
                    })
                    .collect();
                format!(
                    r#"{{"name":"{name}","version":"0.1.0","id":"{}","dependencies":[{}],"targets":[],"features":{{}},"metadata":null}}"#,
                    id(name),
                    dependencies.join(",")
                )
            })
            .collect();
        let members: Vec<String> = packages
            .iter()
            .map(|(name, _)| format!("\"{}\"", id(name)))
            .collect();
        format!(
            r#"{{"packages":[{}],"workspace_members":[{}],"resolve":null,"version":1,"metadata":null}}"#,
            objects.join(","),
            members.join(",")
        )
    }

    /// The layering problems of the workspace `packages` describe.
    fn layering(packages: &[(&str, &[(&str, &str)])]) -> Vec<String> {
        layering_problems(&workspace_graph(&metadata(packages)).unwrap(), LAYERS)
    }

    /// Today's workspace, every workspace edge its manifests declare, once the sandbox no
    /// longer reaches for leyr-app and leyr-http.
    const CURRENT: &[(&str, &[(&str, &str)])] = &[
        ("leyr-domain", &[]),
        (
            "leyr-in-memory",
            &[
                ("leyr-domain", "null"),
                ("leyr-contract", "\"dev\""),
                ("leyr-domain", "\"dev\""),
            ],
        ),
        (
            "leyr-http",
            &[
                ("leyr-domain", "null"),
                ("leyr-contract", "\"dev\""),
                ("leyr-in-memory", "\"dev\""),
                ("leyr-sandbox", "\"dev\""),
            ],
        ),
        (
            "leyr-sandbox",
            &[("leyr-domain", "null"), ("leyr-in-memory", "null")],
        ),
        (
            "leyr-app",
            &[
                ("leyr-domain", "null"),
                ("leyr-domain", "\"dev\""),
                ("leyr-in-memory", "\"dev\""),
                ("leyr-http", "\"dev\""),
                ("leyr-sandbox", "\"dev\""),
            ],
        ),
        ("leyr-contract", &[("leyr-domain", "null")]),
        (
            "leyr-cli",
            &[
                ("leyr-app", "null"),
                ("leyr-domain", "null"),
                ("leyr-http", "null"),
                ("leyr-sandbox", "null"),
            ],
        ),
        ("xtask", &[]),
    ];

    /// Asserts that `problems` is exactly one message, starting with `start`.
    fn assert_one_problem(problems: &[String], start: &str) {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].starts_with(start), "{problems:#?}");
    }

    #[test]
    fn metadata_is_read_into_workspace_crates_and_edges() {
        // Shaped like real output: members not first, a package that is not a member,
        // external, renamed and platform-specific dependencies, and escapes in strings.
        let text = r#"{
          "packages": [
            {"name": "leyr-app", "id": "path+file:///C:/ws/crates/app#leyr-app@0.1.0",
             "description": "Use-cases \"over\" the ports \u00e5",
             "dependencies": [
               {"name": "chrono", "source": "registry+https://github.com/rust-lang/crates.io-index",
                "kind": null, "rename": null, "target": null},
               {"name": "leyr-domain", "source": null, "kind": null, "rename": "domain",
                "target": null, "path": "C:\\ws\\crates\\domain"},
               {"name": "leyr-domain", "source": null, "kind": "build", "rename": null,
                "target": "cfg(unix)"},
               {"name": "leyr-http", "source": null, "kind": "dev", "rename": null,
                "target": null}
             ],
             "features": {"default": []}, "metadata": {"docs": {"rs": {"all-features": true}}}},
            {"name": "leyr-domain", "id": "path+file:///C:/ws/crates/domain#leyr-domain@0.1.0",
             "dependencies": [], "version": "0.1.0", "edition": "2024"},
            {"name": "leyr-http", "id": "path+file:///C:/ws/crates/leyr-http#0.1.0",
             "dependencies": [{"name": "leyr-outside", "kind": null}]},
            {"name": "leyr-outside", "id": "registry+https://example.invalid#leyr-outside@1.0.0",
             "dependencies": [{"name": "leyr-app", "kind": null}]}
          ],
          "workspace_members": [
            "path+file:///C:/ws/crates/leyr-http#0.1.0",
            "path+file:///C:/ws/crates/app#leyr-app@0.1.0",
            "path+file:///C:/ws/crates/domain#leyr-domain@0.1.0"
          ],
          "resolve": null, "target_directory": "C:\\ws\\target", "version": 1,
          "workspace_root": "C:\\ws", "metadata": null
        }"#;
        let graph = workspace_graph(text).unwrap();
        assert_eq!(
            graph.members.iter().map(String::as_str).collect::<Vec<_>>(),
            ["leyr-app", "leyr-domain", "leyr-http"]
        );
        let edge = |from: &str, to: &str, kind| Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            kind,
        };
        assert_eq!(
            graph.edges,
            BTreeSet::from([
                edge("leyr-app", "leyr-domain", DependencyKind::Normal),
                edge("leyr-app", "leyr-domain", DependencyKind::Build),
                edge("leyr-app", "leyr-http", DependencyKind::Dev),
            ])
        );
    }

    #[test]
    fn metadata_of_an_unexpected_shape_is_an_error() {
        let member = r#""workspace_members": ["a#x@0.1.0"]"#;
        for (text, expected) in [
            ("not json", "cargo metadata: invalid JSON at byte 0"),
            (
                r#"{"packages": []}"#,
                "the metadata has no `workspace_members`",
            ),
            (
                r#"{"workspace_members": [1], "packages": []}"#,
                "member id is not a string",
            ),
            (
                &format!(r#"{{{member}, "packages": {{}}}}"#),
                "`packages` of the metadata is not an array",
            ),
            (
                &format!(r#"{{{member}, "packages": []}}"#),
                "`a#x@0.1.0` is not among the packages",
            ),
            (
                &format!(
                    r#"{{{member}, "packages": [{{"id": "a#x@0.1.0", "dependencies": []}}]}}"#
                ),
                "a package has no `name`",
            ),
            (
                &format!(r#"{{{member}, "packages": [{{"id": "a#x@0.1.0", "name": "x"}}]}}"#),
                "x has no `dependencies`",
            ),
            (
                &format!(
                    r#"{{{member}, "packages": [{{"id": "a#x@0.1.0", "name": "x", "dependencies": [{{"name": "y"}}]}}]}}"#
                ),
                "x has no `kind`",
            ),
            (
                &format!(
                    r#"{{{member}, "packages": [{{"id": "a#x@0.1.0", "name": "x", "dependencies": [{{"name": "y", "kind": "proc"}}]}}]}}"#
                ),
                "a dependency of x has the unknown kind",
            ),
        ] {
            let error = workspace_graph(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn the_current_layout_passes() {
        assert_eq!(layering(CURRENT), Vec::<String>::new());
    }

    #[test]
    fn the_layout_with_a_wire_crate_passes() {
        let mut packages: Vec<(&str, Vec<(&str, &str)>)> = CURRENT
            .iter()
            .map(|(name, dependencies)| (*name, dependencies.to_vec()))
            .collect();
        packages.push(("leyr-wire", vec![("leyr-domain", "null")]));
        for (name, dependencies) in &mut packages {
            if ["leyr-http", "leyr-sandbox", "leyr-cli"].contains(name) {
                dependencies.push(("leyr-wire", "null"));
            }
        }
        let packages: Vec<(&str, &[(&str, &str)])> = packages
            .iter()
            .map(|(name, dependencies)| (*name, dependencies.as_slice()))
            .collect();
        assert_eq!(layering(&packages), Vec::<String>::new());
    }

    #[test]
    fn the_layering_table_is_consistent() {
        let names: Vec<&str> = LAYERS.iter().map(|layer| layer.name).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(
            unique.len(),
            names.len(),
            "a crate is listed twice: {names:?}"
        );
        for layer in LAYERS {
            for used in layer.may_use {
                assert!(
                    names.contains(used),
                    "{} may use the unknown {used}",
                    layer.name
                );
                assert_ne!(*used, layer.name, "{} may use itself", layer.name);
            }
        }
        // Only the composition root holds the app and a concrete adapter together.
        for layer in LAYERS.iter().filter(|layer| layer.name != "leyr-cli") {
            let adapter = layer
                .may_use
                .iter()
                .any(|used| CONCRETE_ADAPTERS.contains(used));
            assert!(
                !(adapter && layer.may_use.contains(&"leyr-app")),
                "{}",
                layer.name
            );
        }
        // Every crate of the workspace is in the table.
        for (name, _) in CURRENT {
            assert!(names.contains(name), "{name} is not in the table");
        }
    }

    #[test]
    fn dev_dependencies_may_reach_anything() {
        let problems = layering(&[
            ("leyr-domain", &[("leyr-in-memory", "\"dev\"")]),
            (
                "leyr-in-memory",
                &[("leyr-http", "\"dev\""), ("leyr-app", "\"dev\"")],
            ),
            ("leyr-http", &[]),
            ("leyr-app", &[("leyr-sandbox", "\"dev\"")]),
            (
                "leyr-sandbox",
                &[("leyr-http", "\"dev\""), ("leyr-cli", "\"dev\"")],
            ),
            ("leyr-cli", &[("leyr-contract", "\"dev\"")]),
            ("leyr-contract", &[("leyr-in-memory", "\"dev\"")]),
            ("xtask", &[("leyr-cli", "\"dev\"")]),
        ]);
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn a_build_dependency_counts_like_a_normal_one() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            (
                "leyr-app",
                &[("leyr-domain", "null"), ("leyr-in-memory", "\"build\"")],
            ),
            ("leyr-in-memory", &[("leyr-domain", "null")]),
        ]);
        assert_one_problem(
            &problems,
            "leyr-app build-depends on leyr-in-memory; the app",
        );
    }

    #[test]
    fn the_domain_depending_on_a_workspace_crate_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[("leyr-contract", "null")]),
            ("leyr-contract", &[("leyr-domain", "null")]),
        ]);
        assert_one_problem(
            &problems,
            "leyr-domain depends on leyr-contract; the domain may use no workspace crate: ",
        );
    }

    #[test]
    fn the_wire_crate_depending_on_anything_but_the_domain_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            (
                "leyr-wire",
                &[("leyr-domain", "null"), ("leyr-app", "null")],
            ),
            ("leyr-app", &[("leyr-domain", "null")]),
        ]);
        assert_one_problem(
            &problems,
            "leyr-wire depends on leyr-app; the wire format may use only leyr-domain: ",
        );
    }

    #[test]
    fn an_adapter_depending_on_another_adapter_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-in-memory", &[("leyr-domain", "null")]),
            (
                "leyr-http",
                &[("leyr-domain", "null"), ("leyr-in-memory", "null")],
            ),
        ]);
        assert_one_problem(
            &problems,
            "leyr-http depends on leyr-in-memory; an adapter may use only leyr-domain and \
             leyr-wire: ",
        );
    }

    #[test]
    fn an_adapter_depending_on_the_app_or_a_consumer_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-app", &[("leyr-domain", "null")]),
            (
                "leyr-in-memory",
                &[("leyr-domain", "null"), ("leyr-app", "null")],
            ),
        ]);
        assert_one_problem(&problems, "leyr-in-memory depends on leyr-app; an adapter ");
        for consumer in ["leyr-sandbox", "leyr-cli", "leyr-contract"] {
            let problems = layering(&[("leyr-http", &[(consumer, "null")]), (consumer, &[])]);
            assert_one_problem(
                &problems,
                &format!("leyr-http depends on {consumer}; an adapter "),
            );
        }
    }

    #[test]
    fn the_sandbox_depending_on_the_http_adapter_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-in-memory", &[("leyr-domain", "null")]),
            ("leyr-http", &[("leyr-domain", "null")]),
            (
                "leyr-sandbox",
                &[
                    ("leyr-domain", "null"),
                    ("leyr-in-memory", "null"),
                    ("leyr-http", "null"),
                ],
            ),
        ]);
        assert_one_problem(
            &problems,
            "leyr-sandbox depends on leyr-http; a server may use only leyr-domain, leyr-wire and \
             leyr-in-memory: ",
        );
    }

    #[test]
    fn the_app_depending_on_an_adapter_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-http", &[("leyr-domain", "null")]),
            (
                "leyr-app",
                &[("leyr-domain", "null"), ("leyr-http", "null")],
            ),
        ]);
        assert_one_problem(
            &problems,
            "leyr-app depends on leyr-http; the app may use only leyr-domain: ",
        );
    }

    #[test]
    fn the_contract_suite_and_the_build_tool_stay_apart() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-in-memory", &[("leyr-domain", "null")]),
            ("leyr-http", &[("leyr-domain", "null")]),
            (
                "leyr-contract",
                &[
                    ("leyr-domain", "null"),
                    ("leyr-in-memory", "null"),
                    ("leyr-http", "null"),
                ],
            ),
            ("xtask", &[("leyr-domain", "\"build\"")]),
        ]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with(
            "leyr-contract depends on leyr-http; the contract suite may use only leyr-domain and leyr-in-memory: "
        ));
        assert!(problems[1].starts_with(
            "xtask build-depends on leyr-domain; the build tool may use no workspace crate: "
        ));
    }

    #[test]
    fn an_unknown_workspace_crate_is_a_problem() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-http", &[("leyr-domain", "null")]),
            ("leyr-sandbox", &[("leyr-domain", "null")]),
            (
                "leyr-billing",
                &[
                    ("leyr-domain", "null"),
                    ("leyr-http", "null"),
                    ("leyr-sandbox", "\"dev\""),
                ],
            ),
        ]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].starts_with(
            "leyr-billing is a workspace crate the layering rule does not know: add it to the \
             layering table in xtask/src/tidy.rs"
        ));
        assert!(problems[1].starts_with(
            "leyr-billing depends on leyr-http; only leyr-cli, the composition root, may depend \
             on concrete adapters: "
        ));
    }

    #[test]
    fn a_crate_named_twice_as_a_dependency_is_reported_once() {
        let problems = layering(&[
            ("leyr-domain", &[]),
            ("leyr-http", &[]),
            (
                "leyr-app",
                &[("leyr-http", "null"), ("leyr-http", "\"build\"")],
            ),
        ]);
        assert_one_problem(&problems, "leyr-app depends on leyr-http; ");
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
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
