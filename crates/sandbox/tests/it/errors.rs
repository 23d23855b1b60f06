//! C30: problem bodies for routes, methods, sizes and malformed input; never a 500.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{ALFA, CU, EHN, Harness};

#[tokio::test]
async fn c30_an_unknown_route_is_a_404_problem() {
    let harness = Harness::start().await;
    for path in [
        "/".to_owned(),
        "/api/emrs".to_owned(),
        format!("{CU}/schedules"),
        format!("{CU}/resources/{EHN}/schedules"),
        format!("{CU}/appointments/x/y"),
        format!("{CU}/patients/"),
        "/api/fhir/takecare/Patient".to_owned(),
    ] {
        let reply = harness.get(&path).await;
        reply.assert_problem(404, "NOT_FOUND");
        assert_eq!(reply.body["title"], "Not found", "{path}");
        assert!(reply.body.get("errors").is_none());
    }
}

#[tokio::test]
async fn c30_a_wrong_method_is_a_405_problem() {
    let harness = Harness::start().await;
    for (method, path) in [
        (Method::DELETE, format!("{CU}/appointments")),
        // `GET` of one appointment is a route (C40); `POST` is not.
        (Method::POST, format!("{CU}/appointments/x")),
        (Method::POST, format!("{CU}/timeslots")),
        (Method::PUT, format!("{CU}/patients/{ALFA}")),
        (Method::GET, format!("{CU}/patients/{ALFA}/documents")),
        (Method::POST, "/api/emrs/takecare/care-units".to_owned()),
    ] {
        let reply = harness.send(harness.request(method.clone(), &path)).await;
        reply.assert_problem(405, "METHOD_NOT_ALLOWED");
        assert_eq!(reply.body["title"], "Method not allowed", "{method} {path}");
    }
}

#[tokio::test]
async fn c30_a_body_over_one_mib_is_a_413_problem() {
    let harness = Harness::start().await;
    let big = json!({"first_name": "A".repeat(1024 * 1024), "last_name": "B",
                     "external_id": "198101012394"});
    for path in [format!("{CU}/patients"), format!("{CU}/appointments")] {
        let reply = harness.post(&path, big.clone()).await;
        reply.assert_problem(413, "PAYLOAD_TOO_LARGE");
    }
    // Chunked, without Content-Length: the limit holds while reading.
    let addr = harness.sandbox.local_addr();
    let answer = tokio::task::spawn_blocking(move || chunked_post(addr, &format!("{CU}/patients")))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"code\":\"PAYLOAD_TOO_LARGE\""),
        "{answer}"
    );
}

