//! Exact attempt counts over HTTP: what is retried, what is sent once (C36-C39).

use leyr_domain::national_id::NationalId;
use std::time::Duration;

use leyr_domain::appointment::{BookingRequest, Comment};
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::BackendErrorKind;
use leyr_domain::ids::{AppointmentId, ResourceId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{NewPatient, PersonName};
use leyr_domain::ports::{
    AppointmentBook, BookError, Cancellation, CareUnitCatalog, ChangeError, MedicalNotes,
    PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::retry::RetryPolicy;
use leyr_http::LeyrClient;
use secrecy::SecretString;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

const SLOW: Duration = Duration::from_secs(3);
const SHORT: Duration = Duration::from_millis(200);

fn booking() -> BookingRequest {
    BookingRequest {
        patient: alfa().into(),
        slot: listed_slot(),
        comment: None,
    }
}

fn note() -> NewMedicalNote {
    NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new("Consultation Summary").unwrap(),
        author: ResourceId::new("10-991890000019").unwrap(),
        text: NoteText::new("Patient reports mild headache.").unwrap(),
    }
}

fn cancellation() -> Cancellation {
    Cancellation {
        comment: Some(Comment::new("Patient is ill").unwrap()),
    }
}

#[tokio::test]
async fn a_read_answered_503_then_200_is_sent_twice_c36() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(json(503, "service_unavailable.json"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([{"id": "10-991890000019"}])),
        )
        .expect(1)
        .mount(&server)
        .await;

    let resources = client(&server).list_resources(&care_unit()).await.unwrap();

    assert_eq!(resources.len(), 1);
}

#[tokio::test]
async fn a_read_that_keeps_failing_is_sent_six_times_then_fails_c36() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(json(503, "service_unavailable.json"))
        .expect(6)
        .mount(&server)
        .await;

    let error = client(&server)
        .list_resources(&care_unit())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Unavailable);
}

#[tokio::test]
async fn a_booking_answered_503_is_sent_exactly_once_c37_c38() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(json(503, "service_unavailable.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .book(&care_unit(), &booking())
        .await
        .unwrap_err();

    let BookError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Unavailable);
}

#[tokio::test]
async fn a_booking_answered_429_is_sent_exactly_once_and_throttled_c37_c38() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .book(&care_unit(), &booking())
        .await
        .unwrap_err();

    let BookError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Throttled);
    assert_eq!(backend.retry_after(), Some(Duration::from_secs(2)));
}

#[tokio::test]
async fn retry_after_over_sixty_seconds_stops_at_once_and_carries_the_wait_c36() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .list_resources(&care_unit())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Throttled);
    assert_eq!(backend.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_measured_from_the_answers_date_c36() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("date", "Mon, 25 Mar 2024 13:00:00 GMT")
                .insert_header("retry-after", "Mon, 25 Mar 2024 13:02:00 GMT"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .list_resources(&care_unit())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Unavailable);
    assert_eq!(
        backend.retry_after(),
        Some(Duration::from_secs(120)),
        "over 60 s: stopped at once"
    );
}

#[tokio::test]
async fn retry_after_is_honoured_before_the_back_off_c36() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .expect(1)
        .mount(&server)
        .await;
    // The schedule alone would wait an hour: the answer's `Retry-After: 0` wins.
    let policy = RetryPolicy::default().with_backoff([Duration::from_secs(3600)]);
    let client = builder(&server).retry_policy(policy).build().unwrap();

    client.list_resources(&care_unit()).await.unwrap();
}

#[tokio::test]
async fn a_slow_read_fires_the_attempt_timeout_and_is_retried_c39() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([]))
                .set_delay(SLOW),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = builder(&server)
        .attempt_timeout(SHORT)
        .retry_policy(
            RetryPolicy::default()
                .with_backoff([Duration::ZERO])
                .with_max_retries(1),
        )
        .build()
        .unwrap();

    let started = std::time::Instant::now();
    let error = client.list_resources(&care_unit()).await.unwrap_err();

    assert!(
        started.elapsed() < SLOW,
        "the timeout fired, the delay did not run out"
    );
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Timeout);
}

