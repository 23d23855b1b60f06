//! Printing results: text for people, or one JSON object per result and line for scripts.
//!
//! Every command prints through [`Printer`]: one result with [`Printer::emit`], a list with
//! [`Printer::list`] (a table for people, one line of JSON per item for scripts, nothing for an
//! empty list). Times are shown in Stockholm, in JSON as RFC 3339 with the Stockholm offset.
//! Under `--json` a failure is one more object, `{"ok":false,"error":{...}}`, from
//! [`Printer::failure`]; see [`crate::failure`].

use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{DateTime, FixedOffset};
use leyr_domain::appointment::Appointment;
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::medical_note::MedicalNote;
use leyr_domain::time::{format_stockholm, in_stockholm};
use leyr_domain::timeslot::Timeslot;
use serde_json::{Value, json};

use crate::failure::Failure;

/// Prints either text or JSON, as the user asked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    json: bool,
}

impl Printer {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Prints `text` for people, or `value` as one line of JSON.
    pub(crate) fn emit(self, text: &str, value: &Value) {
        if self.json {
            print_line(&value.to_string());
        } else {
            print_line(text);
        }
    }

    /// Prints `text` for people, or each of `values` as one line of JSON.
    pub(crate) fn emit_all(self, text: &str, values: &[Value]) {
        if self.json {
            for value in values {
                print_line(&value.to_string());
            }
        } else {
            print_line(text);
        }
    }

    /// Under `--json`, prints `failure` as one line of JSON; for people the failure goes to
    /// stderr only, which the caller writes.
    pub(crate) fn failure(self, failure: &Failure) {
        if self.json {
            print_line(&failure.to_json().to_string());
        }
    }

    /// Prints `items` as a table under `headers` for people (each row from `row`), or each item
    /// as one line of JSON (from `value`).
    pub(crate) fn list<T>(
        self,
        headers: &[&str],
        items: &[T],
        row: impl Fn(&T) -> Vec<String>,
        value: impl Fn(&T) -> Value,
    ) {
        if self.json {
            for item in items {
                print_line(&value(item).to_string());
            }
        } else {
            let rows: Vec<Vec<String>> = items.iter().map(row).collect();
            print_line(&table(headers, &rows));
        }
    }
}

fn print_line(line: &str) {
    // A closed pipe (e.g. `leyr slots | head`) is not an error worth reporting.
    let _ = writeln!(io::stdout().lock(), "{line}");
}

/// `2026-11-25 08:00` in Stockholm.
pub(crate) fn when(instant: &DateTime<FixedOffset>) -> String {
    in_stockholm(instant).format("%Y-%m-%d %H:%M").to_string()
}

