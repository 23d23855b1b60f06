//! Path segments on the wire (C9): each segment percent-encoded on its own, `:` left raw.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Every byte but ALPHA, DIGIT, `-`, `.`, `_`, `~` and `:` is encoded (C9): RFC 3986's
/// unreserved characters, plus the colon Leyr's examples leave raw in typed ids.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// Percent-encodes one path segment (C9); `/` included, so a value can never add a segment.
#[must_use]
pub fn encode(segment: &str) -> Cow<'_, str> {
    utf8_percent_encode(segment, SEGMENT).into()
}

/// Decodes each `%XX` of `segment` exactly once (C9: `%3A` reads as `:`). A `%` not followed by
/// two hex digits stays as it is, and bytes that are not UTF-8 become U+FFFD, so a bad segment
/// still reads as some (unknown) id rather than failing the request.
#[must_use]
pub fn decode(segment: &str) -> Cow<'_, str> {
    percent_decode_str(segment).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_colons_and_encode_slashes_and_plus() {
        assert_eq!(
            encode("se_personal_number:197110021834"),
            "se_personal_number:197110021834"
        );
        assert_eq!(encode("a/b c+d"), "a%2Fb%20c%2Bd");
        assert_eq!(encode("Läk"), "L%C3%A4k");
        assert_eq!(encode("-._~"), "-._~");
    }

    #[test]
    fn segments_are_decoded_once_with_u_fffd_for_bytes_that_are_not_utf8() {
        assert_eq!(decode("emr_id%3A10"), "emr_id:10");
        assert_eq!(decode("emr_id%3a10"), "emr_id:10");
        assert_eq!(decode("a%253Ab"), "a%3Ab");
        assert_eq!(decode("%C3%A5"), "å");
        assert_eq!(decode("%FFx"), "\u{FFFD}x");
        for kept in ["%", "%Z", "%ZZ", "100%", "%4"] {
            assert_eq!(decode(kept), kept);
        }
    }

    #[test]
    fn decoding_undoes_encoding() {
        for text in ["a/b c+d", "Läkare Ehn (läk)", "emr_id:x%y", "\u{1F600}"] {
            assert_eq!(decode(&encode(text)), text);
        }
    }
}
