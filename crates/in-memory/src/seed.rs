//! The sandbox worlds, written once as data, one per EHR profile (contract C32, C47): the small
//! fixed worlds every test can rely on. [`TAKECARE`] is TakeCare's (§5.3):
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

use std::fmt;

use chrono::{Days, NaiveDate, NaiveTime, TimeDelta, TimeZone};
use leyr_domain::appointment::{Appointment, AppointmentParts, AppointmentStatus};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::ids::{
    AppointmentId, CareUnitId, HealthcareServiceId, LeyrPatientId, NoteId, PatientEmrId, ResourceId,
};
use leyr_domain::medical_note::{MedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::national_id::ExternalId;
use leyr_domain::patient::{Patient, PersonName, PhoneNumber};
use leyr_domain::time::STOCKHOLM;

use leyr_domain::ehr::{self, EhrProfile, Operation, PatientEmrIds};

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

/// Leyr's sandbox worlds as data, one per EHR profile (contract C47): what the in-memory
/// adapter loads, what `leyr-sandbox` serves, and what the contract suite checks against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedWorld {
    /// The EHR whose sandbox this is.
    pub profile: &'static EhrProfile,
    /// Its care units.
    pub care_units: &'static [SeedCareUnit],
}

/// One care unit of a seed world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedCareUnit {
    /// Its id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its healthcare services.
    pub services: &'static [SeedService],
    /// Its bookable resources.
    pub resources: &'static [SeedResource],
    /// Its test patients.
    pub patients: &'static [SeedPatient],
    /// Past visits, each followed by an unstructured note by the resource.
    pub history: &'static [SeedVisit],
}

/// A healthcare service of a seed world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedService {
    /// Its id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// How long one visit takes, in minutes.
    pub minutes: i64,
}

/// A bookable resource of a seed world, offering weekday slots of its services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedResource {
    /// Its id.
    pub id: &'static str,
    /// Its name.
    pub name: &'static str,
    /// The services it offers.
    pub services: &'static [&'static str],
}

/// A test patient of a seed world. Public test data, not a real person.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SeedPatient {
    /// The national identity number, if the patient has one.
    pub national_id: Option<&'static str>,
    /// The EHR's own id, for profiles whose EHR mints ids; `None` where the profile makes the
    /// national number the EHR id (TakeCare, C6).
    pub emr_id: Option<&'static str>,
    /// First name.
    pub first_name: &'static str,
    /// Last name.
    pub last_name: &'static str,
    /// Phone numbers, E.164: the first one receives confirmation codes (§9.3).
    pub phones: &'static [&'static str],
}

impl fmt::Debug for SeedPatient {
    // Public test data, but kept out of logs like any patient's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SeedPatient { .. }")
    }
}

/// A past visit in a seed world, dated relative to the world's start date. Where the profile
/// keeps no medical notes, the visit has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedVisit {
    /// The patient's national number (or EHR id, where it has none).
    pub patient: &'static str,
    /// The resource seen.
    pub resource: &'static str,
    /// The service booked.
    pub service: &'static str,
    /// How many days before the start date the visit was.
    pub days_before: u64,
    /// When it started, Stockholm wall-clock hour.
    pub hour: u32,
    /// The title of the note written after it.
    pub note_title: &'static str,
    /// The note's text; `{day}` stands for the visit's date.
    pub note_text: &'static str,
}

/// The TakeCare sandbox world (contract C32; see the [module documentation](self)).
pub const TAKECARE: SeedWorld = SeedWorld {
    profile: &ehr::TAKECARE,
    care_units: &[SeedCareUnit {
        id: CARE_UNIT,
        name: "Vårdenhet 10",
        services: &[
            SeedService {
                id: NEW_DOCTOR_VISIT,
                name: "Nybesök läkare",
                minutes: 30,
            },
            SeedService {
                id: FOLLOW_UP_DOCTOR_VISIT,
                name: "Återbesök läkare",
                minutes: 15,
            },
            SeedService {
                id: NURSE_VISIT,
                name: "Sjuksköterskebesök",
                minutes: 20,
            },
        ],
        resources: &[
            SeedResource {
                id: DR_EHN,
                name: "Läkare Ehn (läk)",
                services: &[NEW_DOCTOR_VISIT, FOLLOW_UP_DOCTOR_VISIT],
            },
            SeedResource {
                id: NURSE_LIND,
                name: "Sjuksköterska Lind (ssk)",
                services: &[NURSE_VISIT],
            },
        ],
        patients: &[
            takecare_patient(TEST_PATIENTS[0], "Tolvan", "Tolvansson"),
            takecare_patient(TEST_PATIENTS[1], "Testperson", "Alfa"),
            takecare_patient(TEST_PATIENTS[2], "Testperson", "Beta"),
            takecare_patient(TEST_PATIENTS[3], "Testperson", "Gamma"),
            takecare_patient(TEST_PATIENTS[4], "Testperson", "Delta"),
            takecare_patient(TEST_PATIENTS[5], "Testperson", "Epsilon"),
            takecare_patient(TEST_PATIENTS[6], "Testperson", "Zeta"),
        ],
        history: &[takecare_visit(28), takecare_visit(14)],
    }],
};

