//! The adapter's state: per care unit, an immutable catalog with the slot index, and the mutable
//! records (patients; appointments, notes and documents) behind their own locks.
//!
//! Slots never change after loading; what changes is which of them are held. So each resource
//! keeps its slots in one vector sorted by start (a window is found by binary search), and the
//! held appointments in a `BTreeMap` keyed by start. A slot is free when no held interval of its
//! resource overlaps it; since no held interval is longer than the longest one seen, only the
//! holds starting in `[slot.start - longest, slot.end)` need a look.

use std::collections::BTreeMap;
use std::collections::hash_map::Entry;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus, Comment};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::Document;
use leyr_domain::error::Entity;
use leyr_domain::ids::{
    AppointmentId, CareUnitId, HealthcareServiceId, LeyrPatientId, PatientEmrId, ResourceId,
};
use leyr_domain::medical_note::MedicalNote;
use leyr_domain::patient::{Patient, PatientRef};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::time::{STOCKHOLM, in_stockholm};

use crate::dataset::{CareUnitData, Dataset, DatasetError, WeekdaySlots};
use crate::hashing::{FastMap, FastSet};
use crate::random::IdSource;

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
    index: FastMap<String, usize>,
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
    resource_index: FastMap<String, usize>,
    /// Ordered by id; a service's position is its index everywhere else.
    pub(crate) services: Vec<HealthcareService>,
    service_index: FastMap<String, usize>,
    pub(crate) patients: RwLock<PatientBook>,
    pub(crate) records: RwLock<Records>,
}

impl UnitState {
    /// The index of a resource, by its EHR id with or without the `emr_id:` prefix.
    pub(crate) fn resource(&self, id: &ResourceId) -> Option<usize> {
        let text = id.as_str();
        self.resource_index
            .get(text.strip_prefix("emr_id:").unwrap_or(text))
            .copied()
    }

    pub(crate) fn service(&self, id: &HealthcareServiceId) -> Option<usize> {
        self.service_index.get(id.as_str()).copied()
    }
}

/// A resource and its slots.
#[derive(Debug)]
pub(crate) struct ResourceState {
    pub(crate) resource: Resource,
    /// Sorted by (start, service, end), no duplicates.
    pub(crate) slots: Vec<SlotEntry>,
}

impl ResourceState {
    /// The slot with exactly these instants and service.
    pub(crate) fn find_slot(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        service: usize,
    ) -> Option<SlotEntry> {
        let first = self.slots.partition_point(|entry| entry.start < start);
        self.slots[first..]
            .iter()
            .take_while(|entry| entry.start == start)
            .find(|entry| entry.service() == service && entry.end == end)
            .copied()
    }

    /// The slots that start in `[from, until)` and strictly after `now`.
    pub(crate) fn slots_between(
        &self,
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> &[SlotEntry] {
        let first = self
            .slots
            .partition_point(|entry| entry.start < from || entry.start <= now);
        let last = first + self.slots[first..].partition_point(|entry| entry.start < until);
        &self.slots[first..last]
    }
}

/// One slot of a resource: 36 bytes, times in Stockholm offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotEntry {
    pub(crate) start: DateTime<FixedOffset>,
    pub(crate) end: DateTime<FixedOffset>,
    service: u32,
}

impl SlotEntry {
    pub(crate) fn service(&self) -> usize {
        self.service as usize
    }
}

/// The patients of a care unit.
#[derive(Debug, Default)]
pub(crate) struct PatientBook {
    /// In registration order.
    patients: Vec<Patient>,
    by_emr_id: FastMap<String, usize>,
    by_personnummer: FastMap<Personnummer, usize>,
}

impl PatientBook {
    /// The patient `reference` names. A personnummer also reaches a patient whose EHR id is that
    /// personnummer (contract C6).
    pub(crate) fn resolve(&self, reference: &PatientRef) -> Option<&Patient> {
        let position = match reference {
            PatientRef::EmrId(id) => self.by_emr_id.get(id.as_str()),
            PatientRef::Personnummer(personnummer) => self
                .by_personnummer
                .get(personnummer)
                .or_else(|| self.by_emr_id.get(personnummer.as_str())),
        };
        position.map(|&position| &self.patients[position])
    }

    pub(crate) fn all(&self) -> &[Patient] {
        &self.patients
    }

