//! How a service tests its booking flow without Leyr: the in-memory adapter, with a fault
//! injected. The booking is done but its answer is "lost" (outcome unknown); `leyr-app`
//! reconciles by listing the patient's appointments and reports the booking as recovered,
//! without booking twice.
//!
//! ```sh
//! cargo test -p leyr-app --example in_memory_with_a_fault
//! ```

#![allow(clippy::print_stdout, reason = "an example shows its result")]

use leyr_app::domain::national_id::NationalId;
use std::sync::Arc;

use leyr_app::domain::appointment::{AppointmentQuery, BookingRequest};
use leyr_app::domain::ids::{CareUnitId, ResourceId};
use leyr_app::domain::patient::PatientRef;
use leyr_app::domain::personnummer::Personnummer;
use leyr_app::domain::ports::Ports;
use leyr_app::{Booked, Booking, TimeslotFilter};
use leyr_in_memory::seed::{CARE_UNIT, DR_EHN, RECOMMENDED_PATIENT};
use leyr_in_memory::{Fault, InMemoryEhr, ManualClock, Operation};

/// Books the first free slot of Dr Ehn for the recommended patient while the adapter loses the
/// booking's answer; returns what the use case reported and how many appointments exist.
async fn book_through_a_lost_answer() -> Result<(Booked, usize), Box<dyn std::error::Error>> {
    let clock = ManualClock::default();
    let ehr = InMemoryEhr::seeded(Arc::new(clock.clone()));
    ehr.faults()
        .script(Operation::Book, [Fault::OutcomeUnknown]);
    let booking = Booking::new(Ports::from_adapter(ehr, clock));

    let care_unit = CareUnitId::new(CARE_UNIT)?;
    let patient = PatientRef::National(NationalId::Personnummer(
        RECOMMENDED_PATIENT.parse::<Personnummer>()?,
    ));
    let filter = TimeslotFilter {
        resource_id: Some(ResourceId::new(DR_EHN)?),
        ..TimeslotFilter::default()
    };
    let slot = booking
        .find_timeslots(&care_unit, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or("no free slot")?;
    let booked = booking
        .book(
            &care_unit,
            &BookingRequest {
                patient: patient.clone(),
                slot: slot.clone(),
                comment: None,
            },
        )
        .await?;
    let query = AppointmentQuery {
        patient: Some(patient),
        start: Some(slot.start()),
        end: Some(slot.end()),
        ..AppointmentQuery::default()
    };
    let count = booking.list_appointments(&care_unit, &query).await?.len();
    Ok((booked, count))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (booked, count) = book_through_a_lost_answer().await?;
    println!(
        "recovered: {}, attempts: {}, appointments in the slot: {count}",
        booked.recovered, booked.attempts
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lost_booking_answer_is_recovered_without_booking_twice() {
        let (booked, count) = book_through_a_lost_answer().await.unwrap();
        assert!(
            booked.recovered,
            "the use case found the booking by listing"
        );
        assert_eq!(booked.attempts, 1, "the booking was sent once");
        assert_eq!(count, 1, "exactly one appointment exists in the slot");
    }
}
