//! Registering and finding patients.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use leyr_domain::error::{BackendError, Entity, Rejection};
use leyr_domain::fodselsnummer::{Fodselsnummer, FodselsnummerAllow, FodselsnummerError};
use leyr_domain::ids::CareUnitId;
use leyr_domain::national_id::{ExternalId, ExternalIdText, ExternalIdTextError};
use leyr_domain::patient::{
    ContactError, EmailAddress, NewPatient, Patient, PatientRef, PatientSearch, PersonName,
    PhoneNumber, Registration,
};
use leyr_domain::personnummer::{Personnummer, PersonnummerError};
use leyr_domain::ports::{Clock, PatientDirectory, WriteError};
use leyr_domain::time::in_stockholm;

use crate::error::{QueryError, unexpected};

/// The `external_id` of a patient to register, as typed, with what it is meant to be. Which one
/// an EHR asks for is its profile's business (`leyr_domain::ehr::ExternalIdRule`): TakeCare
/// requires a personnummer, Konfidens a Norwegian number, others take one or any text, or none.
/// `Debug` shows the kind only.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExternalIdInput {
    /// None given.
    #[default]
    None,
    /// A Swedish personnummer or samordningsnummer in a 12-digit form: `YYYYMMDDNNNC`,
    /// `YYYYMMDD-NNNC` or `YYYYMMDD+NNNC`. The 10-digit forms are refused, since their century
    /// is a guess.
    Personnummer(String),
    /// A Norwegian fødselsnummer or D-number (Tenor's synthetic test numbers included): 11
    /// digits, or with one space or `-` after `DDMMYY`. H- and FH-numbers are refused.
    Fodselsnummer(String),
    /// Text for an EHR that does not check it: 1 to 64 characters, no control characters.
    Text(String),
}

impl fmt::Debug for ExternalIdInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExternalIdInput::None => "None",
            ExternalIdInput::Personnummer(_) => "Personnummer(<redacted>)",
            ExternalIdInput::Fodselsnummer(_) => "Fodselsnummer(<redacted>)",
            ExternalIdInput::Text(_) => "Text(<redacted>)",
        })
    }
}

impl ExternalIdInput {
    fn validate(&self, today: NaiveDate) -> Result<Option<ExternalId>, RegisterPatientError> {
        match self {
            ExternalIdInput::None => Ok(None),
            ExternalIdInput::Personnummer(text) => {
                let personnummer = Personnummer::from_str(text)
                    .map_err(RegisterPatientError::InvalidPersonnummer)?;
                // The rule the adapters keep (C33): a known birth date, not after today. A
                // coordination number whose date is unknown (month 00, day 60) is refused
                // here, not by the EHR.
                if !personnummer.is_born_by(today) {
                    return Err(RegisterPatientError::BirthDateInFuture);
                }
                Ok(Some(personnummer.into()))
            }
            ExternalIdInput::Fodselsnummer(text) => {
                // C46: ordinary numbers, D-numbers and Tenor's synthetic test numbers.
                let number = Fodselsnummer::parse_with(text, FodselsnummerAllow::PERSONAL_NUMBERS)
                    .map_err(RegisterPatientError::InvalidFodselsnummer)?;
                if !number.is_born_by(today) {
                    return Err(RegisterPatientError::BirthDateInFuture);
                }
                Ok(Some(number.into()))
            }
            ExternalIdInput::Text(text) => ExternalIdText::new(text)
                .map(|text| Some(ExternalId::Text(text)))
                .map_err(RegisterPatientError::InvalidExternalId),
        }
    }
}

/// A patient to register, as typed by a person or read from a form: nothing is checked yet.
/// [`RegisterPatient::run`] checks every field before it reaches the EHR. `Debug` shows no field
/// text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RegisterPatientInput {
    /// The patient's `external_id`, as the EHR asks for it.
    pub external_id: ExternalIdInput,
    /// The first name.
    pub first_name: String,
    /// The last name.
    pub last_name: String,
    /// Phone numbers in E.164 form, e.g. `+46701234567`.
    pub phones: Vec<String>,
    /// E-mail addresses.
    pub emails: Vec<String>,
}

impl RegisterPatientInput {
    /// Checks every field as [`RegisterPatient::run`] does, with `today` (in Stockholm) as the
    /// latest possible birth date, and returns the patient to register.
    ///
    /// # Errors
    /// The first invalid field, in the order `external_id` (with its birth date), first name,
    /// last name, phones, e-mails: [`RegisterPatientError::InvalidPersonnummer`],
    /// [`RegisterPatientError::InvalidFodselsnummer`],
    /// [`RegisterPatientError::InvalidExternalId`],
    /// [`RegisterPatientError::BirthDateInFuture`], [`RegisterPatientError::InvalidFirstName`],
    /// [`RegisterPatientError::InvalidLastName`], [`RegisterPatientError::InvalidPhone`] or
    /// [`RegisterPatientError::InvalidEmail`].
    pub fn validate(&self, today: NaiveDate) -> Result<NewPatient, RegisterPatientError> {
        let external_id = self.external_id.validate(today)?;
        let first_name =
            PersonName::new(&self.first_name).map_err(RegisterPatientError::InvalidFirstName)?;
        let last_name =
            PersonName::new(&self.last_name).map_err(RegisterPatientError::InvalidLastName)?;
        let phones = self
            .phones
            .iter()
            .map(|phone| PhoneNumber::new(phone))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RegisterPatientError::InvalidPhone)?;
        let emails = self
            .emails
            .iter()
            .map(|email| EmailAddress::new(email))
            .collect::<Result<Vec<_>, _>>()
            .map_err(RegisterPatientError::InvalidEmail)?;
        Ok(NewPatient {
            external_id,
            first_name,
            last_name,
            phones,
            emails,
        })
    }
}

