//! `leyr demo --emr <code>` for the EHRs beside TakeCare (contract §9): the lifecycle each
//! profile supports, on an in-process sandbox serving that EHR's seed world, through
//! `leyr-http` and `leyr-app`. Each step the profile lacks is one line saying it is skipped and
//! why; where the EHR confirms by code (Anita Systems), the demo plays the patient by reading
//! the code the sandbox "sent" from its message log. No name or number is printed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use leyr_app::clock::SystemClock;
use leyr_app::{
    Booking, BookingOutcome, Cancelled, ExternalIdInput, RegisterPatientInput, RescheduleCommand,
    TimeslotFilter, WriteMedicalNoteInput,
};
use leyr_domain::appointment::{Appointment, AppointmentQuery, BookingRequest, ConfirmationCode};
use leyr_domain::ehr::{EhrProfile, ExternalIdRule, NationalNumber, Operation};
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::ports::Cancellation;
use leyr_in_memory::InMemoryEhr;
use leyr_in_memory::seed::{self, SeedWorld};
use leyr_sandbox::Sandbox;
use secrecy::SecretString;
use serde_json::json;

use crate::cli::Connection;
use crate::connect;
use crate::demo::Steps;
use crate::failure::{Failure, IntoFailure, Reason};
use crate::output;

const DEMO_CLIENT_ID: &str = "leyr-demo";

/// Runs the demo of `connection.emr` on an in-process sandbox.
pub(crate) async fn run(connection: &Connection, steps: &mut Steps) -> Result<(), Failure> {
    let profile = crate::ehrs::profile_or_usage(&connection.emr, "the demo")?;
    let world = seed::world(profile.code)
        .ok_or_else(|| Failure::new(Reason::Internal, "the sandbox has no world for this EHR"))?;
    if connection.base_url.is_some() {
        return Err(Failure::usage(format!(
            "`leyr demo --emr {}` runs on the in-process sandbox only: it reads the codes the \
             sandbox sends; leave out --base-url",
            profile.code
        )));
    }
    let secret = format!("demo-{:016x}", RandomState::new().build_hasher().finish());
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
        &format!(
            "Started the {} sandbox at {url} (in-process, offline)",
            profile.name
        ),
        json!({"base_url": url, "emr": profile.code}),
    );
    let booking = connect::booking(&url, DEMO_CLIENT_ID, SecretString::from(secret), connection)?;
    let ehr = sandbox
        .ehr_for(profile.code)
        .ok_or_else(|| Failure::new(Reason::Internal, "the sandbox does not serve this EHR"))?;
    let result = Demo {
        booking: &booking,
        profile,
        world,
        ehr: &ehr,
    }
    .lifecycle(steps)
    .await;
    let stopped = sandbox.shutdown().await;
    result?;
    stopped.map_err(|error| {
        Failure::from_error("the sandbox did not stop cleanly", &error, Reason::Internal)
    })
}

struct Demo<'a> {
    booking: &'a Booking,
    profile: &'static EhrProfile,
    world: &'static SeedWorld,
    ehr: &'a InMemoryEhr,
}