/// `2026-11-25 08:00–08:30` in Stockholm.
pub(crate) fn span(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    let (start, end) = (in_stockholm(start), in_stockholm(end));
    if start.date_naive() == end.date_naive() {
        format!("{}–{}", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
    } else {
        format!(
            "{}–{}",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        )
    }
}

/// Aligned columns under a header row; `(none)` under the headers when there are no rows.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|header| header.chars().count())
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (cell, width) in cells.zip(&widths) {
            let _ = write!(
                text,
                "{cell}{}  ",
                " ".repeat(width.saturating_sub(cell.chars().count()))
            );
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    if rows.is_empty() {
        out.push_str("(none)\n");
    }
    out.trim_end().to_owned()
}

/// An instant for JSON: RFC 3339 in Stockholm, e.g. `2026-11-25T08:00:00+01:00`.
pub(crate) fn time_json(instant: &DateTime<FixedOffset>) -> Value {
    json!(format_stockholm(instant))
}

/// The headers of [`care_unit_row`] and [`resource_row`].
pub(crate) const ID_NAME_HEADERS: [&str; 2] = ["ID", "NAME"];

pub(crate) fn care_unit_row(unit: &CareUnit) -> Vec<String> {
    vec![unit.id.to_string(), unit.name.clone().unwrap_or_default()]
}

pub(crate) fn care_unit_json(unit: &CareUnit) -> Value {
    json!({"id": unit.id.as_str(), "name": unit.name})
}

pub(crate) fn resource_row(resource: &Resource) -> Vec<String> {
    vec![
        resource.id.to_string(),
        resource.name.clone().unwrap_or_default(),
    ]
}

pub(crate) fn resource_json(resource: &Resource) -> Value {
    json!({"id": resource.id.as_str(), "name": resource.name})
}

/// The headers of [`service_row`].
pub(crate) const SERVICE_HEADERS: [&str; 3] = ["ID", "NAME", "LENGTH"];

pub(crate) fn service_row(service: &HealthcareService) -> Vec<String> {
    vec![
        service.id.to_string(),
        service.name.clone().unwrap_or_default(),
        service.duration.map_or_else(String::new, |duration| {
            format!("{} min", duration.num_minutes())
        }),
    ]
}

pub(crate) fn service_json(service: &HealthcareService) -> Value {
    json!({
        "id": service.id.as_str(),
        "name": service.name,
        "duration_minutes": service.duration.map(|duration| duration.num_minutes()),
    })
}

/// The headers of [`slot_row`].
pub(crate) const SLOT_HEADERS: [&str; 3] = ["WHEN (STOCKHOLM)", "RESOURCE", "SERVICE"];

pub(crate) fn slot_row(slot: &Timeslot) -> Vec<String> {
    vec![
        span(&slot.start(), &slot.end()),
        slot.resource_id().to_string(),
        slot.healthcare_service_id().to_string(),
    ]
}

pub(crate) fn slot_json(slot: &Timeslot) -> Value {
    json!({
        "start": time_json(&slot.start()),
        "end": time_json(&slot.end()),
        "resource_id": slot.resource_id().as_str(),
        "healthcare_service_id": slot.healthcare_service_id().as_str(),
    })
}

/// The headers of [`appointment_row`].
pub(crate) const APPOINTMENT_HEADERS: [&str; 5] =
    ["ID", "STATUS", "WHEN (STOCKHOLM)", "RESOURCE", "SERVICE"];

pub(crate) fn appointment_row(appointment: &Appointment) -> Vec<String> {
    vec![
        appointment.id().to_string(),
        appointment.status().to_string(),
        span(&appointment.start(), &appointment.end()),
        appointment
            .resource_id()
            .map_or_else(String::new, ToString::to_string),
        appointment
            .healthcare_service_id()
            .map_or_else(String::new, ToString::to_string),
    ]
}

/// An appointment as JSON, without the patient's id or the comment (both may be personal data).
pub(crate) fn appointment_json(appointment: &Appointment) -> Value {
    json!({
        "id": appointment.id().as_str(),
        "status": appointment.status().as_str(),
        "start": time_json(&appointment.start()),
        "end": time_json(&appointment.end()),
        "care_unit_id": appointment.care_unit_id().as_str(),
        "resource_id": appointment.resource_id().map(|id| id.as_str()),
        "healthcare_service_id": appointment.healthcare_service_id().map(|id| id.as_str()),
        "has_comment": appointment.comment().is_some(),
    })
}

/// The headers of [`note_row`].
pub(crate) const NOTE_HEADERS: [&str; 4] = ["WRITTEN (STOCKHOLM)", "ID", "AUTHOR", "TITLE"];

/// A note for people: when, which, by whom and its title; the text only in JSON.
pub(crate) fn note_row(note: &MedicalNote) -> Vec<String> {
    vec![
        when(&note.created_at),
        note.id.to_string(),
        note.author
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        note.title
            .as_ref()
            .map_or_else(String::new, |title| title.as_str().to_owned()),
    ]
}

pub(crate) fn note_json(note: &MedicalNote) -> Value {
    json!({
        "id": note.id.as_str(),
        "created_at": time_json(&note.created_at),
        "template_id": note.template.as_ref().map(|template| template.as_str()),
        "title": note.title.as_ref().map(|title| title.as_str()),
        "created_by_id": note.author.as_ref().map(|author| author.as_str()),
        "text": note.text.as_ref().map(|text| text.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_say_when_empty() {
        let text = table(&["ID", "NAME"], &[vec!["10".into(), "Vårdenhet 10".into()]]);
        assert_eq!(text, "ID  NAME\n10  Vårdenhet 10");
        assert_eq!(table(&["ID"], &[]), "ID\n(none)");
    }

    #[test]
    fn spans_show_stockholm_time() {
        let start = DateTime::parse_from_rfc3339("2026-11-25T07:00:00Z").unwrap();
        let end = DateTime::parse_from_rfc3339("2026-11-25T07:30:00Z").unwrap();
        assert_eq!(span(&start, &end), "2026-11-25 08:00–08:30");
    }

    #[test]
    fn json_times_are_in_stockholm() {
        let summer = DateTime::parse_from_rfc3339("2026-07-01T06:00:00Z").unwrap();
        assert_eq!(time_json(&summer), json!("2026-07-01T08:00:00+02:00"));
    }
}
