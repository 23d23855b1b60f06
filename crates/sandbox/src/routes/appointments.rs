//! Appointments: list (§3.9, C18), get one (§3.17a, C40), create (§3.10, C19), reschedule
//! (§3.11, C22), cancel (§3.12, C23), bulk cancel (§3.13, C24) and confirm (§3.14, C25).

use std::collections::HashSet;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, FixedOffset};
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, AppointmentStatus, BookingRequest, Comment,
    ConfirmationCode, MAX_BATCH, RescheduleRequest,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::ehr::{EhrProfile, Operation};
use leyr_domain::error::{Entity, RejectionCode};
use leyr_domain::ids::AppointmentId;
use leyr_domain::ports::{Cancellation, ChangeError, ReadError};
use leyr_domain::text::TextKind;
use leyr_domain::timeslot::Timeslot;
use leyr_wire::dto::{
    AppointmentDto, BulkCancelRequest, CreateAppointmentRequest, Input, UpdateAppointmentRequest,
};
use leyr_wire::query::AppointmentParams;
use leyr_wire::{ErrorCode, Field, FieldPath, mapping};

use super::{InWorld, Params, Scope, World, check_operation};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, json};
use crate::problems::Problems;
use crate::request_body::{self, JSON_LIMIT_BYTES};
use crate::{time_input, typed_ids};

/// The JSON of appointments (C21, C35). Their statuses are the port's, which already reports a
/// booked appointment whose end has passed as completed (C20; `AppointmentBook`'s contract).
fn listed(appointments: Vec<Appointment>) -> Vec<AppointmentDto> {
    appointments.iter().map(mapping::appointment_dto).collect()
}

/// `GET {CU}/appointments?patient_id&resource_id&start&end` (§3.9).
///
/// C18: every filter optional, a missing bound unbounded, cancelled and completed appointments
/// included, ordered by start (C10). Every problem of the query is reported at once.
pub(super) async fn list(
    InWorld(state): InWorld,
    scope: Scope,
    Params(params): Params<AppointmentParams>,
) -> Result<Response, ApiError> {
    scope.supports(Operation::ListAppointments)?;
    let care_unit = &scope.care_unit;
    let mut problems = Problems::new();
    let patient_path = FieldPath::query(Field::PatientId);
    let patient = params.patient_id.as_deref().and_then(|text| {
        problems.check(typed_ids::patient_id(
            text,
            scope.profile,
            state.today(),
            &patient_path,
        ))
    });
    let patient = state
        .known_patient(care_unit, patient, patient_path, &mut problems)
        .await?;
    let resource_path = FieldPath::query(Field::ResourceId);
    let resource_id = params.resource_id.as_deref().and_then(|text| {
        problems.check(typed_ids::resource_id(
            text,
            scope.profile,
            Entity::Resource,
            &resource_path,
        ))
    });
    let resource_id = state
        .known_resource(care_unit, resource_id, resource_path, &mut problems)
        .await?;
    let end_path = FieldPath::query(Field::End);
    let start = params.start.as_deref().and_then(|text| {
        problems.check(time_input::datetime(text, &FieldPath::query(Field::Start)))
    });
    let end = params
        .end
        .as_deref()
        .and_then(|text| problems.check(time_input::datetime(text, &end_path)));
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        problems.add(ErrorCode::BadInput, &end_path);
    }
    problems.finish()?;

    let appointment_query = AppointmentQuery {
        patient,
        resource_id,
        start,
        end,
    };
    let origins = Origins::none()
        .with(Entity::Patient, FieldPath::query(Field::PatientId))
        .with(Entity::Resource, FieldPath::query(Field::ResourceId));
    let mut appointments = state
        .ports
        .appointments
        .list_appointments(care_unit, &appointment_query)
        .await
        .map_err(|error| port_errors::read(&error, &origins))?;
    appointments.retain(|appointment| appointment_query.starts_within(&appointment.start()));
    appointments.sort_by_key(Appointment::start);
    Ok(json(StatusCode::OK, &listed(appointments)))
}