#[tokio::test]
async fn a_booking_that_times_out_is_sent_once_and_its_outcome_is_unknown_c37_c38() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(json(201, "appointments.json").set_delay(SLOW))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).attempt_timeout(SHORT).build().unwrap();

    let error = client.book(&care_unit(), &booking()).await.unwrap_err();

    let BookError::OutcomeUnknown(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Timeout);
}

#[tokio::test]
async fn a_patch_that_times_out_is_sent_once_and_its_outcome_is_unknown_c37() {
    let server = MockServer::start().await;
    leyr("PATCH", format!("{CU}/appointments/a-1"))
        .respond_with(json(200, "cancelled_appointment.json").set_delay(SLOW))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).attempt_timeout(SHORT).build().unwrap();

    let error = client
        .cancel(
            &care_unit(),
            &AppointmentId::new("a-1").unwrap(),
            &cancellation(),
        )
        .await
        .unwrap_err();

    assert!(matches!(error, ChangeError::OutcomeUnknown(_)), "{error:?}");
}

#[tokio::test]
async fn a_note_that_times_out_is_sent_once_and_its_outcome_is_unknown_c37() {
    let server = MockServer::start().await;
    leyr(
        "POST",
        format!("{CU}/patients/se_personal_number:{ALFA}/medical-notes"),
    )
    .respond_with(json(201, "note.json").set_delay(SLOW))
    .expect(1)
    .mount(&server)
    .await;
    let client = builder(&server).attempt_timeout(SHORT).build().unwrap();

    let error = client
        .write_note(&care_unit(), &alfa().into(), &note())
        .await
        .unwrap_err();

    assert!(matches!(error, WriteError::OutcomeUnknown(_)), "{error:?}");
}

#[tokio::test]
async fn a_document_upload_gets_the_longer_upload_timeout_c27_c39() {
    let server = MockServer::start().await;
    leyr(
        "POST",
        format!("{CU}/patients/se_personal_number:{ALFA}/documents"),
    )
    .respond_with(json(201, "document.json").set_delay(Duration::from_millis(600)))
    .expect(1)
    .mount(&server)
    .await;
    let client = builder(&server)
        .attempt_timeout(SHORT)
        .upload_timeout(SLOW)
        .build()
        .unwrap();
    let document = NewDocument::new(
        "Blood Test Results",
        "Lab Result",
        DocumentFormat::Pdf,
        ResourceId::new("10-991890000019").unwrap(),
        b"%PDF-1.4\n".to_vec(),
    )
    .unwrap();

    let uploaded = client
        .upload_document(&care_unit(), &alfa().into(), &document)
        .await
        .unwrap();

    assert_eq!(uploaded.id.as_str(), "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
}

#[tokio::test]
async fn a_patch_answered_502_is_sent_once_and_its_outcome_is_unknown_c37() {
    let server = MockServer::start().await;
    leyr("PATCH", format!("{CU}/appointments/a-1"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .cancel(
            &care_unit(),
            &AppointmentId::new("a-1").unwrap(),
            &cancellation(),
        )
        .await
        .unwrap_err();

    let ChangeError::OutcomeUnknown(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.status(), Some(502));
}

#[tokio::test]
async fn a_booking_answered_504_is_sent_once_and_its_outcome_is_unknown_c37() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(ResponseTemplate::new(504))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .book(&care_unit(), &booking())
        .await
        .unwrap_err();

    assert!(matches!(error, BookError::OutcomeUnknown(_)), "{error:?}");
}

#[tokio::test]
async fn a_read_answered_502_then_200_is_sent_twice_c37() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/healthcare-services"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/healthcare-services"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([{"id": "1001", "duration_minutes": 30}])),
        )
        .expect(1)
        .mount(&server)
        .await;

    let services = client(&server)
        .list_healthcare_services(&care_unit())
        .await
        .unwrap();

    assert_eq!(services.len(), 1);
}

