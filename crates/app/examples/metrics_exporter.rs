//! Wiring an exporter to the metrics `leyr-http` and `leyr-app` record through the `metrics`
//! facade: here Prometheus's text format, printed after a booking whose first post is answered
//! 503 (so retries and reconciliations show). A service would serve `handle.render()` on its
//! `/metrics` route instead.
//!
//! ```sh
//! cargo run -p leyr-app --example metrics_exporter
//! ```

#![allow(clippy::print_stdout, reason = "an example shows its result")]

use std::error::Error;
use std::sync::Arc;

use leyr_app::prelude::*;
use leyr_http::LeyrClient;
use leyr_sandbox::{HttpFault, Sandbox};
use metrics_exporter_prometheus::PrometheusBuilder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    // Installed once, at start-up; without it the metrics cost nothing.
    let handle = PrometheusBuilder::new().install_recorder()?;

    let sandbox = Sandbox::builder(Arc::new(SystemClock))
        .client_id("example")
        .spawn("127.0.0.1:0".parse()?)
        .await?;
    let client = LeyrClient::builder()
        .base_url(sandbox.url())
        .credentials("example", "unused".to_owned().into())
        .build()?;
    let unit = Booking::over(client)
        .with_retry_policy(RetryPolicy::default().with_backoff([]))
        .care_unit("10".parse()?);
    let slot = unit
        .find_timeslots(&TimeslotFilter::default())
        .await?
        .into_iter()
        .next()
        .ok_or("no free timeslot")?;
    // The listing before the post passes; the first post gets 503 and is reconciled.
    sandbox
        .faults()
        .next(HttpFault::Delay(std::time::Duration::ZERO));
    sandbox.faults().next(HttpFault::ServiceUnavailable);
    let patient: Personnummer = "197110021834".parse()?;
    let booked = unit
        .book(&BookingRequest {
            patient: patient.into(),
            slot,
            comment: None,
        })
        .await?;
    println!("# booked after {} posts\n", booked.attempts);
    println!("{}", handle.render());
    sandbox.shutdown().await?;
    Ok(())
}
