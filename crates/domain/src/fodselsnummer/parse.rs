//! The byte-level parser of [`Fodselsnummer`](super::Fodselsnummer), and the
//! digit arithmetic its accessors share.
//!
//! Everything here works on the input's bytes and on fixed-size arrays on the
//! stack: no heap allocation, no panics, no regular expressions.

use super::{ChecksumRule, FodselsnummerAllow, FodselsnummerError, FodselsnummerKind};
use crate::personnummer::parse::days_in_month;

/// The weights of the first check digit over digits 1-9 (§9.4 rule 2).
const FIRST_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
/// The weights of the second check digit over digits 1-10 (§9.4 rule 2).
const SECOND_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// A leap year, for the D-number date check: any day that exists in some
/// year's month exists in that month of a leap year (§9.4 rule 5).
const LEAP_YEAR: i32 = 2000;

/// Checks `input` against every rule of §9.4 and the caller's `allow`
/// policy, and returns the 11 ASCII digits to store.
///
/// The checks run in this order: form, date and century, check digits, and
/// last the policy, so that a disallowed kind is only reported for a number
/// that is otherwise valid.
pub(super) fn parse(
    input: &str,
    allow: FodselsnummerAllow,
) -> Result<[u8; 11], FodselsnummerError> {
    let digits = digits_of(input)?;
    let values = digits.map(|byte| byte - b'0');

    let shape = shape_of(&values)?;
    let rule = checksum_rule(&values).ok_or(FodselsnummerError::Checksum)?;
    // The 2032 rule is for fødselsnummer and D-numbers only (§9.4 rule 6).
    if rule == ChecksumRule::From2032
        && matches!(
            shape.kind,
            FodselsnummerKind::HNumber | FodselsnummerKind::FhNumber
        )
    {
        return Err(FodselsnummerError::Checksum);
    }

    match shape.kind {
        FodselsnummerKind::HNumber if !allow.h_numbers => Err(FodselsnummerError::KindNotAllowed(
            FodselsnummerKind::HNumber,
        )),
        FodselsnummerKind::FhNumber if !allow.fh_numbers => Err(
            FodselsnummerError::KindNotAllowed(FodselsnummerKind::FhNumber),
        ),
        _ if shape.synthetic && !allow.synthetic => Err(FodselsnummerError::SyntheticNotAllowed),
        _ => Ok(digits),
    }
}

/// The 11 ASCII digits of `input`: the digits alone, or with exactly one
/// space or `-` after `DDMMYY` (§9.4 rule 1).
fn digits_of(input: &str) -> Result<[u8; 11], FodselsnummerError> {
    let digits = match *input.as_bytes() {
        [] => return Err(FodselsnummerError::Empty),
        [a, b, c, d, e, f, g, h, i, j, k] => [a, b, c, d, e, f, g, h, i, j, k],
        [a, b, c, d, e, f, separator, g, h, i, j, k] => match separator {
            b' ' | b'-' => [a, b, c, d, e, f, g, h, i, j, k],
            // A digit where the separator belongs: a misplaced separator, or
            // twelve characters without one.
            b'0'..=b'9' if input.bytes().any(is_separator) => {
                return Err(FodselsnummerError::Separator);
            }
            b'0'..=b'9' => return Err(FodselsnummerError::Length),
            _ => return Err(FodselsnummerError::Separator),
        },
        _ => return Err(FodselsnummerError::Length),
    };
    for byte in digits {
        if !byte.is_ascii_digit() {
            return Err(if is_separator(byte) {
                // A separator in the wrong place.
                FodselsnummerError::Separator
            } else {
                FodselsnummerError::NotDigits
            });
        }
    }
    Ok(digits)
}

/// Whether `byte` is one of the accepted separators, a space or `-`.
const fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'-')
}

/// What the date digits make a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// The kind, from the first digit and the month offset.
    pub(super) kind: FodselsnummerKind,
    /// Whether the month carries Tenor's offset of 80.
    pub(super) synthetic: bool,
}

