//! What goes on the wire: headers (C2), paths with typed ids (C5, C9), query encoding (C34) and
//! bodies (C12, C19), and that credentials never leave the configured origin.

use chrono::DateTime;
use leyr_domain::appointment::{AppointmentQuery, BookingRequest, Comment};
use leyr_domain::error::BackendErrorKind;
use leyr_domain::ids::PatientEmrId;
use leyr_domain::ids::{AppointmentId, ResourceId};
use leyr_domain::patient::{PatientRef, PatientSearch, PersonName};
use leyr_domain::ports::{
    AppointmentBook, Availability, Cancellation, CareUnitCatalog, PatientDirectory, ReadError,
};
use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
use serde_json::json;
use wiremock::matchers::{body_json, query_param};
use wiremock::{MockServer, Request, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn every_request_carries_the_credentials_json_headers_and_user_agent_c2() {
    let server = MockServer::start().await;
    leyr("GET", "/api/emrs/takecare/care-units")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "10", "name": "Vårdenhet 10"}])),
        )
        .expect(1)
        .mount(&server)
        .await;

    let units = client(&server).list_care_units().await.unwrap();

    assert_eq!(units.len(), 1);
    assert_eq!(units[0].id.as_str(), "10");
}

#[tokio::test]
async fn a_patient_is_addressed_by_a_typed_id_with_a_raw_colon_c5_c9() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/patients/se_personal_number:{ALFA}"))
        .respond_with(json(200, "patient.json"))
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/patients/emr_id:{ALFA}/medical-notes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    client
        .get_patient(&care_unit(), &PatientRef::from(alfa()))
        .await
        .unwrap();
    let emr_id = PatientRef::EmrId(PatientEmrId::new(ALFA).unwrap());
    leyr_domain::ports::MedicalNotes::list_notes(&client, &care_unit(), &emr_id)
        .await
        .unwrap();
}

#[tokio::test]
async fn ids_are_percent_encoded_per_segment_slash_included_c9() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/resources/a%2Fb%20c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a/b c"})))
        .expect(1)
        .mount(&server)
        .await;

    let resource = client(&server)
        .get_resource(&care_unit(), &ResourceId::new("a/b c").unwrap())
        .await
        .unwrap();

    assert_eq!(resource.id.as_str(), "a/b c");
}

#[tokio::test]
async fn a_dot_dot_id_is_refused_without_sending_anything() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let result = client(&server)
        .get_resource(&care_unit(), &ResourceId::new("..").unwrap())
        .await;

    let Err(ReadError::Backend(error)) = result else {
        panic!("expected a backend error: {result:?}")
    };
    assert_eq!(error.kind(), BackendErrorKind::Internal);
}

use wiremock::Mock;

#[tokio::test]
async fn query_times_travel_in_stockholm_time_with_plus_as_percent_2b_c15_c34() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/timeslots"))
        .and(query_param("resource_id", "10-991890000019"))
        .and(query_param("healthcare_service_id", "1001"))
        .and(query_param("start", "2024-03-25T00:00:00+01:00"))
        .and(query_param("end", "2024-03-26T00:00:00+01:00"))
        .and(|request: &Request| {
            let query = request.url.query().unwrap_or_default();
            query.contains("%2B01") && !query.contains('+')
        })
        .respond_with(json(200, "timeslots.json"))
        .expect(1)
        .mount(&server)
        .await;
    // The window is given in UTC; the client sends it in Stockholm time.
    let window = TimeWindow::new(
        DateTime::parse_from_rfc3339("2024-03-24T23:00:00Z").unwrap(),
        DateTime::parse_from_rfc3339("2024-03-25T23:00:00Z").unwrap(),
    )
    .unwrap();
    let query = TimeslotQuery::new(window)
        .resource(ResourceId::new("10-991890000019").unwrap())
        .service("1001".parse().unwrap());

    let slots = client(&server)
        .find_timeslots(&care_unit(), &query)
        .await
        .unwrap();

    assert_eq!(slots.len(), 2);
    assert_eq!(slots[0].text().unwrap().start, "2024-03-25T08:00:00+01:00");
}

