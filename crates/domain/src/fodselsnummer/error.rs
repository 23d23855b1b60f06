//! Errors of fødselsnummer parsing.

use super::FodselsnummerKind;

/// Why a string is not a [`Fodselsnummer`](super::Fodselsnummer) that the
/// caller accepts.
///
/// The messages are a single sentence and never repeat the input or any of
/// its digits, so they are safe to log and to show to users.
///
/// [`KindNotAllowed`](Self::KindNotAllowed) and
/// [`SyntheticNotAllowed`](Self::SyntheticNotAllowed) are only returned for
/// numbers that are otherwise valid: a broken H-number is reported for what
/// is wrong with it, not for being an H-number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum FodselsnummerError {
    /// The input is empty.
    #[error("the fødselsnummer is empty")]
    Empty,
    /// The input is neither eleven digits nor eleven digits with one
    /// separator after the date.
    #[error("a fødselsnummer has eleven digits and an optional separator after the date")]
    Length,
    /// The input contains a character that is not a digit where a digit
    /// belongs (letters, whitespace, non-ASCII characters, ...).
    #[error("the fødselsnummer contains a character that is not a digit")]
    NotDigits,
    /// The separator after the date is not a space or `-`, or a space or `-`
    /// stands somewhere else.
    #[error("the fødselsnummer separator must be a space or a hyphen after the date")]
    Separator,
    /// The day and month fit no kind of number, or are not a real date
    /// (§9.4 rules 3 and 5).
    #[error("the fødselsnummer does not contain a valid date")]
    Date,
    /// The individnummer and the two-digit year give no century (§9.4
    /// rule 3).
    #[error("the fødselsnummer individnummer does not fit its birth year")]
    Century,
    /// The check digits do not match (§9.4 rule 2).
    #[error("the fødselsnummer check digits do not match")]
    Checksum,
    /// The input is a valid number of a kind the caller has not allowed:
    /// an H-number or an FH-number (§9.4 rule 6).
    #[error("the number is a valid {0}, which is not allowed here")]
    KindNotAllowed(FodselsnummerKind),
    /// The input is a valid Tenor synthetic test number (month plus 80),
    /// and the caller has not allowed synthetic numbers (§9.4 rule 6).
    #[error("the number is a synthetic test number, which is not allowed here")]
    SyntheticNotAllowed,
}