impl fmt::Debug for RegisterPatientInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterPatientInput")
            .field("external_id", &self.external_id)
            .field("phones", &self.phones.len())
            .field("emails", &self.emails.len())
            .finish_non_exhaustive()
    }
}

/// Why a patient could not be registered. No message holds patient data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterPatientError {
    /// The personnummer is not a valid 12-digit personnummer or samordningsnummer.
    #[error("the personnummer is not valid")]
    InvalidPersonnummer(#[source] PersonnummerError),
    /// The Norwegian number is not a valid fødselsnummer or D-number.
    #[error("the Norwegian national identity number is not valid")]
    InvalidFodselsnummer(#[source] FodselsnummerError),
    /// The `external_id` text is empty, too long or holds a control character.
    #[error("the external id is not valid")]
    InvalidExternalId(#[source] ExternalIdTextError),
    /// The national number's birth date is after today, or unknown (a coordination number
    /// with month `00` or day `60`).
    #[error("the national identity number has no known birth date on or before today")]
    BirthDateInFuture,
    /// The first name is empty, too long or holds digits or control characters.
    #[error("the first name is not valid")]
    InvalidFirstName(#[source] ContactError),
    /// The last name is empty, too long or holds digits or control characters.
    #[error("the last name is not valid")]
    InvalidLastName(#[source] ContactError),
    /// A phone number is not in E.164 form.
    #[error("a phone number is not valid")]
    InvalidPhone(#[source] ContactError),
    /// An e-mail address is not valid.
    #[error("an e-mail address is not valid")]
    InvalidEmail(#[source] ContactError),
    /// The care unit does not exist.
    #[error("the {0} was not found")]
    NotFound(Entity),
    /// The EHR refused the patient's data.
    #[error("the EHR refused the registration")]
    Rejected(#[source] Rejection),
    /// The request may have reached the EHR but no answer came back. Registering is an upsert,
    /// so registering again is safe.
    #[error("could not tell whether the patient was registered")]
    OutcomeUnknown(#[source] BackendError),
    /// The EHR failed or could not be reached; the patient was not registered.
    #[error("the EHR did not register the patient")]
    Unavailable(#[source] BackendError),
}

impl From<WriteError> for RegisterPatientError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::NotFound(entity) => Self::NotFound(entity),
            WriteError::Rejected(rejection) => Self::Rejected(rejection),
            WriteError::OutcomeUnknown(backend) => Self::OutcomeUnknown(backend),
            WriteError::Backend(backend) => Self::Unavailable(backend),
            other => Self::Unavailable(unexpected(other)),
        }
    }
}

/// Registers a patient at a care unit, or finds the one already registered with the same
/// personnummer.
#[derive(Clone)]
pub struct RegisterPatient {
    patients: Arc<dyn PatientDirectory>,
    clock: Arc<dyn Clock>,
}

impl RegisterPatient {
    /// The use case over `patients`, with `clock` for today's date.
    #[must_use]
    pub fn new(patients: Arc<dyn PatientDirectory>, clock: Arc<dyn Clock>) -> Self {
        Self { patients, clock }
    }

    /// Checks `input` (see [`RegisterPatientInput::validate`]; today is the clock's date in
    /// Stockholm), then registers the patient at `care_unit`. Invalid input never reaches the
    /// EHR.
    ///
    /// # Errors
    /// A validation variant of [`RegisterPatientError`] for invalid input; otherwise
    /// [`RegisterPatientError::NotFound`] for an unknown care unit,
    /// [`RegisterPatientError::Rejected`], [`RegisterPatientError::OutcomeUnknown`] or
    /// [`RegisterPatientError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.register_patient", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        input: &RegisterPatientInput,
    ) -> Result<Registration, RegisterPatientError> {
        let today = in_stockholm(&self.clock.now()).date_naive();
        let patient = input.validate(today)?;
        Ok(self.patients.register_patient(care_unit, &patient).await?)
    }
}

/// Finds patients: one by reference, or many by name.
#[derive(Clone)]
pub struct FindPatient {
    patients: Arc<dyn PatientDirectory>,
}

impl FindPatient {
    /// The use case over `patients`.
    #[must_use]
    pub fn new(patients: Arc<dyn PatientDirectory>) -> Self {
        Self { patients }
    }

    /// The patient `patient` refers to, by EHR id or personnummer.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] with [`Entity::Patient`] when there is no such patient, or
    /// [`Entity::CareUnit`]; [`QueryError::Rejected`] when the EHR cannot look patients up that
    /// way; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.find_patient", skip_all)]
    pub async fn run(
        &self,
        care_unit: &CareUnitId,
        patient: &PatientRef,
    ) -> Result<Patient, QueryError> {
        Ok(self.patients.get_patient(care_unit, patient).await?)
    }

    /// The patients matching `search` (exact names, ignoring case); empty when none do.
    ///
    /// # Errors
    /// [`QueryError::NotFound`] for an unknown care unit; [`QueryError::Unavailable`].
    #[tracing::instrument(name = "leyr.app.search_patients", skip_all)]
    pub async fn search(
        &self,
        care_unit: &CareUnitId,
        search: &PatientSearch,
    ) -> Result<Vec<Patient>, QueryError> {
        Ok(self.patients.find_patients(care_unit, search).await?)
    }
}

opaque_debug!(RegisterPatient, FindPatient);
