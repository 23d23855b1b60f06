//! The free-text rule of contract C41, in one place: which characters a field of text may hold.
//!
//! Every free-text value type of the domain checks its text with [`TextKind::allows`]: names,
//! note and document titles and document types hold no control character at all; comments and
//! note text may hold tab, line feed and carriage return, and no other. Control characters in
//! an EHR record or a log line are an injection risk and never part of real text.

/// How much of a line a text field may span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextKind {
    /// One line: no control character at all (names, titles, document types).
    SingleLine,
    /// Several lines: tab, line feed and carriage return allowed, no other control character
    /// (comments, note text).
    MultiLine,
}

impl TextKind {
    /// Whether `text` holds only characters this kind of field allows.
    #[must_use]
    pub fn allows(self, text: &str) -> bool {
        text.chars().all(|c| {
            !c.is_control() || (self == TextKind::MultiLine && matches!(c, '\t' | '\n' | '\r'))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c41_single_lines_hold_no_control_character_and_multi_lines_only_tab_and_line_breaks() {
        assert!(TextKind::SingleLine.allows("Läkare Ehn (läk)"));
        assert!(TextKind::MultiLine.allows("First visit\r\n\tfollow-up"));
        for control in ['\n', '\r', '\t', '\u{0}', '\u{1b}', '\u{7f}', '\u{85}'] {
            let text = format!("a{control}b");
            assert!(!TextKind::SingleLine.allows(&text), "{control:?}");
        }
        for control in ['\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{8}'] {
            let text = format!("a{control}b");
            assert!(!TextKind::MultiLine.allows(&text), "{control:?}");
        }
    }
}
