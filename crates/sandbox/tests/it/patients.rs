//! §3.6-§3.8: find, create and get patients; C6, C7, C16, C17, C33.

use serde_json::{Value, json};

use crate::support::{ALFA, CU, Harness};

const SEVEN: [(&str, &str, &str); 7] = [
    ("191212121212", "Tolvan", "Tolvansson"),
    ("197110021834", "Testperson", "Alfa"),
    ("194010126672", "Testperson", "Beta"),
    ("195003042222", "Testperson", "Gamma"),
    ("194912062306", "Testperson", "Delta"),
    ("195008121856", "Testperson", "Epsilon"),
    ("198702072391", "Testperson", "Zeta"),
];

#[track_caller]
fn assert_patient(patient: &Value, number: &str, first_name: &str, last_name: &str) {
    let id = patient["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    let mut rest = patient.clone();
    rest["id"] = json!("<uuid>");
    assert_eq!(
        rest,
        json!({"id": "<uuid>", "emr_id": number, "first_name": first_name, "last_name": last_name,
               "care_unit_id": "10", "external_id": number, "phones": [], "emails": []})
    );
}

#[tokio::test]
async fn c6_the_seven_test_patients_are_found_by_personnummer() {
    let harness = Harness::start().await;
    for (number, first_name, last_name) in SEVEN {
        let reply = harness
            .get(&format!("{CU}/patients/se_personal_number:{number}"))
            .await;
        assert_eq!(reply.status, 200, "{number}");
        assert_patient(&reply.body, number, first_name, last_name);
    }
}

#[tokio::test]
async fn c6_c9_bare_emr_id_and_se_personal_number_reach_the_same_patient() {
    let harness = Harness::start().await;
    let mut ids = Vec::new();
    for id in [
        ALFA.to_owned(),
        format!("emr_id:{ALFA}"),
        format!("emr_id%3A{ALFA}"),
        format!("se_personal_number:{ALFA}"),
        format!("se_personal_number%3A{ALFA}"),
    ] {
        let reply = harness.get(&format!("{CU}/patients/{id}")).await;
        assert_eq!(reply.status, 200, "{id}");
        assert_patient(&reply.body, ALFA, "Testperson", "Alfa");
        ids.push(reply.body["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
}

#[tokio::test]
async fn c6_leyrs_own_id_is_not_a_patient_id() {
    let harness = Harness::start().await;
    let patient = harness.get(&format!("{CU}/patients/{ALFA}")).await.body;
    let leyr_id = patient["id"].as_str().unwrap();
    for id in [leyr_id.to_owned(), format!("emr_id:{leyr_id}")] {
        let reply = harness.get(&format!("{CU}/patients/{id}")).await;
        reply.assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
    }
}

#[tokio::test]
async fn c7_patient_id_types_are_checked() {
    let harness = Harness::start().await;
    for (id, code) in [
        (
            "hsa_id:SE2321000131-E000000012345",
            "INVALID_PATIENT_ID_TYPE",
        ),
        ("passport%3A123", "INVALID_PATIENT_ID_TYPE"),
        ("se:personal:197110021834", "INVALID_PATIENT_ID_TYPE"),
        (":197110021834", "INVALID_PATIENT_ID_TYPE"),
        (
            "no_personal_number:01010112345",
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
        ),
        (
            "nhs_number:9434765919",
            "PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED",
        ),
        ("se_personal_number:7110021834", "INVALID_PATIENT_ID"),
        ("se_personal_number:19711002-1834", "INVALID_PATIENT_ID"),
        ("se_personal_number:197110021835", "INVALID_PATIENT_ID"),
        ("se_personal_number:", "INVALID_PATIENT_ID"),
        ("emr_id:", "INVALID_PATIENT_ID"),
        ("198101012394", "INVALID_PATIENT_ID"),
        ("se_personal_number:198101012394", "INVALID_PATIENT_ID"),
    ] {
        let reply = harness.get(&format!("{CU}/patients/{id}")).await;
        assert_eq!(reply.codes(), [code], "{id}: {}", reply.body);
        reply.assert_error(code, json!(["path", "patient_id"]));
    }
}

#[tokio::test]
async fn c16_find_patients_matches_whole_names_ignoring_case() {
    let harness = Harness::start().await;
    let reply = harness
        .get(&format!(
            "{CU}/patients?first_name=Tolvan&last_name=Tolvansson"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.as_array().unwrap().len(), 1);
    assert_patient(&reply.body[0], "191212121212", "Tolvan", "Tolvansson");

    let reply = harness
        .get(&format!(
            "{CU}/patients?first_name=tolvan&last_name=TOLVANSSON"
        ))
        .await;
    assert_eq!(reply.body.as_array().unwrap().len(), 1);

    let reply = harness.get(&format!("{CU}/patients?last_name=alfa")).await;
    assert_eq!(reply.body.as_array().unwrap().len(), 1);
    assert_eq!(reply.body[0]["emr_id"], ALFA);

    let reply = harness
        .get(&format!("{CU}/patients?first_name=Testperson"))
        .await;
    assert_eq!(reply.body.as_array().unwrap().len(), 6);

    for query in [
        "first_name=Tolv",
        "last_name=Tolvansson&first_name=Anders",
        "first_name=R2D2",
    ] {
        let reply = harness.get(&format!("{CU}/patients?{query}")).await;
        assert_eq!(reply.status, 200, "{query}");
        assert_eq!(reply.body, json!([]), "{query}");
    }
}

#[tokio::test]
async fn c16_find_patients_needs_a_name() {
    let harness = Harness::start().await;
    for query in ["", "?", "?first_name=", "?phone=123"] {
        let reply = harness.get(&format!("{CU}/patients{query}")).await;
        reply.assert_error("MISSING_REQUIRED_FIELD", json!(["query", "first_name"]));
    }
}

fn anders() -> Value {
    json!({"first_name": "Anders", "last_name": "Andersson", "external_id": "198101012394",
           "phones": ["+46701234567"], "emails": ["anders@example.com"], "nickname": "Adde"})
}

#[tokio::test]
async fn c17_create_patient_is_an_upsert_201_then_200_unchanged() {
    let harness = Harness::start().await;
    let created = harness.post(&format!("{CU}/patients"), anders()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let mut body = created.body.clone();
    body["id"] = json!("<uuid>");
    assert_eq!(
        body,
        json!({"id": "<uuid>", "emr_id": "198101012394", "first_name": "Anders",
               "last_name": "Andersson", "care_unit_id": "10", "external_id": "198101012394",
               "phones": ["+46701234567"], "emails": ["anders@example.com"]})
    );

    let mut renamed = anders();
    renamed["first_name"] = json!("Andreas");
    let existing = harness.post(&format!("{CU}/patients"), renamed).await;
    assert_eq!(existing.status, 200);
    assert_eq!(
        existing.body, created.body,
        "the existing patient comes back unchanged"
    );

    let fetched = harness
        .get(&format!("{CU}/patients/se_personal_number:198101012394"))
        .await;
    assert_eq!(fetched.body, created.body);

    let seeded = harness
        .post(
            &format!("{CU}/patients"),
            json!({"first_name": "Testperson", "last_name": "Alfa", "external_id": ALFA}),
        )
        .await;
    assert_eq!(seeded.status, 200);
    assert_eq!(seeded.body["emr_id"], ALFA);
}

#[tokio::test]
async fn c17_missing_fields_are_all_reported() {
    let harness = Harness::start().await;
    let reply = harness.post(&format!("{CU}/patients"), json!({})).await;
    reply.assert_errors(&[
        ("MISSING_REQUIRED_FIELD", json!(["body", "first_name"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "last_name"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "external_id"])),
    ]);
    let reply = harness
        .post(
            &format!("{CU}/patients"),
            json!({"first_name": null, "last_name": "  ", "external_id": "198101012394"}),
        )
        .await;
    reply.assert_errors(&[
        ("MISSING_REQUIRED_FIELD", json!(["body", "first_name"])),
        ("MISSING_REQUIRED_FIELD", json!(["body", "last_name"])),
    ]);
    // An empty body counts as `{}`.
    let reply = harness
        .send(harness.request(reqwest::Method::POST, &format!("{CU}/patients")))
        .await;
    assert_eq!(reply.codes(), ["MISSING_REQUIRED_FIELD"; 3]);
}

#[tokio::test]
async fn c17_wrong_json_types_are_bad_input_at_their_path() {
    let harness = Harness::start().await;
    let reply = harness
        .post(
            &format!("{CU}/patients"),
            json!({"first_name": 5, "last_name": ["Andersson"], "external_id": 198101012394_u64,
                   "phones": "+46701234567", "emails": ["ok@example.com", 7, "not an address"]}),
        )
        .await;
    reply.assert_errors(&[
        ("BAD_INPUT", json!(["body", "first_name"])),
        ("BAD_INPUT", json!(["body", "last_name"])),
        ("BAD_INPUT", json!(["body", "external_id"])),
        ("BAD_INPUT", json!(["body", "phones"])),
        ("BAD_INPUT", json!(["body", "emails", 1])),
        ("BAD_INPUT", json!(["body", "emails", 2])),
    ]);
}

#[tokio::test]
async fn c33_invalid_external_ids_are_bad_input() {
    let harness = Harness::start().await;
    for external_id in [
        "8101012394",    // 10 digits
        "810101-2394",   // 10 digits with separator
        "19810101-2394", // 12 digits with separator
        "198101012395",  // wrong Luhn digit
        "201509160006",  // serial 000
        "171001012396",  // century 17
        "990212345455",  // Region Stockholm reservnummer
        "19880527T281",  // interim number
        "880527-T281",   // interim number, short form
        "197000602396",  // samordningsnummer with unknown month and day
        "197010602394",  // samordningsnummer with unknown day
        "190002291238",  // 1900-02-29 does not exist
        "203001012388",  // born after today
        "202403260017",  // born tomorrow
        " 198101012394", // whitespace
    ] {
        let reply = harness
            .post(
                &format!("{CU}/patients"),
                json!({"first_name": "Anders", "last_name": "Andersson",
                       "external_id": external_id}),
            )
            .await;
        assert_eq!(
            reply.codes(),
            ["BAD_INPUT"],
            "{external_id}: {}",
            reply.body
        );
        reply.assert_error("BAD_INPUT", json!(["body", "external_id"]));
    }
}

#[tokio::test]
async fn c33_valid_edge_cases_are_accepted() {
    let harness = Harness::start().await;
    for external_id in [
        "197010632391", // samordningsnummer, day + 60
        "202403250018", // born today
        "200002292381", // 2000-02-29
    ] {
        let reply = harness
            .post(
                &format!("{CU}/patients"),
                json!({"first_name": "Test", "last_name": "Person", "external_id": external_id}),
            )
            .await;
        assert_eq!(reply.status, 201, "{external_id}: {}", reply.body);
    }
}

#[tokio::test]
async fn c9_path_segments_are_decoded_exactly_once() {
    let harness = Harness::start().await;
    // `%253A` decodes to the text `%3A`, not to `:`: a bare EHR id nobody has.
    let reply = harness
        .get(&format!("{CU}/patients/se_personal_number%253A{ALFA}"))
        .await;
    reply.assert_error("INVALID_PATIENT_ID", json!(["path", "patient_id"]));
    // Percent-encoded digits are still the same id.
    let reply = harness
        .get(&format!(
            "{CU}/patients/%31%39%37%31%31%30%30%32%31%38%33%34"
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_patient(&reply.body, ALFA, "Testperson", "Alfa");
}
