//! The shared contract suite, run against the in-memory adapter.

use std::sync::Arc;

use leyr_contract::Subject;
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ports::Clock;
use leyr_in_memory::{InMemoryEhr, ManualClock};

use crate::utc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_memory_adapter_keeps_the_contract() {
    let clock = ManualClock::default();
    let now = clock.now();
    let ehr = InMemoryEhr::seeded(Arc::new(clock));
    leyr_contract::run_all(&Subject::from_adapter(Arc::new(ehr), now)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_twice_on_one_world() {
    let clock = ManualClock::default();
    let subject = Subject::from_adapter(
        Arc::new(InMemoryEhr::seeded(Arc::new(clock.clone()))),
        clock.now(),
    );
    leyr_contract::run_all(&subject).await;
    leyr_contract::run_all(&subject).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_on_a_summer_friday_evening() {
    // 18:30 Stockholm summer time (+02:00): no slot left today, a weekend ahead.
    let clock = ManualClock::new(utc("2025-06-13T16:30:00Z"));
    let now = clock.now();
    let ehr = InMemoryEhr::seeded(Arc::new(clock));
    leyr_contract::run_all(&Subject::from_adapter(Arc::new(ehr), now)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_flow_holds_with_a_confirmation_code() {
    let clock = ManualClock::default();
    let now = clock.now();
    let code = ConfirmationCode::new("123456").unwrap();
    let ehr = InMemoryEhr::builder()
        .clock(Arc::new(clock))
        .confirmation_code(code.clone())
        .build()
        .unwrap();
    leyr_contract::confirmation_flow(&Subject::from_adapter(Arc::new(ehr), now), &code).await;
}
