//! A small JSON reader, enough to read what `cargo metadata` prints.
//!
//! It follows RFC 8259: objects, arrays, strings with every escape (surrogate pairs included),
//! numbers, `true`, `false` and `null`, with whitespace between tokens and nothing after the
//! value. Numbers are kept as their text, since nothing here does arithmetic with them. Nesting
//! is bounded so that hostile input cannot overflow the stack.

use std::fmt;

/// How deep arrays and objects may nest; `cargo metadata` needs a handful of levels.
const MAX_DEPTH: usize = 128;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written in the input.
    Number(String),
    /// A string, with its escapes decoded.
    String(String),
    /// An array, in order.
    Array(Vec<Json>),
    /// An object's members, in input order; a repeated key keeps every occurrence.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of the first member named `key`, if this is an object that has one.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub(crate) fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(elements) => Some(elements),
            _ => None,
        }
    }
}

/// Why a text is not one JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    /// Byte offset into the input where reading stopped.
    offset: usize,
    /// What was wrong there.
    message: &'static str,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid JSON at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses `text` as exactly one JSON value, optionally surrounded by whitespace.
///
/// # Errors
///
/// Returns where and why the text stops being JSON: a syntax error, a bad escape, nesting
/// deeper than the reader allows, or anything but whitespace after the value.
pub(crate) fn parse(text: &str) -> Result<Json, ParseError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        position: 0,
    };
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.position != reader.bytes.len() {
        return Err(reader.error("unexpected text after the value"));
    }
    Ok(value)
}

/// A cursor over the input.
struct Reader<'a> {
    /// The whole input, for slicing out runs of plain characters.
    text: &'a str,
    /// The same input as bytes, for looking at one byte at a time.
    bytes: &'a [u8],
    /// Byte offset of the next unread byte; always on a character boundary between tokens.
    position: usize,
}

