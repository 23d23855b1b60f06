//! The one place that knows both Leyr's JSON ([`crate::dto`]) and the domain.
//!
//! `leyr-http` maps responses to domain values and domain requests to bodies; `leyr-sandbox`
//! maps the other way with the same functions, so both sides agree by construction.

use chrono::{DateTime, FixedOffset, SubsecRound as _, TimeDelta};
use leyr_domain::appointment::{
    Appointment, AppointmentBatch, AppointmentParts, AppointmentStatus, BookingRequest, Comment,
    ConfirmationCode, RescheduleRequest,
};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::document::{Document, DocumentFormat, NewDocument};
use leyr_domain::ids::{
    AppointmentId, CareUnitId, DocumentId, HealthcareServiceId, LeyrPatientId, NoteId,
    PatientEmrId, ResourceId, without_emr_prefix,
};
use leyr_domain::medical_note::{MedicalNote, NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::national_id::ExternalId;
use leyr_domain::patient::{
    EmailAddress, NewPatient, Patient, PatientRef, PersonName, PhoneNumber,
};
use leyr_domain::ports::Cancellation;
use leyr_domain::time::{Rfc3339, format_stockholm, in_stockholm};
use leyr_domain::timeslot::{SlotText, Timeslot};

use leyr_domain::appointment::AppointmentQuery;
use leyr_domain::ehr::IdType;
use leyr_domain::patient::PatientSearch;
use leyr_domain::timeslot::TimeslotQuery;

use crate::dto::{
    AppointmentDto, BulkCancelRequest, CareUnitDto, ConfirmationDto, CreateAppointmentRequest,
    CreateMedicalNoteRequest, CreatePatientRequest, DocumentDto, HealthcareServiceDto, Input,
    MedicalNoteDto, NoteContentDto, PatientDto, ResourceDto, TimeslotDto, TimeslotOut,
    UpdateAppointmentRequest, UploadDocumentRequest,
};
use crate::query::{AppointmentParams, PatientSearchParams, TimeslotParams};
use crate::typed_id::{self, TypedId};

/// A field of an answer that does not fit the domain. Names the field, never its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the answer's field `{field}` is not valid")]
pub struct MappingError {
    field: &'static str,
}

impl MappingError {
    /// The JSON field at fault.
    #[must_use]
    pub fn field(&self) -> &'static str {
        self.field
    }
}

fn invalid(field: &'static str) -> MappingError {
    MappingError { field }
}

/// Parses an RFC 3339 datetime, accepting `Z` and fractional seconds (C34).
///
/// # Errors
/// [`MappingError`] naming `field` when the text is not RFC 3339 with an offset.
pub fn parse_time(text: &str, field: &'static str) -> Result<DateTime<FixedOffset>, MappingError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| invalid(field))
}

/// Formats a datetime as the wire expects: RFC 3339, whole seconds, Stockholm offset (C34, C35).
/// A fraction of a second (e.g. from `Utc::now()`) is dropped.
#[must_use]
pub fn format_time(instant: &DateTime<FixedOffset>) -> String {
    format_stockholm(&instant.trunc_subsecs(0))
}

macro_rules! parse_id {
    ($ty:ty, $text:expr, $field:literal) => {
        <$ty>::new($text).map_err(|_| invalid($field))
    };
}

/// A care unit from its JSON.
///
/// # Errors
/// [`MappingError`] for an invalid id.
pub fn care_unit(dto: CareUnitDto) -> Result<CareUnit, MappingError> {
    Ok(CareUnit {
        id: parse_id!(CareUnitId, dto.id, "id")?,
        name: dto.name,
    })
}

/// A resource from its JSON.
///
/// # Errors
/// [`MappingError`] for an invalid id.
pub fn resource(dto: ResourceDto) -> Result<Resource, MappingError> {
    Ok(Resource {
        id: parse_id!(ResourceId, dto.id, "id")?,
        name: dto.name,
    })
}

/// A healthcare service from its JSON.
///
/// # Errors
/// [`MappingError`] for an invalid id or a negative duration.
pub fn healthcare_service(dto: HealthcareServiceDto) -> Result<HealthcareService, MappingError> {
    let duration = match dto.duration_minutes {
        Some(minutes) if minutes > 0 => TimeDelta::try_minutes(minutes),
        Some(_) => return Err(invalid("duration_minutes")),
        None => None,
    };
    Ok(HealthcareService {
        id: parse_id!(HealthcareServiceId, dto.id, "id")?,
        name: dto.name,
        duration,
    })
}

