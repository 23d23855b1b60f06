//! §3.5, C15: timeslots.

use chrono::{DateTime, TimeDelta};
use serde_json::{Value, json};

use crate::support::{CU, EHN, Harness, LIND};

fn starts(body: &Value) -> Vec<String> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|slot| slot["start"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn c15_the_documented_example_window_lists_back_to_back_slots() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001\
             &start=2024-03-25T00:00:00%2B01:00&end=2024-03-26T00:00:00%2B01:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    let slots = reply.body.as_array().unwrap();
    assert_eq!(slots.len(), 16, "08-12 and 13-17 in 30-minute slots");
    assert_eq!(
        slots[..2],
        [
            json!({"start": "2024-03-25T08:00:00+01:00", "end": "2024-03-25T08:30:00+01:00",
                   "resource_id": EHN, "healthcare_service_id": "1001"}),
            json!({"start": "2024-03-25T08:30:00+01:00", "end": "2024-03-25T09:00:00+01:00",
                   "resource_id": EHN, "healthcare_service_id": "1001"}),
        ]
    );
    assert_eq!(slots[8]["start"], "2024-03-25T13:00:00+01:00");
    assert_eq!(slots[15]["end"], "2024-03-25T17:00:00+01:00");
}

#[tokio::test]
async fn c10_slots_are_ordered_by_start_then_resource_then_service() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?start=2024-03-25T08:00:00%2B01:00&end=2024-03-25T08:30:00%2B01:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    let keys: Vec<(String, String, String)> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|slot| {
            (
                slot["start"].as_str().unwrap().to_owned(),
                slot["resource_id"].as_str().unwrap().to_owned(),
                slot["healthcare_service_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(
        keys[..3],
        [
            (
                "2024-03-25T08:00:00+01:00".into(),
                EHN.into(),
                "1001".into()
            ),
            (
                "2024-03-25T08:00:00+01:00".into(),
                EHN.into(),
                "1002".into()
            ),
            (
                "2024-03-25T08:00:00+01:00".into(),
                LIND.into(),
                "1003".into()
            ),
        ]
    );
}

#[tokio::test]
async fn c15_the_default_window_is_now_to_thirty_days_and_crosses_summer_time() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001"
        ))
        .await;
    assert_eq!(reply.status, 200);
    let starts = starts(&reply.body);
    assert_eq!(starts[0], "2024-03-25T08:00:00+01:00");
    let now = DateTime::parse_from_rfc3339("2024-03-25T07:30:00+01:00").unwrap();
    let last = DateTime::parse_from_rfc3339(starts.last().unwrap()).unwrap();
    assert!(last < now + TimeDelta::days(30));
    assert!(last > now + TimeDelta::days(28));
    // Summer time starts on 2024-03-31: the offset follows Stockholm.
    assert!(starts.contains(&"2024-04-01T08:00:00+02:00".to_owned()));
    assert!(
        !starts.iter().any(|start| start.starts_with("2024-03-30")),
        "no weekend slots"
    );
}

#[tokio::test]
async fn c15_the_default_end_is_exactly_thirty_days_after_the_start() {
    let harness = Harness::start().await;
    // Now is 06:30 UTC; 30 days on is 2024-04-24 06:30 UTC, 08:30 in Stockholm summer time.
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001"
        ))
        .await;
    assert_eq!(reply.status, 200);
    let listed = starts(&reply.body);
    assert_eq!(listed.last().unwrap(), "2024-04-24T08:00:00+02:00");
    // A given start moves the default end with it.
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001\
             &start=2024-04-01T08:30:00%2B02:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    let listed = starts(&reply.body);
    assert_eq!(listed.first().unwrap(), "2024-04-01T08:30:00+02:00");
    assert_eq!(listed.last().unwrap(), "2024-05-01T08:00:00+02:00");
}

#[tokio::test]
async fn c15_a_slot_that_starts_exactly_now_is_not_listed() {
    let harness = Harness::start().await;
    harness.clock.advance(TimeDelta::minutes(30)); // 08:00, when the first slots start
    for window in ["", "&start=2024-03-25T08:00:00%2B01:00"] {
        let reply = harness
            .get(&format!(
                "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001{window}"
            ))
            .await;
        assert_eq!(reply.status, 200, "{window}");
        assert_eq!(
            starts(&reply.body)[0],
            "2024-03-25T08:30:00+01:00",
            "{window}"
        );
    }
}

