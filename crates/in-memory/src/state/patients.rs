//! The patients of a care unit, reachable by EHR id, `external_id` (a national number) or Leyr id.

use leyr_domain::error::Entity;
use leyr_domain::ids::{LeyrPatientId, PatientEmrId};
use leyr_domain::patient::{Patient, PatientRef};
use rustc_hash::{FxHashMap, FxHashSet};

/// The patients of a care unit.
#[derive(Debug, Default)]
pub(crate) struct PatientBook {
    /// In registration order.
    patients: Vec<Patient>,
    by_emr_id: FxHashMap<PatientEmrId, usize>,
    /// By the text of `external_id`, the upsert key (C17): national numbers of the two
    /// countries differ in length, so one map holds both.
    by_external_id: FxHashMap<String, usize>,
    leyr_ids: FxHashSet<LeyrPatientId>,
    /// Positions of the patients added since the last [`PatientBook::take_added`], when
    /// changes are tracked.
    added: Option<Vec<usize>>,
}

impl PatientBook {
    /// The patient `reference` names. A national number reaches the patient whose
    /// `external_id` it is, and also one whose EHR id is that number (TakeCare, contract C6).
    pub(crate) fn resolve(&self, reference: &PatientRef) -> Option<&Patient> {
        let position = match reference {
            PatientRef::EmrId(id) => self.by_emr_id.get(id.as_str()),
            PatientRef::National(id) => self
                .by_external_id
                .get(id.as_str())
                .or_else(|| self.by_emr_id.get(id.as_str())),
        };
        position.map(|&position| &self.patients[position])
    }

    /// The patient registered with this `external_id` text, if any.
    pub(crate) fn by_external_id(&self, external_id: &str) -> Option<&Patient> {
        self.by_external_id
            .get(external_id)
            .map(|&position| &self.patients[position])
    }

    pub(crate) fn all(&self) -> &[Patient] {
        &self.patients
    }

    /// From now on, remember which patients are added (see [`PatientBook::take_added`]).
    pub(crate) fn track_changes(&mut self) {
        self.added.get_or_insert_with(Vec::new);
    }

    /// The patients added since the last call, if changes are tracked.
    pub(crate) fn take_added(&mut self) -> Vec<Patient> {
        let added = self.added.as_mut().map(std::mem::take).unwrap_or_default();
        added
            .into_iter()
            .map(|position| self.patients[position].clone())
            .collect()
    }

    /// Whether a patient has Leyr id `id`.
    pub(crate) fn has_leyr_id(&self, id: &str) -> bool {
        self.leyr_ids.contains(id)
    }

    /// Adds `patient`, unless its EHR id, `external_id` or Leyr id is taken.
    pub(crate) fn insert(&mut self, patient: Patient) -> Result<&Patient, Entity> {
        let taken = self.by_emr_id.contains_key(patient.emr_id.as_str())
            || patient
                .external_id
                .as_ref()
                .is_some_and(|id| self.by_external_id.contains_key(id.as_str()))
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
        if let Some(id) = &patient.external_id {
            self.by_external_id.insert(id.to_string(), position);
        }
        self.patients.push(patient);
        if let Some(added) = &mut self.added {
            added.push(position);
        }
        Ok(&self.patients[position])
    }
}