const fn takecare_patient(
    personnummer: &'static str,
    first_name: &'static str,
    last_name: &'static str,
) -> SeedPatient {
    SeedPatient {
        national_id: Some(personnummer),
        emr_id: None,
        first_name,
        last_name,
        phones: &[],
    }
}

const fn takecare_visit(days_before: u64) -> SeedVisit {
    SeedVisit {
        patient: RECOMMENDED_PATIENT,
        resource: DR_EHN,
        service: NEW_DOCTOR_VISIT,
        days_before,
        hour: 9,
        note_title: "Nybesök läkare",
        note_text: "Nybesök {day}. Anamnes och status utan anmärkning. Återbesök vid behov.",
    }
}

/// Kaddio's documented test patient (§9.1).
pub const KADDIO_PATIENT: &str = "mFdvd5CdhTGeoh7uf";

/// The Kaddio sandbox world (C47): Swedish, ids of 17 letters and digits as Kaddio's own,
/// patients with personnummer from public test data, its documented test patient first.
pub const KADDIO: SeedWorld = SeedWorld {
    profile: &ehr::KADDIO,
    care_units: &[SeedCareUnit {
        id: "Qk7Rb2Xw9Lp4Nd6Tz",
        name: "Kaddio Testmottagning",
        services: &[
            SeedService {
                id: "Sv3Fy8Hn1Mc5Kq7Wd",
                name: "Fysioterapi nybesök",
                minutes: 45,
            },
            SeedService {
                id: "Sv9Gt2Jr6Lb4Xn8Pe",
                name: "Fysioterapi återbesök",
                minutes: 30,
            },
        ],
        resources: &[
            SeedResource {
                id: "Rs5Tq1Vz7Ky3Mf9Ha",
                name: "Fysioterapeut Sara Berg",
                services: &["Sv3Fy8Hn1Mc5Kq7Wd", "Sv9Gt2Jr6Lb4Xn8Pe"],
            },
            SeedResource {
                id: "Rs8Wc4Bn2Dp6Lx1Jg",
                name: "Fysioterapeut Johan Ek",
                services: &["Sv9Gt2Jr6Lb4Xn8Pe"],
            },
        ],
        patients: &[
            minted_patient(
                KADDIO_PATIENT,
                Some("195704289999"),
                "Elsa",
                "Lindqvist",
                &[],
            ),
            minted_patient(
                "nGhk2LpQ8rTz4WxYb",
                Some("194608239986"),
                "Nils",
                "Holm",
                &["+46701740605"],
            ),
            minted_patient("pZr7Yt3Kw9Mn5Cv1d", None, "Maja", "Sund", &[]),
        ],
        history: &[SeedVisit {
            patient: KADDIO_PATIENT,
            resource: "Rs5Tq1Vz7Ky3Mf9Ha",
            service: "Sv3Fy8Hn1Mc5Kq7Wd",
            days_before: 21,
            hour: 10,
            note_title: "Fysioterapi nybesök",
            note_text: "Besök {day}. Nacksmärta, hemövningar ordinerade.",
        }],
    }],
};

/// Anita Systems' recommended care unit (§9.1).
pub const ANITA_CARE_UNIT: &str = "L0_1";
/// Anita Systems' second care unit (§9.1).
pub const ANITA_SECOND_CARE_UNIT: &str = "L0_2";

