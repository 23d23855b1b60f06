//! §3.9-§3.14: list, create, reschedule, cancel, bulk cancel and confirm; C18-C25.

use std::sync::Arc;

use chrono::TimeDelta;
use leyr_domain::appointment::ConfirmationCode;
use serde_json::{Value, json};

use crate::support::{ALFA, CU, EHN, Harness, booking};

fn appointments() -> String {
    format!("{CU}/appointments")
}

fn one(id: &Value) -> String {
    format!("{CU}/appointments/{}", id.as_str().unwrap())
}

fn ids(body: &Value) -> Vec<Value> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|appointment| appointment["id"].clone())
        .collect()
}

#[tokio::test]
async fn c18_c20_the_seed_history_is_listed_completed_oldest_first() {
    let harness = Harness::start().await;
    let reply = harness.get(&appointments()).await;
    assert_eq!(reply.status, 200);
    let list = reply.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let mut first = list[0].clone();
    assert_eq!(
        uuid::Uuid::parse_str(first["id"].as_str().unwrap())
            .unwrap()
            .get_version_num(),
        4
    );
    first["id"] = json!("<uuid>");
    assert_eq!(
        first,
        json!({"id": "<uuid>", "status": "completed", "start": "2024-02-26T09:00:00+01:00",
               "end": "2024-02-26T09:30:00+01:00", "comment": null, "care_unit_id": "10",
               "patient_id": ALFA, "resource_id": EHN, "healthcare_service_id": "1001"})
    );
    assert_eq!(list[1]["start"], "2024-03-11T09:00:00+01:00");
    assert_eq!(list[1]["status"], "completed");
}

#[tokio::test]
async fn c18_filters_take_typed_ids_and_optional_bounds() {
    let harness = Harness::start().await;
    for query in [
        format!("patient_id={ALFA}"),
        format!("patient_id=emr_id:{ALFA}"),
        format!("patient_id=se_personal_number:{ALFA}"),
        format!("patient_id=se_personal_number%3A{ALFA}"),
        format!("resource_id={EHN}"),
        format!("resource_id=emr_id:{EHN}&patient_id={ALFA}"),
        "start=2024-02-01T00:00:00%2B01:00".to_owned(),
        "end=2024-03-25T00:00:00%2B01:00".to_owned(),
    ] {
        let reply = harness.get(&format!("{}?{query}", appointments())).await;
        assert_eq!(reply.status, 200, "{query}");
        assert_eq!(reply.body.as_array().unwrap().len(), 2, "{query}");
    }
    for (query, expected) in [
        ("patient_id=191212121212", 0),
        (
            "start=2024-03-01T00:00:00%2B01:00&end=2024-03-11T09:00:00%2B01:00",
            0,
        ),
        (
            "start=2024-03-01T00:00:00%2B01:00&end=2024-03-11T09:00:01%2B01:00",
            1,
        ),
        ("start=2024-03-11T09:00:00%2B01:00", 1),
        ("start=2024-03-11T08:00:01Z", 0),
    ] {
        let reply = harness.get(&format!("{}?{query}", appointments())).await;
        assert_eq!(reply.status, 200, "{query}");
        assert_eq!(reply.body.as_array().unwrap().len(), expected, "{query}");
    }
}

#[tokio::test]
async fn c18_bad_filters_are_all_reported() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{}?patient_id=nhs_number:1&resource_id=hsa_id:x&start=yesterday&end=2024-03-25T08:00:00",
            appointments()
        ))
        .await;
    reply.assert_errors(&[
        (
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
            json!(["query", "patient_id"]),
        ),
        ("NOT_SUPPORTED", json!(["query", "resource_id"])),
        ("BAD_INPUT", json!(["query", "start"])),
        ("BAD_INPUT", json!(["query", "end"])),
    ]);
    let reply = harness
        .get(&format!(
            "{}?start=2024-03-25T08:00:00%2B01:00&end=2024-03-25T08:00:00%2B01:00",
            appointments()
        ))
        .await;
    reply.assert_error("BAD_INPUT", json!(["query", "end"]));
    let reply = harness
        .get(&format!("{}?patient_id=198101012394", appointments()))
        .await;
    reply.assert_error("INVALID_PATIENT_ID", json!(["query", "patient_id"]));
}

