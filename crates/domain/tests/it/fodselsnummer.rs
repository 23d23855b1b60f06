//! Fødselsnummer parsing (contract §9.4): the 712 cases of the peer test
//! data, hand-written cases for every rule and error, and property tests.

use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;
use leyr_domain::fodselsnummer::{
    ChecksumRule, Fodselsnummer, FodselsnummerAllow, FodselsnummerError, FodselsnummerKind,
};
use leyr_domain::personnummer::Gender;
use leyr_domain::testing::fodselsnummer::{
    allow, allow_for, any_kind, d_number, fh_number, fodselsnummer, h_number, ordinary_2032,
    ordinary_classic, tenor_synthetic,
};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Every opt-in on.
const EVERYTHING: FodselsnummerAllow = FodselsnummerAllow {
    h_numbers: true,
    fh_numbers: true,
    synthetic: true,
};

const H_NUMBERS: FodselsnummerAllow = FodselsnummerAllow {
    h_numbers: true,
    fh_numbers: false,
    synthetic: false,
};

const FH_NUMBERS: FodselsnummerAllow = FodselsnummerAllow {
    h_numbers: false,
    fh_numbers: true,
    synthetic: false,
};

const SYNTHETIC: FodselsnummerAllow = FodselsnummerAllow {
    h_numbers: false,
    fh_numbers: false,
    synthetic: true,
};

/// Parses `input` under `allow` and expects exactly `error`.
#[track_caller]
fn check_error(input: &str, allow: FodselsnummerAllow, error: FodselsnummerError) {
    assert_eq!(
        Fodselsnummer::parse_with(input, allow),
        Err(error),
        "input {input:?}, allow {allow:?}"
    );
}

/// Parses `input` under `allow` and expects a number with these digits.
#[track_caller]
fn parsed(input: &str, allow: FodselsnummerAllow) -> Fodselsnummer {
    let number = Fodselsnummer::parse_with(input, allow)
        .unwrap_or_else(|error| panic!("{input:?} (allow {allow:?}) rejected: {error:?}"));
    assert_eq!(number.as_str().len(), 11);
    number
}

/// The two separated forms `DDMMYY-IIIKK` and `DDMMYY IIIKK` of 11 digits.
fn separated_forms(digits: &str) -> [String; 2] {
    let (date_part, rest) = digits.split_at(6);
    [format!("{date_part}-{rest}"), format!("{date_part} {rest}")]
}

