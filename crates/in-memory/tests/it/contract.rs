//! The shared contract suite, run against the in-memory adapter.

use std::sync::Arc;

use leyr_contract::{LoseAnswers, Write};
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ports::Ports;
use leyr_in_memory::{Fault, InMemoryEhr, ManualClock, Operation};

use crate::utc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_memory_adapter_keeps_the_contract() {
    let clock = Arc::new(ManualClock::default());
    let ehr = InMemoryEhr::seeded(clock.clone());
    leyr_contract::run_all(&Ports::from_adapter(ehr, clock)).await;
}

/// §9: every profile, on its own seed world, keeps the contract as far as it goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_profile_keeps_the_contract_on_its_seed_world() {
    for world in leyr_in_memory::seed::WORLDS {
        let clock = Arc::new(ManualClock::default());
        let ehr = InMemoryEhr::builder()
            .profile(world.profile)
            .clock(clock.clone())
            .build()
            .unwrap();
        let subject = Ports::from_adapter(ehr.clone(), clock);
        leyr_contract::run_profile(&subject, world, &ehr).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_twice_on_one_world() {
    let clock = ManualClock::default();
    let subject = Ports::from_adapter(InMemoryEhr::seeded(Arc::new(clock.clone())), clock);
    leyr_contract::run_all(&subject).await;
    leyr_contract::run_all(&subject).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contract_holds_on_a_summer_friday_evening() {
    // 18:30 Stockholm summer time (+02:00): no slot left today, a weekend ahead.
    let clock = Arc::new(ManualClock::new(utc("2025-06-13T16:30:00Z")));
    let ehr = InMemoryEhr::seeded(clock.clone());
    leyr_contract::run_all(&Ports::from_adapter(ehr, clock)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_confirmation_flow_holds_with_a_confirmation_code() {
    let clock = Arc::new(ManualClock::default());
    let code = ConfirmationCode::new("123456").unwrap();
    let ehr = InMemoryEhr::builder()
        .clock(clock.clone())
        .confirmation_code(code.clone())
        .build()
        .unwrap();
    leyr_contract::confirmation_flow(&Ports::from_adapter(ehr, clock), &code).await;
}

/// Loses answers with the fake's fault plan: a scripted `Fault::OutcomeUnknown` does the write
/// and then loses its answer.
struct ScriptedLoss(InMemoryEhr);

impl LoseAnswers for ScriptedLoss {
    fn lose_next(&self, write: Write) {
        let operation = match write {
            Write::RegisterPatient => Operation::RegisterPatient,
            Write::Book => Operation::Book,
            Write::Reschedule => Operation::Reschedule,
            Write::Cancel => Operation::Cancel,
            Write::CancelMany => Operation::CancelMany,
            Write::WriteNote => Operation::WriteNote,
            Write::UploadDocument => Operation::UploadDocument,
            other => panic!("no fault for {other:?}"),
        };
        self.0.faults().script(operation, [Fault::OutcomeUnknown]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_are_outcome_unknown_and_the_writes_happen() {
    let clock = Arc::new(ManualClock::default());
    let ehr = InMemoryEhr::seeded(clock.clone());
    let subject = Ports::from_adapter(ehr.clone(), clock);
    let faults = ScriptedLoss(ehr);
    leyr_contract::lost_answers_are_outcome_unknown_and_the_writes_happen(&subject, &faults).await;
    // The check leaves the world as a second run can use, and no fault behind.
    leyr_contract::lost_answers_are_outcome_unknown_and_the_writes_happen(&subject, &faults).await;
    assert!(
        Operation::ALL
            .iter()
            .all(|operation| faults.0.faults().pending(*operation) == 0)
    );
}
