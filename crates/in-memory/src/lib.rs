//! Every Leyr booking port in memory: a faithful fake of TakeCare through Leyr.
//!
//! [`InMemoryEhr`] implements all six ports of [`leyr_domain::ports`] (`CareUnitCatalog`,
//! `PatientDirectory`, `Availability`, `AppointmentBook`, `MedicalNotes`,
//! `PatientDocuments`) with the data, rules and errors the wire contract describes for Leyr's
//! TakeCare sandbox. Swap it in for `leyr-http` in your tests: the same `leyr-contract` suite
//! passes against both. `leyr-sandbox` serves Leyr's HTTP API on top of it.
//!
//! # Quick start
//!
//! ```
//! use std::sync::Arc;
//!
//! use chrono::TimeDelta;
//! use leyr_domain::appointment::{AppointmentQuery, AppointmentStatus, BookingRequest};
//! use leyr_domain::ids::{CareUnitId, ResourceId};
//! use leyr_domain::patient::PatientRef;
//! use leyr_domain::personnummer::Personnummer;
//! use leyr_domain::ports::{AppointmentBook, Availability, Clock};
//! use leyr_domain::time::in_stockholm;
//! use leyr_domain::timeslot::{TimeWindow, TimeslotQuery};
//! use leyr_in_memory::{InMemoryEhr, ManualClock, seed};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Monday 2025-01-06, 08:00 in Stockholm. Keep a clone of the clock to move time later.
//! let clock = ManualClock::default();
//! let ehr = InMemoryEhr::seeded(Arc::new(clock.clone()));
//!
//! // The first free slot with Dr Ehn in the coming week.
//! let care_unit = CareUnitId::new(seed::CARE_UNIT)?;
//! let window = TimeWindow::starting_at(in_stockholm(&clock.now()), TimeDelta::days(7))?;
//! let query = TimeslotQuery::new(window).resource(ResourceId::new(seed::DR_EHN)?);
//! let slots = ehr.find_timeslots(&care_unit, &query).await?;
//! let slot = slots.first().ok_or("no free slot")?.clone();
//!
//! // Book it for Leyr's recommended test patient.
//! let request = BookingRequest {
//!     patient: PatientRef::from(seed::RECOMMENDED_PATIENT.parse::<Personnummer>()?),
//!     slot: slot.clone(),
//!     comment: None,
//! };
//! let appointment = ehr.book(&care_unit, &request).await?;
//! assert_eq!(appointment.status(), &AppointmentStatus::Booked);
//!
//! // The slot is gone from the listing, and a second booking of it is refused.
//! assert!(!ehr.find_timeslots(&care_unit, &query).await?.contains(&slot));
//! assert!(ehr.book(&care_unit, &request).await.is_err());
//!
//! // Once its time has passed, the appointment is reported completed (contract C20).
//! clock.advance(TimeDelta::days(8));
//! let query = AppointmentQuery { patient: Some(request.patient.clone()), ..Default::default() };
//! let listed = ehr.list_appointments(&care_unit, &query).await?;
//! let booked = listed.iter().find(|listed| listed.id() == appointment.id()).ok_or("not listed")?;
//! assert_eq!(booked.status(), &AppointmentStatus::Completed);
//! # Ok(())
//! # }
//! ```
//!
//! # Seeded data
//!
//! [`InMemoryEhr::seeded`] loads the TakeCare sandbox world of contract C32, dated relative to
//! the clock's date in `Europe/Stockholm`: care unit `10`, Dr Ehn (`10-991890000019`, services
//! 1001 and 1002) and nurse Lind (`10-991890000027`, service 1003), the seven test patients,
//! weekday slots for 60 days and a small history for patient `197110021834`. The [`seed`]
//! module has the ids as constants and the table of values. For another world, build a
//! [`Dataset`] (or change the one [`seed::TAKECARE`] returns) and pass it to
//! [`InMemoryEhrBuilder::dataset`].
//!
//! Ids the fake issues (Leyr patient ids, appointment, note and document ids) are UUID v4 text
//! from a seeded generator ([`InMemoryEhrBuilder::id_seed`]), so every run issues the same ids.
//! That generator, [`SplitMix64`], is public: it is the workspace's one source of seeded
//! randomness, for any test double that needs it.
//!
//! # Time
//!
//! The fake never reads the wall clock: it asks the [`Clock`] it was built with. Tests use a
//! [`ManualClock`] and move it; a slot is listed and bookable only while it starts after now,
//! and a booked appointment whose end has passed is reported completed.
//!
//! # Fault injection
//!
//! [`InMemoryEhr::faults`] makes any port method fail, hang or lose its answer, by script or at
//! a seeded rate, so retry and reconciliation code can be tested (contract C31):
//!
//! ```
//! use std::time::Duration;
//! use leyr_in_memory::{Fault, InMemoryEhr, Operation};
//!
//! let ehr = InMemoryEhr::builder().build()?;
//! // The next booking is done, but its answer is lost: the caller gets `OutcomeUnknown` and
//! // must list the patient's appointments to learn that it happened.
//! ehr.faults().script(Operation::Book, [Fault::OutcomeUnknown]);
//! // The two listings after that fail with 503, asking for a one-second wait.
//! let busy = Fault::Unavailable { retry_after: Some(Duration::from_secs(1)) };
//! ehr.faults().script(Operation::ListAppointments, [busy.clone(), busy]);
//! # Ok::<(), leyr_in_memory::DatasetError>(())
//! ```
//!
//! See [`faults`] for the full table of effects.
//!
//! # Concurrency
//!
//! [`InMemoryEhr`] is a cheap `Clone` around an `Arc`: clones share one world. Each care unit
//! keeps its appointments behind one lock, held across the check and the insert of a booking,
//! so of several concurrent bookings of one slot exactly one succeeds. No lock is held across an
//! `.await`.
//!
//! # Patient data
//!
//! `Debug` of [`InMemoryEhr`] prints counts only; the domain types it returns redact personal
//! data at the leaves. Errors never carry patient data.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ehr::{self, EhrProfile};
use leyr_domain::ids::CareUnitId;
use leyr_domain::ports::Clock;
use leyr_domain::time::in_stockholm;

