//! §3.15-§3.17: medical notes (C26) and documents (C27).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::support::{ALFA, CU, EHN, Harness};

fn notes(patient: &str) -> String {
    format!("{CU}/patients/{patient}/medical-notes")
}

fn documents(patient: &str) -> String {
    format!("{CU}/patients/{patient}/documents")
}

fn note() -> Value {
    json!({"template_id": "leyr_unstructured", "title": "Consultation Summary",
           "created_by_id": EHN, "content": {"unstructured": "Patient reports mild headache."}})
}

#[tokio::test]
async fn c26_notes_are_listed_oldest_first() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&notes(&format!("se_personal_number:{ALFA}")))
        .await;
    assert_eq!(reply.status, 200);
    let list = reply.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let mut first = list[0].clone();
    first["id"] = json!("<uuid>");
    assert_eq!(
        first,
        json!({"id": "<uuid>", "created_at": "2024-02-26T09:45:00+01:00",
               "template_id": "leyr_unstructured", "title": "Nybesök läkare",
               "content": {"unstructured":
                   "Nybesök 2024-02-26. Anamnes och status utan anmärkning. Återbesök vid behov."},
               "created_by_id": EHN})
    );
    assert_eq!(list[1]["created_at"], "2024-03-11T09:45:00+01:00");
    let other = harness.get(&notes("191212121212")).await;
    assert_eq!(other.body, json!([]));
}

#[tokio::test]
async fn c26_a_note_is_written_and_answered_201() {
    let harness = Harness::start().await;
    let mut body = note();
    body["signed"] = json!(true); // C12: ignored
    body["created_by_id"] = json!(format!("emr_id:{EHN}"));
    let reply = harness
        .post(&notes(&format!("emr_id%3A{ALFA}")), body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut written = reply.body.clone();
    assert_eq!(
        uuid::Uuid::parse_str(written["id"].as_str().unwrap())
            .unwrap()
            .get_version_num(),
        4
    );
    written["id"] = json!("<uuid>");
    assert_eq!(
        written,
        json!({"id": "<uuid>", "created_at": "2024-03-25T07:30:00+01:00",
               "template_id": "leyr_unstructured", "title": "Consultation Summary",
               "content": {"unstructured": "Patient reports mild headache."},
               "created_by_id": EHN})
    );
    let listed = harness.get(&notes(ALFA)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 3);
    assert_eq!(listed.body[2], reply.body);
}

#[tokio::test]
async fn c26_note_errors() {
    let harness = Harness::start().await;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut body = note();
        change(&mut body);
        body
    };
    let cases = [
        (
            with(&|body| body["template_id"] = json!("leyr_acute_visit")),
            vec![("NOT_SUPPORTED", json!(["body", "template_id"]))],
        ),
        (
            with(&|body| body["content"] = json!({})),
            vec![(
                "INVALID_NOTE_CONTENT",
                json!(["body", "content", "unstructured"]),
            )],
        ),
        (
            with(&|body| body["content"] = json!({"unstructured": ""})),
            vec![(
                "INVALID_NOTE_CONTENT",
                json!(["body", "content", "unstructured"]),
            )],
        ),
        (
            with(&|body| body["content"] = json!("text")),
            vec![(
                "INVALID_NOTE_CONTENT",
                json!(["body", "content", "unstructured"]),
            )],
        ),
        (
            with(&|body| {
                body.as_object_mut().unwrap().remove("content");
            }),
            vec![(
                "INVALID_NOTE_CONTENT",
                json!(["body", "content", "unstructured"]),
            )],
        ),
        (
            with(&|body| {
                body.as_object_mut().unwrap().remove("title");
                body.as_object_mut().unwrap().remove("template_id");
            }),
            vec![
                ("MISSING_REQUIRED_FIELD", json!(["body", "template_id"])),
                ("MISSING_REQUIRED_FIELD", json!(["body", "title"])),
            ],
        ),
        (
            with(&|body| body["created_by_id"] = json!("10-000")),
            vec![("INVALID_CREATED_BY_ID", json!(["body", "created_by_id"]))],
        ),
        (
            with(&|body| body["created_by_id"] = json!("hsa_id:SE1")),
            vec![("NOT_SUPPORTED", json!(["body", "created_by_id"]))],
        ),
    ];
    for (body, expected) in cases {
        let reply = harness.post(&notes(ALFA), body).await;
        reply.assert_errors(&expected);
    }
    let reply = harness.post(&notes("198101012394"), note()).await;
    reply.assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
    let reply = harness.post(&notes("nhs_number:943"), note()).await;
    reply.assert_error(
        "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
        json!(["path", "patient_id"]),
    );
    let reply = harness.get(&notes("x:1")).await;
    reply.assert_error("INVALID_PATIENT_ID_TYPE", json!(["path", "patient_id"]));
    let listed = harness.get(&notes(ALFA)).await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        2,
        "nothing was written"
    );
}