    /// Adds `patient`, unless its EHR id or personnummer is taken.
    pub(crate) fn insert(&mut self, patient: Patient) -> Result<&Patient, Entity> {
        let taken = self.by_emr_id.contains_key(patient.emr_id.as_str())
            || patient
                .personnummer
                .is_some_and(|p| self.by_personnummer.contains_key(&p));
        if taken {
            return Err(Entity::Patient);
        }
        let position = self.patients.len();
        self.by_emr_id
            .insert(patient.emr_id.as_str().to_owned(), position);
        if let Some(personnummer) = patient.personnummer {
            self.by_personnummer.insert(personnummer, position);
        }
        self.patients.push(patient);
        Ok(&self.patients[position])
    }
}

/// How many appointments one storage chunk holds: appointments are stored in fixed chunks so
/// that a growing book never moves (or frees) a large buffer while the lock is held. 512 keeps a
/// chunk (about 80 KiB) under the allocator's usual `mmap` threshold.
const CHUNK: usize = 512;

/// The appointments, notes and documents of a care unit.
#[derive(Debug)]
pub(crate) struct Records {
    /// In creation order, in chunks of [`CHUNK`].
    appointments: Vec<Vec<StoredAppointment>>,
    count: usize,
    by_id: FastMap<AppointmentId, usize>,
    /// Keyed by the patient's EHR id.
    by_patient: FastMap<String, Vec<usize>>,
    /// One per resource, by resource index.
    holds: Vec<Holds>,
    /// Keyed by the patient's EHR id, in creation order.
    notes: FastMap<String, Vec<MedicalNote>>,
    /// Keyed by the patient's EHR id, in creation order.
    documents: FastMap<String, Vec<Document>>,
    /// Every note and document id, so minted ids never repeat one.
    note_ids: FastSet<String>,
    document_ids: FastSet<String>,
}

/// An appointment as stored: the care unit is implied, and the resource and service are
/// indices into the care unit's catalog (see [`UnitState::appointment`]).
#[derive(Debug, Clone)]
pub(crate) struct StoredAppointment {
    pub(crate) id: AppointmentId,
    pub(crate) status: AppointmentStatus,
    pub(crate) start: DateTime<FixedOffset>,
    pub(crate) end: DateTime<FixedOffset>,
    pub(crate) comment: Option<Comment>,
    pub(crate) patient: Option<PatientEmrId>,
    pub(crate) resource: Option<usize>,
    pub(crate) service: Option<usize>,
}

impl UnitState {
    /// The domain appointment `stored` describes.
    pub(crate) fn appointment(&self, stored: &StoredAppointment) -> Option<Appointment> {
        Appointment::new(AppointmentParts {
            id: stored.id.clone(),
            status: stored.status.clone(),
            start: stored.start,
            end: stored.end,
            comment: stored.comment.clone(),
            care_unit_id: self.care_unit.id.clone(),
            patient: stored.patient.clone(),
            resource_id: stored
                .resource
                .map(|resource| self.resources[resource].resource.id.clone()),
            healthcare_service_id: stored
                .service
                .map(|service| self.services[service].id.clone()),
        })
        .ok()
    }
}

impl Records {
    fn new(resources: usize) -> Self {
        Self {
            appointments: Vec::new(),
            count: 0,
            by_id: FastMap::default(),
            by_patient: FastMap::default(),
            holds: (0..resources).map(|_| Holds::default()).collect(),
            notes: FastMap::default(),
            documents: FastMap::default(),
            note_ids: FastSet::default(),
            document_ids: FastSet::default(),
        }
    }

    pub(crate) fn position(&self, id: &AppointmentId) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub(crate) fn stored(&self, position: usize) -> &StoredAppointment {
        &self.appointments[position / CHUNK][position % CHUNK]
    }

    pub(crate) fn holds(&self, resource: usize) -> &Holds {
        &self.holds[resource]
    }

    /// Every appointment's position, in creation order.
    pub(crate) fn positions(&self) -> std::ops::Range<usize> {
        0..self.count
    }

    /// The positions of one patient's appointments, in creation order.
    pub(crate) fn positions_of_patient(&self, emr_id: &str) -> &[usize] {
        self.by_patient.get(emr_id).map_or(&[], Vec::as_slice)
    }

