//! The byte-level parser shared by [`Personnummer`](super::Personnummer) and
//! [`InterimNumber`](super::InterimNumber).
//!
//! Everything here works on the input's bytes and on fixed-size arrays on the
//! stack: no heap allocation, no panics, no regular expressions.

use chrono::{Datelike, NaiveDate};

use super::PersonnummerError;

/// Whether `byte` is one of the letters that may stand in the first serial
/// position of an interim number (T R S U W X J K L M N, uppercase only).
pub(super) const fn is_interim_letter(byte: u8) -> bool {
    matches!(
        byte,
        b'T' | b'R' | b'S' | b'U' | b'W' | b'X' | b'J' | b'K' | b'L' | b'M' | b'N'
    )
}

/// Whether `year` is a Gregorian leap year.
pub(crate) const fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days in `month` (1-12) of `year`; 0 for any other month.
pub(crate) const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Adds the digits of `2 * digit` for a single decimal digit.
const fn doubled(digit: u8) -> u8 {
    let product = digit * 2;
    if product > 9 { product - 9 } else { product }
}

/// The Luhn check digit (weights 2, 1, 2, ... from the left) of nine digit
/// values (0-9 each, not ASCII).
pub(crate) const fn luhn_check_digit(values: [u8; 9]) -> u8 {
    let [a, b, c, d, e, f, g, h, i] = values;
    let sum = doubled(a) + b + doubled(c) + d + doubled(e) + f + doubled(g) + h + doubled(i);
    (10 - sum % 10) % 10
}

/// A successfully parsed number in canonical form.
#[derive(Debug, Clone, Copy)]
pub(super) struct Parsed {
    /// The canonical 12 ASCII bytes `YYYYMMDDNNNC`; index 8 holds the letter
    /// of an interim number.
    pub(super) bytes: [u8; 12],
    /// Whether index 8 holds an interim letter.
    pub(super) interim: bool,
    /// The full birth year.
    pub(super) year: i32,
    /// The month as written (0 for an unknown month).
    pub(super) month: u32,
    /// The real day of the month, or 0 when the day is unknown.
    pub(super) day: u32,
}

/// Parses any of the accepted forms of a personnummer, coordination number
/// or interim number.
///
/// `reference` is needed only for the 10-digit forms; without it they fail
/// with [`PersonnummerError::NeedsReferenceDate`].
pub(super) fn parse(
    input: &str,
    reference: Option<NaiveDate>,
) -> Result<Parsed, PersonnummerError> {
    let (century, body, separator) = match *input.as_bytes() {
        [] => return Err(PersonnummerError::Empty),
        [a, b, c, d, e, f, g, h, i, j] => (None, [a, b, c, d, e, f, g, h, i, j], None),
        [a, b, c, d, e, f, s, g, h, i, j] => (None, [a, b, c, d, e, f, g, h, i, j], Some(s)),
        [x, y, a, b, c, d, e, f, g, h, i, j] => {
            (Some([x, y]), [a, b, c, d, e, f, g, h, i, j], None)
        }
        [x, y, a, b, c, d, e, f, s, g, h, i, j] => {
            (Some([x, y]), [a, b, c, d, e, f, g, h, i, j], Some(s))
        }
        _ => return Err(PersonnummerError::Length),
    };

    let plus = match separator {
        None | Some(b'-') => false,
        Some(b'+') => true,
        // A digit where the separator belongs means eleven or thirteen digits.
        Some(byte) if byte.is_ascii_digit() => return Err(PersonnummerError::Length),
        Some(_) => return Err(PersonnummerError::Separator),
    };

    let century = match century {
        Some([x, y]) => Some(digit_value(x)? * 10 + digit_value(y)?),
        None => None,
    };

    let mut values = [0_u8; 10];
    let mut interim = false;
    for (position, (value, &byte)) in values.iter_mut().zip(body.iter()).enumerate() {
        *value = if byte.is_ascii_digit() {
            byte - b'0'
        } else if position == 6 && is_interim_letter(byte) {
            // The letter of an interim number counts as 1 in the Luhn sum.
            interim = true;
            1
        } else {
            return Err(invalid_byte(byte));
        };
    }
    let [y1, y2, m1, m2, d1, d2, s1, s2, s3, check] = values;

    let yy = i32::from(y1 * 10 + y2);
    let year = match century {
        Some(century) => i32::from(century) * 100 + yy,
        None => {
            let reference = reference.ok_or(PersonnummerError::NeedsReferenceDate)?;
            let base = if plus {
                reference.year() - 100
            } else {
                reference.year()
            };
            // The latest year not after `base` that ends in `yy`.
            base - (base - yy).rem_euclid(100)
        }
    };
    if !(1800..=2099).contains(&year) {
        return Err(PersonnummerError::Century);
    }

    let month = u32::from(m1 * 10 + m2);
    let written_day = u32::from(d1 * 10 + d2);
    let (coordination, day) = match written_day {
        1..=31 => (false, written_day),
        // Day 60 is a coordination number with an unknown day.
        60 => (true, 0),
        61..=91 => (true, written_day - 60),
        _ => return Err(PersonnummerError::Date),
    };
    if month > 12 || (interim && coordination) {
        return Err(PersonnummerError::Date);
    }
    let day = if month == 0 {
        // Month 00 is only issued for coordination numbers.
        if !coordination {
            return Err(PersonnummerError::Date);
        }
        0
    } else {
        if day > days_in_month(year, month) {
            return Err(PersonnummerError::Date);
        }
        day
    };

    if !interim && s1 == 0 && s2 == 0 && s3 == 0 {
        return Err(PersonnummerError::Serial);
    }

    if luhn_check_digit([y1, y2, m1, m2, d1, d2, s1, s2, s3]) != check {
        return Err(PersonnummerError::Checksum);
    }

    // `year` is within 1800..=2099, so both century digits are decimal digits.
    let century = year / 100;
    let [a, b, c, d, e, f, g, h, i, j] = body;
    let bytes = [
        ascii_digit(century / 10),
        ascii_digit(century % 10),
        a,
        b,
        c,
        d,
        e,
        f,
        g,
        h,
        i,
        j,
    ];
    Ok(Parsed {
        bytes,
        interim,
        year,
        month,
        day,
    })
}