/// A timeslot from its JSON, keeping the `start` and `end` text to echo when booking (C34).
///
/// # Errors
/// [`MappingError`] for invalid times or ids, or an end not after the start.
pub fn timeslot(dto: TimeslotDto) -> Result<Timeslot, MappingError> {
    let start = parse_time(&dto.start, "start")?;
    let end = parse_time(&dto.end, "end")?;
    let resource_id = parse_id!(
        ResourceId,
        without_emr_prefix(&dto.resource_id),
        "resource_id"
    )?;
    let service = parse_id!(
        HealthcareServiceId,
        dto.healthcare_service_id,
        "healthcare_service_id"
    )?;
    let slot = Timeslot::new(start, end, resource_id, service).map_err(|_| invalid("end"))?;
    Ok(slot.with_text(SlotText {
        start: dto.start,
        end: dto.end,
    }))
}

/// The JSON of a timeslot, times in Stockholm (C35).
#[must_use]
pub fn timeslot_dto(slot: &Timeslot) -> TimeslotDto {
    let out = timeslot_out(slot);
    TimeslotDto {
        start: out.start.to_string(),
        end: out.end.to_string(),
        resource_id: out.resource_id.to_owned(),
        healthcare_service_id: out.healthcare_service_id.to_owned(),
    }
}

/// The JSON of a timeslot, borrowing its ids (what the sandbox writes, C35).
#[must_use]
pub fn timeslot_out(slot: &Timeslot) -> TimeslotOut<'_> {
    TimeslotOut {
        start: slot_time(&slot.start()),
        end: slot_time(&slot.end()),
        resource_id: slot.resource_id().as_str(),
        healthcare_service_id: slot.healthcare_service_id().as_str(),
    }
}

/// A slot's `start` or `end` as [`timeslot_out`] writes it: RFC 3339 in Stockholm time (C35).
/// The text depends on the instant alone, so a writer may reuse it for an instant it has seen.
#[must_use]
pub fn slot_time(instant: &DateTime<FixedOffset>) -> Rfc3339 {
    Rfc3339::new(&in_stockholm(instant))
}

/// A patient from its JSON. A phone number, e-mail address or `external_id` the domain does not
/// accept is left out rather than failing the whole answer.
///
/// # Errors
/// [`MappingError`] for invalid ids or names.
pub fn patient(dto: PatientDto) -> Result<Patient, MappingError> {
    Ok(Patient {
        leyr_id: LeyrPatientId::new(dto.id).ok(),
        emr_id: parse_id!(PatientEmrId, dto.emr_id, "emr_id")?,
        external_id: dto.external_id.as_deref().and_then(ExternalId::read),
        first_name: PersonName::new(&dto.first_name).map_err(|_| invalid("first_name"))?,
        last_name: PersonName::new(&dto.last_name).map_err(|_| invalid("last_name"))?,
        care_unit_id: parse_id!(CareUnitId, dto.care_unit_id, "care_unit_id")?,
        phones: dto
            .phones
            .iter()
            .filter_map(|phone| PhoneNumber::new(phone).ok())
            .collect(),
        emails: dto
            .emails
            .iter()
            .filter_map(|email| EmailAddress::new(email).ok())
            .collect(),
    })
}

/// The JSON of a patient.
#[must_use]
pub fn patient_dto(patient: &Patient) -> PatientDto {
    PatientDto {
        id: patient
            .leyr_id
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        emr_id: patient.emr_id.to_string(),
        first_name: patient.first_name.to_string(),
        last_name: patient.last_name.to_string(),
        care_unit_id: patient.care_unit_id.to_string(),
        external_id: patient.external_id.as_ref().map(ToString::to_string),
        phones: patient.phones.iter().map(ToString::to_string).collect(),
        emails: patient.emails.iter().map(ToString::to_string).collect(),
    }
}

/// The body that registers `patient` (§3.7).
#[must_use]
pub fn create_patient_request(patient: &NewPatient) -> CreatePatientRequest {
    let texts = |items: &mut dyn Iterator<Item = String>| {
        Input::from(items.map(Input::from).collect::<Vec<_>>())
    };
    CreatePatientRequest {
        first_name: patient.first_name.to_string().into(),
        last_name: patient.last_name.to_string().into(),
        external_id: patient
            .external_id
            .as_ref()
            .map_or(Input::Absent, |id| id.to_string().into()),
        phones: texts(&mut patient.phones.iter().map(ToString::to_string)),
        emails: texts(&mut patient.emails.iter().map(ToString::to_string)),
    }
}