/// Whether `s` contains `run` or more consecutive ASCII digits.
fn has_digit_run(s: &str, run: usize) -> bool {
    let mut current = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            current += 1;
            if current >= run {
                return true;
            }
        } else {
            current = 0;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// Peer data: 712 cases from Skatteetaten, NAV, NoCommons and others
// ---------------------------------------------------------------------------

/// The four files of the peer data and how many cases each holds.
const DATA_FILES: [(&str, usize); 4] = [
    ("skatteetaten.json", 76),
    ("fnrvalidator.json", 22),
    ("nocommons.json", 56),
    ("other.json", 558),
];

/// Cases whose expectation contradicts §9.4 as written; the test follows
/// §9.4 for them. Each entry is the number and why §9.4 differs.
///
/// Empty: all 712 cases agree with §9.4. An entry must name a case that
/// really disagrees, or the test fails.
const CASES_THAT_CONTRADICT_SECTION_9_4: &[(&str, &str)] = &[];

/// One case of the peer data (see its README for the fields).
#[derive(Debug)]
struct Case {
    file: &'static str,
    number: String,
    valid: bool,
    valid_if_allowed: bool,
    kind: Option<String>,
    also_d_number: bool,
    checksum_rule: Option<String>,
    gender: Option<String>,
    birth_date: Option<String>,
}

impl Case {
    fn from_json(file: &'static str, value: &Value) -> Self {
        let text = |key: &str| value[key].as_str().map(str::to_owned);
        Self {
            file,
            number: text("number").expect("every case has a number"),
            valid: value["valid"].as_bool().expect("every case has `valid`"),
            valid_if_allowed: value["valid_if_allowed"].as_bool().unwrap_or(false),
            kind: text("kind"),
            also_d_number: value["also_d_number"].as_bool().unwrap_or(false),
            checksum_rule: text("checksum_rule"),
            gender: text("gender"),
            birth_date: text("birth_date"),
        }
    }

    /// The opt-in this case's kind needs, if any.
    fn own_allow(&self) -> FodselsnummerAllow {
        match self.kind.as_deref() {
            Some("h_number" | "nav_synthetic") => H_NUMBERS,
            Some("fh_number") => FH_NUMBERS,
            Some("tenor_synthetic") => SYNTHETIC,
            _ => FodselsnummerAllow::default(),
        }
    }

    /// Every opt-in except the one this case's kind needs, with the error
    /// that gives for a valid number of that kind.
    fn all_but_own_allow(&self) -> Option<(FodselsnummerAllow, FodselsnummerError)> {
        let not_allowed = FodselsnummerError::KindNotAllowed;
        match self.kind.as_deref() {
            Some("h_number" | "nav_synthetic") => Some((
                FodselsnummerAllow {
                    h_numbers: false,
                    ..EVERYTHING
                },
                not_allowed(FodselsnummerKind::HNumber),
            )),
            Some("fh_number") => Some((
                FodselsnummerAllow {
                    fh_numbers: false,
                    ..EVERYTHING
                },
                not_allowed(FodselsnummerKind::FhNumber),
            )),
            Some("tenor_synthetic") => Some((
                FodselsnummerAllow {
                    synthetic: false,
                    ..EVERYTHING
                },
                FodselsnummerError::SyntheticNotAllowed,
            )),
            _ => None,
        }
    }

    /// The kind §9.4 gives the data's kind: NAV's synthetic numbers are
    /// H-numbers, and a Tenor number is an ordinary number or a D-number.
    fn expected_kind(&self) -> Option<FodselsnummerKind> {
        Some(match self.kind.as_deref()? {
            "ordinary" => FodselsnummerKind::Ordinary,
            "d_number" => FodselsnummerKind::DNumber,
            "h_number" | "nav_synthetic" => FodselsnummerKind::HNumber,
            "fh_number" => FodselsnummerKind::FhNumber,
            "tenor_synthetic" if self.also_d_number => FodselsnummerKind::DNumber,
            "tenor_synthetic" => FodselsnummerKind::Ordinary,
            other => panic!("{}: unknown kind {other:?}", self.number),
        })
    }
}

/// The directory of the peer data, inside this crate.
fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fodselsnummer")
}

/// Every case of every data file, after checking each file's count.
fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (file, count) in DATA_FILES {
        let path = data_dir().join(file);
        let json = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "the fødselsnummer peer data is missing: cannot read {} ({error}); \
                 restore tests/data/fodselsnummer/ with its README and NOTICE",
                path.display()
            )
        });
        let values: Vec<Value> = serde_json::from_str(&json)
            .unwrap_or_else(|error| panic!("{file} is not a JSON array of cases: {error}"));
        assert_eq!(values.len(), count, "{file} has the wrong number of cases");
        cases.extend(values.iter().map(|value| Case::from_json(file, value)));
    }
    cases
}

/// Checks one case of the peer data: validity under the default policy,
/// under its own opt-in and under every opt-in, and, when it is accepted,
/// its kind, synthetic-ness, check-digit rule, gender and birth date.
fn check(case: &Case) {
    let context = format!("{} in {}", case.number, case.file);
    let number = case.number.as_str();

    let by_default = number.parse::<Fodselsnummer>();
    assert_eq!(
        by_default.is_ok(),
        case.valid,
        "{context}: default policy gave {by_default:?}"
    );
    let with_own_flag = Fodselsnummer::parse_with(number, case.own_allow());
    let accepted = case.valid || case.valid_if_allowed;
    assert_eq!(
        with_own_flag.is_ok(),
        accepted,
        "{context}: with {:?} gave {with_own_flag:?}",
        case.own_allow()
    );
    // More opt-ins never change the verdict on a number of another kind.
    assert_eq!(
        Fodselsnummer::parse_with(number, EVERYTHING),
        with_own_flag,
        "{context}: every opt-in"
    );
    if case.valid_if_allowed {
        let (others, error) = case
            .all_but_own_allow()
            .unwrap_or_else(|| panic!("{context}: valid_if_allowed on a kind with no opt-in"));
        assert_eq!(by_default, Err(error), "{context}: default policy");
        assert_eq!(
            Fodselsnummer::parse_with(number, others),
            Err(error),
            "{context}: every other opt-in"
        );
    }

    let Ok(fodselsnummer) = with_own_flag else {
        return;
    };
    assert_eq!(fodselsnummer.as_str(), number, "{context}");
    assert_eq!(fodselsnummer.to_string(), number, "{context}");
    assert_eq!(
        Some(fodselsnummer.kind()),
        case.expected_kind(),
        "{context}: kind"
    );
    assert_eq!(
        fodselsnummer.is_synthetic(),
        case.kind.as_deref() == Some("tenor_synthetic"),
        "{context}: synthetic"
    );
    let rule = match fodselsnummer.checksum_rule() {
        ChecksumRule::Classic => "classic",
        ChecksumRule::From2032 => "2032",
        other => panic!("{context}: unexpected rule {other:?}"),
    };
    assert_eq!(Some(rule), case.checksum_rule.as_deref(), "{context}: rule");
    let gender = fodselsnummer.gender().map(|gender| match gender {
        Gender::Male => "male",
        Gender::Female => "female",
        other => panic!("{context}: unexpected gender {other:?}"),
    });
    assert_eq!(gender, case.gender.as_deref(), "{context}: gender");
    let birth_date = fodselsnummer
        .birth_date()
        .map(|born| born.format("%Y-%m-%d").to_string());
    assert_eq!(birth_date, case.birth_date, "{context}: birth date");
    for separated in separated_forms(number) {
        assert_eq!(
            Fodselsnummer::parse_with(&separated, case.own_allow()),
            Ok(fodselsnummer),
            "{context}: separated form {separated:?}"
        );
    }
}

