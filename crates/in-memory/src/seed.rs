//! The TakeCare sandbox seed (contract C32, §5.3): the small fixed world every test can rely on.
//!
//! | what | value |
//! |---|---|
//! | care unit | [`CARE_UNIT`] `10`, "Vårdenhet 10" |
//! | resources | [`DR_EHN`] "Läkare Ehn (läk)", offering 1001 and 1002; [`NURSE_LIND`] "Sjuksköterska Lind (ssk)", offering 1003 |
//! | services | [`NEW_DOCTOR_VISIT`] "Nybesök läkare", 30 min; [`FOLLOW_UP_DOCTOR_VISIT`] "Återbesök läkare", 15 min; [`NURSE_VISIT`] "Sjuksköterskebesök", 20 min |
//! | patients | the seven [`TEST_PATIENTS`]: Tolvan Tolvansson, then Testperson Alfa to Zeta; `emr_id` = personnummer, no phones or e-mails, each with a Leyr id (UUID v4) |
//! | slots | the weekday generator from the start date, for `slot_days` days |
//! | history | [`RECOMMENDED_PATIENT`] saw [`DR_EHN`] for 1001 at 09:00 Stockholm time 28 and 14 days before the start date (reported `completed`), with one unstructured note by [`DR_EHN`] after each visit |
//!
//! The seed's own ids (Leyr patient ids, appointment and note ids) come from a fixed sequence,
//! so they are the same on every run.

