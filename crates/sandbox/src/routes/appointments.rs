//! Appointments: list (§3.9, C18), create (§3.10, C19), reschedule (§3.11, C22), cancel
//! (§3.12, C23), bulk cancel (§3.13, C24) and confirm (§3.14, C25).

use std::collections::HashSet;

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, FixedOffset};
use leyr_domain::appointment::{
    AppointmentBatch, AppointmentQuery, AppointmentStatus, BookingRequest, Comment,
    ConfirmationCode, RescheduleRequest,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::ports::Cancellation;
use leyr_domain::timeslot::Timeslot;
use leyr_http::wire::ErrorCode;
use serde_json::Value;

use super::{AppState, QueryParams, Scope, appointment_json, reported_status};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, FieldPath, invalid_id, json};
use crate::request_body::{self, Fields, JSON_LIMIT_BYTES};
use crate::{time_input, typed_ids};

/// `GET {CU}/appointments?patient_id&resource_id&start&end` (§3.9).
///
/// C18: every filter optional, a missing bound unbounded, cancelled and completed appointments
/// included, ordered by start (C10). Every problem of the query is reported at once.
pub(super) async fn list(
    State(state): State<AppState>,
    scope: Scope,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let care_unit = &scope.care_unit;
    let mut problems = Fields::new(serde_json::Map::new());
    let patient_path = FieldPath::query("patient_id");
    let patient = query.first("patient_id").and_then(|text| {
        problems.check(typed_ids::patient_id(
            text,
            state.today(),
            patient_path.clone(),
        ))
    });
    let patient = state
        .known_patient(care_unit, patient, patient_path, &mut problems)
        .await?;
    let resource_path = FieldPath::query("resource_id");
    let resource_id = query.first("resource_id").and_then(|text| {
        problems.check(typed_ids::resource_id(
            text,
            invalid_id("RESOURCE"),
            resource_path.clone(),
        ))
    });
    let resource_id = state
        .known_resource(care_unit, resource_id, resource_path, &mut problems)
        .await?;
    let start = query
        .first("start")
        .and_then(|text| problems.check(time_input::datetime(text, FieldPath::query("start"))));
    let end = query
        .first("end")
        .and_then(|text| problems.check(time_input::datetime(text, FieldPath::query("end"))));
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        problems.problem(ErrorCode::BadInput, FieldPath::query("end"));
    }
    problems.finish()?;

    let appointment_query = AppointmentQuery {
        patient,
        resource_id,
        start,
        end,
    };
    let origins = Origins::none()
        .with(Entity::Patient, FieldPath::query("patient_id"))
        .with(Entity::Resource, FieldPath::query("resource_id"));
    let mut appointments = state
        .ports
        .appointments
        .list_appointments(care_unit, &appointment_query)
        .await
        .map_err(|error| port_errors::read(&error, &origins))?;
    appointments.retain(|appointment| appointment_query.starts_within(&appointment.start()));
    appointments.sort_by_key(|appointment| appointment.start());
    let now = state.now();
    let body: Vec<_> = appointments
        .iter()
        .map(|appointment| appointment_json(appointment, now))
        .collect();
    Ok(json(StatusCode::OK, &body))
}

/// Reads the optional `comment`: at most 500 characters (`INVALID_COMMENT_LENGTH`, C19); a
/// blank comment counts as none; control characters other than line breaks are `BAD_INPUT`.
fn comment(fields: &mut Fields) -> Option<Comment> {
    let text = fields.optional_text("comment").ok().flatten()?;
    if text.chars().count() > MAX_COMMENT_CHARS {
        fields.problem(ErrorCode::InvalidCommentLength, FieldPath::body("comment"));
        return None;
    }
    if text.trim().is_empty() {
        return None;
    }
    Comment::new(text)
        .map_err(|_| fields.problem(ErrorCode::BadInput, FieldPath::body("comment")))
        .ok()
}

/// Reads a required datetime field (C35).
fn required_time(fields: &mut Fields, name: &str) -> Option<DateTime<FixedOffset>> {
    let text = fields.required_text(name)?;
    fields.check(time_input::datetime(&text, FieldPath::body(name)))
}

