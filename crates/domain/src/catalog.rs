//! What a care unit offers: the unit itself, its resources and its healthcare services.

use chrono::TimeDelta;

use crate::ids::{CareUnitId, HealthcareServiceId, ResourceId};

/// A physical place where care is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareUnit {
    /// The care unit's id, e.g. `10`.
    pub id: CareUnitId,
    /// Its display name, when the EHR gives one.
    pub name: Option<String>,
}

/// A person or piece of equipment that can be booked, e.g. a doctor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The resource's EHR id, e.g. `10-991890000019`.
    pub id: ResourceId,
    /// Its display name, e.g. `Läkare Ehn (läk)`.
    pub name: Option<String>,
}

/// A type of appointment, e.g. "Nybesök läkare".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthcareService {
    /// The service's id, e.g. `1001`.
    pub id: HealthcareServiceId,
    /// Its display name.
    pub name: Option<String>,
    /// How long one appointment of this service lasts, when the EHR says.
    pub duration: Option<TimeDelta>,
}
