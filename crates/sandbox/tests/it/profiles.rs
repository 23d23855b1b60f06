//! The other EHRs over HTTP (contract §9): `NOT_SUPPORTED` exactly where §9.2 says, Norwegian
//! numbers (C46), the registration rules of each profile, and confirmation by code (§9.3).

use chrono::TimeDelta;
use leyr_domain::ehr::{self, EhrProfile, Operation};
use leyr_in_memory::ConfirmationPurpose;
use serde_json::{Value, json};

use crate::support::{Harness, Reply, booking};

const ANITA: &str = "/api/emrs/anitasystems/care-units/L0_1";
const KONFIDENS: &str = "/api/emrs/konfidens/care-units/6001";
const KADDIO: &str = "/api/emrs/kaddio/care-units/Qk7Rb2Xw9Lp4Nd6Tz";

/// One request per operation, against `cu` of `profile`'s seed world: well formed where it
/// can be, so that only the profile decides.
async fn request(harness: &Harness, profile: &EhrProfile, operation: Operation) -> Reply {
    let world = leyr_in_memory::seed::world(profile.code).unwrap();
    let unit = &world.care_units[0];
    let cu = format!("/api/emrs/{}/care-units/{}", profile.code, unit.id);
    let patient = unit.patients[0]
        .emr_id
        .or(unit.patients[0].national_id)
        .unwrap();
    let resource = unit.resources[0].id;
    let some_id = "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a";
    match operation {
        Operation::ListCareUnits => {
            harness
                .get(&format!("/api/emrs/{}/care-units", profile.code))
                .await
        }
        Operation::ListResources => harness.get(&format!("{cu}/resources")).await,
        Operation::GetResource => harness.get(&format!("{cu}/resources/{resource}")).await,
        Operation::ListHealthcareServices => {
            harness.get(&format!("{cu}/healthcare-services")).await
        }
        Operation::FindTimeslots => harness.get(&format!("{cu}/timeslots")).await,
        Operation::FindPatients => harness.get(&format!("{cu}/patients?first_name=A")).await,
        Operation::RegisterPatient => {
            harness
                .post(
                    &format!("{cu}/patients"),
                    json!({"first_name": "A", "last_name": "B"}),
                )
                .await
        }
        Operation::GetPatient => harness.get(&format!("{cu}/patients/{patient}")).await,
        Operation::ListAppointments => harness.get(&format!("{cu}/appointments")).await,
        Operation::Book => harness.post(&format!("{cu}/appointments"), json!({})).await,
        Operation::Reschedule => {
            harness
                .patch(
                    &format!("{cu}/appointments/{some_id}"),
                    json!({"start": "2024-03-25T08:00:00+01:00"}),
                )
                .await
        }
        Operation::Cancel => {
            harness
                .patch(
                    &format!("{cu}/appointments/{some_id}"),
                    json!({"status": "cancelled"}),
                )
                .await
        }
        Operation::CancelMany => {
            harness
                .patch(
                    &format!("{cu}/appointments"),
                    json!({"ids": [some_id], "status": "cancelled"}),
                )
                .await
        }
        Operation::Confirm => {
            harness
                .patch(
                    &format!("{cu}/appointments/{some_id}"),
                    json!({"confirmation": {"code": "123456"}}),
                )
                .await
        }
        Operation::GetAppointment => harness.get(&format!("{cu}/appointments/{some_id}")).await,
        Operation::ListNotes => {
            harness
                .get(&format!("{cu}/patients/{patient}/medical-notes"))
                .await
        }
        Operation::WriteNote => {
            harness
                .post(&format!("{cu}/patients/{patient}/medical-notes"), json!({}))
                .await
        }
        Operation::UploadDocument => {
            harness
                .post(&format!("{cu}/patients/{patient}/documents"), json!({}))
                .await
        }
        other => panic!("no request for {other}"),
    }
}