#[tokio::test]
async fn c19_c21_booking_answers_201_with_one_unprefixed_appointment() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let mut body = booking(
        &slot,
        &format!("se_personal_number:{ALFA}"),
        Some("First consultation"),
    );
    body["resource_id"] = json!(format!("emr_id:{EHN}"));
    body["idempotency_key"] = json!("ignored"); // C12
    let reply = harness.post(&appointments(), body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let list = reply.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let mut appointment = list[0].clone();
    appointment["id"] = json!("<uuid>");
    assert_eq!(
        appointment,
        json!({"id": "<uuid>", "status": "booked", "start": "2024-03-25T08:00:00+01:00",
               "end": "2024-03-25T08:30:00+01:00", "comment": "First consultation",
               "care_unit_id": "10", "patient_id": ALFA, "resource_id": EHN,
               "healthcare_service_id": "1001"})
    );
    // The slot and every overlapping slot of the resource are gone.
    let free = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&start=2024-03-25T08:00:00%2B01:00&end=2024-03-25T09:00:00%2B01:00"
        ))
        .await;
    let starts: Vec<(&str, &str)> = free
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| {
            (
                slot["start"].as_str().unwrap(),
                slot["healthcare_service_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            ("2024-03-25T08:30:00+01:00", "1001"),
            ("2024-03-25T08:30:00+01:00", "1002"),
            ("2024-03-25T08:45:00+01:00", "1002"),
        ]
    );
    // Listed for the patient.
    let listed = harness
        .get(&format!(
            "{}?patient_id=emr_id:{ALFA}&start=2024-03-25T00:00:00Z",
            appointments()
        ))
        .await;
    assert_eq!(ids(&listed.body), [list[0]["id"].clone()]);
}

#[tokio::test]
async fn c19_instants_match_whatever_the_offset_and_comments_may_be_500_characters() {
    let harness = Harness::start().await;
    let body = json!({"start": "2024-03-25T07:00:00Z", "end": "2024-03-25T07:30:00Z",
                      "patient_id": ALFA, "resource_id": EHN, "healthcare_service_id": "1001",
                      "comment": "å".repeat(500)});
    let reply = harness.post(&appointments(), body).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body[0]["start"], "2024-03-25T08:00:00+01:00");
}

#[tokio::test]
async fn c19_every_field_is_required_but_the_comment() {
    let harness = Harness::start().await;
    let reply = harness
        .post(&appointments(), json!({"comment": "hi"}))
        .await;
    reply.assert_errors(&[
        ("MISSING_REQUIRED_FIELD", json!(["body", "start"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "end"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "patient_id"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "resource_id"])),
        (
            "MISSING_REQUIRED_FIELD",
            json!(["body", "healthcare_service_id"]),
        ),
    ]);
}

#[tokio::test]
async fn c19_all_field_errors_are_reported_in_one_errors_array() {
    let harness = Harness::start().await;
    let body = json!({"start": "2024-03-25T08:00:00", "end": 1711352400,
                      "patient_id": "passport:X", "resource_id": "hsa_id:SE1",
                      "healthcare_service_id": "", "comment": "x".repeat(501)});
    let reply = harness.post(&appointments(), body).await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["body", "start"])),
        ("BAD_INPUT", json!(["body", "end"])),
        ("INVALID_PATIENT_ID_TYPE", json!(["body", "patient_id"])),
        ("NOT_SUPPORTED", json!(["body", "resource_id"])),
        (
            "MISSING_REQUIRED_FIELD",
            json!(["body", "healthcare_service_id"]),
        ),
        ("INVALID_COMMENT_LENGTH", json!(["body", "comment"])),
    ]);
}

