//! Patients: find (§3.6, C16), create (§3.7, C17, C41) and get (§3.8, C6, C7).

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use leyr_domain::ehr::{EhrProfile, ExternalIdError, Operation};
use leyr_domain::error::Entity;
use leyr_domain::patient::{EmailAddress, NewPatient, PatientSearch, PersonName, PhoneNumber};
use leyr_wire::dto::{CreatePatientRequest, PatientDto};
use leyr_wire::query::PatientSearchParams;
use leyr_wire::{ErrorCode, Field, FieldPath, Input, mapping};

use super::{InWorld, Params, Scope};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, json};
use crate::problems::Problems;
use crate::request_body::{self, JSON_LIMIT_BYTES};
use crate::typed_ids;

/// `GET {CU}/patients?first_name&last_name` (§3.6).
///
/// C16: at least one name is required (`MISSING_REQUIRED_FIELD`); each given name must match
/// exactly, ignoring case. A name no patient can have (digits, control characters, over 100
/// characters) matches nobody, so the answer is `[]`.
pub(super) async fn find(
    InWorld(state): InWorld,
    scope: Scope,
    Params(params): Params<PatientSearchParams>,
) -> Result<Response, ApiError> {
    scope.supports(Operation::FindPatients)?;
    let given = |name: &Option<String>| {
        name.as_deref()
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned)
    };
    let (first_name, last_name) = (given(&params.first_name), given(&params.last_name));
    if first_name.is_none() && last_name.is_none() {
        return Err(ApiError::field(
            ErrorCode::MissingRequiredField,
            Some(&FieldPath::query(Field::FirstName)),
        ));
    }
    let name = |text: Option<String>| text.as_deref().map(PersonName::new).transpose();
    let (Ok(first_name), Ok(last_name)) = (name(first_name), name(last_name)) else {
        return Ok(json(StatusCode::OK, &Vec::<PatientDto>::new()));
    };
    let search = PatientSearch::new(first_name, last_name)
        .map_err(|_| ApiError::field(ErrorCode::MissingRequiredField, None))?;
    let patients = state
        .ports
        .patients
        .find_patients(&scope.care_unit, &search)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?;
    let body: Vec<_> = patients.iter().map(mapping::patient_dto).collect();
    Ok(json(StatusCode::OK, &body))
}

/// A required name (C41): 1 to 100 characters once trimmed, no control character and no ASCII
/// digit, as the domain's [`PersonName`] holds it; else `BAD_INPUT` at `["body", field]`.
fn name(problems: &mut Problems, input: &Input<String>, field: Field) -> Option<PersonName> {
    let path = FieldPath::body(field);
    let text = problems.required(input, &path)?;
    PersonName::new(text)
        .map_err(|_| problems.add(ErrorCode::BadInput, &path))
        .ok()
}

/// `POST {CU}/patients` (§3.7).
///
/// C17: an upsert on `external_id`: 201 with a new patient, 200 with an existing one unchanged.
/// The body is read by [`registration`]. Every field problem is reported at once.
pub(super) async fn create(
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    scope.supports(Operation::RegisterPatient)?;
    let request: CreatePatientRequest = request_body::read(body, JSON_LIMIT_BYTES).await?;
    let new_patient = registration(&request, scope.profile, state.today())?;
    let registration = state
        .ports
        .patients
        .register_patient(&scope.care_unit, &new_patient)
        .await
        .map_err(|error| port_errors::write(&error, &Origins::none()))?;
    let status = if registration.was_created() {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &mapping::patient_dto(registration.patient())))
}