impl Demo<'_> {
    /// One line for a step the profile lacks.
    fn skip(&self, steps: &mut Steps, step: &str, operation: Operation) {
        steps.report(
            step,
            &format!(
                "Skipped: {} does not support {}",
                self.profile.code,
                operation.name()
            ),
            json!({"skipped": true, "unsupported": operation.name()}),
        );
    }

    /// The code the sandbox "sent" for `id`, as the patient reads it.
    fn code_for(&self, id: &AppointmentId) -> Result<ConfirmationCode, Failure> {
        self.ehr
            .messages(100)
            .into_iter()
            .find(|message| message.appointment_id == *id)
            .map(|message| message.code)
            .ok_or_else(|| Failure::new(Reason::BadAnswer, "no confirmation code was sent"))
    }

    /// Confirms `id` with the code the patient got; reports it as `step`.
    async fn confirm(
        &self,
        steps: &mut Steps,
        care_unit: &CareUnitId,
        id: &AppointmentId,
        step: &str,
    ) -> Result<Appointment, Failure> {
        let code = self.code_for(id)?;
        steps.report(
            &format!("{step}_code"),
            &format!("The patient got a 6-digit code by SMS for {id} (read from the sandbox's message log)"),
            json!({"appointment_id": id.as_str()}),
        );
        let confirmed = steps
            .spinner
            .while_pending(self.booking.confirm(care_unit, id, &code))
            .await
            .map_err(|e| e.into_failure("could not confirm"))?;
        steps.report(
            step,
            &format!(
                "Confirmed with the code: {} is {}",
                confirmed.id(),
                confirmed.status()
            ),
            output::appointment_json(&confirmed),
        );
        Ok(confirmed)
    }

    async fn lifecycle(&self, steps: &mut Steps) -> Result<(), Failure> {
        let spinner = steps.spinner;
        let booking = self.booking;
        let profile = self.profile;

        // 1. Care units.
        let units = spinner
            .while_pending(booking.care_units())
            .await
            .map_err(|e| e.into_failure("could not list care units"))?;
        let seed_unit = &self.world.care_units[0];
        let care_unit: CareUnitId = seed_unit
            .id
            .parse()
            .map_err(|_| Failure::new(Reason::Internal, "the seed's care unit id is invalid"))?;
        steps.report(
            "care_units",
            &format!(
                "Found {} care unit(s); using {} \"{}\"",
                units.len(),
                care_unit,
                seed_unit.name
            ),
            json!({"count": units.len(), "care_unit_id": care_unit.as_str()}),
        );

        // 2. The catalog.
        let services = spinner
            .while_pending(booking.services(&care_unit))
            .await
            .map_err(|e| e.into_failure("could not list services"))?;
        let resources = spinner
            .while_pending(booking.resources(&care_unit))
            .await
            .map_err(|e| e.into_failure("could not list resources"))?;
        steps.report(
            "catalog",
            &format!(
                "{} healthcare services and {} resources",
                services.len(),
                resources.len()
            ),
            json!({"services": services.len(), "resources": resources.len()}),
        );

        // 3. A seed patient, where the EHR reads patients back.
        let seed_patient = &seed_unit.patients[0];
        if profile.supports(Operation::GetPatient) {
            let id = seed_patient
                .emr_id
                .or(seed_patient.national_id)
                .unwrap_or_default();
            let reference = crate::input::patient(&format!("emr_id:{id}"))?;
            let found = spinner
                .while_pending(booking.find_patient(&care_unit, &reference))
                .await
                .map_err(|e| e.into_failure("could not fetch the test patient"))?;
            steps.report(
                "get_patient",
                &format!("Fetched a seed patient by EHR id {}", found.emr_id),
                json!({"emr_id": found.emr_id.as_str()}),
            );
        } else {
            self.skip(steps, "get_patient", Operation::GetPatient);
        }

        // 4. Register a patient with what the profile asks for.
        let external_id = match profile.external_id {
            ExternalIdRule::Required(NationalNumber::NorwegianFodselsnummer)
            | ExternalIdRule::Optional(NationalNumber::NorwegianFodselsnummer) => {
                // A Tenor synthetic test number (C46).
                ExternalIdInput::Fodselsnummer("02838897382".to_owned())
            }
            ExternalIdRule::Required(_) | ExternalIdRule::Optional(_) => {
                // A personnummer from public test data.
                ExternalIdInput::Personnummer("19090527+1474".to_owned())
            }
            _ => ExternalIdInput::None,
        };
        let input = RegisterPatientInput {
            external_id,
            first_name: "Demo".to_owned(),
            last_name: "Pasient".to_owned(),
            phones: vec!["+4740000077".to_owned()],
            emails: Vec::new(),
        };
        let registered = spinner
            .while_pending(booking.register_patient(&care_unit, &input))
            .await
            .map_err(|e| e.into_failure("could not register the patient"))?
            .into_patient();
        steps.report(
            "register",
            &format!(
                "Registered a patient ({}; {}): EHR id {}",
                match profile.external_id {
                    ExternalIdRule::Required(_) => "the national number it requires",
                    ExternalIdRule::Optional(_) => "with a national number",
                    _ => "no national number needed",
                },
                if profile.requires_phone {
                    "a phone, which it requires"
                } else {
                    "a phone"
                },
                registered.emr_id
            ),
            json!({"emr_id": registered.emr_id.as_str()}),
        );
        let patient = registered.reference();

        // 5. Timeslots of the first resource.
        let resource = resources
            .first()
            .ok_or_else(|| Failure::new(Reason::NotFound, "the care unit has no resource"))?;
        let filter = TimeslotFilter {
            resource_id: Some(resource.id.clone()),
            ..TimeslotFilter::default()
        };
        let slots = spinner
            .while_pending(booking.find_timeslots(&care_unit, &filter))
            .await
            .map_err(|e| e.into_failure("could not list timeslots"))?;
        let first = slots.first().cloned().ok_or_else(|| {
            Failure::new(Reason::SlotTaken, "no free timeslot in the next 30 days")
        })?;
        steps.report(
            "timeslots",
            &format!(
                "Found {} free timeslots for {}; the first is {} (Stockholm)",
                slots.len(),
                resource.id,
                output::span(&first.start(), &first.end())
            ),
            json!({"count": slots.len(), "first": output::slot_json(&first)}),
        );

        // 6. Book it; confirm by code where the EHR asks the patient to.
        let request = BookingRequest {
            patient: patient.clone(),
            slot: first.clone(),
            comment: None,
        };
        let booked = spinner
            .while_pending(booking.book(&care_unit, &request))
            .await
            .map_err(|e| e.into_failure("could not book"))?;
        let mut appointment = booked.appointment;
        steps.report(
            "book",
            &format!(
                "Booked appointment {} at {} ({})",
                appointment.id(),
                output::span(&appointment.start(), &appointment.end()),
                appointment.status()
            ),
            output::appointment_json(&appointment),
        );
        if let BookingOutcome::AwaitingConfirmation { appointment_id } = &booked.outcome {
            appointment = self
                .confirm(steps, &care_unit, appointment_id, "confirm_booking")
                .await?;
        }

        // 7. Read it back.
        if profile.supports(Operation::GetAppointment) {
            let found = spinner
                .while_pending(booking.get_appointment(&care_unit, appointment.id()))
                .await
                .map_err(|e| e.into_failure("could not get the appointment"))?;
            steps.report(
                "get_appointment",
                &format!("Looked {} up by id: {}", found.id(), found.status()),
                output::appointment_json(&found),
            );
        } else {
            self.skip(steps, "get_appointment", Operation::GetAppointment);
        }
        if profile.supports(Operation::ListAppointments) {
            let query = AppointmentQuery {
                patient: Some(patient.clone()),
                ..AppointmentQuery::default()
            };
            let listed = spinner
                .while_pending(booking.list_appointments(&care_unit, &query))
                .await
                .map_err(|e| e.into_failure("could not list appointments"))?;
            steps.report(
                "list_appointments",
                &format!("The patient has {} appointment(s)", listed.len()),
                json!({"count": listed.len()}),
            );
        } else {
            self.skip(steps, "list_appointments", Operation::ListAppointments);
        }

        // 8. Reschedule.
        if profile.supports(Operation::Reschedule) {
            let same_service = TimeslotFilter {
                resource_id: Some(resource.id.clone()),
                healthcare_service_id: Some(first.healthcare_service_id().clone()),
                window: None,
            };
            let target = spinner
                .while_pending(booking.find_timeslots(&care_unit, &same_service))
                .await
                .map_err(|e| e.into_failure("could not list timeslots"))?
                .into_iter()
                .find(|slot| slot.start() >= appointment.end())
                .ok_or_else(|| Failure::new(Reason::SlotTaken, "no later free timeslot"))?;
            let command = RescheduleCommand {
                patient: patient.clone(),
                appointment: appointment.id().clone(),
                slot: target,
                comment: None,
            };
            appointment = spinner
                .while_pending(booking.reschedule(&care_unit, &command))
                .await
                .map_err(|e| e.into_failure("could not reschedule"))?;
            steps.report(
                "reschedule",
                &format!(
                    "Rescheduled {} to {}",
                    appointment.id(),
                    output::span(&appointment.start(), &appointment.end())
                ),
                output::appointment_json(&appointment),
            );
        } else {
            self.skip(steps, "reschedule", Operation::Reschedule);
        }

        // 9. Cancel; in two steps where the EHR asks the patient to confirm.
        if profile.supports(Operation::Cancel) {
            let cancelled = spinner
                .while_pending(booking.cancel(
                    &care_unit,
                    appointment.id(),
                    &Cancellation::default(),
                ))
                .await
                .map_err(|e| e.into_failure("could not cancel"))?;
            match cancelled {
                Cancelled::AwaitingConfirmation { request } => {
                    steps.report(
                        "cancel",
                        &format!(
                            "Asked to cancel {}: the EHR answered a new id {} to confirm; the appointment keeps its slot until then",
                            appointment.id(),
                            request.id()
                        ),
                        output::appointment_json(&request),
                    );
                    self.confirm(steps, &care_unit, request.id(), "confirm_cancel")
                        .await?;
                }
                other => {
                    let done = other.appointment();
                    steps.report(
                        "cancel",
                        &format!(
                            "Cancelled {} ({}); its timeslot is free again",
                            done.id(),
                            done.status()
                        ),
                        output::appointment_json(done),
                    );
                }
            }
        } else {
            self.skip(steps, "cancel", Operation::Cancel);
        }

        // 10. Notes.
        if profile.supports(Operation::WriteNote) {
            let note = WriteMedicalNoteInput::unstructured(
                resource.id.clone(),
                "Consultation Summary",
                "Patient reports mild headache.",
            );
            let written = spinner
                .while_pending(booking.write_note(&care_unit, &patient, &note))
                .await
                .map_err(|e| e.into_failure("could not write the note"))?;
            let notes = spinner
                .while_pending(booking.read_notes(&care_unit, &patient))
                .await
                .map_err(|e| e.into_failure("could not read the notes"))?;
            steps.report(
                "notes",
                &format!(
                    "Wrote note {}; the patient has {} note(s)",
                    written.id,
                    notes.len()
                ),
                json!({"note_id": written.id.as_str(), "count": notes.len()}),
            );
        } else {
            self.skip(steps, "notes", Operation::WriteNote);
        }
        steps.report(
            "done",
            &format!("Done: the {} lifecycle ran to the end", profile.name),
            json!({"emr": profile.code}),
        );
        Ok(())
    }
}