/// The appointment of the path, as reported now, or `INVALID_APPOINTMENT_ID` at
/// `["path","appointment_id"]` for an id that is malformed or unknown (C14).
async fn path_appointment(state: &World, scope: &Scope) -> Result<Appointment, ApiError> {
    let path = FieldPath::path(Field::AppointmentId);
    let id = typed_ids::appointment_id(scope.param(Field::AppointmentId), &path)?;
    let origins = Origins::none().with(Entity::Appointment, path);
    let appointment = state
        .ports
        .appointments
        .get_appointment(&scope.care_unit, &id)
        .await
        .map_err(|error| port_errors::read(&error, &origins))?;
    Ok(appointment)
}

/// `GET {CU}/appointments/{appointment_id}` (§3.17a, C40): 200 with one appointment, reported
/// as the list reports it (C20, C21).
pub(super) async fn get_one(InWorld(state): InWorld, scope: Scope) -> Result<Response, ApiError> {
    scope.supports(Operation::GetAppointment)?;
    let appointment = path_appointment(&state, &scope).await?;
    Ok(json(
        StatusCode::OK,
        &mapping::appointment_dto(&appointment),
    ))
}

/// Reads the optional `comment` (C19, C41): at most 500 characters
/// (`INVALID_COMMENT_LENGTH`); no control character but tab and line breaks (`BAD_INPUT`); a
/// blank comment counts as none.
fn comment(problems: &mut Problems, input: &Input<String>) -> Option<Comment> {
    let path = FieldPath::body(Field::Comment);
    let text = problems.optional(input, &path)?;
    if text.chars().count() > MAX_COMMENT_CHARS {
        problems.add(ErrorCode::InvalidCommentLength, &path);
        return None;
    }
    if !TextKind::MultiLine.allows(text) {
        problems.add(ErrorCode::BadInput, &path);
        return None;
    }
    if text.trim().is_empty() {
        return None;
    }
    Comment::new(text)
        .map_err(|_| problems.add(ErrorCode::BadInput, &path))
        .ok()
}

/// Reads a required datetime field (C35).
fn required_time(
    problems: &mut Problems,
    input: &Input<String>,
    field: Field,
) -> Option<DateTime<FixedOffset>> {
    let path = FieldPath::body(field);
    let text = problems.required(input, &path)?;
    problems.check(time_input::datetime(text, &path))
}

/// `POST {CU}/appointments` (§3.10).
///
/// C19: every field but `comment` is required, and every field problem is reported in one
/// `errors[]`, unknown patient, resource and service (C14) included. Only when the fields are
/// valid is the slot matched: same instants, resource and service, free and after now, else
/// `NO_TIMESLOTS_AVAILABLE`. The answer is 201 with a one-element array.
pub(super) async fn create(
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    scope.supports(Operation::Book)?;
    let care_unit = &scope.care_unit;
    let request: CreateAppointmentRequest = request_body::read(body, JSON_LIMIT_BYTES).await?;
    let mut problems = Problems::new();
    let start = required_time(&mut problems, &request.start, Field::Start);
    let end = required_time(&mut problems, &request.end, Field::End);
    let patient_path = FieldPath::body(Field::PatientId);
    let patient = problems
        .required(&request.patient_id, &patient_path)
        .and_then(|text| {
            let parsed = typed_ids::patient_id(text, scope.profile, state.today(), &patient_path);
            problems.check(parsed)
        });
    let patient = state
        .known_patient(care_unit, patient, patient_path, &mut problems)
        .await?;
    let resource_path = FieldPath::body(Field::ResourceId);
    let resource_id = problems
        .required(&request.resource_id, &resource_path)
        .and_then(|text| {
            let parsed =
                typed_ids::resource_id(text, scope.profile, Entity::Resource, &resource_path);
            problems.check(parsed)
        });
    let resource_id = state
        .known_resource(care_unit, resource_id, resource_path, &mut problems)
        .await?;
    let service_path = FieldPath::body(Field::HealthcareServiceId);
    let service_id = problems
        .required(&request.healthcare_service_id, &service_path)
        .and_then(|text| problems.check(typed_ids::healthcare_service_id(text, &service_path)));
    let service_id = state
        .known_service(care_unit, service_id, service_path, &mut problems)
        .await?;
    let comment = comment(&mut problems, &request.comment);
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        problems.add(ErrorCode::BadInput, &FieldPath::body(Field::End));
    }
    problems.finish()?;
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
    let booking = BookingRequest {
        patient,
        slot,
        comment,
    };
    let origins = Origins::none()
        .with(Entity::Patient, FieldPath::body(Field::PatientId))
        .with(Entity::Resource, FieldPath::body(Field::ResourceId))
        .with(
            Entity::HealthcareService,
            FieldPath::body(Field::HealthcareServiceId),
        );
    let appointment = state
        .ports
        .appointments
        .book(care_unit, &booking)
        .await
        .map_err(|error| port_errors::book(&error, &origins))?;
    Ok(json(StatusCode::CREATED, &listed(vec![appointment])))
}