/// `POST {CU}/appointments` (§3.10).
///
/// C19: every field but `comment` is required, and every field problem is reported in one
/// `errors[]`, unknown patient, resource and service (C14) included. Only when the fields are
/// valid is the slot matched: same instants, resource and service, free and after now, else
/// `NO_TIMESLOTS_AVAILABLE`. The answer is 201 with a one-element array.
pub(super) async fn create(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let care_unit = &scope.care_unit;
    let mut fields = request_body::json_object(body, JSON_LIMIT_BYTES).await?;
    let start = required_time(&mut fields, "start");
    let end = required_time(&mut fields, "end");
    let patient_path = FieldPath::body("patient_id");
    let patient = fields.required_text("patient_id").and_then(|text| {
        let parsed = typed_ids::patient_id(&text, state.today(), patient_path.clone());
        fields.check(parsed)
    });
    let patient = state
        .known_patient(care_unit, patient, patient_path, &mut fields)
        .await?;
    let resource_path = FieldPath::body("resource_id");
    let resource_id = fields.required_text("resource_id").and_then(|text| {
        let parsed = typed_ids::resource_id(&text, invalid_id("RESOURCE"), resource_path.clone());
        fields.check(parsed)
    });
    let resource_id = state
        .known_resource(care_unit, resource_id, resource_path, &mut fields)
        .await?;
    let service_path = FieldPath::body("healthcare_service_id");
    let service_id = fields
        .required_text("healthcare_service_id")
        .and_then(|text| {
            let parsed = typed_ids::healthcare_service_id(&text, service_path.clone());
            fields.check(parsed)
        });
    let service_id = state
        .known_service(care_unit, service_id, service_path, &mut fields)
        .await?;
    let comment = comment(&mut fields);
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        fields.problem(ErrorCode::BadInput, FieldPath::body("end"));
    }
    fields.finish()?;
    let (Some(start), Some(end), Some(patient), Some(resource_id), Some(service_id)) =
        (start, end, patient, resource_id, service_id)
    else {
        return Err(ApiError::bad_request(Vec::new()));
    };

    let no_slot = || ApiError::field(ErrorCode::NoTimeslotsAvailable, None);
    if start <= state.now() {
        return Err(no_slot());
    }
    let slot = Timeslot::new(start, end, resource_id, service_id).map_err(|_| no_slot())?;
    let request = BookingRequest {
        patient,
        slot,
        comment,
    };
    let origins = Origins::none()
        .with(Entity::Patient, FieldPath::body("patient_id"))
        .with(Entity::Resource, FieldPath::body("resource_id"))
        .with(
            Entity::HealthcareService,
            FieldPath::body("healthcare_service_id"),
        );
    let appointment = state
        .ports
        .appointments
        .book(care_unit, &request)
        .await
        .map_err(|error| port_errors::book(&error, &origins))?;
    Ok(json(
        StatusCode::CREATED,
        &[appointment_json(&appointment, state.now())],
    ))
}

/// The appointment `id` of the care unit, or `INVALID_APPOINTMENT_ID` at `path`.
async fn find_appointment(
    state: &AppState,
    care_unit: &CareUnitId,
    id: &AppointmentId,
    path: FieldPath,
) -> Result<leyr_domain::appointment::Appointment, ApiError> {
    state
        .ports
        .appointments
        .list_appointments(care_unit, &AppointmentQuery::default())
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?
        .into_iter()
        .find(|appointment| appointment.id() == id)
        .ok_or_else(|| ApiError::field(invalid_id("APPOINTMENT"), Some(path)))
}

