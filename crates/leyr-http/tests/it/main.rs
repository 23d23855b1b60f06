//! Integration tests of `leyr-http`: wiremock tests pinning the wire behaviour, the C37 retry
//! table, and the contract suite over real TCP against `leyr-sandbox`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod builder;
mod contract;
mod decoding;
mod errors;
mod metrics;
mod profiles;
mod redaction;
mod requests;
mod retries;
mod retry_policy;
mod support;
