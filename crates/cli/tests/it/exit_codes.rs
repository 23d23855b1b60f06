//! Every exit code through the binary, against a sandbox served by the test process whose
//! faults each test scripts; the `--json` failure object; the patient read from stdin; shell
//! completions.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use leyr_app::clock::SystemClock;
use leyr_sandbox::{HttpFault, HttpFaults, RunningSandbox, Sandbox};
use serde_json::Value;

use crate::{SECRET, assert_no_patient_data, leyr, leyr_with_stdin, text};

/// Leyr's recommended TakeCare test patient.
const ALFA: &str = "197110021834";
/// Another patient of the seed.
const SECOND_PATIENT: &str = "195003042222";
/// A valid personnummer the sandbox does not know.
const UNKNOWN: &str = "198112189876";
const DR_EHN: &str = "10-991890000019";

/// A sandbox served on a loopback port by this process, so that a test can script what its
/// next requests get. Stopped when dropped.
struct ScriptedSandbox {
    // Dropped first: the server stops before its runtime does.
    sandbox: RunningSandbox,
    _runtime: tokio::runtime::Runtime,
}

impl ScriptedSandbox {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let sandbox = runtime
            .block_on(
                Sandbox::builder(Arc::new(SystemClock))
                    .spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
            )
            .expect("the sandbox starts");
        Self {
            sandbox,
            _runtime: runtime,
        }
    }

    /// What the next requests get, in order, whatever their route.
    fn faults(&self) -> &HttpFaults {
        self.sandbox.faults()
    }

    /// `leyr <args> --base-url <url>` with credentials from the environment.
    fn leyr(&self, args: &[&str]) -> Output {
        let url = self.sandbox.url();
        leyr(&self.args(args, &url), &self.credentials())
    }

    /// As [`ScriptedSandbox::leyr`], with `stdin` on the standard input.
    fn leyr_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let url = self.sandbox.url();
        leyr_with_stdin(&self.args(args, &url), &self.credentials(), stdin)
    }

    fn args<'a>(&self, args: &[&'a str], url: &'a str) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend(["--base-url", url]);
        all
    }

    fn credentials(&self) -> [(&'static str, &'static str); 2] {
        [
            ("LEYR_CLIENT_ID", "cli-test"),
            ("LEYR_CLIENT_SECRET", SECRET),
        ]
    }

    /// Runs `args` with `--json`, expects success and returns its one object.
    #[track_caller]
    fn one_json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let output = self.leyr(&all);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{args:?}:\n{stdout}\n{stderr}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stdout}");
        serde_json::from_str(lines[0]).unwrap()
    }

    /// Every object `args --json` prints, one per line.
    #[track_caller]
    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        let mut all = args.to_vec();
        all.push("--json");
        let output = self.leyr(&all);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{args:?}:\n{stdout}\n{stderr}");
        stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// Dr Ehn's first free slot: its start and its service.
    fn a_free_slot(&self) -> (String, String) {
        let slots = self.json_lines(&["slots", "--resource", DR_EHN]);
        let slot = slots.first().expect("the sandbox offers slots");
        (
            slot["start"].as_str().unwrap().to_owned(),
            slot["healthcare_service_id"].as_str().unwrap().to_owned(),
        )
    }
}

/// `leyr book` of Dr Ehn's slot at `start` for `patient`, plus `extra` arguments.
fn book_args<'a>(
    patient: &'a str,
    service: &'a str,
    start: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "book",
        "--patient",
        patient,
        "--resource",
        DR_EHN,
        "--service",
        service,
        "--start",
        start,
    ];
    args.extend_from_slice(extra);
    args
}

/// The exit code of each `kind`, as `leyr --help` documents them.
fn exit_code_of(kind: &str) -> i32 {
    match kind {
        "refused" => 1,
        "usage" => 2,
        "unavailable" => 3,
        "outcome_unknown" => 4,
        other => panic!("no such kind {other:?}"),
    }
}