/// `PATCH {CU}/appointments/{appointment_id}`: confirm when the body has `confirmation`
/// (§3.14), cancel when it has `status` (§3.12), else reschedule (§3.11). 200 with one object.
pub(super) async fn change(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let path = FieldPath::path("appointment_id");
    let id = typed_ids::appointment_id(scope.param("appointment_id"), path.clone())?;
    let current = find_appointment(&state, &scope.care_unit, &id, path.clone()).await?;
    let mut fields = request_body::json_object(body, JSON_LIMIT_BYTES).await?;
    let origins = Origins::none()
        .with(Entity::Appointment, path)
        .with(Entity::Resource, FieldPath::body("resource_id"));
    let now = state.now();
    let status = reported_status(&current, now);
    let appointments = &state.ports.appointments;
    let changed = if fields.has("confirmation") {
        let code = confirmation_code(&mut fields);
        refuse_fields(&mut fields, &["status", "start", "end", "resource_id"]);
        fields.finish()?;
        // C25: only an appointment awaiting confirmation can be confirmed.
        let (Some(code), AppointmentStatus::AwaitingConfirmation) = (code, status) else {
            return Err(ApiError::field(ErrorCode::BadInput, None));
        };
        appointments
            .confirm(&scope.care_unit, &id, &code)
            .await
            .map_err(|error| port_errors::change(&error, &origins))?
    } else if fields.has("status") {
        if fields.get("status") != Some(&Value::from("cancelled")) {
            // C22: `status` is for cancelling only.
            fields.problem(ErrorCode::BadInput, FieldPath::body("status"));
        }
        // C23: a cancel moves nothing.
        refuse_fields(&mut fields, &["start", "end", "resource_id"]);
        let comment = comment(&mut fields);
        fields.finish()?;
        if status == AppointmentStatus::Completed {
            return Err(ApiError::field(ErrorCode::BadInput, None));
        }
        appointments
            .cancel(&scope.care_unit, &id, &Cancellation { comment })
            .await
            .map_err(|error| port_errors::change(&error, &origins))?
    } else {
        let request = reschedule_request(&state, &scope, &current, &mut fields).await?;
        appointments
            .reschedule(&scope.care_unit, &id, &request)
            .await
            .map_err(|error| port_errors::change(&error, &origins))?
    };
    Ok(json(
        StatusCode::OK,
        &appointment_json(&changed, state.now()),
    ))
}

/// Reads `confirmation.code` (C25).
fn confirmation_code(fields: &mut Fields) -> Option<ConfirmationCode> {
    let path = FieldPath::body("confirmation");
    match fields.get("confirmation").cloned() {
        Some(Value::Object(confirmation)) => match confirmation.get("code") {
            None | Some(Value::Null) => {
                fields.problem(ErrorCode::MissingRequiredField, path.key("code"));
                None
            }
            Some(Value::String(code)) => ConfirmationCode::new(code)
                .map_err(|_| fields.problem(ErrorCode::BadInput, path.key("code")))
                .ok(),
            Some(_) => {
                fields.problem(ErrorCode::BadInput, path.key("code"));
                None
            }
        },
        _ => {
            fields.problem(ErrorCode::BadInput, path);
            None
        }
    }
}

/// Records `BAD_INPUT` for each of `names` present in the body.
fn refuse_fields(fields: &mut Fields, names: &[&str]) {
    for name in names {
        if fields.has(name) {
            fields.problem(ErrorCode::BadInput, FieldPath::body(name));
        }
    }
}

/// Reads a reschedule (C22): any of `start`+`end`, `resource_id` and `comment`; the rest is
/// kept from the appointment, whose healthcare service never changes.
async fn reschedule_request(
    state: &AppState,
    scope: &Scope,
    current: &leyr_domain::appointment::Appointment,
    fields: &mut Fields,
) -> Result<RescheduleRequest, ApiError> {
    let moving = ["start", "end", "resource_id", "comment"];
    if !moving.iter().any(|name| fields.has(name)) {
        fields.problem(ErrorCode::MissingRequiredField, FieldPath::whole_body());
        fields.finish()?;
    }
    let (has_start, has_end) = (fields.has("start"), fields.has("end"));
    if has_start != has_end {
        let missing = if has_start { "end" } else { "start" };
        fields.problem(ErrorCode::MissingRequiredField, FieldPath::body(missing));
    }
    let start = has_start.then(|| required_time(fields, "start")).flatten();
    let end = has_end.then(|| required_time(fields, "end")).flatten();
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        fields.problem(ErrorCode::BadInput, FieldPath::body("end"));
    }
    let resource_path = FieldPath::body("resource_id");
    let resource_id = match fields.optional_text("resource_id") {
        Ok(Some(text)) => fields.check(typed_ids::resource_id(
            &text,
            invalid_id("RESOURCE"),
            resource_path.clone(),
        )),
        _ => None,
    };
    let resource_id = state
        .known_resource(&scope.care_unit, resource_id, resource_path, fields)
        .await?;
    let comment = comment(fields);
    fields.finish()?;

    let now = state.now();
    // C22: only a booked appointment moves.
    if reported_status(current, now) != AppointmentStatus::Booked {
        return Err(ApiError::field(ErrorCode::BadInput, None));
    }
    let no_slot = || ApiError::field(ErrorCode::NoTimeslotsAvailable, None);
    let start = start.unwrap_or_else(|| current.start());
    let end = end.unwrap_or_else(|| current.end());
    let (Some(resource_id), Some(service_id)) = (
        resource_id.or_else(|| current.resource_id().cloned()),
        current.healthcare_service_id().cloned(),
    ) else {
        return Err(no_slot());
    };
    if start <= now {
        return Err(no_slot());
    }
    let slot = Timeslot::new(start, end, resource_id, service_id).map_err(|_| no_slot())?;
    Ok(RescheduleRequest { slot, comment })
}

