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
        seed::takecare(chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(), 60)
    ));
    let faults: &Faults = ehr.faults();
    assert_no_patient_data(&format!("{faults:?}"));
}
