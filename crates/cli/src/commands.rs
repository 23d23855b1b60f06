//! The commands that talk to a running Leyr API (`--base-url`).

use chrono::{DateTime, FixedOffset, TimeDelta};
use leyr_app::clock::SystemClock;
use leyr_app::{
    Booking, BookingOutcome, Cancelled, ExternalIdInput, RegisterPatientInput, RescheduleCommand,
    TimeslotFilter, WriteMedicalNoteInput,
};
use leyr_domain::appointment::{AppointmentQuery, BookingRequest, Comment, ConfirmationCode};
use leyr_domain::ids::{AppointmentId, CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::Cancellation;
use leyr_domain::ports::Clock as _;
use leyr_domain::timeslot::{TimeWindow, Timeslot};
use serde_json::json;

use crate::cli::{
    AppointmentsArgs, BookArgs, CancelArgs, ConfirmArgs, NotesCommand, PatientCommand,
    RescheduleArgs, SlotsArgs,
};
use crate::failure::{self, Failure, IntoFailure, Reason};
use crate::input;
use crate::output::{self, Printer};
use crate::terminal::Spinner;

/// Why a booking or a move to `--start` is refused when no free slot starts then.
const NO_FREE_SLOT: &str = "no free timeslot of that resource and service starts at that time";

/// A command's context: the use cases, the care unit, the `{emr}` code, the printer and the
/// spinner.
pub(crate) struct Context {
    pub(crate) booking: Booking,
    pub(crate) care_unit: CareUnitId,
    pub(crate) emr: String,
    pub(crate) printer: Printer,
    pub(crate) spinner: Spinner,
}

fn id<T: std::str::FromStr<Err = leyr_domain::ids::IdError>>(
    text: &str,
    what: &str,
) -> Result<T, Failure> {
    text.parse()
        .map_err(|error| Failure::usage(format!("invalid {what}: {error}")))
}

fn comment(text: Option<&str>) -> Result<Option<Comment>, Failure> {
    text.map(|text| {
        Comment::new(text)
            .map_err(|error| Failure::new(Reason::Invalid, format!("invalid comment: {error}")))
    })
    .transpose()
}

impl Context {
    /// Awaits a request to Leyr, with the spinner turning if it takes a while.
    async fn wait<F: Future>(&self, future: F) -> F::Output {
        self.spinner.while_pending(future).await
    }

    pub(crate) async fn care_units(&self) -> Result<(), Failure> {
        let units = self
            .wait(self.booking.care_units())
            .await
            .map_err(|e| e.into_failure("could not list care units"))?;
        self.printer.list(
            &output::ID_NAME_HEADERS,
            &units,
            output::care_unit_row,
            output::care_unit_json,
        );
        Ok(())
    }

    pub(crate) async fn services(&self) -> Result<(), Failure> {
        let services = self
            .wait(self.booking.services(&self.care_unit))
            .await
            .map_err(|e| e.into_failure("could not list services"))?;
        self.printer.list(
            &output::SERVICE_HEADERS,
            &services,
            output::service_row,
            output::service_json,
        );
        Ok(())
    }

    pub(crate) async fn resources(&self) -> Result<(), Failure> {
        let resources = self
            .wait(self.booking.resources(&self.care_unit))
            .await
            .map_err(|e| e.into_failure("could not list resources"))?;
        self.printer.list(
            &output::ID_NAME_HEADERS,
            &resources,
            output::resource_row,
            output::resource_json,
        );
        Ok(())
    }

    pub(crate) async fn slots(&self, args: &SlotsArgs) -> Result<(), Failure> {
        let window = match (&args.from, &args.to) {
            (None, None) => None,
            (from, to) => {
                let from = match from {
                    Some(text) => input::time(text, "from")?,
                    None => leyr_domain::time::in_stockholm(&SystemClock.now()),
                };
                let to = match to {
                    Some(text) => input::time(text, "to")?,
                    None => from + TimeDelta::days(30),
                };
                Some(
                    TimeWindow::new(from, to)
                        .map_err(|_| Failure::usage("--to must be after --from"))?,
                )
            }
        };
        let filter = TimeslotFilter {
            resource_id: args
                .resource
                .as_deref()
                .map(|text| id(text, "resource id"))
                .transpose()?,
            healthcare_service_id: args
                .service
                .as_deref()
                .map(|text| id(text, "service id"))
                .transpose()?,
            window,
        };
        let slots = self
            .wait(self.booking.find_timeslots(&self.care_unit, &filter))
            .await
            .map_err(|e| e.into_failure("could not list timeslots"))?;
        self.printer.list(
            &output::SLOT_HEADERS,
            &slots,
            output::slot_row,
            output::slot_json,
        );
        Ok(())
    }

    pub(crate) async fn patient(&self, command: &PatientCommand) -> Result<(), Failure> {
        let (patient, created) = match command {
            PatientCommand::Get { patient } => {
                let reference = input::patient(patient)?;
                let found = self
                    .wait(self.booking.find_patient(&self.care_unit, &reference))
                    .await
                    .map_err(|e| e.into_failure("could not get the patient"))?;
                (found, None)
            }
            PatientCommand::Create {
                personnummer,
                fodselsnummer,
                external_id,
                first_name,
                last_name,
                phones,
                emails,
            } => {
                let input = RegisterPatientInput {
                    external_id: match (personnummer, fodselsnummer, external_id) {
                        (Some(number), _, _) => ExternalIdInput::Personnummer(number.clone()),
                        (_, Some(number), _) => ExternalIdInput::Fodselsnummer(number.clone()),
                        (_, _, Some(text)) => ExternalIdInput::Text(text.clone()),
                        _ => ExternalIdInput::None,
                    },
                    first_name: first_name.clone(),
                    last_name: last_name.clone(),
                    phones: phones.clone(),
                    emails: emails.clone(),
                };
                let registration = self
                    .wait(self.booking.register_patient(&self.care_unit, &input))
                    .await
                    .map_err(|e| e.into_failure("could not register the patient"))?;
                let created = registration.was_created();
                (registration.into_patient(), Some(created))
            }
        };
        // The operator asked for this patient, so the answer shows who it is.
        let external_id = patient.external_id.as_ref().map(ToString::to_string);
        let text = format!(
            "{}{} {} (EHR id {}, external id {}, Leyr id {})",
            match created {
                Some(true) => "Registered ",
                Some(false) => "Already registered: ",
                None => "",
            },
            patient.first_name,
            patient.last_name,
            patient.emr_id,
            external_id.as_deref().unwrap_or("none"),
            patient.leyr_id.as_ref().map_or("unknown", |id| id.as_str()),
        );
        let value = json!({
            "created": created,
            "leyr_id": patient.leyr_id.as_ref().map(|id| id.as_str()),
            "emr_id": patient.emr_id.as_str(),
            "external_id": external_id,
            "first_name": patient.first_name.as_str(),
            "last_name": patient.last_name.as_str(),
            "phones": patient.phones.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "emails": patient.emails.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        });
        self.printer.emit(&text, &value);
        Ok(())
    }

    /// The free slot of `resource` and `service` starting at `start`, as the EHR lists it.
    async fn free_slot_at(
        &self,
        resource: &ResourceId,
        service: &HealthcareServiceId,
        start: DateTime<FixedOffset>,
    ) -> Result<Option<Timeslot>, Failure> {
        let window = TimeWindow::starting_at(start, TimeDelta::minutes(1))
            .map_err(|_| Failure::usage("--start: not a usable time"))?;
        let filter = TimeslotFilter {
            resource_id: Some(resource.clone()),
            healthcare_service_id: Some(service.clone()),
            window: Some(window),
        };
        let slots = self
            .wait(self.booking.find_timeslots(&self.care_unit, &filter))
            .await
            .map_err(|e| e.into_failure("could not look up the timeslot"))?;
        Ok(slots.into_iter().find(|slot| slot.start() == start))
    }

    /// The slot of `resource` and `service` starting at `start` that `patient` already holds,
    /// if any: it is not free, but booking it again is no error. The booking use case finds the
    /// appointment and posts nothing.
    async fn held_slot_at(
        &self,
        patient: &PatientRef,
        resource: &ResourceId,
        service: &HealthcareServiceId,
        start: DateTime<FixedOffset>,
    ) -> Result<Option<Timeslot>, Failure> {
        let query = AppointmentQuery {
            patient: Some(patient.clone()),
            resource_id: None,
            start: Some(start),
            end: Some(start + TimeDelta::minutes(1)),
        };
        let appointments = self
            .wait(self.booking.list_appointments(&self.care_unit, &query))
            .await
            .map_err(|e| e.into_failure("could not look up the patient's appointments"))?;
        Ok(appointments.iter().find_map(|appointment| {
            let slot = Timeslot::new(
                appointment.start(),
                appointment.end(),
                resource.clone(),
                service.clone(),
            )
            .ok()?;
            (appointment.start() == start && appointment.matches_slot(&slot)).then_some(slot)
        }))
    }

    pub(crate) async fn book(&self, args: &BookArgs) -> Result<(), Failure> {
        let patient = input::patient(&args.patient)?;
        let resource: ResourceId = id(&args.resource, "resource id")?;
        let service: HealthcareServiceId = id(&args.service, "service id")?;
        let start = input::time(&args.start, "start")?;
        let comment = comment(args.comment.as_deref())?;
        let slot = match self.free_slot_at(&resource, &service, start).await? {
            Some(slot) => slot,
            None => self
                .held_slot_at(&patient, &resource, &service, start)
                .await?
                .ok_or_else(|| Failure::new(Reason::SlotTaken, NO_FREE_SLOT))?,
        };
        let request = BookingRequest {
            patient,
            slot,
            comment,
        };
        let booked = self
            .wait(self.booking.book(&self.care_unit, &request))
            .await
            .map_err(|e| e.into_failure("could not book"))?;
        let appointment = &booked.appointment;
        let when = output::span(&appointment.start(), &appointment.end());
        let resource = appointment.resource_id().map_or("?", |id| id.as_str());
        let text = if booked.already_held {
            format!(
                "Already booked {} {when} with {resource} ({}): the patient held this slot, \
                 nothing new was booked",
                appointment.id(),
                appointment.status(),
            )
        } else {
            format!(
                "Booked {} {when} with {resource} ({}){}",
                appointment.id(),
                appointment.status(),
                if booked.recovered {
                    "; the first answer was lost, the booking was found"
                } else {
                    ""
                },
            )
        };
        let text = match &booked.outcome {
            // §9.3: the slot is held until the patient's code confirms it.
            BookingOutcome::AwaitingConfirmation { appointment_id } => format!(
                "{text}; the patient got a code: confirm with `leyr confirm {appointment_id} --code <code>`"
            ),
            _ => text,
        };
        let mut value = output::appointment_json(appointment);
        value["already_held"] = json!(booked.already_held);
        value["recovered"] = json!(booked.recovered);
        self.printer.emit(&text, &value);
        Ok(())
    }

    pub(crate) async fn appointments(&self, args: &AppointmentsArgs) -> Result<(), Failure> {
        let start = args
            .from
            .as_deref()
            .map(|text| input::time(text, "from"))
            .transpose()?;
        let end = args
            .to
            .as_deref()
            .map(|text| input::time(text, "to"))
            .transpose()?;
        if let (Some(start), Some(end)) = (start, end)
            && end <= start
        {
            return Err(Failure::usage("--to must be after --from"));
        }
        let query = AppointmentQuery {
            patient: args.patient.as_deref().map(input::patient).transpose()?,
            resource_id: args
                .resource
                .as_deref()
                .map(|text| id(text, "resource id"))
                .transpose()?,
            start,
            end,
        };
        let appointments = self
            .wait(self.booking.list_appointments(&self.care_unit, &query))
            .await
            .map_err(|e| e.into_failure("could not list appointments"))?;
        self.printer.list(
            &output::APPOINTMENT_HEADERS,
            &appointments,
            output::appointment_row,
            output::appointment_json,
        );
        Ok(())
    }

    pub(crate) async fn reschedule(&self, args: &RescheduleArgs) -> Result<(), Failure> {
        let patient: PatientRef = input::patient(&args.patient)?;
        let appointment_id: AppointmentId = id(&args.appointment, "appointment id")?;
        let current = self
            .wait(
                self.booking
                    .get_appointment(&self.care_unit, &appointment_id),
            )
            .await
            .map_err(|e| e.into_failure("could not find the appointment"))?;
        let resource = match &args.resource {
            Some(text) => id(text, "resource id")?,
            None => current.resource_id().cloned().ok_or_else(|| {
                Failure::new(
                    Reason::Invalid,
                    "the appointment names no resource; pass --resource",
                )
            })?,
        };
        let service = current.healthcare_service_id().cloned().ok_or_else(|| {
            Failure::new(
                Reason::Invalid,
                "the appointment names no healthcare service",
            )
        })?;
        let start = input::time(&args.start, "start")?;
        let slot = self
            .free_slot_at(&resource, &service, start)
            .await?
            .ok_or_else(|| Failure::new(Reason::SlotTaken, NO_FREE_SLOT))?;
        let command = RescheduleCommand {
            patient,
            appointment: appointment_id,
            slot,
            comment: comment(args.comment.as_deref())?,
        };
        let moved = self
            .wait(self.booking.reschedule(&self.care_unit, &command))
            .await
            .map_err(|e| e.into_failure("could not reschedule"))?;
        let text = format!(
            "Rescheduled {} to {} ({})",
            moved.id(),
            output::span(&moved.start(), &moved.end()),
            moved.status()
        );
        self.printer.emit(&text, &output::appointment_json(&moved));
        Ok(())
    }

    pub(crate) async fn cancel(&self, args: &CancelArgs) -> Result<(), Failure> {
        let cancellation = Cancellation {
            comment: comment(args.comment.as_deref())?,
        };
        let ids = args
            .appointments
            .iter()
            .map(|text| id(text, "appointment id"))
            .collect::<Result<Vec<AppointmentId>, _>>()?;
        let cancelled = if let [single] = ids.as_slice() {
            let outcome = self
                .wait(self.booking.cancel(&self.care_unit, single, &cancellation))
                .await
                .map_err(|e| e.into_failure("could not cancel"))?;
            if let Cancelled::AwaitingConfirmation { request } = &outcome {
                // §9.3: nothing is cancelled yet; the patient got a code for the new id.
                let text = format!(
                    "Cancellation awaits the patient's code: confirm {} with `leyr confirm {} --code <code>`",
                    request.id(),
                    request.id()
                );
                self.printer.emit(&text, &output::appointment_json(request));
                return Ok(());
            }
            vec![outcome.appointment().clone()]
        } else {
            self.wait(
                self.booking
                    .cancel_many(&self.care_unit, ids, &cancellation),
            )
            .await
            .map_err(|e| e.into_failure("could not cancel"))?
        };
        for appointment in &cancelled {
            let text = format!(
                "Cancelled {} {} ({})",
                appointment.id(),
                output::span(&appointment.start(), &appointment.end()),
                appointment.status()
            );
            self.printer
                .emit(&text, &output::appointment_json(appointment));
        }
        Ok(())
    }

    /// Confirms an appointment with the patient's code (§9.3). The code is never shown: not in
    /// the result, nor in any error.
    pub(crate) async fn confirm(&self, args: &ConfirmArgs) -> Result<(), Failure> {
        let appointment: AppointmentId = id(&args.appointment, "appointment id")?;
        let code = ConfirmationCode::new(&args.code)
            .map_err(|error| Failure::usage(format!("invalid --code: {error}")))?;
        let confirmed = self
            .wait(self.booking.confirm(&self.care_unit, &appointment, &code))
            .await
            .map_err(|error| failure::of_confirmation(error, &self.emr))?;
        let when = output::span(&confirmed.start(), &confirmed.end());
        let text = if *confirmed.id() == appointment {
            format!(
                "Confirmed {appointment} {when} with {} ({})",
                confirmed.resource_id().map_or("?", |id| id.as_str()),
                confirmed.status()
            )
        } else {
            // A two-step cancellation: the EHR answers the original appointment.
            format!(
                "Confirmed {appointment}: appointment {} {when} is {}",
                confirmed.id(),
                confirmed.status()
            )
        };
        let mut value = output::appointment_json(&confirmed);
        value["confirmed_id"] = json!(appointment.as_str());
        self.printer.emit(&text, &value);
        Ok(())
    }

    pub(crate) async fn notes(&self, command: &NotesCommand) -> Result<(), Failure> {
        match command {
            NotesCommand::List { patient } => {
                let patient = input::patient(patient)?;
                let notes = self
                    .wait(self.booking.read_notes(&self.care_unit, &patient))
                    .await
                    .map_err(|e| e.into_failure("could not read the notes"))?;
                self.printer.list(
                    &output::NOTE_HEADERS,
                    &notes,
                    output::note_row,
                    output::note_json,
                );
            }
            NotesCommand::Add {
                patient,
                author,
                title,
                text,
            } => {
                let patient = input::patient(patient)?;
                let input = WriteMedicalNoteInput::unstructured(
                    id(author, "author")?,
                    title.clone(),
                    text.clone(),
                );
                let note = self
                    .wait(self.booking.write_note(&self.care_unit, &patient, &input))
                    .await
                    .map_err(|e| e.into_failure("could not write the note"))?;
                let line = format!(
                    "Wrote note {} at {} (unsigned)",
                    note.id,
                    output::when(&note.created_at)
                );
                self.printer.emit(
                    &line,
                    &json!({"id": note.id.as_str(), "created_at": output::time_json(&note.created_at)}),
                );
            }
        }
        Ok(())
    }
}