#[test]
fn every_peer_data_case_follows_section_9_4() {
    let cases = all_cases();
    assert_eq!(cases.len(), 712);

    let (mut valid, mut valid_if_allowed, mut invalid) = (0, 0, 0);
    for case in &cases {
        valid += usize::from(case.valid);
        valid_if_allowed += usize::from(case.valid_if_allowed);
        invalid += usize::from(!case.valid && !case.valid_if_allowed);
        if let Some((_, reason)) = CASES_THAT_CONTRADICT_SECTION_9_4
            .iter()
            .find(|(number, _)| *number == case.number)
        {
            let disagrees = std::panic::catch_unwind(|| check(case)).is_err();
            assert!(disagrees, "{} is listed ({reason}) but agrees", case.number);
            continue;
        }
        check(case);
    }
    assert_eq!((valid, valid_if_allowed, invalid), (535, 98, 79));
    for (number, _) in CASES_THAT_CONTRADICT_SECTION_9_4 {
        assert!(
            cases.iter().any(|case| case.number == *number),
            "{number} is listed as an exception but is not in the data"
        );
    }
}

// ---------------------------------------------------------------------------
// Hand-written cases
// ---------------------------------------------------------------------------

#[test]
fn accepted_forms_store_eleven_digits() {
    for input in ["13097248022", "130972-48022", "130972 48022"] {
        let fodselsnummer: Fodselsnummer = input.parse().unwrap();
        assert_eq!(fodselsnummer.as_str(), "13097248022");
        assert_eq!(fodselsnummer.to_string(), "13097248022");
        assert_eq!(Fodselsnummer::try_from(input), Ok(fodselsnummer));
        assert_eq!(Fodselsnummer::from_str(input), Ok(fodselsnummer));
    }
}

#[test]
fn an_ordinary_number_reports_its_date_and_gender() {
    let fodselsnummer: Fodselsnummer = "13097248022".parse().unwrap();
    assert_eq!(fodselsnummer.kind(), FodselsnummerKind::Ordinary);
    assert!(!fodselsnummer.is_synthetic());
    assert_eq!(fodselsnummer.checksum_rule(), ChecksumRule::Classic);
    assert_eq!(fodselsnummer.gender(), Some(Gender::Female));
    assert_eq!(fodselsnummer.birth_date(), Some(date(1972, 9, 13)));
    assert!(fodselsnummer.is_born_by(date(1972, 9, 13)));
    assert!(!fodselsnummer.is_born_by(date(1972, 9, 12)));
}

