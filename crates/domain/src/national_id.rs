//! A patient's national identity number, of whichever country: what Leyr's `external_id`
//! carries (§3.7, §9.2).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_write_their_digits_and_hide_them_from_debug() {
        let swedish = NationalId::from("197110021834".parse::<Personnummer>().unwrap());
        assert_eq!(swedish.to_string(), "197110021834");
        assert!(!format!("{swedish:?}").contains("1971"));
    }
}
