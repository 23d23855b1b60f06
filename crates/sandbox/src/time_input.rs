//! Datetimes in requests (contract §6, C35): strict on input, compared as instants.

use chrono::{DateTime, FixedOffset};
use leyr_wire::{ErrorCode, FieldPath};

use crate::problem::ApiError;

/// Parses an RFC 3339 datetime with an offset (`+01:00`, `-05:00` or `Z`), fractional seconds
/// allowed. A datetime without offset, or whose `+` arrived as a space (a raw `+` in a query
/// string), or with a space instead of `T`, is `BAD_INPUT` at `path`.
pub(crate) fn datetime(text: &str, path: &FieldPath) -> Result<DateTime<FixedOffset>, ApiError> {
    let bad_input = || ApiError::field(ErrorCode::BadInput, Some(path));
    if text.chars().any(char::is_whitespace) {
        return Err(bad_input());
    }
    DateTime::parse_from_rfc3339(text).map_err(|_| bad_input())
}

#[cfg(test)]
mod tests {
    use leyr_wire::Field;

    use super::*;

    #[test]
    fn c35_datetimes_need_an_offset() {
        let at = FieldPath::query(Field::Start);
        assert!(datetime("2024-03-25T08:00:00+01:00", &at).is_ok());
        assert!(datetime("2024-03-25T07:00:00Z", &at).is_ok());
        assert!(datetime("2024-03-25T07:00:00.5-01:00", &at).is_ok());
        for bad in [
            "2024-03-25T08:00:00",
            "2024-03-25T08:00:00 01:00",
            "2024-03-25 08:00:00+01:00",
            "2024-03-25",
            "",
            "tomorrow",
        ] {
            assert!(datetime(bad, &at).is_err(), "{bad}");
        }
    }
}
