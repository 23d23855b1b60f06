//! Patients: find (§3.6, C16), create (§3.7, C17) and get (§3.8, C6, C7).

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use leyr_domain::error::Entity;
use leyr_domain::patient::{EmailAddress, NewPatient, PatientSearch, PersonName, PhoneNumber};
use leyr_http::mapping;
use leyr_http::wire::{ErrorCode, PatientDto};

use super::{AppState, QueryParams, Scope};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, FieldPath, json};
use crate::request_body::{self, JSON_LIMIT_BYTES};
use crate::typed_ids;

/// `GET {CU}/patients?first_name&last_name` (§3.6).
///
/// C16: at least one name is required (`MISSING_REQUIRED_FIELD`); each given name must match
/// exactly, ignoring case. A name no patient can have (digits, control characters, over 100
/// characters) matches nobody, so the answer is `[]`.
pub(super) async fn find(
    State(state): State<AppState>,
    scope: Scope,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let given = |name: &str| query.first(name).filter(|text| !text.trim().is_empty());
    let (first_name, last_name) = (given("first_name"), given("last_name"));
    if first_name.is_none() && last_name.is_none() {
        return Err(ApiError::field(
            ErrorCode::MissingRequiredField,
            Some(FieldPath::query("first_name")),
        ));
    }
    let name = |text: Option<&str>| text.map(PersonName::new).transpose();
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

/// `POST {CU}/patients` (§3.7).
///
/// C17: an upsert on `external_id`: 201 with a new patient, 200 with an existing one unchanged.
/// `first_name`, `last_name` and `external_id` are required; `phones` (E.164) and `emails`
/// default to `[]`; an `external_id` that breaks C33 is `BAD_INPUT` at
/// `["body","external_id"]`. Every field problem is reported at once.
pub(super) async fn create(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let mut fields = request_body::json_object(body, JSON_LIMIT_BYTES).await?;
    let name = |fields: &mut request_body::Fields, field: &str| {
        let text = fields.required_text(field)?;
        PersonName::new(&text)
            .map_err(|_| fields.problem(ErrorCode::BadInput, FieldPath::body(field)))
            .ok()
    };
    let first_name = name(&mut fields, "first_name");
    let last_name = name(&mut fields, "last_name");
    let personnummer = fields.required_text("external_id").and_then(|text| {
        let valid = typed_ids::external_id(&text, state.today());
        if valid.is_none() {
            fields.problem(ErrorCode::BadInput, FieldPath::body("external_id"));
        }
        valid
    });
    let mut phones = Vec::new();
    for (index, text) in fields.text_list("phones") {
        match PhoneNumber::new(&text) {
            Ok(phone) => phones.push(phone),
            Err(_) => fields.problem(ErrorCode::BadInput, FieldPath::body("phones").index(index)),
        }
    }
    let mut emails = Vec::new();
    for (index, text) in fields.text_list("emails") {
        match EmailAddress::new(&text) {
            Ok(email) => emails.push(email),
            Err(_) => fields.problem(ErrorCode::BadInput, FieldPath::body("emails").index(index)),
        }
    }
    fields.finish()?;
    let (Some(first_name), Some(last_name), Some(personnummer)) =
        (first_name, last_name, personnummer)
    else {
        return Err(ApiError::bad_request(Vec::new()));
    };
    let new_patient = NewPatient {
        personnummer,
        first_name,
        last_name,
        phones,
        emails,
    };
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

/// `GET {CU}/patients/{patient_id}` (§3.8): bare, `emr_id:` and `se_personal_number:` ids reach
/// the same patient (C6); other types are refused as C7 says.
pub(super) async fn get_one(
    State(state): State<AppState>,
    scope: Scope,
) -> Result<Response, ApiError> {
    let path = FieldPath::path("patient_id");
    let patient_ref =
        typed_ids::patient_id(scope.param("patient_id"), state.today(), path.clone())?;
    let patient = state
        .ports
        .patients
        .get_patient(&scope.care_unit, &patient_ref)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none().with(Entity::Patient, path)))?;
    Ok(json(StatusCode::OK, &mapping::patient_dto(&patient)))
}
