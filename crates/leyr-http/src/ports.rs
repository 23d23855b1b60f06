//! Every port of `leyr-domain` over Leyr's paths (contract §3).
//!
//! Each method builds its URL from its operation's route and the care unit it is given, sends
//! through [`LeyrClient::execute`] with the [`CallKind`] of its row in C37, and maps the answer
//! with [`leyr_wire::mapping`]. Each runs in one span `leyr.<operation>` with the attributes
//! `leyr.operation` and `leyr.emr`; each attempt inside it gets its own HTTP client span (see
//! the client): never a URL, query string, id value or name (C3).

use async_trait::async_trait;
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, BookingRequest, ConfirmationCode,
    RescheduleRequest,
};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::{Document, NewDocument};
use leyr_domain::ehr::Operation;
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, CareUnitId, ResourceId};
use leyr_domain::medical_note::{MedicalNote, NewMedicalNote};
use leyr_domain::patient::{NewPatient, Patient, PatientRef, PatientSearch, Registration};
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    MedicalNotes, PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::timeslot::{Timeslot, TimeslotQuery};
use serde::de::DeserializeOwned;

use crate::client::{Call, LeyrClient};
use crate::error::{CallError, book_error, change_error, read_error, write_error};
use crate::retry::CallKind;
use leyr_wire::dto::{
    AppointmentDto, CareUnitDto, DocumentDto, HealthcareServiceDto, MedicalNoteDto, OneOrMany,
    PatientDto, ResourceDto, TimeslotDto, UpdateAppointmentRequest,
};
use leyr_wire::mapping::{self, MappingError};
use leyr_wire::query;

/// A success answer whose JSON decoded but does not fit the domain.
#[derive(Debug, thiserror::Error)]
enum ShapeError {
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error("the answer is an empty list where one item was expected")]
    Empty,
}

/// The one appointment of a create or PATCH answer: an object or a one-element array (C19, C22).
fn single_appointment(answer: OneOrMany<AppointmentDto>) -> Result<Appointment, ShapeError> {
    let dto = answer.into_first().ok_or(ShapeError::Empty)?;
    Ok(mapping::appointment(dto)?)
}

fn every<D, T>(
    dtos: Vec<D>,
    map: impl Fn(D) -> Result<T, MappingError>,
) -> Result<Vec<T>, ShapeError> {
    dtos.into_iter()
        .map(map)
        .collect::<Result<_, _>>()
        .map_err(ShapeError::from)
}

impl LeyrClient {
    /// Sends `call` and maps its JSON answer with `map`.
    async fn send<D: DeserializeOwned, T>(
        &self,
        call: Call,
        map: impl FnOnce(D) -> Result<T, ShapeError>,
    ) -> Result<T, CallError> {
        let answer = self.execute(call).await?;
        let dto = answer.json::<D>()?;
        map(dto).map_err(|error| answer.invalid(error))
    }

    async fn get<D: DeserializeOwned, T>(
        &self,
        operation: Operation,
        care_unit: Option<&CareUnitId>,
        ids: &[&str],
        query: &[(String, String)],
        map: impl FnOnce(D) -> Result<T, ShapeError>,
    ) -> Result<T, CallError> {
        let target = self.target(operation, care_unit, ids, query)?;
        self.send(Self::call(target, CallKind::Read), map).await
    }

    /// A PATCH of one appointment, answered by the appointment (C22).
    async fn patch_appointment(
        &self,
        operation: Operation,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        body: &UpdateAppointmentRequest,
    ) -> Result<Appointment, ChangeError> {
        let result = async {
            let target = self.target(operation, Some(care_unit), &[appointment.as_str()], &[])?;
            let call = Self::call_with(target, CallKind::Write, body)?;
            self.send(call, single_appointment).await
        };
        result
            .await
            .map_err(|error| change_error(error, Entity::Appointment))
    }
}

