//! Ids from the request, read through the EHR's profile (contract §2.2, C6, C7, C43).
//!
//! The grammar (`{type}:{value}`, the type before the first `:`) is `leyr-wire`'s; which types
//! an EHR takes is its profile's; the check of a national number is the domain's (C33). This
//! module only puts them together and says which error each failure gives.

use chrono::NaiveDate;
use leyr_domain::ehr::{EhrProfile, IdType, NationalNumber};
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, HealthcareServiceId, PatientEmrId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_wire::typed_id::{self, TypedId};
use leyr_wire::{ErrorCode, FieldPath};

use crate::problem::ApiError;

/// The national number a typed patient id of `kind` holds, if it holds one.
fn national_number(kind: IdType) -> Option<NationalNumber> {
    match kind {
        IdType::SePersonalNumber => Some(NationalNumber::SwedishPersonnummer),
        IdType::NoPersonalNumber => Some(NationalNumber::NorwegianFodselsnummer),
        _ => None,
    }
}

/// Reads a patient id (C6, C7). Errors point at `path`:
///
/// - `INVALID_PATIENT_ID_TYPE` for a type Leyr does not document;
/// - `PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED` for a documented type the profile does not take;
/// - `INVALID_PATIENT_ID` for an empty or malformed value, e.g. a `se_personal_number:` that
///   breaks C33 on `today`.
pub(crate) fn patient_id(
    text: &str,
    profile: &EhrProfile,
    today: NaiveDate,
    path: &FieldPath,
) -> Result<PatientRef, ApiError> {
    let typed = TypedId::split(text);
    let Some(kind) = typed
        .id_type()
        .filter(|kind| typed_id::names_patients(*kind))
    else {
        return Err(ApiError::field(ErrorCode::InvalidPatientIdType, Some(path)));
    };
    let not_supported = || ApiError::field(ErrorCode::PatientIdLookupTypeNotSupported, Some(path));
    if !profile.accepts_patient_id(kind) {
        return Err(not_supported());
    }
    let invalid = || ApiError::field(ErrorCode::not_found(Entity::Patient), Some(path));
    if kind == IdType::EmrId {
        return PatientEmrId::new(typed.value)
            .map(PatientRef::EmrId)
            .map_err(|_| invalid());
    }
    // A patient is looked up by a national number the domain can check (C33 for
    // `se_personal_number:`, C46 for `no_personal_number:`); a type without such a check
    // (`nhs_number:`) is one this sandbox cannot look up.
    let Some(number) = national_number(kind) else {
        return Err(not_supported());
    };
    number
        .check(typed.value, today)
        .map(PatientRef::National)
        .map_err(|_| invalid())
}

/// Reads a resource id (C7): an EHR id (bare or `emr_id:`) where the profile takes one; any
/// other type is `NOT_SUPPORTED`. An empty or malformed value is `invalid`, e.g.
/// `INVALID_RESOURCE_ID`, or `INVALID_CREATED_BY_ID` for an author.
pub(crate) fn resource_id(
    text: &str,
    profile: &EhrProfile,
    invalid: Entity,
    path: &FieldPath,
) -> Result<ResourceId, ApiError> {
    let typed = TypedId::split(text);
    match typed.id_type() {
        Some(IdType::EmrId) if profile.accepts_resource_id(IdType::EmrId) => {
            ResourceId::new(typed.value)
                .map_err(|_| ApiError::field(ErrorCode::not_found(invalid), Some(path)))
        }
        _ => Err(ApiError::field(ErrorCode::NotSupported, Some(path))),
    }
}

/// Reads a healthcare service id; an empty or malformed one is `INVALID_HEALTHCARE_SERVICE_ID`.
pub(crate) fn healthcare_service_id(
    text: &str,
    path: &FieldPath,
) -> Result<HealthcareServiceId, ApiError> {
    HealthcareServiceId::new(text)
        .map_err(|_| ApiError::field(ErrorCode::not_found(Entity::HealthcareService), Some(path)))
}

/// Reads an appointment id; an empty or malformed one is `INVALID_APPOINTMENT_ID`.
pub(crate) fn appointment_id(text: &str, path: &FieldPath) -> Result<AppointmentId, ApiError> {
    AppointmentId::new(text)
        .map_err(|_| ApiError::field(ErrorCode::not_found(Entity::Appointment), Some(path)))
}

