//! [`Dataset`]: everything an [`InMemoryEhr`](crate::InMemoryEhr) starts from.
//!
//! A dataset is plain data with public fields: build one by hand, start from
//! [`seed::TAKECARE`](crate::seed::TAKECARE) and change it, or mix both. Slots come from two
//! sources, used together:
//!
//! - [`CareUnitData::timeslots`]: explicit slots, each naming its resource and service;
//! - [`CareUnitData::weekday_slots`]: the sandbox's generator (contract C32). From
//!   [`WeekdaySlots::from`] for [`WeekdaySlots::days`] days, Monday to Friday, 08:00–12:00 and
//!   13:00–17:00 `Europe/Stockholm` wall-clock time, it makes back-to-back slots of each
//!   service's duration, for each resource and each service that resource offers. A service
//!   without a duration gets no generated slots. Holidays are ignored.
//!
//! Slots are never stored one object per slot: each resource keeps a vector of compact entries
//! sorted by start, so a million slots load in a fraction of a second and a query touches only
//! the slots in its window.
//!
//! [`InMemoryEhrBuilder::build`](crate::InMemoryEhrBuilder::build) refuses a dataset with a
//! record that names something the care unit does not list (a timeslot of an unknown resource,
//! a note of an unknown patient, a second record with the same id, ...): it returns a
//! [`DatasetError`] and never leaves a record out quietly.

use std::fmt;

use chrono::NaiveDate;
use leyr_domain::appointment::Appointment;
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::Document;
use leyr_domain::error::Entity;
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, PatientEmrId};
use leyr_domain::medical_note::MedicalNote;
use leyr_domain::patient::Patient;
use leyr_domain::timeslot::Timeslot;

/// The data of every care unit.
#[derive(Clone, Default)]
pub struct Dataset {
    /// The care units, in any order (they are listed by id).
    pub care_units: Vec<CareUnitData>,
}

impl Dataset {
    /// How many explicit timeslots the dataset holds, over every care unit (generated ones not
    /// counted).
    #[must_use]
    pub fn explicit_timeslot_count(&self) -> usize {
        self.care_units
            .iter()
            .map(|unit| unit.timeslots.len())
            .sum()
    }
}

impl fmt::Debug for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("care_units", &self.care_units)
            .finish()
    }
}

/// One care unit and everything in it.
#[derive(Clone)]
pub struct CareUnitData {
    /// The care unit itself.
    pub care_unit: CareUnit,
    /// Its bookable resources, each with the services it offers.
    pub resources: Vec<ResourceData>,
    /// Its healthcare services.
    pub services: Vec<HealthcareService>,
    /// Its patients. A patient without a Leyr id gets a minted one when the dataset is loaded.
    pub patients: Vec<Patient>,
    /// Its appointments, in any status. Booked and awaiting ones hold their slot.
    pub appointments: Vec<Appointment>,
    /// Its medical notes, each with the patient it belongs to.
    pub notes: Vec<PatientNote>,
    /// Its documents' metadata (the content is never kept), each with its patient.
    pub documents: Vec<PatientDocument>,
    /// Its confirmations by code (§9.3), settled or waiting, each naming an appointment of the
    /// unit (the booking, or the original of a cancellation).
    pub confirmations: Vec<crate::confirmations::ConfirmationRecord>,
    /// Explicit free slots, in any order; duplicates are dropped.
    pub timeslots: Vec<Timeslot>,
    /// The weekday slot generator, if slots are to be generated.
    pub weekday_slots: Option<WeekdaySlots>,
}

impl CareUnitData {
    /// A care unit with no resources, services, patients, records or slots.
    #[must_use]
    pub fn new(care_unit: CareUnit) -> Self {
        Self {
            care_unit,
            resources: Vec::new(),
            services: Vec::new(),
            patients: Vec::new(),
            appointments: Vec::new(),
            notes: Vec::new(),
            documents: Vec::new(),
            confirmations: Vec::new(),
            timeslots: Vec::new(),
            weekday_slots: None,
        }
    }
}

impl fmt::Debug for CareUnitData {
    // Counts only: the records hold patient data and the slot list may be huge.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CareUnitData")
            .field("care_unit", &self.care_unit.id)
            .field("resources", &self.resources.len())
            .field("services", &self.services.len())
            .field("patients", &self.patients.len())
            .field("appointments", &self.appointments.len())
            .field("notes", &self.notes.len())
            .field("documents", &self.documents.len())
            .field("confirmations", &self.confirmations.len())
            .field("timeslots", &self.timeslots.len())
            .field("weekday_slots", &self.weekday_slots)
            .finish()
    }
}

/// A resource and the healthcare services it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceData {
    /// The resource.
    pub resource: Resource,
    /// The services it offers: the generator makes slots for each of them.
    pub services: Vec<HealthcareServiceId>,
}

/// A medical note and the patient it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientNote {
    /// The patient's EHR id.
    pub patient: PatientEmrId,
    /// The note.
    pub note: MedicalNote,
}

/// A document's metadata and the patient it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientDocument {
    /// The patient's EHR id.
    pub patient: PatientEmrId,
    /// The document's metadata.
    pub document: Document,
}

/// The weekday slot generator (contract C32): which days to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekdaySlots {
    /// The first day.
    pub from: NaiveDate,
    /// How many days, weekends included, from `from`.
    pub days: u32,
}

/// Why [`InMemoryEhrBuilder::build`](crate::InMemoryEhrBuilder::build) refused a
/// dataset. Names only ids that are not personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// Two records of one kind share an id (a care unit, resource, service, patient or
    /// appointment).
    #[error("care unit {care_unit} has two records with the same {entity} id")]
    Duplicate {
        /// The care unit.
        care_unit: CareUnitId,
        /// The kind of record.
        entity: Entity,
    },
    /// A record names a resource, service or patient the care unit does not list.
    #[error("care unit {care_unit} has a record naming an unknown {entity}")]
    UnknownReference {
        /// The care unit.
        care_unit: CareUnitId,
        /// The kind of thing that was not found.
        entity: Entity,
    },
    /// Two appointments that hold their slot (booked or awaiting confirmation) overlap on one
    /// resource.
    #[error("care unit {care_unit} has two held appointments of one resource that overlap")]
    Overlap {
        /// The care unit.
        care_unit: CareUnitId,
    },
    /// The generator must make slots of a service that has no duration.
    #[error("care unit {care_unit} generates slots of service {service}, which has no duration")]
    NoDuration {
        /// The care unit.
        care_unit: CareUnitId,
        /// The service.
        service: HealthcareServiceId,
    },
}

impl DatasetError {
    /// The care unit whose data has the problem.
    #[must_use]
    pub fn care_unit(&self) -> &CareUnitId {
        match self {
            Self::Duplicate { care_unit, .. }
            | Self::UnknownReference { care_unit, .. }
            | Self::Overlap { care_unit }
            | Self::NoDuration { care_unit, .. } => care_unit,
        }
    }
}