/// Checks that `output` is a failure under `--json` of the documented shape: exactly one line
/// on stdout holding `{"ok":false,"error":{"kind","code","message","instance"}}`, the exit code
/// of `kind`, stderr ending with the same message, and no patient data anywhere. Returns the
/// error.
#[track_caller]
fn json_failure(output: &Output, kind: &str, code: &str) -> Value {
    let (stdout, stderr) = text(output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stdout:\n{stdout}\n{stderr}");
    assert!(stdout.ends_with('\n'), "{stdout:?}");
    let value: Value = serde_json::from_str(lines[0]).unwrap();
    let mut keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["error", "ok"], "{value}");
    assert_eq!(value["ok"], false, "{value}");
    let error = &value["error"];
    let mut keys: Vec<&String> = error.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "instance", "kind", "message"], "{value}");
    assert_eq!(error["kind"], kind, "{value}");
    assert_eq!(error["code"], code, "{value}");
    let message = error["message"].as_str().unwrap();
    assert!(!message.is_empty() && !message.contains('\n'), "{value}");
    assert!(
        error["instance"].is_null() || error["instance"].is_string(),
        "{value}"
    );
    assert_eq!(output.status.code(), Some(exit_code_of(kind)), "{value}");
    // Stderr ends with the same message; logs may come before it.
    assert_eq!(
        stderr.lines().last(),
        Some(format!("leyr: {message}").as_str()),
        "{stderr}"
    );
    assert_no_patient_data(&format!("{stdout}\n{stderr}"));
    error.clone()
}

/// Whether `text` looks like Leyr's `instance`: a UUID.
fn is_an_instance(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|text| text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4)
}

#[test]
fn a_taken_slot_and_an_unknown_patient_are_refused_with_exit_code_1() {
    let sandbox = ScriptedSandbox::start();
    let (start, service) = sandbox.a_free_slot();
    sandbox.one_json(&book_args(ALFA, &service, &start, &[]));

    let taken = sandbox.leyr(&book_args(SECOND_PATIENT, &service, &start, &["--json"]));
    let error = json_failure(&taken, "refused", "slot_taken");
    assert!(
        error["instance"].is_null(),
        "no request was refused: {error}"
    );
    let taken = sandbox.leyr(&book_args(SECOND_PATIENT, &service, &start, &[]));
    assert_eq!(taken.status.code(), Some(1));
    assert!(
        text(&taken).0.is_empty(),
        "nothing on stdout without --json"
    );

    let slots = sandbox.json_lines(&["slots", "--resource", DR_EHN, "--service", &service]);
    let later = slots.last().unwrap()["start"].as_str().unwrap();
    let unknown = sandbox.leyr(&book_args(UNKNOWN, &service, later, &["--json"]));
    json_failure(&unknown, "refused", "not_found");
    assert!(!text(&unknown).1.contains("198112"), "{:?}", text(&unknown));
}

#[test]
fn a_bad_flag_is_a_usage_error_with_exit_code_2_also_under_json() {
    let output = leyr(&["book", "--no-such-flag"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let (stdout, stderr) = text(&output);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("--no-such-flag"),
        "clap's own text: {stderr}"
    );

    let output = leyr(&["book", "--no-such-flag", "--json"], &[]);
    let error = json_failure(&output, "usage", "usage");
    assert_eq!(error["message"], "unexpected argument found");
    assert!(error["instance"].is_null());

    // What was typed stays out of the message: it may be a personnummer.
    let output = leyr(&["--json", "patient", "get", ALFA, "198112189876"], &[]);
    json_failure(&output, "usage", "usage");

    let output = leyr(
        &[
            "--json",
            "ssn",
            "check",
            ALFA,
            "--reference-date",
            "2026-13-01",
        ],
        &[],
    );
    let error = json_failure(&output, "usage", "usage");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--reference-date"),
        "{error}"
    );

    // A setting that is missing is a usage error too, found after parsing.
    let output = leyr(&["care-units", "--json"], &[]);
    json_failure(&output, "usage", "usage");

    // Help and version are no failure, JSON or not.
    assert!(leyr(&["--help", "--json"], &[]).status.success());
    assert!(leyr(&["--version"], &[]).status.success());
}

