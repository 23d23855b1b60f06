//! The test harness: a sandbox per test on a free port, a fixed clock and a small HTTP client.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use leyr_in_memory::ManualClock;
use leyr_sandbox::{RunningSandbox, Sandbox, SandboxBuilder};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// `{CU}` for the seed's care unit.
pub(crate) const CU: &str = "/api/emrs/takecare/care-units/10";
/// Leyr's recommended patient, the one with a history.
pub(crate) const ALFA: &str = "197110021834";
/// Dr Ehn.
pub(crate) const EHN: &str = "10-991890000019";
/// Nurse Lind.
pub(crate) const LIND: &str = "10-991890000027";
/// The client id the tests send.
pub(crate) const CLIENT_ID: &str = "test-app";

/// Monday 2024-03-25, 07:30 in Stockholm (06:30 UTC): half an hour before the first slots.
pub(crate) fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 25, 6, 30, 0).unwrap()
}

/// A running sandbox and its clock.
pub(crate) struct Harness {
    pub(crate) sandbox: RunningSandbox,
    pub(crate) clock: ManualClock,
    pub(crate) http: reqwest::Client,
}

impl Harness {
    /// A default sandbox at [`monday_morning`].
    pub(crate) async fn start() -> Self {
        Self::with(|builder| builder).await
    }