#[tokio::test]
async fn c15_only_slots_that_start_after_now_are_listed() {
    let harness = Harness::start().await;
    harness.clock.advance(TimeDelta::minutes(160)); // 10:10
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001\
             &start=2024-03-25T00:00:00%2B01:00&end=2024-03-26T00:00:00%2B01:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(starts(&reply.body)[0], "2024-03-25T10:30:00+01:00");
}

#[tokio::test]
async fn c15_a_window_without_free_slots_is_an_empty_list() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?start=2024-03-30T00:00:00%2B01:00&end=2024-03-31T00:00:00%2B01:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!([]));
}

#[tokio::test]
async fn c15_z_and_other_offsets_are_compared_as_instants() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&healthcare_service_id=1001\
             &start=2024-03-25T08:00:00Z&end=2024-03-25T04:00:00-05:00"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        starts(&reply.body),
        ["2024-03-25T09:00:00+01:00", "2024-03-25T09:30:00+01:00"]
    );
}

#[tokio::test]
async fn c15_a_window_that_ends_before_it_starts_is_bad_input_at_end() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?start=2024-03-26T00:00:00%2B01:00&end=2024-03-26T00:00:00%2B01:00"
        ))
        .await;
    reply.assert_error("BAD_INPUT", json!(["query", "end"]));
    // A lone `end` before the default start (now).
    let reply = harness
        .get(&format!("{CU}/timeslots?end=2024-03-25T07:00:00%2B01:00"))
        .await;
    reply.assert_error("BAD_INPUT", json!(["query", "end"]));
}

#[tokio::test]
async fn c35_datetimes_without_offset_or_with_a_raw_plus_are_bad_input() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!("{CU}/timeslots?start=2024-03-25T08:00:00"))
        .await;
    reply.assert_error("BAD_INPUT", json!(["query", "start"]));
    // A raw `+` decodes to a space.
    let reply = harness
        .get(&format!("{CU}/timeslots?start=2024-03-25T08:00:00+01:00"))
        .await;
    reply.assert_error("BAD_INPUT", json!(["query", "start"]));
    // Both at once are both reported.
    let reply = harness
        .get(&format!("{CU}/timeslots?start=monday&end=2024-03-26"))
        .await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["query", "start"])),
        ("BAD_INPUT", json!(["query", "end"])),
    ]);
}

#[tokio::test]
async fn c14_unknown_filters_are_invalid_ids_and_typed_resources_not_supported() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!("{CU}/timeslots?resource_id=10-000"))
        .await;
    reply.assert_error("INVALID_RESOURCE_ID", json!(["query", "resource_id"]));
    let reply = harness
        .get(&format!("{CU}/timeslots?healthcare_service_id=9999"))
        .await;
    reply.assert_error(
        "INVALID_HEALTHCARE_SERVICE_ID",
        json!(["query", "healthcare_service_id"]),
    );
    let reply = harness
        .get(&format!("{CU}/timeslots?resource_id=hsa_id:SE1"))
        .await;
    reply.assert_error("NOT_SUPPORTED", json!(["query", "resource_id"]));
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id=emr_id:{EHN}&healthcare_service_id=1003"
        ))
        .await;
    assert_eq!(
        reply.status, 200,
        "a valid filter pair nobody offers is simply empty"
    );
    assert_eq!(reply.body, json!([]));
}

#[tokio::test]
async fn c14_an_unknown_resource_and_an_unknown_service_are_both_reported() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id=10-000&healthcare_service_id=9999&end=2024-03-25"
        ))
        .await;
    reply.assert_errors(&[
        ("INVALID_RESOURCE_ID", json!(["query", "resource_id"])),
        (
            "INVALID_HEALTHCARE_SERVICE_ID",
            json!(["query", "healthcare_service_id"]),
        ),
        ("BAD_INPUT", json!(["query", "end"])),
    ]);
}

#[tokio::test]
async fn c12_unknown_query_parameters_are_ignored() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/timeslots?resource_id={EHN}&standard=fhir&page=2"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert!(!reply.body.as_array().unwrap().is_empty());
}