fn document(content: &str, format: &str) -> Value {
    json!({"content": content, "format": format, "title": "Blood Test Results",
           "type": "Lab Result", "created_by_id": EHN})
}

#[tokio::test]
async fn c27_a_document_upload_answers_201_with_metadata_only() {
    let harness = Harness::start().await;
    let reply = harness
        .post(
            &documents(&format!("se_personal_number:{ALFA}")),
            document("JVBERi0xLjQK", "application/pdf"),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let mut metadata = reply.body.clone();
    metadata["id"] = json!("<uuid>");
    assert_eq!(
        metadata,
        json!({"id": "<uuid>", "title": "Blood Test Results", "type": "Lab Result",
               "format": "application/pdf", "created_by_id": EHN,
               "created_at": "2024-03-25T07:30:00+01:00"})
    );
    for format in ["image/jpeg", "image/png"] {
        let reply = harness
            .post(&documents(ALFA), document("iVBORw0KGgo=", format))
            .await;
        assert_eq!(reply.status, 201, "{format}");
    }
}

#[tokio::test]
async fn c27_document_errors() {
    let harness = Harness::start().await;
    let cases = [
        (
            document("JVBERi0xLjQK", "text/plain"),
            vec![("NOT_SUPPORTED", json!(["body", "format"]))],
        ),
        (
            document("YQ", "application/pdf"),
            vec![("BAD_INPUT", json!(["body", "content"]))],
        ),
        (
            document("YQ=", "application/pdf"),
            vec![("BAD_INPUT", json!(["body", "content"]))],
        ),
        (
            document("JVBERi0x LjQK", "application/pdf"),
            vec![("BAD_INPUT", json!(["body", "content"]))],
        ),
        (
            document("_-8=", "application/pdf"),
            vec![("BAD_INPUT", json!(["body", "content"]))],
        ),
        (
            json!({"content": 12, "format": "application/pdf"}),
            vec![
                ("BAD_INPUT", json!(["body", "content"])),
                ("MISSING_REQUIRED_FIELD", json!(["body", "title"])),
                ("MISSING_REQUIRED_FIELD", json!(["body", "type"])),
                ("MISSING_REQUIRED_FIELD", json!(["body", "created_by_id"])),
            ],
        ),
        (
            json!({"content": "JVBERi0xLjQK", "format": "application/pdf", "title": "T",
                   "type": "x".repeat(201), "created_by_id": "10-000"}),
            vec![("BAD_INPUT", json!(["body", "type"]))],
        ),
    ];
    for (body, expected) in cases {
        let reply = harness.post(&documents(ALFA), body).await;
        reply.assert_errors(&expected);
    }
    let mut unknown_author = document("JVBERi0xLjQK", "application/pdf");
    unknown_author["created_by_id"] = json!("10-000");
    let reply = harness.post(&documents(ALFA), unknown_author).await;
    reply.assert_error("INVALID_CREATED_BY_ID", json!(["body", "created_by_id"]));
    let reply = harness
        .post(
            &documents("191212121213"),
            document("JVBERi0xLjQK", "application/pdf"),
        )
        .await;
    reply.assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
}

#[tokio::test]
async fn c27_documents_may_be_ten_mib_once_decoded_and_no_more() {
    let harness = Harness::start().await;
    let ten_mib = STANDARD.encode(vec![0x25_u8; 10 * 1024 * 1024]);
    let reply = harness
        .post(&documents(ALFA), document(&ten_mib, "application/pdf"))
        .await;
    assert_eq!(
        reply.status, 201,
        "10 MiB is allowed, in a JSON body over 1 MiB"
    );

    let over = STANDARD.encode(vec![0x25_u8; 10 * 1024 * 1024 + 1]);
    let reply = harness
        .post(&documents(ALFA), document(&over, "application/pdf"))
        .await;
    reply.assert_error("BAD_INPUT", json!(["body", "content"]));

    let too_big = "A".repeat(14 * 1024 * 1024 + 4);
    let reply = harness
        .post(&documents(ALFA), document(&too_big, "application/pdf"))
        .await;
    reply.assert_problem(413, "PAYLOAD_TOO_LARGE");
}
