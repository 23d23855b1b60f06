//! Parse-and-validate throughput of [`leyr_domain::personnummer::Personnummer`]
//! against the published `personnummer` crate (3.1.1).
//!
//! Both parse the same batch: 1,000 of Skatteverket's test personnummer in
//! the 12-digit form plus their 10-digit separated forms (2,000 inputs).
//!
//! The group "fodselsnummer parse" measures
//! [`leyr_domain::fodselsnummer::Fodselsnummer`] on the valid numbers of the
//! fødselsnummer peer data, beside `Personnummer`'s 12-digit `FromStr` in the
//! same run; both report a time per number.
//!
//! Run with `cargo bench -p leyr-domain --bench personnummer`.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::str::FromStr;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leyr_domain::fodselsnummer::{Fodselsnummer, FodselsnummerAllow};
use leyr_domain::personnummer::Personnummer;

/// Skatteverket's test personnummer.
const ALL_PINS_JSON: &str = include_str!("../tests/data/personnummer/allPins.json");

/// The fødselsnummer peer data.
const FODSELSNUMMER_JSON: [&str; 4] = [
    include_str!("../tests/data/fodselsnummer/skatteetaten.json"),
    include_str!("../tests/data/fodselsnummer/fnrvalidator.json"),
    include_str!("../tests/data/fodselsnummer/nocommons.json"),
    include_str!("../tests/data/fodselsnummer/other.json"),
];

/// How many 12-digit numbers to take from the test data.
const BATCH: usize = 1_000;

/// The batch: `BATCH` 12-digit numbers spread over the whole file, then their
/// 10-digit separated forms read against `today`.
fn inputs(today: NaiveDate) -> Vec<String> {
    let pins: Vec<String> = serde_json::from_str(ALL_PINS_JSON).expect("allPins.json is valid");
    let step = (pins.len() / BATCH).max(1);
    let long: Vec<String> = pins.into_iter().step_by(step).take(BATCH).collect();
    let short: Vec<String> = long
        .iter()
        .map(|pin| {
            Personnummer::from_str(pin)
                .expect("Skatteverket's test numbers are valid")
                .separated(today)
        })
        .collect();
    long.into_iter().chain(short).collect()
}

fn parse_and_validate(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("a real date");
    let inputs = inputs(today);

    let ours = |inputs: &[String]| {
        inputs
            .iter()
            .filter(|input| Personnummer::parse_with_reference(black_box(input), today).is_ok())
            .count()
    };
    let published = |inputs: &[String]| {
        inputs
            .iter()
            .filter(|input| {
                personnummer::Personnummer::parse(black_box(input)).is_ok_and(|pnr| pnr.valid())
            })
            .count()
    };
    // Ours accepts the whole batch; the published crate assumes the 1900s
    // for 10-digit forms, so it may reject a few (such as 29 February 2000).
    assert_eq!(ours(&inputs), inputs.len());
    let published_valid = published(&inputs);
    assert!(published_valid > inputs.len() * 9 / 10);

    let mut group = c.benchmark_group("parse_and_validate");
    group.throughput(Throughput::Elements(
        u64::try_from(inputs.len()).expect("a small batch"),
    ));
    group.bench_function("leyr_domain", |b| b.iter(|| ours(black_box(&inputs))));
    group.bench_function("personnummer_3_1_1", |b| {
        b.iter(|| published(black_box(&inputs)))
    });
    group.finish();

    // The 12-digit canonical form alone, through `FromStr`.
    let long = inputs.get(..BATCH).unwrap_or_default();
    let mut group = c.benchmark_group("parse_and_validate_12_digit");
    group.throughput(Throughput::Elements(
        u64::try_from(long.len()).expect("a small batch"),
    ));
    group.bench_function("leyr_domain_from_str", |b| {
        b.iter(|| {
            black_box(long)
                .iter()
                .filter(|input| Personnummer::from_str(black_box(input)).is_ok())
                .count()
        })
    });
    group.bench_function("personnummer_3_1_1", |b| {
        b.iter(|| published(black_box(long)))
    });
    group.finish();
}

/// The numbers of the fødselsnummer peer data that the default policy
/// accepts, as 11 digits.
fn valid_fodselsnummer() -> Vec<String> {
    FODSELSNUMMER_JSON
        .iter()
        .flat_map(|json| {
            let cases: Vec<serde_json::Value> =
                serde_json::from_str(json).expect("the fødselsnummer data is valid JSON");
            cases
        })
        .filter(|case| case["valid"].as_bool() == Some(true))
        .map(|case| case["number"].as_str().expect("a number").to_owned())
        .collect()
}

fn fodselsnummer_parse(c: &mut Criterion) {
    let fodselsnummer = valid_fodselsnummer();
    let everything = FodselsnummerAllow {
        h_numbers: true,
        fh_numbers: true,
        synthetic: true,
    };
    let count_from_str = |inputs: &[String]| {
        inputs
            .iter()
            .filter(|input| Fodselsnummer::from_str(black_box(input)).is_ok())
            .count()
    };
    assert_eq!(count_from_str(&fodselsnummer), fodselsnummer.len());

    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("a real date");
    let personnummer: Vec<String> = inputs(today).into_iter().take(BATCH).collect();
    let count_personnummer = |inputs: &[String]| {
        inputs
            .iter()
            .filter(|input| Personnummer::from_str(black_box(input)).is_ok())
            .count()
    };
    assert_eq!(count_personnummer(&personnummer), personnummer.len());

    let mut group = c.benchmark_group("fodselsnummer parse");
    group.throughput(Throughput::Elements(
        u64::try_from(fodselsnummer.len()).expect("a small batch"),
    ));
    group.bench_function("fodselsnummer_from_str", |b| {
        b.iter(|| count_from_str(black_box(&fodselsnummer)))
    });
    group.bench_function("fodselsnummer_parse_with_everything", |b| {
        b.iter(|| {
            black_box(&fodselsnummer)
                .iter()
                .filter(|input| Fodselsnummer::parse_with(black_box(input), everything).is_ok())
                .count()
        })
    });
    group.throughput(Throughput::Elements(
        u64::try_from(personnummer.len()).expect("a small batch"),
    ));
    group.bench_function("personnummer_from_str", |b| {
        b.iter(|| count_personnummer(black_box(&personnummer)))
    });
    group.finish();
}

criterion_group!(benches, parse_and_validate, fodselsnummer_parse);
criterion_main!(benches);