/// C43: every operation outside a profile answers 400 `NOT_SUPPORTED` with `path` null, before
/// any id or body is looked at; every operation inside it gets past that check.
#[tokio::test]
async fn c43_not_supported_exactly_where_the_profile_table_says() {
    let harness = Harness::start().await;
    for profile in ehr::PROFILES {
        for operation in Operation::ALL {
            let reply = request(&harness, profile, operation).await;
            let not_supported = reply.status == 400
                && reply.codes() == ["NOT_SUPPORTED"]
                && reply.body["errors"][0]["path"].is_null();
            assert_eq!(
                not_supported,
                !profile.supports(operation),
                "{} {operation}: {} {}",
                profile.code,
                reply.status,
                reply.body
            );
            assert!(reply.status < 500, "{} {operation}", profile.code);
        }
    }
}

#[tokio::test]
async fn c46_konfidens_registers_norwegian_numbers_and_finds_patients_by_them() {
    let harness = Harness::start().await;
    let path = format!("{KONFIDENS}/patients");
    let register = |external_id: Value| {
        harness.post(
            &path,
            json!({"first_name": "Ola", "last_name": "Nordmann", "external_id": external_id}),
        )
    };
    register(Value::Null)
        .await
        .assert_error("MISSING_REQUIRED_FIELD", json!(["body", "external_id"]));
    // A Swedish number, an H-number, an FH-number, a separator and a wrong check digit.
    for refused in [
        "197110021834",
        "02417544944",
        "80008117075",
        "010101 00050",
        "01010100051",
    ] {
        register(json!(refused))
            .await
            .assert_error("BAD_INPUT", json!(["body", "external_id"]));
    }
    // A Tenor synthetic number, an ordinary one and a D-number.
    for accepted in ["07908298629", "01010100050", "41010021861"] {
        let created = register(json!(accepted)).await;
        assert_eq!(created.status, 201, "{}", created.body);
        assert_eq!(created.body["external_id"], accepted);
        assert_ne!(created.body["emr_id"], accepted, "Konfidens mints its ids");
        let found = harness
            .get(&format!(
                "{KONFIDENS}/patients/no_personal_number:{accepted}"
            ))
            .await;
        assert_eq!(found.status, 200, "{}", found.body);
        assert_eq!(found.body["emr_id"], created.body["emr_id"]);
        let again = register(json!(accepted)).await;
        assert_eq!(again.status, 200, "an upsert on external_id (C17)");
    }
    let seeded = harness
        .get(&format!(
            "{KONFIDENS}/patients/no_personal_number:{}",
            leyr_in_memory::seed::KONFIDENS_PATIENT
        ))
        .await;
    assert_eq!(seeded.status, 200, "{}", seeded.body);
    harness
        .get(&format!(
            "{KONFIDENS}/patients/no_personal_number:01010100051"
        ))
        .await
        .assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
    harness
        .get(&format!(
            "{KONFIDENS}/patients/se_personal_number:197110021834"
        ))
        .await
        .assert_error(
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
            json!(["path", "patient_id"]),
        );
}

#[tokio::test]
async fn kaddio_registers_without_a_number_and_keeps_its_documented_patient() {
    let harness = Harness::start().await;
    let found = harness
        .get(&format!(
            "{KADDIO}/patients/emr_id:{}",
            leyr_in_memory::seed::KADDIO_PATIENT
        ))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    let first = harness
        .post(
            &format!("{KADDIO}/patients"),
            json!({"first_name": "Vera", "last_name": "Ek"}),
        )
        .await;
    let second = harness
        .post(
            &format!("{KADDIO}/patients"),
            json!({"first_name": "Vera", "last_name": "Ek"}),
        )
        .await;
    assert_eq!(
        (first.status, second.status),
        (201, 201),
        "no key, no upsert"
    );
    assert_ne!(first.body["emr_id"], second.body["emr_id"]);
    // Given, the number is checked as a personnummer (C33).
    harness
        .post(
            &format!("{KADDIO}/patients"),
            json!({"first_name": "Vera", "last_name": "Ek", "external_id": "01010100050"}),
        )
        .await
        .assert_error("BAD_INPUT", json!(["body", "external_id"]));
}