mod adapter;
mod clock;
pub mod confirmations;
pub mod dataset;
pub mod export;
pub mod faults;
mod random;
pub mod seed;
mod state;

pub use clock::ManualClock;
pub use confirmations::{
    ConfirmationKind, ConfirmationMessage, ConfirmationPurpose, ConfirmationRecord,
};
pub use dataset::{
    CareUnitData, Dataset, DatasetError, PatientDocument, PatientNote, ResourceData, WeekdaySlots,
};
pub use export::Change;
pub use faults::{Fault, FaultRate, Faults, Operation};
pub use random::SplitMix64;

/// The default of [`InMemoryEhrBuilder::slot_days`].
pub const DEFAULT_SLOT_DAYS: u32 = 60;

/// The default of [`InMemoryEhrBuilder::id_seed`].
pub const DEFAULT_ID_SEED: u64 = 0x1E74_0000_5EED_0001;

/// TakeCare through Leyr, in memory: implements every port of [`leyr_domain::ports`].
///
/// Cheap to clone; clones share one world, one clock and one fault plan. See the
/// [crate documentation](crate) for a tour.
#[derive(Clone)]
pub struct InMemoryEhr {
    inner: Arc<Inner>,
    /// Whether operations outside the profile are refused (see [`InMemoryEhr::unrestricted`]).
    enforces_profile: bool,
}

struct Inner {
    profile: &'static EhrProfile,
    clock: Arc<dyn Clock>,
    faults: Faults,
    ids: random::IdSource,
    confirmation_code: Option<ConfirmationCode>,
    confirmations: Mutex<confirmations::Confirmations>,
    world: state::World,
}

impl InMemoryEhr {
    /// The TakeCare sandbox seed (contract C32), dated relative to `clock`'s date in
    /// `Europe/Stockholm`, with [`DEFAULT_SLOT_DAYS`] days of slots.
    #[must_use]
    pub fn seeded(clock: Arc<dyn Clock>) -> Self {
        // The seed is fixed and loads without a problem (tested), so nothing can be left out.
        Self::builder().clock(clock).assemble().0
    }

    /// A builder, to choose the clock, the data, the id seed or a confirmation code.
    #[must_use]
    pub fn builder() -> InMemoryEhrBuilder {
        InMemoryEhrBuilder::default()
    }

