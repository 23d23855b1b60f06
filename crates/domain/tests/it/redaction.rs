//! Patient data never shows in `Debug` output or error messages.

use leyr_domain::appointment::Comment;
use leyr_domain::ids::{CareUnitId, PatientEmrId};
use leyr_domain::medical_note::{NewMedicalNote, NoteTemplate, NoteText, NoteTitle};
use leyr_domain::national_id::NationalId;
use leyr_domain::patient::{
    EmailAddress, NewPatient, Patient, PatientRef, PersonName, PhoneNumber,
};
use leyr_domain::personnummer::Personnummer;

/// No run of four or more of the number's digits, and none of the given words.
#[track_caller]
fn assert_redacted(debug: &str, secrets: &[&str]) {
    let digits = "197110021834";
    for start in 0..=digits.len() - 4 {
        let run = &digits[start..start + 4];
        assert!(!debug.contains(run), "{debug:?} shows the digits {run}");
    }
    for secret in secrets {
        assert!(!debug.contains(secret), "{debug:?} shows {secret:?}");
    }
}

fn tolvan() -> Patient {
    Patient {
        leyr_id: None,
        emr_id: PatientEmrId::new("197110021834").unwrap(),
        external_id: Some(NationalId::Personnummer("197110021834".parse().unwrap()).into()),
        first_name: PersonName::new("Testperson").unwrap(),
        last_name: PersonName::new("Alfa").unwrap(),
        care_unit_id: CareUnitId::new("10").unwrap(),
        phones: vec![PhoneNumber::new("+46701234567").unwrap()],
        emails: vec![EmailAddress::new("alfa@example.com").unwrap()],
    }
}

#[test]
fn patient_debug_shows_no_personal_data() {
    let patient = tolvan();
    assert_redacted(
        &format!("{patient:?}"),
        &["Testperson", "Alfa", "+4670", "example.com"],
    );
    assert_redacted(&format!("{:?}", patient.reference()), &[]);
    let personnummer: Personnummer = "197110021834".parse().unwrap();
    assert_eq!(format!("{personnummer:?}"), "Personnummer(<redacted>)");
    assert_redacted(
        &format!(
            "{:?}",
            PatientRef::National(NationalId::Personnummer(personnummer))
        ),
        &[],
    );
    let new_patient = NewPatient {
        external_id: Some(personnummer.into()),
        first_name: patient.first_name.clone(),
        last_name: patient.last_name.clone(),
        phones: patient.phones.clone(),
        emails: patient.emails.clone(),
    };
    assert_redacted(&format!("{new_patient:?}"), &["Testperson", "Alfa"]);
    // A Norwegian number and an unchecked text are hidden the same way.
    for external_id in ["01914796756", "ABC-778899"] {
        let patient = NewPatient {
            external_id: leyr_domain::national_id::ExternalId::read(external_id),
            ..new_patient.clone()
        };
        let debug = format!("{patient:?}");
        assert!(!debug.contains(external_id), "{debug}");
        assert!(
            !debug.contains("0191") && !debug.contains("7788"),
            "{debug}"
        );
    }
}

#[test]
fn note_and_comment_debug_hide_their_text() {
    let note = NewMedicalNote {
        template: NoteTemplate::Unstructured,
        title: NoteTitle::new("Consultation Summary").unwrap(),
        author: "10-991890000019".parse().unwrap(),
        text: NoteText::new("Patient reports mild headache.").unwrap(),
    };
    assert_redacted(&format!("{note:?}"), &["Consultation", "headache"]);
    let comment = Comment::new("Allergic to penicillin").unwrap();
    assert_redacted(&format!("{comment:?}"), &["penicillin"]);
}

#[test]
fn parse_errors_never_echo_the_input() {
    let error = "197110021835".parse::<Personnummer>().unwrap_err();
    assert_redacted(&error.to_string(), &[]);
    assert_redacted(&format!("{error:?}"), &[]);
    let error = PhoneNumber::new("+4670123").unwrap_err();
    assert!(!error.to_string().contains("4670"));
}