/// `PATCH {CU}/appointments` (§3.13): bulk cancel only.
///
/// C24: `"status":"cancelled"` is required (`NOT_SUPPORTED` otherwise); `ids` holds 1 to 50
/// distinct ids (`MISSING_REQUIRED_FIELD` when empty, `MAX_ITEMS_EXCEEDED` over 50, `BAD_INPUT`
/// for a repeat). All or nothing: one `INVALID_APPOINTMENT_ID` per unknown id at
/// `["body","ids",<index>]`, and each appointment follows C23. 200 with the appointments in the
/// order of `ids`.
pub(super) async fn cancel_many(
    State(state): State<AppState>,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let mut fields = request_body::json_object(body, JSON_LIMIT_BYTES).await?;
    if fields.get("status") != Some(&Value::from("cancelled")) {
        fields.problem(ErrorCode::NotSupported, FieldPath::body("status"));
    }
    refuse_fields(
        &mut fields,
        &["start", "end", "resource_id", "confirmation"],
    );
    let comment = comment(&mut fields);
    let ids = batch_ids(&mut fields);
    fields.finish()?;

    let now = state.now();
    let known = state
        .ports
        .appointments
        .list_appointments(&scope.care_unit, &AppointmentQuery::default())
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?;
    let mut problems = Fields::new(serde_json::Map::new());
    for (index, id) in ids.iter().enumerate() {
        let at = FieldPath::body("ids").index(index);
        match known.iter().find(|appointment| appointment.id() == id) {
            None => problems.problem(invalid_id("APPOINTMENT"), at),
            Some(appointment)
                if reported_status(appointment, now) == AppointmentStatus::Completed =>
            {
                problems.problem(ErrorCode::BadInput, at);
            }
            Some(_) => {}
        }
    }
    problems.finish()?;

    let batch = AppointmentBatch::new(ids.clone())
        .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(FieldPath::body("ids"))))?;
    let origins = Origins::none().with(Entity::Appointment, FieldPath::body("ids"));
    let cancelled = state
        .ports
        .appointments
        .cancel_many(&scope.care_unit, &batch, &Cancellation { comment })
        .await
        .map_err(|error| port_errors::change(&error, &origins))?;
    let now = state.now();
    let body: Vec<_> = ids
        .iter()
        .filter_map(|id| cancelled.iter().find(|appointment| appointment.id() == id))
        .map(|appointment| appointment_json(appointment, now))
        .collect();
    Ok(json(StatusCode::OK, &body))
}

/// Reads `ids` (C24), recording every problem.
fn batch_ids(fields: &mut Fields) -> Vec<AppointmentId> {
    let path = FieldPath::body("ids");
    let items = match fields.get("ids").cloned() {
        None => {
            fields.problem(ErrorCode::MissingRequiredField, path);
            return Vec::new();
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            fields.problem(ErrorCode::BadInput, path);
            return Vec::new();
        }
    };
    if items.is_empty() {
        fields.problem(ErrorCode::MissingRequiredField, path);
        return Vec::new();
    }
    if items.len() > leyr_domain::appointment::MAX_BATCH {
        fields.problem(ErrorCode::MaxItemsExceeded, path);
        return Vec::new();
    }
    let mut ids = Vec::with_capacity(items.len());
    let mut seen = HashSet::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = path.clone().index(index);
        let Value::String(text) = item else {
            fields.problem(ErrorCode::BadInput, at);
            continue;
        };
        let Some(id) = fields.check(typed_ids::appointment_id(text, at.clone())) else {
            continue;
        };
        if seen.insert(id.clone()) {
            ids.push(id);
        } else {
            fields.problem(ErrorCode::BadInput, at);
        }
    }
    ids
}