#[test]
fn malformed_input_is_rejected_for_its_form() {
    let none = FodselsnummerAllow::default();
    let cases = [
        ("", FodselsnummerError::Empty),
        ("1", FodselsnummerError::Length),
        ("1309724802", FodselsnummerError::Length),
        ("130972480221", FodselsnummerError::Length),
        (" 13097248022", FodselsnummerError::Separator),
        ("13097248022 ", FodselsnummerError::Separator),
        ("130972--48022", FodselsnummerError::Length),
        ("130972 - 48022", FodselsnummerError::Length),
        ("130972/48022", FodselsnummerError::Separator),
        ("130972+48022", FodselsnummerError::Separator),
        ("130972_48022", FodselsnummerError::Separator),
        ("130972\t48022", FodselsnummerError::Separator),
        ("1309-7248022", FodselsnummerError::Separator),
        ("13097 248022", FodselsnummerError::Separator),
        ("1309724802-2", FodselsnummerError::Separator),
        ("1234567891A", FodselsnummerError::NotDigits),
        ("abcdefghijk", FodselsnummerError::NotDigits),
        ("130972x48022", FodselsnummerError::Separator),
        ("13097248O22", FodselsnummerError::NotDigits),
        ("130972-4802A", FodselsnummerError::NotDigits),
        ("１３０９７２４８０２２", FodselsnummerError::Length),
        ("1309724802²", FodselsnummerError::Length),
    ];
    for (input, error) in cases {
        check_error(input, none, error);
        check_error(input, EVERYTHING, error);
    }
}

#[test]
fn dates_must_fit_a_kind_and_exist() {
    let cases = [
        // Month 00, 13, 40, 53, 80 and 93 fit no kind.
        ("01000012345", FodselsnummerError::Date),
        ("01130012345", FodselsnummerError::Date),
        ("01400012345", FodselsnummerError::Date),
        ("01530012345", FodselsnummerError::Date),
        ("01800012345", FodselsnummerError::Date),
        ("01930012345", FodselsnummerError::Date),
        // Day 00, 32-40 and 72-79 fit no kind.
        ("00010012345", FodselsnummerError::Date),
        ("32010012345", FodselsnummerError::Date),
        ("40010012345", FodselsnummerError::Date),
        ("72010012345", FodselsnummerError::Date),
        ("79010012345", FodselsnummerError::Date),
        // 31 April; 29 February 1900 (individnummer 0xx); D-number 30 February.
        ("31040012345", FodselsnummerError::Date),
        ("29020000064", FodselsnummerError::Date),
        ("70020012345", FodselsnummerError::Date),
        // The same rules with the H and Tenor offsets.
        ("31440012345", FodselsnummerError::Date),
        ("31840012345", FodselsnummerError::Date),
        ("70420012345", FodselsnummerError::Date),
    ];
    for (input, error) in cases {
        check_error(input, FodselsnummerAllow::default(), error);
        check_error(input, EVERYTHING, error);
    }
    // 29 February 2000 (individnummer 5xx) exists.
    let leap_day = parsed("29020050088", FodselsnummerAllow::default());
    assert_eq!(leap_day.birth_date(), Some(date(2000, 2, 29)));
}

#[test]
fn the_century_comes_from_the_individnummer() {
    // §9.4 rule 3, at the edges of each range.
    let cases = [
        ("01015450068", date(1854, 1, 1)),
        ("31129974810", date(1899, 12, 31)),
        ("01010049918", date(1900, 1, 1)),
        ("01014090017", date(1940, 1, 1)),
        ("01010050053", date(2000, 1, 1)),
        ("31123999935", date(2039, 12, 31)),
    ];
    for (input, born) in cases {
        let fodselsnummer = parsed(input, FodselsnummerAllow::default());
        assert_eq!(fodselsnummer.birth_date(), Some(born), "{input}");
    }
    // 500-899 with YY 40-53, and 750-899 with YY 54 or more, give no century.
    for input in ["01015060057", "01017080039", "01014575012", "01015480012"] {
        check_error(input, EVERYTHING, FodselsnummerError::Century);
    }
}

#[test]
fn check_digits_follow_the_classic_or_the_2032_rule() {
    check_error(
        "13097248023",
        FodselsnummerAllow::default(),
        FodselsnummerError::Checksum,
    );
    check_error(
        "13097248012",
        FodselsnummerAllow::default(),
        FodselsnummerError::Checksum,
    );

    // Skatteetaten's worked example: born 30.10.1982, issued in 2032.
    let issued_2032 = parsed("30108299939", FodselsnummerAllow::default());
    assert_eq!(issued_2032.kind(), FodselsnummerKind::Ordinary);
    assert_eq!(issued_2032.checksum_rule(), ChecksumRule::From2032);
    assert_eq!(issued_2032.gender(), None);
    assert_eq!(issued_2032.birth_date(), None);
    assert!(!issued_2032.is_born_by(date(2100, 1, 1)));

    // Remainder 3, the largest the 2032 rule allows.
    let remainder_three = parsed("01017000051", FodselsnummerAllow::default());
    assert_eq!(remainder_three.checksum_rule(), ChecksumRule::From2032);

    // A D-number under the 2032 rule.
    let d_number = parsed("55102499947", FodselsnummerAllow::default());
    assert_eq!(d_number.kind(), FodselsnummerKind::DNumber);
    assert_eq!(d_number.checksum_rule(), ChecksumRule::From2032);
    assert_eq!(d_number.gender(), None);

    // A Tenor D-number under the 2032 rule.
    let tenor = parsed("41817000183", SYNTHETIC);
    assert_eq!(tenor.kind(), FodselsnummerKind::DNumber);
    assert!(tenor.is_synthetic());
    assert_eq!(tenor.checksum_rule(), ChecksumRule::From2032);
}

