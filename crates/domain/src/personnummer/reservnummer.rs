//! Region Stockholm reservnummer.

use core::fmt;
use core::str::FromStr;

use super::ReservnummerError;

/// A Region Stockholm (SLL) reservnummer: a local substitute identity for
/// patients without a usable personnummer, `99yyyyNNNNNC` (12 digits).
///
/// - `99` identifies Region Stockholm.
/// - `yyyy` is the year of issue; accepted range 1900-2099.
/// - `NNNNN` is a serial number.
/// - `C` is a check digit.
///
/// **Check digit.** It is validated: `C` must be the Luhn digit (weights
/// 2, 1, 2, ... from the left) of digits 5 to 11 (the last two digits of the
/// year and the serial), counting from 1. That is the rule in Inera's
/// specification of the regions' local reserve identities ("Lokala
/// reservidentiteter", format `99yyyyNNNNNC`, "Kontrollsiffra enligt
/// Luhn-metoden (position 5 till 11 inkluderas i beräkning av
/// kontrollsiffra)"), and all of its examples (`991981000010`,
/// `991945000023`, `991993000032`) satisfy it. Region Stockholm's
/// Vårdgivarguiden also describes the number as ending in a check digit.
///
/// It is never a [`Personnummer`](super::Personnummer): parsing one as a
/// personnummer fails with
/// [`PersonnummerError::Century`](super::PersonnummerError::Century).
///
/// [`Display`](fmt::Display) writes the 12 digits; [`Debug`](fmt::Debug) is
/// always `Reservnummer(<redacted>)`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reservnummer {
    /// The 12 ASCII digits.
    digits: [u8; 12],
}

impl Reservnummer {
    /// The year the number was issued (digits 3 to 6).
    #[must_use]
    pub fn year_of_issue(&self) -> i32 {
        let [_, _, a, b, c, d, ..] = self.digits;
        [a, b, c, d].iter().fold(0, |year, &digit| {
            year * 10 + i32::from(digit.wrapping_sub(b'0') % 10)
        })
    }

    /// The 12 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        super::parse::ascii_str(&self.digits)
    }
}

impl FromStr for Reservnummer {
    type Err = ReservnummerError;

    /// Parses exactly 12 ASCII digits, without separator or whitespace. Does
    /// not allocate.
    ///
    /// # Errors
    ///
    /// Returns the [`ReservnummerError`] for the first rule the input breaks,
    /// in this order: empty, length, non-digit, prefix other than `99`, year
    /// of issue outside 1900-2099, check digit.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits: [u8; 12] = match s.as_bytes().try_into() {
            Ok(digits) => digits,
            Err(_) if s.is_empty() => return Err(ReservnummerError::Empty),
            Err(_) => return Err(ReservnummerError::Length),
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(ReservnummerError::InvalidCharacter);
        }
        let [p1, p2, c1, c2, y1, y2, n1, n2, n3, n4, n5, check] = digits.map(|b| b - b'0');
        if (p1, p2) != (9, 9) {
            return Err(ReservnummerError::Prefix);
        }
        if !matches!((c1, c2), (1, 9) | (2, 0)) {
            return Err(ReservnummerError::YearOfIssue);
        }
        if luhn_check_digit([y1, y2, n1, n2, n3, n4, n5]) != check {
            return Err(ReservnummerError::Checksum);
        }
        Ok(Self { digits })
    }
}

/// The Luhn check digit (weights 2, 1, 2, ... from the left) of seven digit
/// values.
const fn luhn_check_digit(values: [u8; 7]) -> u8 {
    const fn doubled(digit: u8) -> u8 {
        let product = digit * 2;
        if product > 9 { product - 9 } else { product }
    }
    let [a, b, c, d, e, f, g] = values;
    let sum = doubled(a) + b + doubled(c) + d + doubled(e) + f + doubled(g);
    (10 - sum % 10) % 10
}

impl TryFrom<&str> for Reservnummer {
    type Error = ReservnummerError;

    /// The same as [`FromStr`].
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl fmt::Display for Reservnummer {
    /// The 12 digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Reservnummer {
    /// Always `Reservnummer(<redacted>)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reservnummer(<redacted>)")
    }
}
