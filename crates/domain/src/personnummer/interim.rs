//! Interim numbers ("T-numbers"): a letter in the first serial position.

use core::fmt;
use core::str::FromStr;

use chrono::NaiveDate;

use super::{Gender, PersonnummerError, parse};

/// An interim number ("T-number"), such as `880527-T281`: a birth date, a
/// letter from T R S U W X J K L M N in the first serial position, two serial
/// digits and a Luhn check digit in which the letter counts as 1.
///
/// Never a [`Personnummer`](super::Personnummer): this separate type is the
/// explicit opt-in for callers that accept interim numbers. It takes the same
/// forms and separators as a personnummer, with the letter in place of the
/// first serial digit; only uppercase letters are accepted, and the birth
/// date must be a real date (no coordination days). Stored inline as
/// `YYYYMMDDLNNC` ASCII (no heap).
///
/// [`Display`](fmt::Display) writes the canonical `YYYYMMDDLNNC`;
/// [`Debug`](fmt::Debug) is always `InterimNumber(<redacted>)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InterimNumber {
    /// Canonical `YYYYMMDDLNNC`, ASCII.
    digits: [u8; 12],
    /// The birth date the digits encode.
    birth_date: NaiveDate,
}

impl InterimNumber {
    /// Parses any accepted form, reading the 10-character forms against
    /// `today` with the same century rule as
    /// [`Personnummer::parse_with_reference`](super::Personnummer::parse_with_reference).
    /// Does not allocate.
    ///
    /// # Errors
    ///
    /// Returns the [`PersonnummerError`] for the first rule the input breaks;
    /// [`PersonnummerError::NotInterimNumber`] if the input has no interim
    /// letter.
    pub fn parse_with_reference(s: &str, today: NaiveDate) -> Result<Self, PersonnummerError> {
        Self::parse_inner(s, Some(today))
    }

    /// The shared implementation of the parse functions.
    fn parse_inner(s: &str, reference: Option<NaiveDate>) -> Result<Self, PersonnummerError> {
        let parsed = parse::parse(s, reference)?;
        if !parsed.interim {
            return Err(PersonnummerError::NotInterimNumber);
        }
        let birth_date = NaiveDate::from_ymd_opt(parsed.year, parsed.month, parsed.day)
            .ok_or(PersonnummerError::Date)?;
        Ok(Self {
            digits: parsed.bytes,
            birth_date,
        })
    }

    /// The date of birth.
    #[must_use]
    pub const fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The gender encoded in the last serial digit: odd is male, even is
    /// female.
    #[must_use]
    pub fn gender(&self) -> Gender {
        let [.., third_serial_digit, _] = self.digits;
        if third_serial_digit % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// The age in whole years on `date`, or `None` if `date` is before the
    /// birth date.
    #[must_use]
    pub fn age_on(&self, date: NaiveDate) -> Option<u32> {
        date.years_since(self.birth_date)
    }

    /// The canonical form `YYYYMMDDLNNC`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        parse::ascii_str(&self.digits)
    }
}

impl FromStr for InterimNumber {
    type Err = PersonnummerError;

    /// Parses the 12-character forms `YYYYMMDDLNNC`, `YYYYMMDD-LNNC` and
    /// `YYYYMMDD+LNNC`. Does not allocate.
    ///
    /// # Errors
    ///
    /// A 10-character form fails with
    /// [`PersonnummerError::NeedsReferenceDate`]; otherwise as
    /// [`InterimNumber::parse_with_reference`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_inner(s, None)
    }
}

impl TryFrom<&str> for InterimNumber {
    type Error = PersonnummerError;

    /// The same as [`FromStr`].
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for InterimNumber {
    /// The canonical form `YYYYMMDDLNNC`, without separator.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for InterimNumber {
    /// Always `InterimNumber(<redacted>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InterimNumber(<redacted>)")
    }
}
