//! Typed ids from the request (contract §2.2, C6, C7) and the sandbox's `external_id` rule (C33).

use chrono::NaiveDate;
use leyr_domain::ids::{AppointmentId, HealthcareServiceId, PatientEmrId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::personnummer::Personnummer;
use leyr_http::wire::ErrorCode;
use leyr_http::wire::typed_id::{self, PatientIdType};

use crate::problem::{ApiError, FieldPath, invalid_id};

/// Checks C33: exactly 12 ASCII digits, no separator; century 18, 19 or 20; a real date (the
/// day plus 60 allowed, but not month `00` or day `60`); serial other than `000`; the right
/// Luhn digit; and a birth date not after `today` (the sandbox clock's Stockholm date).
///
/// Interim numbers (a letter in the serial), reservnummer (century `99`) and every 10-digit
/// form fail here too.
pub(crate) fn external_id(text: &str, today: NaiveDate) -> Option<Personnummer> {
    if text.len() != 12 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let personnummer: Personnummer = text.parse().ok()?;
    // Unknown-date coordination numbers (month 00, day 60) have no birth date and fail here.
    personnummer.is_born_by(today).then_some(personnummer)
}

/// Reads a patient id (C6, C7): bare and `emr_id:` values are EHR ids (which in TakeCare are the
/// personnummer), `se_personal_number:` values must pass C33. Errors point at `path`:
///
/// - `INVALID_PATIENT_ID_TYPE` for a type Leyr does not document;
/// - `PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED` for `no_personal_number` and `nhs_number`;
/// - `INVALID_PATIENT_ID` for an empty or malformed value.
pub(crate) fn patient_id(
    text: &str,
    today: NaiveDate,
    path: FieldPath,
) -> Result<PatientRef, ApiError> {
    let typed = typed_id::split(text);
    let invalid = || ApiError::field(invalid_id("PATIENT"), Some(path.clone()));
    match typed_id::patient_id_type(typed.kind) {
        Some(PatientIdType::EmrId) => PatientEmrId::new(typed.value)
            .map(PatientRef::EmrId)
            .map_err(|_| invalid()),
        Some(PatientIdType::SePersonalNumber) => external_id(typed.value, today)
            .map(PatientRef::Personnummer)
            .ok_or_else(invalid),
        Some(PatientIdType::NoPersonalNumber | PatientIdType::NhsNumber) => Err(ApiError::field(
            ErrorCode::PatientIdLookupTypeNotSupported,
            Some(path),
        )),
        Some(_) | None => Err(ApiError::field(ErrorCode::InvalidPatientIdType, Some(path))),
    }
}

/// Reads a resource id (C7): bare or `emr_id:`; any other type is `NOT_SUPPORTED` (TakeCare
/// knows resources by EHR id only). An empty or malformed value is `invalid` (e.g.
/// `INVALID_RESOURCE_ID`, or `INVALID_CREATED_BY_ID` for an author).
pub(crate) fn resource_id(
    text: &str,
    invalid: ErrorCode,
    path: FieldPath,
) -> Result<ResourceId, ApiError> {
    let typed = typed_id::split(text);
    match typed.kind {
        None | Some("emr_id") => {
            ResourceId::new(typed.value).map_err(|_| ApiError::field(invalid, Some(path)))
        }
        Some(_) => Err(ApiError::field(ErrorCode::NotSupported, Some(path))),
    }
}

/// Reads a healthcare service id; an empty or malformed one is `INVALID_HEALTHCARE_SERVICE_ID`.
pub(crate) fn healthcare_service_id(
    text: &str,
    path: FieldPath,
) -> Result<HealthcareServiceId, ApiError> {
    HealthcareServiceId::new(text)
        .map_err(|_| ApiError::field(invalid_id("HEALTHCARE_SERVICE"), Some(path)))
}

/// Reads an appointment id; an empty or malformed one is `INVALID_APPOINTMENT_ID`.
pub(crate) fn appointment_id(text: &str, path: FieldPath) -> Result<AppointmentId, ApiError> {
    AppointmentId::new(text).map_err(|_| ApiError::field(invalid_id("APPOINTMENT"), Some(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 25).unwrap()
    }

    #[test]
    fn c33_accepts_only_twelve_digit_valid_numbers_born_by_today() {
        for valid in [
            "197110021834",
            "191212121212",
            "197010632391", // samordningsnummer, day + 60
            "198101012394",
            "202403250018", // born today
        ] {
            assert!(external_id(valid, today()).is_some(), "{valid}");
        }
        for invalid in [
            "7110021834",               // 10 digits
            "711002-1834",              // 10 digits with separator
            "19711002-1834",            // 12 digits with separator
            "197110021835",             // Luhn
            "201509160006",             // serial 000
            "170001012380",             // century 17
            "990212345455",             // reservnummer shape
            "19880527T281",             // interim number
            "197000602396",             // month 00 and day 60 (unknown date)
            "197010602394",             // day 60 (unknown date)
            "190002291238",             // 1900 is no leap year
            "203001012388",             // born after today
            " 197110021834",            // whitespace
            "１９７１１００２１８３４", // non-ASCII digits
        ] {
            assert!(external_id(invalid, today()).is_none(), "{invalid}");
        }
    }

    #[test]
    fn c7_patient_id_types() {
        let at = || FieldPath::path("patient_id");
        assert!(matches!(
            patient_id("197110021834", today(), at()),
            Ok(PatientRef::EmrId(_))
        ));
        assert!(matches!(
            patient_id("emr_id:197110021834", today(), at()),
            Ok(PatientRef::EmrId(_))
        ));
        assert!(matches!(
            patient_id("se_personal_number:197110021834", today(), at()),
            Ok(PatientRef::Personnummer(_))
        ));
        let code = |text: &str| {
            patient_id(text, today(), at()).err().and_then(|error| {
                error.entries()[0]
                    .error_code
                    .as_ref()
                    .map(ErrorCode::as_string)
            })
        };
        assert_eq!(code("hsa_id:1").as_deref(), Some("INVALID_PATIENT_ID_TYPE"));
        assert_eq!(
            code("nhs_number:1").as_deref(),
            Some("PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED")
        );
        assert_eq!(
            code("se_personal_number:7110021834").as_deref(),
            Some("INVALID_PATIENT_ID")
        );
        assert_eq!(code("emr_id:").as_deref(), Some("INVALID_PATIENT_ID"));
    }
}