#[test]
fn an_unavailable_leyr_is_exit_code_3_and_the_same_command_then_works() {
    let sandbox = ScriptedSandbox::start();
    sandbox.faults().next(HttpFault::ServiceUnavailable);
    // Within a one-second deadline the read cannot wait the second Leyr asks between tries.
    let output = sandbox.leyr(&["care-units", "--timeout", "1", "--json"]);
    let error = json_failure(&output, "unavailable", "service_unavailable");
    assert!(is_an_instance(&error["instance"]), "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("could not list care units: "),
        "{message}"
    );
    assert!(message.contains("(HTTP 503)"), "{message}");
    assert_eq!(sandbox.faults().pending(), 0);

    // Nothing was done, so running the same command again is safe; now it works.
    let units = sandbox.one_json(&["care-units"]);
    assert_eq!(units["id"], "10");

    // Leyr asking to wait longer than the client may: given up at once, still exit code 3.
    sandbox.faults().next(HttpFault::TooManyRequests {
        retry_after: Duration::from_secs(120),
    });
    let output = sandbox.leyr(&["services", "--json"]);
    json_failure(&output, "unavailable", "throttled");
}

#[test]
fn a_lost_answer_to_a_cancel_is_exit_code_4_and_looking_shows_it_happened() {
    let sandbox = ScriptedSandbox::start();
    let (start, service) = sandbox.a_free_slot();
    let booked = sandbox.one_json(&book_args(ALFA, &service, &start, &[]));
    let id = booked["id"].as_str().unwrap();

    // The cancel is done, and its answer lost. A change is never sent twice.
    sandbox.faults().next(HttpFault::DropAfterWork);
    let output = sandbox.leyr(&["cancel", id, "--json"]);
    let error = json_failure(&output, "outcome_unknown", "outcome_unknown");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("could not cancel: could not tell whether the change happened"),
        "{error}"
    );
    assert_eq!(sandbox.faults().pending(), 0);

    // Look before retrying: it happened.
    let listed = sandbox.json_lines(&["appointments", "--patient", ALFA, "--from", &start]);
    let appointment = listed.iter().find(|a| a["id"] == id).unwrap();
    assert_eq!(appointment["status"], "cancelled");
}

#[test]
fn a_booking_whose_answer_is_lost_and_cannot_be_checked_is_exit_code_4() {
    let sandbox = ScriptedSandbox::start();
    let (start, service) = sandbox.a_free_slot();
    // `leyr book` reads the free slot and the patient's day, then books. The booking is done
    // and its answer lost; the listing that would find it gets a 503, and with a one-second
    // deadline it cannot be retried, so the booking's outcome stays unknown.
    let faults = sandbox.faults();
    faults.next_n(2, HttpFault::Delay(Duration::ZERO));
    faults.next(HttpFault::DropAfterWork);
    faults.next(HttpFault::ServiceUnavailable);
    let output = sandbox.leyr(&book_args(
        ALFA,
        &service,
        &start,
        &["--timeout", "1", "--json"],
    ));
    let error = json_failure(&output, "outcome_unknown", "outcome_unknown");
    assert!(
        is_an_instance(&error["instance"]),
        "the listing's 503: {error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("could not book: could not tell whether the appointment was booked"),
        "{error}"
    );
    assert_eq!(faults.pending(), 0);

    // Look before retrying: the appointment exists.
    let listed = sandbox.json_lines(&["appointments", "--patient", ALFA, "--from", &start]);
    assert!(
        listed
            .iter()
            .any(|a| a["start"] == start.as_str() && a["status"] == "booked"),
        "{listed:?}"
    );
    // And retrying is safe anyway: the patient already holds the slot, so nothing is posted.
    let again = sandbox.one_json(&book_args(ALFA, &service, &start, &[]));
    assert_eq!(again["already_held"], true);
    assert_eq!(again["start"], start.as_str());
}

