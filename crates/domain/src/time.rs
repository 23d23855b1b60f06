//! Time in the Swedish EHRs: instants with an offset, shown in `Europe/Stockholm` (contract §6).

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Timelike, Utc};
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

/// `instant` as RFC 3339 with its own offset, whole seconds unless it has a fraction, and never `Z`:
/// the text `chrono` writes with `SecondsFormat::AutoSi`. An offset with seconds (only local mean
/// times before 1900 have one) is rounded to the minute, as `chrono` does.
#[must_use]
pub fn format_rfc3339(instant: &DateTime<FixedOffset>) -> String {
    Rfc3339::new(instant).as_str().to_owned()
}

/// An instant written as RFC 3339, held inline without a heap allocation: listing a month of
/// timeslots formats thousands of these per request. Same text as `chrono`'s
/// `to_rfc3339_opts(SecondsFormat::AutoSi, false)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339 {
    bytes: [u8; Self::CAPACITY],
    len: u8,
}

impl Rfc3339 {
    /// Long enough for nanoseconds and a negative offset: `2024-03-25T13:00:00.123456789-05:30`.
    const CAPACITY: usize = 40;

    /// `instant` as RFC 3339 with its own offset.
    #[must_use]
    pub fn new(instant: &DateTime<FixedOffset>) -> Self {
        let local = instant.naive_local();
        let year = local.year();
        let offset = instant.offset().local_minus_utc();
        // The fast path writes whole seconds, four-digit years and whole-minute offsets; chrono
        // writes everything else (and rounds an offset's seconds to the minute).
        if local.nanosecond() != 0 || !(0..=9999).contains(&year) || offset % 60 != 0 {
            let text = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
            let mut bytes = [0_u8; Self::CAPACITY];
            let len = text.len().min(Self::CAPACITY);
            bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
            return Self {
                bytes,
                len: len as u8,
            };
        }
        let (sign, offset) = if offset < 0 {
            (b'-', -offset)
        } else {
            (b'+', offset)
        };
        let mut bytes = [0_u8; Self::CAPACITY];
        let mut put = |at: usize, value: u32, width: usize| {
            let mut value = value;
            for index in (at..at + width).rev() {
                bytes[index] = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, year.unsigned_abs(), 4);
        put(5, local.month(), 2);
        put(8, local.day(), 2);
        put(11, local.hour(), 2);
        put(14, local.minute(), 2);
        put(17, local.second(), 2);
        put(20, offset.unsigned_abs() / 3600, 2);
        put(23, offset.unsigned_abs() % 3600 / 60, 2);
        for (index, separator) in [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (22, b':'),
        ] {
            bytes[index] = separator;
        }
        bytes[19] = sign;
        Self { bytes, len: 25 }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written, so this cannot fail; an empty text would show a bug.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Rfc3339 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
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
    fn the_fast_path_writes_what_chrono_writes() {
        let offsets = [
            0,
            3600,
            7200,
            -5 * 3600 - 1800,
            14 * 3600,
            5 * 3600 + 45 * 60,
        ];
        let mut instant = Utc.with_ymd_and_hms(1899, 12, 31, 23, 59, 59).unwrap();
        for step in 0..5_000_i64 {
            instant += chrono::TimeDelta::seconds(86_413 * 37 + step);
            for offset in offsets {
                let local = instant.with_timezone(&FixedOffset::east_opt(offset).unwrap());
                let expected = local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
                assert_eq!(format_rfc3339(&local), expected);
            }
        }
    }

    #[test]
    fn an_offset_with_seconds_is_rounded_as_chrono_rounds_it() {
        // Stockholm's local mean time until 1879 was +01:12:12; +01:00:45 and -00:00:30 round
        // away from the minute the fast path would truncate to.
        for offset in [
            3600 + 12 * 60 + 12,
            3600 + 45,
            -30,
            59,
            -(5 * 3600 + 29 * 60 + 31),
        ] {
            let local = Utc
                .with_ymd_and_hms(1870, 6, 1, 12, 0, 0)
                .unwrap()
                .with_timezone(&FixedOffset::east_opt(offset).unwrap());
            let expected = local.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false);
            assert_eq!(format_rfc3339(&local), expected, "offset {offset} s");
        }
    }

    #[test]
    fn inline_text_holds_the_longest_form() {
        let instant = DateTime::parse_from_rfc3339("2024-03-25T13:00:00.123456789-05:30").unwrap();
        assert_eq!(
            Rfc3339::new(&instant).as_str(),
            "2024-03-25T13:00:00.123456789-05:30"
        );
    }

    #[test]
    fn rfc3339_never_uses_z_and_keeps_fractions() {
        let instant = DateTime::parse_from_rfc3339("2024-03-25T13:00:00.250Z").unwrap();
        assert_eq!(format_rfc3339(&instant), "2024-03-25T13:00:00.250+00:00");
    }
}
