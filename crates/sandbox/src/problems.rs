//! The problems of one request, collected so that every one is reported in a single answer
//! (C19, C30), and the readings of a body's [`Input`] fields that record them.

use leyr_wire::{ErrorCode, Field, FieldPath, Input, ProblemEntry};

use crate::problem::ApiError;

/// The problems found in a request so far, in the order found.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<ProblemEntry>);

impl Problems {
    /// No problems yet.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records `code` at `path`.
    pub(crate) fn add(&mut self, code: ErrorCode, path: &FieldPath) {
        self.0.push(ProblemEntry::new(code, Some(path)));
    }

    /// Records every entry of a 400.
    pub(crate) fn extend(&mut self, error: ApiError) {
        self.0.extend(error.into_entries());
    }

    /// The value of `result`, or `None` with its entries recorded.
    pub(crate) fn check<T>(&mut self, result: Result<T, ApiError>) -> Option<T> {
        result.map_err(|error| self.extend(error)).ok()
    }

    /// Whether nothing was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing was found, else one 400 listing everything.
    ///
    /// # Errors
    /// The 400, when there is a problem.
    pub(crate) fn finish(&mut self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_request(std::mem::take(&mut self.0)))
        }
    }

    /// A required text field: missing, `null` or blank is `MISSING_REQUIRED_FIELD`, another
    /// JSON type `BAD_INPUT`, both at `path`.
    pub(crate) fn required<'a>(
        &mut self,
        input: &'a Input<String>,
        path: &FieldPath,
    ) -> Option<&'a str> {
        match input {
            Input::Value(text) if !text.trim().is_empty() => Some(text),
            Input::Value(_) | Input::Absent | Input::Null => {
                self.add(ErrorCode::MissingRequiredField, path);
                None
            }
            Input::Invalid(_) => {
                self.add(ErrorCode::BadInput, path);
                None
            }
        }
    }

    /// An optional text field: missing or `null` is `None`; another JSON type is `None` with
    /// `BAD_INPUT` at `path`.
    pub(crate) fn optional<'a>(
        &mut self,
        input: &'a Input<String>,
        path: &FieldPath,
    ) -> Option<&'a str> {
        match input {
            Input::Value(text) => Some(text),
            Input::Absent | Input::Null => None,
            Input::Invalid(_) => {
                self.add(ErrorCode::BadInput, path);
                None
            }
        }
    }

    /// An optional list of texts, each with its index: missing or `null` is empty; a value that
    /// is not a list is `BAD_INPUT` at `path`, an element that is not text `BAD_INPUT` at its
    /// index.
    pub(crate) fn texts<'a>(
        &mut self,
        input: &'a Input<Vec<Input<String>>>,
        path: &FieldPath,
    ) -> Vec<(usize, &'a str)> {
        let items = match input {
            Input::Value(items) => items,
            Input::Absent | Input::Null => return Vec::new(),
            Input::Invalid(_) => {
                self.add(ErrorCode::BadInput, path);
                return Vec::new();
            }
        };
        let mut texts = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Input::Value(text) => texts.push((index, text.as_str())),
                _ => self.add(ErrorCode::BadInput, &path.clone().index(index)),
            }
        }
        texts
    }

    /// Records `BAD_INPUT` at `["body", field]` for each field given (present and not `null`):
    /// fields a request of this kind must leave out.
    pub(crate) fn refuse(&mut self, given: &[(Field, bool)]) {
        for (field, present) in given {
            if *present {
                self.add(ErrorCode::BadInput, &FieldPath::body(*field));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn text(value: &str) -> Input<String> {
        Input::Value(value.to_owned())
    }

    fn found(problems: &mut Problems) -> Vec<(String, Value)> {
        match problems.finish() {
            Ok(()) => Vec::new(),
            Err(error) => error
                .entries()
                .iter()
                .map(|entry| {
                    let code = entry.error_code.as_ref().map(ErrorCode::as_string);
                    (code.unwrap_or_default(), entry.path.clone())
                })
                .collect(),
        }
    }

    #[test]
    fn required_text_tells_missing_from_the_wrong_type() {
        let mut problems = Problems::new();
        let at = FieldPath::body(Field::FirstName);
        assert_eq!(problems.required(&text("Tolvan"), &at), Some("Tolvan"));
        assert!(problems.is_empty());
        for missing in [Input::Absent, Input::Null, text(" \t")] {
            assert_eq!(problems.required(&missing, &at), None);
        }
        assert_eq!(problems.required(&Input::Invalid(json!(7)), &at), None);
        let missing = (ErrorCode::MissingRequiredField.as_string(), at.to_value());
        let bad = (ErrorCode::BadInput.as_string(), at.to_value());
        assert_eq!(
            found(&mut problems),
            [missing.clone(), missing.clone(), missing, bad]
        );
        assert!(
            problems.finish().is_ok(),
            "finishing hands the problems over"
        );
    }

    #[test]
    fn optional_text_and_lists_report_every_element_at_its_index() {
        let mut problems = Problems::new();
        let at = FieldPath::body(Field::Phones);
        assert_eq!(problems.optional(&Input::Null, &at), None);
        assert_eq!(problems.optional(&text("x"), &at), Some("x"));
        let list = Input::Value(vec![text("a"), Input::Invalid(json!(1)), Input::Null]);
        assert_eq!(problems.texts(&list, &at), [(0, "a")]);
        assert!(problems.texts(&Input::Absent, &at).is_empty());
        assert!(problems.texts(&Input::Invalid(json!({})), &at).is_empty());
        problems.refuse(&[(Field::Start, true), (Field::End, false)]);
        let bad = |path: FieldPath| (ErrorCode::BadInput.as_string(), path.to_value());
        assert_eq!(
            found(&mut problems),
            [
                bad(at.clone().index(1)),
                bad(at.clone().index(2)),
                bad(at),
                bad(FieldPath::body(Field::Start)),
            ]
        );
    }
}
