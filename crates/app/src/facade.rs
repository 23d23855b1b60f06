//! [`Booking`]: every use case behind one value.

use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest, ConfirmationCode};
use leyr_domain::booking_rules::BookingRules;
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::{Document, NewDocument};
use leyr_domain::ids::{AppointmentId, CareUnitId, ResourceId};
use leyr_domain::medical_note::MedicalNote;
use leyr_domain::patient::{Patient, PatientRef, PatientSearch, Registration};
use leyr_domain::ports::Cancellation;
use leyr_domain::timeslot::Timeslot;

use crate::appointments::{
    CancelAppointment, ChangeAppointmentError, ConfirmAppointment, ListAppointments,
    RescheduleAppointment, RescheduleCommand,
};
use crate::book::{BookAppointment, BookAppointmentError, Booked};
use crate::catalog::{DiscoverCareUnits, ListResources, ListServices};
use crate::error::QueryError;
use crate::notes::{
    ReadMedicalNotes, UploadDocument, WriteMedicalNote, WriteMedicalNoteInput, WriteRecordError,
};
use crate::patients::{FindPatient, RegisterPatient, RegisterPatientError, RegisterPatientInput};
use crate::ports::Ports;
use crate::retry::RetryPolicy;
use crate::timeslots::{FindTimeslots, TimeslotFilter};

/// Every use case, built from one set of [`Ports`]: what a command-line tool or an embedding
/// service holds. Each method runs the use case of the same name; see it for the details.
/// Cloning is cheap (the ports are shared).
#[derive(Debug, Clone)]
pub struct Booking {
    discover_care_units: DiscoverCareUnits,
    list_services: ListServices,
    list_resources: ListResources,
    register_patient: RegisterPatient,
    find_patient: FindPatient,
    find_timeslots: FindTimeslots,
    book: BookAppointment,
    reschedule: RescheduleAppointment,
    cancel: CancelAppointment,
    confirm: ConfirmAppointment,
    list_appointments: ListAppointments,
    write_note: WriteMedicalNote,
    read_notes: ReadMedicalNotes,
    upload_document: UploadDocument,
}

impl Booking {
    /// Every use case over `ports`, with the default [`BookingRules`] and [`RetryPolicy`].
    #[must_use]
    pub fn new(ports: Ports) -> Self {
        let Ports {
            catalog,
            patients,
            availability,
            appointments,
            notes,
            documents,
            clock,
        } = ports;
        Self {
            discover_care_units: DiscoverCareUnits::new(catalog.clone()),
            list_services: ListServices::new(catalog.clone()),
            list_resources: ListResources::new(catalog),
            register_patient: RegisterPatient::new(patients.clone(), clock.clone()),
            find_patient: FindPatient::new(patients),
            find_timeslots: FindTimeslots::new(availability, clock.clone()),
            book: BookAppointment::new(appointments.clone(), clock.clone()),
            reschedule: RescheduleAppointment::new(appointments.clone(), clock),
            cancel: CancelAppointment::new(appointments.clone()),
            confirm: ConfirmAppointment::new(appointments.clone()),
            list_appointments: ListAppointments::new(appointments),
            write_note: WriteMedicalNote::new(notes.clone()),
            read_notes: ReadMedicalNotes::new(notes),
            upload_document: UploadDocument::new(documents),
        }
    }

    /// Checks bookings, reschedules and cancellation comments against `rules`.
    #[must_use]
    pub fn with_rules(mut self, rules: BookingRules) -> Self {
        self.book = self.book.with_rules(rules);
        self.reschedule = self.reschedule.with_rules(rules);
        self.cancel = self.cancel.with_rules(rules);
        self
    }

    /// Retries unclear bookings by `retry_policy`.
    #[must_use]
    pub fn with_retry_policy(mut self, retry_policy: RetryPolicy) -> Self {
        self.book = self.book.with_retry_policy(retry_policy);
        self
    }

    /// See [`DiscoverCareUnits::run`].
    ///
    /// # Errors
    /// As [`DiscoverCareUnits::run`].
    pub async fn care_units(&self) -> Result<Vec<CareUnit>, QueryError> {
        self.discover_care_units.run().await
    }

    /// See [`ListServices::run`].
    ///
    /// # Errors
    /// As [`ListServices::run`].
    pub async fn services(
        &self,
        care_unit: &CareUnitId,
    ) -> Result<Vec<HealthcareService>, QueryError> {
        self.list_services.run(care_unit).await
    }

