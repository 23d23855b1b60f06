//! `leyr ehrs`: what each EHR behind Leyr supports, printed from its profile
//! (`leyr_domain::ehr::PROFILES`, contract §9.2). Nothing here is a table of its own: every row
//! and every column comes from the profiles, so a profile that changes changes the output.

use leyr_domain::ehr::{
    self, Confirmation, EhrProfile, ExternalIdRule, IdType, Market, NationalNumber, Operation,
    PatientEmrIds,
};
use leyr_wire::typed_id;
use serde_json::{Map, Value, json};

use crate::failure::Failure;
use crate::output::{self, Printer};

/// The mark of a supported operation, or of a field that applies.
const YES: &str = "yes";
/// The mark of an unsupported operation, or of a field that does not apply.
const NO: &str = "-";

/// The known `{emr}` codes, in profile order, for a usage error.
pub(crate) fn known_codes() -> String {
    ehr::PROFILES
        .iter()
        .map(|profile| profile.code)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The profile of `code`, or the usage error naming the known codes; `who` says who knows
/// them, e.g. `the demo`.
pub(crate) fn profile_or_usage(code: &str, who: &str) -> Result<&'static EhrProfile, Failure> {
    ehr::profile(code).ok_or_else(|| {
        Failure::usage(format!(
            "{who} knows the EHRs {}; `{code}` is not one of them",
            known_codes()
        ))
    })
}

/// Prints every profile, or only `only`'s when `--emr` was typed.
pub(crate) fn run(only: Option<&str>, printer: Printer) -> Result<(), Failure> {
    let profiles: Vec<&EhrProfile> = match only {
        Some(code) => vec![profile_or_usage(code, "`leyr ehrs`")?],
        None => ehr::PROFILES.to_vec(),
    };
    let values: Vec<Value> = profiles.iter().map(|profile| to_json(profile)).collect();
    printer.emit_all(&table(&profiles), &values);
    Ok(())
}

/// The table for people: one column per EHR, one row per operation (in [`Operation::ALL`]
/// order), then one row per other field of the profile.
pub(crate) fn table(profiles: &[&EhrProfile]) -> String {
    let mut headers = vec!["EHR"];
    headers.extend(profiles.iter().map(|profile| profile.code));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |label: &str, cell: &dyn Fn(&EhrProfile) -> String| {
        let mut cells = vec![label.to_owned()];
        cells.extend(profiles.iter().map(|profile| cell(profile)));
        rows.push(cells);
    };
    row("name", &|profile| profile.name.to_owned());
    row("market", &|profile| market(profile.market).to_owned());
    for operation in Operation::ALL {
        row(operation.name(), &|profile| {
            mark(profile.supports(operation)).to_owned()
        });
    }
    row("external_id", &|profile| {
        external_id_rule(profile.external_id).to_owned()
    });
    row("external_id number", &|profile| {
        profile
            .external_id
            .national_number()
            .map_or(NO, national_number_for_people)
            .to_owned()
    });
    row("requires_phone", &|profile| {
        mark(profile.requires_phone).to_owned()
    });
    for kind in id_types(profiles, |profile| profile.patient_id_types) {
        row(
            &format!("patient id {}", typed_id::prefix(kind)),
            &|profile| mark(profile.accepts_patient_id(kind)).to_owned(),
        );
    }
    for kind in id_types(profiles, |profile| profile.resource_id_types) {
        row(
            &format!("resource id {}", typed_id::prefix(kind)),
            &|profile| mark(profile.accepts_resource_id(kind)).to_owned(),
        );
    }
    row("patient emr_id", &|profile| {
        patient_emr_ids(profile.patient_emr_ids).to_owned()
    });
    row("booking", &|profile| {
        confirmation(profile.booking).to_owned()
    });
    row("cancellation", &|profile| {
        confirmation(profile.cancellation).to_owned()
    });
    output::table(&headers, &rows)
}

/// One profile as the one JSON object `--json` prints for it; the field names are those of
/// `leyr ehrs --help`.
pub(crate) fn to_json(profile: &EhrProfile) -> Value {
    let operations: Map<String, Value> = Operation::ALL
        .into_iter()
        .map(|operation| {
            (
                operation.name().to_owned(),
                json!(profile.supports(operation)),
            )
        })
        .collect();
    let names = |kinds: &[IdType]| {
        kinds
            .iter()
            .map(|kind| typed_id::prefix(*kind))
            .collect::<Vec<_>>()
    };
    json!({
        "emr": profile.code,
        "name": profile.name,
        "market": market(profile.market),
        "operations": operations,
        "external_id": {
            "rule": external_id_rule(profile.external_id),
            "national_number": profile.external_id.national_number().map(national_number),
        },
        "requires_phone": profile.requires_phone,
        "patient_id_types": names(profile.patient_id_types),
        "resource_id_types": names(profile.resource_id_types),
        "patient_emr_ids": patient_emr_ids(profile.patient_emr_ids),
        "confirmation": {
            "booking": confirmation(profile.booking),
            "cancellation": confirmation(profile.cancellation),
        },
    })
}

