//! Proves that parsing a personnummer, interim number, reservnummer or
//! fødselsnummer never touches the heap, whether it succeeds or fails.
//!
//! `allocation-counter` installs a counting global allocator in this test
//! binary (the library itself needs no unsafe code for it). The test runs
//! without the libtest harness so that no other thread allocates while we
//! measure; it prints `no_alloc: N parses, 0 allocations` and exits non-zero
//! if any parse allocated.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::process::ExitCode;
use std::str::FromStr;

use chrono::NaiveDate;
use leyr_domain::fodselsnummer::{Fodselsnummer, FodselsnummerAllow};
use leyr_domain::personnummer::{InterimNumber, Personnummer, Reservnummer};

/// Skatteverket's test personnummer, all valid.
const ALL_PINS_JSON: &str = include_str!("data/personnummer/allPins.json");
/// Skatteverket's test coordination numbers (24 with impossible dates).
const ALL_COORDS_JSON: &str = include_str!("data/personnummer/allCoords.json");

/// The fødselsnummer peer data: 712 cases, valid and invalid.
const FODSELSNUMMER_JSON: [&str; 4] = [
    include_str!("data/fodselsnummer/skatteetaten.json"),
    include_str!("data/fodselsnummer/fnrvalidator.json"),
    include_str!("data/fodselsnummer/nocommons.json"),
    include_str!("data/fodselsnummer/other.json"),
];

/// Hand-picked fødselsnummer inputs covering every error path, every kind
/// and every accepted form.
const FODSELSNUMMER_CASES: &[&str] = &[
    // Accepted forms and kinds.
    "13097248022",
    "130972-48022",
    "130972 48022",
    "30108299939",
    "41010119500",
    "55102499947",
    "13527248013",
    "41417000184",
    "80005484026",
    "16865199450",
    "41817000183",
    // Errors.
    "",
    "1",
    "130972480221",
    "130972--48022",
    "130972/48022",
    " 13097248022",
    "1309-7248022",
    "1234567891A",
    "１３０９７２４８０２２",
    "01130012345",
    "29020000064",
    "70020012345",
    "01015060057",
    "13097248023",
    "01417000018",
    "81234500260",
];

/// Hand-picked inputs covering every error path and every accepted form.
const CASES: &[&str] = &[
    // Accepted forms.
    "191212121212",
    "19121212-1212",
    "19121212+1212",
    "1212121212",
    "121212-1212",
    "121212+1212",
    "197010632391",
    "701063-2391",
    "200002292399",
    // Interim numbers.
    "20000101T220",
    "20000101-T220",
    "000101-T220",
    "000101T220",
    "20000101E221",
    "20000101t220",
    // Reservnummer shapes.
    "991981000010",
    "991890000019",
    // Errors.
    "",
    "1",
    "19121212 1212",
    "121212 1212",
    "19121212/1212",
    "19121212_1212",
    " 191212121212",
    "191212121212 ",
    "1912121212123",
    "19121212--212",
    "１９１２１２１２１２１２",
    "191212121213",
    "201509160006",
    "190002292384",
    "193002902397",
    "171212121212",
    "197000011234",
    "197113011234",
];

