//! Identifiers: opaque strings issued by the EHR or by Leyr (contract C8).
//!
//! An id is never parsed or made up by this crate: it only checks that the text can travel safely
//! (not empty, at most [`MAX_ID_LEN`] bytes, no control characters, no surrounding whitespace).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Why a text is not an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The text is empty.
    #[error("an id must not be empty")]
    Empty,
    /// The text is longer than [`MAX_ID_LEN`] bytes.
    #[error("an id must be at most 256 bytes long")]
    TooLong,
    /// The text holds a control character or starts or ends with whitespace.
    #[error("an id must not contain control characters or surrounding whitespace")]
    InvalidCharacter,
}

pub(crate) fn check_id(text: &str) -> Result<(), IdError> {
    if text.is_empty() {
        return Err(IdError::Empty);
    }
    if text.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    if text.chars().any(char::is_control) || text.trim() != text {
        return Err(IdError::InvalidCharacter);
    }
    Ok(())
}

macro_rules! opaque_id {
    ($(#[$meta:meta])* $name:ident, debug = shown) => {
        opaque_id!(@define $(#[$meta])* $name);
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, debug = redacted) => {
        opaque_id!(@define $(#[$meta])* $name);
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
    (@define $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Cloning is cheap: the text is shared, not copied.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// Checks `text` and wraps it.
            ///
            /// # Errors
            /// [`IdError`] when the text is empty, too long or holds control characters.
            pub fn new(text: impl AsRef<str>) -> Result<Self, IdError> {
                let text = text.as_ref();
                check_id(text)?;
                Ok(Self(Arc::from(text)))
            }

            /// The id as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<Self, IdError> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;
            fn try_from(text: &str) -> Result<Self, IdError> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::new(text)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

opaque_id!(
    /// A care unit: a physical place where care is given, e.g. `10` in the TakeCare sandbox.
    CareUnitId, debug = shown
);
opaque_id!(
    /// A bookable resource (a clinician or a piece of equipment), e.g. `10-991890000019`.
    ///
    /// Never validate a resource id as a personnummer: TakeCare's contain numbers of the same shape.
    ResourceId, debug = shown
);
/// `text` without an `emr_id:` prefix: a bare value is an EHR id, so `emr_id:abc` and `abc` name
/// the same record (contract §2.2, C21); ids are compared in this form (C38).
#[must_use]
pub fn without_emr_prefix(text: &str) -> &str {
    text.strip_prefix("emr_id:").unwrap_or(text)
}

impl ResourceId {
    /// The EHR's own id, without an `emr_id:` prefix: the form to compare and to key by.
    #[must_use]
    pub fn ehr_value(&self) -> &str {
        without_emr_prefix(self.as_str())
    }
}

opaque_id!(
    /// A healthcare service: a type of appointment, e.g. `1001`.
    HealthcareServiceId, debug = shown
);
opaque_id!(
    /// An appointment, issued by the EHR.
    AppointmentId, debug = shown
);
opaque_id!(
    /// A medical note, issued by the EHR.
    NoteId, debug = shown
);
opaque_id!(
    /// A document attached to a patient, issued by the EHR.
    DocumentId, debug = shown
);
opaque_id!(
    /// Leyr's own id of a patient (the `id` field). Never used to address a patient (contract C5).
    LeyrPatientId, debug = shown
);
opaque_id!(
    /// The EHR's own id of a patient (`emr_id`). In TakeCare it is the personnummer, so it is
    /// personal data: `Debug` never shows it.
    PatientEmrId, debug = redacted
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reject_empty_long_and_control_text() {
        assert_eq!(CareUnitId::new(""), Err(IdError::Empty));
        assert_eq!(CareUnitId::new("x".repeat(257)), Err(IdError::TooLong));
        assert_eq!(CareUnitId::new("a\nb"), Err(IdError::InvalidCharacter));
        assert_eq!(CareUnitId::new(" 10"), Err(IdError::InvalidCharacter));
        assert_eq!(
            CareUnitId::new("x".repeat(256)).map(|id| id.as_str().len()),
            Ok(256)
        );
    }

    #[test]
    fn ids_keep_their_text_verbatim() {
        let resource: ResourceId = "10-991890000019".parse().unwrap();
        assert_eq!(resource.to_string(), "10-991890000019");
        assert_eq!(format!("{resource:?}"), "ResourceId(\"10-991890000019\")");
    }

    #[test]
    fn resource_ids_compare_without_the_emr_id_prefix() {
        let typed = ResourceId::new("emr_id:10-991890000019").unwrap();
        let bare = ResourceId::new("10-991890000019").unwrap();
        assert_eq!(typed.ehr_value(), bare.ehr_value());
        assert_eq!(without_emr_prefix("hsa_id:SE1"), "hsa_id:SE1");
    }

    #[test]
    fn patient_emr_id_debug_is_redacted() {
        let id = PatientEmrId::new("197110021834").unwrap();
        assert_eq!(format!("{id:?}"), "PatientEmrId(<redacted>)");
        assert_eq!(id.as_str(), "197110021834");
    }
}
