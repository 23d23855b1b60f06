//! The pure domain of the Leyr booking toolkit: placeholder docs, rewritten below.

pub mod appointment;
pub mod booking_rules;
pub mod catalog;
pub mod document;
pub mod error;
pub mod ids;
pub mod medical_note;
pub mod patient;
pub mod personnummer;
pub mod ports;
pub mod time;
pub mod timeslot;

#[cfg(feature = "test-util")]
pub mod testing;