    /// Adds an appointment, unless its id is taken (then it is handed back); it holds its slot
    /// if its status says so.
    /// `key` is a clone of `stored.id`, made by the caller before taking the lock.
    pub(crate) fn try_insert(
        &mut self,
        stored: StoredAppointment,
        key: AppointmentId,
    ) -> Result<usize, Box<StoredAppointment>> {
        let position = self.count;
        match self.by_id.entry(key) {
            Entry::Occupied(_) => return Err(Box::new(stored)),
            Entry::Vacant(vacant) => {
                vacant.insert(position);
            }
        }
        if let Some(patient) = &stored.patient {
            match self.by_patient.get_mut(patient.as_str()) {
                Some(positions) => positions.push(position),
                None => {
                    self.by_patient
                        .insert(patient.as_str().to_owned(), vec![position]);
                }
            }
        }
        if let (true, Some(resource)) = (stored.status.holds_slot(), stored.resource) {
            self.holds[resource].insert(stored.start, stored.end, position);
        }
        if self
            .appointments
            .last()
            .is_none_or(|chunk| chunk.len() == CHUNK)
        {
            self.appointments.push(Vec::with_capacity(CHUNK));
        }
        if let Some(chunk) = self.appointments.last_mut() {
            chunk.push(stored);
        }
        self.count += 1;
        Ok(position)
    }

    /// Makes the appointment at `position` what `next` says (status, times, comment), now with
    /// `resource` and `service`, moving its hold.
    pub(crate) fn update(
        &mut self,
        position: usize,
        next: &Appointment,
        resource: Option<usize>,
        service: Option<usize>,
    ) {
        let stored = &mut self.appointments[position / CHUNK][position % CHUNK];
        if let (true, Some(old)) = (stored.status.holds_slot(), stored.resource) {
            self.holds[old].remove(stored.start, position);
        }
        stored.status = next.status().clone();
        stored.start = next.start();
        stored.end = next.end();
        stored.comment = next.comment().cloned();
        stored.resource = resource;
        stored.service = service;
        if let (true, Some(new)) = (stored.status.holds_slot(), resource) {
            self.holds[new].insert(stored.start, stored.end, position);
        }
    }

    pub(crate) fn notes_of(&self, emr_id: &str) -> &[MedicalNote] {
        self.notes.get(emr_id).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn add_note(&mut self, emr_id: &str, note: MedicalNote) {
        self.note_ids.insert(note.id.as_str().to_owned());
        self.notes.entry(emr_id.to_owned()).or_default().push(note);
    }

    pub(crate) fn has_note(&self, id: &str) -> bool {
        self.note_ids.contains(id)
    }

    pub(crate) fn add_document(&mut self, emr_id: &str, document: Document) {
        self.document_ids.insert(document.id.as_str().to_owned());
        self.documents
            .entry(emr_id.to_owned())
            .or_default()
            .push(document);
    }

    pub(crate) fn has_document(&self, id: &str) -> bool {
        self.document_ids.contains(id)
    }
}

/// The held (booked or awaiting) appointments of one resource.
#[derive(Debug, Default)]
pub(crate) struct Holds {
    /// (start, appointment position) to end.
    by_start: BTreeMap<(DateTime<FixedOffset>, usize), DateTime<FixedOffset>>,
    /// The longest hold ever inserted.
    longest: TimeDelta,
}

impl Holds {
    fn insert(
        &mut self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        position: usize,
    ) {
        self.longest = self.longest.max(end - start);
        self.by_start.insert((start, position), end);
    }

    fn remove(&mut self, start: DateTime<FixedOffset>, position: usize) {
        self.by_start.remove(&(start, position));
    }

