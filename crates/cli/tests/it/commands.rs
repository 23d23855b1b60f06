//! Every command against a `leyr sandbox` running in its own process, as a user would run them.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

use crate::{SECRET, leyr, text};

/// Leyr's recommended TakeCare test patient.
const ALFA: &str = "197110021834";
/// A valid personnummer the sandbox does not know.
const UNKNOWN: &str = "198112189876";
/// Another patient of the seed.
const SECOND_PATIENT: &str = "195003042222";
const DR_EHN: &str = "10-991890000019";
const NURSE_LIND: &str = "10-991890000027";

/// `leyr sandbox` on a free loopback port, stopped when dropped.
struct RunningSandbox {
    child: Child,
    url: String,
}

impl RunningSandbox {
    fn start(envs: &[(&str, &str)]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_leyr"));
        command
            .args(["sandbox", "--addr", "127.0.0.1:0"])
            .envs(envs.iter().copied());
        Self::start_with(command)
    }

    fn start_with(mut command: Command) -> Self {
        for variable in ["LEYR_CLIENT_ID", "LEYR_SANDBOX_CLIENT_SECRET"] {
            if command.get_envs().all(|(name, _)| name != variable) {
                command.env_remove(variable);
            }
        }
        command.stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = command.spawn().expect("leyr sandbox starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sandbox says where it listens");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Self { child, url }
    }

    /// `leyr <args> --base-url <url>` with credentials from the environment.
    fn leyr(&self, args: &[&str]) -> Output {
        self.leyr_as("cli-test", args)
    }

    fn leyr_as(&self, client_id: &str, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--base-url", self.url.as_str()]);
        leyr(
            &all,
            &[
                ("LEYR_CLIENT_ID", client_id),
                ("LEYR_CLIENT_SECRET", SECRET),
            ],
        )
    }

    /// Runs `args` with `--json`, expects success and returns one JSON object per line.
    fn json(&self, args: &[&str]) -> Vec<Value> {
        let mut all = args.to_vec();
        all.push("--json");
        let output = self.leyr(&all);
        let (stdout, stderr) = text(&output);
        assert!(
            output.status.success(),
            "{args:?} failed:\n{stdout}\n{stderr}"
        );
        json_lines(&stdout)
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every line of `stdout` as a JSON object: the one `--json` format of every command.
#[track_caller]
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("not JSON ({error}): {line:?}"));
            assert!(value.is_object(), "not one object per line: {line}");
            value
        })
        .collect()
}

/// A failure's stderr: exactly one line, `leyr: ...`, with no digits of `personnummer`.
#[track_caller]
fn assert_one_clean_error_line(output: &Output, personnummer: &str) {
    let (_, stderr) = text(output);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].starts_with("leyr: "), "{stderr}");
    for start in 0..=personnummer.len() - 6 {
        let run = &personnummer[start..start + 6];
        assert!(!stderr.contains(run), "the error shows {run}: {stderr}");
    }
}

/// Whether `time` is RFC 3339 with a Stockholm offset.
fn in_stockholm(time: &Value) -> bool {
    let text = time.as_str().unwrap_or_default();
    text.len() == 25 && (text.ends_with("+01:00") || text.ends_with("+02:00"))
}

/// The first free slot of `resource` on the sandbox's first weekday after a week from now.
fn a_free_slot(sandbox: &RunningSandbox, resource: &str, skip: usize) -> Value {
    let slots = sandbox.json(&["slots", "--resource", resource]);
    slots
        .into_iter()
        .nth(skip)
        .expect("the sandbox offers slots in the next 30 days")
}

