//! Request bodies: read with a size limit, then read as the `leyr-wire` request type (C12, C19,
//! C30).
//!
//! Bodies are read inside the handlers, after the route, `{emr}`, care unit and profile checks;
//! a handler that must check ids first keeps the body's error until then, so the check order of
//! C30 holds even for a body that is too large or not JSON.

use axum::body::{Body, Bytes, HttpBody};
use leyr_wire::{ErrorCode, FieldPath};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::problem::ApiError;

/// The largest JSON body most routes take: 1 MiB.
pub(crate) const JSON_LIMIT_BYTES: usize = 1024 * 1024;

/// The largest JSON body the document route takes: 14 MiB.
///
/// C27 allows documents of up to 10 MiB once decoded. Their base64 text is 4/3 as long
/// (13 981 016 bytes for exactly 10 MiB), which the general 1 MiB limit would refuse with 413
/// before C27's own `BAD_INPUT` could apply. The document route alone therefore takes up to
/// 14 MiB of JSON: room for 10 MiB of content plus the other fields. Larger bodies get 413.
pub(crate) const DOCUMENT_LIMIT_BYTES: usize = 14 * 1024 * 1024;

/// Reads the whole body, refusing more than `limit` bytes with 413: at once when the request
/// announces a larger size, else as soon as the bytes read pass the limit. A body that breaks
/// off is `BAD_INPUT` at `["body"]`.
async fn read_limited(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let announced = body.size_hint().lower();
    if usize::try_from(announced).map_or(true, |announced| announced > limit) {
        return Err(ApiError::payload_too_large(limit));
    }
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        // The body's own failure comes back as the `axum::Error` it raised; any other cause is
        // the limit.
        let broke_off =
            std::error::Error::source(&error).is_some_and(|cause| cause.is::<axum::Error>());
        if broke_off {
            ApiError::field(ErrorCode::BadInput, Some(&FieldPath::whole_body()))
        } else {
            ApiError::payload_too_large(limit)
        }
    })
}

/// Reads the body as `T`, a `leyr-wire` request type whose fields are all `Input`s, so that a
/// JSON object always reads and every problem of its fields is left to the handler (C19).
///
/// An empty body counts as `{}`, so its required fields are reported missing. Anything that
/// is not one JSON object (an array, a scalar, two objects, text that is not JSON) is
/// `BAD_INPUT` at `["body"]`. A key given twice keeps its last value, as JSON readers commonly
/// do.
///
/// # Errors
/// 413 `PAYLOAD_TOO_LARGE` over `limit` bytes; `BAD_INPUT` at `["body"]` for anything but a
/// JSON object.
pub(crate) async fn read<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, ApiError> {
    let object = read_object(body, limit).await?;
    from_object(&object)
}

/// Reads the body as a JSON object, to be read as more than one request type with
/// [`from_object`]; see [`read`].
///
/// # Errors
/// As [`read`].
pub(crate) async fn read_object(body: Body, limit: usize) -> Result<Value, ApiError> {
    let bytes = read_limited(body, limit).await?;
    parse_object(&bytes)
}

/// `object`, a JSON object, read as `T`.
///
/// # Errors
/// `BAD_INPUT` at `["body"]` if `T` cannot read it, which a type of `Input` fields always can.
pub(crate) fn from_object<T: DeserializeOwned>(object: &Value) -> Result<T, ApiError> {
    T::deserialize(object).map_err(|_| not_an_object())
}

fn not_an_object() -> ApiError {
    ApiError::field(ErrorCode::BadInput, Some(&FieldPath::whole_body()))
}

/// The body `bytes` as a JSON object; see [`read`].
fn parse_object(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    // Reading a `Value` first keeps the top level to objects (a struct would also read from an
    // array, field by field) and lets a repeated key keep its last value.
    match serde_json::from_slice::<Value>(bytes) {
        Ok(object @ Value::Object(_)) => Ok(object),
        _ => Err(not_an_object()),
    }
}

/// The body `bytes` as `T`; see [`read`].
#[cfg(test)]
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    from_object(&parse_object(bytes)?)
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use axum::http::StatusCode;
    use leyr_wire::Input;

    use super::*;

    /// A request type of the same make as `leyr-wire`'s: every field an `Input`.
    #[derive(Debug, Default, serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        alpha: Input<String>,
        #[serde(default)]
        beta: Input<String>,
        #[serde(default)]
        gamma: Input<String>,
        #[serde(default)]
        list: Input<Vec<Input<String>>>,
    }

    fn first_path(error: &ApiError) -> Value {
        error.entries()[0].path.clone()
    }

    #[test]
    fn a_json_object_reads_field_by_field_and_anything_else_is_bad_input_at_body() {
        let body: Probe = parse(br#"{"alpha": 7, "beta": null, "list": ["x", 1]}"#).unwrap();
        assert!(matches!(body.alpha, Input::Invalid(_)));
        assert_eq!(body.beta, Input::Null);
        assert_eq!(body.gamma, Input::Absent);
        assert!(matches!(&body.list, Input::Value(items) if items.len() == 2));
        for bad in [
            &b"["[..],
            b"[]",
            b"[{}]",
            b"[\"x\"]",
            b"\"text\"",
            b"42",
            b"null",
            b"{} {}",
            b"\xef\xbb\xbf{}",
            b"{\"alpha\": \"\xff\"}",
        ] {
            let error = parse::<Probe>(bad).unwrap_err();
            assert_eq!(first_path(&error), serde_json::json!(["body"]), "{bad:?}");
        }
    }

    #[test]
    fn an_empty_body_is_an_empty_object_and_a_repeated_key_keeps_its_last_value() {
        let body: Probe = parse(b" \n").unwrap();
        assert!(body.alpha.is_absent() && body.list.is_absent());
        let body: Probe = parse(br#"{"alpha": "first", "alpha": "last"}"#).unwrap();
        assert_eq!(body.alpha, Input::Value("last".to_owned()));
    }

    /// A body sent in chunks without announcing its size, which may break off at the end as a
    /// lost connection does.
    struct Chunks {
        chunks: Vec<&'static [u8]>,
        breaks_off: bool,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the connection broke off")]
    struct BrokeOff;

    impl HttpBody for Chunks {
        type Data = Bytes;
        type Error = BrokeOff;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _context: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, BrokeOff>>> {
            if self.chunks.is_empty() {
                return Poll::Ready(self.breaks_off.then_some(Err(BrokeOff)));
            }
            let chunk = self.chunks.remove(0);
            Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::from_static(chunk)))))
        }
    }

    fn chunks(chunks: &[&'static [u8]], breaks_off: bool) -> Body {
        Body::new(Chunks {
            chunks: chunks.to_vec(),
            breaks_off,
        })
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_413_and_one_that_breaks_off_is_bad_input() {
        let announced = Body::from(vec![b' '; 11]);
        let error = read::<Probe>(announced, 10).await.unwrap_err();
        assert_eq!(error.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let streamed = chunks(&[b"{    ", b"     ", b"}"], false);
        let error = read::<Probe>(streamed, 10).await.unwrap_err();
        assert_eq!(error.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let exact = chunks(&[b"{    ", b"    }"], false);
        assert!(read::<Probe>(exact, 10).await.is_ok());
        let broken = chunks(&[b"{"], true);
        let error = read::<Probe>(broken, 10).await.unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(first_path(&error), serde_json::json!(["body"]));
    }
}