/// What a single-appointment PATCH asks for; the body tells (§3.11, §3.12, §3.14).
fn change_operation(request: &UpdateAppointmentRequest) -> Operation {
    if !request.confirmation.is_missing() {
        Operation::Confirm
    } else if !request.status.is_missing() {
        Operation::Cancel
    } else {
        Operation::Reschedule
    }
}

/// C43 for a single-appointment PATCH, whose operation only its body tells: `read` is the body
/// as read, or why it could not be. A body that cannot be read names no operation, and is
/// refused here only if the profile supports none of the three; its own error waits until the
/// id is checked (C30: ids, then body).
fn check_change(
    profile: &EhrProfile,
    read: &Result<UpdateAppointmentRequest, ApiError>,
) -> Result<(), ApiError> {
    match read {
        Ok(request) => check_operation(profile, change_operation(request)),
        Err(_) => {
            let changes = [Operation::Reschedule, Operation::Cancel, Operation::Confirm];
            if changes.iter().any(|operation| profile.supports(*operation)) {
                Ok(())
            } else {
                check_operation(profile, Operation::Reschedule)
            }
        }
    }
}

/// `PATCH {CU}/appointments/{appointment_id}`: confirm when the body has `confirmation`
/// (§3.14), cancel when it has `status` (§3.12), else reschedule (§3.11). 200 with one object.
pub(super) async fn change(
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    let read = request_body::read::<UpdateAppointmentRequest>(body, JSON_LIMIT_BYTES).await;
    check_change(scope.profile, &read)?;
    let current = path_appointment(&state, &scope).await?;
    let request = read?;
    let id = current.id().clone();
    let origins = Origins::none()
        .with(Entity::Appointment, FieldPath::path(Field::AppointmentId))
        .with(Entity::Resource, FieldPath::body(Field::ResourceId));
    let appointments = &state.ports.appointments;
    let mut problems = Problems::new();
    let changed = match change_operation(&request) {
        Operation::Confirm => {
            let code = confirmation_code(&mut problems, &request);
            problems.refuse(&[
                (Field::Status, !request.status.is_missing()),
                (Field::Start, !request.start.is_missing()),
                (Field::End, !request.end.is_missing()),
                (Field::ResourceId, !request.resource_id.is_missing()),
            ]);
            problems.finish()?;
            // C25: only an appointment awaiting confirmation can be confirmed.
            let (Some(code), AppointmentStatus::AwaitingConfirmation) = (code, current.status())
            else {
                return Err(ApiError::field(ErrorCode::BadInput, None));
            };
            appointments
                .confirm(&scope.care_unit, &id, &code)
                .await
                .map_err(|error| match error {
                    // §9.3: a wrong code (or one after five wrong ones) is the code's fault.
                    ChangeError::Rejected(rejection)
                        if *rejection.code() == RejectionCode::BadInput =>
                    {
                        ApiError::field(
                            ErrorCode::BadInput,
                            Some(&FieldPath::body(Field::Confirmation).key(Field::Code)),
                        )
                    }
                    other => port_errors::change(&other, &origins),
                })?
        }
        Operation::Cancel => {
            if request.status.value().map(String::as_str)
                != Some(AppointmentStatus::Cancelled.as_str())
            {
                // C22: `status` is for cancelling only.
                problems.add(ErrorCode::BadInput, &FieldPath::body(Field::Status));
            }
            // C23: a cancel moves nothing.
            problems.refuse(&[
                (Field::Start, !request.start.is_missing()),
                (Field::End, !request.end.is_missing()),
                (Field::ResourceId, !request.resource_id.is_missing()),
            ]);
            let comment = comment(&mut problems, &request.comment);
            problems.finish()?;
            if *current.status() == AppointmentStatus::Completed {
                return Err(ApiError::field(ErrorCode::BadInput, None));
            }
            appointments
                .cancel(&scope.care_unit, &id, &Cancellation { comment })
                .await
                .map_err(|error| port_errors::change(&error, &origins))?
        }
        _ => {
            let reschedule = reschedule_request(&state, &scope, &current, &request).await?;
            appointments
                .reschedule(&scope.care_unit, &id, &reschedule)
                .await
                .map_err(|error| port_errors::change(&error, &origins))?
        }
    };
    Ok(json(StatusCode::OK, &mapping::appointment_dto(&changed)))
}

