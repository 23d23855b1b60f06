//! The `leyr` binary, run as a process: the demo end to end, exit codes, and no patient data or
//! secret in anything it prints.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod commands;
mod crash;
mod exit_codes;
mod sandbox_binary;

const SECRET: &str = "cli-test-secret-5e1f0c";
/// Every personnummer the demo touches.
const PERSONNUMMER: [&str; 3] = ["197110021834", "198101012394", "198101012395"];

pub(crate) fn leyr(args: &[&str], envs: &[(&str, &str)]) -> Output {
    command(args, envs).output().expect("the leyr binary runs")
}

/// `leyr <args>` with `stdin` written to its standard input, which is then closed.
pub(crate) fn leyr_with_stdin(args: &[&str], envs: &[(&str, &str)], stdin: &str) -> Output {
    let mut command = command(args, envs);
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the leyr binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("leyr takes its stdin");
    child.wait_with_output().expect("the leyr binary runs")
}

/// `leyr <args>` with none of the variables that configure it, except those in `envs`.
fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leyr"));
    command.args(args);
    for variable in [
        "LEYR_BASE_URL",
        "LEYR_CLIENT_ID",
        "LEYR_CLIENT_SECRET",
        "LEYR_CARE_UNIT",
        "LEYR_LOG",
        "NO_COLOR",
    ] {
        command.env_remove(variable);
    }
    command.envs(envs.iter().copied());
    command
}

pub(crate) fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// No run of 6 or more digits of any personnummer the demo used (the masked form keeps the
/// 4-digit birth year only), and no secret.
#[track_caller]
pub(crate) fn assert_no_patient_data(all: &str) {
    for number in PERSONNUMMER {
        for start in 0..=number.len() - 6 {
            let run = &number[start..start + 6];
            assert!(!all.contains(run), "output shows the digits {run}:\n{all}");
        }
    }
    assert!(!all.contains(SECRET), "output shows the client secret");
    for name in ["Testperson", "Alfa", "Anders", "Andersson", "headache"] {
        assert!(!all.contains(name), "output shows {name:?}");
    }
}

#[test]
fn the_demo_runs_the_whole_lifecycle_through_http() {
    let output = leyr(
        &["demo", "--json"],
        &[("LEYR_CLIENT_SECRET", SECRET), ("LEYR_LOG", "debug")],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "demo failed:\n{stdout}\n{stderr}");
    let steps: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let names: Vec<&str> = steps
        .iter()
        .map(|step| step["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sandbox",
            "care_units",
            "get_patient",
            "register_invalid",
            "register_patient",
            "catalog",
            "timeslots",
            "book",
            "list_appointments",
            "reschedule",
            "cancel",
            "write_note",
            "read_notes"
        ]
    );
    assert!(steps.iter().all(|step| step["ok"] == true));
    let by_name = |name: &str| steps.iter().find(|step| step["step"] == name).unwrap();
    assert_eq!(by_name("care_units")["care_unit_id"], "10");
    assert_eq!(by_name("register_invalid")["refused"], true);
    assert_eq!(by_name("register_patient")["created"], true);
    assert_eq!(
        by_name("catalog")["services"],
        serde_json::json!(["1001", "1002", "1003"])
    );
    assert_eq!(by_name("book")["status"], "booked");
    assert_eq!(by_name("book")["resource_id"], "10-991890000019");
    assert_eq!(by_name("reschedule")["id"], by_name("book")["id"]);
    assert_ne!(by_name("reschedule")["start"], by_name("book")["start"]);
    assert_eq!(by_name("cancel")["status"], "cancelled");
    assert_eq!(by_name("read_notes")["newest"], by_name("write_note")["id"]);
    // The seeded history holds two notes for the test patient; the demo adds one.
    assert_eq!(by_name("read_notes")["count"], 3);
    assert!(
        stderr.contains("DEBUG"),
        "debug logs were enabled, so some were expected"
    );
    assert_no_patient_data(&format!("{stdout}\n{stderr}"));
}