#[async_trait]
impl CareUnitCatalog for LeyrClient {
    #[tracing::instrument(name = "leyr.list_care_units", skip_all,
        fields(leyr.operation = "list_care_units", leyr.emr = %self.emr()))]
    async fn list_care_units(&self) -> Result<Vec<CareUnit>, ReadError> {
        self.get(
            Operation::ListCareUnits,
            None,
            &[],
            &[],
            |dtos: Vec<CareUnitDto>| every(dtos, mapping::care_unit),
        )
        .await
        .map_err(|error| read_error(error, Entity::Other))
    }

    #[tracing::instrument(name = "leyr.list_resources", skip_all,
        fields(leyr.operation = "list_resources", leyr.emr = %self.emr()))]
    async fn list_resources(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, ReadError> {
        self.get(
            Operation::ListResources,
            Some(care_unit),
            &[],
            &[],
            |dtos: Vec<ResourceDto>| every(dtos, mapping::resource),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    #[tracing::instrument(name = "leyr.get_resource", skip_all,
        fields(leyr.operation = "get_resource", leyr.emr = %self.emr()))]
    async fn get_resource(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, ReadError> {
        let resource_id = mapping::resource_id(resource);
        self.get(
            Operation::GetResource,
            Some(care_unit),
            &[&resource_id],
            &[],
            |dto: ResourceDto| Ok(mapping::resource(dto)?),
        )
        .await
        .map_err(|error| read_error(error, Entity::Resource))
    }

    #[tracing::instrument(name = "leyr.list_healthcare_services", skip_all,
        fields(leyr.operation = "list_healthcare_services", leyr.emr = %self.emr()))]
    async fn list_healthcare_services(
        &self,
        care_unit: &CareUnitId,
    ) -> Result<Vec<HealthcareService>, ReadError> {
        self.get(
            Operation::ListHealthcareServices,
            Some(care_unit),
            &[],
            &[],
            |dtos: Vec<HealthcareServiceDto>| every(dtos, mapping::healthcare_service),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }
}

#[async_trait]
impl PatientDirectory for LeyrClient {
    #[tracing::instrument(name = "leyr.get_patient", skip_all,
        fields(leyr.operation = "get_patient", leyr.emr = %self.emr()))]
    async fn get_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, ReadError> {
        let patient_id = mapping::patient_id(patient);
        self.get(
            Operation::GetPatient,
            Some(care_unit),
            &[&patient_id],
            &[],
            |dto: PatientDto| Ok(mapping::patient(dto)?),
        )
        .await
        .map_err(|error| read_error(error, Entity::Patient))
    }

    #[tracing::instrument(name = "leyr.find_patients", skip_all,
        fields(leyr.operation = "find_patients", leyr.emr = %self.emr()))]
    async fn find_patients(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, ReadError> {
        let query = query::to_pairs(&mapping::patient_search_params(search));
        self.get(
            Operation::FindPatients,
            Some(care_unit),
            &[],
            &query,
            |dtos: Vec<PatientDto>| every(dtos, mapping::patient),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    /// `POST /patients` is an upsert, so it is retried like a read (C37). A 201 answer is a new
    /// patient, any other success an existing one (C17).
    #[tracing::instrument(name = "leyr.register_patient", skip_all,
        fields(leyr.operation = "register_patient", leyr.emr = %self.emr()))]
    async fn register_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &NewPatient,
    ) -> Result<Registration, WriteError> {
        let result = async {
            let target = self.target(Operation::RegisterPatient, Some(care_unit), &[], &[])?;
            let body = mapping::create_patient_request(patient);
            let answer = self
                .execute(Self::call_with(target, CallKind::Upsert, &body)?)
                .await?;
            let patient = mapping::patient(answer.json::<PatientDto>()?)
                .map_err(|error| answer.invalid(error))?;
            Ok(if answer.status == 201 {
                Registration::Created(patient)
            } else {
                Registration::Existing(patient)
            })
        };
        result
            .await
            .map_err(|error| write_error(error, Entity::CareUnit))
    }
}