/// The typed id the client sends for `patient` (C5): `se_personal_number:<12 digits>`,
/// `no_personal_number:<11 digits>` or `emr_id:<id>`, never a bare value.
#[must_use]
pub fn patient_id(patient: &PatientRef) -> String {
    match patient {
        PatientRef::EmrId(id) => typed_id::typed(IdType::EmrId, id.as_str()),
        PatientRef::National(id) => typed_id::typed(patient.id_type(), id.as_str()),
    }
}

/// The resource id the client sends: the bare EHR id, as Leyr's examples do, or `emr_id:<id>`
/// when the id itself holds a `:` and would otherwise read as typed (C7).
#[must_use]
pub fn resource_id(resource: &ResourceId) -> String {
    if resource.as_str().contains(':') {
        typed_id::typed(IdType::EmrId, resource.as_str())
    } else {
        resource.to_string()
    }
}

/// An appointment from its JSON.
///
/// # Errors
/// [`MappingError`] for invalid ids or times, or an end not after the start.
pub fn appointment(dto: AppointmentDto) -> Result<Appointment, MappingError> {
    let optional = |text: Option<String>| text.filter(|text| !text.is_empty());
    Appointment::new(AppointmentParts {
        id: parse_id!(AppointmentId, dto.id, "id")?,
        status: AppointmentStatus::from_wire(&dto.status),
        start: parse_time(&dto.start, "start")?,
        end: parse_time(&dto.end, "end")?,
        comment: optional(dto.comment).and_then(|text| Comment::new(text).ok()),
        care_unit_id: parse_id!(CareUnitId, dto.care_unit_id, "care_unit_id")?,
        patient: optional(dto.patient_id)
            .map(|id| parse_id!(PatientEmrId, TypedId::split(&id).value, "patient_id"))
            .transpose()?,
        resource_id: optional(dto.resource_id)
            .map(|id| parse_id!(ResourceId, without_emr_prefix(&id), "resource_id"))
            .transpose()?,
        healthcare_service_id: optional(dto.healthcare_service_id)
            .map(|id| parse_id!(HealthcareServiceId, id, "healthcare_service_id"))
            .transpose()?,
    })
    .map_err(|_| invalid("end"))
}

/// The JSON of an appointment: ids unprefixed (C21), times in Stockholm (C35).
#[must_use]
pub fn appointment_dto(appointment: &Appointment) -> AppointmentDto {
    AppointmentDto {
        id: appointment.id().to_string(),
        status: appointment.status().as_str().to_owned(),
        start: format_time(&appointment.start()),
        end: format_time(&appointment.end()),
        comment: appointment.comment().map(ToString::to_string),
        care_unit_id: appointment.care_unit_id().to_string(),
        patient_id: appointment.patient().map(ToString::to_string),
        resource_id: appointment.resource_id().map(ToString::to_string),
        healthcare_service_id: appointment.healthcare_service_id().map(ToString::to_string),
    }
}

/// The text to send for a slot's start and end: the EHR's own text when the slot carries it and
/// it still names the same instants (C34), else the Stockholm form.
fn slot_times(slot: &Timeslot) -> (String, String) {
    let verbatim = slot.text().filter(|text| {
        parse_time(&text.start, "start").is_ok_and(|start| start == slot.start())
            && parse_time(&text.end, "end").is_ok_and(|end| end == slot.end())
    });
    match verbatim {
        Some(text) => (text.start.clone(), text.end.clone()),
        None => (format_time(&slot.start()), format_time(&slot.end())),
    }
}

/// The body that books `request` (§3.10).
#[must_use]
pub fn create_appointment_request(request: &BookingRequest) -> CreateAppointmentRequest {
    let (start, end) = slot_times(&request.slot);
    CreateAppointmentRequest {
        start: start.into(),
        end: end.into(),
        patient_id: patient_id(&request.patient).into(),
        resource_id: resource_id(request.slot.resource_id()).into(),
        healthcare_service_id: request.slot.healthcare_service_id().to_string().into(),
        comment: request.comment.as_ref().map(ToString::to_string).into(),
    }
}

/// The body that moves an appointment (§3.11): new times and resource, never `status`.
#[must_use]
pub fn reschedule_request(request: &RescheduleRequest) -> UpdateAppointmentRequest {
    let (start, end) = slot_times(&request.slot);
    UpdateAppointmentRequest {
        start: start.into(),
        end: end.into(),
        resource_id: resource_id(request.slot.resource_id()).into(),
        comment: request.comment.as_ref().map(ToString::to_string).into(),
        ..UpdateAppointmentRequest::default()
    }
}

