//! Every documented error envelope decodes to the right port error (§4, C14, C29).

use std::error::Error;
use std::time::Duration;

use leyr_domain::appointment::{BookingRequest, RescheduleRequest};
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::{BackendErrorKind, Entity, RejectionCode};
use leyr_domain::ids::{AppointmentId, ResourceId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{
    AppointmentBook, BookError, CareUnitCatalog, ChangeError, MedicalNotes, PatientDirectory,
    PatientDocuments, ReadError, WriteError,
};
use leyr_domain::retry::RetryPolicy;
use leyr_http::{LeyrError, LeyrErrorKind};
use leyr_wire::{ErrorCode, ProblemCode};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

fn leyr_error(error: &leyr_domain::error::BackendError) -> &LeyrError {
    error
        .source()
        .and_then(|source| source.downcast_ref::<LeyrError>())
        .expect("a LeyrError source")
}

async fn get_patient_answering(response: ResponseTemplate) -> ReadError {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    client
        .get_patient(&care_unit(), &PatientRef::from(alfa()))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn the_documented_401_is_unauthorized_with_its_instance_c4() {
    let error = get_patient_answering(json(401, "unauthorized.json")).await;

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Unauthorized);
    assert_eq!(backend.status(), Some(401));
    assert_eq!(
        backend.reference(),
        Some("7c1e9a52-3d4b-4f0e-8a6c-2b9d1e0f3a47")
    );
    let leyr = leyr_error(backend);
    assert_eq!(leyr.code(), Some(&ProblemCode::Unauthorized));
    assert_eq!(
        leyr.to_string(),
        "Leyr answered HTTP 401 UNAUTHORIZED [instance 7c1e9a52-3d4b-4f0e-8a6c-2b9d1e0f3a47]"
    );
    assert!(
        !everything_printed(&error).contains("was not found"),
        "detail stays out of messages"
    );
}

#[tokio::test]
async fn no_timeslots_available_on_a_booking_is_slot_taken_c19() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .respond_with(json(400, "no_timeslots_available.json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = BookingRequest {
        patient: alfa().into(),
        slot: listed_slot(),
        comment: None,
    };

    let error = client(&server)
        .book(&care_unit(), &request)
        .await
        .unwrap_err();

    assert!(matches!(error, BookError::SlotTaken), "{error:?}");
}

#[tokio::test]
async fn no_timeslots_available_on_a_reschedule_is_slot_taken_c22() {
    let server = MockServer::start().await;
    leyr("PATCH", format!("{CU}/appointments/a-1"))
        .respond_with(json(400, "no_timeslots_available.json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = RescheduleRequest {
        slot: listed_slot(),
        comment: None,
    };

    let error = client(&server)
        .reschedule(&care_unit(), &AppointmentId::new("a-1").unwrap(), &request)
        .await
        .unwrap_err();

    assert!(matches!(error, ChangeError::SlotTaken), "{error:?}");
}

#[tokio::test]
async fn invalid_kind_id_codes_and_404_are_not_found_of_that_kind_c14_c29() {
    let cases = [
        (problem(400, "INVALID_PATIENT_ID"), Entity::Patient),
        (problem(400, "INVALID_CARE_UNIT_ID"), Entity::CareUnit),
        (problem(400, "INVALID_RESOURCE_ID"), Entity::Resource),
        (
            problem(400, "INVALID_HEALTHCARE_SERVICE_ID"),
            Entity::HealthcareService,
        ),
        (problem(400, "INVALID_APPOINTMENT_ID"), Entity::Appointment),
        (problem(400, "INVALID_CREATED_BY_ID"), Entity::Author),
        (problem(400, "INVALID_SOMETHING_NEW_ID"), Entity::Other),
        (problem(422, "INVALID_PATIENT_ID"), Entity::Patient),
        (ResponseTemplate::new(404), Entity::Patient),
        (problem(404, "INVALID_CARE_UNIT_ID"), Entity::CareUnit),
    ];
    for (response, entity) in cases {
        let error = get_patient_answering(response).await;
        assert!(
            matches!(error, ReadError::NotFound(found) if found == entity),
            "{entity:?}: {error:?}"
        );
    }
}

#[tokio::test]
async fn other_400_and_422_codes_are_rejections_carrying_the_instance_c29() {
    let cases = [
        (
            "INVALID_PATIENT_ID_TYPE",
            RejectionCode::InvalidPatientIdType,
        ),
        (
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
            RejectionCode::PatientIdTypeNotSupported,
        ),
        ("BAD_INPUT", RejectionCode::BadInput),
        ("NOT_SUPPORTED", RejectionCode::NotSupported),
        (
            "BRAND_NEW_CODE",
            RejectionCode::Other("BRAND_NEW_CODE".to_owned()),
        ),
    ];
    for status in [400, 422] {
        for (code, expected) in cases.clone() {
            let error = get_patient_answering(problem(status, code)).await;
            let ReadError::Rejected(rejection) = &error else {
                panic!("{code}: {error:?}")
            };
            assert_eq!(rejection.code(), &expected);
            assert_eq!(
                rejection.reference(),
                Some("11111111-2222-4333-8444-555555555555")
            );
        }
    }
}

#[tokio::test]
async fn an_unsupported_document_format_is_rejected_as_not_supported_c27() {
    let server = MockServer::start().await;
    leyr(
        "POST",
        format!("{CU}/patients/se_personal_number:{ALFA}/documents"),
    )
    .respond_with(problem(400, "NOT_SUPPORTED"))
    .expect(1)
    .mount(&server)
    .await;
    let document = NewDocument::new(
        "Scan",
        "Lab Result",
        DocumentFormat::Other("image/tiff".to_owned()),
        ResourceId::new("10-991890000019").unwrap(),
        vec![1, 2, 3],
    )
    .unwrap();

    let error = client(&server)
        .upload_document(&care_unit(), &alfa().into(), &document)
        .await
        .unwrap_err();

    let WriteError::Rejected(rejection) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(rejection.code(), &RejectionCode::NotSupported);
}

#[tokio::test]
async fn an_unknown_author_is_not_found_author_c26() {
    let server = MockServer::start().await;
    leyr(
        "POST",
        format!("{CU}/patients/se_personal_number:{ALFA}/medical-notes"),
    )
    .respond_with(problem(400, "INVALID_CREATED_BY_ID"))
    .expect(1)
    .mount(&server)
    .await;
    let note = NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new("Consultation Summary").unwrap(),
        author: ResourceId::new("nobody").unwrap(),
        text: NoteText::new("Patient reports mild headache.").unwrap(),
    };

    let error = client(&server)
        .write_note(&care_unit(), &alfa().into(), &note)
        .await
        .unwrap_err();

    assert!(
        matches!(error, WriteError::NotFound(Entity::Author)),
        "{error:?}"
    );
}

#[tokio::test]
async fn service_unavailable_is_unavailable_and_too_many_requests_is_throttled() {
    let error = get_patient_answering(
        json(503, "service_unavailable.json").insert_header("retry-after", "3"),
    )
    .await;
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Unavailable);
    assert_eq!(
        backend.reference(),
        Some("0f6b2c84-9e1d-4a3b-b5c7-8d2e4f6a1b93")
    );
    assert_eq!(backend.retry_after(), Some(Duration::from_secs(3)));

    let error =
        get_patient_answering(ResponseTemplate::new(429).insert_header("retry-after", "7")).await;
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Throttled);
    assert_eq!(backend.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn emr_error_and_unknown_error_are_server_failures_whatever_their_status() {
    let error = get_patient_answering(json(401, "emr_error.json")).await;
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Server);
    assert_eq!(backend.status(), Some(401));
    assert_eq!(
        backend.reference(),
        Some("5a9d3e71-2c4f-4b8a-9e6d-1f0c7b2a4d85")
    );
    let leyr = leyr_error(backend);
    assert_eq!(leyr.code(), Some(&ProblemCode::EmrError));
    assert!(
        leyr.detail().unwrap().starts_with("TakeCare:"),
        "detail is kept, for code only"
    );

    let error = get_patient_answering(json(500, "unknown_error.json")).await;
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Server);
    assert_eq!(leyr_error(backend).code(), Some(&ProblemCode::UnknownError));
}

