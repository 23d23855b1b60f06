//! `leyr demo`: the whole TakeCare lifecycle, one readable line per step.
//!
//! With no `--base-url` it starts `leyr-sandbox` in-process on a loopback port and runs every
//! step through `leyr-http`, so the real HTTP path is exercised. With `--base-url` and
//! `LEYR_CLIENT_ID` / `LEYR_CLIENT_SECRET` it runs the same steps against that Leyr API.
//! Personnummer are masked; names are never printed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use leyr_app::clock::SystemClock;
use leyr_app::{
    Booking, ExternalIdInput, RegisterPatientInput, RescheduleCommand, TimeslotFilter,
    WriteMedicalNoteInput,
};
use leyr_domain::appointment::{AppointmentQuery, BookingRequest, Comment};
use leyr_domain::ids::{CareUnitId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::personnummer::Personnummer;
use leyr_domain::ports::Cancellation;
use leyr_sandbox::Sandbox;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::cli::Connection;
use crate::connect;
use crate::failure::{Failure, IntoFailure, Reason};
use crate::output::{self, Printer};
use crate::terminal::Spinner;

/// Leyr's recommended TakeCare test patient, who "has extensive data".
const TEST_PATIENT: &str = "197110021834";
/// The patient the demo registers: a valid 1980s personnummer, as Leyr recommends.
const NEW_PATIENT: &str = "198101012394";
/// The same number with a wrong check digit: refused before any request is sent.
const INVALID_PATIENT: &str = "198101012395";
/// Leyr's recommended TakeCare resource, "Läkare Ehn (läk)".
const RESOURCE: &str = "10-991890000019";
/// The demo's own credentials for the in-process sandbox.
const DEMO_CLIENT_ID: &str = "leyr-demo";

pub(crate) struct Steps {
    pub(crate) printer: Printer,
    pub(crate) spinner: Spinner,
    pub(crate) count: usize,
}

impl Steps {
    pub(crate) fn report(&mut self, step: &str, text: &str, mut value: Value) {
        self.count += 1;
        if let Value::Object(map) = &mut value {
            map.insert("step".to_owned(), json!(step));
            map.insert("ok".to_owned(), json!(true));
        }
        self.printer
            .emit(&format!("{:>2}. {text}", self.count), &value);
    }
}

/// The birth year and asterisks, valid or not: `1971********`.
fn masked(personnummer: &str) -> String {
    personnummer.parse::<Personnummer>().map_or_else(
        |_| {
            let year: String = personnummer
                .chars()
                .take(4)
                .filter(char::is_ascii_digit)
                .collect();
            format!("{year:*<12}")
        },
        |valid| valid.masked(),
    )
}

fn care_unit_id(text: &str) -> Result<CareUnitId, Failure> {
    text.parse()
        .map_err(|error| Failure::usage(format!("invalid care unit: {error}")))
}

/// Runs the demo.
pub(crate) async fn run(
    connection: &Connection,
    printer: Printer,
    spinner: Spinner,
) -> Result<(), Failure> {
    let mut steps = Steps {
        printer,
        spinner,
        count: 0,
    };
    if connection.emr != leyr_domain::ehr::TAKECARE.code {
        return crate::demo_ehr::run(connection, &mut steps).await;
    }
    match &connection.base_url {
        Some(base_url) => {
            let client_id = connection.client_id.as_deref().ok_or_else(|| {
                Failure::usage("set --client-id or LEYR_CLIENT_ID to run the demo against Leyr")
            })?;
            let booking =
                connect::booking(base_url, client_id, connect::secret_from_env()?, connection)?;
            steps.report(
                "connect",
                &format!("Using the Leyr API at {base_url}"),
                json!({"base_url": base_url}),
            );
            lifecycle(&booking, &connection.care_unit, &mut steps).await
        }
        None => {
            // The sandbox checks the secret, so the run proves the client sends it: the one in
            // LEYR_CLIENT_SECRET when set, else a fresh one.
            let secret = std::env::var(connect::SECRET_VARIABLE)
                .ok()
                .filter(|secret| !secret.is_empty())
                .unwrap_or_else(|| {
                    format!("demo-{:016x}", RandomState::new().build_hasher().finish())
                });
            let sandbox = Sandbox::builder(Arc::new(SystemClock))
                .client_id(DEMO_CLIENT_ID)
                .client_secret(secret.clone())
                .spawn(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .map_err(|error| {
                    Failure::from_error("could not start the sandbox", &error, Reason::Internal)
                })?;
            let url = sandbox.url();
            steps.report(
                "sandbox",
                &format!("Started the TakeCare sandbox at {url} (in-process, offline)"),
                json!({"base_url": url}),
            );
            let booking =
                connect::booking(&url, DEMO_CLIENT_ID, SecretString::from(secret), connection)?;
            let result = lifecycle(&booking, &connection.care_unit, &mut steps).await;
            let stopped = sandbox.shutdown().await;
            result?;
            stopped.map_err(|error| {
                Failure::from_error("the sandbox did not stop cleanly", &error, Reason::Internal)
            })
        }
    }
}

async fn lifecycle(booking: &Booking, wanted_unit: &str, steps: &mut Steps) -> Result<(), Failure> {
    let spinner = steps.spinner;
    // 1. Care units.
    let units = spinner
        .while_pending(booking.care_units())
        .await
        .map_err(|e| e.into_failure("could not list care units"))?;
    let wanted = care_unit_id(wanted_unit)?;
    let unit = units.iter().find(|unit| unit.id == wanted).ok_or_else(|| {
        Failure::new(
            Reason::NotFound,
            format!("care unit {wanted} is not among the {} listed", units.len()),
        )
    })?;
    steps.report(
        "care_units",
        &format!(
            "Found {} care unit(s); using {} \"{}\"",
            units.len(),
            unit.id,
            unit.name.as_deref().unwrap_or("unnamed")
        ),
        json!({"count": units.len(), "care_unit_id": unit.id.as_str()}),
    );
    let care_unit = unit.id.clone();

    // 2. The test patient.
    let test_patient: PatientRef = TEST_PATIENT
        .parse::<Personnummer>()
        .map(PatientRef::from)
        .map_err(|error| Failure::usage(format!("the demo's test patient is invalid: {error}")))?;
    let patient = spinner
        .while_pending(booking.find_patient(&care_unit, &test_patient))
        .await
        .map_err(|e| e.into_failure("could not fetch the test patient"))?;
    steps.report(
        "get_patient",
        &format!(
            "Fetched test patient {} (Leyr id {})",
            masked(TEST_PATIENT),
            patient.leyr_id.as_ref().map_or("unknown", |id| id.as_str())
        ),
        json!({"personnummer": masked(TEST_PATIENT), "leyr_id": patient.leyr_id.as_ref().map(|id| id.as_str())}),
    );

    // 3. Registration: an invalid number is refused before any request; a valid one registers.
    let input = |personnummer: &str| RegisterPatientInput {
        external_id: ExternalIdInput::Personnummer(personnummer.to_owned()),
        first_name: "Anders".to_owned(),
        last_name: "Andersson".to_owned(),
        phones: vec!["+46701234567".to_owned()],
        emails: Vec::new(),
    };
    match spinner
        .while_pending(booking.register_patient(&care_unit, &input(INVALID_PATIENT)))
        .await {
        Err(error) => steps.report(
            "register_invalid",
            &format!("Refused {} before any request: {error}", masked(INVALID_PATIENT)),
            json!({"personnummer": masked(INVALID_PATIENT), "refused": true, "reason": error.to_string()}),
        ),
        Ok(_) => {
            return Err(Failure::new(Reason::BadAnswer, "an invalid personnummer was accepted"));
        }
    }
    let registration = spinner
        .while_pending(booking.register_patient(&care_unit, &input(NEW_PATIENT)))
        .await
        .map_err(|e| e.into_failure("could not register the new patient"))?;
    steps.report(
        "register_patient",
        &format!(
            "{} patient {} (EHR id {})",
            if registration.was_created() {
                "Registered new"
            } else {
                "Found existing"
            },
            masked(NEW_PATIENT),
            masked(registration.patient().emr_id.as_str()),
        ),
        json!({"personnummer": masked(NEW_PATIENT), "created": registration.was_created()}),
    );

    // 4. Services and resources.
    let services = spinner
        .while_pending(booking.services(&care_unit))
        .await
        .map_err(|e| e.into_failure("could not list services"))?;
    let resources = spinner
        .while_pending(booking.resources(&care_unit))
        .await
        .map_err(|e| e.into_failure("could not list resources"))?;
    let service_names: Vec<String> = services
        .iter()
        .map(|service| {
            let minutes = service
                .duration
                .map_or_else(String::new, |d| format!(", {} min", d.num_minutes()));
            format!(
                "{} {}{minutes}",
                service.id,
                service.name.as_deref().unwrap_or("unnamed")
            )
        })
        .collect();
    let resource_names: Vec<String> = resources
        .iter()
        .map(|resource| {
            format!(
                "{} {}",
                resource.id,
                resource.name.as_deref().unwrap_or("unnamed")
            )
        })
        .collect();
    steps.report(
        "catalog",
        &format!(
            "{} services ({}); {} resources ({})",
            services.len(),
            service_names.join("; "),
            resources.len(),
            resource_names.join("; ")
        ),
        json!({
            "services": services.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            "resources": resources.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        }),
    );

    // 5. Timeslots of the recommended resource.
    let resource: ResourceId = RESOURCE
        .parse()
        .map_err(|_| Failure::usage("the demo's resource id is invalid"))?;
    let filter = TimeslotFilter {
        resource_id: Some(resource.clone()),
        ..TimeslotFilter::default()
    };
    let slots = spinner
        .while_pending(booking.find_timeslots(&care_unit, &filter))
        .await
        .map_err(|e| e.into_failure("could not list timeslots"))?;
    let first = slots.first().cloned().ok_or_else(|| {
        Failure::new(
            Reason::SlotTaken,
            "the resource has no free timeslot in the next 30 days",
        )
    })?;
    steps.report(
        "timeslots",
        &format!(
            "Found {} free timeslots for {} in the next 30 days; the first is {} (Stockholm), service {}",
            slots.len(),
            resource,
            output::span(&first.start(), &first.end()),
            first.healthcare_service_id()
        ),
        json!({"count": slots.len(), "first": output::slot_json(&first)}),
    );

    // 6. Book the first one.
    let comment = Comment::new("Booked by the leyr demo")
        .map_err(|_| Failure::usage("the demo's comment is invalid"))?;
    let request = BookingRequest {
        patient: test_patient.clone(),
        slot: first.clone(),
        comment: Some(comment),
    };
    let booked = spinner
        .while_pending(booking.book(&care_unit, &request))
        .await
        .map_err(|e| e.into_failure("could not book"))?;
    let appointment = booked.appointment;
    steps.report(
        "book",
        &format!(
            "Booked appointment {} for {} at {} ({})",
            appointment.id(),
            masked(TEST_PATIENT),
            output::span(&appointment.start(), &appointment.end()),
            appointment.status()
        ),
        output::appointment_json(&appointment),
    );

    // 7. The patient's appointments.
    let query = AppointmentQuery {
        patient: Some(test_patient.clone()),
        ..AppointmentQuery::default()
    };
    let listed = spinner
        .while_pending(booking.list_appointments(&care_unit, &query))
        .await
        .map_err(|e| e.into_failure("could not list appointments"))?;
    if !listed.iter().any(|listed| listed.id() == appointment.id()) {
        return Err(Failure::new(
            Reason::BadAnswer,
            "the new appointment is missing from the patient's appointments",
        ));
    }
    let summary: Vec<String> = listed
        .iter()
        .map(|a| format!("{} {}", output::when(&a.start()), a.status()))
        .collect();
    steps.report(
        "list_appointments",
        &format!(
            "{} has {} appointments: {}",
            masked(TEST_PATIENT),
            listed.len(),
            summary.join(", ")
        ),
        json!({"count": listed.len(), "includes_booking": true}),
    );

    // 8. Reschedule to the next free slot of the same service.
    let same_service = TimeslotFilter {
        resource_id: Some(resource.clone()),
        healthcare_service_id: Some(first.healthcare_service_id().clone()),
        window: None,
    };
    let target = spinner
        .while_pending(booking.find_timeslots(&care_unit, &same_service))
        .await
        .map_err(|e| e.into_failure("could not list timeslots"))?
        .into_iter()
        .find(|slot| slot.start() >= appointment.end())
        .ok_or_else(|| Failure::new(Reason::SlotTaken, "no later free timeslot to move to"))?;
    let command = RescheduleCommand {
        patient: test_patient.clone(),
        appointment: appointment.id().clone(),
        slot: target,
        comment: None,
    };
    let moved = spinner
        .while_pending(booking.reschedule(&care_unit, &command))
        .await
        .map_err(|e| e.into_failure("could not reschedule"))?;
    steps.report(
        "reschedule",
        &format!(
            "Rescheduled {} to {} ({})",
            moved.id(),
            output::span(&moved.start(), &moved.end()),
            moved.status()
        ),
        output::appointment_json(&moved),
    );

    // 9. Cancel.
    let reason = Comment::new("Patient is ill")
        .map_err(|_| Failure::usage("the demo's comment is invalid"))?;
    let cancellation = Cancellation {
        comment: Some(reason),
    };
    let cancelled = spinner
        .while_pending(booking.cancel(&care_unit, moved.id(), &cancellation))
        .await
        .map_err(|e| e.into_failure("could not cancel"))?
        .appointment()
        .clone();
    steps.report(
        "cancel",
        &format!(
            "Cancelled {} ({}); its timeslot is free again",
            cancelled.id(),
            cancelled.status()
        ),
        output::appointment_json(&cancelled),
    );

    // 10. Write a note, 11. read the notes back.
    let note_input = WriteMedicalNoteInput::unstructured(
        resource.clone(),
        "Consultation Summary",
        "Patient reports mild headache.",
    );
    let note = spinner
        .while_pending(booking.write_note(&care_unit, &test_patient, &note_input))
        .await
        .map_err(|e| e.into_failure("could not write the note"))?;
    steps.report(
        "write_note",
        &format!(
            "Wrote unsigned note {} by {} at {}",
            note.id,
            resource,
            output::when(&note.created_at)
        ),
        json!({"id": note.id.as_str(), "created_at": output::time_json(&note.created_at)}),
    );
    let notes = spinner
        .while_pending(booking.read_notes(&care_unit, &test_patient))
        .await
        .map_err(|e| e.into_failure("could not read the notes"))?;
    if notes.last().is_none_or(|last| last.id != note.id) {
        return Err(Failure::new(
            Reason::BadAnswer,
            "the new note is not the newest of the patient's notes",
        ));
    }
    steps.report(
        "read_notes",
        &format!(
            "Read {} notes, oldest first; the newest is {}",
            notes.len(),
            note.id
        ),
        json!({"count": notes.len(), "newest": note.id.as_str()}),
    );
    Ok(())
}
