//! A patient's national identity number, of whichever country, and what Leyr's `external_id`
//! carries (§3.7, §9.2): a national number where the EHR checks one, any text where it does not.

use std::fmt;

use crate::fodselsnummer::Fodselsnummer;
use crate::personnummer::Personnummer;

/// A national identity number: a Swedish personnummer (or samordningsnummer) or a Norwegian
/// fødselsnummer (or D-number). Valid by construction, `Copy`; `Debug` hides the digits and
/// `Display` writes them as Leyr expects (12 and 11 digits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum NationalId {
    /// A Swedish personnummer or samordningsnummer.
    Personnummer(Personnummer),
    /// A Norwegian fødselsnummer or D-number.
    Fodselsnummer(Fodselsnummer),
}

impl NationalId {
    /// The digits, as Leyr writes them.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            NationalId::Personnummer(personnummer) => personnummer.as_str(),
            NationalId::Fodselsnummer(fodselsnummer) => fodselsnummer.as_str(),
        }
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Personnummer> for NationalId {
    fn from(personnummer: Personnummer) -> Self {
        NationalId::Personnummer(personnummer)
    }
}

impl From<Fodselsnummer> for NationalId {
    fn from(fodselsnummer: Fodselsnummer) -> Self {
        NationalId::Fodselsnummer(fodselsnummer)
    }
}

impl NationalId {
    /// Reads Leyr's digits leniently, as a client reads an answer: 12 digits that are a valid
    /// personnummer, or 11 that are a valid Norwegian number (Tenor's synthetic numbers
    /// included), else `None`.
    #[must_use]
    pub fn from_digits(text: &str) -> Option<NationalId> {
        match text.len() {
            12 => text
                .parse::<Personnummer>()
                .ok()
                .map(NationalId::Personnummer),
            11 => Fodselsnummer::parse_with(
                text,
                crate::fodselsnummer::FodselsnummerAllow::PERSONAL_NUMBERS,
            )
            .ok()
            .map(NationalId::Fodselsnummer),
            _ => None,
        }
    }
}

/// The longest unchecked `external_id` accepted, in characters.
pub const MAX_EXTERNAL_ID_CHARS: usize = 64;

/// Why a text cannot be an `external_id`. Never echoes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExternalIdTextError {
    /// The text is empty or only whitespace.
    #[error("the external id is empty")]
    Empty,
    /// The text is longer than [`MAX_EXTERNAL_ID_CHARS`] characters.
    #[error("the external id is longer than 64 characters")]
    TooLong,
    /// The text holds a control character.
    #[error("the external id holds a control character")]
    Character,
}

/// An `external_id` that an EHR takes without checking it (a profile whose rule is
/// "not checked", C43): 1 to 64 characters, no control characters, as written. It may well be
/// someone's national number of another country, so `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ExternalIdText(String);

impl ExternalIdText {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`ExternalIdTextError`] when it is empty, too long or holds a control character.
    pub fn new(text: &str) -> Result<Self, ExternalIdTextError> {
        if text.trim().is_empty() {
            return Err(ExternalIdTextError::Empty);
        }
        if text.chars().count() > MAX_EXTERNAL_ID_CHARS {
            return Err(ExternalIdTextError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(ExternalIdTextError::Character);
        }
        Ok(Self(text.to_owned()))
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ExternalIdText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExternalIdText(<redacted>)")
    }
}

/// What a patient's `external_id` holds: a national number, or text the EHR does not check.
/// `Debug` hides both.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExternalId {
    /// A national identity number.
    National(NationalId),
    /// Text an EHR takes as it is.
    Text(ExternalIdText),
}

impl ExternalId {
    /// The text Leyr's `external_id` carries.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            ExternalId::National(id) => id.as_str(),
            ExternalId::Text(text) => text.as_str(),
        }
    }

    /// The national number, if it is one.
    #[must_use]
    pub fn national_id(&self) -> Option<NationalId> {
        match self {
            ExternalId::National(id) => Some(*id),
            ExternalId::Text(_) => None,
        }
    }

    /// Reads an `external_id` from an answer: a national number where the digits are one
    /// ([`NationalId::from_digits`]), else the text as it is; `None` where it is not even
    /// valid text.
    #[must_use]
    pub fn read(text: &str) -> Option<ExternalId> {
        NationalId::from_digits(text)
            .map(ExternalId::National)
            .or_else(|| ExternalIdText::new(text).ok().map(ExternalId::Text))
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<NationalId> for ExternalId {
    fn from(id: NationalId) -> Self {
        ExternalId::National(id)
    }
}

impl From<Personnummer> for ExternalId {
    fn from(personnummer: Personnummer) -> Self {
        ExternalId::National(personnummer.into())
    }
}

impl From<Fodselsnummer> for ExternalId {
    fn from(fodselsnummer: Fodselsnummer) -> Self {
        ExternalId::National(fodselsnummer.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_write_their_digits_and_hide_them_from_debug() {
        let swedish = NationalId::from("197110021834".parse::<Personnummer>().unwrap());
        assert_eq!(swedish.to_string(), "197110021834");
        assert!(!format!("{swedish:?}").contains("1971"));
    }

    #[test]
    fn external_ids_read_national_numbers_first_and_hide_everything() {
        let swedish = ExternalId::read("197110021834").unwrap();
        assert!(matches!(
            swedish.national_id(),
            Some(NationalId::Personnummer(_))
        ));
        let norwegian = ExternalId::read("01010100050").unwrap();
        assert!(matches!(
            norwegian.national_id(),
            Some(NationalId::Fodselsnummer(_))
        ));
        let text = ExternalId::read("A-1234 x").unwrap();
        assert_eq!(text.national_id(), None);
        assert_eq!(text.as_str(), "A-1234 x");
        assert_eq!(ExternalId::read(""), None);
        assert_eq!(ExternalId::read("a\nb"), None);
        for id in [swedish, norwegian, text] {
            let debug = format!("{id:?}");
            assert!(!debug.contains("1971") && !debug.contains("0101") && !debug.contains("1234"));
        }
        assert_eq!(
            ExternalIdText::new(&"x".repeat(65)),
            Err(ExternalIdTextError::TooLong)
        );
    }
}