#[test]
fn the_demo_prints_one_readable_line_per_step() {
    let output = leyr(&["demo"], &[("LEYR_CLIENT_SECRET", SECRET)]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "demo failed:\n{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 13, "{stdout}");
    assert!(lines[0].contains("Started the TakeCare sandbox at http://127.0.0.1:"));
    assert!(
        lines
            .iter()
            .any(|line| line.contains("Booked appointment") && line.contains("1971********"))
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("Refused 1981******** before any request"))
    );
    assert_no_patient_data(&format!("{stdout}\n{stderr}"));
}

#[test]
fn ssn_check_explains_valid_and_invalid_numbers() {
    let output = leyr(
        &[
            "ssn",
            "check",
            "121212+1212",
            "--reference-date",
            "2026-11-24",
        ],
        &[],
    );
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    assert!(
        stdout.contains("valid personnummer: born 1912-12-12, male, 191212121212 / 121212+1212"),
        "{stdout}"
    );

    let output = leyr(
        &["ssn", "check", "--json", "197010632391", "201509160006"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let (stdout, stderr) = text(&output);
    let results: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(results[0]["kind"], "samordningsnummer");
    assert_eq!(results[0]["birth_date"], "1970-10-03");
    assert_eq!(results[1]["valid"], false);
    assert!(
        !stderr.contains("2015"),
        "the error line repeats no digits: {stderr}"
    );
}

#[test]
fn exit_codes_separate_usage_refusal_and_unavailability() {
    assert_eq!(leyr(&["no-such-command"], &[]).status.code(), Some(2));

    let output = leyr(&["care-units"], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).1.contains("--base-url"),
        "says what is missing"
    );

    let output = leyr(
        &[
            "patient",
            "get",
            "197110021835",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[("LEYR_CLIENT_ID", "x"), ("LEYR_CLIENT_SECRET", SECRET)],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "an invalid personnummer is refused before any request"
    );

    // Nothing listens on port 9 (discard) of the loopback: the network is unavailable.
    let output = leyr(
        &[
            "care-units",
            "--base-url",
            "http://127.0.0.1:9",
            "--timeout",
            "2",
        ],
        &[("LEYR_CLIENT_ID", "x"), ("LEYR_CLIENT_SECRET", SECRET)],
    );
    assert_eq!(output.status.code(), Some(3), "{:?}", text(&output));
    assert_no_patient_data(&text(&output).1);
}

/// `leyr demo --emr <code>` runs each EHR's lifecycle to the end (contract §9): the
/// confirmation steps on Anita, one skip line per operation a profile lacks, and a usage error
/// for an EHR without a profile.
#[test]
fn the_demo_runs_for_every_ehr() {
    let steps_of = |emr: &str| -> Vec<Value> {
        let output = leyr(&["--emr", emr, "demo", "--json"], &[]);
        let (stdout, stderr) = text(&output);
        assert!(
            output.status.success(),
            "demo {emr} failed:\n{stdout}\n{stderr}"
        );
        stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    };
    let names = |steps: &[Value]| -> Vec<String> {
        steps
            .iter()
            .map(|step| step["step"].as_str().unwrap().to_owned())
            .collect()
    };
    let anita = steps_of("anitasystems");
    let anita_names = names(&anita);
    for step in ["confirm_booking", "cancel", "confirm_cancel", "done"] {
        assert!(
            anita_names.iter().any(|name| name == step),
            "{anita_names:?}"
        );
    }
    let skipped: Vec<&str> = anita
        .iter()
        .filter_map(|step| step["unsupported"].as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "get_patient",
            "get_appointment",
            "list_appointments",
            "reschedule",
            "write_note"
        ]
    );
    let kaddio = steps_of("kaddio");
    assert!(kaddio.iter().any(|step| step["unsupported"] == "cancel"));
    assert!(!names(&kaddio).contains(&"confirm_booking".to_owned()));
    let konfidens = names(&steps_of("konfidens"));
    assert!(konfidens.contains(&"cancel".to_owned()) && konfidens.contains(&"done".to_owned()));

    let unknown = leyr(&["--emr", "webdoc", "demo"], &[]);
    assert!(!unknown.status.success());
    let (_, stderr) = text(&unknown);
    assert!(
        stderr.contains("takecare, kaddio, anitasystems"),
        "{stderr}"
    );
}