#[cfg(test)]
mod tests {
    use leyr_domain::ehr::TAKECARE;
    use leyr_wire::Field;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 25).unwrap()
    }

    fn code(result: Result<impl Sized, ApiError>) -> Option<String> {
        result.err().and_then(|error| {
            error.entries()[0]
                .error_code
                .as_ref()
                .map(ErrorCode::as_string)
        })
    }

    #[test]
    fn c6_c7_patient_ids_are_read_as_the_profile_says() {
        let at = FieldPath::path(Field::PatientId);
        let read = |text: &str| patient_id(text, &TAKECARE, today(), &at);
        assert!(matches!(read("197110021834"), Ok(PatientRef::EmrId(_))));
        assert!(matches!(
            read("emr_id:197110021834"),
            Ok(PatientRef::EmrId(_))
        ));
        assert!(matches!(
            read("se_personal_number:197110021834"),
            Ok(PatientRef::National(_))
        ));
        // `hsa_id` names resources, so as a patient id its type is unknown too.
        for unknown in ["hsa:1", "hsa_id:1", "passport:X"] {
            assert_eq!(
                code(read(unknown)).as_deref(),
                Some("INVALID_PATIENT_ID_TYPE"),
                "{unknown}"
            );
        }
        for other in ["nhs_number:1", "no_personal_number:01010012345"] {
            assert_eq!(
                code(read(other)).as_deref(),
                Some("PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED"),
                "{other}"
            );
        }
        // C33, through the domain's check of a personnummer.
        for invalid in [
            "se_personal_number:7110021834",
            "se_personal_number:197110021835",
            "se_personal_number:203001012388",
            "se_personal_number:",
            "emr_id:",
            "",
        ] {
            assert_eq!(
                code(read(invalid)).as_deref(),
                Some("INVALID_PATIENT_ID"),
                "{invalid}"
            );
        }
    }

    #[test]
    fn c7_a_profile_that_does_not_take_personnummer_refuses_the_type() {
        let mut emr_ids_only = TAKECARE.clone();
        emr_ids_only.patient_id_types = &[IdType::EmrId];
        let at = FieldPath::query(Field::PatientId);
        let read = |text: &str| patient_id(text, &emr_ids_only, today(), &at);
        assert_eq!(
            code(read("se_personal_number:197110021834")).as_deref(),
            Some("PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED")
        );
        assert!(read("197110021834").is_ok());
    }

    #[test]
    fn c46_a_norwegian_number_is_checked_and_names_the_patient_on_konfidens() {
        let at = FieldPath::path(Field::PatientId);
        let read = |text: &str| patient_id(text, &leyr_domain::ehr::KONFIDENS, today(), &at);
        assert_eq!(
            code(read("no_personal_number:13097248023")).as_deref(),
            Some("INVALID_PATIENT_ID")
        );
        assert!(matches!(
            read("no_personal_number:13097248022"),
            Ok(PatientRef::National(_))
        ));
        // An H-number is a help number, not a personal number (C46).
        assert_eq!(
            code(read("no_personal_number:02417544944")).as_deref(),
            Some("INVALID_PATIENT_ID")
        );
        assert_eq!(
            code(read("se_personal_number:197110021834")).as_deref(),
            Some("PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED")
        );
        let takecare = |text: &str| patient_id(text, &TAKECARE, today(), &at);
        assert_eq!(
            code(takecare("no_personal_number:13097248022")).as_deref(),
            Some("PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED")
        );
    }

    #[test]
    fn c7_resource_ids_are_emr_ids_only() {
        let at = FieldPath::query(Field::ResourceId);
        let read = |text: &str| resource_id(text, &TAKECARE, Entity::Resource, &at);
        assert_eq!(
            read("emr_id:10-991890000019").ok().map(|id| id.to_string()),
            Some("10-991890000019".to_owned())
        );
        assert!(read("10-991890000019").is_ok());
        for typed in ["hsa_id:SE1", "se_personal_number:197110021834", "x:1"] {
            assert_eq!(
                code(read(typed)).as_deref(),
                Some("NOT_SUPPORTED"),
                "{typed}"
            );
        }
        assert_eq!(code(read("")).as_deref(), Some("INVALID_RESOURCE_ID"));
        let author = resource_id("emr_id:", &TAKECARE, Entity::Author, &at);
        assert_eq!(code(author).as_deref(), Some("INVALID_CREATED_BY_ID"));
    }
}
