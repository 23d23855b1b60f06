//! Query strings (§3.5, §3.6, §3.9): the parameters of each listing, and the one reading of
//! them both sides share.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The query of `GET {CU}/timeslots` (§3.5, C15).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct TimeslotParams {
    /// Only this resource's slots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// Only slots of this service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcare_service_id: Option<String>,
    /// The window's start, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The window's end, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// The query of `GET {CU}/appointments` (§3.9, C18). `Debug` hides the patient id.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AppointmentParams {
    /// A typed patient id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// A resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The window's start, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The window's end, RFC 3339 with an offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// The query of `GET {CU}/patients` (§3.6, C16). `Debug` hides the names.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PatientSearchParams {
    /// The first name, matched exactly ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// The last name, matched exactly ignoring case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

impl std::fmt::Debug for AppointmentParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppointmentParams { .. }")
    }
}

impl std::fmt::Debug for PatientSearchParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientSearchParams { .. }")
    }
}

/// The name-value pairs of a query, in the order of its type's fields, parameters left out
/// where their value is `None`. Values are not yet encoded.
#[must_use]
pub fn to_pairs<T: Serialize>(params: &T) -> Vec<(String, String)> {
    match serde_json::to_value(params) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(name, value)| match value {
                Value::String(text) => Some((name, text)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads a query from its decoded pairs: a repeated parameter keeps its first value, unknown
/// parameters are ignored (C12).
///
/// # Errors
/// Only when `T` is not a struct of optional text fields, which no type of this module is.
pub fn from_pairs<T: DeserializeOwned>(
    pairs: impl IntoIterator<Item = (String, String)>,
) -> Result<T, serde_json::Error> {
    let mut map = Map::new();
    for (name, value) in pairs {
        map.entry(name).or_insert(Value::String(value));
    }
    serde_json::from_value(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_a_repeated_parameter_wins_and_unknown_ones_are_ignored() {
        let pairs = [
            ("start", "a"),
            ("start", "b"),
            ("standard", "fhir"),
            ("resource_id", "r"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let params: TimeslotParams = from_pairs(pairs).unwrap();
        assert_eq!(params.start.as_deref(), Some("a"));
        assert_eq!(params.resource_id.as_deref(), Some("r"));
        assert_eq!(params.end, None);
    }

    #[test]
    fn pairs_round_trip_and_leave_out_absent_parameters() {
        let params = AppointmentParams {
            patient_id: Some("emr_id:1".to_owned()),
            end: Some("2024-03-25T00:00:00+01:00".to_owned()),
            ..AppointmentParams::default()
        };
        let pairs = to_pairs(&params);
        assert_eq!(pairs.len(), 2);
        assert_eq!(from_pairs::<AppointmentParams>(pairs).unwrap(), params);
        assert_eq!(format!("{params:?}"), "AppointmentParams { .. }");
    }
}
