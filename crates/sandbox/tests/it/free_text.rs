//! C41: free text on every endpoint that takes it. Names hold no control character and no
//! digit; comments and note text may hold tab, line feed and carriage return but no other
//! control character; note titles and document titles and types hold none at all.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::support::{ALFA, CU, EHN, Harness, booking};

/// Control characters no field of text may hold: NUL, escape (as in a terminal colour code),
/// vertical tab, delete and NEL.
const FORBIDDEN: [&str; 5] = ["\u{0}", "\u{1b}[31m", "\u{b}", "\u{7f}", "\u{85}"];

/// What a multi-line field may hold that a single-line one may not.
const LINE_BREAKS: [&str; 3] = ["\t", "\n", "\r\n"];

fn patient(first_name: &str, last_name: &str) -> Value {
    json!({"first_name": first_name, "last_name": last_name, "external_id": "198101012394"})
}

#[tokio::test]
async fn c41_names_are_one_to_a_hundred_characters_without_control_characters_or_digits() {
    let harness = Harness::start().await;
    let path = format!("{CU}/patients");
    // Inside the name: whitespace around it, control characters included, is trimmed away.
    for bad in FORBIDDEN
        .iter()
        .chain(LINE_BREAKS.iter())
        .map(|control| format!("An{control}ders"))
        .chain(["R2D2".to_owned(), "x".repeat(101)])
    {
        let reply = harness.post(&path, patient(&bad, "Andersson")).await;
        reply.assert_error("BAD_INPUT", json!(["body", "first_name"]));
        let reply = harness.post(&path, patient("Anders", &bad)).await;
        reply.assert_error("BAD_INPUT", json!(["body", "last_name"]));
    }
    // Both at once are both reported.
    let reply = harness.post(&path, patient("A\u{0}", "B1")).await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["body", "first_name"])),
        ("BAD_INPUT", json!(["body", "last_name"])),
    ]);
    // A hundred characters once trimmed are enough; the name is stored trimmed.
    let hundred = "å".repeat(100);
    let reply = harness
        .post(&path, patient(&format!("  {hundred} "), "Andersson"))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["first_name"], hundred.as_str());
}

#[tokio::test]
async fn c41_a_booking_comment_may_break_lines_but_holds_no_other_control_character() {
    let harness = Harness::start().await;
    let path = format!("{CU}/appointments");
    for control in FORBIDDEN {
        let slot = harness.first_slot(EHN, "1001").await;
        let body = booking(&slot, ALFA, Some(&format!("Ont i halsen{control}")));
        let reply = harness.post(&path, body).await;
        reply.assert_error("BAD_INPUT", json!(["body", "comment"]));
    }
    let slot = harness.first_slot(EHN, "1001").await;
    let comment = "Ont i halsen\r\n\tsedan i måndags";
    let reply = harness
        .post(&path, booking(&slot, ALFA, Some(comment)))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body[0]["comment"], comment);
    // The length rule keeps its own code, and both are reported with the other problems.
    let mut body = booking(&slot, ALFA, Some(&"x".repeat(501)));
    body["patient_id"] = json!("passport:X");
    let reply = harness.post(&path, body).await;
    reply.assert_errors(&[
        ("INVALID_PATIENT_ID_TYPE", json!(["body", "patient_id"])),
        ("INVALID_COMMENT_LENGTH", json!(["body", "comment"])),
    ]);
}

#[tokio::test]
async fn c41_comments_of_a_reschedule_a_cancel_and_a_bulk_cancel_follow_the_same_rule() {
    let harness = Harness::start().await;
    let booked = harness
        .book(&harness.first_slot(EHN, "1001").await, ALFA, Some("First"))
        .await;
    let one = format!("{CU}/appointments/{}", booked["id"].as_str().unwrap());
    for control in FORBIDDEN {
        let comment = format!("Moved{control}");
        for body in [
            json!({"comment": comment}),
            json!({"status": "cancelled", "comment": comment}),
        ] {
            let reply = harness.patch(&one, body).await;
            reply.assert_error("BAD_INPUT", json!(["body", "comment"]));
        }
        let reply = harness
            .patch(
                &format!("{CU}/appointments"),
                json!({"ids": [booked["id"]], "status": "cancelled", "comment": comment}),
            )
            .await;
        reply.assert_error("BAD_INPUT", json!(["body", "comment"]));
    }
    let reply = harness
        .patch(&one, json!({"comment": "Moved\tto the\r\nafternoon"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["comment"], "Moved\tto the\r\nafternoon");
    let reply = harness
        .patch(
            &format!("{CU}/appointments"),
            json!({"ids": [booked["id"]], "status": "cancelled", "comment": "Clinic\nclosed"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body[0]["comment"],
        "Moved\tto the\r\nafternoon\nClinic\nclosed"
    );
}

fn note(title: &str, text: &str) -> Value {
    json!({"template_id": "leyr_unstructured", "title": title, "created_by_id": EHN,
           "content": {"unstructured": text}})
}

#[tokio::test]
async fn c41_a_note_title_is_one_line_and_its_text_may_break_lines() {
    let harness = Harness::start().await;
    let path = format!("{CU}/patients/{ALFA}/medical-notes");
    for bad in FORBIDDEN.iter().chain(LINE_BREAKS.iter()) {
        let reply = harness
            .post(&path, note(&format!("Summary{bad}"), "Mild headache."))
            .await;
        reply.assert_error("BAD_INPUT", json!(["body", "title"]));
    }
    for control in FORBIDDEN {
        let reply = harness
            .post(&path, note("Summary", &format!("Mild{control} headache.")))
            .await;
        reply.assert_error(
            "INVALID_NOTE_CONTENT",
            json!(["body", "content", "unstructured"]),
        );
    }
    let text = "Mild headache.\r\n\tRest and fluids.";
    let reply = harness.post(&path, note("Summary", text)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["content"]["unstructured"], text);
}

fn document(title: &str, kind: &str) -> Value {
    json!({"content": STANDARD.encode(b"%PDF-1.4\n"), "format": "application/pdf",
           "title": title, "type": kind, "created_by_id": EHN})
}

#[tokio::test]
async fn c41_a_document_title_and_type_are_one_line() {
    let harness = Harness::start().await;
    let path = format!("{CU}/patients/{ALFA}/documents");
    for bad in FORBIDDEN.iter().chain(LINE_BREAKS.iter()) {
        let reply = harness
            .post(&path, document(&format!("Blood{bad}"), "Lab Result"))
            .await;
        reply.assert_error("BAD_INPUT", json!(["body", "title"]));
        let reply = harness
            .post(&path, document("Blood Test Results", &format!("Lab{bad}")))
            .await;
        reply.assert_error("BAD_INPUT", json!(["body", "type"]));
    }
    let reply = harness
        .post(&path, document("Blood\u{0}", "Lab\nResult"))
        .await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["body", "title"])),
        ("BAD_INPUT", json!(["body", "type"])),
    ]);
    let reply = harness
        .post(&path, document("Blood Test Results", "Lab Result"))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}