/// Sends 1.25 MiB of chunked body over a plain socket and returns the raw answer.
fn chunked_post(addr: std::net::SocketAddr, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nx-leyr-client-id: test-app\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    // The server may answer and close before reading everything: ignore write errors.
    let _ = stream.write_all(head.as_bytes());
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..20 {
        let _ = stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
        let _ = stream.write_all(&chunk);
        let _ = stream.write_all(b"\r\n");
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn c30_malformed_json_is_bad_input_at_body() {
    let harness = Harness::start().await;
    for body in [
        "{",
        "{\"first_name\": }",
        "[]",
        "\"text\"",
        "42",
        "null",
        "{} {}",
        "\u{feff}{}",
    ] {
        for path in [
            format!("{CU}/patients"),
            format!("{CU}/appointments"),
            format!("{CU}/patients/{ALFA}/medical-notes"),
            format!("{CU}/patients/{ALFA}/documents"),
        ] {
            let reply = harness
                .send(harness.request(Method::POST, &path).body(body))
                .await;
            reply.assert_error("BAD_INPUT", json!(["body"]));
        }
        let reply = harness
            .send(
                harness
                    .request(Method::PATCH, &format!("{CU}/appointments"))
                    .body(body),
            )
            .await;
        reply.assert_error("BAD_INPUT", json!(["body"]));
    }
}

#[tokio::test]
async fn c30_bad_input_never_causes_a_server_error() {
    let harness = Harness::start().await;
    let history = harness.get(&format!("{CU}/appointments")).await.body;
    let appointment = history[0]["id"].as_str().unwrap().to_owned();
    let paths = [
        format!("{CU}/patients"),
        format!("{CU}/appointments"),
        format!("{CU}/appointments/{appointment}"),
        format!("{CU}/appointments/%FF%FE"),
        format!("{CU}/patients/{ALFA}/medical-notes"),
        format!("{CU}/patients/{ALFA}/documents"),
        format!("{CU}/patients/%00"),
        format!("{CU}/patients/se_personal_number:%F0%9F%98%80"),
        format!("{CU}/resources/%2F..%2F"),
        "/api/emrs/%FF/care-units".to_owned(),
        "/api/emrs/takecare/care-units/%00/resources".to_owned(),
    ];
    let bodies = [
        json!(null),
        json!({}),
        json!([1, 2]),
        json!({"start": {"nested": true}, "end": [], "patient_id": 1.5, "resource_id": false,
               "healthcare_service_id": -1, "comment": {"a": 1}}),
        json!({"ids": [[]], "status": 1, "comment": 2}),
        json!({"ids": [null, {"id": 1}], "status": "cancelled"}),
        json!({"confirmation": "123456"}),
        json!({"confirmation": {"code": "\u{0}"}}),
        json!({"status": null, "start": "9999-99-99T99:99:99+99:99", "end": "2024-03-25T08:00:00+25:00"}),
        json!({"start": "+262143-12-31T23:59:59+00:00", "end": "-262143-01-01T00:00:00Z"}),
        json!({"first_name": "\u{0}", "last_name": "x".repeat(101), "external_id": "000000000000",
               "phones": [null], "emails": {"a": 1}}),
        json!({"template_id": 1, "title": "a\nb", "created_by_id": [], "content": {"unstructured": 5}}),
        json!({"content": "====", "format": null, "title": "", "type": 3, "created_by_id": "\u{7f}"}),
    ];
    let mut checked = 0;
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PATCH] {
            for body in &bodies {
                let reply = harness
                    .send(harness.request(method.clone(), path).json(body))
                    .await;
                assert!(
                    reply.status < 500,
                    "{method} {path} {body}: {} {}",
                    reply.status,
                    reply.body
                );
                assert!(
                    reply.body.is_object() || reply.body.is_array(),
                    "{method} {path}"
                );
                checked += 1;
            }
        }
    }
    for query in [
        "timeslots?start=%FF",
        "timeslots?start=2024-03-25T08:00:00%2B01:00&end=%2B262143-01-01T00:00:00Z",
        "timeslots?start=-262143-01-01T00:00:00Z",
        "timeslots?resource_id=&healthcare_service_id=",
        "timeslots?resource_id=%00",
        "appointments?patient_id=&resource_id=&start=&end=",
        "appointments?patient_id=se_personal_number:000000000000",
        "patients?first_name=%00&last_name=%FF",
        "patients?first_name=a&first_name=b&&&=&x",
    ] {
        let reply = harness.get(&format!("{CU}/{query}")).await;
        assert!(
            reply.status < 500,
            "{query}: {} {}",
            reply.status,
            reply.body
        );
        checked += 1;
    }
    assert!(checked > 400);
}

#[tokio::test]
async fn c9_c30_a_segment_that_is_not_utf8_once_decoded_is_an_unknown_id_in_check_order() {
    let harness = Harness::start().await;
    for (method, path, code, at) in [
        (
            Method::GET,
            "/api/emrs/%FF/care-units".to_owned(),
            "NOT_SUPPORTED",
            json!(["path", "emr"]),
        ),
        (
            Method::GET,
            "/api/emrs/webdoc/care-units/10/patients/%FF".to_owned(),
            "NOT_SUPPORTED",
            json!(["path", "emr"]),
        ),
        (
            Method::GET,
            "/api/emrs/takecare/care-units/%FF/patients/%FE".to_owned(),
            "INVALID_CARE_UNIT_ID",
            json!(["path", "care_unit_id"]),
        ),
        (
            Method::GET,
            format!("{CU}/patients/se_personal_number:%FF"),
            "INVALID_PATIENT_ID",
            json!(["path", "patient_id"]),
        ),
        (
            Method::GET,
            format!("{CU}/patients/%C3%28/medical-notes"),
            "INVALID_PATIENT_ID",
            json!(["path", "patient_id"]),
        ),
        (
            Method::GET,
            format!("{CU}/resources/%FF%FE"),
            "INVALID_RESOURCE_ID",
            json!(["path", "resource_id"]),
        ),
        (
            Method::PATCH,
            format!("{CU}/appointments/%FF"),
            "INVALID_APPOINTMENT_ID",
            json!(["path", "appointment_id"]),
        ),
    ] {
        let reply = harness
            .send(harness.request(method.clone(), &path).body("{}"))
            .await;
        assert_eq!(reply.codes(), [code], "{method} {path}: {}", reply.body);
        reply.assert_error(code, at);
    }
}

