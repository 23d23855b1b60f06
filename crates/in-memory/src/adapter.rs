//! The six domain ports, implemented over [`crate::state`].
//!
//! Every method first asks the fault plan ([`crate::faults`]), then looks up the care unit, then
//! checks ids before anything else, as the sandbox does (contract C30: care unit, ids, body).

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, Utc};
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentParts, AppointmentQuery, AppointmentStatus,
    BookingRequest, Comment, ConfirmationCode, LifecycleCommand, LifecycleEvent, RescheduleRequest,
    TransitionError,
};
use leyr_domain::booking_rules::MAX_COMMENT_CHARS;
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::{Document, DocumentFormat, NewDocument};
use leyr_domain::ehr::{Confirmation, ExternalIdError, PatientEmrIds};
use leyr_domain::error::{BackendError, BackendErrorKind, Entity, Rejection, RejectionCode};
use leyr_domain::ids::{AppointmentId, CareUnitId, DocumentId, NoteId, PatientEmrId, ResourceId};
use leyr_domain::medical_note::{MedicalNote, NewMedicalNote, NoteTemplate};
use leyr_domain::national_id::ExternalId;
use leyr_domain::patient::{
    NewPatient, Patient, PatientRef, PatientSearch, PhoneNumber, Registration,
};
use leyr_domain::ports::{
    Availability, BookError, Cancellation, CareUnitCatalog, ChangeError, MedicalNotes,
    PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::{Timeslot, TimeslotQuery};

use crate::InMemoryEhr;
use crate::confirmations::{CodeRefusal, PendingKind};
use crate::faults::{Gate, Operation};
use crate::state::{Placement, Records, SlotEntry, StoredAppointment, UnitState, read, write};

impl InMemoryEhr {
    fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    fn unit(&self, care_unit: &CareUnitId) -> Option<&UnitState> {
        self.inner.world.unit(care_unit)
    }

    /// A new appointment id from the seeded sequence.
    fn mint_appointment_id(&self) -> Result<AppointmentId, BackendError> {
        AppointmentId::new(self.inner.ids.next_uuid()).map_err(|_| internal())
    }
}

/// A failure of this adapter itself, for states that valid data never reaches.
fn internal() -> BackendError {
    BackendError::new(BackendErrorKind::Internal)
}

fn too_long(comment: Option<&Comment>) -> bool {
    comment.is_some_and(|comment| comment.chars() > MAX_COMMENT_CHARS)
}

fn comment_rejection() -> Rejection {
    Rejection::new(RejectionCode::InvalidCommentLength)
}

/// Resolves `patient` to its EHR id.
fn emr_id_of(unit: &UnitState, patient: &PatientRef) -> Option<PatientEmrId> {
    read(&unit.patients)
        .resolve(patient)
        .map(|found| found.emr_id.clone())
}

/// The EHR id and first phone number of the patient `patient` names.
fn emr_id_and_phone(
    unit: &UnitState,
    patient: &PatientRef,
) -> Option<(PatientEmrId, Option<PhoneNumber>)> {
    read(&unit.patients)
        .resolve(patient)
        .map(|found| (found.emr_id.clone(), found.phones.first().cloned()))
}

/// Why a call was turned away at the door: the EHR's profile lacks the operation (C43), or the
/// fault plan failed it.
enum Refusal {
    NotSupported,
    Backend(BackendError),
}

impl From<BackendError> for Refusal {
    fn from(error: BackendError) -> Self {
        Self::Backend(error)
    }
}

fn not_supported() -> Rejection {
    Rejection::new(RejectionCode::NotSupported)
}

macro_rules! from_refusal {
    ($($error:ident),*) => {$(
        impl From<Refusal> for $error {
            fn from(refusal: Refusal) -> Self {
                match refusal {
                    Refusal::NotSupported => Self::Rejected(not_supported()),
                    Refusal::Backend(error) => Self::Backend(error),
                }
            }
        }
    )*};
}
from_refusal!(ReadError, WriteError, BookError, ChangeError);

impl InMemoryEhr {
    /// The start of every port call: an operation outside the EHR's profile is refused with
    /// `NOT_SUPPORTED` before anything else is looked at (C43), then the fault plan has its say.
    async fn enter(&self, operation: Operation) -> Result<Gate, Refusal> {
        if self.enforces_profile() && !self.inner.profile.supports(operation) {
            return Err(Refusal::NotSupported);
        }
        Ok(self.inner.faults.gate(operation).await?)
    }

    /// Whether the EHR looks patients up by this kind of reference (C7): a refusal is
    /// `PATIENT_ID_LOOKUP_TYPE_NOT_SUPPORTED`.
    fn accepts(&self, patient: &PatientRef) -> Result<(), Rejection> {
        if self.inner.profile.accepts_patient_id(patient.id_type()) {
            Ok(())
        } else {
            Err(Rejection::new(RejectionCode::PatientIdTypeNotSupported))
        }
    }
}

#[async_trait]
impl CareUnitCatalog for InMemoryEhr {
    async fn list_care_units(&self) -> Result<Vec<CareUnit>, ReadError> {
        self.enter(Operation::ListCareUnits).await?;
        Ok(self
            .inner
            .world
            .units
            .iter()
            .map(|unit| unit.care_unit.clone())
            .collect())
    }

    async fn list_resources(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, ReadError> {
        self.enter(Operation::ListResources).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        Ok(unit
            .resources
            .iter()
            .map(|resource| resource.resource.clone())
            .collect())
    }

    async fn get_resource(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, ReadError> {
        self.enter(Operation::GetResource).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        let position = unit
            .resource(resource)
            .ok_or(ReadError::NotFound(Entity::Resource))?;
        Ok(unit.resources[position].resource.clone())
    }

    async fn list_healthcare_services(
        &self,
        care_unit: &CareUnitId,
    ) -> Result<Vec<HealthcareService>, ReadError> {
        self.inner
            .faults
            .gate(Operation::ListHealthcareServices)
            .await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        Ok(unit.services.clone())
    }
}

#[async_trait]
impl PatientDirectory for InMemoryEhr {
    async fn get_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, ReadError> {
        self.enter(Operation::GetPatient).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        self.accepts(patient).map_err(ReadError::Rejected)?;
        read(&unit.patients)
            .resolve(patient)
            .cloned()
            .ok_or(ReadError::NotFound(Entity::Patient))
    }

    async fn find_patients(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, ReadError> {
        self.enter(Operation::FindPatients).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        let patients = read(&unit.patients);
        Ok(patients
            .all()
            .iter()
            .filter(|patient| search.matches(patient))
            .cloned()
            .collect())
    }

    async fn register_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &NewPatient,
    ) -> Result<Registration, WriteError> {
        let gate = self.enter(Operation::RegisterPatient).await?;
        gate.finish(
            self.register_patient_now(care_unit, patient),
            WriteError::OutcomeUnknown,
        )
    }
}

impl InMemoryEhr {
    fn register_patient_now(
        &self,
        care_unit: &CareUnitId,
        new_patient: &NewPatient,
    ) -> Result<Registration, WriteError> {
        let unit = self
            .unit(care_unit)
            .ok_or(WriteError::NotFound(Entity::CareUnit))?;
        // The profile's `external_id` rule (C33 for TakeCare), against the EHR clock's date.
        let profile = self.inner.profile;
        let today = in_stockholm(&self.now()).date_naive();
        let external_id = profile
            .external_id
            .check(
                new_patient.external_id.as_ref().map(ExternalId::as_str),
                today,
            )
            .map_err(|error| {
                WriteError::Rejected(Rejection::new(match error {
                    ExternalIdError::Missing => RejectionCode::MissingRequiredField,
                    _ => RejectionCode::BadInput,
                }))
            })?;
        if profile.requires_phone && new_patient.phones.is_empty() {
            return Err(WriteError::Rejected(Rejection::new(
                RejectionCode::MissingRequiredField,
            )));
        }
        let mut patients = write(&unit.patients);
        // C17: an upsert on `external_id`; without one, every registration is a new patient.
        if let Some(existing) = external_id
            .as_ref()
            .and_then(|id| patients.by_external_id(id.as_str()))
        {
            return Ok(Registration::Existing(existing.clone()));
        }
        let leyr_id = self
            .inner
            .ids
            .next_unused(|id| patients.has_leyr_id(id))
            .ok_or_else(internal)?;
        // C6: TakeCare's EHR id is the personnummer; other EHRs mint their own.
        let national_emr_id = external_id
            .as_ref()
            .and_then(ExternalId::national_id)
            .filter(|_| profile.patient_emr_ids == PatientEmrIds::NationalNumber);
        let emr_id = match national_emr_id {
            Some(number) => PatientEmrId::new(number.as_str()).map_err(|_| internal())?,
            None => self
                .inner
                .ids
                .next_unused(|id| {
                    PatientEmrId::new(id)
                        .is_ok_and(|id| patients.resolve(&PatientRef::EmrId(id)).is_some())
                })
                .ok_or_else(internal)?,
        };
        let patient = Patient {
            leyr_id: Some(leyr_id),
            emr_id,
            external_id,
            first_name: new_patient.first_name.clone(),
            last_name: new_patient.last_name.clone(),
            care_unit_id: unit.care_unit.id.clone(),
            phones: new_patient.phones.clone(),
            emails: new_patient.emails.clone(),
        };
        let created = patients.insert(patient).map_err(|_| internal())?;
        Ok(Registration::Created(created.clone()))
    }
}

#[async_trait]
impl Availability for InMemoryEhr {
    async fn find_timeslots(
        &self,
        care_unit: &CareUnitId,
        query: &TimeslotQuery,
    ) -> Result<Vec<Timeslot>, ReadError> {
        self.enter(Operation::FindTimeslots).await?;
        self.find_timeslots_now(care_unit, query)
    }
}

impl InMemoryEhr {
    fn find_timeslots_now(
        &self,
        care_unit: &CareUnitId,
        query: &TimeslotQuery,
    ) -> Result<Vec<Timeslot>, ReadError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let only_resource = match &query.resource_id {
            Some(id) => Some(
                unit.resource(id)
                    .ok_or(ReadError::NotFound(Entity::Resource))?,
            ),
            None => None,
        };
        let only_service = match &query.healthcare_service_id {
            Some(id) => Some(
                unit.service(id)
                    .ok_or(ReadError::NotFound(Entity::HealthcareService))?,
            ),
            None => None,
        };
        let now = in_stockholm(&self.now());
        let resources = match only_resource {
            Some(position) => position..position + 1,
            None => 0..unit.resources.len(),
        };

        // Pick the free entries under the read lock; build the owned slots after releasing it.
        let mut free: Vec<(usize, SlotEntry)> = Vec::new();
        {
            let records = read(&unit.records);
            for resource in resources {
                let candidates = unit.resources[resource].slots_between(
                    query.window.start(),
                    query.window.end(),
                    now,
                );
                let holds = records.holds(resource).counts(candidates.clone());
                let slots = &unit.resources[resource].slots[candidates];
                free.extend(
                    slots
                        .iter()
                        .zip(holds)
                        .filter(|&(entry, &held)| {
                            held == 0
                                && only_service.is_none_or(|service| entry.service() == service)
                        })
                        .map(|(entry, _)| (resource, *entry)),
                );
            }
        }
        if only_resource.is_none() {
            // Each resource's run is already ordered; resource and service indices follow id
            // order, so this sorts by start, then resource id, then service id (contract C10).
            free.sort_by(|(resource_a, a), (resource_b, b)| {
                a.start
                    .cmp(&b.start)
                    .then(resource_a.cmp(resource_b))
                    .then(a.service().cmp(&b.service()))
            });
        }
        // A loop, not `collect::<Result<_, _>>()`, which cannot size the vector up front.
        let mut slots = Vec::with_capacity(free.len());
        for (resource, entry) in free {
            let slot = Timeslot::new(
                entry.start,
                entry.end,
                unit.resources[resource].resource.id.clone(),
                unit.services[entry.service()].id.clone(),
            )
            .map_err(|_| internal())?;
            slots.push(slot);
        }
        Ok(slots)
    }
}

#[async_trait]
impl leyr_domain::ports::AppointmentBook for InMemoryEhr {
    async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Appointment, BookError> {
        let gate = self.enter(Operation::Book).await?;
        gate.finish(self.book_now(care_unit, request), BookError::OutcomeUnknown)
    }

    async fn list_appointments(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, ReadError> {
        self.enter(Operation::ListAppointments).await?;
        self.list_appointments_now(care_unit, query)
    }

    async fn get_appointment(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
    ) -> Result<Appointment, ReadError> {
        self.enter(Operation::GetAppointment).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let now = self.now();
        let records = read(&unit.records);
        if let Some(position) = records.position(appointment) {
            return Ok(Self::current(unit, &records, position, now)?);
        }
        // §9.3: the new id a two-step cancellation answered names the request to cancel.
        self.cancellation_request(unit, &records, appointment, now)
            .ok_or(ReadError::NotFound(Entity::Appointment))
    }

    async fn reschedule(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        request: &RescheduleRequest,
    ) -> Result<Appointment, ChangeError> {
        let gate = self.enter(Operation::Reschedule).await?;
        gate.finish(
            self.reschedule_now(care_unit, appointment, request),
            ChangeError::OutcomeUnknown,
        )
    }

    async fn cancel(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeError> {
        let gate = self.enter(Operation::Cancel).await?;
        let result = if self.inner.profile.cancellation == Confirmation::Code {
            self.request_cancellation_now(care_unit, appointment, cancellation)
        } else {
            self.cancel_all_now(care_unit, std::slice::from_ref(appointment), cancellation)
                .and_then(|cancelled| {
                    cancelled
                        .into_iter()
                        .next()
                        .ok_or_else(|| internal().into())
                })
        };
        gate.finish(result, ChangeError::OutcomeUnknown)
    }

    async fn cancel_many(
        &self,
        care_unit: &CareUnitId,
        batch: &AppointmentBatch,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeError> {
        let gate = self.enter(Operation::CancelMany).await?;
        if self.inner.profile.cancellation == Confirmation::Code {
            // One code per cancellation: a batch has no one id to confirm.
            return Err(ChangeError::Rejected(Rejection::new(
                RejectionCode::NotSupported,
            )));
        }
        gate.finish(
            self.cancel_all_now(care_unit, batch.ids(), cancellation),
            ChangeError::OutcomeUnknown,
        )
    }

    async fn confirm(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeError> {
        let gate = self.enter(Operation::Confirm).await?;
        gate.finish(
            self.confirm_now(care_unit, appointment, code),
            ChangeError::OutcomeUnknown,
        )
    }
}

impl InMemoryEhr {
    fn book_now(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Appointment, BookError> {
        let unit = self
            .unit(care_unit)
            .ok_or(BookError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        self.accepts(&request.patient)
            .map_err(BookError::Rejected)?;
        let (patient, phone) =
            emr_id_and_phone(unit, &request.patient).ok_or(BookError::NotFound(Entity::Patient))?;
        let slot = &request.slot;
        let resource = unit
            .resource(slot.resource_id())
            .ok_or(BookError::NotFound(Entity::Resource))?;
        let service = unit
            .service(slot.healthcare_service_id())
            .ok_or(BookError::NotFound(Entity::HealthcareService))?;
        if too_long(request.comment.as_ref()) {
            return Err(BookError::Rejected(comment_rejection()));
        }
        let index = unit.resources[resource]
            .find_slot(slot.start(), slot.end(), service)
            .ok_or(BookError::SlotTaken)?;
        let entry = unit.resources[resource].slots[index];
        if entry.start.with_timezone(&Utc) <= self.now() {
            return Err(BookError::SlotTaken);
        }
        // §9.3 for a profile that confirms by code; C25 when a code is configured.
        let by_code = self.inner.profile.booking == Confirmation::Code;
        let status = if by_code || self.inner.confirmation_code.is_some() {
            AppointmentStatus::AwaitingConfirmation
        } else {
            AppointmentStatus::Booked
        };
        let mut stored = StoredAppointment {
            id: self.mint_appointment_id()?,
            status,
            start: entry.start,
            end: entry.end,
            comment: request.comment.clone(),
            patient: Some(patient),
            resource: Some(resource),
            service: Some(service),
            span: unit.resources[resource].span_of_slot(index),
        };
        // Everything that allocates happens before the lock; under it, only the check that the
        // slot is still free and the insert, so concurrent bookings wait as little as possible.
        loop {
            // The answer carries the caller's own ids, equal to the world's (a prefixed resource
            // id aside, C21): concurrent bookings then do not all bump the world's shared ones.
            let resource_id = if slot.resource_id().as_str().starts_with("emr_id:") {
                unit.resources[resource].resource.id.clone()
            } else {
                slot.resource_id().clone()
            };
            let answer = Appointment::new(AppointmentParts {
                id: stored.id.clone(),
                status: stored.status.clone(),
                start: stored.start,
                end: stored.end,
                comment: stored.comment.clone(),
                care_unit_id: care_unit.clone(),
                patient: stored.patient.clone(),
                resource_id: Some(resource_id),
                healthcare_service_id: Some(slot.healthcare_service_id().clone()),
            })
            .map_err(|_| internal())?;
            let key = stored.id.clone();
            let mut records = write(&unit.records);
            if !records.holds(resource).is_free(index) {
                return Err(BookError::SlotTaken);
            }
            match records.try_insert(&unit.resources, stored, key) {
                Ok(_) => {
                    if by_code {
                        // Under the appointments' lock: the code exists as soon as the booking.
                        self.confirmations().start(
                            answer.id().clone(),
                            care_unit.clone(),
                            PendingKind::Booking,
                            phone.as_ref(),
                            self.now(),
                        );
                    }
                    return Ok(answer);
                }
                Err(refused) => {
                    // The minted id was taken (possible only with data seeded from the same
                    // sequence): mint another.
                    drop(records);
                    stored = *refused;
                    stored.id = self.mint_appointment_id()?;
                }
            }
        }
    }

    fn list_appointments_now(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, ReadError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        // §3.9: a window must end after it starts; the sandbox says so before any lookup.
        if let (Some(start), Some(end)) = (query.start, query.end)
            && end <= start
        {
            return Err(ReadError::Rejected(Rejection::new(RejectionCode::BadInput)));
        }
        if let Some(patient) = &query.patient {
            self.accepts(patient).map_err(ReadError::Rejected)?;
        }
        let patient = match &query.patient {
            Some(reference) => {
                Some(emr_id_of(unit, reference).ok_or(ReadError::NotFound(Entity::Patient))?)
            }
            None => None,
        };
        let resource = match &query.resource_id {
            Some(id) => Some(
                unit.resource(id)
                    .ok_or(ReadError::NotFound(Entity::Resource))?,
            ),
            None => None,
        };
        let now = self.now();
        let records = read(&unit.records);
        let mut positions: Vec<usize> = match &patient {
            Some(emr_id) => records.positions_of_patient(emr_id).to_vec(),
            None => records.positions().collect(),
        };
        positions.retain(|&position| {
            let stored = records.stored(position);
            resource.is_none_or(|resource| stored.resource == Some(resource))
                && query.starts_within(&stored.start)
        });
        positions.sort_by_key(|&position| (records.stored(position).start, position));
        let mut appointments = Vec::with_capacity(positions.len());
        for position in positions {
            appointments.push(Self::current(unit, &records, position, now)?);
        }
        Ok(appointments)
    }

    /// The appointment at `position` as the EHR reports it now.
    fn current(
        unit: &UnitState,
        records: &Records,
        position: usize,
        now: DateTime<Utc>,
    ) -> Result<Appointment, BackendError> {
        unit.appointment(records.stored(position))
            .map(|appointment| appointment.reported_at(now))
            .ok_or_else(internal)
    }

    fn reschedule_now(
        &self,
        care_unit: &CareUnitId,
        id: &AppointmentId,
        request: &RescheduleRequest,
    ) -> Result<Appointment, ChangeError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ChangeError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let target = &request.slot;
        let resource = unit.resource(target.resource_id());
        let now = self.now();
        let mut records = write(&unit.records);
        let position = records
            .position(id)
            .ok_or(ChangeError::NotFound(Entity::Appointment))?;
        let resource = resource.ok_or(ChangeError::NotFound(Entity::Resource))?;
        if too_long(request.comment.as_ref()) {
            return Err(ChangeError::Rejected(comment_rejection()));
        }
        let current = Self::current(unit, &records, position, now)?;
        // Lifecycle first (only a booked appointment moves), then the slot: one of the same
        // service, offered, starting after now, and free but for this appointment itself.
        current
            .status()
            .after(LifecycleEvent::Reschedule)
            .map_err(ChangeError::Forbidden)?;
        if current.healthcare_service_id() != Some(target.healthcare_service_id()) {
            return Err(ChangeError::SlotTaken);
        }
        let service = unit
            .service(target.healthcare_service_id())
            .ok_or(ChangeError::SlotTaken)?;
        let index = unit.resources[resource]
            .find_slot(target.start(), target.end(), service)
            .ok_or(ChangeError::SlotTaken)?;
        let entry = unit.resources[resource].slots[index];
        if entry.start.with_timezone(&Utc) <= now
            || !records.is_free(&unit.resources, resource, index, Some(position))
        {
            return Err(ChangeError::SlotTaken);
        }
        let slot = Timeslot::new(
            entry.start,
            entry.end,
            unit.resources[resource].resource.id.clone(),
            unit.services[service].id.clone(),
        )
        .map_err(|_| internal())?;
        let moved = current
            .apply(&LifecycleCommand::Reschedule {
                slot,
                comment: request.comment.clone(),
            })
            .map_err(ChangeError::Forbidden)?;
        let placement = Placement {
            resource,
            service,
            span: unit.resources[resource].span_of_slot(index),
        };
        records.update(&unit.resources, position, &moved, Some(placement));
        Ok(moved)
    }

    /// Cancels every id, all or nothing, in order (contract C23, C24).
    fn cancel_all_now(
        &self,
        care_unit: &CareUnitId,
        ids: &[AppointmentId],
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ChangeError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let now = self.now();
        let mut records = write(&unit.records);
        let positions = ids
            .iter()
            .map(|id| {
                records
                    .position(id)
                    .ok_or(ChangeError::NotFound(Entity::Appointment))
            })
            .collect::<Result<Vec<usize>, ChangeError>>()?;
        if too_long(cancellation.comment.as_ref()) {
            return Err(ChangeError::Rejected(comment_rejection()));
        }
        let command = LifecycleCommand::Cancel {
            comment: cancellation.comment.clone(),
        };
        let mut cancelled = Vec::with_capacity(positions.len());
        for &position in &positions {
            let current = Self::current(unit, &records, position, now)?;
            cancelled.push(current.apply(&command).map_err(ChangeError::Forbidden)?);
        }
        for (&position, appointment) in positions.iter().zip(&cancelled) {
            records.update(&unit.resources, position, appointment, None);
        }
        Ok(cancelled)
    }

    fn confirm_now(
        &self,
        care_unit: &CareUnitId,
        id: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ChangeError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let now = self.now();
        let mut records = write(&unit.records);
        let checked = self.confirmations().check(id, code, now);
        if let Some(checked) = checked {
            return self.confirm_by_code(unit, &mut records, id, checked, now);
        }
        let position = records
            .position(id)
            .ok_or(ChangeError::NotFound(Entity::Appointment))?;
        let confirmed = Self::current(unit, &records, position, now)?
            .apply(&LifecycleCommand::Confirm)
            .map_err(ChangeError::Forbidden)?;
        if self.inner.confirmation_code.as_ref() != Some(code) {
            return Err(ChangeError::Rejected(Rejection::new(
                RejectionCode::BadInput,
            )));
        }
        records.update(&unit.resources, position, &confirmed, None);
        Ok(confirmed.reported_at(now))
    }
}

#[async_trait]
impl MedicalNotes for InMemoryEhr {
    async fn list_notes(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, ReadError> {
        self.enter(Operation::ListNotes).await?;
        let unit = self
            .unit(care_unit)
            .ok_or(ReadError::NotFound(Entity::CareUnit))?;
        self.accepts(patient).map_err(ReadError::Rejected)?;
        let emr_id = emr_id_of(unit, patient).ok_or(ReadError::NotFound(Entity::Patient))?;
        let mut notes = read(&unit.records).notes_of(&emr_id).to_vec();
        // Stable: notes written at the same instant stay in the order they were written.
        notes.sort_by_key(|note| note.created_at);
        Ok(notes)
    }

    async fn write_note(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        note: &NewMedicalNote,
    ) -> Result<MedicalNote, WriteError> {
        let gate = self.enter(Operation::WriteNote).await?;
        gate.finish(
            self.write_note_now(care_unit, patient, note),
            WriteError::OutcomeUnknown,
        )
    }
}

impl InMemoryEhr {
    /// The care unit, the patient's EHR id and the canonical author id, checked in that order.
    fn patient_and_author(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        author: &ResourceId,
    ) -> Result<(&UnitState, PatientEmrId, ResourceId), WriteError> {
        let unit = self
            .unit(care_unit)
            .ok_or(WriteError::NotFound(Entity::CareUnit))?;
        self.accepts(patient).map_err(WriteError::Rejected)?;
        let emr_id = emr_id_of(unit, patient).ok_or(WriteError::NotFound(Entity::Patient))?;
        let author = unit
            .resource(author)
            .ok_or(WriteError::NotFound(Entity::Author))?;
        Ok((unit, emr_id, unit.resources[author].resource.id.clone()))
    }

    fn write_note_now(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        note: &NewMedicalNote,
    ) -> Result<MedicalNote, WriteError> {
        let (unit, emr_id, author) = self.patient_and_author(care_unit, patient, &note.author)?;
        if note.template != NoteTemplate::Unstructured {
            return Err(WriteError::Rejected(Rejection::new(
                RejectionCode::NotSupported,
            )));
        }
        let created_at: DateTime<FixedOffset> = in_stockholm(&self.now());
        let mut records = write(&unit.records);
        let id: NoteId = self
            .inner
            .ids
            .next_unused(|id| records.has_note(id))
            .ok_or_else(internal)?;
        let written = MedicalNote {
            id,
            created_at,
            template: Some(NoteTemplate::Unstructured),
            title: Some(note.title.clone()),
            author: Some(author),
            text: Some(note.text.clone()),
        };
        records.add_note(&emr_id, written.clone());
        Ok(written)
    }
}

#[async_trait]
impl PatientDocuments for InMemoryEhr {
    async fn upload_document(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteError> {
        let gate = self.enter(Operation::UploadDocument).await?;
        gate.finish(
            self.upload_document_now(care_unit, patient, document),
            WriteError::OutcomeUnknown,
        )
    }
}

impl InMemoryEhr {
    fn upload_document_now(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteError> {
        let (unit, emr_id, author) =
            self.patient_and_author(care_unit, patient, document.author())?;
        if !matches!(
            document.format(),
            DocumentFormat::Pdf | DocumentFormat::Jpeg | DocumentFormat::Png
        ) {
            return Err(WriteError::Rejected(Rejection::new(
                RejectionCode::NotSupported,
            )));
        }
        let created_at = in_stockholm(&self.now());
        let mut records = write(&unit.records);
        let id: DocumentId = self
            .inner
            .ids
            .next_unused(|id| records.has_document(id))
            .ok_or_else(internal)?;
        let stored = Document {
            id,
            title: Some(document.title().to_owned()),
            kind: Some(document.kind().to_owned()),
            format: Some(document.format().clone()),
            author: Some(author),
            created_at: Some(created_at),
        };
        records.add_document(&emr_id, stored.clone());
        Ok(stored)
    }
}

/// Confirmation by code (§9.3, C46a); see [`crate::confirmations`].
impl InMemoryEhr {
    /// Lets every unconfirmed booking of `unit` whose code has lapsed go: it is cancelled and
    /// its slot freed. Cheap when nothing waits.
    fn settle(&self, unit: &UnitState) {
        if self.inner.profile.booking != Confirmation::Code {
            return;
        }
        let now = self.now();
        if !self
            .confirmations()
            .may_have_lapsed(&unit.care_unit.id, now)
        {
            return;
        }
        let mut records = write(&unit.records);
        let lapsed = self.confirmations().lapse(&unit.care_unit.id, now);
        let command = LifecycleCommand::Cancel { comment: None };
        for id in lapsed {
            let Some(position) = records.position(&id) else {
                continue;
            };
            let Ok(current) = Self::current(unit, &records, position, now) else {
                continue;
            };
            if let Ok(cancelled) = current.apply(&command) {
                records.update(&unit.resources, position, &cancelled, None);
            }
        }
    }

    /// The first step of a two-step cancellation: a new id awaiting confirmation, the
    /// original untouched and still holding its slot.
    fn request_cancellation_now(
        &self,
        care_unit: &CareUnitId,
        id: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeError> {
        let unit = self
            .unit(care_unit)
            .ok_or(ChangeError::NotFound(Entity::CareUnit))?;
        self.settle(unit);
        let now = self.now();
        let records = write(&unit.records);
        let position = records
            .position(id)
            .ok_or(ChangeError::NotFound(Entity::Appointment))?;
        if too_long(cancellation.comment.as_ref()) {
            return Err(ChangeError::Rejected(comment_rejection()));
        }
        let current = Self::current(unit, &records, position, now)?;
        match current.status() {
            // C23: cancelling a cancelled appointment answers it unchanged.
            AppointmentStatus::Cancelled => return Ok(current),
            AppointmentStatus::Booked => {}
            AppointmentStatus::Completed => {
                return Err(ChangeError::Forbidden(TransitionError::Completed));
            }
            _ => return Err(ChangeError::Forbidden(TransitionError::NotBooked)),
        }
        let request_id = self
            .inner
            .ids
            .next_unused(|candidate| {
                AppointmentId::new(candidate).is_ok_and(|candidate| {
                    records.position(&candidate).is_some()
                        || self.confirmations().get(&candidate).is_some()
                })
            })
            .ok_or_else(internal)?;
        let phone = current.patient().and_then(|emr_id| {
            read(&unit.patients)
                .resolve(&PatientRef::EmrId(emr_id.clone()))
                .and_then(|patient| patient.phones.first().cloned())
        });
        let request = with_id_and_status(
            &current,
            &request_id,
            AppointmentStatus::AwaitingConfirmation,
        )?;
        self.confirmations().start(
            request_id,
            care_unit.clone(),
            PendingKind::Cancellation {
                original: id.clone(),
                comment: cancellation.comment.clone(),
            },
            phone.as_ref(),
            now,
        );
        Ok(request)
    }

    /// The appointment object a two-step cancellation's new id stands for: the original's
    /// times and parties, `awaiting_confirmation` while the code is good, then `cancelled`
    /// (confirmed, or lapsed: either way the id is spent).
    fn cancellation_request(
        &self,
        unit: &UnitState,
        records: &Records,
        id: &AppointmentId,
        now: DateTime<Utc>,
    ) -> Option<Appointment> {
        let confirmations = self.confirmations();
        let pending = confirmations.get(id)?;
        let PendingKind::Cancellation { original, .. } = &pending.kind else {
            return None;
        };
        if pending.care_unit != unit.care_unit.id {
            return None;
        }
        let open = !pending.settled && pending.expires_at > now;
        let current = Self::current(unit, records, records.position(original)?, now).ok()?;
        let status = if open {
            AppointmentStatus::AwaitingConfirmation
        } else {
            AppointmentStatus::Cancelled
        };
        with_id_and_status(&current, id, status).ok()
    }

    /// The second step of a confirmation by code, with the appointments' lock held.
    fn confirm_by_code(
        &self,
        unit: &UnitState,
        records: &mut Records,
        id: &AppointmentId,
        checked: Result<crate::confirmations::Pending, CodeRefusal>,
        now: DateTime<Utc>,
    ) -> Result<Appointment, ChangeError> {
        let pending = match checked {
            Ok(pending) => pending,
            // A wrong code, or one too many: the code field is at fault.
            Err(CodeRefusal::Wrong) => {
                return Err(ChangeError::Rejected(Rejection::new(
                    RejectionCode::BadInput,
                )));
            }
            // Spent or lapsed: the appointment is no longer awaiting confirmation.
            Err(CodeRefusal::Settled) => {
                return Err(ChangeError::Forbidden(
                    TransitionError::NotAwaitingConfirmation,
                ));
            }
        };
        let (target, command) = match &pending.kind {
            PendingKind::Booking => (id, LifecycleCommand::Confirm),
            PendingKind::Cancellation { original, comment } => (
                original,
                LifecycleCommand::Cancel {
                    comment: comment.clone(),
                },
            ),
        };
        let position = records
            .position(target)
            .ok_or(ChangeError::NotFound(Entity::Appointment))?;
        let changed = Self::current(unit, records, position, now)?
            .apply(&command)
            .map_err(ChangeError::Forbidden)?;
        records.update(&unit.resources, position, &changed, None);
        Ok(changed.reported_at(now))
    }
}

/// `appointment` under another id and status.
fn with_id_and_status(
    appointment: &Appointment,
    id: &AppointmentId,
    status: AppointmentStatus,
) -> Result<Appointment, BackendError> {
    Appointment::new(AppointmentParts {
        id: id.clone(),
        status,
        start: appointment.start(),
        end: appointment.end(),
        comment: appointment.comment().cloned(),
        care_unit_id: appointment.care_unit_id().clone(),
        patient: appointment.patient().cloned(),
        resource_id: appointment.resource_id().cloned(),
        healthcare_service_id: appointment.healthcare_service_id().cloned(),
    })
    .map_err(|_| internal())
}

impl leyr_domain::ports::Capabilities for InMemoryEhr {
    fn profile(&self) -> &'static leyr_domain::ehr::EhrProfile {
        InMemoryEhr::profile(self)
    }
}
