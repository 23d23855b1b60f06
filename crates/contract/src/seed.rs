//! The world the checks expect: the seeded TakeCare sandbox's care unit, resources, services
//! and test patients (contract C32), and ids that no sandbox holds.

/// The sandbox's care unit.
pub const CARE_UNIT: &str = "10";
/// Dr Ehn, "Läkare Ehn (läk)", offering [`NEW_DOCTOR_VISIT`] and [`FOLLOW_UP_DOCTOR_VISIT`].
pub const DR_EHN: &str = "10-991890000019";
/// Nurse Lind, "Sjuksköterska Lind (ssk)", offering [`NURSE_VISIT`].
pub const NURSE_LIND: &str = "10-991890000027";
/// "Nybesök läkare", 30 minutes.
pub const NEW_DOCTOR_VISIT: &str = "1001";
/// "Återbesök läkare", 15 minutes.
pub const FOLLOW_UP_DOCTOR_VISIT: &str = "1002";
/// "Sjuksköterskebesök", 20 minutes.
pub const NURSE_VISIT: &str = "1003";
/// The seven test patients, with their sandbox names.
pub const TEST_PATIENTS: [(&str, &str, &str); 7] = [
    ("191212121212", "Tolvan", "Tolvansson"),
    ("197110021834", "Testperson", "Alfa"),
    ("194010126672", "Testperson", "Beta"),
    ("195003042222", "Testperson", "Gamma"),
    ("194912062306", "Testperson", "Delta"),
    ("195008121856", "Testperson", "Epsilon"),
    ("198702072391", "Testperson", "Zeta"),
];

pub(crate) const TOLVAN: &str = "191212121212";
pub(crate) const ALFA: &str = "197110021834";
pub(crate) const BETA: &str = "194010126672";
pub(crate) const GAMMA: &str = "195003042222";
pub(crate) const DELTA: &str = "194912062306";
pub(crate) const EPSILON: &str = "195008121856";
pub(crate) const ZETA: &str = "198702072391";

/// A care unit id no sandbox has.
pub(crate) const UNKNOWN_CARE_UNIT: &str = "contract-unknown-care-unit";
/// A well-formed appointment id no sandbox has issued.
pub(crate) const UNKNOWN_APPOINTMENT: &str = "00000000-0000-4000-8000-000000000000";
/// A resource id no sandbox has.
pub(crate) const UNKNOWN_RESOURCE: &str = "10-000000000000";
