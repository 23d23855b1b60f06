//! The world the checks expect: the seeded TakeCare sandbox's care unit, resources, services
//! and test patients (contract C32), read from the one seed definition in `leyr-in-memory`
//! that the fake and the sandbox load, and ids that no sandbox holds.

use leyr_in_memory::seed::{self as world, SeedPatient};

/// The sandbox's care unit.
pub const CARE_UNIT: &str = world::CARE_UNIT;
/// Dr Ehn, "Läkare Ehn (läk)", offering [`NEW_DOCTOR_VISIT`] and [`FOLLOW_UP_DOCTOR_VISIT`].
pub const DR_EHN: &str = world::DR_EHN;
/// Nurse Lind, "Sjuksköterska Lind (ssk)", offering [`NURSE_VISIT`].
pub const NURSE_LIND: &str = world::NURSE_LIND;
/// "Nybesök läkare", 30 minutes.
pub const NEW_DOCTOR_VISIT: &str = world::NEW_DOCTOR_VISIT;
/// "Återbesök läkare", 15 minutes.
pub const FOLLOW_UP_DOCTOR_VISIT: &str = world::FOLLOW_UP_DOCTOR_VISIT;
/// "Sjuksköterskebesök", 20 minutes.
pub const NURSE_VISIT: &str = world::NURSE_VISIT;
/// The test patients of the seed world: personnummer, first name, last name.
pub fn test_patients() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    world::TAKECARE.care_units[0]
        .patients
        .iter()
        .filter_map(|patient: &SeedPatient| {
            Some((patient.national_id?, patient.first_name, patient.last_name))
        })
}

pub(crate) const TOLVAN: &str = world::TEST_PATIENTS[0];
pub(crate) const ALFA: &str = world::TEST_PATIENTS[1];
pub(crate) const BETA: &str = world::TEST_PATIENTS[2];
pub(crate) const GAMMA: &str = world::TEST_PATIENTS[3];
pub(crate) const DELTA: &str = world::TEST_PATIENTS[4];
pub(crate) const EPSILON: &str = world::TEST_PATIENTS[5];
pub(crate) const ZETA: &str = world::TEST_PATIENTS[6];

/// A care unit id no sandbox has.
pub(crate) const UNKNOWN_CARE_UNIT: &str = "contract-unknown-care-unit";
/// A well-formed appointment id no sandbox has issued.
pub(crate) const UNKNOWN_APPOINTMENT: &str = "00000000-0000-4000-8000-000000000000";
/// A resource id no sandbox has.
pub(crate) const UNKNOWN_RESOURCE: &str = "10-000000000000";
