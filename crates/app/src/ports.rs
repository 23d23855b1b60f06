//! The ports every use case is built from, held as `Arc<dyn Port>`.

use std::fmt;
use std::sync::Arc;

use leyr_domain::ports::{
    AppointmentBook, Availability, CareUnitCatalog, Clock, MedicalNotes, PatientDirectory,
    PatientDocuments,
};

/// One adapter per port, plus the clock: what [`Booking`](crate::Booking) and the use cases are
/// built from. Each port may come from a different adapter.
#[derive(Clone)]
pub struct Ports {
    /// Care units, resources and services.
    pub catalog: Arc<dyn CareUnitCatalog>,
    /// Patients.
    pub patients: Arc<dyn PatientDirectory>,
    /// Free timeslots.
    pub availability: Arc<dyn Availability>,
    /// Appointments.
    pub appointments: Arc<dyn AppointmentBook>,
    /// Medical notes.
    pub notes: Arc<dyn MedicalNotes>,
    /// Patient documents.
    pub documents: Arc<dyn PatientDocuments>,
    /// The current time.
    pub clock: Arc<dyn Clock>,
}

impl Ports {
    /// Every port from one adapter that implements them all (such as `leyr-http`'s client or
    /// `leyr-in-memory`'s fake), with `clock` for the time.
    #[must_use]
    pub fn from_adapter<A>(adapter: Arc<A>, clock: Arc<dyn Clock>) -> Self
    where
        A: CareUnitCatalog
            + PatientDirectory
            + Availability
            + AppointmentBook
            + MedicalNotes
            + PatientDocuments
            + 'static,
    {
        Self {
            catalog: adapter.clone(),
            patients: adapter.clone(),
            availability: adapter.clone(),
            appointments: adapter.clone(),
            notes: adapter.clone(),
            documents: adapter,
            clock,
        }
    }
}

impl fmt::Debug for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ports").finish_non_exhaustive()
    }
}