impl Reader<'_> {
    fn error(&self, message: &'static str) -> ParseError {
        ParseError {
            offset: self.position,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.position += 1;
        }
    }

    /// Consumes `expected` or fails with `message`.
    fn expect(&mut self, expected: u8, message: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(expected) {
            self.position += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    /// Consumes the keyword `word` (`true`, `false` or `null`).
    fn keyword(&mut self, word: &str, value: Json) -> Result<Json, ParseError> {
        if self.bytes[self.position..].starts_with(word.as_bytes()) {
            self.position += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown literal"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("expected a value, found the end of the input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.keyword("true", Json::Bool(true)),
            Some(b'f') => self.keyword("false", Json::Bool(false)),
            Some(b'n') => self.keyword("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.position += 1; // `{`
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.position += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':', "expected `:` after an object key")?;
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b'}') => {
                    self.position += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.position += 1; // `[`
        let mut elements = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
            return Ok(Json::Array(elements));
        }
        loop {
            elements.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {
                    self.position += 1;
                    return Ok(Json::Array(elements));
                }
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    /// Reads a string starting at its opening quote and decodes its escapes.
    fn string(&mut self) -> Result<String, ParseError> {
        self.position += 1; // `"`
        let mut decoded = String::new();
        loop {
            // Copy the run of plain characters up to the next quote, backslash or control
            // character in one go. Those three are ASCII, so the run ends on a character
            // boundary and the slice is valid UTF-8.
            let start = self.position;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.position += 1;
            }
            decoded.push_str(&self.text[start..self.position]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.position += 1;
                    return Ok(decoded);
                }
                Some(b'\\') => {
                    self.position += 1;
                    decoded.push(self.escape()?);
                }
                Some(_) => return Err(self.error("unescaped control character in a string")),
            }
        }
    }

    /// Decodes one escape, the backslash already consumed.
    fn escape(&mut self) -> Result<char, ParseError> {
        let Some(letter) = self.peek() else {
            return Err(self.error("unterminated escape"));
        };
        self.position += 1;
        let decoded = match letter {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => {
                self.position -= 1;
                return Err(self.error("unknown escape"));
            }
        };
        Ok(decoded)
    }

    /// Decodes `XXXX` after `\u`, and the low half that must follow a high surrogate.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.position..].starts_with(b"\\u") {
                    return Err(self.error("a high surrogate must be followed by a low one"));
                }
                self.position += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("a high surrogate must be followed by a low one"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("a low surrogate without a high one")),
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.error("not a Unicode scalar value"))
    }

    /// Reads four hexadecimal digits.
    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|byte| char::from(byte).to_digit(16))
                .ok_or_else(|| self.error("expected four hexadecimal digits after `\\u`"))?;
            code = code * 16 + digit;
            self.position += 1;
        }
        Ok(code)
    }

    /// Reads `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and keeps its text.
    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.position;
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        match self.peek() {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.position += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.position += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.position += 1;
            }
            self.required_digits()?;
        }
        Ok(Json::Number(self.text[start..self.position].to_owned()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.position += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), ParseError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("expected a digit"));
        }
        self.digits();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Json {
        Json::String(text.to_owned())
    }

    #[test]
    fn scalars_parse() {
        assert_eq!(parse("null").unwrap(), Json::Null);
        assert_eq!(parse(" true ").unwrap(), Json::Bool(true));
        assert_eq!(parse("\nfalse\r\n").unwrap(), Json::Bool(false));
        for number in ["0", "-0", "12", "-3.25", "1e9", "6.02E+23", "1.5e-7"] {
            assert_eq!(parse(number).unwrap(), Json::Number(number.to_owned()));
        }
        assert_eq!(parse(r#""plain""#).unwrap(), string("plain"));
    }

    #[test]
    fn nested_values_keep_their_order() {
        let value = parse(r#" { "b" : [1, {"c": null}, []], "a": {} , "b": "again" } "#).unwrap();
        assert_eq!(
            value,
            Json::Object(vec![
                (
                    "b".to_owned(),
                    Json::Array(vec![
                        Json::Number("1".to_owned()),
                        Json::Object(vec![("c".to_owned(), Json::Null)]),
                        Json::Array(vec![]),
                    ])
                ),
                ("a".to_owned(), Json::Object(vec![])),
                ("b".to_owned(), string("again")),
            ])
        );
        // `get` takes the first of repeated keys.
        assert_eq!(
            value.get("b").and_then(Json::as_array).map(<[_]>::len),
            Some(3)
        );
        assert_eq!(value.get("missing"), None);
        assert_eq!(string("x").get("b"), None);
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(
            parse(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
            string("a\"b\\c/d\u{8}\u{c}\n\r\t")
        );
        assert_eq!(
            parse(r#""C:\\work\\crates""#).unwrap(),
            string("C:\\work\\crates")
        );
        assert_eq!(parse(r#""\u00e5\u00C4""#).unwrap(), string("åÄ"));
        assert_eq!(
            parse(r#""\ud83e\udd80 crab""#).unwrap(),
            string("\u{1f980} crab")
        );
        assert_eq!(parse("\"bär 🦀\"").unwrap(), string("bär 🦀"));
    }

    #[test]
    fn malformed_input_is_refused() {
        for bad in [
            "",
            "   ",
            "nul",
            "truth",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "{a: 1}",
            "\"open",
            "\"bad \\x escape\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\ud800\\u0041\"",
            "\"\\udc00\"",
            "\"tab\tinside\"",
            "01",
            "-",
            "1.",
            "1e",
            ".5",
            "+1",
            "[1] [2]",
            "{} x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn errors_say_where() {
        let error = parse("[1, x]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid JSON at byte 4: expected a value"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&deep).is_ok());
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&too_deep).is_err());
        // Unbalanced and very deep still ends in an error, not a stack overflow.
        assert!(parse(&"[{\"a\":".repeat(100_000)).is_err());
    }
}
