//! Integration tests of the domain crate: one binary, a module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod booking_rules;
mod fodselsnummer;
mod lifecycle;
mod personnummer;
mod redaction;