#[test]
fn catalog_commands_print_a_table_or_one_json_object_per_line() {
    let sandbox = RunningSandbox::start(&[]);

    let output = sandbox.leyr(&["care-units"]);
    assert!(output.status.success());
    assert_eq!(text(&output).0, "ID  NAME\n10  Vårdenhet 10\n");
    let units = sandbox.json(&["care-units"]);
    assert_eq!(
        units,
        [serde_json::json!({"id": "10", "name": "Vårdenhet 10"})]
    );

    let services = sandbox.json(&["services"]);
    let ids: Vec<&str> = services.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1001", "1002", "1003"]);
    assert_eq!(services[0]["duration_minutes"], 30);
    assert!(
        text(&sandbox.leyr(&["services"]))
            .0
            .contains("1002  Återbesök läkare    15 min")
    );

    let resources = sandbox.json(&["resources"]);
    assert_eq!(resources.len(), 2);
    assert_eq!(resources[0]["id"], DR_EHN);
    assert!(text(&sandbox.leyr(&["resources"])).0.contains(NURSE_LIND));
}

#[test]
fn slots_are_listed_in_a_window_in_stockholm_time() {
    let sandbox = RunningSandbox::start(&[]);
    // The first day whose morning is still ahead, whatever the time of day the test runs at.
    let slots = sandbox.json(&["slots", "--resource", DR_EHN]);
    let first = slots
        .iter()
        .find(|slot| {
            slot["start"]
                .as_str()
                .is_some_and(|start| &start[11..16] == "08:00")
        })
        .expect("the sandbox offers a whole morning in the next 30 days");
    assert!(in_stockholm(&first["start"]), "{first}");
    let day = &first["start"].as_str().unwrap()[..10];

    // From 08:00 to 09:00 Stockholm time on that day: Dr Ehn's 30- and 15-minute slots.
    let from = format!("{day}T08:00");
    let to = format!("{day}T09:00");
    let window = ["slots", "--resource", DR_EHN, "--from", &from, "--to", &to];
    let slots = sandbox.json(&window);
    assert!(!slots.is_empty());
    for slot in &slots {
        let start = slot["start"].as_str().unwrap();
        assert!(start >= from.as_str() && start < to.as_str(), "{slot}");
        assert!(in_stockholm(&slot["end"]), "{slot}");
        assert_eq!(slot["resource_id"], DR_EHN);
    }
    let output = sandbox.leyr(&window);
    let (table, _) = text(&output);
    assert!(table.starts_with("WHEN (STOCKHOLM)"), "{table}");
    assert!(
        table.contains(&format!("{day} 08:00–08:30  {DR_EHN}  1001")),
        "{table}"
    );

    // An empty window prints nothing in JSON and `(none)` for people.
    let nothing = ["slots", "--from", "2000-01-01", "--to", "2000-01-02"];
    assert!(sandbox.json(&nothing).is_empty());
    assert!(text(&sandbox.leyr(&nothing)).0.contains("(none)"));

    let backwards = sandbox.leyr(&["slots", "--from", &to, "--to", &from]);
    assert_eq!(backwards.status.code(), Some(2));
    assert_eq!(text(&backwards).1, "leyr: --to must be after --from\n");
}

