//! The state document (C49): the whole world of every EHR as one JSON document, what
//! `GET /_sandbox/state` answers, `PUT /_sandbox/state` and `--dataset` take, and what the state
//! file keeps (C50).
//!
//! ```json
//! {"format": "leyr-sandbox-state/1",
//!  "emrs": [{"emr": "takecare", "care_units": [{
//!     "id": "10", "name": "Vårdenhet 10",
//!     "resources": [{"id": "10-991890000019", "name": "...", "healthcare_service_ids": ["1001"]}],
//!     "healthcare_services": [{"id": "1001", "name": "...", "duration_minutes": 30}],
//!     "weekday_slots": {"from": "2024-03-25", "days": 60},
//!     "timeslots": [], "patients": [...], "appointments": [...],
//!     "medical_notes": [...], "documents": [...]}]}]}
//! ```
//!
//! Appointments keep their stored status (`booked` stays `booked` after its end; C20 applies
//! when the API answers, not here). Nothing in it changes by itself, so an export, an import
//! and an export again give the same text. Reading one is strict, unlike Leyr's API (C12): an
//! unknown field, an unknown `{emr}`, an id, name, time or national number that breaks its rule
//! each give one problem with its path, so that a hand-written dataset fails loudly; the world's
//! own rules (unknown references, repeated ids, overlapping held appointments) come from the
//! in-memory adapter that loads it.

use chrono::{NaiveDate, TimeDelta};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus, Comment};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::ehr::{self, EhrProfile};
use leyr_domain::ids::{
    AppointmentId, CareUnitId, HealthcareServiceId, LeyrPatientId, PatientEmrId, ResourceId,
};
use leyr_domain::patient::{EmailAddress, Patient, PersonName, PhoneNumber};
use leyr_in_memory::{
    CareUnitData, ConfirmationKind, ConfirmationRecord, Dataset, DatasetError, InMemoryEhr,
    PatientDocument, PatientNote, ResourceData, WeekdaySlots,
};
use leyr_wire::dto::{DocumentDto, HealthcareServiceDto, MedicalNoteDto, TimeslotDto};
use leyr_wire::{ErrorCode, ProblemEntry, mapping};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `format` of the documents this version writes and reads.
pub(crate) const FORMAT: &str = "leyr-sandbox-state/1";

/// The whole document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateDocument {
    pub(crate) format: String,
    pub(crate) emrs: Vec<WorldDoc>,
}

/// One EHR's world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorldDoc {
    pub(crate) emr: String,
    #[serde(default)]
    pub(crate) care_units: Vec<CareUnitDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CareUnitDoc {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) resources: Vec<ResourceDoc>,
    #[serde(default)]
    pub(crate) healthcare_services: Vec<HealthcareServiceDto>,
    #[serde(default)]
    pub(crate) weekday_slots: Option<WeekdaySlotsDoc>,
    #[serde(default)]
    pub(crate) timeslots: Vec<TimeslotDto>,
    #[serde(default)]
    pub(crate) patients: Vec<PatientDoc>,
    #[serde(default)]
    pub(crate) appointments: Vec<AppointmentDoc>,
    #[serde(default)]
    pub(crate) medical_notes: Vec<NoteDoc>,
    #[serde(default)]
    pub(crate) documents: Vec<DocumentDoc>,
    /// Confirmations by code (§9.3): where the EHR confirms by code.
    #[serde(default)]
    pub(crate) confirmations: Vec<ConfirmationDoc>,
}

/// A confirmation by code, waiting or settled.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfirmationDoc {
    /// The id the code confirms: the booking's, or the new id of a cancellation.
    pub(crate) appointment_id: String,
    /// `booking` or `cancellation`.
    pub(crate) purpose: String,
    /// For a cancellation, the appointment it cancels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) original_id: Option<String>,
    /// For a cancellation, the comment it appends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) wrong_codes: u8,
    pub(crate) expires_at: String,
    #[serde(default)]
    pub(crate) settled: bool,
    /// The phone the code went to, masked (every digit but the last two as `*`).
    #[serde(default)]
    pub(crate) phone: Option<String>,
}

impl std::fmt::Debug for ConfirmationDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmationDoc")
            .field("appointment_id", &self.appointment_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceDoc {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) healthcare_service_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WeekdaySlotsDoc {
    pub(crate) from: NaiveDate,
    pub(crate) days: u32,
}

/// A patient. `Debug` is derived on purpose nowhere: it holds names and national numbers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatientDoc {
    /// Leyr's id; minted when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<String>,
    pub(crate) emr_id: String,
    #[serde(default)]
    pub(crate) external_id: Option<String>,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    #[serde(default)]
    pub(crate) phones: Vec<String>,
    #[serde(default)]
    pub(crate) emails: Vec<String>,
}

