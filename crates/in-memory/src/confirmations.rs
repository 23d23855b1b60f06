//! Confirmation by code (contract §9.3, C46a), for profiles whose booking or cancellation is
//! [`Confirmation::Code`](leyr_domain::ehr::Confirmation::Code) (Anita Systems):
//!
//! - a booking is created `awaiting_confirmation`, holding its slot, and a code is "sent" to the
//!   patient's first phone; the right code books it;
//! - a cancellation answers a **new** id awaiting confirmation and leaves the original booked;
//!   the right code for the new id cancels the original and spends the new id;
//! - after [`MAX_WRONG_CODES`] wrong codes for one id, every further code is refused;
//! - an unconfirmed booking or cancellation lapses after [`CODE_LIFETIME`] of the EHR's clock:
//!   the booking is then reported `cancelled` and its slot is free; the original of a lapsed
//!   cancellation simply stays booked.
//!
//! Every code sent is kept in a bounded [`ConfirmationMessage`] log, newest last, with the phone
//! number masked: the log is what a test reads to play the patient.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use leyr_domain::appointment::{Comment, ConfirmationCode};
use leyr_domain::ids::{AppointmentId, CareUnitId};
use leyr_domain::patient::PhoneNumber;
use rustc_hash::FxHashMap;

use crate::random::SplitMix64;

/// Wrong codes accepted for one id before every further code is refused (§9.3).
pub const MAX_WRONG_CODES: u8 = 5;

/// How long a code stays good, on the EHR's clock (§9.3).
pub const CODE_LIFETIME: TimeDelta = TimeDelta::minutes(15);

/// The most messages the log keeps; older ones are dropped first (C49).
pub const MESSAGE_LOG_CAPACITY: usize = 10_000;

/// What a code confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmationPurpose {
    /// A booking, whose id is the appointment's own.
    Booking,
    /// A cancellation, whose id is the new one the cancel answered.
    Cancellation,
}

/// A code "sent" to a patient: what a real patient would read in an SMS.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfirmationMessage {
    /// When it was sent, in Stockholm time.
    pub sent_at: DateTime<FixedOffset>,
    /// The care unit of the appointment.
    pub care_unit_id: CareUnitId,
    /// The id to confirm: the booking's, or the new id of a cancellation.
    pub appointment_id: AppointmentId,
    /// What the code confirms.
    pub purpose: ConfirmationPurpose,
    /// The code, 6 digits unless a fixed code was configured.
    pub code: ConfirmationCode,
    /// The phone number it went to, every digit but the last two replaced by `*` (the leading
    /// `+` kept); `None` when the patient has no phone.
    pub masked_phone: Option<String>,
}

impl fmt::Debug for ConfirmationMessage {
    // The code is a secret until it is used; the phone is masked already.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmationMessage")
            .field("sent_at", &self.sent_at)
            .field("care_unit_id", &self.care_unit_id)
            .field("appointment_id", &self.appointment_id)
            .field("purpose", &self.purpose)
            .field("masked_phone", &self.masked_phone)
            .finish_non_exhaustive()
    }
}

/// `+46701740605` as `+*********05`.
#[must_use]
pub fn mask_phone(phone: &PhoneNumber) -> String {
    let text = phone.as_str();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen + 2 <= digits { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// A confirmation as data: what an export holds and a dataset restores, so that a code sent
/// before a restart still confirms after it.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfirmationRecord {
    /// The id to confirm: the booking's own, or the new id of a cancellation.
    pub appointment_id: AppointmentId,
    /// What it confirms.
    pub kind: ConfirmationKind,
    /// The code sent.
    pub code: ConfirmationCode,
    /// Wrong codes given so far (at [`MAX_WRONG_CODES`] every further code is refused).
    pub wrong_codes: u8,
    /// When the code lapses, on the EHR's clock.
    pub expires_at: DateTime<FixedOffset>,
    /// Used or lapsed: every further code is refused.
    pub settled: bool,
    /// The phone the code was sent to, masked as in [`ConfirmationMessage::masked_phone`].
    pub masked_phone: Option<String>,
}

impl fmt::Debug for ConfirmationRecord {
    // The code is a secret until it is used; a comment may hold anything.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfirmationRecord")
            .field("appointment_id", &self.appointment_id)
            .field("wrong_codes", &self.wrong_codes)
            .field("expires_at", &self.expires_at)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

/// What a [`ConfirmationRecord`] confirms.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmationKind {
    /// A booking, whose id is the appointment's own.
    Booking,
    /// The cancellation of `original`, with the caller's comment.
    Cancellation {
        /// The appointment the code cancels.
        original: AppointmentId,
        /// The comment the cancellation appends.
        comment: Option<Comment>,
    },
}

impl fmt::Debug for ConfirmationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Booking => f.write_str("Booking"),
            Self::Cancellation { original, .. } => f
                .debug_struct("Cancellation")
                .field("original", original)
                .finish_non_exhaustive(),
        }
    }
}

