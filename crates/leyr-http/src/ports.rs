//! Every port of `leyr-domain` over Leyr's paths (contract §3).
//!
//! Each method builds its URL from the care unit it is given, sends through
//! [`LeyrClient::execute`] with the [`CallKind`] of its row in C37, and maps the answer with
//! [`crate::mapping`]. Spans are named `leyr.http.<method>` and carry the route template, the
//! last attempt and status: never a URL, query string, id value or name (C3).

use async_trait::async_trait;
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentQuery, BookingRequest, ConfirmationCode,
    RescheduleRequest,
};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::{Document, NewDocument};
use leyr_domain::error::Entity;
use leyr_domain::ids::{AppointmentId, CareUnitId, ResourceId};
use leyr_domain::medical_note::{MedicalNote, NewMedicalNote};
use leyr_domain::patient::{NewPatient, Patient, PatientRef, PatientSearch, Registration};
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    MedicalNotes, PatientDirectory, PatientDocuments, ReadError, WriteError,
};
use leyr_domain::timeslot::{Timeslot, TimeslotQuery};
use reqwest::Method;
use serde::de::DeserializeOwned;
use tracing::field::Empty;

use crate::client::{Call, LeyrClient};
use crate::error::{CallError, book_error, change_error, read_error, write_error};
use crate::mapping::{self, MappingError};
use crate::retry::CallKind;
use crate::wire::{
    AppointmentDto, CareUnitDto, DocumentDto, HealthcareServiceDto, MedicalNoteDto, OneOrMany,
    PatientDto, ResourceDto, TimeslotDto,
};

/// Route templates for spans: the path with its parameters unfilled.
mod route {
    pub(super) const CARE_UNITS: &str = "/api/emrs/{emr}/care-units";
    pub(super) const RESOURCES: &str = "/api/emrs/{emr}/care-units/{care_unit_id}/resources";
    pub(super) const RESOURCE: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/resources/{resource_id}";
    pub(super) const SERVICES: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/healthcare-services";
    pub(super) const PATIENTS: &str = "/api/emrs/{emr}/care-units/{care_unit_id}/patients";
    pub(super) const PATIENT: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}";
    pub(super) const TIMESLOTS: &str = "/api/emrs/{emr}/care-units/{care_unit_id}/timeslots";
    pub(super) const APPOINTMENTS: &str = "/api/emrs/{emr}/care-units/{care_unit_id}/appointments";
    pub(super) const APPOINTMENT: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/appointments/{appointment_id}";
    pub(super) const NOTES: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}/medical-notes";
    pub(super) const DOCUMENTS: &str =
        "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}/documents";
}

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
        care_unit: Option<&CareUnitId>,
        segments: &[&str],
        query: &[(&str, String)],
        map: impl FnOnce(D) -> Result<T, ShapeError>,
    ) -> Result<T, CallError> {
        let url = self.url(care_unit, segments, query)?;
        self.send(Self::call(Method::GET, CallKind::Read, url), map)
            .await
    }

    /// A PATCH of one appointment, answered by the appointment (C22).
    async fn patch_appointment(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        body: &crate::wire::UpdateAppointmentRequest,
    ) -> Result<Appointment, ChangeError> {
        let result = async {
            let url = self.url(
                Some(care_unit),
                &["appointments", appointment.as_str()],
                &[],
            )?;
            let call = Self::call_with(Method::PATCH, CallKind::Write, url, body)?;
            self.send(call, single_appointment).await
        };
        result
            .await
            .map_err(|error| change_error(error, Entity::Appointment))
    }
}

