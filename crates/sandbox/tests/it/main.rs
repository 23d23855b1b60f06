//! The sandbox over real HTTP: every endpoint of contract §3, every sandbox rule (C4-C43) and
//! fault injection (C31). One sandbox per test, on a free port, with a manual clock standing at
//! Monday 2024-03-25, 07:30 in Stockholm. The `leyr-sandbox` binary is tested where it is
//! built, in `leyr-cli`. Set `TEST_LOG=1` to see the request logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod appointments;
mod auth;
mod catalog;
mod errors;
mod faults;
mod free_text;
mod leyr_http_client;
mod openapi;
mod patients;
mod profiles;
mod records;
mod routes;
mod support;
mod timeslots;
