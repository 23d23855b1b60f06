//! C44: the client knows each EHR's profile, refuses what the EHR cannot do before sending
//! anything, is permissive for an `{emr}` it does not know, and gives the same typed error
//! whether it refused or Leyr answered `NOT_SUPPORTED`.

use leyr_domain::appointment::{
    AppointmentBatch, AppointmentQuery, BookingRequest, ConfirmationCode, RescheduleRequest,
};
use leyr_domain::document::{DocumentFormat, NewDocument};
use leyr_domain::ehr::{self, Operation};
use leyr_domain::error::{Rejection, RejectionCode};
use leyr_domain::ids::{AppointmentId, PatientEmrId, ResourceId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{NewPatient, PatientRef, PatientSearch, PersonName};
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    MedicalNotes, PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
use leyr_http::LeyrClient;
use wiremock::MockServer;

use crate::support::{builder, care_unit, listed_slot, problem};

/// The refusal a call ended in, if it was one.
fn rejection<T>(result: Result<T, impl Into<Refused>>) -> Option<RejectionCode> {
    match result {
        Ok(_) => None,
        Err(error) => error.into().0.map(|rejection| rejection.code().clone()),
    }
}

struct Refused(Option<Rejection>);

macro_rules! refused {
    ($($error:ident),*) => {$(
        impl From<$error> for Refused {
            fn from(error: $error) -> Self {
                Refused(match error {
                    $error::Rejected(rejection) => Some(rejection),
                    _ => None,
                })
            }
        }
    )*};
}
refused!(ReadError, WriteError, BookError, ChangeError);

/// Calls `operation` with well-formed arguments and returns the refusal it ended in.
async fn call(client: &LeyrClient, operation: Operation) -> Option<RejectionCode> {
    let unit = care_unit();
    let patient = PatientRef::EmrId(PatientEmrId::new("5001").unwrap());
    let id = AppointmentId::new("5f3a9c1e-7b2d-4d8e-8f6a-0c9b1e2d3f4a").unwrap();
    let resource = ResourceId::new("101").unwrap();
    let name = PersonName::new("Kari").unwrap();
    let window = TimeWindow::new(listed_slot().start(), listed_slot().end()).unwrap();
    match operation {
        Operation::ListCareUnits => rejection(client.list_care_units().await),
        Operation::ListResources => rejection(client.list_resources(&unit).await),
        Operation::GetResource => rejection(client.get_resource(&unit, &resource).await),
        Operation::ListHealthcareServices => {
            rejection(client.list_healthcare_services(&unit).await)
        }
        Operation::FindTimeslots => rejection(
            client
                .find_timeslots(&unit, &TimeslotQuery::new(window))
                .await,
        ),
        Operation::FindPatients => {
            let search = PatientSearch::new(Some(name), None).unwrap();
            rejection(client.find_patients(&unit, &search).await)
        }
        Operation::RegisterPatient => {
            let new = NewPatient {
                external_id: None,
                first_name: name.clone(),
                last_name: name,
                phones: Vec::new(),
                emails: Vec::new(),
            };
            rejection(client.register_patient(&unit, &new).await)
        }
        Operation::GetPatient => rejection(client.get_patient(&unit, &patient).await),
        Operation::ListAppointments => rejection(
            client
                .list_appointments(&unit, &AppointmentQuery::default())
                .await,
        ),
        Operation::Book => {
            let request = BookingRequest {
                patient,
                slot: listed_slot(),
                comment: None,
            };
            rejection(client.book(&unit, &request).await)
        }
        Operation::Reschedule => {
            let request = RescheduleRequest {
                slot: listed_slot(),
                comment: None,
            };
            rejection(client.reschedule(&unit, &id, &request).await)
        }
        Operation::Cancel => rejection(client.cancel(&unit, &id, &Cancellation::default()).await),
        Operation::CancelMany => {
            let batch = AppointmentBatch::new(vec![id]).unwrap();
            rejection(
                client
                    .cancel_many(&unit, &batch, &Cancellation::default())
                    .await,
            )
        }
        Operation::Confirm => {
            let code = ConfirmationCode::new("123456").unwrap();
            rejection(client.confirm(&unit, &id, &code).await)
        }
        Operation::GetAppointment => rejection(client.get_appointment(&unit, &id).await),
        Operation::ListNotes => rejection(client.list_notes(&unit, &patient).await),
        Operation::WriteNote => {
            let note = NewMedicalNote {
                template: NoteTemplate::Unstructured,
                title: NoteTitle::new("T").unwrap(),
                author: resource,
                text: NoteText::new("x").unwrap(),
            };
            rejection(client.write_note(&unit, &patient, &note).await)
        }
        Operation::UploadDocument => {
            let document =
                NewDocument::new("T", "Lab", DocumentFormat::Pdf, resource, b"%PDF".to_vec())
                    .unwrap();
            rejection(client.upload_document(&unit, &patient, &document).await)
        }
        other => panic!("no call for {other}"),
    }
}

#[tokio::test]
async fn c44_what_a_profile_lacks_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    for profile in ehr::PROFILES {
        let client = builder(&server).emr(profile.code).build().unwrap();
        assert_eq!(client.profile(), *profile);
        for operation in Operation::ALL
            .into_iter()
            .filter(|op| !profile.supports(*op))
        {
            assert_eq!(
                call(&client, operation).await,
                Some(RejectionCode::NotSupported),
                "{} {operation}",
                profile.code
            );
        }
    }
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(sent.is_empty(), "{} requests were sent", sent.len());
}

#[tokio::test]
async fn c44_an_unknown_emr_is_permissive_and_leyrs_not_supported_is_the_same_error() {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(problem(400, "NOT_SUPPORTED"))
        .mount(&server)
        .await;
    let unknown = builder(&server).emr("webdoc").build().unwrap();
    assert_eq!(unknown.profile(), &ehr::PERMISSIVE);
    // The switch off sends what the profile lacks, and Leyr's answer reads the same.
    let unchecked = builder(&server)
        .emr("anitasystems")
        .enforce_profile(false)
        .build()
        .unwrap();
    for client in [&unknown, &unchecked] {
        for operation in [
            Operation::Cancel,
            Operation::ListNotes,
            Operation::GetPatient,
        ] {
            assert_eq!(
                call(client, operation).await,
                Some(RejectionCode::NotSupported),
                "{operation}"
            );
        }
    }
    let sent = server.received_requests().await.unwrap_or_default();
    assert_eq!(sent.len(), 6, "every call was sent");
}