/// Reads `confirmation.code` (C25).
fn confirmation_code(
    problems: &mut Problems,
    request: &UpdateAppointmentRequest,
) -> Option<ConfirmationCode> {
    let path = FieldPath::body(Field::Confirmation);
    let Input::Value(confirmation) = &request.confirmation else {
        problems.add(ErrorCode::BadInput, &path);
        return None;
    };
    let path = path.key(Field::Code);
    match &confirmation.code {
        Input::Absent | Input::Null => {
            problems.add(ErrorCode::MissingRequiredField, &path);
            None
        }
        Input::Value(code) => ConfirmationCode::new(code)
            .map_err(|_| problems.add(ErrorCode::BadInput, &path))
            .ok(),
        Input::Invalid(_) => {
            problems.add(ErrorCode::BadInput, &path);
            None
        }
    }
}

/// Reads a reschedule (C22): any of `start`+`end`, `resource_id` and `comment`; the rest is
/// kept from the appointment, whose healthcare service never changes.
async fn reschedule_request(
    state: &World,
    scope: &Scope,
    current: &Appointment,
    request: &UpdateAppointmentRequest,
) -> Result<RescheduleRequest, ApiError> {
    let mut problems = Problems::new();
    let has_start = !request.start.is_missing();
    let has_end = !request.end.is_missing();
    let moving = has_start
        || has_end
        || [&request.resource_id, &request.comment]
            .iter()
            .any(|input| !input.is_missing());
    if !moving {
        problems.add(ErrorCode::MissingRequiredField, &FieldPath::whole_body());
        problems.finish()?;
    }
    if has_start != has_end {
        let missing = if has_start { Field::End } else { Field::Start };
        problems.add(ErrorCode::MissingRequiredField, &FieldPath::body(missing));
    }
    let start = has_start
        .then(|| required_time(&mut problems, &request.start, Field::Start))
        .flatten();
    let end = has_end
        .then(|| required_time(&mut problems, &request.end, Field::End))
        .flatten();
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        problems.add(ErrorCode::BadInput, &FieldPath::body(Field::End));
    }
    let resource_path = FieldPath::body(Field::ResourceId);
    let resource_id = problems
        .optional(&request.resource_id, &resource_path)
        .and_then(|text| {
            problems.check(typed_ids::resource_id(
                text,
                scope.profile,
                Entity::Resource,
                &resource_path,
            ))
        });
    let resource_id = state
        .known_resource(&scope.care_unit, resource_id, resource_path, &mut problems)
        .await?;
    let comment = comment(&mut problems, &request.comment);
    problems.finish()?;

    // C22: only a booked appointment moves.
    if *current.status() != AppointmentStatus::Booked {
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
    if start <= state.now() {
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
    InWorld(state): InWorld,
    scope: Scope,
    body: Body,
) -> Result<Response, ApiError> {
    scope.supports(Operation::CancelMany)?;
    let object = request_body::read_object(body, JSON_LIMIT_BYTES).await?;
    let request: BulkCancelRequest = request_body::from_object(&object)?;
    // The fields of a single change, which a bulk cancel must leave out.
    let single: UpdateAppointmentRequest = request_body::from_object(&object)?;
    let mut problems = Problems::new();
    if request.status.value().map(String::as_str) != Some(AppointmentStatus::Cancelled.as_str()) {
        problems.add(ErrorCode::NotSupported, &FieldPath::body(Field::Status));
    }
    problems.refuse(&[
        (Field::Start, !single.start.is_missing()),
        (Field::End, !single.end.is_missing()),
        (Field::ResourceId, !single.resource_id.is_missing()),
        (Field::Confirmation, !single.confirmation.is_missing()),
    ]);
    let comment = comment(&mut problems, &request.comment);
    let ids = batch_ids(&mut problems, &request.ids);
    problems.finish()?;

    for (index, id) in ids.iter().enumerate() {
        let at = FieldPath::body(Field::Ids).index(index);
        let lookup = state
            .ports
            .appointments
            .get_appointment(&scope.care_unit, id)
            .await;
        match lookup {
            Ok(appointment) => {
                if *appointment.status() == AppointmentStatus::Completed {
                    problems.add(ErrorCode::BadInput, &at);
                }
            }
            Err(ReadError::NotFound(Entity::Appointment)) => {
                problems.add(ErrorCode::not_found(Entity::Appointment), &at);
            }
            Err(error) => return Err(port_errors::read(&error, &Origins::none())),
        }
    }
    problems.finish()?;

    let batch = AppointmentBatch::new(ids.clone())
        .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(&FieldPath::body(Field::Ids))))?;
    let origins = Origins::none().with(Entity::Appointment, FieldPath::body(Field::Ids));
    let cancelled = state
        .ports
        .appointments
        .cancel_many(&scope.care_unit, &batch, &Cancellation { comment })
        .await
        .map_err(|error| port_errors::change(&error, &origins))?;
    let in_order: Vec<_> = ids
        .iter()
        .filter_map(|id| {
            cancelled
                .iter()
                .find(|appointment| appointment.id() == id)
                .cloned()
        })
        .collect();
    Ok(json(StatusCode::OK, &listed(in_order)))
}

