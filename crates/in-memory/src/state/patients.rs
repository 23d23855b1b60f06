//! The patients of a care unit, reachable by EHR id, personnummer or Leyr id.

use leyr_domain::error::Entity;
use leyr_domain::ids::{LeyrPatientId, PatientEmrId};
use leyr_domain::patient::{Patient, PatientRef};
use leyr_domain::personnummer::Personnummer;
use rustc_hash::{FxHashMap, FxHashSet};

/// The patients of a care unit.
#[derive(Debug, Default)]
pub(crate) struct PatientBook {
    /// In registration order.
    patients: Vec<Patient>,
    by_emr_id: FxHashMap<PatientEmrId, usize>,
    by_personnummer: FxHashMap<Personnummer, usize>,
    leyr_ids: FxHashSet<LeyrPatientId>,
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
