//! Norwegian national identity numbers: fødselsnummer, D-numbers, H-numbers,
//! FH-numbers and Tenor's synthetic test numbers (contract §9.4).
//!
//! # Rules
//!
//! A [`Fodselsnummer`] is 11 digits `DDMMYY III K1 K2`: a date, the
//! individnummer `III` and two check digits. The input is the 11 digits
//! alone, or with exactly one space or `-` after `DDMMYY`; the 11 digits
//! alone are stored and printed (§9.4 rule 1). Anything else is rejected:
//! other separators, surrounding whitespace, other characters and other
//! lengths.
//!
//! - **Check digits** (§9.4 rule 2): `s9` weighs digits 1-9 by 3, 7, 6, 1,
//!   8, 9, 4, 5, 2 and `s10` weighs digits 1-10 by 5, 4, 3, 2, 7, 6, 5, 4,
//!   3, 2. `(s10 + K2) mod 11` must be 0. Under the classic rule
//!   `(s9 + K1) mod 11` is 0; under the rule for numbers issued from 2032 it
//!   is 0, 1, 2 or 3. Both rules are valid now, for ordinary numbers and
//!   D-numbers (Tenor's included); H- and FH-numbers use the classic rule.
//! - **Century** (§9.4 rule 3), from the individnummer and the year `YY`:
//!   000-499 is 1900-1999; 500-749 with `YY` ≥ 54 is 1854-1899; 500-999 with
//!   `YY` ≤ 39 is 2000-2039; 900-999 with `YY` ≥ 40 is 1940-1999. Any other
//!   combination is rejected, and the date must be real. Whether the date is
//!   after today is the caller's question ([`Fodselsnummer::is_born_by`]).
//! - **Gender** (§9.4 rule 4): the 9th digit, odd for men, even for women;
//!   unknown under the 2032 rule.
//!
//! | kind | recognised by | date check | default |
//! | --- | --- | --- | --- |
//! | [`Ordinary`](FodselsnummerKind::Ordinary) | day 01-31, month 01-12 | real date in the century's year | accepted |
//! | [`DNumber`](FodselsnummerKind::DNumber) | day + 40 (41-71) | day − 40 exists in that month of a leap year (§9.4 rule 5) | accepted |
//! | [`HNumber`](FodselsnummerKind::HNumber) | month + 40 (41-52) | as its day says | [`h_numbers`](FodselsnummerAllow::h_numbers) |
//! | [`FhNumber`](FodselsnummerKind::FhNumber) | first digit 8 or 9 | none | [`fh_numbers`](FodselsnummerAllow::fh_numbers) |
//! | Tenor synthetic ([`Fodselsnummer::is_synthetic`]) | month + 80 (81-92) | as its day says | [`synthetic`](FodselsnummerAllow::synthetic) |
//!
//! Month + 40 is always an H-number, whoever issued it: NAV's synthetic
//! "Dolly" numbers have the same shape and are H-numbers here. A Tenor number
//! is an ordinary number or a D-number that is also synthetic (§9.4 rule 6).
//! An H-number or Tenor number whose day has 40 added is dated like a
//! D-number.
//!
//! # Birth dates
//!
//! [`Fodselsnummer::birth_date`] is known for ordinary numbers, H-numbers
//! and Tenor numbers under the classic rule, with the month offset removed.
//! It is `None` for D-numbers (their century may follow other ranges), for
//! FH-numbers (no date) and under the 2032 rule (the individnummer no longer
//! tells the century).
//!
//! # Privacy and performance
//!
//! [`Debug`](fmt::Debug) is always `Fodselsnummer(<redacted>)`, and error
//! messages never repeat the input. Parsing works on the input bytes and
//! never allocates; only [`Display`](fmt::Display) builds a string. Nothing
//! here reads the clock.
//!
//! # Examples
//!
//! ```
//! use chrono::NaiveDate;
//! use leyr_domain::fodselsnummer::{
//!     Fodselsnummer, FodselsnummerAllow, FodselsnummerError, FodselsnummerKind,
//! };
//! use leyr_domain::personnummer::Gender;
//!
//! let fnr: Fodselsnummer = "130972 48022".parse()?;
//! assert_eq!(fnr.as_str(), "13097248022");
//! assert_eq!(fnr.kind(), FodselsnummerKind::Ordinary);
//! assert_eq!(fnr.gender(), Some(Gender::Female));
//! assert_eq!(fnr.birth_date(), NaiveDate::from_ymd_opt(1972, 9, 13));
//! assert_eq!(format!("{fnr:?}"), "Fodselsnummer(<redacted>)");
//!
//! // Tenor's synthetic test numbers need an explicit opt-in, as Konfidens's
//! // sandbox gives (contract C46).
//! assert_eq!(
//!     "16865199450".parse::<Fodselsnummer>(),
//!     Err(FodselsnummerError::SyntheticNotAllowed)
//! );
//! let konfidens = FodselsnummerAllow { synthetic: true, ..FodselsnummerAllow::default() };
//! let tenor = Fodselsnummer::parse_with("16865199450", konfidens)?;
//! assert!(tenor.is_synthetic());
//! assert_eq!(tenor.kind(), FodselsnummerKind::Ordinary);
//! assert_eq!(tenor.birth_date(), NaiveDate::from_ymd_opt(1951, 6, 16));
//! # Ok::<(), FodselsnummerError>(())
//! ```

