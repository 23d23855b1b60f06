//! The `leyr-sandbox` binary: its first stdout line, a request, a clean stop on SIGTERM, its
//! flags, and logs that hold no patient data.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// `{CU}` for the seed's care unit.
const CU: &str = "/api/emrs/takecare/care-units/10";
/// Leyr's recommended TakeCare test patient.
const ALFA: &str = "197110021834";
/// Dr Ehn.
const EHN: &str = "10-991890000019";

/// A running `leyr-sandbox` process, killed when dropped.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(args: &[&str]) -> Running {
    start_with(args, "info", Stdio::null())
}

/// Starts the binary on a free port with `args`, logging at `log_filter` to `stderr`, and
/// reads its URL from the first line of stdout.
fn start_with(args: &[&str], log_filter: &str, stderr: Stdio) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leyr-sandbox"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("LEYR_SANDBOX_CLIENT_SECRET")
        .env("RUST_LOG", log_filter)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first_line = String::new();
    BufReader::new(stdout).read_line(&mut first_line).unwrap();
    let url = first_line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Running { child, url }
}

/// Sends SIGTERM and waits for the process to stop.
fn terminate(running: &mut Running) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_serves_and_stops_on_sigterm() {
    let mut running = start(&["--client-id", "cli-app", "--start-date", "2024-03-25"]);
    let client = reqwest::Client::new();
    let reply = client
        .get(format!("{}/api/emrs/takecare/care-units", running.url))
        .header("x-leyr-client-id", "cli-app")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(
        reply.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!([{"id": "10", "name": "Vårdenhet 10"}])
    );
    let refused = client
        .get(format!("{}/api/emrs/takecare/care-units", running.url))
        .header("x-leyr-client-id", "other")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let status = terminate(&mut running);
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn the_binary_serves_the_present_on_the_system_clock() {
    let before = chrono::Utc::now();
    let running = start(&[]);
    let slots: Value = reqwest::Client::new()
        .get(format!(
            "{}{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001",
            running.url
        ))
        .header("x-leyr-client-id", "cli-app")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = chrono::DateTime::parse_from_rfc3339(slots[0]["start"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(first > before, "{first} is after now");
    assert!(
        first < before + chrono::TimeDelta::days(7),
        "the seed starts today"
    );
}

#[tokio::test]
async fn the_binary_takes_fault_rates_and_a_secret_from_the_environment() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leyr-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--rate-503", "1", "--seed", "3"])
        .env("LEYR_SANDBOX_CLIENT_SECRET", "from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let mut running = Running {
        child,
        url: first_line
            .trim_end()
            .trim_start_matches("listening on ")
            .to_owned(),
    };
    let client = reqwest::Client::new();
    let url = format!("{}/api/emrs/takecare/care-units", running.url);
    let wrong = client
        .get(&url)
        .header("x-leyr-client-id", "any")
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong.status(),
        401,
        "the secret from the environment is required"
    );
    let unavailable = client
        .get(&url)
        .header("x-leyr-client-id", "any")
        .header("x-leyr-client-secret", "from-env")
        .send()
        .await
        .unwrap();
    assert_eq!(unavailable.status(), 503);
    assert!(terminate(&mut running).success());
}

#[test]
fn the_binary_refuses_a_rate_above_one() {
    let output = Command::new(env!("CARGO_BIN_EXE_leyr-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--rate-429", "1.5"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}

/// C50: a file that is not a sandbox state file stops the binary with exit code 1 and a clear
/// message, and the file is left as it was.
#[test]
fn the_binary_refuses_a_foreign_state_file_with_exit_code_1() {
    let dir = std::env::temp_dir().join(format!("leyr-foreign-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("notes.txt");
    std::fs::write(&file, "my notes, not a database\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_leyr-sandbox"))
        .args(["--addr", "127.0.0.1:0", "--state"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "it never said it was listening");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not a Leyr sandbox state file"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "my notes, not a database\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Patient data never reaches the logs: requests are logged by method, route template, status
/// and latency only, never the URI, its query, a header or the body. Checked on stderr at the
/// `trace` level, where every event of every crate is written.
#[tokio::test]
async fn requests_are_logged_by_route_template_without_patient_data() {
    let mut running = start_with(
        &["--client-secret", "s3cret-value"],
        "trace",
        Stdio::piped(),
    );
    let mut stderr = running.child.stderr.take().unwrap();
    let logs = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = client
            .request(method, format!("{}{path}", running.url))
            .header("x-leyr-client-id", "the-client-id")
            .header("x-leyr-client-secret", "s3cret-value");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let slots: Value = send(
        reqwest::Method::GET,
        &format!("{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001"),
        None,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let slot = &slots[0];
    for (method, path, body) in [
        (
            reqwest::Method::GET,
            format!("{CU}/patients/se_personal_number:{ALFA}"),
            None,
        ),
        (
            reqwest::Method::GET,
            format!("{CU}/patients?first_name=Tolvan&last_name=Tolvansson"),
            None,
        ),
        (
            reqwest::Method::POST,
            format!("{CU}/patients"),
            Some(json!({"first_name": "Anders", "last_name": "Andersson",
                        "external_id": "198101012394", "phones": ["+46701234567"]})),
        ),
        (
            reqwest::Method::POST,
            format!("{CU}/appointments"),
            Some(
                json!({"start": slot["start"], "end": slot["end"], "patient_id": ALFA,
                        "resource_id": EHN, "healthcare_service_id": "1001",
                        "comment": "Ont i halsen"}),
            ),
        ),
        (
            reqwest::Method::GET,
            format!("{CU}/patients/{ALFA}/no-such-route"),
            None,
        ),
    ] {
        let status = send(method.clone(), &path, body).await.unwrap().status();
        assert!(status.as_u16() < 500, "{method} {path}: {status}");
    }
    assert!(terminate(&mut running).success());

    let logs = logs.join().unwrap();
    assert!(
        logs.contains("/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}"),
        "{logs}"
    );
    assert!(logs.contains("<unmatched>"), "{logs}");
    assert!(
        !logs.contains('\u{1b}'),
        "no colour codes when stderr is not a terminal:\n{logs}"
    );
    for secret in [
        ALFA,
        "198101012394",
        "Tolvan",
        "Anders",
        "46701234567",
        "Ont i halsen",
        "first_name",
        "the-client-id",
        "s3cret-value",
    ] {
        assert!(!logs.contains(secret), "{secret:?} in the logs:\n{logs}");
    }
}
