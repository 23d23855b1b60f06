//! The sandbox over real HTTP: every endpoint of contract §3, every sandbox rule (C4-C35), fault
//! injection (C31) and the binary. One sandbox per test, on a free port, with a manual clock
//! standing at Monday 2024-03-25, 07:30 in Stockholm. Set `TEST_LOG=1` to see the request logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod appointments;
mod auth;
mod binary;
mod catalog;
mod errors;
mod faults;
mod leyr_http_client;
mod patients;
mod privacy;
mod records;
mod support;
mod timeslots;
