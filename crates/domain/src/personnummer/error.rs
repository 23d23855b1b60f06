//! Errors of personnummer, interim number and reservnummer parsing.

/// Why a string is not a valid [`Personnummer`](super::Personnummer) or
/// [`InterimNumber`](super::InterimNumber).
///
/// The messages are a single sentence and never repeat the input or any of
/// its digits, so they are safe to log and to show to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PersonnummerError {
    /// The input is empty.
    #[error("the personnummer is empty")]
    Empty,
    /// The input does not have the length of any accepted form.
    #[error("a personnummer has ten or twelve digits and an optional separator")]
    Length,
    /// The input contains a character that is not allowed where it stands
    /// (letters, whitespace, non-ASCII characters, ...).
    #[error("the personnummer contains a character that is not a digit")]
    InvalidCharacter,
    /// The separator is not `-` or `+`, or a separator is misplaced.
    #[error("the personnummer separator must be a hyphen or a plus sign in its usual place")]
    Separator,
    /// A 10-digit form was given without a reference date, so its century
    /// is unknown. Use `parse_with_reference`.
    #[error("a personnummer without century can only be read against a reference date")]
    NeedsReferenceDate,
    /// The birth year is outside the nineteenth, twentieth and twenty-first
    /// centuries (a century other than 18, 19 or 20).
    #[error("the personnummer has a century that is not in use")]
    Century,
    /// The birth date is not a real calendar date (coordination numbers with
    /// an unknown month or day excepted).
    #[error("the personnummer does not contain a valid birth date")]
    Date,
    /// The serial number is zero.
    #[error("the personnummer has a serial number of zero")]
    Serial,
    /// The check digit does not match the Luhn checksum.
    #[error("the personnummer check digit does not match")]
    Checksum,
    /// The input is a valid interim number (a letter in the serial), which is
    /// not a personnummer. Parse it as an
    /// [`InterimNumber`](super::InterimNumber) instead.
    #[error("this is an interim number, not a personnummer, so parse it as an interim number")]
    InterimNumber,
    /// [`InterimNumber`](super::InterimNumber) parsing was given a number
    /// without an interim letter (for example an ordinary personnummer).
    #[error("this is not an interim number because its serial has no interim letter")]
    NotInterimNumber,
}

/// Why a string is not a valid [`Reservnummer`](super::Reservnummer).
///
/// The messages are a single sentence and never repeat the input or any of
/// its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ReservnummerError {
    /// The input is empty.
    #[error("the reservnummer is empty")]
    Empty,
    /// The input is not exactly twelve characters long.
    #[error("a reservnummer has exactly twelve digits")]
    Length,
    /// The input contains something other than ASCII digits.
    #[error("the reservnummer contains a character that is not a digit")]
    InvalidCharacter,
    /// The input does not start with the region prefix.
    #[error("the reservnummer does not start with the prefix of Region Stockholm")]
    Prefix,
    /// The year of issue is outside the supported range.
    #[error("the reservnummer has a year of issue that is out of range")]
    YearOfIssue,
    /// The check digit does not match the Luhn checksum.
    #[error("the reservnummer check digit does not match")]
    Checksum,
}
