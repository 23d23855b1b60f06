//! What each EHR behind Leyr supports: its profile (contract §9.2, C43).
//!
//! Leyr speaks one API for many EHRs, but they differ: which operations work, which national
//! number a new patient's `external_id` takes, which typed ids a patient can be looked up by,
//! how patients' EHR ids are minted, and whether a booking or a cancellation must be confirmed
//! by a code. An [`EhrProfile`] says all of that as data, so every adapter and the sandbox read
//! one definition instead of spelling an EHR's rules in code of their own. Adding an EHR is a
//! new profile (and its seed world), not edits across crates.
//!
//! ```
//! use leyr_domain::ehr::{self, IdType, Operation};
//!
//! let takecare = ehr::profile("takecare").ok_or("a known EHR")?;
//! assert!(takecare.supports(Operation::Book));
//! assert!(takecare.accepts_patient_id(IdType::SePersonalNumber));
//! assert!(!takecare.accepts_resource_id(IdType::HsaId));
//! assert!(ehr::profile("webdoc").is_none());
//! # Ok::<(), &str>(())
//! ```

use std::fmt;

use chrono::NaiveDate;

use crate::fodselsnummer::{Fodselsnummer, FodselsnummerAllow};
use crate::national_id::{ExternalId, ExternalIdText, NationalId};
use crate::personnummer::Personnummer;

/// The kinds of typed id Leyr documents (§2.2). The text before the `:` that names each one is
/// the wire's business (`leyr-wire`'s typed-id grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdType {
    /// The EHR's own id (`emr_id`, or no prefix).
    EmrId,
    /// A Swedish personnummer (`se_personal_number`).
    SePersonalNumber,
    /// A Norwegian national identity number (`no_personal_number`).
    NoPersonalNumber,
    /// A UK NHS number (`nhs_number`).
    NhsNumber,
    /// A Swedish HSA id, for resources (`hsa_id`).
    HsaId,
}

/// One operation of Leyr's API, as a profile lists what its EHR supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Operation {
    /// `GET /care-units` (§3.1).
    ListCareUnits,
    /// `GET {CU}/resources` (§3.2).
    ListResources,
    /// `GET {CU}/resources/{resource_id}` (§3.3).
    GetResource,
    /// `GET {CU}/healthcare-services` (§3.4).
    ListHealthcareServices,
    /// `GET {CU}/timeslots` (§3.5).
    FindTimeslots,
    /// `GET {CU}/patients?first_name&last_name` (§3.6).
    FindPatients,
    /// `POST {CU}/patients` (§3.7).
    RegisterPatient,
    /// `GET {CU}/patients/{patient_id}` (§3.8).
    GetPatient,
    /// `GET {CU}/appointments` (§3.9).
    ListAppointments,
    /// `POST {CU}/appointments` (§3.10).
    Book,
    /// `PATCH {CU}/appointments/{appointment_id}` with new times (§3.11).
    Reschedule,
    /// `PATCH {CU}/appointments/{appointment_id}` with `status: cancelled` (§3.12).
    Cancel,
    /// `PATCH {CU}/appointments` (§3.13).
    CancelMany,
    /// `PATCH {CU}/appointments/{appointment_id}` with a confirmation code (§3.14).
    Confirm,
    /// `GET {CU}/appointments/{appointment_id}` (§3.17a, C40).
    GetAppointment,
    /// `GET {CU}/patients/{patient_id}/medical-notes` (§3.15).
    ListNotes,
    /// `POST {CU}/patients/{patient_id}/medical-notes` (§3.16).
    WriteNote,
    /// `POST {CU}/patients/{patient_id}/documents` (§3.17).
    UploadDocument,
}

impl Operation {
    /// Every operation, in the order of the contract's sections.
    pub const ALL: [Operation; 18] = [
        Operation::ListCareUnits,
        Operation::ListResources,
        Operation::GetResource,
        Operation::ListHealthcareServices,
        Operation::FindTimeslots,
        Operation::FindPatients,
        Operation::RegisterPatient,
        Operation::GetPatient,
        Operation::ListAppointments,
        Operation::Book,
        Operation::Reschedule,
        Operation::Cancel,
        Operation::CancelMany,
        Operation::Confirm,
        Operation::GetAppointment,
        Operation::ListNotes,
        Operation::WriteNote,
        Operation::UploadDocument,
    ];

