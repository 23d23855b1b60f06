//! The world as data again: [`InMemoryEhr::export`] and the changes a persistent store records
//! ([`InMemoryEhr::take_changes`]).
//!
//! An export is a [`Dataset`] that builds the same world: the catalog, the slot generator (and,
//! where the world was loaded with explicit slots, every slot), the patients, the appointments
//! in creation order, and the notes and documents' metadata of each patient. Loading it again
//! and exporting gives an equal dataset.

use leyr_domain::appointment::Appointment;
use leyr_domain::ids::CareUnitId;
use leyr_domain::patient::Patient;
use leyr_domain::timeslot::Timeslot;

use crate::InMemoryEhr;
use crate::confirmations::ConfirmationRecord;
use crate::dataset::{CareUnitData, Dataset, PatientDocument, PatientNote, ResourceData};
use crate::state::{UnitState, read, write};

/// One record the world changed: what a store writes so that a world rebuilt from its data
/// holds the change. A record is always given whole, as it is now; apply changes in order and
/// the later one of the same record wins.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A patient was registered.
    Patient(Patient),
    /// An appointment was created or changed (booked, moved, cancelled, confirmed, lapsed).
    Appointment(Appointment),
    /// A medical note was written.
    Note {
        /// The care unit.
        care_unit: CareUnitId,
        /// The note and its patient.
        note: PatientNote,
    },
    /// A document was attached.
    Document {
        /// The care unit.
        care_unit: CareUnitId,
        /// The document's metadata and its patient.
        document: PatientDocument,
    },
    /// A confirmation by code started, took a wrong code, was used or lapsed (§9.3).
    Confirmation {
        /// The care unit.
        care_unit: CareUnitId,
        /// The confirmation as it is now.
        confirmation: ConfirmationRecord,
    },
}

impl InMemoryEhr {
    /// The whole world as a [`Dataset`]; building an EHR from it gives the same world (see the
    /// [module documentation](crate::export)). Pending confirmation codes and the message log
    /// are not part of it.
    #[must_use]
    pub fn export(&self) -> Dataset {
        Dataset {
            care_units: self
                .world()
                .units
                .iter()
                .map(|unit| {
                    let mut data = export_unit(unit);
                    data.confirmations = self.confirmations().records_of(&unit.care_unit.id);
                    data
                })
                .collect(),
        }
    }

    /// The records changed since the last call, oldest first, if the EHR was built with
    /// [`track_changes`](crate::InMemoryEhrBuilder::track_changes); otherwise none.
    ///
    /// Each operation changes its records under one lock, and this takes them under the same
    /// locks, so a call never returns half of one operation's changes.
    #[must_use]
    pub fn take_changes(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        // Every unit's records stay locked until the confirmations are taken too: a booking
        // and its code are made under one such lock, so they are taken together.
        let mut held = Vec::with_capacity(self.world().units.len());
        for unit in &self.world().units {
            changes.extend(
                write(&unit.patients)
                    .take_added()
                    .into_iter()
                    .map(Change::Patient),
            );
            let mut records = write(&unit.records);
            let changed = records.take_changed();
            // Each appointment once, as it is now, in creation order (a store appends new ones).
            let mut positions = changed.appointments;
            positions.sort_unstable();
            positions.dedup();
            changes.extend(
                positions
                    .into_iter()
                    .filter_map(|position| unit.appointment(records.stored(position)))
                    .map(Change::Appointment),
            );
            for (patient, position) in changed.notes {
                if let Some(note) = records.notes_of(&patient).get(position) {
                    changes.push(Change::Note {
                        care_unit: unit.care_unit.id.clone(),
                        note: PatientNote {
                            patient: patient.clone(),
                            note: note.clone(),
                        },
                    });
                }
            }
            for (patient, position) in changed.documents {
                if let Some(document) = records.documents_of(&patient).get(position) {
                    changes.push(Change::Document {
                        care_unit: unit.care_unit.id.clone(),
                        document: PatientDocument {
                            patient: patient.clone(),
                            document: document.clone(),
                        },
                    });
                }
            }
            held.push(records);
        }
        changes.extend(self.confirmations().take_changed().into_iter().map(
            |(care_unit, confirmation)| Change::Confirmation {
                care_unit,
                confirmation,
            },
        ));
        drop(held);
        changes
    }
}

fn export_unit(unit: &UnitState) -> CareUnitData {
    let mut data = CareUnitData::new(unit.care_unit.clone());
    data.resources = unit
        .resources
        .iter()
        .zip(&unit.resource_services)
        .map(|(resource, services)| ResourceData {
            resource: resource.resource.clone(),
            services: services.clone(),
        })
        .collect();
    data.services = unit.services.clone();
    data.weekday_slots = unit.slot_plan;
    if unit.explicit_slots {
        for resource in &unit.resources {
            for entry in &resource.slots {
                if let Ok(slot) = Timeslot::new(
                    entry.start,
                    entry.end,
                    resource.resource.id.clone(),
                    unit.services[entry.service()].id.clone(),
                ) {
                    data.timeslots.push(slot);
                }
            }
        }
    }
    let patients: Vec<Patient> = read(&unit.patients).all().to_vec();
    let records = read(&unit.records);
    data.appointments = records
        .positions()
        .filter_map(|position| unit.appointment(records.stored(position)))
        .collect::<Vec<Appointment>>();
    for patient in &patients {
        for note in records.notes_of(&patient.emr_id) {
            data.notes.push(PatientNote {
                patient: patient.emr_id.clone(),
                note: note.clone(),
            });
        }
        for document in records.documents_of(&patient.emr_id) {
            data.documents.push(PatientDocument {
                patient: patient.emr_id.clone(),
                document: document.clone(),
            });
        }
    }
    drop(records);
    data.patients = patients;
    data
}