#[tokio::test]
async fn c30_hostile_bodies_and_urls_get_a_problem_never_a_server_error() {
    let harness = Harness::start().await;
    let deep_arrays = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_objects = format!("{}{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    let bodies: Vec<Vec<u8>> = vec![
        deep_arrays.into_bytes(),
        deep_objects.into_bytes(),
        br#"{"comment": 1e999999}"#.to_vec(),
        br#"{"start": 123456789012345678901234567890, "end": -0, "ids": 1e308}"#.to_vec(),
        b"{\"first_name\": \"\xff\xfe\"}".to_vec(),
        b"\xff\xfe\xfd".to_vec(),
        Vec::new(),
        b"[{}]".to_vec(),
        br#"{"ids": {"0": "a"}, "status": ["cancelled"], "confirmation": [], "content": []}"#
            .to_vec(),
    ];
    let paths = [
        format!("{CU}/patients"),
        format!("{CU}/appointments"),
        format!("{CU}/appointments/%"),
        format!("{CU}/patients/%Z/medical-notes"),
        format!("{CU}/patients/%FF/documents"),
        format!("{CU}/timeslots?start=%&start=%ZZ&end=%FF&end=2024-03-26T00:00:00%2B01:00"),
        format!("{CU}/appointments?patient_id={ALFA}&patient_id=%FF&start=&start=x"),
    ];
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PATCH] {
            for body in &bodies {
                let reply = harness
                    .send(harness.request(method.clone(), path).body(body.clone()))
                    .await;
                assert!(
                    (200..500).contains(&reply.status),
                    "{method} {path}: {} {}",
                    reply.status,
                    reply.body
                );
                assert!(
                    reply.body.is_object() || reply.body.is_array(),
                    "{method} {path}: {}",
                    reply.status
                );
            }
        }
    }
    // Raw bytes that are not ASCII in the request line never reach the sandbox: the HTTP
    // server refuses the request itself, with a 400 and no panic.
    let addr = harness.sandbox.local_addr();
    let answer = tokio::task::spawn_blocking(move || {
        raw_request(
            addr,
            b"GET /api/emrs/takecare/care-units/10/patients/\xff HTTP/1.1\r\nHost: x\r\n\
              x-leyr-client-id: test-app\r\nConnection: close\r\n\r\n",
        )
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(
        harness.get("/api/emrs/takecare/care-units").await.status,
        200
    );
}

/// Sends `request` over a plain socket and returns the raw answer.
fn raw_request(addr: std::net::SocketAddr, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn c9_an_embedded_router_nested_under_a_prefix_reads_its_path_segments_the_same() {
    let router = leyr_sandbox::Sandbox::builder(std::sync::Arc::new(
        leyr_in_memory::ManualClock::new(crate::support::monday_morning()),
    ))
    .router()
    .unwrap();
    let app = axum::Router::new().nest("/proxy", router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/proxy", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    for (path, code, at) in [
        (format!("{CU}/patients/emr_id%3A{ALFA}"), None, Value::Null),
        (
            format!("{CU}/patients/%FF"),
            Some("INVALID_PATIENT_ID"),
            json!(["path", "patient_id"]),
        ),
        (
            "/api/emrs/webdoc/care-units/10/patients/%FF".to_owned(),
            Some("NOT_SUPPORTED"),
            json!(["path", "emr"]),
        ),
    ] {
        let response = client
            .get(format!("{base}{path}"))
            .header("x-leyr-client-id", "test-app")
            .send()
            .await
            .unwrap();
        let reply = crate::support::Reply::from(response).await;
        match code {
            None => assert_eq!(reply.status, 200, "{path}: {}", reply.body),
            Some(code) => reply.assert_error(code, at),
        }
    }
}
