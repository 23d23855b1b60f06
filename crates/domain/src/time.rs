//! Time in the Swedish EHRs: instants with an offset, shown in `Europe/Stockholm` (contract §6).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use chrono_tz::Tz;

/// The time zone every Swedish EHR and Leyr's quickstarts use.
pub const STOCKHOLM: Tz = chrono_tz::Europe::Stockholm;

/// `instant` in Stockholm wall-clock time, as a value that keeps its offset (`+01:00` in winter,
/// `+02:00` in summer).
#[must_use]
pub fn in_stockholm<Z: TimeZone>(instant: &DateTime<Z>) -> DateTime<FixedOffset> {
    instant.with_timezone(&STOCKHOLM).fixed_offset()
}

/// `instant` in Stockholm, formatted as RFC 3339 with whole seconds and a numeric offset,
/// e.g. `2024-03-25T14:00:00+01:00`: the form Leyr's examples use.
#[must_use]
pub fn format_stockholm<Z: TimeZone>(instant: &DateTime<Z>) -> String {
    format_rfc3339(&in_stockholm(instant))
}

/// `instant` as RFC 3339 with its own offset, whole seconds unless it has a fraction, and never `Z`.
#[must_use]
pub fn format_rfc3339(instant: &DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// The same instant in UTC.
#[must_use]
pub fn to_utc(instant: &DateTime<FixedOffset>) -> DateTime<Utc> {
    instant.with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stockholm_offsets_switch_on_the_last_sundays_of_march_and_october() {
        let winter = Utc.with_ymd_and_hms(2024, 3, 31, 0, 59, 59).unwrap();
        let summer = Utc.with_ymd_and_hms(2024, 3, 31, 1, 0, 0).unwrap();
        assert_eq!(format_stockholm(&winter), "2024-03-31T01:59:59+01:00");
        assert_eq!(format_stockholm(&summer), "2024-03-31T03:00:00+02:00");
        let back = Utc.with_ymd_and_hms(2024, 10, 27, 1, 0, 0).unwrap();
        assert_eq!(format_stockholm(&back), "2024-10-27T02:00:00+01:00");
    }

    #[test]
    fn rfc3339_never_uses_z_and_keeps_fractions() {
        let instant = DateTime::parse_from_rfc3339("2024-03-25T13:00:00.250Z").unwrap();
        assert_eq!(format_rfc3339(&instant), "2024-03-25T13:00:00.250+00:00");
    }
}
