//! Swedish personal identity numbers: personnummer, coordination numbers
//! (samordningsnummer), interim numbers and Region Stockholm reservnummer.
//!
//! # Rules
//!
//! A [`Personnummer`] is a birth date `YYMMDD`, a serial `NNN` (001-999; the
//! third serial digit is odd for men and even for women) and a Luhn check
//! digit `C`. These forms are accepted:
//!
//! | form | parsed by |
//! | --- | --- |
//! | `YYYYMMDDNNNC` (canonical) | [`str::parse`] and [`Personnummer::parse_with_reference`] |
//! | `YYYYMMDD-NNNC`, `YYYYMMDD+NNNC` (the separator carries no information) | both |
//! | `YYMMDDNNNC`, `YYMMDD-NNNC` | [`Personnummer::parse_with_reference`] only |
//! | `YYMMDD+NNNC` (a person aged 100 or more) | [`Personnummer::parse_with_reference`] only |
//!
//! Anything else is rejected: other separators (spaces, `/`, `_`, ...),
//! surrounding whitespace, other characters and other lengths.
//!
//! - The century of a 12-digit form must be 18, 19 or 20.
//! - A 10-digit form is read against a reference date: the base year is the
//!   reference year (or the reference year minus 100 for `+`), and the birth
//!   year is the latest year not after the base year that ends in `YY`. Only
//!   the year of the reference date is used.
//! - The check digit is the Luhn digit (weights 2, 1, 2, ...) of the nine
//!   digits `YYMMDDNNN`; the century is never part of it.
//! - The birth date must be a real Gregorian date.
//! - A coordination number has 60 added to the day (61-91). Skatteverket has
//!   also issued coordination numbers with month `00` and/or day `60` when the
//!   month or day of birth is unknown; they are accepted, and their
//!   [`Personnummer::birth_date`] is `None`. Month `00` with a day of 01-31 is
//!   rejected, as is a real day that does not exist in its month.
//! - Serial `000` is rejected.
//!
//! Interim numbers (a letter in the first serial position, such as
//! `880527-T281`) are a separate type, [`InterimNumber`]; parsing one as a
//! [`Personnummer`] fails with [`PersonnummerError::InterimNumber`], so
//! callers have to opt in explicitly. Region Stockholm reservnummer are the
//! separate type [`Reservnummer`].
//!
//! # Privacy and performance
//!
//! The [`Debug`] output of every type here is redacted, and error messages
//! never repeat the input. Parsing works on the input bytes and never
//! allocates; only [`Display`](fmt::Display), [`Personnummer::separated`] and
//! [`Personnummer::masked`] build strings. Nothing here reads the clock: the
//! caller passes every date.
//!
//! # Examples
//!
//! ```
//! use chrono::NaiveDate;
//! use leyr_domain::personnummer::{Gender, Personnummer, PersonnummerError, PersonnummerKind};
//!
//! let pnr: Personnummer = "19121212-1212".parse()?;
//! assert_eq!(pnr.as_str(), "191212121212");
//! assert_eq!(pnr.kind(), PersonnummerKind::Personal);
//! assert_eq!(pnr.gender(), Gender::Male);
//! assert_eq!(pnr.birth_date(), NaiveDate::from_ymd_opt(1912, 12, 12));
//! assert_eq!(format!("{pnr:?}"), "Personnummer(<redacted>)");
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or(PersonnummerError::Date)?;
//! assert_eq!(pnr.separated(today), "121212+1212");
//! assert_eq!(Personnummer::parse_with_reference("121212+1212", today)?, pnr);
//! assert_eq!(
//!     "1212121212".parse::<Personnummer>(),
//!     Err(PersonnummerError::NeedsReferenceDate)
//! );
//! # Ok::<(), PersonnummerError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use chrono::NaiveDate;

mod error;
mod interim;
pub(crate) mod parse;
mod reservnummer;

pub use error::{PersonnummerError, ReservnummerError};
pub use interim::InterimNumber;
pub use reservnummer::Reservnummer;

/// Whether a [`Personnummer`] is an ordinary personnummer or a coordination
/// number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PersonnummerKind {
    /// An ordinary personnummer, issued at birth or immigration.
    Personal,
    /// A coordination number (samordningsnummer): the day plus 60, or month
    /// `00` / day `60` when the date of birth is not fully known.
    Coordination,
}

/// The legal gender encoded in the third serial digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Gender {
    /// Even third serial digit.
    Female,
    /// Odd third serial digit.
    Male,
}

/// A valid Swedish personnummer or coordination number (samordningsnummer).
///
/// Stored as its canonical 12 ASCII digits `YYYYMMDDNNNC` inline (no heap),
/// so it is [`Copy`]; equality, ordering and hashing follow those digits.
/// [`Display`](fmt::Display) writes the 12 digits without separator;
/// [`Debug`](fmt::Debug) is always `Personnummer(<redacted>)`.
///
/// See the [module documentation](self) for the accepted forms and rules.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Personnummer {
    /// Canonical `YYYYMMDDNNNC`, ASCII digits only.
    digits: [u8; 12],
}

