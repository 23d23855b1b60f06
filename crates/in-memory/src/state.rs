//! The adapter's state: per care unit, an immutable catalog with the slot index, and the mutable
//! records (patients; appointments, notes and documents) behind their own locks.
//!
//! Slots never change after loading; what changes is which of them are held. So each resource
//! keeps its slots in one vector sorted by start (a window or a slot is found by binary search),
//! and beside it, under the records' lock, one counter per slot: how many held (booked or
//! awaiting) appointments overlap that slot. A slot is free when its counter is zero, so a
//! booking checks one counter and, when it takes the slot, bumps the counters of the few slots
//! its interval overlaps; a cancellation or a move undoes exactly that.

use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Datelike, FixedOffset, NaiveTime, TimeDelta, TimeZone, Timelike, Weekday};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus, Comment};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::Document;
use leyr_domain::error::Entity;
use leyr_domain::ids::{
    AppointmentId, CareUnitId, DocumentId, HealthcareServiceId, LeyrPatientId, NoteId,
    PatientEmrId, ResourceId,
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

/// A resource and its slots.
#[derive(Debug)]
pub(crate) struct ResourceState {
    pub(crate) resource: Resource,
    /// Sorted by (start, service, end), no duplicates. A slot's position is its index in the
    /// resource's [`Holds`].
    pub(crate) slots: Vec<SlotEntry>,
    /// The longest slot: a slot starting that long or longer before an instant ends by it.
    longest: TimeDelta,
}

impl ResourceState {
    fn new(resource: Resource, slots: Vec<SlotEntry>) -> Self {
        let longest = slots
            .iter()
            .map(SlotEntry::length_bound)
            .max()
            .unwrap_or_default();
        Self {
            resource,
            slots,
            longest: TimeDelta::seconds(longest),
        }
    }

    /// The index of the slot with exactly these instants and service.
    pub(crate) fn find_slot(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        service: usize,
    ) -> Option<usize> {
        let first = self.slots.partition_point(|entry| entry.start < start);
        self.slots[first..]
            .iter()
            .take_while(|entry| entry.start == start)
            .position(|entry| entry.service() == service && entry.end == end)
            .map(|offset| first + offset)
    }

    /// The indices of the slots that start in `[from, until)` and strictly after `now`.
    pub(crate) fn slots_between(
        &self,
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> Range<usize> {
        let first = self
            .slots
            .partition_point(|entry| entry.start < from || entry.start <= now);
        let last = first + self.slots[first..].partition_point(|entry| entry.start < until);
        first..last
    }

    /// The span of `[start, end)`: the slots that start after `start - longest` and before
    /// `end`. Every slot that shares an instant with the interval is in it (a slot starting
    /// earlier has ended by `start`), and a slot in it does when it ends after `start`.
    pub(crate) fn span(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> Range<usize> {
        let first = match start.checked_sub_signed(self.longest) {
            Some(earliest) => self.slots.partition_point(|entry| entry.start <= earliest),
            None => 0,
        };
        let last = first + self.slots[first..].partition_point(|entry| entry.start < end);
        first..last
    }

    /// [`ResourceState::span`] of slot `slot`'s own interval, found by stepping to its
    /// neighbours instead of searching: a booking knows its slot, and its span is a handful of
    /// slots.
    pub(crate) fn span_of_slot(&self, slot: usize) -> Range<usize> {
        let Some(entry) = self.slots.get(slot) else {
            return slot..slot;
        };
        let earliest = entry.start.checked_sub_signed(self.longest);
        let mut first = slot;
        while first > 0 && earliest.is_none_or(|earliest| self.slots[first - 1].start > earliest) {
            first -= 1;
        }
        let mut last = slot + 1;
        while last < self.slots.len() && self.slots[last].start < entry.end {
            last += 1;
        }
        first..last
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

    /// Its length in whole seconds, rounded up: a bound for [`ResourceState::span`]. Cheap for
    /// a slot within one UTC day (every generated slot), where subtracting datetimes would mean
    /// calendar arithmetic for each of a million slots.
    fn length_bound(&self) -> i64 {
        let (start, end) = (self.start.naive_utc(), self.end.naive_utc());
        if start.date() == end.date() {
            i64::from(end.num_seconds_from_midnight())
                - i64::from(start.num_seconds_from_midnight())
                + 1
        } else {
            (end - start).num_seconds() + 1
        }
    }
}

/// The patients of a care unit.
#[derive(Debug, Default)]
pub(crate) struct PatientBook {
    /// In registration order.
    patients: Vec<Patient>,
    by_emr_id: FastMap<PatientEmrId, usize>,
    by_personnummer: FastMap<Personnummer, usize>,
    leyr_ids: FastSet<LeyrPatientId>,
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

    /// Whether a patient has Leyr id `id`.
    pub(crate) fn has_leyr_id(&self, id: &str) -> bool {
        self.leyr_ids.contains(id)
    }

    /// Adds `patient`, unless its EHR id, personnummer or Leyr id is taken.
    pub(crate) fn insert(&mut self, patient: Patient) -> Result<&Patient, Entity> {
        let taken = self.by_emr_id.contains_key(patient.emr_id.as_str())
            || patient
                .personnummer
                .is_some_and(|p| self.by_personnummer.contains_key(&p))
            || patient
                .leyr_id
                .as_ref()
                .is_some_and(|id| self.leyr_ids.contains(id));
        if taken {
            return Err(Entity::Patient);
        }
        if let Some(id) = &patient.leyr_id {
            self.leyr_ids.insert(id.clone());
        }
        let position = self.patients.len();
        self.by_emr_id.insert(patient.emr_id.clone(), position);
        if let Some(personnummer) = patient.personnummer {
            self.by_personnummer.insert(personnummer, position);
        }
        self.patients.push(patient);
        Ok(&self.patients[position])
    }
}

/// How many appointments one storage chunk holds: appointments are stored in fixed chunks so
/// that a growing book never moves (or frees) a large buffer while the lock is held. 512 keeps a
/// chunk (about 70 KiB) under the allocator's usual `mmap` threshold.
const CHUNK: usize = 512;

/// The appointments, notes and documents of a care unit.
#[derive(Debug)]
pub(crate) struct Records {
    /// In creation order, in chunks of [`CHUNK`].
    appointments: Vec<Vec<StoredAppointment>>,
    count: usize,
    by_id: FastMap<AppointmentId, usize>,
    /// Positions in creation order, by the patient's EHR id.
    by_patient: FastMap<PatientEmrId, Vec<usize>>,
    /// One per resource, by resource index.
    holds: Vec<Holds>,
    /// In creation order, by the patient's EHR id.
    notes: FastMap<PatientEmrId, Vec<MedicalNote>>,
    /// In creation order, by the patient's EHR id.
    documents: FastMap<PatientEmrId, Vec<Document>>,
    /// Every note and document id, so minted ids never repeat one.
    note_ids: FastSet<NoteId>,
    document_ids: FastSet<DocumentId>,
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
    /// The span of its interval among its resource's slots ([`ResourceState::span`]): the
    /// slots whose counters its hold changes.
    pub(crate) span: Range<usize>,
}

/// Where an appointment moves: its new resource and service, and its span there.
#[derive(Debug, Clone)]
pub(crate) struct Placement {
    pub(crate) resource: usize,
    pub(crate) service: usize,
    pub(crate) span: Range<usize>,
}

impl StoredAppointment {
    /// The resource whose slots this appointment holds, if it holds any.
    fn held_resource(&self) -> Option<usize> {
        self.resource.filter(|_| self.status.holds_slot())
    }
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
    fn new(resources: &[ResourceState]) -> Self {
        Self {
            appointments: Vec::new(),
            count: 0,
            by_id: FastMap::default(),
            by_patient: FastMap::default(),
            holds: resources
                .iter()
                .map(|resource| Holds::new(resource.slots.len()))
                .collect(),
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

    /// Whether slot `slot` of `resource` is free, counting no hold of the appointment at
    /// `ignore` (a move onto its own time is allowed).
    pub(crate) fn is_free(
        &self,
        resources: &[ResourceState],
        resource: usize,
        slot: usize,
        ignore: Option<usize>,
    ) -> bool {
        let held = self.holds[resource].count(slot);
        let own = ignore
            .map(|position| self.stored(position))
            .is_some_and(|own| {
                let entry = &resources[resource].slots[slot];
                own.held_resource() == Some(resource)
                    && own.start < entry.end
                    && entry.start < own.end
            });
        held == u32::from(own)
    }

    /// Every appointment's position, in creation order.
    pub(crate) fn positions(&self) -> Range<usize> {
        0..self.count
    }

    /// The positions of one patient's appointments, in creation order.
    pub(crate) fn positions_of_patient(&self, emr_id: &PatientEmrId) -> &[usize] {
        self.by_patient.get(emr_id).map_or(&[], Vec::as_slice)
    }

    /// Adds an appointment, unless its id is taken (then it is handed back); it holds its slots
    /// if its status says so. `key` is a clone of `stored.id`, made by the caller before taking
    /// the lock.
    pub(crate) fn try_insert(
        &mut self,
        resources: &[ResourceState],
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
            match self.by_patient.get_mut(patient) {
                Some(positions) => positions.push(position),
                None => {
                    self.by_patient.insert(patient.clone(), vec![position]);
                }
            }
        }
        if let Some(resource) = stored.held_resource() {
            self.holds[resource].add(&resources[resource].slots, &stored);
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

    /// Makes the appointment at `position` what `next` says (status, times, comment), moved to
    /// `placement` if one is given, keeping the slot counters in step.
    pub(crate) fn update(
        &mut self,
        resources: &[ResourceState],
        position: usize,
        next: &Appointment,
        placement: Option<Placement>,
    ) {
        let stored = &mut self.appointments[position / CHUNK][position % CHUNK];
        if let Some(old) = stored.held_resource() {
            self.holds[old].remove(&resources[old].slots, stored);
        }
        stored.status = next.status().clone();
        stored.start = next.start();
        stored.end = next.end();
        stored.comment = next.comment().cloned();
        if let Some(placement) = placement {
            stored.resource = Some(placement.resource);
            stored.service = Some(placement.service);
            stored.span = placement.span;
        }
        if let Some(new) = stored.held_resource() {
            self.holds[new].add(&resources[new].slots, stored);
        }
    }

    pub(crate) fn notes_of(&self, emr_id: &PatientEmrId) -> &[MedicalNote] {
        self.notes.get(emr_id).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn add_note(&mut self, emr_id: &PatientEmrId, note: MedicalNote) {
        self.note_ids.insert(note.id.clone());
        self.notes.entry(emr_id.clone()).or_default().push(note);
    }

    pub(crate) fn has_note(&self, id: &str) -> bool {
        self.note_ids.contains(id)
    }

    pub(crate) fn add_document(&mut self, emr_id: &PatientEmrId, document: Document) {
        self.document_ids.insert(document.id.clone());
        self.documents
            .entry(emr_id.clone())
            .or_default()
            .push(document);
    }

    pub(crate) fn has_document(&self, id: &str) -> bool {
        self.document_ids.contains(id)
    }
}

/// For each slot of one resource (by slot index), how many held (booked or awaiting)
/// appointments share an instant with it.
#[derive(Debug)]
pub(crate) struct Holds {
    overlapping: Vec<u32>,
}

impl Holds {
    fn new(slots: usize) -> Self {
        Self {
            overlapping: vec![0; slots],
        }
    }

    /// How many held appointments overlap slot `slot`.
    pub(crate) fn count(&self, slot: usize) -> u32 {
        self.overlapping.get(slot).copied().unwrap_or_default()
    }

    /// Whether no held appointment overlaps slot `slot`.
    pub(crate) fn is_free(&self, slot: usize) -> bool {
        self.count(slot) == 0
    }

    /// The counts of the slots `slots`, in order.
    pub(crate) fn counts(&self, slots: Range<usize>) -> &[u32] {
        self.overlapping.get(slots).unwrap_or_default()
    }

    /// Counts `held` on every slot it overlaps. `slots` are its resource's.
    fn add(&mut self, slots: &[SlotEntry], held: &StoredAppointment) {
        for count in overlapped(slots, &mut self.overlapping, held) {
            *count = count.saturating_add(1);
        }
    }

    /// Undoes [`Holds::add`] of the same appointment.
    fn remove(&mut self, slots: &[SlotEntry], held: &StoredAppointment) {
        for count in overlapped(slots, &mut self.overlapping, held) {
            *count = count.saturating_sub(1);
        }
    }
}

/// The counters of the slots `held` overlaps: those of its span that end after it starts.
fn overlapped<'a>(
    slots: &'a [SlotEntry],
    counts: &'a mut [u32],
    held: &StoredAppointment,
) -> impl Iterator<Item = &'a mut u32> {
    let start = held.start;
    let slots = slots.get(held.span.clone()).unwrap_or_default();
    let counts = counts.get_mut(held.span.clone()).unwrap_or_default();
    slots
        .iter()
        .zip(counts)
        .filter(move |(entry, _)| entry.end > start)
        .map(|(_, count)| count)
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
                        self.problem
                            .get_or_insert(DatasetError::NoDuration { care_unit, service });
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
                records.add_note(&patient_note.patient, note);
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
        let listed: FastSet<LeyrPatientId> = patient_list
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
    use chrono::Utc;

    use super::*;

    fn at(minute: i64) -> DateTime<FixedOffset> {
        DateTime::<Utc>::UNIX_EPOCH.fixed_offset() + TimeDelta::minutes(minute)
    }

    /// One resource with these `(start, end)` slots (in minutes), all of service 0.
    fn resource_with(slots: &[(i64, i64)]) -> Vec<ResourceState> {
        let mut entries: Vec<SlotEntry> = slots
            .iter()
            .map(|&(start, end)| SlotEntry {
                start: at(start),
                end: at(end),
                service: 0,
            })
            .collect();
        entries.sort_by_key(|entry| (entry.start, entry.end));
        let resource = Resource {
            id: ResourceId::new("r").unwrap(),
            name: None,
        };
        vec![ResourceState::new(resource, entries)]
    }

    /// A booked appointment of resource 0 over `[start, end)`.
    fn booked(id: &str, start: i64, end: i64) -> StoredAppointment {
        StoredAppointment {
            id: AppointmentId::new(id).unwrap(),
            status: AppointmentStatus::Booked,
            start: at(start),
            end: at(end),
            comment: None,
            patient: None,
            resource: Some(0),
            service: Some(0),
            span: 0..0,
        }
    }

    fn hold(
        records: &mut Records,
        resources: &[ResourceState],
        mut stored: StoredAppointment,
    ) -> usize {
        stored.span = resources[0].span(stored.start, stored.end);
        let key = stored.id.clone();
        records.try_insert(resources, stored, key).unwrap()
    }

    /// Whether the slot `[start, end)` of resource 0 is free, not counting `ignore`.
    fn free(
        records: &Records,
        resources: &[ResourceState],
        (start, end): (i64, i64),
        ignore: Option<usize>,
    ) -> bool {
        let slot = resources[0].find_slot(at(start), at(end), 0).unwrap();
        records.is_free(resources, 0, slot, ignore)
    }

    #[test]
    fn holds_overlap_half_open_intervals_only() {
        let resources = resource_with(&[
            (0, 30),
            (30, 60),
            (90, 120),
            (89, 120),
            (45, 61),
            (70, 75),
            (0, 200),
        ]);
        let mut records = Records::new(&resources);
        assert!(free(&records, &resources, (0, 30), None), "nothing held");
        let position = hold(&mut records, &resources, booked("a", 60, 90));
        assert!(
            free(&records, &resources, (30, 60), None),
            "ending where a hold starts is free"
        );
        assert!(
            free(&records, &resources, (90, 120), None),
            "starting where a hold ends is free"
        );
        assert!(!free(&records, &resources, (89, 120), None));
        assert!(!free(&records, &resources, (45, 61), None));
        assert!(!free(&records, &resources, (70, 75), None), "inside");
        assert!(!free(&records, &resources, (0, 200), None), "around");
        assert!(
            free(&records, &resources, (70, 75), Some(position)),
            "the ignored hold does not count"
        );
    }

    #[test]
    fn a_long_hold_is_found_from_far_after_its_start() {
        let resources = resource_with(&[(590, 605), (600, 700), (700, 715)]);
        let mut records = Records::new(&resources);
        let long = hold(&mut records, &resources, booked("long", 0, 600));
        hold(&mut records, &resources, booked("short", 700, 715));
        assert!(
            !free(&records, &resources, (590, 605), None),
            "the ten-hour hold still covers minute 590"
        );
        assert!(free(&records, &resources, (600, 700), None));
        let stored = records.stored(long);
        let cancelled = Appointment::new(AppointmentParts {
            id: stored.id.clone(),
            status: AppointmentStatus::Cancelled,
            start: stored.start,
            end: stored.end,
            comment: None,
            care_unit_id: CareUnitId::new("u").unwrap(),
            patient: None,
            resource_id: None,
            healthcare_service_id: None,
        })
        .unwrap();
        records.update(&resources, long, &cancelled, None);
        assert!(
            free(&records, &resources, (590, 605), None),
            "a removed hold frees its time"
        );
        assert!(
            !free(&records, &resources, (700, 715), None),
            "the other stays"
        );
    }

    #[test]
    fn a_long_slot_is_blocked_by_a_hold_far_after_its_start() {
        let resources = resource_with(&[(0, 600), (590, 605), (605, 620)]);
        let mut records = Records::new(&resources);
        hold(&mut records, &resources, booked("late", 590, 605));
        assert!(!free(&records, &resources, (0, 600), None));
        assert!(free(&records, &resources, (605, 620), None));
    }

    #[test]
    fn the_span_of_a_slot_found_by_stepping_equals_the_searched_one() {
        // Dr Ehn's morning: 30-minute new visits and 15-minute follow-ups, back to back.
        let mut slots: Vec<(i64, i64)> = (0..8).map(|n| (n * 30, n * 30 + 30)).collect();
        slots.extend((0..16).map(|n| (n * 15, n * 15 + 15)));
        slots.push((500, 560));
        let resources = resource_with(&slots);
        let resource = &resources[0];
        for (slot, entry) in resource.slots.iter().enumerate() {
            assert_eq!(
                resource.span_of_slot(slot),
                resource.span(entry.start, entry.end),
                "slot {slot}"
            );
        }
        let taken = resource.find_slot(at(30), at(60), 0).unwrap();
        let overlapped: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = resource.slots
            [resource.span_of_slot(taken)]
        .iter()
        .filter(|entry| entry.end > at(30))
        .map(|entry| (entry.start, entry.end))
        .collect();
        assert_eq!(
            overlapped,
            [(at(30), at(45)), (at(30), at(60)), (at(45), at(60))],
            "the 30-minute slot at minute 30 overlaps itself and two follow-ups"
        );
    }

    #[test]
    fn slots_between_respects_the_window_and_now() {
        let slots: Vec<(i64, i64)> = (0..10).map(|slot| (slot * 15, slot * 15 + 15)).collect();
        let resources = resource_with(&slots);
        let resource = &resources[0];
        let starts = |range: Range<usize>| {
            resource.slots[range]
                .iter()
                .map(|entry| entry.start)
                .collect::<Vec<_>>()
        };
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
                .map(|slot| resource.slots[slot].start),
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