#[tokio::test]
async fn c14_c19_unknown_ids_are_all_reported_before_slot_matching() {
    let harness = Harness::start().await;
    let body = json!({"start": "2024-03-25T08:05:00+01:00", "end": "2024-03-25T08:35:00+01:00",
                      "patient_id": "se_personal_number:198101012394", "resource_id": "10-000",
                      "healthcare_service_id": "9999"});
    let reply = harness.post(&appointments(), body).await;
    reply.assert_errors(&[
        ("INVALID_PATIENT_ID", json!(["body", "patient_id"])),
        ("INVALID_RESOURCE_ID", json!(["body", "resource_id"])),
        (
            "INVALID_HEALTHCARE_SERVICE_ID",
            json!(["body", "healthcare_service_id"]),
        ),
    ]);
}

#[tokio::test]
async fn c19_unknown_ids_are_reported_with_the_other_field_errors() {
    let harness = Harness::start().await;
    let body = json!({"end": "2024-03-25T08:30:00+01:00", "patient_id": "198101012394",
                      "resource_id": "emr_id:10-000", "healthcare_service_id": "9999",
                      "comment": "x".repeat(501)});
    let reply = harness.post(&appointments(), body).await;
    reply.assert_errors(&[
        ("MISSING_REQUIRED_FIELD", json!(["body", "start"])),
        ("INVALID_PATIENT_ID", json!(["body", "patient_id"])),
        ("INVALID_RESOURCE_ID", json!(["body", "resource_id"])),
        (
            "INVALID_HEALTHCARE_SERVICE_ID",
            json!(["body", "healthcare_service_id"]),
        ),
        ("INVALID_COMMENT_LENGTH", json!(["body", "comment"])),
    ]);
}

#[tokio::test]
async fn c18_unknown_patient_and_resource_filters_are_both_reported() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{}?patient_id=se_personal_number:198101012394&resource_id=10-000",
            appointments()
        ))
        .await;
    reply.assert_errors(&[
        ("INVALID_PATIENT_ID", json!(["query", "patient_id"])),
        ("INVALID_RESOURCE_ID", json!(["query", "resource_id"])),
    ]);
}

#[tokio::test]
async fn c22_an_unknown_resource_is_reported_with_the_other_field_errors() {
    let harness = Harness::start().await;
    let booked = harness
        .book(&harness.first_slot(EHN, "1001").await, ALFA, None)
        .await;
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"start": "2024-03-25T15:00:00+01:00", "resource_id": "10-000",
                   "comment": "x".repeat(501)}),
        )
        .await;
    reply.assert_errors(&[
        ("MISSING_REQUIRED_FIELD", json!(["body", "end"])),
        ("INVALID_RESOURCE_ID", json!(["body", "resource_id"])),
        ("INVALID_COMMENT_LENGTH", json!(["body", "comment"])),
    ]);
}

#[tokio::test]
async fn c19_a_time_that_is_no_free_slot_is_no_timeslots_available() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    for (start, end, service) in [
        (
            "2024-03-25T08:05:00+01:00",
            "2024-03-25T08:35:00+01:00",
            "1001",
        ), // not a slot
        (
            "2024-03-25T08:00:00+01:00",
            "2024-03-25T08:15:00+01:00",
            "1001",
        ), // wrong length
        (
            "2024-03-25T08:00:00+01:00",
            "2024-03-25T08:30:00+01:00",
            "1003",
        ), // Ehn does not offer it
        (
            "2024-03-22T08:00:00+01:00",
            "2024-03-22T08:30:00+01:00",
            "1001",
        ), // in the past
        (
            "2024-03-30T08:00:00+01:00",
            "2024-03-30T08:30:00+01:00",
            "1001",
        ), // a Saturday
        (
            "2024-03-25T08:30:00+01:00",
            "2024-03-25T08:00:00+01:00",
            "1001",
        ), // backwards
    ] {
        let body = json!({"start": start, "end": end, "patient_id": ALFA,
                          "resource_id": EHN, "healthcare_service_id": service});
        let reply = harness.post(&appointments(), body).await;
        if end < start {
            reply.assert_error("BAD_INPUT", json!(["body", "end"]));
        } else {
            reply.assert_error("NO_TIMESLOTS_AVAILABLE", Value::Null);
            assert_eq!(
                reply.body["errors"][0]["details"],
                "The timeslot for the given parameters was not found"
            );
        }
    }
    harness.book(&slot, ALFA, None).await;
    let again = harness
        .post(&appointments(), booking(&slot, "191212121212", None))
        .await;
    again.assert_error("NO_TIMESLOTS_AVAILABLE", Value::Null);
}

