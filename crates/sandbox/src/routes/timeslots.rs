//! Free timeslots (§3.5, C15).
//!
//! The listing is the sandbox's busiest route, so its usual case costs one port call: a query
//! that reads cleanly goes straight to `find_timeslots`, which finds out by itself whether the
//! care unit, resource and service exist. Only when that call names an unknown resource or
//! service, or the query has a problem, are the checks made one by one, so that every problem
//! is still reported together and in the order of C30.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta};
use leyr_domain::ehr::{EhrProfile, Operation};
use leyr_domain::error::Entity;
use leyr_domain::ids::{HealthcareServiceId, ResourceId};
use leyr_domain::ports::ReadError;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_wire::query::TimeslotParams;
use leyr_wire::{ErrorCode, Field, FieldPath, mapping};

use super::{CareUnitPath, InWorld, Params, unknown_care_unit};
use crate::port_errors::{self, Origins};
use crate::problem::{ApiError, json_bytes};
use crate::problems::Problems;
use crate::{time_input, typed_ids};

/// The default window length (C15).
const DEFAULT_DAYS: i64 = 30;

/// About how many bytes one slot takes in the answer (134 for the seed's), to size its buffer.
const SLOT_JSON_BYTES: usize = 160;

/// `GET {CU}/timeslots?resource_id&healthcare_service_id&start&end` (§3.5).
///
/// C15: `start` defaults to now and `end` to `start` + 30 days; both need an offset; `end` must
/// be after `start`. Only slots that start after now are listed, ordered by start, resource and
/// service (C10). Every problem of the query is reported at once.
pub(super) async fn list(
    InWorld(state): InWorld,
    path: CareUnitPath,
    Params(params): Params<TimeslotParams>,
) -> Result<Response, ApiError> {
    let now = state.now();
    if let Some(care_unit) = &path.care_unit
        && path.profile.supports(Operation::FindTimeslots)
        && let Some(query) = read_cleanly(&params, path.profile, now)
    {
        match state
            .ports
            .availability
            .find_timeslots(care_unit, &query)
            .await
        {
            Ok(slots) => return Ok(answer(&slots)),
            Err(ReadError::NotFound(Entity::CareUnit)) => return Err(unknown_care_unit()),
            // Every problem of the query is to be reported, not only the first the port met.
            Err(ReadError::NotFound(Entity::Resource | Entity::HealthcareService)) => {}
            Err(error) => return Err(port_errors::read(&error, &origins())),
        }
    }

    // Each check in turn, in the order of C30: the care unit, the profile, then the query.
    let scope = path.check(&state).await?;
    scope.supports(Operation::FindTimeslots)?;
    let care_unit = &scope.care_unit;
    let mut problems = Problems::new();
    let resource_id = read_resource(&params, scope.profile, &mut problems);
    let resource_id = state
        .known_resource(
            care_unit,
            resource_id,
            FieldPath::query(Field::ResourceId),
            &mut problems,
        )
        .await?;
    let service_id = read_service(&params, &mut problems);
    let service_id = state
        .known_service(
            care_unit,
            service_id,
            FieldPath::query(Field::HealthcareServiceId),
            &mut problems,
        )
        .await?;
    let window = read_window(&params, now, &mut problems);
    problems.finish()?;
    let query = slot_query(window, resource_id, service_id)?;
    let slots = state
        .ports
        .availability
        .find_timeslots(care_unit, &query)
        .await
        .map_err(|error| port_errors::read(&error, &origins()))?;
    Ok(answer(&slots))
}

/// Where the ids a listing sends to the port come from.
fn origins() -> Origins {
    Origins::none()
        .with(Entity::Resource, FieldPath::query(Field::ResourceId))
        .with(
            Entity::HealthcareService,
            FieldPath::query(Field::HealthcareServiceId),
        )
}