#[test]
fn patients_are_looked_up_and_registered() {
    let sandbox = RunningSandbox::start(&[]);
    for form in [
        ALFA,
        "19711002-1834",
        "se_personal_number:197110021834",
        "emr_id:197110021834",
    ] {
        let found = sandbox.json(&["patient", "get", form]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["emr_id"], ALFA, "{form}");
    }
    let output = sandbox.leyr(&["patient", "get", ALFA]);
    assert!(
        text(&output)
            .0
            .starts_with("Testperson Alfa (EHR id 197110021834")
    );

    let unknown = sandbox.leyr(&["patient", "get", UNKNOWN]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_one_clean_error_line(&unknown, UNKNOWN);

    let create = [
        "patient",
        "create",
        "--personnummer",
        "19811218-9876",
        "--first-name",
        "Anders",
        "--last-name",
        "Andersson",
        "--phone",
        "+46701234567",
    ];
    let created = sandbox.json(&create);
    assert_eq!(created[0]["created"], true);
    assert_eq!(created[0]["emr_id"], UNKNOWN);
    assert_eq!(created[0]["phones"], serde_json::json!(["+46701234567"]));
    let again = sandbox.leyr(&create);
    assert!(
        text(&again)
            .0
            .starts_with("Already registered: Anders Andersson")
    );

    let invalid = sandbox.leyr(&[
        "patient",
        "create",
        "--personnummer",
        "198112189875",
        "--first-name",
        "Anders",
        "--last-name",
        "Andersson",
    ]);
    assert_eq!(invalid.status.code(), Some(1));
    assert_one_clean_error_line(&invalid, "198112189875");
}

#[test]
fn appointments_are_booked_listed_rescheduled_and_cancelled() {
    let sandbox = RunningSandbox::start(&[]);
    let first = a_free_slot(&sandbox, DR_EHN, 0);
    let start = first["start"].as_str().unwrap().to_owned();
    let service = first["healthcare_service_id"].as_str().unwrap().to_owned();
    let book = |patient: &str, start: &str, json: bool| {
        let mut args = vec![
            "book",
            "--patient",
            patient,
            "--resource",
            DR_EHN,
            "--service",
            &service,
            "--start",
            start,
            "--comment",
            "Allergic to penicillin",
        ];
        if json {
            args.push("--json");
        }
        sandbox.leyr(&args)
    };

    let output = book(ALFA, &start, true);
    assert!(output.status.success(), "{:?}", text(&output));
    let booked = json_lines(&text(&output).0);
    assert_eq!(booked.len(), 1);
    let booked = &booked[0];
    assert_eq!(booked["status"], "booked");
    assert_eq!(booked["start"], start.as_str());
    assert_eq!(booked["recovered"], false);
    assert_eq!(booked["already_held"], false);
    assert_eq!(booked["has_comment"], true);
    let id = booked["id"].as_str().unwrap().to_owned();

    // The slot is the patient's now: booking it again is no error, and books nothing new.
    let again = book(ALFA, &start, false);
    assert!(again.status.success(), "{:?}", text(&again));
    let (stdout, _) = text(&again);
    assert!(
        stdout.starts_with(&format!("Already booked {id} ")),
        "{stdout}"
    );
    let again = json_lines(&text(&book(ALFA, &start, true)).0);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["id"], id.as_str());
    assert_eq!(again[0]["already_held"], true);
    assert_eq!(again[0]["recovered"], false);

    // For anyone else the slot is taken: refused in one line, without the comment or the
    // patient.
    let taken = book(SECOND_PATIENT, &start, false);
    assert_eq!(taken.status.code(), Some(1));
    assert_one_clean_error_line(&taken, SECOND_PATIENT);
    assert!(!text(&taken).1.contains("penicillin"));

    let listed = sandbox.json(&["appointments", "--patient", ALFA, "--from", &start]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(in_stockholm(&listed[0]["end"]));
    let (table, _) = text(&sandbox.leyr(&["appointments", "--patient", ALFA]));
    assert!(table.starts_with("ID  "), "{table}");
    assert!(table.contains(&id), "{table}");
    assert!(!table.contains("penicillin"), "{table}");

    // Move it to a later free slot of the same resource and service.
    let later = sandbox
        .json(&["slots", "--resource", DR_EHN, "--service", &service])
        .into_iter()
        .find(|slot| slot["start"].as_str().unwrap() > booked["end"].as_str().unwrap())
        .expect("a later slot");
    let later_start = later["start"].as_str().unwrap();
    let moved = sandbox.json(&["reschedule", &id, "--patient", ALFA, "--start", later_start]);
    assert_eq!(moved[0]["id"], id.as_str());
    assert_eq!(moved[0]["start"], later_start);
    let nowhere = sandbox.leyr(&[
        "reschedule",
        &id,
        "--patient",
        ALFA,
        "--start",
        "2000-01-03T08:00",
    ]);
    assert_eq!(nowhere.status.code(), Some(1));
    assert_one_clean_error_line(&nowhere, ALFA);

    // Cancel one, then two at once; all or nothing.
    let cancelled = sandbox.json(&["cancel", &id, "--comment", "Patient is ill"]);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0]["status"], "cancelled");
    let second = a_free_slot(&sandbox, NURSE_LIND, 0);
    let third = a_free_slot(&sandbox, NURSE_LIND, 5);
    let ids: Vec<String> = [second, third]
        .iter()
        .map(|slot| {
            let output = sandbox.leyr(&[
                "book",
                "--patient",
                "emr_id:197110021834",
                "--resource",
                NURSE_LIND,
                "--service",
                slot["healthcare_service_id"].as_str().unwrap(),
                "--start",
                slot["start"].as_str().unwrap(),
                "--json",
            ]);
            assert!(output.status.success(), "{:?}", text(&output));
            json_lines(&text(&output).0)[0]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let unknown = sandbox.leyr(&["cancel", &ids[0], "no-such-appointment"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_one_clean_error_line(&unknown, ALFA);
    let repeated = sandbox.leyr(&["cancel", &ids[0], &ids[0]]);
    assert_eq!(repeated.status.code(), Some(1));
    let output = sandbox.leyr(&["cancel", &ids[0], &ids[1]]);
    let (stdout, _) = text(&output);
    assert!(output.status.success(), "{stdout}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().all(|line| line.starts_with("Cancelled ")),
        "{stdout}"
    );
    let statuses: Vec<Value> = sandbox
        .json(&["appointments", "--patient", ALFA, "--from", &start])
        .into_iter()
        .map(|appointment| appointment["status"].clone())
        .collect();
    assert!(
        statuses.iter().all(|status| status == "cancelled"),
        "{statuses:?}"
    );
}

#[test]
fn appointments_need_a_window_that_ends_after_it_starts() {
    let sandbox = RunningSandbox::start(&[]);
    let output = sandbox.leyr(&["appointments", "--from", "2026-12-02", "--to", "2026-12-01"]);
    assert_eq!(output.status.code(), Some(2), "{:?}", text(&output));
    assert_eq!(text(&output).1, "leyr: --to must be after --from\n");
}

#[test]
fn notes_are_listed_and_written() {
    let sandbox = RunningSandbox::start(&[]);
    // The seeded history holds two notes for the test patient, oldest first.
    let notes = sandbox.json(&["notes", "list", "--patient", ALFA]);
    assert_eq!(notes.len(), 2);
    assert!(notes[0]["created_at"].as_str() < notes[1]["created_at"].as_str());
    assert!(in_stockholm(&notes[0]["created_at"]));

    let written = sandbox.json(&[
        "notes",
        "add",
        "--patient",
        ALFA,
        "--author",
        DR_EHN,
        "--title",
        "Visit",
        "--text",
        "Mild headache.",
    ]);
    assert_eq!(written.len(), 1);
    assert!(in_stockholm(&written[0]["created_at"]));
    let notes = sandbox.json(&["notes", "list", "--patient", ALFA]);
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[2]["id"], written[0]["id"]);
    assert_eq!(notes[2]["text"], "Mild headache.");
    let (table, _) = text(&sandbox.leyr(&["notes", "list", "--patient", ALFA]));
    assert!(table.starts_with("WRITTEN (STOCKHOLM)"), "{table}");
    assert!(table.contains(&format!("{DR_EHN}  Visit")), "{table}");

    // A patient without notes: nothing in JSON, `(none)` for people.
    assert!(
        sandbox
            .json(&["notes", "list", "--patient", "195003042222"])
            .is_empty()
    );
    let (empty, _) = text(&sandbox.leyr(&["notes", "list", "--patient", "195003042222"]));
    assert!(empty.contains("(none)"), "{empty}");

    let unknown_author = sandbox.leyr(&[
        "notes",
        "add",
        "--patient",
        ALFA,
        "--author",
        "nobody",
        "--title",
        "Visit",
        "--text",
        "Mild headache.",
    ]);
    assert_eq!(unknown_author.status.code(), Some(1));
    assert_one_clean_error_line(&unknown_author, ALFA);
    assert!(!text(&unknown_author).1.contains("headache"));
}

#[test]
fn the_sandbox_takes_its_client_id_from_its_own_flag_only() {
    // LEYR_CLIENT_ID configures the commands that talk to Leyr; it must not restrict who may
    // connect to a sandbox started in the same shell.
    let sandbox = RunningSandbox::start(&[("LEYR_CLIENT_ID", "someone-else")]);
    let output = sandbox.leyr_as("cli-test", &["care-units"]);
    assert!(output.status.success(), "{:?}", text(&output));

    let mut command = Command::new(env!("CARGO_BIN_EXE_leyr"));
    command.args(["sandbox", "--addr", "127.0.0.1:0", "--client-id", "only-me"]);
    let restricted = RunningSandbox::start_with(command);
    assert!(
        restricted
            .leyr_as("only-me", &["care-units"])
            .status
            .success()
    );
    assert_eq!(
        restricted
            .leyr_as("cli-test", &["care-units"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn ssn_check_reads_ten_digit_forms_against_the_reference_date() {
    let check = |number: &str, date: &str| {
        let output = leyr(
            &["ssn", "check", number, "--reference-date", date, "--json"],
            &[],
        );
        assert!(output.status.success(), "{:?}", text(&output));
        json_lines(&text(&output).0).remove(0)
    };
    assert_eq!(
        check("121212-1212", "2026-01-01")["birth_date"],
        "2012-12-12"
    );
    assert_eq!(
        check("121212+1212", "2026-01-01")["birth_date"],
        "1912-12-12"
    );
    assert_eq!(
        check("121212-1212", "2010-01-01")["birth_date"],
        "1912-12-12"
    );
    assert_eq!(
        check("19121212-1212", "2010-01-01")["separated"],
        "121212-1212"
    );
    let invalid = leyr(
        &[
            "ssn",
            "check",
            "1212121212",
            "--reference-date",
            "2026-13-01",
        ],
        &[],
    );
    assert_eq!(invalid.status.code(), Some(2));
}

#[test]
fn every_help_text_works_and_names_the_time_format_and_real_defaults() {
    let output = leyr(&["--help"], &[]);
    let (help, _) = text(&output);
    assert!(output.status.success());
    let deadline = format!("[default: {}]", leyr_http::DEFAULT_DEADLINE.as_secs());
    assert!(help.contains(&deadline), "{help}");
    for line in [
        "  0  success          done, including a booking the patient already held",
        "  1  refused          ",
        "  2  usage            ",
        "  3  unavailable      ",
        "  4  outcome_unknown  a write may have happened: look before retrying",
        "{\"ok\":false,\"error\":{\"kind\":\"refused\",\"code\":\"slot_taken\",",
    ] {
        assert!(help.contains(line), "{line:?} is missing from:\n{help}");
    }
    for command in [
        vec!["demo"],
        vec!["care-units"],
        vec!["services"],
        vec!["resources"],
        vec!["slots"],
        vec!["patient", "get"],
        vec!["patient", "create"],
        vec!["book"],
        vec!["appointments"],
        vec!["reschedule"],
        vec!["cancel"],
        vec!["confirm"],
        vec!["ehrs"],
        vec!["notes", "list"],
        vec!["notes", "add"],
        vec!["ssn", "check"],
        vec!["sandbox"],
        vec!["completions"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let output = leyr(&args, &[]);
        assert!(output.status.success(), "{command:?}");
        let (help, _) = text(&output);
        if ["slots", "book", "appointments", "reschedule"].contains(&command[0]) {
            assert!(help.contains("TIME is RFC 3339"), "{command:?}:\n{help}");
        }
        if help.contains("--patient <PATIENT>") {
            assert!(help.contains("`-` reads it from"), "{command:?}:\n{help}");
        }
        if command[0] == "ehrs" {
            // The `--json` fields are documented where the command is.
            for field in [
                "operations",
                "external_id",
                "requires_phone",
                "confirmation",
            ] {
                assert!(help.contains(field), "{field} is missing from:\n{help}");
            }
        }
    }
}

#[test]
fn a_refused_secret_is_one_line_naming_status_and_instance_once() {
    let sandbox = RunningSandbox::start(&[("LEYR_SANDBOX_CLIENT_SECRET", "the-right-secret")]);
    let output = sandbox.leyr(&["care-units"]);
    assert_eq!(output.status.code(), Some(1), "refused by Leyr");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("refused the credentials (HTTP 401)"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("[instance ").count(), 1, "{stderr}");
    assert!(
        !stderr.contains(SECRET) && !stderr.contains("the-right-secret"),
        "{stderr}"
    );
}

/// The cells of the row whose first cell is `label` in a table `leyr ehrs` printed, the label
/// left out. Cells hold no spaces except in a label (`patient id emr_id`) and an EHR's name.
#[track_caller]
fn ehrs_row<'a>(table: &'a str, label: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|line| {
            line.strip_prefix(label)
                .is_some_and(|rest| rest.starts_with("  "))
        })
        .unwrap_or_else(|| panic!("no row {label:?} in:\n{table}"));
    line[label.len()..].split_whitespace().collect()
}

#[test]
fn ehrs_prints_one_column_per_profile_and_one_row_per_operation() {
    use leyr_domain::ehr::{self, Operation};

    // No Leyr API and no credentials: `leyr` runs with none of its variables set.
    let output = leyr(&["ehrs"], &[]);
    let (table, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");

    let codes: Vec<&str> = ehr::PROFILES.iter().map(|profile| profile.code).collect();
    assert_eq!(
        ehrs_row(&table, "EHR"),
        codes,
        "one column per EHR, in order"
    );
    let mark = |yes: bool| if yes { "yes" } else { "-" };
    let labels: Vec<&str> = table
        .lines()
        .map(|line| line.split("  ").next().unwrap())
        .collect();
    let operation_rows: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|label| Operation::ALL.iter().any(|op| op.name() == *label))
        .collect();
    let names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
    assert_eq!(
        operation_rows, names,
        "every operation, in its declared order"
    );
    for operation in Operation::ALL {
        let expected: Vec<&str> = ehr::PROFILES
            .iter()
            .map(|profile| mark(profile.supports(operation)))
            .collect();
        assert_eq!(ehrs_row(&table, operation.name()), expected, "{operation}");
    }

    // The column of an EHR, found by its code, shows what its profile lacks.
    let column = |code: &str| codes.iter().position(|c| *c == code).unwrap();
    let cell = |label: &str, code: &str| ehrs_row(&table, label)[column(code)].to_owned();
    assert!(!ehr::ANITA_SYSTEMS.supports(Operation::ListAppointments));
    assert_eq!(cell("list_appointments", "anitasystems"), "-");
    assert_eq!(cell("book", "anitasystems"), "yes");
    for lacked in [Operation::Reschedule, Operation::Cancel] {
        assert!(!ehr::KADDIO.supports(lacked));
        assert_eq!(cell(lacked.name(), "kaddio"), "-", "{lacked}");
    }
    assert_eq!(cell("reschedule", "takecare"), "yes");

    // Then the rest of each profile.
    assert_eq!(cell("requires_phone", "anitasystems"), "yes");
    assert_eq!(cell("requires_phone", "takecare"), "-");
    assert_eq!(cell("external_id", "takecare"), "required");
    assert_eq!(cell("external_id", "kaddio"), "optional");
    assert_eq!(cell("external_id", "anitasystems"), "unchecked");
    assert_eq!(cell("external_id number", "konfidens"), "fødselsnummer");
    assert_eq!(cell("patient id no_personal_number", "konfidens"), "yes");
    assert_eq!(cell("patient id se_personal_number", "konfidens"), "-");
    assert_eq!(cell("resource id emr_id", "cliniko"), "yes");
    assert_eq!(cell("patient emr_id", "takecare"), "national_number");
    assert_eq!(cell("booking", "anitasystems"), "code");
    assert_eq!(cell("cancellation", "anitasystems"), "code");
    assert_eq!(cell("booking", "pridok"), "direct");
    assert!(table.contains("Anita Systems"), "{table}");
}

#[test]
fn ehrs_json_is_one_line_per_profile_mirroring_it() {
    use leyr_domain::ehr::{self, Confirmation, Operation};

    let output = leyr(&["ehrs", "--json"], &[]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let lines = json_lines(&stdout);
    assert_eq!(lines.len(), ehr::PROFILES.len(), "{stdout}");
    let confirmation = |mode: Confirmation| match mode {
        Confirmation::Direct => "direct",
        _ => "code",
    };
    for (line, profile) in lines.iter().zip(ehr::PROFILES) {
        assert_eq!(line["emr"], profile.code, "{line}");
        assert_eq!(line["name"], profile.name, "{line}");
        let operations = line["operations"].as_object().unwrap();
        assert_eq!(operations.len(), Operation::ALL.len(), "{line}");
        for operation in Operation::ALL {
            assert_eq!(
                operations[operation.name()],
                profile.supports(operation),
                "{} {operation}",
                profile.code
            );
        }
        assert_eq!(line["requires_phone"], profile.requires_phone, "{line}");
        assert_eq!(
            line["patient_id_types"].as_array().unwrap().len(),
            profile.patient_id_types.len(),
            "{line}"
        );
        assert_eq!(
            line["confirmation"]["booking"],
            confirmation(profile.booking),
            "{line}"
        );
        assert_eq!(
            line["confirmation"]["cancellation"],
            confirmation(profile.cancellation),
            "{line}"
        );
        assert_eq!(
            line["external_id"]["national_number"].is_null(),
            profile.external_id.national_number().is_none(),
            "{line}"
        );
    }
    let anita = lines
        .iter()
        .find(|line| line["emr"] == "anitasystems")
        .unwrap();
    assert_eq!(anita["emr"], "anitasystems");
    assert_eq!(anita["operations"]["list_appointments"], false);
    assert_eq!(anita["external_id"]["rule"], "unchecked");
    assert_eq!(anita["patient_id_types"], serde_json::json!(["emr_id"]));
}

#[test]
fn ehrs_with_emr_typed_shows_that_ehr_only_and_an_unknown_one_is_a_usage_error() {
    let output = leyr(&["--emr", "kaddio", "ehrs", "--json"], &[]);
    assert!(output.status.success(), "{:?}", text(&output));
    let lines = json_lines(&text(&output).0);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["emr"], "kaddio");
    let output = leyr(&["ehrs", "--emr", "anitasystems"], &[]);
    let (table, _) = text(&output);
    assert_eq!(ehrs_row(&table, "EHR"), ["anitasystems"]);

    // `LEYR_EMR`, set for the other commands, hides no EHR.
    let output = leyr(&["ehrs", "--json"], &[("LEYR_EMR", "webdoc")]);
    assert!(output.status.success(), "{:?}", text(&output));
    assert_eq!(
        json_lines(&text(&output).0).len(),
        leyr_domain::ehr::PROFILES.len()
    );

    // The same usage error as `leyr --emr webdoc demo`: exit code 2, the known codes named.
    let output = leyr(&["--emr", "webdoc", "ehrs"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let (stdout, stderr) = text(&output);
    assert!(stdout.is_empty(), "{stdout}");
    let codes: Vec<&str> = leyr_domain::ehr::PROFILES
        .iter()
        .map(|profile| profile.code)
        .collect();
    assert!(stderr.contains(&codes.join(", ")), "{stderr}");
    assert!(stderr.contains("`webdoc`"), "{stderr}");
}