fn main() -> ExitCode {
    let (Some(today), Some(long_ago)) = (
        NaiveDate::from_ymd_opt(2026, 11, 24),
        NaiveDate::from_ymd_opt(1850, 1, 1),
    ) else {
        eprintln!("no_alloc: could not build the reference dates");
        return ExitCode::FAILURE;
    };

    // Build the inputs before measuring: JSON parsing allocates.
    let mut inputs: Vec<String> = CASES.iter().map(|&case| case.to_owned()).collect();
    for json in [ALL_PINS_JSON, ALL_COORDS_JSON] {
        match serde_json::from_str::<Vec<String>>(json) {
            Ok(numbers) => inputs.extend(numbers),
            Err(error) => {
                eprintln!("no_alloc: cannot read the test data: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    // The 10-digit forms of the first thousand Skatteverket numbers too.
    let separated: Vec<String> = inputs
        .iter()
        .filter_map(|input| Personnummer::from_str(input).ok())
        .take(1_000)
        .map(|pnr| pnr.separated(today))
        .collect();
    inputs.extend(separated);

    let mut parses: u64 = 0;
    let mut accepted: u64 = 0;
    let info = allocation_counter::measure(|| {
        for input in &inputs {
            let input = black_box(input.as_str());
            let results = [
                Personnummer::from_str(input).is_ok(),
                Personnummer::parse_with_reference(input, today).is_ok(),
                Personnummer::parse_with_reference(input, long_ago).is_ok(),
                InterimNumber::from_str(input).is_ok(),
                InterimNumber::parse_with_reference(input, today).is_ok(),
                Reservnummer::from_str(input).is_ok(),
            ];
            for ok in black_box(results) {
                parses += 1;
                accepted += u64::from(ok);
            }
        }
    });

    if info.count_total != 0 {
        eprintln!(
            "no_alloc: FAILED: {parses} parses made {} heap allocations ({} bytes)",
            info.count_total, info.bytes_total
        );
        return ExitCode::FAILURE;
    }
    // Guard against measuring nothing: most inputs are valid numbers.
    if accepted < 40_000 {
        eprintln!("no_alloc: FAILED: only {accepted} of {parses} parses succeeded");
        return ExitCode::FAILURE;
    }
    println!(
        "no_alloc: {parses} parses ({accepted} accepted, {} rejected), 0 allocations",
        parses - accepted
    );

    let Some(fodselsnummer_inputs) = fodselsnummer_inputs() else {
        return ExitCode::FAILURE;
    };
    let policies = [
        FodselsnummerAllow::default(),
        FodselsnummerAllow {
            h_numbers: true,
            ..FodselsnummerAllow::default()
        },
        FodselsnummerAllow {
            fh_numbers: true,
            ..FodselsnummerAllow::default()
        },
        FodselsnummerAllow {
            synthetic: true,
            ..FodselsnummerAllow::default()
        },
        FodselsnummerAllow {
            h_numbers: true,
            fh_numbers: true,
            synthetic: true,
        },
    ];
    let mut parses: u64 = 0;
    let mut accepted: u64 = 0;
    let info = allocation_counter::measure(|| {
        for input in &fodselsnummer_inputs {
            let input = black_box(input.as_str());
            parses += 1;
            accepted += u64::from(black_box(Fodselsnummer::from_str(input).is_ok()));
            for allow in policies {
                let result = Fodselsnummer::parse_with(input, black_box(allow));
                parses += 1;
                accepted += u64::from(black_box(result.is_ok()));
            }
        }
    });
    if info.count_total != 0 {
        eprintln!(
            "no_alloc: FAILED: {parses} fødselsnummer parses made {} heap allocations ({} bytes)",
            info.count_total, info.bytes_total
        );
        return ExitCode::FAILURE;
    }
    // Guard against measuring nothing: about half the inputs are valid.
    if accepted < 5_000 || accepted == parses {
        eprintln!("no_alloc: FAILED: {accepted} of {parses} fødselsnummer parses succeeded");
        return ExitCode::FAILURE;
    }
    println!(
        "no_alloc: {parses} fødselsnummer parses ({accepted} accepted, {} rejected), 0 allocations",
        parses - accepted
    );
    ExitCode::SUCCESS
}

/// The fødselsnummer inputs: the hand-picked cases, every number of the peer
/// data, and the two separated forms of each 11-digit one. Built before
/// measuring, since JSON parsing allocates.
fn fodselsnummer_inputs() -> Option<Vec<String>> {
    let mut inputs: Vec<String> = FODSELSNUMMER_CASES
        .iter()
        .map(|&case| case.to_owned())
        .collect();
    for json in FODSELSNUMMER_JSON {
        let cases: Vec<serde_json::Value> = match serde_json::from_str(json) {
            Ok(cases) => cases,
            Err(error) => {
                eprintln!("no_alloc: cannot read the fødselsnummer test data: {error}");
                return None;
            }
        };
        for case in cases {
            let Some(number) = case["number"].as_str() else {
                eprintln!("no_alloc: a fødselsnummer case has no number");
                return None;
            };
            if let (11, Some(date), Some(rest)) = (number.len(), number.get(..6), number.get(6..)) {
                inputs.push(format!("{date}-{rest}"));
                inputs.push(format!("{date} {rest}"));
            }
            inputs.push(number.to_owned());
        }
    }
    Some(inputs)
}