const ANITA_SERVICES: &[SeedService] = &[
    SeedService {
        id: "201",
        name: "Konsultasjon",
        minutes: 30,
    },
    SeedService {
        id: "202",
        name: "Kontroll",
        minutes: 15,
    },
];

/// The Anita Systems sandbox world (C47): Norwegian, its two documented care units `L0_1` and
/// `L0_2`, every patient with a phone number for the codes of §9.3.
pub const ANITA_SYSTEMS: SeedWorld = SeedWorld {
    profile: &ehr::ANITA_SYSTEMS,
    care_units: &[
        SeedCareUnit {
            id: ANITA_CARE_UNIT,
            name: "Anita Testklinikk",
            services: ANITA_SERVICES,
            resources: &[
                SeedResource {
                    id: "101",
                    name: "Lege Ingrid Solberg",
                    services: &["201", "202"],
                },
                SeedResource {
                    id: "102",
                    name: "Sykepleier Ola Bakke",
                    services: &["202"],
                },
            ],
            patients: &[
                minted_patient("5001", None, "Kari", "Nordmann", &["+4740000001"]),
                minted_patient("5002", None, "Ola", "Nordmann", &["+4740000002"]),
            ],
            history: &[SeedVisit {
                patient: "5001",
                resource: "101",
                service: "201",
                days_before: 14,
                hour: 9,
                note_title: "Konsultasjon",
                note_text: "Konsultasjon {day}.",
            }],
        },
        SeedCareUnit {
            id: ANITA_SECOND_CARE_UNIT,
            name: "Anita Testklinikk 2",
            services: ANITA_SERVICES,
            resources: &[
                SeedResource {
                    id: "111",
                    name: "Lege Per Strand",
                    services: &["201", "202"],
                },
                SeedResource {
                    id: "112",
                    name: "Lege Nina Moe",
                    services: &["201"],
                },
            ],
            patients: &[minted_patient(
                "5101",
                None,
                "Sigrid",
                "Fjeld",
                &["+4740000003"],
            )],
            history: &[],
        },
    ],
};

/// The Cliniko sandbox world (C47): numeric ids, as Cliniko's own.
pub const CLINIKO: SeedWorld = SeedWorld {
    profile: &ehr::CLINIKO,
    care_units: &[SeedCareUnit {
        id: "1038474653782915712",
        name: "Cliniko Test Clinic",
        services: &[
            SeedService {
                id: "1038474653782916101",
                name: "Initial Consultation",
                minutes: 45,
            },
            SeedService {
                id: "1038474653782916102",
                name: "Standard Consultation",
                minutes: 30,
            },
            SeedService {
                id: "1038474653782916103",
                name: "Short Review",
                minutes: 15,
            },
        ],
        resources: &[
            SeedResource {
                id: "1038474653782917201",
                name: "Dr Olivia Hart",
                services: &[
                    "1038474653782916101",
                    "1038474653782916102",
                    "1038474653782916103",
                ],
            },
            SeedResource {
                id: "1038474653782917202",
                name: "Physiotherapist Liam Cole",
                services: &["1038474653782916102"],
            },
        ],
        patients: &[
            minted_patient("1038474653782918301", None, "Amelia", "Watson", &[]),
            minted_patient("1038474653782918302", None, "Noah", "Fletcher", &[]),
            minted_patient("1038474653782918303", None, "Isla", "Turner", &[]),
        ],
        history: &[SeedVisit {
            patient: "1038474653782918301",
            resource: "1038474653782917201",
            service: "1038474653782916101",
            days_before: 28,
            hour: 11,
            note_title: "Initial Consultation",
            note_text: "Seen {day}. Lower back pain; exercises given.",
        }],
    }],
};

/// The Physica sandbox world (C47): a Norwegian physiotherapy clinic.
pub const PHYSICA: SeedWorld = SeedWorld {
    profile: &ehr::PHYSICA,
    care_units: &[SeedCareUnit {
        id: "3001",
        name: "Physica Fysioterapi Oslo",
        services: &[
            SeedService {
                id: "3101",
                name: "Fysioterapi førstegangstime",
                minutes: 45,
            },
            SeedService {
                id: "3102",
                name: "Fysioterapi oppfølging",
                minutes: 30,
            },
        ],
        resources: &[
            SeedResource {
                id: "3201",
                name: "Fysioterapeut Marte Lie",
                services: &["3101", "3102"],
            },
            SeedResource {
                id: "3202",
                name: "Fysioterapeut Erik Dahl",
                services: &["3102"],
            },
        ],
        patients: &[
            minted_patient("3301", Some("07908298629"), "Ingrid", "Hansen", &[]),
            minted_patient("3302", None, "Lars", "Johansen", &[]),
        ],
        history: &[SeedVisit {
            patient: "3301",
            resource: "3201",
            service: "3101",
            days_before: 10,
            hour: 13,
            note_title: "Førstegangstime",
            note_text: "Time {day}.",
        }],
    }],
};

