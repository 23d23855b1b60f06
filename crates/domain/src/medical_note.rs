//! Medical notes: unsigned journal entries written by a resource about a patient.

use std::fmt;

use crate::text::TextKind;

use chrono::{DateTime, FixedOffset};

use crate::ids::{NoteId, ResourceId};

/// The longest note title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest note text accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 100_000;

/// Leyr's note templates. `leyr_unstructured` works with every EHR that supports notes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoteTemplate {
    /// `leyr_unstructured`: free text.
    Unstructured,
    /// `leyr_acute_visit`.
    AcuteVisit,
    /// `leyr_new_visit_psychology`.
    NewVisitPsychology,
    /// `leyr_follow_up_visit_psychology`.
    FollowUpVisitPsychology,
    /// `leyr_care_status`.
    CareStatus,
    /// Any other template id, kept as sent.
    Other(String),
}

impl NoteTemplate {
    /// The template id as Leyr writes it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unstructured => "leyr_unstructured",
            Self::AcuteVisit => "leyr_acute_visit",
            Self::NewVisitPsychology => "leyr_new_visit_psychology",
            Self::FollowUpVisitPsychology => "leyr_follow_up_visit_psychology",
            Self::CareStatus => "leyr_care_status",
            Self::Other(id) => id,
        }
    }

    /// The template for Leyr's id.
    #[must_use]
    pub fn from_wire(id: &str) -> Self {
        match id {
            "leyr_unstructured" => Self::Unstructured,
            "leyr_acute_visit" => Self::AcuteVisit,
            "leyr_new_visit_psychology" => Self::NewVisitPsychology,
            "leyr_follow_up_visit_psychology" => Self::FollowUpVisitPsychology,
            "leyr_care_status" => Self::CareStatus,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Why a note's title or text is not valid. Never echoes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// Empty or only whitespace.
    #[error("the note title or text is empty")]
    Empty,
    /// Longer than the limit ([`MAX_TITLE_CHARS`] or [`MAX_NOTE_CHARS`]).
    #[error("the note title or text is too long")]
    TooLong,
    /// Holds a control character other than a line break or tab.
    #[error("the note title or text holds a control character")]
    ControlCharacter,
}

fn check_text(text: &str, max_chars: usize, allow_newlines: bool) -> Result<(), NoteError> {
    if text.trim().is_empty() {
        return Err(NoteError::Empty);
    }
    if text.chars().count() > max_chars {
        return Err(NoteError::TooLong);
    }
    let kind = if allow_newlines {
        TextKind::MultiLine
    } else {
        TextKind::SingleLine
    };
    if !kind.allows(text) {
        return Err(NoteError::ControlCharacter);
    }
    Ok(())
}

/// A note's title: 1 to [`MAX_TITLE_CHARS`] characters on one line. Hidden from `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NoteTitle(String);

impl NoteTitle {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`NoteError`] when it is empty, too long or holds control characters.
    pub fn new(text: impl Into<String>) -> Result<Self, NoteError> {
        let text = text.into();
        check_text(&text, MAX_TITLE_CHARS, false)?;
        Ok(Self(text))
    }

    /// The title.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NoteTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoteTitle(<redacted>)")
    }
}

/// A note's free text: 1 to [`MAX_NOTE_CHARS`] characters. Hidden from `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NoteText(String);

impl NoteText {
    /// Checks `text`.
    ///
    /// # Errors
    /// [`NoteError`] when it is empty, too long or holds control characters.
    pub fn new(text: impl Into<String>) -> Result<Self, NoteError> {
        let text = text.into();
        check_text(&text, MAX_NOTE_CHARS, true)?;
        Ok(Self(text))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NoteText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoteText(<redacted>)")
    }
}

/// A note to write. Notes are created unsigned; a clinician signs them later in the EHR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMedicalNote {
    /// The template, usually [`NoteTemplate::Unstructured`].
    pub template: NoteTemplate,
    /// The title.
    pub title: NoteTitle,
    /// The author: a resource of the care unit (`created_by_id`).
    pub author: ResourceId,
    /// The free text (`content.unstructured`).
    pub text: NoteText,
}

/// A note as the EHR keeps it. Fields Leyr does not document are optional (contract C13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicalNote {
    /// The EHR's id.
    pub id: NoteId,
    /// When it was written.
    pub created_at: DateTime<FixedOffset>,
    /// Its template.
    pub template: Option<NoteTemplate>,
    /// Its title.
    pub title: Option<NoteTitle>,
    /// Its author.
    pub author: Option<ResourceId>,
    /// Its free text, for unstructured notes.
    pub text: Option<NoteText>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_texts_are_bounded_and_redacted() {
        assert_eq!(NoteTitle::new(" "), Err(NoteError::Empty));
        assert_eq!(NoteTitle::new("a\nb"), Err(NoteError::ControlCharacter));
        assert_eq!(NoteTitle::new("x".repeat(201)), Err(NoteError::TooLong));
        assert!(NoteText::new("line one\nline two").is_ok());
        assert_eq!(NoteText::new("x".repeat(100_001)), Err(NoteError::TooLong));
        let text = NoteText::new("Patient reports mild headache.").unwrap();
        assert_eq!(format!("{text:?}"), "NoteText(<redacted>)");
    }

    #[test]
    fn templates_round_trip() {
        for id in ["leyr_unstructured", "leyr_care_status", "custom"] {
            assert_eq!(NoteTemplate::from_wire(id).as_str(), id);
        }
    }
}