    /// The fault plan: script failures, set failure rates or add latency.
    #[must_use]
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The EHR the fake plays.
    #[must_use]
    pub fn profile(&self) -> &'static EhrProfile {
        self.inner.profile
    }

    /// The clock the fake reads "now" from.
    #[must_use]
    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.inner.clock)
    }

    /// The confirmation codes "sent" to patients (§9.3), newest first, at most `limit`: what a
    /// test reads to play the patient. Only profiles that confirm by code send any; the log
    /// keeps the newest [`confirmations::MESSAGE_LOG_CAPACITY`].
    #[must_use]
    pub fn messages(&self, limit: usize) -> Vec<ConfirmationMessage> {
        self.confirmations().messages(limit)
    }

    /// Forgets every code waiting and every message sent.
    pub fn clear_messages(&self) {
        self.confirmations().clear();
    }

    /// A handle on the same world that does not refuse operations outside the profile: for a
    /// server that checks the profile itself, in its own order, and looks records up in ways
    /// the EHR's API lacks (the sandbox checks that a patient exists before booking, also on
    /// an EHR without "get patient"). Faults, typed-id checks and every other rule still apply.
    #[must_use]
    pub fn unrestricted(&self) -> InMemoryEhr {
        InMemoryEhr {
            inner: Arc::clone(&self.inner),
            enforces_profile: false,
        }
    }

    pub(crate) fn enforces_profile(&self) -> bool {
        self.enforces_profile
    }

    pub(crate) fn confirmations(&self) -> std::sync::MutexGuard<'_, confirmations::Confirmations> {
        self.inner
            .confirmations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn world(&self) -> &state::World {
        &self.inner.world
    }

    /// How many timeslots were loaded, over every care unit, free or held.
    #[must_use]
    pub fn timeslot_count(&self) -> usize {
        self.inner.world.timeslot_count()
    }
}

impl fmt::Debug for InMemoryEhr {
    // Counts only: never a name, a personnummer or a note.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let care_units: Vec<&str> = self
            .inner
            .world
            .units
            .iter()
            .map(|unit| unit.care_unit.id.as_str())
            .collect();
        f.debug_struct("InMemoryEhr")
            .field("profile", &self.inner.profile.code)
            .field("care_units", &care_units)
            .field("timeslots", &self.timeslot_count())
            .field("confirmation", &self.inner.confirmation_code.is_some())
            .field("faults", &self.inner.faults)
            .finish_non_exhaustive()
    }
}

/// Builds an [`InMemoryEhr`]. Every setting has a default:
///
/// | setting | default |
/// |---|---|
/// | [`clock`](Self::clock) | a [`ManualClock`] at 2025-01-06T07:00:00Z (Monday, 08:00 in Stockholm) |
/// | [`start_date`](Self::start_date) | the clock's date in `Europe/Stockholm` |
/// | [`slot_days`](Self::slot_days) | [`DEFAULT_SLOT_DAYS`] (60) |
/// | [`dataset`](Self::dataset) | [`seed::TAKECARE`]`.dataset(start_date, slot_days)` |
/// | [`id_seed`](Self::id_seed) | [`DEFAULT_ID_SEED`] |
/// | [`confirmation_code`](Self::confirmation_code) | none: bookings are `Booked` at once |
#[derive(Default)]
pub struct InMemoryEhrBuilder {
    profile: Option<&'static EhrProfile>,
    clock: Option<Arc<dyn Clock>>,
    start_date: Option<NaiveDate>,
    dataset: Option<Dataset>,
    slot_days: Option<u32>,
    id_seed: Option<u64>,
    confirmation_code: Option<ConfirmationCode>,
    track_changes: bool,
}