/// Reads a registration as `profile` asks, on `today` (C17, C33, C41, C43):
///
/// - `first_name` and `last_name` are required, and hold a name (C41);
/// - `external_id` follows the profile's rule: for TakeCare a required personnummer (C33),
///   `MISSING_REQUIRED_FIELD` when missing and `BAD_INPUT` at `["body","external_id"]` when
///   invalid;
/// - `phones` (E.164) and `emails` default to `[]`, each bad entry `BAD_INPUT` at its index; a
///   profile that requires a phone answers `MISSING_REQUIRED_FIELD` at `["body","phones"]`
///   when none is given.
///
/// # Errors
/// One 400 listing every problem of the body.
fn registration(
    request: &CreatePatientRequest,
    profile: &EhrProfile,
    today: NaiveDate,
) -> Result<NewPatient, ApiError> {
    let mut problems = Problems::new();
    let first_name = name(&mut problems, &request.first_name, Field::FirstName);
    let last_name = name(&mut problems, &request.last_name, Field::LastName);
    let external_id_path = FieldPath::body(Field::ExternalId);
    let external_id = match &request.external_id {
        Input::Invalid(_) => {
            problems.add(ErrorCode::BadInput, &external_id_path);
            None
        }
        given => {
            // A blank text counts as none given, as for every required text.
            let text = given
                .value()
                .map(String::as_str)
                .filter(|text| !text.trim().is_empty());
            match profile.external_id.check(text, today) {
                Ok(external_id) => external_id,
                Err(ExternalIdError::Missing) => {
                    problems.add(ErrorCode::MissingRequiredField, &external_id_path);
                    None
                }
                Err(_) => {
                    problems.add(ErrorCode::BadInput, &external_id_path);
                    None
                }
            }
        }
    };
    let phones_path = FieldPath::body(Field::Phones);
    let mut phones = Vec::new();
    for (index, text) in problems.texts(&request.phones, &phones_path) {
        match PhoneNumber::new(text) {
            Ok(phone) => phones.push(phone),
            Err(_) => problems.add(ErrorCode::BadInput, &phones_path.clone().index(index)),
        }
    }
    let no_phone_given = match &request.phones {
        Input::Value(items) => items.is_empty(),
        Input::Absent | Input::Null => true,
        Input::Invalid(_) => false,
    };
    if profile.requires_phone && no_phone_given {
        problems.add(ErrorCode::MissingRequiredField, &phones_path);
    }
    let emails_path = FieldPath::body(Field::Emails);
    let mut emails = Vec::new();
    for (index, text) in problems.texts(&request.emails, &emails_path) {
        match EmailAddress::new(text) {
            Ok(email) => emails.push(email),
            Err(_) => problems.add(ErrorCode::BadInput, &emails_path.clone().index(index)),
        }
    }
    problems.finish()?;
    let (Some(first_name), Some(last_name)) = (first_name, last_name) else {
        return Err(ApiError::bad_request(Vec::new()));
    };
    Ok(NewPatient {
        external_id,
        first_name,
        last_name,
        phones,
        emails,
    })
}

/// `GET {CU}/patients/{patient_id}` (§3.8): every id type the profile takes reaches the same
/// patient (C6); other types are refused as C7 says.
pub(super) async fn get_one(InWorld(state): InWorld, scope: Scope) -> Result<Response, ApiError> {
    scope.supports(Operation::GetPatient)?;
    let path = FieldPath::path(Field::PatientId);
    let patient_ref = typed_ids::patient_id(
        scope.param(Field::PatientId),
        scope.profile,
        state.today(),
        &path,
    )?;
    let patient = state
        .ports
        .patients
        .get_patient(&scope.care_unit, &patient_ref)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none().with(Entity::Patient, path)))?;
    Ok(json(StatusCode::OK, &mapping::patient_dto(&patient)))
}

#[cfg(test)]
mod tests {
    use leyr_domain::ehr::TAKECARE;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 25).unwrap()
    }

    fn text(value: &str) -> Input<String> {
        Input::Value(value.to_owned())
    }

    fn codes(result: Result<NewPatient, ApiError>) -> Vec<(String, serde_json::Value)> {
        let Err(error) = result else {
            return Vec::new();
        };
        error
            .entries()
            .iter()
            .map(|entry| {
                let code = entry.error_code.as_ref().map(ErrorCode::as_string);
                (code.unwrap_or_default(), entry.path.clone())
            })
            .collect()
    }

    fn alfa() -> CreatePatientRequest {
        CreatePatientRequest {
            first_name: text("Testperson"),
            last_name: text("Alfa"),
            external_id: text("197110021834"),
            ..CreatePatientRequest::default()
        }
    }

    #[test]
    fn c17_a_takecare_registration_needs_names_and_a_personnummer_but_no_phone() {
        assert!(registration(&alfa(), &TAKECARE, today()).is_ok());
        let request = CreatePatientRequest {
            external_id: text("   "),
            ..alfa()
        };
        assert_eq!(
            codes(registration(&request, &TAKECARE, today())),
            [(
                ErrorCode::MissingRequiredField.as_string(),
                FieldPath::body(Field::ExternalId).to_value()
            )]
        );
    }

    #[test]
    fn c43_a_profile_that_requires_a_phone_refuses_a_registration_without_one() {
        let mut with_phone = TAKECARE.clone();
        with_phone.requires_phone = true;
        let missing = [(
            ErrorCode::MissingRequiredField.as_string(),
            FieldPath::body(Field::Phones).to_value(),
        )];
        for phones in [Input::Absent, Input::Null, Input::Value(Vec::new())] {
            let request = CreatePatientRequest { phones, ..alfa() };
            assert_eq!(codes(registration(&request, &with_phone, today())), missing);
        }
        let request = CreatePatientRequest {
            phones: Input::Value(vec![text("+46701234567")]),
            ..alfa()
        };
        assert!(registration(&request, &with_phone, today()).is_ok());
        let request = CreatePatientRequest {
            phones: Input::Value(vec![text("0701234567")]),
            ..alfa()
        };
        assert_eq!(
            codes(registration(&request, &with_phone, today())),
            [(
                ErrorCode::BadInput.as_string(),
                FieldPath::body(Field::Phones).index(0).to_value()
            )]
        );
    }
}
