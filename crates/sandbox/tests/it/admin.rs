//! Administration over HTTP (C49) and the state file (C50).

use std::sync::Arc;

use leyr_in_memory::ManualClock;
use leyr_sandbox::{ADMIN_TOKEN_HEADER, Sandbox, StartError, StateFileError};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use leyr_domain::ports::Clock;

use crate::support::{ALFA, CU, EHN, Harness, Reply, monday_morning};

trait NowForTest {
    fn now_for_test(&self) -> String;
}

impl NowForTest for ManualClock {
    fn now_for_test(&self) -> String {
        self.now().fixed_offset().to_rfc3339()
    }
}

const ANITA: &str = "/api/emrs/anitasystems/care-units/L0_1";

impl Harness {
    /// An administration request, without Leyr's credentials.
    fn admin(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path))
    }

    async fn admin_get(&self, path: &str) -> Reply {
        self.send(self.admin(Method::GET, path)).await
    }

    async fn admin_send(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.send(self.admin(method, path).json(body)).await
    }

    /// Books Anita's first free slot for its seed patient: the booking awaits a code (§9.3).
    async fn book_at_anita(&self) -> Reply {
        let slot = self
            .get(&format!(
                "{ANITA}/timeslots?resource_id=101&healthcare_service_id=201"
            ))
            .await
            .body[0]
            .clone();
        let created = self
            .post(
                &format!("{ANITA}/appointments"),
                crate::support::booking(&slot, "5001", None),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        created
    }

    async fn state(&self) -> Value {
        let reply = self.admin_get("/_sandbox/state").await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    }
}

