//! The `leyr-sandbox` binary: first stdout line, a request, a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

fn start(args: &[&str]) -> Running {
    start_with(args, "info", Stdio::null())
}

/// Starts the binary on a free port with `args`, logging at `log_filter` to `stderr`, and
/// reads its URL from the first line of stdout.
pub(crate) fn start_with(args: &[&str], log_filter: &str, stderr: Stdio) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leyr-sandbox"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
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
pub(crate) fn terminate(running: &mut Running) -> std::process::ExitStatus {
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
