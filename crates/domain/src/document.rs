//! Documents attached to a patient: a PDF or an image, uploaded whole.

use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::ids::{DocumentId, ResourceId};
use crate::text::TextKind;

/// The largest document accepted, in bytes once decoded (contract C27).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// A document's format, as a MIME type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentFormat {
    /// `application/pdf`.
    Pdf,
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// Any other MIME type, kept as sent.
    Other(String),
}

impl DocumentFormat {
    /// The MIME type.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Other(mime) => mime,
        }
    }

    /// The format for a MIME type.
    #[must_use]
    pub fn from_mime(mime: &str) -> Self {
        match mime {
            "application/pdf" => Self::Pdf,
            "image/jpeg" => Self::Jpeg,
            "image/png" => Self::Png,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Why a document cannot be uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// The content is empty.
    #[error("the document is empty")]
    Empty,
    /// The content is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the document is larger than 10 MiB")]
    TooLarge,
    /// The title or type is empty, longer than 200 characters or holds a control character.
    #[error("the document title and type must be 1 to 200 characters on one line")]
    Label,
}

/// A document to upload. `Debug` shows only the size of the content.
#[derive(Clone, PartialEq, Eq)]
pub struct NewDocument {
    title: String,
    kind: String,
    format: DocumentFormat,
    author: ResourceId,
    content: Vec<u8>,
}

impl NewDocument {
    /// A document with a title, a free-text type (e.g. "Lab Result"), a format, an author and
    /// its bytes.
    ///
    /// # Errors
    /// [`DocumentError`] when the content is empty or too large, or a label is empty, too long
    /// or holds a control character (C41).
    pub fn new(
        title: impl Into<String>,
        kind: impl Into<String>,
        format: DocumentFormat,
        author: ResourceId,
        content: Vec<u8>,
    ) -> Result<Self, DocumentError> {
        let (title, kind) = (title.into(), kind.into());
        // C41: a title and a type are single lines.
        let label_ok = |text: &str| {
            !text.trim().is_empty()
                && text.chars().count() <= 200
                && TextKind::SingleLine.allows(text)
        };
        if !label_ok(&title) || !label_ok(&kind) {
            return Err(DocumentError::Label);
        }
        if content.is_empty() {
            return Err(DocumentError::Empty);
        }
        if content.len() > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge);
        }
        Ok(Self {
            title,
            kind,
            format,
            author,
            content,
        })
    }

    /// The title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The free-text type, e.g. "Lab Result".
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The format.
    #[must_use]
    pub fn format(&self) -> &DocumentFormat {
        &self.format
    }

    /// The author.
    #[must_use]
    pub fn author(&self) -> &ResourceId {
        &self.author
    }

    /// The bytes.
    #[must_use]
    pub fn content(&self) -> &[u8] {
        &self.content
    }
}

impl fmt::Debug for NewDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDocument")
            .field("format", &self.format)
            .field("author", &self.author)
            .field("bytes", &self.content.len())
            .finish_non_exhaustive()
    }
}

/// A document's metadata as the EHR keeps it; the content is never echoed.
#[derive(Clone, PartialEq, Eq)]
pub struct Document {
    /// The EHR's id.
    pub id: DocumentId,
    /// The title.
    pub title: Option<String>,
    /// The free-text type.
    pub kind: Option<String>,
    /// The format.
    pub format: Option<DocumentFormat>,
    /// The author.
    pub author: Option<ResourceId>,
    /// When it was attached.
    pub created_at: Option<DateTime<FixedOffset>>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("id", &self.id)
            .field("format", &self.format)
            .field("author", &self.author)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(title: &str, kind: &str) -> Result<NewDocument, DocumentError> {
        let author = ResourceId::new("10-991890000019").unwrap();
        NewDocument::new(
            title,
            kind,
            DocumentFormat::Pdf,
            author,
            b"%PDF-1.4".to_vec(),
        )
    }

    #[test]
    fn c41_titles_and_types_are_single_lines() {
        assert!(document("Blood Test Results", "Lab Result").is_ok());
        for (title, kind) in [
            ("Blood\nTest", "Lab Result"),
            ("Blood Test", "Lab\tResult"),
            ("Blood\u{1b}[31m", "Lab Result"),
            ("", "Lab Result"),
        ] {
            assert_eq!(
                document(title, kind),
                Err(DocumentError::Label),
                "{title:?} {kind:?}"
            );
        }
    }
}
