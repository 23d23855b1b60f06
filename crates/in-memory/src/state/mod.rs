//! The adapter's state: per care unit, an immutable catalog with the slot index, and the mutable
//! records (patients; appointments, notes and documents) behind their own locks.
//!
//! Slots never change after loading; what changes is which of them are held. So each resource
//! keeps its slots in one vector sorted by start (a window or a slot is found by binary search),
//! and beside it, under the records' lock, one counter per slot: how many held (booked or
//! awaiting) appointments overlap that slot. A slot is free when its counter is zero, so a
//! booking checks one counter and, when it takes the slot, bumps the counters of the few slots
//! its interval overlaps; a cancellation or a move undoes exactly that.
//!
//! The submodules follow those seams: [`slots`] is the slot index (each resource's sorted slots
//! and their hold counters), [`patients`] the patient book, [`records`] the appointments, notes
//! and documents, and [`loading`] builds the world from a dataset.
//!
//! The maps hash with `rustc-hash`'s Fx hash instead of the standard library's SipHash.
//! SipHash resists hash flooding at about 20 ns per short id, and a booking looks ids up
//! several times, some under a lock; the keys here are ids of a test world, so flooding is no
//! threat worth that.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use leyr_domain::catalog::{CareUnit, HealthcareService};
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use rustc_hash::FxHashMap;

mod loading;
mod patients;
mod records;
mod slots;

pub(crate) use loading::load;
use patients::PatientBook;
pub(crate) use records::{Placement, Records, StoredAppointment};
use slots::ResourceState;
pub(crate) use slots::SlotEntry;

/// Reads `lock`, ignoring poisoning: no code here panics while holding a lock, and the data
/// stays consistent between statements.
pub(crate) fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// Writes `lock`, ignoring poisoning (see [`read`]).
pub(crate) fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

/// Every care unit.
#[derive(Debug)]
pub(crate) struct World {
    /// Ordered by id.
    pub(crate) units: Vec<UnitState>,
    index: FxHashMap<String, usize>,
}

impl World {
    pub(crate) fn unit(&self, id: &CareUnitId) -> Option<&UnitState> {
        self.index
            .get(id.as_str())
            .map(|&position| &self.units[position])
    }

    pub(crate) fn timeslot_count(&self) -> usize {
        self.units
            .iter()
            .flat_map(|unit| &unit.resources)
            .map(|resource| resource.slots.len())
            .sum()
    }
}

/// One care unit.
#[derive(Debug)]
pub(crate) struct UnitState {
    pub(crate) care_unit: CareUnit,
    /// Ordered by id; a resource's position is its index everywhere else.
    pub(crate) resources: Vec<ResourceState>,
    resource_index: FxHashMap<String, usize>,
    /// Ordered by id; a service's position is its index everywhere else.
    pub(crate) services: Vec<HealthcareService>,
    service_index: FxHashMap<String, usize>,
    pub(crate) patients: RwLock<PatientBook>,
    pub(crate) records: RwLock<Records>,
    /// The services each resource offers, by resource index, as loaded.
    pub(crate) resource_services: Vec<Vec<HealthcareServiceId>>,
    /// The weekday slot generator the unit was loaded with, for an export.
    pub(crate) slot_plan: Option<crate::dataset::WeekdaySlots>,
    /// Whether the unit was loaded with explicit slots: an export then lists every slot.
    pub(crate) explicit_slots: bool,
}

impl UnitState {
    /// The index of a resource, by its EHR id with or without the `emr_id:` prefix.
    pub(crate) fn resource(&self, id: &ResourceId) -> Option<usize> {
        self.resource_index.get(resource_key(id)).copied()
    }

    pub(crate) fn service(&self, id: &HealthcareServiceId) -> Option<usize> {
        self.service_index.get(id.as_str()).copied()
    }
}

/// A resource's EHR id without an `emr_id:` prefix, the form the world keys resources by.
fn resource_key(id: &ResourceId) -> &str {
    id.ehr_value()
}