impl Personnummer {
    /// Parses any accepted form, reading the 10-digit forms against `today`
    /// (see the [module documentation](self) for the century rule).
    ///
    /// For the 12-digit forms `today` is not used. Does not allocate.
    ///
    /// # Errors
    ///
    /// Returns the [`PersonnummerError`] for the first rule the input breaks;
    /// [`PersonnummerError::InterimNumber`] for a valid interim number.
    pub fn parse_with_reference(s: &str, today: NaiveDate) -> Result<Self, PersonnummerError> {
        Self::parse_inner(s, Some(today))
    }

    /// The shared implementation of the parse functions.
    fn parse_inner(s: &str, reference: Option<NaiveDate>) -> Result<Self, PersonnummerError> {
        let parsed = parse::parse(s, reference)?;
        if parsed.interim {
            return Err(PersonnummerError::InterimNumber);
        }
        Ok(Self {
            digits: parsed.bytes,
        })
    }

    /// Builds a number from canonical ASCII digits without validating them.
    ///
    /// Only for the proptest strategies, which build valid digits themselves
    /// so that the tests can check that parsing accepts them.
    #[cfg(feature = "test-util")]
    pub(crate) const fn from_digits_unchecked(digits: [u8; 12]) -> Self {
        Self { digits }
    }

    /// Whether this is an ordinary personnummer or a coordination number.
    #[must_use]
    pub fn kind(&self) -> PersonnummerKind {
        if self.month_as_written() == 0 || self.day_as_written() >= 60 {
            PersonnummerKind::Coordination
        } else {
            PersonnummerKind::Personal
        }
    }

    /// The date of birth; for a coordination number the real day (the
    /// written day minus 60).
    ///
    /// `None` only for coordination numbers with an unknown month (`00`) or
    /// day (`60`).
    #[must_use]
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let month = self.month_as_written();
        let day = match self.day_as_written() {
            60 => return None,
            day @ 61.. => day - 60,
            day => day,
        };
        NaiveDate::from_ymd_opt(self.year(), month, day)
    }

    /// The birth year, known even when the month or day of a samordningsnummer is not.
    #[must_use]
    pub fn birth_year(&self) -> i32 {
        self.year()
    }

    /// Whether the number names a known birth date on or before `today`: what TakeCare asks of a
    /// patient's personnummer (contract C33). Samordningsnummer with an unknown month or day fail.
    #[must_use]
    pub fn is_born_by(&self, today: NaiveDate) -> bool {
        self.birth_date().is_some_and(|born| born <= today)
    }

    /// The gender encoded in the third serial digit: odd is male, even is
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

    /// The age in whole years on `date`.
    ///
    /// `None` if the birth date is unknown or `date` is before it. Someone
    /// born on 29 February gets a year older on 1 March in common years.
    #[must_use]
    pub fn age_on(&self, date: NaiveDate) -> Option<u32> {
        date.years_since(self.birth_date()?)
    }

    /// The 10-digit form with separator for display on `today`: `YYMMDD-NNNC`,
    /// or `YYMMDD+NNNC` from the calendar year the holder turns 100.
    ///
    /// Only the birth year is compared with the year of `today`, so this also
    /// works when the month or day of birth is unknown.
    #[must_use]
    pub fn separated(&self, today: NaiveDate) -> String {
        parse::separated(&self.digits, today)
    }

    /// The canonical 12 digits `YYYYMMDDNNNC`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        parse::ascii_str(&self.digits)
    }

    /// A masked form for logs and screens where the number must not be shown:
    /// the four-digit birth year followed by eight asterisks, for example
    /// `1971********`.
    ///
    /// The birth year alone does not identify anyone, and it keeps the output
    /// useful for telling people of very different ages apart. It does contain
    /// four digits of the number, so it is not used by [`Debug`](fmt::Debug),
    /// which shows no digits at all.
    #[must_use]
    pub fn masked(&self) -> String {
        let [a, b, c, d, ..] = self.digits;
        let mut out = String::with_capacity(12);
        out.extend([a, b, c, d].map(char::from));
        out.push_str("********");
        out
    }

    /// The full birth year.
    fn year(&self) -> i32 {
        parse::four_digit_year(&self.digits)
    }

    /// The month as written (`0` when unknown).
    fn month_as_written(&self) -> u32 {
        parse::two_digits(&self.digits, 4)
    }

    /// The day as written (plus 60 for coordination numbers).
    fn day_as_written(&self) -> u32 {
        parse::two_digits(&self.digits, 6)
    }
}

impl FromStr for Personnummer {
    type Err = PersonnummerError;

    /// Parses the 12-digit forms `YYYYMMDDNNNC`, `YYYYMMDD-NNNC` and
    /// `YYYYMMDD+NNNC`. Does not allocate.
    ///
    /// # Errors
    ///
    /// A 10-digit form fails with [`PersonnummerError::NeedsReferenceDate`]
    /// (use [`Personnummer::parse_with_reference`]); otherwise as
    /// [`Personnummer::parse_with_reference`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_inner(s, None)
    }
}

impl TryFrom<&str> for Personnummer {
    type Error = PersonnummerError;

    /// The same as [`FromStr`].
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Personnummer {
    /// The canonical 12 digits, without separator.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Personnummer {
    /// Always `Personnummer(<redacted>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Personnummer(<redacted>)")
    }
}
