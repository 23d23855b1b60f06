//! Building the world from a [`Dataset`]: sorting and indexing each care unit's catalog,
//! generating and indexing its slots, and adding its patients, appointments and notes. A record
//! that repeats an id or names something unknown is left out and reported.

use std::sync::{PoisonError, RwLock};

use chrono::{Datelike, NaiveTime, TimeDelta, TimeZone, Weekday};
use leyr_domain::appointment::Appointment;
use leyr_domain::error::Entity;
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, LeyrPatientId, PatientEmrId, ResourceId};
use leyr_domain::patient::{Patient, PatientRef};
use leyr_domain::time::{STOCKHOLM, in_stockholm};
use rustc_hash::{FxHashMap, FxHashSet};

use super::patients::PatientBook;
use super::records::{Records, StoredAppointment};
use super::slots::{ResourceState, SlotEntry};
use super::{UnitState, World, read, resource_key};
use crate::dataset::{CareUnitData, Dataset, DatasetError, WeekdaySlots};
use crate::random::IdSource;

/// Builds the world from `dataset`, minting missing Leyr patient ids from `ids`. Records that
/// name unknown things are left out; every such problem is returned beside the world, in the
/// order found.
pub(crate) fn load(dataset: Dataset, ids: &IdSource) -> (World, Vec<DatasetError>) {
    let mut problems = Vec::new();
    let mut units: Vec<UnitState> = Vec::with_capacity(dataset.care_units.len());
    let mut care_units = dataset.care_units;
    care_units.sort_by(|a, b| a.care_unit.id.cmp(&b.care_unit.id));
    for data in care_units {
        if units
            .last()
            .is_some_and(|last| last.care_unit.id == data.care_unit.id)
        {
            problems.push(DatasetError::Duplicate {
                care_unit: data.care_unit.id.clone(),
                entity: Entity::CareUnit,
            });
            continue;
        }
        let mut loader = UnitLoader {
            care_unit: data.care_unit.id.clone(),
            problems: Vec::new(),
        };
        units.push(loader.load(data, ids));
        problems.append(&mut loader.problems);
    }
    let index = units
        .iter()
        .enumerate()
        .map(|(position, unit)| (unit.care_unit.id.as_str().to_owned(), position))
        .collect();
    (World { units, index }, problems)
}

struct UnitLoader {
    care_unit: CareUnitId,
    problems: Vec<DatasetError>,
}

impl UnitLoader {
    fn duplicate(&mut self, entity: Entity) {
        let care_unit = self.care_unit.clone();
        self.problems
            .push(DatasetError::Duplicate { care_unit, entity });
    }

    fn unknown(&mut self, entity: Entity) {
        let care_unit = self.care_unit.clone();
        self.problems
            .push(DatasetError::UnknownReference { care_unit, entity });
    }