    /// Whether a hold other than `ignore` shares an instant with `[start, end)`.
    pub(crate) fn overlaps(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        ignore: Option<usize>,
    ) -> bool {
        if self.by_start.is_empty() {
            return false;
        }
        let earliest = start
            .checked_sub_signed(self.longest)
            .unwrap_or_else(|| DateTime::<Utc>::MIN_UTC.fixed_offset());
        self.by_start
            .range((earliest, 0)..(end, 0))
            .any(|(&(_, position), &hold_end)| Some(position) != ignore && hold_end > start)
    }
}

/// Builds the world from `dataset`, minting missing Leyr patient ids from `ids`. Records that
/// name unknown things are left out; the first such problem is returned beside the world.
pub(crate) fn load(dataset: Dataset, ids: &IdSource) -> (World, Option<DatasetError>) {
    let mut problem = None;
    let mut units: Vec<UnitState> = Vec::with_capacity(dataset.care_units.len());
    let mut care_units = dataset.care_units;
    care_units.sort_by(|a, b| a.care_unit.id.cmp(&b.care_unit.id));
    for data in care_units {
        if units
            .last()
            .is_some_and(|last| last.care_unit.id == data.care_unit.id)
        {
            problem.get_or_insert(DatasetError::Duplicate {
                care_unit: data.care_unit.id.clone(),
                entity: Entity::CareUnit,
            });
            continue;
        }
        let mut loader = UnitLoader {
            care_unit: data.care_unit.id.clone(),
            problem: None,
        };
        units.push(loader.load(data, ids));
        if let Some(found) = loader.problem {
            problem.get_or_insert(found);
        }
    }
    let index = units
        .iter()
        .enumerate()
        .map(|(position, unit)| (unit.care_unit.id.as_str().to_owned(), position))
        .collect();
    (World { units, index }, problem)
}

struct UnitLoader {
    care_unit: CareUnitId,
    problem: Option<DatasetError>,
}

impl UnitLoader {
    fn duplicate(&mut self, entity: Entity) {
        let care_unit = self.care_unit.clone();
        self.problem
            .get_or_insert(DatasetError::Duplicate { care_unit, entity });
    }

    fn unknown(&mut self, entity: Entity) {
        let care_unit = self.care_unit.clone();
        self.problem
            .get_or_insert(DatasetError::UnknownReference { care_unit, entity });
    }

    fn load(&mut self, data: CareUnitData, ids: &IdSource) -> UnitState {
        let CareUnitData {
            care_unit,
            resources: resource_data,
            mut services,
            patients: patient_list,
            appointments,
            notes,
            timeslots,
            weekday_slots,
        } = data;

        services.sort_by(|a, b| a.id.cmp(&b.id));
        let before = services.len();
        services.dedup_by(|later, earlier| later.id == earlier.id);
        if services.len() != before {
            self.duplicate(Entity::HealthcareService);
        }
        let service_index: FastMap<String, usize> = services
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
        let resource_index: FastMap<String, usize> = resource_data
            .iter()
            .enumerate()
            .map(|(position, data)| (data.resource.id.as_str().to_owned(), position))
            .collect();

        let mut slots: Vec<Vec<SlotEntry>> = vec![Vec::new(); resource_data.len()];
        if let Some(plan) = weekday_slots {
            for (resource, data) in resource_data.iter().enumerate() {
                for service_id in &data.services {
                    let Some(&service) = service_index.get(service_id.as_str()) else {
                        self.unknown(Entity::HealthcareService);
                        continue;
                    };
                    match services[service].duration {
                        Some(duration) if duration > TimeDelta::zero() => {
                            generate_weekday_slots(&mut slots[resource], plan, service, duration);
                        }
                        _ => {
                            let care_unit = self.care_unit.clone();
                            let service = service_id.clone();
                            self.problem
                                .get_or_insert(DatasetError::NoDuration { care_unit, service });
                        }
                    }
                }
            }
        }
        self.add_explicit_slots(&mut slots, &timeslots, &resource_index, &service_index);
        drop(timeslots);

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
                ResourceState {
                    resource: data.resource,
                    slots,
                }
            })
            .collect();