#[test]
fn h_and_fh_numbers_only_take_the_classic_rule() {
    // §9.4 rule 6: the 2032 rule applies to fødselsnummer and D-numbers.
    assert_eq!(
        parsed("01417000190", H_NUMBERS).kind(),
        FodselsnummerKind::HNumber
    );
    check_error("01417000018", EVERYTHING, FodselsnummerError::Checksum);
    assert_eq!(
        parsed("81234500090", FH_NUMBERS).kind(),
        FodselsnummerKind::FhNumber
    );
    check_error("81234500260", EVERYTHING, FodselsnummerError::Checksum);
}

#[test]
fn d_numbers_accept_any_day_of_a_leap_year() {
    // 29 February 2001 does not exist, but a D-number's century is not
    // trusted: only the day of the month in a leap year is checked.
    let leap_day = parsed("69020100079", FodselsnummerAllow::default());
    assert_eq!(leap_day.kind(), FodselsnummerKind::DNumber);
    assert_eq!(leap_day.birth_date(), None);
    assert_eq!(leap_day.gender(), Some(Gender::Female));
    assert!(!leap_day.is_born_by(date(2100, 1, 1)));
    // A classic D-number from the data.
    let d_number = parsed("41010119500", FodselsnummerAllow::default());
    assert_eq!(d_number.kind(), FodselsnummerKind::DNumber);
    assert_eq!(d_number.birth_date(), None);
}

#[test]
fn opt_in_kinds_need_their_own_flag() {
    let h_number = "13527248013";
    check_error(
        h_number,
        FodselsnummerAllow::default(),
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::HNumber),
    );
    check_error(
        h_number,
        FodselsnummerAllow {
            h_numbers: false,
            ..EVERYTHING
        },
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::HNumber),
    );
    let parsed_h = parsed(h_number, H_NUMBERS);
    assert_eq!(parsed_h.kind(), FodselsnummerKind::HNumber);
    assert!(!parsed_h.is_synthetic());
    assert_eq!(parsed_h.birth_date(), Some(date(1972, 12, 13)));
    assert_eq!(parsed_h.gender(), Some(Gender::Female));

    // An H-number whose day also has 40 added is an H-number without a date.
    let h_and_d = parsed("41417000184", H_NUMBERS);
    assert_eq!(h_and_d.kind(), FodselsnummerKind::HNumber);
    assert_eq!(h_and_d.birth_date(), None);

    let fh_number = "80005484026";
    check_error(
        fh_number,
        FodselsnummerAllow::default(),
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::FhNumber),
    );
    let parsed_fh = parsed(fh_number, FH_NUMBERS);
    assert_eq!(parsed_fh.kind(), FodselsnummerKind::FhNumber);
    assert_eq!(parsed_fh.gender(), None);
    assert_eq!(parsed_fh.birth_date(), None);
    assert!(!parsed_fh.is_synthetic());

    let tenor = "16865199450";
    check_error(
        tenor,
        FodselsnummerAllow::default(),
        FodselsnummerError::SyntheticNotAllowed,
    );
    check_error(
        tenor,
        FodselsnummerAllow {
            synthetic: false,
            ..EVERYTHING
        },
        FodselsnummerError::SyntheticNotAllowed,
    );
    let parsed_tenor = parsed(tenor, SYNTHETIC);
    assert_eq!(parsed_tenor.kind(), FodselsnummerKind::Ordinary);
    assert!(parsed_tenor.is_synthetic());
    assert_eq!(parsed_tenor.birth_date(), Some(date(1951, 6, 16)));

    // A broken number of an opt-in kind is reported for what is wrong.
    check_error(
        "13527248014",
        FodselsnummerAllow::default(),
        FodselsnummerError::Checksum,
    );
    check_error(
        "31867248013",
        FodselsnummerAllow::default(),
        FodselsnummerError::Date,
    );
}

