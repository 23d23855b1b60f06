//! Free timeslots (§3.5, C15).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::TimeDelta;
use leyr_domain::error::Entity;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_http::mapping;
use leyr_http::wire::ErrorCode;

use super::{AppState, QueryParams, Scope};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, FieldPath, invalid_id, json};
use crate::request_body::Fields;
use crate::{time_input, typed_ids};

/// The default window length (C15).
const DEFAULT_DAYS: i64 = 30;

/// `GET {CU}/timeslots?resource_id&healthcare_service_id&start&end` (§3.5).
///
/// C15: `start` defaults to now and `end` to `start` + 30 days; both need an offset; `end` must
/// be after `start`. Only slots that start after now are listed, ordered by start, resource and
/// service (C10). Every problem of the query is reported at once.
pub(super) async fn list(
    State(state): State<AppState>,
    scope: Scope,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let now = state.now();
    let care_unit = &scope.care_unit;
    let mut problems = Fields::new(serde_json::Map::new());
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
    let service_path = FieldPath::query("healthcare_service_id");
    let service_id = query.first("healthcare_service_id").and_then(|text| {
        problems.check(typed_ids::healthcare_service_id(text, service_path.clone()))
    });
    let service_id = state
        .known_service(care_unit, service_id, service_path, &mut problems)
        .await?;
    let start = match query.first("start") {
        Some(text) => problems.check(time_input::datetime(text, FieldPath::query("start"))),
        None => Some(now),
    };
    let end = match query.first("end") {
        Some(text) => problems.check(time_input::datetime(text, FieldPath::query("end"))),
        None => start.and_then(|start| start.checked_add_signed(TimeDelta::days(DEFAULT_DAYS))),
    };
    let window = match (start, end) {
        (Some(start), Some(end)) => match TimeWindow::new(start, end) {
            Ok(window) => Some(window),
            Err(_) => {
                problems.problem(ErrorCode::BadInput, FieldPath::query("end"));
                None
            }
        },
        _ => None,
    };
    problems.finish()?;
    let Some(window) = window else {
        return Err(ApiError::field(
            ErrorCode::BadInput,
            Some(FieldPath::query("start")),
        ));
    };

    let mut slot_query = TimeslotQuery::new(window);
    slot_query.resource_id = resource_id;
    slot_query.healthcare_service_id = service_id;
    let origins = Origins::none()
        .with(Entity::Resource, FieldPath::query("resource_id"))
        .with(
            Entity::HealthcareService,
            FieldPath::query("healthcare_service_id"),
        );
    let mut slots = state
        .ports
        .availability
        .find_timeslots(care_unit, &slot_query)
        .await
        .map_err(|error| port_errors::read(&error, &origins))?;
    slots.retain(|slot| slot.start() > now && slot_query.matches(slot));
    let order = |left: &Timeslot, right: &Timeslot| {
        left.start()
            .cmp(&right.start())
            .then_with(|| left.resource_id().cmp(right.resource_id()))
            .then_with(|| {
                left.healthcare_service_id()
                    .cmp(right.healthcare_service_id())
            })
    };
    // The port already orders its answer (C10); sort only if an adapter did not.
    if !slots.is_sorted_by(|left, right| order(left, right).is_le()) {
        slots.sort_by(order);
    }
    let body: Vec<_> = slots.iter().map(mapping::timeslot_out).collect();
    Ok(json(StatusCode::OK, &body))
}
