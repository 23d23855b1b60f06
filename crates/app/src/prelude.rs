//! What a service needs for its first booking, in one import: `use leyr_app::prelude::*;`.
//!
//! ```no_run
//! use leyr_app::prelude::*;
//!
//! # async fn example<A>(adapter: A) -> Result<(), Box<dyn std::error::Error>>
//! # where A: leyr_app::domain::ports::CareUnitCatalog + leyr_app::domain::ports::PatientDirectory
//! #     + leyr_app::domain::ports::Availability + leyr_app::domain::ports::AppointmentBook
//! #     + leyr_app::domain::ports::MedicalNotes + leyr_app::domain::ports::PatientDocuments
//! #     + leyr_app::domain::ports::Capabilities + 'static {
//! let unit = Booking::over(adapter).care_unit("10".parse()?);
//! let slot = unit.find_timeslots(&TimeslotFilter::default()).await?.remove(0);
//! let patient: Personnummer = "197110021834".parse()?;
//! let booked = unit.book(&BookingRequest { patient: patient.into(), slot, comment: None }).await?;
//! # Ok(())
//! # }
//! ```

pub use crate::clock::SystemClock;
pub use crate::{
    BookAppointmentError, Booked, Booking, BookingOutcome, Cancelled, CareUnitBooking,
    ChangeAppointmentError, ExternalIdInput, QueryError, RegisterPatientError,
    RegisterPatientInput, TimeslotFilter,
};
pub use leyr_domain::appointment::{Appointment, BookingRequest, Comment};
pub use leyr_domain::ids::{AppointmentId, CareUnitId, ResourceId};
pub use leyr_domain::patient::PatientRef;
pub use leyr_domain::personnummer::Personnummer;
pub use leyr_domain::ports::{Cancellation, Ports};
pub use leyr_domain::retry::RetryPolicy;
pub use leyr_domain::timeslot::Timeslot;