#[tokio::test]
async fn a_non_json_502_is_a_raw_error_with_its_status_and_body_text() {
    let html = format!(
        "<html><body>Bad gateway {}</body></html>",
        "x".repeat(10_000)
    );
    let error =
        get_patient_answering(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Server);
    assert_eq!(backend.status(), Some(502));
    let leyr = leyr_error(backend);
    assert_eq!(leyr.kind(), LeyrErrorKind::Status);
    assert_eq!(leyr.code(), None);
    let raw = leyr.raw_body().unwrap();
    assert!(raw.starts_with("<html><body>Bad gateway"));
    assert_eq!(raw.len(), 4096, "cut to 4 KiB");
    assert_eq!(
        leyr.to_string(),
        "Leyr answered HTTP 502 without a problem document"
    );
    assert!(
        !everything_printed(&error).contains("Bad gateway"),
        "the body is never printed"
    );
}

/// A proxy's error page larger than the client reads whole still keeps its first 4 KiB, as a
/// chunked one does.
#[tokio::test]
async fn a_large_non_json_error_body_keeps_its_first_four_kibibytes_c29() {
    let html = format!(
        "<html><body>Bad gateway {}</body></html>",
        "x".repeat(100 * 1024)
    );
    let error =
        get_patient_answering(ResponseTemplate::new(502).set_body_raw(html, "text/html")).await;

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.status(), Some(502));
    let raw = leyr_error(backend).raw_body().unwrap();
    assert!(raw.starts_with("<html><body>Bad gateway"), "{raw:.40}");
    assert_eq!(raw.len(), 4096, "cut to 4 KiB");
}