#[async_trait]
impl Availability for LeyrClient {
    #[tracing::instrument(name = "leyr.find_timeslots", skip_all,
        fields(leyr.operation = "find_timeslots", leyr.emr = %self.emr()))]
    async fn find_timeslots(
        &self,
        care_unit: &CareUnitId,
        query: &TimeslotQuery,
    ) -> Result<Vec<Timeslot>, ReadError> {
        // RFC 3339 in Stockholm time; the query encoding sends `+` as `%2B` (C15, C34).
        let pairs = query::to_pairs(&mapping::timeslot_params(query));
        self.get(
            Operation::FindTimeslots,
            Some(care_unit),
            &[],
            &pairs,
            |dtos: Vec<TimeslotDto>| every(dtos, mapping::timeslot),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }
}

#[async_trait]
impl AppointmentBook for LeyrClient {
    /// Sent exactly once (C38): a 429 or 503 comes back as `Backend` (kind `Throttled` or
    /// `Unavailable`), and a timeout, lost connection, 502, 504 or unreadable success answer as
    /// `OutcomeUnknown`, for the booking use case to reconcile.
    #[tracing::instrument(name = "leyr.book", skip_all,
        fields(leyr.operation = "book", leyr.emr = %self.emr()))]
    async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Appointment, BookError> {
        let result = async {
            let target = self.target(Operation::Book, Some(care_unit), &[], &[])?;
            let body = mapping::create_appointment_request(request);
            let call = Self::call_with(target, CallKind::Booking, &body)?;
            self.send(call, single_appointment).await
        };
        result
            .await
            .map_err(|error| book_error(error, Entity::CareUnit))
    }

    #[tracing::instrument(name = "leyr.list_appointments", skip_all,
        fields(leyr.operation = "list_appointments", leyr.emr = %self.emr()))]
    async fn list_appointments(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, ReadError> {
        let pairs = query::to_pairs(&mapping::appointment_params(query));
        self.get(
            Operation::ListAppointments,
            Some(care_unit),
            &[],
            &pairs,
            |dtos: Vec<AppointmentDto>| every(dtos, mapping::appointment),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    /// C40: `GET {CU}/appointments/{appointment_id}`, once per lookup. If Leyr answers that the
    /// route does not exist, the client remembers it and from then on lists the care unit's
    /// appointments and picks the id.
    #[tracing::instrument(name = "leyr.get_appointment", skip_all,
        fields(leyr.operation = "get_appointment", leyr.emr = %self.emr()))]
    async fn get_appointment(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
    ) -> Result<Appointment, ReadError> {
        if !self.single_appointment_route_missing() {
            let answer = self
                .get(
                    Operation::GetAppointment,
                    Some(care_unit),
                    &[appointment.as_str()],
                    &[],
                    |dto: AppointmentDto| Ok(mapping::appointment(dto)?),
                )
                .await;
            match answer {
                Err(error) if error.is_missing_route() => {
                    tracing::info!(
                        "Leyr has no single-appointment route; looking appointments up by listing"
                    );
                    self.remember_single_appointment_route_missing();
                }
                other => return other.map_err(|error| read_error(error, Entity::Appointment)),
            }
        }
        self.list_appointments(care_unit, &AppointmentQuery::default())
            .await?
            .into_iter()
            .find(|listed| listed.id() == appointment)
            .ok_or(ReadError::NotFound(Entity::Appointment))
    }

    #[tracing::instrument(name = "leyr.reschedule", skip_all,
        fields(leyr.operation = "reschedule", leyr.emr = %self.emr()))]
    async fn reschedule(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        request: &RescheduleRequest,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(
            Operation::Reschedule,
            care_unit,
            appointment,
            &mapping::reschedule_request(request),
        )
        .await
    }

    /// When the EHR answers `awaiting_confirmation`, the returned appointment carries the new id
    /// to confirm (C23).
    #[tracing::instrument(name = "leyr.cancel", skip_all,
        fields(leyr.operation = "cancel", leyr.emr = %self.emr()))]
    async fn cancel(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(
            Operation::Cancel,
            care_unit,
            appointment,
            &mapping::cancel_request(cancellation),
        )
        .await
    }

    #[tracing::instrument(name = "leyr.cancel_many", skip_all,
        fields(leyr.operation = "cancel_many", leyr.emr = %self.emr()))]
    async fn cancel_many(
        &self,
        care_unit: &CareUnitId,
        batch: &AppointmentBatch,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeError> {
        let result = async {
            let target = self.target(Operation::CancelMany, Some(care_unit), &[], &[])?;
            let body = mapping::bulk_cancel_request(batch, cancellation);
            let call = Self::call_with(target, CallKind::Write, &body)?;
            self.send(call, |answer: OneOrMany<AppointmentDto>| {
                let dtos = match answer {
                    OneOrMany::Many(dtos) => dtos,
                    OneOrMany::One(dto) => vec![dto],
                };
                every(dtos, mapping::appointment)
            })
            .await
        };
        result
            .await
            .map_err(|error| change_error(error, Entity::Appointment))
    }

    #[tracing::instrument(name = "leyr.confirm", skip_all,
        fields(leyr.operation = "confirm", leyr.emr = %self.emr()))]
    async fn confirm(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(
            Operation::Confirm,
            care_unit,
            appointment,
            &mapping::confirm_request(code),
        )
        .await
    }
}

