//! The fake plays the EHR its profile describes (C43): operations outside the profile are
//! `NOT_SUPPORTED`, patients are looked up only by the id types the profile takes, registration
//! follows its `external_id` and phone rules, and EHR ids are minted as it says (C6).

use leyr_domain::national_id::NationalId;
use std::sync::Arc;

use leyr_domain::appointment::{AppointmentQuery, RescheduleRequest};
use leyr_domain::ehr::{self, EhrProfile, IdType, Operation, Operations, PatientEmrIds};
use leyr_domain::error::RejectionCode;
use leyr_domain::ids::{AppointmentId, PatientEmrId};
use leyr_domain::patient::{NewPatient, PatientRef, PersonName, Registration};
use leyr_domain::ports::{
    AppointmentBook, BookError, ChangeError, PatientDirectory, ReadError, WriteError,
};
use leyr_in_memory::{InMemoryEhr, ManualClock, seed};

use crate::{a_free_slot, care_unit, patient};

/// TakeCare's world, played by an EHR that cannot reschedule, looks patients up by EHR id only,
/// mints its own ids and wants a phone number.
static RESTRICTED: EhrProfile = EhrProfile {
    operations: Operations::without(&[Operation::Reschedule]),
    patient_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    requires_phone: true,
    ..ehr::TAKECARE
};

fn restricted() -> InMemoryEhr {
    InMemoryEhr::builder()
        .profile(&RESTRICTED)
        .clock(Arc::new(ManualClock::default()))
        .build()
        .unwrap()
}

fn rejected_with(code: &RejectionCode) -> impl Fn(&leyr_domain::error::Rejection) -> bool + '_ {
    move |rejection| rejection.code() == code
}

#[test]
fn the_default_profile_is_takecare() {
    let ehr = InMemoryEhr::seeded(Arc::new(ManualClock::default()));
    assert_eq!(ehr.profile().code, "takecare");
    assert!(format!("{ehr:?}").contains("takecare"));
}

#[tokio::test]
async fn an_operation_outside_the_profile_is_not_supported_before_anything_is_looked_up() {
    let ehr = restricted();
    let unknown = AppointmentId::new("00000000-0000-4000-8000-000000000000").unwrap();
    let slot = a_free_slot(&ehr, 1).await;
    let request = RescheduleRequest {
        slot,
        comment: None,
    };
    let error = ehr
        .reschedule(&care_unit(), &unknown, &request)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ChangeError::Rejected(rejection) if rejected_with(&RejectionCode::NotSupported)(rejection)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_patient_id_type_the_profile_does_not_take_is_refused() {
    let ehr = restricted();
    let by_personnummer = patient(seed::RECOMMENDED_PATIENT);
    let error = ehr
        .get_patient(&care_unit(), &by_personnummer)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, ReadError::Rejected(rejection) if rejected_with(&RejectionCode::PatientIdTypeNotSupported)(rejection)),
        "{error:?}"
    );
    let query = AppointmentQuery {
        patient: Some(by_personnummer.clone()),
        ..AppointmentQuery::default()
    };
    assert!(matches!(
        ehr.list_appointments(&care_unit(), &query).await,
        Err(ReadError::Rejected(_))
    ));
    let slot = a_free_slot(&ehr, 2).await;
    let booking = leyr_domain::appointment::BookingRequest {
        patient: by_personnummer,
        slot,
        comment: None,
    };
    assert!(matches!(
        ehr.book(&care_unit(), &booking).await,
        Err(BookError::Rejected(_))
    ));
}

#[tokio::test]
async fn registration_follows_the_profile_phone_rule_and_mints_the_ehr_id() {
    let ehr = restricted();
    let mut new_patient = NewPatient {
        external_id: Some(NationalId::Personnummer("198101012394".parse().unwrap()).into()),
        first_name: PersonName::new("Anders").unwrap(),
        last_name: PersonName::new("Andersson").unwrap(),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    let error = ehr
        .register_patient(&care_unit(), &new_patient)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, WriteError::Rejected(rejection) if rejected_with(&RejectionCode::MissingRequiredField)(rejection)),
        "{error:?}"
    );

    new_patient.phones = vec![leyr_domain::patient::PhoneNumber::new("+46701234567").unwrap()];
    let Ok(Registration::Created(created)) = ehr.register_patient(&care_unit(), &new_patient).await
    else {
        panic!("the registration with a phone is created");
    };
    assert_ne!(
        created.emr_id.as_str(),
        "198101012394",
        "the EHR mints its own id"
    );
    let by_emr_id = PatientRef::EmrId(PatientEmrId::new(created.emr_id.as_str()).unwrap());
    assert_eq!(
        ehr.get_patient(&care_unit(), &by_emr_id).await.unwrap(),
        created
    );
    // Registering again is still an upsert on the national number.
    assert!(matches!(
        ehr.register_patient(&care_unit(), &new_patient).await,
        Ok(Registration::Existing(existing)) if existing == created
    ));
}

#[tokio::test]
async fn takecare_makes_the_personnummer_the_ehr_id() {
    let ehr = InMemoryEhr::seeded(Arc::new(ManualClock::default()));
    let new_patient = NewPatient {
        external_id: Some(NationalId::Personnummer("198101012394".parse().unwrap()).into()),
        first_name: PersonName::new("Anders").unwrap(),
        last_name: PersonName::new("Andersson").unwrap(),
        phones: Vec::new(),
        emails: Vec::new(),
    };
    let Ok(Registration::Created(created)) = ehr.register_patient(&care_unit(), &new_patient).await
    else {
        panic!("created");
    };
    assert_eq!(created.emr_id.as_str(), "198101012394");
}