    /// See [`ListResources::run`].
    ///
    /// # Errors
    /// As [`ListResources::run`].
    pub async fn resources(&self, care_unit: &CareUnitId) -> Result<Vec<Resource>, QueryError> {
        self.list_resources.run(care_unit).await
    }

    /// See [`ListResources::get`].
    ///
    /// # Errors
    /// As [`ListResources::get`].
    pub async fn resource(
        &self,
        care_unit: &CareUnitId,
        resource: &ResourceId,
    ) -> Result<Resource, QueryError> {
        self.list_resources.get(care_unit, resource).await
    }

    /// See [`RegisterPatient::run`].
    ///
    /// # Errors
    /// As [`RegisterPatient::run`].
    pub async fn register_patient(
        &self,
        care_unit: &CareUnitId,
        input: &RegisterPatientInput,
    ) -> Result<Registration, RegisterPatientError> {
        self.register_patient.run(care_unit, input).await
    }

    /// See [`FindPatient::run`].
    ///
    /// # Errors
    /// As [`FindPatient::run`].
    pub async fn find_patient(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, QueryError> {
        self.find_patient.run(care_unit, patient).await
    }

    /// See [`FindPatient::search`].
    ///
    /// # Errors
    /// As [`FindPatient::search`].
    pub async fn search_patients(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, QueryError> {
        self.find_patient.search(care_unit, search).await
    }

    /// See [`FindTimeslots::run`].
    ///
    /// # Errors
    /// As [`FindTimeslots::run`].
    pub async fn find_timeslots(
        &self,
        care_unit: &CareUnitId,
        filter: &TimeslotFilter,
    ) -> Result<Vec<Timeslot>, QueryError> {
        self.find_timeslots.run(care_unit, filter).await
    }

    /// See [`BookAppointment::run`].
    ///
    /// # Errors
    /// As [`BookAppointment::run`].
    pub async fn book(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
    ) -> Result<Booked, BookAppointmentError> {
        self.book.run(care_unit, request).await
    }

    /// See [`RescheduleAppointment::run`].
    ///
    /// # Errors
    /// As [`RescheduleAppointment::run`].
    pub async fn reschedule(
        &self,
        care_unit: &CareUnitId,
        command: &RescheduleCommand,
    ) -> Result<Appointment, ChangeAppointmentError> {
        self.reschedule.run(care_unit, command).await
    }

    /// See [`CancelAppointment::run`].
    ///
    /// # Errors
    /// As [`CancelAppointment::run`].
    pub async fn cancel(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Appointment, ChangeAppointmentError> {
        self.cancel.run(care_unit, appointment, cancellation).await
    }

    /// See [`CancelAppointment::run_many`].
    ///
    /// # Errors
    /// As [`CancelAppointment::run_many`].
    pub async fn cancel_many(
        &self,
        care_unit: &CareUnitId,
        ids: Vec<AppointmentId>,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeAppointmentError> {
        self.cancel.run_many(care_unit, ids, cancellation).await
    }

    /// See [`ConfirmAppointment::run`].
    ///
    /// # Errors
    /// As [`ConfirmAppointment::run`].
    pub async fn confirm(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeAppointmentError> {
        self.confirm.run(care_unit, appointment, code).await
    }

    /// See [`ListAppointments::run`].
    ///
    /// # Errors
    /// As [`ListAppointments::run`].
    pub async fn list_appointments(
        &self,
        care_unit: &CareUnitId,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, QueryError> {
        self.list_appointments.run(care_unit, query).await
    }

    /// See [`WriteMedicalNote::run`].
    ///
    /// # Errors
    /// As [`WriteMedicalNote::run`].
    pub async fn write_note(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        input: &WriteMedicalNoteInput,
    ) -> Result<MedicalNote, WriteRecordError> {
        self.write_note.run(care_unit, patient, input).await
    }

    /// See [`ReadMedicalNotes::run`].
    ///
    /// # Errors
    /// As [`ReadMedicalNotes::run`].
    pub async fn read_notes(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Vec<MedicalNote>, QueryError> {
        self.read_notes.run(care_unit, patient).await
    }

    /// See [`UploadDocument::run`].
    ///
    /// # Errors
    /// As [`UploadDocument::run`].
    pub async fn upload_document(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteRecordError> {
        self.upload_document.run(care_unit, patient, document).await
    }
}
