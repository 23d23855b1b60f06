//! Patient data never reaches the logs: requests are logged by method, route template, status
//! and latency only, never the URI, its query, a header or the body. Checked on the binary's
//! stderr at the `trace` level, where every event of every crate is written.

use std::io::Read;
use std::process::Stdio;

use serde_json::{Value, json};

use crate::binary::{start_with, terminate};
use crate::support::{ALFA, CU, EHN};

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
