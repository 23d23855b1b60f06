//! Request bodies: read with a size limit, parsed as JSON, checked field by field so every
//! problem is reported at once with its path (C12, C19, C30).
//!
//! Bodies are read inside the handlers, after the route, `{emr}`, care unit and id checks, so
//! the check order of C30 holds even for a body that is too large or not JSON.

use std::future::poll_fn;
use std::pin::Pin;

use axum::body::{Body, Bytes, HttpBody};
use leyr_http::wire::{ErrorCode, ProblemEntry};
use serde_json::{Map, Value};

use crate::problem::{ApiError, FieldPath, entry};

/// The largest JSON body most routes take: 1 MiB.
pub(crate) const JSON_LIMIT_BYTES: usize = 1024 * 1024;

/// The largest JSON body the document route takes: 14 MiB.
///
/// C27 allows documents of up to 10 MiB once decoded. Their base64 text is 4/3 as long
/// (13 981 016 bytes for exactly 10 MiB), which the general 1 MiB limit would refuse with 413
/// before C27's own `BAD_INPUT` could apply. The document route alone therefore takes up to
/// 14 MiB of JSON: room for 10 MiB of content plus the other fields. Larger bodies get 413.
pub(crate) const DOCUMENT_LIMIT_BYTES: usize = 14 * 1024 * 1024;

/// Reads the whole body, refusing more than `limit` bytes with 413.
async fn read_limited(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let announced = body.size_hint().lower();
    if usize::try_from(announced).map_or(true, |announced| announced > limit) {
        return Err(ApiError::payload_too_large(limit));
    }
    let mut collected = Vec::new();
    while let Some(frame) = poll_fn(|context| Pin::new(&mut body).poll_frame(context)).await {
        let frame = frame
            .map_err(|_| ApiError::field(ErrorCode::BadInput, Some(FieldPath::whole_body())))?;
        if let Ok(data) = frame.into_data() {
            if collected.len() + data.len() > limit {
                return Err(ApiError::payload_too_large(limit));
            }
            collected.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(collected))
}

/// Reads the body as a JSON object. An empty body counts as `{}`, so its required fields are
/// reported missing. Anything that is not a JSON object is `BAD_INPUT` at `["body"]`.
pub(crate) async fn json_object(body: Body, limit: usize) -> Result<Fields, ApiError> {
    let bytes = read_limited(body, limit).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Fields::new(Map::new()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(Fields::new(map)),
        _ => Err(ApiError::field(
            ErrorCode::BadInput,
            Some(FieldPath::whole_body()),
        )),
    }
}

/// The fields of a JSON object body and the problems found so far.
#[derive(Debug)]
pub(crate) struct Fields {
    map: Map<String, Value>,
    errors: Vec<ProblemEntry>,
}

impl Fields {
    /// The fields of `map`, no problems yet.
    pub(crate) fn new(map: Map<String, Value>) -> Self {
        Self {
            map,
            errors: Vec::new(),
        }
    }

    /// The value of `name`, unless missing or `null`.
    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|value| !value.is_null())
    }

    /// Whether `name` is present and not `null`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Records a problem with `code` at `path`.
    pub(crate) fn problem(&mut self, code: ErrorCode, path: FieldPath) {
        self.errors.push(entry(code, Some(path)));
    }

    /// Records the entries of `error`.
    pub(crate) fn push(&mut self, error: &ApiError) {
        self.errors.extend(error.entries().iter().cloned());
    }

    /// Keeps the value of `result`, recording its error.
    pub(crate) fn check<T>(&mut self, result: Result<T, ApiError>) -> Option<T> {
        result.map_err(|error| self.push(&error)).ok()
    }

    /// A required string: missing, `null` or blank is `MISSING_REQUIRED_FIELD`, another JSON
    /// type is `BAD_INPUT`.
    pub(crate) fn required_text(&mut self, name: &str) -> Option<String> {
        match self.get(name) {
            None => {
                self.problem(ErrorCode::MissingRequiredField, FieldPath::body(name));
                None
            }
            Some(Value::String(text)) if text.trim().is_empty() => {
                self.problem(ErrorCode::MissingRequiredField, FieldPath::body(name));
                None
            }
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                self.problem(ErrorCode::BadInput, FieldPath::body(name));
                None
            }
        }
    }

    /// An optional string: missing or `null` is `None`, another JSON type is `BAD_INPUT`.
    /// `Err(())` means the problem was recorded.
    pub(crate) fn optional_text(&mut self, name: &str) -> Result<Option<String>, ()> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => {
                self.problem(ErrorCode::BadInput, FieldPath::body(name));
                Err(())
            }
        }
    }

    /// An optional list of strings: missing or `null` is empty; a non-list is `BAD_INPUT` at
    /// the field, a non-string element `BAD_INPUT` at its index.
    pub(crate) fn text_list(&mut self, name: &str) -> Vec<(usize, String)> {
        let items = match self.get(name) {
            None => return Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(_) => {
                self.problem(ErrorCode::BadInput, FieldPath::body(name));
                return Vec::new();
            }
        };
        let mut texts = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match item {
                Value::String(text) => texts.push((index, text)),
                _ => self.problem(ErrorCode::BadInput, FieldPath::body(name).index(index)),
            }
        }
        texts
    }

    /// `Ok` when no problem was found, else one 400 listing them all.
    pub(crate) fn finish(&mut self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::bad_request(std::mem::take(&mut self.errors)))
        }
    }
}