use core::fmt;
use core::str::FromStr;

use chrono::NaiveDate;

use crate::personnummer::Gender;

mod error;
pub(crate) mod parse;

pub use error::FodselsnummerError;

/// What kind of Norwegian identity number a [`Fodselsnummer`] is (§9.4
/// rules 5 and 6).
///
/// Whether a number is one of Tenor's synthetic test numbers is told apart,
/// by [`Fodselsnummer::is_synthetic`]: a Tenor number is an
/// [`Ordinary`](Self::Ordinary) number or a [`DNumber`](Self::DNumber).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FodselsnummerKind {
    /// An ordinary fødselsnummer: a real day and month.
    Ordinary,
    /// A D-number, issued to people who are not (yet) registered as living
    /// in Norway: the day plus 40.
    DNumber,
    /// An H-number, a help number a health institution assigns itself: the
    /// month plus 40. NAV's synthetic test numbers have the same shape.
    HNumber,
    /// An FH-number (felles hjelpenummer, Norsk helsenett's common help
    /// number): first digit 8 or 9, no date.
    FhNumber,
}

impl fmt::Display for FodselsnummerKind {
    /// The kind's name in lowercase prose, such as `H-number`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Ordinary => "ordinary fødselsnummer",
            Self::DNumber => "D-number",
            Self::HNumber => "H-number",
            Self::FhNumber => "FH-number",
        })
    }
}

/// Which check-digit rule a [`Fodselsnummer`]'s digits satisfy (§9.4
/// rule 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumRule {
    /// `(s9 + K1) mod 11 = 0`. Some numbers issued under the 2032 rule also
    /// satisfy it; their digits cannot be told apart from classic ones.
    Classic,
    /// `(s9 + K1) mod 11` is 1, 2 or 3: only the rule for numbers issued
    /// from 2032 accepts it, and the number encodes neither gender nor
    /// century.
    From2032,
}

/// The kinds of number that [`Fodselsnummer::parse_with`] accepts beyond
/// ordinary numbers and D-numbers, which are always accepted.
///
/// Everything is off by default, which is the policy of [`FromStr`] (§9.4
/// rule 6).
///
/// ```
/// use leyr_domain::fodselsnummer::FodselsnummerAllow;
///
/// // Contract C46: Konfidens takes Tenor's test numbers, not help numbers.
/// let konfidens = FodselsnummerAllow { synthetic: true, ..FodselsnummerAllow::default() };
/// assert!(!konfidens.h_numbers && !konfidens.fh_numbers);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FodselsnummerAllow {
    /// Accept H-numbers (month + 40), NAV's synthetic numbers included.
    pub h_numbers: bool,
    /// Accept FH-numbers (first digit 8 or 9).
    pub fh_numbers: bool,
    /// Accept Tenor's synthetic test numbers (month + 80), ordinary or
    /// D-number.
    pub synthetic: bool,
}

