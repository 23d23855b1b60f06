//! The router serves every route of `leyr-wire`'s table (§3), and the timeslot listing keeps
//! the check order of C30 on its short path too.

use leyr_wire::Field;
use reqwest::Method;
use serde_json::json;

use crate::support::{ALFA, CU, EHN, Harness};

/// A value for each path parameter, so that every route is reached.
fn value(parameter: Field) -> &'static str {
    match parameter {
        Field::Emr => "takecare",
        Field::CareUnitId => "10",
        Field::PatientId => ALFA,
        Field::ResourceId => EHN,
        _ => "some-id",
    }
}

#[tokio::test]
async fn every_route_of_the_wire_table_is_served_and_answers_its_method() {
    let harness = Harness::start().await;
    for route in leyr_wire::route::ROUTES {
        let values: Vec<&str> = route.template.params().map(value).collect();
        let path = route.template.fill(&values).unwrap();
        let method = Method::from_bytes(route.method.as_str().as_bytes()).unwrap();
        let reply = harness
            .send(harness.request(method.clone(), &path).body("{}"))
            .await;
        assert!(
            ![404, 405].contains(&reply.status) && reply.status < 500,
            "{} {method} {path}: {} {}",
            route.operation,
            reply.status,
            reply.body
        );
    }
}

#[tokio::test]
async fn c30_the_timeslot_listing_checks_the_care_unit_before_its_query() {
    let harness = Harness::start().await;
    for query in [
        "",
        "?resource_id=10-000&healthcare_service_id=9999",
        "?start=monday&resource_id=hsa_id:SE1",
    ] {
        let reply = harness
            .get(&format!(
                "/api/emrs/takecare/care-units/99/timeslots{query}"
            ))
            .await;
        reply.assert_error("INVALID_CARE_UNIT_ID", json!(["path", "care_unit_id"]));
    }
    // A clean query naming an unknown resource gets every problem of the query, not only the
    // first one the port meets.
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id=10-000&healthcare_service_id=9999"
        ))
        .await;
    reply.assert_errors(&[
        ("INVALID_RESOURCE_ID", json!(["query", "resource_id"])),
        (
            "INVALID_HEALTHCARE_SERVICE_ID",
            json!(["query", "healthcare_service_id"]),
        ),
    ]);
}
