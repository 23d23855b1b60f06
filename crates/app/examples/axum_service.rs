//! An axum service holding [`Booking`] in its state: `GET /slots` lists free slots and
//! `POST /bookings` books one, over `leyr-http` configured from the environment (or, without
//! `LEYR_CLIENT_ID`, an in-process sandbox).
//!
//! ```sh
//! cargo run -p leyr-app --example axum_service
//! curl -s localhost:3000/slots | head -c 300
//! curl -s -XPOST localhost:3000/bookings -H 'content-type: application/json' \
//!      -d '{"start":"...","end":"...","resource_id":"10-991890000019","healthcare_service_id":"1001"}'
//! ```
//!
//! The patient would come from the service's own session; here it is Leyr's test patient.
//! Errors are mapped to statuses a front end can act on, and never echo patient data.

use std::error::Error;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use leyr_app::domain::timeslot::Timeslot;
use leyr_app::prelude::*;
use leyr_http::LeyrClient;
use serde::{Deserialize, Serialize};

/// What every handler shares: the use cases for one care unit (a cheap clone).
#[derive(Clone)]
struct AppState {
    unit: CareUnitBooking,
}

#[derive(Serialize)]
struct SlotView {
    start: String,
    end: String,
    resource_id: String,
    healthcare_service_id: String,
}

#[derive(Deserialize)]
struct BookingForm {
    start: String,
    end: String,
    resource_id: String,
    healthcare_service_id: String,
}

#[derive(Serialize)]
struct BookingView {
    appointment_id: String,
    status: String,
    already_held: bool,
}

async fn slots(State(state): State<AppState>) -> Result<Json<Vec<SlotView>>, StatusCode> {
    let slots = state
        .unit
        .find_timeslots(&TimeslotFilter::default())
        .await
        .map_err(|_| StatusCode::BAD_GATEWAY)?;
    Ok(Json(
        slots
            .iter()
            .map(|slot| SlotView {
                start: slot.start().to_rfc3339(),
                end: slot.end().to_rfc3339(),
                resource_id: slot.resource_id().to_string(),
                healthcare_service_id: slot.healthcare_service_id().to_string(),
            })
            .collect(),
    ))
}

async fn book(
    State(state): State<AppState>,
    Json(form): Json<BookingForm>,
) -> Result<Json<BookingView>, StatusCode> {
    let parse = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text).map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)
    };
    let slot = Timeslot::new(
        parse(&form.start)?,
        parse(&form.end)?,
        form.resource_id
            .parse()
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?,
        form.healthcare_service_id
            .parse()
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?,
    )
    .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
    let patient: Personnummer = "197110021834"
        .parse()
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let request = BookingRequest {
        patient: patient.into(),
        slot,
        comment: None,
    };
    // A request handler that is cancelled (the user closes the page) cannot leave the booking
    // half done: once posted, it is settled in the background.
    match state.unit.book(&request).await {
        Ok(booked) => Ok(Json(BookingView {
            appointment_id: booked.appointment.id().to_string(),
            status: booked.appointment.status().as_str().to_owned(),
            already_held: booked.already_held,
        })),
        Err(BookAppointmentError::SlotTaken) => Err(StatusCode::CONFLICT),
        Err(BookAppointmentError::Rule(_) | BookAppointmentError::NotFound(_)) => {
            Err(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(BookAppointmentError::Unavailable(_) | BookAppointmentError::DeadlineExceeded) => {
            Err(StatusCode::SERVICE_UNAVAILABLE)
        }
        // The booking may exist: the front end should show "we are checking" and look again.
        Err(_) => Err(StatusCode::ACCEPTED),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let (client, sandbox) = match std::env::var_os(leyr_http::ENV_CLIENT_ID) {
        Some(_) => (LeyrClient::from_env()?, None),
        None => {
            let sandbox = leyr_sandbox::Sandbox::builder(Arc::new(SystemClock))
                .client_id("example")
                .spawn("127.0.0.1:0".parse()?)
                .await?;
            let client = LeyrClient::builder()
                .base_url(sandbox.url())
                .credentials("example", "unused".to_owned().into())
                .build()?;
            (client, Some(sandbox))
        }
    };
    let state = AppState {
        unit: Booking::over(client).care_unit("10".parse()?),
    };
    let app = Router::new()
        .route("/slots", get(slots))
        .route("/bookings", post(book))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app).await?;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}
