//! A service that books through `leyr-app` over `leyr-http`: the first free slot of TakeCare's
//! recommended resource, for Leyr's recommended test patient.
//!
//! With `LEYR_BASE_URL`, `LEYR_CLIENT_ID` and `LEYR_CLIENT_SECRET` set it talks to that Leyr API;
//! otherwise it starts `leyr-sandbox` in-process and books there.
//!
//! ```sh
//! cargo run -p leyr-app --example book_first_free_slot
//! ```

#![allow(clippy::print_stdout, reason = "an example shows its result")]

use std::error::Error;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use leyr_app::clock::SystemClock;
use leyr_app::domain::appointment::BookingRequest;
use leyr_app::domain::ids::{CareUnitId, ResourceId};
use leyr_app::domain::patient::PatientRef;
use leyr_app::domain::personnummer::Personnummer;
use leyr_app::{Booking, Ports, TimeslotFilter};
use leyr_http::LeyrClient;
use secrecy::SecretString;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    // Production reads its configuration; the fallback keeps the example runnable offline.
    let (base_url, client_id, secret, sandbox) = match std::env::var("LEYR_BASE_URL") {
        Ok(base_url) => (
            base_url,
            std::env::var("LEYR_CLIENT_ID")?,
            std::env::var("LEYR_CLIENT_SECRET")?,
            None,
        ),
        Err(_) => {
            let sandbox = leyr_sandbox::Sandbox::builder()
                .client_id("example")
                .client_secret("example-secret")
                .spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await?;
            (
                sandbox.url(),
                "example".to_owned(),
                "example-secret".to_owned(),
                Some(sandbox),
            )
        }
    };

    // The composition root: the only place that names the adapter.
    let leyr = LeyrClient::builder()
        .base_url(base_url)
        .client_id(client_id)
        .client_secret(SecretString::from(secret))
        .build()?;
    let booking = Booking::new(Ports::from_adapter(Arc::new(leyr), Arc::new(SystemClock)));

    let care_unit = CareUnitId::new("10")?;
    let patient = PatientRef::Personnummer("197110021834".parse::<Personnummer>()?);
    let filter = TimeslotFilter {
        resource_id: Some(ResourceId::new("10-991890000019")?),
        ..TimeslotFilter::default()
    };
    let slot = booking
        .find_timeslots(&care_unit, &filter)
        .await?
        .into_iter()
        .next()
        .ok_or("no free timeslot in the next 30 days")?;
    let booked = booking
        .book(
            &care_unit,
            &BookingRequest {
                patient,
                slot,
                comment: None,
            },
        )
        .await?;
    println!(
        "booked {} from {} to {} ({})",
        booked.appointment.id(),
        booked.appointment.start(),
        booked.appointment.end(),
        booked.appointment.status()
    );
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}