#[test]
fn allow_is_off_by_default() {
    let allow = FodselsnummerAllow::default();
    assert!(!allow.h_numbers && !allow.fh_numbers && !allow.synthetic);
}

#[test]
fn display_and_debug() {
    let fodselsnummer: Fodselsnummer = "130972-48022".parse().unwrap();
    assert_eq!(fodselsnummer.to_string(), "13097248022");
    assert_eq!(format!("{fodselsnummer:>13}"), "  13097248022");
    assert_eq!(format!("{fodselsnummer:?}"), "Fodselsnummer(<redacted>)");
    assert_eq!(format!("{fodselsnummer:#?}"), "Fodselsnummer(<redacted>)");
    let nested = format!("{:?}", (Some(fodselsnummer), [fodselsnummer]));
    assert!(!has_digit_run(&nested, 1), "{nested}");

    assert_eq!(FodselsnummerKind::HNumber.to_string(), "H-number");
    assert_eq!(format!("{:>10}", FodselsnummerKind::DNumber), "  D-number");
}

#[test]
fn error_messages_contain_no_digits() {
    let errors = [
        FodselsnummerError::Empty,
        FodselsnummerError::Length,
        FodselsnummerError::NotDigits,
        FodselsnummerError::Separator,
        FodselsnummerError::Date,
        FodselsnummerError::Century,
        FodselsnummerError::Checksum,
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::Ordinary),
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::DNumber),
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::HNumber),
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::FhNumber),
        FodselsnummerError::SyntheticNotAllowed,
    ];
    for error in errors {
        let message = error.to_string();
        assert!(!message.is_empty());
        assert!(!message.chars().any(|c| c.is_ascii_digit()), "{message}");
        assert!(!message.contains('\n'), "{message}");
        assert!(!has_digit_run(&format!("{error:?}"), 1), "{error:?}");
    }
    assert_eq!(
        FodselsnummerError::KindNotAllowed(FodselsnummerKind::FhNumber).to_string(),
        "the number is a valid FH-number, which is not allowed here"
    );
    for input in ["13097248023", "31040012345", "01015060057", "13527248013"] {
        let message = input.parse::<Fodselsnummer>().unwrap_err().to_string();
        assert!(!message.chars().any(|c| c.is_ascii_digit()), "{message}");
    }
}

