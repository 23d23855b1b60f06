//! `leyr-http`'s client pointed at the sandbox: both sides of the wire contract agree.

use leyr_domain::national_id::NationalId;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use leyr_domain::appointment::{AppointmentQuery, AppointmentStatus, BookingRequest};
use leyr_domain::error::{BackendErrorKind, Entity};
use leyr_domain::ids::{CareUnitId, ResourceId};
use leyr_domain::patient::{NewPatient, PatientRef, PatientSearch, PersonName};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, CareUnitCatalog, PatientDirectory,
};
use leyr_domain::retry::RetryPolicy;
use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
use leyr_http::LeyrClient;
use leyr_sandbox::HttpFault;
use secrecy::SecretString;

use crate::support::{ALFA, EHN, Harness, monday_morning};

fn client(harness: &Harness) -> LeyrClient {
    LeyrClient::builder()
        .base_url(harness.sandbox.url())
        .client_id("test-app")
        .client_secret(SecretString::from("s3cret"))
        .retry_policy(RetryPolicy::default().with_backoff([Duration::ZERO]))
        .build()
        .unwrap()
}

async fn start() -> (Harness, LeyrClient) {
    let harness = Harness::with(|builder| builder.client_secret("s3cret")).await;
    let client = client(&harness);
    (harness, client)
}

fn care_unit() -> CareUnitId {
    "10".parse().unwrap()
}

fn today() -> TimeWindow {
    let now: DateTime<FixedOffset> = monday_morning().fixed_offset();
    TimeWindow::starting_at(now, TimeDelta::days(1)).unwrap()
}

#[tokio::test]
async fn the_client_reads_the_catalog_and_patients() {
    let (_harness, client) = start().await;
    let care_units = client.list_care_units().await.unwrap();
    assert_eq!(care_units.len(), 1);
    assert_eq!(care_units[0].name.as_deref(), Some("Vårdenhet 10"));
    assert_eq!(client.list_resources(&care_unit()).await.unwrap().len(), 2);
    let ehn = client
        .get_resource(&care_unit(), &ResourceId::new(EHN).unwrap())
        .await
        .unwrap();
    assert_eq!(ehn.name.as_deref(), Some("Läkare Ehn (läk)"));
    let services = client.list_healthcare_services(&care_unit()).await.unwrap();
    assert_eq!(services[0].duration, Some(TimeDelta::minutes(30)));

    let alfa: Personnummer = ALFA.parse().unwrap();
    let patient = client
        .get_patient(
            &care_unit(),
            &PatientRef::National(NationalId::Personnummer(alfa)),
        )
        .await
        .unwrap();
    assert_eq!(patient.last_name.as_str(), "Alfa");
    let by_emr_id = client
        .get_patient(&care_unit(), &patient.reference())
        .await
        .unwrap();
    assert_eq!(by_emr_id, patient);
    let search = PatientSearch::new(None, Some(PersonName::new("tolvansson").unwrap())).unwrap();
    assert_eq!(
        client
            .find_patients(&care_unit(), &search)
            .await
            .unwrap()
            .len(),
        1
    );

    let unknown: Personnummer = "198101012394".parse().unwrap();
    let error = client
        .get_patient(
            &care_unit(),
            &PatientRef::National(NationalId::Personnummer(unknown)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            leyr_domain::ports::ReadError::NotFound(Entity::Patient)
        ),
        "{error:?}"
    );

    let new_patient = NewPatient {
        external_id: Some(NationalId::Personnummer(unknown).into()),
        first_name: PersonName::new("Anders").unwrap(),
        last_name: PersonName::new("Andersson").unwrap(),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    assert!(
        client
            .register_patient(&care_unit(), &new_patient)
            .await
            .unwrap()
            .was_created()
    );
    assert!(
        !client
            .register_patient(&care_unit(), &new_patient)
            .await
            .unwrap()
            .was_created()
    );
}

#[tokio::test]
async fn the_client_books_once_and_hears_slot_taken_the_second_time() {
    let (_harness, client) = start().await;
    let slots = client
        .find_timeslots(&care_unit(), &TimeslotQuery::new(today()))
        .await
        .unwrap();
    let slot = slots[0].clone();
    let patient: Personnummer = ALFA.parse().unwrap();
    let request = BookingRequest {
        patient: patient.into(),
        slot: slot.clone(),
        comment: None,
    };
    let appointment = client.book(&care_unit(), &request).await.unwrap();
    assert_eq!(appointment.status(), &AppointmentStatus::Booked);
    assert!(appointment.matches_slot(&slot));
    let again = client.book(&care_unit(), &request).await.unwrap_err();
    assert!(matches!(again, BookError::SlotTaken), "{again:?}");

    let listed = client
        .list_appointments(
            &care_unit(),
            &AppointmentQuery {
                patient: Some(request.patient.clone()),
                start: Some(slot.start()),
                end: Some(slot.end()),
                ..AppointmentQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&appointment));
    let cancelled = client
        .cancel(&care_unit(), appointment.id(), &Default::default())
        .await
        .unwrap();
    assert_eq!(cancelled.status(), &AppointmentStatus::Cancelled);
}

#[tokio::test]
async fn the_client_retries_a_throttled_read_and_never_replays_a_booking() {
    let (harness, client) = start().await;
    harness.sandbox.faults().next_n(
        2,
        HttpFault::TooManyRequests {
            retry_after: Duration::ZERO,
        },
    );
    let slots = client
        .find_timeslots(&care_unit(), &TimeslotQuery::new(today()))
        .await
        .unwrap();
    assert_eq!(
        harness.sandbox.faults().pending(),
        0,
        "both 429 answers were retried"
    );

    let patient: Personnummer = ALFA.parse().unwrap();
    let request = BookingRequest {
        patient: patient.into(),
        slot: slots[0].clone(),
        comment: None,
    };
    harness
        .sandbox
        .faults()
        .next_n(2, HttpFault::ServiceUnavailable);
    let error = client.book(&care_unit(), &request).await.unwrap_err();
    match &error {
        BookError::Backend(backend) => assert_eq!(backend.kind(), BackendErrorKind::Unavailable),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        harness.sandbox.faults().pending(),
        1,
        "the booking was sent once"
    );
    harness.sandbox.faults().clear();

    harness.sandbox.faults().next(HttpFault::DropAfterWork);
    let error = client.book(&care_unit(), &request).await.unwrap_err();
    assert!(matches!(error, BookError::OutcomeUnknown(_)), "{error:?}");
    let ehr = Arc::new(harness.sandbox.ehr().clone());
    let booked = ehr
        .list_appointments(&care_unit(), &AppointmentQuery::default())
        .await
        .unwrap();
    assert!(
        booked
            .iter()
            .any(|appointment| appointment.matches_slot(&request.slot))
    );
}