/// Reads `ids` (C24), recording every problem.
fn batch_ids(problems: &mut Problems, input: &Input<Vec<Input<String>>>) -> Vec<AppointmentId> {
    let path = FieldPath::body(Field::Ids);
    let items = match input {
        Input::Absent | Input::Null => {
            problems.add(ErrorCode::MissingRequiredField, &path);
            return Vec::new();
        }
        Input::Value(items) => items,
        Input::Invalid(_) => {
            problems.add(ErrorCode::BadInput, &path);
            return Vec::new();
        }
    };
    if items.is_empty() {
        problems.add(ErrorCode::MissingRequiredField, &path);
        return Vec::new();
    }
    if items.len() > MAX_BATCH {
        problems.add(ErrorCode::MaxItemsExceeded, &path);
        return Vec::new();
    }
    let mut ids = Vec::with_capacity(items.len());
    let mut seen = HashSet::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = path.clone().index(index);
        let Input::Value(text) = item else {
            problems.add(ErrorCode::BadInput, &at);
            continue;
        };
        let Some(id) = problems.check(typed_ids::appointment_id(text, &at)) else {
            continue;
        };
        if seen.insert(id.clone()) {
            ids.push(id);
        } else {
            problems.add(ErrorCode::BadInput, &at);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use leyr_domain::ehr::{Operations, TAKECARE};
    use leyr_wire::dto::ConfirmationDto;

    use super::*;

    fn text(value: &str) -> Input<String> {
        Input::Value(value.to_owned())
    }

    #[test]
    fn the_body_of_a_single_patch_names_its_operation() {
        let confirm = UpdateAppointmentRequest {
            confirmation: Input::Value(ConfirmationDto::default()),
            status: text("x"),
            ..UpdateAppointmentRequest::default()
        };
        assert_eq!(change_operation(&confirm), Operation::Confirm);
        let cancel = UpdateAppointmentRequest {
            status: text("x"),
            confirmation: Input::Null,
            ..UpdateAppointmentRequest::default()
        };
        assert_eq!(change_operation(&cancel), Operation::Cancel);
        let move_it = UpdateAppointmentRequest {
            status: Input::Null,
            comment: text("x"),
            ..UpdateAppointmentRequest::default()
        };
        assert_eq!(change_operation(&move_it), Operation::Reschedule);
    }

    #[test]
    fn c43_a_patch_the_profile_does_not_support_is_refused_before_its_id() {
        let mut cancel_only = TAKECARE.clone();
        cancel_only.operations = Operations::without(&[Operation::Reschedule, Operation::Confirm]);
        let cancel = Ok(UpdateAppointmentRequest {
            status: text("cancelled"),
            ..UpdateAppointmentRequest::default()
        });
        assert!(check_change(&cancel_only, &cancel).is_ok());
        let move_it = Ok(UpdateAppointmentRequest {
            comment: text("later"),
            ..UpdateAppointmentRequest::default()
        });
        let refused = check_change(&cancel_only, &move_it).unwrap_err();
        assert_eq!(
            refused.entries()[0].error_code,
            Some(ErrorCode::NotSupported)
        );
        assert!(refused.entries()[0].path.is_null());
        // A body that cannot be read waits for the id check, unless no change is supported.
        let unreadable = Err(ApiError::payload_too_large(1));
        assert!(check_change(&cancel_only, &unreadable).is_ok());
        let mut no_changes = TAKECARE.clone();
        no_changes.operations =
            Operations::without(&[Operation::Reschedule, Operation::Cancel, Operation::Confirm]);
        assert!(check_change(&no_changes, &unreadable).is_err());
        assert!(check_change(&TAKECARE, &move_it).is_ok());
    }

    #[test]
    fn c41_comments_may_hold_tabs_and_line_breaks_but_no_other_control_character() {
        let mut problems = Problems::new();
        assert!(comment(&mut problems, &text("Line one\r\n\tline two")).is_some());
        assert!(comment(&mut problems, &text("  ")).is_none());
        assert!(problems.is_empty(), "a blank comment counts as none");
        for control in ["a\u{0}b", "\u{1b}[31m", "\u{b}", "a\u{85}"] {
            assert!(
                comment(&mut problems, &text(control)).is_none(),
                "{control:?}"
            );
        }
        let error = problems.finish().unwrap_err();
        assert_eq!(error.entries().len(), 4);
        assert!(
            error
                .entries()
                .iter()
                .all(|entry| entry.error_code == Some(ErrorCode::BadInput)
                    && entry.path == FieldPath::body(Field::Comment).to_value())
        );
        assert!(comment(&mut problems, &text(&"x".repeat(501))).is_none());
        let error = problems.finish().unwrap_err();
        assert_eq!(
            error.entries()[0].error_code,
            Some(ErrorCode::InvalidCommentLength)
        );
    }
}