/// The query, when every parameter reads without a problem and without asking a port.
fn read_cleanly(
    params: &TimeslotParams,
    profile: &EhrProfile,
    now: DateTime<FixedOffset>,
) -> Option<TimeslotQuery> {
    let mut problems = Problems::new();
    let resource_id = read_resource(params, profile, &mut problems);
    let service_id = read_service(params, &mut problems);
    let window = read_window(params, now, &mut problems);
    if !problems.is_empty() {
        return None;
    }
    slot_query(window, resource_id, service_id).ok()
}

/// `resource_id`, an id type the profile takes (C7).
fn read_resource(
    params: &TimeslotParams,
    profile: &EhrProfile,
    problems: &mut Problems,
) -> Option<ResourceId> {
    let text = params.resource_id.as_deref()?;
    problems.check(typed_ids::resource_id(
        text,
        profile,
        Entity::Resource,
        &FieldPath::query(Field::ResourceId),
    ))
}

/// `healthcare_service_id`.
fn read_service(params: &TimeslotParams, problems: &mut Problems) -> Option<HealthcareServiceId> {
    let text = params.healthcare_service_id.as_deref()?;
    problems.check(typed_ids::healthcare_service_id(
        text,
        &FieldPath::query(Field::HealthcareServiceId),
    ))
}

/// The window of C15: `start` (default now) to `end` (default `start` + 30 days), `end` after
/// `start`. `None` with the problems recorded, or `None` alone when the default end cannot be
/// represented.
fn read_window(
    params: &TimeslotParams,
    now: DateTime<FixedOffset>,
    problems: &mut Problems,
) -> Option<TimeWindow> {
    let start = match params.start.as_deref() {
        Some(text) => problems.check(time_input::datetime(text, &FieldPath::query(Field::Start))),
        None => Some(now),
    };
    let end = match params.end.as_deref() {
        Some(text) => problems.check(time_input::datetime(text, &FieldPath::query(Field::End))),
        None => start.and_then(|start| start.checked_add_signed(TimeDelta::days(DEFAULT_DAYS))),
    };
    let (start, end) = (start?, end?);
    match TimeWindow::new(start, end) {
        Ok(window) => Some(window),
        Err(_) => {
            problems.add(ErrorCode::BadInput, &FieldPath::query(Field::End));
            None
        }
    }
}

/// The port's query for a window and filters that read cleanly.
///
/// # Errors
/// `BAD_INPUT` at `["query","start"]` when there is no window: a start so far out that the
/// default end cannot be represented.
fn slot_query(
    window: Option<TimeWindow>,
    resource_id: Option<ResourceId>,
    service_id: Option<HealthcareServiceId>,
) -> Result<TimeslotQuery, ApiError> {
    let window = window.ok_or_else(|| {
        ApiError::field(ErrorCode::BadInput, Some(&FieldPath::query(Field::Start)))
    })?;
    let mut query = TimeslotQuery::new(window);
    query.resource_id = resource_id;
    query.healthcare_service_id = service_id;
    Ok(query)
}

/// The 200 answer: the slots the port found, written straight from its answer. The port
/// lists only free slots of the query that start in its window and after now, in the order of
/// C10 (its contract, which the contract suite checks for every adapter), so they are written
/// as they come.
fn answer(slots: &[Timeslot]) -> Response {
    json_bytes(StatusCode::OK, write_slots(slots))
}

/// The JSON array of §3.5, byte for byte what serializing [`mapping::timeslot_out`] of each
/// slot writes (a test holds the two to each other), written without serde's machinery.
///
/// A month of slots is a thousand short objects, and this is the route clients poll. Each key
/// is written as it stands, and what repeats is written once and copied after: each instant's
/// text, made for the several slots that name it ([`RecentTimes`]), and the end of an object,
/// the same for every slot of one resource and service ([`RecentTails`]). The answer then costs
/// less to write than the same list of owned strings through `serde_json`.
fn write_slots(slots: &[Timeslot]) -> Vec<u8> {
    let mut out = Vec::with_capacity(SLOT_JSON_BYTES);
    let keys = SlotKeys::new();
    let mut times = RecentTimes::default();
    let mut tails = RecentTails::default();
    out.push(b'[');
    for (index, slot) in slots.iter().enumerate() {
        if index == 1 {
            // Every slot takes about as many bytes as the first: room for all of them at once,
            // with a little to spare for longer ids, so that the buffer is not grown and copied
            // as it fills.
            let each = out.len() + out.len() / 8;
            out.reserve(each.saturating_mul(slots.len()));
        }
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&keys.start);
        times.write(&mut out, &slot.start());
        out.extend_from_slice(&keys.end);
        times.write(&mut out, &slot.end());
        tails.write(
            &mut out,
            &keys,
            slot.resource_id().as_str(),
            slot.healthcare_service_id().as_str(),
        );
    }
    out.push(b']');
    out
}