#[test]
fn the_patient_can_come_from_stdin_for_every_command_that_takes_one() {
    let sandbox = ScriptedSandbox::start();
    let line = format!("  {ALFA}  \n");
    let json = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--json");
        let output = sandbox.leyr_with_stdin(&all, &line);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{args:?}:\n{stdout}\n{stderr}");
        stdout
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .collect::<Vec<_>>()
    };

    assert_eq!(json(&["patient", "get", "-"])[0]["emr_id"], ALFA);
    let (start, service) = sandbox.a_free_slot();
    let booked = json(&book_args("-", &service, &start, &[])).remove(0);
    assert_eq!(booked["status"], "booked");
    let id = booked["id"].as_str().unwrap();
    let listed = json(&["appointments", "--patient", "-", "--from", &start]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    let later = sandbox
        .json_lines(&["slots", "--resource", DR_EHN, "--service", &service])
        .into_iter()
        .find(|slot| slot["start"].as_str().unwrap() > booked["end"].as_str().unwrap())
        .unwrap();
    let later = later["start"].as_str().unwrap();
    let moved = json(&["reschedule", id, "--patient", "-", "--start", later]);
    assert_eq!(moved[0]["start"], later);
    assert_eq!(json(&["notes", "list", "--patient", "-"]).len(), 2);
    let written = json(&[
        "notes",
        "add",
        "--patient",
        "-",
        "--author",
        DR_EHN,
        "--title",
        "Visit",
        "--text",
        "Fine.",
    ]);
    assert_eq!(written.len(), 1);

    let output = sandbox.leyr_with_stdin(
        &[
            "patient",
            "create",
            "--personnummer",
            "-",
            "--first-name",
            "Anders",
            "--last-name",
            "Andersson",
            "--json",
        ],
        &format!("{UNKNOWN}\n"),
    );
    assert!(output.status.success(), "{:?}", text(&output));
    let created: Value = serde_json::from_str(text(&output).0.trim()).unwrap();
    assert_eq!(created["created"], true);
    assert_eq!(created["emr_id"], UNKNOWN);
}

#[test]
fn an_empty_stdin_for_the_patient_is_a_usage_error() {
    // No Leyr is needed: stdin is read before anything else.
    let output = leyr_with_stdin(&["notes", "list", "--patient", "-"], &[], "");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output).1,
        "leyr: --patient -: stdin holds no patient\n"
    );

    let output = leyr_with_stdin(&["patient", "get", "-", "--json"], &[], "\n\n");
    let error = json_failure(&output, "usage", "usage");
    assert_eq!(error["message"], "<PATIENT> -: stdin holds no patient");

    // `leyr` run without a stdin to read reads nothing.
    let output = leyr(&["appointments", "--patient", "-"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F _leyr"),
        ("zsh", "#compdef leyr"),
        ("fish", "complete -c leyr"),
    ] {
        let output = leyr(&["completions", shell], &[]);
        let (script, stderr) = text(&output);
        assert!(output.status.success(), "{shell}: {stderr}");
        assert!(stderr.is_empty(), "{shell}: {stderr}");
        assert!(script.contains(marker), "{shell}: {marker:?} missing");
        for command in ["book", "appointments", "completions"] {
            assert!(script.contains(command), "{shell}: {command} missing");
        }
    }
    assert_eq!(leyr(&["completions", "tcsh"], &[]).status.code(), Some(2));
}

