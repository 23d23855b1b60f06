//! Patients: who they are, how the EHR knows them, and how to register a new one.
//!
//! Everything here is personal data: every `Debug` output is redacted at the leaves.

use std::fmt;

use crate::fodselsnummer::Fodselsnummer;
use crate::ids::{CareUnitId, LeyrPatientId, PatientEmrId};
use crate::national_id::{ExternalId, NationalId};
use crate::personnummer::Personnummer;
use crate::text::TextKind;

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a text is not a valid name, phone number or e-mail address. Never echoes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContactError {
    /// The name is empty or only whitespace.
    #[error("the name is empty")]
    EmptyName,
    /// The name is longer than [`MAX_NAME_CHARS`] characters.
    #[error("the name is longer than 100 characters")]
    NameTooLong,
    /// The name holds a control character or a digit.
    #[error("the name holds a control character or a digit")]
    NameCharacter,
    /// The phone number is not E.164 (`+` and 8 to 15 digits).
    #[error("the phone number is not in E.164 form (+ and 8 to 15 digits)")]
    Phone,
    /// The e-mail address is not of the form `local@domain.tld`.
    #[error("the e-mail address is not valid")]
    Email,
}

/// A first or last name: trimmed, 1 to 100 characters, no control characters or digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Checks and trims `text`.
    ///
    /// # Errors
    /// [`ContactError::EmptyName`], [`ContactError::NameTooLong`] or [`ContactError::NameCharacter`].
    pub fn new(text: &str) -> Result<Self, ContactError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(ContactError::EmptyName);
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(ContactError::NameTooLong);
        }
        if !TextKind::SingleLine.allows(trimmed) || trimmed.chars().any(|c| c.is_ascii_digit()) {
            return Err(ContactError::NameCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two names are the same, ignoring case (how the EHR searches, contract C16).
    #[must_use]
    pub fn matches(&self, other: &PersonName) -> bool {
        self.0.to_lowercase() == other.0.to_lowercase()
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonName(<redacted>)")
    }
}

/// A phone number in E.164 form, e.g. `+46701234567`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Checks `text`: `+`, then 8 to 15 digits, the first not `0`.
    ///
    /// # Errors
    /// [`ContactError::Phone`] otherwise.
    pub fn new(text: &str) -> Result<Self, ContactError> {
        let digits = text.strip_prefix('+').ok_or(ContactError::Phone)?;
        let valid = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(ContactError::Phone)
        }
    }

    /// The number as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PhoneNumber(<redacted>)")
    }
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot, at most 254 bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`ContactError::Email`] when it is not of the form `local@domain.tld`.
    pub fn new(text: &str) -> Result<Self, ContactError> {
        let (local, domain) = text.split_once('@').ok_or(ContactError::Email)?;
        let valid = text.len() <= 254
            && !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(ContactError::Email)
        }
    }

    /// The address as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(<redacted>)")
    }
}

/// How to address a patient: by the EHR's id or by national number (contract C5). Adapters
/// render it as `emr_id:<id>`, `se_personal_number:<12 digits>` or
/// `no_personal_number:<11 digits>`; which of them an EHR takes is its profile's business
/// ([`crate::ehr::EhrProfile::accepts_patient_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PatientRef {
    /// The EHR's own id (`emr_id`).
    EmrId(PatientEmrId),
    /// The patient's national number: a Swedish personnummer or samordningsnummer, or a
    /// Norwegian fødselsnummer or D-number.
    National(NationalId),
}

impl PatientRef {
    /// The kind of typed id this reference is sent as.
    #[must_use]
    pub fn id_type(&self) -> crate::ehr::IdType {
        use crate::ehr::IdType;
        match self {
            PatientRef::EmrId(_) => IdType::EmrId,
            PatientRef::National(NationalId::Personnummer(_)) => IdType::SePersonalNumber,
            PatientRef::National(NationalId::Fodselsnummer(_)) => IdType::NoPersonalNumber,
        }
    }
}

impl From<Personnummer> for PatientRef {
    fn from(personnummer: Personnummer) -> Self {
        Self::National(personnummer.into())
    }
}

impl From<Fodselsnummer> for PatientRef {
    fn from(fodselsnummer: Fodselsnummer) -> Self {
        Self::National(fodselsnummer.into())
    }
}

impl From<NationalId> for PatientRef {
    fn from(id: NationalId) -> Self {
        Self::National(id)
    }
}

impl From<PatientEmrId> for PatientRef {
    fn from(emr_id: PatientEmrId) -> Self {
        Self::EmrId(emr_id)
    }
}

/// A patient as the EHR knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    /// Leyr's id for the patient, if given. Never used to address the patient.
    pub leyr_id: Option<LeyrPatientId>,
    /// The EHR's id: the one to use in [`PatientRef::EmrId`].
    pub emr_id: PatientEmrId,
    /// The patient's `external_id`, when the EHR gives one: a national number where its
    /// digits are one, else the EHR's text.
    pub external_id: Option<ExternalId>,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// The care unit the patient was read from.
    pub care_unit_id: CareUnitId,
    /// Phone numbers, E.164.
    pub phones: Vec<PhoneNumber>,
    /// E-mail addresses.
    pub emails: Vec<EmailAddress>,
}