#[tokio::test]
async fn anita_needs_an_e164_phone() {
    let harness = Harness::start().await;
    let path = format!("{ANITA}/patients");
    let register = |body: Value| harness.post(&path, body);
    register(json!({"first_name": "Kari", "last_name": "Nordmann"}))
        .await
        .assert_error("MISSING_REQUIRED_FIELD", json!(["body", "phones"]));
    register(json!({"first_name": "Kari", "last_name": "Nordmann", "phones": []}))
        .await
        .assert_error("MISSING_REQUIRED_FIELD", json!(["body", "phones"]));
    register(json!({
        "first_name": "Kari", "last_name": "Nordmann", "phones": ["+4740000009", "40000009"]
    }))
    .await
    .assert_error("BAD_INPUT", json!(["body", "phones", 1]));
    let created = register(json!({
        "first_name": "Kari", "last_name": "Nordmann", "phones": ["+4740000009"],
        "external_id": "anything at all"
    }))
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["external_id"], "anything at all");
}

/// The first free slot of Anita's `L0_1` with doctor `101` for service `201`.
async fn anita_slot(harness: &Harness) -> Value {
    let reply = harness
        .get(&format!(
            "{ANITA}/timeslots?resource_id=101&healthcare_service_id=201"
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body[0].clone()
}

/// The code of the newest message, and the id it is for.
fn newest_code(harness: &Harness) -> (String, String, ConfirmationPurpose) {
    let anita = harness.sandbox.ehr_for("anitasystems").unwrap();
    let message = anita.messages(1).remove(0);
    (
        message.code.as_str().to_owned(),
        message.appointment_id.as_str().to_owned(),
        message.purpose,
    )
}

fn confirmation(code: &str) -> Value {
    json!({"confirmation": {"code": code}})
}

fn wrong(code: &str) -> String {
    let last = code.chars().last().unwrap();
    let other = if last == '0' { '1' } else { '0' };
    format!("{}{other}", &code[..code.len() - 1])
}

#[tokio::test]
async fn c46a_a_booking_awaits_its_code_and_the_right_code_books_it() {
    let harness = Harness::start().await;
    let slot = anita_slot(&harness).await;
    let created = harness
        .post(
            &format!("{ANITA}/appointments"),
            booking(&slot, "5001", None),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let awaiting = &created.body[0];
    assert_eq!(awaiting["status"], "awaiting_confirmation");
    assert_ne!(anita_slot(&harness).await, slot, "the slot is held");

    let (code, id, purpose) = newest_code(&harness);
    assert_eq!(id, awaiting["id"].as_str().unwrap());
    assert_eq!(purpose, ConfirmationPurpose::Booking);
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    let message = harness.sandbox.ehr_for("anitasystems").unwrap().messages(1);
    assert_eq!(message[0].masked_phone.as_deref(), Some("+********01"));

    let path = format!("{ANITA}/appointments/{id}");
    harness
        .patch(&path, confirmation(&wrong(&code)))
        .await
        .assert_error("BAD_INPUT", json!(["body", "confirmation", "code"]));
    let booked = harness.patch(&path, confirmation(&code)).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body["status"], "booked");
    assert_eq!(booked.body["id"], awaiting["id"]);
    harness
        .patch(&path, confirmation(&code))
        .await
        .assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test]
async fn c46a_five_wrong_codes_lock_the_id_until_a_new_booking() {
    let harness = Harness::start().await;
    let slot = anita_slot(&harness).await;
    let created = harness
        .post(
            &format!("{ANITA}/appointments"),
            booking(&slot, "5001", None),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (code, id, _) = newest_code(&harness);
    let path = format!("{ANITA}/appointments/{id}");
    for _ in 0..5 {
        harness
            .patch(&path, confirmation(&wrong(&code)))
            .await
            .assert_error("BAD_INPUT", json!(["body", "confirmation", "code"]));
    }
    harness
        .patch(&path, confirmation(&code))
        .await
        .assert_error("BAD_INPUT", json!(["body", "confirmation", "code"]));
    // The locked booking lapses on the clock; a new booking gets a new code.
    harness.clock.advance(TimeDelta::minutes(15));
    let again = harness
        .post(
            &format!("{ANITA}/appointments"),
            booking(&slot, "5001", None),
        )
        .await;
    assert_eq!(
        again.status, 201,
        "the lapsed booking freed its slot: {}",
        again.body
    );
    let (code, id, _) = newest_code(&harness);
    let booked = harness
        .patch(&format!("{ANITA}/appointments/{id}"), confirmation(&code))
        .await;
    assert_eq!(booked.body["status"], "booked", "{}", booked.body);
}

#[tokio::test]
async fn c46a_an_unconfirmed_booking_lapses_after_fifteen_minutes() {
    let harness = Harness::start().await;
    let slot = anita_slot(&harness).await;
    let created = harness
        .post(
            &format!("{ANITA}/appointments"),
            booking(&slot, "5002", None),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (code, id, _) = newest_code(&harness);
    harness.clock.advance(TimeDelta::minutes(14));
    assert_ne!(anita_slot(&harness).await, slot, "still held at 14 minutes");
    harness.clock.advance(TimeDelta::minutes(1));
    assert_eq!(anita_slot(&harness).await, slot, "free again at 15 minutes");
    harness
        .patch(&format!("{ANITA}/appointments/{id}"), confirmation(&code))
        .await
        .assert_error("BAD_INPUT", Value::Null);
}

#[tokio::test]
async fn c46a_a_cancellation_answers_a_new_id_and_its_code_cancels_the_original() {
    let harness = Harness::start().await;
    let slot = anita_slot(&harness).await;
    harness
        .post(
            &format!("{ANITA}/appointments"),
            booking(&slot, "5001", None),
        )
        .await;
    let (code, original, _) = newest_code(&harness);
    let booked = harness
        .patch(
            &format!("{ANITA}/appointments/{original}"),
            confirmation(&code),
        )
        .await;
    assert_eq!(booked.body["status"], "booked");

    let requested = harness
        .patch(
            &format!("{ANITA}/appointments/{original}"),
            json!({"status": "cancelled", "comment": "Sjuk"}),
        )
        .await;
    assert_eq!(requested.status, 200, "{}", requested.body);
    assert_eq!(requested.body["status"], "awaiting_confirmation");
    assert_ne!(requested.body["id"], original.as_str());
    assert_eq!(requested.body["start"], booked.body["start"]);
    assert_ne!(
        anita_slot(&harness).await,
        slot,
        "the original keeps its slot"
    );

    let (code, new_id, purpose) = newest_code(&harness);
    assert_eq!(purpose, ConfirmationPurpose::Cancellation);
    assert_eq!(new_id, requested.body["id"].as_str().unwrap());
    let path = format!("{ANITA}/appointments/{new_id}");
    harness
        .patch(&path, confirmation(&wrong(&code)))
        .await
        .assert_error("BAD_INPUT", json!(["body", "confirmation", "code"]));
    let cancelled = harness.patch(&path, confirmation(&code)).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["id"], original.as_str());
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(cancelled.body["comment"], "Sjuk");
    assert_eq!(anita_slot(&harness).await, slot, "the slot is free");
    harness
        .patch(&path, confirmation(&code))
        .await
        .assert_error("BAD_INPUT", Value::Null);
    harness
        .patch(
            &format!("{ANITA}/appointments/not-an-id"),
            confirmation(&code),
        )
        .await
        .assert_error("INVALID_APPOINTMENT_ID", json!(["path", "appointment_id"]));
}
