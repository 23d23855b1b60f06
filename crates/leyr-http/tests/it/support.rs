//! Shared fixtures: the documented example bodies, a client pointed at a mock server, and mocks
//! that match every header Leyr needs (C2, C38).

use std::error::Error;
use std::time::Duration;

use leyr_domain::ids::CareUnitId;
use leyr_domain::personnummer::Personnummer;
use leyr_domain::retry::RetryPolicy;
use leyr_domain::timeslot::Timeslot;
use leyr_http::{LeyrClient, LeyrClientBuilder};
use leyr_wire::dto::TimeslotDto;
use leyr_wire::mapping;
use secrecy::SecretString;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

pub(crate) const CLIENT_ID: &str = "test-app";
pub(crate) const CLIENT_SECRET: &str = "s3cr3t-that-must-never-be-logged";
/// `{CU}` for care unit `10` on TakeCare.
pub(crate) const CU: &str = "/api/emrs/takecare/care-units/10";
/// A test personnummer (§5.2), Testperson Alfa.
pub(crate) const ALFA: &str = "197110021834";

pub(crate) fn user_agent() -> String {
    format!("leyr-http/{}", env!("CARGO_PKG_VERSION"))
}

/// A documented example body from `tests/resources`.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("{}/tests/resources/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// A JSON answer with a fixture as its body.
pub(crate) fn json(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// A problem document (§4.1) with one `errors[]` entry.
pub(crate) fn problem(status: u16, error_code: &str) -> ResponseTemplate {
    let body = serde_json::json!({
        "code": "BAD_REQUEST",
        "type": "https://docs.leyr.io/api/error-handling/bad_request",
        "title": "Request validation failed",
        "status": status,
        "detail": "Bad request. Check documentation if you send all the fields in a proper format.",
        "errors": [{"details": "rejected 197110021834", "emr_error": null, "error_code": error_code, "path": null}],
        "instance": "11111111-2222-4333-8444-555555555555"
    });
    ResponseTemplate::new(status).set_body_json(body)
}

/// Leyr's back-off decisions without the waits, so tests never sleep for seconds.
pub(crate) fn fast_policy() -> RetryPolicy {
    RetryPolicy::default().with_backoff([Duration::ZERO])
}

pub(crate) fn builder(server: &MockServer) -> LeyrClientBuilder {
    LeyrClient::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .retry_policy(fast_policy())
        .attempt_timeout(Duration::from_secs(10))
}

pub(crate) fn client(server: &MockServer) -> LeyrClient {
    builder(server).build().unwrap()
}

/// A mock of `verb path` that matches only when every header of C2 is sent, and neither
/// `x-leyr-standard` nor an idempotency key (C2, C38).
pub(crate) fn leyr(verb: &str, route: impl Into<String>) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(route.into()))
        .and(header("x-leyr-client-id", CLIENT_ID))
        .and(header("x-leyr-client-secret", CLIENT_SECRET))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("user-agent", user_agent().as_str()))
        .and(|request: &Request| {
            !request.headers.contains_key("x-leyr-standard")
                && !request.headers.contains_key("idempotency-key")
                && !request
                    .url
                    .query_pairs()
                    .any(|(name, _)| name == "standard")
        })
}

pub(crate) fn care_unit() -> CareUnitId {
    CareUnitId::new("10").unwrap()
}

pub(crate) fn alfa() -> Personnummer {
    ALFA.parse().unwrap()
}

/// The first slot of `timeslots.json`, as listed, with its text kept for the echo (C34).
pub(crate) fn listed_slot() -> Timeslot {
    let dtos: Vec<TimeslotDto> = serde_json::from_str(&fixture("timeslots.json")).unwrap();
    mapping::timeslot(dtos.into_iter().next().unwrap()).unwrap()
}

/// `Display` and `Debug` of `error` and of every source under it.
pub(crate) fn everything_printed(error: &(dyn Error + 'static)) -> String {
    let mut printed = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        printed.push_str(&format!(" | {cause} {cause:?}"));
        source = cause.source();
    }
    printed
}

/// Mounts `GET {CU}/patients/se_personal_number:<ALFA>`: answered 503 once, then with the
/// patient, each exactly once.
pub(crate) async fn alfa_after_one_503(server: &MockServer) {
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(json(503, "service_unavailable.json"))
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(json(200, "patient.json"))
        .expect(1)
        .mount(server)
        .await;
}
