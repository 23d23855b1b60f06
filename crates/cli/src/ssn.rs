//! `leyr ssn check`: what a personnummer tells, or why it is not one.

use chrono::NaiveDate;
use leyr_domain::personnummer::{Gender, Personnummer, PersonnummerKind};
use serde_json::json;

use crate::failure::{Failure, Reason};
use crate::output::Printer;

/// Checks every number; fails with exit code 1 if any is invalid.
pub(crate) fn check(numbers: &[String], today: NaiveDate, printer: Printer) -> Result<(), Failure> {
    let mut invalid = 0_usize;
    for (index, number) in numbers.iter().enumerate() {
        let label = format!("#{}", index + 1);
        match Personnummer::parse_with_reference(number, today) {
            Ok(personnummer) => {
                let kind = match personnummer.kind() {
                    PersonnummerKind::Coordination => "samordningsnummer",
                    _ => "personnummer",
                };
                let gender = match personnummer.gender() {
                    Gender::Female => "female",
                    _ => "male",
                };
                let birth = personnummer
                    .birth_date()
                    .map_or_else(|| "unknown".to_owned(), |date| date.to_string());
                let text = format!(
                    "{label} valid {kind}: born {birth}, {gender}, {} / {}",
                    personnummer,
                    personnummer.separated(today)
                );
                let value = json!({
                    "input": label, "valid": true, "kind": kind, "birth_date": personnummer.birth_date().map(|date| date.to_string()),
                    "gender": gender, "long": personnummer.to_string(), "separated": personnummer.separated(today),
                    "age": personnummer.age_on(today),
                });
                printer.emit(&text, &value);
            }
            Err(error) => {
                invalid += 1;
                printer.emit(
                    &format!("{label} invalid: {error}"),
                    &json!({ "input": label, "valid": false, "reason": error.to_string() }),
                );
            }
        }
    }
    if invalid == 0 {
        Ok(())
    } else {
        Err(Failure::new(
            Reason::Invalid,
            format!("{invalid} of {} numbers are invalid", numbers.len()),
        ))
    }
}