impl Patient {
    /// The best way to address this patient in later calls: the EHR id.
    #[must_use]
    pub fn reference(&self) -> PatientRef {
        PatientRef::EmrId(self.emr_id.clone())
    }

    /// The patient's national number, when the `external_id` is one.
    #[must_use]
    pub fn national_id(&self) -> Option<NationalId> {
        self.external_id.as_ref().and_then(ExternalId::national_id)
    }
}

/// What it takes to register a patient. The `external_id` is the upsert key: registering
/// someone who exists returns the existing patient. What it must hold is the EHR's profile's
/// business ([`crate::ehr::ExternalIdRule`]): a Swedish personnummer for TakeCare, a Norwegian
/// number for Konfidens, optional elsewhere, and free text where the EHR does not check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatient {
    /// Sent as `external_id`, when given.
    pub external_id: Option<ExternalId>,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Phone numbers, E.164.
    pub phones: Vec<PhoneNumber>,
    /// E-mail addresses.
    pub emails: Vec<EmailAddress>,
}

/// The outcome of registering a patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// A new patient was created.
    Created(Patient),
    /// The patient already existed and is returned unchanged.
    Existing(Patient),
}

impl Registration {
    /// The patient, new or existing.
    #[must_use]
    pub fn patient(&self) -> &Patient {
        match self {
            Self::Created(patient) | Self::Existing(patient) => patient,
        }
    }

    /// The patient, new or existing.
    #[must_use]
    pub fn into_patient(self) -> Patient {
        match self {
            Self::Created(patient) | Self::Existing(patient) => patient,
        }
    }

    /// Whether this call created the patient.
    #[must_use]
    pub fn was_created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
}

/// A search by name: at least one of first and last name, each matched exactly, ignoring case
/// (contract C16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientSearch {
    first_name: Option<PersonName>,
    last_name: Option<PersonName>,
}

/// A patient search needs at least one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a patient search needs a first name, a last name or both")]
pub struct EmptySearch;

impl PatientSearch {
    /// A search by first name, last name or both.
    ///
    /// # Errors
    /// [`EmptySearch`] when both are `None`.
    pub fn new(
        first_name: Option<PersonName>,
        last_name: Option<PersonName>,
    ) -> Result<Self, EmptySearch> {
        if first_name.is_none() && last_name.is_none() {
            return Err(EmptySearch);
        }
        Ok(Self {
            first_name,
            last_name,
        })
    }

    /// The first name to match, if any.
    #[must_use]
    pub fn first_name(&self) -> Option<&PersonName> {
        self.first_name.as_ref()
    }

    /// The last name to match, if any.
    #[must_use]
    pub fn last_name(&self) -> Option<&PersonName> {
        self.last_name.as_ref()
    }

    /// Whether `patient` matches every given name, ignoring case.
    #[must_use]
    pub fn matches(&self, patient: &Patient) -> bool {
        self.first_name
            .as_ref()
            .is_none_or(|name| name.matches(&patient.first_name))
            && self
                .last_name
                .as_ref()
                .is_none_or(|name| name.matches(&patient.last_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(PersonName::new("  Tolvan ").unwrap().as_str(), "Tolvan");
        assert_eq!(PersonName::new("   "), Err(ContactError::EmptyName));
        assert_eq!(
            PersonName::new(&"a".repeat(101)),
            Err(ContactError::NameTooLong)
        );
        assert_eq!(PersonName::new("R2D2"), Err(ContactError::NameCharacter));
        assert!(
            PersonName::new("Åsa-Britt")
                .unwrap()
                .matches(&PersonName::new("åsa-britt").unwrap())
        );
    }

    #[test]
    fn phones_are_e164() {
        assert!(PhoneNumber::new("+46701234567").is_ok());
        for bad in [
            "0701234567",
            "+0701234567",
            "+4670",
            "+46 70 123",
            "+4670123456789012",
        ] {
            assert_eq!(PhoneNumber::new(bad), Err(ContactError::Phone), "{bad}");
        }
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(EmailAddress::new("Tolvan.Tolvansson@example.com").is_ok());
        for bad in [
            "tolvan",
            "@example.com",
            "a@b",
            "a@b@c.se",
            "a b@c.se",
            "a@.se",
        ] {
            assert_eq!(EmailAddress::new(bad), Err(ContactError::Email), "{bad}");
        }
    }

    #[test]
    fn contact_debug_output_is_redacted() {
        let name = PersonName::new("Tolvan").unwrap();
        let phone = PhoneNumber::new("+46701234567").unwrap();
        let email = EmailAddress::new("tolvan@example.com").unwrap();
        assert_eq!(format!("{name:?}"), "PersonName(<redacted>)");
        assert_eq!(format!("{phone:?}"), "PhoneNumber(<redacted>)");
        assert_eq!(format!("{email:?}"), "EmailAddress(<redacted>)");
    }

    #[test]
    fn an_empty_search_is_refused() {
        assert_eq!(PatientSearch::new(None, None), Err(EmptySearch));
    }
}
