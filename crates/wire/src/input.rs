//! [`Input`]: one field of a request body as it arrived, so that every problem of a body can
//! be reported at once (C19) instead of failing at the first.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A request field as sent: left out, `null`, of a JSON type that does not fit, or a value.
///
/// Request types hold every field as an `Input`, so a body that is a JSON object always
/// deserializes, and the reader (the sandbox) decides what each case means: a missing required
/// field is `MISSING_REQUIRED_FIELD`, a wrong type `BAD_INPUT`, and so on, all in one answer.
/// A client builds requests from values with [`Input::from`]; a field left [`Input::Absent`]
/// is not written.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Input<T> {
    /// The field is not in the body.
    #[default]
    Absent,
    /// The field is `null`.
    Null,
    /// The field's JSON value does not have the expected type; kept as sent.
    Invalid(Value),
    /// The field's value.
    Value(T),
}

impl<T> Input<T> {
    /// Whether the field was left out (for `skip_serializing_if`).
    #[must_use]
    pub fn is_absent(&self) -> bool {
        matches!(self, Input::Absent)
    }

    /// Whether the field is absent or `null`: not given, in Leyr's reading.
    #[must_use]
    pub fn is_missing(&self) -> bool {
        matches!(self, Input::Absent | Input::Null)
    }

    /// The value, if the field has one of the expected type.
    #[must_use]
    pub fn value(&self) -> Option<&T> {
        match self {
            Input::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if the field has one of the expected type.
    #[must_use]
    pub fn into_value(self) -> Option<T> {
        match self {
            Input::Value(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Input<T> {
    fn from(value: T) -> Self {
        Input::Value(value)
    }
}

impl<T> From<Option<T>> for Input<T> {
    /// `None` is a field left out.
    fn from(value: Option<T>) -> Self {
        value.map_or(Input::Absent, Input::Value)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Input<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(Input::Null);
        }
        Ok(match T::deserialize(&value) {
            Ok(typed) => Input::Value(typed),
            Err(_) => Input::Invalid(value),
        })
    }
}

impl<T: Serialize> Serialize for Input<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Input::Absent | Input::Null => serializer.serialize_none(),
            Input::Invalid(value) => value.serialize(serializer),
            Input::Value(value) => value.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Input::is_absent")]
        text: Input<String>,
        #[serde(default, skip_serializing_if = "Input::is_absent")]
        list: Input<Vec<Input<String>>>,
    }

    #[test]
    fn each_field_says_how_it_arrived() {
        let body: Body = serde_json::from_str(r#"{"list":["a",1,null]}"#).unwrap();
        assert_eq!(body.text, Input::Absent);
        assert_eq!(
            body.list,
            Input::Value(vec![
                Input::Value("a".to_owned()),
                Input::Invalid(Value::from(1)),
                Input::Null
            ])
        );
        let body: Body = serde_json::from_str(r#"{"text":null,"list":{}}"#).unwrap();
        assert_eq!(body.text, Input::Null);
        assert!(matches!(body.list, Input::Invalid(_)));
        let body: Body = serde_json::from_str(r#"{"text":7}"#).unwrap();
        assert_eq!(body.text, Input::Invalid(Value::from(7)));
    }

    #[test]
    fn absent_fields_are_not_written_and_values_round_trip() {
        let body = Body {
            text: Input::from("x".to_owned()),
            ..Body::default()
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"text":"x"}"#);
        let body = Body {
            text: Input::Invalid(Value::from(true)),
            ..Body::default()
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"text":true}"#);
    }
}