impl Reply {
    /// One `BAD_INPUT` entry at `path`, with its own explanation (C49: admin 400s are C30
    /// problems).
    #[track_caller]
    fn assert_bad_input(&self, path: Value) {
        self.assert_problem(400, "BAD_REQUEST");
        let entries = self.body["errors"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{}", self.body);
        assert_eq!(entries[0]["error_code"], "BAD_INPUT", "{}", self.body);
        assert_eq!(entries[0]["path"], path, "{}", self.body);
        assert!(
            entries[0]["details"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
}

fn paths(reply: &Reply) -> Vec<Value> {
    reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].clone())
        .collect()
}

#[tokio::test]
async fn c49_health_answers_without_a_token_and_everything_else_needs_it() {
    let harness = Harness::with(|builder| builder.admin_token(SecretString::from("t0ken"))).await;
    let health = harness.admin_get("/_sandbox/health").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body, json!({"status": "ok"}));

    for (method, path) in [
        (Method::GET, "/_sandbox/state"),
        (Method::POST, "/_sandbox/reset"),
        (Method::GET, "/_sandbox/requests"),
        (Method::GET, "/_sandbox/messages"),
        (Method::GET, "/_sandbox/faults"),
        (Method::DELETE, "/_sandbox/faults"),
        (Method::PUT, "/_sandbox/clock"),
    ] {
        let missing = harness.send(harness.admin(method.clone(), path)).await;
        missing.assert_problem(401, "UNAUTHORIZED");
        assert_eq!(
            missing.body["detail"],
            "The sandbox admin token is missing or wrong."
        );
        let wrong = harness
            .send(
                harness
                    .admin(method.clone(), path)
                    .header(ADMIN_TOKEN_HEADER, "t0ke"),
            )
            .await;
        wrong.assert_problem(401, "UNAUTHORIZED");
        // Leyr's client credentials never open administration.
        let leyr = harness.send(harness.request(method, path)).await;
        leyr.assert_problem(401, "UNAUTHORIZED");
    }
    let right = harness
        .send(
            harness
                .admin(Method::GET, "/_sandbox/state")
                .header(ADMIN_TOKEN_HEADER, "t0ken"),
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.body);
}

#[tokio::test]
async fn c49_beyond_loopback_without_a_token_administration_is_off_but_health_is_on() {
    let clock = ManualClock::new(monday_morning());
    let sandbox = Sandbox::builder(Arc::new(clock))
        .spawn("0.0.0.0:0".parse().unwrap())
        .await
        .unwrap();
    assert!(!sandbox.admin_enabled());
    let base = format!("http://127.0.0.1:{}", sandbox.local_addr().port());
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{base}/_sandbox/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    for path in ["/_sandbox/state", "/_sandbox/requests", "/_sandbox/faults"] {
        let reply = Reply::from(http.get(format!("{base}{path}")).send().await.unwrap()).await;
        reply.assert_problem(404, "NOT_FOUND");
    }
    let reset = Reply::from(
        http.post(format!("{base}/_sandbox/reset"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    reset.assert_problem(404, "NOT_FOUND");
}

#[tokio::test]
async fn c49_reset_brings_back_the_seed_and_clears_faults_and_the_journal() {
    let harness = Harness::start().await;
    let seed = harness.state().await;
    let slot = harness.first_slot(EHN, "1001").await;
    harness.book(&slot, ALFA, None).await;
    assert_ne!(harness.state().await, seed);
    let scripted = harness
        .admin_send(
            Method::POST,
            "/_sandbox/faults",
            &json!({"fault": {"kind": "service_unavailable"}, "times": 3}),
        )
        .await;
    assert_eq!(scripted.status, 201, "{}", scripted.body);

    let reset = harness.admin(Method::POST, "/_sandbox/reset");
    let reset = harness.send(reset).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(harness.state().await, seed, "the seed again");
    assert_eq!(harness.admin_get("/_sandbox/faults").await.body, json!([]));
    assert_eq!(
        harness.admin_get("/_sandbox/requests").await.body,
        json!([])
    );
    assert_eq!(
        harness.first_slot(EHN, "1001").await,
        slot,
        "the slot is free again"
    );
    // The Rust handle follows the reset.
    assert!(format!("{:?}", harness.sandbox.ehr()).contains("takecare"));

    let later = harness
        .admin_send(
            Method::POST,
            "/_sandbox/reset",
            &json!({"start_date": "2024-04-01"}),
        )
        .await;
    assert_eq!(later.status, 200, "{}", later.body);
    let state = harness.state().await;
    assert_eq!(
        state["emrs"][0]["care_units"][0]["weekday_slots"]["from"],
        "2024-04-01"
    );
    let bad = harness
        .admin_send(
            Method::POST,
            "/_sandbox/reset",
            &json!({"start_date": "1 April"}),
        )
        .await;
    bad.assert_problem(400, "BAD_REQUEST");
}

#[tokio::test]
async fn c49_export_import_export_gives_the_same_document_and_restores_the_world() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let booked = harness.book(&slot, ALFA, Some("Knee")).await;
    let before = harness.state().await;
    assert_eq!(before["format"], "leyr-sandbox-state/1");
    let emrs: Vec<&str> = before["emrs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|world| world["emr"].as_str().unwrap())
        .collect();
    assert_eq!(
        emrs,
        [
            "takecare",
            "kaddio",
            "anitasystems",
            "cliniko",
            "physica",
            "pridok",
            "konfidens"
        ]
    );

    harness
        .send(harness.admin(Method::POST, "/_sandbox/reset"))
        .await;
    assert_ne!(harness.state().await, before);
    let imported = harness
        .admin_send(Method::PUT, "/_sandbox/state", &before)
        .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(
        harness.state().await,
        before,
        "export, import, export: identical"
    );
    let read = harness
        .get(&format!(
            "{CU}/appointments/{}",
            booked["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["comment"], "Knee");
    assert_ne!(harness.first_slot(EHN, "1001").await, slot, "still held");
}

#[tokio::test]
async fn c49_a_rule_breaking_import_reports_every_problem_and_changes_nothing() {
    let harness = Harness::start().await;
    let before = harness.state().await;
    let mut broken = before.clone();
    let unit = &mut broken["emrs"][0]["care_units"][0];
    // An invalid personnummer (Luhn), a name with a digit, an unknown resource and two
    // overlapping booked appointments.
    unit["patients"][0]["external_id"] = json!("197110021835");
    unit["patients"][1]["first_name"] = json!("R2D2");
    let appointment = |id: &str, resource: &str| {
        json!({"id": id, "status": "booked", "start": "2024-03-26T09:00:00+01:00",
               "end": "2024-03-26T09:30:00+01:00", "patient_id": ALFA,
               "resource_id": resource, "healthcare_service_id": "1001"})
    };
    let appointments = unit["appointments"].as_array_mut().unwrap();
    appointments.push(appointment("x-1", EHN));
    appointments.push(appointment("x-2", EHN));
    let mut with_unknown = broken.clone();
    with_unknown["emrs"][0]["care_units"][0]["appointments"]
        .as_array_mut()
        .unwrap()
        .push(appointment("x-3", "nobody"));

    let refused = harness
        .admin_send(Method::PUT, "/_sandbox/state", &broken)
        .await;
    refused.assert_problem(400, "BAD_REQUEST");
    let paths = paths(&refused);
    assert!(
        paths.contains(&json!([
            "body",
            "emrs",
            0,
            "care_units",
            0,
            "patients",
            0,
            "external_id"
        ])),
        "{paths:?}"
    );
    assert!(
        paths.contains(&json!([
            "body",
            "emrs",
            0,
            "care_units",
            0,
            "patients",
            1,
            "first_name"
        ])),
        "{paths:?}"
    );
    assert!(refused.codes().iter().all(|code| code == "BAD_INPUT"));
    let text = refused.body.to_string();
    assert!(
        !text.contains("197110021835") && !text.contains("R2D2"),
        "{text}"
    );

    // Once the values are right, the world's own rules speak: the overlap and the reference.
    let mut fixed = with_unknown.clone();
    fixed["emrs"][0]["care_units"][0]["patients"] =
        before["emrs"][0]["care_units"][0]["patients"].clone();
    let refused = harness
        .admin_send(Method::PUT, "/_sandbox/state", &fixed)
        .await;
    refused.assert_problem(400, "BAD_REQUEST");
    let details: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["details"].as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 2, "{details:?}");
    assert!(details.iter().any(|d| d.contains("overlap")), "{details:?}");
    assert!(
        details.iter().any(|d| d.contains("unknown resource")),
        "{details:?}"
    );
    assert_eq!(
        paths_of(&refused),
        vec![json!(["body", "emrs", 0, "care_units", 0]); 2]
    );

    for body in [
        json!({"format": "leyr-sandbox-state/1"}),
        json!([1, 2]),
        json!({"format": "other", "emrs": [{"emr": "nosuch"}]}),
    ] {
        let refused = harness
            .admin_send(Method::PUT, "/_sandbox/state", &body)
            .await;
        refused.assert_problem(400, "BAD_REQUEST");
    }
    let not_json = harness
        .send(
            harness
                .admin(Method::PUT, "/_sandbox/state")
                .body("{\"format\":"),
        )
        .await;
    not_json.assert_problem(400, "BAD_REQUEST");
    assert_eq!(harness.state().await, before, "nothing changed");
}

fn paths_of(reply: &Reply) -> Vec<Value> {
    paths(reply)
}

#[tokio::test]
async fn c49_scripted_faults_match_method_route_and_emr() {
    let harness = Harness::start().await;
    let scripted = harness
        .admin_send(
            Method::POST,
            "/_sandbox/faults",
            &json!({"fault": {"kind": "too_many_requests", "retry_after_seconds": 3},
                    "times": 2,
                    "match": {"method": "GET", "route": "/timeslots", "emr": "takecare"}}),
        )
        .await;
    assert_eq!(scripted.status, 201, "{}", scripted.body);
    let listed = harness.admin_get("/_sandbox/faults").await;
    assert_eq!(
        listed.body,
        json!([{"fault": {"kind": "too_many_requests", "retry_after_seconds": 3}, "times": 2,
                "match": {"method": "GET", "route": "/timeslots", "emr": "takecare"}}])
    );
    // Not matching: another route, another EHR.
    assert_eq!(harness.get(&format!("{CU}/resources")).await.status, 200);
    assert_eq!(
        harness
            .get("/api/emrs/cliniko/care-units/1038474653782915712/timeslots")
            .await
            .status,
        200
    );
    let throttled = harness.get(&format!("{CU}/timeslots")).await;
    throttled.assert_problem(429, "TOO_MANY_REQUESTS");
    assert_eq!(throttled.headers["retry-after"], "3");
    assert_eq!(
        harness.admin_get("/_sandbox/faults").await.body[0]["times"],
        1
    );
    harness
        .get(&format!("{CU}/timeslots"))
        .await
        .assert_problem(429, "TOO_MANY_REQUESTS");
    assert_eq!(harness.get(&format!("{CU}/timeslots")).await.status, 200);

    harness
        .admin_send(
            Method::POST,
            "/_sandbox/faults",
            &json!({"fault": {"kind": "bad_request", "error_code": "AMBIGUOUS_TIMESLOTS"}, "match": {"route": "/appointments/{appointment_id}"}}),
        )
        .await;
    let cleared = harness
        .send(harness.admin(Method::DELETE, "/_sandbox/faults"))
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(harness.admin_get("/_sandbox/faults").await.body, json!([]));

    for (body, path) in [
        (
            json!({"fault": {"kind": "meteor"}}),
            json!(["body", "fault"]),
        ),
        (
            json!({"fault": {"kind": "emr_error", "status": 200, "detail": "x"}}),
            json!(["body", "fault", "status"]),
        ),
        (
            json!({"fault": {"kind": "delay", "millis": 600_000}}),
            json!(["body", "fault", "millis"]),
        ),
        (
            json!({"fault": {"kind": "drop_after_work"}, "times": 0}),
            json!(["body", "times"]),
        ),
        (
            json!({"fault": {"kind": "drop_after_work"}, "match": {"route": "/api/emrs/takecare/care-units/10/timeslots"}}),
            json!(["body", "match", "route"]),
        ),
        (
            json!({"fault": {"kind": "drop_after_work"}, "match": {"emr": "nosuch"}}),
            json!(["body", "match", "emr"]),
        ),
        (
            json!({"fault": {"kind": "drop_after_work"}, "match": {"method": "BREW"}}),
            json!(["body", "match", "method"]),
        ),
    ] {
        let refused = harness
            .admin_send(Method::POST, "/_sandbox/faults", &body)
            .await;
        refused.assert_bad_input(path);
    }
    assert_eq!(harness.admin_get("/_sandbox/faults").await.body, json!([]));
}

#[tokio::test]
async fn c49_the_journal_keeps_route_templates_only_newest_first() {
    let harness = Harness::start().await;
    harness.get(&format!("{CU}/patients/{ALFA}")).await;
    harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&start=2024-03-25T08%3A00%3A00%2B01%3A00"
        ))
        .await;
    harness.get(&format!("{CU}/nowhere/{ALFA}")).await;
    harness
        .admin_send(
            Method::POST,
            "/_sandbox/faults",
            &json!({"fault": {"kind": "service_unavailable"}}),
        )
        .await;
    harness.get(&format!("{CU}/patients/{ALFA}")).await;
    harness.admin_get("/_sandbox/state").await;

    let journal = harness.admin_get("/_sandbox/requests").await;
    assert_eq!(journal.status, 200);
    let entries = journal.body.as_array().unwrap();
    assert_eq!(
        entries.len(),
        4,
        "administration is not journaled: {entries:?}"
    );
    assert_eq!(
        entries[0]["route"],
        "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}"
    );
    assert_eq!(entries[0]["status"], 503);
    assert_eq!(entries[0]["fault"], "service_unavailable");
    assert_eq!(entries[1]["route"], Value::Null, "no route matched");
    assert_eq!(entries[1]["status"], 404);
    assert_eq!(
        entries[2]["route"],
        "/api/emrs/{emr}/care-units/{care_unit_id}/timeslots"
    );
    assert_eq!(entries[3]["method"], "GET");
    assert_eq!(entries[3]["status"], 200);
    assert_eq!(entries[3]["error_codes"], json!([]));
    assert!(entries[3]["duration_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(entries[3]["time"], "2024-03-25T07:30:00+01:00");
    let text = journal.body.to_string();
    for secret in [ALFA, EHN, "takecare", "care-units/10", "08%3A00"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    let bad = harness
        .get(&format!("{CU}/appointments?patient_id=000000000000"))
        .await;
    assert_eq!(bad.status, 400);
    let newest = harness.admin_get("/_sandbox/requests?limit=1").await;
    assert_eq!(newest.body.as_array().unwrap().len(), 1);
    assert_eq!(
        newest.body[0]["error_codes"],
        json!(["INVALID_PATIENT_ID"]),
        "{}",
        newest.body
    );
    for limit in ["0", "10001", "many"] {
        harness
            .admin_get(&format!("/_sandbox/requests?limit={limit}"))
            .await
            .assert_bad_input(json!(["query", "limit"]));
    }
}

#[tokio::test]
async fn c49_messages_show_the_code_sent_with_the_phone_masked() {
    let harness = Harness::start().await;
    let created = harness.book_at_anita().await;
    let messages = harness.admin_get("/_sandbox/messages").await;
    assert_eq!(messages.status, 200);
    let message = &messages.body[0];
    assert_eq!(messages.body.as_array().unwrap().len(), 1);
    assert_eq!(message["emr"], "anitasystems");
    assert_eq!(message["appointment_id"], created.body[0]["id"]);
    assert_eq!(message["channel"], "sms");
    assert_eq!(message["purpose"], "booking");
    assert_eq!(message["phone"], "+********01");
    let code = message["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    let confirmed = harness
        .patch(
            &format!(
                "{ANITA}/appointments/{}",
                created.body[0]["id"].as_str().unwrap()
            ),
            json!({"confirmation": {"code": code}}),
        )
        .await;
    assert_eq!(confirmed.body["status"], "booked", "{}", confirmed.body);
}

#[tokio::test]
async fn c49_the_clock_moves_forward_only_and_only_when_settable() {
    let fixed = Harness::start().await;
    let refused = fixed
        .admin_send(
            Method::PUT,
            "/_sandbox/clock",
            &json!({"advance_seconds": 60}),
        )
        .await;
    refused.assert_problem(409, "CONFLICT");

    let clock = ManualClock::new(monday_morning());
    let sandbox = Sandbox::builder(Arc::new(clock.clone()))
        .settable_clock(clock.clone())
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let harness = Harness {
        sandbox,
        clock,
        http: reqwest::Client::new(),
    };
    let first = harness.first_slot(EHN, "1001").await;
    assert_eq!(first["start"], "2024-03-25T08:00:00+01:00");
    let moved = harness
        .admin_send(
            Method::PUT,
            "/_sandbox/clock",
            &json!({"now": "2024-03-25T10:00:00+01:00"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    assert_eq!(moved.body["now"], "2024-03-25T10:00:00+01:00");
    assert_eq!(harness.clock.now_for_test(), "2024-03-25T09:00:00+00:00");
    let after = harness.first_slot(EHN, "1001").await;
    // Slots start after now: the 10:00 one has begun.
    assert_eq!(
        after["start"], "2024-03-25T10:30:00+01:00",
        "the sandbox reads the moved clock"
    );
    let advanced = harness
        .admin_send(
            Method::PUT,
            "/_sandbox/clock",
            &json!({"advance_seconds": 3600}),
        )
        .await;
    assert_eq!(advanced.body["now"], "2024-03-25T11:00:00+01:00");
    harness
        .admin_send(
            Method::PUT,
            "/_sandbox/clock",
            &json!({"now": "2024-03-25T09:00:00+01:00"}),
        )
        .await
        .assert_bad_input(json!(["body", "now"]));
    harness
        .admin_send(
            Method::PUT,
            "/_sandbox/clock",
            &json!({"advance_seconds": -1}),
        )
        .await
        .assert_bad_input(json!(["body", "advance_seconds"]));
    harness
        .admin_send(Method::PUT, "/_sandbox/clock", &json!({"now": "10:00"}))
        .await
        .assert_bad_input(json!(["body", "now"]));
    harness
        .admin_send(Method::PUT, "/_sandbox/clock", &json!({}))
        .await
        .assert_problem(400, "BAD_REQUEST");
}

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("leyr-sandbox-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test]
async fn c50_a_restart_on_the_state_file_keeps_every_acknowledged_write() {
    let path = temp_file("restart.sqlite");
    let first = {
        let path = path.clone();
        Harness::with(move |builder| builder.state_file(path)).await
    };
    let slot = first.first_slot(EHN, "1001").await;
    let booked = first.book(&slot, ALFA, Some("Kept")).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let registered = first
        .post(
            &format!("{CU}/patients"),
            json!({"first_name": "Ada", "last_name": "Lind", "external_id": "191212121212"}),
        )
        .await;
    assert!(
        registered.status == 201 || registered.status == 200,
        "{}",
        registered.body
    );
    let cancelled = first
        .patch(
            &format!("{CU}/appointments/{id}"),
            json!({"status": "cancelled", "comment": "No"}),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let state = first.state().await;
    first.sandbox.shutdown().await.unwrap();

    let second = {
        let path = path.clone();
        Harness::with(move |builder| builder.state_file(path)).await
    };
    assert_eq!(
        second.state().await,
        state,
        "the same world after a restart"
    );
    let read = second.get(&format!("{CU}/appointments/{id}")).await;
    assert_eq!(read.body["status"], "cancelled");
    // New bookings get new ids, though the id sequence starts again.
    let again = second
        .book(&second.first_slot(EHN, "1001").await, ALFA, None)
        .await;
    assert_ne!(again["id"].as_str().unwrap(), id);

    // A reset is kept too.
    second
        .send(second.admin(Method::POST, "/_sandbox/reset"))
        .await;
    let seed = second.state().await;
    second.sandbox.shutdown().await.unwrap();
    let third = Harness::with(move |builder| builder.state_file(path)).await;
    assert_eq!(third.state().await, seed);
}

#[tokio::test]
async fn c50_a_code_sent_before_a_restart_still_confirms_after_it() {
    let path = temp_file("anita.sqlite");
    let first = {
        let path = path.clone();
        Harness::with(move |builder| builder.state_file(path)).await
    };
    let created = first.book_at_anita().await;
    let id = created.body[0]["id"].as_str().unwrap().to_owned();
    let path_of = format!("{ANITA}/appointments/{id}");
    // One wrong code before the restart counts after it.
    let wrong = first
        .patch(&path_of, json!({"confirmation": {"code": "000000"}}))
        .await;
    assert_eq!(wrong.status, 400);
    let sent = first.admin_get("/_sandbox/messages").await.body;
    let state = first.state().await;
    let confirmations = &state["emrs"][2]["care_units"][0]["confirmations"];
    assert_eq!(
        confirmations[0]["appointment_id"],
        id.as_str(),
        "{confirmations}"
    );
    assert_eq!(confirmations[0]["wrong_codes"], 1);
    assert_eq!(confirmations[0]["phone"], "+********01");
    first.sandbox.shutdown().await.unwrap();

    let second = {
        let path = path.clone();
        Harness::with(move |builder| builder.state_file(path)).await
    };
    assert_eq!(second.state().await, state);
    assert_eq!(
        second.admin_get("/_sandbox/messages").await.body,
        sent,
        "the SMS is still there"
    );
    let code = sent[0]["code"].as_str().unwrap();
    let confirmed = second
        .patch(&path_of, json!({"confirmation": {"code": code}}))
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "booked");
    second.sandbox.shutdown().await.unwrap();

    let third = Harness::with(move |builder| builder.state_file(path)).await;
    let again = third
        .patch(&path_of, json!({"confirmation": {"code": code}}))
        .await;
    assert_eq!(
        again.status, 400,
        "a spent code stays spent: {}",
        again.body
    );
    // Anita cannot be asked for one appointment; the state shows it.
    let stored = third.state().await["emrs"][2]["care_units"][0]["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|appointment| appointment["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(stored["status"], "booked");

    let mut bad = third.state().await;
    bad["emrs"][2]["care_units"][0]["confirmations"][0]["phone"] = json!("+4670123456701");
    bad["emrs"][2]["care_units"][0]["confirmations"][0]["code"] = json!("1 2");
    let refused = third.admin_send(Method::PUT, "/_sandbox/state", &bad).await;
    refused.assert_problem(400, "BAD_REQUEST");
    assert_eq!(
        refused.body["errors"].as_array().unwrap().len(),
        2,
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn c50_a_foreign_or_incompatible_file_is_refused_and_left_as_it_was() {
    let clock = || Arc::new(ManualClock::new(monday_morning()));
    let text = temp_file("notes.txt");
    std::fs::write(&text, b"not a database, just some notes\n").unwrap();
    let refused = Sandbox::builder(clock())
        .state_file(&text)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StartError::StateFile(StateFileError::Foreign { .. })
        ),
        "{refused:?}"
    );
    assert!(
        refused
            .to_string()
            .contains("is not a Leyr sandbox state file")
    );
    assert_eq!(
        std::fs::read(&text).unwrap(),
        b"not a database, just some notes\n"
    );

    let other = temp_file("other.sqlite");
    {
        let connection = rusqlite::Connection::open(&other).unwrap();
        connection
            .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    let refused = Sandbox::builder(clock())
        .state_file(&other)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StartError::StateFile(StateFileError::Foreign { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(std::fs::read(&other).unwrap(), before, "untouched");

    let newer = temp_file("newer.sqlite");
    {
        let connection = rusqlite::Connection::open(&newer).unwrap();
        connection
            .execute_batch(&format!(
                "CREATE TABLE t (x INTEGER); PRAGMA application_id = {}; PRAGMA user_version = 99;",
                leyr_sandbox::APPLICATION_ID
            ))
            .unwrap();
    }
    let refused = Sandbox::builder(clock())
        .state_file(&newer)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StartError::StateFile(StateFileError::Incompatible { found: 99, .. })
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn c50_a_state_file_whose_records_cannot_be_loaded_is_refused() {
    let path = temp_file("corrupt.sqlite");
    let first = {
        let path = path.clone();
        Harness::with(move |builder| builder.state_file(path)).await
    };
    first.sandbox.shutdown().await.unwrap();
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        let changed = connection
            .execute(
                "UPDATE records SET body = '{\"id\": 1' WHERE seq = (SELECT min(seq) FROM records)",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }
    let refused = Sandbox::builder(Arc::new(ManualClock::new(monday_morning())))
        .state_file(&path)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StartError::StateFile(StateFileError::Corrupt { .. })
        ),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("cannot be loaded"),
        "{refused}"
    );
}

#[tokio::test]
async fn c49_a_dataset_file_starts_the_world_and_a_bad_one_is_refused() {
    let harness = Harness::start().await;
    let mut state = harness.state().await;
    state["emrs"][0]["care_units"][0]["name"] = json!("Vårdenhet Tio");
    let path = temp_file("dataset.json");
    std::fs::write(&path, state.to_string()).unwrap();
    let started = {
        let path = path.clone();
        Harness::with(move |builder| builder.dataset_file(path)).await
    };
    assert_eq!(started.state().await, state);
    let units = started.get("/api/emrs/takecare/care-units").await;
    assert_eq!(units.body[0]["name"], "Vårdenhet Tio");

    state["emrs"][0]["care_units"][0]["patients"][0]["external_id"] = json!("not a number");
    std::fs::write(&path, state.to_string()).unwrap();
    let refused = Sandbox::builder(Arc::new(ManualClock::new(monday_morning())))
        .dataset_file(&path)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap_err();
    let StartError::Dataset { problems, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("[\"emrs\",0,\"care_units\",0,\"patients\",0,\"external_id\"]"),
        "{problems:?}"
    );
    assert!(!refused.to_string().contains("not a number"));
}