/// The Pridok sandbox world (C47): a Norwegian medical centre.
pub const PRIDOK: SeedWorld = SeedWorld {
    profile: &ehr::PRIDOK,
    care_units: &[SeedCareUnit {
        id: "4001",
        name: "Pridok Legesenter",
        services: &[
            SeedService {
                id: "4101",
                name: "Legetime",
                minutes: 20,
            },
            SeedService {
                id: "4102",
                name: "Lang legetime",
                minutes: 40,
            },
            SeedService {
                id: "4103",
                name: "Sykepleiertime",
                minutes: 15,
            },
        ],
        resources: &[
            SeedResource {
                id: "4201",
                name: "Lege Anders Berg",
                services: &["4101", "4102"],
            },
            SeedResource {
                id: "4202",
                name: "Sykepleier Hilde Vik",
                services: &["4103"],
            },
        ],
        patients: &[
            minted_patient("4301", None, "Silje", "Andersen", &["+4740000004"]),
            minted_patient("4302", Some("01906996320"), "Knut", "Pedersen", &[]),
        ],
        history: &[SeedVisit {
            patient: "4301",
            resource: "4201",
            service: "4101",
            days_before: 7,
            hour: 8,
            note_title: "Legetime",
            note_text: "Time {day}.",
        }],
    }],
};

/// The Konfidens sandbox world (C47): a Norwegian psychology practice; every patient has a
/// Norwegian number (C46), here Tenor's synthetic test numbers and one D-number.
pub const KONFIDENS: SeedWorld = SeedWorld {
    profile: &ehr::KONFIDENS,
    care_units: &[SeedCareUnit {
        id: "6001",
        name: "Konfidens Psykologsenter",
        services: &[
            SeedService {
                id: "6101",
                name: "Førstesamtale",
                minutes: 60,
            },
            SeedService {
                id: "6102",
                name: "Samtale",
                minutes: 45,
            },
        ],
        resources: &[
            SeedResource {
                id: "6201",
                name: "Psykolog Tone Nilsen",
                services: &["6101", "6102"],
            },
            SeedResource {
                id: "6202",
                name: "Psykolog Geir Haugen",
                services: &["6102"],
            },
        ],
        patients: &[
            minted_patient("6301", Some(KONFIDENS_PATIENT), "Astrid", "Olsen", &[]),
            minted_patient("6302", Some("03851598730"), "Emil", "Larsen", &[]),
            minted_patient("6303", Some("41010119500"), "Jonas", "Berntsen", &[]),
        ],
        history: &[SeedVisit {
            patient: "6301",
            resource: "6201",
            service: "6101",
            days_before: 14,
            hour: 15,
            note_title: "Førstesamtale",
            note_text: "Samtale {day}.",
        }],
    }],
};

/// The Konfidens test patient with a history: a Tenor synthetic fødselsnummer.
pub const KONFIDENS_PATIENT: &str = "01914796756";

const fn minted_patient(
    emr_id: &'static str,
    national_id: Option<&'static str>,
    first_name: &'static str,
    last_name: &'static str,
    phones: &'static [&'static str],
) -> SeedPatient {
    SeedPatient {
        national_id,
        emr_id: Some(emr_id),
        first_name,
        last_name,
        phones,
    }
}

/// Every seed world, one per profile of [`ehr::PROFILES`], in the same order.
pub const WORLDS: &[&SeedWorld] = &[
    &TAKECARE,
    &KADDIO,
    &ANITA_SYSTEMS,
    &CLINIKO,
    &PHYSICA,
    &PRIDOK,
    &KONFIDENS,
];