use chrono::{Days, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::ids::{
    AppointmentId, CareUnitId, HealthcareServiceId, LeyrPatientId, NoteId, PatientEmrId, ResourceId,
};
use leyr_domain::medical_note::{MedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::patient::{Patient, PersonName};
use leyr_domain::personnummer::Personnummer;
use leyr_domain::time::STOCKHOLM;

use crate::dataset::{CareUnitData, Dataset, PatientNote, ResourceData, WeekdaySlots};
use crate::random::SplitMix64;

/// The sandbox's care unit, "Vårdenhet 10".
pub const CARE_UNIT: &str = "10";
/// "Läkare Ehn (läk)", who offers [`NEW_DOCTOR_VISIT`] and [`FOLLOW_UP_DOCTOR_VISIT`]: Leyr's
/// recommended resource.
pub const DR_EHN: &str = "10-991890000019";
/// "Sjuksköterska Lind (ssk)", who offers [`NURSE_VISIT`].
pub const NURSE_LIND: &str = "10-991890000027";
/// "Nybesök läkare", 30 minutes.
pub const NEW_DOCTOR_VISIT: &str = "1001";
/// "Återbesök läkare", 15 minutes.
pub const FOLLOW_UP_DOCTOR_VISIT: &str = "1002";
/// "Sjuksköterskebesök", 20 minutes.
pub const NURSE_VISIT: &str = "1003";
/// Testperson Alfa, Leyr's recommended test patient, the one with a history.
pub const RECOMMENDED_PATIENT: &str = "197110021834";
/// The seven test patients of §5.2, in the contract's order.
pub const TEST_PATIENTS: [&str; 7] = [
    "191212121212",
    "197110021834",
    "194010126672",
    "195003042222",
    "194912062306",
    "195008121856",
    "198702072391",
];

/// The names of [`TEST_PATIENTS`], in the same order.
const NAMES: [(&str, &str); 7] = [
    ("Tolvan", "Tolvansson"),
    ("Testperson", "Alfa"),
    ("Testperson", "Beta"),
    ("Testperson", "Gamma"),
    ("Testperson", "Delta"),
    ("Testperson", "Epsilon"),
    ("Testperson", "Zeta"),
];

/// The seed of the sequence the seed data's ids come from.
const SEED_ID_SEQUENCE: u64 = 0x7A6E_CA2E_5EED_0010;

/// The TakeCare sandbox world (see the [module documentation](self)), with weekday slots for
/// `slot_days` days from `start_date` and the recommended patient's history dated relative to
/// `start_date`.
#[must_use]
pub fn takecare(start_date: NaiveDate, slot_days: u32) -> Dataset {
    // Every value below is a valid constant, so `None` cannot happen; an empty dataset is the
    // harmless answer if it ever did.
    takecare_unit(start_date, slot_days)
        .map(|unit| Dataset {
            care_units: vec![unit],
        })
        .unwrap_or_default()
}

fn takecare_unit(start_date: NaiveDate, slot_days: u32) -> Option<CareUnitData> {
    let care_unit_id = CareUnitId::new(CARE_UNIT).ok()?;
    let mut ids = SplitMix64::new(SEED_ID_SEQUENCE);
    let service = |id: &str, name: &str, minutes: i64| -> Option<HealthcareService> {
        Some(HealthcareService {
            id: HealthcareServiceId::new(id).ok()?,
            name: Some(name.to_owned()),
            duration: Some(TimeDelta::minutes(minutes)),
        })
    };
    let resource = |id: &str, name: &str, services: &[&str]| -> Option<ResourceData> {
        Some(ResourceData {
            resource: Resource {
                id: ResourceId::new(id).ok()?,
                name: Some(name.to_owned()),
            },
            services: services
                .iter()
                .map(|service| HealthcareServiceId::new(*service).ok())
                .collect::<Option<Vec<_>>>()?,
        })
    };

    let mut unit = CareUnitData::new(CareUnit {
        id: care_unit_id.clone(),
        name: Some("Vårdenhet 10".to_owned()),
    });
    unit.services = vec![
        service(NEW_DOCTOR_VISIT, "Nybesök läkare", 30)?,
        service(FOLLOW_UP_DOCTOR_VISIT, "Återbesök läkare", 15)?,
        service(NURSE_VISIT, "Sjuksköterskebesök", 20)?,
    ];
    unit.resources = vec![
        resource(
            DR_EHN,
            "Läkare Ehn (läk)",
            &[NEW_DOCTOR_VISIT, FOLLOW_UP_DOCTOR_VISIT],
        )?,
        resource(NURSE_LIND, "Sjuksköterska Lind (ssk)", &[NURSE_VISIT])?,
    ];
    for (number, (first_name, last_name)) in TEST_PATIENTS.iter().zip(NAMES) {
        unit.patients.push(Patient {
            leyr_id: Some(LeyrPatientId::new(ids.next_uuid()).ok()?),
            emr_id: PatientEmrId::new(*number).ok()?,
            personnummer: Some(number.parse::<Personnummer>().ok()?),
            first_name: PersonName::new(first_name).ok()?,
            last_name: PersonName::new(last_name).ok()?,
            care_unit_id: care_unit_id.clone(),
            phones: Vec::new(),
            emails: Vec::new(),
        });
    }
    unit.weekday_slots = Some(WeekdaySlots {
        from: start_date,
        days: slot_days,
    });

    // The recommended patient's history: two past visits, a note after each.
    let patient = PatientEmrId::new(RECOMMENDED_PATIENT).ok()?;
    let doctor = ResourceId::new(DR_EHN).ok()?;
    for days_before in [28, 14] {
        let day = start_date.checked_sub_days(Days::new(days_before))?;
        let nine = NaiveTime::from_hms_opt(9, 0, 0)?;
        let start = STOCKHOLM
            .from_local_datetime(&day.and_time(nine))
            .earliest()?
            .fixed_offset();
        let end = start + TimeDelta::minutes(30);
        unit.appointments.push(
            Appointment::new(AppointmentParts {
                id: AppointmentId::new(ids.next_uuid()).ok()?,
                status: AppointmentStatus::Booked,
                start,
                end,
                comment: None,
                care_unit_id: care_unit_id.clone(),
                patient: Some(patient.clone()),
                resource_id: Some(doctor.clone()),
                healthcare_service_id: Some(HealthcareServiceId::new(NEW_DOCTOR_VISIT).ok()?),
            })
            .ok()?,
        );
        unit.notes.push(PatientNote {
            patient: patient.clone(),
            note: MedicalNote {
                id: NoteId::new(ids.next_uuid()).ok()?,
                created_at: end + TimeDelta::minutes(15),
                template: Some(NoteTemplate::Unstructured),
                title: Some(NoteTitle::new("Nybesök läkare").ok()?),
                author: Some(doctor.clone()),
                text: Some(
                    NoteText::new(format!(
                        "Nybesök {day}. Anamnes och status utan anmärkning. Återbesök vid behov."
                    ))
                    .ok()?,
                ),
            },
        });
    }
    Some(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_complete_and_deterministic() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
        let dataset = takecare(start, 60);
        assert_eq!(dataset.care_units.len(), 1);
        let unit = &dataset.care_units[0];
        assert_eq!(unit.patients.len(), 7);
        assert_eq!(unit.appointments.len(), 2);
        assert_eq!(unit.notes.len(), 2);
        let again = takecare(start, 60);
        let ids = |dataset: &Dataset| -> Vec<Option<String>> {
            dataset.care_units[0]
                .patients
                .iter()
                .map(|patient| patient.leyr_id.as_ref().map(|id| id.as_str().to_owned()))
                .collect()
        };
        assert_eq!(ids(&dataset), ids(&again));
    }
}
