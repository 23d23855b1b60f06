//! Lenient decoding of answers (C12, C13, C19, C22, C23) and refusal of answers that cannot be
//! understood, without panicking or buffering them whole.

use leyr_domain::appointment::{
    AppointmentBatch, AppointmentStatus, BookingRequest, ConfirmationCode, RescheduleRequest,
};
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::error::BackendErrorKind;
use leyr_domain::ids::{AppointmentId, ResourceId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::{NewPatient, PatientRef, PersonName, PhoneNumber};
use leyr_domain::ports::{
    AppointmentBook, BookError, Cancellation, ChangeError, MedicalNotes, PatientDirectory,
    PatientDocuments, ReadError,
};
use leyr_http::LeyrError;
use serde_json::json;
use wiremock::matchers::body_json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

fn booking() -> BookingRequest {
    BookingRequest {
        patient: alfa().into(),
        slot: listed_slot(),
        comment: None,
    }
}

#[tokio::test]
async fn the_documented_patient_decodes_and_unknown_fields_are_ignored_c12_c13() {
    let server = MockServer::start().await;
    let mut patient: serde_json::Value = serde_json::from_str(&fixture("patient.json")).unwrap();
    patient["date_of_birth"] = json!("1981-01-01");
    patient["address"] = json!({"street": "Storgatan 1"});
    leyr(
        "GET",
        format!("{CU}/patients/se_personal_number:198101012394"),
    )
    .respond_with(ResponseTemplate::new(200).set_body_json(patient))
    .expect(1)
    .mount(&server)
    .await;

    let patient = client(&server)
        .get_patient(
            &care_unit(),
            &PatientRef::from(
                "198101012394"
                    .parse::<leyr_domain::personnummer::Personnummer>()
                    .unwrap(),
            ),
        )
        .await
        .unwrap();

    assert_eq!(patient.emr_id.as_str(), "198101012394");
    assert_eq!(patient.first_name.as_str(), "Anders");
    assert_eq!(
        patient.phones,
        vec![PhoneNumber::new("+46701234567").unwrap()]
    );
    assert_eq!(
        patient.leyr_id.unwrap().as_str(),
        "0e5b8f4a-2c1d-4e7f-a9b3-6d2c1e0f7a85"
    );
}

#[tokio::test]
async fn a_new_patient_is_created_on_201_and_existing_on_200_c17() {
    for (status, created) in [(201, true), (200, false)] {
        let server = MockServer::start().await;
        leyr("POST", format!("{CU}/patients"))
            .and(body_json(json!({
                "first_name": "Anders", "last_name": "Andersson", "external_id": "198101012394",
                "phones": ["+46701234567"], "emails": []
            })))
            .respond_with(json(status, "patient.json"))
            .expect(1)
            .mount(&server)
            .await;
        let patient = NewPatient {
            external_id: Some(NationalId::Personnummer("198101012394".parse().unwrap()).into()),
            first_name: PersonName::new("Anders").unwrap(),
            last_name: PersonName::new("Andersson").unwrap(),
            phones: vec![PhoneNumber::new("+46701234567").unwrap()],
            emails: vec![],
        };

        let registration = client(&server)
            .register_patient(&care_unit(), &patient)
            .await
            .unwrap();

        assert_eq!(registration.was_created(), created, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_booking_answered_with_an_array_or_an_object_gives_the_appointment_c19() {
    let object: serde_json::Value =
        serde_json::from_str::<serde_json::Value>(&fixture("appointments.json")).unwrap()[0]
            .clone();
    for answer in [
        ResponseTemplate::new(201).set_body_raw(fixture("appointments.json"), "application/json"),
        ResponseTemplate::new(201).set_body_json(object.clone()),
    ] {
        let server = MockServer::start().await;
        leyr("POST", format!("{CU}/appointments"))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;

        let appointment = client(&server)
            .book(&care_unit(), &booking())
            .await
            .unwrap();

        assert_eq!(appointment.status(), &AppointmentStatus::Booked);
        assert_eq!(appointment.patient().unwrap().as_str(), "191212121212");
        assert_eq!(appointment.resource_id().unwrap().as_str(), "doctor-789");
        assert_eq!(
            appointment.comment().unwrap().as_str(),
            "First consultation"
        );
    }
}

#[tokio::test]
async fn a_patch_answered_with_a_one_element_array_gives_the_appointment_c22() {
    let server = MockServer::start().await;
    let array = format!("[{}]", fixture("cancelled_appointment.json"));
    leyr("PATCH", format!("{CU}/appointments/a-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(array, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let appointment = client(&server)
        .reschedule(
            &care_unit(),
            &AppointmentId::new("a-1").unwrap(),
            &RescheduleRequest {
                slot: listed_slot(),
                comment: None,
            },
        )
        .await
        .unwrap();

    assert_eq!(
        appointment.id().as_str(),
        "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"
    );
}

#[tokio::test]
async fn a_cancel_awaiting_confirmation_returns_the_new_id_to_confirm_c23() {
    let server = MockServer::start().await;
    let mut pending: serde_json::Value =
        serde_json::from_str(&fixture("cancelled_appointment.json")).unwrap();
    pending["id"] = json!("new-id-to-confirm");
    pending["status"] = json!("awaiting_confirmation");
    leyr("PATCH", format!("{CU}/appointments/old-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pending))
        .expect(1)
        .mount(&server)
        .await;
    leyr("PATCH", format!("{CU}/appointments/new-id-to-confirm"))
        .and(body_json(json!({"confirmation": {"code": "123456"}})))
        .respond_with(json(200, "cancelled_appointment.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let pending = client
        .cancel(
            &care_unit(),
            &AppointmentId::new("old-id").unwrap(),
            &Cancellation::default(),
        )
        .await
        .unwrap();
    assert_eq!(pending.status(), &AppointmentStatus::AwaitingConfirmation);
    assert_eq!(pending.id().as_str(), "new-id-to-confirm");

    let confirmed = client
        .confirm(
            &care_unit(),
            pending.id(),
            &ConfirmationCode::new("123456").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(confirmed.status(), &AppointmentStatus::Cancelled);
}

#[tokio::test]
async fn an_unknown_status_keeps_its_text_and_ids_come_back_without_a_type_prefix_c20_c21() {
    let server = MockServer::start().await;
    let mut listed: serde_json::Value =
        serde_json::from_str(&fixture("cancelled_appointment.json")).unwrap();
    listed["status"] = json!("rescheduled_by_clinic");
    listed["patient_id"] = json!(format!("se_personal_number:{ALFA}"));
    listed["resource_id"] = json!("emr_id:10-991890000019");
    leyr("GET", format!("{CU}/appointments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([listed])))
        .expect(1)
        .mount(&server)
        .await;

    let appointments = client(&server)
        .list_appointments(&care_unit(), &Default::default())
        .await
        .unwrap();

    let appointment = &appointments[0];
    assert_eq!(
        appointment.status(),
        &AppointmentStatus::Unknown("rescheduled_by_clinic".to_owned())
    );
    assert_eq!(appointment.patient().map(|id| id.as_str()), Some(ALFA));
    assert_eq!(
        appointment.resource_id().map(|id| id.as_str()),
        Some("10-991890000019")
    );
}

#[tokio::test]
async fn a_bulk_cancel_answers_every_appointment_in_order_c24() {
    let server = MockServer::start().await;
    let cancelled: serde_json::Value =
        serde_json::from_str(&fixture("cancelled_appointment.json")).unwrap();
    let mut second = cancelled.clone();
    second["id"] = json!("5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a");
    leyr("PATCH", format!("{CU}/appointments"))
        .and(body_json(json!({
            "ids": ["e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7", "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a"],
            "status": "cancelled"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([cancelled, second])))
        .expect(1)
        .mount(&server)
        .await;
    let batch = AppointmentBatch::new(vec![
        AppointmentId::new("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7").unwrap(),
        AppointmentId::new("5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a").unwrap(),
    ])
    .unwrap();

    let cancelled = client(&server)
        .cancel_many(&care_unit(), &batch, &Cancellation::default())
        .await
        .unwrap();

    let ids: Vec<_> = cancelled
        .iter()
        .map(|appointment| appointment.id().as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
            "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a"
        ]
    );
}

#[tokio::test]
async fn the_documented_note_and_document_decode_c26_c27() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/patients/se_personal_number:{ALFA}/medical-notes"))
        .and(body_json(json!({
            "template_id": "leyr_unstructured", "title": "Consultation Summary", "created_by_id": "10-991890000019",
            "content": {"unstructured": "Patient reports mild headache."}
        })))
        .respond_with(json(201, "note.json"))
        .expect(1)
        .mount(&server)
        .await;
    leyr(
        "GET",
        format!("{CU}/patients/se_personal_number:{ALFA}/medical-notes"),
    )
    .respond_with(
        ResponseTemplate::new(200)
            .set_body_raw(format!("[{}]", fixture("note.json")), "application/json"),
    )
    .expect(1)
    .mount(&server)
    .await;
    leyr(
        "POST",
        format!("{CU}/patients/se_personal_number:{ALFA}/documents"),
    )
    .and(body_json(json!({
        "content": "JVBERi0xLjQK", "format": "application/pdf", "title": "Blood Test Results",
        "type": "Lab Result", "created_by_id": "10-991890000019"
    })))
    .respond_with(json(201, "document.json"))
    .expect(1)
    .mount(&server)
    .await;
    let client = client(&server);
    let author = ResourceId::new("10-991890000019").unwrap();
    let note = NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new("Consultation Summary").unwrap(),
        author: author.clone(),
        text: NoteText::new("Patient reports mild headache.").unwrap(),
    };

    let written = client
        .write_note(&care_unit(), &alfa().into(), &note)
        .await
        .unwrap();
    assert_eq!(written.id.as_str(), "c2e7d1a0-4b3f-4f6e-9a8d-7e1f2b3c4d5e");
    assert_eq!(written.author, Some(author.clone()));
    assert_eq!(
        written.text.unwrap().as_str(),
        "Patient reports mild headache."
    );

    let listed = client
        .list_notes(&care_unit(), &alfa().into())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let pdf = NewDocument::new(
        "Blood Test Results",
        "Lab Result",
        DocumentFormat::Pdf,
        author,
        b"%PDF-1.4\n".to_vec(),
    )
    .unwrap();
    let document = client
        .upload_document(&care_unit(), &alfa().into(), &pdf)
        .await
        .unwrap();
    assert_eq!(document.id.as_str(), "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    assert_eq!(document.format, Some(DocumentFormat::Pdf));
}

#[tokio::test]
async fn a_huge_answer_is_refused_as_protocol_without_panicking() {
    let server = MockServer::start().await;
    let huge = " ".repeat(20 * 1024 * 1024);
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Protocol);
    let leyr = std::error::Error::source(backend)
        .unwrap()
        .downcast_ref::<LeyrError>()
        .unwrap();
    assert!(
        std::error::Error::source(leyr)
            .unwrap()
            .to_string()
            .contains("larger than the limit")
    );
}

/// A 50 MB chunked answer, without `Content-Length`: the client stops reading at its limit.
#[tokio::test]
async fn a_huge_streamed_answer_is_cut_off_at_the_limit_without_reading_it_all() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const TOTAL: usize = 50 * 1024 * 1024;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0_u8; 4096];
        let _ = socket.read(&mut request).await.unwrap();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = vec![b' '; 64 * 1024];
        let mut written = 0;
        while written < TOTAL {
            let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if socket.write_all(&frame).await.is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let client = leyr_http::LeyrClient::builder()
        .base_url(format!("http://{address}"))
        .credentials(CLIENT_ID, secrecy::SecretString::from(CLIENT_SECRET))
        .retry_policy(leyr_domain::retry::RetryPolicy::never())
        .build()
        .unwrap();

    let error = client
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap_err();
    drop(client);

    assert!(
        matches!(&error, ReadError::Backend(backend) if backend.kind() == BackendErrorKind::Protocol),
        "{error:?}"
    );
    let written = server.await.unwrap();
    assert!(
        written < TOTAL,
        "the client hung up after {written} bytes instead of reading all {TOTAL}"
    );
}

#[tokio::test]
async fn a_success_answer_that_does_not_parse_is_protocol_for_a_read() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"id": 1, "first_name": "Tolvan"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .get_patient(&care_unit(), &alfa().into())
        .await
        .unwrap_err();

    let ReadError::Backend(backend) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(backend.kind(), BackendErrorKind::Protocol);
    assert!(
        !everything_printed(&error).contains("Tolvan"),
        "serde's message quoting the body is dropped"
    );
}

#[tokio::test]
async fn a_booking_answered_201_with_an_unreadable_body_is_outcome_unknown() {
    for body in [
        "<html>booked</html>",
        "[]",
        r#"[{"id": "x", "status": "booked"}]"#,
    ] {
        let server = MockServer::start().await;
        leyr("POST", format!("{CU}/appointments"))
            .respond_with(ResponseTemplate::new(201).set_body_raw(body, "application/json"))
            .expect(1)
            .mount(&server)
            .await;

        let error = client(&server)
            .book(&care_unit(), &booking())
            .await
            .unwrap_err();

        let BookError::OutcomeUnknown(backend) = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(backend.kind(), BackendErrorKind::Protocol);
    }
}

#[tokio::test]
async fn a_cancel_answered_200_with_an_unreadable_body_is_outcome_unknown() {
    let server = MockServer::start().await;
    leyr("PATCH", format!("{CU}/appointments/a-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("ok", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .cancel(
            &care_unit(),
            &AppointmentId::new("a-1").unwrap(),
            &Cancellation::default(),
        )
        .await
        .unwrap_err();

    assert!(matches!(error, ChangeError::OutcomeUnknown(_)), "{error:?}");
}