#[tokio::test]
async fn a_read_answered_500_or_emr_error_is_not_retried_c37() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/healthcare-services"))
        .respond_with(json(401, "emr_error.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client.list_resources(&care_unit()).await.unwrap_err();
    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Server),
        "{error:?}"
    );
    let error = client
        .list_healthcare_services(&care_unit())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Server),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_patch_answered_503_is_retried_because_leyr_did_not_do_the_work_c37() {
    let server = MockServer::start().await;
    leyr(
        "PATCH",
        format!("{CU}/appointments/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"),
    )
    .respond_with(json(503, "service_unavailable.json"))
    .up_to_n_times(1)
    .expect(1)
    .mount(&server)
    .await;
    leyr(
        "PATCH",
        format!("{CU}/appointments/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"),
    )
    .respond_with(json(200, "cancelled_appointment.json"))
    .expect(1)
    .mount(&server)
    .await;

    let cancelled = client(&server)
        .cancel(
            &care_unit(),
            &AppointmentId::new("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7").unwrap(),
            &cancellation(),
        )
        .await
        .unwrap();

    assert_eq!(cancelled.status().as_str(), "cancelled");
}

#[tokio::test]
async fn create_patient_is_an_upsert_so_a_timeout_is_retried_c37() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/patients"))
        .respond_with(json(201, "patient.json").set_delay(SLOW))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    leyr("POST", format!("{CU}/patients"))
        .respond_with(json(200, "patient.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).attempt_timeout(SHORT).build().unwrap();
    let patient = NewPatient {
        external_id: Some(NationalId::Personnummer("198101012394".parse().unwrap()).into()),
        first_name: PersonName::new("Anders").unwrap(),
        last_name: PersonName::new("Andersson").unwrap(),
        phones: vec![],
        emails: vec![],
    };

    let registration = client
        .register_patient(&care_unit(), &patient)
        .await
        .unwrap();

    assert!(
        !registration.was_created(),
        "the second answer, 200, says it existed"
    );
}

#[tokio::test]
async fn a_4xx_is_never_retried_c37() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(json(401, "unauthorized.json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .list_resources(&care_unit())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Unauthorized)
    );
}

/// A port nobody listens on: connecting fails, so nothing is ever sent.
fn closed_port_client(policy: RetryPolicy) -> LeyrClient {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    LeyrClient::builder()
        .base_url(format!("http://{address}"))
        .credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
        .retry_policy(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_fails_as_connect_even_for_a_booking_c37() {
    let client = closed_port_client(fast_policy());

    let error = client.list_care_units().await.unwrap_err();
    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Connect),
        "{error:?}"
    );

    let error = client.book(&care_unit(), &booking()).await.unwrap_err();
    let BookError::Backend(backend) = &error else {
        panic!("nothing was sent, so the outcome is known: {error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Connect);
}

#[tokio::test]
async fn no_wait_starts_that_would_end_past_the_deadline() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(json(503, "service_unavailable.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::default())
        .deadline(Duration::from_millis(500))
        .build()
        .unwrap();

    let started = std::time::Instant::now();
    let error = client.list_resources(&care_unit()).await.unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the 1 s back-off was not waited"
    );
    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Unavailable)
    );
}

#[tokio::test]
async fn the_deadline_bounds_a_call_in_flight() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(json(201, "appointments.json").set_delay(SLOW))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server).deadline(SHORT).build().unwrap();

    let error = client.book(&care_unit(), &booking()).await.unwrap_err();

    let BookError::OutcomeUnknown(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Timeout);
}

#[tokio::test]
async fn a_huge_deadline_and_retry_after_cap_never_overflow() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "99999999999999999999999"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .deadline(Duration::MAX)
        .retry_policy(RetryPolicy::default().with_max_retry_after(Duration::MAX))
        .build()
        .unwrap();

    let error = client.list_resources(&care_unit()).await.unwrap_err();

    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Throttled),
        "{error:?}"
    );
}