/// One code waiting for the patient.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) care_unit: CareUnitId,
    pub(crate) kind: PendingKind,
    code: ConfirmationCode,
    wrong: u8,
    pub(crate) expires_at: DateTime<Utc>,
    /// Used or lapsed: every further code is refused.
    pub(crate) settled: bool,
    masked_phone: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum PendingKind {
    Booking,
    /// The cancellation of `original`, with the caller's comment.
    Cancellation {
        original: AppointmentId,
        comment: Option<Comment>,
    },
}

fn record(id: &AppointmentId, pending: &Pending) -> ConfirmationRecord {
    ConfirmationRecord {
        appointment_id: id.clone(),
        kind: match &pending.kind {
            PendingKind::Booking => ConfirmationKind::Booking,
            PendingKind::Cancellation { original, comment } => ConfirmationKind::Cancellation {
                original: original.clone(),
                comment: comment.clone(),
            },
        },
        code: pending.code.clone(),
        wrong_codes: pending.wrong,
        expires_at: leyr_domain::time::in_stockholm(&pending.expires_at),
        settled: pending.settled,
        masked_phone: pending.masked_phone.clone(),
    }
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeRefusal {
    /// The id was confirmed, or lapsed, already.
    Settled,
    /// A wrong code, or too many before it.
    Wrong,
}

/// The codes waiting and the messages sent, for one EHR.
pub(crate) struct Confirmations {
    pending: FxHashMap<AppointmentId, Pending>,
    /// The bookings that may still lapse, per care unit, by when: the sweep looks at the
    /// earliest only, so a call costs nothing while no code is due. Ids confirmed meanwhile
    /// stay until their time and are skipped then.
    open_bookings: FxHashMap<CareUnitId, BTreeMap<DateTime<Utc>, Vec<AppointmentId>>>,
    messages: VecDeque<ConfirmationMessage>,
    codes: SplitMix64,
    fixed_code: Option<ConfirmationCode>,
    /// The ids whose confirmation changed since last taken, when changes are tracked.
    changed: Option<Vec<AppointmentId>>,
}

impl fmt::Debug for Confirmations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Confirmations")
            .field("pending", &self.pending.len())
            .field("messages", &self.messages.len())
            .finish_non_exhaustive()
    }
}

impl Confirmations {
    pub(crate) fn new(seed: u64, fixed_code: Option<ConfirmationCode>) -> Self {
        Self {
            pending: FxHashMap::default(),
            open_bookings: FxHashMap::default(),
            messages: VecDeque::new(),
            codes: SplitMix64::new(seed ^ 0xC0DE_5EED_0000_0946),
            fixed_code,
            changed: None,
        }
    }

    /// From now on, remember which confirmations change.
    pub(crate) fn track_changes(&mut self) {
        self.changed.get_or_insert_with(Vec::new);
    }

    fn mark(&mut self, id: &AppointmentId) {
        if let Some(changed) = &mut self.changed {
            changed.push(id.clone());
        }
    }

    /// The confirmations changed since the last call, as they are now, each once.
    pub(crate) fn take_changed(&mut self) -> Vec<(CareUnitId, ConfirmationRecord)> {
        let mut ids = self
            .changed
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut seen = rustc_hash::FxHashSet::default();
        ids.retain(|id| seen.insert(id.clone()));
        ids.iter()
            .filter_map(|id| {
                let pending = self.pending.get(id)?;
                Some((pending.care_unit.clone(), record(id, pending)))
            })
            .collect()
    }

