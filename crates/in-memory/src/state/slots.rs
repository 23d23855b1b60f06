//! The slot index: each resource's slots, sorted by start, and one hold counter per slot.
//!
//! Slots are fixed once loaded, so a window, a slot or the span of an interval is a binary
//! search (or a few steps from a known slot). The counters live apart, in [`Holds`], because
//! they change under the records' lock while the slots are read without one.

use std::ops::Range;

use chrono::{DateTime, FixedOffset, TimeDelta, Timelike};
use leyr_domain::catalog::Resource;

use super::records::StoredAppointment;

/// A resource and its slots.
#[derive(Debug)]
pub(crate) struct ResourceState {
    pub(crate) resource: Resource,
    /// Sorted by (start, service, end), no duplicates. A slot's position is its index in the
    /// resource's [`Holds`].
    pub(crate) slots: Vec<SlotEntry>,
    /// The longest slot: a slot starting that long or longer before an instant ends by it.
    longest: TimeDelta,
}

impl ResourceState {
    pub(super) fn new(resource: Resource, slots: Vec<SlotEntry>) -> Self {
        let longest = slots
            .iter()
            .map(SlotEntry::length_bound)
            .max()
            .unwrap_or_default();
        Self {
            resource,
            slots,
            longest: TimeDelta::seconds(longest),
        }
    }

    /// The index of the slot with exactly these instants and service.
    pub(crate) fn find_slot(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
        service: usize,
    ) -> Option<usize> {
        let first = self.slots.partition_point(|entry| entry.start < start);
        self.slots[first..]
            .iter()
            .take_while(|entry| entry.start == start)
            .position(|entry| entry.service() == service && entry.end == end)
            .map(|offset| first + offset)
    }

    /// The indices of the slots that start in `[from, until)` and strictly after `now`.
    pub(crate) fn slots_between(
        &self,
        from: DateTime<FixedOffset>,
        until: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> Range<usize> {
        let first = self
            .slots
            .partition_point(|entry| entry.start < from || entry.start <= now);
        let last = first + self.slots[first..].partition_point(|entry| entry.start < until);
        first..last
    }

    /// The span of `[start, end)`: the slots that start after `start - longest` and before
    /// `end`. Every slot that shares an instant with the interval is in it (a slot starting
    /// earlier has ended by `start`), and a slot in it does when it ends after `start`.
    pub(crate) fn span(
        &self,
        start: DateTime<FixedOffset>,
        end: DateTime<FixedOffset>,
    ) -> Range<usize> {
        let first = match start.checked_sub_signed(self.longest) {
            Some(earliest) => self.slots.partition_point(|entry| entry.start <= earliest),
            None => 0,
        };
        let last = first + self.slots[first..].partition_point(|entry| entry.start < end);
        first..last
    }

    /// [`ResourceState::span`] of slot `slot`'s own interval, found by stepping to its
    /// neighbours instead of searching: a booking knows its slot, and its span is a handful of
    /// slots.
    pub(crate) fn span_of_slot(&self, slot: usize) -> Range<usize> {
        let Some(entry) = self.slots.get(slot) else {
            return slot..slot;
        };
        let earliest = entry.start.checked_sub_signed(self.longest);
        let mut first = slot;
        while first > 0 && earliest.is_none_or(|earliest| self.slots[first - 1].start > earliest) {
            first -= 1;
        }
        let mut last = slot + 1;
        while last < self.slots.len() && self.slots[last].start < entry.end {
            last += 1;
        }
        first..last
    }
}

/// One slot of a resource: 36 bytes, times in Stockholm offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlotEntry {
    pub(crate) start: DateTime<FixedOffset>,
    pub(crate) end: DateTime<FixedOffset>,
    pub(super) service: u32,
}

impl SlotEntry {
    pub(crate) fn service(&self) -> usize {
        self.service as usize
    }

    /// Its length in whole seconds, rounded up: a bound for [`ResourceState::span`]. Cheap for
    /// a slot within one UTC day (every generated slot), where subtracting datetimes would mean
    /// calendar arithmetic for each of a million slots.
    fn length_bound(&self) -> i64 {
        let (start, end) = (self.start.naive_utc(), self.end.naive_utc());
        if start.date() == end.date() {
            i64::from(end.num_seconds_from_midnight())
                - i64::from(start.num_seconds_from_midnight())
                + 1
        } else {
            (end - start).num_seconds() + 1
        }
    }
}

/// For each slot of one resource (by slot index), how many held (booked or awaiting)
/// appointments share an instant with it.
#[derive(Debug)]
pub(crate) struct Holds {
    overlapping: Vec<u32>,
}

impl Holds {
    pub(super) fn new(slots: usize) -> Self {
        Self {
            overlapping: vec![0; slots],
        }
    }

    /// How many held appointments overlap slot `slot`.
    pub(crate) fn count(&self, slot: usize) -> u32 {
        self.overlapping.get(slot).copied().unwrap_or_default()
    }

