//! Proves that parsing a personnummer, interim number or reservnummer never
//! touches the heap, whether it succeeds or fails.
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
use leyr_domain::personnummer::{InterimNumber, Personnummer, Reservnummer};

/// Skatteverket's test personnummer, all valid.
const ALL_PINS_JSON: &str = include_str!("data/personnummer/allPins.json");
/// Skatteverket's test coordination numbers (24 with impossible dates).
const ALL_COORDS_JSON: &str = include_str!("data/personnummer/allCoords.json");

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
    ExitCode::SUCCESS
}