impl FodselsnummerAllow {
    /// The personal numbers of people, real or test persons (contract C46): ordinary numbers,
    /// D-numbers and Tenor's synthetic test numbers; never help numbers (H, FH). What a
    /// Norwegian `external_id` or `no_personal_number:` takes.
    pub const PERSONAL_NUMBERS: Self = Self {
        h_numbers: false,
        fh_numbers: false,
        synthetic: true,
    };
}

/// A valid Norwegian fødselsnummer, D-number, H-number or FH-number.
///
/// Stored as its 11 ASCII digits inline (no heap), so it is [`Copy`];
/// equality, ordering and hashing follow those digits.
/// [`Display`](fmt::Display) writes the 11 digits without separator;
/// [`Debug`](fmt::Debug) is always `Fodselsnummer(<redacted>)`.
///
/// A value only exists if it passed every rule of §9.4, so an H-number,
/// FH-number or synthetic number exists only where a caller allowed it. See
/// the [module documentation](self) for the rules.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fodselsnummer {
    /// `DDMMYYIIIKK`, ASCII digits only.
    digits: [u8; 11],
}

impl Fodselsnummer {
    /// Parses `text` under the policy `allow`: ordinary numbers and D-numbers
    /// always, H-numbers, FH-numbers and Tenor synthetic numbers only where
    /// `allow` says so. Does not allocate.
    ///
    /// ```
    /// use leyr_domain::fodselsnummer::{
    ///     Fodselsnummer, FodselsnummerAllow, FodselsnummerError, FodselsnummerKind,
    /// };
    ///
    /// let h_numbers = FodselsnummerAllow { h_numbers: true, ..FodselsnummerAllow::default() };
    /// let h_number = Fodselsnummer::parse_with("13527248013", h_numbers)?;
    /// assert_eq!(h_number.kind(), FodselsnummerKind::HNumber);
    /// assert_eq!(
    ///     "13527248013".parse::<Fodselsnummer>(),
    ///     Err(FodselsnummerError::KindNotAllowed(FodselsnummerKind::HNumber))
    /// );
    /// # Ok::<(), FodselsnummerError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The [`FodselsnummerError`] for the first rule the input breaks, in
    /// the order form ([`Empty`](FodselsnummerError::Empty),
    /// [`Length`](FodselsnummerError::Length),
    /// [`Separator`](FodselsnummerError::Separator),
    /// [`NotDigits`](FodselsnummerError::NotDigits)), date
    /// ([`Date`](FodselsnummerError::Date),
    /// [`Century`](FodselsnummerError::Century)), check digits
    /// ([`Checksum`](FodselsnummerError::Checksum)). A number that is valid
    /// but of a kind `allow` does not admit gives
    /// [`KindNotAllowed`](FodselsnummerError::KindNotAllowed) or
    /// [`SyntheticNotAllowed`](FodselsnummerError::SyntheticNotAllowed).
    pub fn parse_with(text: &str, allow: FodselsnummerAllow) -> Result<Self, FodselsnummerError> {
        parse::parse(text, allow).map(|digits| Self { digits })
    }

    /// Builds a number from ASCII digits without validating them.
    ///
    /// Only for the proptest strategies, which build valid digits themselves
    /// so that the tests can check that parsing accepts them.
    #[cfg(feature = "test-util")]
    pub(crate) const fn from_digits_unchecked(digits: [u8; 11]) -> Self {
        Self { digits }
    }

    /// The kind of number: ordinary, D-, H- or FH-number.
    ///
    /// An H-number whose day also has 40 added is an
    /// [`HNumber`](FodselsnummerKind::HNumber).
    #[must_use]
    pub fn kind(&self) -> FodselsnummerKind {
        let [d1, _, m1, m2, ..] = self.values();
        if d1 >= 8 {
            FodselsnummerKind::FhNumber
        } else if (41..=52).contains(&(m1 * 10 + m2)) {
            FodselsnummerKind::HNumber
        } else if d1 >= 4 {
            FodselsnummerKind::DNumber
        } else {
            FodselsnummerKind::Ordinary
        }
    }