/// Every id type any of `profiles` lists in `field`, in order of first appearance.
fn id_types(
    profiles: &[&EhrProfile],
    field: impl Fn(&EhrProfile) -> &'static [IdType],
) -> Vec<IdType> {
    let mut kinds: Vec<IdType> = Vec::new();
    for profile in profiles {
        for kind in field(profile) {
            if !kinds.contains(kind) {
                kinds.push(*kind);
            }
        }
    }
    kinds
}

fn mark(yes: bool) -> &'static str {
    if yes { YES } else { NO }
}

fn market(market: Market) -> &'static str {
    match market {
        Market::Sweden => "sweden",
        Market::Norway => "norway",
        Market::Global => "global",
        _ => "other",
    }
}

fn external_id_rule(rule: ExternalIdRule) -> &'static str {
    match rule {
        ExternalIdRule::Required(_) => "required",
        ExternalIdRule::Optional(_) => "optional",
        ExternalIdRule::Unchecked => "unchecked",
        _ => "other",
    }
}

fn national_number(number: NationalNumber) -> &'static str {
    match number {
        NationalNumber::SwedishPersonnummer => "swedish_personnummer",
        NationalNumber::NorwegianFodselsnummer => "norwegian_fodselsnummer",
        _ => "other",
    }
}

fn national_number_for_people(number: NationalNumber) -> &'static str {
    match number {
        NationalNumber::SwedishPersonnummer => "personnummer",
        NationalNumber::NorwegianFodselsnummer => "fødselsnummer",
        _ => "other",
    }
}

fn patient_emr_ids(ids: PatientEmrIds) -> &'static str {
    match ids {
        PatientEmrIds::NationalNumber => "national_number",
        PatientEmrIds::Minted => "minted",
        _ => "other",
    }
}

fn confirmation(confirmation: Confirmation) -> &'static str {
    match confirmation {
        Confirmation::Direct => "direct",
        Confirmation::Code => "code",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_and_every_profile_is_in_the_table() {
        let text = table(ehr::PROFILES);
        let lines: Vec<&str> = text.lines().collect();
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        let mut expected = vec!["EHR"];
        expected.extend(ehr::PROFILES.iter().map(|profile| profile.code));
        assert_eq!(header, expected);
        for operation in Operation::ALL {
            let cells: Vec<&str> = lines
                .iter()
                .find(|line| line.split_whitespace().next() == Some(operation.name()))
                .unwrap_or_else(|| panic!("no row for {operation}"))
                .split_whitespace()
                .skip(1)
                .collect();
            let marks: Vec<&str> = ehr::PROFILES
                .iter()
                .map(|profile| mark(profile.supports(operation)))
                .collect();
            assert_eq!(cells, marks, "{operation}");
        }
    }

    #[test]
    fn the_json_of_a_profile_mirrors_its_fields() {
        let anita = to_json(&ehr::ANITA_SYSTEMS);
        assert_eq!(anita["emr"], "anitasystems");
        assert_eq!(anita["operations"]["list_appointments"], false);
        assert_eq!(anita["operations"]["confirm"], true);
        assert_eq!(anita["requires_phone"], true);
        assert_eq!(
            anita["external_id"],
            json!({"rule": "unchecked", "national_number": null})
        );
        assert_eq!(
            anita["confirmation"],
            json!({"booking": "code", "cancellation": "code"})
        );
        let konfidens = to_json(&ehr::KONFIDENS);
        assert_eq!(
            konfidens["external_id"],
            json!({"rule": "required", "national_number": "norwegian_fodselsnummer"})
        );
        assert_eq!(
            konfidens["patient_id_types"],
            json!(["emr_id", "no_personal_number"])
        );
        assert_eq!(
            to_json(&ehr::TAKECARE)["patient_emr_ids"],
            "national_number"
        );
    }

    #[test]
    fn an_unknown_code_is_a_usage_error_naming_the_known_ones() {
        let failure = profile_or_usage("webdoc", "`leyr ehrs`").unwrap_err();
        assert_eq!(failure.reason(), crate::failure::Reason::Usage);
        assert!(failure.to_string().contains(&known_codes()), "{failure}");
        assert!(failure.to_string().contains("`webdoc`"), "{failure}");
    }
}