        let mut unit = UnitState {
            care_unit,
            records: RwLock::new(Records::new(resources.len())),
            resources,
            resource_index,
            services,
            service_index,
            patients: RwLock::new(PatientBook::default()),
        };
        self.add_patients(&mut unit, patient_list, ids);
        self.add_appointments(&mut unit, appointments);
        for patient_note in notes {
            let known_patient = read(&unit.patients)
                .resolve(&PatientRef::EmrId(patient_note.patient.clone()))
                .is_some();
            let known_author = patient_note
                .note
                .author
                .as_ref()
                .is_none_or(|author| unit.resource(author).is_some());
            let records = unit
                .records
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            if !known_patient {
                self.unknown(Entity::Patient);
            } else if !known_author {
                self.unknown(Entity::Author);
            } else if records.has_note(patient_note.note.id.as_str()) {
                self.duplicate(Entity::Note);
            } else {
                let mut note = patient_note.note;
                note.created_at = in_stockholm(&note.created_at);
                records.add_note(patient_note.patient.as_str(), note);
            }
        }
        unit
    }

    fn add_explicit_slots(
        &mut self,
        slots: &mut [Vec<SlotEntry>],
        timeslots: &[leyr_domain::timeslot::Timeslot],
        resource_index: &FastMap<String, usize>,
        service_index: &FastMap<String, usize>,
    ) {
        // Consecutive slots usually share their resource and service: remember the last lookup.
        let mut last_resource: Option<(&ResourceId, Option<usize>)> = None;
        let mut last_service: Option<(&HealthcareServiceId, Option<usize>)> = None;
        for slot in timeslots {
            let resource = match last_resource {
                Some((id, found)) if id == slot.resource_id() => found,
                _ => {
                    let text = slot.resource_id().as_str();
                    let found = resource_index
                        .get(text.strip_prefix("emr_id:").unwrap_or(text))
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
        for mut patient in patient_list {
            patient.care_unit_id = unit.care_unit.id.clone();
            if patient.leyr_id.is_none() {
                patient.leyr_id = LeyrPatientId::new(ids.next_uuid()).ok();
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
                let stored = StoredAppointment {
                    id: appointment.id().clone(),
                    status: appointment.status().clone(),
                    start: in_stockholm(&appointment.start()),
                    end: in_stockholm(&appointment.end()),
                    comment: appointment.comment().cloned(),
                    patient: appointment.patient().cloned(),
                    resource: resource.flatten(),
                    service: service.flatten(),
                };
                let key = stored.id.clone();
                if records.try_insert(stored, key).is_err() {
                    self.duplicate(Entity::Appointment);
                }
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<FixedOffset> {
        DateTime::<Utc>::UNIX_EPOCH.fixed_offset() + TimeDelta::minutes(minute)
    }

    #[test]
    fn holds_overlap_half_open_intervals_only() {
        let mut holds = Holds::default();
        assert!(!holds.overlaps(at(0), at(30), None), "nothing held");
        holds.insert(at(60), at(90), 7);
        assert!(
            !holds.overlaps(at(30), at(60), None),
            "ending where a hold starts is free"
        );
        assert!(
            !holds.overlaps(at(90), at(120), None),
            "starting where a hold ends is free"
        );
        assert!(holds.overlaps(at(89), at(120), None));
        assert!(holds.overlaps(at(45), at(61), None));
        assert!(holds.overlaps(at(70), at(75), None), "inside");
        assert!(holds.overlaps(at(0), at(200), None), "around");
        assert!(
            !holds.overlaps(at(70), at(75), Some(7)),
            "the ignored hold does not count"
        );
    }

    #[test]
    fn a_long_hold_is_found_from_far_after_its_start() {
        let mut holds = Holds::default();
        holds.insert(at(0), at(600), 1);
        holds.insert(at(700), at(715), 2);
        assert!(
            holds.overlaps(at(590), at(605), None),
            "the ten-hour hold still covers minute 590"
        );
        assert!(!holds.overlaps(at(600), at(700), None));
        holds.remove(at(0), 1);
        assert!(
            !holds.overlaps(at(590), at(605), None),
            "a removed hold frees its time"
        );
    }

    #[test]
    fn slots_between_respects_the_window_and_now() {
        let entry = |minute| SlotEntry {
            start: at(minute),
            end: at(minute + 15),
            service: 0,
        };
        let resource = ResourceState {
            resource: Resource {
                id: ResourceId::new("r").unwrap(),
                name: None,
            },
            slots: (0..10).map(|slot| entry(slot * 15)).collect(),
        };
        let starts =
            |slots: &[SlotEntry]| slots.iter().map(|entry| entry.start).collect::<Vec<_>>();
        assert_eq!(
            starts(resource.slots_between(at(15), at(60), at(-1))),
            [at(15), at(30), at(45)]
        );
        assert_eq!(
            starts(resource.slots_between(at(15), at(60), at(30))),
            [at(45)],
            "strictly after now"
        );
        assert!(resource.slots_between(at(200), at(300), at(0)).is_empty());
        assert_eq!(
            resource
                .find_slot(at(30), at(45), 0)
                .map(|entry| entry.start),
            Some(at(30))
        );
        assert!(
            resource.find_slot(at(30), at(44), 0).is_none(),
            "the end must match too"
        );
        assert!(
            resource.find_slot(at(30), at(45), 1).is_none(),
            "the service must match too"
        );
    }
}
