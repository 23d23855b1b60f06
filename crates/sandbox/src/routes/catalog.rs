//! Care units, resources and healthcare services (§3.1-§3.4), ordered by id (C10).

use axum::http::StatusCode;
use axum::response::Response;
use leyr_domain::ehr::Operation;
use leyr_domain::error::Entity;
use leyr_wire::{Field, FieldPath, mapping};

use super::{Emr, InWorld, Scope, check_operation};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, json};
use crate::typed_ids;

/// `GET /api/emrs/{emr}/care-units` (§3.1).
pub(super) async fn list_care_units(
    InWorld(state): InWorld,
    emr: Emr,
) -> Result<Response, ApiError> {
    check_operation(emr.profile, Operation::ListCareUnits)?;
    let mut care_units = state
        .ports
        .catalog
        .list_care_units()
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?;
    care_units.sort_by(|left, right| left.id.cmp(&right.id));
    let body: Vec<_> = care_units.iter().map(mapping::care_unit_dto).collect();
    Ok(json(StatusCode::OK, &body))
}

/// `GET {CU}/resources` (§3.2).
pub(super) async fn list_resources(
    InWorld(state): InWorld,
    scope: Scope,
) -> Result<Response, ApiError> {
    scope.supports(Operation::ListResources)?;
    let mut resources = state
        .ports
        .catalog
        .list_resources(&scope.care_unit)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?;
    resources.sort_by(|left, right| left.id.cmp(&right.id));
    let body: Vec<_> = resources.iter().map(mapping::resource_dto).collect();
    Ok(json(StatusCode::OK, &body))
}

/// `GET {CU}/resources/{resource_id}` (§3.3): an id type the profile takes (C7).
pub(super) async fn get_resource(
    InWorld(state): InWorld,
    scope: Scope,
) -> Result<Response, ApiError> {
    scope.supports(Operation::GetResource)?;
    let path = FieldPath::path(Field::ResourceId);
    let resource_id = typed_ids::resource_id(
        scope.param(Field::ResourceId),
        scope.profile,
        Entity::Resource,
        &path,
    )?;
    let resource = state
        .ports
        .catalog
        .get_resource(&scope.care_unit, &resource_id)
        .await
        .map_err(|error| {
            port_errors::read(&error, &Origins::none().with(Entity::Resource, path))
        })?;
    Ok(json(StatusCode::OK, &mapping::resource_dto(&resource)))
}

/// `GET {CU}/healthcare-services` (§3.4).
pub(super) async fn list_healthcare_services(
    InWorld(state): InWorld,
    scope: Scope,
) -> Result<Response, ApiError> {
    scope.supports(Operation::ListHealthcareServices)?;
    let mut services = state
        .ports
        .catalog
        .list_healthcare_services(&scope.care_unit)
        .await
        .map_err(|error| port_errors::read(&error, &Origins::none()))?;
    services.sort_by(|left, right| left.id.cmp(&right.id));
    let body: Vec<_> = services
        .iter()
        .map(mapping::healthcare_service_dto)
        .collect();
    Ok(json(StatusCode::OK, &body))
}
