//! A service that books through `leyr-app` over `leyr-http`: the first free slot of TakeCare's
//! recommended resource, for Leyr's recommended test patient.
//!
//! With `LEYR_CLIENT_ID` and `LEYR_CLIENT_SECRET` set (and `LEYR_BASE_URL`, `LEYR_EMR` if need
//! be) it talks to that Leyr API; otherwise it starts `leyr-sandbox` in-process and books there.
//!
//! ```sh
//! cargo run -p leyr-app --example book_first_free_slot
//! ```

#![allow(clippy::print_stdout, reason = "an example shows its result")]

use std::error::Error;
use std::sync::Arc;

use leyr_app::prelude::*;
use leyr_http::LeyrClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    // The fallback keeps the example runnable offline: a sandbox, and its address for the
    // client, as a deployment would set them.
    let sandbox = match std::env::var_os(leyr_http::ENV_CLIENT_ID) {
        Some(_) => None,
        None => Some(offline_sandbox().await?),
    };

    // The whole set-up: the client from the environment, the use cases over it, one care unit.
    let client = match &sandbox {
        None => LeyrClient::from_env()?,
        Some(sandbox) => LeyrClient::builder()
            .base_url(sandbox.url())
            .credentials("example", "example-secret".to_owned().into())
            .build()?,
    };
    let unit = Booking::over(client).care_unit("10".parse()?);

    let filter = TimeslotFilter {
        resource_id: Some("10-991890000019".parse()?),
        ..TimeslotFilter::default()
    };
    let slot = unit
        .find_timeslots(&filter)
        .await?
        .into_iter()
        .next()
        .ok_or("no free timeslot in the next 30 days")?;
    let patient: Personnummer = "197110021834".parse()?;
    let request = BookingRequest {
        patient: patient.into(),
        slot,
        comment: None,
    };
    let booked = unit.book(&request).await?;
    println!(
        "booked {} from {} to {} ({})",
        booked.appointment.id(),
        booked.appointment.start(),
        booked.appointment.end(),
        booked.appointment.status()
    );
    // Booking the same slot again is not an error: the patient already holds it.
    assert!(unit.book(&request).await?.already_held);
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}

async fn offline_sandbox() -> Result<leyr_sandbox::RunningSandbox, Box<dyn Error + Send + Sync>> {
    Ok(leyr_sandbox::Sandbox::builder(Arc::new(SystemClock))
        .client_id("example")
        .client_secret("example-secret")
        .spawn("127.0.0.1:0".parse()?)
        .await?)
}
