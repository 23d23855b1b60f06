//! Reading ids and times from the command line.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use leyr_domain::ids::PatientEmrId;
use leyr_domain::patient::PatientRef;
use leyr_domain::personnummer::Personnummer;
use leyr_domain::time::{STOCKHOLM, in_stockholm};

use crate::failure::Failure;

/// A patient given as a personnummer (any 12-digit form, or `se_personal_number:`), or as
/// `emr_id:<id>`.
pub(crate) fn patient(text: &str) -> Result<PatientRef, Failure> {
    if let Some(id) = text.strip_prefix("emr_id:") {
        let id = PatientEmrId::new(id)
            .map_err(|error| Failure::usage(format!("invalid EHR id: {error}")))?;
        return Ok(PatientRef::EmrId(id));
    }
    let number = text.strip_prefix("se_personal_number:").unwrap_or(text);
    number
        .parse::<Personnummer>()
        .map(PatientRef::Personnummer)
        .map_err(|error| {
            Failure::refused(format!(
                "invalid personnummer: {error} (use 12 digits, or emr_id:<id>)"
            ))
        })
}

/// A time: RFC 3339 with an offset, or Stockholm wall-clock time as `YYYY-MM-DDTHH:MM[:SS]` or
/// `YYYY-MM-DD` (midnight).
pub(crate) fn time(text: &str, flag: &str) -> Result<DateTime<FixedOffset>, Failure> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant);
    }
    let local = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|date| date.and_hms_opt(0, 0, 0))
        })
        .ok_or_else(|| {
            Failure::usage(format!(
                "--{flag}: not a time; use 2026-11-25T08:00, 2026-11-25 or RFC 3339 with an offset"
            ))
        })?;
    STOCKHOLM
        .from_local_datetime(&local)
        .earliest()
        .map(|instant| in_stockholm(&instant))
        .ok_or_else(|| Failure::usage(format!("--{flag}: that time does not exist in Stockholm")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stockholm_wall_clock_times_get_the_right_offset() {
        assert_eq!(
            time("2026-11-25T08:00", "start").unwrap().to_rfc3339(),
            "2026-11-25T08:00:00+01:00"
        );
        assert_eq!(
            time("2026-07-01", "from").unwrap().to_rfc3339(),
            "2026-07-01T00:00:00+02:00"
        );
        assert_eq!(
            time("2026-11-25T07:00:00Z", "start").unwrap().to_rfc3339(),
            "2026-11-25T07:00:00+00:00"
        );
        assert!(time("tomorrow", "start").is_err());
    }

    #[test]
    fn patients_are_personnummer_or_emr_ids() {
        assert!(matches!(
            patient("19711002-1834"),
            Ok(PatientRef::Personnummer(_))
        ));
        assert!(matches!(
            patient("se_personal_number:197110021834"),
            Ok(PatientRef::Personnummer(_))
        ));
        assert!(matches!(patient("emr_id:abc"), Ok(PatientRef::EmrId(_))));
        let refused = patient("197110021835").unwrap_err();
        assert!(!refused.to_string().contains("1971"));
    }
}