    /// Whether no held appointment overlaps slot `slot`.
    pub(crate) fn is_free(&self, slot: usize) -> bool {
        self.count(slot) == 0
    }

    /// The counts of the slots `slots`, in order.
    pub(crate) fn counts(&self, slots: Range<usize>) -> &[u32] {
        self.overlapping.get(slots).unwrap_or_default()
    }

    /// Counts `held` on every slot it overlaps. `slots` are its resource's.
    pub(super) fn add(&mut self, slots: &[SlotEntry], held: &StoredAppointment) {
        for count in overlapped(slots, &mut self.overlapping, held) {
            *count = count.saturating_add(1);
        }
    }

    /// Undoes [`Holds::add`] of the same appointment.
    pub(super) fn remove(&mut self, slots: &[SlotEntry], held: &StoredAppointment) {
        for count in overlapped(slots, &mut self.overlapping, held) {
            *count = count.saturating_sub(1);
        }
    }
}

/// The counters of the slots `held` overlaps: those of its span that end after it starts.
fn overlapped<'a>(
    slots: &'a [SlotEntry],
    counts: &'a mut [u32],
    held: &StoredAppointment,
) -> impl Iterator<Item = &'a mut u32> {
    let start = held.start;
    let slots = slots.get(held.span.clone()).unwrap_or_default();
    let counts = counts.get_mut(held.span.clone()).unwrap_or_default();
    slots
        .iter()
        .zip(counts)
        .filter(move |(entry, _)| entry.end > start)
        .map(|(_, count)| count)
}

#[cfg(test)]
pub(super) mod tests {
    use chrono::Utc;
    use leyr_domain::ids::ResourceId;

    use super::*;

    pub(in crate::state) fn at(minute: i64) -> DateTime<FixedOffset> {
        DateTime::<Utc>::UNIX_EPOCH.fixed_offset() + TimeDelta::minutes(minute)
    }

    /// One resource with these `(start, end)` slots (in minutes), all of service 0.
    pub(in crate::state) fn resource_with(slots: &[(i64, i64)]) -> Vec<ResourceState> {
        let mut entries: Vec<SlotEntry> = slots
            .iter()
            .map(|&(start, end)| SlotEntry {
                start: at(start),
                end: at(end),
                service: 0,
            })
            .collect();
        entries.sort_by_key(|entry| (entry.start, entry.end));
        let resource = Resource {
            id: ResourceId::new("r").unwrap(),
            name: None,
        };
        vec![ResourceState::new(resource, entries)]
    }

    #[test]
    fn the_span_of_a_slot_found_by_stepping_equals_the_searched_one() {
        // Dr Ehn's morning: 30-minute new visits and 15-minute follow-ups, back to back.
        let mut slots: Vec<(i64, i64)> = (0..8).map(|n| (n * 30, n * 30 + 30)).collect();
        slots.extend((0..16).map(|n| (n * 15, n * 15 + 15)));
        slots.push((500, 560));
        let resources = resource_with(&slots);
        let resource = &resources[0];
        for (slot, entry) in resource.slots.iter().enumerate() {
            assert_eq!(
                resource.span_of_slot(slot),
                resource.span(entry.start, entry.end),
                "slot {slot}"
            );
        }
        let taken = resource.find_slot(at(30), at(60), 0).unwrap();
        let overlapped: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = resource.slots
            [resource.span_of_slot(taken)]
        .iter()
        .filter(|entry| entry.end > at(30))
        .map(|entry| (entry.start, entry.end))
        .collect();
        assert_eq!(
            overlapped,
            [(at(30), at(45)), (at(30), at(60)), (at(45), at(60))],
            "the 30-minute slot at minute 30 overlaps itself and two follow-ups"
        );
    }

    #[test]
    fn slots_between_respects_the_window_and_now() {
        let slots: Vec<(i64, i64)> = (0..10).map(|slot| (slot * 15, slot * 15 + 15)).collect();
        let resources = resource_with(&slots);
        let resource = &resources[0];
        let starts = |range: Range<usize>| {
            resource.slots[range]
                .iter()
                .map(|entry| entry.start)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            starts(resource.slots_between(at(15), at(60), at(-1))),
            [at(15), at(30), at(45)]
        );
        assert_eq!(
            starts(resource.slots_between(at(15), at(60), at(30))),
            [at(45)],
            "strictly after now"
        );
        assert!(resource.slots_between(at(200), at(300), at(0)).is_empty());
        assert_eq!(
            resource
                .find_slot(at(30), at(45), 0)
                .map(|slot| resource.slots[slot].start),
            Some(at(30))
        );
        assert!(
            resource.find_slot(at(30), at(44), 0).is_none(),
            "the end must match too"
        );
        assert!(
            resource.find_slot(at(30), at(45), 1).is_none(),
            "the service must match too"
        );
    }
}
