//! Patient data and the secret never reach error messages, `Debug` output or spans (C3, C29).

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leyr_domain::error::BackendErrorKind;
use leyr_domain::ports::{PatientDirectory, ReadError};
use leyr_domain::retry::RetryPolicy;
use leyr_http::LeyrClient;
use leyr_wire::Problem;
use secrecy::SecretString;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

/// The digits of the personnummer in every path below, without the check digit.
const DIGITS: &str = "1971100218";

async fn get_alfa(server: &MockServer, response: ResponseTemplate) -> ReadError {
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
    let client = builder(server)
        .retry_policy(RetryPolicy::never())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    client
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn no_error_message_or_debug_output_holds_personnummer_digits() {
    let answers = [
        json(401, "emr_error.json"),
        json(500, "unknown_error.json"),
        problem(400, "INVALID_PATIENT_ID"),
        problem(400, "BAD_INPUT"),
        ResponseTemplate::new(502).set_body_raw(format!("<p>no patient {ALFA}</p>"), "text/html"),
        ResponseTemplate::new(200)
            .set_body_raw(format!(r#"{{"id": {ALFA}, "emr_id": "#), "application/json"),
        ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"id": "x", "emr_id": true, "first_name": "{ALFA}"}}"#),
            "application/json",
        ),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({}))
            .set_delay(Duration::from_secs(2)),
    ];
    for answer in answers {
        let server = MockServer::start().await;
        let error = get_alfa(&server, answer).await;
        let printed = everything_printed(&error);
        assert!(!printed.contains(DIGITS), "{printed}");
        assert!(!printed.contains("Testperson"), "{printed}");
        assert!(!printed.contains(CLIENT_SECRET), "{printed}");
    }
}

#[test]
fn debug_of_a_problem_document_shows_codes_never_detail_or_details() {
    let body = serde_json::json!({
        "code": "EMR_ERROR",
        "status": 400,
        "detail": format!("TakeCare: patient {ALFA} (Testperson Alfa) is locked"),
        "errors": [{
            "details": format!("rejected {ALFA}"),
            "emr_error": {"message": format!("Testperson Alfa {ALFA}")},
            "error_code": "BAD_INPUT",
            "path": ["body", "external_id"]
        }],
        "instance": "11111111-2222-4333-8444-555555555555"
    });
    let problem: Problem = serde_json::from_value(body).unwrap();

    let printed = format!("{problem:?}");

    assert!(!printed.contains(DIGITS), "{printed}");
    assert!(!printed.contains("Testperson"), "{printed}");
    assert!(printed.contains("EmrError"), "{printed}");
    assert!(printed.contains("BadInput"), "{printed}");
    assert!(
        printed.contains("11111111-2222-4333-8444-555555555555"),
        "{printed}"
    );
}

#[tokio::test]
async fn a_lost_connection_names_no_url_in_its_sources() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0_u8; 4096];
        let _ = socket.read(&mut request).await;
        // Hang up without answering.
    });
    let client = LeyrClient::builder()
        .base_url(format!("http://{address}"))
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();

    let error = client
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        backend.kind(),
        BackendErrorKind::Timeout,
        "lost after sending counts as a timeout"
    );
    let printed = everything_printed(&error);
    assert!(!printed.contains(DIGITS), "{printed}");
    assert!(!printed.contains("127.0.0.1"), "{printed}");
}

/// A layer that writes every span and event of this crate, with all their fields, into one
/// text. (The transport's own debug events name the host; they are not ours to test.)
#[derive(Default)]
struct Capture {
    text: Arc<Mutex<String>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attributes: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        if !attributes.metadata().target().starts_with("leyr_http") {
            return;
        }
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nspan {}", attributes.metadata().name());
        attributes.record(&mut Fields(&mut text));
    }

    fn on_record(&self, span: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nrecord {}", span.into_u64());
        values.record(&mut Fields(&mut text));
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if !event.metadata().target().starts_with("leyr_http") {
            return;
        }
        let mut text = self.text.lock().unwrap();
        let _ = write!(text, "\nevent {}", event.metadata().target());
        event.record(&mut Fields(&mut text));
    }
}

#[tokio::test]
async fn spans_follow_the_http_client_conventions_and_never_hold_the_url_or_patient_c3() {
    let capture = Capture::default();
    let text = Arc::clone(&capture.text);
    // Other tests hit the same callsites on other threads, without a subscriber. With a single
    // registered dispatcher tracing-core caches a callsite's interest from the registering
    // thread's default (none there); with two it asks every dispatcher, this one included.
    let _second_dispatcher = tracing::Dispatch::new(tracing_subscriber::registry());
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture));
    tracing::callsite::rebuild_interest_cache();
    let server = MockServer::start().await;
    alfa_after_one_503(&server).await;

    client(&server)
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap();

    let text = text.lock().unwrap().clone();
    // One span for the operation, one per attempt, named and attributed by OpenTelemetry's
    // HTTP client conventions.
    assert!(
        text.contains(r#"span leyr.get_patient leyr.operation="get_patient" leyr.emr=takecare"#),
        "{text}"
    );
    let template = "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}";
    let attempt = format!(
        r#"span http.client.request otel.name=GET {template} otel.kind="client" http.request.method="GET" url.template="{template}" server.address="#
    );
    assert_eq!(text.matches(&attempt).count(), 2, "{text}");
    assert!(text.contains("http.response.status_code=503"), "{text}");
    assert!(text.contains(r#"error.type="503""#), "{text}");
    assert!(text.contains("http.request.resend_count=1"), "{text}");
    assert!(text.contains("http.response.status_code=200"), "{text}");
    assert_eq!(
        text.matches("http.request.resend_count").count(),
        1,
        "{text}"
    );
    for secret in [
        DIGITS,
        "198101012394",
        "Anders",
        "se_personal_number",
        "/patients/se",
        CLIENT_SECRET,
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