/// The value of an ASCII digit, or the error for any other byte.
const fn digit_value(byte: u8) -> Result<u8, PersonnummerError> {
    if byte.is_ascii_digit() {
        Ok(byte - b'0')
    } else {
        Err(invalid_byte(byte))
    }
}

/// The error for a byte that is not allowed where it stands.
const fn invalid_byte(byte: u8) -> PersonnummerError {
    if matches!(byte, b'-' | b'+') {
        // A separator in the wrong place.
        PersonnummerError::Separator
    } else {
        PersonnummerError::InvalidCharacter
    }
}

/// The ASCII digit for `value` (expected to be 0-9; other values map to '0').
fn ascii_digit(value: i32) -> u8 {
    u8::try_from(value).map_or(b'0', |value| b'0' + value % 10)
}

/// The numeric value of the two ASCII digits at `index` and `index + 1`.
pub(super) fn two_digits(bytes: &[u8; 12], index: usize) -> u32 {
    let digit = |i: usize| {
        bytes
            .get(i)
            .map_or(0, |&byte| u32::from(byte.wrapping_sub(b'0')) % 10)
    };
    digit(index) * 10 + digit(index + 1)
}

/// The full year stored in the first four ASCII digits of `bytes`.
pub(super) fn four_digit_year(bytes: &[u8; 12]) -> i32 {
    let year = two_digits(bytes, 0) * 100 + two_digits(bytes, 2);
    // At most 9999, so the conversion cannot fail.
    i32::try_from(year).unwrap_or(i32::MAX)
}

/// `bytes` as a string slice.
///
/// Callers keep `bytes` ASCII (digits and one uppercase letter at most), so
/// the conversion always succeeds; the empty fallback only exists so that no
/// code path can panic.
pub(super) fn ascii_str(bytes: &[u8; 12]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// Formats `bytes` as `YYMMDD-NNNC`, or `YYMMDD+NNNC` from the calendar year
/// the holder turns 100 (judged by the birth year alone).
pub(super) fn separated(bytes: &[u8; 12], today: NaiveDate) -> String {
    let separator = if today.year() - four_digit_year(bytes) >= 100 {
        '+'
    } else {
        '-'
    };
    let [_, _, a, b, c, d, e, f, g, h, i, j] = *bytes;
    let mut out = String::with_capacity(11);
    out.extend([a, b, c, d, e, f].map(char::from));
    out.push(separator);
    out.extend([g, h, i, j].map(char::from));
    out
}