/// The seed world of the EHR whose `{emr}` code is `code`.
#[must_use]
pub fn world(code: &str) -> Option<&'static SeedWorld> {
    WORLDS
        .iter()
        .copied()
        .find(|world| world.profile.code == code)
}

/// The seed of the sequence the seed data's ids come from.
const SEED_ID_SEQUENCE: u64 = 0x7A6E_CA2E_5EED_0010;

impl SeedWorld {
    /// The world as a [`Dataset`], with weekday slots for `slot_days` days from `start_date` and
    /// the history dated relative to `start_date`. The seed's own ids (Leyr patient ids,
    /// appointment and note ids) come from a fixed sequence, the same on every run.
    #[must_use]
    pub fn dataset(&self, start_date: NaiveDate, slot_days: u32) -> Dataset {
        let mut ids = SplitMix64::new(SEED_ID_SEQUENCE);
        // Every value of a seed world is a valid constant (tested), so `None` cannot happen;
        // an empty dataset is the harmless answer if it ever did.
        self.care_units
            .iter()
            .map(|unit| self.unit(unit, start_date, slot_days, &mut ids))
            .collect::<Option<Vec<_>>>()
            .map(|care_units| Dataset { care_units })
            .unwrap_or_default()
    }

    fn unit(
        &self,
        seed: &SeedCareUnit,
        start_date: NaiveDate,
        slot_days: u32,
        ids: &mut SplitMix64,
    ) -> Option<CareUnitData> {
        let care_unit_id = CareUnitId::new(seed.id).ok()?;
        let mut unit = CareUnitData::new(CareUnit {
            id: care_unit_id.clone(),
            name: Some(seed.name.to_owned()),
        });
        for service in seed.services {
            unit.services.push(HealthcareService {
                id: HealthcareServiceId::new(service.id).ok()?,
                name: Some(service.name.to_owned()),
                duration: Some(TimeDelta::minutes(service.minutes)),
            });
        }
        for resource in seed.resources {
            unit.resources.push(ResourceData {
                resource: Resource {
                    id: ResourceId::new(resource.id).ok()?,
                    name: Some(resource.name.to_owned()),
                },
                services: resource
                    .services
                    .iter()
                    .map(|service| HealthcareServiceId::new(*service).ok())
                    .collect::<Option<Vec<_>>>()?,
            });
        }
        for patient in seed.patients {
            let external_id = match patient.national_id {
                Some(number) => Some(ExternalId::read(number)?),
                None => None,
            };
            let emr_id = match self.profile.patient_emr_ids {
                PatientEmrIds::NationalNumber => patient.national_id?,
                _ => patient.emr_id?,
            };
            unit.patients.push(Patient {
                leyr_id: Some(LeyrPatientId::new(ids.next_uuid()).ok()?),
                emr_id: PatientEmrId::new(emr_id).ok()?,
                external_id,
                first_name: PersonName::new(patient.first_name).ok()?,
                last_name: PersonName::new(patient.last_name).ok()?,
                care_unit_id: care_unit_id.clone(),
                phones: patient
                    .phones
                    .iter()
                    .map(|phone| PhoneNumber::new(phone).ok())
                    .collect::<Option<Vec<_>>>()?,
                emails: Vec::new(),
            });
        }
        unit.weekday_slots = Some(WeekdaySlots {
            from: start_date,
            days: slot_days,
        });
        for visit in seed.history {
            let patient = seed.patients.iter().find(|patient| {
                patient.national_id == Some(visit.patient) || patient.emr_id == Some(visit.patient)
            })?;
            let patient = PatientEmrId::new(match self.profile.patient_emr_ids {
                PatientEmrIds::NationalNumber => patient.national_id?,
                _ => patient.emr_id?,
            })
            .ok()?;
            let resource = ResourceId::new(visit.resource).ok()?;
            let service = seed
                .services
                .iter()
                .find(|service| service.id == visit.service)?;
            let day = start_date.checked_sub_days(Days::new(visit.days_before))?;
            let start = STOCKHOLM
                .from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(visit.hour, 0, 0)?))
                .earliest()?
                .fixed_offset();
            let end = start + TimeDelta::minutes(service.minutes);
            unit.appointments.push(
                Appointment::new(AppointmentParts {
                    id: AppointmentId::new(ids.next_uuid()).ok()?,
                    status: AppointmentStatus::Booked,
                    start,
                    end,
                    comment: None,
                    care_unit_id: care_unit_id.clone(),
                    patient: Some(patient.clone()),
                    resource_id: Some(resource.clone()),
                    healthcare_service_id: Some(HealthcareServiceId::new(service.id).ok()?),
                })
                .ok()?,
            );
            if !self.profile.supports(Operation::ListNotes) {
                continue;
            }
            unit.notes.push(PatientNote {
                patient,
                note: MedicalNote {
                    id: NoteId::new(ids.next_uuid()).ok()?,
                    created_at: end + TimeDelta::minutes(15),
                    template: Some(NoteTemplate::Unstructured),
                    title: Some(NoteTitle::new(visit.note_title).ok()?),
                    author: Some(resource),
                    text: Some(
                        NoteText::new(visit.note_text.replace("{day}", &day.to_string())).ok()?,
                    ),
                },
            });
        }
        Some(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_complete_and_deterministic() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
        let dataset = TAKECARE.dataset(start, 60);
        assert_eq!(dataset.care_units.len(), 1);
        let unit = &dataset.care_units[0];
        assert_eq!(unit.patients.len(), 7);
        assert_eq!(unit.appointments.len(), 2);
        assert_eq!(unit.notes.len(), 2);
        let again = TAKECARE.dataset(start, 60);
        let ids = |dataset: &Dataset| -> Vec<Option<String>> {
            dataset.care_units[0]
                .patients
                .iter()
                .map(|patient| patient.leyr_id.as_ref().map(|id| id.as_str().to_owned()))
                .collect()
        };
        assert_eq!(ids(&dataset), ids(&again));
    }

    #[test]
    fn every_profile_has_a_seed_world_and_every_world_loads() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
        for profile in ehr::PROFILES {
            let world =
                world(profile.code).unwrap_or_else(|| panic!("{} has no seed", profile.code));
            let dataset = world.dataset(start, 7);
            assert_eq!(dataset.care_units.len(), world.care_units.len());
            for (unit, seed) in dataset.care_units.iter().zip(world.care_units) {
                assert_eq!(unit.patients.len(), seed.patients.len(), "{}", seed.id);
                assert_eq!(unit.resources.len(), seed.resources.len(), "{}", seed.id);
                assert_eq!(unit.services.len(), seed.services.len(), "{}", seed.id);
                assert_eq!(unit.appointments.len(), seed.history.len(), "{}", seed.id);
            }
        }
        assert_eq!(WORLDS.len(), ehr::PROFILES.len());
    }

    /// C47: Kaddio's ids have Kaddio's shape, Cliniko's are numeric, and every patient of an
    /// EHR that mints ids has one; Anita's patients all have a phone.
    #[test]
    fn c47_ids_follow_each_ehr_and_national_numbers_fit_the_profile() {
        let today = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
        for unit in KADDIO.care_units {
            let kaddio_id =
                |id: &str| id.len() == 17 && id.bytes().all(|b| b.is_ascii_alphanumeric());
            assert!(kaddio_id(unit.id));
            assert!(unit.resources.iter().all(|r| kaddio_id(r.id)));
            assert!(unit.services.iter().all(|s| kaddio_id(s.id)));
            assert!(
                unit.patients
                    .iter()
                    .all(|p| p.emr_id.is_some_and(kaddio_id))
            );
        }
        for unit in CLINIKO.care_units {
            let numeric = |id: &str| id.bytes().all(|b| b.is_ascii_digit());
            assert!(numeric(unit.id) && unit.resources.iter().all(|r| numeric(r.id)));
        }
        let anita: Vec<_> = ANITA_SYSTEMS
            .care_units
            .iter()
            .map(|unit| unit.id)
            .collect();
        assert_eq!(anita, ["L0_1", "L0_2"]);
        for world in WORLDS {
            for unit in world.care_units {
                for patient in unit.patients {
                    if world.profile.requires_phone {
                        assert!(!patient.phones.is_empty(), "{}", world.profile.code);
                    }
                    if world.profile.patient_emr_ids == PatientEmrIds::Minted {
                        assert!(patient.emr_id.is_some(), "{}", world.profile.code);
                    }
                    let checked = world.profile.external_id.check(patient.national_id, today);
                    assert!(checked.is_ok(), "{} {}", world.profile.code, unit.id);
                }
            }
        }
    }
}