#[test]
fn ordering_follows_the_digits() {
    let mut numbers: Vec<Fodselsnummer> = ["29029648784", "13097248022", "15021951940"]
        .iter()
        .map(|input| input.parse().unwrap())
        .collect();
    numbers.sort();
    let sorted: Vec<&str> = numbers.iter().map(Fodselsnummer::as_str).collect();
    assert_eq!(sorted, ["13097248022", "15021951940", "29029648784"]);
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// An independent, straightforward statement of §9.4 for 11 plain digits,
/// to compare the parser against.
fn oracle_accepts(input: &str, allow: FodselsnummerAllow) -> bool {
    if input.len() != 11 || !input.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digit: Vec<u32> = input.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let weighted =
        |weights: &[u32]| -> u32 { weights.iter().zip(&digit).map(|(w, d)| w * d).sum() };
    let first_remainder = (weighted(&[3, 7, 6, 1, 8, 9, 4, 5, 2]) + digit[9]) % 11;
    let second_remainder = (weighted(&[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) + digit[10]) % 11;
    if second_remainder != 0 || first_remainder > 3 {
        return false;
    }
    let classic = first_remainder == 0;
    if digit[0] >= 8 {
        return allow.fh_numbers && classic;
    }
    let day = digit[0] * 10 + digit[1];
    let written_month = digit[2] * 10 + digit[3];
    let yy = digit[4] * 10 + digit[5];
    let individnummer = digit[6] * 100 + digit[7] * 10 + digit[8];
    let month = match written_month {
        1..=12 => written_month,
        41..=52 if allow.h_numbers && classic => written_month - 40,
        81..=92 if allow.synthetic => written_month - 80,
        _ => return false,
    };
    if (41..=71).contains(&day) {
        return NaiveDate::from_ymd_opt(2000, month, day - 40).is_some();
    }
    let century = if individnummer < 500 {
        1900
    } else if individnummer < 750 && yy >= 54 {
        1800
    } else if yy < 40 {
        2000
    } else if individnummer >= 900 {
        1900
    } else {
        return false;
    };
    NaiveDate::from_ymd_opt(century + i32::try_from(yy).unwrap(), month, day).is_some()
}

/// Appends check digits to nine digits so that the first remainder is
/// `remainder`, computed independently of the library; `None` if a check
/// digit would have to be 10.
fn with_check_digits(nine: &str, remainder: u32) -> Option<String> {
    let digits: Vec<u32> = nine.chars().map(|c| c.to_digit(10).unwrap()).collect();
    let s9: u32 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
        .iter()
        .zip(&digits)
        .map(|(w, d)| w * d)
        .sum();
    let first = (remainder + 11 - s9 % 11) % 11;
    let s10: u32 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        .iter()
        .zip(digits.iter().chain([&first]))
        .map(|(w, d)| w * d)
        .sum();
    let second = (11 - s10 % 11) % 11;
    (first < 10 && second < 10).then(|| format!("{nine}{first}{second}"))
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(number in fodselsnummer()) {
        prop_assert_eq!(number.to_string().parse::<Fodselsnummer>(), Ok(number));
        prop_assert_eq!(Fodselsnummer::try_from(number.as_str()), Ok(number));
    }

    #[test]
    fn every_kind_round_trips_with_its_own_flag(number in any_kind()) {
        let allow = allow_for(&number);
        prop_assert_eq!(Fodselsnummer::parse_with(&number.to_string(), allow), Ok(number));
        prop_assert_eq!(Fodselsnummer::parse_with(number.as_str(), EVERYTHING), Ok(number));
        for separated in separated_forms(number.as_str()) {
            prop_assert_eq!(Fodselsnummer::parse_with(&separated, allow), Ok(number));
        }
    }

    #[test]
    fn generated_ordinary_classic_numbers_parse(number in ordinary_classic()) {
        let parsed = parsed(number.as_str(), FodselsnummerAllow::default());
        prop_assert_eq!(parsed.kind(), FodselsnummerKind::Ordinary);
        prop_assert!(!parsed.is_synthetic());
        prop_assert_eq!(parsed.checksum_rule(), ChecksumRule::Classic);
        let born = parsed.birth_date().unwrap();
        prop_assert_eq!(born.format("%d%m%y").to_string(), &number.as_str()[..6]);
        prop_assert!(parsed.is_born_by(born));
        let ninth = number.as_str().as_bytes()[8] - b'0';
        let expected = if ninth % 2 == 1 { Gender::Male } else { Gender::Female };
        prop_assert_eq!(parsed.gender(), Some(expected));
    }

    #[test]
    fn generated_ordinary_2032_numbers_parse(number in ordinary_2032()) {
        let parsed = parsed(number.as_str(), FodselsnummerAllow::default());
        prop_assert_eq!(parsed.kind(), FodselsnummerKind::Ordinary);
        prop_assert_eq!(parsed.checksum_rule(), ChecksumRule::From2032);
        prop_assert_eq!(parsed.gender(), None);
        prop_assert_eq!(parsed.birth_date(), None);
    }

    #[test]
    fn generated_d_numbers_parse(number in d_number()) {
        let parsed = parsed(number.as_str(), FodselsnummerAllow::default());
        prop_assert_eq!(parsed.kind(), FodselsnummerKind::DNumber);
        prop_assert!(!parsed.is_synthetic());
        prop_assert_eq!(parsed.birth_date(), None);
        prop_assert_eq!(parsed.gender().is_some(), parsed.checksum_rule() == ChecksumRule::Classic);
    }

    #[test]
    fn generated_h_numbers_parse_only_when_allowed(number in h_number()) {
        check_error(
            number.as_str(),
            FodselsnummerAllow { h_numbers: false, ..EVERYTHING },
            FodselsnummerError::KindNotAllowed(FodselsnummerKind::HNumber),
        );
        let parsed = parsed(number.as_str(), H_NUMBERS);
        prop_assert_eq!(parsed.kind(), FodselsnummerKind::HNumber);
        prop_assert!(!parsed.is_synthetic());
        prop_assert_eq!(parsed.checksum_rule(), ChecksumRule::Classic);
        let day: u32 = number.as_str()[..2].parse().unwrap();
        prop_assert_eq!(parsed.birth_date().is_some(), day <= 31);
        if let Some(born) = parsed.birth_date() {
            let month: u32 = number.as_str()[2..4].parse().unwrap();
            prop_assert_eq!(born.format("%d").to_string(), &number.as_str()[..2]);
            prop_assert_eq!(chrono::Datelike::month(&born) + 40, month);
        }
    }

    #[test]
    fn generated_fh_numbers_parse_only_when_allowed(number in fh_number()) {
        check_error(
            number.as_str(),
            FodselsnummerAllow { fh_numbers: false, ..EVERYTHING },
            FodselsnummerError::KindNotAllowed(FodselsnummerKind::FhNumber),
        );
        let parsed = parsed(number.as_str(), FH_NUMBERS);
        prop_assert_eq!(parsed.kind(), FodselsnummerKind::FhNumber);
        prop_assert!(!parsed.is_synthetic());
        prop_assert_eq!(parsed.gender(), None);
        prop_assert_eq!(parsed.birth_date(), None);
    }

    #[test]
    fn generated_tenor_numbers_parse_only_when_allowed(number in tenor_synthetic()) {
        check_error(
            number.as_str(),
            FodselsnummerAllow { synthetic: false, ..EVERYTHING },
            FodselsnummerError::SyntheticNotAllowed,
        );
        let parsed = parsed(number.as_str(), SYNTHETIC);
        prop_assert!(parsed.is_synthetic());
        let day: u32 = number.as_str()[..2].parse().unwrap();
        let expected_kind = if day > 40 { FodselsnummerKind::DNumber } else { FodselsnummerKind::Ordinary };
        prop_assert_eq!(parsed.kind(), expected_kind);
        let dated = day <= 31 && parsed.checksum_rule() == ChecksumRule::Classic;
        prop_assert_eq!(parsed.birth_date().is_some(), dated);
        if let Some(born) = parsed.birth_date() {
            let month: u32 = number.as_str()[2..4].parse().unwrap();
            prop_assert_eq!(chrono::Datelike::month(&born) + 80, month);
        }
    }

    #[test]
    fn any_single_digit_change_is_rejected(
        number in any_kind(),
        position in 0_usize..11,
        delta in 1_u8..=9,
    ) {
        // Stronger than "rejected or of another kind": every weight of the
        // second check digit is non-zero modulo the prime 11, so changing
        // any one digit breaks it, whatever the kind.
        let mut bytes = number.as_str().as_bytes().to_vec();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        let result = Fodselsnummer::parse_with(&changed, EVERYTHING);
        prop_assert!(result.is_err(), "{} accepted as {:?}", changed, result.map(|n| n.kind()));
    }

    #[test]
    fn debug_is_redacted(number in any_kind()) {
        prop_assert_eq!(format!("{number:?}"), "Fodselsnummer(<redacted>)");
        let nested = format!("{:?}", Some(number));
        prop_assert!(!has_digit_run(&nested, 1), "{}", nested);
    }

    #[test]
    fn arbitrary_text_does_not_panic(input in "\\PC*", allow in allow()) {
        let _ = input.parse::<Fodselsnummer>();
        if let Ok(number) = Fodselsnummer::parse_with(&input, allow) {
            prop_assert_eq!(Fodselsnummer::parse_with(number.as_str(), allow), Ok(number));
        }
    }

    #[test]
    fn eleven_digit_strings_agree_with_the_oracle(input in "[0-9]{11}", allow in allow()) {
        let result = Fodselsnummer::parse_with(&input, allow);
        prop_assert_eq!(result.is_ok(), oracle_accepts(&input, allow), "{} gave {:?}", input, result);
        if let Ok(number) = result {
            prop_assert_eq!(number.as_str(), input.as_str());
        }
    }

    #[test]
    fn checksum_valid_strings_agree_with_the_oracle(
        nine in "(0[0-9]|[12][0-9]|3[0-2]|4[0-9]|[56][0-9]|7[0-2]|[89][0-9])(0[0-9]|1[0-3]|4[0-9]|5[0-3]|8[0-9]|9[0-3])[0-9]{5}",
        remainder in 0_u32..=3,
        allow in allow(),
    ) {
        // Right check digits make the date, century and kind rules decide.
        if let Some(input) = with_check_digits(&nine, remainder) {
            let result = Fodselsnummer::parse_with(&input, allow);
            prop_assert_eq!(result.is_ok(), oracle_accepts(&input, allow), "{} gave {:?}", input, result);
        }
    }

    #[test]
    fn near_miss_strings_do_not_panic(input in "[0-9 \\-+/a]{9,13}", allow in allow()) {
        if let Ok(number) = Fodselsnummer::parse_with(&input, allow) {
            prop_assert_eq!(number.as_str(), input.replace([' ', '-'], ""));
        }
    }
}
