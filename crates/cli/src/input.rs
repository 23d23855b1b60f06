//! Reading ids and times from the command line.

use std::io::BufRead;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use leyr_domain::fodselsnummer::{Fodselsnummer, FodselsnummerAllow};
use leyr_domain::ids::PatientEmrId;
use leyr_domain::patient::PatientRef;
use leyr_domain::personnummer::Personnummer;
use leyr_domain::time::{STOCKHOLM, in_stockholm};

use crate::failure::{Failure, Reason};

/// A patient given as a personnummer (any 12-digit form, or `se_personal_number:`), as a
/// Norwegian number (`no_personal_number:<11 digits>`), or as `emr_id:<id>`.
pub(crate) fn patient(text: &str) -> Result<PatientRef, Failure> {
    if let Some(id) = text.strip_prefix("emr_id:") {
        let id = PatientEmrId::new(id)
            .map_err(|error| Failure::usage(format!("invalid EHR id: {error}")))?;
        return Ok(PatientRef::EmrId(id));
    }
    if let Some(number) = text.strip_prefix("no_personal_number:") {
        return Fodselsnummer::parse_with(number, FodselsnummerAllow::PERSONAL_NUMBERS)
            .map(PatientRef::from)
            .map_err(|error| {
                Failure::new(
                    Reason::Invalid,
                    format!("invalid Norwegian national identity number: {error}"),
                )
            });
    }
    let number = text.strip_prefix("se_personal_number:").unwrap_or(text);
    number
        .parse::<Personnummer>()
        .map(PatientRef::from)
        .map_err(|error| {
            Failure::new(
                Reason::Invalid,
                format!("invalid personnummer: {error} (use 12 digits, or emr_id:<id>)"),
            )
        })
}

/// The value of a patient argument that means "read it from standard input", so that a
/// personnummer need not appear on the command line, where other users can see it.
pub(crate) const FROM_STDIN: &str = "-";

/// If `value` is [`FROM_STDIN`], replaces it with the first line of `stdin`, trimmed. `name`
/// names the argument in the error.
///
/// # Errors
/// A usage failure when standard input cannot be read, is not UTF-8, or holds no text on its
/// first line. The message never holds what was read.
pub(crate) fn fill_from_stdin(
    value: &mut String,
    name: &str,
    stdin: &mut dyn BufRead,
) -> Result<(), Failure> {
    if value != FROM_STDIN {
        return Ok(());
    }
    let mut line = String::new();
    stdin.read_line(&mut line).map_err(|_| {
        Failure::usage(format!(
            "{name} -: could not read a line of text from stdin"
        ))
    })?;
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Err(Failure::usage(format!("{name} -: stdin holds no patient")));
    }
    *value = trimmed.to_owned();
    Ok(())
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
            Ok(PatientRef::National(_))
        ));
        assert!(matches!(
            patient("se_personal_number:197110021834"),
            Ok(PatientRef::National(_))
        ));
        assert!(matches!(patient("emr_id:abc"), Ok(PatientRef::EmrId(_))));
        let refused = patient("197110021835").unwrap_err();
        assert!(!refused.to_string().contains("1971"));
    }

    #[track_caller]
    fn filled(value: &str, stdin: &[u8]) -> Result<String, Failure> {
        let mut value = value.to_owned();
        fill_from_stdin(&mut value, "--patient", &mut &stdin[..]).map(|()| value)
    }

    #[test]
    fn a_dash_reads_the_first_line_of_stdin_trimmed() {
        assert_eq!(
            filled("-", b"  197110021834 \nrest\n").unwrap(),
            "197110021834"
        );
        assert_eq!(filled("-", b"emr_id:abc").unwrap(), "emr_id:abc");
        assert_eq!(filled("-", b"197110021834\r\n").unwrap(), "197110021834");
        // Anything else is the patient itself, and stdin is left alone.
        assert_eq!(filled("197110021834", b"").unwrap(), "197110021834");
        assert_eq!(filled("--", b"x\n").unwrap(), "--");
    }

    #[test]
    fn a_dash_with_nothing_on_stdin_is_a_usage_error() {
        for stdin in [&b""[..], b"\n", b"   \n197110021834\n", b"\xff\xfe\n"] {
            let failure = filled("-", stdin).unwrap_err();
            assert_eq!(failure.reason(), crate::failure::Reason::Usage, "{stdin:?}");
            assert!(
                failure.to_string().starts_with("--patient -: "),
                "{failure}"
            );
            assert!(!failure.to_string().contains("1971"), "{failure}");
        }
    }
}