#[tokio::test]
async fn a_problem_without_errors_and_with_unknown_fields_still_decodes_c29() {
    let body = serde_json::json!({"code": "SOMETHING_ELSE", "status": 409, "instance": "i-1", "extra": {"a": 1}, "errors": null});
    let error = get_patient_answering(ResponseTemplate::new(409).set_body_json(body)).await;

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Client);
    let leyr = leyr_error(backend);
    assert_eq!(
        leyr.code(),
        Some(&ProblemCode::Other("SOMETHING_ELSE".to_owned()))
    );
    assert_eq!(leyr.instance(), Some("i-1"));
}

#[tokio::test]
async fn the_first_error_code_is_kept_on_the_leyr_error() {
    let error = get_patient_answering(problem(400, "MISSING_REQUIRED_FIELD")).await;
    let ReadError::Rejected(rejection) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(rejection.code(), &RejectionCode::MissingRequiredField);

    let error = get_patient_answering(ResponseTemplate::new(403).set_body_json(
        serde_json::json!({"code": "BAD_REQUEST", "errors": [{"error_code": "NOT_SUPPORTED"}, {"error_code": "BAD_INPUT"}]}),
    ))
    .await;
    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Client);
    assert_eq!(
        leyr_error(backend).error_code(),
        Some(&ErrorCode::NotSupported)
    );
}

#[tokio::test]
async fn an_unknown_care_unit_in_a_list_is_not_found_care_unit() {
    let server = MockServer::start().await;
    leyr("GET", "/api/emrs/takecare/care-units/99/resources")
        .respond_with(problem(400, "INVALID_CARE_UNIT_ID"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .list_resources(&"99".parse().unwrap())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ReadError::NotFound(Entity::CareUnit)),
        "{error:?}"
    );
}