    /// A sandbox at [`monday_morning`], configured further by `configure`.
    pub(crate) async fn with(configure: impl FnOnce(SandboxBuilder) -> SandboxBuilder) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_test_writer()
                .with_env_filter("info")
                .try_init();
        }
        let clock = ManualClock::new(monday_morning());
        let builder = Sandbox::builder(Arc::new(clock.clone()));
        let sandbox = configure(builder)
            .spawn("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        Self {
            sandbox,
            clock,
            http: reqwest::Client::new(),
        }
    }

    /// An absolute URL for `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    /// A request with the client id header.
    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("x-leyr-client-id", CLIENT_ID)
            .header("content-type", "application/json")
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        Reply::from(self.request(Method::GET, path).send().await.unwrap()).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> Reply {
        Reply::from(
            self.request(Method::POST, path)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> Reply {
        Reply::from(
            self.request(Method::PATCH, path)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        Reply::from(request.send().await.unwrap()).await
    }

    /// The first free slot of `resource` for `service` from now, as listed.
    pub(crate) async fn first_slot(&self, resource: &str, service: &str) -> Value {
        let reply = self
            .get(&format!(
                "{CU}/timeslots?resource_id={resource}&healthcare_service_id={service}"
            ))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body[0].clone()
    }

    /// Books `slot` for `patient` and returns the appointment.
    pub(crate) async fn book(&self, slot: &Value, patient: &str, comment: Option<&str>) -> Value {
        let reply = self
            .post(
                &format!("{CU}/appointments"),
                booking(slot, patient, comment),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body[0].clone()
    }
}

/// The create-appointment body for a listed slot.
pub(crate) fn booking(slot: &Value, patient: &str, comment: Option<&str>) -> Value {
    json!({
        "start": slot["start"],
        "end": slot["end"],
        "patient_id": patient,
        "resource_id": slot["resource_id"],
        "healthcare_service_id": slot["healthcare_service_id"],
        "comment": comment,
    })
}

/// An answer: status, headers and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Reply {
    pub(crate) async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            body,
        }
    }

    /// The `errors[].error_code` values.
    pub(crate) fn codes(&self) -> Vec<String> {
        self.entries()
            .iter()
            .map(|entry| entry["error_code"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    fn entries(&self) -> Vec<Value> {
        self.body["errors"].as_array().cloned().unwrap_or_default()
    }

    /// Checks the C30 envelope: JSON content type, `code`, `status`, `type`, a UUID v4
    /// `instance`.
    #[track_caller]
    pub(crate) fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.headers["content-type"], "application/json",
            "{}",
            self.body
        );
        assert_eq!(self.body["code"], code, "{}", self.body);
        assert_eq!(self.body["status"], status, "{}", self.body);
        let documented = [
            "BAD_REQUEST",
            "UNAUTHORIZED",
            "EMR_ERROR",
            "UNKNOWN_ERROR",
            "SERVICE_UNAVAILABLE",
        ];
        let expected_type = if documented.contains(&code) {
            format!(
                "https://docs.leyr.io/api/error-handling/{}",
                code.to_lowercase()
            )
        } else {
            "about:blank".to_owned()
        };
        assert_eq!(self.body["type"], expected_type.as_str());
        let instance = uuid::Uuid::parse_str(self.body["instance"].as_str().unwrap()).unwrap();
        assert_eq!(instance.get_version_num(), 4);
        assert!(self.body["title"].is_string());
        assert!(self.body["detail"].is_string());
    }

    /// Checks a C30 400 whose entries are exactly `expected` (code, path), in order.
    #[track_caller]
    pub(crate) fn assert_errors(&self, expected: &[(&str, Value)]) {
        self.assert_problem(400, "BAD_REQUEST");
        assert_eq!(self.body["title"], "Request validation failed");
        assert_eq!(
            self.body["detail"],
            "Bad request. Check documentation if you send all the fields in a proper format."
        );
        let entries = self.entries();
        let got: Vec<(String, Value)> = entries
            .iter()
            .map(|entry| {
                (
                    entry["error_code"].as_str().unwrap_or_default().to_owned(),
                    entry["path"].clone(),
                )
            })
            .collect();
        let wanted: Vec<(String, Value)> = expected
            .iter()
            .map(|(code, path)| ((*code).to_owned(), path.clone()))
            .collect();
        assert_eq!(got, wanted, "{}", self.body);
        for entry in entries {
            assert_eq!(entry["emr_error"], Value::Null);
            assert_eq!(
                entry["details"].as_str().unwrap(),
                meaning(entry["error_code"].as_str().unwrap()),
                "{entry}"
            );
        }
    }

    /// Checks a 400 with one entry of `code` at `path`.
    #[track_caller]
    pub(crate) fn assert_error(&self, code: &str, path: Value) {
        self.assert_errors(&[(code, path)]);
    }
}

/// The meaning column of §4.3, as the sandbox writes `details`.
pub(crate) fn meaning(code: &str) -> String {
    match code {
        "INVALID_PATIENT_ID" => "the given patient_id is not valid".into(),
        "INVALID_CARE_UNIT_ID" => "the given care_unit_id is not valid".into(),
        "INVALID_HEALTHCARE_SERVICE_ID" => "the given healthcare_service_id is not valid".into(),
        "INVALID_RESOURCE_ID" => "the given resource_id is not valid".into(),
        "INVALID_APPOINTMENT_ID" => "the given appointment_id is not valid".into(),
        "NO_TIMESLOTS_AVAILABLE" => "The timeslot for the given parameters was not found".into(),
        "INVALID_COMMENT_LENGTH" => "the comment is too long".into(),
        "INVALID_CREATED_BY_ID" => "the given created_by_id is not valid".into(),
        "INVALID_NOTE_CONTENT" => "the medical note content is not valid".into(),
        "MISSING_REQUIRED_FIELD" => "a required field is missing".into(),
        "MAX_ITEMS_EXCEEDED" => "too many items".into(),
        "BAD_INPUT" => "invalid input; the EHR rejected the request".into(),
        "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED" => {
            "the EHR cannot look up patients by this id type".into()
        }
        "INVALID_PATIENT_ID_TYPE" => "the patient id type is not valid".into(),
        "AMBIGUOUS_TIMESLOTS" => "more than one timeslot matches the parameters".into(),
        "NOT_SUPPORTED" => "not supported".into(),
        other => panic!("no meaning known for {other}"),
    }
}