    /// A short name for logs and tables, e.g. `book`, `get_appointment`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Operation::ListCareUnits => "list_care_units",
            Operation::ListResources => "list_resources",
            Operation::GetResource => "get_resource",
            Operation::ListHealthcareServices => "list_healthcare_services",
            Operation::FindTimeslots => "find_timeslots",
            Operation::FindPatients => "find_patients",
            Operation::RegisterPatient => "register_patient",
            Operation::GetPatient => "get_patient",
            Operation::ListAppointments => "list_appointments",
            Operation::Book => "book",
            Operation::Reschedule => "reschedule",
            Operation::Cancel => "cancel",
            Operation::CancelMany => "cancel_many",
            Operation::Confirm => "confirm",
            Operation::GetAppointment => "get_appointment",
            Operation::ListNotes => "list_notes",
            Operation::WriteNote => "write_note",
            Operation::UploadDocument => "upload_document",
        }
    }

    /// Whether the operation changes the record (registering, booking, changing an
    /// appointment, writing a note or a document).
    #[must_use]
    pub const fn is_write(self) -> bool {
        matches!(
            self,
            Operation::RegisterPatient
                | Operation::Book
                | Operation::Reschedule
                | Operation::Cancel
                | Operation::CancelMany
                | Operation::Confirm
                | Operation::WriteNote
                | Operation::UploadDocument
        )
    }

    const fn bit(self) -> u32 {
        1 << self as u32
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of operations.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operations(u32);

impl Operations {
    /// Every operation.
    pub const ALL: Operations = Operations::without(&[]);

    /// Every operation except `unsupported`.
    #[must_use]
    pub const fn without(unsupported: &[Operation]) -> Self {
        let mut bits = 0;
        let mut index = 0;
        while index < Operation::ALL.len() {
            bits |= Operation::ALL[index].bit();
            index += 1;
        }
        let mut index = 0;
        while index < unsupported.len() {
            bits &= !unsupported[index].bit();
            index += 1;
        }
        Self(bits)
    }

    /// Whether `operation` is in the set.
    #[must_use]
    pub const fn contains(self, operation: Operation) -> bool {
        self.0 & operation.bit() != 0
    }

    /// The operations in the set, in [`Operation::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Operation> {
        Operation::ALL
            .into_iter()
            .filter(move |operation| self.contains(*operation))
    }
}

impl fmt::Debug for Operations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The national identity number a new patient's `external_id` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NationalNumber {
    /// A Swedish personnummer or samordningsnummer, checked by C33: exactly 12 digits, a
    /// known birth date not after today.
    SwedishPersonnummer,
    /// A Norwegian fødselsnummer or D-number, Tenor's synthetic test numbers included, checked
    /// by C46: H- and FH-numbers are help numbers, not personal numbers, and are refused; a
    /// known birth date must not be after today.
    NorwegianFodselsnummer,
}

/// What a profile asks of `external_id` when a patient is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExternalIdRule {
    /// The number is required and checked.
    Required(NationalNumber),
    /// The number may be left out; when given, it is checked.
    Optional(NationalNumber),
    /// Any text, or none: the EHR does not check it.
    Unchecked,
}

/// Why an `external_id` breaks its profile's rule. Never holds the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExternalIdError {
    /// The profile requires an `external_id` and none was given.
    #[error("the EHR requires a national identity number")]
    Missing,
    /// The text is not a national number of the kind the profile takes.
    #[error("the national identity number is not valid for this EHR")]
    Invalid,
}

