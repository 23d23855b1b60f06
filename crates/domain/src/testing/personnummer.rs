//! proptest strategies for valid [`Personnummer`] values.
//!
//! The strategies build the canonical digits themselves (a real date, a
//! serial of 001-999 and the computed Luhn digit) without going through the
//! parser, so tests can check that the parser accepts everything generated
//! here.

use proptest::prelude::*;

use crate::personnummer::Personnummer;
use crate::personnummer::parse::{days_in_month, luhn_check_digit};

/// Valid personnummer and coordination numbers, mixed (about three in four
/// are ordinary personnummer).
pub fn personnummer() -> impl Strategy<Value = Personnummer> {
    prop_oneof![3 => personal(), 1 => coordination()]
}

/// Valid ordinary personnummer: birth dates from 1800-01-01 to 2099-12-31,
/// serial 001-999.
pub fn personal() -> impl Strategy<Value = Personnummer> {
    (date(), serial()).prop_map(|((year, month, day), serial)| build(year, month, day, serial))
}

/// Valid coordination numbers: mostly a real date with 60 added to the day,
/// plus the unknown-date shapes Skatteverket has issued (month `00` with day
/// 61-91, and day `60` with month 00-12).
pub fn coordination() -> impl Strategy<Value = Personnummer> {
    let known = (date(), serial())
        .prop_map(|((year, month, day), serial)| build(year, month, day + 60, serial));
    let unknown_month =
        (year(), 61_u32..=91, serial()).prop_map(|(year, day, serial)| build(year, 0, day, serial));
    let unknown_day = (year(), 0_u32..=12, serial())
        .prop_map(|(year, month, serial)| build(year, month, 60, serial));
    prop_oneof![8 => known, 1 => unknown_month, 1 => unknown_day]
}

/// Birth years with a valid century (18, 19 or 20).
fn year() -> impl Strategy<Value = i32> {
    1800_i32..=2099
}

/// Serial numbers 001-999.
fn serial() -> impl Strategy<Value = u32> {
    1_u32..=999
}

/// Real Gregorian dates as `(year, month, day)`.
fn date() -> impl Strategy<Value = (i32, u32, u32)> {
    (year(), 1_u32..=12)
        .prop_flat_map(|(year, month)| (Just(year), Just(month), 1..=days_in_month(year, month)))
}

/// The number with `day` as written (already plus 60 for coordination
/// numbers) and the computed check digit.
fn build(year: i32, month: u32, day: u32, serial: u32) -> Personnummer {
    let year = u32::try_from(year).unwrap_or_default();
    let digit = |value: u32| u8::try_from(value % 10).unwrap_or_default();
    let values = [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        digit(month / 10),
        digit(month),
        digit(day / 10),
        digit(day),
        digit(serial / 100),
        digit(serial / 10),
        digit(serial),
    ];
    let [c1, c2, y1, y2, m1, m2, d1, d2, s1, s2, s3] = values;
    let check = luhn_check_digit([y1, y2, m1, m2, d1, d2, s1, s2, s3]);
    Personnummer::from_digits_unchecked(
        [c1, c2, y1, y2, m1, m2, d1, d2, s1, s2, s3, check].map(|value| b'0' + value),
    )
}