#[tokio::test]
async fn c20_a_past_booked_appointment_is_reported_completed() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let booked = harness.book(&slot, ALFA, None).await;
    assert_eq!(booked["status"], "booked");
    harness.clock.advance(TimeDelta::hours(1)); // 08:30: the appointment has just ended
    let reply = harness
        .get(&format!(
            "{}?start=2024-03-25T08:00:00%2B01:00",
            appointments()
        ))
        .await;
    assert_eq!(
        reply.body[0]["status"], "booked",
        "its end is not before now yet"
    );
    harness.clock.advance(TimeDelta::seconds(1));
    let reply = harness
        .get(&format!(
            "{}?start=2024-03-25T08:00:00%2B01:00",
            appointments()
        ))
        .await;
    assert_eq!(reply.body[0]["status"], "completed");
    // Completed appointments can be neither moved nor cancelled.
    let moved = harness
        .patch(&one(&booked["id"]), json!({"comment": "late"}))
        .await;
    moved.assert_error("BAD_INPUT", Value::Null);
    let cancelled = harness
        .patch(&one(&booked["id"]), json!({"status": "cancelled"}))
        .await;
    cancelled.assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test]
async fn c22_a_reschedule_moves_the_appointment_and_frees_the_old_slot() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let booked = harness.book(&slot, ALFA, Some("First consultation")).await;
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"start": "2024-03-25T15:00:00+01:00", "end": "2024-03-25T15:30:00+01:00",
                   "comment": "Moved"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.is_object(), "a single PATCH answers one object");
    assert_eq!(reply.body["id"], booked["id"]);
    assert_eq!(reply.body["status"], "booked");
    assert_eq!(reply.body["start"], "2024-03-25T15:00:00+01:00");
    assert_eq!(reply.body["end"], "2024-03-25T15:30:00+01:00");
    assert_eq!(reply.body["comment"], "Moved");
    assert_eq!(reply.body["healthcare_service_id"], "1001");
    assert_eq!(
        harness.first_slot(EHN, "1001").await,
        slot,
        "the old slot is free again"
    );

    // A comment alone keeps the slot (its own time does not count as taken).
    let reply = harness
        .patch(&one(&booked["id"]), json!({"comment": "Bring results"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["start"], "2024-03-25T15:00:00+01:00");
    assert_eq!(reply.body["comment"], "Bring results");

    // The same resource, written as a typed id, keeps the times.
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"resource_id": format!("emr_id:{EHN}")}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["resource_id"], EHN);
}

