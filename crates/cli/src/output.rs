//! Printing results: text for people, one JSON object per line for scripts.

use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{DateTime, FixedOffset};
use leyr_domain::appointment::Appointment;
use leyr_domain::time::in_stockholm;
use leyr_domain::timeslot::Timeslot;
use serde_json::{Value, json};

/// Prints either text or JSON, as the user asked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    json: bool,
}

impl Printer {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    pub(crate) fn is_json(self) -> bool {
        self.json
    }

    /// Prints `text` for people, or `value` as one line of JSON.
    pub(crate) fn emit(self, text: &str, value: &Value) {
        let mut stdout = io::stdout().lock();
        // A closed pipe (e.g. `leyr slots | head`) is not an error worth reporting.
        let _ = if self.json {
            writeln!(stdout, "{value}")
        } else {
            writeln!(stdout, "{text}")
        };
    }
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

/// Aligned columns under a header row.
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

/// A timeslot as JSON, times as Leyr sent them.
pub(crate) fn slot_json(slot: &Timeslot) -> Value {
    let (start, end) = slot.text().map_or_else(
        || (slot.start().to_rfc3339(), slot.end().to_rfc3339()),
        |text| (text.start.clone(), text.end.clone()),
    );
    json!({
        "start": start,
        "end": end,
        "resource_id": slot.resource_id().as_str(),
        "healthcare_service_id": slot.healthcare_service_id().as_str(),
    })
}

/// An appointment as JSON, without the patient's id or the comment (both may be personal data).
pub(crate) fn appointment_json(appointment: &Appointment) -> Value {
    json!({
        "id": appointment.id().as_str(),
        "status": appointment.status().as_str(),
        "start": appointment.start().to_rfc3339(),
        "end": appointment.end().to_rfc3339(),
        "care_unit_id": appointment.care_unit_id().as_str(),
        "resource_id": appointment.resource_id().map(|id| id.as_str()),
        "healthcare_service_id": appointment.healthcare_service_id().map(|id| id.as_str()),
        "has_comment": appointment.comment().is_some(),
    })
}

/// A table row for an appointment.
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

/// The headers of [`appointment_row`].
pub(crate) const APPOINTMENT_HEADERS: [&str; 5] =
    ["ID", "STATUS", "WHEN (STOCKHOLM)", "RESOURCE", "SERVICE"];

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
}