#[test]
fn a_slow_answer_draws_no_spinner_when_stderr_is_not_a_terminal() {
    let sandbox = ScriptedSandbox::start();
    sandbox
        .faults()
        .next(HttpFault::Delay(Duration::from_millis(800)));
    let output = sandbox.leyr(&["care-units"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout, "ID  NAME\n10  Vårdenhet 10\n");
    assert!(stderr.is_empty(), "nothing drawn on a pipe: {stderr:?}");
}

/// Anita's recommended care unit, and its doctor (contract §9.1, the seed world).
const ANITA: [&str; 4] = ["--emr", "anitasystems", "--care-unit", "L0_1"];
const ANITA_DOCTOR: &str = "101";

impl ScriptedSandbox {
    /// `args` on Anita Systems' care unit.
    fn anita(&self, args: &[&str]) -> Output {
        let mut all = ANITA.to_vec();
        all.extend_from_slice(args);
        self.leyr(&all)
    }

    /// The code the sandbox "sent" the patient for `id`, read from its message log.
    fn anita_code_for(&self, id: &str) -> String {
        self.sandbox
            .ehr_for("anitasystems")
            .expect("the sandbox serves Anita Systems")
            .messages(100)
            .into_iter()
            .find(|message| message.appointment_id.as_str() == id)
            .unwrap_or_else(|| panic!("no code was sent for {id}"))
            .code
            .as_str()
            .to_owned()
    }

    /// Registers a patient on Anita and books the doctor's first free slot for them: the
    /// appointment, awaiting confirmation.
    fn anita_booking(&self) -> Value {
        self.anita_booking_and_its_command().0
    }

    /// As [`ScriptedSandbox::anita_booking`], with the `leyr book` arguments that booked it.
    fn anita_booking_and_its_command(&self) -> (Value, Vec<String>) {
        let mut create = ANITA.to_vec();
        create.extend([
            "patient",
            "create",
            "--first-name",
            "Demo",
            "--last-name",
            "Pasient",
            "--phone",
            "+4740000077",
        ]);
        let patient = format!(
            "emr_id:{}",
            self.one_json(&create)["emr_id"].as_str().unwrap()
        );
        let mut slots = ANITA.to_vec();
        slots.extend(["slots", "--resource", ANITA_DOCTOR]);
        let slot = self.json_lines(&slots).remove(0);
        let mut book = ANITA.to_vec();
        book.extend([
            "book",
            "--patient",
            &patient,
            "--resource",
            ANITA_DOCTOR,
            "--service",
            slot["healthcare_service_id"].as_str().unwrap(),
            "--start",
            slot["start"].as_str().unwrap(),
        ]);
        let booked = self.one_json(&book);
        assert_eq!(booked["status"], "awaiting_confirmation", "{booked}");
        (booked, book.iter().map(|arg| (*arg).to_owned()).collect())
    }
}

/// A code that is not `code`: each digit moved on by one.
fn another_code(code: &str) -> String {
    code.chars()
        .map(|c| {
            c.to_digit(10)
                .map_or(c, |d| char::from(b'0' + ((d + 1) % 10) as u8))
        })
        .collect()
}

/// Neither `code` nor any 6-character run of it appears in `output`.
#[track_caller]
fn assert_code_not_shown(output: &Output, code: &str) {
    let (stdout, stderr) = text(output);
    assert!(code.len() >= 6, "{code:?}");
    assert!(
        !stdout.contains(code) && !stderr.contains(code),
        "the code is shown:\n{stdout}\n{stderr}"
    );
}

#[test]
fn confirm_by_code_books_an_anita_appointment_and_never_shows_the_code() {
    let sandbox = ScriptedSandbox::start();
    let booked = sandbox.anita_booking();
    let id = booked["id"].as_str().unwrap();
    let code = sandbox.anita_code_for(id);
    let wrong = another_code(&code);

    // A wrong code is refused input: exit code 1, `rejected`, and said so plainly.
    let output = sandbox.anita(&["confirm", id, "--code", &wrong, "--json"]);
    let error = json_failure(&output, "refused", "rejected");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with("could not confirm: the code is wrong or has expired"),
        "{message}"
    );
    assert!(is_an_instance(&error["instance"]), "{error}");
    assert_code_not_shown(&output, &wrong);
    assert_code_not_shown(&output, &code);
    let output = sandbox.anita(&["confirm", id, "--code", &wrong]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).0.is_empty(),
        "nothing on stdout without --json"
    );
    assert_code_not_shown(&output, &wrong);

    // The right code books it; debug logs on, the code is shown nowhere.
    let mut args = ANITA.to_vec();
    args.extend(["confirm", id, "--code", &code, "--base-url"]);
    let url = sandbox.sandbox.url();
    args.push(&url);
    let mut envs = sandbox.credentials().to_vec();
    envs.push(("LEYR_LOG", "trace"));
    let output = leyr(&args, &envs);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.starts_with(&format!("Confirmed {id} ")), "{stdout}");
    assert!(stdout.trim_end().ends_with("(booked)"), "{stdout}");
    assert!(stderr.contains("DEBUG"), "logs were on: {stderr}");
    assert_code_not_shown(&output, &code);

    // Now booked; its code is spent, and trying it again is refused the same way.
    let output = sandbox.anita(&["confirm", id, "--code", &code, "--json"]);
    json_failure(&output, "refused", "rejected");
    assert_code_not_shown(&output, &code);
}