#[tokio::test]
async fn c22_reschedule_errors() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let booked = harness.book(&slot, ALFA, None).await;
    let other = harness
        .book(&harness.first_slot(EHN, "1001").await, "191212121212", None)
        .await;
    let path = one(&booked["id"]);
    let cases = [
        (json!({}), vec![("MISSING_REQUIRED_FIELD", json!(["body"]))]),
        (
            json!({"unknown": 1}),
            vec![("MISSING_REQUIRED_FIELD", json!(["body"]))],
        ),
        (
            json!({"start": "2024-03-25T15:00:00+01:00"}),
            vec![("MISSING_REQUIRED_FIELD", json!(["body", "end"]))],
        ),
        (
            json!({"end": "2024-03-25T15:30:00+01:00"}),
            vec![("MISSING_REQUIRED_FIELD", json!(["body", "start"]))],
        ),
        (
            json!({"status": "booked"}),
            vec![("BAD_INPUT", json!(["body", "status"]))],
        ),
        (
            json!({"resource_id": "10-000"}),
            vec![("INVALID_RESOURCE_ID", json!(["body", "resource_id"]))],
        ),
        (
            json!({"resource_id": "hsa_id:SE1"}),
            vec![("NOT_SUPPORTED", json!(["body", "resource_id"]))],
        ),
        (
            json!({"comment": "x".repeat(501)}),
            vec![("INVALID_COMMENT_LENGTH", json!(["body", "comment"]))],
        ),
        (
            json!({"start": other["start"], "end": other["end"]}),
            vec![("NO_TIMESLOTS_AVAILABLE", Value::Null)],
        ),
        (
            json!({"start": "2024-03-25T15:05:00+01:00", "end": "2024-03-25T15:35:00+01:00"}),
            vec![("NO_TIMESLOTS_AVAILABLE", Value::Null)],
        ),
        (
            json!({"start": "2024-03-25T15:00:00+01:00", "end": "2024-03-25T15:15:00+01:00"}),
            vec![("NO_TIMESLOTS_AVAILABLE", Value::Null)],
        ),
        (
            json!({"resource_id": crate::support::LIND}),
            vec![("NO_TIMESLOTS_AVAILABLE", Value::Null)],
        ),
    ];
    for (body, expected) in cases {
        let reply = harness.patch(&path, body.clone()).await;
        reply.assert_errors(&expected);
    }
    let unknown = harness
        .patch(&format!("{CU}/appointments/nope"), json!({"comment": "x"}))
        .await;
    unknown.assert_error("INVALID_APPOINTMENT_ID", json!(["path", "appointment_id"]));
    // Nothing moved.
    let listed = harness
        .get(&format!(
            "{}?patient_id={ALFA}&start=2024-03-25T00:00:00Z",
            appointments()
        ))
        .await;
    assert_eq!(listed.body[0]["start"], booked["start"]);
}

#[tokio::test]
async fn c23_cancel_appends_the_comment_frees_the_slot_and_is_idempotent() {
    let harness = Harness::start().await;
    let slot = harness.first_slot(EHN, "1001").await;
    let booked = harness.book(&slot, ALFA, Some("First visit")).await;
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"status": "cancelled", "comment": "Patient is ill"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut expected = booked.clone();
    expected["status"] = json!("cancelled");
    expected["comment"] = json!("First visit\nPatient is ill");
    assert_eq!(reply.body, expected);
    assert_eq!(
        harness.first_slot(EHN, "1001").await,
        slot,
        "the slot is free again"
    );

    let again = harness
        .patch(
            &one(&booked["id"]),
            json!({"status": "cancelled", "comment": "Again"}),
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body, expected, "cancelling twice changes nothing");

    let listed = harness
        .get(&format!(
            "{}?start=2024-03-25T00:00:00%2B01:00",
            appointments()
        ))
        .await;
    assert_eq!(
        listed.body,
        json!([expected]),
        "cancelled appointments are listed (C18)"
    );

    let moved = harness
        .patch(&one(&booked["id"]), json!({"comment": "x"}))
        .await;
    moved.assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test]
