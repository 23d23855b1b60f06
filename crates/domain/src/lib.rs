//! The pure domain of the Leyr booking toolkit: everything a service needs to book care in a
//! Swedish EHR (TakeCare first) through Leyr, with no I/O and no wall clock.
//!
//! - **Values that are valid by construction**: [`personnummer::Personnummer`], the ids of
//!   [`ids`], names and contact details in [`patient`], [`timeslot::Timeslot`],
//!   [`appointment::Comment`], note titles and texts in [`medical_note`].
//! - **The appointment lifecycle** as an explicit state machine ([`appointment`]).
//! - **Booking rules** as pure functions with `now` passed in ([`booking_rules`]).
//! - **Ports**: one narrow, object-safe trait per capability ([`ports`]), each documenting what
//!   every adapter must return. `leyr-http` implements them over Leyr's API, `leyr-in-memory` in
//!   memory; use cases live in `leyr-app`.
//!
//! # Quick start
//!
//! ```
//! use chrono::NaiveDate;
//! use leyr_domain::personnummer::{Gender, Personnummer, PersonnummerError, PersonnummerKind};
//!
//! // 12-digit forms parse on their own; the canonical form is what Leyr and TakeCare expect.
//! let alfa: Personnummer = "19711002-1834".parse()?;
//! assert_eq!(alfa.to_string(), "197110021834");
//! assert_eq!(alfa.kind(), PersonnummerKind::Personal);
//! assert_eq!(alfa.gender(), Gender::Male);
//!
//! // 10-digit forms need a reference date to know their century: the domain never reads the clock.
//! let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
//! let tolvan = Personnummer::parse_with_reference("121212+1212", today)?;
//! assert_eq!(tolvan.to_string(), "191212121212");
//! assert_eq!(tolvan.separated(today), "121212+1212");
//!
//! // Errors say what is wrong without echoing the digits; `Debug` hides the number.
//! assert_eq!("197110021835".parse::<Personnummer>(), Err(PersonnummerError::Checksum));
//! assert_eq!(format!("{alfa:?}"), "Personnummer(<redacted>)");
//! # Ok::<(), PersonnummerError>(())
//! ```
//!
//! # Norwegian numbers
//!
//! [`fodselsnummer::Fodselsnummer`] holds a Norwegian fødselsnummer or D-number, and H-numbers,
//! FH-numbers and Tenor's synthetic test numbers where the caller allows them
//! ([`fodselsnummer::FodselsnummerAllow`]). It is built like `Personnummer`: valid by
//! construction, `Copy`, redacted in `Debug`, and parsed without allocating or reading the clock.
//!
//! # The lifecycle
//!
//! ```
//! use leyr_domain::appointment::{AppointmentStatus, LifecycleEvent, TransitionError};
//!
//! let booked = AppointmentStatus::Booked;
//! assert_eq!(booked.after(LifecycleEvent::Cancel), Ok(AppointmentStatus::Cancelled));
//! assert_eq!(
//!     AppointmentStatus::Completed.after(LifecycleEvent::Reschedule),
//!     Err(TransitionError::Completed)
//! );
//! ```
//!
//! # Errors
//!
//! Every parser returns a `#[non_exhaustive]` error enum saying what is wrong. Port methods
//! return one enum per kind of call ([`ports::ReadError`], [`ports::BookError`],
//! [`ports::ChangeError`], [`ports::WriteError`]) whose variants a caller can act on:
//! `NotFound(Entity)`, `SlotTaken`, `Rejected`, `OutcomeUnknown` (the write may have happened),
//! and `Backend` with a [`error::BackendErrorKind`] and an optional retry hint.
//!
//! # Patient data
//!
//! A personnummer, a name, a phone number, an e-mail address, a comment and a note's text never
//! appear in `Debug` output or in an error message: each type redacts itself, so composites may
//! derive `Debug` safely. `Display` is for the wire.
//!
//! # Features
//!
//! - `mocks`: `mockall` mocks of every port (`ports::MockAppointmentBook`, ...).
//! - `test-util`: proptest strategies and fixtures in `testing`.

pub mod appointment;
pub mod booking_rules;
pub mod catalog;
pub mod document;
pub mod ehr;
pub mod error;
pub mod fodselsnummer;
pub mod ids;
pub mod medical_note;
pub mod national_id;
pub mod patient;
pub mod personnummer;
pub mod ports;
pub mod retry;
pub mod text;
pub mod time;
pub mod timeslot;

#[cfg(feature = "test-util")]
pub mod testing;