#[test]
fn confirm_by_code_ends_a_two_step_anita_cancellation() {
    let sandbox = ScriptedSandbox::start();
    let (booked, book) = sandbox.anita_booking_and_its_command();
    let id = booked["id"].as_str().unwrap().to_owned();
    let code = sandbox.anita_code_for(&id);
    let output = sandbox.anita(&["confirm", &id, "--code", &code, "--json"]);
    assert!(output.status.success(), "{:?}", text(&output));
    let confirmed: Value = serde_json::from_str(text(&output).0.trim()).unwrap();
    assert_eq!(confirmed["status"], "booked");
    assert_eq!(confirmed["id"], id.as_str());
    assert_eq!(confirmed["confirmed_id"], id.as_str());
    assert_code_not_shown(&output, &code);

    // The cancel answers a new id to confirm; the original keeps its slot until then.
    let output = sandbox.anita(&["cancel", &id, "--json"]);
    assert!(output.status.success(), "{:?}", text(&output));
    let request: Value = serde_json::from_str(text(&output).0.trim()).unwrap();
    assert_eq!(request["status"], "awaiting_confirmation");
    let request_id = request["id"].as_str().unwrap();
    assert_ne!(request_id, id);
    let code = sandbox.anita_code_for(request_id);
    let output = sandbox.anita(&["confirm", request_id, "--code", &code, "--json"]);
    assert!(output.status.success(), "{:?}", text(&output));
    let cancelled: Value = serde_json::from_str(text(&output).0.trim()).unwrap();
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["id"], id.as_str(), "the original is cancelled");
    assert_eq!(cancelled["confirmed_id"], request_id);
    assert_code_not_shown(&output, &code);

    // The slot is free again. Booked anew, for people, the booking says how to confirm it.
    let book: Vec<&str> = book.iter().map(String::as_str).collect();
    let output = sandbox.leyr(&book);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("(awaiting_confirmation)"), "{stdout}");
    assert!(
        stdout.contains("the patient got a code: confirm with `leyr confirm "),
        "{stdout}"
    );
}

#[test]
fn confirm_refuses_a_bad_code_an_unknown_appointment_and_an_ehr_that_books_directly() {
    let sandbox = ScriptedSandbox::start();
    let booked = sandbox.anita_booking();
    let id = booked["id"].as_str().unwrap();

    // A code that can never be one is a usage error, found before any request.
    for bad in ["12 345", "", &"7".repeat(65)] {
        let output = sandbox.anita(&["confirm", id, "--code", bad, "--json"]);
        let error = json_failure(&output, "usage", "usage");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("invalid --code: "),
            "{error}"
        );
        if !bad.is_empty() {
            assert_code_not_shown(&output, bad);
        }
    }

    let unknown = "00000000-0000-4000-8000-000000000000";
    let output = sandbox.anita(&["confirm", unknown, "--code", "123456", "--json"]);
    json_failure(&output, "refused", "not_found");
    assert_code_not_shown(&output, "123456");

    // TakeCare books directly: there is nothing to confirm, and the message says why.
    let (start, service) = sandbox.a_free_slot();
    let booked = sandbox.one_json(&book_args(ALFA, &service, &start, &[]));
    assert_eq!(booked["status"], "booked");
    let id = booked["id"].as_str().unwrap();
    let output = sandbox.leyr(&["confirm", id, "--code", "654321", "--json"]);
    let error = json_failure(&output, "refused", "rejected");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("takecare books and cancels without a code"),
        "{error}"
    );
    assert_code_not_shown(&output, "654321");
}