#[async_trait]
impl MedicalNotes for LeyrClient {
    #[tracing::instrument(name = "leyr.list_notes", skip_all,
        fields(leyr.operation = "list_notes", leyr.emr = %self.emr()))]
    async fn list_notes(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, ReadError> {
        let patient_id = mapping::patient_id(patient);
        self.get(
            Operation::ListNotes,
            Some(care_unit),
            &[&patient_id],
            &[],
            |dtos: Vec<MedicalNoteDto>| every(dtos, mapping::medical_note),
        )
        .await
        .map_err(|error| read_error(error, Entity::Patient))
    }

    #[tracing::instrument(name = "leyr.write_note", skip_all,
        fields(leyr.operation = "write_note", leyr.emr = %self.emr()))]
    async fn write_note(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        note: &NewMedicalNote,
    ) -> Result<MedicalNote, WriteError> {
        let result = async {
            let patient_id = mapping::patient_id(patient);
            let target = self.target(Operation::WriteNote, Some(care_unit), &[&patient_id], &[])?;
            let body = mapping::create_note_request(note);
            let call = Self::call_with(target, CallKind::Write, &body)?;
            self.send(call, |dto: MedicalNoteDto| Ok(mapping::medical_note(dto)?))
                .await
        };
        result
            .await
            .map_err(|error| write_error(error, Entity::Patient))
    }
}

#[async_trait]
impl PatientDocuments for LeyrClient {
    /// Each attempt may take the upload timeout (60 s by default) rather than the usual one.
    #[tracing::instrument(name = "leyr.upload_document", skip_all,
        fields(leyr.operation = "upload_document", leyr.emr = %self.emr()))]
    async fn upload_document(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteError> {
        let result = async {
            let patient_id = mapping::patient_id(patient);
            let target = self.target(
                Operation::UploadDocument,
                Some(care_unit),
                &[&patient_id],
                &[],
            )?;
            let body = mapping::upload_document_request(document);
            let mut call = Self::call_with(target, CallKind::Write, &body)?;
            call.upload = true;
            self.send(call, |dto: DocumentDto| Ok(mapping::document(dto)?))
                .await
        };
        result
            .await
            .map_err(|error| write_error(error, Entity::Patient))
    }
}

impl leyr_domain::ports::Capabilities for LeyrClient {
    fn profile(&self) -> &'static leyr_domain::ehr::EhrProfile {
        LeyrClient::profile(self)
    }
}