/// The body that cancels one appointment (§3.12).
#[must_use]
pub fn cancel_request(cancellation: &Cancellation) -> UpdateAppointmentRequest {
    UpdateAppointmentRequest {
        status: AppointmentStatus::Cancelled.as_str().to_owned().into(),
        comment: cancellation
            .comment
            .as_ref()
            .map(ToString::to_string)
            .into(),
        ..UpdateAppointmentRequest::default()
    }
}

/// The body that confirms an appointment (§3.14).
#[must_use]
pub fn confirm_request(code: &ConfirmationCode) -> UpdateAppointmentRequest {
    UpdateAppointmentRequest {
        confirmation: ConfirmationDto {
            code: code.as_str().to_owned().into(),
        }
        .into(),
        ..UpdateAppointmentRequest::default()
    }
}

/// The body that cancels a batch (§3.13).
#[must_use]
pub fn bulk_cancel_request(
    batch: &AppointmentBatch,
    cancellation: &Cancellation,
) -> BulkCancelRequest {
    BulkCancelRequest {
        ids: batch
            .ids()
            .iter()
            .map(|id| Input::from(id.to_string()))
            .collect::<Vec<_>>()
            .into(),
        status: AppointmentStatus::Cancelled.as_str().to_owned().into(),
        comment: cancellation
            .comment
            .as_ref()
            .map(ToString::to_string)
            .into(),
    }
}

/// The query that lists the slots of `query` (§3.5): times in Stockholm, whole seconds (C15,
/// C34).
#[must_use]
pub fn timeslot_params(query: &TimeslotQuery) -> TimeslotParams {
    TimeslotParams {
        resource_id: query.resource_id.as_ref().map(resource_id),
        healthcare_service_id: query
            .healthcare_service_id
            .as_ref()
            .map(ToString::to_string),
        start: Some(format_time(&query.window.start())),
        end: Some(format_time(&query.window.end())),
    }
}

/// The query that lists the appointments of `query` (§3.9, C18).
#[must_use]
pub fn appointment_params(query: &AppointmentQuery) -> AppointmentParams {
    AppointmentParams {
        patient_id: query.patient.as_ref().map(patient_id),
        resource_id: query.resource_id.as_ref().map(resource_id),
        start: query.start.as_ref().map(format_time),
        end: query.end.as_ref().map(format_time),
    }
}

/// The query that finds the patients of `search` (§3.6, C16).
#[must_use]
pub fn patient_search_params(search: &PatientSearch) -> PatientSearchParams {
    PatientSearchParams {
        first_name: search.first_name().map(ToString::to_string),
        last_name: search.last_name().map(ToString::to_string),
    }
}

/// A medical note from its JSON.
///
/// # Errors
/// [`MappingError`] for an invalid id or `created_at`.
pub fn medical_note(dto: MedicalNoteDto) -> Result<MedicalNote, MappingError> {
    Ok(MedicalNote {
        id: parse_id!(NoteId, dto.id, "id")?,
        created_at: parse_time(&dto.created_at, "created_at")?,
        template: dto.template_id.as_deref().map(NoteTemplate::from_wire),
        title: dto.title.and_then(|title| NoteTitle::new(title).ok()),
        author: dto
            .created_by_id
            .and_then(|id| ResourceId::new(without_emr_prefix(&id)).ok()),
        text: dto
            .content
            .and_then(|content| content.unstructured.into_value())
            .and_then(|text| NoteText::new(text).ok()),
    })
}

/// The JSON of a medical note.
#[must_use]
pub fn medical_note_dto(note: &MedicalNote) -> MedicalNoteDto {
    MedicalNoteDto {
        id: note.id.to_string(),
        created_at: format_time(&note.created_at),
        template_id: note
            .template
            .as_ref()
            .map(|template| template.as_str().to_owned()),
        title: note.title.as_ref().map(|title| title.as_str().to_owned()),
        content: note.text.as_ref().map(|text| NoteContentDto {
            unstructured: text.as_str().to_owned().into(),
            other: serde_json::Map::new(),
        }),
        created_by_id: note.author.as_ref().map(ToString::to_string),
    }
}

/// The body that writes `note` (§3.16).
#[must_use]
pub fn create_note_request(note: &NewMedicalNote) -> CreateMedicalNoteRequest {
    CreateMedicalNoteRequest {
        template_id: note.template.as_str().to_owned().into(),
        title: note.title.as_str().to_owned().into(),
        created_by_id: resource_id(&note.author).into(),
        content: NoteContentDto {
            unstructured: note.text.as_str().to_owned().into(),
            other: serde_json::Map::new(),
        }
        .into(),
    }
}