async fn c23_a_cancel_comment_stands_alone_without_an_earlier_one_and_none_keeps_it() {
    let harness = Harness::start().await;
    let plain = harness
        .book(&harness.first_slot(EHN, "1001").await, ALFA, None)
        .await;
    let reply = harness
        .patch(
            &one(&plain["id"]),
            json!({"status": "cancelled", "comment": "Patient is ill"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["comment"], "Patient is ill");
    let commented = harness
        .book(
            &harness.first_slot(EHN, "1001").await,
            ALFA,
            Some("First visit"),
        )
        .await;
    let reply = harness
        .patch(&one(&commented["id"]), json!({"status": "cancelled"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["status"], "cancelled");
    assert_eq!(reply.body["comment"], "First visit");
}

#[tokio::test]
async fn c23_cancel_refuses_completed_appointments_and_moves() {
    let harness = Harness::start().await;
    let history = harness.get(&appointments()).await.body;
    let reply = harness
        .patch(&one(&history[0]["id"]), json!({"status": "cancelled"}))
        .await;
    reply.assert_error("BAD_INPUT", Value::Null);

    let booked = harness
        .book(&harness.first_slot(EHN, "1001").await, ALFA, None)
        .await;
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"status": "cancelled", "start": "2024-03-25T15:00:00+01:00",
                   "end": "2024-03-25T15:30:00+01:00", "resource_id": EHN}),
        )
        .await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["body", "start"])),
        ("BAD_INPUT", json!(["body", "end"])),
        ("BAD_INPUT", json!(["body", "resource_id"])),
    ]);
    let reply = harness
        .patch(&one(&booked["id"]), json!({"status": "canceled"}))
        .await;
    reply.assert_error("BAD_INPUT", json!(["body", "status"]));
}

async fn book_three(harness: &Harness) -> Vec<Value> {
    let mut booked = Vec::new();
    for patient in ["191212121212", ALFA, "194010126672"] {
        let slot = harness.first_slot(EHN, "1001").await;
        booked.push(harness.book(&slot, patient, Some("Booked")).await["id"].clone());
    }
    booked
}

#[tokio::test]
async fn c24_bulk_cancel_answers_in_the_order_of_ids() {
    let harness = Harness::start().await;
    let booked = book_three(&harness).await;
    let order = vec![booked[2].clone(), booked[0].clone()];
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": order, "status": "cancelled", "comment": "Clinic closed"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(ids(&reply.body), order);
    for appointment in reply.body.as_array().unwrap() {
        assert_eq!(appointment["status"], "cancelled");
        assert_eq!(appointment["comment"], "Booked\nClinic closed");
    }
    let listed = harness
        .get(&format!(
            "{}?start=2024-03-25T00:00:00%2B01:00",
            appointments()
        ))
        .await;
    let statuses: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|appointment| appointment["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelled", "booked", "cancelled"]);
}

#[tokio::test]
async fn c24_bulk_cancel_is_all_or_nothing() {
    let harness = Harness::start().await;
    let booked = book_three(&harness).await;
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": [booked[0], "nope", booked[1], "gone"], "status": "cancelled"}),
        )
        .await;
    reply.assert_errors(&[
        ("INVALID_APPOINTMENT_ID", json!(["body", "ids", 1])),
        ("INVALID_APPOINTMENT_ID", json!(["body", "ids", 3])),
    ]);
    let history = harness.get(&appointments()).await.body;
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": [booked[0], history[0]["id"]], "status": "cancelled"}),
        )
        .await;
    reply.assert_error("BAD_INPUT", json!(["body", "ids", 1]));
    let listed = harness
        .get(&format!(
            "{}?start=2024-03-25T00:00:00%2B01:00",
            appointments()
        ))
        .await;
    assert!(
        listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|appointment| appointment["status"] == "booked"),
        "nothing changed: {}",
        listed.body
    );
}

