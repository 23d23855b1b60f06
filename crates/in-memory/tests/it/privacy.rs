//! Patient data never appears in `Debug` output.

use leyr_domain::ports::PatientDirectory;
use leyr_in_memory::{Faults, seed};

use crate::{care_unit, patient, seeded};

/// Fails if `text` holds four digits in a row of the recommended patient's personnummer, or a
/// seeded name.
fn assert_no_patient_data(text: &str) {
    let digits = seed::RECOMMENDED_PATIENT.as_bytes();
    for run in digits.windows(4) {
        let run = std::str::from_utf8(run).unwrap();
        assert!(
            !text.contains(run),
            "`{text}` holds {run} of a personnummer"
        );
    }
    for name in ["Tolvan", "Tolvansson", "Testperson", "Alfa"] {
        assert!(!text.contains(name), "`{text}` holds the name {name}");
    }
}

#[tokio::test]
async fn debug_output_holds_no_personnummer_or_name() {
    let (ehr, _) = seeded();
    assert_no_patient_data(&format!("{ehr:?}"));
    assert_no_patient_data(&format!("{ehr:#?}"));
    let alfa = ehr
        .get_patient(&care_unit(), &patient(seed::RECOMMENDED_PATIENT))
        .await
        .unwrap();
    assert_no_patient_data(&format!("{alfa:?}"));
    assert_no_patient_data(&format!(
        "{:?}",
        seed::TAKECARE.dataset(chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(), 60)
    ));
    let faults: &Faults = ehr.faults();
    assert_no_patient_data(&format!("{faults:?}"));
}

#[test]
fn datasets_builders_and_dataset_errors_hold_no_patient_data() {
    use leyr_domain::patient::{EmailAddress, PhoneNumber};
    use leyr_in_memory::InMemoryEhr;

    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut dataset = seed::TAKECARE.dataset(start, 7);
    let unit = &mut dataset.care_units[0];
    unit.patients[1]
        .phones
        .push(PhoneNumber::new("+46701234567").unwrap());
    unit.patients[1]
        .emails
        .push(EmailAddress::new("alfa@example.com").unwrap());
    let personal = ["701234567", "alfa@example.com", "Anamnes", "Nybesök läkare"];
    let assert_none = |text: &str| {
        assert_no_patient_data(text);
        for data in personal {
            assert!(!text.contains(data), "`{text}` holds {data}");
        }
    };
    assert_none(&format!("{:?}", unit.notes[0]));
    assert_none(&format!("{:?}", unit.patients[1]));
    let builder = InMemoryEhr::builder().dataset(dataset.clone());
    assert_none(&format!("{builder:?}"));
    assert_none(&format!("{:?}", builder.build().unwrap()));

    let mut twice = dataset;
    let alfa = twice.care_units[0].patients[1].clone();
    twice.care_units[0].patients.push(alfa);
    let refused = InMemoryEhr::builder().dataset(twice).build().unwrap_err();
    assert_none(&format!("{refused:?}"));
    assert_none(&refused.to_string());
}