impl InMemoryEhrBuilder {
    /// The EHR the fake plays (default [`ehr::TAKECARE`]): its operations, `external_id` rule,
    /// typed ids and EHR-id minting, and its seed world ([`seed::world`]).
    #[must_use]
    pub fn profile(mut self, profile: &'static EhrProfile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// The clock the fake reads "now" from.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The day the seed's slots start and its history is dated from. Not used with
    /// [`dataset`](Self::dataset).
    #[must_use]
    pub fn start_date(mut self, start_date: NaiveDate) -> Self {
        self.start_date = Some(start_date);
        self
    }

    /// The data to start from, instead of the TakeCare seed.
    #[must_use]
    pub fn dataset(mut self, dataset: Dataset) -> Self {
        self.dataset = Some(dataset);
        self
    }

    /// How many days of slots the seed generates from the start date, weekends included. Not
    /// used with [`dataset`](Self::dataset).
    #[must_use]
    pub fn slot_days(mut self, slot_days: u32) -> Self {
        self.slot_days = Some(slot_days);
        self
    }

    /// The seed of the ids the fake issues while it runs.
    #[must_use]
    pub fn id_seed(mut self, id_seed: u64) -> Self {
        self.id_seed = Some(id_seed);
        self
    }

    /// Makes the EHR ask patients to confirm (contract C25): bookings are created
    /// `AwaitingConfirmation`, holding their slot, until confirmed with this code. For a
    /// profile that confirms by code (§9.3), this is the code every message carries instead of
    /// six seeded digits.
    #[must_use]
    pub fn confirmation_code(mut self, code: ConfirmationCode) -> Self {
        self.confirmation_code = Some(code);
        self
    }

    /// Remembers every record the world changes from now on, for
    /// [`InMemoryEhr::take_changes`]: what a store that keeps the world on disk reads after
    /// each write. Off by default (it costs a little memory per change until taken).
    #[must_use]
    pub fn track_changes(mut self) -> Self {
        self.track_changes = true;
        self
    }

    /// The fake, or the first problem found in the dataset: nothing is ever left out quietly.
    /// The TakeCare seed always builds; only a [`dataset`](Self::dataset) can fail.
    ///
    /// # Errors
    /// [`DatasetError`] when a record repeats an id or names a resource, service, patient or
    /// author the care unit does not list, when two held appointments of a resource overlap,
    /// or when the generator needs a service's duration and it has none.
    pub fn build(self) -> Result<InMemoryEhr, DatasetError> {
        self.try_build()
            .map_err(|mut problems| problems.swap_remove(0))
    }

    /// As [`build`](Self::build), with every problem of the dataset, in the order found.
    ///
    /// # Errors
    /// Every [`DatasetError`] found; never an empty list.
    pub fn try_build(self) -> Result<InMemoryEhr, Vec<DatasetError>> {
        match self.assemble() {
            (ehr, problems) if problems.is_empty() => Ok(ehr),
            (_, problems) => Err(problems),
        }
    }

    fn assemble(self) -> (InMemoryEhr, Vec<DatasetError>) {
        let clock = self
            .clock
            .unwrap_or_else(|| Arc::new(ManualClock::default()));
        let profile = self.profile.unwrap_or(&ehr::TAKECARE);
        let dataset = self.dataset.unwrap_or_else(|| {
            let start_date = self
                .start_date
                .unwrap_or_else(|| in_stockholm(&clock.now()).date_naive());
            // Every profile has a seed world (tested in `seed`).
            seed::world(profile.code)
                .map(|world| world.dataset(start_date, self.slot_days.unwrap_or(DEFAULT_SLOT_DAYS)))
                .unwrap_or_default()
        });
        let id_seed = self.id_seed.unwrap_or(DEFAULT_ID_SEED);
        let ids = random::IdSource::new(id_seed);
        let mut dataset = dataset;
        // Confirmations are restored once the appointments they name are loaded.
        let held: Vec<(CareUnitId, Vec<confirmations::ConfirmationRecord>)> = dataset
            .care_units
            .iter_mut()
            .map(|unit| {
                (
                    unit.care_unit.id.clone(),
                    std::mem::take(&mut unit.confirmations),
                )
            })
            .collect();
        let (world, mut problems) = state::load(dataset, &ids);
        let mut codes = confirmations::Confirmations::new(id_seed, self.confirmation_code.clone());
        for (care_unit, records) in held {
            let Some(unit) = world.unit(&care_unit) else {
                continue;
            };
            let records_lock = state::read(&unit.records);
            for record in records {
                let named = match &record.kind {
                    confirmations::ConfirmationKind::Booking => &record.appointment_id,
                    confirmations::ConfirmationKind::Cancellation { original, .. } => original,
                };
                if records_lock.position(named).is_none() {
                    problems.push(DatasetError::UnknownReference {
                        care_unit: care_unit.clone(),
                        entity: leyr_domain::error::Entity::Appointment,
                    });
                } else if !codes.restore(&care_unit, record) {
                    problems.push(DatasetError::Duplicate {
                        care_unit: care_unit.clone(),
                        entity: leyr_domain::error::Entity::Appointment,
                    });
                }
            }
        }
        codes.finish_restore();
        if self.track_changes {
            for unit in &world.units {
                state::write(&unit.patients).track_changes();
                state::write(&unit.records).track_changes();
            }
            codes.track_changes();
        }
        let inner = Inner {
            profile,
            clock,
            faults: Faults::new(),
            ids,
            confirmations: Mutex::new(codes),
            confirmation_code: self.confirmation_code,
            world,
        };
        (
            InMemoryEhr {
                inner: Arc::new(inner),
                enforces_profile: true,
            },
            problems,
        )
    }
}

impl fmt::Debug for InMemoryEhrBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryEhrBuilder")
            .field("profile", &self.profile.map(|profile| profile.code))
            .field("clock", &self.clock.as_ref().map(|clock| clock.now()))
            .field("start_date", &self.start_date)
            .field("dataset", &self.dataset)
            .field("slot_days", &self.slot_days)
            .field("id_seed", &self.id_seed)
            .field("confirmation", &self.confirmation_code.is_some())
            .field("track_changes", &self.track_changes)
            .finish()
    }
}
