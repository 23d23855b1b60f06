//! The use cases of the Leyr booking toolkit: book care in Nordic EHRs through Leyr, written
//! once over the [domain ports](domain::ports) so they run the same over every adapter
//! (`leyr-http` against Leyr, `leyr-in-memory` in tests and the sandbox).
//!
//! # Quick start
//!
//! Three lines: an adapter (here `leyr-http`'s client from the environment), [`Booking::over`]
//! it, and a [care-unit handle](Booking::care_unit) so calls do not repeat the unit.
//!
//! ```no_run
//! use leyr_app::prelude::*;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = leyr_http::LeyrClient::from_env()?;
//! let unit = Booking::over(client).care_unit("10".parse()?);
//! let slot = unit.find_timeslots(&TimeslotFilter::default()).await?.remove(0);
//!
//! let patient: Personnummer = "197110021834".parse()?;
//! let request = BookingRequest { patient: patient.into(), slot, comment: None };
//! let booked = unit.book(&request).await?;
//! // Booking the same slot again (a second tap, a re-run job) returns the same appointment.
//! assert!(unit.book(&request).await?.already_held);
//! # Ok(())
//! # }
//! ```
//!
//! The adapter is chosen by the binary; any type that implements every port works, and
//! `leyr-in-memory`'s fake is the one for tests:
//!
//! ```
//! use leyr_app::prelude::*;
//! use leyr_in_memory::{InMemoryEhr, ManualClock, seed};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let clock = ManualClock::default();
//! let ehr = InMemoryEhr::seeded(std::sync::Arc::new(clock.clone()));
//! let unit = Booking::new(Ports::from_adapter(ehr, clock)).care_unit(seed::CARE_UNIT.parse()?);
//!
//! // Raw input is checked before anything reaches the EHR.
//! let input = RegisterPatientInput {
//!     external_id: ExternalIdInput::Personnummer("19121212-1212".to_owned()),
//!     first_name: "Tolvan".to_owned(),
//!     last_name: "Tolvansson".to_owned(),
//!     phones: vec!["+46701234567".to_owned()],
//!     emails: Vec::new(),
//! };
//! let patient = unit.register_patient(&input).await?.patient().reference();
//! let slot = unit.find_timeslots(&TimeslotFilter::default()).await?.remove(0);
//! let booked = unit.book(&BookingRequest { patient, slot, comment: None }).await?;
//! assert_eq!(booked.attempts, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Use cases
//!
//! Each use case is a struct built with `new` from the `Arc<dyn Port>`s it needs, with one
//! `async fn run`; [`Booking`] holds them all and names each method after its use case.
//!
//! | use case | what it does |
//! | --- | --- |
//! | [`DiscoverCareUnits`], [`ListServices`], [`ListResources`] | read the catalog |
//! | [`RegisterPatient`] | checks raw input (the `external_id` the EHR asks for: a 12-digit personnummer, a Norwegian number or text; birth date not after today; names, E.164 phones, e-mails), then registers (an upsert) |
//! | [`FindPatient`] | one patient by EHR id or personnummer, or many by name |
//! | [`FindTimeslots`] | free slots; by default from now to 30 days ahead, in Stockholm time |
//! | [`BookAppointment`] | booking rules, then book, reconciling unclear failures |
//! | [`RescheduleAppointment`] | loads the appointment, checks the rules, moves it |
//! | [`CancelAppointment`] | one, or a batch of 1 to 50 checked before sending |
//! | [`ConfirmAppointment`] | confirms with the patient's code |
//! | [`ListAppointments`] | by patient, resource and window, cancelled included |
//! | [`WriteMedicalNote`], [`ReadMedicalNotes`], [`UploadDocument`] | the patient's record |
//!
//! The time comes from the [`Clock`](domain::ports::Clock) port: [`clock::SystemClock`] in
//! production, a fixed or manual clock in tests. Nothing else in the workspace reads the wall
//! clock.
//!
//! # Errors
//!
//! Every use case returns its own `#[non_exhaustive]` enum with variants a caller can act on:
//! [`BookAppointmentError`], [`RegisterPatientError`], [`ChangeAppointmentError`],
//! [`WriteRecordError`], and [`QueryError`] for the reads. Input that breaks a rule
//! (`Rule`, `Invalid*`) never reached the EHR. `OutcomeUnknown` means a write may have happened;
//! `Unavailable` means the EHR failed and nothing happened. `Display` is one sentence about what
//! failed; the cause is the [`source`](std::error::Error::source), so report the whole chain.
//!
//! # Booking reconciliation (contract C38)
//!
//! A booking is never blindly posted twice: the adapter sends it once and reports a failure
//! that may have booked anyway. [`BookAppointment`] then settles it through the ports, so the
//! same policy holds over every adapter:
//!
//! 1. after `OutcomeUnknown`, or the EHR being unavailable, rate limiting, timing out or failing
//!    ([`retry::needs_reconciliation`]), it lists the patient's appointments starting in the
//!    slot's window;
//! 2. it looks for one that [matches the slot](domain::appointment::Appointment::matches_slot):
//!    same instants, resource and service, not cancelled;
//! 3. found: that is the booking, returned with [`Booked::recovered`] set, and logged;
//! 4. not found: it books again only when [`retry::decide`] allows it (never after a server
//!    failure) and attempts remain, after the EHR's `Retry-After` or Leyr's back-off of 1, 5,
//!    15, 30 and 60 seconds: 6 attempts at most ([`RetryPolicy`](domain::retry::RetryPolicy), the
//!    same C36 schedule `leyr-http` uses). A `Retry-After` over 60 s
//!    stops at once, and so does a wait after which the slot would break the timing rules;
//! 5. if the listing fails, the result is [`BookAppointmentError::OutcomeUnknown`] and nothing
//!    is posted again.
//!
//! `SlotTaken`, `NotFound` and `Rejected` are returned at once. Reschedules, cancellations,
//! confirmations and notes are sent once and never retried here: an unclear outcome comes back
//! as `OutcomeUnknown`.
//!
//! A slot the patient already holds is returned as success with [`Booked::already_held`],
//! without posting. Once a booking is posted it is settled on a task of its own, so a caller
//! that drops the future (a timeout, a cancelled request handler) cannot leave it half done: the
//! outcome is logged (`booking settled`). [`Booking::book_with_deadline`] bounds the call.
//!
//! # Metrics
//!
//! Through the `metrics` facade, beside `leyr-http`'s: `leyr.booking.reconciliations` (counter,
//! label `result`: `found`, `not_found`, `listing_failed`) and `leyr.booking.outcome_unknown`
//! (counter: bookings left unsettled, `OutcomeUnknown` or `StillSettling`). The
//! `metrics_exporter` example wires a Prometheus recorder; `axum_service` holds [`Booking`] in
//! a web service's state.
//!
//! # Patient data
//!
//! Personnummer, names, phones, e-mail addresses, comments and note text never appear in error
//! messages, `Debug` output or logs. The raw inputs ([`RegisterPatientInput`],
//! [`WriteMedicalNoteInput`]) hide their text from `Debug`; the domain's values are redacted at
//! the leaves. Every use case runs in a span named after the operation only (`leyr.app.book`,
//! ...), and no span or event records a patient field.
//!
//! # Testing
//!
//! `leyr-domain`'s `mocks` feature gives a `mockall` mock of every port, to pin interactions
//! ("`book` fails with `OutcomeUnknown`, then the listing finds it"); `leyr-in-memory` is a
//! faithful fake for behaviour. `RetryPolicy::default().with_backoff([])` skips the waits, or run the
//! test on Tokio's paused clock.

pub use leyr_domain as domain;

/// `Debug` for a use case that holds only ports: the type name.
macro_rules! opaque_debug {
    ($($name:ident),*) => {$(
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )*};
}

mod appointments;
mod book;
mod catalog;
pub mod clock;
mod error;
mod facade;
mod notes;
mod patients;
pub mod prelude;
pub mod retry;
mod timeslots;

pub use appointments::{
    CancelAppointment, Cancelled, ChangeAppointmentError, ConfirmAppointment, ListAppointments,
    RescheduleAppointment, RescheduleCommand,
};
pub use book::{BookAppointment, BookAppointmentError, Booked, BookingOutcome};
pub use catalog::{DiscoverCareUnits, ListResources, ListServices};
pub use error::QueryError;
pub use facade::{Booking, CareUnitBooking};
pub use notes::{
    ReadMedicalNotes, UploadDocument, WriteMedicalNote, WriteMedicalNoteInput, WriteRecordError,
};
pub use patients::{
    ExternalIdInput, FindPatient, RegisterPatient, RegisterPatientError, RegisterPatientInput,
};

pub use timeslots::{DEFAULT_SEARCH_DAYS, FindTimeslots, TimeslotFilter};