#[async_trait]
impl CareUnitCatalog for LeyrClient {
    #[tracing::instrument(name = "leyr.http.list_care_units", skip_all,
        fields(route = route::CARE_UNITS, status = Empty, attempt = Empty))]
    async fn list_care_units(&self) -> Result<Vec<CareUnit>, ReadError> {
        self.get(None, &["care-units"], &[], |dtos: Vec<CareUnitDto>| {
            every(dtos, mapping::care_unit)
        })
        .await
        .map_err(|error| read_error(error, Entity::Other))
    }

    #[tracing::instrument(name = "leyr.http.list_resources", skip_all,
        fields(route = route::RESOURCES, status = Empty, attempt = Empty))]
    async fn list_resources(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, ReadError> {
        self.get(
            Some(care_unit),
            &["resources"],
            &[],
            |dtos: Vec<ResourceDto>| every(dtos, mapping::resource),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    #[tracing::instrument(name = "leyr.http.get_resource", skip_all,
        fields(route = route::RESOURCE, status = Empty, attempt = Empty))]
    async fn get_resource(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, ReadError> {
        let resource_id = mapping::resource_id(resource);
        self.get(
            Some(care_unit),
            &["resources", &resource_id],
            &[],
            |dto: ResourceDto| Ok(mapping::resource(dto)?),
        )
        .await
        .map_err(|error| read_error(error, Entity::Resource))
    }

    #[tracing::instrument(name = "leyr.http.list_healthcare_services", skip_all,
        fields(route = route::SERVICES, status = Empty, attempt = Empty))]
    async fn list_healthcare_services(
        &self,
        care_unit: &CareUnitId,
    ) -> Result<Vec<HealthcareService>, ReadError> {
        self.get(
            Some(care_unit),
            &["healthcare-services"],
            &[],
            |dtos: Vec<HealthcareServiceDto>| every(dtos, mapping::healthcare_service),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }
}