impl NationalNumber {
    /// Reads `text` as this kind of number, for a patient registered on `today`.
    ///
    /// # Errors
    /// [`ExternalIdError::Invalid`] when the text breaks the number's rule.
    pub fn check(self, text: &str, today: NaiveDate) -> Result<NationalId, ExternalIdError> {
        match self {
            NationalNumber::SwedishPersonnummer => {
                // C33: only the 12-digit form without separator; a date that is known and
                // not after today. Interim numbers, reservnummer and 10-digit forms fail.
                let twelve_digits = text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit());
                let personnummer = twelve_digits
                    .then(|| text.parse::<Personnummer>().ok())
                    .flatten()
                    .filter(|personnummer| personnummer.is_born_by(today))
                    .ok_or(ExternalIdError::Invalid)?;
                Ok(NationalId::Personnummer(personnummer))
            }
            NationalNumber::NorwegianFodselsnummer => {
                let fodselsnummer =
                    Fodselsnummer::parse_with(text, FodselsnummerAllow::PERSONAL_NUMBERS)
                        .ok()
                        // Only the 11 digits: Leyr's field holds no separator.
                        .filter(|number| number.as_str() == text)
                        .filter(|number| number.birth_date().is_none_or(|born| born <= today))
                        .ok_or(ExternalIdError::Invalid)?;
                Ok(NationalId::Fodselsnummer(fodselsnummer))
            }
        }
    }
}

impl ExternalIdRule {
    /// Checks the `external_id` of a registration on `today`, and reads it as the profile
    /// does: a national number where the profile checks one, the text as it is where it does
    /// not, `None` where it was left out.
    ///
    /// # Errors
    /// [`ExternalIdError::Missing`] when required and absent; [`ExternalIdError::Invalid`]
    /// when it breaks the number's rule, or, where unchecked, is not even text an id can be
    /// (empty, longer than 64 characters, or holding a control character).
    pub fn check(
        self,
        text: Option<&str>,
        today: NaiveDate,
    ) -> Result<Option<ExternalId>, ExternalIdError> {
        match (self, text) {
            (ExternalIdRule::Required(_), None) => Err(ExternalIdError::Missing),
            (ExternalIdRule::Required(number) | ExternalIdRule::Optional(number), Some(text)) => {
                number
                    .check(text, today)
                    .map(|id| Some(ExternalId::National(id)))
            }
            (ExternalIdRule::Optional(_) | ExternalIdRule::Unchecked, None) => Ok(None),
            (ExternalIdRule::Unchecked, Some(text)) => ExternalIdText::new(text)
                .map(|text| Some(ExternalId::Text(text)))
                .map_err(|_| ExternalIdError::Invalid),
        }
    }

    /// The national number the rule takes, if it takes one.
    #[must_use]
    pub fn national_number(self) -> Option<NationalNumber> {
        match self {
            ExternalIdRule::Required(number) | ExternalIdRule::Optional(number) => Some(number),
            ExternalIdRule::Unchecked => None,
        }
    }
}

/// How a profile's EHR gives a new patient its `emr_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatientEmrIds {
    /// The `emr_id` is the patient's national number (TakeCare: C6).
    NationalNumber,
    /// The EHR mints an id of its own.
    Minted,
}

/// How a booking or a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// At once.
    Direct,
    /// After the patient confirms with a code sent by SMS (§9.3).
    Code,
}

/// The market an EHR serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Market {
    /// Sweden.
    Sweden,
    /// Norway.
    Norway,
    /// Any country.
    Global,
}

/// What one EHR behind Leyr supports (C43).
///
/// Profiles are plain data, so a test (or a service that meets an EHR before this crate knows
/// it) can describe one, e.g. `EhrProfile { operations: ..., ..ehr::TAKECARE }` in a `static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EhrProfile {
    /// The `{emr}` path segment, e.g. `takecare`.
    pub code: &'static str,
    /// The EHR's name for people, e.g. `TakeCare`.
    pub name: &'static str,
    /// Where the EHR is used.
    pub market: Market,
    /// The operations that work.
    pub operations: Operations,
    /// What registration asks of `external_id`.
    pub external_id: ExternalIdRule,
    /// Whether registration needs at least one phone number.
    pub requires_phone: bool,
    /// The typed ids a patient can be looked up by.
    pub patient_id_types: &'static [IdType],
    /// The typed ids a resource can be named by.
    pub resource_id_types: &'static [IdType],
    /// How new patients get their `emr_id`.
    pub patient_emr_ids: PatientEmrIds,
    /// How a booking takes effect.
    pub booking: Confirmation,
    /// How a cancellation takes effect.
    pub cancellation: Confirmation,
}