#[tokio::test]
async fn c24_bulk_bodies_are_checked() {
    let harness = Harness::start().await;
    let booked = book_three(&harness).await;
    let fifty_one: Vec<String> = (0..51).map(|n| format!("id-{n}")).collect();
    let cases = [
        (
            json!({"ids": [booked[0]]}),
            vec![("NOT_SUPPORTED", json!(["body", "status"]))],
        ),
        (
            json!({"ids": [booked[0]], "status": "booked"}),
            vec![("NOT_SUPPORTED", json!(["body", "status"]))],
        ),
        (
            json!({"ids": [booked[0]], "start": "2024-03-25T15:00:00+01:00", "status": "cancelled"}),
            vec![("BAD_INPUT", json!(["body", "start"]))],
        ),
        (
            json!({"ids": [], "status": "cancelled"}),
            vec![("MISSING_REQUIRED_FIELD", json!(["body", "ids"]))],
        ),
        (
            json!({"status": "cancelled"}),
            vec![("MISSING_REQUIRED_FIELD", json!(["body", "ids"]))],
        ),
        (
            json!({"ids": "x", "status": "cancelled"}),
            vec![("BAD_INPUT", json!(["body", "ids"]))],
        ),
        (
            json!({"ids": fifty_one, "status": "cancelled"}),
            vec![("MAX_ITEMS_EXCEEDED", json!(["body", "ids"]))],
        ),
        (
            json!({"ids": [booked[0], booked[1], booked[0]], "status": "cancelled"}),
            vec![("BAD_INPUT", json!(["body", "ids", 2]))],
        ),
        (
            json!({"ids": [booked[0], 7, ""], "status": "cancelled"}),
            vec![
                ("BAD_INPUT", json!(["body", "ids", 1])),
                ("INVALID_APPOINTMENT_ID", json!(["body", "ids", 2])),
            ],
        ),
        (
            json!({"ids": [], "comment": "x".repeat(501)}),
            vec![
                ("NOT_SUPPORTED", json!(["body", "status"])),
                ("INVALID_COMMENT_LENGTH", json!(["body", "comment"])),
                ("MISSING_REQUIRED_FIELD", json!(["body", "ids"])),
            ],
        ),
    ];
    for (body, expected) in cases {
        let reply = harness.patch(&appointments(), body).await;
        reply.assert_errors(&expected);
    }
    let fifty: Vec<Value> = (0..50).map(|n| json!(format!("id-{n}"))).collect();
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": fifty, "status": "cancelled"}),
        )
        .await;
    assert_eq!(
        reply.codes(),
        ["INVALID_APPOINTMENT_ID"; 50],
        "50 ids are allowed"
    );
}

#[tokio::test]
async fn c25_without_a_confirmation_code_confirming_is_bad_input() {
    let harness = Harness::start().await;
    let booked = harness
        .book(&harness.first_slot(EHN, "1001").await, ALFA, None)
        .await;
    let reply = harness
        .patch(
            &one(&booked["id"]),
            json!({"confirmation": {"code": "123456"}}),
        )
        .await;
    reply.assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test]