    fn load(&mut self, data: CareUnitData, ids: &IdSource) -> UnitState {
        let CareUnitData {
            care_unit,
            resources: resource_data,
            mut services,
            patients: patient_list,
            appointments,
            notes,
            documents,
            confirmations: _,
            timeslots,
            weekday_slots,
        } = data;

        services.sort_by(|a, b| a.id.cmp(&b.id));
        let before = services.len();
        services.dedup_by(|later, earlier| later.id == earlier.id);
        if services.len() != before {
            self.duplicate(Entity::HealthcareService);
        }
        let service_index: FxHashMap<String, usize> = services
            .iter()
            .enumerate()
            .map(|(position, service)| (service.id.as_str().to_owned(), position))
            .collect();

        let mut resource_data = resource_data;
        resource_data.sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
        let before = resource_data.len();
        resource_data.dedup_by(|later, earlier| later.resource.id == earlier.resource.id);
        if resource_data.len() != before {
            self.duplicate(Entity::Resource);
        }
        let resource_index: FxHashMap<String, usize> = resource_data
            .iter()
            .enumerate()
            .map(|(position, data)| (data.resource.id.as_str().to_owned(), position))
            .collect();

        let mut slots: Vec<Vec<SlotEntry>> = vec![Vec::new(); resource_data.len()];
        for (resource, data) in resource_data.iter().enumerate() {
            for service_id in &data.services {
                let Some(&service) = service_index.get(service_id.as_str()) else {
                    self.unknown(Entity::HealthcareService);
                    continue;
                };
                let Some(plan) = weekday_slots else {
                    continue;
                };
                match services[service].duration {
                    Some(duration) if duration > TimeDelta::zero() => {
                        generate_weekday_slots(&mut slots[resource], plan, service, duration);
                    }
                    _ => {
                        let care_unit = self.care_unit.clone();
                        let service = service_id.clone();
                        self.problems
                            .push(DatasetError::NoDuration { care_unit, service });
                    }
                }
            }
        }
        let explicit_slots = !timeslots.is_empty();
        self.add_explicit_slots(&mut slots, &timeslots, &resource_index, &service_index);
        drop(timeslots);

        let resource_services: Vec<Vec<HealthcareServiceId>> = resource_data
            .iter()
            .map(|data| data.services.clone())
            .collect();
        let resources: Vec<ResourceState> = resource_data
            .into_iter()
            .zip(slots)
            .map(|(data, mut slots)| {
                slots.sort_unstable_by(|a, b| {
                    a.start
                        .cmp(&b.start)
                        .then(a.service.cmp(&b.service))
                        .then(a.end.cmp(&b.end))
                });
                slots.dedup_by(|a, b| {
                    a.start == b.start && a.service == b.service && a.end == b.end
                });
                slots.shrink_to_fit();
                ResourceState::new(data.resource, slots)
            })
            .collect();

        let mut unit = UnitState {
            care_unit,
            records: RwLock::new(Records::new(&resources)),
            resources,
            resource_index,
            services,
            service_index,
            patients: RwLock::new(PatientBook::default()),
            resource_services,
            slot_plan: weekday_slots,
            explicit_slots,
        };
        self.add_patients(&mut unit, patient_list, ids);
        self.add_appointments(&mut unit, appointments);
        self.check_overlaps(&mut unit);
        for patient_note in notes {
            let author = patient_note.note.author.as_ref();
            if self.check_record(
                &mut unit,
                &patient_note.patient,
                author,
                |records| records.has_note(patient_note.note.id.as_str()),
                Entity::Note,
            ) {
                let mut note = patient_note.note;
                note.created_at = in_stockholm(&note.created_at);
                records_of(&mut unit).add_note(&patient_note.patient, note);
            }
        }
        for patient_document in documents {
            let author = patient_document.document.author.as_ref();
            if self.check_record(
                &mut unit,
                &patient_document.patient,
                author,
                |records| records.has_document(patient_document.document.id.as_str()),
                Entity::Document,
            ) {
                let mut document = patient_document.document;
                document.created_at = document.created_at.map(|at| in_stockholm(&at));
                records_of(&mut unit).add_document(&patient_document.patient, document);
            }
        }
        unit
    }

    /// Whether a note or document of `patient` by `author` may be added: both known, and its id
    /// (`taken`) new. Otherwise the problem is reported.
    fn check_record(
        &mut self,
        unit: &mut UnitState,
        patient: &PatientEmrId,
        author: Option<&ResourceId>,
        taken: impl FnOnce(&Records) -> bool,
        entity: Entity,
    ) -> bool {
        let known_patient = read(&unit.patients)
            .resolve(&PatientRef::EmrId(patient.clone()))
            .is_some();
        let known_author = author.is_none_or(|author| unit.resource(author).is_some());
        if !known_patient {
            self.unknown(Entity::Patient);
        } else if !known_author {
            self.unknown(Entity::Author);
        } else if taken(records_of(unit)) {
            self.duplicate(entity);
        } else {
            return true;
        }
        false
    }

    /// Reports two held appointments of one resource whose intervals overlap: the EHR never
    /// books one time twice, so a dataset must not either.
    fn check_overlaps(&mut self, unit: &mut UnitState) {
        let records = unit
            .records
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        let mut held: Vec<(usize, i64, i64)> = records
            .positions()
            .map(|position| records.stored(position))
            .filter(|stored| stored.status.holds_slot())
            .filter_map(|stored| {
                Some((
                    stored.resource?,
                    stored.start.timestamp(),
                    stored.end.timestamp(),
                ))
            })
            .collect();
        held.sort_unstable();
        // One problem per appointment that starts before an earlier one of its resource ends.
        let mut latest_end: Option<(usize, i64)> = None;
        let mut overlaps = 0;
        for &(resource, start, end) in &held {
            match latest_end {
                Some((same, until)) if same == resource => {
                    if start < until {
                        overlaps += 1;
                    }
                    latest_end = Some((resource, until.max(end)));
                }
                _ => latest_end = Some((resource, end)),
            }
        }
        for _ in 0..overlaps {
            self.problems.push(DatasetError::Overlap {
                care_unit: self.care_unit.clone(),
            });
        }
    }

