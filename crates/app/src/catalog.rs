//! Reading the catalog: care units, their healthcare services and their resources.

use std::sync::Arc;

use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::ids::{CareUnitId, ResourceId};
use leyr_domain::ports::CareUnitCatalog;

use crate::error::QueryError;

/// Lists the care units the credentials reach.
#[derive(Clone)]
pub struct DiscoverCareUnits {
    catalog: Arc<dyn CareUnitCatalog>,
}

impl DiscoverCareUnits {
    /// The use case over `catalog`.
    #[must_use]
    pub fn new(catalog: Arc<dyn CareUnitCatalog>) -> Self {
        Self { catalog }
    }

    /// Every care unit the credentials reach, ordered by id.
    ///
    /// # Errors
    /// [`QueryError::Unavailable`] when the EHR fails.
    #[tracing::instrument(name = "leyr.app.discover_care_units", skip_all)]
    pub async fn run(&self) -> Result<Vec<CareUnit>, QueryError> {
        Ok(self.catalog.list_care_units().await?)
    }
}

/// Lists the healthcare services (appointment types) of a care unit.
#[derive(Clone)]
pub struct ListServices {
    catalog: Arc<dyn CareUnitCatalog>,
}

impl ListServices {
    /// The use case over `catalog`.
    #[must_use]
    pub fn new(catalog: Arc<dyn CareUnitCatalog>) -> Self {
        Self { catalog }
    }

    /// The healthcare services of `care_unit`, ordered by id.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.list_services", skip_all)]
    pub async fn run(&self, care_unit: &CareUnitId) -> Result<Vec<HealthcareService>, QueryError> {
        Ok(self.catalog.list_healthcare_services(care_unit).await?)
    }
}

/// Lists the bookable resources (clinicians, equipment) of a care unit.
#[derive(Clone)]
pub struct ListResources {
    catalog: Arc<dyn CareUnitCatalog>,
}

impl ListResources {
    /// The use case over `catalog`.
    #[must_use]
    pub fn new(catalog: Arc<dyn CareUnitCatalog>) -> Self {
        Self { catalog }
    }

    /// The resources of `care_unit`, ordered by id.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.list_resources", skip_all)]
    pub async fn run(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, QueryError> {
        Ok(self.catalog.list_resources(care_unit).await?)
    }

    /// One resource of `care_unit`.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown resource or care unit; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.get_resource", skip_all)]
    pub async fn get(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, QueryError> {
        Ok(self.catalog.get_resource(care_unit, resource).await?)
    }
}

opaque_debug!(DiscoverCareUnits, ListServices, ListResources);