    /// Whether this is one of Tenor's synthetic test numbers (month + 80).
    #[must_use]
    pub fn is_synthetic(&self) -> bool {
        let [d1, _, m1, m2, ..] = self.values();
        d1 < 8 && (81..=92).contains(&(m1 * 10 + m2))
    }

    /// Which check-digit rule the digits satisfy.
    ///
    /// [`Classic`](ChecksumRule::Classic) whenever the classic rule holds,
    /// even for a number issued under the 2032 rule.
    #[must_use]
    pub fn checksum_rule(&self) -> ChecksumRule {
        // Every stored number satisfies one of the rules.
        parse::checksum_rule(&self.values()).unwrap_or(ChecksumRule::Classic)
    }

    /// The date of birth, with the month offset of an H-number or Tenor
    /// number removed.
    ///
    /// `None` for numbers whose day has 40 added (D-numbers, and H- and
    /// Tenor numbers shaped like them), for FH-numbers and under the 2032
    /// check-digit rule.
    #[must_use]
    pub fn birth_date(&self) -> Option<NaiveDate> {
        if self.checksum_rule() != ChecksumRule::Classic {
            return None;
        }
        let [d1, d2, m1, m2, y1, y2, i1, i2, i3, _, _] = self.values();
        if d1 >= 4 {
            return None;
        }
        let month = parse::real_month(u32::from(m1 * 10 + m2))?;
        let year = parse::birth_year(parse::individnummer(i1, i2, i3), y1 * 10 + y2)?;
        NaiveDate::from_ymd_opt(year, month, u32::from(d1 * 10 + d2))
    }

    /// Whether the number names a known birth date on or before `date`.
    ///
    /// Parsing never compares the date with today (the domain does not read
    /// the clock), so a caller that must refuse births in the future asks
    /// this with today's date. `false` whenever
    /// [`birth_date`](Self::birth_date) is `None`.
    #[must_use]
    pub fn is_born_by(&self, date: NaiveDate) -> bool {
        self.birth_date().is_some_and(|born| born <= date)
    }

    /// The gender encoded in the 9th digit: odd is male, even is female.
    ///
    /// `None` under the 2032 check-digit rule, which encodes no gender, and
    /// for FH-numbers.
    #[must_use]
    pub fn gender(&self) -> Option<Gender> {
        if self.kind() == FodselsnummerKind::FhNumber
            || self.checksum_rule() != ChecksumRule::Classic
        {
            return None;
        }
        let [.., ninth, _, _] = self.values();
        Some(if ninth % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        })
    }

    /// The 11 digits `DDMMYYIIIKK`, without separator.
    #[must_use]
    pub fn as_str(&self) -> &str {
        parse::ascii_str(&self.digits)
    }

    /// The digit values 0-9.
    fn values(&self) -> [u8; 11] {
        parse::values_of(&self.digits)
    }
}

impl FromStr for Fodselsnummer {
    type Err = FodselsnummerError;

    /// Parses under the default policy, [`FodselsnummerAllow::default`]:
    /// ordinary numbers and D-numbers, under either check-digit rule. Does
    /// not allocate.
    ///
    /// # Errors
    ///
    /// As [`Fodselsnummer::parse_with`]; H-numbers and FH-numbers fail with
    /// [`FodselsnummerError::KindNotAllowed`], Tenor numbers with
    /// [`FodselsnummerError::SyntheticNotAllowed`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_with(s, FodselsnummerAllow::default())
    }
}

impl TryFrom<&str> for Fodselsnummer {
    type Error = FodselsnummerError;

    /// The same as [`FromStr`].
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Fodselsnummer {
    /// The 11 digits, without separator.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Fodselsnummer {
    /// Always `Fodselsnummer(<redacted>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fodselsnummer(<redacted>)")
    }
}