    fn add_explicit_slots(
        &mut self,
        slots: &mut [Vec<SlotEntry>],
        timeslots: &[leyr_domain::timeslot::Timeslot],
        resource_index: &FxHashMap<String, usize>,
        service_index: &FxHashMap<String, usize>,
    ) {
        // Consecutive slots usually share their resource and service: remember the last lookup.
        let mut last_resource: Option<(&ResourceId, Option<usize>)> = None;
        let mut last_service: Option<(&HealthcareServiceId, Option<usize>)> = None;
        for slot in timeslots {
            let resource = match last_resource {
                Some((id, found)) if id == slot.resource_id() => found,
                _ => {
                    let found = resource_index
                        .get(resource_key(slot.resource_id()))
                        .copied();
                    last_resource = Some((slot.resource_id(), found));
                    found
                }
            };
            let service = match last_service {
                Some((id, found)) if id == slot.healthcare_service_id() => found,
                _ => {
                    let found = service_index
                        .get(slot.healthcare_service_id().as_str())
                        .copied();
                    last_service = Some((slot.healthcare_service_id(), found));
                    found
                }
            };
            let (Some(resource), Some(service)) = (resource, service) else {
                self.unknown(if resource.is_none() {
                    Entity::Resource
                } else {
                    Entity::HealthcareService
                });
                continue;
            };
            slots[resource].push(SlotEntry {
                start: in_stockholm(&slot.start()),
                end: in_stockholm(&slot.end()),
                service: index_u32(service),
            });
        }
    }

    fn add_patients(&mut self, unit: &mut UnitState, patient_list: Vec<Patient>, ids: &IdSource) {
        let book = unit
            .patients
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        // A minted Leyr id must not be one a later patient of the list brings.
        let listed: FxHashSet<LeyrPatientId> = patient_list
            .iter()
            .filter_map(|patient| patient.leyr_id.clone())
            .collect();
        for mut patient in patient_list {
            patient.care_unit_id = unit.care_unit.id.clone();
            if patient.leyr_id.is_none() {
                patient.leyr_id = ids.next_unused(|id| listed.contains(id) || book.has_leyr_id(id));
            }
            if book.insert(patient).is_err() {
                self.duplicate(Entity::Patient);
            }
        }
    }

    fn add_appointments(&mut self, unit: &mut UnitState, appointments: Vec<Appointment>) {
        for appointment in appointments {
            let resource = appointment.resource_id().map(|id| unit.resource(id));
            let service = appointment
                .healthcare_service_id()
                .map(|id| unit.service(id));
            let patient_known = appointment.patient().is_none_or(|id| {
                read(&unit.patients)
                    .resolve(&PatientRef::EmrId(id.clone()))
                    .is_some()
            });
            let records = unit
                .records
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            if resource == Some(None) {
                self.unknown(Entity::Resource);
            } else if service == Some(None) {
                self.unknown(Entity::HealthcareService);
            } else if !patient_known {
                self.unknown(Entity::Patient);
            } else {
                let (start, end) = (appointment.start(), appointment.end());
                let resource = resource.flatten();
                let stored = StoredAppointment {
                    id: appointment.id().clone(),
                    status: appointment.status().clone(),
                    start: in_stockholm(&start),
                    end: in_stockholm(&end),
                    comment: appointment.comment().cloned(),
                    patient: appointment.patient().cloned(),
                    resource,
                    service: service.flatten(),
                    span: resource
                        .map_or(0..0, |resource| unit.resources[resource].span(start, end)),
                };
                let key = stored.id.clone();
                if records.try_insert(&unit.resources, stored, key).is_err() {
                    self.duplicate(Entity::Appointment);
                }
            }
        }
    }
}

/// The records of a unit being loaded, which no one else can reach yet.
fn records_of(unit: &mut UnitState) -> &mut Records {
    unit.records
        .get_mut()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Service indices are stored as `u32` to keep slot entries small; a care unit never has
/// anywhere near four billion services.
fn index_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Back-to-back slots of `duration`, Monday to Friday, 08:00–12:00 and 13:00–17:00 Stockholm
/// wall-clock time, for the days of `plan`.
fn generate_weekday_slots(
    slots: &mut Vec<SlotEntry>,
    plan: WeekdaySlots,
    service: usize,
    duration: TimeDelta,
) {
    const OPENING_HOURS: [(u32, i64); 2] = [(8, 4), (13, 4)];
    let days = usize::try_from(plan.days).unwrap_or(usize::MAX);
    let service = index_u32(service);
    for date in plan.from.iter_days().take(days) {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        for (opening_hour, hours) in OPENING_HOURS {
            let Some(opening_time) = NaiveTime::from_hms_opt(opening_hour, 0, 0) else {
                continue;
            };
            // Daylight-saving changes happen at night on Sundays, so a weekday's opening hours
            // share one offset and plain addition stays on the wall clock.
            let Some(opening) = STOCKHOLM
                .from_local_datetime(&date.and_time(opening_time))
                .single()
            else {
                continue;
            };
            let opening = opening.fixed_offset();
            let closing = opening + TimeDelta::hours(hours);
            let mut start = opening;
            while start + duration <= closing {
                slots.push(SlotEntry {
                    start,
                    end: start + duration,
                    service,
                });
                start += duration;
            }
        }
    }
}