async fn c25_with_a_confirmation_code_bookings_await_confirmation() {
    let code = ConfirmationCode::new("123456").unwrap();
    let harness = Harness::with(|builder| builder.confirmation_code(code)).await;
    let slot = harness.first_slot(EHN, "1001").await;
    let awaiting = harness.book(&slot, ALFA, None).await;
    assert_eq!(awaiting["status"], "awaiting_confirmation");
    assert_ne!(
        harness.first_slot(EHN, "1001").await,
        slot,
        "the slot is held"
    );

    for body in [
        json!({"confirmation": {"code": "654321"}}),
        json!({"confirmation": {"code": 123456}}),
    ] {
        let reply = harness.patch(&one(&awaiting["id"]), body).await;
        assert_eq!(reply.codes(), ["BAD_INPUT"], "{}", reply.body);
    }
    let reply = harness
        .patch(&one(&awaiting["id"]), json!({"confirmation": {}}))
        .await;
    reply.assert_error(
        "MISSING_REQUIRED_FIELD",
        json!(["body", "confirmation", "code"]),
    );
    let moved = harness
        .patch(&one(&awaiting["id"]), json!({"comment": "x"}))
        .await;
    moved.assert_error("BAD_INPUT", Value::Null);

    let reply = harness
        .patch(
            &one(&awaiting["id"]),
            json!({"confirmation": {"code": "123456"}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["status"], "booked");
    assert_eq!(reply.body["id"], awaiting["id"]);

    let again = harness
        .patch(
            &one(&awaiting["id"]),
            json!({"confirmation": {"code": "123456"}}),
        )
        .await;
    again.assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c19_sixty_four_concurrent_bookings_of_one_slot_give_exactly_one_appointment() {
    let harness = Arc::new(Harness::start().await);
    let slot = harness.first_slot(EHN, "1001").await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let harness = Arc::clone(&harness);
        let body = booking(&slot, ALFA, None);
        tasks.push(tokio::spawn(async move {
            harness.post(&appointments(), body).await
        }));
    }
    let mut created = 0;
    let mut taken = 0;
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            201 => created += 1,
            _ => {
                reply.assert_error("NO_TIMESLOTS_AVAILABLE", Value::Null);
                taken += 1;
            }
        }
    }
    assert_eq!((created, taken), (1, 63));
    let listed = harness
        .get(&format!(
            "{}?start=2024-03-25T00:00:00%2B01:00",
            appointments()
        ))
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn c40_one_appointment_is_read_by_its_id_as_the_list_reports_it() {
    let harness = Harness::start().await;
    // The seed's history: reported completed (C20), ids unprefixed (C21).
    let history = harness.get(&appointments()).await.body;
    for listed in history.as_array().unwrap() {
        let reply = harness.get(&one(&listed["id"])).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.body.is_object(), "one object, not a list");
        assert_eq!(&reply.body, listed);
        assert_eq!(reply.body["status"], "completed");
    }
    // A booking made with typed ids reads back as it was answered.
    let mut body = booking(
        &harness.first_slot(EHN, "1001").await,
        &format!("se_personal_number:{ALFA}"),
        Some("First consultation"),
    );
    body["resource_id"] = json!(format!("emr_id:{EHN}"));
    let booked = harness.post(&appointments(), body).await.body[0].clone();
    let reply = harness.get(&one(&booked["id"])).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, booked);
    assert_eq!(reply.body["patient_id"], ALFA);
    assert_eq!(reply.body["resource_id"], EHN);
    // Its status follows the clock and the changes, as the list's does.
    harness
        .clock
        .advance(TimeDelta::hours(1) + TimeDelta::seconds(1));
    assert_eq!(
        harness.get(&one(&booked["id"])).await.body["status"],
        "completed"
    );
    let slot = harness.first_slot(EHN, "1001").await;
    let later = harness.book(&slot, ALFA, None).await;
    harness
        .patch(&one(&later["id"]), json!({"status": "cancelled"}))
        .await;
    assert_eq!(
        harness.get(&one(&later["id"])).await.body["status"],
        "cancelled"
    );
}

#[tokio::test]
async fn c40_an_unknown_appointment_id_is_invalid_appointment_id_at_its_path() {
    let harness = Harness::start().await;
    for id in ["nope", "%FF", "%20", "8b7d3c2e-5f1a-4c7e-9d2b-1a6f0e4c9b10"] {
        let reply = harness.get(&format!("{CU}/appointments/{id}")).await;
        reply.assert_error("INVALID_APPOINTMENT_ID", json!(["path", "appointment_id"]));
    }
    // The care unit is checked first (C30).
    let reply = harness
        .get("/api/emrs/takecare/care-units/99/appointments/nope")
        .await;
    reply.assert_error("INVALID_CARE_UNIT_ID", json!(["path", "care_unit_id"]));
}

#[tokio::test]
async fn c40_c24_changes_look_their_appointments_up_by_id() {
    let harness = Harness::start().await;
    let booked = book_three(&harness).await;
    // A change to one appointment leaves the others as they were.
    let reply = harness
        .patch(&one(&booked[1]), json!({"status": "cancelled"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(harness.get(&one(&booked[0])).await.body["status"], "booked");
    // A bulk cancel finds each id on its own: known, unknown and completed ones.
    let history = harness.get(&appointments()).await.body;
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": [booked[0], "nope", history[1]["id"], booked[2]],
                   "status": "cancelled"}),
        )
        .await;
    reply.assert_errors(&[
        ("INVALID_APPOINTMENT_ID", json!(["body", "ids", 1])),
        ("BAD_INPUT", json!(["body", "ids", 2])),
    ]);
    let reply = harness
        .patch(
            &appointments(),
            json!({"ids": [booked[2], booked[1], booked[0]], "status": "cancelled"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        ids(&reply.body),
        [booked[2].clone(), booked[1].clone(), booked[0].clone()]
    );
}