/// A document's metadata from its JSON.
///
/// # Errors
/// [`MappingError`] for an invalid id or `created_at`.
pub fn document(dto: DocumentDto) -> Result<Document, MappingError> {
    Ok(Document {
        id: parse_id!(DocumentId, dto.id, "id")?,
        title: dto.title,
        kind: dto.kind,
        format: dto.format.as_deref().map(DocumentFormat::from_mime),
        author: dto
            .created_by_id
            .and_then(|id| ResourceId::new(without_emr_prefix(&id)).ok()),
        created_at: dto
            .created_at
            .as_deref()
            .map(|text| parse_time(text, "created_at"))
            .transpose()?,
    })
}

/// The body that attaches `document` (§3.17): the bytes as standard padded base64.
#[must_use]
pub fn upload_document_request(document: &NewDocument) -> UploadDocumentRequest {
    use base64::Engine as _;
    UploadDocumentRequest {
        content: base64::engine::general_purpose::STANDARD
            .encode(document.content())
            .into(),
        format: document.format().as_str().to_owned().into(),
        title: document.title().to_owned().into(),
        kind: document.kind().to_owned().into(),
        created_by_id: resource_id(document.author()).into(),
    }
}

/// The JSON of a document's metadata; the content is never echoed (C27).
#[must_use]
pub fn document_dto(document: &Document) -> DocumentDto {
    DocumentDto {
        id: document.id.to_string(),
        title: document.title.clone(),
        kind: document.kind.clone(),
        format: document
            .format
            .as_ref()
            .map(|format| format.as_str().to_owned()),
        created_by_id: document.author.as_ref().map(ToString::to_string),
        created_at: document.created_at.as_ref().map(format_time),
    }
}

/// The JSON of a care unit.
#[must_use]
pub fn care_unit_dto(care_unit: &CareUnit) -> CareUnitDto {
    CareUnitDto {
        id: care_unit.id.to_string(),
        name: care_unit.name.clone(),
    }
}

/// The JSON of a resource.
#[must_use]
pub fn resource_dto(resource: &Resource) -> ResourceDto {
    ResourceDto {
        id: resource.id.to_string(),
        name: resource.name.clone(),
    }
}

/// The JSON of a healthcare service.
#[must_use]
pub fn healthcare_service_dto(service: &HealthcareService) -> HealthcareServiceDto {
    HealthcareServiceDto {
        id: service.id.to_string(),
        name: service.name.clone(),
        duration_minutes: service.duration.map(|duration| duration.num_minutes()),
    }
}

#[cfg(test)]
mod tests {
    use leyr_domain::personnummer::Personnummer;

    use super::*;

    #[test]
    fn norwegian_numbers_are_sent_as_no_personal_number() {
        let number: leyr_domain::fodselsnummer::Fodselsnummer = "01010100050".parse().unwrap();
        assert_eq!(
            patient_id(&PatientRef::from(number)),
            "no_personal_number:01010100050"
        );
    }

    #[test]
    fn slot_text_round_trips_byte_for_byte() {
        let dto = TimeslotDto {
            start: "2024-03-25T08:00:00.000+01:00".to_owned(),
            end: "2024-03-25T07:30:00Z".to_owned(),
            resource_id: "10-991890000019".to_owned(),
            healthcare_service_id: "1001".to_owned(),
        };
        let slot = timeslot(dto.clone()).unwrap();
        let patient: Personnummer = "197110021834".parse().unwrap();
        let request = BookingRequest {
            patient: patient.into(),
            slot,
            comment: None,
        };
        let body = create_appointment_request(&request);
        assert_eq!(
            body.start.value().map(String::as_str),
            Some(dto.start.as_ref())
        );
        assert_eq!(body.end.value().map(String::as_str), Some(dto.end.as_ref()));
        assert_eq!(
            body.patient_id.value().map(String::as_str),
            Some("se_personal_number:197110021834")
        );
        assert_eq!(
            body.resource_id.value().map(String::as_str),
            Some("10-991890000019")
        );
    }

    #[test]
    fn stockholm_times_are_whole_seconds_with_offset() {
        let instant = parse_time("2024-07-01T06:00:00Z", "start").unwrap();
        assert_eq!(format_time(&instant), "2024-07-01T08:00:00+02:00");
        let fractional = parse_time("2024-07-01T06:00:00.999999999Z", "start").unwrap();
        assert_eq!(format_time(&fractional), "2024-07-01T08:00:00+02:00");
    }
}
