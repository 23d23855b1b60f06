//! Integration tests of the use cases: `mockall` mocks pin the interactions with the ports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod book;
mod changes;
mod in_memory;
mod privacy;
mod reads;
mod register;
mod retry_policy;
mod support;
mod trust;