#[async_trait]
impl PatientDirectory for LeyrClient {
    #[tracing::instrument(name = "leyr.http.get_patient", skip_all,
        fields(route = route::PATIENT, status = Empty, attempt = Empty))]
    async fn get_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, ReadError> {
        let patient_id = mapping::patient_id(patient);
        self.get(
            Some(care_unit),
            &["patients", &patient_id],
            &[],
            |dto: PatientDto| Ok(mapping::patient(dto)?),
        )
        .await
        .map_err(|error| read_error(error, Entity::Patient))
    }

    #[tracing::instrument(name = "leyr.http.find_patients", skip_all,
        fields(route = route::PATIENTS, status = Empty, attempt = Empty))]
    async fn find_patients(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, ReadError> {
        let mut query = Vec::with_capacity(2);
        if let Some(first_name) = search.first_name() {
            query.push(("first_name", first_name.to_string()));
        }
        if let Some(last_name) = search.last_name() {
            query.push(("last_name", last_name.to_string()));
        }
        self.get(
            Some(care_unit),
            &["patients"],
            &query,
            |dtos: Vec<PatientDto>| every(dtos, mapping::patient),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    /// `POST /patients` is an upsert, so it is retried like a read (C37). A 201 answer is a new
    /// patient, any other success an existing one (C17).
    #[tracing::instrument(name = "leyr.http.register_patient", skip_all,
        fields(route = route::PATIENTS, status = Empty, attempt = Empty))]
    async fn register_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &NewPatient,
    ) -> Result<Registration, WriteError> {
        let result = async {
            let url = self.url(Some(care_unit), &["patients"], &[])?;
            let body = mapping::create_patient_request(patient);
            let answer = self
                .execute(Self::call_with(Method::POST, CallKind::Upsert, url, &body)?)
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
    #[tracing::instrument(name = "leyr.http.find_timeslots", skip_all,
        fields(route = route::TIMESLOTS, status = Empty, attempt = Empty))]
    async fn find_timeslots(
        &self,
        care_unit: &CareUnitId,
        query: &TimeslotQuery,
    ) -> Result<Vec<Timeslot>, ReadError> {
        let mut pairs = Vec::with_capacity(4);
        if let Some(resource) = &query.resource_id {
            pairs.push(("resource_id", mapping::resource_id(resource)));
        }
        if let Some(service) = &query.healthcare_service_id {
            pairs.push(("healthcare_service_id", service.to_string()));
        }
        // RFC 3339 in Stockholm time; the query encoding sends `+` as `%2B` (C15, C34).
        pairs.push(("start", mapping::format_time(&query.window.start())));
        pairs.push(("end", mapping::format_time(&query.window.end())));
        self.get(
            Some(care_unit),
            &["timeslots"],
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
    #[tracing::instrument(name = "leyr.http.book", skip_all,
        fields(route = route::APPOINTMENTS, status = Empty, attempt = Empty))]
    async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Appointment, BookError> {
        let result = async {
            let url = self.url(Some(care_unit), &["appointments"], &[])?;
            let body = mapping::create_appointment_request(request);
            let call = Self::call_with(Method::POST, CallKind::Booking, url, &body)?;
            self.send(call, single_appointment).await
        };
        result
            .await
            .map_err(|error| book_error(error, Entity::CareUnit))
    }

    #[tracing::instrument(name = "leyr.http.list_appointments", skip_all,
        fields(route = route::APPOINTMENTS, status = Empty, attempt = Empty))]
    async fn list_appointments(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, ReadError> {
        let mut pairs = Vec::with_capacity(4);
        if let Some(patient) = &query.patient {
            pairs.push(("patient_id", mapping::patient_id(patient)));
        }
        if let Some(resource) = &query.resource_id {
            pairs.push(("resource_id", mapping::resource_id(resource)));
        }
        if let Some(start) = &query.start {
            pairs.push(("start", mapping::format_time(start)));
        }
        if let Some(end) = &query.end {
            pairs.push(("end", mapping::format_time(end)));
        }
        self.get(
            Some(care_unit),
            &["appointments"],
            &pairs,
            |dtos: Vec<AppointmentDto>| every(dtos, mapping::appointment),
        )
        .await
        .map_err(|error| read_error(error, Entity::CareUnit))
    }

    #[tracing::instrument(name = "leyr.http.reschedule", skip_all,
        fields(route = route::APPOINTMENT, status = Empty, attempt = Empty))]
    async fn reschedule(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        request: &RescheduleRequest,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(
            care_unit,
            appointment,
            &mapping::reschedule_request(request),
        )
        .await
    }

    /// When the EHR answers `awaiting_confirmation`, the returned appointment carries the new id
    /// to confirm (C23).
    #[tracing::instrument(name = "leyr.http.cancel", skip_all,
        fields(route = route::APPOINTMENT, status = Empty, attempt = Empty))]
    async fn cancel(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(
            care_unit,
            appointment,
            &mapping::cancel_request(cancellation),
        )
        .await
    }

    #[tracing::instrument(name = "leyr.http.cancel_many", skip_all,
        fields(route = route::APPOINTMENTS, status = Empty, attempt = Empty))]
    async fn cancel_many(
        &self,
        care_unit: &CareUnitId,
        batch: &AppointmentBatch,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeError> {
        let result = async {
            let url = self.url(Some(care_unit), &["appointments"], &[])?;
            let body = mapping::bulk_cancel_request(batch, cancellation);
            let call = Self::call_with(Method::PATCH, CallKind::Write, url, &body)?;
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

    #[tracing::instrument(name = "leyr.http.confirm", skip_all,
        fields(route = route::APPOINTMENT, status = Empty, attempt = Empty))]
    async fn confirm(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeError> {
        self.patch_appointment(care_unit, appointment, &mapping::confirm_request(code))
            .await
    }
}

#[async_trait]
impl MedicalNotes for LeyrClient {
    #[tracing::instrument(name = "leyr.http.list_notes", skip_all,
        fields(route = route::NOTES, status = Empty, attempt = Empty))]
    async fn list_notes(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, ReadError> {
        let patient_id = mapping::patient_id(patient);
        self.get(
            Some(care_unit),
            &["patients", &patient_id, "medical-notes"],
            &[],
            |dtos: Vec<MedicalNoteDto>| every(dtos, mapping::medical_note),
        )
        .await
        .map_err(|error| read_error(error, Entity::Patient))
    }

    #[tracing::instrument(name = "leyr.http.write_note", skip_all,
        fields(route = route::NOTES, status = Empty, attempt = Empty))]
    async fn write_note(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        note: &NewMedicalNote,
    ) -> Result<MedicalNote, WriteError> {
        let result = async {
            let patient_id = mapping::patient_id(patient);
            let url = self.url(
                Some(care_unit),
                &["patients", &patient_id, "medical-notes"],
                &[],
            )?;
            let body = mapping::create_note_request(note);
            let call = Self::call_with(Method::POST, CallKind::Write, url, &body)?;
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
    #[tracing::instrument(name = "leyr.http.upload_document", skip_all,
        fields(route = route::DOCUMENTS, status = Empty, attempt = Empty))]
    async fn upload_document(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteError> {
        let result = async {
            let patient_id = mapping::patient_id(patient);
            let url = self.url(
                Some(care_unit),
                &["patients", &patient_id, "documents"],
                &[],
            )?;
            let body = mapping::upload_document_request(document);
            let mut call = Self::call_with(Method::POST, CallKind::Write, url, &body)?;
            call.upload = true;
            self.send(call, |dto: DocumentDto| Ok(mapping::document(dto)?))
                .await
        };
        result
            .await
            .map_err(|error| write_error(error, Entity::Patient))
    }
}