/// Reads the kind from the date digits of `values` (digit values 0-9) and
/// checks the date and the century (§9.4 rules 3, 5 and 6).
fn shape_of(values: &[u8; 11]) -> Result<Shape, FodselsnummerError> {
    let [d1, d2, m1, m2, y1, y2, i1, i2, i3, _, _] = *values;
    if d1 >= 8 {
        // FH-numbers carry no date; only their check digits are checked.
        return Ok(Shape {
            kind: FodselsnummerKind::FhNumber,
            synthetic: false,
        });
    }

    let written_month = u32::from(m1 * 10 + m2);
    let month = real_month(written_month).ok_or(FodselsnummerError::Date)?;
    let written_day = u32::from(d1 * 10 + d2);
    let d_number = match written_day {
        1..=31 => {
            let year = birth_year(individnummer(i1, i2, i3), y1 * 10 + y2)
                .ok_or(FodselsnummerError::Century)?;
            if written_day > days_in_month(year, month) {
                return Err(FodselsnummerError::Date);
            }
            false
        }
        41..=71 => {
            if written_day - 40 > days_in_month(LEAP_YEAR, month) {
                return Err(FodselsnummerError::Date);
            }
            true
        }
        _ => return Err(FodselsnummerError::Date),
    };

    let kind = if (41..=52).contains(&written_month) {
        FodselsnummerKind::HNumber
    } else if d_number {
        FodselsnummerKind::DNumber
    } else {
        FodselsnummerKind::Ordinary
    };
    Ok(Shape {
        kind,
        synthetic: (81..=92).contains(&written_month),
    })
}

/// The real month of a written month: 01-12 as is, 41-52 for H-numbers and
/// 81-92 for Tenor numbers; `None` for any other value.
pub(super) const fn real_month(written_month: u32) -> Option<u32> {
    match written_month {
        1..=12 => Some(written_month),
        41..=52 => Some(written_month - 40),
        81..=92 => Some(written_month - 80),
        _ => None,
    }
}

/// The individnummer of three digit values.
pub(super) fn individnummer(i1: u8, i2: u8, i3: u8) -> u32 {
    u32::from(i1) * 100 + u32::from(i2) * 10 + u32::from(i3)
}

/// The full birth year for an individnummer (0-999) and a two-digit year
/// `yy` (0-99), or `None` where §9.4 rule 3 gives no century.
pub(super) fn birth_year(individnummer: u32, yy: u8) -> Option<i32> {
    let century = match (individnummer, yy) {
        (0..=499, _) => 1900,
        (500..=749, 54..) => 1800,
        (500..=999, ..=39) => 2000,
        (900..=999, 40..) => 1900,
        _ => return None,
    };
    Some(century + i32::from(yy))
}

/// Which check-digit rule `values` (digit values 0-9) satisfy, or `None` if
/// they satisfy neither (§9.4 rule 2).
///
/// A number whose first remainder is 0 satisfies the classic rule, even if it
/// was issued under the 2032 rule: the digits cannot tell them apart.
pub(super) fn checksum_rule(values: &[u8; 11]) -> Option<ChecksumRule> {
    let [a, b, c, d, e, f, g, h, i, first, second] = *values;
    let nine = [a, b, c, d, e, f, g, h, i];
    let ten = [a, b, c, d, e, f, g, h, i, first];
    if (weighted_sum(&ten, &SECOND_WEIGHTS) + u32::from(second)) % 11 != 0 {
        return None;
    }
    match (weighted_sum(&nine, &FIRST_WEIGHTS) + u32::from(first)) % 11 {
        0 => Some(ChecksumRule::Classic),
        1..=3 => Some(ChecksumRule::From2032),
        _ => None,
    }
}

/// The two check digits that complete the first nine digit values (0-9)
/// with the given first remainder (0 for the classic rule, 1-3 for the 2032
/// rule), or `None` when either would have to be 10.
#[cfg(feature = "test-util")]
pub(crate) fn check_digits(nine: [u8; 9], first_remainder: u32) -> Option<(u8, u8)> {
    let first = (first_remainder + 11 - weighted_sum(&nine, &FIRST_WEIGHTS) % 11) % 11;
    let first = u8::try_from(first).ok().filter(|&digit| digit <= 9)?;
    let [a, b, c, d, e, f, g, h, i] = nine;
    let ten = [a, b, c, d, e, f, g, h, i, first];
    let second = (11 - weighted_sum(&ten, &SECOND_WEIGHTS) % 11) % 11;
    let second = u8::try_from(second).ok().filter(|&digit| digit <= 9)?;
    Some((first, second))
}

/// The sum of `values` times `weights`.
fn weighted_sum<const N: usize>(values: &[u8; N], weights: &[u32; N]) -> u32 {
    values
        .iter()
        .zip(weights)
        .map(|(&value, &weight)| u32::from(value) * weight)
        .sum()
}

/// The digit values (0-9) of the stored ASCII digits.
pub(super) fn values_of(digits: &[u8; 11]) -> [u8; 11] {
    // The stored bytes are ASCII digits; `% 10` keeps any other byte in range.
    digits.map(|byte| byte.wrapping_sub(b'0') % 10)
}

/// `digits` as a string slice.
///
/// The stored bytes are always ASCII digits, so the conversion succeeds; the
/// empty fallback only exists so that no code path can panic.
pub(super) fn ascii_str(digits: &[u8; 11]) -> &str {
    core::str::from_utf8(digits).unwrap_or_default()
}