    /// Every confirmation of `care_unit`, ordered by id.
    pub(crate) fn records_of(&self, care_unit: &CareUnitId) -> Vec<ConfirmationRecord> {
        let mut records: Vec<ConfirmationRecord> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.care_unit == *care_unit)
            .map(|(id, pending)| record(id, pending))
            .collect();
        records.sort_by(|a, b| a.appointment_id.cmp(&b.appointment_id));
        records
    }

    /// Restores a confirmation of `care_unit` from data; `false` if its id has one already.
    pub(crate) fn restore(&mut self, care_unit: &CareUnitId, record: ConfirmationRecord) -> bool {
        if self.pending.contains_key(&record.appointment_id) {
            return false;
        }
        let expires_at = record.expires_at.with_timezone(&Utc);
        // The message that sent the code, as a patient would still have it.
        self.send(ConfirmationMessage {
            sent_at: leyr_domain::time::in_stockholm(&(expires_at - CODE_LIFETIME)),
            care_unit_id: care_unit.clone(),
            appointment_id: record.appointment_id.clone(),
            purpose: match record.kind {
                ConfirmationKind::Booking => ConfirmationPurpose::Booking,
                ConfirmationKind::Cancellation { .. } => ConfirmationPurpose::Cancellation,
            },
            code: record.code.clone(),
            masked_phone: record.masked_phone.clone(),
        });
        let kind = match record.kind {
            ConfirmationKind::Booking => {
                if !record.settled {
                    self.open_bookings
                        .entry(care_unit.clone())
                        .or_default()
                        .entry(expires_at)
                        .or_default()
                        .push(record.appointment_id.clone());
                }
                PendingKind::Booking
            }
            ConfirmationKind::Cancellation { original, comment } => {
                PendingKind::Cancellation { original, comment }
            }
        };
        self.pending.insert(
            record.appointment_id,
            Pending {
                care_unit: care_unit.clone(),
                kind,
                code: record.code,
                wrong: record.wrong_codes,
                expires_at,
                settled: record.settled,
                masked_phone: record.masked_phone,
            },
        );
        true
    }

    /// Starts a confirmation for `id` and "sends" its code.
    pub(crate) fn start(
        &mut self,
        id: AppointmentId,
        care_unit: CareUnitId,
        kind: PendingKind,
        phone: Option<&PhoneNumber>,
        now: DateTime<Utc>,
    ) {
        let code = match &self.fixed_code {
            Some(code) => code.clone(),
            None => {
                let number = self.codes.next_u64() % 1_000_000;
                // Six ASCII digits are always a valid code.
                let Ok(code) = ConfirmationCode::new(&format!("{number:06}")) else {
                    return;
                };
                code
            }
        };
        let expires_at = now + CODE_LIFETIME;
        let purpose = match kind {
            PendingKind::Booking => {
                self.open_bookings
                    .entry(care_unit.clone())
                    .or_default()
                    .entry(expires_at)
                    .or_default()
                    .push(id.clone());
                ConfirmationPurpose::Booking
            }
            PendingKind::Cancellation { .. } => ConfirmationPurpose::Cancellation,
        };
        let masked_phone = phone.map(mask_phone);
        self.send(ConfirmationMessage {
            sent_at: leyr_domain::time::in_stockholm(&now),
            care_unit_id: care_unit.clone(),
            appointment_id: id.clone(),
            purpose,
            code: code.clone(),
            masked_phone: masked_phone.clone(),
        });
        self.mark(&id);
        self.pending.insert(
            id,
            Pending {
                care_unit,
                kind,
                code,
                wrong: 0,
                expires_at,
                settled: false,
                masked_phone,
            },
        );
    }

    fn send(&mut self, message: ConfirmationMessage) {
        if self.messages.len() == MESSAGE_LOG_CAPACITY {
            self.messages.pop_front();
        }
        self.messages.push_back(message);
    }

    /// Puts the message log of restored confirmations in the order they were sent.
    pub(crate) fn finish_restore(&mut self) {
        self.messages
            .make_contiguous()
            .sort_by_key(|message| message.sent_at);
    }

    pub(crate) fn get(&self, id: &AppointmentId) -> Option<&Pending> {
        self.pending.get(id)
    }

    /// Checks `code` for `id` at `now`; on success the confirmation is settled and returned.
    pub(crate) fn check(
        &mut self,
        id: &AppointmentId,
        code: &ConfirmationCode,
        now: DateTime<Utc>,
    ) -> Option<Result<Pending, CodeRefusal>> {
        let pending = self.pending.get_mut(id)?;
        if pending.settled || pending.expires_at <= now {
            return Some(Err(CodeRefusal::Settled));
        }
        if pending.wrong >= MAX_WRONG_CODES {
            return Some(Err(CodeRefusal::Wrong));
        }
        if pending.code != *code {
            pending.wrong += 1;
            self.mark(id);
            return Some(Err(CodeRefusal::Wrong));
        }
        pending.settled = true;
        let settled = pending.clone();
        self.mark(id);
        Some(Ok(settled))
    }

    /// Whether a booking of `care_unit` may have lapsed by `now`.
    pub(crate) fn may_have_lapsed(&self, care_unit: &CareUnitId, now: DateTime<Utc>) -> bool {
        self.open_bookings
            .get(care_unit)
            .and_then(BTreeMap::first_key_value)
            .is_some_and(|(due, _)| *due <= now)
    }

    /// Settles every booking of `care_unit` lapsed by `now` and returns their ids.
    pub(crate) fn lapse(
        &mut self,
        care_unit: &CareUnitId,
        now: DateTime<Utc>,
    ) -> Vec<AppointmentId> {
        let Some(open) = self.open_bookings.get_mut(care_unit) else {
            return Vec::new();
        };
        let later = open.split_off(&(now + TimeDelta::nanoseconds(1)));
        let due = std::mem::replace(open, later);
        let mut lapsed = Vec::new();
        for id in due.into_values().flatten() {
            if let Some(pending) = self.pending.get_mut(&id)
                && !pending.settled
            {
                pending.settled = true;
                lapsed.push(id);
            }
        }
        for id in &lapsed {
            self.mark(id);
        }
        lapsed
    }

    /// The messages sent, newest first, at most `limit`.
    pub(crate) fn messages(&self, limit: usize) -> Vec<ConfirmationMessage> {
        self.messages.iter().rev().take(limit).cloned().collect()
    }

    /// Forgets every code and message.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.open_bookings.clear();
        self.messages.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> AppointmentId {
        AppointmentId::new(format!("id-{n}")).unwrap()
    }

    #[test]
    fn the_log_keeps_the_newest_ten_thousand_and_codes_are_six_digits() {
        let mut confirmations = Confirmations::new(7, None);
        let unit = CareUnitId::new("L0_1").unwrap();
        let now = DateTime::<Utc>::default();
        for n in 0..=MESSAGE_LOG_CAPACITY {
            confirmations.start(id(n), unit.clone(), PendingKind::Booking, None, now);
        }
        let all = confirmations.messages(usize::MAX);
        assert_eq!(all.len(), MESSAGE_LOG_CAPACITY);
        assert_eq!(
            all[0].appointment_id,
            id(MESSAGE_LOG_CAPACITY),
            "newest first"
        );
        assert_eq!(
            all[all.len() - 1].appointment_id,
            id(1),
            "the oldest was dropped"
        );
        assert!(all.iter().all(|message| message.code.as_str().len() == 6
            && message.code.as_str().bytes().all(|b| b.is_ascii_digit())));
        let distinct: std::collections::HashSet<_> =
            all.iter().map(|message| message.code.as_str()).collect();
        assert!(distinct.len() > 9_000, "codes are drawn, not repeated");
    }

    #[test]
    fn five_wrong_codes_lock_an_id_and_codes_lapse() {
        let fixed = ConfirmationCode::new("424242").unwrap();
        let mut confirmations = Confirmations::new(7, Some(fixed.clone()));
        let unit = CareUnitId::new("L0_1").unwrap();
        let now = DateTime::<Utc>::default();
        confirmations.start(id(1), unit.clone(), PendingKind::Booking, None, now);
        let wrong = ConfirmationCode::new("000000").unwrap();
        for _ in 0..MAX_WRONG_CODES {
            assert!(matches!(
                confirmations.check(&id(1), &wrong, now),
                Some(Err(CodeRefusal::Wrong))
            ));
        }
        assert!(matches!(
            confirmations.check(&id(1), &fixed, now),
            Some(Err(CodeRefusal::Wrong))
        ));
        confirmations.start(id(2), unit.clone(), PendingKind::Booking, None, now);
        assert!(!confirmations.may_have_lapsed(&unit, now + CODE_LIFETIME - TimeDelta::seconds(1)));
        assert!(confirmations.may_have_lapsed(&unit, now + CODE_LIFETIME));
        let mut lapsed = confirmations.lapse(&unit, now + CODE_LIFETIME);
        lapsed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        assert_eq!(lapsed, [id(1), id(2)]);
        assert!(!confirmations.may_have_lapsed(&unit, now + CODE_LIFETIME));
        assert!(matches!(
            confirmations.check(&id(2), &fixed, now + CODE_LIFETIME),
            Some(Err(CodeRefusal::Settled))
        ));
    }

    #[test]
    fn phones_keep_their_plus_and_last_two_digits() {
        let phone = PhoneNumber::new("+46701740605").unwrap();
        assert_eq!(mask_phone(&phone), "+*********05");
    }
}
