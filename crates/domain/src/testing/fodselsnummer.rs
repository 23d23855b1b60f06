//! proptest strategies for valid [`Fodselsnummer`] values of every kind.
//!
//! The strategies build the digits themselves (a date that fits the kind, an
//! individnummer that fits the century, computed check digits) without going
//! through the parser, so tests can check that the parser accepts everything
//! generated here and reports the kind it was built as. Numbers of the kinds
//! that need an opt-in parse only with the matching [`FodselsnummerAllow`]
//! flag; [`allow_for`] gives it.

use proptest::prelude::*;

use crate::fodselsnummer::parse::check_digits;
use crate::fodselsnummer::{ChecksumRule, Fodselsnummer, FodselsnummerAllow, FodselsnummerKind};
use crate::personnummer::parse::days_in_month;

/// Valid numbers under the default policy, mixed: ordinary numbers under
/// the classic rule (most), under the 2032 rule, and D-numbers.
pub fn fodselsnummer() -> impl Strategy<Value = Fodselsnummer> {
    prop_oneof![
        6 => ordinary_classic(),
        2 => ordinary_2032(),
        2 => d_number(),
    ]
}

/// Valid numbers of every kind, synthetic ones included; they parse with
/// every [`FodselsnummerAllow`] flag on.
pub fn any_kind() -> impl Strategy<Value = Fodselsnummer> {
    prop_oneof![
        3 => ordinary_classic(),
        1 => ordinary_2032(),
        2 => d_number(),
        2 => h_number(),
        1 => fh_number(),
        2 => tenor_synthetic(),
    ]
}

/// Ordinary numbers under the classic check-digit rule: a real date from
/// 1854-01-01 to 2039-12-31 and an individnummer of its century.
pub fn ordinary_classic() -> impl Strategy<Value = Fodselsnummer> {
    with_real_date(ChecksumRule::Classic, 0)
}

/// Ordinary numbers whose first check digit fits only the 2032 rule
/// (remainder 1, 2 or 3).
pub fn ordinary_2032() -> impl Strategy<Value = Fodselsnummer> {
    with_real_date(ChecksumRule::From2032, 0)
}

/// D-numbers (day + 40, the day existing in that month of a leap year, any
/// individnummer), under either check-digit rule.
pub fn d_number() -> impl Strategy<Value = Fodselsnummer> {
    prop_oneof![
        3 => with_d_date(ChecksumRule::Classic, 0),
        1 => with_d_date(ChecksumRule::From2032, 0),
    ]
}

/// H-numbers (month + 40) under the classic rule, mostly with a real date
/// and sometimes with a D-number's day + 40 as well.
pub fn h_number() -> impl Strategy<Value = Fodselsnummer> {
    prop_oneof![
        4 => with_real_date(ChecksumRule::Classic, 40),
        1 => with_d_date(ChecksumRule::Classic, 40),
    ]
}

/// FH-numbers: first digit 8 or 9, any other digits, classic check digits.
pub fn fh_number() -> impl Strategy<Value = Fodselsnummer> {
    (80_u32..=99, 0_u32..=99, 0_u32..=99, any::<u32>()).prop_filter_map(
        "no check digits fit",
        |(first_two, middle_two, third_two, start)| {
            build(
                [first_two, middle_two, third_two],
                ANY_INDIVIDNUMMER,
                start,
                remainders(ChecksumRule::Classic, 0),
            )
        },
    )
}

/// Tenor synthetic test numbers (month + 80): ordinary numbers and
/// D-numbers, under either check-digit rule.
pub fn tenor_synthetic() -> impl Strategy<Value = Fodselsnummer> {
    prop_oneof![
        3 => with_real_date(ChecksumRule::Classic, 80),
        1 => with_real_date(ChecksumRule::From2032, 80),
        2 => with_d_date(ChecksumRule::Classic, 80),
        1 => with_d_date(ChecksumRule::From2032, 80),
    ]
}

/// Any combination of the three [`FodselsnummerAllow`] flags.
pub fn allow() -> impl Strategy<Value = FodselsnummerAllow> {
    any::<[bool; 3]>().prop_map(|[h_numbers, fh_numbers, synthetic]| FodselsnummerAllow {
        h_numbers,
        fh_numbers,
        synthetic,
    })
}

/// The smallest policy under which `number` parses: only the flag its kind
/// or synthetic-ness needs.
#[must_use]
pub fn allow_for(number: &Fodselsnummer) -> FodselsnummerAllow {
    FodselsnummerAllow {
        h_numbers: number.kind() == FodselsnummerKind::HNumber,
        fh_numbers: number.kind() == FodselsnummerKind::FhNumber,
        synthetic: number.is_synthetic(),
    }
}