impl std::fmt::Debug for PatientDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientDoc").finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppointmentDoc {
    pub(crate) id: String,
    pub(crate) status: String,
    pub(crate) start: String,
    pub(crate) end: String,
    #[serde(default)]
    pub(crate) comment: Option<String>,
    #[serde(default)]
    pub(crate) patient_id: Option<String>,
    #[serde(default)]
    pub(crate) resource_id: Option<String>,
    #[serde(default)]
    pub(crate) healthcare_service_id: Option<String>,
}

impl std::fmt::Debug for AppointmentDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppointmentDoc")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A medical note and its patient: Leyr's note JSON (§3.15) with `patient_id` beside it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NoteDoc {
    pub(crate) patient_id: String,
    #[serde(flatten)]
    pub(crate) note: MedicalNoteDto,
}

impl std::fmt::Debug for NoteDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteDoc").finish_non_exhaustive()
    }
}

/// A document's metadata and its patient: Leyr's document JSON (§3.17) with `patient_id`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DocumentDoc {
    pub(crate) patient_id: String,
    #[serde(flatten)]
    pub(crate) document: DocumentDto,
}

impl std::fmt::Debug for DocumentDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentDoc").finish_non_exhaustive()
    }
}

/// A problem of a document: where (a JSON path under `body`) and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocProblem {
    pub(crate) path: Vec<Value>,
    pub(crate) code: ErrorCode,
    /// What is wrong, without the value itself (it may be patient data).
    pub(crate) detail: String,
}

impl DocProblem {
    /// The `errors[]` entry (C30): the path starts at `body`.
    pub(crate) fn entry(&self) -> ProblemEntry {
        self.entry_under("body")
    }

    /// The `errors[]` entry (C30), the path starting at `root` (`body` or `query`).
    pub(crate) fn entry_under(&self, root: &str) -> ProblemEntry {
        let mut path = vec![Value::from(root)];
        path.extend(self.path.iter().cloned());
        ProblemEntry {
            details: Some(self.detail.clone()),
            emr_error: Value::Null,
            error_code: Some(self.code.clone()),
            path: Value::Array(path),
        }
    }
}

/// The problem of a body that is not JSON of the document's shape: where serde stopped, never
/// what it read there.
pub(crate) fn malformed(error: &serde_json::Error) -> DocProblem {
    let what = match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "not valid JSON",
        _ => "not a state document (a field is unknown, missing or of the wrong type)",
    };
    DocProblem {
        path: Vec::new(),
        code: ErrorCode::BadInput,
        detail: format!(
            "The body is {what}, at line {} column {}.",
            error.line(),
            error.column()
        ),
    }
}

/// The world of every EHR served, as the document writes it, in the sandbox's order (that of
/// `ehr::PROFILES`).
pub(crate) fn export(ehrs: &[InMemoryEhr]) -> StateDocument {
    StateDocument {
        format: FORMAT.to_owned(),
        emrs: ehrs
            .iter()
            .map(|ehr| WorldDoc {
                emr: ehr.profile().code.to_owned(),
                care_units: ehr.export().care_units.iter().map(unit_doc).collect(),
            })
            .collect(),
    }
}