/// `Utc::now()`, as in the quick start, has a fraction of a second; the query must not.
#[tokio::test]
async fn query_times_are_sent_in_whole_seconds_even_for_a_fractional_window_c34() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/timeslots"))
        .and(query_param("start", "2024-03-25T00:00:00+01:00"))
        .and(query_param("end", "2024-03-26T00:00:00+01:00"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/appointments"))
        .and(query_param("start", "2024-07-01T08:00:00+02:00"))
        .and(query_param("end", "2024-07-01T09:00:00+02:00"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let window = TimeWindow::new(
        DateTime::parse_from_rfc3339("2024-03-24T23:00:00.123456789Z").unwrap(),
        DateTime::parse_from_rfc3339("2024-03-25T23:00:00.5Z").unwrap(),
    )
    .unwrap();
    let query = AppointmentQuery {
        patient: None,
        resource_id: None,
        start: Some(DateTime::parse_from_rfc3339("2024-07-01T06:00:00.001Z").unwrap()),
        end: Some(DateTime::parse_from_rfc3339("2024-07-01T07:00:00.999Z").unwrap()),
    };

    client
        .find_timeslots(&care_unit(), &TimeslotQuery::new(window))
        .await
        .unwrap();
    client
        .list_appointments(&care_unit(), &query)
        .await
        .unwrap();
}

#[tokio::test]
async fn appointments_are_listed_by_typed_patient_id_and_window_c18() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/appointments"))
        .and(query_param(
            "patient_id",
            format!("se_personal_number:{ALFA}").as_str(),
        ))
        .and(query_param("start", "2024-07-01T08:00:00+02:00"))
        .and(query_param("end", "2024-07-01T09:00:00+02:00"))
        .and(|request: &Request| request.url.query().unwrap_or_default().contains("%2B02"))
        .respond_with(json(200, "appointments.json"))
        .expect(1)
        .mount(&server)
        .await;
    let query = AppointmentQuery {
        patient: Some(alfa().into()),
        resource_id: None,
        start: Some(DateTime::parse_from_rfc3339("2024-07-01T06:00:00Z").unwrap()),
        end: Some(DateTime::parse_from_rfc3339("2024-07-01T07:00:00Z").unwrap()),
    };

    let listed = client(&server)
        .list_appointments(&care_unit(), &query)
        .await
        .unwrap();

    assert_eq!(listed.len(), 1);
}

#[tokio::test]
async fn patients_are_searched_by_name_with_the_names_form_encoded_c16() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/patients"))
        .and(query_param("first_name", "Åsa Britt"))
        .and(query_param("last_name", "Tolvansson"))
        .respond_with(json(200, "patients.json"))
        .expect(1)
        .mount(&server)
        .await;
    let search = PatientSearch::new(
        Some(PersonName::new("Åsa Britt").unwrap()),
        Some(PersonName::new("Tolvansson").unwrap()),
    )
    .unwrap();

    let found = client(&server)
        .find_patients(&care_unit(), &search)
        .await
        .unwrap();

    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn a_booking_echoes_the_slot_text_and_sends_a_typed_patient_id_c5_c34() {
    let server = MockServer::start().await;
    leyr("POST", format!("{CU}/appointments"))
        .and(body_json(json!({
            "start": "2024-03-25T08:00:00+01:00",
            "end": "2024-03-25T08:30:00+01:00",
            "patient_id": format!("se_personal_number:{ALFA}"),
            "resource_id": "10-991890000019",
            "healthcare_service_id": "1001",
            "comment": "First consultation"
        })))
        .respond_with(json(201, "appointments.json"))
        .expect(1)
        .mount(&server)
        .await;
    let request = BookingRequest {
        patient: alfa().into(),
        slot: listed_slot(),
        comment: Some(Comment::new("First consultation").unwrap()),
    };

    let appointment = client(&server).book(&care_unit(), &request).await.unwrap();

    assert_eq!(
        appointment.id().as_str(),
        "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a"
    );
}

#[tokio::test]
async fn a_cancel_sends_only_status_and_comment_c12_c23() {
    let server = MockServer::start().await;
    leyr(
        "PATCH",
        format!("{CU}/appointments/e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"),
    )
    .and(body_json(
        json!({"status": "cancelled", "comment": "Patient is ill"}),
    ))
    .respond_with(json(200, "cancelled_appointment.json"))
    .expect(1)
    .mount(&server)
    .await;
    let cancellation = Cancellation {
        comment: Some(Comment::new("Patient is ill").unwrap()),
    };

    let cancelled = client(&server)
        .cancel(
            &care_unit(),
            &AppointmentId::new("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7").unwrap(),
            &cancellation,
        )
        .await
        .unwrap();

    assert_eq!(cancelled.status().as_str(), "cancelled");
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept_and_the_emr_is_configurable_c1() {
    let server = MockServer::start().await;
    leyr("GET", "/proxy/leyr/api/emrs/webdoc/care-units")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .base_url(format!("{}/proxy/leyr/", server.uri()))
        .emr("webdoc")
        .build()
        .unwrap();

    client.list_care_units().await.unwrap();
}

#[tokio::test]
async fn credentials_never_follow_a_redirect_to_another_origin() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    leyr("GET", "/api/emrs/takecare/care-units")
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;

    let result = client(&server).list_care_units().await;

    let Err(ReadError::Backend(error)) = result else {
        panic!("expected a backend error: {result:?}")
    };
    assert_eq!(error.kind(), BackendErrorKind::Protocol);
    assert_eq!(error.status(), Some(307));
}

const BOOKED: &str = "5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a";

#[tokio::test]
async fn an_appointment_is_looked_up_by_its_own_route_c40() {
    let server = MockServer::start().await;
    let one = json!({"id": BOOKED, "status": "booked", "start": "2024-03-25T14:00:00+01:00",
        "end": "2024-03-25T14:30:00+01:00", "comment": null, "care_unit_id": "10"});
    leyr("GET", format!("{CU}/appointments/{BOOKED}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(one))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let id = AppointmentId::new(BOOKED).unwrap();

    for _ in 0..2 {
        let found = client.get_appointment(&care_unit(), &id).await.unwrap();
        assert_eq!(found.id(), &id);
    }
}

#[tokio::test]
async fn an_unknown_appointment_id_is_not_found_without_a_fallback_c40() {
    let server = MockServer::start().await;
    leyr("GET", format!("{CU}/appointments/{BOOKED}"))
        .respond_with(problem(400, "INVALID_APPOINTMENT_ID"))
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/appointments"))
        .respond_with(json(200, "appointments.json"))
        .expect(0)
        .mount(&server)
        .await;

    let error = client(&server)
        .get_appointment(&care_unit(), &AppointmentId::new(BOOKED).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ReadError::NotFound(leyr_domain::error::Entity::Appointment)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_missing_route_falls_back_to_listing_once_and_is_remembered_c40() {
    let server = MockServer::start().await;
    let missing = json!({"code": "NOT_FOUND", "type": "about:blank", "title": "Not found",
        "status": 404, "detail": "No route matches this path.", "instance": "x"});
    leyr("GET", format!("{CU}/appointments/{BOOKED}"))
        .respond_with(ResponseTemplate::new(404).set_body_json(missing))
        .expect(1)
        .mount(&server)
        .await;
    leyr("GET", format!("{CU}/appointments"))
        .respond_with(json(200, "appointments.json"))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    let id = AppointmentId::new(BOOKED).unwrap();

    for _ in 0..2 {
        let found = client.get_appointment(&care_unit(), &id).await.unwrap();
        assert_eq!(found.id(), &id);
    }
    let other = AppointmentId::new("e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7").unwrap();
    let error = client
        .get_appointment(&care_unit(), &other)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ReadError::NotFound(leyr_domain::error::Entity::Appointment)
        ),
        "{error:?}"
    );
}