/// Every individnummer, for kinds whose century is not checked.
const ANY_INDIVIDNUMMER: &[(u32, u32)] = &[(0, 999)];

/// Numbers with a real date in the years §9.4 rule 3 covers, `month_offset`
/// added to the month, and an individnummer of the date's century.
fn with_real_date(rule: ChecksumRule, month_offset: u32) -> impl Strategy<Value = Fodselsnummer> {
    (real_date(), any::<u32>(), 1_u32..=3).prop_filter_map(
        "no check digits fit",
        move |((year, month, day), start, remainder)| {
            let yy = u32::try_from(year.rem_euclid(100)).unwrap_or_default();
            build(
                [day, month + month_offset, yy],
                individnummer_ranges(year),
                start,
                remainders(rule, remainder),
            )
        },
    )
}

/// Numbers with a D-number's day + 40 (a day of the month in a leap year),
/// `month_offset` added to the month, any year digits and any
/// individnummer.
fn with_d_date(rule: ChecksumRule, month_offset: u32) -> impl Strategy<Value = Fodselsnummer> {
    let day_and_month =
        (1_u32..=12).prop_flat_map(|month| (1..=days_in_month(2000, month), Just(month)));
    (day_and_month, 0_u32..=99, any::<u32>(), 1_u32..=3).prop_filter_map(
        "no check digits fit",
        move |((day, month), yy, start, remainder)| {
            build(
                [day + 40, month + month_offset, yy],
                ANY_INDIVIDNUMMER,
                start,
                remainders(rule, remainder),
            )
        },
    )
}

/// Real Gregorian dates from 1854-01-01 to 2039-12-31 as
/// `(year, month, day)`.
fn real_date() -> impl Strategy<Value = (i32, u32, u32)> {
    (1854_i32..=2039, 1_u32..=12)
        .prop_flat_map(|(year, month)| (Just(year), Just(month), 1..=days_in_month(year, month)))
}

/// The individnummer ranges that give `year` its century (§9.4 rule 3).
fn individnummer_ranges(year: i32) -> &'static [(u32, u32)] {
    match year {
        ..=1899 => &[(500, 749)],
        1900..=1939 => &[(0, 499)],
        1940..=1999 => &[(0, 499), (900, 999)],
        2000.. => &[(500, 999)],
    }
}

/// The first remainders to try: 0 for the classic rule; `preferred` (1-3)
/// and then the other two for the 2032 rule.
fn remainders(rule: ChecksumRule, preferred: u32) -> [u32; 3] {
    match rule {
        ChecksumRule::From2032 => [preferred, preferred % 3 + 1, (preferred + 1) % 3 + 1],
        ChecksumRule::Classic => [0; 3],
    }
}

/// The first number, walking the individnummer `ranges` from the `start`th
/// value on, for which check digits with one of the `remainders` exist.
///
/// `written` is the first six digits as three two-digit values (day, month
/// and year as written, offsets included).
fn build(
    written: [u32; 3],
    ranges: &[(u32, u32)],
    start: u32,
    remainders: [u32; 3],
) -> Option<Fodselsnummer> {
    let total: u32 = ranges.iter().map(|&(low, high)| high - low + 1).sum();
    (0..total).find_map(|step| {
        let individnummer = nth_in_ranges(ranges, (start % total + step) % total)?;
        remainders
            .iter()
            .find_map(|&remainder| complete(written, individnummer, remainder))
    })
}

/// The `index`th value of `ranges`, counted across them in order.
fn nth_in_ranges(ranges: &[(u32, u32)], mut index: u32) -> Option<u32> {
    for &(low, high) in ranges {
        let size = high - low + 1;
        if index < size {
            return Some(low + index);
        }
        index -= size;
    }
    None
}

/// The number of `written` and `individnummer` with the check digits for
/// `remainder`, or `None` if a check digit would have to be 10.
fn complete(written: [u32; 3], individnummer: u32, remainder: u32) -> Option<Fodselsnummer> {
    let digit = |value: u32| u8::try_from(value % 10).unwrap_or_default();
    let [first_two, middle_two, third_two] = written;
    let nine = [
        digit(first_two / 10),
        digit(first_two),
        digit(middle_two / 10),
        digit(middle_two),
        digit(third_two / 10),
        digit(third_two),
        digit(individnummer / 100),
        digit(individnummer / 10),
        digit(individnummer),
    ];
    let (first, second) = check_digits(nine, remainder)?;
    let [a, b, c, d, e, f, g, h, i] = nine;
    Some(Fodselsnummer::from_digits_unchecked(
        [a, b, c, d, e, f, g, h, i, first, second].map(|value| b'0' + value),
    ))
}