fn unit_doc(unit: &CareUnitData) -> CareUnitDoc {
    CareUnitDoc {
        id: unit.care_unit.id.to_string(),
        name: unit.care_unit.name.clone(),
        resources: unit
            .resources
            .iter()
            .map(|data| ResourceDoc {
                id: data.resource.id.to_string(),
                name: data.resource.name.clone(),
                healthcare_service_ids: data.services.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        healthcare_services: unit
            .services
            .iter()
            .map(mapping::healthcare_service_dto)
            .collect(),
        weekday_slots: unit.weekday_slots.map(|plan| WeekdaySlotsDoc {
            from: plan.from,
            days: plan.days,
        }),
        timeslots: unit.timeslots.iter().map(mapping::timeslot_dto).collect(),
        patients: unit.patients.iter().map(patient_doc).collect(),
        appointments: unit.appointments.iter().map(appointment_doc).collect(),
        medical_notes: unit.notes.iter().map(note_doc).collect(),
        documents: unit.documents.iter().map(document_doc).collect(),
        confirmations: unit.confirmations.iter().map(confirmation_doc).collect(),
    }
}

pub(crate) fn confirmation_doc(record: &ConfirmationRecord) -> ConfirmationDoc {
    let (purpose, original_id, comment) = match &record.kind {
        ConfirmationKind::Cancellation { original, comment } => (
            "cancellation",
            Some(original.to_string()),
            comment.as_ref().map(ToString::to_string),
        ),
        _ => ("booking", None, None),
    };
    ConfirmationDoc {
        appointment_id: record.appointment_id.to_string(),
        purpose: purpose.to_owned(),
        original_id,
        comment,
        code: record.code.as_str().to_owned(),
        wrong_codes: record.wrong_codes,
        expires_at: mapping::format_time(&record.expires_at),
        settled: record.settled,
        phone: record.masked_phone.clone(),
    }
}

pub(crate) fn patient_doc(patient: &Patient) -> PatientDoc {
    PatientDoc {
        id: patient.leyr_id.as_ref().map(ToString::to_string),
        emr_id: patient.emr_id.to_string(),
        external_id: patient.external_id.as_ref().map(ToString::to_string),
        first_name: patient.first_name.to_string(),
        last_name: patient.last_name.to_string(),
        phones: patient.phones.iter().map(ToString::to_string).collect(),
        emails: patient.emails.iter().map(ToString::to_string).collect(),
    }
}

pub(crate) fn appointment_doc(appointment: &Appointment) -> AppointmentDoc {
    AppointmentDoc {
        id: appointment.id().to_string(),
        status: appointment.status().as_str().to_owned(),
        start: mapping::format_time(&appointment.start()),
        end: mapping::format_time(&appointment.end()),
        comment: appointment.comment().map(ToString::to_string),
        patient_id: appointment.patient().map(ToString::to_string),
        resource_id: appointment.resource_id().map(ToString::to_string),
        healthcare_service_id: appointment.healthcare_service_id().map(ToString::to_string),
    }
}

pub(crate) fn note_doc(note: &PatientNote) -> NoteDoc {
    NoteDoc {
        patient_id: note.patient.to_string(),
        note: mapping::medical_note_dto(&note.note),
    }
}

pub(crate) fn document_doc(document: &PatientDocument) -> DocumentDoc {
    DocumentDoc {
        patient_id: document.patient.to_string(),
        document: mapping::document_dto(&document.document),
    }
}

/// One dataset per EHR in `ehr::PROFILES` order (an EHR the document leaves out gets an empty
/// world).
pub(crate) type Datasets = Vec<(&'static EhrProfile, Dataset)>;

/// Where each care unit of a document is, to place the problems the adapter finds when it
/// loads the datasets ([`Places::place`]).
#[derive(Debug, Default)]
pub(crate) struct Places(Vec<(&'static str, CareUnitId, Vec<Value>)>);

impl Places {
    /// A problem the in-memory adapter found loading `emr`'s dataset, at its care unit.
    pub(crate) fn place(&self, emr: &str, problem: &DatasetError) -> DocProblem {
        let path = self
            .0
            .iter()
            .find(|(code, id, _)| *code == emr && id == problem.care_unit())
            .map(|(_, _, path)| path.clone())
            .unwrap_or_default();
        DocProblem {
            path,
            code: ErrorCode::BadInput,
            detail: dataset_detail(problem),
        }
    }
}

/// Reads a document: its datasets, or every problem found in it. `today` is the date national
/// numbers are checked against (not born after it). The world's own rules (references, repeated
/// ids, overlaps) are checked when the adapter loads the datasets.
pub(crate) fn read(
    document: StateDocument,
    today: NaiveDate,
) -> Result<(Datasets, Places), Vec<DocProblem>> {
    let mut reader = Reader::default();
    let mut places = Places::default();
    if document.format != FORMAT {
        reader.problem(
            vec!["format".into()],
            format!("The format must be \"{FORMAT}\"."),
        );
    }
    let mut datasets: Vec<(&'static EhrProfile, Dataset)> = ehr::PROFILES
        .iter()
        .map(|profile| (*profile, Dataset::default()))
        .collect();
    let mut seen = Vec::new();
    for (index, world) in document.emrs.into_iter().enumerate() {
        let path = vec![Value::from("emrs"), Value::from(index)];
        let Some(position) = ehr::PROFILES.iter().position(|p| p.code == world.emr) else {
            reader.problem(at(&path, "emr"), "No EHR profile has this code.".to_owned());
            continue;
        };
        if seen.contains(&position) {
            reader.problem(at(&path, "emr"), "This EHR is listed twice.".to_owned());
            continue;
        }
        seen.push(position);
        let profile = datasets[position].0;
        let mut units = Vec::with_capacity(world.care_units.len());
        for (unit_index, unit) in world.care_units.into_iter().enumerate() {
            let mut unit_path = at(&path, "care_units");
            unit_path.push(unit_index.into());
            if let Some(data) = reader.unit(profile, unit, &unit_path, today) {
                units.push((unit_path, data));
            }
        }
        // Two care units with one id are the adapter's to refuse, as any repeated id.
        let mut care_units = Vec::with_capacity(units.len());
        for (unit_path, data) in units {
            places
                .0
                .push((profile.code, data.care_unit.id.clone(), unit_path));
            care_units.push(data);
        }
        datasets[position].1 = Dataset { care_units };
    }
    if reader.problems.is_empty() {
        Ok((datasets, places))
    } else {
        Err(reader.problems)
    }
}

fn dataset_detail(problem: &DatasetError) -> String {
    // The error names the care unit and the kind of record only, never patient data.
    let mut text = problem.to_string();
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text.push('.');
    text
}

fn at(path: &[Value], key: &str) -> Vec<Value> {
    let mut path = path.to_vec();
    path.push(Value::from(key));
    path
}

fn item(path: &[Value], key: &str, index: usize) -> Vec<Value> {
    let mut path = at(path, key);
    path.push(Value::from(index));
    path
}

#[derive(Default)]
struct Reader {
    problems: Vec<DocProblem>,
}

impl Reader {
    fn problem(&mut self, path: Vec<Value>, detail: String) {
        self.problems.push(DocProblem {
            path,
            code: ErrorCode::BadInput,
            detail,
        });
    }

    /// `Some(value)`, or `None` with a problem at `path` saying `what` is wrong.
    fn check<T, E>(&mut self, result: Result<T, E>, path: Vec<Value>, what: &str) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                self.problem(path, format!("Not a valid {what}."));
                None
            }
        }
    }

    fn unit(
        &mut self,
        profile: &EhrProfile,
        unit: CareUnitDoc,
        path: &[Value],
        today: NaiveDate,
    ) -> Option<CareUnitData> {
        let before = self.problems.len();
        let id = self.check(CareUnitId::new(&unit.id), at(path, "id"), "care unit id");
        let mut resources = Vec::new();
        for (index, doc) in unit.resources.iter().enumerate() {
            let here = item(path, "resources", index);
            let id = self.check(ResourceId::new(&doc.id), at(&here, "id"), "resource id");
            let mut services = Vec::new();
            for (k, service) in doc.healthcare_service_ids.iter().enumerate() {
                services.extend(self.check(
                    HealthcareServiceId::new(service),
                    item(&here, "healthcare_service_ids", k),
                    "healthcare service id",
                ));
            }
            if let Some(id) = id {
                resources.push(ResourceData {
                    resource: Resource {
                        id,
                        name: doc.name.clone(),
                    },
                    services,
                });
            }
        }
        let mut services = Vec::new();
        for (index, doc) in unit.healthcare_services.iter().enumerate() {
            let here = item(path, "healthcare_services", index);
            let id = self.check(
                HealthcareServiceId::new(&doc.id),
                at(&here, "id"),
                "healthcare service id",
            );
            let duration = match doc.duration_minutes {
                Some(minutes) if minutes > 0 && minutes <= 24 * 60 => {
                    Some(TimeDelta::minutes(minutes))
                }
                Some(_) => {
                    self.problem(
                        at(&here, "duration_minutes"),
                        "A duration is from 1 to 1440 minutes.".to_owned(),
                    );
                    None
                }
                None => None,
            };
            if let Some(id) = id {
                services.push(HealthcareService {
                    id,
                    name: doc.name.clone(),
                    duration,
                });
            }
        }
        let weekday_slots = match unit.weekday_slots {
            Some(plan) if plan.days <= 3_660 => Some(WeekdaySlots {
                from: plan.from,
                days: plan.days,
            }),
            Some(_) => {
                self.problem(
                    at(&at(path, "weekday_slots"), "days"),
                    "At most 3660 days of slots are generated.".to_owned(),
                );
                None
            }
            None => None,
        };
        let mut timeslots = Vec::with_capacity(unit.timeslots.len());
        for (index, doc) in unit.timeslots.into_iter().enumerate() {
            let here = item(path, "timeslots", index);
            let strict = strict_time(&doc.start).zip(strict_time(&doc.end));
            let slot = strict.and_then(|_| mapping::timeslot(doc).ok());
            timeslots.extend(self.check(slot.ok_or(()), here, "timeslot"));
        }
        let mut patients = Vec::with_capacity(unit.patients.len());
        for (index, doc) in unit.patients.into_iter().enumerate() {
            let here = item(path, "patients", index);
            if let Some(patient) = self.patient(profile, doc, &here, id.as_ref(), today) {
                patients.push(patient);
            }
        }
        let mut appointments = Vec::with_capacity(unit.appointments.len());
        for (index, doc) in unit.appointments.into_iter().enumerate() {
            let here = item(path, "appointments", index);
            if let Some(appointment) = self.appointment(doc, &here, id.as_ref()) {
                appointments.push(appointment);
            }
        }
        let mut notes = Vec::new();
        for (index, doc) in unit.medical_notes.into_iter().enumerate() {
            let here = item(path, "medical_notes", index);
            let patient = self.check(
                PatientEmrId::new(&doc.patient_id),
                at(&here, "patient_id"),
                "patient id",
            );
            let note = self.check(mapping::medical_note(doc.note), here, "medical note");
            if let (Some(patient), Some(note)) = (patient, note) {
                notes.push(PatientNote { patient, note });
            }
        }
        let mut documents = Vec::new();
        for (index, doc) in unit.documents.into_iter().enumerate() {
            let here = item(path, "documents", index);
            let patient = self.check(
                PatientEmrId::new(&doc.patient_id),
                at(&here, "patient_id"),
                "patient id",
            );
            let document = self.check(mapping::document(doc.document), here, "document");
            if let (Some(patient), Some(document)) = (patient, document) {
                documents.push(PatientDocument { patient, document });
            }
        }
        let mut confirmations = Vec::new();
        for (index, doc) in unit.confirmations.into_iter().enumerate() {
            let here = item(path, "confirmations", index);
            confirmations.extend(self.confirmation(doc, &here));
        }
        if self.problems.len() > before {
            return None;
        }
        let mut data = CareUnitData::new(CareUnit {
            id: id?,
            name: unit.name,
        });
        data.resources = resources;
        data.services = services;
        data.weekday_slots = weekday_slots;
        data.timeslots = timeslots;
        data.patients = patients;
        data.appointments = appointments;
        data.notes = notes;
        data.documents = documents;
        data.confirmations = confirmations;
        Some(data)
    }

    fn confirmation(&mut self, doc: ConfirmationDoc, path: &[Value]) -> Option<ConfirmationRecord> {
        let appointment_id = self.check(
            AppointmentId::new(&doc.appointment_id),
            at(path, "appointment_id"),
            "appointment id",
        );
        let kind = match (doc.purpose.as_str(), doc.original_id) {
            ("booking", None) if doc.comment.is_none() => Some(ConfirmationKind::Booking),
            ("cancellation", Some(original)) => {
                let original = self.check(
                    AppointmentId::new(&original),
                    at(path, "original_id"),
                    "appointment id",
                );
                let comment = match doc.comment {
                    Some(text) => self.check(Comment::new(text), at(path, "comment"), "comment"),
                    None => None,
                };
                original.map(|original| ConfirmationKind::Cancellation { original, comment })
            }
            _ => {
                self.problem(
                    at(path, "purpose"),
                    "A booking (without original_id and comment) or a cancellation (with original_id)."
                        .to_owned(),
                );
                None
            }
        };
        let code = self.check(
            leyr_domain::appointment::ConfirmationCode::new(&doc.code),
            at(path, "code"),
            "confirmation code",
        );
        let expires_at = self.check(
            strict_time(&doc.expires_at).ok_or(()),
            at(path, "expires_at"),
            "time with an offset",
        );
        let masked = |phone: &str| {
            phone.len() <= 20
                && phone
                    .bytes()
                    .all(|b| b == b'+' || b == b'*' || b.is_ascii_digit())
                && phone.bytes().filter(u8::is_ascii_digit).count() <= 2
        };
        if doc.phone.as_deref().is_some_and(|phone| !masked(phone)) {
            self.problem(
                at(path, "phone"),
                "A masked phone: every digit but the last two as *, e.g. +********01.".to_owned(),
            );
        }
        Some(ConfirmationRecord {
            appointment_id: appointment_id?,
            kind: kind?,
            code: code?,
            wrong_codes: doc.wrong_codes,
            expires_at: expires_at?,
            settled: doc.settled,
            masked_phone: doc.phone,
        })
    }

    fn patient(
        &mut self,
        profile: &EhrProfile,
        doc: PatientDoc,
        path: &[Value],
        care_unit: Option<&CareUnitId>,
        today: NaiveDate,
    ) -> Option<Patient> {
        let leyr_id = match doc.id {
            Some(id) => self.check(LeyrPatientId::new(id), at(path, "id"), "Leyr patient id"),
            None => None,
        };
        let emr_id = self.check(PatientEmrId::new(&doc.emr_id), at(path, "emr_id"), "EHR id");
        // The profile's rule for `external_id` (C33, C46), as a registration meets it.
        let external_id = match profile.external_id.check(doc.external_id.as_deref(), today) {
            Ok(id) => id,
            Err(_) => {
                self.problem(
                    at(path, "external_id"),
                    format!("Missing, or not an external id {} accepts.", profile.name),
                );
                None
            }
        };
        let first_name = self.check(
            PersonName::new(&doc.first_name),
            at(path, "first_name"),
            "name",
        );
        let last_name = self.check(
            PersonName::new(&doc.last_name),
            at(path, "last_name"),
            "name",
        );
        let mut phones = Vec::new();
        for (index, phone) in doc.phones.iter().enumerate() {
            phones.extend(self.check(
                PhoneNumber::new(phone),
                item(path, "phones", index),
                "phone number",
            ));
        }
        if profile.requires_phone && doc.phones.is_empty() {
            self.problem(
                at(path, "phones"),
                format!("{} needs at least one phone number.", profile.name),
            );
        }
        let mut emails = Vec::new();
        for (index, email) in doc.emails.iter().enumerate() {
            emails.extend(self.check(
                EmailAddress::new(email),
                item(path, "emails", index),
                "e-mail address",
            ));
        }
        Some(Patient {
            leyr_id,
            emr_id: emr_id?,
            external_id,
            first_name: first_name?,
            last_name: last_name?,
            care_unit_id: care_unit?.clone(),
            phones,
            emails,
        })
    }

    fn appointment(
        &mut self,
        doc: AppointmentDoc,
        path: &[Value],
        care_unit: Option<&CareUnitId>,
    ) -> Option<Appointment> {
        let id = self.check(
            AppointmentId::new(&doc.id),
            at(path, "id"),
            "appointment id",
        );
        let status = match AppointmentStatus::from_wire(&doc.status) {
            AppointmentStatus::Unknown(_) => {
                self.problem(
                    at(path, "status"),
                    "The status is one of booked, awaiting_confirmation, completed, cancelled."
                        .to_owned(),
                );
                None
            }
            known => Some(known),
        };
        let start = self.check(
            strict_time(&doc.start).ok_or(()),
            at(path, "start"),
            "time with an offset",
        );
        let end = self.check(
            strict_time(&doc.end).ok_or(()),
            at(path, "end"),
            "time with an offset",
        );
        let comment = match doc.comment {
            Some(text) => self.check(Comment::new(text), at(path, "comment"), "comment"),
            None => None,
        };
        let patient = match doc.patient_id {
            Some(text) => self.check(
                PatientEmrId::new(&text),
                at(path, "patient_id"),
                "patient id",
            ),
            None => None,
        };
        let resource_id = match doc.resource_id {
            Some(text) => self.check(
                ResourceId::new(&text),
                at(path, "resource_id"),
                "resource id",
            ),
            None => None,
        };
        let healthcare_service_id = match doc.healthcare_service_id {
            Some(text) => self.check(
                HealthcareServiceId::new(&text),
                at(path, "healthcare_service_id"),
                "healthcare service id",
            ),
            None => None,
        };
        let parts = AppointmentParts {
            id: id?,
            status: status?,
            start: start?,
            end: end?,
            comment,
            care_unit_id: care_unit?.clone(),
            patient,
            resource_id,
            healthcare_service_id,
        };
        self.check(
            Appointment::new(parts),
            at(path, "end"),
            "end (after the start)",
        )
    }
}

/// A time as the sandbox reads one (C35): RFC 3339 with an offset.
fn strict_time(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(text).ok()
}