/// The text before each value of a slot object: `{"start":`, `,"end":`, `,"resource_id":` and
/// `,"healthcare_service_id":`.
struct SlotKeys {
    start: Vec<u8>,
    end: Vec<u8>,
    resource_id: Vec<u8>,
    healthcare_service_id: Vec<u8>,
}

impl SlotKeys {
    fn new() -> Self {
        Self {
            start: key(b'{', Field::Start),
            end: key(b',', Field::End),
            resource_id: key(b',', Field::ResourceId),
            healthcare_service_id: key(b',', Field::HealthcareServiceId),
        }
    }
}

/// `before` then `"name":`. Leyr's field names are lower-case words joined by `_`, which JSON
/// writes as they are.
fn key(before: u8, field: Field) -> Vec<u8> {
    let name = field.as_str().as_bytes();
    let mut key = Vec::with_capacity(name.len() + 4);
    key.push(before);
    key.push(b'"');
    key.extend_from_slice(name);
    key.extend_from_slice(b"\":");
    key
}

/// Whether JSON writes `text` as it is: JSON escapes only `"`, `\` and the control characters
/// below U+0020, and `serde_json` escapes nothing else.
fn is_plain(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn write_text(out: &mut Vec<u8>, text: &str) {
    if is_plain(text) {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // `serde_json` writes the escapes; writing into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// How many ends of objects [`RecentTails`] remembers: every resource and service pair that
/// shares a start in the seed.
const RECENT_TAILS: usize = 4;

/// The ends of the last few slot objects written:
/// `,"resource_id":"…","healthcare_service_id":"…"}`.
#[derive(Default)]
struct RecentTails<'a> {
    known: [Option<(&'a str, &'a str, Vec<u8>)>; RECENT_TAILS],
    next: usize,
}

impl<'a> RecentTails<'a> {
    /// Writes the end of the object of a slot of `resource` and `service`.
    fn write(&mut self, out: &mut Vec<u8>, keys: &SlotKeys, resource: &'a str, service: &'a str) {
        let seen = self
            .known
            .iter()
            .flatten()
            .find(|(known_resource, known_service, _)| {
                *known_resource == resource && *known_service == service
            });
        if let Some((_, _, tail)) = seen {
            out.extend_from_slice(tail);
            return;
        }
        let mut tail = Vec::with_capacity(
            keys.resource_id.len()
                + keys.healthcare_service_id.len()
                + resource.len()
                + service.len()
                + 5,
        );
        tail.extend_from_slice(&keys.resource_id);
        write_text(&mut tail, resource);
        tail.extend_from_slice(&keys.healthcare_service_id);
        write_text(&mut tail, service);
        tail.push(b'}');
        out.extend_from_slice(&tail);
        self.known[self.next] = Some((resource, service, tail));
        self.next = (self.next + 1) % RECENT_TAILS;
    }
}

/// How many instants [`RecentTimes`] remembers.
const RECENT_TIMES: usize = 4;

/// The longest JSON text of an instant [`RecentTimes`] keeps, quotes included: room for
/// nanoseconds and any offset.
const TIME_TEXT_BYTES: usize = 48;

/// The JSON texts of the last few instants written. Writing an instant in Stockholm time is the
/// costliest part of writing a slot, and a list of back-to-back slots of several services names
/// each instant several times in a row: a slot's end is the next one's start, and services of
/// one resource start together.
struct RecentTimes {
    /// The instants, in UTC: equal exactly when the instants are.
    instants: [NaiveDateTime; RECENT_TIMES],
    texts: [([u8; TIME_TEXT_BYTES], usize); RECENT_TIMES],
    known: usize,
    next: usize,
}

impl Default for RecentTimes {
    fn default() -> Self {
        Self {
            instants: [NaiveDateTime::MIN; RECENT_TIMES],
            texts: [([0; TIME_TEXT_BYTES], 0); RECENT_TIMES],
            known: 0,
            next: 0,
        }
    }
}

impl RecentTimes {
    /// Writes `instant` as `leyr-wire` writes a slot's time, quoted.
    fn write(&mut self, out: &mut Vec<u8>, instant: &DateTime<FixedOffset>) {
        // The text depends on the instant alone.
        let key = instant.naive_utc();
        if let Some(seen) = self.instants[..self.known]
            .iter()
            .position(|known| *known == key)
        {
            let (bytes, len) = &self.texts[seen];
            out.extend_from_slice(&bytes[..*len]);
            return;
        }
        let time = mapping::slot_time(instant);
        let start = out.len();
        write_text(out, time.as_str());
        let written = &out[start..];
        if let Some(room) = self.texts[self.next].0.get_mut(..written.len()) {
            room.copy_from_slice(written);
            self.texts[self.next].1 = written.len();
            self.instants[self.next] = key;
            self.known = (self.known + 1).min(RECENT_TIMES);
            self.next = (self.next + 1) % RECENT_TIMES;
        }
    }
}

#[cfg(test)]
mod tests {
    use leyr_domain::ids::{HealthcareServiceId, ResourceId};

    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn slot(start: &str, end: &str, service: &str) -> Timeslot {
        Timeslot::new(
            at(start),
            at(end),
            ResourceId::new("10-\"991890000019\"").unwrap(),
            HealthcareServiceId::new(service).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn field_names_need_no_escaping_and_ids_are_escaped_as_serde_json_does() {
        for field in Field::ALL {
            let name = field.as_str();
            assert!(
                name.bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte == b'_'),
                "{name}"
            );
        }
        for text in [
            "10-991890000019",
            "a\"b",
            "a\\b",
            "tab\there",
            "\u{1f}",
            "Läk\u{7f}",
        ] {
            let mut written = Vec::new();
            write_text(&mut written, text);
            assert_eq!(written, serde_json::to_vec(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn c35_the_list_is_written_as_the_wire_writes_each_slot() {
        let slots = [
            slot(
                "2024-03-25T08:00:00+01:00",
                "2024-03-25T08:30:00+01:00",
                "1001",
            ),
            slot("2024-03-25T07:00:00Z", "2024-03-25T08:15:00+01:00", "1002"),
            slot(
                "2024-03-25T08:15:00+01:00",
                "2024-03-25T08:30:00+01:00",
                "1002",
            ),
            slot(
                "2024-03-25T08:30:00+01:00",
                "2024-03-25T09:00:00+01:00",
                "1001",
            ),
            // Summer time: the same wall-clock hour is another instant, with another offset.
            slot("2024-03-31T01:30:00Z", "2024-03-31T02:00:00Z", "1001"),
            slot("2024-03-31T00:30:00Z", "2024-03-31T01:00:00Z", "1001"),
            slot(
                "2024-03-25T08:00:00.5+01:00",
                "2024-03-25T08:30:00+01:00",
                "1001",
            ),
        ];
        let written = String::from_utf8(write_slots(&slots)).unwrap();
        let expected: Vec<_> = slots.iter().map(mapping::timeslot_out).collect();
        assert_eq!(written, serde_json::to_string(&expected).unwrap());
        assert_eq!(write_slots(&[]), b"[]");
        assert!(written.contains("2024-03-31T03:30:00+02:00"), "{written}");
        assert!(written.contains("2024-03-31T01:30:00+01:00"), "{written}");
    }
}