impl EhrProfile {
    /// Whether the EHR supports `operation`.
    #[must_use]
    pub fn supports(&self, operation: Operation) -> bool {
        self.operations.contains(operation)
    }

    /// Whether a patient can be looked up by an id of `kind`.
    #[must_use]
    pub fn accepts_patient_id(&self, kind: IdType) -> bool {
        self.patient_id_types.contains(&kind)
    }

    /// Whether a resource can be named by an id of `kind`.
    #[must_use]
    pub fn accepts_resource_id(&self, kind: IdType) -> bool {
        self.resource_id_types.contains(&kind)
    }
}

/// TakeCare (§5, C6, C33): everything supported, a required Swedish personnummer whose value is
/// also the patient's `emr_id`, direct booking and cancellation.
pub const TAKECARE: EhrProfile = EhrProfile {
    code: "takecare",
    name: "TakeCare",
    market: Market::Sweden,
    operations: Operations::ALL,
    external_id: ExternalIdRule::Required(NationalNumber::SwedishPersonnummer),
    requires_phone: false,
    patient_id_types: &[IdType::EmrId, IdType::SePersonalNumber],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::NationalNumber,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Kaddio (§9.2): a Swedish EHR whose sandbox cannot yet change appointments or take
/// documents; `external_id` optional, checked as a personnummer when given.
pub const KADDIO: EhrProfile = EhrProfile {
    code: "kaddio",
    name: "Kaddio",
    market: Market::Sweden,
    operations: Operations::without(&[
        Operation::Reschedule,
        Operation::Cancel,
        Operation::CancelMany,
        Operation::UploadDocument,
    ]),
    external_id: ExternalIdRule::Optional(NationalNumber::SwedishPersonnummer),
    requires_phone: false,
    patient_id_types: &[IdType::EmrId, IdType::SePersonalNumber],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Anita Systems (§9.2, §9.3): a Norwegian EHR that needs a phone number, confirms bookings
/// and cancellations by SMS code, and cannot read patients or appointments back.
pub const ANITA_SYSTEMS: EhrProfile = EhrProfile {
    code: "anitasystems",
    name: "Anita Systems",
    market: Market::Norway,
    operations: Operations::without(&[
        Operation::GetPatient,
        Operation::FindPatients,
        Operation::ListAppointments,
        Operation::GetAppointment,
        Operation::Reschedule,
        Operation::CancelMany,
        Operation::ListNotes,
        Operation::WriteNote,
        Operation::UploadDocument,
    ]),
    external_id: ExternalIdRule::Unchecked,
    requires_phone: true,
    patient_id_types: &[IdType::EmrId],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Code,
    cancellation: Confirmation::Code,
};

/// Cliniko (§9.2): fully integrated, everything supported, numeric ids.
pub const CLINIKO: EhrProfile = EhrProfile {
    code: "cliniko",
    name: "Cliniko",
    market: Market::Global,
    operations: Operations::ALL,
    external_id: ExternalIdRule::Unchecked,
    requires_phone: false,
    patient_id_types: &[IdType::EmrId],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Physica (§9.2): a Norwegian EHR's mock: patients and booking, no appointment changes, notes
/// or documents, no search by name.
pub const PHYSICA: EhrProfile = EhrProfile {
    code: "physica",
    name: "Physica",
    market: Market::Norway,
    operations: Operations::without(&[
        Operation::FindPatients,
        Operation::Reschedule,
        Operation::Cancel,
        Operation::CancelMany,
        Operation::ListNotes,
        Operation::WriteNote,
        Operation::UploadDocument,
    ]),
    external_id: ExternalIdRule::Unchecked,
    requires_phone: false,
    patient_id_types: &[IdType::EmrId],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Pridok (§9.2): a Norwegian EHR's mock: patients, booking and cancelling, no search by name,
/// rescheduling, bulk cancel, notes or documents.
pub const PRIDOK: EhrProfile = EhrProfile {
    code: "pridok",
    name: "Pridok",
    market: Market::Norway,
    operations: Operations::without(&[
        Operation::FindPatients,
        Operation::Reschedule,
        Operation::CancelMany,
        Operation::ListNotes,
        Operation::WriteNote,
        Operation::UploadDocument,
    ]),
    external_id: ExternalIdRule::Unchecked,
    requires_phone: false,
    patient_id_types: &[IdType::EmrId],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Konfidens (§9.2, C46): a Norwegian EHR that requires a fødselsnummer or D-number and finds
/// patients by it (`no_personal_number:`); no rescheduling, bulk cancel, notes or documents.
pub const KONFIDENS: EhrProfile = EhrProfile {
    code: "konfidens",
    name: "Konfidens",
    market: Market::Norway,
    operations: Operations::without(&[
        Operation::Reschedule,
        Operation::CancelMany,
        Operation::ListNotes,
        Operation::WriteNote,
        Operation::UploadDocument,
    ]),
    external_id: ExternalIdRule::Required(NationalNumber::NorwegianFodselsnummer),
    requires_phone: false,
    patient_id_types: &[IdType::EmrId, IdType::NoPersonalNumber],
    resource_id_types: &[IdType::EmrId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// Every profile the project knows, in the contract's order (§9.2).
pub const PROFILES: &[&EhrProfile] = &[
    &TAKECARE,
    &KADDIO,
    &ANITA_SYSTEMS,
    &CLINIKO,
    &PHYSICA,
    &PRIDOK,
    &KONFIDENS,
];

/// The profile Leyr's client uses for an `{emr}` this project does not know (C44): everything
/// allowed, any typed id, Leyr decides. Its code is empty; the client keeps the code it was
/// configured with.
pub const PERMISSIVE: EhrProfile = EhrProfile {
    code: "",
    name: "an EHR without a profile",
    market: Market::Global,
    operations: Operations::ALL,
    external_id: ExternalIdRule::Unchecked,
    requires_phone: false,
    patient_id_types: &[
        IdType::EmrId,
        IdType::SePersonalNumber,
        IdType::NoPersonalNumber,
        IdType::NhsNumber,
    ],
    resource_id_types: &[IdType::EmrId, IdType::HsaId],
    patient_emr_ids: PatientEmrIds::Minted,
    booking: Confirmation::Direct,
    cancellation: Confirmation::Direct,
};

/// The profile whose `{emr}` code is `code`, if the project knows it.
#[must_use]
pub fn profile(code: &str) -> Option<&'static EhrProfile> {
    PROFILES
        .iter()
        .copied()
        .find(|profile| profile.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, 25).unwrap()
    }

    #[test]
    fn operation_sets_hold_exactly_what_they_are_given() {
        let without_notes = Operations::without(&[Operation::ListNotes, Operation::WriteNote]);
        assert!(without_notes.contains(Operation::Book));
        assert!(!without_notes.contains(Operation::WriteNote));
        assert_eq!(without_notes.iter().count(), Operation::ALL.len() - 2);
        assert_eq!(Operations::ALL.iter().count(), Operation::ALL.len());
    }

    #[test]
    fn profiles_are_found_by_their_code_and_codes_are_unique() {
        for profile in PROFILES {
            assert_eq!(super::profile(profile.code), Some(*profile));
        }
        let mut codes: Vec<_> = PROFILES.iter().map(|profile| profile.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), PROFILES.len());
    }

    #[test]
    fn c33_the_takecare_external_id_rule() {
        let rule = TAKECARE.external_id;
        assert!(matches!(
            rule.check(Some("197110021834"), today()),
            Ok(Some(ExternalId::National(NationalId::Personnummer(_))))
        ));
        assert!(rule.check(Some("197010632391"), today()).is_ok()); // day + 60
        assert!(rule.check(Some("202403250018"), today()).is_ok()); // born today
        assert_eq!(rule.check(None, today()), Err(ExternalIdError::Missing));
        for invalid in [
            "7110021834",
            "711002-1834",
            "19711002-1834",
            "197110021835",
            "201509160006",
            "170001012380",
            "990212345455",
            "19880527T281",
            "197000602396",
            "197010602394",
            "190002291238",
            "203001012388",
            " 197110021834",
        ] {
            assert_eq!(
                rule.check(Some(invalid), today()),
                Err(ExternalIdError::Invalid),
                "{invalid}"
            );
        }
    }

    #[test]
    fn optional_and_unchecked_rules() {
        let optional = ExternalIdRule::Optional(NationalNumber::SwedishPersonnummer);
        assert_eq!(optional.check(None, today()), Ok(None));
        assert_eq!(
            optional.check(Some("x"), today()),
            Err(ExternalIdError::Invalid)
        );
        assert!(matches!(
            ExternalIdRule::Unchecked.check(Some("x"), today()),
            Ok(Some(ExternalId::Text(_)))
        ));
        assert_eq!(ExternalIdRule::Unchecked.check(None, today()), Ok(None));
        assert_eq!(
            ExternalIdRule::Unchecked.check(Some("a\u{7}"), today()),
            Err(ExternalIdError::Invalid)
        );
    }

    /// The table of §9.2, row by row: what each profile lacks.
    #[test]
    fn c43_the_seven_profiles_lack_exactly_what_the_table_says() {
        use Operation::*;
        let lacks = |profile: &EhrProfile| -> Vec<Operation> {
            Operation::ALL
                .into_iter()
                .filter(|operation| !profile.supports(*operation))
                .collect()
        };
        assert_eq!(lacks(&TAKECARE), []);
        assert_eq!(
            lacks(&KADDIO),
            [Reschedule, Cancel, CancelMany, UploadDocument]
        );
        assert_eq!(
            lacks(&ANITA_SYSTEMS),
            [
                FindPatients,
                GetPatient,
                ListAppointments,
                Reschedule,
                CancelMany,
                GetAppointment,
                ListNotes,
                WriteNote,
                UploadDocument
            ]
        );
        assert_eq!(lacks(&CLINIKO), []);
        assert_eq!(
            lacks(&PHYSICA),
            [
                FindPatients,
                Reschedule,
                Cancel,
                CancelMany,
                ListNotes,
                WriteNote,
                UploadDocument
            ]
        );
        assert_eq!(
            lacks(&PRIDOK),
            [
                FindPatients,
                Reschedule,
                CancelMany,
                ListNotes,
                WriteNote,
                UploadDocument
            ]
        );
        assert_eq!(
            lacks(&KONFIDENS),
            [Reschedule, CancelMany, ListNotes, WriteNote, UploadDocument]
        );
        assert_eq!(lacks(&PERMISSIVE), []);
        let anita = &ANITA_SYSTEMS;
        assert!(anita.requires_phone);
        assert_eq!(ANITA_SYSTEMS.booking, Confirmation::Code);
        assert_eq!(ANITA_SYSTEMS.cancellation, Confirmation::Code);
        assert!(KONFIDENS.accepts_patient_id(IdType::NoPersonalNumber));
        assert!(!KONFIDENS.accepts_patient_id(IdType::SePersonalNumber));
        assert!(KADDIO.accepts_patient_id(IdType::SePersonalNumber));
        for profile in PROFILES {
            assert_eq!(
                profile.resource_id_types,
                [IdType::EmrId],
                "{}",
                profile.code
            );
        }
        assert_eq!(PROFILES.len(), 7);
    }

    #[test]
    fn c46_konfidens_takes_ordinary_d_and_synthetic_numbers_only() {
        let rule = KONFIDENS.external_id;
        assert_eq!(rule.check(None, today()), Err(ExternalIdError::Missing));
        assert_eq!(
            rule.check(Some("197110021834"), today()),
            Err(ExternalIdError::Invalid)
        );
        for accepted in ["01010100050", "07908298629", "30108299939"] {
            assert!(
                matches!(
                    rule.check(Some(accepted), today()),
                    Ok(Some(ExternalId::National(NationalId::Fodselsnummer(_))))
                ),
                "{accepted}"
            );
        }
        // An H-number, a number with a separator, and one whose check digit is off.
        for refused in ["02417544944", "010101 00050", "01010100051"] {
            assert_eq!(
                rule.check(Some(refused), today()),
                Err(ExternalIdError::Invalid),
                "{refused}"
            );
        }
    }
}
