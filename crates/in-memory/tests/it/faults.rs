//! Fault injection: scripts, seeded rates, lost answers and latency.

use std::time::Duration;

use leyr_domain::appointment::{AppointmentQuery, AppointmentStatus, BookingRequest};
use leyr_domain::error::{BackendError, BackendErrorKind};
use leyr_domain::ports::{
    AppointmentBook, Availability, BookError, Cancellation, CareUnitCatalog, ChangeError,
    PatientDirectory, ReadError,
};
use leyr_domain::timeslot::TimeslotQuery;
use leyr_in_memory::{Fault, FaultRate, InMemoryEhr, Operation, seed};

use crate::{a_free_slot, all_appointments, care_unit, patient, seeded};

fn backend(result: Result<impl std::fmt::Debug, ReadError>) -> BackendError {
    match result {
        Err(ReadError::Backend(error)) => error,
        other => panic!("expected a backend error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_script_is_consumed_one_fault_per_call_in_order() {
    let (ehr, _) = seeded();
    ehr.faults().script(
        Operation::ListResources,
        [
            Fault::Unavailable {
                retry_after: Some(Duration::from_secs(3)),
            },
            Fault::Throttled { retry_after: None },
            Fault::OutcomeUnknown,
        ],
    );
    assert_eq!(ehr.faults().pending(Operation::ListResources), 3);

    let first = backend(ehr.list_resources(&care_unit()).await);
    assert_eq!(
        (first.kind(), first.status(), first.retry_after()),
        (
            BackendErrorKind::Unavailable,
            Some(503),
            Some(Duration::from_secs(3))
        )
    );
    assert!(
        ehr.list_care_units().await.is_ok(),
        "other operations are not affected"
    );
    let second = backend(ehr.list_resources(&care_unit()).await);
    assert_eq!(
        (second.kind(), second.status(), second.retry_after()),
        (BackendErrorKind::Throttled, Some(429), None)
    );
    let third = backend(ehr.list_resources(&care_unit()).await);
    assert_eq!(
        third.kind(),
        BackendErrorKind::Timeout,
        "a lost answer on a read is a timeout"
    );
    assert_eq!(ehr.faults().pending(Operation::ListResources), 0);
    assert_eq!(
        ehr.list_resources(&care_unit()).await.unwrap().len(),
        2,
        "the script is used up"
    );
}

#[tokio::test]
async fn a_seeded_rate_gives_the_same_failures_on_every_run() {
    let outcomes = |seed: u64| async move {
        let ehr = InMemoryEhr::builder().build().unwrap();
        ehr.faults().set_rate(
            Operation::GetPatient,
            FaultRate {
                unavailable: 0.2,
                outcome_unknown: 0.1,
                seed,
            },
        );
        let mut outcomes = Vec::new();
        for _ in 0..400 {
            outcomes.push(
                match ehr
                    .get_patient(&care_unit(), &patient(seed::RECOMMENDED_PATIENT))
                    .await
                {
                    Ok(_) => 'o',
                    Err(ReadError::Backend(error))
                        if error.kind() == BackendErrorKind::Unavailable =>
                    {
                        'u'
                    }
                    Err(ReadError::Backend(error)) if error.kind() == BackendErrorKind::Timeout => {
                        't'
                    }
                    Err(other) => panic!("unexpected {other:?}"),
                },
            );
        }
        outcomes
    };
    let (once, again) = (outcomes(11).await, outcomes(11).await);
    assert_eq!(once, again, "one seed, one sequence");
    assert_ne!(once, outcomes(12).await, "another seed, another sequence");
    let count = |kind: char| once.iter().filter(|outcome| **outcome == kind).count();
    assert!(
        (50..110).contains(&count('u')),
        "about 20% unavailable, got {}",
        count('u')
    );
    assert!(
        (20..65).contains(&count('t')),
        "about 10% lost, got {}",
        count('t')
    );
}

#[tokio::test]
async fn setting_a_rate_again_restarts_its_sequence_and_clear_removes_it() {
    let (ehr, _) = seeded();
    let rate = FaultRate {
        unavailable: 0.5,
        outcome_unknown: 0.0,
        seed: 5,
    };
    let run = |ehr: InMemoryEhr| async move {
        let mut failed = Vec::new();
        for _ in 0..32 {
            failed.push(ehr.list_care_units().await.is_err());
        }
        failed
    };
    ehr.faults().set_rate(Operation::ListCareUnits, rate);
    let first = run(ehr.clone()).await;
    ehr.faults().set_rate(Operation::ListCareUnits, rate);
    assert_eq!(run(ehr.clone()).await, first);
    assert!(first.contains(&true) && first.contains(&false));
    ehr.faults().clear();
    assert!(
        !run(ehr.clone()).await.contains(&true),
        "no failures after clear"
    );
    let certain = FaultRate {
        unavailable: 7.0,
        outcome_unknown: f64::NAN,
        seed: 1,
    };
    ehr.faults().set_rate(Operation::ListCareUnits, certain);
    assert!(
        run(ehr).await.iter().all(|failed| *failed),
        "rates are clamped to 1"
    );
}

#[tokio::test]
async fn a_lost_booking_answer_still_books() {
    let (ehr, _) = seeded();
    let slot = a_free_slot(&ehr, 1).await;
    ehr.faults()
        .script(Operation::Book, [Fault::OutcomeUnknown]);
    let request = BookingRequest {
        patient: patient(seed::RECOMMENDED_PATIENT),
        slot: slot.clone(),
        comment: None,
    };
    match ehr.book(&care_unit(), &request).await {
        Err(BookError::OutcomeUnknown(error)) => {
            assert_eq!(error.kind(), BackendErrorKind::Timeout)
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
    // Reconciliation as the booking use case does it (C38): list the patient's window.
    let window = request.window();
    let query = AppointmentQuery {
        patient: Some(request.patient.clone()),
        start: Some(window.start()),
        end: Some(window.end()),
        ..AppointmentQuery::default()
    };
    let found = ehr.list_appointments(&care_unit(), &query).await.unwrap();
    assert_eq!(found.len(), 1);
    assert!(found[0].matches_slot(&slot) && found[0].status() == &AppointmentStatus::Booked);
    let free = ehr
        .find_timeslots(&care_unit(), &TimeslotQuery::new(window))
        .await
        .unwrap();
    assert!(
        !free.iter().any(|listed| listed.same_slot(&slot)),
        "the slot is taken"
    );
    assert!(matches!(
        ehr.book(&care_unit(), &request).await,
        Err(BookError::SlotTaken)
    ));
}

#[tokio::test]
async fn an_unavailable_booking_does_nothing() {
    let (ehr, _) = seeded();
    let before = all_appointments(&ehr).await.len();
    let slot = a_free_slot(&ehr, 1).await;
    ehr.faults()
        .script(Operation::Book, [Fault::Unavailable { retry_after: None }]);
    let request = BookingRequest {
        patient: patient(seed::RECOMMENDED_PATIENT),
        slot: slot.clone(),
        comment: None,
    };
    match ehr.book(&care_unit(), &request).await {
        Err(BookError::Backend(error)) => assert_eq!(
            (error.kind(), error.status()),
            (BackendErrorKind::Unavailable, Some(503))
        ),
        other => panic!("expected a 503, got {other:?}"),
    }
    assert_eq!(
        all_appointments(&ehr).await.len(),
        before,
        "nothing was booked"
    );
    assert!(
        ehr.book(&care_unit(), &request).await.is_ok(),
        "the slot is still free"
    );
}

#[tokio::test]
async fn a_lost_cancel_answer_still_cancels() {
    let (ehr, _) = seeded();
    let appointment = crate::book(&ehr, seed::TEST_PATIENTS[3], &a_free_slot(&ehr, 1).await).await;
    ehr.faults()
        .script(Operation::Cancel, [Fault::OutcomeUnknown]);
    let got = ehr
        .cancel(&care_unit(), appointment.id(), &Cancellation::default())
        .await;
    assert!(
        matches!(got, Err(ChangeError::OutcomeUnknown(_))),
        "{got:?}"
    );
    let listed = all_appointments(&ehr).await;
    assert_eq!(
        listed
            .iter()
            .find(|listed| listed.id() == appointment.id())
            .unwrap()
            .status(),
        &AppointmentStatus::Cancelled
    );
}

#[tokio::test(start_paused = true)]
async fn latency_delays_the_answer() {
    let (ehr, _) = seeded();
    ehr.faults()
        .set_latency(Operation::FindTimeslots, Duration::from_secs(5));
    let started = tokio::time::Instant::now();
    let slot = a_free_slot(&ehr, 1).await;
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    ehr.faults()
        .script(Operation::Book, [Fault::Latency(Duration::from_secs(2))]);
    let started = tokio::time::Instant::now();
    let booked = crate::book(&ehr, seed::TEST_PATIENTS[2], &slot).await;
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(
        booked.status(),
        &AppointmentStatus::Booked,
        "a delayed call is answered normally"
    );

    ehr.faults()
        .set_latency(Operation::FindTimeslots, Duration::ZERO);
    let started = tokio::time::Instant::now();
    a_free_slot(&ehr, 1).await;
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test]
async fn clones_share_one_fault_plan() {
    let (ehr, _) = seeded();
    let clone = ehr.clone();
    clone.faults().script(
        Operation::ListCareUnits,
        [Fault::Throttled { retry_after: None }],
    );
    assert!(ehr.list_care_units().await.is_err());
    assert!(clone.list_care_units().await.is_ok());
}
