//! §3.1-§3.4: care units, resources, resource details and healthcare services.

use serde_json::json;

use crate::support::{CU, EHN, Harness};

#[tokio::test]
async fn care_units_list_the_seed() {
    let harness = Harness::start().await;
    let reply = harness.get("/api/emrs/takecare/care-units").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(reply.body, json!([{"id": "10", "name": "Vårdenhet 10"}]));
}

#[tokio::test]
async fn c10_resources_are_ordered_by_id() {
    let harness = Harness::start().await;
    let reply = harness.get(&format!("{CU}/resources")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!([
            {"id": "10-991890000019", "name": "Läkare Ehn (läk)"},
            {"id": "10-991890000027", "name": "Sjuksköterska Lind (ssk)"}
        ])
    );
}

#[tokio::test]
async fn c7_resource_details_take_bare_and_emr_id_ids_colon_raw_or_encoded() {
    let harness = Harness::start().await;
    for id in [
        EHN.to_owned(),
        format!("emr_id:{EHN}"),
        format!("emr_id%3A{EHN}"),
        format!("emr_id%3a{EHN}"),
    ] {
        let reply = harness.get(&format!("{CU}/resources/{id}")).await;
        assert_eq!(reply.status, 200, "{id}");
        assert_eq!(
            reply.body,
            json!({"id": EHN, "name": "Läkare Ehn (läk)"}),
            "{id}"
        );
    }
}

#[tokio::test]
async fn c7_resource_ids_of_other_types_are_not_supported() {
    let harness = Harness::start().await;
    for id in [
        "hsa_id:SE2321000131-E000000012345",
        "se_personal_number%3A197110021834",
    ] {
        let reply = harness.get(&format!("{CU}/resources/{id}")).await;
        reply.assert_error("NOT_SUPPORTED", json!(["path", "resource_id"]));
    }
}

#[tokio::test]
async fn c14_an_unknown_resource_is_invalid_resource_id() {
    let harness = Harness::start().await;
    let reply = harness.get(&format!("{CU}/resources/10-000")).await;
    reply.assert_error("INVALID_RESOURCE_ID", json!(["path", "resource_id"]));
}

#[tokio::test]
async fn healthcare_services_carry_their_durations() {
    let harness = Harness::start().await;
    let reply = harness.get(&format!("{CU}/healthcare-services")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!([
            {"id": "1001", "name": "Nybesök läkare", "duration_minutes": 30},
            {"id": "1002", "name": "Återbesök läkare", "duration_minutes": 15},
            {"id": "1003", "name": "Sjuksköterskebesök", "duration_minutes": 20}
        ])
    );
}

#[tokio::test]
async fn c14_an_unknown_emr_is_not_supported() {
    let harness = Harness::start().await;
    let reply = harness.get("/api/emrs/webdoc/care-units").await;
    reply.assert_error("NOT_SUPPORTED", json!(["path", "emr"]));
    let reply = harness
        .get("/api/emrs/webdoc/care-units/10/resources")
        .await;
    reply.assert_error("NOT_SUPPORTED", json!(["path", "emr"]));
}

#[tokio::test]
async fn c14_an_unknown_care_unit_is_invalid_care_unit_id_on_every_route() {
    let harness = Harness::start().await;
    for path in [
        "resources",
        "resources/10-991890000019",
        "healthcare-services",
        "timeslots",
        "patients?first_name=Tolvan",
        "patients/197110021834",
        "patients/197110021834/medical-notes",
        "appointments",
    ] {
        let reply = harness
            .get(&format!("/api/emrs/takecare/care-units/L0_10/{path}"))
            .await;
        reply.assert_error("INVALID_CARE_UNIT_ID", json!(["path", "care_unit_id"]));
    }
}

#[tokio::test]
async fn c30_checks_run_in_order_emr_then_care_unit_then_ids_then_body() {
    let harness = Harness::start().await;
    // Unknown emr and care unit: the emr is reported.
    let reply = harness
        .get("/api/emrs/webdoc/care-units/99/resources/x")
        .await;
    reply.assert_error("NOT_SUPPORTED", json!(["path", "emr"]));
    // Unknown care unit and resource: the care unit.
    let reply = harness
        .get("/api/emrs/takecare/care-units/99/resources/x")
        .await;
    reply.assert_error("INVALID_CARE_UNIT_ID", json!(["path", "care_unit_id"]));
    // Unknown appointment and a body that is not JSON: the id.
    let reply = harness
        .send(
            harness
                .request(reqwest::Method::PATCH, &format!("{CU}/appointments/nope"))
                .body("{not json"),
        )
        .await;
    reply.assert_error("INVALID_APPOINTMENT_ID", json!(["path", "appointment_id"]));
    // Unknown patient and a body that is not JSON: the id.
    let reply = harness
        .send(
            harness
                .request(
                    reqwest::Method::POST,
                    &format!("{CU}/patients/198101012394/medical-notes"),
                )
                .body("{not json"),
        )
        .await;
    reply.assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
}

#[tokio::test]
async fn c47_every_profile_is_served_from_its_own_seed_world() {
    let harness = Harness::start().await;
    for profile in leyr_domain::ehr::PROFILES {
        let world = leyr_in_memory::seed::world(profile.code).expect("every profile has a world");
        let reply = harness
            .get(&format!("/api/emrs/{}/care-units", profile.code))
            .await;
        assert_eq!(reply.status, 200, "{}", profile.code);
        let expected: Vec<_> = world
            .care_units
            .iter()
            .map(|unit| json!({"id": unit.id, "name": unit.name}))
            .collect();
        assert_eq!(reply.body, json!(expected), "{}", profile.code);
    }
}
