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
    CancelAppointment, Cancelled, ChangeAppointmentError, ConfirmAppointment, ListAppointments,
    RescheduleAppointment, RescheduleCommand,
};
use crate::book::{BookAppointment, BookAppointmentError, Booked};
use crate::catalog::{DiscoverCareUnits, ListResources, ListServices};
use crate::error::QueryError;
use crate::notes::{
    ReadMedicalNotes, UploadDocument, WriteMedicalNote, WriteMedicalNoteInput, WriteRecordError,
};
use crate::patients::{FindPatient, RegisterPatient, RegisterPatientError, RegisterPatientInput};
use crate::timeslots::{FindTimeslots, TimeslotFilter};
use leyr_domain::ports::{
    AppointmentBook, Availability, CareUnitCatalog, MedicalNotes, PatientDirectory,
    PatientDocuments, Ports,
};
use leyr_domain::retry::RetryPolicy;

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
            profile,
        } = ports;
        Self {
            discover_care_units: DiscoverCareUnits::new(catalog.clone()),
            list_services: ListServices::new(catalog.clone()),
            list_resources: ListResources::new(catalog),
            register_patient: RegisterPatient::new(patients.clone(), clock.clone()),
            find_patient: FindPatient::new(patients),
            find_timeslots: FindTimeslots::new(availability, clock.clone()),
            book: BookAppointment::new(appointments.clone(), clock.clone()).for_profile(profile),
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

    /// See [`BookAppointment::run_with_deadline`].
    ///
    /// # Errors
    /// As [`BookAppointment::run_with_deadline`].
    pub async fn book_with_deadline(
        &self,
        care_unit: &CareUnitId,
        request: &BookingRequest,
        deadline: std::time::Duration,
    ) -> Result<Booked, BookAppointmentError> {
        self.book
            .run_with_deadline(care_unit, request, deadline)
            .await
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
    ) -> Result<Cancelled, ChangeAppointmentError> {
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

    /// See [`ListAppointments::get`].
    ///
    /// # Errors
    /// As [`ListAppointments::get`].
    pub async fn get_appointment(
        &self,
        care_unit: &CareUnitId,
        appointment: &AppointmentId,
    ) -> Result<Appointment, QueryError> {
        self.list_appointments.get(care_unit, appointment).await
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

/// [`Booking`] for one care unit, so that calls do not repeat it: from [`Booking::care_unit`].
///
/// ```no_run
/// # async fn example(booking: leyr_app::Booking) -> Result<(), Box<dyn std::error::Error>> {
/// let unit = booking.care_unit("10".parse()?);
/// let services = unit.services().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CareUnitBooking {
    booking: Booking,
    care_unit: CareUnitId,
}

impl Booking {
    /// Every use case over `adapter`, one value that implements every port (such as
    /// `leyr_http::LeyrClient` or `leyr_in_memory::InMemoryEhr`, both cheap clones), reading
    /// the time from the [`SystemClock`](crate::clock::SystemClock).
    #[must_use]
    pub fn over<A>(adapter: A) -> Self
    where
        A: CareUnitCatalog
            + PatientDirectory
            + Availability
            + AppointmentBook
            + MedicalNotes
            + PatientDocuments
            + leyr_domain::ports::Capabilities
            + 'static,
    {
        Self::new(Ports::from_adapter(adapter, crate::clock::SystemClock))
    }

    /// The use cases for `care_unit`, which every call of the handle then uses.
    #[must_use]
    pub fn care_unit(&self, care_unit: CareUnitId) -> CareUnitBooking {
        CareUnitBooking {
            booking: self.clone(),
            care_unit,
        }
    }
}

impl CareUnitBooking {
    /// The care unit every call uses.
    #[must_use]
    pub fn id(&self) -> &CareUnitId {
        &self.care_unit
    }

    /// The whole [`Booking`], for calls about other care units.
    #[must_use]
    pub fn booking(&self) -> &Booking {
        &self.booking
    }

    /// See [`Booking::resources`].
    ///
    /// # Errors
    /// As [`Booking::resources`].
    pub async fn resources(&self) -> Result<Vec<Resource>, QueryError> {
        self.booking.resources(&self.care_unit).await
    }

    /// See [`Booking::services`].
    ///
    /// # Errors
    /// As [`Booking::services`].
    pub async fn services(&self) -> Result<Vec<HealthcareService>, QueryError> {
        self.booking.services(&self.care_unit).await
    }

    /// See [`Booking::resource`].
    ///
    /// # Errors
    /// As [`Booking::resource`].
    pub async fn resource(&self, resource: &ResourceId) -> Result<Resource, QueryError> {
        self.booking.resource(&self.care_unit, resource).await
    }

    /// See [`Booking::register_patient`].
    ///
    /// # Errors
    /// As [`Booking::register_patient`].
    pub async fn register_patient(
        &self,
        input: &RegisterPatientInput,
    ) -> Result<Registration, RegisterPatientError> {
        self.booking.register_patient(&self.care_unit, input).await
    }

    /// See [`Booking::find_patient`].
    ///
    /// # Errors
    /// As [`Booking::find_patient`].
    pub async fn find_patient(&self, patient: &PatientRef) -> Result<Patient, QueryError> {
        self.booking.find_patient(&self.care_unit, patient).await
    }

    /// See [`Booking::search_patients`].
    ///
    /// # Errors
    /// As [`Booking::search_patients`].
    pub async fn search_patients(
        &self,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, QueryError> {
        self.booking.search_patients(&self.care_unit, search).await
    }

    /// See [`Booking::find_timeslots`].
    ///
    /// # Errors
    /// As [`Booking::find_timeslots`].
    pub async fn find_timeslots(
        &self,
        filter: &TimeslotFilter,
    ) -> Result<Vec<Timeslot>, QueryError> {
        self.booking.find_timeslots(&self.care_unit, filter).await
    }

    /// See [`Booking::book`].
    ///
    /// # Errors
    /// As [`Booking::book`].
    pub async fn book(&self, request: &BookingRequest) -> Result<Booked, BookAppointmentError> {
        self.booking.book(&self.care_unit, request).await
    }

    /// See [`Booking::book_with_deadline`].
    ///
    /// # Errors
    /// As [`Booking::book_with_deadline`].
    pub async fn book_with_deadline(
        &self,
        request: &BookingRequest,
        deadline: std::time::Duration,
    ) -> Result<Booked, BookAppointmentError> {
        self.booking
            .book_with_deadline(&self.care_unit, request, deadline)
            .await
    }

    /// See [`Booking::reschedule`].
    ///
    /// # Errors
    /// As [`Booking::reschedule`].
    pub async fn reschedule(
        &self,
        command: &RescheduleCommand,
    ) -> Result<Appointment, ChangeAppointmentError> {
        self.booking.reschedule(&self.care_unit, command).await
    }

    /// See [`Booking::cancel`].
    ///
    /// # Errors
    /// As [`Booking::cancel`].
    pub async fn cancel(
        &self,
        appointment: &AppointmentId,
        cancellation: &Cancellation,
    ) -> Result<Cancelled, ChangeAppointmentError> {
        self.booking
            .cancel(&self.care_unit, appointment, cancellation)
            .await
    }

    /// See [`Booking::cancel_many`].
    ///
    /// # Errors
    /// As [`Booking::cancel_many`].
    pub async fn cancel_many(
        &self,
        ids: Vec<AppointmentId>,
        cancellation: &Cancellation,
    ) -> Result<Vec<Appointment>, ChangeAppointmentError> {
        self.booking
            .cancel_many(&self.care_unit, ids, cancellation)
            .await
    }

    /// See [`Booking::confirm`].
    ///
    /// # Errors
    /// As [`Booking::confirm`].
    pub async fn confirm(
        &self,
        appointment: &AppointmentId,
        code: &ConfirmationCode,
    ) -> Result<Appointment, ChangeAppointmentError> {
        self.booking
            .confirm(&self.care_unit, appointment, code)
            .await
    }

    /// See [`Booking::list_appointments`].
    ///
    /// # Errors
    /// As [`Booking::list_appointments`].
    pub async fn list_appointments(
        &self,
        query: &AppointmentQuery,
    ) -> Result<Vec<Appointment>, QueryError> {
        self.booking.list_appointments(&self.care_unit, query).await
    }

    /// See [`Booking::get_appointment`].
    ///
    /// # Errors
    /// As [`Booking::get_appointment`].
    pub async fn get_appointment(
        &self,
        appointment: &AppointmentId,
    ) -> Result<Appointment, QueryError> {
        self.booking
            .get_appointment(&self.care_unit, appointment)
            .await
    }

    /// See [`Booking::write_note`].
    ///
    /// # Errors
    /// As [`Booking::write_note`].
    pub async fn write_note(
        &self,
        patient: &PatientRef,
        input: &WriteMedicalNoteInput,
    ) -> Result<MedicalNote, WriteRecordError> {
        self.booking
            .write_note(&self.care_unit, patient, input)
            .await
    }

    /// See [`Booking::read_notes`].
    ///
    /// # Errors
    /// As [`Booking::read_notes`].
    pub async fn read_notes(&self, patient: &PatientRef) -> Result<Vec<MedicalNote>, QueryError> {
        self.booking.read_notes(&self.care_unit, patient).await
    }

    /// See [`Booking::upload_document`].
    ///
    /// # Errors
    /// As [`Booking::upload_document`].
    pub async fn upload_document(
        &self,
        patient: &PatientRef,
        document: &NewDocument,
    ) -> Result<Document, WriteRecordError> {
        self.booking
            .upload_document(&self.care_unit, patient, document)
            .await
    }
}
