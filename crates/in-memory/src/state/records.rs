//! The appointments, notes and documents of a care unit, and the hold counters the
//! appointments keep in step with their status.
//!
//! Appointments are stored in creation order and found by id or by patient; an appointment that
//! holds its slot counts itself on every slot its interval overlaps (see [`Holds`]).

use std::collections::hash_map::Entry;
use std::ops::Range;

use chrono::{DateTime, FixedOffset};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus, Comment};
use leyr_domain::document::Document;
use leyr_domain::ids::{AppointmentId, DocumentId, NoteId, PatientEmrId};
use leyr_domain::medical_note::MedicalNote;
use rustc_hash::{FxHashMap, FxHashSet};

use super::UnitState;
use super::slots::{Holds, ResourceState};

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
    by_id: FxHashMap<AppointmentId, usize>,
    /// Positions in creation order, by the patient's EHR id.
    by_patient: FxHashMap<PatientEmrId, Vec<usize>>,
    /// One per resource, by resource index.
    holds: Vec<Holds>,
    /// In creation order, by the patient's EHR id.
    notes: FxHashMap<PatientEmrId, Vec<MedicalNote>>,
    /// In creation order, by the patient's EHR id.
    documents: FxHashMap<PatientEmrId, Vec<Document>>,
    /// Every note and document id, so minted ids never repeat one.
    note_ids: FxHashSet<NoteId>,
    document_ids: FxHashSet<DocumentId>,
    /// What changed since the last [`Records::take_changed`], when changes are tracked.
    changed: Option<Changed>,
}

/// The records changed since they were last taken: appointment positions (repeats allowed),
/// and new notes and documents by patient and position.
#[derive(Debug, Default)]
pub(crate) struct Changed {
    pub(crate) appointments: Vec<usize>,
    pub(crate) notes: Vec<(PatientEmrId, usize)>,
    pub(crate) documents: Vec<(PatientEmrId, usize)>,
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
    pub(super) fn new(resources: &[ResourceState]) -> Self {
        Self {
            appointments: Vec::new(),
            count: 0,
            by_id: FxHashMap::default(),
            by_patient: FxHashMap::default(),
            holds: resources
                .iter()
                .map(|resource| Holds::new(resource.slots.len()))
                .collect(),
            notes: FxHashMap::default(),
            documents: FxHashMap::default(),
            note_ids: FxHashSet::default(),
            document_ids: FxHashSet::default(),
            changed: None,
        }
    }

    /// From now on, remember what changes (see [`Records::take_changed`]).
    pub(crate) fn track_changes(&mut self) {
        self.changed.get_or_insert_with(Changed::default);
    }

    /// What changed since the last call, if changes are tracked.
    pub(crate) fn take_changed(&mut self) -> Changed {
        self.changed
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The documents of one patient, oldest first.
    pub(crate) fn documents_of(&self, emr_id: &PatientEmrId) -> &[Document] {
        self.documents.get(emr_id).map_or(&[], Vec::as_slice)
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
        if let Some(changed) = &mut self.changed {
            changed.appointments.push(position);
        }
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
        if let Some(changed) = &mut self.changed {
            changed.appointments.push(position);
        }
    }

    pub(crate) fn notes_of(&self, emr_id: &PatientEmrId) -> &[MedicalNote] {
        self.notes.get(emr_id).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn add_note(&mut self, emr_id: &PatientEmrId, note: MedicalNote) {
        self.note_ids.insert(note.id.clone());
        let notes = self.notes.entry(emr_id.clone()).or_default();
        notes.push(note);
        if let Some(changed) = &mut self.changed {
            changed.notes.push((emr_id.clone(), notes.len() - 1));
        }
    }

    pub(crate) fn has_note(&self, id: &str) -> bool {
        self.note_ids.contains(id)
    }

    pub(crate) fn add_document(&mut self, emr_id: &PatientEmrId, document: Document) {
        self.document_ids.insert(document.id.clone());
        let documents = self.documents.entry(emr_id.clone()).or_default();
        documents.push(document);
        if let Some(changed) = &mut self.changed {
            changed
                .documents
                .push((emr_id.clone(), documents.len() - 1));
        }
    }

    pub(crate) fn has_document(&self, id: &str) -> bool {
        self.document_ids.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use leyr_domain::ids::CareUnitId;

    use super::*;
    use crate::state::slots::tests::{at, resource_with};

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
}
